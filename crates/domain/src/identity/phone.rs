//! Phone numbers, normalised to E.164 (`+6281234567890`) so one number has one form.

use std::fmt;

/// Why a phone number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("nomor telepon hanya boleh berisi angka, spasi, tanda hubung, kurung dan + di depan")]
    Characters,
    #[error("nomor telepon terlalu pendek atau terlalu panjang")]
    Length,
}

/// A phone number in E.164.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Reads Indonesian numbers as people write them (`0812-3456-7890`, `62812…`,
    /// `+62 812 …`, `812…`) and international ones starting with `+`.
    pub fn parse(raw: &str) -> Result<Self, PhoneError> {
        let raw = raw.trim();
        let plus = raw.starts_with('+');
        let body = if plus { &raw[1..] } else { raw };
        if !body.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '.')) {
            return Err(PhoneError::Characters);
        }
        let digits: String = body.chars().filter(char::is_ascii_digit).collect();
        let international = if plus && !digits.starts_with("62") {
            // Another country: E.164 allows up to 15 digits with the country code.
            if !(8..=15).contains(&digits.len()) || digits.starts_with('0') {
                return Err(PhoneError::Length);
            }
            return Ok(Self(format!("+{digits}")));
        } else {
            digits.strip_prefix("62").or_else(|| digits.strip_prefix('0')).unwrap_or(&digits).to_string()
        };
        // Indonesian national numbers have 8 to 12 digits and never start with 0.
        if !(8..=12).contains(&international.len()) || international.starts_with('0') {
            return Err(PhoneError::Length);
        }
        Ok(Self(format!("+62{international}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For screens: the last three digits only (`+62 ••• ••• •890`).
    pub fn masked(&self) -> String {
        let tail = &self.0[self.0.len().saturating_sub(3)..];
        format!("{} ••••••{tail}", &self.0[..3])
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn indonesian_forms_normalise() {
        for raw in ["0812-3456-7890", "62812 3456 7890", "+62 (812) 3456-7890", "812.3456.7890"] {
            assert_eq!(Phone::parse(raw).map(|p| p.0), Ok("+6281234567890".into()), "{raw}");
        }
        assert_eq!(Phone::parse("(0251) 8321075").map(|p| p.0), Ok("+622518321075".into()));
        assert_eq!(Phone::parse("+60 12-345 6789").map(|p| p.0), Ok("+60123456789".into()));
    }

    #[test]
    fn refusals() {
        assert_eq!(Phone::parse("0812-ABC"), Err(PhoneError::Characters));
        assert_eq!(Phone::parse("0812"), Err(PhoneError::Length));
        assert_eq!(Phone::parse("0812345678901234"), Err(PhoneError::Length));
        assert_eq!(Phone::parse("00812345678"), Err(PhoneError::Length));
        assert_eq!(Phone::parse(""), Err(PhoneError::Length));
        let phone = Phone::parse("081234567890");
        assert_eq!(phone.map(|p| p.masked()), Ok("+62 ••••••890".into()));
    }

    proptest! {
        #[test]
        fn normalised_numbers_are_e164_and_stable(raw in "[0-9+ ()-]{0,20}") {
            if let Ok(phone) = Phone::parse(&raw) {
                prop_assert!(phone.0.starts_with('+'));
                prop_assert!(phone.0[1..].bytes().all(|b| b.is_ascii_digit()));
                prop_assert!(phone.0.len() <= 16);
                prop_assert_eq!(Phone::parse(phone.as_str()), Ok(phone.clone()));
            }
        }
    }
}
