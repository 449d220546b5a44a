//! Hash chains, as the audit log and the gateway's access log keep them (after X-Road's
//! message log): each entry's hash covers the entry and the previous hash, so an altered,
//! removed or reordered row breaks the chain from that point on, and the head (last seq and
//! hash) catches rows cut from the end.

use sha2::{Digest, Sha256};

/// The hash of the first entry's predecessor.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Where a chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit log broken at entry {seq}: {reason}")]
pub struct BrokenLink {
    pub seq: i64,
    pub reason: String,
}

/// An entry of a chain: its place, the hashes it carries, and the hash it should carry.
pub trait Link {
    fn seq(&self) -> i64;
    fn prev_hash(&self) -> &str;
    fn hash(&self) -> &str;
    /// The hash this entry must carry after `prev_hash`.
    fn link_hash(&self, prev_hash: &str) -> String;
}

/// SHA-256 over `parts`, each length-prefixed so no two different entries hash the same
/// input, as lower-case hex.
pub fn hash_parts(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for part in parts {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex(&h.finalize())
}

/// Lower-case hex without an allocation per byte (the gateway's log hashes every call).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Checks entries in `seq` order against the head `(seq, hash)` the log says it ends
/// with; returns how many there are.
pub fn verify<E: Link>(entries: &[E], head: (i64, &str)) -> Result<u64, BrokenLink> {
    let mut prev = GENESIS;
    let mut expected_seq = 1;
    for e in entries {
        let broken = |reason: &str| BrokenLink { seq: expected_seq, reason: reason.to_string() };
        if e.seq() != expected_seq {
            return Err(broken(&format!("entry {} is missing (found {} next)", expected_seq, e.seq())));
        }
        if e.prev_hash() != prev {
            return Err(broken("does not follow the previous entry"));
        }
        if e.link_hash(prev) != e.hash() {
            return Err(broken("its content was changed"));
        }
        prev = e.hash();
        expected_seq += 1;
    }
    let last = expected_seq - 1;
    if head.0 != last || (last > 0 && head.1 != prev) {
        return Err(BrokenLink { seq: last + 1, reason: format!("entries after {last} were removed") });
    }
    Ok(last as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_lower_case() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
    }

    #[test]
    fn parts_are_length_prefixed() {
        assert_ne!(hash_parts(&["ab", "c"]), hash_parts(&["a", "bc"]));
        assert_eq!(hash_parts(&[]).len(), 64);
    }

    #[test]
    fn stored_hashes_keep_their_form() {
        // An audit entry as earlier versions hashed it: a changed form would break every
        // stored chain.
        let parts = ["1", "1700000001", "cli", "user.create", "u1", "", "{\"n\":1}", GENESIS];
        assert_eq!(hash_parts(&parts), "a3ea3b51a87aed5edc62cb9a59932530b8ea610832523655ec732a575838a07a");
    }
}
