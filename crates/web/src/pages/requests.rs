//! Applying for a service on the portal: the service's form (files included), checked
//! field by field; a refused form comes back with what was typed and each problem next to
//! its field; success shows the tracking code.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use domain::request::{AnswerProblem, FieldKind, RawAnswers};

use super::account::{internal, see_other};
use crate::attachments::{self, UploadError};
use crate::auth::CurrentUser;
use crate::error::{PageError, render};
use crate::requests::{Applicable, Applicant, ApplyError, applicable, apply};
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx};

/// One field as the template draws it.
pub struct FieldView {
    pub key: String,
    pub label: String,
    pub help: String,
    pub required: bool,
    /// `text`, `long_text`, `number`, `date`, `choice`, `choices`, `file`, `location`.
    pub kind: &'static str,
    pub options: Vec<(String, bool)>,
    pub value: String,
    /// Files already uploaded with an earlier try (kept, so they need not be sent again).
    pub kept: Vec<(String, String)>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "request_form.html")]
struct FormPage {
    l: Layout,
    code: String,
    name: String,
    agency: String,
    deadline_days: Option<u32>,
    guest: bool,
    guest_name: String,
    guest_contact: String,
    fields: Vec<FieldView>,
    errors: Vec<String>,
    /// Whether any field has its own problem (a summary goes on top).
    field_errors: bool,
    max_mb: usize,
}

fn kind_name(kind: FieldKind) -> &'static str {
    kind.as_str()
}

fn form_page(
    state: &AppState,
    ctx: &PageCtx,
    target: &Applicable,
    guest: Option<(&str, &str)>,
    answers: &RawAnswers,
    problems: &[AnswerProblem],
) -> Result<Html<String>, PageError> {
    let fields = target
        .form
        .fields()
        .iter()
        .map(|f| {
            let given = answers.get(&f.key).cloned().unwrap_or_default();
            let (kept, value) = if f.kind == FieldKind::File {
                let kept = given
                    .iter()
                    .filter_map(|r| attachments::parse_reference(r).map(|(_, name)| (r.clone(), name.to_string())))
                    .collect();
                (kept, String::new())
            } else {
                (Vec::new(), given.first().cloned().unwrap_or_default())
            };
            FieldView {
                options: f.options.iter().map(|o| (o.clone(), given.contains(o))).collect(),
                error: problems.iter().find(|p| p.key == f.key).map(|p| p.reason.clone()),
                key: f.key.clone(),
                label: f.label.clone(),
                help: f.help.clone().unwrap_or_default(),
                required: f.required,
                kind: kind_name(f.kind),
                value,
                kept,
            }
        })
        .collect();
    // Problems not tied to a field of the form (unknown keys, guest details) go on top.
    let errors = problems.iter().filter(|p| target.form.field(&p.key).is_none()).map(|p| p.reason.clone()).collect();
    let title = ctx.tr().with("request-form-title", "service", target.service.service.name.as_str());
    render(
        ctx.lang,
        &FormPage {
            l: ctx.layout(state, &title, Nav::Catalog),
            code: target.service.service.code.to_string(),
            name: target.service.service.name.clone(),
            agency: target.service.agency_name.clone(),
            deadline_days: target.service.service.standard.duration_days,
            guest: guest.is_some(),
            guest_name: guest.map(|g| g.0.to_string()).unwrap_or_default(),
            guest_contact: guest.map(|g| g.1.to_string()).unwrap_or_default(),
            field_errors: problems.iter().any(|p| target.form.field(&p.key).is_some()),
            fields,
            errors,
            max_mb: attachments::MAX_FILE_BYTES / (1024 * 1024),
        },
    )
}

/// The service to apply for, or the page that says why not.
async fn target(state: &AppState, ctx: &PageCtx, code: &str) -> Result<Applicable, PageError> {
    let t = ctx.tr();
    match applicable(state, code).await {
        Ok(target) => Ok(target),
        Err(ApplyError::UnknownService) => Err(PageError::not_found(ctx.lang)),
        Err(ApplyError::Retired) => Err(PageError::bad_request(ctx.lang, t.get("request-retired"))),
        Err(ApplyError::Elsewhere) => Err(PageError::bad_request(ctx.lang, t.get("request-elsewhere"))),
        Err(e) => Err(internal(ctx, e)),
    }
}

fn to_sign_in(code: &str) -> Response {
    see_other(&format!("/masuk?kembali=%2Flayanan%2F{code}%2Fajukan"), None)
}

