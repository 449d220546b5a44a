//! The monitoring worker: every second it claims the checks that are due, runs them with
//! bounded concurrency, judges them by their conditions, and records the result, the
//! roll-ups, incidents and alerts in one transaction per result.
//!
//! Checks are spread over their interval by a stable hash of the service id
//! (`domain::monitoring::next_run`), so a thousand checks at a 60-second interval are about
//! seventeen a second, never a thousand at the top of the minute. Claims are conditional
//! updates in the database, so several processes may run the worker.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use domain::monitoring::{Condition, HealthState, Observation, Thresholds, Transition, next_run, reminder_due};
use store::Store;
use store::monitoring::{CheckRecord, DueCheck, OutboxItem};
use tokio::sync::Semaphore;

use crate::config::Settings;

/// How often the worker looks for due checks.
const TICK: Duration = Duration::from_secs(1);
/// How often defaults are made for newly integrated applications.
const SYNC_EVERY: Duration = Duration::from_secs(60);
/// Conditions read at most this much of a body: enough for a health JSON or a page's title,
/// and a slow or huge page costs nothing more.
const MAX_BODY: usize = 64 * 1024;
/// A claim outlives the check's timeout by this much before another worker may take it.
const CLAIM_SLACK_SECS: i64 = 30;

/// Where alerts go, and how often they repeat.
#[derive(Debug, Clone, Default)]
pub struct Alerts {
    pub emails: Vec<String>,
    pub telegram_chat_id: Option<String>,
    /// Seconds between reminders while an incident stays open (0: none).
    pub repeat_secs: i64,
    /// The portal's address, for the status page link.
    pub public_url: String,
}

pub struct Monitor {
    client: reqwest::Client,
    permits: Arc<Semaphore>,
    concurrency: usize,
    thresholds: Thresholds,
    alerts: Alerts,
}

/// The days left on a DER certificate at `now` (Unix seconds), rounded down.
pub fn certificate_days(der: &[u8], now: i64) -> Option<i64> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    Some((cert.validity().not_after.timestamp() - now).div_euclid(86_400))
}

/// A network error in a few words, without the URL (it may carry credentials).
fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "batas waktu habis".into()
    } else if e.is_connect() {
        // The source chain says refused, unknown host or a TLS failure.
        let mut cause = String::new();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            cause = s.to_string();
            source = s.source();
        }
        format!("tidak tersambung: {cause}")
    } else {
        format!("galat: {}", e.without_url_ref())
    }
}

trait WithoutUrl {
    fn without_url_ref(&self) -> String;
}

impl WithoutUrl for reqwest::Error {
    fn without_url_ref(&self) -> String {
        let text = self.to_string();
        match self.url() {
            Some(url) => text.replace(url.as_str(), "…"),
            None => text,
        }
    }
}

