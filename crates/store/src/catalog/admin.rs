//! Catalog changes made by a person in the back-office: agencies and services created or
//! edited one at a time. Each bumps the catalog revision (so the portal, the API and
//! search follow) and appends its audit entry with the before and after state, all in one
//! transaction.

use chrono::{DateTime, Utc};
use domain::{AGENCY_COLUMNS, Agency, AgencyCode, CATALOG_COLUMNS, CatalogEntry, Service, ServiceCode, StatusChange};
use serde_json::{Map, Value};
use sqlx::{AnyConnection, AssertSqlSafe};

use super::read::{FROM_SERVICES, FULL_SERVICE_COLUMNS, agency, service};
use super::write::{agency_id, bump_revision, change_status, service_state, upsert_agency, upsert_service};
use crate::audit::{Change, append};
use crate::{Store, StoreError};

/// Why a back-office catalog change was refused.
#[derive(Debug, thiserror::Error)]
pub enum CatalogEditError {
    #[error("not found")]
    NotFound,
    #[error("the code is already in use")]
    CodeTaken,
    #[error("unknown agency {0}")]
    UnknownAgency(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for CatalogEditError {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(e.into())
    }
}

/// The note on the first history entry of a service created in the back-office.
const CREATED_NOTE: &str = "dibuat di kantor admin";

/// A service as `column: value` (as in a catalog file), leaving out the columns that are
/// not the service's own (`opd_nama`) or change only through the status history.
fn service_fields(s: &Service) -> Map<String, Value> {
    CATALOG_COLUMNS
        .iter()
        .zip(CatalogEntry::to_row(s, ""))
        .filter(|(column, _)| !matches!(**column, "opd_nama" | "status_integrasi"))
        .map(|(column, value)| (column.to_string(), Value::String(value)))
        .collect()
}

fn agency_fields(a: &Agency) -> Map<String, Value> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let values = [
        a.code.to_string(),
        a.name.clone(),
        opt(&a.short_name),
        a.kind.as_str().to_string(),
        opt(&a.address),
        opt(&a.phone),
        opt(&a.email),
        a.website.as_ref().map(ToString::to_string).unwrap_or_default(),
    ];
    AGENCY_COLUMNS.iter().zip(values).map(|(c, v)| (c.to_string(), Value::String(v))).collect()
}

/// Only the fields that changed, as `(before, after)`: the audit log shows what an edit did.
fn changed(before: &Map<String, Value>, after: &Map<String, Value>) -> (String, String) {
    let mut old = Map::new();
    let mut new = Map::new();
    for (key, value) in after {
        if before.get(key) != Some(value) {
            old.insert(key.clone(), before.get(key).cloned().unwrap_or(Value::Null));
            new.insert(key.clone(), value.clone());
        }
    }
    (Value::Object(old).to_string(), Value::Object(new).to_string())
}

