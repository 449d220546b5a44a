//! The audit log's chain: each entry's hash covers the entry and the previous hash, so an
//! altered, removed or reordered row breaks the chain from that point on.

/// One entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// 1, 2, 3, … with no gaps.
    pub seq: i64,
    /// Unix seconds, UTC.
    pub at: i64,
    /// Who: a user id, or `cli` / `system`.
    pub actor: String,
    /// What, e.g. `user.create`, `user.role`, `catalog.import`.
    pub action: String,
    /// On what, e.g. a user id or a file name.
    pub target: String,
    /// JSON before the change (empty for a creation).
    pub before: String,
    /// JSON after the change.
    pub after: String,
    pub prev_hash: String,
    pub hash: String,
}

pub use crate::chain::{BrokenLink, GENESIS};

/// The hash an entry must carry, given the previous hash.
pub fn link_hash(e: &AuditEntry, prev_hash: &str) -> String {
    let (seq, at) = (e.seq.to_string(), e.at.to_string());
    crate::chain::hash_parts(&[&seq, &at, &e.actor, &e.action, &e.target, &e.before, &e.after, prev_hash])
}

impl crate::chain::Link for AuditEntry {
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
        link_hash(self, prev_hash)
    }
}

/// Checks entries in `seq` order; `head` is the (seq, hash) the log says it ends with.
pub fn verify_chain(entries: &[AuditEntry], head: (i64, &str)) -> Result<u64, BrokenLink> {
    crate::chain::verify(entries, head)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let mut e = AuditEntry {
                    seq,
                    at: 1_700_000_000 + seq,
                    actor: "cli".into(),
                    action: "user.create".into(),
                    target: format!("u{seq}"),
                    before: String::new(),
                    after: format!("{{\"n\":{seq}}}"),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = link_hash(&e, &prev);
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn head(c: &[AuditEntry]) -> (i64, String) {
        c.last().map_or((0, GENESIS.to_string()), |e| (e.seq, e.hash.clone()))
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(5);
        let (seq, hash) = head(&c);
        assert_eq!(verify_chain(&c, (seq, &hash)), Ok(5));
        assert_eq!(verify_chain(&[], (0, GENESIS)), Ok(0));
    }

    #[test]
    fn reports_the_first_broken_link() {
        let c = chain(5);
        let (seq, hash) = head(&c);
        let mut altered = c.clone();
        altered[2].after = "{\"n\":99}".into();
        assert_eq!(verify_chain(&altered, (seq, &hash)).map_err(|e| e.seq), Err(3));
        let mut removed = c.clone();
        removed.remove(1);
        assert_eq!(verify_chain(&removed, (seq, &hash)).map_err(|e| e.seq), Err(2));
        let truncated = &c[..4];
        let err = verify_chain(truncated, (seq, &hash)).err();
        assert_eq!(
            err.map(|e| e.to_string()),
            Some("audit log broken at entry 5: entries after 4 were removed".into())
        );
    }

    proptest! {
        #[test]
        fn any_single_change_is_caught(n in 1i64..20, at in 0usize..20, field in 0u8..4) {
            let c = chain(n);
            let (seq, hash) = head(&c);
            let i = at % c.len();
            let mut bad = c.clone();
            match field {
                0 => bad[i].actor.push('x'),
                1 => bad[i].action.push('x'),
                2 => bad[i].target.push('x'),
                _ => bad[i].at += 1,
            }
            prop_assert_eq!(verify_chain(&bad, (seq, &hash)).map_err(|e| e.seq), Err(i as i64 + 1));
        }
    }
}
