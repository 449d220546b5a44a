//! Hourly housekeeping: expired OIDC codes and refresh tokens, ended sessions, the
//! chat webhooks' record of handled updates, health-check results older than a week and
//! roll-ups older than a year leave the database (they stop mattering at
//! expiry anyway; this keeps the tables small).

use std::time::Duration;

use chrono::Utc;
use store::Store;

const EVERY: Duration = Duration::from_secs(3600);
/// WhatsApp retries a notification for up to seven days; Telegram for less.
const KEEP_UPDATES: chrono::Duration = chrono::Duration::days(8);

/// Runs until the store closes. Several processes may run it; the deletes are idempotent.
pub async fn run(store: Store) {
    let mut tick = tokio::time::interval(EVERY);
    loop {
        tick.tick().await;
        if store.is_closed() {
            break;
        }
        sweep(&store).await;
    }
}

async fn sweep(store: &Store) {
    let now = Utc::now();
    match store.purge_expired_oidc(now).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(removed = n, "expired OIDC codes and tokens removed"),
        Err(e) => tracing::warn!(error = %e, "removing expired OIDC codes and tokens failed"),
    }
    match store.purge_expired_sessions(now, web::auth::session::IDLE).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(removed = n, "ended sessions removed"),
        Err(e) => tracing::warn!(error = %e, "removing ended sessions failed"),
    }
    match store.prune_health(now.timestamp()).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(removed = n, "old health-check results and roll-ups removed"),
        Err(e) => tracing::warn!(error = %e, "removing old health-check results failed"),
    }
    match store.purge_channel_updates(now - KEEP_UPDATES).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(removed = n, "old chat webhook updates forgotten"),
        Err(e) => tracing::warn!(error = %e, "forgetting old chat webhook updates failed"),
    }
}
