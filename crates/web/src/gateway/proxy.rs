//! One call through the gateway, from the caller's request to the logged response.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, Uri, Version, header};
use axum::response::{IntoResponse, Response};
use domain::gateway_log::Call as LoggedCall;
use hyper::body::Incoming;

use super::Gateway;
use super::body::{FAULT_IDLE, FAULT_TOO_LARGE, Logged, Metered, OnEnd, Progress};
use super::consumer::Refusal;
use super::headers::{self, CONSUMER, SCOPE, USER};
use super::pool::Lease;
use super::routes::Route;
use crate::error::{ApiError, ParamProblem};
use crate::state::AppState;

/// What is logged about a call: who and what, filled in as it goes; the outcome at the end.
struct Call {
    gateway: Arc<Gateway>,
    started: Instant,
    entry: LoggedCall,
}

impl Call {
    fn finish(mut self, status: u16, bytes_in: u64, bytes_out: u64) {
        let elapsed = self.started.elapsed();
        let clamp = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        let entry = &mut self.entry;
        self.gateway.meter.call(&entry.app, &entry.consumer, status, elapsed, bytes_in, bytes_out);
        entry.at = chrono::Utc::now().timestamp();
        entry.status = i64::from(status);
        entry.duration_ms = clamp(u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX));
        entry.bytes_in = clamp(bytes_in);
        entry.bytes_out = clamp(bytes_out);
        self.gateway.log.record(self.entry);
    }

    /// Answers with the gateway's own error, and logs it.
    fn refuse(self, error: ApiError, bytes_in: u64) -> Response {
        let response = error.into_response();
        self.finish(response.status().as_u16(), bytes_in, 0);
        response
    }
}

const SIGNATURE: HeaderName = HeaderName::from_static(crate::hooks::SIGNATURE_HEADER);

/// How a try at the application ended without a response.
enum Failure {
    /// Could not connect, or the connection broke before an answer.
    Transport(String),
    Timeout,
    /// The caller's body broke the size limit, stalled, or failed.
    TooLarge,
    ClientIdle,
}

fn seconds(wait: Duration) -> u64 {
    wait.as_secs_f64().ceil().max(1.0) as u64
}

/// Dot segments would let `/gw/APP/../x` leave the application's base path upstream.
fn has_dot_segment(path: &str) -> bool {
    path.split('/').any(|segment| {
        let s = segment.to_ascii_lowercase().replace("%2e", ".");
        s == "." || s == ".."
    })
}

fn bad_path(reason: &str) -> ApiError {
    ApiError::InvalidParameters(vec![ParamProblem { parameter: "path".into(), reason: reason.into() }])
}

/// `ANY /gw/{app}/…` in the router.
pub async fn proxy(State(state): State<AppState>, request: Request) -> Response {
    forward(&state, request).await
}

