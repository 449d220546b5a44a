//! Checking a citizen's answers against a form definition.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{FieldKind, FormDefinition, FormField};

/// Answers as an HTML form sends them: each field's values in order. Blank values count as
/// none (an untouched input still sends its name). The caller passes only the form's own
/// fields (no CSRF token), and file fields as references to uploads it has stored.
pub type RawAnswers = BTreeMap<String, Vec<String>>;

/// Longest number accepted, in characters: far beyond any real quantity.
const MAX_NUMBER_CHARS: usize = 30;

/// A checked answer, normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Answer {
    Text(String),
    /// A decimal number written with a point and no leading zeros (`-2.50`, `12`): exact,
    /// never a float.
    Number(String),
    Date(NaiveDate),
    Choice(String),
    /// The chosen options in the definition's order, each once.
    Choices(Vec<String>),
    /// References to uploaded files, in the order given.
    Files(Vec<String>),
    Location(Location),
}

impl Answer {
    /// The values to put back into the HTML form (to re-show it with its errors).
    pub fn to_form_values(&self) -> Vec<String> {
        match self {
            Self::Text(s) | Self::Number(s) | Self::Choice(s) => vec![s.clone()],
            Self::Date(d) => vec![d.format("%Y-%m-%d").to_string()],
            Self::Choices(v) | Self::Files(v) => v.clone(),
            Self::Location(l) => vec![l.to_string()],
        }
    }
}

/// A point in micro-degrees, exact (about 11 cm of precision), shown as `-6.597147,106.806039`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Location {
    lat_e6: i32,
    lon_e6: i32,
}

impl Location {
    /// Parses `latitude,longitude` in decimal degrees with a decimal point (a comma
    /// separates the two), as maps copy them: `-6.5971, 106.8060`.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        const FORMAT: &str = "harus berupa lintang,bujur dalam derajat desimal, misalnya -6.5971,106.8060";
        let (lat, lon) = raw.split_once(',').ok_or(FORMAT)?;
        let lat = micro_degrees(lat.trim()).ok_or(FORMAT)?;
        let lon = micro_degrees(lon.trim()).ok_or(FORMAT)?;
        if lat.abs() > 90_000_000 {
            return Err("lintang harus antara -90 dan 90");
        }
        if lon.abs() > 180_000_000 {
            return Err("bujur harus antara -180 dan 180");
        }
        Ok(Self { lat_e6: i32::try_from(lat).map_err(|_| FORMAT)?, lon_e6: i32::try_from(lon).map_err(|_| FORMAT)? })
    }

    pub fn lat_micro_degrees(self) -> i32 {
        self.lat_e6
    }

    pub fn lon_micro_degrees(self) -> i32 {
        self.lon_e6
    }

    /// Latitude in degrees, for map widgets.
    pub fn lat(self) -> f64 {
        f64::from(self.lat_e6) / 1e6
    }

    pub fn lon(self) -> f64 {
        f64::from(self.lon_e6) / 1e6
    }
}

fn write_micro(f: &mut fmt::Formatter<'_>, v: i32) -> fmt::Result {
    let sign = if v < 0 { "-" } else { "" };
    let v = v.unsigned_abs();
    write!(f, "{sign}{}.{:06}", v / 1_000_000, v % 1_000_000)
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_micro(f, self.lat_e6)?;
        f.write_str(",")?;
        write_micro(f, self.lon_e6)
    }
}

impl From<Location> for String {
    fn from(location: Location) -> Self {
        location.to_string()
    }
}

impl TryFrom<String> for Location {
    type Error = &'static str;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

/// A decimal split into sign, integer digits and fraction digits; `decimal_comma` also
/// accepts `,` as the decimal separator. No exponents, no `inf`/`nan`, no thousands
/// separators (`1.000` would be ambiguous).
fn decimal(raw: &str, decimal_comma: bool) -> Option<(bool, &str, &str)> {
    let (negative, unsigned) = match raw.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, raw.strip_prefix('+').unwrap_or(raw)),
    };
    let (int, frac) = match unsigned.find(|c| c == '.' || (decimal_comma && c == ',')) {
        Some(at) => (&unsigned[..at], &unsigned[at + 1..]),
        None => (unsigned, ""),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let has_fraction = unsigned.len() > int.len();
    let ok = !int.is_empty() && digits(int) && digits(frac) && (!has_fraction || !frac.is_empty());
    ok.then_some((negative, int, frac))
}

