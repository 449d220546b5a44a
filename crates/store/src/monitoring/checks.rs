//! Declaring checks and claiming the due ones.

use domain::monitoring::{CheckSpec, HealthState, next_run};
use sqlx::AnyConnection;

use super::{CheckSetting, DueCheck, OpenIncident, to_i64, to_u64};
use crate::rows::{Columns, json_list};
use crate::{Store, StoreError};

const INTEGRATED: &str = "terintegrasi";

pub(super) async fn upsert(
    conn: &mut AnyConnection,
    service_id: &str,
    spec: &CheckSpec,
    configured: bool,
    now: i64,
) -> Result<(), StoreError> {
    let next = next_run(service_id, spec.interval_secs, now);
    sqlx::query(
        "INSERT INTO health_checks (service_id, url, interval_secs, timeout_ms, conditions_json, enabled, configured, \
         next_run_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (service_id) DO UPDATE SET url = excluded.url, interval_secs = excluded.interval_secs, \
         timeout_ms = excluded.timeout_ms, conditions_json = excluded.conditions_json, enabled = excluded.enabled, \
         configured = excluded.configured, next_run_at = excluded.next_run_at, updated_at = excluded.updated_at, \
         claimed_until = NULL, claimed_by = NULL",
    )
    .bind(service_id)
    .bind(spec.url.as_str())
    .bind(to_i64(spec.interval_secs))
    .bind(to_i64(spec.timeout_ms))
    .bind(json_list(&spec.condition_lines()))
    .bind(i64::from(spec.enabled))
    .bind(i64::from(configured))
    .bind(next)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl Store {
    /// Sets a service's check (by service code); `NotFound` for an unknown code.
    #[tracing::instrument(skip_all, fields(code))]
    pub async fn set_check(&self, code: &str, spec: &CheckSpec, now: i64) -> Result<(), StoreError> {
        self.set_checks(&[(code.to_owned(), spec.clone())], now).await.and_then(|missing| match missing.first() {
            Some(_) => Err(StoreError::NotFound),
            None => Ok(()),
        })
    }

    /// Sets several checks in one transaction; returns the codes not in the catalog (and
    /// then sets none).
    pub async fn set_checks(&self, checks: &[(String, CheckSpec)], now: i64) -> Result<Vec<String>, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut missing = Vec::new();
        for (code, spec) in checks {
            let id: Option<String> = sqlx::query_scalar("SELECT id FROM services WHERE code = $1")
                .bind(code.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            match id {
                Some(id) => upsert(&mut tx, &id, spec, true, now).await?,
                None => missing.push(code.clone()),
            }
        }
        if missing.is_empty() {
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        Ok(missing)
    }

    /// Gives every integrated service with a web URL and no check the default check, makes
    /// defaults follow their service's URL, and drops defaults whose service is no longer
    /// integrated or has no URL. Checks set by a person are left alone. Returns how many
    /// were added.
    #[tracing::instrument(skip_all)]
    pub async fn sync_default_checks(&self, now: i64) -> Result<usize, StoreError> {
        let missing = sqlx::query(
            "SELECT s.id, s.web_url FROM services s LEFT JOIN health_checks h ON h.service_id = s.id \
             WHERE s.status = $1 AND s.web_url IS NOT NULL AND h.service_id IS NULL",
        )
        .bind(INTEGRATED)
        .fetch_all(&self.pool)
        .await?;
        let stale: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM health_checks h JOIN services s ON s.id = h.service_id WHERE h.configured = 0 \
             AND (s.status <> $1 OR s.web_url IS NULL OR s.web_url <> h.url)",
        )
        .bind(INTEGRATED)
        .fetch_one(&self.pool)
        .await?;
        if missing.is_empty() && stale == 0 {
            return Ok(0);
        }
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "DELETE FROM health_checks WHERE configured = 0 AND service_id IN (SELECT id FROM services \
             WHERE status <> $1 OR web_url IS NULL)",
        )
        .bind(INTEGRATED)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE health_checks SET url = (SELECT web_url FROM services WHERE services.id = health_checks.service_id), \
             updated_at = $1 WHERE configured = 0 AND url <> (SELECT web_url FROM services \
             WHERE services.id = health_checks.service_id)",
        )
        .bind(now)
        .execute(&mut *tx)
        .await?;
        for row in &missing {
            let id = row.text("id")?;
            let url = row.text("web_url")?;
            upsert(&mut tx, &id, &CheckSpec::default_for(&url), false, now).await?;
        }
        tx.commit().await?;
        Ok(missing.len())
    }

    /// Every check as configured, by service code.
    pub async fn check_settings(&self) -> Result<Vec<CheckSetting>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.code, h.url, h.interval_secs, h.timeout_ms, h.conditions_json, h.enabled, h.configured \
             FROM health_checks h JOIN services s ON s.id = h.service_id ORDER BY s.code",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CheckSetting {
                    code: r.text("code")?,
                    url: r.text("url")?,
                    interval_secs: to_u64(r.int("interval_secs")?),
                    timeout_ms: to_u64(r.int("timeout_ms")?),
                    conditions: r.list("conditions_json")?,
                    enabled: r.int("enabled")? != 0,
                    configured: r.int("configured")? != 0,
                })
            })
            .collect()
    }

    /// Claims up to `limit` enabled checks due at `now` for `worker`, until `claim_until`
    /// (after which another worker may take a check whose worker died). The claim
    /// condition is repeated in the outer `WHERE`, so two workers never both win a check;
    /// on PostgreSQL the inner select also skips rows another worker has locked.
    #[tracing::instrument(skip_all)]
    pub async fn claim_due_checks(
        &self,
        worker: &str,
        now: i64,
        claim_until: i64,
        limit: i64,
    ) -> Result<Vec<DueCheck>, StoreError> {
        let token = format!("{worker}:{}", crate::rows::new_id());
        let sql = match self.backend() {
            crate::Backend::Postgres => {
                "WITH picked AS (SELECT service_id FROM health_checks WHERE enabled = 1 AND next_run_at <= $3 \
                 AND (claimed_until IS NULL OR claimed_until < $3) ORDER BY next_run_at LIMIT $4 \
                 FOR UPDATE SKIP LOCKED) \
                 UPDATE health_checks SET claimed_until = $1, claimed_by = $2 FROM picked \
                 WHERE health_checks.service_id = picked.service_id"
            }
            crate::Backend::Sqlite => {
                "UPDATE health_checks SET claimed_until = $1, claimed_by = $2 WHERE service_id IN \
                 (SELECT service_id FROM health_checks WHERE enabled = 1 AND next_run_at <= $3 \
                  AND (claimed_until IS NULL OR claimed_until < $3) ORDER BY next_run_at LIMIT $4) \
                 AND (claimed_until IS NULL OR claimed_until < $3)"
            }
        };
        let done =
            sqlx::query(sql).bind(claim_until).bind(token.as_str()).bind(now).bind(limit).execute(&self.pool).await?;
        if done.rows_affected() == 0 {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(
            "SELECT h.service_id, s.code, s.name, h.url, h.interval_secs, h.timeout_ms, h.conditions_json, h.down, \
             h.failures_in_row, h.successes_in_row, i.id AS incident_id, i.opened_at, i.last_alert_at \
             FROM health_checks h JOIN services s ON s.id = h.service_id \
             LEFT JOIN health_incidents i ON i.service_id = h.service_id AND i.closed_at IS NULL \
             WHERE h.claimed_by = $1",
        )
        .bind(token.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let incident = match r.opt_text("incident_id")? {
                    Some(id) => Some(OpenIncident {
                        id,
                        opened_at: r.int("opened_at")?,
                        last_alert_at: r.int("last_alert_at")?,
                    }),
                    None => None,
                };
                Ok(DueCheck {
                    service_id: r.text("service_id")?,
                    code: r.text("code")?,
                    name: r.text("name")?,
                    url: r.text("url")?,
                    interval_secs: to_u64(r.int("interval_secs")?),
                    timeout_ms: to_u64(r.int("timeout_ms")?),
                    conditions: r.list("conditions_json")?,
                    state: HealthState {
                        failures_in_row: u32::try_from(r.int("failures_in_row")?).unwrap_or(u32::MAX),
                        successes_in_row: u32::try_from(r.int("successes_in_row")?).unwrap_or(u32::MAX),
                        down: r.int("down")? != 0,
                    },
                    incident,
                })
            })
            .collect()
    }
}
