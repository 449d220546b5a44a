//! Rate limits on sign-in and sign-up, per client address and per account, so guessing
//! passwords or flooding sign-ups costs an attacker time.
//!
//! Counts live in each process's memory; behind a load balancer with N processes the
//! limits are per process (at most N times as many tries), which still stops guessing.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;

/// A limit: at most `max` events in `window`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: usize,
    pub window: Duration,
}

/// Failed sign-ins per account.
pub const SIGN_IN_PER_ACCOUNT: Limit = Limit { max: 5, window: Duration::from_secs(15 * 60) };
/// Failed sign-ins per client address (several people can share one address).
pub const SIGN_IN_PER_ADDRESS: Limit = Limit { max: 20, window: Duration::from_secs(15 * 60) };
/// Sign-ups per client address.
pub const SIGN_UP_PER_ADDRESS: Limit = Limit { max: 10, window: Duration::from_secs(60 * 60) };

/// Counts events per key within a sliding window.
#[derive(Default)]
pub struct Limiter {
    events: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Limiter {
    /// How long until `key` may try again, if it is over `limit` now.
    pub fn blocked_for(&self, key: &str, limit: Limit, now: Instant) -> Option<Duration> {
        let mut events = self.events.lock().ok()?;
        let queue = events.get_mut(key)?;
        while queue.front().is_some_and(|t| now.duration_since(*t) >= limit.window) {
            queue.pop_front();
        }
        if queue.len() >= limit.max {
            queue.front().map(|first| limit.window.saturating_sub(now.duration_since(*first)))
        } else {
            None
        }
    }

    /// Counts one event for `key`.
    pub fn record(&self, key: &str, now: Instant) {
        if let Ok(mut events) = self.events.lock() {
            if events.len() > 100_000 {
                // Bound memory under a flood of distinct keys: forget the oldest state.
                events.clear();
            }
            events.entry(key.to_string()).or_default().push_back(now);
        }
    }

    /// Forgets `key` (a successful sign-in clears the account's failures).
    pub fn reset(&self, key: &str) {
        if let Ok(mut events) = self.events.lock() {
            events.remove(key);
        }
    }
}

/// The client's address: the connection's peer, or, when the peer is a trusted proxy,
/// the last address it appended to `X-Forwarded-For`.
pub fn client_address(peer: Option<SocketAddr>, headers: &HeaderMap, trusted_proxies: &[IpAddr]) -> String {
    let peer_ip = peer.map(|p| p.ip());
    if let Some(ip) = peer_ip
        && trusted_proxies.contains(&ip)
        && let Some(forwarded) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse::<IpAddr>().ok())
    {
        return forwarded.to_string();
    }
    peer_ip.map_or_else(|| "unknown".to_string(), |ip| ip.to_string())
}

/// The client's address as an extractor (never fails; "unknown" without connection info).
pub struct ClientAddress(pub String);

impl axum::extract::FromRequestParts<crate::state::AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &crate::state::AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<SocketAddr>>().map(|c| c.0);
        Ok(Self(client_address(peer, &parts.headers, &state.settings.trusted_proxies)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_the_limit_and_recovers() {
        let limiter = Limiter::default();
        let limit = Limit { max: 3, window: Duration::from_secs(60) };
        let t0 = Instant::now();
        for i in 0..3 {
            assert_eq!(limiter.blocked_for("k", limit, t0), None);
            limiter.record("k", t0 + Duration::from_secs(i));
        }
        let wait = limiter.blocked_for("k", limit, t0 + Duration::from_secs(10));
        assert_eq!(wait, Some(Duration::from_secs(50)));
        assert_eq!(limiter.blocked_for("k", limit, t0 + Duration::from_secs(61)), None);
        limiter.record("k", t0);
        limiter.reset("k");
        assert_eq!(limiter.blocked_for("k", limit, t0), None);
    }

    #[test]
    fn forwarded_address_only_from_trusted_proxies() {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "203.0.113.9, 198.51.100.7".parse().unwrap_or_else(|_| unreachable!()));
        let proxy: SocketAddr = "10.0.0.2:5000".parse().unwrap_or_else(|_| unreachable!());
        let trusted: Vec<IpAddr> = vec!["10.0.0.2".parse().unwrap_or_else(|_| unreachable!())];
        assert_eq!(client_address(Some(proxy), &headers, &trusted), "198.51.100.7");
        assert_eq!(client_address(Some(proxy), &headers, &[]), "10.0.0.2");
        assert_eq!(client_address(None, &headers, &trusted), "unknown");
    }
}
