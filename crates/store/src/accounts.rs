//! Accounts, operator scopes and server-side sessions.

use chrono::{DateTime, Duration, Utc};
use domain::AgencyCode;
use domain::identity::{Email, Phone, Role};
use sqlx::AnyConnection;

use crate::audit::{Change, append};
use crate::error::corrupt;
use crate::rows::{Columns, new_id, ts};
use crate::{Store, StoreError};

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub name: String,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    /// An Argon2id PHC string; never the password.
    pub password_hash: String,
    pub role: Role,
    /// For operators: the agencies they work for.
    pub agencies: Vec<AgencyCode>,
}

/// An account as the rest of satupintu sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: Role,
    pub agencies: Vec<String>,
    pub created_at: DateTime<Utc>,
    /// Whether the person proved the e-mail address is theirs.
    pub email_verified: bool,
}

/// Why an account could not be created or changed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("e-mail address already registered")]
    EmailTaken,
    #[error("phone number already registered")]
    PhoneTaken,
    #[error("an account needs an e-mail address or a phone number")]
    NoContact,
    #[error("unknown agency {0}")]
    UnknownAgency(String),
    #[error("no such account")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for AccountError {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(e.into())
    }
}

pub(crate) const USER_COLUMNS: &str = "u.id, u.name, u.email, u.phone, u.role, u.created_at, u.email_verified_at";

async fn agencies_of(conn: &mut AnyConnection, user_id: &str) -> Result<Vec<String>, StoreError> {
    let rows = sqlx::query(
        "SELECT a.code FROM user_agencies ua JOIN agencies a ON a.id = ua.agency_id WHERE ua.user_id = $1 ORDER BY a.code",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| r.text("code")).collect()
}

async fn user_from_row(conn: &mut AnyConnection, row: &sqlx::any::AnyRow) -> Result<User, StoreError> {
    let mut user = user_without_agencies(row)?;
    user.agencies = agencies_of(conn, &user.id).await?;
    Ok(user)
}

/// The account on a row, its agencies left empty (for callers that fetch them in bulk).
pub(crate) fn user_without_agencies(row: &sqlx::any::AnyRow) -> Result<User, StoreError> {
    let id = row.text("id")?;
    let role = row.text("role")?;
    Ok(User {
        agencies: Vec::new(),
        name: row.text("name")?,
        email: row.opt_text("email")?,
        phone: row.opt_text("phone")?,
        role: Role::parse(&role).map_err(|e| corrupt("role", e))?,
        created_at: row.time("created_at")?,
        email_verified: row.opt_int("email_verified_at")?.is_some(),
        id,
    })
}

