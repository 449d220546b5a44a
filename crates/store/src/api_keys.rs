//! API keys of the applications that file Open311 reports (and, later, gateway consumers).
//! A key is shown once when made; only its SHA-256 is stored, so a stolen database does
//! not hand out working keys.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;

use crate::rows::{Columns, from_ts, new_id, ts};
use crate::{Store, StoreError};

/// An application's key (its hash stays in the database).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

fn api_key(row: &AnyRow) -> Result<ApiKey, StoreError> {
    Ok(ApiKey {
        id: row.text("id")?,
        name: row.text("name")?,
        created_at: row.time("created_at")?,
        revoked_at: row.opt_int("revoked_at")?.map(from_ts).transpose()?,
    })
}

impl Store {
    /// Records a new key by its hash; returns its id.
    pub async fn add_api_key(&self, name: &str, key_hash: &str, now: DateTime<Utc>) -> Result<String, StoreError> {
        let id = new_id();
        sqlx::query("INSERT INTO api_keys (id, name, key_hash, created_at) VALUES ($1, $2, $3, $4)")
            .bind(id.as_str())
            .bind(name)
            .bind(key_hash)
            .bind(ts(now))
            .execute(&self.pool)
            .await?;
        Ok(id)
    }

    /// The live key with this hash.
    pub async fn api_key_by_hash(&self, key_hash: &str) -> Result<Option<ApiKey>, StoreError> {
        let row = sqlx::query(
            "SELECT id, name, created_at, revoked_at FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL",
        )
        .bind(key_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(api_key).transpose()
    }

    /// Every key, newest first, revoked ones included.
    pub async fn api_keys(&self) -> Result<Vec<ApiKey>, StoreError> {
        let rows =
            sqlx::query("SELECT id, name, created_at, revoked_at FROM api_keys ORDER BY created_at DESC, id DESC")
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(api_key).collect()
    }

    /// Ends a key at once; false when there is no live key with this id.
    pub async fn revoke_api_key(&self, id: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(ts(now))
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
