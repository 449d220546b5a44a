//! History written in bulk rather than by checks: the demo city's sample months, and the
//! benchmark's year of roll-ups.

use domain::monitoring::{CheckSpec, hour_of};

use super::{DayBar, checks::upsert};
use crate::rows::new_id;
use crate::{Store, StoreError};

/// A past or open incident to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedIncident {
    pub opened_at: i64,
    pub closed_at: Option<i64>,
    pub cause: String,
}

impl Store {
    /// Sets a service's check and writes its daily roll-ups, a day of hourly ones, its
    /// incidents and its current state (down when an incident is open). `NotFound` for an
    /// unknown code.
    pub async fn seed_health(
        &self,
        code: &str,
        spec: &CheckSpec,
        days: &[DayBar],
        incidents: &[SeedIncident],
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let id: String = sqlx::query_scalar("SELECT id FROM services WHERE code = $1")
            .bind(code)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        upsert(&mut tx, &id, spec, true, now).await?;
        for d in days {
            sqlx::query(
                "INSERT INTO health_daily (service_id, day, total, ok) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (service_id, day) DO UPDATE SET total = excluded.total, ok = excluded.ok",
            )
            .bind(id.as_str())
            .bind(d.day)
            .bind(i64::try_from(d.total).unwrap_or(0))
            .bind(i64::try_from(d.ok).unwrap_or(0))
            .execute(&mut *tx)
            .await?;
        }
        let down = incidents.iter().any(|i| i.closed_at.is_none());
        for h in 0..24 {
            sqlx::query(
                "INSERT INTO health_hourly (service_id, hour, total, ok, response_ms_sum) VALUES ($1, $2, 60, $3, $4) \
                 ON CONFLICT (service_id, hour) DO NOTHING",
            )
            .bind(id.as_str())
            .bind(hour_of(now) - h * 3_600)
            .bind(if down && h < 2 { 0 } else { 60 })
            .bind(60 * 180)
            .execute(&mut *tx)
            .await?;
        }
        for i in incidents {
            sqlx::query(
                "INSERT INTO health_incidents (id, service_id, opened_at, closed_at, cause, last_alert_at) \
                 VALUES ($1, $2, $3, $4, $5, $3)",
            )
            .bind(new_id())
            .bind(id.as_str())
            .bind(i.opened_at)
            .bind(i.closed_at)
            .bind(i.cause.as_str())
            .execute(&mut *tx)
            .await?;
        }
        let cause = incidents.iter().find(|i| i.closed_at.is_none()).map(|i| i.cause.clone());
        sqlx::query(
            "UPDATE health_checks SET down = $1, failures_in_row = $2, successes_in_row = $3, last_checked_at = $4, \
             last_ok = $5, last_status = $6, last_response_ms = $7, last_error = $8 WHERE service_id = $9",
        )
        .bind(i64::from(down))
        .bind(if down { 3 } else { 0 })
        .bind(if down { 0 } else { 5 })
        .bind(now)
        .bind(i64::from(!down))
        .bind(if down { 503 } else { 200 })
        .bind(180)
        .bind(cause)
        .bind(id.as_str())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
