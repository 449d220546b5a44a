//! Refresh-token rotation, group-committed (see `crate::batch`): a batch spends every
//! presented token in one statement, stores every new one in another, and diagnoses the
//! rest (replays end their family).

use chrono::{DateTime, Duration, Utc};
use sqlx::any::AnyRow;

use super::tokens::{RefreshOutcome, TokenGrant, revoke_family};
use super::{scope_within, scopes};
use crate::batch::{Job, fail_all};
use crate::rows::{Columns, ts};
use crate::{Store, StoreError};

/// At most this many rotations share a transaction (SQLite allows 32,766 parameters; a
/// batch uses 8 per rotation).
pub const MAX_BATCH: usize = 128;

/// One rotation waiting for the writer.
pub(crate) struct Rotation {
    refresh_hash: String,
    client_id: String,
    scope: Option<String>,
    new_refresh_hash: String,
    refresh_ttl: Duration,
}

pub(crate) type Queue = crate::batch::Queue<Rotation, RefreshOutcome>;

impl Store {
    /// Rotates a refresh token issued to `client_id`: the old one is spent and
    /// `new_refresh_hash` stored, narrowed to `scope` when the client asks for less. A
    /// token spent before revokes its whole family (someone replayed it).
    pub async fn rotate_refresh(
        &self,
        refresh_hash: &str,
        client_id: &str,
        scope: Option<&str>,
        new_refresh_hash: &str,
        refresh_ttl: Duration,
    ) -> Result<RefreshOutcome, StoreError> {
        let rotation = Rotation {
            refresh_hash: refresh_hash.to_string(),
            client_id: client_id.to_string(),
            scope: scope.map(str::to_string),
            new_refresh_hash: new_refresh_hash.to_string(),
            refresh_ttl,
        };
        self.refresh_queue.submit(self, MAX_BATCH, write, rotation).await
    }
}

async fn write(store: Store, batch: Vec<Job<Rotation, RefreshOutcome>>) {
    let rotations: Vec<&Rotation> = batch.iter().map(|j| &j.work).collect();
    match rotate(&store, &rotations, Utc::now()).await {
        Ok(outcomes) => {
            for (job, outcome) in batch.into_iter().zip(outcomes) {
                let _ = job.reply.send(Ok(outcome));
            }
        }
        Err(e) => fail_all(batch, &e),
    }
}

/// `(token_hash, client_id) IN (VALUES ($a, $b), …)` with placeholders from `first`.
fn pairs_in(count: usize, first: usize) -> String {
    let values: Vec<String> = (0..count).map(|i| format!("(${}, ${})", first + 2 * i, first + 2 * i + 1)).collect();
    format!("(token_hash, client_id) IN (VALUES {})", values.join(", "))
}

async fn rotate(store: &Store, jobs: &[&Rotation], now: DateTime<Utc>) -> Result<Vec<RefreshOutcome>, StoreError> {
    let mut tx = store.begin_write().await?;
    // 1. Spend every presented token that is live and the presenting client's.
    let sql = format!(
        "UPDATE oidc_tokens SET used_at = $1 WHERE kind = 'refresh' AND used_at IS NULL AND expires_at > $1 AND {} \
         RETURNING token_hash, family, user_id, scope, auth_time",
        pairs_in(jobs.len(), 2)
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(ts(now));
    for job in jobs {
        query = query.bind(job.refresh_hash.as_str()).bind(job.client_id.as_str());
    }
    let mut spent: Vec<AnyRow> = query.fetch_all(&mut *tx).await?;

    // 2. Decide each job; a token presented twice in one batch is spent by the first.
    let mut outcomes = Vec::with_capacity(jobs.len());
    let mut fresh: Vec<(usize, TokenGrant)> = Vec::new();
    let mut unspend: Vec<&str> = Vec::new();
    let mut unknown: Vec<usize> = Vec::new();
    for (i, job) in jobs.iter().enumerate() {
        let found = spent.iter().position(|r| r.text("token_hash").is_ok_and(|h| h == job.refresh_hash));
        let Some(at) = found else {
            unknown.push(i);
            outcomes.push(RefreshOutcome::Invalid);
            continue;
        };
        let row = spent.swap_remove(at);
        let held = row.text("scope")?;
        let scope = match &job.scope {
            Some(asked) if !scope_within(asked, &held) => {
                // Nothing is spent for a refused request.
                unspend.push(&job.refresh_hash);
                outcomes.push(RefreshOutcome::WiderScope);
                continue;
            }
            Some(asked) => scopes(asked).join(" "),
            None => held,
        };
        let grant = TokenGrant {
            family: row.text("family")?,
            client_id: job.client_id.clone(),
            user_id: row.text("user_id")?,
            scope,
            auth_time: row.time("auth_time")?,
        };
        outcomes.push(RefreshOutcome::Rotated(grant.clone()));
        fresh.push((i, grant));
    }
    for hash in unspend {
        sqlx::query("UPDATE oidc_tokens SET used_at = NULL WHERE token_hash = $1").bind(hash).execute(&mut *tx).await?;
    }

    // 3. Store the new refresh tokens in one statement.
    if !fresh.is_empty() {
        let rows: Vec<String> = (0..fresh.len())
            .map(|k| {
                let b = 8 * k;
                format!(
                    "(${}, 'refresh', ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7,
                    b + 8
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO oidc_tokens (token_hash, kind, family, client_id, user_id, scope, auth_time, created_at, \
             expires_at) VALUES {}",
            rows.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (i, grant) in &fresh {
            let job = &jobs[*i];
            query = query
                .bind(job.new_refresh_hash.as_str())
                .bind(grant.family.as_str())
                .bind(grant.client_id.as_str())
                .bind(grant.user_id.as_str())
                .bind(grant.scope.as_str())
                .bind(ts(grant.auth_time))
                .bind(ts(now))
                .bind(ts(now + job.refresh_ttl));
        }
        query.execute(&mut *tx).await?;
    }

    // 4. Tokens not spent: a replay of a spent one ends its family; others are invalid.
    if !unknown.is_empty() {
        let sql = format!(
            "SELECT token_hash, client_id, family, used_at FROM oidc_tokens WHERE kind = 'refresh' AND {}",
            pairs_in(unknown.len(), 1)
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for i in &unknown {
            query = query.bind(jobs[*i].refresh_hash.as_str()).bind(jobs[*i].client_id.as_str());
        }
        let rows = query.fetch_all(&mut *tx).await?;
        for i in unknown {
            let replayed = rows.iter().find(|r| {
                r.text("token_hash").is_ok_and(|h| h == jobs[i].refresh_hash)
                    && r.opt_int("used_at").is_ok_and(|u| u.is_some())
            });
            if let Some(row) = replayed {
                revoke_family(&mut tx, &row.text("family")?).await?;
                outcomes[i] = RefreshOutcome::Replayed;
            }
        }
    }
    tx.commit().await?;
    Ok(outcomes)
}
