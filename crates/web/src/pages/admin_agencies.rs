//! Back-office: the agencies (OPD), listed, created and edited by an admin.

use std::collections::HashMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use domain::{AGENCY_COLUMNS, Agency, AgencyCode, AgencyKind, RowProblem};
use store::CatalogEditError;

use super::account::{form, internal, see_other};
use super::admin_form::{Field, Input, Spec, Summary, add_too_long, fields, problem, submitted, summary};
use crate::auth::roles::Admin;
use crate::error::{PageError, render};
use crate::state::AppState;
use crate::views::{Choice, Layout, Nav, PageCtx, kind_label};

/// The form's fields: the agency file's columns.
pub(super) const SPECS: &[Spec] = &[
    ("kode", Input::Text, true, 32),
    ("nama", Input::Text, true, domain::MAX_AGENCY_NAME),
    ("singkatan", Input::Text, false, 100),
    ("jenis", Input::Select, true, 20),
    ("alamat", Input::Text, false, domain::MAX_AGENCY_TEXT),
    ("telepon", Input::Tel, false, 50),
    ("email", Input::Email, false, 254),
    ("situs_web", Input::Url, false, 500),
];

/// Label keys are `admin-agency-field-{column}`.
const PREFIX: &str = "admin-agency-field";

pub struct AgencyRow {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub services: u64,
    pub integrated: u64,
}

#[derive(Template)]
#[template(path = "admin_agencies.html")]
struct ListPage {
    l: Layout,
    rows: Vec<AgencyRow>,
}

#[derive(Template)]
#[template(path = "admin_agency.html")]
struct FormPage {
    l: Layout,
    /// The agency being edited; `None` on the create form.
    code: Option<String>,
    action: String,
    fields: Vec<Field>,
    summary: Vec<Summary>,
    notice: Option<String>,
}

/// `/admin/opd`: every agency, with links to edit it.
pub async fn list(State(state): State<AppState>, ctx: PageCtx, _admin: Admin) -> Result<Html<String>, PageError> {
    let t = ctx.tr();
    let agencies = state.store.list_agencies().await.map_err(|e| internal(&ctx, e))?;
    let rows = agencies
        .into_iter()
        .map(|a| AgencyRow {
            code: a.agency.code.to_string(),
            kind: kind_label(t, a.agency.kind),
            name: a.agency.name,
            services: a.services,
            integrated: a.integrated,
        })
        .collect();
    let title = t.get("admin-agencies-title");
    render(ctx.lang, &ListPage { l: ctx.layout(&state, &title, Nav::None), rows })
}

/// An agency as the form's `column: value` pairs.
fn values_of(a: &Agency) -> HashMap<String, String> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let values = [
        a.code.to_string(),
        a.name.clone(),
        opt(&a.short_name),
        a.kind.as_str().to_string(),
        opt(&a.address),
        opt(&a.phone),
        opt(&a.email),
        a.website.as_ref().map(ToString::to_string).unwrap_or_default(),
    ];
    AGENCY_COLUMNS.iter().map(|c| c.to_string()).zip(values).collect()
}

fn form_page(
    state: &AppState,
    ctx: &PageCtx,
    code: Option<&AgencyCode>,
    values: &HashMap<String, String>,
    problems: &[RowProblem],
    notice: Option<String>,
) -> Result<Html<String>, PageError> {
    let t = ctx.tr();
    // The code is the agency's key (in addresses and files): it is set once, at creation.
    let specs: Vec<Spec> = SPECS.iter().copied().filter(|(name, ..)| code.is_none() || *name != "kode").collect();
    let kinds = |_: &str| {
        AgencyKind::ALL
            .iter()
            .map(|k| Choice { value: k.as_str().into(), label: kind_label(t, *k), selected: false })
            .collect()
    };
    let fields = fields(t, PREFIX, &specs, values, problems, kinds);
    let summary = summary(&fields, problems);
    let (title, action) = match code {
        Some(code) => (t.with("admin-agency-edit-title", "code", code), format!("/admin/opd/{code}")),
        None => (t.get("admin-agency-new"), "/admin/opd/baru".to_string()),
    };
    let page = FormPage {
        l: ctx.layout(state, &title, Nav::None),
        code: code.map(ToString::to_string),
        action,
        fields,
        summary,
        notice,
    };
    render(ctx.lang, &page)
}

