//! Catalog writes. Each takes a connection so callers group them in one transaction.

use chrono::{DateTime, Utc};
use domain::{Agency, CategoryName, IntegrationStatus, Service, ServiceCode, StatusChange};
use sqlx::AnyConnection;

use crate::rows::{Columns, json_list, new_id, sort_key, ts};
use crate::{Store, StoreError};

/// Adds or updates an agency by code; returns its id.
pub(crate) async fn upsert_agency(
    conn: &mut AnyConnection,
    agency: &Agency,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    let row = sqlx::query(
        "INSERT INTO agencies (id, code, name, short_name, kind, address, phone, email, website, sort_key, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) \
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, short_name = excluded.short_name, \
         kind = excluded.kind, address = excluded.address, phone = excluded.phone, email = excluded.email, \
         website = excluded.website, sort_key = excluded.sort_key, updated_at = excluded.updated_at \
         RETURNING id",
    )
    .bind(new_id())
    .bind(agency.code.as_str())
    .bind(agency.name.as_str())
    .bind(agency.short_name.clone())
    .bind(agency.kind.as_str())
    .bind(agency.address.clone())
    .bind(agency.phone.clone())
    .bind(agency.email.clone())
    .bind(agency.website.as_ref().map(|u| u.to_string()))
    .bind(sort_key(&agency.name))
    .bind(ts(now))
    .fetch_one(&mut *conn)
    .await?;
    row.text("id")
}

/// The id of an agency, if it exists.
pub(crate) async fn agency_id(conn: &mut AnyConnection, code: &str) -> Result<Option<String>, StoreError> {
    let row = sqlx::query("SELECT id FROM agencies WHERE code = $1").bind(code).fetch_optional(&mut *conn).await?;
    row.map(|r| r.text("id")).transpose()
}

/// The id and current status of a service, if it exists.
pub(crate) async fn service_state(
    conn: &mut AnyConnection,
    code: &ServiceCode,
) -> Result<Option<(String, IntegrationStatus)>, StoreError> {
    let row = sqlx::query("SELECT id, status FROM services WHERE code = $1")
        .bind(code.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| Ok((r.text("id")?, r.status("status")?))).transpose()
}

async fn ensure_category(conn: &mut AnyConnection, category: &CategoryName) -> Result<String, StoreError> {
    let slug = category.slug();
    sqlx::query(
        "INSERT INTO categories (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO UPDATE SET name = excluded.name",
    )
    .bind(slug.as_str())
    .bind(category.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(slug)
}

async fn record_change(conn: &mut AnyConnection, service_id: &str, change: &StatusChange) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO service_status_changes (id, service_id, from_status, to_status, changed_at, note) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new_id())
    .bind(service_id)
    .bind(change.from.map(|s| s.as_str()))
    .bind(change.to.as_str())
    .bind(ts(change.at))
    .bind(change.note.clone())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Lower-cased name, keywords and code, for the plain text filter.
fn search_text(name: &str, keywords: &[String], code: &ServiceCode) -> String {
    let mut text = name.to_lowercase();
    for keyword in keywords {
        text.push(' ');
        text.push_str(&keyword.to_lowercase());
    }
    text.push(' ');
    text.push_str(&code.as_str().to_lowercase());
    text
}

/// Adds or updates a service by code. The status is written only for a new service;
/// changing an existing one goes through [`change_status`] so the history records it.
pub(crate) async fn upsert_service(
    conn: &mut AnyConnection,
    service: &Service,
    agency_id: &str,
    now: DateTime<Utc>,
    revision: i64,
) -> Result<String, StoreError> {
    let category = ensure_category(conn, &service.category).await?;
    let std = &service.standard;
    let url = |u: &Option<domain::WebUrl>| u.as_ref().map(|u| u.to_string());
    let row = sqlx::query(
        "INSERT INTO services (id, code, name, summary, description, category_slug, agency_id, audience, mode, \
         status, status_changed_at, target_year, web_url, android_url, ios_url, keywords_json, requirements_json, \
         procedure_json, duration_days, cost_rupiah, product, legal_basis, complaint_contact, search_text, sort_key, \
         created_at, updated_at, revision) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, \
         $23, $24, $25, $26, $26, $27) \
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, summary = excluded.summary, \
         description = excluded.description, category_slug = excluded.category_slug, agency_id = excluded.agency_id, \
         audience = excluded.audience, mode = excluded.mode, target_year = excluded.target_year, \
         web_url = excluded.web_url, android_url = excluded.android_url, ios_url = excluded.ios_url, \
         keywords_json = excluded.keywords_json, requirements_json = excluded.requirements_json, \
         procedure_json = excluded.procedure_json, duration_days = excluded.duration_days, \
         cost_rupiah = excluded.cost_rupiah, product = excluded.product, legal_basis = excluded.legal_basis, \
         complaint_contact = excluded.complaint_contact, search_text = excluded.search_text, \
         sort_key = excluded.sort_key, updated_at = excluded.updated_at, revision = excluded.revision \
         RETURNING id",
    )
    .bind(new_id())
    .bind(service.code.as_str())
    .bind(service.name.as_str())
    .bind(service.summary.clone())
    .bind(service.description.clone())
    .bind(category)
    .bind(agency_id)
    .bind(service.audience.as_str())
    .bind(service.mode.as_str())
    .bind(service.status.as_str())
    .bind(ts(service.status_changed_at))
    .bind(service.target_year.map(i64::from))
    .bind(url(&service.web_url))
    .bind(url(&service.android_url))
    .bind(url(&service.ios_url))
    .bind(json_list(&service.keywords))
    .bind(json_list(&std.requirements))
    .bind(json_list(&std.procedure))
    .bind(std.duration_days.map(i64::from))
    .bind(std.cost_rupiah)
    .bind(std.product.clone())
    .bind(std.legal_basis.clone())
    .bind(std.complaint_contact.clone())
    .bind(search_text(&service.name, &service.keywords, &service.code))
    .bind(sort_key(&service.name))
    .bind(ts(now))
    .bind(revision)
    .fetch_one(&mut *conn)
    .await?;
    row.text("id")
}

