//! Text analysis shared by indexing and querying, so both see the same terms.

use std::borrow::Cow;
use std::mem;
use std::sync::LazyLock;

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, StopWordFilter, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer,
};

/// Stemmed analyzer: for name words, keywords and body text.
pub const STEMMED: &str = "id_stem";
/// Unstemmed analyzer: for exact and prefix matches.
pub const PLAIN: &str = "id_plain";

/// Words that carry no meaning in a service search. Kept small on purpose: "buat",
/// "baru" or "anak" are stop words in general Indonesian lists but name services here.
pub const STOP_WORDS: &[&str] = &[
    "yang",
    "di",
    "ke",
    "dari",
    "untuk",
    "dan",
    "atau",
    "ini",
    "itu",
    "dengan",
    "pada",
    "oleh",
    "dalam",
    "adalah",
    "saya",
    "sy",
    "aku",
    "gue",
    "gw",
    "kami",
    "kita",
    "mau",
    "ingin",
    "pengen",
    "pgn",
    "bagaimana",
    "gimana",
    "gmn",
    "gmna",
    "bgmn",
    "cara",
    "caranya",
    "apa",
    "apakah",
    "bisa",
    "bs",
    "bisakah",
    "tolong",
    "mohon",
    "dong",
    "nih",
    "sih",
    "kah",
    "ya",
    "yg",
    "dgn",
    "utk",
    "buat2",
    "kalau",
    "kalo",
    "klo",
    "jika",
    "kota",
    "kabupaten",
    "the",
    "a",
    "an",
    "of",
    "for",
    "to",
    "how",
    "i",
    "my",
    "in",
    "where",
    "what",
    "can",
    "do",
    "get",
    "please",
    "info",
    "informasi",
    "syarat",
    "persyaratan",
    "online",
    "tentang",
    "mengenai",
    "agar",
    "supaya",
    "harus",
    "perlu",
    "berapa",
    "lama",
    "biaya",
    "dimana",
    "mana",
    "kapan",
];

/// Lower-cases, folds accents to ASCII and turns everything but letters and digits into
/// single spaces: `"KTP-el (Hilang?)"` → `"ktp el hilang"`.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut analyzer = plain_analyzer();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        // Folding can bring punctuation back ("⑴" → "(1)"): keep the words only.
        for piece in stream.token().text.split(|c: char| !c.is_alphanumeric()).filter(|p| !p.is_empty()) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(piece);
        }
    }
    out
}

fn base() -> tantivy::tokenizer::TextAnalyzerBuilder<impl Tokenizer> {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        // Folding can produce capitals ("ꟻ" → "F"): lower-case once more.
        .filter(LowerCaser)
}

static PLAIN_ANALYZER: LazyLock<TextAnalyzer> = LazyLock::new(|| base().build());
static STEMMED_ANALYZER: LazyLock<TextAnalyzer> = LazyLock::new(|| {
    base().filter(StopWordFilter::remove(STOP_WORDS.iter().map(|w| (*w).to_string()))).filter(IndonesianStemmer).build()
});

/// The unstemmed analyzer (cheap to get: a clone of a shared one).
pub fn plain_analyzer() -> TextAnalyzer {
    PLAIN_ANALYZER.clone()
}

/// The stemmed analyzer (cheap to get: a clone of a shared one).
pub fn stemmed_analyzer() -> TextAnalyzer {
    STEMMED_ANALYZER.clone()
}

thread_local! {
    static STEMMER: frostem::Stemmer = frostem::Stemmer::new(frostem::Algorithm::Indonesian);
}

/// Stems one already normalized word the way the stemmed analyzer does.
pub fn stem_word(word: &str) -> String {
    if word.len() > 4 { STEMMER.with(|s| s.stem(word).into_owned()) } else { word.to_string() }
}

/// Runs text through an analyzer and returns its terms.
pub fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// Whether a (normalized) word is a stop word.
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word)
}

/// The Snowball Indonesian stemmer (tantivy ships no Indonesian, frostem does).
#[derive(Clone, Copy)]
pub struct IndonesianStemmer;

impl TokenFilter for IndonesianStemmer {
    type Tokenizer<T: Tokenizer> = StemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> StemmerFilter<T> {
        StemmerFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub struct StemmerFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for StemmerFilter<T> {
    type TokenStream<'a> = StemmerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: frostem::Stemmer::new(frostem::Algorithm::Indonesian),
            buffer: String::new(),
        }
    }
}

pub struct StemmerStream<T> {
    tail: T,
    stemmer: frostem::Stemmer,
    buffer: String,
}

impl<T: TokenStream> TokenStream for StemmerStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        // Short words are mostly abbreviations (kk, kia, pbb): stemming would mangle them.
        if token.text.len() > 4 {
            match self.stemmer.stem(&token.text) {
                Cow::Owned(stemmed) => token.text = stemmed,
                Cow::Borrowed(stemmed) => {
                    self.buffer.clear();
                    self.buffer.push_str(stemmed);
                    mem::swap(&mut token.text, &mut self.buffer);
                }
            }
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalizes() {
        assert_eq!(normalize("  KTP-el (Hilang?)  "), "ktp el hilang");
        assert_eq!(normalize("Pelayanan Késehatan"), "pelayanan kesehatan");
        assert_eq!(normalize("\"a\" AND b:* ~c"), "a and b c");
        assert_eq!(normalize("😀🙏"), "");
        assert_eq!(normalize("⑴ lahir"), "1 lahir");
    }

    #[test]
    fn stems_indonesian_and_drops_stop_words() {
        let mut a = stemmed_analyzer();
        assert_eq!(terms(&mut a, "Pembayaran pajak"), vec!["bayar", "pajak"]);
        assert_eq!(terms(&mut a, "pendaftaran kelahiran"), vec!["daftar", "lahir"]);
        assert_eq!(terms(&mut a, "cara bikin KTP di kota"), vec!["bikin", "ktp"]);
        assert_eq!(terms(&mut a, "kk"), vec!["kk"]);
    }

    proptest! {
        #[test]
        fn normalized_text_is_plain_words(text in "\\PC{0,80}") {
            let n = normalize(&text);
            prop_assert!(n.chars().all(|c| c == ' ' || c.is_alphanumeric()));
            prop_assert!(!n.starts_with(' ') && !n.ends_with(' ') && !n.contains("  "));
            prop_assert_eq!(normalize(&n), n.clone());
        }
    }
}
