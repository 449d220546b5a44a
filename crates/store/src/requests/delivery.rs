//! Where each agency's own system receives requests (integration mode `api`).

use chrono::{DateTime, Utc};

use crate::rows::{Columns, ts};
use crate::{Store, StoreError};

impl Store {
    /// Sets an agency's endpoint and its (sealed) signing secret.
    pub async fn set_agency_endpoint(
        &self,
        agency_code: &str,
        url: &str,
        secret_sealed: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let agency = crate::catalog::write::agency_id(&mut tx, agency_code).await?.ok_or(StoreError::NotFound)?;
        sqlx::query(
            "INSERT INTO agency_endpoints (agency_id, url, secret_sealed, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (agency_id) DO UPDATE SET url = excluded.url, secret_sealed = excluded.secret_sealed, \
             updated_at = excluded.updated_at",
        )
        .bind(agency.as_str())
        .bind(url)
        .bind(secret_sealed)
        .bind(ts(now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// An agency's endpoint URL and sealed secret, if it has one.
    pub async fn agency_endpoint(&self, agency_code: &str) -> Result<Option<(String, String)>, StoreError> {
        let row = sqlx::query(
            "SELECT e.url, e.secret_sealed FROM agency_endpoints e JOIN agencies a ON a.id = e.agency_id WHERE a.code = $1",
        )
        .bind(agency_code)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((r.text("url")?, r.text("secret_sealed")?))).transpose()
    }
}
