//! The outbox: durable messages, claimed by workers, retried with back-off.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use sqlx::AnyConnection;

use crate::audit::{Change, append};
use crate::rows::{Columns, new_id, ts};
use crate::{Store, StoreError};

/// A message claimed for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: String,
    pub kind: String,
    pub payload: String,
    pub attempts: i64,
    /// Who it goes to, when that matters for delivery (the agency of a request).
    pub target: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// How long a claim lasts before another worker may take the message over.
const CLAIM: Duration = Duration::minutes(2);

/// Queues a message inside the caller's transaction.
pub async fn enqueue(
    conn: &mut AnyConnection,
    kind: &str,
    payload: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO outbox (id, kind, payload, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $4)")
        .bind(new_id())
        .bind(kind)
        .bind(payload)
        .bind(ts(now))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A message set aside as undeliverable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    pub id: String,
    pub kind: String,
    pub target: Option<String>,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When it was set aside.
    pub dead_at: DateTime<Utc>,
    /// The request it delivers (the payload's `tracking_code`), for agency deliveries.
    pub tracking_code: Option<String>,
}

/// Seconds to wait before attempt `n + 1`: 30 s, 1 min, 2 min … capped at 1 h.
pub fn backoff(attempts: i64) -> Duration {
    Duration::seconds((30i64 << attempts.clamp(0, 7)).min(3600))
}

