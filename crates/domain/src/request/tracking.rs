//! Tracking codes a person can read out over the phone: `BGR-7KQ4-M2X`.
//!
//! A code is the city's prefix (2–4 letters) and seven characters from an alphabet without
//! look-alikes (no `0`/`O`, `1`/`I`/`L`, `U`/`V`): six random ones and a check character.
//!
//! The check is a weighted sum modulo 29 (the alphabet's size, a prime), with the weights
//! 7, 6, …, 1: every single wrong character and every swap of two different characters,
//! adjacent or not, changes the sum. The Luhn mod N algorithm was considered and rejected:
//! it misses the swap of the alphabet's first and last characters (`2Z` ↔ `Z2`), exactly
//! the kind of slip a caller makes when reading a code aloud.
//!
//! The prefix is not covered by the check: it is the same for every code of a city, so the
//! caller compares it with its own instead.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The characters of a code after the prefix, in value order (the check uses the index).
pub const ALPHABET: &[u8; 29] = b"23456789ABCDEFGHJKMNPQRSTWXYZ";
/// Characters after the prefix: six random ones and the check character.
pub const CODE_CHARS: usize = 7;
const PAYLOAD_CHARS: usize = CODE_CHARS - 1;
const MODULUS: u64 = ALPHABET.len() as u64;
/// 29⁶: the number of distinct codes per prefix.
pub const CODES_PER_PREFIX: u64 = MODULUS.pow(PAYLOAD_CHARS as u32);

/// Why a prefix or a code was refused. Positions count from 1, from the first character
/// after the prefix, as a person reads them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrackingError {
    #[error("kode kota harus 2–4 huruf (A–Z)")]
    Prefix,
    #[error("kode pelacakan harus {expected} karakter setelah kode kota, bukan {found}")]
    Length { expected: usize, found: usize },
    #[error("karakter ke-{position} setelah kode kota, '{character}', tidak dipakai dalam kode pelacakan{hint}",
        hint = look_alike_hint(*.character))]
    Character { character: char, position: usize },
    #[error("kode pelacakan tidak cocok dengan karakter pemeriksanya; periksa lagi setiap karakter")]
    Check,
}

/// Tells the reader why a character they clearly see on the paper is refused.
fn look_alike_hint(character: char) -> &'static str {
    match character {
        '0' | 'O' => " (kode tidak memakai angka 0 maupun huruf O)",
        '1' | 'I' | 'L' => " (kode tidak memakai angka 1 maupun huruf I dan L)",
        'U' | 'V' => " (kode tidak memakai huruf U maupun V)",
        _ => "",
    }
}

/// A city's prefix: 2–4 upper-case ASCII letters, checked once at configuration time so
/// that generating a code cannot fail.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TrackingPrefix(String);

