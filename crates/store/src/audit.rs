//! Appending to and reading the hash-chained audit log.

use chrono::{DateTime, Utc};
use domain::audit::{AuditEntry, link_hash};
use sqlx::AnyConnection;

use crate::rows::{Columns, ts};
use crate::{Store, StoreError};

/// One change to record.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub before: String,
    pub after: String,
}

/// Appends an entry inside the caller's transaction, so the change and its record commit
/// together or not at all.
pub(crate) async fn append(
    conn: &mut AnyConnection,
    change: &Change<'_>,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    // Writing the head first takes its lock: concurrent appends queue here.
    sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1").execute(&mut *conn).await?;
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&mut *conn).await?;
    let prev_hash = head.text("hash")?;
    let mut entry = AuditEntry {
        seq: head.int("seq")? + 1,
        at: ts(now),
        actor: change.actor.to_string(),
        action: change.action.to_string(),
        target: change.target.to_string(),
        before: change.before.clone(),
        after: change.after.clone(),
        prev_hash: prev_hash.clone(),
        hash: String::new(),
    };
    entry.hash = link_hash(&entry, &prev_hash);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, action, target, before_json, after_json, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(entry.seq)
    .bind(entry.at)
    .bind(entry.actor.as_str())
    .bind(entry.action.as_str())
    .bind(entry.target.as_str())
    .bind(entry.before.as_str())
    .bind(entry.after.as_str())
    .bind(entry.prev_hash.as_str())
    .bind(entry.hash.as_str())
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(entry.seq)
        .bind(entry.hash.as_str())
        .execute(&mut *conn)
        .await?;
    Ok(entry.seq)
}

impl Store {
    /// Records a change on its own (when it was made outside one transaction).
    pub async fn audit(&self, change: &Change<'_>) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let seq = append(&mut tx, change, Utc::now()).await?;
        tx.commit().await?;
        Ok(seq)
    }

    /// Every entry in order, and the head, for verification.
    pub async fn audit_log(&self) -> Result<(Vec<AuditEntry>, (i64, String)), StoreError> {
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, target, before_json, after_json, prev_hash, hash FROM audit_log ORDER BY seq",
        )
        .fetch_all(&self.pool)
        .await?;
        let entries = rows
            .iter()
            .map(|r| {
                Ok(AuditEntry {
                    seq: r.int("seq")?,
                    at: r.int("at")?,
                    actor: r.text("actor")?,
                    action: r.text("action")?,
                    target: r.text("target")?,
                    before: r.text("before_json")?,
                    after: r.text("after_json")?,
                    prev_hash: r.text("prev_hash")?,
                    hash: r.text("hash")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&self.pool).await?;
        Ok((entries, (head.int("seq")?, head.text("hash")?)))
    }
}
