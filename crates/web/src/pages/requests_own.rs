//! "Permohonan saya": a person's requests, one request with its timeline and files, and
//! cancelling while it is still `diajukan`. Ownership is part of every store query.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use domain::request::{Actor, Answer, CheckedAnswers, RequestStatus, SlaState, TrackingCode, transition};
use store::requests::RequestRecord;

use super::account::{internal, see_other};
use crate::attachments;
use crate::auth::roles::SignedIn;
use crate::error::{PageError, render};
use crate::i18n::Tr;
use crate::requests::{CALENDAR, ChangeError, applicable, change_status};
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx};

pub struct RequestRow {
    pub code: String,
    pub service: String,
    pub status: String,
    pub status_class: &'static str,
    pub submitted: String,
    pub deadline: String,
}

pub struct AnswerRow {
    pub label: String,
    pub text: String,
    pub files: Vec<(String, String)>,
}

pub struct HistoryRow {
    pub at: String,
    pub status: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "requests_mine.html")]
struct ListPage {
    l: Layout,
    rows: Vec<RequestRow>,
    /// The newest notifications: (text, link, when, unread).
    notices: Vec<(String, String, String, bool)>,
}

#[derive(Template)]
#[template(path = "request_own.html")]
struct DetailPage {
    l: Layout,
    row: RequestRow,
    agency: String,
    service_code: String,
    fresh: bool,
    sla: String,
    answers: Vec<AnswerRow>,
    history: Vec<HistoryRow>,
    cancellable: bool,
    /// Waiting for the person to fix something.
    fixable: bool,
    /// The survey's questions, while the person may still answer it.
    survey: Vec<(usize, &'static str)>,
    surveyed: bool,
    error: Option<String>,
}

pub fn status_label(t: Tr, status: &str) -> String {
    t.get(&format!("request-status-{status}"))
}

pub fn status_class(status: &str) -> &'static str {
    match status {
        "selesai" => "badge ok",
        "ditolak" | "dibatalkan" => "badge off",
        "perlu_perbaikan" => "badge plan",
        _ => "badge wip",
    }
}

fn date(at: chrono::DateTime<Utc>) -> String {
    domain::request::local_date(at, domain::request::BOGOR_UTC_OFFSET_HOURS).format("%d-%m-%Y").to_string()
}

fn row(t: Tr, r: &RequestRecord) -> RequestRow {
    RequestRow {
        code: r.tracking_code.clone(),
        service: r.service_name.clone(),
        status: status_label(t, &r.status),
        status_class: status_class(&r.status),
        submitted: date(r.submitted_at),
        deadline: r
            .deadline
            .as_deref()
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .map(|d| d.format("%d-%m-%Y").to_string())
            .unwrap_or_default(),
    }
}

/// `GET /permohonan`.
pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
) -> Result<Html<String>, PageError> {
    let records = state.store.requests_of(&user.id, 200).await.map_err(|e| internal(&ctx, e))?;
    let notices = state.store.notifications(&user.id, 10).await.map_err(|e| internal(&ctx, e))?;
    // Seen now: the next visit shows them without the "new" mark.
    if notices.iter().any(|n| n.unread) {
        state.store.mark_notifications_read(&user.id, Utc::now()).await.map_err(|e| internal(&ctx, e))?;
    }
    let t = ctx.tr();
    let title = t.get("requests-mine-title");
    let notices = notices
        .into_iter()
        .map(|n| (n.text, n.link, n.created_at.format("%d-%m-%Y %H:%M UTC").to_string(), n.unread))
        .collect();
    render(
        ctx.lang,
        &ListPage {
            l: ctx.layout(&state, &title, Nav::None),
            rows: records.iter().map(|r| row(t, r)).collect(),
            notices,
        },
    )
}

async fn own(state: &AppState, ctx: &PageCtx, user_id: &str, raw: &str) -> Result<RequestRecord, PageError> {
    let code = TrackingCode::parse(raw).map_err(|_| PageError::not_found(ctx.lang))?;
    state
        .store
        .own_request(user_id, code.as_str())
        .await
        .map_err(|e| internal(ctx, e))?
        .ok_or_else(|| PageError::not_found(ctx.lang))
}

/// The answers with the form's labels (the service's form as it is now; keys otherwise).
async fn answer_rows(state: &AppState, record: &RequestRecord) -> Vec<AnswerRow> {
    let answers: CheckedAnswers = serde_json::from_str(&record.answers).unwrap_or_default();
    let form = applicable(state, &record.service_code).await.ok().map(|a| a.form);
    answers
        .iter()
        .map(|(key, answer)| {
            let label = form.as_ref().and_then(|f| f.field(key)).map_or_else(|| key.to_string(), |f| f.label.clone());
            let files = match answer {
                Answer::Files(refs) => refs
                    .iter()
                    .filter_map(|r| attachments::parse_reference(r))
                    .map(|(sha, name)| (format!("/permohonan/{}/berkas/{sha}", record.tracking_code), name.to_string()))
                    .collect(),
                _ => Vec::new(),
            };
            let text = if files.is_empty() { answer.to_form_values().join(", ") } else { String::new() };
            AnswerRow { label, text, files }
        })
        .collect()
}

