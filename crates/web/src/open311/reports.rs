//! Filing a report (`POST requests`), querying reports (`GET requests`, `requests/{id}`),
//! resolving a token, and the status updates (`servicerequestupdates`, FixMyStreet's).

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use domain::request::{RawAnswers, TrackingCode};
use store::requests::{Report, ReportQuery, ReportRow, ReportUpdate};

use super::params::Params;
use super::wire::{ApiError, Failure, Format, Node, respond};
use super::{Offered, check_jurisdiction, internal, offered_all, offered_one, open_or_closed, statuses_of, w3c};
use crate::requests::{Applicant, ApplyError, apply_with};
use crate::state::AppState;

/// The spec's limit on a report's description.
const MAX_DESCRIPTION_CHARS: usize = 4_000;
const MAX_FIELD_CHARS: usize = 200;
const MAX_URL_CHARS: usize = 2_000;

/// `POST requests.{fmt}`: files a report with an application's API key.
pub async fn create(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let Some(("requests", format)) = Format::split(&file) else {
        return match Format::split(&file) {
            Some((_, format)) => Failure::not_found("hanya requests yang dapat dikirim dengan POST").respond(format),
            None => super::unknown_resource(),
        };
    };
    let params = Params::parse(&body);
    // Some clients put the key in the address; the body wins when both have it.
    let in_query = Params::from_query(query.as_deref());
    let key = params.get("api_key").or_else(|| in_query.get("api_key"));
    match file_report(&state, &params, key).await {
        Ok(body) => respond(format, StatusCode::OK, "service_requests", &body),
        Err(f) => f.respond(format),
    }
}

async fn file_report(state: &AppState, p: &Params, key: Option<&str>) -> Result<Node, Failure> {
    let Some(key) = key else {
        return Err(Failure::new(StatusCode::FORBIDDEN, "api_key wajib untuk mengirim laporan"));
    };
    let app = match state.store.api_key_by_hash(&crate::api_keys::hash(key)).await {
        Ok(Some(app)) => app,
        Ok(None) => return Err(Failure::new(StatusCode::FORBIDDEN, "api_key tidak valid atau sudah dicabut")),
        Err(e) => return Err(internal(&e)),
    };
    check_jurisdiction(state, p.get("jurisdiction_id"))?;
    let code = p.get("service_code").ok_or_else(|| Failure::bad("service_code wajib diisi"))?;
    let offered = offered_one(state, code).await?;
    let report = checked_report(p, app.id)?;
    let answers = answers(&offered, p, &report)?;
    let name = match (p.get("first_name"), p.get("last_name")) {
        (None, None) => format!("Pelapor lewat {}", app.name),
        (first, last) => [first, last].into_iter().flatten().collect::<Vec<_>>().join(" "),
    };
    let contact = report_contact(p)?;
    let who = Applicant::Reporter { name, contact };
    match apply_with(state, &offered.target, who, &answers, "open311", Some(report)).await {
        Ok((submitted, deadline)) => {
            let notice = notice(deadline);
            Ok(Node::List(
                "request",
                vec![Node::Object(vec![
                    ("service_request_id", Node::text(submitted.tracking_code)),
                    ("service_notice", Node::text(notice)),
                    ("account_id", Node::opt_text(p.get("account_id"))),
                ])],
            ))
        }
        Err(ApplyError::Answers(problems)) => Err(Failure {
            status: StatusCode::BAD_REQUEST,
            errors: problems
                .into_iter()
                .map(|problem| ApiError {
                    code: 400,
                    description: format!("{}: {}", parameter_of(&offered, &problem.key), problem.reason),
                })
                .collect(),
        }),
        Err(ApplyError::Guest(reason)) => Err(Failure::bad(reason)),
        Err(ApplyError::Store(e)) => Err(internal(&e)),
        Err(e) => Err(Failure::not_found(format!("service_code '{code}' tidak menerima laporan: {e}"))),
    }
}

/// The parameter a form field is sent as.
fn parameter_of(offered: &Offered, key: &str) -> String {
    if offered.description_field.as_ref().is_some_and(|f| f.key == key) {
        "description".into()
    } else if offered.location_field.as_ref().is_some_and(|f| f.key == key) {
        "lat/long".into()
    } else {
        format!("attribute[{key}]")
    }
}

