//! `satupintu apikey add|list|revoke`: keys for the applications that file Open311 reports.

use std::process::ExitCode;

use chrono::Utc;
use store::audit::Change;

use crate::app;
use crate::cli::ApikeyWhat;
use crate::config::Settings;

pub async fn run(settings: &Settings, what: ApikeyWhat) -> anyhow::Result<ExitCode> {
    let store = app::open_store(settings).await?;
    let result = match what {
        ApikeyWhat::Add { name } => {
            let name = domain::text::tidy(&name);
            if name.is_empty() || name.chars().count() > 100 {
                eprintln!("--name: give who the key is for (1 to 100 characters)");
                store.close().await;
                return Ok(ExitCode::FAILURE);
            }
            let (key, hash) = web::api_keys::generate().ok_or_else(|| anyhow::anyhow!("no randomness available"))?;
            let id = store.add_api_key(&name, &hash, Utc::now()).await?;
            let after = serde_json::json!({ "name": name }).to_string();
            store
                .audit(&Change { actor: "cli", action: "api_key.add", target: &id, before: String::new(), after })
                .await?;
            eprintln!("key {id} for {name}; keep it secret, it is shown only now:");
            println!("{key}");
            Ok(ExitCode::SUCCESS)
        }
        ApikeyWhat::List => {
            for key in store.api_keys().await? {
                let state = match key.revoked_at {
                    Some(at) => format!("revoked {}", at.format("%Y-%m-%d %H:%M")),
                    None => "active".to_string(),
                };
                println!("{}  {:<20} made {}  {}", key.id, state, key.created_at.format("%Y-%m-%d %H:%M"), key.name);
            }
            Ok(ExitCode::SUCCESS)
        }
        ApikeyWhat::Revoke { id } => {
            if store.revoke_api_key(&id, Utc::now()).await? {
                let change = Change {
                    actor: "cli",
                    action: "api_key.revoke",
                    target: &id,
                    before: String::new(),
                    after: String::new(),
                };
                store.audit(&change).await?;
                println!("{id} revoked");
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("no active key {id}");
                Ok(ExitCode::FAILURE)
            }
        }
    };
    store.close().await;
    result
}
