//! Back-office: the catalog imported from an uploaded CSV or XLSX file (all rows or none),
//! and the catalog and agencies exported as files.

use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use domain::RowProblem;
use interchange::{Format, InterchangeError};
use store::{ImportOutcome, ImportRejected};

use super::account::internal;
use crate::auth::roles::Admin;
use crate::error::{PageError, render};
use crate::query::pairs;
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx};

/// The largest file accepted, in MB. The demo city's 327 services are about 150 KB.
pub const MAX_UPLOAD_MB: usize = 10;

/// The request limit for the upload route: the file plus room for the form's framing.
pub const UPLOAD_BODY_LIMIT: usize = MAX_UPLOAD_MB * 1024 * 1024 + 64 * 1024;

pub struct ProblemRow {
    pub line: usize,
    pub column: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "admin_import.html")]
struct ImportPage {
    l: Layout,
    max_mb: usize,
    outcome: Option<ImportOutcome>,
    rows: usize,
    error: Option<String>,
    problems: Vec<ProblemRow>,
}

fn import_page(
    state: &AppState,
    ctx: &PageCtx,
    status: StatusCode,
    error: Option<String>,
    problems: &[RowProblem],
    outcome: Option<(ImportOutcome, usize)>,
) -> Result<Response, PageError> {
    let title = ctx.tr().get("admin-import-title");
    let page = ImportPage {
        l: ctx.layout(state, &title, Nav::None),
        max_mb: MAX_UPLOAD_MB,
        outcome: outcome.map(|(o, _)| o),
        rows: outcome.map_or(0, |(_, n)| n),
        error,
        problems: problems
            .iter()
            .map(|p| ProblemRow {
                line: p.line,
                column: p.column.clone().unwrap_or_default(),
                reason: p.reason.clone(),
            })
            .collect(),
    };
    Ok((status, render(ctx.lang, &page)?).into_response())
}

/// `/admin/impor`: the upload form and the export links.
pub async fn page(State(state): State<AppState>, ctx: PageCtx, _admin: Admin) -> Result<Response, PageError> {
    import_page(&state, &ctx, StatusCode::OK, None, &[], None)
}

/// The uploaded file's name and bytes, or why there is none.
async fn read_upload(multipart: &mut Multipart) -> Result<Option<(String, Vec<u8>)>, StatusCode> {
    while let Some(field) = multipart.next_field().await.map_err(|e| e.status())? {
        if field.name() == Some("berkas") {
            let name = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(|e| e.status())?;
            return Ok((!bytes.is_empty()).then(|| (name, bytes.to_vec())));
        }
    }
    Ok(None)
}

/// The format by the file's extension, else by its first bytes (an XLSX file is a zip).
fn format_of(name: &str, bytes: &[u8]) -> Option<Format> {
    Format::from_path(std::path::Path::new(name))
        .ok()
        .or_else(|| bytes.starts_with(b"PK\x03\x04").then_some(Format::Xlsx))
}

/// Imports the uploaded file: every row or none. A refused file lists each problem as
/// `line N, column X: reason`, the same as the command line does.
pub async fn upload(
    State(state): State<AppState>,
    ctx: PageCtx,
    Admin(admin): Admin,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let refuse = |status: StatusCode, message: String| import_page(&state, &ctx, status, Some(message), &[], None);
    let Ok(mut multipart) = multipart else {
        return refuse(StatusCode::BAD_REQUEST, t.get("admin-import-choose"));
    };
    let (name, bytes) = match read_upload(&mut multipart).await {
        Ok(Some(file)) => file,
        Ok(None) => return refuse(StatusCode::BAD_REQUEST, t.get("admin-import-choose")),
        Err(StatusCode::PAYLOAD_TOO_LARGE) => {
            return refuse(StatusCode::PAYLOAD_TOO_LARGE, t.with("admin-import-too-large", "mb", MAX_UPLOAD_MB));
        }
        Err(_) => return refuse(StatusCode::BAD_REQUEST, t.get("admin-import-unreadable")),
    };
    let Some(format) = format_of(&name, &bytes) else {
        return refuse(StatusCode::BAD_REQUEST, t.get("admin-import-format"));
    };
    let now = Utc::now();
    let entries = match interchange::read_catalog_bytes(&bytes, format, now) {
        Ok(entries) => entries,
        Err(InterchangeError::Problems(problems)) => {
            return import_page(&state, &ctx, StatusCode::BAD_REQUEST, None, &problems, None);
        }
        Err(e) => return refuse(StatusCode::BAD_REQUEST, t.with("admin-import-broken", "detail", e)),
    };
    let source = format!("unggahan {}", name.chars().take(200).collect::<String>());
    match state.store.import_catalog_by(&admin.id, &source, &entries, now, |_| {}).await {
        Ok(outcome) => {
            state.catalog_changed();
            import_page(&state, &ctx, StatusCode::OK, None, &[], Some((outcome, entries.len())))
        }
        Err(ImportRejected::Problems(problems)) => {
            import_page(&state, &ctx, StatusCode::BAD_REQUEST, None, &problems, None)
        }
        Err(ImportRejected::Store(e)) => Err(internal(&ctx, e)),
    }
}

/// The `format` parameter: `csv` (the default) or `xlsx`.
fn requested_format(ctx: &PageCtx, raw: Option<&str>) -> Result<Format, PageError> {
    let params = pairs(raw);
    match params.iter().find(|(k, _)| k == "format").map(|(_, v)| v.as_str()) {
        None | Some("csv") => Ok(Format::Csv),
        Some("xlsx") => Ok(Format::Xlsx),
        Some(other) => Err(PageError::bad_request(ctx.lang, format!("format: '{other}' (csv, xlsx)"))),
    }
}

fn download(ctx: &PageCtx, stem: &str, format: Format, bytes: Result<Vec<u8>, InterchangeError>) -> Response {
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(e) => return internal(ctx, e).into_response(),
    };
    let (ext, content_type) = match format {
        Format::Csv => ("csv", "text/csv; charset=utf-8"),
        Format::Xlsx => ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    };
    let file = format!("{stem}-{}.{ext}", Utc::now().format("%Y%m%d"));
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")),
            // Back-office data: never kept by a shared cache.
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// `/admin/ekspor?format=csv|xlsx`: the whole catalog, in the format the import reads.
pub async fn export_catalog(
    State(state): State<AppState>,
    ctx: PageCtx,
    _admin: Admin,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let format = requested_format(&ctx, raw.as_deref())?;
    let services = state.store.all_services().await.map_err(|e| internal(&ctx, e))?;
    Ok(download(&ctx, "katalog", format, interchange::write_catalog_bytes(&services, format)))
}

/// `/admin/ekspor/opd?format=csv|xlsx`: every agency, in the format `import agencies` reads.
pub async fn export_agencies(
    State(state): State<AppState>,
    ctx: PageCtx,
    _admin: Admin,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let format = requested_format(&ctx, raw.as_deref())?;
    let agencies: Vec<_> =
        state.store.list_agencies().await.map_err(|e| internal(&ctx, e))?.into_iter().map(|a| a.agency).collect();
    Ok(download(&ctx, "opd", format, interchange::write_agencies_bytes(&agencies, format)))
}