/// `GET /layanan/{code}/ajukan`.
pub async fn form(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(user): CurrentUser,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let target = target(&state, &ctx, &code).await?;
    if user.is_none() && !target.takes_guests() {
        return Ok(to_sign_in(target.service.service.code.as_str()));
    }
    let guest = user.is_none().then_some(("", ""));
    Ok(form_page(&state, &ctx, &target, guest, &BTreeMap::new(), &[])?.into_response())
}

/// Reads the posted form: text values by name, files stored as they stream in.
async fn read(state: &AppState, multipart: &mut Multipart) -> Result<(RawAnswers, Vec<AnswerProblem>), StatusCode> {
    let mut answers: RawAnswers = BTreeMap::new();
    let mut problems = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(|e| e.status())? {
        let Some(key) = field.name().map(str::to_string) else { continue };
        if field.file_name().is_some() {
            if field.file_name() == Some("") {
                continue; // an empty file input
            }
            match attachments::store_field(&state.settings.files_dir, field).await {
                Ok(stored) => answers.entry(key).or_default().push(stored.reference()),
                Err(UploadError::TooLarge) => return Err(StatusCode::PAYLOAD_TOO_LARGE),
                Err(UploadError::WrongType) => {
                    problems.push(AnswerProblem { key, reason: "berkas harus PDF, JPEG atau PNG".into() })
                }
                Err(UploadError::Broken(_)) => return Err(StatusCode::BAD_REQUEST),
                Err(UploadError::Io(e)) => {
                    tracing::error!(error = %e, "storing an attachment failed");
                    return Err(StatusCode::INTERNAL_SERVER_ERROR);
                }
            }
        } else {
            let value = field.text().await.map_err(|e| e.status())?;
            answers.entry(key).or_default().push(value);
        }
    }
    Ok((answers, problems))
}

/// `POST /layanan/{code}/ajukan` (multipart, for the files).
pub async fn submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(user): CurrentUser,
    Path(code): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let target = target(&state, &ctx, &code).await?;
    if user.is_none() && !target.takes_guests() {
        return Ok(to_sign_in(target.service.service.code.as_str()));
    }
    let Ok(mut multipart) = multipart else {
        return Err(PageError::bad_request(ctx.lang, t.get("request-unreadable")));
    };
    let (mut answers, upload_problems) = match read(&state, &mut multipart).await {
        Ok(read) => read,
        Err(StatusCode::PAYLOAD_TOO_LARGE) => {
            let page = PageError::bad_request(
                ctx.lang,
                t.with("request-too-large", "mb", attachments::MAX_FILE_BYTES / (1024 * 1024)),
            );
            let mut response = page.into_response();
            *response.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
            return Ok(response);
        }
        Err(StatusCode::INTERNAL_SERVER_ERROR) => return Err(internal(&ctx, "attachment storage")),
        Err(_) => return Err(PageError::bad_request(ctx.lang, t.get("request-unreadable"))),
    };
    let take = |answers: &mut RawAnswers, key: &str| {
        answers.remove(key).and_then(|v| v.into_iter().next()).unwrap_or_default()
    };
    let guest_name = take(&mut answers, "tamu_nama");
    let guest_contact = take(&mut answers, "tamu_kontak");
    let who = match &user {
        Some(u) => Applicant::Person { user_id: u.id.clone() },
        None => Applicant::Guest { name: guest_name.clone(), contact: guest_contact.clone() },
    };
    let guest = user.is_none().then_some((guest_name.as_str(), guest_contact.as_str()));
    let refused = |problems: Vec<AnswerProblem>| -> Result<Response, PageError> {
        let page = form_page(&state, &ctx, &target, guest, &answers, &problems)?;
        Ok((StatusCode::BAD_REQUEST, page).into_response())
    };
    if !upload_problems.is_empty() {
        return refused(upload_problems);
    }
    match apply(&state, &target, who, &answers, "web").await {
        // A guest has no "my requests": they follow it by its code.
        Ok((submitted, _)) if user.is_none() => {
            Ok(see_other(&format!("/lacak?kode={}", submitted.tracking_code), None))
        }
        Ok((submitted, _)) => Ok(see_other(&format!("/permohonan/{}?baru=1", submitted.tracking_code), None)),
        Err(ApplyError::Answers(problems)) => refused(problems),
        Err(ApplyError::Guest(reason)) => refused(vec![AnswerProblem { key: "tamu".into(), reason: reason.into() }]),
        Err(ApplyError::NeedsAccount) => Ok(to_sign_in(target.service.service.code.as_str())),
        Err(e) => Err(internal(&ctx, e)),
    }
}
