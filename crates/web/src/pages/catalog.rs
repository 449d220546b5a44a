//! The catalog: every service, filtered and paginated.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::Html;
use domain::{Audience, IntegrationMode, IntegrationStatus};

use crate::error::{PageError, render};
use crate::query::{CatalogQuery, Spelling, pairs};
use crate::state::AppState;
use crate::views::{
    Choice, Layout, Nav, PageCtx, ServiceCard, audience_label, category_label, mode_label, status_label,
};

/// A link to another page of the same list.
pub struct PageLink {
    pub label: String,
    pub href: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "catalog.html")]
struct CatalogPage {
    l: Layout,
    heading: String,
    result_line: String,
    services: Vec<ServiceCard>,
    categories: Vec<Choice>,
    agencies: Vec<Choice>,
    audiences: Vec<Choice>,
    modes: Vec<Choice>,
    statuses: Vec<Choice>,
    filtered: bool,
    prev: Option<String>,
    next: Option<String>,
    pages: Vec<PageLink>,
}

fn choice(value: &str, label: String, selected: bool) -> Choice {
    Choice { value: value.to_string(), label, selected }
}

/// The current filters as query pairs (portal spelling), for page links.
fn filter_pairs(query: &CatalogQuery) -> Vec<(&'static str, String)> {
    let f = &query.filter;
    let mut out = Vec::new();
    if let Some(q) = &f.text {
        out.push(("q", q.clone()));
    }
    if let Some(c) = &f.category {
        out.push(("kategori", c.clone()));
    }
    if let Some(a) = &f.agency {
        out.push(("opd", a.to_string()));
    }
    if let Some(a) = f.audience {
        out.push(("pengguna", a.as_str().to_string()));
    }
    if let Some(m) = f.mode {
        out.push(("mode", m.as_str().to_string()));
    }
    if let Some(s) = f.status {
        out.push(("status", s.as_str().to_string()));
    }
    out
}

fn page_href(query: &CatalogQuery, page: u64) -> String {
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in filter_pairs(query) {
        serializer.append_pair(k, &v);
    }
    if page > 1 {
        serializer.append_pair("halaman", &page.to_string());
    }
    let qs = serializer.finish();
    if qs.is_empty() { "/layanan".into() } else { format!("/layanan?{qs}") }
}

/// Page numbers to show around the current one: first, last and two either side.
fn window(current: u64, last: u64) -> Vec<u64> {
    let mut pages: Vec<u64> = (current.saturating_sub(2).max(1)..=(current + 2).min(last)).collect();
    if !pages.contains(&1) {
        pages.insert(0, 1);
    }
    if last > 0 && !pages.contains(&last) {
        pages.push(last);
    }
    pages
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, PageError> {
    let t = ctx.tr();
    let lang = ctx.lang;
    let query = CatalogQuery::parse(&pairs(raw.as_deref()), Spelling::Portal)
        .map_err(|problems| PageError::bad_parameters(lang, &problems))?;
    let store = &state.catalog;
    let results = store.list_services(&query.filter, query.page()).await.map_err(PageError::store(lang))?;
    let categories = store.list_categories().await.map_err(PageError::store(lang))?;
    let agencies = store.list_agencies().await.map_err(PageError::store(lang))?;
    let f = &query.filter;
    let last = results.total_pages();
    let current = results.page;
    let heading = match &f.text {
        Some(q) => t.with("catalog-results-for", "q", q),
        None => t.get("catalog-title"),
    };
    let page = CatalogPage {
        l: ctx.layout(&state, &heading, Nav::Catalog).with_query(f.text.as_deref().unwrap_or("")),
        result_line: t.count("catalog-found", results.total),
        heading,
        services: results.items.iter().map(|s| ServiceCard::new(t, s)).collect(),
        categories: categories
            .iter()
            .map(|c| {
                choice(&c.slug, category_label(t, &c.slug, &c.name), f.category.as_deref() == Some(c.slug.as_str()))
            })
            .collect(),
        agencies: agencies
            .iter()
            .filter(|a| a.services > 0)
            .map(|a| {
                choice(
                    a.agency.code.as_str(),
                    a.agency.display_short().to_string(),
                    f.agency.as_ref() == Some(&a.agency.code),
                )
            })
            .collect(),
        audiences: Audience::ALL
            .iter()
            .map(|a| choice(a.as_str(), audience_label(t, *a), f.audience == Some(*a)))
            .collect(),
        modes: IntegrationMode::ALL.iter().map(|m| choice(m.as_str(), mode_label(t, *m), f.mode == Some(*m))).collect(),
        statuses: IntegrationStatus::ALL
            .iter()
            .map(|s| choice(s.as_str(), status_label(t, *s), f.status == Some(*s)))
            .collect(),
        filtered: !filter_pairs(&query).is_empty(),
        prev: (current > 1 && current <= last).then(|| page_href(&query, current - 1)),
        next: (current < last).then(|| page_href(&query, current + 1)),
        pages: if last > 1 {
            window(current, last)
                .into_iter()
                .map(|n| PageLink { label: n.to_string(), href: page_href(&query, n), current: n == current })
                .collect()
        } else {
            Vec::new()
        },
    };
    render(lang, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_window() {
        assert_eq!(window(1, 17), vec![1, 2, 3, 17]);
        assert_eq!(window(9, 17), vec![1, 7, 8, 9, 10, 11, 17]);
        assert_eq!(window(1, 1), vec![1]);
    }

    #[test]
    fn page_links_keep_filters() {
        let query = CatalogQuery::parse(&pairs(Some("q=ktp el&kategori=kependudukan&halaman=2")), Spelling::Portal)
            .unwrap_or_default();
        assert_eq!(page_href(&query, 3), "/layanan?q=ktp+el&kategori=kependudukan&halaman=3");
        assert_eq!(page_href(&CatalogQuery::default(), 1), "/layanan");
    }
}