async fn set_agencies(conn: &mut AnyConnection, user_id: &str, agencies: &[AgencyCode]) -> Result<(), AccountError> {
    sqlx::query("DELETE FROM user_agencies WHERE user_id = $1").bind(user_id).execute(&mut *conn).await?;
    for code in agencies {
        let id = crate::catalog::write::agency_id(conn, code.as_str())
            .await?
            .ok_or_else(|| AccountError::UnknownAgency(code.to_string()))?;
        sqlx::query("INSERT INTO user_agencies (user_id, agency_id) VALUES ($1, $2)")
            .bind(user_id)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

impl Store {
    /// Creates an account; an e-mail or phone already in use is refused.
    /// `actor` is who did it (the new user's own id is used for a self sign-up).
    pub async fn create_user(
        &self,
        user: &NewUser,
        actor: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<User, AccountError> {
        if user.email.is_none() && user.phone.is_none() {
            return Err(AccountError::NoContact);
        }
        let mut tx = self.begin_write().await?;
        if let Some(email) = &user.email {
            let taken = sqlx::query("SELECT id FROM users WHERE email = $1")
                .bind(email.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            if taken.is_some() {
                return Err(AccountError::EmailTaken);
            }
        }
        if let Some(phone) = &user.phone {
            let taken = sqlx::query("SELECT id FROM users WHERE phone = $1")
                .bind(phone.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            if taken.is_some() {
                return Err(AccountError::PhoneTaken);
            }
        }
        let id = new_id();
        sqlx::query(
            "INSERT INTO users (id, email, phone, name, password_hash, role, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(id.as_str())
        .bind(user.email.as_ref().map(|e| e.as_str().to_string()))
        .bind(user.phone.as_ref().map(|p| p.as_str().to_string()))
        .bind(user.name.as_str())
        .bind(user.password_hash.as_str())
        .bind(user.role.as_str())
        .bind(ts(now))
        .execute(&mut *tx)
        .await?;
        set_agencies(&mut tx, &id, &user.agencies).await?;
        let after = serde_json::json!({
            "name": user.name,
            "email": user.email.as_ref().map(|e| e.as_str()),
            "phone": user.phone.as_ref().map(|p| p.masked()),
            "role": user.role.as_str(),
            "agencies": user.agencies.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
        });
        let change = Change {
            actor: actor.unwrap_or(&id),
            action: "user.create",
            target: &id,
            before: String::new(),
            after: after.to_string(),
        };
        append(&mut tx, &change, now).await?;
        tx.commit().await?;
        self.user(&id).await?.ok_or(AccountError::NotFound)
    }

    /// One account by id.
    pub async fn user(&self, id: &str) -> Result<Option<User>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *conn).await?;
        match row {
            Some(row) => Ok(Some(user_from_row(&mut conn, &row).await?)),
            None => Ok(None),
        }
    }

    /// The account and its password hash for a sign-in by e-mail or phone.
    pub async fn user_for_sign_in(&self, login: &str) -> Result<Option<(User, String)>, StoreError> {
        let email = Email::parse(login).ok().map(|e| e.as_str().to_string());
        let phone = Phone::parse(login).ok().map(|p| p.as_str().to_string());
        let mut conn = self.pool.acquire().await?;
        let sql = format!("SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.email = $1 OR u.phone = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(email.unwrap_or_default())
            .bind(phone.unwrap_or_default())
            .fetch_optional(&mut *conn)
            .await?;
        match row {
            Some(row) => {
                let hash = row.text("password_hash")?;
                Ok(Some((user_from_row(&mut conn, &row).await?, hash)))
            }
            None => Ok(None),
        }
    }

    /// Every account, newest first.
    pub async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let sql = format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.created_at DESC, u.id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *conn).await?;
        let mut users = rows.iter().map(user_without_agencies).collect::<Result<Vec<_>, _>>()?;
        // Every operator's agencies in one query, not one per account.
        let links = sqlx::query(
            "SELECT ua.user_id, a.code FROM user_agencies ua JOIN agencies a ON a.id = ua.agency_id ORDER BY a.code",
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut by_user: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
        for link in &links {
            by_user.entry(link.text("user_id")?).or_default().push(link.text("code")?);
        }
        for user in &mut users {
            user.agencies = by_user.remove(&user.id).unwrap_or_default();
        }
        Ok(users)
    }

    /// Changes an account's role (and an operator's agencies), found by e-mail.
    pub async fn set_role(
        &self,
        email: &Email,
        role: Role,
        agencies: &[AgencyCode],
        actor: &str,
    ) -> Result<User, AccountError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT id, role FROM users WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        let row = row.ok_or(AccountError::NotFound)?;
        let id = row.text("id")?;
        let before = serde_json::json!({ "role": row.text("role")?, "agencies": agencies_of(&mut tx, &id).await? });
        sqlx::query("UPDATE users SET role = $1, updated_at = $2 WHERE id = $3")
            .bind(role.as_str())
            .bind(ts(Utc::now()))
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        set_agencies(&mut tx, &id, agencies).await?;
        let after = serde_json::json!({
            "role": role.as_str(),
            "agencies": agencies.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
        });
        let change =
            Change { actor, action: "user.role", target: &id, before: before.to_string(), after: after.to_string() };
        append(&mut tx, &change, Utc::now()).await?;
        tx.commit().await?;
        self.user(&id).await?.ok_or(AccountError::NotFound)
    }

    /// Starts a session for `user_id`; `token_hash` is the SHA-256 of the cookie value.
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: &str,
        now: DateTime<Utc>,
        lifetime: Duration,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $3, $4)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(ts(now))
        .bind(ts(now + lifetime))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The account of a live session: not past its absolute expiry, and used within
    /// `idle`. Marks it used (at most once a minute, to spare writes).
    pub async fn session_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        idle: Duration,
    ) -> Result<Option<User>, StoreError> {
        let row = sqlx::query("SELECT user_id, last_seen_at, expires_at FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let last_seen = row.time("last_seen_at")?;
        if row.time("expires_at")? <= now || last_seen + idle <= now {
            self.delete_session(token_hash).await?;
            return Ok(None);
        }
        if now - last_seen >= Duration::minutes(1) {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(ts(now))
                .bind(token_hash)
                .execute(&self.pool)
                .await?;
        }
        self.user(&row.text("user_id")?).await
    }

    /// When a live session was started, i.e. when its person last proved who they are
    /// (sessions are new at every sign-in).
    pub async fn session_started(&self, token_hash: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        let row = sqlx::query("SELECT created_at FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.time("created_at")).transpose()
    }

    /// Ends one session.
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await?;
        Ok(())
    }

    /// An account's sessions (times only; tokens are never stored), newest first.
    pub async fn sessions_of(&self, user_id: &str) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>)>, StoreError> {
        let rows =
            sqlx::query("SELECT created_at, last_seen_at FROM sessions WHERE user_id = $1 ORDER BY created_at DESC")
                .bind(user_id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(|r| Ok((r.time("created_at")?, r.time("last_seen_at")?))).collect()
    }

    /// The password hash of an account (to confirm a sensitive action).
    pub async fn password_hash(&self, user_id: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.text("password_hash")).transpose()
    }

    /// Deletes an account with its sessions and agency links (UU PDP 27/2022: the right
    /// to erasure). The audit log keeps that it happened, without the person's contact
    /// details.
    pub async fn delete_user(&self, user_id: &str, now: DateTime<Utc>) -> Result<(), AccountError> {
        let mut tx = self.begin_write().await?;
        for table in ["sessions", "oidc_tokens", "oidc_codes", "oidc_grants"] {
            let sql = format!("DELETE FROM {table} WHERE user_id = $1");
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(user_id).execute(&mut *tx).await?;
        }
        sqlx::query("DELETE FROM user_agencies WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
        let done = sqlx::query("DELETE FROM users WHERE id = $1").bind(user_id).execute(&mut *tx).await?;
        if done.rows_affected() == 0 {
            return Err(AccountError::NotFound);
        }
        let change = Change {
            actor: user_id,
            action: "user.delete",
            target: user_id,
            before: String::new(),
            after: "{}".into(),
        };
        append(&mut tx, &change, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The sealed NIK of an account, if one was given.
    pub async fn nik_sealed(&self, user_id: &str) -> Result<Option<String>, StoreError> {
        let row =
            sqlx::query("SELECT nik_sealed FROM users WHERE id = $1").bind(user_id).fetch_optional(&self.pool).await?;
        Ok(row.map(|r| r.opt_text("nik_sealed")).transpose()?.flatten())
    }

    /// Stores (or clears) an account's sealed NIK; the audit log gets only the masked form.
    pub async fn set_nik(
        &self,
        user_id: &str,
        sealed: Option<&str>,
        masked: &str,
        now: DateTime<Utc>,
    ) -> Result<(), AccountError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE users SET nik_sealed = $1, updated_at = $2 WHERE id = $3")
            .bind(sealed.map(str::to_string))
            .bind(ts(now))
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(AccountError::NotFound);
        }
        let after = serde_json::json!({ "nik": masked }).to_string();
        let change = Change { actor: user_id, action: "user.nik", target: user_id, before: String::new(), after };
        append(&mut tx, &change, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replaces an account's password hash and ends its other sessions (a changed
    /// password must lock out whoever knew the old one).
    pub async fn set_password_hash(
        &self,
        user_id: &str,
        hash: &str,
        keep_session: &str,
        now: DateTime<Utc>,
    ) -> Result<(), AccountError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(hash)
            .bind(ts(now))
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(keep_session)
            .execute(&mut *tx)
            .await?;
        let change = Change {
            actor: user_id,
            action: "user.password",
            target: user_id,
            before: String::new(),
            after: "{}".into(),
        };
        append(&mut tx, &change, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Stores a one-time e-mail link (its hash) for `purpose` (`verify` or `reset`) and
    /// queues the e-mail carrying it, in one transaction.
    pub async fn create_email_token(
        &self,
        token_hash: &str,
        user_id: &str,
        purpose: &str,
        email: &str,
        expires_at: DateTime<Utc>,
        mail_payload: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO email_tokens (token_hash, user_id, purpose, email, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(purpose)
        .bind(email)
        .bind(ts(expires_at))
        .execute(&mut *tx)
        .await?;
        crate::outbox::enqueue(&mut tx, "email", mail_payload, Utc::now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Uses a one-time link: valid, unused, unexpired, for this purpose. Returns the
    /// account and the address it was sent to; a second use finds nothing.
    pub async fn use_email_token(
        &self,
        token_hash: &str,
        purpose: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(String, String)>, StoreError> {
        let row = sqlx::query(
            "UPDATE email_tokens SET used_at = $1 WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL \
             AND expires_at > $1 RETURNING user_id, email",
        )
        .bind(ts(now))
        .bind(token_hash)
        .bind(purpose)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((r.text("user_id")?, r.text("email")?))).transpose()
    }

    /// Marks an address verified, if it is still the account's address.
    pub async fn mark_email_verified(
        &self,
        user_id: &str,
        email: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE users SET email_verified_at = $1 WHERE id = $2 AND email = $3")
            .bind(ts(now))
            .bind(user_id)
            .bind(email)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The account for an e-mail address, if any.
    pub async fn user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        let row = sqlx::query("SELECT id FROM users WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(r) => self.user(&r.text("id")?).await,
            None => Ok(None),
        }
    }

    /// Ends every session of an account ("sign out everywhere").
    pub async fn delete_sessions_of(&self, user_id: &str) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&self.pool).await?;
        Ok(done.rows_affected())
    }

    /// Removes sessions past their absolute expiry or idle for longer than `idle`.
    pub async fn purge_expired_sessions(&self, now: DateTime<Utc>, idle: Duration) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
            .bind(ts(now))
            .bind(ts(now - idle))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
