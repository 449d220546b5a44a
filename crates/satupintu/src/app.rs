//! Start-up and shutdown, in the library so tests start exactly what `serve` starts.
//!
//! Order: configuration is already validated; open the database and migrate; load the demo
//! if asked; build the service; bind; serve until the shutdown future resolves; drain.

use std::future::Future;
use std::time::Duration;

use anyhow::Context;
use store::Store;
use tokio::net::TcpListener;
use web::{AppState, WebSettings};

use crate::config::Settings;
use crate::demo::{self, DemoOutcome};
use crate::server::ConnectionLimits;

/// Opens the configured database and brings its schema up to date.
pub async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    let url = settings.database_url();
    if settings.database_url.is_none() {
        std::fs::create_dir_all(&settings.data_dir)
            .with_context(|| format!("creating data folder {}", settings.data_dir.display()))?;
    }
    let store = Store::connect(&url).await.context("opening the database")?;
    let ran = store.migrate().await.context("migrating the database")?;
    if ran > 0 {
        tracing::info!(migrations = ran, "database schema updated");
    }
    Ok(store)
}

/// A ready-to-serve application.
pub struct App {
    pub store: Store,
    /// Every route, with the gateway's calls going around the router.
    pub service: web::Service,
    /// What a client may take before its connection is closed.
    pub limits: ConnectionLimits,
}

/// Builds the application: database, optional demo city, service.
pub async fn build(settings: &Settings, load_demo: bool) -> anyhow::Result<App> {
    let store = open_store(settings).await?;
    if load_demo {
        match demo::load(&store).await.context("loading the demo city")? {
            DemoOutcome::Loaded { agencies, services } => {
                tracing::info!(agencies, services, "demo city loaded (sample data)");
            }
            DemoOutcome::AlreadyPopulated => {
                tracing::info!("catalog already has data; demo city not loaded")
            }
        }
    }
    let nik_key = settings.nik_key()?;
    let channels = crate::channels::configured(settings)?;
    let web_settings = WebSettings {
        city_name: settings.city_name.clone(),
        programme_target: settings.programme.target,
        programme_target_year: settings.programme.target_year,
        demo: demo::is_loaded(&store).await?,
        secure_cookies: settings.secure_cookies,
        trusted_proxies: settings.trusted_proxies.clone(),
        sealer: web::auth::seal::Sealer::new(&nik_key),
        access_key: web::oidc::access::AccessKey::derive(&nik_key),
        public_url: settings.public_url.clone(),
        files_dir: settings.data_dir.join("berkas"),
        tracking_prefix: domain::request::TrackingPrefix::parse(&settings.tracking_prefix)
            .map_err(|e| anyhow::anyhow!("tracking_prefix: {e}"))?,
        assistant_name: settings.assistant_name.clone(),
        telegram: channels.telegram.as_ref().map(|(hook, _)| hook.clone()),
        whatsapp: channels.whatsapp.as_ref().map(|(hook, _)| hook.clone()),
        gateway: settings.gateway.to_web(),
    };
    match &settings.smtp_url {
        Some(url) => {
            let mailer = crate::mailer::Mailer::new(url.expose(), &settings.mail_from)?;
            tokio::spawn(mailer.run(store.clone()));
        }
        None => tracing::warn!("no smtp_url: e-mails wait in the outbox until one is configured"),
    }
    tokio::spawn(crate::janitor::run(store.clone()));
    let policy = crate::delivery::Policy {
        retry_base: chrono::Duration::milliseconds(i64::try_from(settings.delivery_retry_base_ms).unwrap_or(i64::MAX)),
        give_up_after: chrono::Duration::minutes(i64::try_from(settings.delivery_give_up_minutes).unwrap_or(i64::MAX)),
    };
    let deliverer = crate::delivery::Deliverer::new(web::auth::seal::Sealer::new(&nik_key), policy)?;
    tokio::spawn(deliverer.run(store.clone()));
    if settings.monitor_checks {
        let monitor = crate::monitor::Monitor::new(settings)?;
        tokio::spawn(monitor.run(store.clone()));
    }
    // Monitoring alerts to Telegram need only the bot's token, not Talas's webhook.
    let alert_bot = match (&channels.telegram, &settings.telegram_bot_token, &settings.monitor_telegram_chat_id) {
        (None, Some(token), Some(_)) if !token.expose().trim().is_empty() => Some(crate::channels::TelegramApi {
            base: settings.telegram_api_base.clone(),
            token: token.expose().trim().to_string(),
        }),
        _ => None,
    };
    if settings.monitor_telegram_chat_id.is_some() && channels.telegram.is_none() && alert_bot.is_none() {
        tracing::warn!("monitor_telegram_chat_id is set but telegram_bot_token is not: alerts wait in the outbox");
    }
    if channels.telegram.is_some() || channels.whatsapp.is_some() || alert_bot.is_some() {
        let telegram = channels.telegram.map(|(_, api)| api).or(alert_bot);
        let whatsapp = channels.whatsapp.map(|(_, api)| api);
        tracing::info!(telegram = telegram.is_some(), whatsapp = whatsapp.is_some(), "Talas chat channels on");
        let sender = crate::channels::ChannelSender::new(policy, telegram, whatsapp)?;
        tokio::spawn(sender.run(store.clone()));
    }
    let state = AppState::new(store.clone(), web_settings).await.context("starting search")?;
    let service = web::Service::new(state);
    let limits = ConnectionLimits {
        header_timeout: Duration::from_secs(settings.header_timeout_seconds.max(1)),
        stall_timeout: Duration::from_secs(settings.stall_timeout_seconds.max(1)),
    };
    Ok(App { store, service, limits })
}

/// Serves until `shutdown` resolves, then lets requests in flight finish (bounded by the
/// grace period) and closes the database.
pub async fn serve(
    app: App,
    listener: TcpListener,
    grace: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut drain_rx = stop_rx.clone();
    let server = crate::server::run(listener, app.service, app.limits, async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    });
    let server = tokio::spawn(server);
    let result = tokio::select! {
        joined = server => joined.context("server task")?.context("server"),
        // After the signal, give requests in flight the grace period, then stop anyway.
        _ = async {
            let _ = drain_rx.wait_for(|stopped| *stopped).await;
            tokio::time::sleep(grace).await;
        } => {
            tracing::warn!("requests still running after the grace period; stopping");
            Ok(())
        }
    };
    drop(stop_rx);
    app.store.close().await;
    tracing::info!("stopped");
    result
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received; draining");
}
