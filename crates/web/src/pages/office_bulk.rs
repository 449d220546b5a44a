//! `/petugas/massal`: one status change applied to several requests of the queue, each
//! under the same rules as a single change (checked by `transition`, guarded by the status
//! the operator saw), with a report of what changed and what was refused and why.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::request::{Actor, RequestStatus, TrackingCode};

use super::account::{field, form, internal};
use super::office::{MAX_NOTE_CHARS, status_text, transition_message};
use crate::auth::roles::Operator;
use crate::error::{PageError, render};
use crate::requests::{ChangeError, change_status};
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx};

/// The most requests one bulk change touches.
const MAX_SELECTED: usize = 200;

pub struct RefusedRow {
    pub code: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "office_bulk.html")]
struct BulkPage {
    l: Layout,
    summary: String,
    refused_heading: String,
    changed: Vec<String>,
    refused: Vec<RefusedRow>,
}

/// Applies the change to each selected request (`pilih=CODE:STATUS`, the status shown).
pub async fn bulk(
    State(state): State<AppState>,
    ctx: PageCtx,
    op: Operator,
    body: Bytes,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let fields = form(&body);
    let bad = |key: &str| PageError::bad_request(ctx.lang, t.get(key));
    let to = RequestStatus::parse(field(&fields, "status")).map_err(|_| bad("office-status-invalid"))?;
    let note = domain::text::tidy(field(&fields, "catatan"));
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(bad("office-note-too-long"));
    }
    let note = (!note.is_empty()).then_some(note);
    let selected: Vec<&str> = fields.iter().filter(|(k, _)| k == "pilih").map(|(_, v)| v.as_str()).collect();
    if selected.is_empty() {
        return Err(bad("office-bulk-none"));
    }
    if selected.len() > MAX_SELECTED {
        return Err(PageError::bad_request(ctx.lang, t.with("office-bulk-too-many", "n", MAX_SELECTED)));
    }
    let (mut changed, mut refused) = (Vec::new(), Vec::new());
    for item in selected {
        let (raw_code, raw_from) = item.split_once(':').unwrap_or((item, ""));
        let refuse = |reason: String| RefusedRow { code: raw_code.chars().take(20).collect(), reason };
        let (Ok(code), Ok(from)) = (TrackingCode::parse(raw_code), RequestStatus::parse(raw_from)) else {
            refused.push(refuse(t.get("office-bulk-bad-item")));
            continue;
        };
        // Ownership is in the query: another agency's request is simply not found.
        let found = state.store.agency_request(&op.agencies, code.as_str()).await.map_err(|e| internal(&ctx, e))?;
        let Some((record, _)) = found else {
            refused.push(refuse(t.get("office-not-found")));
            continue;
        };
        match change_status(&state, &record, from, to, (Actor::Operator, &op.user.id), note.as_deref()).await {
            Ok(()) => changed.push(code.as_str().to_string()),
            Err(ChangeError::Refused(e)) => refused.push(refuse(transition_message(t, &e))),
            Err(ChangeError::Moved) => refused.push(refuse(t.get("office-changed-meanwhile"))),
            Err(ChangeError::NotFound) => refused.push(refuse(t.get("office-not-found"))),
            Err(ChangeError::Store(e)) => return Err(internal(&ctx, e)),
        }
    }
    let page = BulkPage {
        l: ctx.layout(&state, &t.get("office-bulk-title"), Nav::None),
        summary: t
            .args("office-bulk-changed", &[("n", changed.len().to_string()), ("status", status_text(t, to.as_str()))]),
        refused_heading: t.with("office-bulk-refused", "n", refused.len()),
        changed,
        refused,
    };
    Ok((StatusCode::OK, render(ctx.lang, &page)?).into_response())
}
