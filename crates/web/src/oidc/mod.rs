//! satupintu as an OpenID Connect provider, so "Masuk dengan satupintu" works in every
//! integrated application: the authorization code flow with PKCE, RS256 ID tokens,
//! rotating refresh tokens, UserInfo, revocation and RP-initiated logout.
//!
//! The endpoints that clients call from their servers or from another origin (token,
//! UserInfo, revocation, discovery, JWKS) answer CORS and sit outside the cross-site form
//! check; the pages a person acts on (consent, logout confirmation) stay inside it.

pub mod access;
mod authorize;
mod client_auth;
mod discovery;
mod error;
mod form;
pub mod jws;
pub mod keys;
mod logout;
pub mod registration;
mod request;
mod revoke;
mod token;
mod userinfo;

use axum::Router;
use axum::http::{Method, header};
use axum::routing::{get, post};
use chrono::Duration;
use tower_http::cors::{Any, CorsLayer};

use crate::state::AppState;

/// An authorization code lives this long (RFC 6749 §4.1.2: short).
pub const CODE_TTL: Duration = Duration::minutes(2);
pub const ACCESS_TTL: Duration = Duration::hours(1);
pub const ID_TOKEN_TTL: Duration = Duration::hours(1);
/// A refresh token unused this long expires; each use gives a new one.
pub const REFRESH_TTL: Duration = Duration::days(30);

/// The issuer: the public address, without a trailing slash.
pub fn issuer(state: &AppState) -> String {
    state.settings.public_url.trim_end_matches('/').to_string()
}

/// Endpoints for other origins and servers: CORS open, no cookies involved.
pub fn api_routes() -> Router<AppState> {
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE]);
    Router::new()
        .route("/.well-known/openid-configuration", get(discovery::configuration))
        .route("/oidc/jwks", get(discovery::jwks))
        .route("/oidc/token", post(token::token))
        .route("/oidc/userinfo", get(userinfo::userinfo).post(userinfo::userinfo))
        .route("/oidc/revoke", post(revoke::revoke))
        .layer(cors)
        // A client's own form may post the authorization request and the logout.
        .route("/oidc/authorize", get(authorize::authorize_get).post(authorize::authorize_post))
        .route("/oidc/logout", get(logout::logout_get).post(logout::logout_post))
}

/// The person's own answers, posted from our pages (same-site only).
pub fn page_routes() -> Router<AppState> {
    Router::new().route("/oidc/persetujuan", post(authorize::consent)).route("/oidc/keluar", post(logout::confirm))
}