/// One call to `/gw/{app}/…`, from the caller's request to the application's response.
pub async fn forward(state: &AppState, request: Request) -> Response {
    let started = Instant::now();
    let gw = state.gateway.clone();
    let (parts, body) = request.into_parts();
    let full = parts.uri.path();
    let rest = full.strip_prefix("/gw/").unwrap_or_default();
    let (app, sub) = rest.split_once('/').unwrap_or((rest, ""));
    let app = app.to_ascii_uppercase();
    let route = match gw.routes.get(&app, &state.store, &state.settings.sealer).await {
        Ok(Some(route)) => route,
        Ok(None) => return ApiError::not_found("aplikasi", app).into_response(),
        Err(e) => return ApiError::from(e).into_response(),
    };
    let mut call = Call {
        gateway: gw.clone(),
        started,
        entry: LoggedCall {
            at: 0,
            consumer: "anonim".into(),
            user_id: String::new(),
            app,
            method: parts.method.to_string(),
            path: format!("/{sub}"),
            status: 0,
            duration_ms: 0,
            bytes_in: 0,
            bytes_out: 0,
        },
    };
    let consumer = match gw.keys.identify(&parts.headers, &state.settings.access_key, &state.store).await {
        Ok(consumer) => consumer,
        Err(Refusal::Missing) => {
            return call.refuse(
                ApiError::Unauthorized("gunakan Authorization: Bearer dengan token akses atau kunci API satupintu"),
                0,
            );
        }
        Err(Refusal::Invalid) => {
            return call.refuse(ApiError::Unauthorized("token akses atau kunci API tidak sah atau kedaluwarsa"), 0);
        }
        Err(Refusal::Fault) => return call.refuse(ApiError::Internal("API key lookup failed".into()), 0),
    };
    call.entry.consumer = consumer.id.clone();
    call.entry.user_id = consumer.user.clone();
    if !consumer.may_call(&route.code) {
        return call.refuse(ApiError::Forbidden(format!("kunci API ini tidak untuk aplikasi {}", route.code)), 0);
    }
    let rate = consumer.rate_per_minute.unwrap_or(gw.settings.default_rate_per_minute);
    if let Err(wait) = gw.limiter.take(&consumer.bucket, rate, Instant::now()) {
        return call.refuse(ApiError::TooManyRequests { retry_after: seconds(wait) }, 0);
    }
    if has_dot_segment(sub) {
        return call.refuse(bad_path("segmen . atau .. tidak diizinkan"), 0);
    }
    let declared = parts.headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > route.max_body) {
        return call.refuse(too_large(&route), 0);
    }
    let has_body = declared.is_some_and(|n| n > 0) || parts.headers.contains_key(header::TRANSFER_ENCODING);
    let path_and_query = match parts.uri.query() {
        Some(q) => format!("{}/{sub}?{q}", route.base_path),
        None => format!("{}/{sub}", route.base_path),
    };
    // Origin form: the connection is already to the application.
    let Ok(uri) = Uri::try_from(path_and_query.as_str()) else {
        return call.refuse(bad_path("alamat tidak dapat diteruskan"), 0);
    };
    let Some(secret) = route.secret.as_deref() else {
        tracing::error!(app = %route.code, "gateway route has no usable signing secret");
        return call.refuse(ApiError::BadGateway, 0);
    };
    if let Err(wait) = route.breaker.admit(Instant::now()) {
        return call.refuse(ApiError::Unavailable { retry_after: seconds(wait) }, 0);
    }

    let peer =
        parts.extensions.get::<ConnectInfo<SocketAddr>>().map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
    let trusted = state.settings.trusted_proxies.contains(&peer);
    let payload = headers::identity_payload(
        parts.method.as_str(),
        &path_and_query,
        &consumer.id,
        &consumer.user,
        &consumer.scope,
    );
    let signature = crate::hooks::sign(secret, chrono::Utc::now().timestamp(), payload.as_bytes());
    // Made again for a retry (rare) rather than copied for one (every GET).
    let outgoing = || {
        let mut outgoing = headers::request_headers(&parts.headers, peer, trusted, state.settings.secure_cookies);
        for (name, value) in [(CONSUMER, &consumer.id), (USER, &consumer.user), (SCOPE, &consumer.scope)] {
            if let Ok(value) = HeaderValue::from_str(value) {
                outgoing.insert(name, value);
            }
        }
        if let Ok(value) = HeaderValue::from_str(&signature) {
            outgoing.insert(SIGNATURE, value);
        }
        outgoing.insert(header::HOST, route.host.clone());
        outgoing
    };

    // Only a call that can be sent again unchanged is retried: an idempotent method with
    // no body (a streamed body is gone once sent). A POST is never sent twice.
    let idempotent =
        matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE);
    let tries = if idempotent && !has_body { 1 + gw.settings.retries } else { 1 };
    let progress = Arc::new(Progress::default());
    let mut body = Some(body);
    let mut outcome = Err(Failure::Timeout);
    for attempt in 0..tries {
        let metered = Metered::new(
            body.take().unwrap_or_default(),
            progress.clone(),
            route.max_body,
            gw.settings.client_idle_timeout,
            gw.settings.min_body_bytes_per_second,
        );
        let mut upstream = hyper::Request::new(metered);
        *upstream.method_mut() = parts.method.clone();
        *upstream.uri_mut() = uri.clone();
        *upstream.version_mut() = Version::HTTP_11;
        *upstream.headers_mut() = outgoing();
        outcome = send(&gw, &route, upstream, &progress).await;
        match &outcome {
            Err(Failure::Transport(error)) if attempt + 1 < tries => {
                tracing::debug!(app = %route.code, %error, attempt, "gateway: retrying");
                metrics::counter!("gateway_retries_total", "app" => route.code.clone()).increment(1);
                tokio::time::sleep(Duration::from_millis(25 * u64::from(attempt + 1))).await;
            }
            _ => break,
        }
    }
    respond(call, &route, outcome, progress)
}

