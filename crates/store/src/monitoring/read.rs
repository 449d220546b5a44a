//! Reading monitoring for people: one row per application with its current state, small
//! aggregates over the roll-ups (never the raw results), incidents, and housekeeping.

use std::collections::HashMap;

use domain::monitoring::day_of;

use super::to_u64;
use crate::rows::Columns;
use crate::{Store, StoreError};

/// One monitored application and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRow {
    pub service_id: String,
    pub code: String,
    pub name: String,
    pub url: String,
    pub enabled: bool,
    pub down: bool,
    pub last_checked_at: Option<i64>,
    pub last_ok: Option<bool>,
    pub last_status: Option<i64>,
    pub last_response_ms: Option<i64>,
    pub last_error: Option<String>,
    pub certificate_days: Option<i64>,
}

/// Checks that passed, of all run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Uptime {
    pub ok: u64,
    pub total: u64,
    /// The sum of response times (hourly roll-ups only), for an average.
    pub response_ms_sum: u64,
}

/// One day of one application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayBar {
    pub day: i64,
    pub ok: u64,
    pub total: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentRow {
    pub code: String,
    pub name: String,
    pub opened_at: i64,
    pub closed_at: Option<i64>,
    pub cause: String,
}

/// What a service's page and Talas need: whether its application is down, since when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceHealth {
    pub down: bool,
    pub since: Option<i64>,
}

/// Raw results are kept a week, hourly roll-ups a year, daily ones a little longer (the
/// 90-day bars and a year's comparison never reach past them).
pub const KEEP_RESULTS_SECS: i64 = 7 * 86_400;
pub const KEEP_HOURLY_SECS: i64 = 366 * 86_400;
pub const KEEP_DAILY_DAYS: i64 = 400;

impl Store {
    /// Every monitored application, in catalog order.
    #[tracing::instrument(skip_all)]
    pub async fn check_rows(&self) -> Result<Vec<CheckRow>, StoreError> {
        let sql = format!(
            "SELECT h.service_id, s.code, s.name, h.url, h.enabled, h.down, h.last_checked_at, h.last_ok, \
             h.last_status, h.last_response_ms, h.last_error, h.certificate_days \
             FROM health_checks h JOIN services s ON s.id = h.service_id ORDER BY s.sort_key{}, s.code",
            self.backend().binary_collation()
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(CheckRow {
                    service_id: r.text("service_id")?,
                    code: r.text("code")?,
                    name: r.text("name")?,
                    url: r.text("url")?,
                    enabled: r.int("enabled")? != 0,
                    down: r.int("down")? != 0,
                    last_checked_at: r.opt_int("last_checked_at")?,
                    last_ok: r.opt_int("last_ok")?.map(|v| v != 0),
                    last_status: r.opt_int("last_status")?,
                    last_response_ms: r.opt_int("last_response_ms")?,
                    last_error: r.opt_text("last_error")?,
                    certificate_days: r.opt_int("certificate_days")?,
                })
            })
            .collect()
    }

    /// Uptime per service id from the hourly roll-ups since `from` (Unix seconds).
    pub async fn uptime_since_hour(&self, from: i64) -> Result<HashMap<String, Uptime>, StoreError> {
        let rows = sqlx::query(
            "SELECT service_id, CAST(SUM(ok) AS BIGINT) AS ok, CAST(SUM(total) AS BIGINT) AS total, \
             CAST(SUM(response_ms_sum) AS BIGINT) AS ms FROM health_hourly WHERE hour >= $1 GROUP BY service_id",
        )
        .bind(from - from.rem_euclid(3_600))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let uptime = Uptime {
                    ok: to_u64(r.int("ok")?),
                    total: to_u64(r.int("total")?),
                    response_ms_sum: to_u64(r.int("ms")?),
                };
                Ok((r.text("service_id")?, uptime))
            })
            .collect()
    }

    /// Uptime per service id from the daily roll-ups since `from` (Unix seconds; whole
    /// city days).
    pub async fn uptime_since_day(&self, from: i64) -> Result<HashMap<String, Uptime>, StoreError> {
        let rows = sqlx::query(
            "SELECT service_id, CAST(SUM(ok) AS BIGINT) AS ok, CAST(SUM(total) AS BIGINT) AS total \
             FROM health_daily WHERE day >= $1 GROUP BY service_id",
        )
        .bind(day_of(from))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let uptime = Uptime { ok: to_u64(r.int("ok")?), total: to_u64(r.int("total")?), response_ms_sum: 0 };
                Ok((r.text("service_id")?, uptime))
            })
            .collect()
    }

    /// The daily roll-ups from `from_day` on, per service id.
    pub async fn day_bars(&self, from_day: i64) -> Result<HashMap<String, Vec<DayBar>>, StoreError> {
        let rows = sqlx::query("SELECT service_id, day, ok, total FROM health_daily WHERE day >= $1")
            .bind(from_day)
            .fetch_all(&self.pool)
            .await?;
        let mut bars: HashMap<String, Vec<DayBar>> = HashMap::new();
        for r in &rows {
            let bar = DayBar { day: r.int("day")?, ok: to_u64(r.int("ok")?), total: to_u64(r.int("total")?) };
            bars.entry(r.text("service_id")?).or_default().push(bar);
        }
        Ok(bars)
    }

    /// Open incidents and those opened since `since`, newest first.
    pub async fn incidents(&self, since: i64, limit: i64) -> Result<Vec<IncidentRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.code, s.name, i.opened_at, i.closed_at, i.cause FROM health_incidents i \
             JOIN services s ON s.id = i.service_id WHERE i.closed_at IS NULL OR i.opened_at >= $1 \
             ORDER BY i.opened_at DESC, i.id DESC LIMIT $2",
        )
        .bind(since)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(IncidentRow {
                    code: r.text("code")?,
                    name: r.text("name")?,
                    opened_at: r.int("opened_at")?,
                    closed_at: r.opt_int("closed_at")?,
                    cause: r.text("cause")?,
                })
            })
            .collect()
    }

    /// Whether a service's application is down (an incident is open); `None` when it is
    /// not monitored.
    pub async fn service_health(&self, code: &str) -> Result<Option<ServiceHealth>, StoreError> {
        let row = sqlx::query(
            "SELECT h.down, (SELECT MIN(i.opened_at) FROM health_incidents i WHERE i.service_id = h.service_id \
             AND i.closed_at IS NULL) AS since FROM health_checks h JOIN services s ON s.id = h.service_id \
             WHERE s.code = $1",
        )
        .bind(code)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok(ServiceHealth { down: r.int("down")? != 0, since: r.opt_int("since")? })).transpose()
    }

    /// Drops raw results older than a week and roll-ups older than a year; returns how
    /// many rows went. Idempotent, so several processes may run it.
    pub async fn prune_health(&self, now: i64) -> Result<u64, StoreError> {
        let mut removed = 0;
        for (sql, before) in [
            ("DELETE FROM health_results WHERE checked_at < $1", now - KEEP_RESULTS_SECS),
            ("DELETE FROM health_hourly WHERE hour < $1", now - KEEP_HOURLY_SECS),
            ("DELETE FROM health_daily WHERE day < $1", day_of(now) - KEEP_DAILY_DAYS),
        ] {
            removed += sqlx::query(sql).bind(before).execute(&self.pool).await?.rows_affected();
        }
        Ok(removed)
    }
}