async fn detail_page(
    state: &AppState,
    ctx: &PageCtx,
    record: &RequestRecord,
    fresh: bool,
    error: Option<String>,
) -> Result<Html<String>, PageError> {
    let t = ctx.tr();
    let events = state.store.request_events(&record.id, false).await.map_err(|e| internal(ctx, e))?;
    let history = events
        .iter()
        .map(|e| HistoryRow {
            at: e.at.format("%d-%m-%Y %H:%M UTC").to_string(),
            status: e.to_status.as_deref().map(|s| status_label(t, s)).unwrap_or_default(),
            note: e.note.clone().unwrap_or_default(),
        })
        .collect();
    let status = RequestStatus::parse(&record.status).ok();
    let cancellable = status.is_some_and(|s| transition(s, RequestStatus::Cancelled, Actor::Citizen, None).is_ok());
    let sla = match (
        status,
        record.deadline.as_deref().and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
    ) {
        (Some(s), Some(deadline)) if !s.is_final() => {
            match CALENDAR.sla_state(deadline, Utc::now(), domain::request::BOGOR_UTC_OFFSET_HOURS, 1) {
                SlaState::OnTrack => String::new(),
                other => t.get(&format!("request-sla-{}", other.as_str())),
            }
        }
        _ => String::new(),
    };
    let done = status == Some(RequestStatus::Completed);
    let surveyed = done && state.store.survey_answered(&record.id).await.map_err(|e| internal(ctx, e))?;
    let survey = if done && !surveyed { super::survey::questions() } else { Vec::new() };
    let title = t.with("request-title", "code", record.tracking_code.as_str());
    render(
        ctx.lang,
        &DetailPage {
            l: ctx.layout(state, &title, Nav::None),
            row: row(t, record),
            agency: record.agency_name.clone(),
            service_code: record.service_code.clone(),
            fresh,
            sla,
            answers: answer_rows(state, record).await,
            history,
            cancellable,
            fixable: status == Some(RequestStatus::NeedsFix),
            survey,
            surveyed,
            error,
        },
    )
}

/// `GET /permohonan/{code}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let record = own(&state, &ctx, &user.id, &code).await?;
    let fresh = ctx.path.ends_with("?baru=1");
    detail_page(&state, &ctx, &record, fresh, None).await
}

/// `POST /permohonan/{code}/batal`.
pub async fn cancel(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let record = own(&state, &ctx, &user.id, &code).await?;
    let Ok(from) = RequestStatus::parse(&record.status) else { return Err(internal(&ctx, "stored status")) };
    match change_status(&state, &record, from, RequestStatus::Cancelled, (Actor::Citizen, &user.id), None).await {
        Ok(()) => Ok(see_other(&format!("/permohonan/{}", record.tracking_code), None)),
        Err(ChangeError::Refused(e)) => refuse(&state, &ctx, &record, e.to_string()).await,
        Err(ChangeError::Moved) => refuse(&state, &ctx, &record, ctx.tr().get("request-moved")).await,
        Err(ChangeError::NotFound) => Err(PageError::not_found(ctx.lang)),
        Err(ChangeError::Store(e)) => Err(internal(&ctx, e)),
    }
}

/// The request page again, with why the action was refused.
async fn refuse(
    state: &AppState,
    ctx: &PageCtx,
    record: &RequestRecord,
    message: String,
) -> Result<Response, PageError> {
    let page = detail_page(state, ctx, record, false, Some(message)).await?;
    Ok((StatusCode::CONFLICT, page).into_response())
}

/// `GET /permohonan/{code}/berkas/{sha}`: a file of the person's own request, only if the
/// request's answers name it.
pub async fn file(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    Path((code, sha)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let record = own(&state, &ctx, &user.id, &code).await?;
    let name = file_name(&record, &sha).ok_or_else(|| PageError::not_found(ctx.lang))?;
    serve_file(&state, &ctx, &sha, &name).await
}

/// The name of the file with this hash, if the request's answers name it (a hash alone
/// opens nothing).
pub fn file_name(record: &RequestRecord, sha: &str) -> Option<String> {
    let answers: CheckedAnswers = serde_json::from_str(&record.answers).unwrap_or_default();
    answers
        .iter()
        .filter_map(|(_, a)| match a {
            Answer::Files(refs) => Some(refs),
            _ => None,
        })
        .flatten()
        .filter_map(|r| attachments::parse_reference(r))
        .find(|(s, _)| *s == sha)
        .map(|(_, name)| name.to_string())
}

/// Sends a stored file with the type its content shows, as a download.
pub async fn serve_file(state: &AppState, ctx: &PageCtx, sha: &str, name: &str) -> Result<Response, PageError> {
    let bytes = tokio::fs::read(attachments::path_of(&state.settings.files_dir, sha))
        .await
        .map_err(|_| PageError::not_found(ctx.lang))?;
    let kind = attachments::Kind::sniff(&bytes).ok_or_else(|| internal(ctx, "stored file of unknown type"))?;
    let disposition = format!("attachment; filename=\"{name}\"");
    Ok((
        [
            (header::CONTENT_TYPE, kind.media_type().to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}
