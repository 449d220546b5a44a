//! The two error shapes: `application/problem+json` for the API and a helpful page for
//! people. These are the only places that choose a status code; server faults are logged
//! here and never described to the client.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use store::StoreError;

use crate::i18n::Lang;
use crate::views::Layout;

/// A problem with one query parameter.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct ParamProblem {
    /// The parameter's name.
    pub parameter: String,
    /// What is wrong with it, in Indonesian.
    pub reason: String,
}

/// An API error, rendered as RFC 9457 problem details.
#[derive(Debug)]
pub enum ApiError {
    /// Query parameters that cannot be used; every one is listed.
    InvalidParameters(Vec<ParamProblem>),
    /// No resource with that identifier.
    NotFound { what: &'static str, id: String },
    /// Fields of a request body that cannot be used; every one is listed.
    InvalidBody(Vec<ParamProblem>),
    /// No caller, or a credential that does not open.
    Unauthorized(&'static str),
    /// The caller may not do this (another person's request, a step that is not theirs).
    Forbidden(String),
    /// The resource changed meanwhile or does not allow this now.
    Conflict(String),
    /// A body the endpoint does not take (wrong media type or not JSON).
    UnsupportedBody(String),
    /// A fault on our side (logged, not described).
    Internal(String),
    /// A request body over the limit (the gateway's per-application limit).
    TooLarge(String),
    /// Over the caller's rate limit; try again after this many seconds.
    TooManyRequests { retry_after: u64 },
    /// The client sent its request too slowly (the gateway stopped waiting for it).
    RequestTimeout,
    /// An application behind the gateway could not be reached or answered badly.
    BadGateway,
    /// An application behind the gateway did not answer in time.
    GatewayTimeout,
    /// An application behind the gateway is failing; the gateway does not try it again
    /// for this many seconds (its circuit breaker is open).
    Unavailable { retry_after: u64 },
}

/// The problem document every API error returns.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the problem type.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short, human-readable summary.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// A stable, machine-readable code: `invalid_parameter`, `invalid_body`, `unauthorized`, `forbidden`,
    /// `not_found`, `conflict`, `unsupported_body`, `internal`; from the gateway also `too_large`,
    /// `rate_limited`, `request_timeout`, `bad_gateway`, `gateway_timeout`, `unavailable`.
    pub code: String,
    /// Details for this occurrence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The parameters at fault, for `invalid_parameter`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ParamProblem>,
}

/// The media type of problem documents.
pub const PROBLEM_JSON: &str = "application/problem+json";

impl ApiError {
    fn problem(&self) -> Problem {
        let (status, code, title, detail, errors) = match self {
            Self::InvalidParameters(errors) => {
                (StatusCode::BAD_REQUEST, "invalid_parameter", "Parameter tidak valid", None, errors.clone())
            }
            Self::NotFound { what, id } => (
                StatusCode::NOT_FOUND,
                "not_found",
                "Tidak ditemukan",
                Some(format!("{what} '{id}' tidak ditemukan")),
                Vec::new(),
            ),
            Self::InvalidBody(errors) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", "Isian tidak valid", None, errors.clone())
            }
            Self::Unauthorized(detail) => {
                (StatusCode::UNAUTHORIZED, "unauthorized", "Perlu masuk", Some(detail.to_string()), Vec::new())
            }
            Self::Forbidden(detail) => {
                (StatusCode::FORBIDDEN, "forbidden", "Tidak diizinkan", Some(detail.clone()), Vec::new())
            }
            Self::Conflict(detail) => (StatusCode::CONFLICT, "conflict", "Konflik", Some(detail.clone()), Vec::new()),
            Self::UnsupportedBody(detail) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_body",
                "Isi permintaan tidak dapat dibaca",
                Some(detail.clone()),
                Vec::new(),
            ),
            Self::Internal(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "internal", "Terjadi kesalahan pada server", None, Vec::new())
            }
            Self::TooLarge(detail) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "Isi permintaan terlalu besar",
                Some(detail.clone()),
                Vec::new(),
            ),
            Self::TooManyRequests { retry_after } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "Terlalu banyak permintaan",
                Some(format!("batas panggilan terlampaui; coba lagi dalam {retry_after} detik")),
                Vec::new(),
            ),
            Self::RequestTimeout => (
                StatusCode::REQUEST_TIMEOUT,
                "request_timeout",
                "Permintaan terlalu lambat",
                Some("isi permintaan tidak dikirim tepat waktu".into()),
                Vec::new(),
            ),
            Self::BadGateway => (
                StatusCode::BAD_GATEWAY,
                "bad_gateway",
                "Aplikasi tidak dapat dihubungi",
                Some("aplikasi tujuan tidak dapat dihubungi atau jawabannya rusak".into()),
                Vec::new(),
            ),
            Self::GatewayTimeout => (
                StatusCode::GATEWAY_TIMEOUT,
                "gateway_timeout",
                "Aplikasi tidak menjawab tepat waktu",
                Some("aplikasi tujuan tidak menjawab dalam batas waktunya".into()),
                Vec::new(),
            ),
            Self::Unavailable { retry_after } => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "Aplikasi sedang tidak tersedia",
                Some(format!("aplikasi tujuan sedang bermasalah; coba lagi dalam {retry_after} detik")),
                Vec::new(),
            ),
        };
        Problem {
            kind: format!("/api/v1/problems/{code}"),
            title: title.into(),
            status: status.as_u16(),
            code: code.into(),
            detail,
            errors,
        }
    }

    pub fn not_found(what: &'static str, id: impl Into<String>) -> Self {
        Self::NotFound { what, id: id.into() }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        Self::Internal(e.to_string())
    }
}

