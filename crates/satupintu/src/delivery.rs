//! The outbox worker for agency systems (integration mode `api`): each request is POSTed
//! to its agency's endpoint as JSON, signed (HMAC-SHA256, see `web::hooks`), with the
//! request's id as the idempotency key, so a retry after a lost answer cannot create it
//! twice on their side. Failures are retried with exponential back-off and jitter; an
//! agency that keeps failing trips a circuit breaker (its deliveries wait instead of
//! hammering it); a request not delivered within the give-up time becomes a dead letter
//! for an admin to send again (`satupintu outbox resend`).

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use store::Store;
use store::outbox::OutboxMessage;
use web::auth::seal::Sealer;

/// How often the worker looks for due deliveries.
const POLL: Duration = Duration::from_millis(500);
/// Consecutive failures that open an agency's breaker, and how long it stays open.
const TRIP_AFTER: u32 = 5;
const OPEN_FOR: chrono::Duration = chrono::Duration::seconds(30);
const TIMEOUT: Duration = Duration::from_secs(10);

/// How deliveries are retried.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// The first retry's delay; each next one doubles (capped at an hour), plus up to 25 %
    /// jitter so a recovering agency is not hit by every retry at once.
    pub retry_base: chrono::Duration,
    /// After this long undelivered, a request is set aside as a dead letter.
    pub give_up_after: chrono::Duration,
}

impl Policy {
    /// When to try again after `attempts` failed ones.
    pub fn retry_at(&self, attempts: i64, now: DateTime<Utc>) -> DateTime<Utc> {
        let factor = 1i32 << attempts.clamp(0, 16);
        let delay = (self.retry_base * factor).min(chrono::Duration::hours(1));
        now + jitter(delay)
    }
}

#[derive(Default)]
struct Breaker {
    failures: u32,
    open_until: Option<DateTime<Utc>>,
}

pub struct Deliverer {
    client: reqwest::Client,
    sealer: Sealer,
    policy: Policy,
    breakers: HashMap<String, Breaker>,
}

fn jitter(delay: chrono::Duration) -> chrono::Duration {
    let mut byte = [0u8; 1];
    let _ = getrandom::fill(&mut byte);
    delay + delay * i32::from(byte[0]) / 1024
}

impl Deliverer {
    pub fn new(sealer: Sealer, policy: Policy) -> anyhow::Result<Self> {
        // rustls with ring: installed once for the process (a second install is a no-op).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder().timeout(TIMEOUT).build()?;
        Ok(Self { client, sealer, policy, breakers: HashMap::new() })
    }

    /// One attempt: `Ok` when the agency has the request (2xx, or 409 "already have it").
    async fn attempt(&self, store: &Store, agency: &str, message: &OutboxMessage) -> Result<(), String> {
        let (url, sealed) = store
            .agency_endpoint(agency)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("agency {agency} has no endpoint"))?;
        let secret =
            self.sealer.open(&sealed, &web::hooks::seal_owner(agency)).ok_or("the endpoint secret does not open")?;
        let key = serde_json::from_str::<serde_json::Value>(&message.payload)
            .ok()
            .and_then(|v| v.get("id").and_then(|id| id.as_str()).map(str::to_string))
            .unwrap_or_else(|| message.id.clone());
        let signature = web::hooks::sign(secret.as_bytes(), Utc::now().timestamp(), message.payload.as_bytes());
        let response = self
            .client
            .post(&url)
            .header("content-type", "application/json")
            .header(web::hooks::SIGNATURE_HEADER, signature)
            .header("idempotency-key", key)
            .header("x-satupintu-delivery", message.id.as_str())
            .body(message.payload.clone())
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status();
        if status.is_success() || status == reqwest::StatusCode::CONFLICT {
            Ok(())
        } else {
            Err(format!("HTTP {status}"))
        }
    }

    async fn handle(&mut self, store: &Store, message: OutboxMessage) -> Result<(), store::StoreError> {
        let now = Utc::now();
        let agency = message.target.clone().unwrap_or_default();
        if let Some(until) = self.breakers.get(&agency).and_then(|b| b.open_until).filter(|u| *u > now) {
            return store.outbox_defer(&message.id, until).await;
        }
        match self.attempt(store, &agency, &message).await {
            Ok(()) => {
                self.breakers.remove(&agency);
                store.outbox_sent(&message.id, Utc::now()).await
            }
            Err(error) => {
                let breaker = self.breakers.entry(agency.clone()).or_default();
                breaker.failures += 1;
                if breaker.failures >= TRIP_AFTER {
                    tracing::warn!(%agency, failures = breaker.failures, "agency system failing: circuit open");
                    breaker.open_until = Some(now + OPEN_FOR);
                    breaker.failures = 0;
                }
                if now - message.created_at >= self.policy.give_up_after {
                    tracing::error!(%agency, id = %message.id, %error, "delivery given up: dead letter");
                    store.outbox_dead(&message, &error, now).await
                } else {
                    tracing::warn!(%agency, attempts = message.attempts + 1, %error, "delivery failed; will retry");
                    store.outbox_failed_until(&message, &error, self.policy.retry_at(message.attempts, now)).await
                }
            }
        }
    }

    /// Runs until the store closes.
    pub async fn run(mut self, store: Store) {
        let worker = format!("delivery-{}", std::process::id());
        let mut idle = true;
        loop {
            // A backlog is worked through without pausing; an empty outbox is polled.
            if idle {
                tokio::time::sleep(POLL).await;
            }
            if store.is_closed() {
                return;
            }
            let claimed = match store.claim_outbox(&worker, "agency", 50, Utc::now()).await {
                Ok(claimed) => claimed,
                Err(e) => {
                    tracing::warn!(error = %e, "outbox not readable");
                    idle = true;
                    continue;
                }
            };
            idle = claimed.is_empty();
            for message in claimed {
                if let Err(e) = self.handle(&store, message).await {
                    tracing::warn!(error = %e, "outbox state not saved");
                }
            }
        }
    }
}
