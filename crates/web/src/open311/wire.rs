//! Open311's two wire formats from one value: XML (required by the spec) and JSON (its
//! "Spark convention": the wrapper element disappears and lists become arrays).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The format a resource was asked in, from its extension (`services.xml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xml,
    Json,
}

impl Format {
    /// Splits `name.fmt` into the name and its format; `None` for any other extension.
    pub fn split(file: &str) -> Option<(&str, Self)> {
        let (name, ext) = file.rsplit_once('.')?;
        let format = match ext {
            "xml" => Self::Xml,
            "json" => Self::Json,
            _ => return None,
        };
        (!name.is_empty()).then_some((name, format))
    }

    fn content_type(self) -> &'static str {
        match self {
            Self::Xml => "text/xml; charset=utf-8",
            Self::Json => "application/json; charset=utf-8",
        }
    }
}

/// A value both formats can render.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Text(String),
    Int(i64),
    /// Degrees of latitude or longitude (a JSON number).
    Degrees(f64),
    Bool(bool),
    /// An optional value that is absent: JSON `null`, an empty XML element.
    Null,
    /// Named children, in order.
    Object(Vec<(&'static str, Node)>),
    /// A list whose XML items are elements named by the tag.
    List(&'static str, Vec<Node>),
}

impl Node {
    pub fn text(s: impl Into<String>) -> Self {
        Self::Text(s.into())
    }

    pub fn opt_text(s: Option<impl Into<String>>) -> Self {
        s.map_or(Self::Null, |s| Self::Text(s.into()))
    }

    fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Self::Text(s) => Value::String(s.clone()),
            Self::Int(n) => Value::from(*n),
            Self::Degrees(d) => serde_json::Number::from_f64(*d).map_or(Value::Null, Value::Number),
            Self::Bool(b) => Value::Bool(*b),
            Self::Null => Value::Null,
            Self::Object(fields) => {
                Value::Object(fields.iter().map(|(k, v)| ((*k).to_string(), v.to_json())).collect())
            }
            Self::List(_, items) => Value::Array(items.iter().map(Self::to_json).collect()),
        }
    }

    fn write_xml(&self, out: &mut String) {
        match self {
            Self::Text(s) => escape_into(s, out),
            Self::Int(n) => out.push_str(&n.to_string()),
            Self::Degrees(d) => out.push_str(&d.to_string()),
            Self::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Self::Null => {}
            Self::Object(fields) => {
                for (name, value) in fields {
                    element(name, value, out);
                }
            }
            Self::List(tag, items) => {
                for item in items {
                    element(tag, item, out);
                }
            }
        }
    }
}

fn element(name: &str, value: &Node, out: &mut String) {
    if *value == Node::Null {
        out.push('<');
        out.push_str(name);
        out.push_str("/>");
        return;
    }
    out.push('<');
    out.push_str(name);
    out.push('>');
    value.write_xml(out);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// Escapes text for XML, dropping the control characters XML 1.0 cannot carry.
fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

/// The document: `root` wraps the body in XML; JSON shows the body alone.
pub fn document(format: Format, root: &str, body: &Node) -> String {
    match format {
        Format::Json => body.to_json().to_string(),
        Format::Xml => {
            let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
            element(root, body, &mut out);
            out.push('\n');
            out
        }
    }
}

/// A response in the asked format.
pub fn respond(format: Format, status: StatusCode, root: &str, body: &Node) -> Response {
    let mut response = (status, document(format, root, body)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
    // Any site may read the public resources; creating needs an API key, not a cookie.
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    response
}

/// One entry of an error list: `code` may be more specific than the HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: u16,
    pub description: String,
}

/// What went wrong, with the HTTP status the spec names for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub status: StatusCode,
    pub errors: Vec<ApiError>,
}

impl Failure {
    pub fn new(status: StatusCode, description: impl Into<String>) -> Self {
        Self { status, errors: vec![ApiError { code: status.as_u16(), description: description.into() }] }
    }

    pub fn bad(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, description)
    }

    pub fn not_found(description: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, description)
    }

    /// The spec's error list: `<errors><error><code/><description/></error></errors>`.
    pub fn respond(&self, format: Format) -> Response {
        let items = self
            .errors
            .iter()
            .map(|e| {
                Node::Object(vec![
                    ("code", Node::Int(i64::from(e.code))),
                    ("description", Node::text(e.description.clone())),
                ])
            })
            .collect();
        respond(format, self.status, "errors", &Node::List("error", items))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Node {
        Node::List(
            "service",
            vec![Node::Object(vec![
                ("service_code", Node::text("ADUAN")),
                ("service_name", Node::text("Aduan <jalan> & \"lampu\"")),
                ("metadata", Node::Bool(true)),
                ("lat", Node::Degrees(-6.595)),
                ("group", Node::Null),
                ("values", Node::List("value", vec![Node::Object(vec![("key", Node::text("a"))])])),
            ])],
        )
    }

    #[test]
    fn xml_wraps_lists_in_their_root_and_escapes_text() {
        let xml = document(Format::Xml, "services", &sample());
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<services><service><service_code>ADUAN</service_code>\
             <service_name>Aduan &lt;jalan&gt; &amp; &quot;lampu&quot;</service_name><metadata>true</metadata>\
             <lat>-6.595</lat><group/><values><value><key>a</key></value></values></service></services>\n"
        );
    }

    #[test]
    fn json_drops_the_wrapper_and_lists_become_arrays() {
        let json: serde_json::Value = serde_json::from_str(&document(Format::Json, "services", &sample())).unwrap();
        assert_eq!(
            json,
            serde_json::json!([{"service_code": "ADUAN", "service_name": "Aduan <jalan> & \"lampu\"", "metadata": true,
                "lat": -6.595, "group": null, "values": [{"key": "a"}]}])
        );
    }

    #[test]
    fn control_characters_cannot_break_the_xml() {
        let mut out = String::new();
        escape_into("a\u{0}b\u{1b}c\nd", &mut out);
        assert_eq!(out, "ab\u{0}c\nd".replace('\u{0}', ""));
    }

    #[test]
    fn only_xml_and_json_are_formats() {
        assert_eq!(Format::split("services.xml"), Some(("services", Format::Xml)));
        assert_eq!(Format::split("BGR-7KQ4-M2X.json"), Some(("BGR-7KQ4-M2X", Format::Json)));
        assert_eq!(Format::split("services.html"), None);
        assert_eq!(Format::split("services"), None);
        assert_eq!(Format::split(".json"), None);
    }
}
