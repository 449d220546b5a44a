//! `/admin/pantau`: the IT office's view of every monitored application: state, uptime over
//! 24 hours and 30 days, last response time and check, certificate days left, and the open
//! incidents. Down applications come first. One row per application plus the shared
//! history (`monitoring::HistoryCache`), so it stays fast with a thousand applications.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use chrono::Utc;

use std::collections::HashMap;

use super::status::{IncidentLine, StateLabels, incident_line};
use crate::auth::roles::Admin;
use crate::error::{PageError, render};
use crate::monitoring::local_time;
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx};

pub struct MonitorRow {
    pub code: String,
    pub name: String,
    pub state: String,
    pub state_class: &'static str,
    pub uptime_24h: String,
    pub uptime_30d: String,
    pub response: String,
    pub last_check: String,
    pub certificate: String,
    /// Why the last check failed, if it did.
    pub error: String,
    /// Certificates with two weeks or less are flagged.
    pub certificate_soon: bool,
}

#[derive(Template)]
#[template(path = "admin_monitor.html")]
struct MonitorPage {
    l: Layout,
    rows: Vec<MonitorRow>,
    /// "N applications monitored, M down".
    lead: String,
    open_incidents: Vec<IncidentLine>,
}

pub async fn page(State(state): State<AppState>, ctx: PageCtx, _admin: Admin) -> Result<Html<String>, PageError> {
    let t = ctx.tr();
    let now = Utc::now().timestamp();
    let states = state.health.states(&state.store).await.map_err(PageError::store(ctx.lang))?;
    let mut checks: Vec<_> = states.iter().collect();
    let history = state.health.get(&state.store, now).await.map_err(PageError::store(ctx.lang))?;
    let incidents = state.store.incidents(now, 500).await.map_err(PageError::store(ctx.lang))?;
    // Down first, then those whose last check failed; the catalog's order within each.
    checks.sort_by_key(|c| (!c.down, c.last_ok != Some(false)));
    let dash = || "–".to_string();
    // Labels are looked up once per page, not once per row: a thousand rows stay cheap.
    let labels = StateLabels::new(t);
    let mut cert_days: HashMap<i64, String> = HashMap::new();
    let rows: Vec<MonitorRow> = checks
        .iter()
        .map(|c| {
            let (label, class) = labels.of(c);
            MonitorRow {
                code: c.code.clone(),
                name: c.name.clone(),
                state: label,
                state_class: class,
                uptime_24h: labels.uptime(history.last_24h.get(&c.service_id)),
                uptime_30d: labels.uptime(history.last_30d.get(&c.service_id)),
                response: c.last_response_ms.map_or_else(dash, |ms| format!("{ms} ms")),
                last_check: c.last_checked_at.map_or_else(dash, local_time),
                certificate: c.certificate_days.map_or_else(dash, |d| {
                    cert_days.entry(d).or_insert_with(|| t.with("monitor-cert-days", "n", d)).clone()
                }),
                error: c.last_error.clone().unwrap_or_default().chars().take(160).collect(),
                certificate_soon: c.certificate_days.is_some_and(|d| d <= 14),
            }
        })
        .collect();
    let title = t.get("admin-monitor-title");
    render(
        ctx.lang,
        &MonitorPage {
            l: ctx.layout(&state, &title, Nav::None),
            lead: t.args(
                "admin-monitor-lead",
                &[("total", rows.len().to_string()), ("down", checks.iter().filter(|c| c.down).count().to_string())],
            ),
            rows,
            open_incidents: incidents
                .iter()
                .filter(|i| i.closed_at.is_none())
                .map(|i| incident_line(t, i, now))
                .collect(),
        },
    )
}
