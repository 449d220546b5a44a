//! The form a service's requests fill in (stored as the domain's JSON definition).

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::audit::{Change, append};
use crate::rows::{Columns, ts};
use crate::{Store, StoreError};

impl Store {
    /// A service's own form definition (JSON), if one was set.
    pub async fn service_form(&self, service_id: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT definition FROM service_forms WHERE service_id = $1")
            .bind(service_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.text("definition")).transpose()
    }

    /// Sets a service's form (already checked by the caller), with an audit entry.
    pub async fn set_service_form(
        &self,
        service_code: &str,
        definition: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let row =
            sqlx::query("SELECT id FROM services WHERE code = $1").bind(service_code).fetch_optional(&mut *tx).await?;
        let service_id = row.ok_or(StoreError::NotFound)?.text("id")?;
        let before = sqlx::query("SELECT definition FROM service_forms WHERE service_id = $1")
            .bind(service_id.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.text("definition"))
            .transpose()?;
        sqlx::query(
            "INSERT INTO service_forms (service_id, definition, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (service_id) DO UPDATE SET definition = excluded.definition, \
             updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(service_id.as_str())
        .bind(definition)
        .bind(actor)
        .bind(ts(now))
        .execute(&mut *tx)
        .await?;
        let change = Change {
            actor,
            action: "service.form",
            target: service_code,
            before: before.unwrap_or_default(),
            after: json!({ "form": serde_json::from_str::<serde_json::Value>(definition).unwrap_or_default() })
                .to_string(),
        };
        append(&mut tx, &change, now).await?;
        tx.commit().await?;
        Ok(())
    }
}
