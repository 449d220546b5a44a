//! `/petugas/permohonan/{code}`: one request of the operator's agencies with its answers
//! and whole history (internal notes too), and what staff do with it: change its status,
//! add a note, assign it to a colleague.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use domain::request::{Actor, Answer, NoteVisibility, RequestStatus, TrackingCode};
use store::requests::{AssignError, RequestEvent, RequestRecord};

use super::account::{field, form, internal, see_other};
use super::office::{MAX_NOTE_CHARS, local_time, names, sla_badge, status_text, transition_message};
use crate::auth::roles::Operator;
use crate::error::{PageError, render};
use crate::i18n::Tr;
use crate::requests::ChangeError;
use crate::state::AppState;
use crate::views::{Choice, Layout, Nav, PageCtx};

pub struct Detail {
    pub label: String,
    pub value: String,
}

pub struct AnswerRow {
    pub label: String,
    pub values: Vec<String>,
    pub files: bool,
    /// For file answers: where to download each file, and its name.
    pub links: Vec<(String, String)>,
}

pub struct HistoryRow {
    pub at: String,
    pub actor: String,
    pub text: String,
    pub note: String,
    pub internal: bool,
}

#[derive(Template)]
#[template(path = "office_request.html")]
struct RequestPage {
    l: Layout,
    code: String,
    status: String,
    status_value: String,
    details: Vec<Detail>,
    sla: Option<super::office::SlaBadge>,
    answers: Vec<AnswerRow>,
    history: Vec<HistoryRow>,
    actions: Vec<Choice>,
    colleagues: Vec<Choice>,
    error: Option<String>,
    notice: Option<String>,
    /// The note typed before a refused change, kept.
    note: String,
}

/// What a page shows besides the request: a message and the note to keep.
#[derive(Default)]
struct Outcome {
    error: Option<String>,
    notice: Option<String>,
    note: String,
}

/// The request if it belongs to one of the operator's agencies; a 404 otherwise (for an
/// unknown code, a malformed one and another agency's alike).
async fn load(
    state: &AppState,
    ctx: &PageCtx,
    op: &Operator,
    raw: &str,
) -> Result<(RequestRecord, Vec<RequestEvent>), PageError> {
    let code = TrackingCode::parse(raw).map_err(|_| PageError::not_found(ctx.lang))?;
    let found = state.store.agency_request(&op.agencies, code.as_str()).await.map_err(|e| internal(ctx, e))?;
    found.ok_or_else(|| PageError::not_found(ctx.lang))
}

/// The labels of the service's form by key (the form is looked up the way an application
/// is checked); empty when the service or its form is gone, and the keys are shown.
async fn labels(state: &AppState, service_code: &str) -> Vec<(String, String)> {
    match crate::requests::applicable(state, service_code).await {
        Ok(target) => target.form.fields().iter().map(|f| (f.key.clone(), f.label.clone())).collect(),
        Err(_) => Vec::new(),
    }
}

async fn answer_rows(state: &AppState, record: &RequestRecord) -> Vec<AnswerRow> {
    let mut answers: BTreeMap<String, serde_json::Value> = serde_json::from_str(&record.answers).unwrap_or_default();
    let row = |label: String, value: serde_json::Value| {
        let (values, files) = match serde_json::from_value::<Answer>(value.clone()) {
            Ok(answer) => (answer.to_form_values(), matches!(answer, Answer::Files(_))),
            Err(_) => (vec![value.to_string()], false),
        };
        let links = if files {
            values
                .iter()
                .filter_map(|r| crate::attachments::parse_reference(r))
                .map(|(sha, name)| {
                    (format!("/petugas/permohonan/{}/berkas/{sha}", record.tracking_code), name.to_string())
                })
                .collect()
        } else {
            Vec::new()
        };
        AnswerRow { label, values, files, links }
    };
    // The form's order first, then anything the form no longer has.
    let mut rows = Vec::new();
    for (key, label) in labels(state, &record.service_code).await {
        if let Some(value) = answers.remove(&key) {
            rows.push(row(label, value));
        }
    }
    rows.extend(answers.into_iter().map(|(key, value)| row(key, value)));
    rows
}

fn actor_name(t: Tr, actor: &str, people: &HashMap<String, String>) -> String {
    match actor {
        "sistem" => t.get("office-actor-system"),
        "tamu" => t.get("office-actor-guest"),
        other => match other.strip_prefix("opd:") {
            Some(agency) => agency.to_string(),
            None => people.get(other).filter(|n| !n.is_empty()).cloned().unwrap_or_else(|| t.get("office-actor-gone")),
        },
    }
}

