//! The agency back-office (`/petugas`, roles `operator` and `admin`): the queue of the
//! operator's agencies with filters, and bulk status changes. Every handler takes an
//! [`Operator`], and every store read takes its agency codes, so another agency's
//! requests are never read, let alone shown.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::Html;
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use domain::ServiceCode;
use domain::request::{Actor, BOGOR_UTC_OFFSET_HOURS, RequestStatus, SlaState, TransitionError};
use store::requests::{QueueFilter, RequestRecord};

use super::account::{field, internal};
use crate::auth::roles::Operator;
use crate::error::{PageError, ParamProblem, render};
use crate::i18n::Tr;
use crate::query::pairs;
use crate::requests::CALENDAR;
use crate::state::AppState;
use crate::views::{Choice, Layout, Nav, PageCtx};

/// A request is "due soon" with at most this many working days left after today.
const DUE_SOON_DAYS: u32 = 1;
/// The most requests the queue lists at once (filters narrow it further).
pub(super) const QUEUE_LIMIT: u32 = 200;
/// The longest note accepted, in characters.
pub(super) const MAX_NOTE_CHARS: usize = 2_000;

pub(super) fn status_text(t: Tr, status: &str) -> String {
    t.get(&format!("office-status-{status}"))
}

/// A time as the city reads it (WIB).
pub(crate) fn local_time(at: DateTime<Utc>) -> String {
    let offset = TimeDelta::try_hours(i64::from(BOGOR_UTC_OFFSET_HOURS)).unwrap_or_default();
    format!("{} WIB", (at + offset).format("%d-%m-%Y %H:%M"))
}

/// How a request stands against its deadline, as a badge.
pub struct SlaBadge {
    pub label: String,
    pub class: &'static str,
}

/// The badge of an open request with a deadline; none once it is closed.
pub(super) fn sla_badge(t: Tr, record: &RequestRecord, now: DateTime<Utc>) -> Option<SlaBadge> {
    let status = RequestStatus::parse(&record.status).ok()?;
    if status.is_final() {
        return None;
    }
    let deadline = NaiveDate::parse_from_str(record.deadline.as_deref()?, "%Y-%m-%d").ok()?;
    let state = CALENDAR.sla_state(deadline, now, BOGOR_UTC_OFFSET_HOURS, DUE_SOON_DAYS);
    let class = match state {
        SlaState::OnTrack => "badge ok",
        SlaState::DueSoon => "badge plan",
        SlaState::Overdue => "badge late",
    };
    Some(SlaBadge { label: t.get(&format!("office-sla-{}", state.as_str())), class })
}

/// A refused transition in the reader's language.
pub(super) fn transition_message(t: Tr, error: &TransitionError) -> String {
    match error {
        TransitionError::ReasonRequired => t.get("office-reason-required"),
        TransitionError::FixDescriptionRequired => t.get("office-fix-required"),
        TransitionError::Final(s) => t.with("office-error-final", "status", status_text(t, s.as_str())),
        TransitionError::Unchanged(s) => t.with("office-error-unchanged", "status", status_text(t, s.as_str())),
        TransitionError::NotForActor { from, to, .. } | TransitionError::NotAllowed { from, to } => t.args(
            "office-error-not-allowed",
            &[("from", status_text(t, from.as_str())), ("to", status_text(t, to.as_str()))],
        ),
    }
}

/// The statuses an operator ever moves a request to, for the bulk change.
pub(super) fn operator_targets() -> Vec<RequestStatus> {
    RequestStatus::ALL
        .iter()
        .copied()
        .filter(|to| RequestStatus::ALL.iter().any(|from| from.successors(Actor::Operator).contains(to)))
        .collect()
}

/// Names of people by id, looked up once each.
pub(super) async fn names(
    state: &AppState,
    ctx: &PageCtx,
    ids: Vec<String>,
) -> Result<HashMap<String, String>, PageError> {
    let mut found = HashMap::new();
    for id in ids {
        if found.contains_key(&id) {
            continue;
        }
        let user = state.store.user(&id).await.map_err(|e| internal(ctx, e))?;
        found.insert(id, user.map(|u| u.name).unwrap_or_default());
    }
    Ok(found)
}

pub struct QueueRow {
    pub code: String,
    pub service: String,
    pub agency: String,
    pub status: String,
    /// The status the operator sees, sent back with a bulk change as the one it replaces.
    pub status_value: String,
    pub submitted: String,
    pub deadline: String,
    pub sla: Option<SlaBadge>,
    pub assignee: String,
}