/// Writes a problem document with the right status and media type.
pub fn problem_response(problem: &Problem) -> Response {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(problem).unwrap_or_default();
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Self::Internal(detail) = &self {
            tracing::error!(%detail, "API request failed");
        }
        let mut response = problem_response(&self.problem());
        match &self {
            Self::Unauthorized(_) => {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(r#"Bearer realm="satupintu""#));
            }
            Self::TooManyRequests { retry_after } | Self::Unavailable { retry_after } => {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
            }
            _ => {}
        }
        response
    }
}

/// An error on a page a person is looking at.
#[derive(Debug)]
pub struct PageError {
    pub lang: Lang,
    pub kind: PageErrorKind,
}

#[derive(Debug)]
pub enum PageErrorKind {
    NotFound,
    /// Signed in, but the page needs another role.
    Forbidden,
    /// The address asked for something that makes no sense (a bad filter value).
    BadRequest(String),
    Internal(String),
}

impl PageError {
    pub fn not_found(lang: Lang) -> Self {
        Self { lang, kind: PageErrorKind::NotFound }
    }

    pub fn forbidden(lang: Lang) -> Self {
        Self { lang, kind: PageErrorKind::Forbidden }
    }

    /// A 400 page listing every parameter at fault.
    pub fn bad_parameters(lang: Lang, problems: &[ParamProblem]) -> Self {
        let detail = problems.iter().map(|p| format!("{}: {}", p.parameter, p.reason)).collect::<Vec<_>>().join("; ");
        Self::bad_request(lang, detail)
    }

    pub fn bad_request(lang: Lang, detail: String) -> Self {
        Self { lang, kind: PageErrorKind::BadRequest(detail) }
    }

    pub fn store(lang: Lang) -> impl FnOnce(StoreError) -> Self {
        move |e| match e {
            StoreError::NotFound => Self::not_found(lang),
            other => Self { lang, kind: PageErrorKind::Internal(other.to_string()) },
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    l: Layout,
    heading: String,
    message: String,
    detail: Option<String>,
    show_search: bool,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let t = self.lang.tr();
        let (status, heading, message, detail, show_search) = match self.kind {
            PageErrorKind::NotFound => {
                (StatusCode::NOT_FOUND, t.get("error-404-title"), t.get("error-404-body"), None, true)
            }
            PageErrorKind::Forbidden => {
                (StatusCode::FORBIDDEN, t.get("error-403-title"), t.get("error-403-body"), None, false)
            }
            PageErrorKind::BadRequest(detail) => {
                (StatusCode::BAD_REQUEST, t.get("error-400-title"), t.get("error-400-body"), Some(detail), true)
            }
            PageErrorKind::Internal(detail) => {
                tracing::error!(%detail, "page failed");
                (StatusCode::INTERNAL_SERVER_ERROR, t.get("error-500-title"), t.get("error-500-body"), None, false)
            }
        };
        let page = ErrorPage { l: Layout::bare(self.lang, &heading), heading, message, detail, show_search };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "error page failed to render");
                (status, "satupintu: error").into_response()
            }
        }
    }
}

/// Renders a page template, turning a template fault into a logged 500.
pub fn render(lang: Lang, page: &impl Template) -> Result<Html<String>, PageError> {
    page.render().map(Html).map_err(|e| PageError { lang, kind: PageErrorKind::Internal(e.to_string()) })
}
