//! The Indeks Kepuasan Masyarakat (IKM) of PermenPANRB 14/2017, computed exactly.
//!
//! Each respondent scores nine elements (unsur) from 1 to 4. An element's mean (NRR) is its
//! total over the respondents; the IKM on the 1–4 scale (nilai interval) is the mean of the
//! nine means, each weighted exactly 1/9, and the unit's IKM is that times 25. With every
//! respondent answering every element this is `2500 · Σ totals / (9 · n)` hundredths, so
//! it is computed from integer totals and rounded half-up once, at the end: no binary
//! floating point, and no intermediate rounding of the means.
//!
//! The regulation prints the weight as 0.11. Using that instead of 1/9 changes grades at
//! the edges (the §5.3 test vector gives 90.56 instead of 91.48); it is available only as
//! [`Ikm::score_hundredths_with_printed_weight`], to compare with legacy spreadsheets.
//!
//! Scores for a group (an agency, the city) come from adding raw totals with
//! [`Ikm::combine`], never from averaging the units' IKMs: a unit with 10 respondents must
//! not weigh as much as one with 1,000.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The elements in regulation order (U1–U9). Some implementations swap U8 and U9.
pub const ELEMENTS: [&str; 9] = [
    "Persyaratan",
    "Sistem, Mekanisme, dan Prosedur",
    "Waktu Penyelesaian",
    "Biaya/Tarif",
    "Produk Spesifikasi Jenis Pelayanan",
    "Kompetensi Pelaksana",
    "Perilaku Pelaksana",
    "Penanganan Pengaduan, Saran dan Masukan",
    "Sarana dan Prasarana",
];

/// One respondent's answers, U1–U9, each 1 (tidak baik) to 4 (sangat baik).
pub type Response = [u8; 9];

/// Why survey answers cannot be scored. Respondents and elements count from 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IkmError {
    #[error("belum ada jawaban survei")]
    NoResponses,
    #[error("responden ke-{respondent}, unsur U{element}: nilai {score} di luar 1–4")]
    Score { respondent: usize, element: usize, score: u8 },
    #[error("jumlah nilai unsur U{element} ({total}) tidak mungkin untuk {respondents} responden")]
    Total { element: usize, total: u64, respondents: u64 },
}

/// Mutu pelayanan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Grade {
    D,
    C,
    B,
    A,
}

impl Grade {
    /// Grades on the 25–100 value rounded to hundredths, as the research notes recommend:
    /// the regulation's 1–4 bands leave gaps (3.0641–3.0643 is in none) that the rounded
    /// 25–100 bands do not.
    pub fn from_score_hundredths(score: i64) -> Self {
        match score {
            8831.. => Self::A,
            7661.. => Self::B,
            6500.. => Self::C,
            _ => Self::D,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::A => "A",
            Self::B => "B",
            Self::C => "C",
            Self::D => "D",
        }
    }

    /// Nilai persepsi: 1 (D) to 4 (A).
    pub fn perception(self) -> u8 {
        self as u8 + 1
    }

