//! What each subcommand does.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use domain::RowProblem;
use indicatif::{ProgressBar, ProgressStyle};
use interchange::InterchangeError;
use store::ImportRejected;
use tracing_subscriber::EnvFilter;

use crate::app;
use crate::cli::{AuditWhat, Cli, Command, DbArgs, DemoWhat, ExportWhat, ImportWhat};
use crate::config::{LogFormat, Secret, Settings};

/// Settings from defaults, the file, the environment, then the flags.
fn settings(cli: &Cli, db: &DbArgs) -> anyhow::Result<Settings> {
    let data_dir_hint = db.data_dir.clone();
    let mut settings = match &cli.config {
        Some(path) => Settings::from_file(path)?,
        None => {
            let dir = data_dir_hint.clone().unwrap_or_else(|| Settings::default().data_dir);
            let candidate = dir.join("satupintu.toml");
            if candidate.exists() { Settings::from_file(&candidate)? } else { Settings::default() }
        }
    };
    settings.apply_env(std::env::vars())?;
    if let Some(dir) = &db.data_dir {
        settings.data_dir = dir.clone();
    }
    if let Some(url) = &db.database_url {
        settings.database_url = Some(Secret::new(url.clone()));
    }
    Ok(settings)
}

fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    // Colour only on a terminal: log files and collectors get plain text.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the async runtime")
}

