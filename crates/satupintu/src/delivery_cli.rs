//! `satupintu agency endpoint …` and `satupintu outbox dead|resend`.

use std::process::ExitCode;

use chrono::Utc;
use serde_json::json;

use crate::app;
use crate::cli::{AgencyWhat, OutboxWhat};
use crate::config::Settings;

pub async fn agency(settings: &Settings, what: AgencyWhat) -> anyhow::Result<ExitCode> {
    let AgencyWhat::Endpoint { agency, url, json } = what;
    let agency = agency.to_uppercase();
    let parsed = url::Url::parse(&url).map_err(|e| anyhow::anyhow!("--url: {e}"))?;
    let local = matches!(parsed.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    if parsed.scheme() != "https" && !(parsed.scheme() == "http" && local) {
        eprintln!("--url must be https (plain http only for 127.0.0.1 or localhost)");
        return Ok(ExitCode::FAILURE);
    }
    let (secret, sealed) = web::auth::seal::Sealer::new(&settings.nik_key()?)
        .new_secret(&web::hooks::seal_owner(&agency))
        .ok_or_else(|| anyhow::anyhow!("no randomness or sealing failed"))?;
    let store = app::open_store(settings).await?;
    let result = match store.set_agency_endpoint(&agency, &url, &sealed, Utc::now()).await {
        Ok(()) => {
            if json {
                println!("{}", json!({"agency": agency, "url": url, "secret": secret}));
            } else {
                println!("{agency} receives requests at {url}");
                println!("secret: {secret}");
                println!("(shown once: it signs deliveries, and the agency signs its status reports with it)");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(store::StoreError::NotFound) => {
            eprintln!("no agency {agency}");
            Ok(ExitCode::FAILURE)
        }
        Err(e) => Err(e.into()),
    };
    store.close().await;
    result
}

pub async fn outbox(settings: &Settings, what: OutboxWhat) -> anyhow::Result<ExitCode> {
    let store = app::open_store(settings).await?;
    let result = match what {
        OutboxWhat::Dead => {
            for letter in store.dead_letters("agency").await? {
                println!(
                    "{}  {:<16} {:>3} attempts  since {}  {}",
                    letter.id,
                    letter.target.unwrap_or_default(),
                    letter.attempts,
                    letter.created_at.format("%Y-%m-%d %H:%M"),
                    letter.last_error.unwrap_or_default()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        OutboxWhat::Resend { id } => {
            if store.resend_dead(&id, "cli", Utc::now()).await? {
                println!("{id} will be delivered again");
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("{id} is not a dead letter");
                Ok(ExitCode::FAILURE)
            }
        }
    };
    store.close().await;
    result
}