async fn read_agency(conn: &mut AnyConnection, code: &AgencyCode) -> Result<Option<Agency>, StoreError> {
    let row = sqlx::query(
        "SELECT a.code, a.name, a.short_name, a.kind, a.address, a.phone, a.email, a.website FROM agencies a \
         WHERE a.code = $1",
    )
    .bind(code.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(agency).transpose()
}

/// The stored record of a service, read inside the caller's transaction.
pub(crate) async fn read_service(conn: &mut AnyConnection, code: &ServiceCode) -> Result<Option<Service>, StoreError> {
    let sql = format!("SELECT {FULL_SERVICE_COLUMNS} {FROM_SERVICES} WHERE s.code = $1");
    let row = sqlx::query(AssertSqlSafe(sql)).bind(code.as_str()).fetch_optional(&mut *conn).await?;
    row.as_ref().map(service).transpose()
}

/// The agency's name is part of its services' search text: stamp them with the revision
/// so search re-reads them.
async fn touch_services_of(conn: &mut AnyConnection, agency_id: &str, revision: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE services SET revision = $1 WHERE agency_id = $2")
        .bind(revision)
        .bind(agency_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

impl Store {
    /// Adds a new agency; its code must be unused.
    pub async fn create_agency(&self, new: &Agency, actor: &str, now: DateTime<Utc>) -> Result<(), CatalogEditError> {
        let mut tx = self.begin_write().await?;
        bump_revision(&mut tx).await?;
        if agency_id(&mut tx, new.code.as_str()).await?.is_some() {
            return Err(CatalogEditError::CodeTaken);
        }
        upsert_agency(&mut tx, new, now).await?;
        let change = Change {
            actor,
            action: "agency.create",
            target: new.code.as_str(),
            before: String::new(),
            after: Value::Object(agency_fields(new)).to_string(),
        };
        append(&mut tx, &change, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Saves an edit of an existing agency (its code stays).
    pub async fn edit_agency(&self, edited: &Agency, actor: &str, now: DateTime<Utc>) -> Result<(), CatalogEditError> {
        let mut tx = self.begin_write().await?;
        let revision = bump_revision(&mut tx).await?;
        let before = read_agency(&mut tx, &edited.code).await?.ok_or(CatalogEditError::NotFound)?;
        let id = upsert_agency(&mut tx, edited, now).await?;
        touch_services_of(&mut tx, &id, revision).await?;
        let (before, after) = changed(&agency_fields(&before), &agency_fields(edited));
        let change = Change { actor, action: "agency.edit", target: edited.code.as_str(), before, after };
        append(&mut tx, &change, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds a new service to an existing agency, with its first history entry.
    pub async fn create_service(&self, new: &Service, actor: &str, now: DateTime<Utc>) -> Result<(), CatalogEditError> {
        let mut tx = self.begin_write().await?;
        let revision = bump_revision(&mut tx).await?;
        if service_state(&mut tx, &new.code).await?.is_some() {
            return Err(CatalogEditError::CodeTaken);
        }
        let agency = agency_id(&mut tx, new.agency.as_str())
            .await?
            .ok_or_else(|| CatalogEditError::UnknownAgency(new.agency.to_string()))?;
        let id = upsert_service(&mut tx, new, &agency, now, revision).await?;
        let first = StatusChange { from: None, to: new.status, at: now, note: Some(CREATED_NOTE.into()) };
        change_status(&mut tx, &id, &first, revision).await?;
        let mut after = service_fields(new);
        after.insert("status_integrasi".into(), Value::String(new.status.as_str().into()));
        let change = Change {
            actor,
            action: "service.create",
            target: new.code.as_str(),
            before: String::new(),
            after: Value::Object(after).to_string(),
        };
        append(&mut tx, &change, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Saves an edit of a service's record. The status is not part of an edit: it changes
    /// through [`Store::change_service_status`] so its history stays complete.
    pub async fn edit_service(
        &self,
        edited: &Service,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), CatalogEditError> {
        let mut tx = self.begin_write().await?;
        let revision = bump_revision(&mut tx).await?;
        let before = read_service(&mut tx, &edited.code).await?.ok_or(CatalogEditError::NotFound)?;
        let agency = agency_id(&mut tx, edited.agency.as_str())
            .await?
            .ok_or_else(|| CatalogEditError::UnknownAgency(edited.agency.to_string()))?;
        upsert_service(&mut tx, edited, &agency, now, revision).await?;
        let (before, after) = changed(&service_fields(&before), &service_fields(edited));
        let change = Change { actor, action: "service.edit", target: edited.code.as_str(), before, after };
        append(&mut tx, &change, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_shows_only_changed_fields() {
        let mut before = Map::new();
        before.insert("nama".into(), "Lama".into());
        before.insert("biaya".into(), "0".into());
        let mut after = before.clone();
        after.insert("nama".into(), "Baru".into());
        assert_eq!(changed(&before, &after), (r#"{"nama":"Lama"}"#.into(), r#"{"nama":"Baru"}"#.into()));
    }
}
