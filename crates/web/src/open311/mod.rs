//! Open311 GeoReport v2 at `/open311/v2`: the city's complaint services for the civic apps
//! that speak the standard (discovery, services and their definitions, filing a report with
//! an API key, querying reports and their updates), in XML and JSON.
//!
//! What is offered: the active complaint services that satupintu or an agency system works
//! (the services guests may file) whose form needs no uploaded file. A report is public in
//! Open311 by design, so what it shows is chosen with care: every listed request shows its
//! code, service, agency, status and dates, but its description, place, photo link and status
//! notes only when it was filed through Open311 itself — a complaint made on the portal (or a
//! whistle-blower's report) never has its words published here.

mod params;
mod reports;
mod services;
mod wire;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use chrono::{DateTime, FixedOffset, Utc};
use domain::request::{BOGOR_UTC_OFFSET_HOURS, FieldKind, FormField, RequestStatus};
use store::ServiceFilter;

use crate::requests::{Applicable, ApplyError, COMPLAINT_CATEGORY, applicable};
use crate::state::AppState;
pub use wire::{Failure, Format};

/// The routes, served without the portal's cross-site guard: other sites' apps call them.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/open311/v2/{file}", get(root_get).post(reports::create))
        .route("/open311/v2/services/{file}", get(services::definition))
        .route("/open311/v2/requests/{file}", get(reports::one))
        .route("/open311/v2/tokens/{file}", get(reports::token))
}

async fn root_get(
    state: axum::extract::State<AppState>,
    path: axum::extract::Path<String>,
    query: axum::extract::RawQuery,
) -> axum::response::Response {
    let Some((name, format)) = Format::split(&path) else { return unknown_resource() };
    match name {
        "discovery" => services::discovery(&state, format),
        "services" => services::list(&state, format, query.0.as_deref()).await,
        "requests" => reports::list(&state, format, query.0.as_deref()).await,
        "servicerequestupdates" => reports::updates(&state, format, query.0.as_deref()).await,
        _ => Failure::not_found(format!("sumber '{name}' tidak ada di GeoReport v2")).respond(format),
    }
}

/// A path that names no resource, or a format other than `.xml`/`.json` (answered in XML,
/// the one format every client reads).
fn unknown_resource() -> axum::response::Response {
    Failure::not_found("sumber tidak dikenal: gunakan .xml atau .json di akhir alamat").respond(Format::Xml)
}

/// A service as Open311 offers it: its form, split into what the standard's own parameters
/// carry (the description, the point) and the rest (the attributes).
pub struct Offered {
    pub target: Applicable,
    /// The form field the `description` parameter fills: the first long text.
    pub description_field: Option<FormField>,
    /// The form field `lat` and `long` fill: the first location.
    pub location_field: Option<FormField>,
}

impl Offered {
    fn new(target: Applicable) -> Option<Self> {
        let fields = target.form.fields();
        // An Open311 client cannot upload a file; a form that needs one is filed on the portal.
        if fields.iter().any(|f| f.kind == FieldKind::File && f.required) {
            return None;
        }
        if !target.takes_guests() {
            return None;
        }
        let first = |kind: FieldKind| fields.iter().find(|f| f.kind == kind).cloned();
        let description_field = first(FieldKind::LongText);
        let location_field = first(FieldKind::Location);
        Some(Self { target, description_field, location_field })
    }

    /// The form fields sent as `attribute[CODE]`, in the form's order.
    pub fn attributes(&self) -> impl Iterator<Item = &FormField> {
        let mapped = |f: &FormField| {
            Some(&f.key) == self.description_field.as_ref().map(|d| &d.key)
                || Some(&f.key) == self.location_field.as_ref().map(|l| &l.key)
        };
        self.target.form.fields().iter().filter(move |f| f.kind != FieldKind::File && !mapped(f))
    }

    pub fn code(&self) -> &str {
        self.target.service.service.code.as_str()
    }
}

