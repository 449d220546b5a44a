//! Back-office: the service form (every column of a catalog row), and creating a service.
//! The edit on the service's own admin page uses the same fields, without the code and
//! the status (which changes only with a note, through the status history).

use std::collections::HashMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use domain::{
    Audience, CATALOG_COLUMNS, CatalogEntry, IntegrationMode, IntegrationStatus, RowProblem, Service, ServiceCode,
};
use store::{AgencySummary, CatalogEditError};

use super::account::{form, internal, see_other};
use super::admin_form::{Field, Input, Spec, Summary, add_too_long, fields, problem, submitted, summary};
use crate::auth::roles::Admin;
use crate::error::{PageError, render};
use crate::i18n::Tr;
use crate::state::AppState;
use crate::views::{Choice, Layout, Nav, PageCtx, audience_label, mode_label, status_label};

/// The form's fields: the catalog file's columns (the agency is chosen, never named).
pub const SPECS: &[Spec] = &[
    ("kode", Input::Text, true, ServiceCode::MAX_LEN),
    ("nama", Input::Text, true, 200),
    ("ringkasan", Input::Text, false, domain::catalog::MAX_SUMMARY_CHARS),
    ("deskripsi", Input::Area, false, 5000),
    ("kategori", Input::Text, true, 100),
    ("opd_kode", Input::Select, true, 32),
    ("pengguna", Input::Select, true, 10),
    ("mode_integrasi", Input::Select, true, 10),
    ("status_integrasi", Input::Select, true, 20),
    ("target_tahun", Input::Number, false, 6),
    ("url_web", Input::Url, false, 500),
    ("url_android", Input::Url, false, 500),
    ("url_ios", Input::Url, false, 500),
    ("kata_kunci", Input::Text, false, 1000),
    ("persyaratan", Input::Area, false, 5000),
    ("prosedur", Input::Area, false, 5000),
    ("waktu_hari", Input::Number, false, 6),
    ("biaya", Input::Number, false, 20),
    ("produk", Input::Text, false, 300),
    ("dasar_hukum", Input::Text, false, 1000),
    ("kontak_pengaduan", Input::Text, false, 300),
];

/// The fields of an edit: everything but the code and the status.
pub fn edit_specs() -> Vec<Spec> {
    SPECS.iter().copied().filter(|(name, ..)| !matches!(*name, "kode" | "status_integrasi")).collect()
}

/// Label keys are `admin-service-field-{column}`.
pub const PREFIX: &str = "admin-service-field";

/// The options of the form's lists.
pub fn choices(t: Tr, agencies: &[AgencySummary]) -> impl FnMut(&str) -> Vec<Choice> + '_ {
    move |name| {
        let choice = |value: &str, label: String| Choice { value: value.into(), label, selected: false };
        match name {
            "opd_kode" => agencies
                .iter()
                .map(|a| choice(a.agency.code.as_str(), format!("{} ({})", a.agency.name, a.agency.code)))
                .collect(),
            "pengguna" => Audience::ALL.iter().map(|a| choice(a.as_str(), audience_label(t, *a))).collect(),
            "mode_integrasi" => IntegrationMode::ALL.iter().map(|m| choice(m.as_str(), mode_label(t, *m))).collect(),
            "status_integrasi" => {
                IntegrationStatus::ALL.iter().map(|s| choice(s.as_str(), status_label(t, *s))).collect()
            }
            _ => Vec::new(),
        }
    }
}

/// A service as the form's `column: value` pairs.
pub fn values_of(service: &Service) -> HashMap<String, String> {
    CATALOG_COLUMNS.iter().map(|c| c.to_string()).zip(CatalogEntry::to_row(service, "")).collect()
}

/// Reads a submitted service with the catalog file's rules, or lists every problem.
pub fn parse(specs: &[Spec], values: &HashMap<String, String>, now: DateTime<Utc>) -> Result<Service, Vec<RowProblem>> {
    let parsed = CatalogEntry::parse(0, |c| values.get(c).map_or("", String::as_str), now);
    let mut problems = parsed.as_ref().err().cloned().unwrap_or_default();
    add_too_long(&mut problems, specs, values);
    match parsed {
        Ok(entry) if problems.is_empty() => Ok(entry.service),
        _ => Err(problems),
    }
}

#[derive(Template)]
#[template(path = "admin_service_new.html")]
struct NewPage {
    l: Layout,
    fields: Vec<Field>,
    summary: Vec<Summary>,
}

async fn new_page(
    state: &AppState,
    ctx: &PageCtx,
    values: &HashMap<String, String>,
    problems: &[RowProblem],
) -> Result<Html<String>, PageError> {
    let t = ctx.tr();
    let agencies = state.store.list_agencies().await.map_err(|e| internal(ctx, e))?;
    let fields = fields(t, PREFIX, SPECS, values, problems, choices(t, &agencies));
    let summary = summary(&fields, problems);
    let title = t.get("admin-service-new");
    render(ctx.lang, &NewPage { l: ctx.layout(state, &title, Nav::None), fields, summary })
}

/// `/admin/layanan/baru`: an empty form with the usual choices made.
pub async fn new_form(State(state): State<AppState>, ctx: PageCtx, _admin: Admin) -> Result<Html<String>, PageError> {
    let values = HashMap::from(
        [("pengguna", "warga"), ("mode_integrasi", "link"), ("status_integrasi", "direncanakan")]
            .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    new_page(&state, &ctx, &values, &[]).await
}

/// Creates a service; it is in the portal, the API and search as soon as this returns.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    Admin(admin): Admin,
    body: Bytes,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let values = submitted(&form(&body), SPECS);
    let refused = |problems: Vec<RowProblem>| {
        let (state, ctx, values) = (&state, &ctx, &values);
        async move {
            Ok::<_, PageError>(
                (StatusCode::BAD_REQUEST, new_page(state, ctx, values, &problems).await?).into_response(),
            )
        }
    };
    let now = Utc::now();
    let service = match parse(SPECS, &values, now) {
        Ok(service) => service,
        Err(problems) => return refused(problems).await,
    };
    match state.store.create_service(&service, &admin.id, now).await {
        Ok(()) => {
            state.catalog_changed();
            Ok(see_other(&format!("/admin/layanan/{}?tersimpan=baru", service.code), None))
        }
        Err(CatalogEditError::CodeTaken) => {
            refused(vec![problem("kode", t.with("admin-service-code-taken", "code", &service.code))]).await
        }
        Err(CatalogEditError::UnknownAgency(code)) => {
            refused(vec![problem("opd_kode", t.with("admin-agency-unknown", "code", code))]).await
        }
        Err(e) => Err(internal(&ctx, e)),
    }
}