fn refused(page: Html<String>) -> Response {
    (StatusCode::BAD_REQUEST, page).into_response()
}

/// Reads the submitted agency, or lists what is wrong with it.
fn parse(values: &HashMap<String, String>) -> Result<Agency, Vec<RowProblem>> {
    let parsed = Agency::parse_fields(0, |c| values.get(c).map_or("", String::as_str));
    let mut problems = parsed.as_ref().err().cloned().unwrap_or_default();
    add_too_long(&mut problems, SPECS, values);
    match parsed {
        Ok(agency) if problems.is_empty() => Ok(agency),
        _ => Err(problems),
    }
}

/// `/admin/opd/baru`: an empty form.
pub async fn new_form(State(state): State<AppState>, ctx: PageCtx, _admin: Admin) -> Result<Html<String>, PageError> {
    let values = HashMap::from([("jenis".to_string(), AgencyKind::Dinas.as_str().to_string())]);
    form_page(&state, &ctx, None, &values, &[], None)
}

/// Creates an agency; the form comes back with the person's input and the problems.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    Admin(admin): Admin,
    body: Bytes,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let values = submitted(&form(&body), SPECS);
    let agency = match parse(&values) {
        Ok(agency) => agency,
        Err(problems) => return Ok(refused(form_page(&state, &ctx, None, &values, &problems, None)?)),
    };
    match state.store.create_agency(&agency, &admin.id, Utc::now()).await {
        Ok(()) => {
            state.catalog_changed();
            Ok(see_other(&format!("/admin/opd/{}?tersimpan=baru", agency.code), None))
        }
        Err(CatalogEditError::CodeTaken) => {
            let problems = [problem("kode", t.with("admin-agency-code-taken", "code", &agency.code))];
            Ok(refused(form_page(&state, &ctx, None, &values, &problems, None)?))
        }
        Err(e) => Err(internal(&ctx, e)),
    }
}

fn agency_code(ctx: &PageCtx, raw: &str) -> Result<AgencyCode, PageError> {
    AgencyCode::parse(raw).map_err(|_| PageError::not_found(ctx.lang))
}

/// `/admin/opd/{code}`: the edit form, filled in.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    _admin: Admin,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let t = ctx.tr();
    let code = agency_code(&ctx, &code)?;
    let current = state.store.agency(&code).await.map_err(PageError::store(ctx.lang))?;
    let notice = if ctx.path.ends_with("?tersimpan=baru") {
        Some(t.get("admin-agency-created"))
    } else if ctx.path.ends_with("?tersimpan=1") {
        Some(t.get("admin-agency-saved"))
    } else {
        None
    };
    form_page(&state, &ctx, Some(&code), &values_of(&current.agency), &[], notice)
}

/// Saves an edit of an agency (the code stays; fields left out keep their value).
pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    Admin(admin): Admin,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let code = agency_code(&ctx, &code)?;
    let current = state.store.agency(&code).await.map_err(PageError::store(ctx.lang))?;
    // As for services, fields left out of the post keep their value.
    let mut values = values_of(&current.agency);
    values.extend(submitted(&form(&body), SPECS));
    values.insert("kode".into(), code.to_string());
    let agency = match parse(&values) {
        Ok(agency) => agency,
        Err(problems) => return Ok(refused(form_page(&state, &ctx, Some(&code), &values, &problems, None)?)),
    };
    match state.store.edit_agency(&agency, &admin.id, Utc::now()).await {
        Ok(()) => {
            state.catalog_changed();
            Ok(see_other(&format!("/admin/opd/{code}?tersimpan=1"), None))
        }
        Err(CatalogEditError::NotFound) => Err(PageError::not_found(ctx.lang)),
        Err(e) => Err(internal(&ctx, e)),
    }
}
