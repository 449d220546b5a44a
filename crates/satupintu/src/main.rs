use std::process::ExitCode;

use clap::Parser;
use satupintu::cli::Cli;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match satupintu::commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("satupintu: {e:#}");
            ExitCode::FAILURE
        }
    }
}