/// Sets a service's status and records the change in its history.
pub(crate) async fn change_status(
    conn: &mut AnyConnection,
    service_id: &str,
    change: &StatusChange,
    revision: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE services SET status = $1, status_changed_at = $2, revision = $3 WHERE id = $4")
        .bind(change.to.as_str())
        .bind(ts(change.at))
        .bind(revision)
        .bind(service_id)
        .execute(&mut *conn)
        .await?;
    record_change(conn, service_id, change).await
}

/// Starts a catalog write: bumps the revision and returns it, for stamping the rows the
/// write touches. Taking the row lock first also orders concurrent writers.
pub(crate) async fn bump_revision(conn: &mut AnyConnection) -> Result<i64, StoreError> {
    let row = sqlx::query("UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1 RETURNING revision")
        .fetch_one(&mut *conn)
        .await?;
    row.int("revision")
}

impl Store {
    /// Adds or updates agencies by code, in one transaction.
    pub async fn upsert_agencies(&self, agencies: &[Agency]) -> Result<(), StoreError> {
        let now = Utc::now();
        let mut tx = self.begin_write().await?;
        let revision = bump_revision(&mut tx).await?;
        for agency in agencies {
            let id = upsert_agency(&mut tx, agency, now).await?;
            // The agency's name is part of its services' search text.
            sqlx::query("UPDATE services SET revision = $1 WHERE agency_id = $2")
                .bind(revision)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Counts a citizen opening a service's application (the "Buka aplikasi" button).
    pub async fn record_open(&self, code: &ServiceCode) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE services SET opens = opens + 1 WHERE code = $1")
            .bind(code.as_str())
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    /// Sets how often services were opened (used by the demo city's sample figures).
    pub async fn set_opens(&self, opens: &[(ServiceCode, u64)]) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for (code, n) in opens {
            sqlx::query("UPDATE services SET opens = $1 WHERE code = $2")
                .bind(i64::try_from(*n).unwrap_or(i64::MAX))
                .bind(code.as_str())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Replaces a service's status history (oldest first) and sets its status to the
    /// last entry. For loading historical data such as the demo city's programme timeline.
    pub async fn replace_status_history(&self, code: &ServiceCode, history: &[StatusChange]) -> Result<(), StoreError> {
        let Some(last) = history.last() else {
            return Ok(());
        };
        let mut tx = self.begin_write().await?;
        let revision = bump_revision(&mut tx).await?;
        let (id, _) = service_state(&mut tx, code).await?.ok_or(StoreError::NotFound)?;
        sqlx::query("DELETE FROM service_status_changes WHERE service_id = $1")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        for change in &history[..history.len() - 1] {
            record_change(&mut tx, &id, change).await?;
        }
        change_status(&mut tx, &id, last, revision).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Why a status change by a person was refused.
#[derive(Debug, thiserror::Error)]
pub enum StatusChangeError {
    #[error("no such service")]
    NotFound,
    #[error(transparent)]
    Transition(#[from] domain::TransitionError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for StatusChangeError {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(e.into())
    }
}

impl Store {
    /// Changes a service's integration status by a person: checked against the
    /// programme's transitions, recorded in its history with the note, and in the audit
    /// log, in one transaction.
    pub async fn change_service_status(
        &self,
        code: &ServiceCode,
        to: IntegrationStatus,
        note: Option<String>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<StatusChange, StatusChangeError> {
        let mut tx = self.begin_write().await?;
        let revision = bump_revision(&mut tx).await?;
        let (id, current) = service_state(&mut tx, code).await?.ok_or(StatusChangeError::NotFound)?;
        let to = current.transition(to)?;
        let change = StatusChange { from: Some(current), to, at: now, note: note.clone() };
        change_status(&mut tx, &id, &change, revision).await?;
        let audit = crate::audit::Change {
            actor,
            action: "service.status",
            target: code.as_str(),
            before: serde_json::json!({ "status": current.as_str() }).to_string(),
            after: serde_json::json!({ "status": to.as_str(), "note": note }).to_string(),
        };
        crate::audit::append(&mut tx, &audit, now).await?;
        tx.commit().await?;
        Ok(change)
    }
}
