//! Back-office: a service's page (role `admin`): its integration status changed with a
//! note, retiring it, and editing its record.

use std::collections::HashMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use domain::{IntegrationStatus, RowProblem, ServiceCode};
use store::{CatalogEditError, StatusChangeError};

use super::account::{field, form, internal, see_other};
use super::admin_form::{Field, Summary, fields, problem, submitted, summary};
use super::admin_service_form::{self, choices, edit_specs};
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
    status: String,
    choices: Vec<Choice>,
    /// Whether the service may be retired now (shown as its own action).
    can_retire: bool,
    history: Vec<HistoryRow>,
    error: Option<String>,
    notice: Option<String>,
    /// The edit form.
    fields: Vec<Field>,
    summary: Vec<Summary>,
}

/// What the edit form shows after a refused edit: the person's input and its problems.
type Refused<'a> = Option<(&'a HashMap<String, String>, &'a [RowProblem])>;

async fn page(
    state: &AppState,
    ctx: &PageCtx,
    code: &ServiceCode,
    error: Option<String>,
    notice: Option<String>,
    edit: Refused<'_>,
) -> Result<Html<String>, PageError> {
    let t = ctx.tr();
    // Read past the cache: an admin must see the state they are about to change.
    let detail = state.store.service(code).await.map_err(PageError::store(ctx.lang))?;
    let agencies = state.store.list_agencies().await.map_err(|e| internal(ctx, e))?;
    let s = &detail.service;
    let current = admin_service_form::values_of(s);
    let (values, problems) = edit.unwrap_or((&current, &[]));
    let fields = fields(t, admin_service_form::PREFIX, &edit_specs(), values, problems, choices(t, &agencies));
    let page = ServicePage {
        l: ctx.layout(state, &s.name, Nav::None),
        code: s.code.to_string(),
        name: s.name.clone(),
        status: status_label(t, s.status),
        choices: s
            .status
            .successors()
            .iter()
            .filter(|to| **to != IntegrationStatus::Retired)
            .map(|to| Choice { value: to.as_str().into(), label: status_label(t, *to), selected: false })
            .collect(),
        can_retire: s.status.successors().contains(&IntegrationStatus::Retired),
        summary: summary(&fields, problems),
        fields,
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
    let t = ctx.tr();
    let notice = if ctx.path.ends_with("?tersimpan=1") {
        Some(t.get("admin-status-saved"))
    } else if ctx.path.ends_with("?tersimpan=data") {
        Some(t.get("admin-edit-saved"))
    } else if ctx.path.ends_with("?tersimpan=baru") {
        Some(t.get("admin-service-created"))
    } else {
        None
    };
    page(&state, &ctx, &code, None, notice, None).await
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
        let page = page(&state, &ctx, &code, Some(t.get("admin-status-invalid")), None, None).await?;
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    };
    // Retiring takes a service out of the portal: the history must say why.
    if to == IntegrationStatus::Retired && note.is_none() {
        let page = page(&state, &ctx, &code, Some(t.get("admin-retire-note-required")), None, None).await?;
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    }
    match state.store.change_service_status(&code, to, note, &admin.id, Utc::now()).await {
        Ok(_) => {
            state.catalog_changed();
            Ok(see_other(&format!("/admin/layanan/{code}?tersimpan=1"), None))
        }
        Err(StatusChangeError::NotFound) => Err(PageError::not_found(ctx.lang)),
        Err(StatusChangeError::Transition(e)) => {
            let page = page(&state, &ctx, &code, Some(e.to_string()), None, None).await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(StatusChangeError::Store(e)) => Err(internal(&ctx, e)),
    }
}

/// Saves an edit of the service's record. Fields left out of the form keep their value,
/// so a client may send only what it changes.
pub async fn edit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Admin(admin): Admin,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let code = ServiceCode::parse(&code).map_err(|_| PageError::not_found(ctx.lang))?;
    let current = state.store.service(&code).await.map_err(PageError::store(ctx.lang))?.service;
    let specs = edit_specs();
    let mut values = admin_service_form::values_of(&current);
    values.extend(submitted(&form(&body), &specs));
    let refused = |problems: Vec<RowProblem>| {
        let (state, ctx, code, values) = (&state, &ctx, &code, &values);
        async move {
            let page = page(state, ctx, code, None, None, Some((values, &problems))).await?;
            Ok::<_, PageError>((StatusCode::BAD_REQUEST, page).into_response())
        }
    };
    let edited = match admin_service_form::parse(&specs, &values, current.status_changed_at) {
        Ok(service) => service,
        Err(problems) => return refused(problems).await,
    };
    match state.store.edit_service(&edited, &admin.id, Utc::now()).await {
        Ok(()) => {
            state.catalog_changed();
            Ok(see_other(&format!("/admin/layanan/{code}?tersimpan=data"), None))
        }
        Err(CatalogEditError::NotFound) => Err(PageError::not_found(ctx.lang)),
        Err(CatalogEditError::UnknownAgency(agency)) => {
            refused(vec![problem("opd_kode", t.with("admin-agency-unknown", "code", agency))]).await
        }
        Err(e) => Err(internal(&ctx, e)),
    }
}
