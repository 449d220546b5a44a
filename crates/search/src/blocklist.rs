//! Words a "Maksud Anda …?" suggestion must never contain.

use std::collections::HashSet;
use std::sync::LazyLock;

static BLOCKLIST: LazyLock<HashSet<String>> = LazyLock::new(|| {
    include_str!("../data/blocklist.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(crate::analyzer::normalize)
        .collect()
});

/// Whether a normalized word is blocked.
pub fn is_blocked(word: &str) -> bool {
    BLOCKLIST.contains(word)
}

#[cfg(test)]
mod tests {
    #[test]
    fn blocks_profanity_but_not_service_words() {
        assert!(super::is_blocked("bangsat"));
        assert!(!super::is_blocked("ktp"));
        assert!(super::BLOCKLIST.len() >= 60);
    }
}