#[derive(Template)]
#[template(path = "office_queue.html")]
struct QueuePage {
    l: Layout,
    rows: Vec<QueueRow>,
    agencies: Vec<Choice>,
    statuses: Vec<Choice>,
    targets: Vec<Choice>,
    service: String,
    due_by: String,
    mine: bool,
    full: bool,
}

/// The queue's filters from the address: every bad value is reported at once.
fn queue_filter(t: Tr, params: &[(String, String)], op: &Operator) -> Result<(QueueFilter, bool), Vec<ParamProblem>> {
    let mut problems = Vec::new();
    let mut problem = |parameter: &str, reason: String| {
        problems.push(ParamProblem { parameter: parameter.into(), reason });
    };
    let mut filter = QueueFilter { limit: QUEUE_LIMIT, ..Default::default() };
    match field(params, "layanan").trim() {
        "" => {}
        raw => match ServiceCode::parse(raw) {
            Ok(code) => filter.service_code = Some(code.to_string()),
            Err(e) => problem("layanan", e.to_string()),
        },
    }
    match field(params, "status").trim() {
        "" => {}
        raw => match RequestStatus::parse(raw) {
            Ok(status) => filter.status = Some(status.as_str().into()),
            Err(e) => problem("status", e.to_string()),
        },
    }
    match field(params, "batas").trim() {
        "" => {}
        raw => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(date) => filter.due_by = Some(date.format("%Y-%m-%d").to_string()),
            Err(_) => problem("batas", t.get("office-filter-bad-date")),
        },
    }
    match field(params, "opd").trim() {
        "" => {}
        raw if op.agencies.iter().any(|a| a.eq_ignore_ascii_case(raw)) => filter.agency_code = Some(raw.to_uppercase()),
        raw => problem("opd", t.with("office-filter-bad-agency", "code", raw)),
    }
    let mine = field(params, "milik") == "saya";
    if mine {
        filter.assignee_id = Some(op.user.id.clone());
    }
    if problems.is_empty() { Ok((filter, mine)) } else { Err(problems) }
}

/// `/petugas`: the queue, oldest deadline first.
pub async fn queue(
    State(state): State<AppState>,
    ctx: PageCtx,
    op: Operator,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, PageError> {
    let t = ctx.tr();
    let params = pairs(raw.as_deref());
    let (filter, mine) = queue_filter(t, &params, &op).map_err(|p| PageError::bad_parameters(ctx.lang, &p))?;
    let records = state.store.agency_queue(&op.agencies, &filter).await.map_err(|e| internal(&ctx, e))?;
    let assignees = names(&state, &ctx, records.iter().filter_map(|r| r.assignee_id.clone()).collect()).await?;
    let now = Utc::now();
    let rows = records
        .iter()
        .map(|r| QueueRow {
            code: r.tracking_code.clone(),
            service: r.service_name.clone(),
            agency: r.agency_code.clone(),
            status: status_text(t, &r.status),
            status_value: r.status.clone(),
            submitted: local_time(r.submitted_at),
            deadline: r.deadline.clone().unwrap_or_default(),
            sla: sla_badge(t, r, now),
            assignee: r.assignee_id.as_ref().and_then(|id| assignees.get(id).cloned()).unwrap_or_default(),
        })
        .collect::<Vec<_>>();
    let choice = |value: &str, label: String, selected: bool| Choice { value: value.into(), label, selected };
    let page = QueuePage {
        l: ctx.layout(&state, &t.get("office-title"), Nav::None),
        full: rows.len() >= QUEUE_LIMIT as usize,
        rows,
        agencies: if op.agencies.len() > 1 {
            op.agencies.iter().map(|a| choice(a, a.clone(), filter.agency_code.as_deref() == Some(a))).collect()
        } else {
            Vec::new()
        },
        statuses: RequestStatus::ALL
            .iter()
            .map(|s| choice(s.as_str(), status_text(t, s.as_str()), filter.status.as_deref() == Some(s.as_str())))
            .collect(),
        targets: operator_targets().iter().map(|s| choice(s.as_str(), status_text(t, s.as_str()), false)).collect(),
        service: filter.service_code.unwrap_or_default(),
        due_by: filter.due_by.unwrap_or_default(),
        mine,
    };
    render(ctx.lang, &page)
}
