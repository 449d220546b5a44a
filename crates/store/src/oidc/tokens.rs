//! Consent, authorization codes and tokens.
//!
//! Codes are single-use and tokens rotate: a second use of either is a sign that it was
//! stolen, so it revokes everything issued from the same sign-in (its *family*).

use chrono::{DateTime, Duration, Utc};
use sqlx::AnyConnection;

use super::scope_union;
use crate::accounts::{USER_COLUMNS, user_without_agencies};
use crate::rows::{Columns, ts};
use crate::{Store, StoreError, User};

/// What an authorization code stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeGrant {
    pub client_id: String,
    pub user_id: String,
    pub redirect_uri: String,
    pub scope: String,
    pub nonce: Option<String>,
    /// The PKCE S256 challenge, if one was sent.
    pub code_challenge: Option<String>,
    /// When the person last proved who they are (OIDC `auth_time`).
    pub auth_time: DateTime<Utc>,
}

/// The outcome of presenting a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeRedemption {
    /// First use: here is what it stands for.
    Fresh(CodeGrant),
    /// Used before: the tokens it produced have been revoked.
    Replayed,
    /// Unknown or expired.
    Invalid,
}

/// What a set of tokens stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenGrant {
    /// Everything issued from one code shares a family.
    pub family: String,
    pub client_id: String,
    pub user_id: String,
    pub scope: String,
    pub auth_time: DateTime<Utc>,
}

/// The outcome of presenting a refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// The old token is spent; new ones were stored for this grant.
    Rotated(TokenGrant),
    /// Already rotated before: the whole family has been revoked.
    Replayed,
    /// Unknown, expired, or issued to another client.
    Invalid,
    /// A scope beyond what the person granted (nothing was spent).
    WiderScope,
}

/// The person an access token speaks for, while its sign-in (family) is alive.
#[derive(Debug, Clone)]
pub struct AccessHolder {
    pub user: User,
    pub nik_sealed: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// An application a person has let in (the account page's "apps I signed in to").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppGrant {
    pub client_id: String,
    pub client_name: String,
    pub scope: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
}

