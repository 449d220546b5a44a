//! Exact numbers for the maturity indexes.
//!
//! Weights are decimals ("1.30", "27.5") and some means are not (22/6 for the SPBE
//! public-service aspect), so an index is kept as an exact fraction of integers: no binary
//! floating point anywhere, and no rounding until a value is shown. Showing rounds half-up;
//! predicates compare the unrounded fraction (the Aceh Tengah vector, 2.594 → "2.59 Cukup",
//! sits 0.006 under the "Baik" edge and goes wrong with either shortcut).

use std::cmp::Ordering;
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Div, Mul, Sub};
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// A rational number `num / den`, always reduced with `den > 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Exact {
    num: i128,
    den: i128,
}

/// Why text is not a decimal number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("“{0}” bukan angka desimal")]
pub struct NotADecimal(pub String);

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Exact {
    pub const ZERO: Self = Self { num: 0, den: 1 };
    pub const ONE: Self = Self { num: 1, den: 1 };

    /// `num / den`; a zero denominator gives zero (callers divide by sums of positive weights).
    pub fn ratio(num: i128, den: i128) -> Self {
        if den == 0 {
            return Self::ZERO;
        }
        let sign = if den < 0 { -1 } else { 1 };
        let g = gcd(num, den).max(1);
        Self { num: sign * num / g, den: sign * den / g }
    }

    pub fn integer(n: i64) -> Self {
        Self { num: i128::from(n), den: 1 }
    }

    /// Reads a decimal written with a point or a comma ("3.84", "27,5", "-1", "5.").
    /// Exponents, thousands separators and more than 18 decimals are refused.
    pub fn parse(text: &str) -> Result<Self, NotADecimal> {
        let bad = || NotADecimal(text.to_owned());
        let trimmed = text.trim();
        let (negative, digits) = match trimmed.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, trimmed.strip_prefix('+').unwrap_or(trimmed)),
        };
        let (whole, fraction) = match digits.split_once(['.', ',']) {
            Some((w, f)) => (w, f),
            None => (digits, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() && fraction.is_empty()
            || !all_digits(whole)
            || !all_digits(fraction)
            || whole.len() > 18
            || fraction.len() > 18
        {
            return Err(bad());
        }
        let mut num: i128 = 0;
        for b in whole.bytes().chain(fraction.bytes()) {
            num = num * 10 + i128::from(b - b'0');
        }
        let den = 10i128.pow(u32::try_from(fraction.len()).map_err(|_| bad())?);
        Ok(Self::ratio(if negative { -num } else { num }, den))
    }

    pub fn numerator(self) -> i128 {
        self.num
    }

    pub fn denominator(self) -> i128 {
        self.den
    }

    /// Rounded half-up (away from zero at exactly half) to `places` decimals, as text with a
    /// point: `2.594 → "2.59"`, `3.475 → "3.48"`.
    pub fn to_fixed(self, places: u32) -> String {
        let scale = 10i128.pow(places);
        let scaled = self.num.abs() * scale;
        let rounded = (2 * scaled + self.den) / (2 * self.den);
        Self::format_scaled(self.num < 0 && rounded != 0, rounded, places)
    }

    /// Cut (not rounded) to `places` decimals: the "unrounded" value printed for scripts.
    pub fn to_truncated(self, places: u32) -> String {
        let scale = 10i128.pow(places);
        let cut = self.num.abs() * scale / self.den;
        Self::format_scaled(self.num < 0 && cut != 0, cut, places)
    }

    fn format_scaled(negative: bool, scaled: i128, places: u32) -> String {
        let scale = 10i128.pow(places);
        let sign = if negative { "-" } else { "" };
        if places == 0 {
            return format!("{sign}{scaled}");
        }
        format!("{sign}{}.{:0width$}", scaled / scale, scaled % scale, width = places as usize)
    }

    /// Half-up to `places` decimals, still exact (for sums of shown values).
    pub fn rounded(self, places: u32) -> Self {
        let scale = 10i128.pow(places);
        let rounded = (2 * self.num.abs() * scale + self.den) / (2 * self.den);
        Self::ratio(if self.num < 0 { -rounded } else { rounded }, scale)
    }

    /// The shortest decimal text when the value has one (at most 18 decimals), else 12
    /// decimals cut: "1.3", "27.5", "3".
    pub fn to_plain(self) -> String {
        for places in 0..=18u32 {
            let scale = 10i128.pow(places);
            if (self.num * scale) % self.den == 0 {
                return self.to_truncated(places);
            }
        }
        self.to_truncated(12)
    }

    /// For drawing charts only; never for a value people read or a decision.
    pub fn approx_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// Whether `self` is a whole multiple of `step` above `base`.
    pub fn is_step_of(self, base: Self, step: Self) -> bool {
        let q = (self - base) / step;
        q.den == 1
    }

    pub fn min(self, other: Self) -> Self {
        if other < self { other } else { self }
    }

    pub fn max(self, other: Self) -> Self {
        if other > self { other } else { self }
    }

    pub fn is_positive(self) -> bool {
        self.num > 0
    }
}

