//! `satupintu apikey add|list|limit|revoke`: keys for the applications that file Open311
//! reports and for gateway consumers (with their rate and the applications they may call).

use std::process::ExitCode;

use chrono::Utc;
use store::audit::Change;

use crate::app;
use crate::cli::ApikeyWhat;
use crate::config::Settings;

pub async fn run(settings: &Settings, what: ApikeyWhat) -> anyhow::Result<ExitCode> {
    let store = app::open_store(settings).await?;
    let result = match what {
        ApikeyWhat::Add { name, rate_per_minute, apps } => {
            let name = domain::text::tidy(&name);
            if name.is_empty() || name.chars().count() > 100 {
                eprintln!("--name: give who the key is for (1 to 100 characters)");
                store.close().await;
                return Ok(ExitCode::FAILURE);
            }
            let (key, hash) = web::api_keys::generate().ok_or_else(|| anyhow::anyhow!("no randomness available"))?;
            let id = store.add_api_key(&name, &hash, Utc::now()).await?;
            let apps = app_codes(&apps);
            store.set_api_key_gateway(&id, rate_per_minute.map(i64::from), apps.as_deref()).await?;
            let after =
                serde_json::json!({ "name": name, "rate_per_minute": rate_per_minute, "apps": apps }).to_string();
            store
                .audit(&Change { actor: "cli", action: "api_key.add", target: &id, before: String::new(), after })
                .await?;
            eprintln!("key {id} for {name}; keep it secret, it is shown only now:");
            println!("{key}");
            Ok(ExitCode::SUCCESS)
        }
        ApikeyWhat::List => {
            let limits: std::collections::HashMap<String, store::gateway::GatewayConsumer> =
                store.gateway_consumers().await?.into_iter().map(|c| (c.id.clone(), c)).collect();
            for key in store.api_keys().await? {
                let state = match key.revoked_at {
                    Some(at) => format!("revoked {}", at.format("%Y-%m-%d %H:%M")),
                    None => "active".to_string(),
                };
                let limit = limits.get(&key.id);
                let rate = limit
                    .and_then(|l| l.rate_per_minute)
                    .map_or_else(|| "default rate".to_string(), |r| format!("{r}/min"));
                let apps = limit.and_then(|l| l.apps.as_ref()).map_or_else(|| "all apps".to_string(), |a| a.join(","));
                println!(
                    "{}  {:<20} made {}  {:<12} {:<16} {}",
                    key.id,
                    state,
                    key.created_at.format("%Y-%m-%d %H:%M"),
                    rate,
                    apps,
                    key.name
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        ApikeyWhat::Limit { id, rate_per_minute, apps } => {
            let apps = app_codes(&apps);
            if store.set_api_key_gateway(&id, rate_per_minute.map(i64::from), apps.as_deref()).await? {
                let after = serde_json::json!({ "rate_per_minute": rate_per_minute, "apps": apps }).to_string();
                let change =
                    Change { actor: "cli", action: "api_key.limit", target: &id, before: String::new(), after };
                store.audit(&change).await?;
                println!("{id}: limits set (running servers use them within 10 seconds)");
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("no active key {id}");
                Ok(ExitCode::FAILURE)
            }
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

/// Service codes as stored (upper case); no codes means every application.
fn app_codes(apps: &[String]) -> Option<Vec<String>> {
    (!apps.is_empty()).then(|| apps.iter().map(|a| a.trim().to_ascii_uppercase()).collect())
}