    /// Kinerja unit pelayanan, the regulation's own words.
    pub fn performance(self) -> &'static str {
        ["Tidak Baik", "Kurang Baik", "Baik", "Sangat Baik"][self as usize]
    }

    /// The nilai interval konversi band (25–100), in hundredths, inclusive.
    pub fn score_band_hundredths(self) -> (i64, i64) {
        [(2500, 6499), (6500, 7660), (7661, 8830), (8831, 10_000)][self as usize]
    }

    /// The nilai interval band (1–4) as the regulation prints it, in ten-thousandths,
    /// inclusive. Shown for reference; grading uses [`Self::score_band_hundredths`].
    pub fn interval_band_ten_thousandths(self) -> (i64, i64) {
        [(10_000, 25_996), (26_000, 30_640), (30_644, 35_320), (35_324, 40_000)][self as usize]
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Survey results as per-element totals, so groups combine exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ikm {
    respondents: u64,
    totals: [u64; 9],
}

/// `numerator / denominator` rounded half-up, both positive.
fn round_half_up(numerator: u128, denominator: u128) -> i64 {
    i64::try_from((2 * numerator + denominator) / (2 * denominator)).unwrap_or(i64::MAX)
}

impl Ikm {
    /// Scores the answers of a survey; every respondent answers all nine elements.
    pub fn from_responses(responses: &[Response]) -> Result<Self, IkmError> {
        let mut totals = [0u64; 9];
        for (r, response) in responses.iter().enumerate() {
            for (e, (&score, total)) in response.iter().zip(totals.iter_mut()).enumerate() {
                if !(1..=4).contains(&score) {
                    return Err(IkmError::Score { respondent: r + 1, element: e + 1, score });
                }
                *total += u64::from(score);
            }
        }
        Self::from_totals(responses.len() as u64, totals)
    }

    /// Rebuilds results from stored totals, checking they are possible: each element's
    /// total lies between 1 and 4 times the respondents.
    pub fn from_totals(respondents: u64, totals: [u64; 9]) -> Result<Self, IkmError> {
        if respondents == 0 {
            return Err(IkmError::NoResponses);
        }
        let possible = respondents..=respondents.saturating_mul(4);
        if let Some((e, &total)) = totals.iter().enumerate().find(|(_, t)| !possible.contains(t)) {
            return Err(IkmError::Total { element: e + 1, total, respondents });
        }
        Ok(Self { respondents, totals })
    }

    /// The results of several units together, from their raw totals (not an average of
    /// their scores).
    pub fn combine(parts: &[Ikm]) -> Result<Self, IkmError> {
        let mut respondents = 0u64;
        let mut totals = [0u64; 9];
        for part in parts {
            respondents = respondents.saturating_add(part.respondents);
            for (sum, t) in totals.iter_mut().zip(part.totals) {
                *sum = sum.saturating_add(t);
            }
        }
        Self::from_totals(respondents, totals)
    }

    pub fn respondents(&self) -> u64 {
        self.respondents
    }

    /// Per-element totals, U1–U9.
    pub fn element_totals(&self) -> [u64; 9] {
        self.totals
    }

    /// An element's mean score (NRR, 1–4) in ten-thousandths, rounded half-up: `36207` for
    /// 3.6207. `element` is 0-based (U1 is 0); `None` past U9.
    pub fn element_mean_ten_thousandths(&self, element: usize) -> Option<i64> {
        let total = *self.totals.get(element)?;
        Some(round_half_up(u128::from(total) * 10_000, u128::from(self.respondents)))
    }

    fn grand_total(&self) -> u128 {
        self.totals.iter().map(|&t| u128::from(t)).sum()
    }

    /// The IKM on the 25–100 scale in hundredths, rounded half-up: `9148` for 91.48.
    pub fn score_hundredths(&self) -> i64 {
        round_half_up(self.grand_total() * 2_500, 9 * u128::from(self.respondents))
    }

    /// The nilai interval (1–4 scale) in ten-thousandths, rounded half-up.
    pub fn interval_ten_thousandths(&self) -> i64 {
        round_half_up(self.grand_total() * 10_000, 9 * u128::from(self.respondents))
    }

    /// The score with the weight printed in the regulation, 0.11 instead of 1/9, for
    /// comparing with legacy spreadsheets only: Σ NRR × 0.11 × 25.
    pub fn score_hundredths_with_printed_weight(&self) -> i64 {
        round_half_up(self.grand_total() * 275, u128::from(self.respondents))
    }

    pub fn grade(&self) -> Grade {
        Grade::from_score_hundredths(self.score_hundredths())
    }

    /// The score with a decimal comma, as Indonesian readers expect: `91,48`.
    pub fn to_indonesian_string(&self) -> String {
        self.to_string().replace('.', ",")
    }
}

/// The score with a decimal point and two decimals: `91.48` (files, the API).
impl fmt::Display for Ikm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let score = self.score_hundredths();
        write!(f, "{}.{:02}", score / 100, score % 100)
    }
}

#[cfg(test)]
mod tests;
