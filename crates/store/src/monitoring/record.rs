//! Writing one check's result: the raw result, the hourly and daily roll-ups, the check's
//! state and its incident, and any alerts, in one transaction, so a crash never leaves an
//! incident without its alert or a roll-up counting a result that is not there.

use domain::monitoring::{HealthState, Transition, day_of, hour_of};

use super::{DueCheck, to_i64};
use crate::rows::new_id;
use crate::{Store, StoreError};

/// A message for the outbox (`kind`, JSON payload).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    pub kind: String,
    pub payload: String,
}

/// What the worker decided about one run of a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRecord {
    pub at: i64,
    pub ok: bool,
    pub status: Option<u16>,
    pub response_ms: u64,
    /// Why it failed, in a few words (no response, a condition that did not hold).
    pub error: Option<String>,
    pub certificate_days: Option<i64>,
    /// The state after this result.
    pub state: HealthState,
    pub transition: Transition,
    pub next_run_at: i64,
    /// Alerts to queue with the result (opening, closing or a reminder).
    pub alerts: Vec<OutboxItem>,
}

impl Store {
    /// Records a claimed check's result and releases the claim.
    #[tracing::instrument(skip_all, fields(code = %check.code))]
    pub async fn record_check(&self, check: &DueCheck, record: &CheckRecord) -> Result<(), StoreError> {
        let at = record.at;
        let ok = i64::from(record.ok);
        let ms = to_i64(record.response_ms);
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO health_results (service_id, checked_at, ok, status, response_ms, error) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(check.service_id.as_str())
        .bind(at)
        .bind(ok)
        .bind(record.status.map(i64::from))
        .bind(ms)
        .bind(record.error.as_deref())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO health_hourly (service_id, hour, total, ok, response_ms_sum) VALUES ($1, $2, 1, $3, $4) \
             ON CONFLICT (service_id, hour) DO UPDATE SET total = health_hourly.total + 1, \
             ok = health_hourly.ok + excluded.ok, response_ms_sum = health_hourly.response_ms_sum + excluded.response_ms_sum",
        )
        .bind(check.service_id.as_str())
        .bind(hour_of(at))
        .bind(ok)
        .bind(ms)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO health_daily (service_id, day, total, ok) VALUES ($1, $2, 1, $3) \
             ON CONFLICT (service_id, day) DO UPDATE SET total = health_daily.total + 1, ok = health_daily.ok + excluded.ok",
        )
        .bind(check.service_id.as_str())
        .bind(day_of(at))
        .bind(ok)
        .execute(&mut *tx)
        .await?;
        // The claim is released only if it is still ours: a check edited meanwhile keeps
        // the new schedule the edit gave it.
        sqlx::query(
            "UPDATE health_checks SET down = $1, failures_in_row = $2, successes_in_row = $3, last_checked_at = $4, \
             last_ok = $5, last_status = $6, last_response_ms = $7, last_error = $8, certificate_days = $9, \
             next_run_at = CASE WHEN claimed_until IS NULL THEN next_run_at ELSE $10 END, \
             claimed_until = NULL, claimed_by = NULL WHERE service_id = $11",
        )
        .bind(i64::from(record.state.down))
        .bind(i64::from(record.state.failures_in_row))
        .bind(i64::from(record.state.successes_in_row))
        .bind(at)
        .bind(ok)
        .bind(record.status.map(i64::from))
        .bind(ms)
        .bind(record.error.as_deref())
        .bind(record.certificate_days)
        .bind(record.next_run_at)
        .bind(check.service_id.as_str())
        .execute(&mut *tx)
        .await?;
        match (record.transition, &check.incident) {
            (Transition::Opened, None) => {
                sqlx::query(
                    "INSERT INTO health_incidents (id, service_id, opened_at, cause, last_alert_at) \
                     VALUES ($1, $2, $3, $4, $3)",
                )
                .bind(new_id())
                .bind(check.service_id.as_str())
                .bind(at)
                .bind(record.error.as_deref().unwrap_or_default())
                .execute(&mut *tx)
                .await?;
            }
            (Transition::Closed, Some(incident)) => {
                sqlx::query("UPDATE health_incidents SET closed_at = $1, last_alert_at = $1 WHERE id = $2")
                    .bind(at)
                    .bind(incident.id.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
            (Transition::None, Some(incident)) if !record.alerts.is_empty() => {
                sqlx::query("UPDATE health_incidents SET last_alert_at = $1 WHERE id = $2")
                    .bind(at)
                    .bind(incident.id.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
            _ => {}
        }
        let now = chrono::DateTime::from_timestamp(at, 0).unwrap_or_default();
        for alert in &record.alerts {
            crate::outbox::enqueue(&mut tx, &alert.kind, &alert.payload, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
