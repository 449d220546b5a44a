//! "Maksud Anda …?": corrections for words the catalog does not know.

use std::collections::HashMap;

use crate::analyzer::is_stop_word;
use crate::blocklist::is_blocked;
use crate::synonyms::Synonyms;

/// Edit distance with adjacent transpositions counted as one edit (optimal string
/// alignment), over characters.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[n][m]
}

/// How many typos a word of this length may carry: none below 4 letters, one for 4–7,
/// two from 8.
pub fn allowed_typos(word: &str) -> usize {
    match word.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// The words of the catalog with how many services use each.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    words: HashMap<String, u32>,
}

impl Vocabulary {
    pub fn add_text(&mut self, normalized_words: impl Iterator<Item = String>) {
        let mut seen = std::collections::HashSet::new();
        for word in normalized_words {
            if seen.insert(word.clone()) {
                *self.words.entry(word).or_default() += 1;
            }
        }
    }

    pub fn contains(&self, word: &str) -> bool {
        self.words.contains_key(word)
    }

    /// The most used known word within the allowed distance of `word`.
    fn closest(&self, word: &str) -> Option<&str> {
        let max = allowed_typos(word);
        if max == 0 {
            return None;
        }
        let len = word.chars().count();
        self.words
            .iter()
            .filter(|(w, _)| w.chars().count().abs_diff(len) <= max && !is_blocked(w))
            .map(|(w, df)| (distance(word, w), *df, w.as_str()))
            .filter(|(d, _, _)| *d <= max)
            .min_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(b.2)))
            .map(|(_, _, w)| w)
    }

    /// A corrected query, when some words are unknown and close to known ones; never one
    /// containing a blocked word.
    pub fn did_you_mean(&self, words: &[String], synonyms: &Synonyms) -> Option<String> {
        let mut changed = false;
        let mut out = Vec::with_capacity(words.len());
        for word in words {
            let known = self.contains(word) || synonyms.knows(word) || is_stop_word(word);
            let replacement = if known { None } else { self.closest(word) };
            match replacement {
                Some(r) => {
                    changed = true;
                    out.push(r.to_string());
                }
                None => out.push(word.clone()),
            }
        }
        if !changed || out.iter().any(|w| is_blocked(w)) {
            return None;
        }
        Some(out.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn vocab(words: &[&str]) -> Vocabulary {
        let mut v = Vocabulary::default();
        for w in words {
            v.add_text(std::iter::once((*w).to_string()));
        }
        v
    }

    #[test]
    fn distances() {
        assert_eq!(distance("kelahiran", "kelahrian"), 1);
        assert_eq!(distance("keluarga", "keluaga"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("pbb", "pbb"), 0);
    }

    #[test]
    fn suggests_known_words_only() {
        let v = vocab(&["akta", "kelahiran", "keluarga", "kartu"]);
        let syn = Synonyms::default();
        let q = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
        assert_eq!(v.did_you_mean(&q("akta kelahrian"), &syn).as_deref(), Some("akta kelahiran"));
        assert_eq!(v.did_you_mean(&q("kartu keluaga"), &syn).as_deref(), Some("kartu keluarga"));
        assert_eq!(v.did_you_mean(&q("akta kelahiran"), &syn), None);
        assert_eq!(v.did_you_mean(&q("xyzzyq"), &syn), None);
    }

    #[test]
    fn never_suggests_a_blocked_word() {
        // Even when the catalog text contains a blocked word, it is never proposed.
        let v = vocab(&["bangsat"]);
        let q = vec!["bangsad".to_string()];
        assert_eq!(v.did_you_mean(&q, &Synonyms::default()), None);
    }

    proptest! {
        #[test]
        fn distance_is_a_metric(a in "[a-z]{0,8}", b in "[a-z]{0,8}") {
            prop_assert_eq!(distance(&a, &b), distance(&b, &a));
            prop_assert_eq!(distance(&a, &a), 0);
            prop_assert!(distance(&a, &b) <= a.len().max(b.len()));
        }
    }
}
