//! The search results page, and the click counter behind its links.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{Html, IntoResponse, Response};
use domain::{IntegrationMode, IntegrationStatus, ServiceCode};
use search::{Facet, Fragment};

use crate::api::search::{check_text, search_filter};
use crate::error::{PageError, PageErrorKind, render};
use crate::i18n::Tr;
use crate::query::{CatalogQuery, Spelling, pairs};
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx, category_label, mode_label, status_class, status_label};

pub struct ResultItem {
    pub href: String,
    pub name: Vec<Fragment>,
    pub summary: Vec<Fragment>,
    pub agency: String,
    pub category: String,
    pub status: String,
    pub status_class: &'static str,
}

pub struct FacetLink {
    pub label: String,
    pub count: u64,
    pub href: String,
    pub selected: bool,
}

pub struct FacetGroup {
    pub title: String,
    pub links: Vec<FacetLink>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    l: Layout,
    q: String,
    heading: String,
    result_line: String,
    results: Vec<ResultItem>,
    suggestion: Option<(String, String)>,
    facets: Vec<FacetGroup>,
    prev: Option<String>,
    next: Option<String>,
    page_line: String,
}

/// The query string for `/cari` with one parameter changed (`None` removes it).
fn href(params: &[(String, String)], set: &str, value: Option<&str>) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        if k != set && k != "halaman" && !v.is_empty() {
            s.append_pair(k, v);
        }
    }
    if let Some(v) = value {
        s.append_pair(set, v);
    }
    format!("/cari?{}", s.finish())
}

fn group(
    t: Tr,
    title: &str,
    param: &str,
    facets: &[Facet],
    params: &[(String, String)],
    label: impl Fn(&Facet) -> String,
) -> FacetGroup {
    let current = params.iter().find(|(k, _)| k == param).map(|(_, v)| v.to_lowercase());
    FacetGroup {
        title: t.get(title),
        links: facets
            .iter()
            .take(12)
            .map(|f| {
                let selected = current.as_deref() == Some(&f.value.to_lowercase());
                FacetLink {
                    label: label(f),
                    count: f.count,
                    href: href(params, param, if selected { None } else { Some(&f.value) }),
                    selected,
                }
            })
            .collect(),
    }
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, PageError> {
    let t = ctx.tr();
    let lang = ctx.lang;
    let params = pairs(raw.as_deref());
    let query = CatalogQuery::parse(&params, Spelling::Portal)
        .map_err(|problems| PageError::bad_parameters(lang, &problems))?;
    let text = check_text(params.iter().find(|(k, _)| k == "q").map(|(_, v)| v.as_str()), false)
        .map_err(|p| PageError::bad_request(lang, format!("q: {}", p.reason)))?;
    let offset = query.offset();
    let results = if text.is_empty() {
        std::sync::Arc::new(search::SearchResults::default())
    } else {
        state
            .search
            .search(&text, &search_filter(&query), offset, query.per_page as usize, false, true)
            .map_err(|e| PageError { lang, kind: PageErrorKind::Internal(e.to_string()) })?
    };
    let encoded: String = url::form_urlencoded::byte_serialize(text.as_bytes()).collect();
    let results_items = results
        .hits
        .iter()
        .map(|h| ResultItem {
            href: format!("/cari/klik?q={encoded}&kode={}", h.doc.code),
            name: h.name.clone(),
            summary: h.summary.clone(),
            agency: if h.doc.agency_short_name.is_empty() {
                h.doc.agency_name.clone()
            } else {
                h.doc.agency_short_name.clone()
            },
            category: category_label(t, &h.doc.category_slug, &h.doc.category_name),
            status: status_label(t, h.doc.status),
            status_class: status_class(h.doc.status),
        })
        .collect();
    let f = &results.facets;
    let facets = if results.total == 0 {
        Vec::new()
    } else {
        vec![
            group(t, "filter-category", "kategori", &f.category, &params, |x| category_label(t, &x.value, &x.label)),
            group(t, "filter-agency", "opd", &f.agency, &params, |x| x.label.clone()),
            group(t, "filter-mode", "mode", &f.mode, &params, |x| {
                IntegrationMode::parse(&x.value).map(|m| mode_label(t, m)).unwrap_or_else(|_| x.label.clone())
            }),
            group(t, "filter-status", "status", &f.status, &params, |x| {
                IntegrationStatus::parse(&x.value).map(|s| status_label(t, s)).unwrap_or_else(|_| x.label.clone())
            }),
        ]
    };
    let pages = results.total.div_ceil(query.per_page.max(1));
    let page_href = |n: u64| {
        let base = href(&params, "halaman", None);
        if n > 1 { format!("{base}&halaman={n}") } else { base }
    };
    let heading = if text.is_empty() { t.get("search-title") } else { t.with("catalog-results-for", "q", &text) };
    let page = SearchPage {
        l: ctx.layout(&state, &heading, Nav::None).with_query(&text),
        result_line: if text.is_empty() {
            t.get("search-empty-prompt")
        } else {
            t.count("catalog-found", results.total)
        },
        heading,
        results: results_items,
        suggestion: results.suggestion.clone().map(|s| {
            let encoded: String = url::form_urlencoded::byte_serialize(s.as_bytes()).collect();
            (s, format!("/cari?q={encoded}"))
        }),
        facets,
        prev: (query.page > 1 && query.page <= pages).then(|| page_href(query.page - 1)),
        next: (query.page < pages).then(|| page_href(query.page + 1)),
        page_line: if pages > 1 {
            t.args("search-page-of", &[("page", query.page.to_string()), ("pages", pages.to_string())])
        } else {
            String::new()
        },
        q: text,
    };
    render(lang, &page)
}

/// A result link: counts the click for the catalog team, then opens the service.
pub async fn click(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let params = pairs(raw.as_deref());
    let get = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("");
    let code = ServiceCode::parse(get("kode")).map_err(|_| PageError::not_found(ctx.lang))?;
    if check_text(Some(get("q")), true).is_ok() {
        state.search.record_click(get("q"));
    }
    Ok((StatusCode::SEE_OTHER, [(LOCATION, format!("/layanan/{code}"))]).into_response())
}
