//! Installation facts kept in the `meta` table.

use sqlx::Row;

use crate::{Store, StoreError};

impl Store {
    /// A stored fact, if set.
    pub async fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT value FROM meta WHERE key = $1").bind(key).fetch_optional(&self.pool).await?;
        Ok(row.map(|r| r.try_get::<String, _>("value")).transpose()?)
    }

    /// Sets a fact and bumps the catalog revision in one transaction, so every process
    /// following the revision (search indexes, caches) looks at the new fact at once.
    pub async fn set_meta_and_notify(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&mut *tx)
        .await?;
        crate::catalog::write::bump_revision(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a fact, replacing any earlier value.
    pub async fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
