//! `/api/v1/search`, `/api/v1/suggest` and `/api/v1/search/clicks`.

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use search::{Facet, FacetCounts, SearchFilter, SearchResults, to_html};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::dto::{AgencyRef, CategoryRef, Links, Mode, Status};
use crate::error::{ApiError, ParamProblem};
use crate::query::{CatalogQuery, MAX_QUERY_CHARS, Spelling, pairs};
use crate::state::AppState;

/// Search parameters, documented for the OpenAPI document.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct SearchParams {
    /// What the person typed (required, at most 200 characters). Searched as plain text:
    /// quotes, colons, `AND`, `*` or `~` have no special meaning.
    q: String,
    /// Category slug.
    category: Option<String>,
    /// Agency code.
    agency: Option<String>,
    /// `warga`, `asn` or `bisnis`.
    audience: Option<String>,
    /// `link`, `sso`, `api` or `native`.
    mode: Option<String>,
    /// Status; without it retired services are left out.
    status: Option<String>,
    /// Page number, from 1.
    page: Option<u64>,
    /// Results per page, 1–100 (default 20).
    per_page: Option<u64>,
}

/// The matched parts of a result, as HTML: `<mark>` around matches, all else escaped.
#[derive(Debug, Serialize, ToSchema)]
pub struct Highlight {
    #[schema(example = "Perekaman dan Pencetakan <mark>KTP</mark>-el")]
    pub name: String,
    pub summary: String,
}

/// One ranked result.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    pub code: String,
    pub name: String,
    pub summary: String,
    pub category: CategoryRef,
    pub agency: AgencyRef,
    pub mode: Mode,
    pub status: Status,
    /// Ranking score (higher is better; comparable within one response only).
    pub score: f32,
    pub highlight: Highlight,
    pub links: Links,
}

/// One facet value and how many results carry it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FacetValue {
    pub value: String,
    pub label: String,
    pub count: u64,
}

/// Result counts by category, agency, integration mode and status.
#[derive(Debug, Serialize, ToSchema)]
pub struct Facets {
    pub category: Vec<FacetValue>,
    pub agency: Vec<FacetValue>,
    pub mode: Vec<FacetValue>,
    pub status: Vec<FacetValue>,
}

/// A page of ranked results.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchPage {
    /// The query as typed.
    pub query: String,
    /// The query as understood (lower-cased, punctuation removed).
    pub normalized: String,
    pub items: Vec<SearchHit>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
    pub total_pages: u64,
    pub facets: Facets,
    /// "Maksud Anda …?": a corrected query when results are empty or weak.
    pub suggestion: Option<String>,
}

fn facet_values(facets: &[Facet]) -> Vec<FacetValue> {
    facets.iter().map(|f| FacetValue { value: f.value.clone(), label: f.label.clone(), count: f.count }).collect()
}

fn facets(f: &FacetCounts) -> Facets {
    Facets {
        category: facet_values(&f.category),
        agency: facet_values(&f.agency),
        mode: facet_values(&f.mode),
        status: facet_values(&f.status),
    }
}

pub fn hit(h: &search::Hit) -> SearchHit {
    let d = &h.doc;
    SearchHit {
        code: d.code.clone(),
        name: d.name.clone(),
        summary: d.summary.clone(),
        category: CategoryRef { slug: d.category_slug.clone(), name: d.category_name.clone() },
        agency: AgencyRef {
            code: d.agency_code.clone(),
            name: d.agency_name.clone(),
            short_name: Some(d.agency_short_name.clone()).filter(|s| !s.is_empty()),
        },
        mode: d.mode.into(),
        status: d.status.into(),
        score: h.score,
        highlight: Highlight { name: to_html(&h.name), summary: to_html(&h.summary) },
        links: Links { api: format!("/api/v1/services/{}", d.code), html: format!("/layanan/{}", d.code) },
    }
}

/// The search filter and the text, from catalog-style parameters.
pub fn search_filter(query: &CatalogQuery) -> SearchFilter {
    let f = &query.filter;
    SearchFilter {
        category: f.category.clone(),
        agency: f.agency.as_ref().map(ToString::to_string),
        audience: f.audience,
        mode: f.mode,
        status: f.status,
    }
}

/// Checks the text of a query: present and not too long.
pub fn check_text(text: Option<&str>, required: bool) -> Result<String, ParamProblem> {
    let text = text.unwrap_or("").trim();
    if required && text.is_empty() {
        return Err(ParamProblem { parameter: "q".into(), reason: "wajib diisi".into() });
    }
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(ParamProblem {
            parameter: "q".into(),
            reason: format!("terlalu panjang (maksimal {MAX_QUERY_CHARS} karakter)"),
        });
    }
    Ok(text.to_string())
}

