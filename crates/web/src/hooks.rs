//! Agency systems and satupintu talk over signed HTTP: deliveries of requests go out signed,
//! and status reports come back to `/hooks/agency/{agency}` signed with the same secret.
//!
//! The signature is `X-Satupintu-Signature: t=UNIX,v1=HEX` with HEX the HMAC-SHA256 of
//! `"{t}.{body}"` under the agency's secret; a report older or newer than five minutes is
//! refused, so a captured one cannot be replayed later.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use domain::request::{Actor, RequestStatus, TrackingCode};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

use crate::error::{ApiError, ParamProblem};
use crate::requests::{ChangeError, change_status};
use crate::state::AppState;

pub const SIGNATURE_HEADER: &str = "x-satupintu-signature";
/// How far a signature's time may be from ours.
const TOLERANCE_SECONDS: i64 = 300;

fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> Option<Hmac<Sha256>> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).ok()?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Some(mac)
}

/// The signature header value for `body` at `timestamp`.
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let hex: String =
        mac(secret, timestamp, body).map(|m| domain::chain::hex(&m.finalize().into_bytes())).unwrap_or_default();
    format!("t={timestamp},v1={hex}")
}

/// Whether `header` signs `body` under `secret`, recently.
pub fn verify(secret: &[u8], header: &str, body: &[u8], now: i64) -> bool {
    let mut timestamp = None;
    let mut signature = None;
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => timestamp = v.parse::<i64>().ok(),
            Some(("v1", v)) => signature = Some(v),
            _ => {}
        }
    }
    let (Some(t), Some(hex)) = (timestamp, signature) else { return false };
    if (now - t).abs() > TOLERANCE_SECONDS || hex.len() != 64 {
        return false;
    }
    let Some(bytes) =
        (0..32).map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()).collect::<Option<Vec<u8>>>()
    else {
        return false;
    };
    mac(secret, t, body).is_some_and(|m| m.verify_slice(&bytes).is_ok())
}

/// The owner a secret is sealed for.
pub fn seal_owner(agency: &str) -> String {
    format!("agency-endpoint:{agency}")
}

/// A status report from an agency's system.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    pub tracking_code: String,
    /// The new status (`diterima`, `diproses`, `perlu_perbaikan`, `selesai`, `ditolak`).
    pub status: String,
    /// What the person is told (required for `ditolak` and `perlu_perbaikan`).
    #[serde(default)]
    pub note: Option<String>,
}

fn problem(parameter: &str, reason: impl Into<String>) -> ApiError {
    ApiError::InvalidBody(vec![ParamProblem { parameter: parameter.into(), reason: reason.into() }])
}

/// `POST /hooks/agency/{agency}`: an agency's system reports a request's new status.
pub async fn agency_report(
    State(state): State<AppState>,
    Path(agency): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let refused = || ApiError::Unauthorized("tanda tangan tidak sah atau kedaluwarsa");
    let agency = agency.to_uppercase();
    let (_, sealed) = state.store.agency_endpoint(&agency).await?.ok_or_else(refused)?;
    let secret = state.settings.sealer.open(&sealed, &seal_owner(&agency)).ok_or_else(refused)?;
    let header = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok()).ok_or_else(refused)?;
    if !verify(secret.as_bytes(), header, &body, Utc::now().timestamp()) {
        return Err(refused());
    }
    let report: Report =
        serde_json::from_slice(&body).map_err(|e| problem("body", format!("JSON tidak dapat dibaca: {e}")))?;
    let code = TrackingCode::parse(&report.tracking_code).map_err(|e| problem("tracking_code", e.to_string()))?;
    let to = RequestStatus::parse(&report.status).map_err(|e| problem("status", e.to_string()))?;
    // Only this agency's requests: another's is not found.
    let (record, _) = state
        .store
        .agency_request(std::slice::from_ref(&agency), code.as_str())
        .await?
        .ok_or_else(|| ApiError::not_found("permohonan", code.as_str()))?;
    let from = RequestStatus::parse(&record.status).map_err(|e| ApiError::Internal(e.to_string()))?;
    let note = report.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if from == to {
        // A report repeated (a retry on their side) changes nothing and is fine.
        return Ok(Json(serde_json::json!({"tracking_code": code.as_str(), "status": to.as_str()})).into_response());
    }
    let actor = format!("opd:{agency}");
    match change_status(&state, &record, from, to, (Actor::Operator, &actor), note).await {
        Ok(()) => Ok(Json(serde_json::json!({"tracking_code": code.as_str(), "status": to.as_str()})).into_response()),
        Err(ChangeError::Refused(e)) => Err(ApiError::Conflict(e.to_string())),
        Err(ChangeError::Moved) => Err(ApiError::Conflict("status permohonan baru saja berubah".into())),
        Err(ChangeError::NotFound) => Err(ApiError::not_found("permohonan", code.as_str())),
        Err(ChangeError::Store(e)) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures() {
        let header = sign(b"rahasia", 1_700_000_000, b"{\"a\":1}");
        assert!(header.starts_with("t=1700000000,v1="));
        assert!(verify(b"rahasia", &header, b"{\"a\":1}", 1_700_000_100));
        assert!(!verify(b"rahasia", &header, b"{\"a\":2}", 1_700_000_100), "body changed");
        assert!(!verify(b"lain", &header, b"{\"a\":1}", 1_700_000_100), "other secret");
        assert!(!verify(b"rahasia", &header, b"{\"a\":1}", 1_700_001_000), "too old");
        assert!(!verify(b"rahasia", "t=x,v1=zz", b"", 0));
    }
}
