//! OpenID Connect provider state: client registrations, signing keys, consent, codes and
//! tokens. Secrets, codes and tokens are stored only as hashes, so a copy of the database
//! signs nobody in anywhere.

mod clients;
mod keys;
pub(crate) mod refresh;
mod tokens;

pub use clients::{ClientEdit, NewClient, OidcClient};
pub use keys::StoredKey;
pub use tokens::{AccessHolder, AppGrant, CodeGrant, CodeRedemption, RefreshOutcome, TokenGrant};

/// Splits a space-separated scope string into its distinct scopes, in order.
pub fn scopes(scope: &str) -> Vec<&str> {
    let mut seen = Vec::new();
    for s in scope.split(' ').filter(|s| !s.is_empty()) {
        if !seen.contains(&s) {
            seen.push(s);
        }
    }
    seen
}

/// Whether every scope in `asked` is in `held`.
pub fn scope_within(asked: &str, held: &str) -> bool {
    let held = scopes(held);
    scopes(asked).iter().all(|s| held.contains(s))
}

/// The union of two scope strings, in first-seen order.
pub fn scope_union(a: &str, b: &str) -> String {
    scopes(&format!("{a} {b}")).join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_arithmetic() {
        assert_eq!(scopes("openid  email openid"), vec!["openid", "email"]);
        assert!(scope_within("email openid", "openid profile email"));
        assert!(!scope_within("openid nik", "openid email"));
        assert_eq!(scope_union("openid email", "profile openid"), "openid email profile");
    }
}
