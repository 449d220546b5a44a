//! Compact JWS with RS256 (RSASSA-PKCS1-v1_5 over SHA-256), the one algorithm OpenID
//! Connect requires of every provider. Only what the provider needs: sign its own tokens
//! and check an `id_token_hint` it signed earlier.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::sha2::Sha256;
use rsa::{PrivateKey, PublicKey};
use serde_json::{Value, json};

/// Signs `claims` as a JWT with `kid` in the header. Slow (milliseconds): call it off the
/// async threads.
pub fn sign(key: &PrivateKey, kid: &str, claims: &Value) -> Option<String> {
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": kid});
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).ok()?),
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).ok()?)
    );
    let signature = key.pkcs1v15_sign::<Sha256>(input.as_bytes()).ok()?;
    Some(format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature)))
}

/// The claims of a token signed by one of `keys` (by `kid`), without judging its times:
/// an expired ID token is still a valid hint of who is signing out.
pub fn verify(token: &str, keys: &HashMap<String, PublicKey>) -> Option<Value> {
    let mut parts = token.split('.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let head: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
    if head.get("alg")?.as_str()? != "RS256" {
        return None;
    }
    let key = keys.get(head.get("kid")?.as_str()?)?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    key.pkcs1v15_verify::<Sha256>(format!("{header}.{payload}").as_bytes(), &signature).ok()?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

/// The public half as a JWK, with unpadded big-endian `n` and `e` as RFC 7518 asks.
pub fn public_jwk(key: &PublicKey) -> (String, Value) {
    use rsa::traits::PublicKeyParts;
    let strip = |bytes: Box<[u8]>| -> Vec<u8> {
        let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len().saturating_sub(1));
        bytes[first..].to_vec()
    };
    let n = URL_SAFE_NO_PAD.encode(strip(key.n().to_be_bytes()));
    let e = URL_SAFE_NO_PAD.encode(strip(key.e().to_be_bytes()));
    // RFC 7638 thumbprint: members in lexical order, no spaces.
    let thumbprint = format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#);
    let kid = URL_SAFE_NO_PAD.encode(<sha2::Sha256 as sha2::Digest>::digest(thumbprint.as_bytes()));
    let jwk = json!({"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid, "n": n, "e": e});
    (kid, jwk)
}

/// `at_hash`: the left half of the access token's SHA-256 (OIDC Core 3.1.3.6).
pub fn at_hash(access_token: &str) -> String {
    let digest = <sha2::Sha256 as sha2::Digest>::digest(access_token.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> PrivateKey {
        PrivateKey::new(&mut getrandom04::SysRng, 2048).unwrap()
    }

    #[test]
    fn signs_and_verifies_and_refuses_tampering() {
        let private = key();
        let (kid, jwk) = public_jwk(&private.to_public_key());
        assert_eq!(jwk["e"], "AQAB");
        assert_eq!(jwk["kid"], kid.as_str());
        let token = sign(&private, &kid, &json!({"sub": "a", "aud": "b"})).unwrap();
        let keys = HashMap::from([(kid.clone(), private.to_public_key())]);
        assert_eq!(verify(&token, &keys).unwrap()["sub"], "a");

        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(br#"{"sub":"admin","aud":"b"}"#);
        parts[1] = &forged;
        assert!(verify(&parts.join("."), &keys).is_none(), "payload changed");
        assert!(verify(&token, &HashMap::new()).is_none(), "unknown kid");
        let unsigned = format!("{}.{}.", URL_SAFE_NO_PAD.encode(br#"{"alg":"none","kid":"x"}"#), parts[1]);
        assert!(verify(&unsigned, &keys).is_none(), "alg none");
    }

    #[test]
    fn at_hash_matches_the_spec_example() {
        // OIDC Core A.3/A.4 example access token and its at_hash.
        assert_eq!(at_hash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"), "77QmUPtjPfzWtF2AnpK9RQ");
    }
}
