//! The routes the gateway serves, read from the database and kept for a few seconds, so a
//! call costs no query; `satupintu gateway route add|remove` reaches running servers within
//! [`FRESH_FOR`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::http::uri::{Authority, Scheme};
use axum::http::{HeaderValue, Uri};
use store::Store;

use super::breaker::Breaker;
use super::pool::Upstream;
use crate::auth::seal::Sealer;

/// How long a read of the routes is used before it is read again.
pub const FRESH_FOR: Duration = Duration::from_secs(2);

/// One application, ready to call.
pub struct Route {
    pub code: String,
    /// The upstream's base path without a trailing `/` (empty for the root).
    pub base_path: String,
    pub timeout: Duration,
    pub max_body: u64,
    /// Signs the identity headers (`None` if the sealed secret does not open: the route
    /// then answers 502 rather than send unsigned identities).
    pub secret: Option<Vec<u8>>,
    pub breaker: Arc<Breaker>,
    /// The `Host` header the application gets (its own authority).
    pub host: HeaderValue,
    /// The kept connections to the application, shared by routes with the same origin.
    pub upstream: Arc<Upstream>,
}

/// The owner a route's secret is sealed for.
pub fn seal_owner(code: &str) -> String {
    format!("gateway-route:{code}")
}

struct Snapshot {
    loaded_at: Option<Instant>,
    routes: HashMap<String, Arc<Route>>,
}

pub struct RouteTable {
    snapshot: RwLock<Arc<Snapshot>>,
    reloading: tokio::sync::Mutex<()>,
    /// Breakers outlive reloads: an open circuit stays open when the routes are re-read.
    breakers: Mutex<HashMap<String, Arc<Breaker>>>,
    /// Kept connections outlive reloads too, per `scheme://authority`.
    upstreams: Mutex<HashMap<String, Arc<Upstream>>>,
    threshold: u32,
    cooldown: Duration,
}

impl RouteTable {
    pub fn new(threshold: u32, cooldown: Duration) -> Self {
        Self {
            snapshot: RwLock::new(Arc::new(Snapshot { loaded_at: None, routes: HashMap::new() })),
            reloading: tokio::sync::Mutex::new(()),
            breakers: Mutex::default(),
            upstreams: Mutex::default(),
            threshold,
            cooldown,
        }
    }

    fn current(&self) -> Arc<Snapshot> {
        self.snapshot.read().map(|s| s.clone()).unwrap_or_else(|p| p.into_inner().clone())
    }

    /// The route of `code`, re-reading the table when it is stale. One caller re-reads;
    /// the others use the previous read meanwhile (except before the first read).
    pub async fn get(
        &self,
        code: &str,
        store: &Store,
        sealer: &Sealer,
    ) -> Result<Option<Arc<Route>>, store::StoreError> {
        let snapshot = self.current();
        let stale = snapshot.loaded_at.is_none_or(|at| at.elapsed() >= FRESH_FOR);
        if stale {
            let guard = if snapshot.loaded_at.is_none() {
                Some(self.reloading.lock().await)
            } else {
                self.reloading.try_lock().ok()
            };
            if let Some(_guard) = guard {
                // Another caller may have re-read while this one waited for the lock.
                let now = self.current();
                if now.loaded_at.is_none_or(|at| at.elapsed() >= FRESH_FOR) {
                    self.reload(store, sealer).await?;
                }
            }
        }
        Ok(self.current().routes.get(code).cloned())
    }

    /// The kept connections of `scheme://authority`, made on first use.
    fn upstream(&self, scheme: &Scheme, authority: &Authority) -> Arc<Upstream> {
        let origin = format!("{scheme}://{authority}");
        let make = || {
            let uri = Uri::builder().scheme(scheme.clone()).authority(authority.clone()).path_and_query("/").build();
            Arc::new(Upstream::new(uri.unwrap_or_else(|_| unreachable!("scheme and authority came from a URI"))))
        };
        match self.upstreams.lock() {
            Ok(mut upstreams) => upstreams.entry(origin).or_insert_with(make).clone(),
            Err(_) => make(),
        }
    }

    async fn reload(&self, store: &Store, sealer: &Sealer) -> Result<(), store::StoreError> {
        let rows = store.live_gateway_routes().await?;
        let mut routes = HashMap::with_capacity(rows.len());
        for row in rows {
            let Ok(url) = row.upstream.parse::<axum::http::Uri>() else {
                tracing::error!(app = %row.service_code, "gateway route has an unusable upstream URL; skipped");
                continue;
            };
            let (Some(scheme), Some(authority)) = (url.scheme().cloned(), url.authority().cloned()) else {
                tracing::error!(app = %row.service_code, "gateway route upstream lacks scheme or host; skipped");
                continue;
            };
            let secret = sealer.open(&row.secret_sealed, &seal_owner(&row.service_code)).map(String::into_bytes);
            if secret.is_none() {
                tracing::error!(app = %row.service_code, "gateway route secret does not open (another server key?)");
            }
            let breaker = match self.breakers.lock() {
                Ok(mut breakers) => breakers
                    .entry(row.service_code.clone())
                    .or_insert_with(|| Arc::new(Breaker::new(self.threshold, self.cooldown)))
                    .clone(),
                Err(_) => Arc::new(Breaker::new(self.threshold, self.cooldown)),
            };
            let Ok(host) = HeaderValue::from_str(authority.as_str()) else {
                tracing::error!(app = %row.service_code, "gateway route upstream host is not a header value; skipped");
                continue;
            };
            let upstream = self.upstream(&scheme, &authority);
            let route = Route {
                code: row.service_code.clone(),
                base_path: url.path().trim_end_matches('/').to_string(),
                timeout: Duration::from_millis(u64::try_from(row.timeout_ms).unwrap_or(0)),
                max_body: u64::try_from(row.max_body_bytes).unwrap_or(0),
                secret,
                breaker,
                host,
                upstream,
            };
            routes.insert(row.service_code, Arc::new(route));
        }
        if let Ok(mut upstreams) = self.upstreams.lock() {
            // An origin no route holds any more (by the next reload) loses its connections.
            upstreams.retain(|_, upstream| Arc::strong_count(upstream) > 1);
        }
        let fresh = Arc::new(Snapshot { loaded_at: Some(Instant::now()), routes });
        match self.snapshot.write() {
            Ok(mut s) => *s = fresh,
            Err(p) => *p.into_inner() = fresh,
        }
        Ok(())
    }
}
