//! A service's page: its standard, where to use it, and its integration history.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{Html, IntoResponse, Response};
use chrono::SecondsFormat;
use domain::{IntegrationMode, IntegrationStatus, ServiceCode};

use crate::error::{PageError, render};
use crate::i18n::Tr;
use crate::state::AppState;
use crate::views::{
    Layout, Nav, PageCtx, audience_label, category_label, cost_label, duration_label, mode_label, status_class,
    status_label,
};

/// The main thing a person can do with the service, fitted to its mode and status.
pub struct Action {
    pub label: String,
    /// `None` when the action is not available yet.
    pub href: Option<String>,
    pub note: String,
}

pub struct HistoryItem {
    pub date: String,
    pub datetime: String,
    pub text: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "service.html")]
struct ServicePage {
    l: Layout,
    /// Whether people apply here (native and api services that are running).
    applies_here: bool,
    /// The satisfaction index from surveys, once anyone answered.
    ikm: Option<String>,
    code: String,
    name: String,
    summary: String,
    description: String,
    agency_code: String,
    agency_name: String,
    category_slug: String,
    category: String,
    status: String,
    status_class: &'static str,
    mode: String,
    mode_help: String,
    audience: String,
    action: Action,
    android_url: String,
    ios_url: String,
    web_host: String,
    requirements: Vec<String>,
    procedure: Vec<String>,
    duration: String,
    cost: String,
    product: String,
    legal_basis: String,
    complaint: String,
    has_standard: bool,
    history: Vec<HistoryItem>,
    target_year: String,
    /// "The application has not been answering since …", while its monitor says it is down.
    down_warning: Option<String>,
}

fn action(
    t: Tr,
    code: &ServiceCode,
    mode: IntegrationMode,
    status: IntegrationStatus,
    has_web: bool,
    target_year: Option<i32>,
) -> Action {
    if status != IntegrationStatus::Integrated {
        let note = match target_year {
            Some(year) => t.with("action-not-yet-target", "year", year),
            None => t.get("action-not-yet"),
        };
        return Action { label: t.get("action-not-available"), href: None, note };
    }
    match mode {
        IntegrationMode::Native => {
            Action { label: t.get("action-apply"), href: None, note: t.get("action-coming-soon") }
        }
        IntegrationMode::Sso => Action {
            label: t.get("action-sso"),
            href: has_web.then(|| format!("/layanan/{code}/buka")),
            note: t.get("action-sso-note"),
        },
        IntegrationMode::Link | IntegrationMode::Api => Action {
            label: t.get("action-open"),
            href: has_web.then(|| format!("/layanan/{code}/buka")),
            note: if has_web { t.get("action-open-note") } else { t.get("action-no-link") },
        },
    }
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let lang = ctx.lang;
    let t = ctx.tr();
    let code = ServiceCode::parse(&code).map_err(|_| PageError::not_found(lang))?;
    let detail = state.catalog.service(&code).await.map_err(PageError::store(lang))?;
    let s = &detail.service;
    let std = &s.standard;
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let history = detail
        .history
        .iter()
        .rev()
        .map(|c| HistoryItem {
            date: c.at.format("%d-%m-%Y").to_string(),
            datetime: c.at.to_rfc3339_opts(SecondsFormat::Secs, true),
            text: match c.from {
                Some(from) => {
                    t.args("history-change", &[("from", status_label(t, from)), ("to", status_label(t, c.to))])
                }
                None => t.with("history-registered", "status", status_label(t, c.to)),
            },
            note: opt(&c.note),
        })
        .collect();
    let survey = state.store.service_survey(s.code.as_str()).await.map_err(PageError::store(ctx.lang))?;
    let health = state.store.service_health(s.code.as_str()).await.map_err(PageError::store(ctx.lang))?;
    let down_warning = health.filter(|h| h.down).map(|h| match h.since {
        Some(since) => t.with("service-down-since", "since", crate::monitoring::local_time(since)),
        None => t.get("service-down"),
    });
    let page = ServicePage {
        ikm: survey.as_ref().and_then(|totals| super::survey::summary(ctx.tr(), totals)),
        applies_here: s.status.is_active()
            && matches!(s.mode, domain::IntegrationMode::Native | domain::IntegrationMode::Api),
        l: ctx.layout(&state, &s.name, Nav::Catalog),
        code: s.code.to_string(),
        name: s.name.clone(),
        summary: opt(&s.summary),
        description: opt(&s.description),
        agency_code: s.agency.to_string(),
        agency_name: detail.agency_short_name.clone().unwrap_or_else(|| detail.agency_name.clone()),
        category: category_label(t, &detail.category_slug, s.category.as_str()),
        category_slug: detail.category_slug.clone(),
        status: status_label(t, s.status),
        status_class: status_class(s.status),
        mode: mode_label(t, s.mode),
        mode_help: t.get(&format!("mode-{}-help", s.mode.as_str())),
        audience: audience_label(t, s.audience),
        action: action(t, &s.code, s.mode, s.status, s.web_url.is_some(), s.target_year),
        android_url: s.android_url.as_ref().map(ToString::to_string).unwrap_or_default(),
        ios_url: s.ios_url.as_ref().map(ToString::to_string).unwrap_or_default(),
        web_host: s.web_url.as_ref().map(|u| u.host().to_string()).unwrap_or_default(),
        requirements: std.requirements.clone(),
        procedure: std.procedure.clone(),
        duration: duration_label(t, std.duration_days.map(i64::from)),
        cost: cost_label(t, std.cost_rupiah),
        product: opt(&std.product),
        legal_basis: opt(&std.legal_basis),
        complaint: opt(&std.complaint_contact),
        has_standard: !std.requirements.is_empty() || !std.procedure.is_empty() || std.duration_days.is_some(),
        history,
        target_year: s.target_year.map(|y| y.to_string()).unwrap_or_default(),
        down_warning,
    };
    render(lang, &page)
}

/// "Buka aplikasi": counts the visit, then sends the person to the application.
pub async fn open(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let code = ServiceCode::parse(&code).map_err(|_| PageError::not_found(lang))?;
    let detail = state.catalog.service(&code).await.map_err(PageError::store(lang))?;
    let service = &detail.service;
    let target = match (&service.web_url, service.is_available()) {
        (Some(url), true) => {
            if let Err(e) = state.catalog.record_open(&code).await {
                // Counting is secondary: the person still gets to the application.
                tracing::warn!(error = %e, %code, "could not count an open");
            }
            url.to_string()
        }
        _ => format!("/layanan/{code}"),
    };
    Ok((StatusCode::SEE_OTHER, [(LOCATION, target)]).into_response())
}
