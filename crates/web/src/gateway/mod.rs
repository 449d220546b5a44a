//! The API gateway: `/gw/{app}/…` proxies to the applications in `api` mode.
//!
//! Bodies stream both ways (nothing is held whole, so a 100 MB upload costs a few buffers);
//! hop-by-hop headers and anything claiming to be satupintu's are stripped and
//! `X-Forwarded-*` set ([`headers`]); the caller is verified (OIDC access token or API key,
//! [`consumer`]) and rate-limited ([`limit`]); each application has a size limit, a time
//! limit and a circuit breaker ([`breaker`]); GET-like calls without a body are retried when
//! the application could not be reached, never a POST; every call goes to the hash-chained
//! access log ([`log`]) and to the metrics.
//!
//! Mounted outside the portal's layers: no compression, no 30-second timeout, no
//! cross-site guard, no body limit but the route's own.

mod body;
pub mod breaker;
mod consumer;
pub mod headers;
pub mod limit;
mod log;
mod meter;
mod pool;
mod proxy;
pub mod routes;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::any;
use hyper_util::client::legacy::connect::HttpConnector;
use store::Store;

pub use proxy::forward;
pub use routes::seal_owner;

/// The gateway's settings (the binary fills them from `[gateway]` / `SATUPINTU_GATEWAY_*`).
#[derive(Debug, Clone)]
pub struct GatewaySettings {
    /// Calls a minute for a consumer without its own rate (OIDC users, keys without one).
    pub default_rate_per_minute: u32,
    /// Failures in a row that open an application's circuit.
    pub breaker_threshold: u32,
    /// How long an open circuit refuses calls before one trial.
    pub breaker_cooldown: Duration,
    /// How long a caller may pause while sending a request body.
    pub client_idle_timeout: Duration,
    /// What a request body must average after its first `client_idle_timeout` (0: no check).
    pub min_body_bytes_per_second: u64,
    /// Extra tries for a bodiless idempotent call when the application could not be reached.
    pub retries: u32,
}

impl Default for GatewaySettings {
    fn default() -> Self {
        Self {
            default_rate_per_minute: 600,
            breaker_threshold: 5,
            breaker_cooldown: Duration::from_secs(10),
            client_idle_timeout: Duration::from_secs(15),
            min_body_bytes_per_second: 1_024,
            retries: 2,
        }
    }
}

type Connector = hyper_rustls::HttpsConnector<HttpConnector>;

/// Everything the proxy keeps between calls; one per process.
pub struct Gateway {
    connector: Connector,
    routes: routes::RouteTable,
    keys: consumer::KeyCache,
    limiter: limit::RateLimiter,
    log: log::AccessLog,
    meter: meter::Meter,
    settings: GatewaySettings,
}

impl Gateway {
    /// Builds the gateway and starts its log writer (inside a Tokio runtime).
    pub fn new(store: Store, settings: GatewaySettings) -> Self {
        Self {
            connector: connector(),
            routes: routes::RouteTable::new(settings.breaker_threshold, settings.breaker_cooldown),
            keys: consumer::KeyCache::default(),
            limiter: limit::RateLimiter::default(),
            log: log::AccessLog::start(store),
            meter: meter::Meter::default(),
            settings,
        }
    }
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway").field("settings", &self.settings).finish_non_exhaustive()
    }
}

/// Dials plain and TLS upstreams (rustls with ring and the system's roots, as the agency
/// deliveries use); [`pool`] keeps the connections.
fn connector() -> Connector {
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    http.set_connect_timeout(Some(Duration::from_secs(5)));
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap_or_else(|_| unreachable!("ring supports TLS 1.2 and 1.3"))
        .with_root_certificates(roots)
        .with_no_client_auth();
    hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(tls).https_or_http().enable_http1().wrap_connector(http)
}

/// `/gw/{app}` and everything below it, any method.
pub fn routes() -> Router<crate::AppState> {
    Router::new()
        .route("/gw/{app}", any(proxy::proxy))
        .route("/gw/{app}/", any(proxy::proxy))
        .route("/gw/{app}/{*rest}", any(proxy::proxy))
}
