//! `/api/v1/requests`: apply for a service, follow a request, cancel it.
//!
//! Anyone with a tracking code sees where a request stands (status, service, dates); only
//! its owner, signed in, sees the answers and the notes.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_TYPE, LOCATION};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use domain::request::{Actor, AnswerProblem, RequestStatus, TrackingCode};
use serde::{Deserialize, Serialize};
use store::requests::RequestRecord;

use crate::auth::caller::ApiCaller;
use crate::error::{ApiError, ParamProblem};
use crate::requests::{Applicant, ApplyError, answers_from_json, applicable, apply};
use crate::requests::{ChangeError, change_status};
use crate::state::AppState;

/// An application.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitBody {
    /// The service's code, e.g. `KTP-EL`.
    pub service: String,
    /// The form's answers by field key: a string or number, or a list for several values.
    #[serde(default)]
    pub answers: serde_json::Map<String, serde_json::Value>,
    /// For complaints without an account: who to reach.
    #[serde(default)]
    pub guest: Option<GuestBody>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GuestBody {
    pub name: String,
    /// An e-mail address or phone number.
    pub contact: String,
}

/// What an application returns: the code to follow it with.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Submitted {
    pub tracking_code: String,
    pub status: String,
    pub submitted_at: String,
    /// The deadline (`YYYY-MM-DD`) in working days, when the service states its duration.
    pub deadline: Option<String>,
}

/// One step in a request's history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HistoryItem {
    pub at: String,
    pub status: Option<String>,
    /// Only for the request's owner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Where a request stands.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RequestView {
    pub tracking_code: String,
    pub service_code: String,
    pub service_name: String,
    pub agency_code: String,
    pub agency_name: String,
    pub status: String,
    pub submitted_at: String,
    pub updated_at: String,
    pub deadline: Option<String>,
    pub history: Vec<HistoryItem>,
    /// The answers (only for the request's owner).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub answers: Option<serde_json::Value>,
}