impl TrackingPrefix {
    /// Parses a prefix, ignoring case and surrounding space.
    pub fn parse(raw: &str) -> Result<Self, TrackingError> {
        let prefix = raw.trim().to_ascii_uppercase();
        if (2..=4).contains(&prefix.len()) && prefix.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Self(prefix))
        } else {
            Err(TrackingError::Prefix)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A well-formed tracking code, stored and shown as `BGR-7KQ4-M2X`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TrackingCode(String);

fn value_of(byte: u8) -> Option<u64> {
    ALPHABET.iter().position(|&a| a == byte).map(|i| i as u64)
}

/// The weighted sum of the first characters, weights 7, 6, … from the left.
fn weighted_sum(values: &[u64]) -> u64 {
    values.iter().enumerate().map(|(i, v)| (CODE_CHARS - i) as u64 * v).sum::<u64>() % MODULUS
}

/// The check character's value: the one that brings the whole weighted sum (its own weight
/// is 1) to 0 modulo 29.
fn check_value(payload: &[u64]) -> u64 {
    (MODULUS - weighted_sum(payload)) % MODULUS
}

impl TrackingCode {
    /// A new code from caller-supplied randomness (the domain does no I/O). The payload is
    /// `random` modulo 29⁶, so 594,823,321 codes per prefix: the store must still refuse a
    /// duplicate and draw again.
    pub fn generate(prefix: &TrackingPrefix, random: u64) -> Self {
        let mut n = random % CODES_PER_PREFIX;
        let mut values = [0u64; CODE_CHARS];
        for value in values.iter_mut().take(PAYLOAD_CHARS).rev() {
            *value = n % MODULUS;
            n /= MODULUS;
        }
        values[PAYLOAD_CHARS] = check_value(&values[..PAYLOAD_CHARS]);
        Self::assemble(prefix.as_str(), &values)
    }

    fn assemble(prefix: &str, values: &[u64; CODE_CHARS]) -> Self {
        let chars: String = values.iter().map(|&v| char::from(ALPHABET[v as usize])).collect();
        Self(format!("{prefix}-{}-{}", &chars[..4], &chars[4..]))
    }

    /// Parses a code as typed or dictated: case, spaces and dashes do not matter
    /// (`bgr 7kq4m2x`, `BGR7KQ4M2X`). The prefix ends at the first space or dash after 2–4
    /// leading letters; without any, it is everything but the last seven characters.
    pub fn parse(raw: &str) -> Result<Self, TrackingError> {
        let upper = raw.trim().to_ascii_uppercase();
        let is_separator = |c: char| c == '-' || c.is_whitespace();
        let letters = upper.chars().take_while(char::is_ascii_uppercase).count();
        let (prefix, rest) = match upper[letters..].chars().next() {
            Some(c) if (2..=4).contains(&letters) && is_separator(c) => upper.split_at(letters),
            _ => {
                let compact: String = upper.chars().filter(|&c| !is_separator(c)).collect();
                let split = compact.chars().count().saturating_sub(CODE_CHARS);
                let at = compact.char_indices().nth(split).map_or(compact.len(), |(i, _)| i);
                let (p, r) = compact.split_at(at);
                return Self::from_parts(p, r);
            }
        };
        let rest: String = rest.chars().filter(|&c| !is_separator(c)).collect();
        Self::from_parts(prefix, &rest)
    }

    fn from_parts(prefix: &str, rest: &str) -> Result<Self, TrackingError> {
        let prefix = TrackingPrefix::parse(prefix)?;
        let found = rest.chars().count();
        if found != CODE_CHARS {
            return Err(TrackingError::Length { expected: CODE_CHARS, found });
        }
        let mut values = [0u64; CODE_CHARS];
        for (i, (c, value)) in rest.chars().zip(values.iter_mut()).enumerate() {
            let byte = u8::try_from(c).ok();
            *value = byte.and_then(value_of).ok_or(TrackingError::Character { character: c, position: i + 1 })?;
        }
        if check_value(&values[..PAYLOAD_CHARS]) != values[PAYLOAD_CHARS] {
            return Err(TrackingError::Check);
        }
        Ok(Self::assemble(prefix.as_str(), &values))
    }

    /// The canonical form, `BGR-7KQ4-M2X`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The city's prefix, `BGR`.
    pub fn prefix(&self) -> &str {
        self.0.split('-').next().unwrap_or_default()
    }
}

impl fmt::Display for TrackingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for TrackingCode {
    type Err = TrackingError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for TrackingCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for TrackingCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn bgr() -> TrackingPrefix {
        TrackingPrefix::parse("BGR").unwrap()
    }

    /// The seven characters after the prefix.
    fn body(code: &TrackingCode) -> Vec<char> {
        code.as_str()[code.prefix().len()..].chars().filter(|&c| c != '-').collect()
    }

    fn with_body(prefix: &str, chars: &[char]) -> String {
        format!("{prefix}{}", chars.iter().collect::<String>())
    }

    #[test]
    fn alphabet_has_no_look_alikes() {
        assert_eq!(ALPHABET.len(), 29);
        for c in b"01ILOUV" {
            assert!(!ALPHABET.contains(c), "{}", char::from(*c));
        }
        assert!(ALPHABET.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn generates_the_documented_shape() {
        let code = TrackingCode::generate(&bgr(), 0);
        assert_eq!(code.as_str(), "BGR-2222-222");
        let code = TrackingCode::generate(&bgr(), 123_456_789);
        assert_eq!(code.as_str().len(), "BGR-7KQ4-M2X".len());
        assert_eq!(code.prefix(), "BGR");
        assert_eq!(TrackingCode::parse(code.as_str()), Ok(code.clone()));
        // Randomness beyond 29⁶ wraps around instead of failing.
        assert_eq!(TrackingCode::generate(&bgr(), 7 + CODES_PER_PREFIX), TrackingCode::generate(&bgr(), 7));
    }

    #[test]
    fn parsing_is_forgiving_about_layout() {
        let code = TrackingCode::generate(&bgr(), 987_654_321);
        let canonical = code.as_str().to_string();
        let compact = canonical.replace('-', "");
        for typed in [
            compact.clone(),
            compact.to_lowercase(),
            format!("  {}  ", canonical.replace('-', " ")),
            canonical.replace('-', "--"),
            format!("{}-{}", &compact[..3], &compact[3..]),
            format!("{} {} {}", &compact[..3], &compact[3..6], &compact[6..]),
        ] {
            assert_eq!(TrackingCode::parse(&typed), Ok(code.clone()), "{typed}");
        }
        let four = TrackingPrefix::parse("kabb").unwrap();
        let code = TrackingCode::generate(&four, 42);
        assert_eq!(TrackingCode::parse(&code.as_str().replace('-', "")), Ok(code));
    }

    #[test]
    fn precise_errors() {
        assert_eq!(TrackingPrefix::parse("B"), Err(TrackingError::Prefix));
        assert_eq!(TrackingPrefix::parse("BOGOR"), Err(TrackingError::Prefix));
        assert_eq!(TrackingPrefix::parse("B6R"), Err(TrackingError::Prefix));
        assert_eq!(TrackingCode::parse("BGR-7KQ4-M2"), Err(TrackingError::Length { expected: 7, found: 6 }));
        assert_eq!(TrackingCode::parse("BGR-7KQ4-M2XX"), Err(TrackingError::Length { expected: 7, found: 8 }));
        assert_eq!(TrackingCode::parse(""), Err(TrackingError::Prefix));
        assert_eq!(TrackingCode::parse("BGR-7KO4-M2X"), Err(TrackingError::Character { character: 'O', position: 3 }));
        assert_eq!(TrackingCode::parse("bgr-7kq4-m2x1"), Err(TrackingError::Length { expected: 7, found: 8 }));
        assert_eq!(TrackingCode::parse("BGR-7KQ4-MLX"), Err(TrackingError::Character { character: 'L', position: 6 }));
        assert_eq!(TrackingCode::parse("BGR-7KQ4-Mé2"), Err(TrackingError::Character { character: 'é', position: 6 }));
        let message = TrackingError::Character { character: '0', position: 2 }.to_string();
        assert!(message.contains("ke-2") && message.contains("angka 0"), "{message}");
        let code = TrackingCode::generate(&bgr(), 5);
        let mut chars = body(&code);
        chars[6] = if chars[6] == '2' { '3' } else { '2' };
        assert_eq!(TrackingCode::parse(&with_body("BGR", &chars)), Err(TrackingError::Check));
    }

    #[test]
    fn luhn_would_have_missed_this_swap() {
        // "2" and "Z" are the alphabet's ends; Luhn mod 29 cannot tell `2Z` from `Z2`.
        let values = |s: &str| s.bytes().filter_map(value_of).collect::<Vec<_>>();
        assert_ne!(check_value(&values("32Z456")), check_value(&values("3Z2456")));
    }

    #[test]
    fn serde_uses_the_canonical_string() {
        let code = TrackingCode::generate(&bgr(), 77);
        let json = serde_json::to_string(&code).unwrap();
        assert_eq!(json, format!("\"{}\"", code.as_str()));
        let typed: TrackingCode = serde_json::from_str(&json.to_lowercase()).unwrap();
        assert_eq!(typed, code);
        assert!(serde_json::from_str::<TrackingCode>("\"BGR-2222-223\"").is_err());
    }

    proptest! {
        #[test]
        fn every_generated_code_parses_back(random in any::<u64>(), prefix in "[A-Z]{2,4}") {
            let prefix = TrackingPrefix::parse(&prefix).unwrap();
            let code = TrackingCode::generate(&prefix, random);
            prop_assert_eq!(TrackingCode::parse(code.as_str()), Ok(code.clone()));
            prop_assert_eq!(TrackingCode::parse(&code.as_str().to_lowercase().replace('-', " ")), Ok(code.clone()));
            prop_assert!(body(&code).iter().all(|c| ALPHABET.contains(&(*c as u8))));
        }

        #[test]
        fn any_single_wrong_character_is_caught(random in any::<u64>(), at in 0..CODE_CHARS, by in 1..29usize) {
            let code = TrackingCode::generate(&bgr(), random);
            let mut chars = body(&code);
            let old = value_of(chars[at] as u8).unwrap() as usize;
            chars[at] = char::from(ALPHABET[(old + by) % 29]);
            prop_assert_eq!(TrackingCode::parse(&with_body("BGR", &chars)), Err(TrackingError::Check));
        }

        #[test]
        fn any_swap_of_two_different_characters_is_caught(random in any::<u64>(), i in 0..CODE_CHARS, j in 0..CODE_CHARS) {
            let code = TrackingCode::generate(&bgr(), random);
            let mut chars = body(&code);
            prop_assume!(chars[i] != chars[j]);
            chars.swap(i, j);
            prop_assert_eq!(TrackingCode::parse(&with_body("BGR", &chars)), Err(TrackingError::Check));
        }

        #[test]
        fn parse_never_panics_and_accepts_only_canonical_shapes(raw in "[ a-zA-Z0-9-]{0,16}") {
            if let Ok(code) = TrackingCode::parse(&raw) {
                prop_assert_eq!(TrackingCode::parse(code.as_str()), Ok(code.clone()));
                prop_assert_eq!(body(&code).len(), CODE_CHARS);
            }
        }
    }
}