/// Stores a refresh token of a grant. Access tokens are not stored: they are sealed,
/// self-contained and name their family, which must still exist when one is used.
pub(super) async fn insert_refresh(
    conn: &mut AnyConnection,
    grant: &TokenGrant,
    refresh_hash: &str,
    ttl: Duration,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO oidc_tokens (token_hash, kind, family, client_id, user_id, scope, auth_time, created_at, \
         expires_at) VALUES ($1, 'refresh', $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(refresh_hash)
    .bind(grant.family.as_str())
    .bind(grant.client_id.as_str())
    .bind(grant.user_id.as_str())
    .bind(grant.scope.as_str())
    .bind(ts(grant.auth_time))
    .bind(ts(now))
    .bind(ts(now + ttl))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub(super) async fn revoke_family(conn: &mut AnyConnection, family: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM oidc_tokens WHERE family = $1").bind(family).execute(&mut *conn).await?;
    Ok(())
}

impl Store {
    /// The scopes a person has granted a client, if any.
    pub async fn granted_scope(&self, user_id: &str, client_id: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT scope FROM oidc_grants WHERE user_id = $1 AND client_id = $2")
            .bind(user_id)
            .bind(client_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.text("scope")).transpose()
    }

    /// Records consent, adding `scope` to what was granted before.
    pub async fn grant_consent(
        &self,
        user_id: &str,
        client_id: &str,
        scope: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let old = sqlx::query("SELECT scope FROM oidc_grants WHERE user_id = $1 AND client_id = $2")
            .bind(user_id)
            .bind(client_id)
            .fetch_optional(&mut *tx)
            .await?;
        let scope = match old {
            Some(row) => scope_union(&row.text("scope")?, scope),
            None => scope.to_string(),
        };
        sqlx::query(
            "INSERT INTO oidc_grants (user_id, client_id, scope, created_at, last_used_at) VALUES ($1, $2, $3, $4, $4) \
             ON CONFLICT (user_id, client_id) DO UPDATE SET scope = excluded.scope, last_used_at = excluded.last_used_at",
        )
        .bind(user_id)
        .bind(client_id)
        .bind(scope)
        .bind(ts(now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The applications a person has let in, most recently used first.
    pub async fn app_grants(&self, user_id: &str) -> Result<Vec<AppGrant>, StoreError> {
        let rows = sqlx::query(
            "SELECT g.client_id, c.name, g.scope, g.created_at, g.last_used_at FROM oidc_grants g \
             JOIN oidc_clients c ON c.id = g.client_id WHERE g.user_id = $1 ORDER BY g.last_used_at DESC, c.name",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AppGrant {
                    client_id: r.text("client_id")?,
                    client_name: r.text("name")?,
                    scope: r.text("scope")?,
                    created_at: r.time("created_at")?,
                    last_used_at: r.time("last_used_at")?,
                })
            })
            .collect()
    }

    /// Withdraws consent: the grant, and every code and token the client holds for the
    /// person, end together. Returns whether there was a grant.
    pub async fn revoke_app(&self, user_id: &str, client_id: &str) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM oidc_grants WHERE user_id = $1 AND client_id = $2")
            .bind(user_id)
            .bind(client_id)
            .execute(&mut *tx)
            .await?;
        for table in ["oidc_tokens", "oidc_codes"] {
            let sql = format!("DELETE FROM {table} WHERE user_id = $1 AND client_id = $2");
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(user_id).bind(client_id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    /// Stores a new authorization code (its hash).
    pub async fn create_code(
        &self,
        code_hash: &str,
        grant: &CodeGrant,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO oidc_codes (code_hash, client_id, user_id, redirect_uri, scope, nonce, code_challenge, \
             auth_time, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(code_hash)
        .bind(grant.client_id.as_str())
        .bind(grant.user_id.as_str())
        .bind(grant.redirect_uri.as_str())
        .bind(grant.scope.as_str())
        .bind(grant.nonce.clone())
        .bind(grant.code_challenge.clone())
        .bind(ts(grant.auth_time))
        .bind(ts(now))
        .bind(ts(now + ttl))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Spends a code. A second presentation revokes the tokens the first one produced
    /// (their family is the code's hash).
    pub async fn redeem_code(&self, code_hash: &str, now: DateTime<Utc>) -> Result<CodeRedemption, StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT client_id, user_id, redirect_uri, scope, nonce, code_challenge, auth_time, expires_at, used_at \
             FROM oidc_codes WHERE code_hash = $1",
        )
        .bind(code_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else { return Ok(CodeRedemption::Invalid) };
        if row.opt_int("used_at")?.is_some() {
            revoke_family(&mut tx, code_hash).await?;
            tx.commit().await?;
            return Ok(CodeRedemption::Replayed);
        }
        if row.int("expires_at")? <= ts(now) {
            return Ok(CodeRedemption::Invalid);
        }
        let spent = sqlx::query("UPDATE oidc_codes SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL")
            .bind(ts(now))
            .bind(code_hash)
            .execute(&mut *tx)
            .await?;
        if spent.rows_affected() != 1 {
            // Another request spent it a moment ago: that is a replay too.
            revoke_family(&mut tx, code_hash).await?;
            tx.commit().await?;
            return Ok(CodeRedemption::Replayed);
        }
        tx.commit().await?;
        Ok(CodeRedemption::Fresh(CodeGrant {
            client_id: row.text("client_id")?,
            user_id: row.text("user_id")?,
            redirect_uri: row.text("redirect_uri")?,
            scope: row.text("scope")?,
            nonce: row.opt_text("nonce")?,
            code_challenge: row.opt_text("code_challenge")?,
            auth_time: row.time("auth_time")?,
        }))
    }

    /// Stores the first refresh token of a family and marks the consent as just used.
    pub async fn issue_tokens(
        &self,
        grant: &TokenGrant,
        refresh_hash: &str,
        refresh_ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        insert_refresh(&mut tx, grant, refresh_hash, refresh_ttl, now).await?;
        sqlx::query("UPDATE oidc_grants SET last_used_at = $1 WHERE user_id = $2 AND client_id = $3")
            .bind(ts(now))
            .bind(grant.user_id.as_str())
            .bind(grant.client_id.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The person behind an access token of `family`, if that sign-in still stands (not
    /// revoked, replayed, withdrawn or expired) and the account still exists.
    pub async fn access_holder(
        &self,
        user_id: &str,
        family: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<AccessHolder>, StoreError> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, u.nik_sealed, u.updated_at FROM users u WHERE u.id = $1 AND EXISTS \
             (SELECT 1 FROM oidc_tokens t WHERE t.family = $2 AND t.user_id = u.id AND t.expires_at > $3)"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .bind(family)
            .bind(ts(now))
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(AccessHolder {
            user: user_without_agencies(&row)?,
            nik_sealed: row.opt_text("nik_sealed")?,
            updated_at: row.time("updated_at")?,
        }))
    }

    /// Ends a sign-in of `client_id` (revoking one of its access tokens ends it whole:
    /// RFC 7009 §2.1 allows it, and access tokens are not stored one by one).
    pub async fn revoke_family_of(&self, family: &str, client_id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM oidc_tokens WHERE family = $1 AND client_id = $2")
            .bind(family)
            .bind(client_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// RFC 7009 revocation of a refresh token by the client it was issued to (anyone
    /// else's request changes nothing): its whole family ends.
    pub async fn revoke_token(&self, token_hash: &str, client_id: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT family FROM oidc_tokens WHERE token_hash = $1 AND client_id = $2")
            .bind(token_hash)
            .bind(client_id)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(row) = row {
            revoke_family(&mut tx, &row.text("family")?).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Removes expired codes and tokens (and spent refresh tokens past their lifetime).
    pub async fn purge_expired_oidc(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let mut removed = 0;
        for table in ["oidc_codes", "oidc_tokens"] {
            let sql = format!("DELETE FROM {table} WHERE expires_at <= $1");
            removed += sqlx::query(sqlx::AssertSqlSafe(sql)).bind(ts(now)).execute(&self.pool).await?.rows_affected();
        }
        Ok(removed)
    }
}
