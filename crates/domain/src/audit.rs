//! The audit log's chain: each entry's hash covers the entry and the previous hash, so an
//! altered, removed or reordered row breaks the chain from that point on.

use sha2::{Digest, Sha256};

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

/// The hash of the first entry's predecessor.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash an entry must carry, given the previous hash.
pub fn link_hash(e: &AuditEntry, prev_hash: &str) -> String {
    let mut h = Sha256::new();
    for part in [
        e.seq.to_string().as_str(),
        e.at.to_string().as_str(),
        &e.actor,
        &e.action,
        &e.target,
        &e.before,
        &e.after,
        prev_hash,
    ] {
        // Length-prefixed, so no two different entries hash the same input.
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit log broken at entry {seq}: {reason}")]
pub struct BrokenLink {
    pub seq: i64,
    pub reason: String,
}

/// Checks entries in `seq` order; `head` is the (seq, hash) the log says it ends with.
pub fn verify_chain(entries: &[AuditEntry], head: (i64, &str)) -> Result<u64, BrokenLink> {
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
