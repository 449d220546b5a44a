//! "Lacak permohonan": anyone with a tracking code sees where a request stands (service,
//! status, dates), never who sent it or what they wrote.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::request::TrackingCode;

use super::account::internal;
use super::requests_own::{HistoryRow, status_class, status_label};
use crate::error::{PageError, render};
use crate::query::pairs;
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx};

pub struct Found {
    pub code: String,
    pub service: String,
    pub agency: String,
    pub status: String,
    pub status_class: &'static str,
    pub submitted: String,
    pub deadline: String,
    pub history: Vec<HistoryRow>,
}

#[derive(Template)]
#[template(path = "request_track.html")]
struct TrackPage {
    l: Layout,
    typed: String,
    error: Option<String>,
    found: Option<Found>,
}

/// `GET /lacak?kode=…`.
pub async fn page(State(state): State<AppState>, ctx: PageCtx, RawQuery(raw): RawQuery) -> Result<Response, PageError> {
    let t = ctx.tr();
    let params = pairs(raw.as_deref());
    let typed: String =
        params.iter().find(|(k, _)| k == "kode").map(|(_, v)| v.trim().chars().take(40).collect()).unwrap_or_default();
    let title = t.get("track-title");
    let draw = |status: StatusCode, error: Option<String>, found: Option<Found>| -> Result<Response, PageError> {
        let page = TrackPage { l: ctx.layout(&state, &title, Nav::None), typed: typed.clone(), error, found };
        Ok((status, render(ctx.lang, &page)?).into_response())
    };
    if typed.is_empty() {
        return draw(StatusCode::OK, None, None);
    }
    let code = match TrackingCode::parse(&typed) {
        Ok(code) => code,
        Err(e) => return draw(StatusCode::BAD_REQUEST, Some(e.to_string()), None),
    };
    let Some(found) = state.lookups.get(&state, code.as_str()).await.map_err(|e| internal(&ctx, e))? else {
        return draw(StatusCode::NOT_FOUND, Some(t.with("track-unknown", "code", code.as_str())), None);
    };
    let (record, events) = &*found;
    let history = events
        .iter()
        .filter_map(|e| {
            let status = e.to_status.as_deref()?;
            Some(HistoryRow {
                at: e.at.format("%d-%m-%Y %H:%M UTC").to_string(),
                status: status_label(t, status),
                note: String::new(),
            })
        })
        .collect();
    let found = Found {
        code: record.tracking_code.clone(),
        service: record.service_name.clone(),
        agency: record.agency_name.clone(),
        status: status_label(t, &record.status),
        status_class: status_class(&record.status),
        submitted: record.submitted_at.format("%d-%m-%Y").to_string(),
        deadline: record.deadline.clone().unwrap_or_default(),
        history,
    };
    draw(StatusCode::OK, None, Some(found))
}
