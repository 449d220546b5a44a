//! Catalog filters and pagination, turned into portable SQL.

use domain::{AgencyCode, Audience, IntegrationMode, IntegrationStatus};
use serde::Serialize;

/// What the catalog list is narrowed to. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ServiceFilter {
    /// Category slug.
    pub category: Option<String>,
    pub agency: Option<AgencyCode>,
    pub audience: Option<Audience>,
    pub mode: Option<IntegrationMode>,
    /// Without a status, retired services are left out.
    pub status: Option<IntegrationStatus>,
    /// Words that must all appear in the name or keywords (case-insensitive).
    pub text: Option<String>,
}

/// A 1-based page of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Page {
    pub number: u64,
    pub size: u64,
}

impl Page {
    pub const MAX_SIZE: u64 = 100;

    /// A page, with the size clamped to 1..=[`Page::MAX_SIZE`] and the number to ≥ 1.
    pub fn new(number: u64, size: u64) -> Self {
        Self { number: number.max(1), size: size.clamp(1, Self::MAX_SIZE) }
    }

    pub(crate) fn offset(self) -> i64 {
        i64::try_from((self.number - 1).saturating_mul(self.size)).unwrap_or(i64::MAX)
    }
}

/// One page of results with the totals a client needs to page on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

impl<T> Paged<T> {
    pub fn total_pages(&self) -> u64 {
        self.total.div_ceil(self.per_page.max(1))
    }
}

/// A bound value of a dynamically built query.
#[derive(Debug, Clone)]
pub(crate) enum Bind {
    Text(String),
}

/// Escapes `LIKE` wildcards so a person's `%` or `_` matches literally.
fn like_pattern(word: &str) -> String {
    let escaped = word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

impl ServiceFilter {
    /// The `WHERE` clause (over `services s` joined with `agencies a`) and its binds.
    pub(crate) fn where_clause(&self) -> (String, Vec<Bind>) {
        let mut conditions = Vec::new();
        let mut binds = Vec::new();
        let mut push = |sql: &str, value: String| {
            binds.push(Bind::Text(value));
            conditions.push(sql.replace('?', &format!("${}", binds.len())));
        };
        if let Some(category) = &self.category {
            push("s.category_slug = ?", category.clone());
        }
        if let Some(agency) = &self.agency {
            push("a.code = ?", agency.to_string());
        }
        if let Some(audience) = self.audience {
            push("s.audience = ?", audience.as_str().into());
        }
        if let Some(mode) = self.mode {
            push("s.mode = ?", mode.as_str().into());
        }
        match self.status {
            Some(status) => push("s.status = ?", status.as_str().into()),
            None => push("s.status <> ?", IntegrationStatus::Retired.as_str().into()),
        }
        if let Some(text) = &self.text {
            for word in text.to_lowercase().split_whitespace().take(8) {
                push("s.search_text LIKE ? ESCAPE '\\'", like_pattern(word));
            }
        }
        (conditions.join(" AND "), binds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_numbered_conditions() {
        let filter =
            ServiceFilter { mode: Some(IntegrationMode::Api), text: Some("KTP 100%".into()), ..Default::default() };
        let (sql, binds) = filter.where_clause();
        assert_eq!(
            sql,
            "s.mode = $1 AND s.status <> $2 AND s.search_text LIKE $3 ESCAPE '\\' AND s.search_text LIKE $4 ESCAPE '\\'"
        );
        let values: Vec<_> = binds.iter().map(|Bind::Text(t)| t.as_str()).collect();
        assert_eq!(values, vec!["api", "dihentikan", "%ktp%", "%100\\%%"]);
    }

    #[test]
    fn pages_are_clamped() {
        assert_eq!(Page::new(0, 1000), Page { number: 1, size: 100 });
        assert_eq!(Page::new(3, 20).offset(), 40);
        let paged: Paged<u8> = Paged { items: vec![], page: 1, per_page: 20, total: 41 };
        assert_eq!(paged.total_pages(), 3);
    }
}
