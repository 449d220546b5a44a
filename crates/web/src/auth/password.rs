//! Argon2id with OWASP's parameters, always on a blocking thread: a hash takes tens of
//! milliseconds of CPU and must not stall the requests sharing the async threads.

use std::sync::LazyLock;

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

/// The shortest password accepted.
pub const MIN_LENGTH: usize = 8;
/// The longest password accepted, in bytes (a longer one is not a password, and hashing
/// it would cost for nothing).
pub const MAX_LENGTH: usize = 128;

/// Whether a password's length is acceptable.
pub fn acceptable_length(password: &str) -> bool {
    password.chars().count() >= MIN_LENGTH && password.len() <= MAX_LENGTH
}

/// Checks a new password and its repetition; the message to show when they do not do.
pub fn check_new(t: crate::i18n::Tr, password: &str, again: &str) -> Option<String> {
    if !acceptable_length(password) {
        Some(t.with("register-password-length", "n", MIN_LENGTH))
    } else if password != again {
        Some(t.get("register-password-mismatch"))
    } else {
        None
    }
}

fn argon2() -> Argon2<'static> {
    // OWASP Password Storage Cheat Sheet: m = 19 MiB, t = 2, p = 1.
    let params = Params::new(19_456, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash of a password nobody has, verified for unknown accounts so that a failed
/// sign-in takes as long whether or not the account exists.
static DUMMY: LazyLock<String> =
    LazyLock::new(|| argon2().hash_password(b"satupintu-dummy-password").map(|h| h.to_string()).unwrap_or_default());

/// Hashes a password (PHC string with a fresh salt).
pub async fn hash(password: String) -> Option<String> {
    tokio::task::spawn_blocking(move || argon2().hash_password(password.as_bytes()).ok().map(|h| h.to_string()))
        .await
        .ok()
        .flatten()
}

/// Checks a password against a stored hash; `None` (no such account) checks against a
/// dummy hash and fails, in the same time.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| DUMMY.clone());
        let ok = argon2().verify_password(password.as_bytes(), hash.as_str()).is_ok();
        ok && known
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_unknown_accounts_fail() {
        let hash = hash("rahasia-sekali".into()).await.unwrap_or_default();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(verify("rahasia-sekali".into(), Some(hash.clone())).await);
        assert!(!verify("salah".into(), Some(hash)).await);
        assert!(!verify("satupintu-dummy-password".into(), None).await);
        assert!(!verify("x".into(), Some("not a hash".into())).await);
    }
}
