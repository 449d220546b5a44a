//! Query-string parsing shared by the catalog page and the API, so both accept the same
//! filters and refuse the same mistakes.

use domain::{AgencyCode, Audience, IntegrationMode, IntegrationStatus};
use store::{Page, ServiceFilter};

use crate::error::ParamProblem;

/// The longest search text accepted, in characters (catalog filter and search alike).
pub const MAX_QUERY_CHARS: usize = 200;

/// Decoded `name=value` pairs; undecodable bytes become U+FFFD instead of failing.
pub fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    raw.map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect()).unwrap_or_default()
}

/// The catalog list's filters and page, as the API and the portal read them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogQuery {
    pub filter: ServiceFilter,
    pub page: u64,
    pub per_page: u64,
}

/// Parameter names, in the API's (English) and the portal's (Indonesian) spelling.
const NAMES: &[(&str, &str)] = &[
    ("category", "kategori"),
    ("agency", "opd"),
    ("audience", "pengguna"),
    ("mode", "mode"),
    ("status", "status"),
    ("q", "q"),
    ("page", "halaman"),
    ("per_page", "per_halaman"),
];

/// Which spelling of the parameter names to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spelling {
    Api,
    Portal,
}

impl CatalogQuery {
    pub const DEFAULT_PER_PAGE: u64 = 20;

    /// Reads the parameters. The API refuses unknown names (a typo in a client should be
    /// loud); the portal ignores them (links from elsewhere carry tracking parameters).
    pub fn parse(pairs: &[(String, String)], spelling: Spelling) -> Result<Self, Vec<ParamProblem>> {
        let mut query = Self { page: 1, per_page: Self::DEFAULT_PER_PAGE, ..Default::default() };
        let mut problems = Vec::new();
        for (raw_name, value) in pairs {
            let Some((api_name, _)) = NAMES.iter().find(|(api, portal)| match spelling {
                Spelling::Api => api == raw_name,
                Spelling::Portal => portal == raw_name,
            }) else {
                if spelling == Spelling::Api {
                    let accepted: Vec<_> = NAMES.iter().map(|(a, _)| *a).collect();
                    problems.push(ParamProblem {
                        parameter: raw_name.clone(),
                        reason: format!("parameter tidak dikenal; yang diterima: {}", accepted.join(", ")),
                    });
                }
                continue;
            };
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let mut fail = |reason: String| problems.push(ParamProblem { parameter: raw_name.clone(), reason });
            match *api_name {
                "category" => query.filter.category = Some(value.to_ascii_lowercase()),
                "agency" => match AgencyCode::parse(value) {
                    Ok(code) => query.filter.agency = Some(code),
                    Err(e) => fail(e.to_string()),
                },
                "audience" => match Audience::parse(value) {
                    Ok(v) => query.filter.audience = Some(v),
                    Err(e) => fail(e.to_string()),
                },
                "mode" => match IntegrationMode::parse(value) {
                    Ok(v) => query.filter.mode = Some(v),
                    Err(e) => fail(e.to_string()),
                },
                "status" => match IntegrationStatus::parse(value) {
                    Ok(v) => query.filter.status = Some(v),
                    Err(e) => fail(e.to_string()),
                },
                "q" => {
                    if value.chars().count() > MAX_QUERY_CHARS {
                        fail(format!("terlalu panjang (maksimal {MAX_QUERY_CHARS} karakter)"));
                    } else {
                        query.filter.text = Some(value.to_string());
                    }
                }
                "page" => match value.parse::<u64>() {
                    Ok(n) if (1..=100_000).contains(&n) => query.page = n,
                    _ => fail("harus bilangan bulat 1 sampai 100000".into()),
                },
                _ => match value.parse::<u64>() {
                    Ok(n) if (1..=Page::MAX_SIZE).contains(&n) => query.per_page = n,
                    _ => fail(format!("harus bilangan bulat 1 sampai {}", Page::MAX_SIZE)),
                },
            }
        }
        if problems.is_empty() { Ok(query) } else { Err(problems) }
    }

    pub fn page(&self) -> Page {
        Page::new(self.page, self.per_page)
    }

    /// How many results come before this page.
    pub fn offset(&self) -> usize {
        usize::try_from(self.page.saturating_sub(1).saturating_mul(self.per_page)).unwrap_or(usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &str, spelling: Spelling) -> Result<CatalogQuery, Vec<ParamProblem>> {
        CatalogQuery::parse(&pairs(Some(q)), spelling)
    }

    #[test]
    fn reads_api_filters() {
        let q = parse(
            "category=Kesehatan&agency=dinkes&mode=api&status=terintegrasi&q=bpjs&page=2&per_page=50",
            Spelling::Api,
        );
        let Ok(q) = q else { panic!("refused: {q:?}") };
        assert_eq!(q.filter.category.as_deref(), Some("kesehatan"));
        assert_eq!(q.filter.agency.map(String::from).as_deref(), Some("DINKES"));
        assert_eq!(q.filter.mode, Some(IntegrationMode::Api));
        assert_eq!((q.page, q.per_page), (2, 50));
    }

    #[test]
    fn refuses_bad_values_all_at_once() {
        let problems = parse("mode=email&page=0&per_page=500&colour=red", Spelling::Api).err().unwrap_or_default();
        let names: Vec<_> = problems.iter().map(|p| p.parameter.as_str()).collect();
        assert_eq!(names, vec!["mode", "page", "per_page", "colour"]);
    }

    #[test]
    fn portal_spelling_ignores_unknown_and_blank() {
        let q = parse("kategori=kesehatan&utm_source=wa&status=&halaman=3", Spelling::Portal);
        assert_eq!(q.map(|q| (q.filter.category, q.filter.status, q.page)), Ok((Some("kesehatan".into()), None, 3)));
    }

    #[test]
    fn undecodable_bytes_do_not_fail() {
        assert_eq!(pairs(Some("q=%FF%FE")).len(), 1);
    }
}
