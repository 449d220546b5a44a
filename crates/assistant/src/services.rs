//! The service a message is about, found through the catalog's search index after the
//! words that only carry the question ("syarat", "berapa lama", "mau daftar") are set aside.

use search::{SearchFilter, SearchIndex};

/// Words that say what is asked, not about which service.
const QUESTION_WORDS: &[&str] = &[
    "status",
    "cek",
    "lacak",
    "mau",
    "ingin",
    "daftar",
    "mendaftar",
    "ajukan",
    "mengajukan",
    "pengajuan",
    "permohonan",
    "lama",
    "waktu",
    "hari",
    "proses",
    "selesai",
    "jadi",
    "kantor",
    "alamat",
    "lokasi",
    "jam",
    "buka",
    "telepon",
    "nomor",
    "kontak",
    "hubungi",
    "biaya",
    "bayar",
    "tarif",
    "gratis",
    "harga",
    "ongkos",
    "dokumen",
    "berkas",
    "syarat",
    "persyaratan",
    "apa",
    "saja",
    "dimana",
    "bagaimana",
    "cara",
    "tolong",
    "saya",
    "bisa",
    "tidak",
    "berapa",
    "sudah",
    "belum",
    "sekarang",
    "lewat",
    "sini",
    "chat",
    "talas",
    "layanan",
    "urus",
    "buat",
    "bikin",
    "membuat",
    "mengurus",
    "how",
    "much",
    "long",
    "does",
    "take",
    "cost",
    "need",
    "apply",
    "want",
    "where",
    "is",
    "the",
    "office",
    "documents",
    "requirements",
    "for",
    "a",
    "an",
    "i",
    "my",
    "to",
    "of",
    "new",
    "get",
];

/// A candidate service with its search score.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub code: String,
    pub name: String,
    pub score: f32,
}

/// The words of a message that may name a service.
pub fn service_words(text: &str) -> String {
    // "biayanya", "kantornya": a question word with a suffix is still a question word.
    let asks = |w: &str| QUESTION_WORDS.contains(&w) || QUESTION_WORDS.contains(&search::stem_word(w).as_str());
    crate::text::words(text).into_iter().filter(|w| !asks(w)).collect::<Vec<_>>().join(" ")
}

/// Up to `limit` services the message may be about, best first; those far behind the best
/// (under half its score) are left out, so a clear match comes alone.
pub fn find(index: &SearchIndex, text: &str, limit: usize) -> Vec<Candidate> {
    find_in(index, text, limit, &SearchFilter::default())
}

/// [`find`] among the services a filter keeps (e.g. the complaint category).
pub fn find_in(index: &SearchIndex, text: &str, limit: usize, filter: &SearchFilter) -> Vec<Candidate> {
    let query = service_words(text);
    if query.is_empty() {
        return Vec::new();
    }
    let Ok(results) = index.search(&query, filter, 0, limit, false) else { return Vec::new() };
    let best = results.hits.first().map_or(0.0, |h| h.score);
    results
        .hits
        .into_iter()
        .filter(|h| h.score >= best * 0.5)
        .map(|h| Candidate { code: h.doc.code.clone(), name: h.doc.name.clone(), score: h.score })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_words_are_set_aside() {
        assert_eq!(service_words("berapa lama bikin ktp el?"), "ktp el");
        assert_eq!(service_words("syarat akte kelahiran apa aja"), "akta kelahiran");
        assert_eq!(service_words("kantor disdukcapil dimana"), "disdukcapil");
        assert_eq!(service_words("halo"), "halo");
        assert_eq!(service_words("berapa biayanya"), "");
        assert_eq!(service_words("kantornya dimana"), "");
    }
}
