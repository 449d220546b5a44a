//! The OpenAPI document and a readable, script-free docs page generated from it (works
//! offline: no CDN, no Swagger bundle).

use std::sync::LazyLock;

use askama::Template;
use axum::http::header::CONTENT_TYPE;
use axum::response::{Html, IntoResponse};
use serde_json::Value;
use utoipa::OpenApi;

use super::ApiDoc;
use crate::error::{PageError, render};
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx};
use axum::extract::State;

static DOCUMENT: LazyLock<Value> = LazyLock::new(|| serde_json::to_value(ApiDoc::openapi()).unwrap_or(Value::Null));

pub async fn openapi_json() -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], DOCUMENT.to_string())
}

pub struct Param {
    pub name: String,
    pub location: String,
    pub required: bool,
    pub description: String,
}

pub struct Reply {
    pub status: String,
    pub description: String,
    pub schema: String,
}

pub struct Operation {
    pub method: String,
    pub path: String,
    pub anchor: String,
    pub summary: String,
    pub params: Vec<Param>,
    pub replies: Vec<Reply>,
}

pub struct Field {
    pub name: String,
    pub kind: String,
    pub description: String,
}

pub struct Schema {
    pub name: String,
    pub description: String,
    pub fields: Vec<Field>,
}

#[derive(Template)]
#[template(path = "api_docs.html")]
struct DocsPage {
    l: Layout,
    title: String,
    version: String,
    description: String,
    operations: Vec<Operation>,
    schemas: Vec<Schema>,
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_default().to_string()
}

/// A short type description: `string`, `integer`, `ServiceItem`, `array of ServiceItem`.
fn type_name(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return reference.rsplit('/').next().unwrap_or(reference).to_string();
    }
    if let Some(all) = schema.get("allOf").or_else(|| schema.get("oneOf")).and_then(Value::as_array) {
        let names: Vec<_> = all.iter().map(type_name).filter(|n| n != "null").collect();
        return names.join(" | ");
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let words: Vec<_> = values.iter().filter_map(Value::as_str).collect();
        return format!("enum: {}", words.join(", "));
    }
    let kind = match schema.get("type") {
        Some(Value::Array(kinds)) => {
            kinds.iter().filter_map(Value::as_str).filter(|k| *k != "null").collect::<Vec<_>>().join("|")
        }
        Some(Value::String(k)) => k.clone(),
        _ => "object".into(),
    };
    match (kind.as_str(), schema.get("items")) {
        ("array", Some(items)) => format!("array of {}", type_name(items)),
        _ => kind,
    }
}

fn operations(doc: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            let params = op
                .get("parameters")
                .and_then(Value::as_array)
                .map(|ps| {
                    ps.iter()
                        .map(|p| Param {
                            name: text(p, "name"),
                            location: text(p, "in"),
                            required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
                            description: text(p, "description"),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let replies = op
                .get("responses")
                .and_then(Value::as_object)
                .map(|rs| {
                    rs.iter()
                        .map(|(status, r)| Reply {
                            status: status.clone(),
                            description: text(r, "description"),
                            schema: r
                                .get("content")
                                .and_then(Value::as_object)
                                .and_then(|c| c.iter().next())
                                .map(|(media, c)| {
                                    format!("{media}: {}", c.get("schema").map(type_name).unwrap_or_default())
                                })
                                .unwrap_or_default(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let summary = text(op, "summary");
            let summary = if summary.is_empty() { text(op, "description") } else { summary };
            out.push(Operation {
                method: method.to_uppercase(),
                anchor: format!("{method}{}", path.replace(['/', '{', '}'], "-")),
                path: path.clone(),
                summary,
                params,
                replies,
            });
        }
    }
    out
}

fn schemas(doc: &Value) -> Vec<Schema> {
    let Some(all) = doc.pointer("/components/schemas").and_then(Value::as_object) else {
        return Vec::new();
    };
    all.iter()
        .map(|(name, schema)| {
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let fields = schema
                .get("properties")
                .and_then(Value::as_object)
                .map(|props| {
                    props
                        .iter()
                        .map(|(field, s)| Field {
                            name: if required.contains(&field.as_str()) { field.clone() } else { format!("{field}?") },
                            kind: type_name(s),
                            description: text(s, "description"),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let description = match schema.get("enum") {
                Some(_) => format!("{} — {}", text(schema, "description"), type_name(schema)),
                None => text(schema, "description"),
            };
            Schema { name: name.clone(), description, fields }
        })
        .collect()
}

pub async fn page(State(state): State<AppState>, ctx: PageCtx) -> Result<Html<String>, PageError> {
    let t = ctx.tr();
    let title = t.get("api-docs-title");
    let page = DocsPage {
        l: ctx.layout(&state, &title, Nav::None),
        title,
        version: DOCUMENT.pointer("/info/version").and_then(Value::as_str).unwrap_or_default().to_string(),
        description: DOCUMENT.pointer("/info/description").and_then(Value::as_str).unwrap_or_default().to_string(),
        operations: operations(&DOCUMENT),
        schemas: schemas(&DOCUMENT),
    };
    render(ctx.lang, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_is_openapi_3_1_with_every_route() {
        let version = DOCUMENT.get("openapi").and_then(Value::as_str).unwrap_or_default();
        assert!(version.starts_with("3.1"), "{version}");
        let ops = operations(&DOCUMENT);
        let paths: Vec<_> = ops.iter().map(|o| format!("{} {}", o.method, o.path)).collect();
        for expected in [
            "GET /api/v1/services",
            "GET /api/v1/services/{code}",
            "GET /api/v1/agencies",
            "GET /api/v1/agencies/{code}",
            "GET /api/v1/categories",
            "GET /api/v1/progress",
        ] {
            assert!(paths.iter().any(|p| p == expected), "{expected} missing from {paths:?}");
        }
    }

    /// Every `$ref` points at a schema the document defines.
    #[test]
    fn references_resolve() {
        let text = DOCUMENT.to_string();
        let mut missing = Vec::new();
        for piece in text.split("\"$ref\":\"").skip(1) {
            let reference = piece.split('"').next().unwrap_or_default();
            let pointer = reference.trim_start_matches('#');
            if DOCUMENT.pointer(pointer).is_none() {
                missing.push(reference.to_string());
            }
        }
        assert!(missing.is_empty(), "unresolved: {missing:?}");
        assert!(schemas(&DOCUMENT).iter().any(|s| s.name == "ServiceItem" && !s.fields.is_empty()));
    }
}