async fn page(
    state: &AppState,
    ctx: &PageCtx,
    op: &Operator,
    raw: &str,
    outcome: Outcome,
) -> Result<Html<String>, PageError> {
    let t = ctx.tr();
    let (record, events) = load(state, ctx, op, raw).await?;
    let ids = events.iter().map(|e| e.actor.clone()).chain(record.assignee_id.clone()).collect();
    let people = names(state, ctx, ids).await?;
    let applicant = match (&record.user_id, &record.guest_name) {
        (Some(id), _) => {
            let user = state.store.user(id).await.map_err(|e| internal(ctx, e))?;
            match user {
                Some(u) => [Some(u.name), u.email, u.phone].into_iter().flatten().collect::<Vec<_>>().join(" · "),
                None => t.get("office-actor-gone"),
            }
        }
        (None, Some(name)) => {
            format!("{name} · {} ({})", record.guest_contact.clone().unwrap_or_default(), t.get("office-actor-guest"))
        }
        (None, None) => t.get("office-actor-gone"),
    };
    let detail = |key: &str, value: String| Detail { label: t.get(key), value };
    let mut details = vec![
        detail("office-service", format!("{} ({})", record.service_name, record.service_code)),
        detail("office-agency", record.agency_name.clone()),
        detail("office-applicant", applicant),
        detail("office-channel", record.channel.clone()),
        detail("office-submitted", local_time(record.submitted_at)),
        detail("office-deadline", record.deadline.clone().unwrap_or_else(|| "-".into())),
    ];
    if let Some(closed) = record.closed_at {
        details.push(detail("office-closed", local_time(closed)));
    }
    let history = events
        .iter()
        .rev()
        .map(|e| HistoryRow {
            at: local_time(e.at),
            actor: actor_name(t, &e.actor, &people),
            text: match (&e.from_status, &e.to_status) {
                (Some(from), Some(to)) => {
                    t.args("office-history-change", &[("from", status_text(t, from)), ("to", status_text(t, to))])
                }
                (None, Some(to)) => status_text(t, to),
                _ => t.get("office-history-note"),
            },
            note: e.note.clone().unwrap_or_default(),
            internal: e.internal,
        })
        .collect();
    let status = RequestStatus::parse(&record.status).map_err(|e| internal(ctx, e))?;
    let colleagues = state.store.agency_operators(&record.agency_code).await.map_err(|e| internal(ctx, e))?;
    let page = RequestPage {
        l: ctx.layout(state, &t.with("office-request-title", "code", &record.tracking_code), Nav::None),
        code: record.tracking_code.clone(),
        status: status_text(t, &record.status),
        status_value: record.status.clone(),
        sla: sla_badge(t, &record, Utc::now()),
        answers: answer_rows(state, &record).await,
        history,
        actions: status
            .successors(Actor::Operator)
            .iter()
            .map(|s| Choice { value: s.as_str().into(), label: status_text(t, s.as_str()), selected: s.needs_note() })
            .collect(),
        colleagues: colleagues
            .into_iter()
            .map(|(id, name)| Choice {
                selected: record.assignee_id.as_deref() == Some(id.as_str()),
                value: id,
                label: name,
            })
            .collect(),
        details,
        error: outcome.error,
        notice: outcome.notice,
        note: outcome.note,
    };
    render(ctx.lang, &page)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    op: Operator,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let t = ctx.tr();
    let notice = match ctx.path.split_once('?').map(|(_, q)| q) {
        Some("tersimpan=status") => Some(t.get("office-status-saved")),
        Some("tersimpan=catatan") => Some(t.get("office-note-saved")),
        Some("tersimpan=tugas") => Some(t.get("office-assign-saved")),
        _ => None,
    };
    page(&state, &ctx, &op, &code, Outcome { notice, ..Outcome::default() }).await
}

/// The request page again with an error, under `status`.
async fn refused(
    state: &AppState,
    ctx: &PageCtx,
    op: &Operator,
    code: &str,
    status: StatusCode,
    error: String,
    note: &str,
) -> Result<Response, PageError> {
    let outcome = Outcome { error: Some(error), note: note.to_string(), ..Outcome::default() };
    Ok((status, page(state, ctx, op, code, outcome).await?).into_response())
}

/// A note from a form: tidied, `None` when blank, refused when too long.
fn note_of(fields: &[(String, String)]) -> Result<Option<String>, ()> {
    let note = domain::text::tidy(field(fields, "catatan"));
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(());
    }
    Ok((!note.is_empty()).then_some(note))
}

