//! Client authentication at the token and revocation endpoints: `client_secret_basic`,
//! `client_secret_post`, or `none` (a public client naming itself; it proves itself with
//! PKCE instead).

use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use store::oidc::OidcClient;

use super::error::OAuthError;
use super::form::Form;
use crate::auth::session::token_hash;
use crate::state::AppState;

struct Presented {
    id: String,
    secret: Option<String>,
    basic: bool,
}

/// RFC 6749 §2.3.1: the Basic credentials are form-encoded before base64.
fn from_basic(headers: &HeaderMap) -> Result<Option<Presented>, OAuthError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Ok(None) };
    let value = value.to_str().map_err(|_| OAuthError::invalid_client("malformed Authorization header", true))?;
    let Some(encoded) = value.strip_prefix("Basic ").or_else(|| value.strip_prefix("basic ")) else {
        return Err(OAuthError::invalid_client("use HTTP Basic for client credentials", true));
    };
    let decoded = STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| OAuthError::invalid_client("malformed Basic credentials", true))?;
    let (id, secret) =
        decoded.split_once(':').ok_or_else(|| OAuthError::invalid_client("malformed Basic credentials", true))?;
    let unescape = |s: &str| -> String {
        url::form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default()
    };
    Ok(Some(Presented { id: unescape(id), secret: Some(unescape(secret)), basic: true }))
}

/// Equal strings in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The client the request authenticates as, or `invalid_client`.
pub async fn authenticate(state: &AppState, headers: &HeaderMap, form: &Form) -> Result<OidcClient, OAuthError> {
    let basic = from_basic(headers)?;
    let body_id = form.get("client_id");
    let body_secret = form.get("client_secret");
    let presented = match basic {
        Some(p) => {
            if body_secret.is_some() {
                return Err(OAuthError::invalid_request("use one client authentication method, not two"));
            }
            if body_id.is_some_and(|id| id != p.id) {
                return Err(OAuthError::invalid_client("client_id differs from the authenticated client", true));
            }
            p
        }
        None => match body_id {
            Some(id) => Presented { id: id.to_string(), secret: body_secret.map(str::to_string), basic: false },
            None => return Err(OAuthError::invalid_client("client authentication is required", false)),
        },
    };
    let refuse = || OAuthError::invalid_client("unknown client or wrong credentials", presented.basic);
    let client = state.store.client(&presented.id).await?.filter(|c| !c.disabled).ok_or_else(refuse)?;
    match (&client.secret_hash, &presented.secret) {
        (Some(hash), Some(secret)) if same(hash, &token_hash(secret)) => Ok(client),
        (None, None) => Ok(client),
        (None, Some(_)) => Err(OAuthError::invalid_client("a public client has no secret", presented.basic)),
        _ => Err(refuse()),
    }
}