/// Runs a parsed command line; the exit code tells success.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let db = match &cli.command {
        Command::Serve { db, .. } | Command::Migrate { db } => db.clone(),
        Command::Import { what: ImportWhat::Catalog { db, .. } | ImportWhat::Agencies { db, .. } } => db.clone(),
        Command::Export { what: ExportWhat::Catalog { db, .. } } => db.clone(),
        Command::Search { db, .. }
        | Command::User { db, .. }
        | Command::Oidc { db, .. }
        | Command::Form { db, .. }
        | Command::Monitor { db, .. }
        | Command::Agency { db, .. }
        | Command::Outbox { db, .. }
        | Command::Apikey { db, .. }
        | Command::Gateway { db, .. }
        | Command::Assistant { db, .. }
        | Command::Evaluation { db, .. }
        | Command::Report { db, .. }
        | Command::Audit { db, .. } => db.clone(),
        Command::Demo { .. } => DbArgs::default(),
    };
    let mut settings = settings(&cli, &db)?;
    init_logging(settings.log_format);
    let rt = runtime()?;
    match cli.command {
        Command::Serve { listen, demo, .. } => {
            if let Some(listen) = listen {
                settings.listen = listen;
            }
            rt.block_on(serve(settings, demo))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate { .. } => {
            rt.block_on(async {
                let store = app::open_store(&settings).await?;
                println!("database schema is at version {}", store::Store::latest_schema_version());
                store.close().await;
                anyhow::Ok(())
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Import { what: ImportWhat::Catalog { file, .. } } => rt.block_on(import_catalog(&settings, &file)),
        Command::Import { what: ImportWhat::Agencies { file, .. } } => rt.block_on(import_agencies(&settings, &file)),
        Command::Export { what: ExportWhat::Catalog { file, .. } } => {
            rt.block_on(export_catalog(&settings, &file))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Search { what, .. } => rt.block_on(crate::search_cli::run(&settings, what)),
        Command::User { what, .. } => rt.block_on(crate::user_cli::run(&settings, what)),
        Command::Oidc { what, .. } => rt.block_on(crate::oidc_cli::run(&settings, what)),
        Command::Form { what, .. } => rt.block_on(crate::form_cli::run(&settings, what)),
        Command::Monitor { what, .. } => rt.block_on(crate::monitor_cli::run(&settings, what)),
        Command::Agency { what, .. } => rt.block_on(crate::delivery_cli::agency(&settings, what)),
        Command::Outbox { what, .. } => rt.block_on(crate::delivery_cli::outbox(&settings, what)),
        Command::Apikey { what, .. } => rt.block_on(crate::apikey_cli::run(&settings, what)),
        Command::Gateway { what, .. } => rt.block_on(crate::gateway_cli::run(&settings, what)),
        Command::Assistant { what, .. } => rt.block_on(crate::assistant_cli::run(&settings, what)),
        Command::Evaluation { what, .. } => rt.block_on(crate::evaluation_cli::run(&settings, what)),
        Command::Report { what, .. } => rt.block_on(crate::evaluation_cli::report(&settings, what)),
        Command::Audit { what: AuditWhat::Verify, .. } => rt.block_on(audit_verify(&settings)),
        Command::Demo { what: DemoWhat::Generate { services, file } } => {
            crate::generate::generate(services, &file)?;
            println!("wrote {services} services to {}", file.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn serve(settings: Settings, demo: bool) -> anyhow::Result<()> {
    let built = app::build(&settings, demo).await?;
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("listening on {}", settings.listen))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, backend = ?built.store.backend(), "satupintu is serving on http://{address}");
    app::serve(built, listener, Duration::from_secs(settings.shutdown_grace_seconds), app::shutdown_signal()).await
}

pub(crate) fn print_problems(problems: &[RowProblem]) {
    for problem in problems {
        eprintln!("{problem}");
    }
    eprintln!("{} problem(s); nothing was imported.", problems.len());
}

pub(crate) fn progress_bar(len: usize) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} baris ({eta})") {
        bar.set_style(style);
    }
    bar
}

async fn import_catalog(settings: &Settings, file: &Path) -> anyhow::Result<ExitCode> {
    let entries = match interchange::read_catalog(file, Utc::now()) {
        Ok(entries) => entries,
        Err(InterchangeError::Problems(problems)) => {
            print_problems(&problems);
            return Ok(ExitCode::FAILURE);
        }
        Err(e) => return Err(e).with_context(|| format!("reading {}", file.display())),
    };
    let store = app::open_store(settings).await?;
    let bar = progress_bar(entries.len());
    let source = file.display().to_string();
    let result = store.import_catalog_by("cli", &source, &entries, Utc::now(), |n| bar.set_position(n as u64)).await;
    bar.finish_and_clear();
    store.close().await;
    match result {
        Ok(outcome) => {
            println!(
                "imported {} rows: {} new, {} updated, {} unchanged, {} status changes, {} new agencies",
                entries.len(),
                outcome.created,
                outcome.updated,
                outcome.unchanged,
                outcome.status_changes,
                outcome.agencies_created
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(ImportRejected::Problems(problems)) => {
            print_problems(&problems);
            Ok(ExitCode::FAILURE)
        }
        Err(ImportRejected::Store(e)) => Err(e).context("importing"),
    }
}

async fn audit_verify(settings: &Settings) -> anyhow::Result<ExitCode> {
    let store = app::open_store(settings).await?;
    let (entries, (seq, hash)) = store.audit_log().await?;
    store.close().await;
    match domain::audit::verify_chain(&entries, (seq, &hash)) {
        Ok(n) => {
            println!("audit log intact: {n} entries");
            Ok(ExitCode::SUCCESS)
        }
        Err(broken) => {
            eprintln!("{broken}");
            Ok(ExitCode::FAILURE)
        }
    }
}

async fn import_agencies(settings: &Settings, file: &Path) -> anyhow::Result<ExitCode> {
    let agencies = match interchange::read_agencies(file) {
        Ok(agencies) => agencies,
        Err(InterchangeError::Problems(problems)) => {
            print_problems(&problems);
            return Ok(ExitCode::FAILURE);
        }
        Err(e) => return Err(e).with_context(|| format!("reading {}", file.display())),
    };
    let store = app::open_store(settings).await?;
    store.upsert_agencies(&agencies).await?;
    store.close().await;
    println!("imported {} agencies", agencies.len());
    Ok(ExitCode::SUCCESS)
}

async fn export_catalog(settings: &Settings, file: &Path) -> anyhow::Result<()> {
    let store = app::open_store(settings).await?;
    let services = store.all_services().await?;
    store.close().await;
    interchange::write_catalog(file, &services).with_context(|| format!("writing {}", file.display()))?;
    println!("exported {} services to {}", services.len(), file.display());
    Ok(())
}