fn run(
    state: &AppState,
    text: &str,
    query: &CatalogQuery,
    prefix: bool,
    count: bool,
) -> Result<std::sync::Arc<SearchResults>, ApiError> {
    let offset = query.offset();
    state
        .search
        .search(text, &search_filter(query), offset, query.per_page as usize, prefix, count)
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// Ranked search over the catalog with highlights, facet counts and a suggestion.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    operation_id = "search",
    tag = "pencarian",
    params(SearchParams),
    responses(
        (status = 200, description = "Ranked results", body = SearchPage),
        (status = 400, description = "Missing, too long or invalid parameter", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
pub async fn search(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Json<SearchPage>, ApiError> {
    let params = pairs(raw.as_deref());
    let query = CatalogQuery::parse(&params, Spelling::Api);
    let text = check_text(params.iter().find(|(k, _)| k == "q").map(|(_, v)| v.as_str()), true);
    let (query, text) = match (query, text) {
        (Ok(q), Ok(t)) => (q, t),
        (q, t) => {
            let mut problems = q.err().unwrap_or_default();
            problems.retain(|p| p.parameter != "q");
            problems.extend(t.err());
            return Err(ApiError::InvalidParameters(problems));
        }
    };
    let results = run(&state, &text, &query, false, true)?;
    Ok(Json(SearchPage {
        query: text,
        normalized: results.normalized.clone(),
        items: results.hits.iter().map(hit).collect(),
        page: query.page,
        per_page: query.per_page,
        total: results.total,
        total_pages: results.total.div_ceil(query.per_page.max(1)),
        facets: facets(&results.facets),
        suggestion: results.suggestion.clone(),
    }))
}

/// A suggestion for the autocomplete list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Suggestion {
    pub code: String,
    pub name: String,
    /// The name with `<mark>` around what matched.
    pub highlight: String,
    pub links: Links,
}

/// Suggestions while typing.
#[derive(Debug, Serialize, ToSchema)]
pub struct Suggestions {
    pub items: Vec<Suggestion>,
}

/// Parameters of `/api/v1/suggest`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct SuggestParams {
    /// What has been typed so far (the last word may be incomplete); empty gives no items.
    q: Option<String>,
}

/// Up to eight services for a partly typed query (search-as-you-type).
#[utoipa::path(
    get,
    path = "/api/v1/suggest",
    operation_id = "suggest",
    tag = "pencarian",
    params(SuggestParams),
    responses(
        (status = 200, description = "Suggestions", body = Suggestions),
        (status = 400, description = "Too long or unknown parameter", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
pub async fn suggest(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Json<Suggestions>, ApiError> {
    let params = pairs(raw.as_deref());
    if let Some((name, _)) = params.iter().find(|(k, _)| k != "q") {
        return Err(ApiError::InvalidParameters(vec![ParamProblem {
            parameter: name.clone(),
            reason: "parameter tidak dikenal; yang diterima: q".into(),
        }]));
    }
    let text = check_text(params.iter().find(|(k, _)| k == "q").map(|(_, v)| v.as_str()), false)
        .map_err(|p| ApiError::InvalidParameters(vec![p]))?;
    if text.is_empty() {
        return Ok(Json(Suggestions { items: Vec::new() }));
    }
    let query = CatalogQuery { per_page: 8, page: 1, ..Default::default() };
    let results = run(&state, &text, &query, true, false)?;
    Ok(Json(Suggestions {
        items: results
            .hits
            .iter()
            .map(|h| Suggestion {
                code: h.doc.code.clone(),
                name: h.doc.name.clone(),
                highlight: to_html(&h.name),
                links: Links {
                    api: format!("/api/v1/services/{}", h.doc.code),
                    html: format!("/layanan/{}", h.doc.code),
                },
            })
            .collect(),
    }))
}

/// A click on a search result, reported by an app.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Click {
    /// The query whose result was opened.
    pub q: String,
    /// The service opened.
    pub code: String,
}

/// Counts a click on a search result (for click-through statistics; nothing about the
/// person is kept).
#[utoipa::path(
    post,
    path = "/api/v1/search/clicks",
    operation_id = "recordSearchClick",
    tag = "pencarian",
    request_body = Click,
    responses(
        (status = 204, description = "Counted"),
        (status = 400, description = "Invalid body", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
pub async fn click(State(state): State<AppState>, body: axum::body::Bytes) -> Result<StatusCode, ApiError> {
    let click: Click = serde_json::from_slice(&body).map_err(|e| {
        ApiError::InvalidParameters(vec![ParamProblem { parameter: "body".into(), reason: e.to_string() }])
    })?;
    check_text(Some(&click.q), true).map_err(|p| ApiError::InvalidParameters(vec![p]))?;
    domain::ServiceCode::parse(&click.code).map_err(|e| {
        ApiError::InvalidParameters(vec![ParamProblem { parameter: "code".into(), reason: e.to_string() }])
    })?;
    state.search.record_click(&click.q);
    Ok(StatusCode::NO_CONTENT)
}
