//! UserInfo (OIDC Core §5.3): the claims an access token's scopes allow, by GET or POST,
//! with the token in the `Authorization` header or (POST) the form body.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{Map, Value, json};
use store::oidc::{AccessHolder, scopes};

use super::access::AccessClaims;
use super::error::{OAuthError, no_store};
use super::form::Form;
use crate::state::AppState;

pub async fn userinfo(State(state): State<AppState>, method: Method, headers: HeaderMap, body: Bytes) -> Response {
    match claims_for(&state, &method, &headers, &body).await {
        Ok(claims) => (no_store(), Json(claims)).into_response(),
        Err(e) => e.into_response(),
    }
}

fn bearer(headers: &HeaderMap) -> Result<Option<&str>, OAuthError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Ok(None) };
    let value = value.to_str().map_err(|_| OAuthError::invalid_token("malformed Authorization header"))?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => {
            Ok(Some(token.trim()))
        }
        _ => Err(OAuthError::invalid_token("use the Bearer scheme")),
    }
}

async fn claims_for(state: &AppState, method: &Method, headers: &HeaderMap, body: &[u8]) -> Result<Value, OAuthError> {
    let form = if method == Method::POST { Form::parse(body) } else { Form::default() };
    let token = match (bearer(headers)?, form.get("access_token")) {
        (Some(_), Some(_)) => return Err(OAuthError::invalid_request("send the access token once, not twice")),
        (Some(t), None) => t.to_string(),
        (None, Some(t)) => t.to_string(),
        (None, None) => {
            let mut e = OAuthError::invalid_token("an access token is required");
            // RFC 6750 §3.1: no error code when the request carried no credentials at all.
            e.challenge = Some(r#"Bearer realm="satupintu""#.into());
            return Err(e);
        }
    };
    let refused = || OAuthError::invalid_token("the access token is unknown, expired or revoked");
    let now = Utc::now();
    let access = state.settings.access_key.open(&token).filter(|a| a.expires > now.timestamp()).ok_or_else(refused)?;
    let holder = state.store.access_holder(&access.user_id, &access.family, now).await?.ok_or_else(refused)?;
    Ok(Value::Object(claims(state, &access, &holder)))
}

/// The standard claims per scope (OIDC Core §5.4) and `nik` for clients allowed it.
fn claims(state: &AppState, access: &AccessClaims, holder: &AccessHolder) -> Map<String, Value> {
    let user = &holder.user;
    let mut claims = Map::new();
    claims.insert("sub".into(), json!(user.id));
    for scope in scopes(&access.scope) {
        match scope {
            "profile" => {
                claims.insert("name".into(), json!(user.name));
                claims.insert("updated_at".into(), json!(holder.updated_at.timestamp()));
            }
            "email" => {
                if let Some(email) = &user.email {
                    claims.insert("email".into(), json!(email));
                    claims.insert("email_verified".into(), json!(user.email_verified));
                }
            }
            "phone" => {
                if let Some(phone) = &user.phone {
                    claims.insert("phone_number".into(), json!(phone));
                    // satupintu does not send SMS codes, so no number is proven.
                    claims.insert("phone_number_verified".into(), json!(false));
                }
            }
            "nik" => {
                if let Some(nik) = holder.nik_sealed.as_ref().and_then(|s| state.settings.sealer.open(s, &user.id)) {
                    claims.insert("nik".into(), json!(nik));
                }
            }
            _ => {}
        }
    }
    claims
}
