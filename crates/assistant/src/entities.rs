//! What a message names besides its intent: a tracking code (checked by its check
//! character, so a mistyped one is caught and said), a NIK, a phone number, a date. The
//! service is found through the search index (see [`crate::services`]).

use chrono::{Datelike, Duration, NaiveDate};
use domain::identity::{Nik, Phone};
use domain::request::{TrackingCode, TrackingError};

/// A tracking code as written in a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeMention {
    Valid(TrackingCode),
    /// Shaped like a code but wrong: the person probably mistyped it.
    Mistyped {
        written: String,
        reason: String,
    },
}

/// The entities of one message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entities {
    pub code: Option<CodeMention>,
    pub nik: Option<Nik>,
    pub phone: Option<Phone>,
    pub date: Option<NaiveDate>,
}

/// Finds the entities of `text`; relative dates ("besok") count from `today`.
pub fn extract(text: &str, today: NaiveDate) -> Entities {
    let tokens: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '"' | '\'' | '?' | '!'))
        .map(|t| t.trim_matches(|c: char| c == '.' || c == ':'))
        .filter(|t| !t.is_empty())
        .collect();
    Entities { code: code(&tokens), nik: nik(&tokens), phone: phone(&tokens), date: date(&tokens, today) }
}

fn looks_like_code(candidate: &str) -> bool {
    let alnum = |p: &str| p.chars().all(|c| c.is_ascii_alphanumeric());
    // The printed shape, `BGR-7KQ4-M2X`, is evidence enough (a code may have no digit).
    if let [prefix, middle, last] = candidate.split('-').collect::<Vec<_>>().as_slice() {
        return (2..=4).contains(&prefix.len())
            && prefix.chars().all(|c| c.is_ascii_alphabetic())
            && middle.len() == 4
            && last.len() == 3
            && alnum(middle)
            && alnum(last);
    }
    // Written together, it needs a digit to tell it from a long word.
    let letters = candidate.chars().take_while(char::is_ascii_alphabetic).count();
    (9..=11).contains(&candidate.len())
        && alnum(candidate)
        && letters >= 2
        && candidate.chars().any(|c| c.is_ascii_digit())
}

fn code(tokens: &[&str]) -> Option<CodeMention> {
    let mut mistyped = None;
    for start in 0..tokens.len() {
        // "BGR-7KQ4-M2X", "bgr7kq4m2x", or dictated in pieces: "bgr 7kq4 m2x".
        for len in 1..=3 {
            let Some(window) = tokens.get(start..start + len) else { break };
            let candidate = window.join("-");
            // Words in a row ("to rent the") can take a code's shape; pieces of a dictated
            // code carry a digit somewhere.
            let pieces = len > 1 && (window[0].len() > 4 || !candidate.chars().any(|c| c.is_ascii_digit()));
            if !looks_like_code(&candidate) || pieces {
                continue;
            }
            match TrackingCode::parse(&candidate) {
                Ok(code) => return Some(CodeMention::Valid(code)),
                Err(e @ (TrackingError::Check | TrackingError::Character { .. })) if mistyped.is_none() => {
                    mistyped = Some(CodeMention::Mistyped { written: candidate.to_uppercase(), reason: e.to_string() });
                }
                Err(_) => {}
            }
        }
    }
    mistyped
}

fn nik(tokens: &[&str]) -> Option<Nik> {
    tokens.iter().filter(|t| t.len() == 16 && t.bytes().all(|b| b.is_ascii_digit())).find_map(|t| Nik::parse(t).ok())
}

fn phone(tokens: &[&str]) -> Option<Phone> {
    // A number may be written in groups: "0812 3456 7890".
    for start in 0..tokens.len() {
        let mut joined = String::new();
        for t in &tokens[start..tokens.len().min(start + 4)] {
            if !t.trim_start_matches('+').bytes().all(|b| b.is_ascii_digit() || b == b'-') {
                break;
            }
            joined.push_str(t);
            let digits = joined.bytes().filter(u8::is_ascii_digit).count();
            if (joined.starts_with("08") || joined.starts_with("+62") || joined.starts_with("62"))
                && (10..=14).contains(&digits)
                && let Ok(phone) = Phone::parse(&joined)
            {
                return Some(phone);
            }
        }
    }
    None
}