impl Monitor {
    pub fn new(settings: &Settings) -> anyhow::Result<Self> {
        // rustls with ring: installed once for the process (a second install is a no-op).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder()
            .tls_info(true)
            .user_agent(concat!("satupintu-monitor/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .pool_idle_timeout(Duration::from_secs(90));
        if let Some(path) = &settings.monitor_extra_roots {
            let pem =
                std::fs::read(path).with_context(|| format!("monitor_extra_roots: reading {}", path.display()))?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem)
                .with_context(|| format!("monitor_extra_roots: {} is not PEM certificates", path.display()))?;
            builder = builder.tls_certs_merge(certs);
        }
        let concurrency = settings.monitor_concurrency.max(1);
        Ok(Self {
            client: builder.build()?,
            permits: Arc::new(Semaphore::new(concurrency)),
            concurrency,
            thresholds: Thresholds {
                open_after: settings.monitor_open_after,
                close_after: settings.monitor_close_after,
            },
            alerts: Alerts {
                emails: settings.monitor_alert_emails.clone(),
                telegram_chat_id: settings.monitor_telegram_chat_id.clone().filter(|c| !c.trim().is_empty()),
                repeat_secs: i64::try_from(settings.monitor_alert_repeat_hours.saturating_mul(3_600))
                    .unwrap_or(i64::MAX),
                public_url: settings.public_url.clone(),
            },
        })
    }

    /// Calls the check's URL and says what came back.
    pub async fn observe(&self, url: &str, timeout_ms: u64, now: i64) -> (Observation, Option<String>) {
        let started = Instant::now();
        let elapsed = |started: Instant| u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let request = self.client.get(url).timeout(Duration::from_millis(timeout_ms));
        let mut response = match request.send().await {
            Ok(response) => response,
            Err(e) => {
                let seen = Observation { status: None, response_ms: elapsed(started), ..Observation::default() };
                return (seen, Some(describe(&e)));
            }
        };
        let certificate_days = response
            .extensions()
            .get::<reqwest::tls::TlsInfo>()
            .and_then(|info| info.peer_certificate())
            .and_then(|der| certificate_days(der, now));
        let status = response.status().as_u16();
        let mut body = Vec::new();
        let mut error = None;
        while body.len() < MAX_BODY {
            match response.chunk().await {
                Ok(Some(chunk)) => body.extend_from_slice(&chunk[..chunk.len().min(MAX_BODY - body.len())]),
                Ok(None) => break,
                Err(e) => {
                    error = Some(describe(&e));
                    break;
                }
            }
        }
        let seen = Observation { status: Some(status), response_ms: elapsed(started), body, certificate_days };
        (seen, error)
    }

    /// Judges an observation: the first condition that does not hold is the error.
    fn judge(conditions: &[Condition], seen: &Observation, error: Option<String>) -> (bool, Option<String>) {
        if let Some(error) = error {
            return (false, Some(error));
        }
        match conditions.iter().find(|c| !c.holds(seen)) {
            Some(failed) => {
                let detail = match failed {
                    Condition::Status(..) => format!(" (status {})", seen.status.unwrap_or_default()),
                    Condition::ResponseTime(..) => format!(" ({} ms)", seen.response_ms),
                    Condition::CertificateDays(..) => {
                        seen.certificate_days.map(|d| format!(" ({d} hari)")).unwrap_or_default()
                    }
                    _ => String::new(),
                };
                (false, Some(format!("tidak terpenuhi: {failed}{detail}")))
            }
            None => (true, None),
        }
    }

    /// Runs one claimed check and records it.
    pub async fn run_one(&self, store: &Store, check: DueCheck, now: i64) -> Result<(), store::StoreError> {
        let conditions: Result<Vec<Condition>, _> = check.conditions.iter().map(|c| Condition::parse(c)).collect();
        let (seen, error) = match conditions {
            Ok(_) => self.observe(&check.url, check.timeout_ms, now).await,
            Err(ref e) => (Observation::default(), Some(e.to_string())),
        };
        let (ok, error) = Self::judge(conditions.as_deref().unwrap_or_default(), &seen, error);
        let at = now + i64::try_from(seen.response_ms / 1_000).unwrap_or(0);
        let record = self.decide(&check, ok, error, &seen, at);
        record_metrics(&check.code, ok, seen.response_ms);
        store.record_check(&check, &record).await
    }

    /// The state machine and alert policy for one result.
    fn decide(&self, check: &DueCheck, ok: bool, error: Option<String>, seen: &Observation, at: i64) -> CheckRecord {
        let mut state: HealthState = check.state;
        let transition = state.record(ok, self.thresholds);
        let alert = match (transition, &check.incident) {
            (Transition::Opened, _) => Some(crate::monitor_alerts::Event::Opened),
            (Transition::Closed, Some(incident)) => {
                Some(crate::monitor_alerts::Event::Closed { duration_secs: at - incident.opened_at })
            }
            (Transition::None, Some(incident))
                if state.down && reminder_due(incident.last_alert_at, at, self.alerts.repeat_secs) =>
            {
                Some(crate::monitor_alerts::Event::StillDown {
                    since: incident.opened_at,
                    duration_secs: at - incident.opened_at,
                })
            }
            _ => None,
        };
        let alerts: Vec<OutboxItem> = alert
            .map(|event| crate::monitor_alerts::messages(&self.alerts, check, &event, error.as_deref()))
            .unwrap_or_default();
        CheckRecord {
            at,
            ok,
            status: seen.status,
            response_ms: seen.response_ms,
            error,
            certificate_days: seen.certificate_days,
            state,
            transition,
            next_run_at: next_run(&check.service_id, check.interval_secs, at + 1),
            alerts,
        }
    }

    fn claim_until(now: i64) -> i64 {
        // The longest timeout accepted is a minute (`CheckSpec::build`).
        now + 60 + CLAIM_SLACK_SECS
    }

    /// Claims the checks due by `due_by` and runs them all at `now`, waiting for the last
    /// (tests and the command line; the worker does not wait).
    pub async fn run_due(self: &Arc<Self>, store: &Store, now: i64, due_by: i64) -> anyhow::Result<usize> {
        let worker = format!("monitor-{}", std::process::id());
        let claimed = store.claim_due_checks(&worker, due_by, Self::claim_until(now), 10_000).await?;
        let count = claimed.len();
        let mut tasks = tokio::task::JoinSet::new();
        for check in claimed {
            let permit = self.permits.clone().acquire_owned().await?;
            let (me, store) = (self.clone(), store.clone());
            tasks.spawn(async move {
                let _permit = permit;
                me.run_one(&store, check, now).await
            });
        }
        while let Some(done) = tasks.join_next().await {
            done??;
        }
        Ok(count)
    }

    /// Runs until the store closes.
    pub async fn run(self, store: Store) {
        let me = Arc::new(self);
        let worker = format!("monitor-{}", std::process::id());
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut last_sync: Option<Instant> = None;
        loop {
            tick.tick().await;
            if store.is_closed() {
                return;
            }
            let now = chrono::Utc::now().timestamp();
            if last_sync.is_none_or(|at| at.elapsed() >= SYNC_EVERY) {
                last_sync = Some(Instant::now());
                match store.sync_default_checks(now).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(added = n, "default health checks added from the catalog"),
                    Err(e) => tracing::warn!(error = %e, "health checks not synced with the catalog"),
                }
            }
            // Claim no more than can start now: the rest stay due for the next tick (or
            // another worker) instead of waiting claimed behind a full semaphore.
            let free = me.permits.available_permits().min(me.concurrency);
            if free == 0 {
                continue;
            }
            let claimed = match store
                .claim_due_checks(&worker, now, Self::claim_until(now), i64::try_from(free).unwrap_or(1))
                .await
            {
                Ok(claimed) => claimed,
                Err(e) => {
                    tracing::warn!(error = %e, "due health checks not readable");
                    continue;
                }
            };
            for check in claimed {
                let Ok(permit) = me.permits.clone().acquire_owned().await else { return };
                let (me, store) = (me.clone(), store.clone());
                tokio::spawn(async move {
                    let _permit = permit;
                    let code = check.code.clone();
                    if let Err(e) = me.run_one(&store, check, now).await {
                        tracing::warn!(%code, error = %e, "health check result not saved");
                    }
                });
            }
        }
    }
}

