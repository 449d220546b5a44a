//! Access tokens: self-contained and MAC-sealed, so issuing one writes nothing and checking
//! one needs no token table. Each names its sign-in (family); UserInfo accepts it only
//! while that family still exists, so revoking, replaying or withdrawing consent ends the
//! access tokens too. The format is satupintu's own (clients treat it as opaque).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

const PREFIX: &str = "spat1.";

/// What an access token says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    /// The sign-in it belongs to.
    #[serde(rename = "f")]
    pub family: String,
    #[serde(rename = "u")]
    pub user_id: String,
    #[serde(rename = "c")]
    pub client_id: String,
    #[serde(rename = "s")]
    pub scope: String,
    /// Expiry, Unix seconds.
    #[serde(rename = "e")]
    pub expires: i64,
    /// Random, so two tokens of the same second differ.
    #[serde(rename = "n")]
    pub nonce: String,
}

/// The MAC key, derived from the server key every process shares.
#[derive(Clone)]
pub struct AccessKey([u8; 32]);

impl std::fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessKey(…)")
    }
}

impl AccessKey {
    /// A key for this purpose only, derived from `server_key` (the `nik_key`).
    pub fn derive(server_key: &[u8; 32]) -> Self {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(server_key).unwrap_or_else(|_| unreachable_key());
        mac.update(b"satupintu oidc access token v1");
        Self(mac.finalize().into_bytes().into())
    }

    fn mac(&self) -> Hmac<Sha256> {
        <Hmac<Sha256> as Mac>::new_from_slice(&self.0).unwrap_or_else(|_| unreachable_key())
    }

    /// A new access token for `claims` (without `expires`/`nonce`, which this sets).
    pub fn issue(
        &self,
        family: &str,
        user_id: &str,
        client_id: &str,
        scope: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Option<String> {
        let mut nonce = [0u8; 12];
        getrandom::fill(&mut nonce).ok()?;
        let claims = AccessClaims {
            family: family.into(),
            user_id: user_id.into(),
            client_id: client_id.into(),
            scope: scope.into(),
            expires: (now + ttl).timestamp(),
            nonce: URL_SAFE_NO_PAD.encode(nonce),
        };
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).ok()?);
        let mut mac = self.mac();
        mac.update(body.as_bytes());
        Some(format!("{PREFIX}{body}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())))
    }

    /// The claims of a token this server issued, expired or not (`None` if forged).
    pub fn open(&self, token: &str) -> Option<AccessClaims> {
        let (body, tag) = token.strip_prefix(PREFIX)?.split_once('.')?;
        let mut mac = self.mac();
        mac.update(body.as_bytes());
        mac.verify_slice(&URL_SAFE_NO_PAD.decode(tag).ok()?).ok()?;
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).ok()?).ok()
    }
}

/// HMAC takes keys of any length; this cannot happen.
fn unreachable_key() -> Hmac<Sha256> {
    unreachable!("HMAC accepts every key length")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_open_and_forgeries_do_not() {
        let key = AccessKey::derive(&[3u8; 32]);
        let now = Utc::now();
        let token = key.issue("fam", "user-1", "app", "openid email", now, Duration::hours(1)).unwrap();
        let claims = key.open(&token).unwrap();
        assert_eq!(
            (claims.family.as_str(), claims.user_id.as_str(), claims.scope.as_str()),
            ("fam", "user-1", "openid email")
        );
        assert_eq!(claims.expires, (now + Duration::hours(1)).timestamp());
        assert_ne!(token, key.issue("fam", "user-1", "app", "openid email", now, Duration::hours(1)).unwrap());
        // Another server key, or a changed body, does not open.
        assert!(AccessKey::derive(&[4u8; 32]).open(&token).is_none());
        let (body, tag) = token.strip_prefix(PREFIX).unwrap().split_once('.').unwrap();
        let forged = URL_SAFE_NO_PAD
            .encode(String::from_utf8(URL_SAFE_NO_PAD.decode(body).unwrap()).unwrap().replace("user-1", "user-2"));
        assert!(key.open(&format!("{PREFIX}{forged}.{tag}")).is_none());
        assert!(key.open("random-opaque-string").is_none());
    }
}
