//! A cycle's downloads — the PDF report for assessors and the indicator sheet (XLSX) —
//! and the sheet read back into the self-assessment.

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use domain::evaluation::Stage;

use super::account::{internal, see_other};
use super::eval_cycles::load;
use crate::auth::roles::SignedIn;
use crate::error::PageError;
use crate::evaluation::export;
use crate::state::AppState;
use crate::views::PageCtx;

fn download(bytes: Vec<u8>, media_type: &str, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, media_type.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /evaluasi/{slug}/laporan.pdf`: typeset off the async executor (it takes a second or
/// two for a full cycle).
pub async fn report(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let (data, _) = load(&state, &ctx, &user, &slug).await?;
    let settings = &state.settings;
    let report = export::report(&state.store, &data, &settings.city_name, &settings.public_url, ctx.lang)
        .await
        .map_err(|e| internal(&ctx, e))?;
    let pdf = tokio::task::spawn_blocking(move || report::render_pdf(&report))
        .await
        .map_err(|e| internal(&ctx, e))?
        .map_err(|e| internal(&ctx, e))?;
    Ok(download(pdf, "application/pdf", &format!("laporan-{slug}.pdf")))
}

/// `GET /evaluasi/{slug}/lembar.xlsx`.
pub async fn sheet(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let (data, _) = load(&state, &ctx, &user, &slug).await?;
    let sheet = export::sheet(&data, &state.settings.public_url, ctx.lang);
    let bytes = report::write_indicator_sheet(&sheet).map_err(|e| internal(&ctx, e))?;
    let media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    Ok(download(bytes, media, &format!("lembar-{slug}.xlsx")))
}

/// `POST /evaluasi/{slug}/lembar` (multipart): the team's edited sheet updates their levels
/// and narratives — every row or none, each problem named by its spreadsheet row.
pub async fn import_sheet(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let (data, access) = load(&state, &ctx, &user, &slug).await?;
    if !access.is_team() {
        return Err(PageError::forbidden(ctx.lang));
    }
    let t = ctx.tr();
    let mut bytes = None;
    if let Ok(mut multipart) = multipart {
        while let Ok(Some(part)) = multipart.next_field().await {
            if part.name() == Some("berkas") {
                match part.bytes().await {
                    Ok(b) => bytes = Some(b),
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        return Err(PageError::bad_request(ctx.lang, t.get("eval-sheet-too-large")));
                    }
                    Err(_) => break,
                }
            }
        }
    }
    let Some(bytes) = bytes.filter(|b| !b.is_empty()) else {
        return Err(PageError::bad_request(ctx.lang, t.get("eval-sheet-choose")));
    };
    let updates = match report::read_indicator_sheet(&bytes) {
        Ok(updates) => updates,
        Err(e) => return Err(PageError::bad_request(ctx.lang, t.with("eval-sheet-refused", "detail", e))),
    };
    let changes = match export::sheet_changes(&data, &updates) {
        Ok(changes) => changes,
        Err(problems) => {
            return Err(PageError::bad_request(ctx.lang, t.with("eval-sheet-refused", "detail", problems.join("; "))));
        }
    };
    state
        .store
        .set_levels(&data.cycle.id, Stage::SelfAssessment.as_str(), &changes, &user.id, Utc::now())
        .await
        .map_err(|e| internal(&ctx, e))?;
    Ok(see_other(&format!("/evaluasi/{slug}?tersimpan=lembar{}", changes.len()), None))
}
