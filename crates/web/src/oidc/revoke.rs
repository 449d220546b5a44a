//! Token revocation (RFC 7009).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::client_auth::authenticate;
use super::error::{OAuthError, no_store};
use super::form::Form;
use crate::auth::session::token_hash;
use crate::state::AppState;

pub async fn revoke(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let form = Form::parse(&body);
    let client = match authenticate(&state, &headers, &form).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let Some(token) = form.get("token") else {
        return OAuthError::invalid_request("token is required").into_response();
    };
    // An unknown token, or another client's, gets the same 200 (RFC 7009 §2.2): the
    // answer tells nothing about tokens that are not the caller's.
    // An access token (sealed, naming its sign-in) ends its sign-in; anything else is
    // looked up as a refresh token.
    let done = match state.settings.access_key.open(token) {
        Some(access) => state.store.revoke_family_of(&access.family, &client.id).await,
        None => state.store.revoke_token(&token_hash(token), &client.id).await,
    };
    match done {
        Ok(()) => (StatusCode::OK, no_store()).into_response(),
        Err(e) => OAuthError::from(e).into_response(),
    }
}
