//! The layers every response passes through: security headers, compression, timeouts,
//! panic safety, tracing and request metrics.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// No inline script or style anywhere: the portal is built to work under this policy.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'; \
                   manifest-src 'self'; worker-src 'self'; connect-src 'self'";

const SECURITY_HEADERS: &[(&str, &str)] = &[
    ("content-security-policy", CSP),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    ("x-frame-options", "DENY"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=(self)"),
    ("cross-origin-opener-policy", "same-origin"),
];

/// The process-wide Prometheus recorder (the `metrics` facade has one global recorder, so
/// every app built in this process, tests included, shares it).
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets(&[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0])
                .unwrap_or_else(|_| PrometheusBuilder::new());
            let handle = match builder.install_recorder() {
                Ok(handle) => handle,
                // Another recorder is installed (embedding): keep a private one so /metrics works.
                Err(_) => PrometheusBuilder::new().build_recorder().handle(),
            };
            // Histogram samples wait in a queue until they are folded into the buckets: a
            // scrape does that, and so does upkeep. Without a scraper the queue would grow by
            // one sample per request for ever.
            let upkeep = handle.clone();
            let _ = std::thread::Builder::new().name("metrics-upkeep".into()).spawn(move || {
                loop {
                    std::thread::sleep(std::time::Duration::from_secs(5));
                    upkeep.run_upkeep();
                }
            });
            handle
        })
        .clone()
}

/// Counts requests and their latency per matched route (never the raw path, which would
/// make one series per service code).
async fn record_metrics(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route =
        request.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let method = request.method().to_string();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("handler panicked");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Terjadi kesalahan pada server.",
    )
        .into_response()
}

/// Wraps the router in every layer. `Router::layer` applies each layer per route, so the
/// metrics layer sees the matched route.
pub fn apply(router: Router, https: bool) -> Router {
    let mut router = router
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        // Fastest gzip: pages shrink about as much, at a fraction of the CPU per request.
        .layer(CompressionLayer::new().quality(tower_http::CompressionLevel::Fastest))
        .layer(CatchPanicLayer::custom(panic_response));
    for (name, value) in SECURITY_HEADERS {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        ));
    }
    if https {
        // Behind TLS, browsers must never fall back to plain HTTP for this site.
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    router.layer(from_fn(record_metrics)).layer(TraceLayer::new_for_http())
}

/// Refuses cross-site form posts from Sec-Fetch-Site/Origin (no tokens to leak); clients
/// that send neither header (the mobile apps, curl) are not browsers and pass. Applied to
/// everything except the OpenID Connect endpoints other sites call by design.
pub fn cross_site_guard<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    let csrf = tower_http::csrf::CsrfLayer::new().with_rejection_response(|_| {
        (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Permintaan lintas situs ditolak.",
        )
            .into_response()
    });
    router.layer(csrf)
}