/// The service behind `code` if Open311 offers it; otherwise the spec's 404.
pub async fn offered_one(state: &AppState, code: &str) -> Result<Offered, Failure> {
    let unknown = || Failure::not_found(format!("service_code '{code}' tidak dikenal"));
    match applicable(state, code).await {
        Ok(target) => Offered::new(target).ok_or_else(unknown),
        Err(ApplyError::Store(e)) => Err(internal(&e)),
        Err(_) => Err(unknown()),
    }
}

/// Every service Open311 offers, in the catalog's order.
pub async fn offered_all(state: &AppState) -> Result<Vec<Offered>, Failure> {
    let slug = domain::text::slugify(COMPLAINT_CATEGORY);
    let filter = ServiceFilter { category: Some(slug), ..ServiceFilter::default() };
    let mut offered = Vec::new();
    for number in 1.. {
        let page = state
            .catalog
            .list_services(&filter, store::Page::new(number, store::Page::MAX_SIZE))
            .await
            .map_err(|e| internal(&e))?;
        for summary in &page.items {
            if let Ok(target) = applicable(state, summary.code.as_str()).await
                && let Some(service) = Offered::new(target)
            {
                offered.push(service);
            }
        }
        if (number * store::Page::MAX_SIZE) >= page.total {
            break;
        }
    }
    Ok(offered)
}

/// A failure of ours, logged; the client sees the spec's generic 400 ("CRM is down").
pub fn internal(error: &dyn std::fmt::Display) -> Failure {
    tracing::error!(%error, "open311");
    Failure::bad("layanan sedang bermasalah, coba lagi nanti")
}

/// Our status in Open311's two: `closed` once it is final.
pub fn open_or_closed(status: &str) -> &'static str {
    match RequestStatus::parse(status) {
        Ok(s) if s.is_final() => "closed",
        _ => "open",
    }
}

/// Our statuses that make up an Open311 status.
pub fn statuses_of(open311: &str) -> Option<Vec<&'static str>> {
    let closed = match open311 {
        "open" => false,
        "closed" => true,
        _ => return None,
    };
    Some(RequestStatus::ALL.iter().filter(|s| s.is_final() == closed).map(|s| s.as_str()).collect())
}

/// A time as W3C datetime in the city's zone (`2026-11-30T09:15:00+07:00`).
pub fn w3c(at: DateTime<Utc>) -> String {
    let zone = FixedOffset::east_opt(BOGOR_UTC_OFFSET_HOURS * 3600).unwrap_or_else(|| unreachable!("+07:00 is valid"));
    at.with_timezone(&zone).to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// The jurisdiction a lone city answers to: the host of its public address.
pub fn jurisdiction(state: &AppState) -> String {
    url::Url::parse(&state.settings.public_url).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default()
}

/// `jurisdiction_id` is optional for a single city, but a wrong one is the spec's 404.
pub fn check_jurisdiction(state: &AppState, given: Option<&str>) -> Result<(), Failure> {
    match given {
        Some(id) if id != jurisdiction(state) => Err(Failure::new(
            StatusCode::NOT_FOUND,
            format!("jurisdiction_id '{id}' tidak dikenal; endpoint ini melayani {}", jurisdiction(state)),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_statuses_are_closed_and_the_rest_open() {
        assert_eq!(open_or_closed("diajukan"), "open");
        assert_eq!(open_or_closed("perlu_perbaikan"), "open");
        assert_eq!(open_or_closed("selesai"), "closed");
        assert_eq!(open_or_closed("ditolak"), "closed");
        assert_eq!(open_or_closed("dibatalkan"), "closed");
        let open = statuses_of("open").unwrap();
        let closed = statuses_of("closed").unwrap();
        assert_eq!(open.len() + closed.len(), RequestStatus::ALL.len());
        assert!(closed.contains(&"selesai") && !open.contains(&"selesai"));
        assert_eq!(statuses_of("pending"), None);
    }

    #[test]
    fn times_are_given_in_the_citys_zone() {
        let at = DateTime::parse_from_rfc3339("2026-11-30T02:15:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(w3c(at), "2026-11-30T09:15:00+07:00");
    }
}