/// Prometheus series per check (the `/metrics` endpoint renders them).
fn record_metrics(code: &str, ok: bool, response_ms: u64) {
    let app = code.to_owned();
    metrics::gauge!("satupintu_check_up", "app" => app.clone()).set(if ok { 1.0 } else { 0.0 });
    #[allow(clippy::cast_precision_loss)] // milliseconds are far below 2^52
    metrics::gauge!("satupintu_check_response_ms", "app" => app.clone()).set(response_ms as f64);
    metrics::counter!("satupintu_checks_total", "app" => app, "result" => if ok { "ok" } else { "fail" }).increment(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_failing_condition_is_the_error() {
        let conditions = vec![
            Condition::parse("[STATUS] == 200").unwrap(),
            Condition::parse("[CERTIFICATE_EXPIRATION] > 14d").unwrap(),
        ];
        let seen = Observation { status: Some(200), certificate_days: Some(5), ..Observation::default() };
        let (ok, error) = Monitor::judge(&conditions, &seen, None);
        assert!(!ok);
        assert_eq!(error.as_deref(), Some("tidak terpenuhi: [CERTIFICATE_EXPIRATION] > 14d (5 hari)"));
        let (ok, error) = Monitor::judge(&conditions, &seen, Some("batas waktu habis".into()));
        assert!(!ok && error.as_deref() == Some("batas waktu habis"));
    }
}
