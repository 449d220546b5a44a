//! `/petugas/layanan`: the services of the operator's agencies (every agency for an
//! admin), each with the form its requests fill in and a link to edit it.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use domain::IntegrationMode;

use super::account::internal;
use super::office::local_time;
use crate::auth::roles::Operator;
use crate::error::{PageError, render};
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx, mode_label};

pub struct ServiceRow {
    pub code: String,
    pub name: String,
    pub agency: String,
    pub mode: String,
    /// "own form, changed …" or "default form".
    pub form: String,
}

#[derive(Template)]
#[template(path = "office_forms.html")]
struct FormsPage {
    l: Layout,
    rows: Vec<ServiceRow>,
}

pub async fn list(State(state): State<AppState>, ctx: PageCtx, op: Operator) -> Result<Html<String>, PageError> {
    let t = ctx.tr();
    let services = state.store.agency_service_forms(&op.agencies).await.map_err(|e| internal(&ctx, e))?;
    let rows = services
        .into_iter()
        .map(|s| ServiceRow {
            mode: IntegrationMode::parse(&s.mode).map(|m| mode_label(t, m)).unwrap_or(s.mode),
            form: match s.form_updated_at {
                Some(at) => t.with("office-forms-own", "date", local_time(at)),
                None => t.get("office-forms-default"),
            },
            code: s.service_code,
            name: s.service_name,
            agency: s.agency_code,
        })
        .collect();
    render(ctx.lang, &FormsPage { l: ctx.layout(&state, &t.get("office-forms-title"), Nav::None), rows })
}
