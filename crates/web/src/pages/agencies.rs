//! Agencies (OPD): the list and each agency's page.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use domain::AgencyCode;
use store::{Page, ServiceFilter};

use crate::error::{PageError, render};
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx, ServiceCard, kind_label};

pub struct AgencyRow {
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub kind: String,
    pub counts: String,
    pub integrated: u64,
    pub services: u64,
}

#[derive(Template)]
#[template(path = "agencies.html")]
struct AgenciesPage {
    l: Layout,
    agencies: Vec<AgencyRow>,
    count_line: String,
}

pub async fn list(State(state): State<AppState>, ctx: PageCtx) -> Result<Html<String>, PageError> {
    let t = ctx.tr();
    let agencies = state.catalog.list_agencies().await.map_err(PageError::store(ctx.lang))?;
    let page = AgenciesPage {
        l: ctx.layout(&state, &t.get("agencies-title"), Nav::Agencies),
        count_line: t.count("agencies-count", agencies.len() as u64),
        agencies: agencies
            .iter()
            .map(|a| AgencyRow {
                code: a.agency.code.to_string(),
                name: a.agency.name.clone(),
                short_name: a.agency.short_name.clone().unwrap_or_default(),
                kind: kind_label(t, a.agency.kind),
                counts: t.args(
                    "agency-counts",
                    &[("integrated", a.integrated.to_string()), ("total", a.services.to_string())],
                ),
                integrated: a.integrated,
                services: a.services,
            })
            .collect(),
    };
    render(ctx.lang, &page)
}

#[derive(Template)]
#[template(path = "agency.html")]
struct AgencyPage {
    l: Layout,
    code: String,
    name: String,
    short_name: String,
    kind: String,
    address: String,
    phone: String,
    email: String,
    website: String,
    counts: String,
    integrated: u64,
    total: u64,
    services: Vec<ServiceCard>,
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let lang = ctx.lang;
    let t = ctx.tr();
    let code = AgencyCode::parse(&code).map_err(|_| PageError::not_found(lang))?;
    let summary = state.catalog.agency(&code).await.map_err(PageError::store(lang))?;
    let filter = ServiceFilter { agency: Some(code), ..Default::default() };
    let services =
        state.catalog.list_services(&filter, Page::new(1, Page::MAX_SIZE)).await.map_err(PageError::store(lang))?;
    let a = &summary.agency;
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let page = AgencyPage {
        l: ctx.layout(&state, &a.name, Nav::Agencies),
        code: a.code.to_string(),
        name: a.name.clone(),
        short_name: opt(&a.short_name),
        kind: kind_label(t, a.kind),
        address: opt(&a.address),
        phone: opt(&a.phone),
        email: opt(&a.email),
        website: a.website.as_ref().map(ToString::to_string).unwrap_or_default(),
        counts: t.args(
            "agency-counts",
            &[("integrated", summary.integrated.to_string()), ("total", summary.services.to_string())],
        ),
        integrated: summary.integrated,
        total: summary.services,
        services: services.items.iter().map(|s| ServiceCard::new(t, s)).collect(),
    };
    render(lang, &page)
}