/// Decimal degrees to micro-degrees, rounding half-up past the sixth decimal.
fn micro_degrees(raw: &str) -> Option<i64> {
    let (negative, int, frac) = decimal(raw, false)?;
    if int.len() > 3 {
        return None;
    }
    let padded = format!("{frac:0<7}");
    let micro: i64 = padded[..6].parse().ok()?;
    let round = i64::from(padded.as_bytes()[6] >= b'5');
    let value = int.parse::<i64>().ok()? * 1_000_000 + micro + round;
    Some(if negative { -value } else { value })
}

/// A canonical number: `-002,50` → `-2.50`.
fn number(raw: &str) -> Option<String> {
    if raw.len() > MAX_NUMBER_CHARS {
        return None;
    }
    let (negative, int, frac) = decimal(raw, true)?;
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let zero = int == "0" && frac.bytes().all(|b| b == b'0');
    let sign = if negative && !zero { "-" } else { "" };
    Some(if frac.is_empty() { format!("{sign}{int}") } else { format!("{sign}{int}.{frac}") })
}

/// A date exactly as `<input type="date">` sends it.
fn date(raw: &str) -> Option<NaiveDate> {
    let b = raw.as_bytes();
    let shape = b.len() == 10 && b[4] == b'-' && b[7] == b'-';
    shape.then(|| NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()).flatten()
}

/// One problem with one answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerProblem {
    /// The field's key (or the unknown key that was sent).
    pub key: String,
    pub reason: String,
}

impl fmt::Display for AnswerProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.reason)
    }
}

/// Answers that passed every check, by field key; unanswered optional fields are absent.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CheckedAnswers(BTreeMap<String, Answer>);

impl CheckedAnswers {
    pub fn get(&self, key: &str) -> Option<&Answer> {
        self.0.get(key)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Answer)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_inner(self) -> BTreeMap<String, Answer> {
        self.0
    }
}

/// Checks one field's non-blank values (at least one).
fn check_field(field: &FormField, values: Vec<String>) -> Result<Answer, String> {
    let single = || match values.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err("hanya boleh satu jawaban".to_string()),
    };
    let not_an_option = |v: &str| format!("'{v}' bukan salah satu pilihan");
    Ok(match field.kind {
        FieldKind::Text | FieldKind::LongText => {
            let text = single()?;
            let length = text.chars().count();
            let max = field.text_limit().unwrap_or(usize::MAX);
            if length > max {
                return Err(format!("terlalu panjang: {length} karakter, maksimal {max}"));
            }
            Answer::Text(text)
        }
        FieldKind::Number => Answer::Number(number(&single()?).ok_or("harus berupa angka, misalnya 12 atau 2,5")?),
        FieldKind::Date => Answer::Date(date(&single()?).ok_or("harus tanggal yang ada, berformat YYYY-MM-DD")?),
        FieldKind::Choice => {
            let choice = single()?;
            if !field.options.contains(&choice) {
                return Err(not_an_option(&choice));
            }
            Answer::Choice(choice)
        }
        FieldKind::Choices => {
            if let Some(stray) = values.iter().find(|v| !field.options.contains(v)) {
                return Err(not_an_option(stray));
            }
            Answer::Choices(field.options.iter().filter(|o| values.contains(o)).cloned().collect())
        }
        FieldKind::File => Answer::Files(values),
        FieldKind::Location => Answer::Location(Location::parse(&single()?)?),
    })
}

impl FormDefinition {
    /// Checks answers, reporting every problem at once: fields in form order, then keys
    /// the form does not have. Text is kept as typed apart from trimming and turning the
    /// `\r\n` browsers send into `\n` (so a limit counts what the person saw).
    pub fn check_answers(&self, answers: &RawAnswers) -> Result<CheckedAnswers, Vec<AnswerProblem>> {
        let mut checked = BTreeMap::new();
        let mut problems = Vec::new();
        for field in &self.fields {
            let values: Vec<String> = answers
                .get(&field.key)
                .into_iter()
                .flatten()
                .map(|v| v.replace("\r\n", "\n").trim().to_string())
                .filter(|v| !v.is_empty())
                .collect();
            let result = if values.is_empty() {
                if field.required { Err("wajib diisi".to_string()) } else { continue }
            } else {
                check_field(field, values)
            };
            match result {
                Ok(answer) => {
                    checked.insert(field.key.clone(), answer);
                }
                Err(reason) => problems.push(AnswerProblem { key: field.key.clone(), reason }),
            }
        }
        for key in answers.keys().filter(|k| self.field(k).is_none()) {
            problems.push(AnswerProblem { key: key.clone(), reason: "isian ini tidak ada dalam formulir".into() });
        }
        if problems.is_empty() { Ok(CheckedAnswers(checked)) } else { Err(problems) }
    }
}
