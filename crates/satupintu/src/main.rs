use std::process::ExitCode;

use clap::Parser;
use satupintu::cli::Cli;

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
