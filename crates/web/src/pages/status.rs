//! `/status`: what works, honestly. Every monitored application with its state now, 90
//! days of daily bars (each with its words for screen readers, and a summary table),
//! 30-day uptime, and the open and recent incidents with their duration.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use chrono::Utc;
use domain::monitoring::DayHealth;
use std::collections::HashMap;

use store::monitoring::{CheckRow, IncidentRow, Uptime};

use crate::error::{PageError, render};
use crate::i18n::Tr;
use crate::monitoring::{BAR_DAYS, History, day_label, duration_label, local_time};
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx};

/// Incidents opened within this many days are listed (open ones always are).
const RECENT_INCIDENT_DAYS: i64 = 30;

pub struct Bar {
    pub class: &'static str,
    /// How many days the bar stands for (its width).
    pub days: i64,
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

/// The state labels, looked up once per page rather than once per application.
pub struct StateLabels {
    up: String,
    down: String,
    degraded: String,
    unknown: String,
    paused: String,
    /// "belum ada data", for uptime without checks.
    pub no_data: String,
}

impl StateLabels {
    pub fn new(t: Tr) -> Self {
        Self {
            up: t.get("monitor-state-up"),
            down: t.get("monitor-state-down"),
            degraded: t.get("monitor-state-degraded"),
            unknown: t.get("monitor-state-unknown"),
            paused: t.get("monitor-state-paused"),
            no_data: t.get("monitor-no-data"),
        }
    }

    /// The state of an application as a label and a badge class.
    pub fn of(&self, row: &CheckRow) -> (String, &'static str) {
        let (label, class) = if row.down {
            (&self.down, "badge late")
        } else if row.last_checked_at.is_none() {
            (&self.unknown, "badge off")
        } else if !row.enabled {
            (&self.paused, "badge off")
        } else if row.last_ok == Some(false) {
            (&self.degraded, "badge plan")
        } else {
            (&self.up, "badge ok")
        };
        (label.clone(), class)
    }

    /// "99,95 %", or no data.
    pub fn uptime(&self, uptime: Option<&Uptime>) -> String {
        uptime
            .and_then(|u| domain::monitoring::uptime_hundredths(u.ok, u.total))
            .map_or_else(|| self.no_data.clone(), domain::monitoring::show_uptime)
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

/// A day's words ("berjalan normal (100,00 %)"), looked up once per distinct value.
type DayWords = HashMap<(DayHealth, Option<u64>), String>;

/// One application's 90 days as bars; consecutive days that read the same are one bar as
/// wide as they are (a quiet quarter is one bar, not ninety), so the page stays small with
/// hundreds of applications.
fn bars(t: Tr, labels: &StateLabels, words: &mut DayWords, history: &History, service_id: &str) -> (Vec<Bar>, usize) {
    let days = history.bars.get(service_id).map(Vec::as_slice).unwrap_or_default();
    let mut bad = 0;
    let mut runs: Vec<(i64, i64, DayHealth, String)> = Vec::new();
    for day in history.today - (BAR_DAYS - 1)..=history.today {
        let (ok, total) = days.iter().find(|d| d.day == day).map_or((0, 0), |d| (d.ok, d.total));
        let health = DayHealth::of(ok, total);
        if matches!(health, DayHealth::Partial | DayHealth::Down) {
            bad += 1;
        }
        let hundredths = domain::monitoring::uptime_hundredths(ok, total);
        let text = words
            .entry((health, hundredths))
            .or_insert_with(|| match health {
                DayHealth::NoData => labels.no_data.clone(),
                _ => t.args(
                    &format!("monitor-day-{}", health.as_str()),
                    &[("uptime", hundredths.map(domain::monitoring::show_uptime).unwrap_or_default())],
                ),
            })
            .clone();
        match runs.last_mut() {
            Some(run) if run.2 == health && run.3 == text => run.1 = day,
            _ => runs.push((day, day, health, text)),
        }
    }
    let bars = runs
        .into_iter()
        .map(|(from, to, health, text)| Bar {
            class: health.as_str(),
            days: to - from + 1,
            label: if from == to {
                format!("{}: {text}", day_label(from))
            } else {
                format!("{} – {}: {text}", day_label(from), day_label(to))
            },
        })
        .collect();
    (bars, bad)
}

pub async fn page(State(state): State<AppState>, ctx: PageCtx) -> Result<Html<String>, PageError> {
    let t = ctx.tr();
    let now = Utc::now().timestamp();
    let rows = state.health.states(&state.store).await.map_err(PageError::store(ctx.lang))?;
    let history = state.health.get(&state.store, now).await.map_err(PageError::store(ctx.lang))?;
    let incidents =
        state.store.incidents(now - RECENT_INCIDENT_DAYS * 86_400, 200).await.map_err(PageError::store(ctx.lang))?;
    let labels = StateLabels::new(t);
    let mut words = DayWords::new();
    let apps: Vec<AppLine> = rows
        .iter()
        .map(|row| {
            let (state, state_class) = labels.of(row);
            let (bars, bad_days) = bars(t, &labels, &mut words, &history, &row.service_id);
            AppLine {
                code: row.code.clone(),
                name: row.name.clone(),
                state,
                state_class,
                uptime_30d: labels.uptime(history.last_30d.get(&row.service_id)),
                uptime_90d: labels.uptime(history.last_90d.get(&row.service_id)),
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
