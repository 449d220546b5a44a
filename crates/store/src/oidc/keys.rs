//! ID-token signing keys: one signs, older ones stay published for a while.

use chrono::{DateTime, Duration, Utc};
use sqlx::any::AnyRow;

use crate::rows::{Columns, ts};
use crate::{Store, StoreError};

/// A stored key pair.
#[derive(Debug, Clone)]
pub struct StoredKey {
    pub kid: String,
    /// The private key, sealed by the caller (the store never sees it in the clear).
    pub sealed_private_key: String,
    /// The public half as a JWK (JSON text), for the JWKS document.
    pub public_jwk: String,
    pub created_at: DateTime<Utc>,
    /// When it stopped signing; `None` for the key in use.
    pub retired_at: Option<DateTime<Utc>>,
}

fn key_from_row(row: &AnyRow) -> Result<StoredKey, StoreError> {
    Ok(StoredKey {
        kid: row.text("kid")?,
        sealed_private_key: row.text("private_key")?,
        public_jwk: row.text("public_jwk")?,
        created_at: row.time("created_at")?,
        retired_at: row.opt_int("retired_at")?.map(crate::rows::from_ts).transpose()?,
    })
}

impl Store {
    /// The keys to publish: the signing key and those retired less than `keep` ago, newest
    /// first (so the first one without `retired_at` signs).
    pub async fn signing_keys(&self, now: DateTime<Utc>, keep: Duration) -> Result<Vec<StoredKey>, StoreError> {
        let rows = sqlx::query(
            "SELECT kid, private_key, public_jwk, created_at, retired_at FROM oidc_keys \
             WHERE retired_at IS NULL OR retired_at > $1 ORDER BY created_at DESC, kid DESC",
        )
        .bind(ts(now - keep))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(key_from_row).collect()
    }

    /// Makes `key` the signing key and retires the one before it.
    pub async fn add_signing_key(&self, key: &StoredKey) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE oidc_keys SET retired_at = $1 WHERE retired_at IS NULL")
            .bind(ts(key.created_at))
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO oidc_keys (kid, private_key, public_jwk, created_at, retired_at) VALUES ($1, $2, $3, $4, NULL)",
        )
        .bind(key.kid.as_str())
        .bind(key.sealed_private_key.as_str())
        .bind(key.public_jwk.as_str())
        .bind(ts(key.created_at))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
