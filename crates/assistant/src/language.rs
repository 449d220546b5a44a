//! Whether a message is written in English (Talas answers in English then): enough English
//! function words and no Indonesian ones.

const ENGLISH: &[&str] = &[
    "the", "a", "an", "is", "are", "was", "i", "you", "my", "me", "we", "do", "does", "did", "can", "could", "how",
    "what", "where", "when", "which", "who", "to", "for", "of", "in", "on", "with", "and", "or", "please", "thanks",
    "thank", "hello", "hi", "hey", "want", "need", "would", "like", "much", "long", "it", "this", "that", "there",
    "have", "has", "get", "am", "your", "about", "apply", "check", "status", "talk", "someone", "good", "morning",
];

const INDONESIAN: &[&str] = &[
    "yang",
    "dan",
    "di",
    "ke",
    "dari",
    "saya",
    "apa",
    "bagaimana",
    "berapa",
    "dimana",
    "tidak",
    "bisa",
    "mau",
    "ada",
    "untuk",
    "dengan",
    "ini",
    "itu",
    "sudah",
    "belum",
    "buat",
    "syarat",
    "biaya",
    "lama",
    "kak",
    "min",
    "tolong",
    "terima",
    "kasih",
    "selamat",
    "pagi",
    "halo",
    "punten",
    "nuhun",
    "permisi",
    "gimana",
    "bikin",
    "cek",
    "lapor",
];

/// True when the message reads as English.
pub fn is_english(text: &str) -> bool {
    let words: Vec<String> = search::normalize(text).split_whitespace().map(str::to_string).collect();
    if words.is_empty() {
        return false;
    }
    let expanded = crate::text::words(text);
    let english = words.iter().filter(|w| ENGLISH.contains(&w.as_str())).count();
    let indonesian = expanded.iter().filter(|w| INDONESIAN.contains(&w.as_str())).count();
    indonesian == 0 && (english * 3 >= words.len() || (words.len() <= 2 && english >= 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_is_told_from_indonesian() {
        for t in ["how long does a birth certificate take", "hello", "I want to apply for an ID card", "thanks a lot"] {
            assert!(is_english(t), "{t}");
        }
        for t in ["berapa lama akta kelahiran", "halo kak", "syarat ktp", "cek status BGR-7KQ4-M2X", "", "🙏", "ktp"]
        {
            assert!(!is_english(t), "{t}");
        }
    }
}
