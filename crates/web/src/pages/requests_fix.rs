//! Answering "perlu perbaikan": the person explains what they fixed and may attach new
//! documents; the request goes back to `diproses` with their note in the history.

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::Utc;
use domain::request::{Actor, Answer, CheckedAnswers, RequestStatus, TrackingCode, transition};
use store::requests::StatusConflict;

use super::account::{internal, see_other};
use crate::attachments::{self, UploadError};
use crate::auth::roles::SignedIn;
use crate::error::PageError;
use crate::state::AppState;
use crate::views::PageCtx;

/// The answers key under which documents sent with a fix are kept.
const FIX_FILES: &str = "perbaikan";

/// `POST /permohonan/{code}/perbaikan` (multipart: `catatan`, and `berkas` files).
pub async fn answer(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    Path(raw): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let code = TrackingCode::parse(&raw).map_err(|_| PageError::not_found(ctx.lang))?;
    let record = state
        .store
        .own_request(&user.id, code.as_str())
        .await
        .map_err(|e| internal(&ctx, e))?
        .ok_or_else(|| PageError::not_found(ctx.lang))?;
    let Ok(mut multipart) = multipart else {
        return Err(PageError::bad_request(ctx.lang, t.get("request-unreadable")));
    };
    let mut note = String::new();
    let mut files = Vec::new();
    while let Some(field) =
        multipart.next_field().await.map_err(|_| PageError::bad_request(ctx.lang, t.get("request-unreadable")))?
    {
        match (field.name(), field.file_name()) {
            (Some("berkas"), Some(name)) if !name.is_empty() => {
                match attachments::store_field(&state.settings.files_dir, field).await {
                    Ok(stored) => files.push(stored.reference()),
                    Err(UploadError::TooLarge) => {
                        return Err(PageError::bad_request(
                            ctx.lang,
                            t.with("request-too-large", "mb", attachments::MAX_FILE_BYTES / (1024 * 1024)),
                        ));
                    }
                    Err(UploadError::WrongType) => {
                        return Err(PageError::bad_request(ctx.lang, t.get("fix-wrong-type")));
                    }
                    Err(e) => return Err(internal(&ctx, e)),
                }
            }
            (Some("catatan"), None) => {
                note = field.text().await.unwrap_or_default().trim().chars().take(2000).collect()
            }
            _ => {}
        }
    }
    if note.is_empty() && files.is_empty() {
        return Err(PageError::bad_request(ctx.lang, t.get("fix-empty")));
    }
    let from = RequestStatus::parse(&record.status).map_err(|e| internal(&ctx, e))?;
    transition(from, RequestStatus::InProgress, Actor::Citizen, Some(&note))
        .map_err(|e| PageError::bad_request(ctx.lang, e.to_string()))?;
    let answers = if files.is_empty() {
        None
    } else {
        let mut all = serde_json::from_str::<CheckedAnswers>(&record.answers).unwrap_or_default().into_inner();
        if let Some(Answer::Files(earlier)) = all.get(FIX_FILES) {
            files.splice(0..0, earlier.iter().cloned());
        }
        all.insert(FIX_FILES.into(), Answer::Files(files));
        Some(serde_json::to_string(&all).map_err(|e| internal(&ctx, e))?)
    };
    let note = if note.is_empty() { t.get("fix-files-only") } else { note };
    let outcome = state.store.answer_fix(&record.id, &user.id, &note, answers.as_deref(), Utc::now()).await;
    state.lookups.forget(&record.tracking_code);
    match outcome {
        Ok(()) => Ok(see_other(&format!("/permohonan/{}", record.tracking_code), None)),
        Err(StatusConflict::Moved) => Err(PageError::bad_request(ctx.lang, t.get("request-moved"))),
        Err(StatusConflict::NotFound) => Err(PageError::not_found(ctx.lang)),
        Err(StatusConflict::Store(e)) => Err(internal(&ctx, e)),
    }
}