impl Store {
    /// Queues a message on its own.
    pub async fn enqueue(&self, kind: &str, payload: &str) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        enqueue(&mut conn, kind, payload, Utc::now()).await
    }

    /// Claims up to `limit` due messages of `kind` for `worker`. The claim condition is
    /// repeated in the outer `WHERE`, so two workers racing for a row never both win it;
    /// on PostgreSQL the inner select also skips rows another worker has locked.
    pub async fn claim_outbox(
        &self,
        worker: &str,
        kind: &str,
        limit: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let now_s = ts(now);
        let claimed_until = ts(now + CLAIM);
        let token = format!("{worker}:{}", new_id());
        let sql = match self.backend() {
            // A CTE runs its LIMIT once; as an `IN (…)` subquery PostgreSQL may run it
            // again for the outer rows and claim more than asked.
            crate::Backend::Postgres => "WITH picked AS (SELECT id FROM outbox WHERE kind = $5 AND sent_at IS NULL \
                 AND dead_at IS NULL AND next_attempt_at <= $3 AND (claimed_until IS NULL OR claimed_until < $3) \
                 ORDER BY next_attempt_at, id LIMIT $4 FOR UPDATE SKIP LOCKED) \
                 UPDATE outbox SET claimed_until = $1, claimed_by = $2 FROM picked WHERE outbox.id = picked.id"
                .to_string(),
            // SQLite has one writer at a time: the repeated condition is enough.
            crate::Backend::Sqlite => "UPDATE outbox SET claimed_until = $1, claimed_by = $2 \
                 WHERE id IN (SELECT id FROM outbox WHERE kind = $5 AND sent_at IS NULL AND dead_at IS NULL \
                              AND next_attempt_at <= $3 AND (claimed_until IS NULL OR claimed_until < $3) \
                              ORDER BY next_attempt_at, id LIMIT $4) \
                 AND sent_at IS NULL AND (claimed_until IS NULL OR claimed_until < $3)"
                .to_string(),
        };
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(claimed_until)
            .bind(token.as_str())
            .bind(now_s)
            .bind(limit)
            .bind(kind)
            .execute(&self.pool)
            .await?;
        let rows = sqlx::query(
            "SELECT id, kind, payload, attempts, target, created_at FROM outbox WHERE claimed_by = $1 AND sent_at IS NULL",
        )
        .bind(token.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(OutboxMessage {
                    id: r.text("id")?,
                    kind: r.text("kind")?,
                    payload: r.text("payload")?,
                    attempts: r.int("attempts")?,
                    target: r.opt_text("target")?,
                    created_at: r.time("created_at")?,
                })
            })
            .collect()
    }

    /// Marks a message delivered.
    pub async fn outbox_sent(&self, id: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET sent_at = $1, claimed_until = NULL, claimed_by = NULL, last_error = NULL WHERE id = $2",
        )
        .bind(ts(now))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a failed attempt and schedules the next one.
    pub async fn outbox_failed(
        &self,
        message: &OutboxMessage,
        error: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.outbox_failed_until(message, error, now + backoff(message.attempts)).await
    }

    /// Records a failed attempt and schedules the next at `at` (callers with their own
    /// back-off, e.g. with jitter).
    pub async fn outbox_failed_until(
        &self,
        message: &OutboxMessage,
        error: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1, claimed_until = NULL, claimed_by = NULL, \
             last_error = $2 WHERE id = $3",
        )
        .bind(ts(at))
        .bind(error)
        .bind(message.id.as_str())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Puts a claimed message back untried until `until` (an open circuit breaker), without
    /// counting an attempt.
    pub async fn outbox_defer(&self, id: &str, until: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("UPDATE outbox SET next_attempt_at = $1, claimed_until = NULL, claimed_by = NULL WHERE id = $2")
            .bind(ts(until))
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Sets a message aside as undeliverable (a dead letter an admin may send again).
    pub async fn outbox_dead(
        &self,
        message: &OutboxMessage,
        error: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, dead_at = $1, claimed_until = NULL, claimed_by = NULL, \
             last_error = $2 WHERE id = $3",
        )
        .bind(ts(now))
        .bind(error)
        .bind(message.id.as_str())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The dead letters of `kind`, oldest first.
    pub async fn dead_letters(&self, kind: &str) -> Result<Vec<DeadLetter>, StoreError> {
        Ok(self.all_dead_letters().await?.into_iter().filter(|d| d.kind == kind).collect())
    }

    /// Every dead letter, oldest first.
    pub async fn all_dead_letters(&self) -> Result<Vec<DeadLetter>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, kind, target, attempts, last_error, created_at, dead_at, payload FROM outbox \
             WHERE dead_at IS NOT NULL AND sent_at IS NULL ORDER BY created_at, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let payload = serde_json::from_str::<serde_json::Value>(&r.text("payload")?).unwrap_or_default();
                Ok(DeadLetter {
                    id: r.text("id")?,
                    kind: r.text("kind")?,
                    target: r.opt_text("target")?,
                    attempts: r.int("attempts")?,
                    last_error: r.opt_text("last_error")?,
                    created_at: r.time("created_at")?,
                    dead_at: r.time("dead_at")?,
                    tracking_code: payload.get("tracking_code").and_then(|c| c.as_str()).map(str::to_string),
                })
            })
            .collect()
    }

    /// Sends a dead letter again from now (attempts start over, and so does the time
    /// before it is given up again), with an audit entry naming who asked. Returns whether
    /// it was one.
    pub async fn resend_dead(&self, id: &str, actor: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let letter = sqlx::query(
            "SELECT kind, target, attempts, last_error FROM outbox WHERE id = $1 AND dead_at IS NOT NULL \
             AND sent_at IS NULL",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(letter) = letter else { return Ok(false) };
        sqlx::query(
            "UPDATE outbox SET dead_at = NULL, attempts = 0, next_attempt_at = $1, created_at = $1 WHERE id = $2",
        )
        .bind(ts(now))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let change = Change {
            actor,
            action: "outbox.resend",
            target: id,
            before: json!({
                "kind": letter.text("kind")?,
                "target": letter.opt_text("target")?,
                "attempts": letter.int("attempts")?,
                "last_error": letter.opt_text("last_error")?,
            })
            .to_string(),
            after: json!({ "attempts": 0 }).to_string(),
        };
        append(&mut tx, &change, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Sends every dead letter of `kind` to `target` (an agency) again, with one audit
    /// entry; returns how many.
    pub async fn resend_dead_to(
        &self,
        kind: &str,
        target: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE outbox SET dead_at = NULL, attempts = 0, next_attempt_at = $1, created_at = $1 \
             WHERE kind = $2 AND target = $3 AND dead_at IS NOT NULL AND sent_at IS NULL",
        )
        .bind(ts(now))
        .bind(kind)
        .bind(target)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done > 0 {
            let change = Change {
                actor,
                action: "outbox.resend",
                target,
                before: String::new(),
                after: json!({ "kind": kind, "count": done }).to_string(),
            };
            append(&mut tx, &change, now).await?;
        }
        tx.commit().await?;
        Ok(done)
    }

    /// Messages not yet delivered (for health pages and tests).
    pub async fn outbox_pending(&self) -> Result<u64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL").fetch_one(&self.pool).await?;
        row.count("n")
    }
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn backoff_grows_and_caps() {
        assert_eq!(backoff(0).num_seconds(), 30);
        assert_eq!(backoff(1).num_seconds(), 60);
        assert_eq!(backoff(20).num_seconds(), 3600);
    }
}
