//! Discovery (OpenID Connect Discovery 1.0 §3) and the JWKS document.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::error::OAuthError;
use super::issuer;
use super::request::SUPPORTED_SCOPES;
use crate::state::AppState;

pub async fn configuration(State(state): State<AppState>) -> Response {
    let iss = issuer(&state);
    let at = |path: &str| format!("{iss}{path}");
    let body = json!({
        "issuer": iss,
        "authorization_endpoint": at("/oidc/authorize"),
        "token_endpoint": at("/oidc/token"),
        "userinfo_endpoint": at("/oidc/userinfo"),
        "jwks_uri": at("/oidc/jwks"),
        "revocation_endpoint": at("/oidc/revoke"),
        "end_session_endpoint": at("/oidc/logout"),
        "scopes_supported": SUPPORTED_SCOPES,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "code_challenge_methods_supported": ["S256"],
        "prompt_values_supported": ["none", "login", "consent", "select_account"],
        "claims_supported": [
            "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash",
            "name", "updated_at", "email", "email_verified", "phone_number", "phone_number_verified", "nik"
        ],
        "ui_locales_supported": ["id", "en"],
        "claims_parameter_supported": false,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
        "authorization_response_iss_parameter_supported": true,
    });
    ([(header::CACHE_CONTROL, "public, max-age=300")], Json(body)).into_response()
}

pub async fn jwks(State(state): State<AppState>) -> Response {
    match state.oidc_keys.keys(&state.store, &state.settings.sealer).await {
        Ok(keys) => (
            [(header::CONTENT_TYPE, "application/jwk-set+json"), (header::CACHE_CONTROL, "public, max-age=300")],
            keys.jwks.as_str().to_string(),
        )
            .into_response(),
        Err(e) => OAuthError::server_error(e).into_response(),
    }
}
