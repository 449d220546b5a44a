//! The token endpoint (RFC 6749 §4.1.3, §6; OIDC Core §3.1.3): codes for tokens, and
//! refresh tokens rotated on every use.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use domain::identity::verify_s256;
use serde_json::{Value, json};
use store::oidc::{CodeRedemption, OidcClient, RefreshOutcome, TokenGrant};

use super::client_auth::authenticate;
use super::error::{OAuthError, no_store};
use super::form::Form;
use super::{ACCESS_TTL, ID_TOKEN_TTL, REFRESH_TTL, issuer, jws};
use crate::auth::session::{new_token, token_hash};
use crate::state::AppState;

pub async fn token(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    match exchange(&state, &headers, &body).await {
        Ok(body) => (no_store(), Json(body)).into_response(),
        Err(e) => e.into_response(),
    }
}

fn form_encoded(headers: &HeaderMap) -> bool {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
        v.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"))
    })
}

async fn exchange(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<Value, OAuthError> {
    if !form_encoded(headers) {
        return Err(OAuthError::invalid_request("send the parameters as application/x-www-form-urlencoded"));
    }
    let form = Form::parse(body);
    if let Some(name) = form.repeated() {
        return Err(OAuthError::invalid_request(format!("parameter {name} sent more than once")));
    }
    let client = authenticate(state, headers, &form).await?;
    match form.get("grant_type") {
        None => Err(OAuthError::invalid_request("grant_type is required")),
        Some("authorization_code") => from_code(state, &client, &form).await,
        Some("refresh_token") => from_refresh(state, &client, &form).await,
        Some(other) => Err(OAuthError::unsupported_grant_type(format!("grant_type {other} is not offered"))),
    }
}

/// A sealed access token for `grant` (nothing stored: it names its family).
fn access_token(state: &AppState, grant: &TokenGrant) -> Result<String, OAuthError> {
    state
        .settings
        .access_key
        .issue(&grant.family, &grant.user_id, &grant.client_id, &grant.scope, Utc::now(), ACCESS_TTL)
        .ok_or_else(|| OAuthError::server_error("no randomness"))
}

fn response(access: &str, refresh: &str, scope: &str) -> Value {
    json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": ACCESS_TTL.num_seconds(),
        "refresh_token": refresh,
        "scope": scope,
    })
}

async fn from_code(state: &AppState, client: &OidcClient, form: &Form) -> Result<Value, OAuthError> {
    let code = form.get("code").ok_or_else(|| OAuthError::invalid_request("code is required"))?;
    let redirect_uri =
        form.get("redirect_uri").ok_or_else(|| OAuthError::invalid_request("redirect_uri is required"))?;
    let code_hash = token_hash(code);
    let grant = match state.store.redeem_code(&code_hash, Utc::now()).await? {
        CodeRedemption::Fresh(grant) => grant,
        CodeRedemption::Replayed => {
            return Err(OAuthError::invalid_grant("the code was already used; the tokens it gave are revoked"));
        }
        CodeRedemption::Invalid => return Err(OAuthError::invalid_grant("unknown or expired code")),
    };
    if grant.client_id != client.id {
        return Err(OAuthError::invalid_grant("the code was issued to another client"));
    }
    if grant.redirect_uri != redirect_uri {
        return Err(OAuthError::invalid_grant("redirect_uri differs from the authorization request"));
    }
    match (&grant.code_challenge, form.get("code_verifier")) {
        (Some(challenge), Some(verifier)) => verify_s256(verifier, challenge)
            .map_err(|_| OAuthError::invalid_grant("code_verifier does not match the code_challenge"))?,
        (Some(_), None) => return Err(OAuthError::invalid_grant("code_verifier is required")),
        // A verifier for a code that had no challenge would let an attacker downgrade PKCE.
        (None, Some(_)) => return Err(OAuthError::invalid_grant("no code_challenge was sent for this code")),
        (None, None) => {}
    }
    let refresh = new_token().ok_or_else(|| OAuthError::server_error("no randomness"))?;
    let family = TokenGrant {
        family: code_hash,
        client_id: client.id.clone(),
        user_id: grant.user_id.clone(),
        scope: grant.scope.clone(),
        auth_time: grant.auth_time,
    };
    let now = Utc::now();
    state.store.issue_tokens(&family, &token_hash(&refresh), REFRESH_TTL, now).await?;
    let access = access_token(state, &family)?;
    let mut claims = json!({
        "iss": issuer(state),
        "sub": grant.user_id,
        "aud": client.id,
        "iat": now.timestamp(),
        "exp": (now + ID_TOKEN_TTL).timestamp(),
        "auth_time": grant.auth_time.timestamp(),
        "at_hash": jws::at_hash(&access),
    });
    if let Some(nonce) = &grant.nonce {
        claims["nonce"] = json!(nonce);
    }
    let keys = state.oidc_keys.keys(&state.store, &state.settings.sealer).await.map_err(OAuthError::server_error)?;
    let (key, kid) = (keys.signing.clone(), keys.kid.clone());
    let id_token = tokio::task::spawn_blocking(move || jws::sign(&key, &kid, &claims))
        .await
        .map_err(OAuthError::server_error)?
        .ok_or_else(|| OAuthError::server_error("signing failed"))?;
    let mut body = response(&access, &refresh, &grant.scope);
    body["id_token"] = json!(id_token);
    Ok(body)
}

/// OIDC Core §12.2 lets a refresh answer without an ID token; leaving it out keeps a
/// refresh to one database write (no RSA signature).
async fn from_refresh(state: &AppState, client: &OidcClient, form: &Form) -> Result<Value, OAuthError> {
    let refresh = form.get("refresh_token").ok_or_else(|| OAuthError::invalid_request("refresh_token is required"))?;
    let next = new_token().ok_or_else(|| OAuthError::server_error("no randomness"))?;
    let outcome = state
        .store
        .rotate_refresh(&token_hash(refresh), &client.id, form.get("scope"), &token_hash(&next), REFRESH_TTL)
        .await?;
    match outcome {
        RefreshOutcome::Rotated(grant) => Ok(response(&access_token(state, &grant)?, &next, &grant.scope)),
        RefreshOutcome::Replayed => {
            Err(OAuthError::invalid_grant("the refresh token was already used; its sign-in is revoked"))
        }
        RefreshOutcome::Invalid => Err(OAuthError::invalid_grant("unknown, expired or foreign refresh token")),
        RefreshOutcome::WiderScope => Err(OAuthError::invalid_scope("a refresh cannot widen the granted scope")),
    }
}