const MONTHS: [(&str, u32); 24] = [
    ("januari", 1),
    ("februari", 2),
    ("maret", 3),
    ("april", 4),
    ("mei", 5),
    ("juni", 6),
    ("juli", 7),
    ("agustus", 8),
    ("september", 9),
    ("oktober", 10),
    ("november", 11),
    ("desember", 12),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("agu", 8),
    ("agt", 8),
    ("sep", 9),
    ("okt", 10),
    ("nov", 11),
    ("des", 12),
];

fn month(word: &str) -> Option<u32> {
    let word = word.to_lowercase();
    MONTHS.iter().find(|(name, _)| *name == word).map(|(_, m)| *m)
}

fn date(tokens: &[&str], today: NaiveDate) -> Option<NaiveDate> {
    for (i, t) in tokens.iter().enumerate() {
        let lower = t.to_lowercase();
        match lower.as_str() {
            "hari" if tokens.get(i + 1).is_some_and(|n| n.eq_ignore_ascii_case("ini")) => return Some(today),
            "today" => return Some(today),
            "besok" | "tomorrow" => return Some(today + Duration::days(1)),
            "lusa" => return Some(today + Duration::days(2)),
            "kemarin" | "yesterday" => return Some(today - Duration::days(1)),
            _ => {}
        }
        for format in ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"] {
            if let Ok(d) = NaiveDate::parse_from_str(t, format) {
                return Some(d);
            }
        }
        // "17 agustus 2026", "17 agustus" (this year).
        if let Ok(day) = t.parse::<u32>()
            && let Some(m) = tokens.get(i + 1).and_then(|w| month(w))
        {
            let year = tokens.get(i + 2).and_then(|y| y.parse::<i32>().ok()).filter(|y| (1900..=2200).contains(y));
            if let Some(d) = NaiveDate::from_ymd_opt(year.unwrap_or(today.year()), m, day) {
                return Some(d);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    }

    fn valid_code() -> TrackingCode {
        let prefix = domain::request::TrackingPrefix::parse("BGR").unwrap();
        TrackingCode::generate(&prefix, 123_456_789)
    }

    #[test]
    fn tracking_codes_are_found_however_written_and_checked() {
        let code = valid_code();
        let text = code.as_str();
        let compact = text.replace('-', "").to_lowercase();
        let spaced = text.replace('-', " ").to_lowercase();
        for written in [format!("cek status {text} dong"), format!("kode sy {compact}"), format!("{spaced} gimana?")] {
            assert_eq!(extract(&written, today()).code, Some(CodeMention::Valid(code.clone())), "{written}");
        }
        // One character changed: caught by the check character.
        let mut chars: Vec<char> = text.chars().collect();
        let i = 5;
        chars[i] = if chars[i] == '7' { '8' } else { '7' };
        let wrong: String = chars.into_iter().collect();
        match extract(&format!("status {wrong}"), today()).code {
            Some(CodeMention::Mistyped { written, reason }) => {
                assert_eq!(written, wrong);
                assert!(reason.contains("pemeriksa") || reason.contains("karakter"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(extract("syarat bikin ktp el 2026", today()).code, None);
        assert_eq!(extract("nomor pelanggan 12345678901", today()).code, None);
        assert_eq!(extract("how much to rent the sports hall", today()).code, None);
        assert_eq!(extract("punten kanggo damel kk naon wae syaratna", today()).code, None);
    }

    #[test]
    fn nik_phone_and_dates() {
        let e = extract("nik 3271046504930002 hp 0812 3456 7890 tgl 17 agustus 2026", today());
        assert_eq!(e.nik.map(|n| n.as_str().to_string()), Some("3271046504930002".into()));
        assert_eq!(e.phone.map(|p| p.as_str().to_string()), Some("+6281234567890".into()));
        assert_eq!(e.date, NaiveDate::from_ymd_opt(2026, 8, 17));
        assert_eq!(extract("besok bisa?", today()).date, NaiveDate::from_ymd_opt(2026, 12, 1));
        assert_eq!(extract("tanggal 2026-12-24", today()).date, NaiveDate::from_ymd_opt(2026, 12, 24));
        assert_eq!(extract("25/12/2026", today()).date, NaiveDate::from_ymd_opt(2026, 12, 25));
        assert_eq!(extract("halo", today()), Entities::default());
    }
}
