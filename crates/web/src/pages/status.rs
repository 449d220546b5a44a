//! `/status`: what works, honestly. Every monitored application with its state now, 90
//! days of daily bars (each with its words for screen readers, and a summary table),
//! 30-day uptime, and the open and recent incidents with their duration.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use chrono::Utc;
use domain::monitoring::DayHealth;
use store::monitoring::{CheckRow, IncidentRow};

use crate::error::{PageError, render};
use crate::i18n::Tr;
use crate::monitoring::{BAR_DAYS, History, day_label, duration_label, local_time, uptime_label};
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx};

/// Incidents opened within this many days are listed (open ones always are).
const RECENT_INCIDENT_DAYS: i64 = 30;

pub struct Bar {
    pub class: &'static str,
    /// The day and what it was, for screen readers and as a tooltip.
    pub label: String,
}

pub struct AppLine {
    pub code: String,
    pub name: String,
    pub state: String,
    pub state_class: &'static str,
    pub uptime_30d: String,
    pub uptime_90d: String,
    pub bad_days: usize,
    pub bars: Vec<Bar>,
}

pub struct IncidentLine {
    pub code: String,
    pub name: String,
    pub cause: String,
    /// When and how long, in a sentence.
    pub text: String,
    pub open: bool,
}

#[derive(Template)]
#[template(path = "status.html")]
struct StatusPage {
    l: Layout,
    apps: Vec<AppLine>,
    down: usize,
    open_incidents: Vec<IncidentLine>,
    past_incidents: Vec<IncidentLine>,
    first_day: String,
}

/// The state of an application as a label and a badge class.
pub fn state_of(t: Tr, row: &CheckRow) -> (String, &'static str) {
    if row.down {
        (t.get("monitor-state-down"), "badge late")
    } else if row.last_checked_at.is_none() {
        (t.get("monitor-state-unknown"), "badge off")
    } else if !row.enabled {
        (t.get("monitor-state-paused"), "badge off")
    } else if row.last_ok == Some(false) {
        (t.get("monitor-state-degraded"), "badge plan")
    } else {
        (t.get("monitor-state-up"), "badge ok")
    }
}

pub fn incident_line(t: Tr, i: &IncidentRow, now: i64) -> IncidentLine {
    let opened = local_time(i.opened_at);
    let duration = duration_label(t, i.closed_at.unwrap_or(now) - i.opened_at);
    let text = match i.closed_at {
        None => t.args("status-incident-open", &[("since", opened), ("duration", duration)]),
        Some(closed) => {
            t.args("status-incident-closed", &[("from", opened), ("to", local_time(closed)), ("duration", duration)])
        }
    };
    IncidentLine {
        code: i.code.clone(),
        name: i.name.clone(),
        cause: i.cause.chars().take(200).collect(),
        text,
        open: i.closed_at.is_none(),
    }
}

fn bars(t: Tr, history: &History, service_id: &str) -> (Vec<Bar>, usize) {
    let days = history.bars.get(service_id).map(Vec::as_slice).unwrap_or_default();
    let mut bad = 0;
    let bars = (history.today - (BAR_DAYS - 1)..=history.today)
        .map(|day| {
            let found = days.iter().find(|d| d.day == day);
            let (ok, total) = found.map_or((0, 0), |d| (d.ok, d.total));
            let health = DayHealth::of(ok, total);
            if matches!(health, DayHealth::Partial | DayHealth::Down) {
                bad += 1;
            }
            let words = match health {
                DayHealth::NoData => t.get("monitor-day-nodata"),
                _ => t.args(
                    &format!("monitor-day-{}", health.as_str()),
                    &[("uptime", uptime_label(t, Some(&store::monitoring::Uptime { ok, total, response_ms_sum: 0 })))],
                ),
            };
            Bar { class: health.as_str(), label: format!("{}: {words}", day_label(day)) }
        })
        .collect();
    (bars, bad)
}

pub async fn page(State(state): State<AppState>, ctx: PageCtx) -> Result<Html<String>, PageError> {
    let t = ctx.tr();
    let now = Utc::now().timestamp();
    let rows = state.store.check_rows().await.map_err(PageError::store(ctx.lang))?;
    let history = state.health.get(&state.store, now).await.map_err(PageError::store(ctx.lang))?;
    let incidents =
        state.store.incidents(now - RECENT_INCIDENT_DAYS * 86_400, 200).await.map_err(PageError::store(ctx.lang))?;
    let apps: Vec<AppLine> = rows
        .iter()
        .map(|row| {
            let (state, state_class) = state_of(t, row);
            let (bars, bad_days) = bars(t, &history, &row.service_id);
            AppLine {
                code: row.code.clone(),
                name: row.name.clone(),
                state,
                state_class,
                uptime_30d: uptime_label(t, history.last_30d.get(&row.service_id)),
                uptime_90d: uptime_label(t, history.last_90d.get(&row.service_id)),
                bad_days,
                bars,
            }
        })
        .collect();
    let (open, past): (Vec<IncidentLine>, Vec<IncidentLine>) =
        incidents.iter().map(|i| incident_line(t, i, now)).partition(|i| i.open);
    let title = t.get("status-title");
    render(
        ctx.lang,
        &StatusPage {
            l: ctx.layout(&state, &title, Nav::None),
            down: rows.iter().filter(|r| r.down).count(),
            apps,
            open_incidents: open,
            past_incidents: past,
            first_day: day_label(history.today - (BAR_DAYS - 1)),
        },
    )
}
