//! The form a service's requests fill in (stored as the domain's JSON definition): set by
//! the command line, or edited in the back-office by an admin or an operator of the
//! agency that owns the service. The editor's reads and writes take the allowed agency
//! codes, so another agency's service is not found rather than filtered out afterwards.

use chrono::{DateTime, Utc};
use domain::request::form::editor::revision;
use serde_json::json;

use crate::audit::{Change, append};
use crate::rows::{Columns, from_ts, placeholders, ts};
use crate::{Store, StoreError};

/// A service's form as its editor opens it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditableForm {
    pub service_code: String,
    pub service_name: String,
    pub agency_code: String,
    /// The integration mode (`native` and `api` services are applied for in satupintu).
    pub mode: String,
    /// The persyaratan, from which the default form is made.
    pub requirements: Vec<String>,
    /// The stored definition (JSON); `None` while the service uses its default form.
    pub definition: Option<String>,
    pub updated_by: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// A service in an agency's list of forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyServiceForm {
    pub service_code: String,
    pub service_name: String,
    pub agency_code: String,
    pub mode: String,
    /// When its own form was last saved; `None` while it uses the default form.
    pub form_updated_at: Option<DateTime<Utc>>,
}

/// A form saved from the editor.
#[derive(Debug, Clone)]
pub struct FormEdit<'a> {
    pub service_code: &'a str,
    /// Only a service of one of these agencies is changed; any other is [`FormEditError::NotFound`].
    pub agency_codes: &'a [String],
    /// The revision the editor started from ([`revision`]): a different one stored now
    /// means a colleague saved in between.
    pub replaces: &'a str,
    /// The checked definition (JSON).
    pub definition: &'a str,
    pub actor: &'a str,
}

/// Why an edited form was not saved.
#[derive(Debug, thiserror::Error)]
pub enum FormEditError {
    #[error("no such service in these agencies")]
    NotFound,
    /// The stored form is no longer the one the editor started from.
    #[error("the form was changed meanwhile")]
    Moved,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for FormEditError {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(e.into())
    }
}

/// Writes the definition and its audit entry inside the caller's transaction.
async fn write(
    conn: &mut sqlx::AnyConnection,
    service_id: &str,
    service_code: &str,
    before: Option<String>,
    definition: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO service_forms (service_id, definition, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (service_id) DO UPDATE SET definition = excluded.definition, \
         updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(service_id)
    .bind(definition)
    .bind(actor)
    .bind(ts(now))
    .execute(&mut *conn)
    .await?;
    let change = Change {
        actor,
        action: "service.form",
        target: service_code,
        before: before.unwrap_or_default(),
        after: json!({ "form": serde_json::from_str::<serde_json::Value>(definition).unwrap_or_default() }).to_string(),
    };
    append(conn, &change, now).await?;
    Ok(())
}

async fn stored(conn: &mut sqlx::AnyConnection, service_id: &str) -> Result<Option<String>, StoreError> {
    sqlx::query("SELECT definition FROM service_forms WHERE service_id = $1")
        .bind(service_id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.text("definition"))
        .transpose()
}

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
        let before = stored(&mut tx, &service_id).await?;
        write(&mut tx, &service_id, service_code, before, definition, actor, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A service of one of `agency_codes` with its form, for the editor: `None` for an
    /// unknown service and another agency's alike.
    pub async fn editable_form(
        &self,
        agency_codes: &[String],
        service_code: &str,
    ) -> Result<Option<EditableForm>, StoreError> {
        if agency_codes.is_empty() {
            return Ok(None);
        }
        let sql = format!(
            "SELECT s.code, s.name, a.code AS agency_code, s.mode, s.requirements_json, f.definition, f.updated_by, \
             f.updated_at FROM services s JOIN agencies a ON a.id = s.agency_id \
             LEFT JOIN service_forms f ON f.service_id = s.id WHERE s.code = $1 AND a.code IN ({})",
            placeholders(2, agency_codes.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(service_code);
        for code in agency_codes {
            query = query.bind(code.as_str());
        }
        let Some(row) = query.fetch_optional(&self.pool).await? else { return Ok(None) };
        Ok(Some(EditableForm {
            service_code: row.text("code")?,
            service_name: row.text("name")?,
            agency_code: row.text("agency_code")?,
            mode: row.text("mode")?,
            requirements: row.list("requirements_json")?,
            definition: row.opt_text("definition")?,
            updated_by: row.opt_text("updated_by")?,
            updated_at: row.opt_int("updated_at")?.map(from_ts).transpose()?,
        }))
    }

    /// The services of `agency_codes` that are not retired, by agency then name, with
    /// whether each has its own form.
    pub async fn agency_service_forms(&self, agency_codes: &[String]) -> Result<Vec<AgencyServiceForm>, StoreError> {
        if agency_codes.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT s.code, s.name, a.code AS agency_code, s.mode, f.updated_at FROM services s \
             JOIN agencies a ON a.id = s.agency_id LEFT JOIN service_forms f ON f.service_id = s.id \
             WHERE s.status <> 'dihentikan' AND a.code IN ({}) ORDER BY a.code{c}, s.sort_key{c}, s.code{c}",
            placeholders(1, agency_codes.len()),
            c = self.backend().binary_collation()
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for code in agency_codes {
            query = query.bind(code.as_str());
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(AgencyServiceForm {
                    service_code: r.text("code")?,
                    service_name: r.text("name")?,
                    agency_code: r.text("agency_code")?,
                    mode: r.text("mode")?,
                    form_updated_at: r.opt_int("updated_at")?.map(from_ts).transpose()?,
                })
            })
            .collect()
    }

    /// Saves a form from the editor, with its audit entry, if the service belongs to one of
    /// the editor's agencies and its form is still the one the editor started from.
    pub async fn edit_service_form(&self, edit: &FormEdit<'_>, now: DateTime<Utc>) -> Result<(), FormEditError> {
        if edit.agency_codes.is_empty() {
            return Err(FormEditError::NotFound);
        }
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "SELECT s.id FROM services s JOIN agencies a ON a.id = s.agency_id WHERE s.code = $1 AND a.code IN ({})",
            placeholders(2, edit.agency_codes.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(edit.service_code);
        for code in edit.agency_codes {
            query = query.bind(code.as_str());
        }
        let row = query.fetch_optional(&mut *tx).await?;
        let service_id = row.ok_or(FormEditError::NotFound)?.text("id")?;
        let before = stored(&mut tx, &service_id).await?;
        if revision(before.as_deref()) != edit.replaces {
            return Err(FormEditError::Moved);
        }
        write(&mut tx, &service_id, edit.service_code, before, edit.definition, edit.actor, now).await?;
        tx.commit().await?;
        Ok(())
    }
}
