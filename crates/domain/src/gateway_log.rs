//! The gateway's access log chain, after X-Road's message log: each call's hash covers the
//! call and the previous hash, so an altered, removed or reordered row breaks the chain from
//! that point on, and the head (last seq and hash) catches rows cut from the end.

use sha2::{Digest, Sha256};

use crate::audit::{BrokenLink, GENESIS};

/// One call through the gateway, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallEntry {
    /// 1, 2, 3, … with no gaps.
    pub seq: i64,
    /// When the call ended, Unix seconds UTC.
    pub at: i64,
    /// Who called: `key:{api key id}` or `oidc:{client id}`.
    pub consumer: String,
    /// The signed-in person behind an OIDC token (empty for an API key).
    pub user_id: String,
    /// The catalog service code the call went to.
    pub app: String,
    pub method: String,
    /// The path below `/gw/{app}`, without the query.
    pub path: String,
    /// The status the caller got (the gateway's own, e.g. 429, or the application's).
    pub status: i64,
    pub duration_ms: i64,
    /// Request body bytes passed on, and response body bytes returned.
    pub bytes_in: i64,
    pub bytes_out: i64,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash a call must carry, given the previous hash.
pub fn link_hash(e: &CallEntry, prev_hash: &str) -> String {
    let mut h = Sha256::new();
    for part in [
        e.seq.to_string().as_str(),
        e.at.to_string().as_str(),
        &e.consumer,
        &e.user_id,
        &e.app,
        &e.method,
        &e.path,
        e.status.to_string().as_str(),
        e.duration_ms.to_string().as_str(),
        e.bytes_in.to_string().as_str(),
        e.bytes_out.to_string().as_str(),
        prev_hash,
    ] {
        // Length-prefixed, so no two different calls hash the same input.
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex(&h.finalize())
}

/// Lower-case hex without an allocation per byte (the log writer hashes every call).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Checks calls in `seq` order against the head `(seq, hash)`; returns how many there are.
pub fn verify_chain(entries: &[CallEntry], head: (i64, &str)) -> Result<u64, BrokenLink> {
    let mut prev = GENESIS.to_string();
    let mut expected_seq = 1;
    for e in entries {
        let broken = |reason: &str| BrokenLink { seq: expected_seq, reason: reason.to_string() };
        if e.seq != expected_seq {
            return Err(broken(&format!("entry {} is missing (found {} next)", expected_seq, e.seq)));
        }
        if e.prev_hash != prev {
            return Err(broken("does not follow the previous entry"));
        }
        if link_hash(e, &prev) != e.hash {
            return Err(broken("its content was changed"));
        }
        prev = e.hash.clone();
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

    fn chain(n: i64) -> Vec<CallEntry> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let mut e = CallEntry {
                    seq,
                    at: 1_700_000_000 + seq,
                    consumer: "key:k1".into(),
                    user_id: String::new(),
                    app: "KTP-EL".into(),
                    method: "GET".into(),
                    path: format!("/v1/items/{seq}"),
                    status: 200,
                    duration_ms: 3,
                    bytes_in: 0,
                    bytes_out: 2,
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = link_hash(&e, &prev);
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    #[test]
    fn hex_is_lower_case() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
    }

    #[test]
    fn intact_chain_verifies_and_changes_are_found() {
        let c = chain(4);
        let head = (4, c[3].hash.clone());
        assert_eq!(verify_chain(&c, (head.0, &head.1)), Ok(4));
        assert_eq!(verify_chain(&[], (0, GENESIS)), Ok(0));

        let mut changed = c.clone();
        changed[1].status = 500;
        assert_eq!(verify_chain(&changed, (head.0, &head.1)).map_err(|b| b.seq), Err(2));

        let removed: Vec<_> = c.iter().filter(|e| e.seq != 3).cloned().collect();
        assert_eq!(verify_chain(&removed, (head.0, &head.1)).map_err(|b| b.seq), Err(3));

        assert_eq!(verify_chain(&c[..3], (head.0, &head.1)).map_err(|b| b.seq), Err(4), "cut from the end");
    }
}
