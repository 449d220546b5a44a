//! The NIK (Nomor Induk Kependudukan), checked by its structure.
//!
//! Digits 1–6 are the region where it was first registered (province, regency/city,
//! district), 7–12 the birth date as DDMMYY with 40 added to the day for women, 13–16 a
//! serial from 0001. The century is not encoded, so a date is valid when it exists in 19YY
//! or 20YY. A NIK is personal data (UU PDP 27/2022): it is shown masked.

use std::fmt;

use chrono::NaiveDate;

/// Province codes in use (Kemendagri, after the 2022 Papua split).
const PROVINCES: &[u8] = &[
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65, 71, 72, 73, 74, 75,
    76, 81, 82, 91, 92, 93, 94, 95, 96,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
}

/// Why a NIK was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NikError {
    #[error("NIK harus 16 angka")]
    Format,
    #[error("kode provinsi {0:02} tidak dikenal")]
    Province(u8),
    #[error("tanggal lahir dalam NIK tidak valid")]
    BirthDate,
    #[error("nomor urut NIK tidak boleh 0000")]
    Serial,
}

/// A structurally valid NIK.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Nik(String);

fn two(digits: &[u8]) -> u8 {
    (digits[0] - b'0') * 10 + (digits[1] - b'0')
}

impl Nik {
    /// Parses a NIK typed with or without spaces, dots or dashes.
    pub fn parse(raw: &str) -> Result<Self, NikError> {
        let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '.' | '-')).collect();
        if digits.len() != 16 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NikError::Format);
        }
        let b = digits.as_bytes();
        let province = two(&b[0..2]);
        if !PROVINCES.contains(&province) {
            return Err(NikError::Province(province));
        }
        let nik = Self(digits);
        if nik.birth_dates().is_empty() {
            return Err(NikError::BirthDate);
        }
        if &nik.0[12..] == "0000" {
            return Err(NikError::Serial);
        }
        Ok(nik)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The six-digit region code of first registration (e.g. `327106`).
    pub fn region(&self) -> &str {
        &self.0[..6]
    }

    pub fn sex(&self) -> Sex {
        if two(&self.0.as_bytes()[6..8]) > 40 { Sex::Female } else { Sex::Male }
    }

    /// The birth dates the NIK allows: the same day and month in 19YY and/or 20YY.
    pub fn birth_dates(&self) -> Vec<NaiveDate> {
        let b = self.0.as_bytes();
        let mut day = u32::from(two(&b[6..8]));
        if day > 40 {
            day -= 40;
        }
        let month = u32::from(two(&b[8..10]));
        let year = i32::from(two(&b[10..12]));
        [1900 + year, 2000 + year].into_iter().filter_map(|y| NaiveDate::from_ymd_opt(y, month, day)).collect()
    }

    /// For screens: `3271********0001`.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..4], &self.0[12..])
    }
}

/// Never prints the full number, even in logs.
impl fmt::Debug for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nik({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    /// The test vectors of the research notes (frameworks §6.3).
    #[test]
    fn published_vectors() {
        let nik = Nik::parse("3602041211870001").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((nik.region(), nik.sex()), ("360204", Sex::Male));
        assert!(nik.birth_dates().contains(&date(1987, 11, 12)));
        let nik = Nik::parse("3273056010900009").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(nik.sex(), Sex::Female);
        assert!(nik.birth_dates().contains(&date(1990, 10, 20)));
        let nik = Nik::parse("3578080102030001").unwrap_or_else(|e| panic!("{e}"));
        assert!(nik.birth_dates().contains(&date(2003, 2, 1)));
        let nik = Nik::parse("3273014101800002").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(nik.sex(), Sex::Female);
        assert!(nik.birth_dates().contains(&date(1980, 1, 1)));
        assert_eq!(Nik::parse("3271013202800001"), Err(NikError::BirthDate));
        assert_eq!(Nik::parse("3271017102240001"), Err(NikError::BirthDate));
    }

    #[test]
    fn other_refusals_and_masking() {
        assert_eq!(Nik::parse("327101120287000"), Err(NikError::Format));
        assert_eq!(Nik::parse("32710112028700O1"), Err(NikError::Format));
        assert_eq!(Nik::parse("9971011202870001"), Err(NikError::Province(99)));
        assert_eq!(Nik::parse("3271011202870000"), Err(NikError::Serial));
        let nik = Nik::parse("3271.0112.0287.0001").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(nik.masked(), "3271********0001");
        assert_eq!(format!("{nik:?}"), "Nik(3271********0001)");
        // 29 February exists in 2000 but not in 1900: one candidate is enough.
        assert!(Nik::parse("3271012902000001").is_ok());
    }

    proptest! {
        #[test]
        fn valid_niks_round_trip_and_mask(
            province in proptest::sample::select(PROVINCES.to_vec()),
            region in 0u32..10_000,
            day in 1u32..=28,
            female in any::<bool>(),
            month in 1u32..=12,
            year in 0u32..100,
            serial in 1u32..10_000,
        ) {
            let dd = if female { day + 40 } else { day };
            let raw = format!("{province:02}{region:04}{dd:02}{month:02}{year:02}{serial:04}");
            let nik = Nik::parse(&raw);
            prop_assert!(nik.is_ok(), "{raw}: {nik:?}");
            let nik = nik.unwrap_or_else(|_| unreachable!());
            prop_assert_eq!(nik.as_str(), raw.as_str());
            prop_assert_eq!(nik.sex() == Sex::Female, female);
            prop_assert!(!nik.masked().contains(&raw[4..12]));
        }

        #[test]
        fn anything_parsed_is_sixteen_digits(raw in "[0-9 .-]{0,24}") {
            if let Ok(nik) = Nik::parse(&raw) {
                prop_assert_eq!(nik.as_str().len(), 16);
                prop_assert!(nik.as_str().bytes().all(|b| b.is_ascii_digit()));
            }
        }
    }
}