fn rfc3339(at: chrono::DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn problems(list: Vec<AnswerProblem>) -> ApiError {
    ApiError::InvalidBody(list.into_iter().map(|p| ParamProblem { parameter: p.key, reason: p.reason }).collect())
}

fn body_problem(parameter: &str, reason: impl Into<String>) -> ApiError {
    ApiError::InvalidBody(vec![ParamProblem { parameter: parameter.into(), reason: reason.into() }])
}

pub(crate) fn json_body<T: serde::de::DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<T, ApiError> {
    let json = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json")));
    if !json {
        return Err(ApiError::UnsupportedBody("kirim isi sebagai application/json".into()));
    }
    serde_json::from_slice(body).map_err(|e| {
        ApiError::InvalidParameters(vec![ParamProblem {
            parameter: "body".into(),
            reason: format!("JSON tidak dapat dibaca: {e}"),
        }])
    })
}

/// Apply for a service.
#[utoipa::path(
    post,
    path = "/api/v1/requests",
    operation_id = "submitRequest",
    tag = "permohonan",
    request_body = SubmitBody,
    responses(
        (status = 201, description = "Stored; follow it with the tracking code", body = Submitted),
        (status = 401, description = "The service needs an account (or the token is bad)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such service", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The service is retired, or is applied for in the agency's own application", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 400, description = "The body is not readable JSON of this shape", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Answers that cannot be used, every one listed", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
pub async fn submit(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: SubmitBody = json_body(&headers, &body)?;
    let target = match applicable(&state, &body.service).await {
        Ok(t) => t,
        Err(ApplyError::UnknownService) => return Err(ApiError::not_found("layanan", body.service)),
        Err(ApplyError::Retired) => return Err(ApiError::Conflict("layanan ini sudah dihentikan".into())),
        Err(ApplyError::Elsewhere) => {
            return Err(ApiError::Conflict("layanan ini diajukan melalui aplikasi OPD-nya sendiri".into()));
        }
        Err(e) => return Err(ApiError::Internal(e.to_string())),
    };
    let who = match (caller, body.guest) {
        (Some(user), _) => Applicant::Person { user_id: user.id },
        (None, Some(guest)) => Applicant::Guest { name: guest.name, contact: guest.contact },
        (None, None) => return Err(ApiError::Unauthorized("masuk dulu, atau isi data tamu untuk pengaduan")),
    };
    let answers = answers_from_json(&body.answers).map_err(problems)?;
    let (submitted, deadline) = match apply(&state, &target, who, &answers, "api").await {
        Ok(done) => done,
        Err(ApplyError::Answers(list)) => return Err(problems(list)),
        Err(ApplyError::NeedsAccount) => {
            return Err(ApiError::Unauthorized("layanan ini hanya untuk pemilik akun; masuk dulu"));
        }
        Err(ApplyError::Guest(reason)) => return Err(body_problem("guest", reason)),
        Err(e) => return Err(ApiError::Internal(e.to_string())),
    };
    let location = format!("/api/v1/requests/{}", submitted.tracking_code);
    let body = Submitted {
        tracking_code: submitted.tracking_code,
        status: RequestStatus::Submitted.as_str().into(),
        submitted_at: rfc3339(submitted.submitted_at),
        deadline: deadline.map(|d| d.format("%Y-%m-%d").to_string()),
    };
    Ok((StatusCode::CREATED, [(LOCATION, location)], Json(body)).into_response())
}

/// A tracking code as typed, or a 400 saying what is wrong with it.
fn tracking(raw: &str) -> Result<TrackingCode, ApiError> {
    TrackingCode::parse(raw).map_err(|e| {
        ApiError::InvalidParameters(vec![ParamProblem { parameter: "kode".into(), reason: e.to_string() }])
    })
}

async fn view(state: &AppState, record: RequestRecord, owner: bool) -> Result<RequestView, ApiError> {
    let events = state.store.request_events(&record.id, false).await?;
    Ok(view_of(record, events, owner))
}

fn view_of(record: RequestRecord, events: Vec<store::requests::RequestEvent>, owner: bool) -> RequestView {
    let history = events
        .into_iter()
        .filter(|e| owner || e.to_status.is_some())
        .map(|e| HistoryItem { at: rfc3339(e.at), status: e.to_status, note: if owner { e.note } else { None } })
        .collect();
    RequestView {
        answers: if owner { serde_json::from_str(&record.answers).ok() } else { None },
        tracking_code: record.tracking_code,
        service_code: record.service_code,
        service_name: record.service_name,
        agency_code: record.agency_code,
        agency_name: record.agency_name,
        status: record.status,
        submitted_at: rfc3339(record.submitted_at),
        updated_at: rfc3339(record.updated_at),
        deadline: record.deadline,
        history,
    }
}

/// Where a request stands (answers and notes only for its owner).
#[utoipa::path(
    get,
    path = "/api/v1/requests/{code}",
    operation_id = "getRequest",
    tag = "permohonan",
    params(("code" = String, Path, description = "Tracking code, e.g. `BGR-7KQ4-M2X` (case and dashes are forgiven)")),
    responses(
        (status = 200, description = "The request", body = RequestView),
        (status = 400, description = "Not a tracking code (the reason names the wrong character)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No request with that code", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
pub async fn show(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(raw): Path<String>,
) -> Result<Json<RequestView>, ApiError> {
    let code = tracking(&raw)?;
    // The most frequent call of all (apps poll it): served from the per-process look-up.
    let found = state
        .lookups
        .get(&state, code.as_str())
        .await?
        .ok_or_else(|| ApiError::not_found("permohonan", code.as_str()))?;
    let (record, events) = (*found).clone();
    let owner = caller.is_some_and(|u| record.user_id.as_deref() == Some(u.id.as_str()));
    Ok(Json(view_of(record, events, owner)))
}

/// The caller's own requests, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/requests",
    operation_id = "listMyRequests",
    tag = "permohonan",
    responses(
        (status = 200, description = "The caller's requests", body = Vec<RequestView>),
        (status = 401, description = "Not signed in", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
pub async fn mine(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<Vec<RequestView>>, ApiError> {
    let user = caller.ok_or(ApiError::Unauthorized("masuk dulu untuk melihat permohonan Anda"))?;
    let records = state.store.requests_of(&user.id, 100).await?;
    let mut views = Vec::with_capacity(records.len());
    for record in records {
        views.push(view(&state, record, true).await?);
    }
    Ok(Json(views))
}

/// Cancel one's own request while it is still `diajukan`.
#[utoipa::path(
    post,
    path = "/api/v1/requests/{code}/cancel",
    operation_id = "cancelRequest",
    tag = "permohonan",
    params(("code" = String, Path, description = "Tracking code")),
    responses(
        (status = 200, description = "Cancelled", body = RequestView),
        (status = 401, description = "Not signed in", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not one of the caller's requests", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "No longer cancellable", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
pub async fn cancel(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(raw): Path<String>,
) -> Result<Json<RequestView>, ApiError> {
    let user = caller.ok_or(ApiError::Unauthorized("masuk dulu"))?;
    let code = tracking(&raw)?;
    // Someone else's request is "not found" for this caller: the query checks ownership.
    let record = state
        .store
        .own_request(&user.id, code.as_str())
        .await?
        .ok_or_else(|| ApiError::not_found("permohonan", code.as_str()))?;
    let from = RequestStatus::parse(&record.status).map_err(|e| ApiError::Internal(e.to_string()))?;
    match change_status(&state, &record, from, RequestStatus::Cancelled, (Actor::Citizen, &user.id), None).await {
        Ok(()) => {}
        Err(ChangeError::Refused(e)) => return Err(ApiError::Conflict(e.to_string())),
        Err(ChangeError::Moved) => return Err(ApiError::Conflict("status permohonan baru saja berubah".into())),
        Err(ChangeError::NotFound) => return Err(ApiError::not_found("permohonan", code.as_str())),
        Err(ChangeError::Store(e)) => return Err(e.into()),
    }
    let record = state
        .store
        .request_by_code(code.as_str())
        .await?
        .ok_or_else(|| ApiError::not_found("permohonan", code.as_str()))?;
    Ok(Json(view(&state, record, true).await?))
}
