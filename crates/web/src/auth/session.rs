//! Server-side sessions: the cookie holds a random token, the database its SHA-256.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, Utc};
use sha2::{Digest, Sha256};
use store::User;

use crate::state::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "sp_sesi";
/// A session ends after this long without use...
pub const IDLE: Duration = Duration::hours(2);
/// ...and after this long in any case.
pub const LIFETIME: Duration = Duration::hours(24);

/// A new random session token (256 bits).
pub fn new_token() -> Option<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).ok()?;
    Some(URL_SAFE_NO_PAD.encode(bytes))
}

pub fn token_hash(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

/// The `Set-Cookie` value that stores a session (HttpOnly, SameSite=Lax, Secure behind TLS).
pub fn cookie(token: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}", LIFETIME.num_seconds())
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

/// The session token sent by the browser, if any.
pub fn token(headers: &HeaderMap) -> Option<String> {
    crate::cookies::get(headers, SESSION_COOKIE).map(str::to_string)
}

/// The signed-in person, if the request carries a live session.
#[derive(Clone)]
pub struct CurrentUser(pub Option<User>);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = std::convert::Infallible;

    /// Looks the session up once per request: the page frame and the handler's own
    /// extractor (`SignedIn`, `Admin`) share the answer through the request extensions.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(known) = parts.extensions.get::<CurrentUser>() {
            return Ok(known.clone());
        }
        let user = match token(&parts.headers) {
            None => None,
            Some(token) => match state.store.session_user(&token_hash(&token), Utc::now(), IDLE).await {
                Ok(user) => user,
                Err(e) => {
                    // A database fault signs nobody in; the page still renders.
                    tracing::warn!(error = %e, "session lookup failed");
                    None
                }
            },
        };
        parts.extensions.insert(Self(user.clone()));
        Ok(Self(user))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = new_token().unwrap_or_default();
        let b = new_token().unwrap_or_default();
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert_ne!(token_hash(&a), a);
        assert!(cookie(&a, true).contains("HttpOnly; SameSite=Lax") && cookie(&a, true).ends_with("; Secure"));
    }
}