/// The person's e-mail (checked) or phone, if they gave one.
fn report_contact(p: &Params) -> Result<Option<String>, Failure> {
    if let Some(email) = p.get("email") {
        return domain::identity::Email::parse(email)
            .map(|e| Some(e.as_str().to_string()))
            .map_err(|_| Failure::bad(format!("email '{email}' bukan alamat surel yang valid")));
    }
    match p.get("phone") {
        Some(phone) if phone.chars().count() > 30 => Err(Failure::bad("phone terlalu panjang")),
        phone => Ok(phone.map(str::to_string)),
    }
}

/// A degree value within its bounds, as the text to keep.
fn degrees(name: &str, value: &str, bound: f64) -> Result<String, Failure> {
    match value.parse::<f64>() {
        Ok(d) if d.is_finite() && d.abs() <= bound && value.len() <= 24 => Ok(value.to_string()),
        _ => {
            Err(Failure::bad(format!("{name} harus angka derajat WGS84 antara -{bound} dan {bound}, bukan '{value}'")))
        }
    }
}

/// The standard parameters, each checked; every problem is listed at once.
fn checked_report(p: &Params, api_key_id: String) -> Result<Report, Failure> {
    let mut errors = Vec::new();
    let mut text = |name: &str, max: usize| -> Option<String> {
        let value = p.get(name)?;
        if value.chars().count() > max {
            errors.push(ApiError {
                code: 400,
                description: format!("{name} terlalu panjang (paling banyak {max} karakter)"),
            });
            return None;
        }
        Some(domain::text::tidy(value))
    };
    let description = text("description", MAX_DESCRIPTION_CHARS);
    let address = text("address_string", MAX_FIELD_CHARS);
    let address_id = text("address_id", MAX_FIELD_CHARS);
    let zipcode = text("zipcode", 20);
    let device_id = text("device_id", MAX_FIELD_CHARS);
    let account_id = text("account_id", MAX_FIELD_CHARS);
    let media_url = text("media_url", MAX_URL_CHARS);
    let (lat, long) = match (p.get("lat"), p.get("long")) {
        (Some(lat), Some(long)) => match (degrees("lat", lat, 90.0), degrees("long", long, 180.0)) {
            (Ok(lat), Ok(long)) => (Some(lat), Some(long)),
            (lat, long) => {
                errors.extend([lat.err(), long.err()].into_iter().flatten().flat_map(|f| f.errors));
                (None, None)
            }
        },
        (None, None) => (None, None),
        _ => {
            errors.push(ApiError { code: 400, description: "lat dan long harus dikirim bersama".into() });
            (None, None)
        }
    };
    if let Some(url) = &media_url
        && !url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
    {
        errors.push(ApiError { code: 400, description: format!("media_url '{url}' bukan alamat http(s)") });
    }
    if errors.is_empty() && lat.is_none() && address.is_none() && address_id.is_none() {
        errors.push(ApiError {
            code: 400,
            description: "lokasi wajib diisi: lat dan long, address_string, atau address_id".into(),
        });
    }
    if !errors.is_empty() {
        return Err(Failure { status: StatusCode::BAD_REQUEST, errors });
    }
    Ok(Report {
        api_key_id: Some(api_key_id),
        description,
        lat,
        long,
        address,
        address_id,
        zipcode,
        media_url,
        device_id,
        account_id,
    })
}

/// The form's answers: `attribute[CODE]` (`attribute[CODE][]` for several values), with the
/// description and the point put in the fields they map to.
fn answers(offered: &Offered, p: &Params, report: &Report) -> Result<RawAnswers, Failure> {
    let known: Vec<&str> = offered.attributes().map(|f| f.key.as_str()).collect();
    let mut raw: RawAnswers = BTreeMap::new();
    let mut errors = Vec::new();
    for (name, value) in p.iter() {
        let Some(inner) = name.strip_prefix("attribute[") else { continue };
        let code = inner.strip_suffix("][]").or_else(|| inner.strip_suffix(']')).unwrap_or(inner);
        if known.contains(&code) {
            raw.entry(code.to_string()).or_default().push(value.to_string());
        } else {
            errors.push(ApiError {
                code: 400,
                description: format!("attribute[{code}] tidak ada dalam definisi layanan {}", offered.code()),
            });
        }
    }
    if !errors.is_empty() {
        return Err(Failure { status: StatusCode::BAD_REQUEST, errors });
    }
    if let (Some(field), Some(description)) = (&offered.description_field, &report.description) {
        raw.insert(field.key.clone(), vec![description.clone()]);
    }
    if let (Some(field), Some(lat), Some(long)) = (&offered.location_field, &report.lat, &report.long) {
        raw.insert(field.key.clone(), vec![format!("{lat},{long}")]);
    }
    Ok(raw)
}

