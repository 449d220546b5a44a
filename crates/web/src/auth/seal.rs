//! Encryption at rest for personal data such as the NIK (UU PDP 27/2022).
//!
//! XChaCha20-Poly1305 with a random 192-bit nonce per value, and the owner's account id
//! as associated data: a sealed value copied onto another account does not open.

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};

/// A 256-bit data key from the settings.
#[derive(Clone)]
pub struct Sealer {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(***)")
    }
}

const VERSION: &str = "v1:";

impl Sealer {
    pub fn new(key: &[u8; 32]) -> Self {
        Self { cipher: XChaCha20Poly1305::new(&Key::from(*key)) }
    }

    /// Encrypts `plain` for the account `owner`.
    pub fn seal(&self, plain: &str, owner: &str) -> Option<String> {
        let mut nonce = [0u8; 24];
        getrandom::fill(&mut nonce).ok()?;
        let sealed =
            self.cipher.encrypt(&XNonce::from(nonce), Payload { msg: plain.as_bytes(), aad: owner.as_bytes() }).ok()?;
        let mut bytes = nonce.to_vec();
        bytes.extend(sealed);
        Some(format!("{VERSION}{}", STANDARD_NO_PAD.encode(bytes)))
    }

    /// A new random signing secret (256 bits, as a session token is made) and its sealed form for `owner`:
    /// the agency deliveries' and the gateway routes' secrets.
    pub fn new_secret(&self, owner: &str) -> Option<(String, String)> {
        let secret = crate::auth::session::new_token()?;
        let sealed = self.seal(&secret, owner)?;
        Some((secret, sealed))
    }

    /// Decrypts a value sealed for `owner`; `None` if it was altered, moved or sealed
    /// with another key.
    pub fn open(&self, sealed: &str, owner: &str) -> Option<String> {
        let bytes = STANDARD_NO_PAD.decode(sealed.strip_prefix(VERSION)?).ok()?;
        if bytes.len() < 24 {
            return None;
        }
        let (nonce, data) = bytes.split_at(24);
        let nonce: [u8; 24] = nonce.try_into().ok()?;
        let plain = self.cipher.decrypt(&XNonce::from(nonce), Payload { msg: data, aad: owner.as_bytes() }).ok()?;
        String::from_utf8(plain).ok()
    }
}

/// Reads a key written as 64 hex digits or base64 (32 bytes either way).
pub fn parse_key(text: &str) -> Option<[u8; 32]> {
    let text = text.trim();
    let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        (0..32).map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()).collect::<Option<Vec<u8>>>()?
    } else {
        base64::engine::general_purpose::STANDARD.decode(text).ok()?
    };
    bytes.try_into().ok()
}

/// A fresh random key, as 64 hex digits.
pub fn new_key() -> Option<String> {
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).ok()?;
    Some(key.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_per_owner_and_detects_tampering() {
        let sealer = Sealer::new(&[7u8; 32]);
        let a = sealer.seal("3271011202870001", "user-a").unwrap_or_default();
        let b = sealer.seal("3271011202870001", "user-a").unwrap_or_default();
        assert_ne!(a, b, "a fresh nonce every time");
        assert!(!a.contains("3271"));
        assert_eq!(sealer.open(&a, "user-a").as_deref(), Some("3271011202870001"));
        assert_eq!(sealer.open(&a, "user-b"), None, "moved to another account");
        assert_eq!(Sealer::new(&[8u8; 32]).open(&a, "user-a"), None, "another key");
        let mut tampered = a.clone();
        tampered.pop();
        tampered.push(if a.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(sealer.open(&tampered, "user-a"), None);
    }

    #[test]
    fn keys() {
        let hex = new_key().unwrap_or_default();
        assert_eq!(hex.len(), 64);
        assert!(parse_key(&hex).is_some());
        assert_eq!(parse_key("short"), None);
        assert_eq!(parse_key(&base64::engine::general_purpose::STANDARD.encode([1u8; 32])), Some([1u8; 32]));
    }
}