/// Changes the status. The form sends the status the operator saw (`dari`): if someone
/// changed it since, the store refuses and the operator is told to reload.
pub async fn change_status(
    State(state): State<AppState>,
    ctx: PageCtx,
    op: Operator,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let (record, _) = load(&state, &ctx, &op, &code).await?;
    let fields = form(&body);
    let typed = field(&fields, "catatan");
    let fail = |status: StatusCode, error: String| refused(&state, &ctx, &op, &code, status, error, typed);
    let Ok(note) = note_of(&fields) else {
        return fail(StatusCode::BAD_REQUEST, t.get("office-note-too-long")).await;
    };
    let Ok(to) = RequestStatus::parse(field(&fields, "status")) else {
        return fail(StatusCode::BAD_REQUEST, t.get("office-status-invalid")).await;
    };
    let from = match field(&fields, "dari") {
        "" => RequestStatus::parse(&record.status),
        seen => RequestStatus::parse(seen),
    };
    let Ok(from) = from else {
        return fail(StatusCode::BAD_REQUEST, t.get("office-status-invalid")).await;
    };
    match crate::requests::change_status(&state, &record, from, to, (Actor::Operator, &op.user.id), note.as_deref())
        .await
    {
        Ok(()) => Ok(see_other(&format!("/petugas/permohonan/{}?tersimpan=status", record.tracking_code), None)),
        Err(ChangeError::Refused(e)) => fail(StatusCode::BAD_REQUEST, transition_message(t, &e)).await,
        Err(ChangeError::Moved) => fail(StatusCode::CONFLICT, t.get("office-changed-meanwhile")).await,
        Err(ChangeError::NotFound) => Err(PageError::not_found(ctx.lang)),
        Err(ChangeError::Store(e)) => Err(internal(&ctx, e)),
    }
}

/// Adds a note, public (the citizen sees it) or internal (staff only).
pub async fn add_note(
    State(state): State<AppState>,
    ctx: PageCtx,
    op: Operator,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let (record, _) = load(&state, &ctx, &op, &code).await?;
    let fields = form(&body);
    let typed = field(&fields, "catatan");
    let fail = |error: String| refused(&state, &ctx, &op, &code, StatusCode::BAD_REQUEST, error, typed);
    let note = match note_of(&fields) {
        Ok(Some(note)) => note,
        Ok(None) => return fail(t.get("office-note-empty")).await,
        Err(()) => return fail(t.get("office-note-too-long")).await,
    };
    let Ok(visibility) = NoteVisibility::parse(field(&fields, "visibilitas")) else {
        return fail(t.get("office-visibility-invalid")).await;
    };
    let internal_note = visibility == NoteVisibility::Internal;
    state
        .store
        .add_request_note(&record.id, &op.user.id, &note, internal_note, Utc::now())
        .await
        .map_err(|e| internal(&ctx, e))?;
    Ok(see_other(&format!("/petugas/permohonan/{}?tersimpan=catatan", record.tracking_code), None))
}

/// Assigns the request to an operator of its agency (blank: to nobody).
pub async fn assign(
    State(state): State<AppState>,
    ctx: PageCtx,
    op: Operator,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let (record, _) = load(&state, &ctx, &op, &code).await?;
    let fields = form(&body);
    let assignee = Some(field(&fields, "petugas").trim()).filter(|s| !s.is_empty());
    match state.store.assign_request(&record.id, assignee, &op.user.id, Utc::now()).await {
        Ok(()) => Ok(see_other(&format!("/petugas/permohonan/{}?tersimpan=tugas", record.tracking_code), None)),
        Err(AssignError::NotColleague) => {
            refused(&state, &ctx, &op, &code, StatusCode::BAD_REQUEST, t.get("office-assign-not-colleague"), "").await
        }
        Err(AssignError::NotFound) => Err(PageError::not_found(ctx.lang)),
        Err(AssignError::Store(e)) => Err(internal(&ctx, e)),
    }
}

/// `GET /petugas/permohonan/{code}/berkas/{sha}`: a file of a request of the operator's
/// agencies, only if the request's answers name it.
pub async fn file(
    State(state): State<AppState>,
    ctx: PageCtx,
    op: Operator,
    Path((code, sha)): Path<(String, String)>,
) -> Result<axum::response::Response, PageError> {
    let code = domain::request::TrackingCode::parse(&code).map_err(|_| PageError::not_found(ctx.lang))?;
    let (record, _) = state
        .store
        .agency_request(&op.agencies, code.as_str())
        .await
        .map_err(PageError::store(ctx.lang))?
        .ok_or_else(|| PageError::not_found(ctx.lang))?;
    let name = super::requests_own::file_name(&record, &sha).ok_or_else(|| PageError::not_found(ctx.lang))?;
    super::requests_own::serve_file(&state, &ctx, &sha, &name).await
}