fn notice(deadline: Option<NaiveDate>) -> String {
    let keep = "Simpan nomor laporan ini untuk memantau tindak lanjutnya.";
    match deadline {
        Some(d) => format!("{keep} Perkiraan selesai paling lambat {}.", d.format("%d-%m-%Y")),
        None => keep.to_string(),
    }
}

/// `GET requests.{fmt}`: reports in a window, newest first.
pub async fn list(state: &AppState, format: Format, query: Option<&str>) -> Response {
    match query_reports(state, &Params::from_query(query)).await {
        Ok(rows) => respond(format, StatusCode::OK, "service_requests", &requests(&rows)),
        Err(f) => f.respond(format),
    }
}

async fn query_reports(state: &AppState, p: &Params) -> Result<Vec<ReportRow>, Failure> {
    check_jurisdiction(state, p.get("jurisdiction_id"))?;
    let offered = offered_all(state).await?;
    let all: Vec<String> = offered.iter().map(|o| o.code().to_string()).collect();
    let (limit, offset) = p.page()?;
    let (from, to) = p.window(Utc::now())?;
    let mut query =
        ReportQuery { service_codes: all.clone(), tracking_codes: None, from, to, statuses: Vec::new(), limit, offset };
    if let Some(ids) = p.list("service_request_id") {
        let codes = ids
            .iter()
            .map(|id| TrackingCode::parse(id).map(|c| c.as_str().to_string()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| Failure::bad(format!("service_request_id: {e}")))?;
        query.tracking_codes = Some(codes);
    } else {
        if let Some(codes) = p.list("service_code") {
            let unknown: Vec<&String> = codes.iter().filter(|c| !all.contains(c)).collect();
            if let Some(first) = unknown.first() {
                return Err(Failure::not_found(format!("service_code '{first}' tidak dikenal")));
            }
            query.service_codes = codes;
        }
        if let Some(statuses) = p.list("status") {
            for status in &statuses {
                let ours = statuses_of(status).ok_or_else(|| {
                    Failure::bad(format!("status '{status}' tidak dikenal; gunakan open atau closed"))
                })?;
                query.statuses.extend(ours.into_iter().map(str::to_string));
            }
        }
    }
    state.store.report_rows(&query).await.map_err(|e| internal(&e))
}

/// `GET requests/{id}.{fmt}`: one report, as a list of one.
pub async fn one(State(state): State<AppState>, Path(file): Path<String>, RawQuery(query): RawQuery) -> Response {
    let Some((id, format)) = Format::split(&file) else { return super::unknown_resource() };
    let p = Params::from_query(query.as_deref());
    let found = async {
        check_jurisdiction(&state, p.get("jurisdiction_id"))?;
        // A mistyped code cannot name a request: not found, with what is wrong with it.
        let code =
            TrackingCode::parse(id).map_err(|e| Failure::not_found(format!("service_request_id '{id}': {e}")))?;
        // One request: its own service is checked, not the whole offered list built.
        let not_found = || Failure::not_found(format!("service_request_id '{id}' tidak ditemukan"));
        let record =
            state.store.request_by_code(code.as_str()).await.map_err(|e| internal(&e))?.ok_or_else(not_found)?;
        offered_one(&state, &record.service_code).await.map_err(|_| not_found())?;
        let now = Utc::now();
        let query = ReportQuery {
            service_codes: vec![record.service_code],
            tracking_codes: Some(vec![code.as_str().to_string()]),
            from: now,
            to: now,
            statuses: Vec::new(),
            limit: 1,
            offset: 0,
        };
        let rows = state.store.report_rows(&query).await.map_err(|e| internal(&e))?;
        if rows.is_empty() {
            return Err(not_found());
        }
        Ok(rows)
    };
    match found.await {
        Ok(rows) => respond(format, StatusCode::OK, "service_requests", &requests(&rows)),
        Err(f) => f.respond(format),
    }
}

fn requests(rows: &[ReportRow]) -> Node {
    Node::List("request", rows.iter().map(request).collect())
}

fn request(row: &ReportRow) -> Node {
    let r = &row.request;
    let report = row.report.as_ref();
    let closed = open_or_closed(&r.status) == "closed";
    let degrees = |v: Option<&String>| v.and_then(|d| d.parse::<f64>().ok()).map_or(Node::Null, Node::Degrees);
    let from_report = |pick: fn(&Report) -> &Option<String>| Node::opt_text(report.and_then(|rp| pick(rp).clone()));
    // The deadline is a working day; the request is due by its end, in the city's time.
    let expected = r.deadline.as_deref().map(|d| format!("{d}T23:59:59+07:00"));
    Node::Object(vec![
        ("service_request_id", Node::text(r.tracking_code.clone())),
        ("status", Node::text(if closed { "closed" } else { "open" })),
        // Notes are written to the person; they are public only for reports filed here.
        ("status_notes", Node::opt_text(report.and(row.status_note.clone()))),
        ("service_name", Node::text(r.service_name.clone())),
        ("service_code", Node::text(r.service_code.clone())),
        ("description", from_report(|rp| &rp.description)),
        ("agency_responsible", Node::text(r.agency_name.clone())),
        ("service_notice", Node::Null),
        ("requested_datetime", Node::text(w3c(r.submitted_at))),
        ("updated_datetime", Node::text(w3c(r.closed_at.filter(|_| closed).unwrap_or(r.updated_at)))),
        ("expected_datetime", Node::opt_text(expected)),
        ("address", from_report(|rp| &rp.address)),
        ("address_id", from_report(|rp| &rp.address_id)),
        ("zipcode", from_report(|rp| &rp.zipcode)),
        ("lat", degrees(report.and_then(|rp| rp.lat.as_ref()))),
        ("long", degrees(report.and_then(|rp| rp.long.as_ref()))),
        ("media_url", from_report(|rp| &rp.media_url)),
    ])
}

/// `GET tokens/{token}.{fmt}`: a token is a request's internal id (the `id` an agency system
/// receives with each delivery); it resolves to the tracking code. Every report is answered
/// at once with its code, so clients of this endpoint hold no other token.
pub async fn token(State(state): State<AppState>, Path(file): Path<String>, RawQuery(query): RawQuery) -> Response {
    let Some((token, format)) = Format::split(&file) else { return super::unknown_resource() };
    let p = Params::from_query(query.as_deref());
    if let Err(f) = check_jurisdiction(&state, p.get("jurisdiction_id")) {
        return f.respond(format);
    }
    let unknown = || Failure::not_found(format!("token '{token}' tidak dikenal")).respond(format);
    let found = match state.store.tracking_code_of(token).await {
        Ok(found) => found,
        Err(e) => return internal(&e).respond(format),
    };
    let Some((tracking_code, service_code)) = found else { return unknown() };
    if offered_one(&state, &service_code).await.is_err() {
        return unknown();
    }
    let body = Node::List(
        "request",
        vec![Node::Object(vec![("service_request_id", Node::text(tracking_code)), ("token", Node::text(token))])],
    );
    respond(format, StatusCode::OK, "service_requests", &body)
}

/// `GET servicerequestupdates.{fmt}` (FixMyStreet's extension): public status changes in a
/// window, oldest first.
pub async fn updates(state: &AppState, format: Format, query: Option<&str>) -> Response {
    let p = Params::from_query(query);
    let found = async {
        check_jurisdiction(state, p.get("jurisdiction_id"))?;
        let (limit, offset) = p.page()?;
        let (from, to) = p.window(Utc::now())?;
        let codes: Vec<String> = offered_all(state).await?.iter().map(|o| o.code().to_string()).collect();
        state.store.report_updates(&codes, from, to, limit, offset).await.map_err(|e| internal(&e))
    };
    match found.await {
        Ok(updates) => {
            let items = updates.iter().map(update).collect();
            respond(format, StatusCode::OK, "service_request_updates", &Node::List("request_update", items))
        }
        Err(f) => f.respond(format),
    }
}

fn update(u: &ReportUpdate) -> Node {
    Node::Object(vec![
        ("update_id", Node::text(u.id.clone())),
        ("service_request_id", Node::text(u.tracking_code.clone())),
        ("status", Node::text(open_or_closed(&u.status))),
        // Our own, finer status: FixMyStreet keeps it as `external_status_code`.
        ("external_status_code", Node::text(u.status.clone())),
        ("updated_datetime", Node::text(w3c(u.at))),
        ("description", Node::opt_text(u.note.clone().filter(|_| u.filed_by_report))),
        ("media_url", Node::Null),
    ])
}
