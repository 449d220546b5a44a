//! The gateway's access log: one entry per call, chained as [`crate::chain`] describes.

use crate::chain::BrokenLink;

/// One finished call through the gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
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
}

/// A call as stored: its place in the chain and its hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallEntry {
    /// 1, 2, 3, … with no gaps.
    pub seq: i64,
    pub call: Call,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash call number `seq` must carry, given the previous hash.
pub fn link_hash(seq: i64, c: &Call, prev_hash: &str) -> String {
    let numbers = [seq, c.at, c.status, c.duration_ms, c.bytes_in, c.bytes_out].map(|n| n.to_string());
    let [seq, at, status, duration, bytes_in, bytes_out] = &numbers;
    crate::chain::hash_parts(&[
        seq,
        at,
        &c.consumer,
        &c.user_id,
        &c.app,
        &c.method,
        &c.path,
        status,
        duration,
        bytes_in,
        bytes_out,
        prev_hash,
    ])
}

impl crate::chain::Link for CallEntry {
    fn seq(&self) -> i64 {
        self.seq
    }
    fn prev_hash(&self) -> &str {
        &self.prev_hash
    }
    fn hash(&self) -> &str {
        &self.hash
    }
    fn link_hash(&self, prev_hash: &str) -> String {
        link_hash(self.seq, &self.call, prev_hash)
    }
}

/// Checks calls in `seq` order against the head `(seq, hash)`; returns how many there are.
pub fn verify_chain(entries: &[CallEntry], head: (i64, &str)) -> Result<u64, BrokenLink> {
    crate::chain::verify(entries, head)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::GENESIS;

    fn chain(n: i64) -> Vec<CallEntry> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let call = Call {
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
                };
                let hash = link_hash(seq, &call, &prev);
                let e = CallEntry { seq, call, prev_hash: prev.clone(), hash };
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    #[test]
    fn intact_chain_verifies_and_changes_are_found() {
        let c = chain(4);
        let head = (4, c[3].hash.clone());
        assert_eq!(verify_chain(&c, (head.0, &head.1)), Ok(4));
        assert_eq!(verify_chain(&[], (0, GENESIS)), Ok(0));

        let mut changed = c.clone();
        changed[1].call.status = 500;
        assert_eq!(verify_chain(&changed, (head.0, &head.1)).map_err(|b| b.seq), Err(2));

        let removed: Vec<_> = c.iter().filter(|e| e.seq != 3).cloned().collect();
        assert_eq!(verify_chain(&removed, (head.0, &head.1)).map_err(|b| b.seq), Err(3));

        assert_eq!(verify_chain(&c[..3], (head.0, &head.1)).map_err(|b| b.seq), Err(4), "cut from the end");
    }
}
