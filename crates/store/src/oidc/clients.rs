//! Client registrations (the integrated applications), changed by admins with an audit entry.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::any::AnyRow;

use crate::audit::{Change, append};
use crate::rows::{Columns, json_list, ts};
use crate::{Store, StoreError};

/// A registered application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcClient {
    pub id: String,
    pub name: String,
    /// SHA-256 of the secret; `None` for a public client (PKCE required).
    pub secret_hash: Option<String>,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    /// Whether the client may ask for the `nik` scope.
    pub allow_nik: bool,
    /// The catalog application (in `sso` mode) this client signs people in to.
    pub service_code: Option<String>,
    pub created_at: DateTime<Utc>,
    pub disabled: bool,
}

impl OidcClient {
    pub fn is_public(&self) -> bool {
        self.secret_hash.is_none()
    }
}

/// A new registration.
#[derive(Debug, Clone)]
pub struct NewClient {
    pub id: String,
    pub name: String,
    pub secret_hash: Option<String>,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub allow_nik: bool,
    pub service_code: Option<String>,
}

/// What an admin may change on a registration.
#[derive(Debug, Clone)]
pub struct ClientEdit {
    pub name: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub allow_nik: bool,
    pub service_code: Option<String>,
    pub disabled: bool,
}

const COLUMNS: &str = "id, name, secret_hash, redirect_uris, post_logout_redirect_uris, allow_nik, service_code, \
                       created_at, disabled_at";

fn client_from_row(row: &AnyRow) -> Result<OidcClient, StoreError> {
    Ok(OidcClient {
        id: row.text("id")?,
        name: row.text("name")?,
        secret_hash: row.opt_text("secret_hash")?,
        redirect_uris: row.list("redirect_uris")?,
        post_logout_redirect_uris: row.list("post_logout_redirect_uris")?,
        allow_nik: row.int("allow_nik")? != 0,
        service_code: row.opt_text("service_code")?,
        created_at: row.time("created_at")?,
        disabled: row.opt_int("disabled_at")?.is_some(),
    })
}

/// The audited picture of a registration (never the secret's hash).
fn audit_view(c: &OidcClient) -> String {
    json!({
        "name": c.name,
        "public": c.is_public(),
        "redirect_uris": c.redirect_uris,
        "post_logout_redirect_uris": c.post_logout_redirect_uris,
        "allow_nik": c.allow_nik,
        "service_code": c.service_code,
        "disabled": c.disabled,
    })
    .to_string()
}

impl Store {
    /// Registers a client.
    pub async fn create_client(
        &self,
        client: &NewClient,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<OidcClient, StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO oidc_clients (id, name, secret_hash, redirect_uris, post_logout_redirect_uris, allow_nik, \
             service_code, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(client.id.as_str())
        .bind(client.name.as_str())
        .bind(client.secret_hash.clone())
        .bind(json_list(&client.redirect_uris))
        .bind(json_list(&client.post_logout_redirect_uris))
        .bind(i64::from(client.allow_nik))
        .bind(client.service_code.clone())
        .bind(ts(now))
        .execute(&mut *tx)
        .await?;
        let created = OidcClient {
            id: client.id.clone(),
            name: client.name.clone(),
            secret_hash: client.secret_hash.clone(),
            redirect_uris: client.redirect_uris.clone(),
            post_logout_redirect_uris: client.post_logout_redirect_uris.clone(),
            allow_nik: client.allow_nik,
            service_code: client.service_code.clone(),
            created_at: crate::rows::from_ts(ts(now))?,
            disabled: false,
        };
        let change = Change {
            actor,
            action: "oidc_client.create",
            target: &client.id,
            before: String::new(),
            after: audit_view(&created),
        };
        append(&mut tx, &change, now).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// One client by id (disabled ones included: callers decide).
    pub async fn client(&self, id: &str) -> Result<Option<OidcClient>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM oidc_clients WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(client_from_row).transpose()
    }

    /// Every client, by name.
    pub async fn clients(&self) -> Result<Vec<OidcClient>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM oidc_clients ORDER BY name, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(client_from_row).collect()
    }

    /// Changes a registration. Disabling one also ends what it was issued: its tokens and
    /// codes stop working at once.
    pub async fn edit_client(
        &self,
        id: &str,
        edit: &ClientEdit,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<OidcClient, StoreError> {
        let before = self.client(id).await?.ok_or(StoreError::NotFound)?;
        let mut tx = self.begin_write().await?;
        let disabled_at = if edit.disabled { Some(ts(now)) } else { None };
        sqlx::query(
            "UPDATE oidc_clients SET name = $1, redirect_uris = $2, post_logout_redirect_uris = $3, allow_nik = $4, \
             service_code = $5, disabled_at = $6, updated_at = $7 WHERE id = $8",
        )
        .bind(edit.name.as_str())
        .bind(json_list(&edit.redirect_uris))
        .bind(json_list(&edit.post_logout_redirect_uris))
        .bind(i64::from(edit.allow_nik))
        .bind(edit.service_code.clone())
        .bind(disabled_at)
        .bind(ts(now))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if edit.disabled {
            sqlx::query("DELETE FROM oidc_tokens WHERE client_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM oidc_codes WHERE client_id = $1").bind(id).execute(&mut *tx).await?;
        }
        let after = OidcClient {
            name: edit.name.clone(),
            redirect_uris: edit.redirect_uris.clone(),
            post_logout_redirect_uris: edit.post_logout_redirect_uris.clone(),
            allow_nik: edit.allow_nik,
            service_code: edit.service_code.clone(),
            disabled: edit.disabled,
            ..before.clone()
        };
        let change = Change {
            actor,
            action: "oidc_client.edit",
            target: id,
            before: audit_view(&before),
            after: audit_view(&after),
        };
        append(&mut tx, &change, now).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Replaces a confidential client's secret (the old one stops working at once).
    pub async fn set_client_secret(
        &self,
        id: &str,
        secret_hash: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE oidc_clients SET secret_hash = $1, updated_at = $2 WHERE id = $3 AND secret_hash IS NOT NULL",
        )
        .bind(secret_hash)
        .bind(ts(now))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let change = Change {
            actor,
            action: "oidc_client.secret",
            target: id,
            before: String::new(),
            after: json!({"secret": "diganti"}).to_string(),
        };
        append(&mut tx, &change, now).await?;
        tx.commit().await?;
        Ok(())
    }
}
