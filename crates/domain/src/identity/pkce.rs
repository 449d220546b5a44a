//! PKCE with S256 (RFC 7636): a public client proves that the code exchange comes from
//! the same app that started the sign-in.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// Why a PKCE exchange failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PkceError {
    #[error("code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~")]
    MalformedVerifier,
    #[error("code_verifier does not match the code_challenge")]
    Mismatch,
}

fn valid_verifier(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// The S256 challenge of a verifier: BASE64URL(SHA256(verifier)) without padding.
pub fn challenge_s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Checks a verifier against the challenge sent at authorization, in constant time.
pub fn verify_s256(verifier: &str, challenge: &str) -> Result<(), PkceError> {
    if !valid_verifier(verifier) {
        return Err(PkceError::MalformedVerifier);
    }
    let expected = challenge_s256(verifier);
    let same = expected.len() == challenge.len()
        && expected.bytes().zip(challenge.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    if same { Ok(()) } else { Err(PkceError::Mismatch) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// RFC 7636, Appendix B.
    #[test]
    fn rfc_7636_vector() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(challenge_s256(verifier), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        assert_eq!(verify_s256(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"), Ok(()));
        assert_eq!(verify_s256(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN"), Err(PkceError::Mismatch));
        assert_eq!(verify_s256("too-short", "x"), Err(PkceError::MalformedVerifier));
        assert_eq!(verify_s256(&"a".repeat(129), "x"), Err(PkceError::MalformedVerifier));
    }

    proptest! {
        #[test]
        fn a_verifier_matches_only_its_own_challenge(v in "[A-Za-z0-9._~-]{43,128}", w in "[A-Za-z0-9._~-]{43,128}") {
            prop_assert_eq!(verify_s256(&v, &challenge_s256(&v)), Ok(()));
            if v != w {
                prop_assert_eq!(verify_s256(&w, &challenge_s256(&v)), Err(PkceError::Mismatch));
            }
        }
    }
}
