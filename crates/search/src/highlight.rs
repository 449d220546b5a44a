//! Marks the words of a text that a query matched.

use std::collections::HashSet;

use tantivy::tokenizer::TokenStream;

use crate::analyzer::{plain_analyzer, stem_word};

/// A piece of text, matched or not. Templates print these escaped; nothing here is HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    pub text: String,
    pub hit: bool,
}

/// What counts as a hit: query words, their stems, and a prefix being typed.
#[derive(Debug, Clone, Default)]
pub struct Marker {
    pub words: HashSet<String>,
    pub stems: HashSet<String>,
    pub prefix: Option<String>,
    /// Typo-tolerant words with their allowed distance.
    pub fuzzy: Vec<(String, usize)>,
}

impl Marker {
    fn is_hit(&self, plain: &str) -> bool {
        if self.words.contains(plain) {
            return true;
        }
        if self.prefix.as_deref().is_some_and(|p| plain.starts_with(p)) {
            return true;
        }
        if !self.stems.is_empty() && self.stems.contains(&stem_word(plain)) {
            return true;
        }
        self.fuzzy.iter().any(|(w, d)| crate::suggest::distance(w, plain) <= *d)
    }

    /// Splits `text` into fragments, merging neighbours of the same kind.
    pub fn mark(&self, text: &str) -> Vec<Fragment> {
        let mut fragments: Vec<Fragment> = Vec::new();
        let mut push = |piece: &str, hit: bool| {
            if piece.is_empty() {
                return;
            }
            match fragments.last_mut() {
                Some(last) if last.hit == hit => last.text.push_str(piece),
                _ => fragments.push(Fragment { text: piece.to_string(), hit }),
            }
        };
        let mut plain = plain_analyzer();
        let mut stream = plain.token_stream(text);
        let mut at = 0;
        while stream.advance() {
            let token = stream.token();
            let (from, to) = (token.offset_from, token.offset_to);
            if from < at || to > text.len() || !text.is_char_boundary(from) || !text.is_char_boundary(to) {
                continue;
            }
            let hit = self.is_hit(&token.text);
            push(&text[at..from], false);
            push(&text[from..to], hit);
            at = to;
        }
        push(&text[at..], false);
        fragments
    }
}

/// Fragments as HTML with `<mark>`, everything else escaped (for API clients).
pub fn to_html(fragments: &[Fragment]) -> String {
    let mut out = String::new();
    for f in fragments {
        let escaped = f
            .text
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;");
        if f.hit {
            out.push_str("<mark>");
            out.push_str(&escaped);
            out.push_str("</mark>");
        } else {
            out.push_str(&escaped);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_words_stems_and_prefixes() {
        let marker = Marker {
            words: ["ktp".to_string()].into(),
            stems: ["bayar".to_string()].into(),
            prefix: Some("kel".into()),
            fuzzy: vec![],
        };
        let f = marker.mark("Pembayaran KTP-el <Keluarga>");
        let hits: Vec<_> = f.iter().filter(|f| f.hit).map(|f| f.text.as_str()).collect();
        assert_eq!(hits, vec!["Pembayaran", "KTP", "Keluarga"]);
        assert_eq!(f.iter().map(|f| f.text.as_str()).collect::<String>(), "Pembayaran KTP-el <Keluarga>");
        assert_eq!(to_html(&f), "<mark>Pembayaran</mark> <mark>KTP</mark>-el &lt;<mark>Keluarga</mark>&gt;");
    }
}
