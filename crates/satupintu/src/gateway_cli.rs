//! `satupintu gateway route add|list|remove` and `satupintu gateway verify-log`.

use std::process::ExitCode;

use chrono::Utc;
use serde_json::json;
use store::gateway::{NewRoute, RouteError};

use crate::app;
use crate::cli::{GatewayWhat, RouteWhat};
use crate::config::Settings;

pub async fn run(settings: &Settings, what: GatewayWhat) -> anyhow::Result<ExitCode> {
    match what {
        GatewayWhat::Route { what: RouteWhat::Add { code, upstream, timeout_ms, max_body_mb, json } } => {
            add(settings, &code.to_ascii_uppercase(), &upstream, timeout_ms, max_body_mb, json).await
        }
        GatewayWhat::Route { what: RouteWhat::List } => {
            let store = app::open_store(settings).await?;
            let routes = store.gateway_routes().await;
            store.close().await;
            for r in routes? {
                println!(
                    "{:<24} {}  timeout {} ms  max {} MiB  {}",
                    r.service_code,
                    r.upstream,
                    r.timeout_ms,
                    r.max_body_bytes / (1024 * 1024),
                    if r.enabled { "on" } else { "off" }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        GatewayWhat::Route { what: RouteWhat::Remove { code } } => {
            let code = code.to_ascii_uppercase();
            let store = app::open_store(settings).await?;
            let removed = store.remove_gateway_route(&code, Utc::now()).await;
            store.close().await;
            if removed? {
                println!("{code} is no longer behind the gateway (running servers stop within seconds)");
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("no gateway route {code}");
                Ok(ExitCode::FAILURE)
            }
        }
        GatewayWhat::VerifyLog => {
            let store = app::open_store(settings).await?;
            let log = store.gateway_log().await;
            store.close().await;
            let (entries, (seq, hash)) = log?;
            match domain::gateway_log::verify_chain(&entries, (seq, &hash)) {
                Ok(n) => {
                    println!("gateway access log intact: {n} calls");
                    Ok(ExitCode::SUCCESS)
                }
                Err(broken) => {
                    eprintln!("gateway access log broken at call {}: {}", broken.seq, broken.reason);
                    Ok(ExitCode::FAILURE)
                }
            }
        }
    }
}

async fn add(
    settings: &Settings,
    code: &str,
    upstream: &str,
    timeout_ms: u64,
    max_body_mb: u64,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let parsed = url::Url::parse(upstream).map_err(|e| anyhow::anyhow!("--upstream: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        eprintln!("--upstream must be an http:// or https:// URL with a host");
        return Ok(ExitCode::FAILURE);
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        eprintln!("--upstream takes a base URL without ?query or #fragment");
        return Ok(ExitCode::FAILURE);
    }
    if timeout_ms == 0 || max_body_mb == 0 {
        eprintln!("--timeout-ms and --max-body-mb must be above zero");
        return Ok(ExitCode::FAILURE);
    }
    let (secret, sealed) = web::auth::seal::Sealer::new(&settings.nik_key()?)
        .new_secret(&web::gateway::seal_owner(code))
        .ok_or_else(|| anyhow::anyhow!("no randomness or sealing failed"))?;
    let new = NewRoute {
        service_code: code,
        upstream: parsed.as_str().trim_end_matches('/'),
        timeout_ms: i64::try_from(timeout_ms).unwrap_or(i64::MAX),
        max_body_bytes: i64::try_from(max_body_mb.saturating_mul(1024 * 1024)).unwrap_or(i64::MAX),
        secret_sealed: &sealed,
    };
    let store = app::open_store(settings).await?;
    let result = store.set_gateway_route(&new, Utc::now()).await;
    store.close().await;
    match result {
        Ok(()) => {
            if json {
                println!("{}", json!({"app": code, "upstream": new.upstream, "secret": secret}));
            } else {
                println!("/gw/{code}/ goes to {}", new.upstream);
                println!("secret: {secret}");
                println!("(shown once: it signs the X-Satupintu-* identity headers the application receives)");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(RouteError::NoService) => {
            eprintln!("no service {code} in the catalog");
            Ok(ExitCode::FAILURE)
        }
        Err(RouteError::NotApi(mode)) => {
            eprintln!("{code} is in integration mode {mode}; only api-mode applications go behind the gateway");
            Ok(ExitCode::FAILURE)
        }
        Err(RouteError::Store(e)) => Err(e.into()),
    }
}
