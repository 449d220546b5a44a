//! From a message as people type it to the features the classifier reads: words folded and
//! lower-cased (the search analyzer's normalization), chat shorthand replaced by the word it
//! stands for, stems, word pairs, and character n-grams (which carry typos and unseen forms).

use std::collections::HashMap;
use std::sync::LazyLock;

const SLANG: &str = include_str!("../data/slang.tsv");
const CUES: &str = include_str!("../data/cues.tsv");

/// Shorthand → its words (an empty right side drops filler such as "dong", "nih").
static SHORTHAND: LazyLock<HashMap<&'static str, Vec<&'static str>>> = LazyLock::new(|| {
    SLANG
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .map(|(from, to)| (from.trim(), to.split_whitespace().collect()))
        .collect()
});

/// Cue words and word pairs (`a_b`) → their groups.
static CUE_GROUPS: LazyLock<HashMap<&'static str, Vec<&'static str>>> = LazyLock::new(|| {
    let mut map: HashMap<&'static str, Vec<&'static str>> = HashMap::new();
    for (group, words) in
        CUES.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).filter_map(|l| l.split_once('\t'))
    {
        for word in words.split_whitespace() {
            map.entry(word).or_default().push(group.trim());
        }
    }
    map
});

/// The message's words, normalized, with shorthand expanded; digits are kept as words.
pub fn words(text: &str) -> Vec<String> {
    let normalized = search::normalize(text);
    let mut out = Vec::new();
    for word in normalized.split_whitespace() {
        let word = squeeze_repeats(word);
        match SHORTHAND.get(word.as_str()) {
            Some(expanded) => out.extend(expanded.iter().map(|w| (*w).to_string())),
            None => out.push(word),
        }
    }
    out
}

/// "halooo" → "halo", "pagiii" → "pagi": letters typed three or more times count once.
fn squeeze_repeats(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut last = None;
    let mut run = 0;
    for c in word.chars() {
        if Some(c) == last {
            run += 1;
        } else {
            last = Some(c);
            run = 1;
        }
        if run <= 2 || c.is_ascii_digit() {
            out.push(c);
        }
    }
    // A doubled vowel, h or k at the end of a word is emphasis ("halloo", "makasihh"),
    // unlike an English "call".
    let chars: Vec<char> = out.chars().collect();
    if let [.., a, b] = chars.as_slice()
        && chars.len() > 3
        && a == b
        && "aiueohky".contains(*a)
    {
        return chars[..chars.len() - 1].iter().collect();
    }
    out
}

/// The features of a message with their counts: `w:` stems, `b:` stem pairs, `c:`
/// character 3–5-grams of each word (padded with `_`), and `e:` emoji or symbols only.
pub fn features(text: &str) -> HashMap<String, f32> {
    let mut out: HashMap<String, f32> = HashMap::new();
    let mut add = |f: String| *out.entry(f).or_default() += 1.0;
    let words = words(text);
    let stems: Vec<String> = words
        .iter()
        .map(|w| if w.chars().all(|c| c.is_ascii_digit()) { "#num".to_string() } else { search::stem_word(w) })
        .collect();
    for stem in &stems {
        add(format!("w:{stem}"));
    }
    for pair in stems.windows(2) {
        add(format!("b:{}_{}", pair[0], pair[1]));
    }
    // Cue groups, from single words and from word pairs ("jam buka"), each counted once.
    let mut cues: Vec<&str> = words
        .iter()
        .filter_map(|w| CUE_GROUPS.get(w.as_str()))
        .chain(words.windows(2).filter_map(|p| CUE_GROUPS.get(format!("{}_{}", p[0], p[1]).as_str())))
        .flatten()
        .copied()
        .collect();
    cues.sort_unstable();
    cues.dedup();
    for cue in &cues {
        add(format!("k:{cue}"));
    }
    if cues.is_empty() && !words.is_empty() {
        add("k:none".into());
    }
    for word in &words {
        let padded: Vec<char> = format!("_{word}_").chars().collect();
        for n in 2..=5 {
            for gram in padded.windows(n) {
                add(format!("c:{}", gram.iter().collect::<String>()));
            }
        }
    }
    if words.is_empty() {
        add(if text.trim().is_empty() { "e:empty".into() } else { "e:symbols".into() });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorthand_becomes_words() {
        assert_eq!(
            words("Gmn cara bikin KTP sy yg ilang??"),
            ["bagaimana", "cara", "buat", "ktp", "saya", "yang", "hilang"]
        );
        assert_eq!(words("udh brp hari ga jadi2 dong"), ["sudah", "berapa", "hari", "tidak", "jadi2"]);
        assert_eq!(words("Hatur nuhun, punten!"), ["terima", "kasih", "permisi"]);
        assert_eq!(words("halooo kakkk"), ["halo"]);
    }

    #[test]
    fn repeats_are_squeezed_but_numbers_kept() {
        assert_eq!(squeeze_repeats("pagiiii"), "pagi");
        assert_eq!(squeeze_repeats("makasihh"), "makasih");
        assert_eq!(squeeze_repeats("sukses"), "sukses");
        assert_eq!(squeeze_repeats("2222"), "2222");
        assert_eq!(squeeze_repeats("tunggu"), "tunggu");
    }

    #[test]
    fn features_carry_stems_pairs_and_ngrams() {
        let f = features("syarat membuat akta");
        assert!(f.contains_key("w:syarat") && f.contains_key("b:syarat_buat"), "{f:?}");
        assert!(f.contains_key("c:_ak") && f.contains_key("c:akta_"));
        assert!(features("🙏🙏").contains_key("e:symbols"));
        assert!(features("   ").contains_key("e:empty"));
    }
}
