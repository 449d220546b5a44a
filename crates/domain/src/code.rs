//! Human-facing codes for agencies (`DISDUKCAPIL`) and services (`KTP-EL`).
//!
//! Codes appear in URLs, spreadsheets and phone calls, so they are restricted to upper-case
//! ASCII letters, digits and single hyphens, and normalised (trimmed, upper-cased) on parse:
//! `ktp-el` and ` KTP-EL ` name the same service.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("kode tidak boleh kosong")]
    Empty,
    #[error("kode terlalu panjang (maksimal {max} karakter)")]
    TooLong { max: usize },
    #[error("kode harus diawali huruf")]
    MustStartWithLetter,
    #[error("kode hanya boleh berisi huruf, angka dan tanda hubung tunggal")]
    InvalidCharacter,
}

fn normalise(raw: &str, max: usize) -> Result<String, CodeError> {
    let code = raw.trim().to_ascii_uppercase();
    if code.is_empty() {
        return Err(CodeError::Empty);
    }
    if code.len() > max {
        return Err(CodeError::TooLong { max });
    }
    if !code.starts_with(|c: char| c.is_ascii_uppercase()) {
        return Err(CodeError::MustStartWithLetter);
    }
    let valid_chars = code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
    if !valid_chars || code.ends_with('-') || code.contains("--") {
        return Err(CodeError::InvalidCharacter);
    }
    Ok(code)
}

macro_rules! code_type {
    ($(#[$doc:meta])* $name:ident, $max:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The longest code accepted.
            pub const MAX_LEN: usize = $max;

            /// Parses and normalises a code typed by a person or read from a file.
            pub fn parse(raw: &str) -> Result<Self, CodeError> {
                normalise(raw, Self::MAX_LEN).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = CodeError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

code_type!(
    /// The code of an agency (OPD), e.g. `DISDUKCAPIL` or `KEC-BOGOR-BARAT`.
    AgencyCode,
    32
);
code_type!(
    /// The code of an application or service, e.g. `KTP-EL` or `PBB-P2`.
    ServiceCode,
    40
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalises_case_and_whitespace() {
        assert_eq!(ServiceCode::parse(" ktp-el ").map(|c| c.0), Ok("KTP-EL".into()));
    }

    #[test]
    fn refuses_bad_codes() {
        assert_eq!(ServiceCode::parse("  "), Err(CodeError::Empty));
        assert_eq!(ServiceCode::parse("1KTP"), Err(CodeError::MustStartWithLetter));
        assert_eq!(ServiceCode::parse("KTP EL"), Err(CodeError::InvalidCharacter));
        assert_eq!(ServiceCode::parse("KTP--EL"), Err(CodeError::InvalidCharacter));
        assert_eq!(ServiceCode::parse("KTP-"), Err(CodeError::InvalidCharacter));
        assert_eq!(ServiceCode::parse("KTP/EL"), Err(CodeError::InvalidCharacter));
        assert_eq!(ServiceCode::parse("AKTÄ"), Err(CodeError::InvalidCharacter));
        assert_eq!(AgencyCode::parse(&"A".repeat(33)), Err(CodeError::TooLong { max: 32 }));
        assert!(AgencyCode::parse(&"A".repeat(32)).is_ok());
    }

    proptest! {
        #[test]
        fn parse_is_idempotent(raw in "\\PC{0,50}") {
            if let Ok(code) = ServiceCode::parse(&raw) {
                prop_assert_eq!(ServiceCode::parse(code.as_str()), Ok(code.clone()));
                prop_assert!(code.as_str().len() <= ServiceCode::MAX_LEN);
                prop_assert!(code.as_str().chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-'));
            }
        }

        #[test]
        fn well_formed_codes_are_accepted(raw in "[a-zA-Z][a-zA-Z0-9]{0,8}(-[a-zA-Z0-9]{1,8}){0,3}") {
            let code = ServiceCode::parse(&raw);
            prop_assert_eq!(code.map(String::from), Ok(raw.to_ascii_uppercase()));
        }
    }
}