fn too_large(route: &Route) -> ApiError {
    ApiError::TooLarge(format!("batas isi permintaan untuk aplikasi ini {} byte", route.max_body))
}

/// One try: the application has the route's timeout to answer once it has the whole
/// request; while the request is still streaming, it must keep taking bytes within it.
async fn send(
    gw: &Gateway,
    route: &Route,
    request: hyper::Request<Metered>,
    progress: &Progress,
) -> Result<(hyper::Response<Incoming>, Lease), Failure> {
    let timeout = route.timeout;
    let response = route.upstream.send(&gw.connector, request);
    let deadline = async {
        let mut seen = u64::MAX;
        loop {
            tokio::select! {
                () = progress.done.notified() => {
                    tokio::time::sleep(timeout).await;
                    return;
                }
                () = tokio::time::sleep(timeout) => {
                    let now = progress.bytes.load(Ordering::Relaxed);
                    if now == seen {
                        return;
                    }
                    seen = now;
                }
            }
        }
    };
    let result = tokio::select! {
        result = response => result,
        () = deadline => return Err(Failure::Timeout),
    };
    match progress.fault.load(Ordering::Relaxed) {
        FAULT_TOO_LARGE => return Err(Failure::TooLarge),
        FAULT_IDLE => return Err(Failure::ClientIdle),
        _ => {}
    }
    result.map_err(|e| Failure::Transport(e.to_string()))
}

fn respond(
    call: Call,
    route: &Route,
    outcome: Result<(hyper::Response<Incoming>, Lease), Failure>,
    progress: Arc<Progress>,
) -> Response {
    let now = Instant::now();
    let bytes_in = progress.bytes.load(Ordering::Relaxed);
    let (response, lease) = match outcome {
        Ok(answered) => answered,
        Err(Failure::TooLarge) => return call.refuse(too_large(route), bytes_in),
        Err(Failure::ClientIdle) => return call.refuse(ApiError::RequestTimeout, bytes_in),
        Err(Failure::Timeout) => {
            route.breaker.record(false, now);
            return call.refuse(ApiError::GatewayTimeout, bytes_in);
        }
        Err(Failure::Transport(error)) => {
            tracing::warn!(app = %route.code, %error, "gateway: application unreachable");
            route.breaker.record(false, now);
            return call.refuse(ApiError::BadGateway, bytes_in);
        }
    };
    let status = response.status();
    route.breaker.record(!matches!(status.as_u16(), 502..=504), now);
    let (mut parts, incoming) = response.into_parts();
    headers::response_headers(&mut parts.headers);
    let end = Ended { call, status: status.as_u16(), progress, lease };
    Response::from_parts(parts, Body::new(Logged::new(incoming, end)))
}

/// What a call does once its response has been passed on: log it, and hand its connection
/// back if the response was read whole.
struct Ended {
    call: Call,
    status: u16,
    progress: Arc<Progress>,
    lease: Lease,
}

impl OnEnd for Ended {
    fn end(self, bytes_out: u64, complete: bool) {
        if complete {
            self.lease.give_back();
        }
        self.call.finish(self.status, self.progress.bytes.load(Ordering::Relaxed), bytes_out);
    }
}
