//! Back-office: a service's integration status, changed with a note (role `admin`).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use domain::{IntegrationStatus, ServiceCode};
use store::StatusChangeError;

use super::account::{field, form, internal, see_other};
use crate::auth::roles::Admin;
use crate::error::{PageError, render};
use crate::query::pairs;
use crate::state::AppState;
use crate::views::{Choice, Layout, Nav, PageCtx, status_label};

pub struct HistoryRow {
    pub date: String,
    pub text: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "admin_service.html")]
struct ServicePage {
    l: Layout,
    code: String,
    name: String,
    summary: String,
    keywords: String,
    web_url: String,
    status: String,
    choices: Vec<Choice>,
    history: Vec<HistoryRow>,
    error: Option<String>,
    notice: Option<String>,
}

async fn page(
    state: &AppState,
    ctx: &PageCtx,
    code: &ServiceCode,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Html<String>, PageError> {
    let t = ctx.tr();
    // Read past the cache: an admin must see the state they are about to change.
    let detail = state.store.service(code).await.map_err(PageError::store(ctx.lang))?;
    let s = &detail.service;
    let page = ServicePage {
        l: ctx.layout(state, &s.name, Nav::None),
        code: s.code.to_string(),
        name: s.name.clone(),
        summary: s.summary.clone().unwrap_or_default(),
        keywords: s.keywords.join("; "),
        web_url: s.web_url.as_ref().map(ToString::to_string).unwrap_or_default(),
        status: status_label(t, s.status),
        choices: s
            .status
            .successors()
            .iter()
            .map(|to| Choice { value: to.as_str().into(), label: status_label(t, *to), selected: false })
            .collect(),
        history: detail
            .history
            .iter()
            .rev()
            .map(|c| HistoryRow {
                date: c.at.format("%d-%m-%Y").to_string(),
                text: match c.from {
                    Some(from) => {
                        t.args("history-change", &[("from", status_label(t, from)), ("to", status_label(t, c.to))])
                    }
                    None => t.with("history-registered", "status", status_label(t, c.to)),
                },
                note: c.note.clone().unwrap_or_default(),
            })
            .collect(),
        error,
        notice,
    };
    render(ctx.lang, &page)
}

/// `/admin/layanan?kode=…`: go to a service by its code.
pub async fn find(ctx: PageCtx, _admin: Admin, RawQuery(raw): RawQuery) -> Response {
    let params = pairs(raw.as_deref());
    match ServiceCode::parse(field(&params, "kode")) {
        Ok(code) => see_other(&format!("/admin/layanan/{code}"), None),
        Err(_) => PageError::not_found(ctx.lang).into_response(),
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    _admin: Admin,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let code = ServiceCode::parse(&code).map_err(|_| PageError::not_found(ctx.lang))?;
    let notice = if ctx.path.ends_with("?tersimpan=1") {
        Some(ctx.tr().get("admin-status-saved"))
    } else if ctx.path.ends_with("?tersimpan=data") {
        Some(ctx.tr().get("admin-edit-saved"))
    } else {
        None
    };
    page(&state, &ctx, &code, None, notice).await
}

/// Changes the status; the portal, the API and search see it at once.
pub async fn change_status(
    State(state): State<AppState>,
    ctx: PageCtx,
    Admin(admin): Admin,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let code = ServiceCode::parse(&code).map_err(|_| PageError::not_found(ctx.lang))?;
    let fields = form(&body);
    let note = domain::text::tidy(field(&fields, "catatan"));
    let note = (!note.is_empty()).then(|| note.chars().take(500).collect::<String>());
    let Ok(to) = IntegrationStatus::parse(field(&fields, "status")) else {
        let page = page(&state, &ctx, &code, Some(t.get("admin-status-invalid")), None).await?;
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    };
    match state.store.change_service_status(&code, to, note, &admin.id, Utc::now()).await {
        Ok(_) => {
            state.catalog_changed();
            Ok(see_other(&format!("/admin/layanan/{code}?tersimpan=1"), None))
        }
        Err(StatusChangeError::NotFound) => Err(PageError::not_found(ctx.lang)),
        Err(StatusChangeError::Transition(e)) => {
            let page = page(&state, &ctx, &code, Some(e.to_string()), None).await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(StatusChangeError::Store(e)) => Err(internal(&ctx, e)),
    }
}

/// Saves an edit of the service's name, summary, keywords and web address.
pub async fn edit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Admin(admin): Admin,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let code = ServiceCode::parse(&code).map_err(|_| PageError::not_found(ctx.lang))?;
    let fields = form(&body);
    let name = domain::text::tidy(field(&fields, "nama"));
    let summary = domain::text::tidy(field(&fields, "ringkasan"));
    let mut problems = Vec::new();
    if name.is_empty() || name.chars().count() > 200 {
        problems.push(t.get("admin-edit-name-invalid"));
    }
    if summary.chars().count() > domain::catalog::MAX_SUMMARY_CHARS {
        problems.push(t.get("admin-edit-summary-invalid"));
    }
    let web_url = domain::WebUrl::parse_optional(field(&fields, "url_web"))
        .map_err(|e| problems.push(format!("{}: {e}", t.get("admin-edit-web-url"))))
        .ok()
        .flatten();
    if !problems.is_empty() {
        let page = page(&state, &ctx, &code, Some(problems.join(" ")), None).await?;
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    }
    let edit = store::ServiceEdit {
        name,
        summary: (!summary.is_empty()).then_some(summary),
        keywords: domain::text::split_list(field(&fields, "kata_kunci")),
        web_url,
    };
    match state.store.edit_service(&code, &edit, &admin.id, Utc::now()).await {
        Ok(()) => {
            state.catalog_changed();
            Ok(see_other(&format!("/admin/layanan/{code}?tersimpan=data"), None))
        }
        Err(StatusChangeError::NotFound) => Err(PageError::not_found(ctx.lang)),
        Err(e) => Err(internal(&ctx, e)),
    }
}
