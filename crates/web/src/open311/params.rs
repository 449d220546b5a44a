//! Open311 parameters, from a query string or a form body. "Optional" in the spec means an
//! empty parameter is the same as an absent one.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::request::BOGOR_UTC_OFFSET_HOURS;

use super::Failure;

/// The most days one query may span, and its default window.
pub const WINDOW_DAYS: i64 = 90;
/// The most requests one answer lists (the spec's cap), and the default page size.
pub const MAX_PAGE_SIZE: u32 = 1_000;

/// The parameters in the order they came, with empty values dropped.
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn parse(raw: &[u8]) -> Self {
        Self(
            url::form_urlencoded::parse(raw)
                .filter(|(_, v)| !v.trim().is_empty())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    pub fn from_query(query: Option<&str>) -> Self {
        Self::parse(query.unwrap_or_default().as_bytes())
    }

    /// The first value of a parameter, trimmed.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// A comma-separated list, without empty items.
    pub fn list(&self, name: &str) -> Option<Vec<String>> {
        self.get(name).map(|v| v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect())
    }

    /// `start_date`/`end_date`: at most [`WINDOW_DAYS`] apart, the last 90 days by default
    /// (or the 90 days after a lone start, or before a lone end).
    pub fn window(&self, now: DateTime<Utc>) -> Result<(DateTime<Utc>, DateTime<Utc>), Failure> {
        let start = self.get("start_date").map(|v| datetime("start_date", v)).transpose()?;
        let end = self.get("end_date").map(|v| datetime("end_date", v)).transpose()?;
        let span = Duration::days(WINDOW_DAYS);
        let (start, end) = match (start, end) {
            (Some(s), Some(e)) => (s, e),
            (Some(s), None) => (s, s + span),
            (None, Some(e)) => (e - span, e),
            (None, None) => (now - span, now),
        };
        if end < start {
            return Err(Failure::bad("end_date lebih awal dari start_date"));
        }
        if end - start > span {
            return Err(Failure::bad(format!("rentang start_date sampai end_date paling lama {WINDOW_DAYS} hari")));
        }
        Ok((start, end))
    }

    /// `page` (from 1) and `page_size` (1 to 1,000; 1,000 by default), as limit and offset.
    pub fn page(&self) -> Result<(u32, u32), Failure> {
        let number = |name: &str, max: u32| -> Result<Option<u32>, Failure> {
            self.get(name)
                .map(|v| {
                    v.parse::<u32>().ok().filter(|n| (1..=max).contains(n)).ok_or_else(|| {
                        Failure::bad(format!("{name} harus bilangan bulat antara 1 dan {max}, bukan '{v}'"))
                    })
                })
                .transpose()
        };
        let size = number("page_size", MAX_PAGE_SIZE)?.unwrap_or(MAX_PAGE_SIZE);
        let page = number("page", 1_000_000)?.unwrap_or(1);
        let offset = (page - 1).checked_mul(size).ok_or_else(|| Failure::bad("page terlalu besar"))?;
        Ok((size, offset))
    }
}

/// A W3C datetime with its zone (`2010-01-01T00:00:00Z`, `…+07:00`), or a bare date
/// taken as midnight in the city.
fn datetime(name: &str, value: &str) -> Result<DateTime<Utc>, Failure> {
    if let Ok(at) = DateTime::parse_from_rfc3339(value) {
        return Ok(at.with_timezone(&Utc));
    }
    if let Ok(day) = NaiveDate::parse_from_str(value, "%Y-%m-%d")
        && let Some(midnight) = day.and_hms_opt(0, 0, 0)
    {
        return Ok(midnight.and_utc() - Duration::hours(i64::from(BOGOR_UTC_OFFSET_HOURS)));
    }
    Err(Failure::bad(format!("{name} '{value}' bukan waktu W3C dengan zona waktu, mis. 2026-11-01T00:00:00+07:00")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-30T00:00:00Z").unwrap().with_timezone(&Utc)
    }

    #[test]
    fn empty_parameters_are_absent() {
        let p = Params::parse(b"status=&service_code=A,%20B,,&x=1");
        assert_eq!(p.get("status"), None);
        assert_eq!(p.list("service_code"), Some(vec!["A".to_string(), "B".to_string()]));
        assert_eq!(p.get("x"), Some("1"));
    }

    #[test]
    fn the_window_defaults_to_the_last_90_days_and_refuses_more() {
        let (s, e) = Params::parse(b"").window(now()).unwrap();
        assert_eq!((e - s).num_days(), 90);
        assert_eq!(e, now());
        let (s, e) = Params::parse(b"start_date=2026-01-01T00:00:00Z").window(now()).unwrap();
        assert_eq!((s.to_rfc3339(), (e - s).num_days()), ("2026-01-01T00:00:00+00:00".into(), 90));
        let p = Params::parse(b"start_date=2026-01-01T00:00:00Z&end_date=2026-04-02T00:00:00Z");
        assert_eq!(p.window(now()).unwrap_err().status, 400);
        let p = Params::parse(b"start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z");
        assert_eq!(p.window(now()).unwrap_err().status, 400);
        let p = Params::parse(b"start_date=2026-01-01T00:00:00");
        assert!(p.window(now()).unwrap_err().errors[0].description.contains("zona waktu"));
        let (s, _) = Params::parse(b"start_date=2026-01-01").window(now()).unwrap();
        assert_eq!(s.to_rfc3339(), "2025-12-31T17:00:00+00:00");
    }

    #[test]
    fn pages_are_bounded() {
        assert_eq!(Params::parse(b"").page().unwrap(), (1000, 0));
        assert_eq!(Params::parse(b"page=3&page_size=20").page().unwrap(), (20, 40));
        assert!(Params::parse(b"page_size=1001").page().is_err());
        assert!(Params::parse(b"page=0").page().is_err());
        assert!(Params::parse(b"page=x").page().is_err());
    }
}
