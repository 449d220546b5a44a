//! Discovery, the service list and service definitions (our form fields as attributes).

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::request::{FieldKind, FormField};

use super::params::Params;
use super::wire::{Format, Node, respond};
use super::{Offered, check_jurisdiction, offered_all, offered_one};
use crate::state::AppState;

/// When this endpoint's contract last changed (discovery's `changeset`).
const CHANGESET: &str = "2026-11-30T00:00:00+07:00";
const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";

/// `GET discovery.{fmt}`: where the endpoint is and what it speaks.
pub fn discovery(state: &AppState, format: Format) -> Response {
    let base = state.settings.public_url.trim_end_matches('/');
    let city = &state.settings.city_name;
    let endpoint = Node::Object(vec![
        ("specification", Node::text(SPECIFICATION)),
        ("url", Node::text(format!("{base}/open311/v2"))),
        ("changeset", Node::text(CHANGESET)),
        ("type", Node::text("production")),
        ("formats", Node::List("format", vec![Node::text("text/xml"), Node::text("application/json")])),
    ]);
    let body = Node::Object(vec![
        ("changeset", Node::text(CHANGESET)),
        ("contact", Node::text(format!("Satu pintu layanan publik {city}: {base}"))),
        (
            "key_service",
            Node::text(format!("Kunci API untuk mengirim laporan diberikan oleh pengelola satupintu {city}.")),
        ),
        ("endpoints", Node::List("endpoint", vec![endpoint])),
    ]);
    respond(format, StatusCode::OK, "discovery", &body)
}

/// `GET services.{fmt}`: the complaint services an Open311 client may file.
pub async fn list(state: &AppState, format: Format, query: Option<&str>) -> Response {
    let params = Params::from_query(query);
    if let Err(f) = check_jurisdiction(state, params.get("jurisdiction_id")) {
        return f.respond(format);
    }
    match offered_all(state).await {
        Ok(offered) => {
            let items = offered.iter().map(service).collect();
            respond(format, StatusCode::OK, "services", &Node::List("service", items))
        }
        Err(f) => f.respond(format),
    }
}

fn service(offered: &Offered) -> Node {
    let detail = &offered.target.service;
    let s = &detail.service;
    let keywords = s.keywords.join(", ");
    Node::Object(vec![
        ("service_code", Node::text(s.code.as_str())),
        ("service_name", Node::text(s.name.clone())),
        ("description", Node::opt_text(s.summary.clone())),
        ("metadata", Node::Bool(offered.attributes().next().is_some())),
        // Every report gets its tracking code at once.
        ("type", Node::text("realtime")),
        ("keywords", if keywords.is_empty() { Node::Null } else { Node::text(keywords) }),
        // The agency that works it: the natural grouping when every service is a complaint.
        ("group", Node::text(detail.agency_name.clone())),
    ])
}

/// `GET services/{code}.{fmt}`: the attributes a report of this service carries.
pub async fn definition(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some((code, format)) = Format::split(&file) else { return super::unknown_resource() };
    let params = Params::from_query(query.as_deref());
    if let Err(f) = check_jurisdiction(&state, params.get("jurisdiction_id")) {
        return f.respond(format);
    }
    let offered = match offered_one(&state, code).await {
        Ok(o) => o,
        Err(f) => return f.respond(format),
    };
    let attributes =
        offered.attributes().enumerate().map(|(i, field)| attribute(i64::try_from(i + 1).unwrap_or(i64::MAX), field));
    let body = Node::Object(vec![
        ("service_code", Node::text(offered.code())),
        ("attributes", Node::List("attribute", attributes.collect())),
    ]);
    respond(format, StatusCode::OK, "service_definition", &body)
}

/// A form field as an Open311 attribute.
fn attribute(order: i64, field: &FormField) -> Node {
    let (datatype, hint) = match field.kind {
        FieldKind::Text | FieldKind::File => {
            ("string", field.text_limit().map(|n| format!("teks, paling banyak {n} karakter")))
        }
        FieldKind::LongText => ("text", field.text_limit().map(|n| format!("teks, paling banyak {n} karakter"))),
        FieldKind::Number => ("number", Some("angka desimal, mis. 12 atau 2,5".to_string())),
        FieldKind::Date => ("datetime", Some("tanggal, TTTT-BB-HH".to_string())),
        FieldKind::Choice => ("singlevaluelist", None),
        FieldKind::Choices => ("multivaluelist", None),
        FieldKind::Location => ("string", Some("lintang,bujur dalam derajat WGS84, mis. -6.5971,106.8060".to_string())),
    };
    let description = match &field.help {
        Some(help) => format!("{} — {help}", field.label),
        None => field.label.clone(),
    };
    let values = field
        .options
        .iter()
        .map(|o| Node::Object(vec![("key", Node::text(o.clone())), ("name", Node::text(o.clone()))]))
        .collect();
    Node::Object(vec![
        ("variable", Node::Bool(true)),
        ("code", Node::text(field.key.clone())),
        ("datatype", Node::text(datatype)),
        ("required", Node::Bool(field.required)),
        ("datatype_description", Node::opt_text(hint)),
        ("order", Node::Int(order)),
        ("description", Node::text(description)),
        ("values", Node::List("value", values)),
    ])
}
