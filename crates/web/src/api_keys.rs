//! API keys for applications (Open311 clients today, gateway consumers later): 256 random
//! bits shown once, stored as their SHA-256. A fast hash is enough for a key with that
//! much entropy (there is nothing to guess), and it keeps each call to one lookup.

use base64::Engine;
use sha2::{Digest, Sha256};

/// The start of every key, so one found in a log or a repository is recognisable.
pub const PREFIX: &str = "sp_";

/// A new key and its hash; `None` if the system has no randomness to give.
pub fn generate() -> Option<(String, String)> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).ok()?;
    let key = format!("{PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes));
    let hash = hash(&key);
    Some((key, hash))
}

/// The stored form of a key (lower-case hex SHA-256).
pub fn hash(key: &str) -> String {
    // Hashed on every gateway call that carries a key: no allocation per byte.
    domain::chain::hex(&Sha256::digest(key.trim().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_long_random_and_hashed_stably() {
        let (a, ha) = generate().unwrap();
        let (b, _) = generate().unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with(PREFIX) && a.len() == PREFIX.len() + 43, "{a}");
        assert_eq!(ha, hash(&a));
        assert_eq!(hash(&format!(" {a}\n")), ha);
        assert_eq!(hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