impl Default for Exact {
    fn default() -> Self {
        Self::ZERO
    }
}

impl Add for Exact {
    type Output = Self;
    fn add(self, rhs: Self) -> Self {
        Self::ratio(self.num * rhs.den + rhs.num * self.den, self.den * rhs.den)
    }
}

impl Sub for Exact {
    type Output = Self;
    fn sub(self, rhs: Self) -> Self {
        Self::ratio(self.num * rhs.den - rhs.num * self.den, self.den * rhs.den)
    }
}

impl Mul for Exact {
    type Output = Self;
    fn mul(self, rhs: Self) -> Self {
        Self::ratio(self.num * rhs.num, self.den * rhs.den)
    }
}

impl Div for Exact {
    type Output = Self;
    /// Division by zero gives zero; every divisor here is a sum of positive weights.
    fn div(self, rhs: Self) -> Self {
        Self::ratio(self.num * rhs.den, self.den * rhs.num)
    }
}

impl Sum for Exact {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ZERO, Add::add)
    }
}

impl PartialOrd for Exact {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Exact {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.num * other.den).cmp(&(other.num * self.den))
    }
}

impl FromStr for Exact {
    type Err = NotADecimal;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for Exact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_plain())
    }
}

/// Serialised as its plain decimal text, never as a float.
impl Serialize for Exact {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_plain())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn x(s: &str) -> Exact {
        Exact::parse(s).unwrap()
    }

    #[test]
    fn parses_decimals_with_point_or_comma() {
        assert_eq!(x("1.30"), Exact::ratio(13, 10));
        assert_eq!(x("27,5"), Exact::ratio(55, 2));
        assert_eq!(x(" 5 "), Exact::integer(5));
        assert_eq!(x("-0.25"), Exact::ratio(-1, 4));
        assert_eq!(x(".5"), Exact::ratio(1, 2));
        for bad in ["", "-", "1e3", "1.2.3", "1 000", "abc", "1.0000000000000000001"] {
            assert!(Exact::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rounds_half_up_only_when_shown() {
        assert_eq!(x("2.594").to_fixed(2), "2.59");
        assert_eq!(x("3.475").to_fixed(2), "3.48");
        assert_eq!(x("2.595").to_fixed(2), "2.60");
        assert_eq!(x("-2.595").to_fixed(2), "-2.60");
        assert_eq!(Exact::ratio(22, 6).to_fixed(4), "3.6667");
        assert_eq!(Exact::ratio(22, 6).to_truncated(4), "3.6666");
        assert_eq!(Exact::integer(5).to_fixed(2), "5.00");
        assert_eq!(x("0.004").to_fixed(2), "0.00");
        assert_eq!(x("-0.004").to_fixed(2), "0.00");
    }

    #[test]
    fn plain_text_is_the_shortest_decimal() {
        assert_eq!(x("1.30").to_plain(), "1.3");
        assert_eq!(x("100").to_plain(), "100");
        assert_eq!(Exact::ratio(1, 3).to_plain(), "0.333333333333");
    }

    #[test]
    fn arithmetic_is_exact() {
        let third = Exact::ratio(1, 3);
        assert_eq!(third + third + third, Exact::ONE);
        assert_eq!(x("0.1") + x("0.2"), x("0.3"));
        assert!(x("4.1999") < x("4.2"));
        assert_eq!(Exact::ONE / Exact::ZERO, Exact::ZERO);
        assert!(x("3.84").is_step_of(Exact::ONE, x("0.01")));
        assert!(!x("3.845").is_step_of(Exact::ONE, x("0.01")));
    }
}
