//! Header hygiene both ways, `X-Forwarded-*`, and the signed identity headers.
//!
//! The application learns who called from `X-Satupintu-Consumer`, `-User` and `-Scope`,
//! signed in `X-Satupintu-Signature: t=UNIX,v1=HEX` exactly as agency deliveries are
//! ([`crate::hooks::sign`]), over the text [`identity_payload`] builds: an application
//! checks it with `hooks::verify(secret, header, payload, now)` code it already has.

use std::net::IpAddr;

use axum::http::{HeaderMap, HeaderName, HeaderValue, header};

pub const CONSUMER: HeaderName = HeaderName::from_static("x-satupintu-consumer");
pub const USER: HeaderName = HeaderName::from_static("x-satupintu-user");
pub const SCOPE: HeaderName = HeaderName::from_static("x-satupintu-scope");

/// Headers about one connection, not the message (RFC 9110 §7.6.1); never passed on.
/// Names, not strings: a string is parsed and checked again on every call.
const HOP_BY_HOP: [HeaderName; 9] = [
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    header::PROXY_AUTHENTICATE,
    header::PROXY_AUTHORIZATION,
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
    HeaderName::from_static("proxy-connection"),
];
const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");
const X_FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");
const X_FORWARDED_HOST: HeaderName = HeaderName::from_static("x-forwarded-host");
/// Set only by satupintu (from the connection, or from a trusted proxy's).
const FORWARDED_BY_SATUPINTU: [HeaderName; 3] = [X_FORWARDED_FOR, X_FORWARDED_PROTO, X_FORWARDED_HOST];
/// Credentials meant for satupintu, the portal's session, and addresses only satupintu sets.
const NOT_PASSED_ON: [HeaderName; 5] = [
    header::AUTHORIZATION,
    header::COOKIE,
    HeaderName::from_static("x-api-key"),
    header::FORWARDED,
    HeaderName::from_static("x-real-ip"),
];

/// Removes hop-by-hop headers, including those the `Connection` header names.
fn strip_hop_by_hop(headers: &mut HeaderMap) {
    if headers.contains_key(header::CONNECTION) {
        for name in connection_named(headers) {
            headers.remove(name);
        }
    }
    for name in &HOP_BY_HOP {
        headers.remove(name);
    }
}

/// What the caller sent, made fit for the application: no hop-by-hop headers, no
/// credential meant for satupintu (the application gets the verified identity instead), no
/// cookies (the portal's session must never reach an application), nothing claiming to be
/// satupintu's, and `X-Forwarded-*` only as satupintu sets them.
///
/// A copy in one pass, leaving `incoming` as it was: a call that is tried again builds its
/// headers again rather than keep a copy of them for the case.
pub fn request_headers(incoming: &HeaderMap, peer: IpAddr, trusted: bool, https: bool) -> HeaderMap {
    let named = connection_named(incoming);
    let mut headers = HeaderMap::with_capacity(incoming.keys_len() + 8);
    for (name, value) in incoming {
        let passed = !HOP_BY_HOP.contains(name)
            && !NOT_PASSED_ON.contains(name)
            && !FORWARDED_BY_SATUPINTU.contains(name)
            && name != header::HOST
            && !name.as_str().starts_with("x-satupintu-")
            && !named.contains(name);
        if passed {
            headers.append(name, value.clone());
        }
    }
    // A trusted proxy in front of satupintu vouches for what it says; anyone else does not.
    let earlier = incoming.get(X_FORWARDED_FOR).and_then(|v| v.to_str().ok()).filter(|_| trusted);
    let chain = match earlier {
        Some(earlier) => HeaderValue::try_from(format!("{earlier}, {peer}")),
        None => HeaderValue::try_from(peer.to_string()),
    };
    if let Ok(value) = chain {
        headers.insert(X_FORWARDED_FOR, value);
    }
    let proto = incoming
        .get(X_FORWARDED_PROTO)
        .filter(|_| trusted)
        .cloned()
        .unwrap_or_else(|| HeaderValue::from_static(if https { "https" } else { "http" }));
    headers.insert(X_FORWARDED_PROTO, proto);
    if let Some(value) = incoming.get(X_FORWARDED_HOST).filter(|_| trusted).or_else(|| incoming.get(header::HOST)) {
        headers.insert(X_FORWARDED_HOST, value.clone());
    }
    headers
}

/// The further hop-by-hop headers a `Connection` header names (usually none).
fn connection_named(headers: &HeaderMap) -> Vec<HeaderName> {
    headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|name| HeaderName::from_bytes(name.trim().as_bytes()).ok())
        .collect()
}

/// What the application sends back, made fit for the caller: no hop-by-hop headers and no
/// cookies (all applications share satupintu's origin, so one's cookie would reach others).
pub fn response_headers(headers: &mut HeaderMap) {
    strip_hop_by_hop(headers);
    headers.remove(header::SET_COOKIE);
}

/// The text the signature covers: method, the path and query the application receives,
/// and the three identity headers, one per line.
pub fn identity_payload(method: &str, path_and_query: &str, consumer: &str, user: &str, scope: &str) -> String {
    format!("{method}\n{path_and_query}\n{consumer}\n{user}\n{scope}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hygiene() {
        let mut h = HeaderMap::new();
        h.insert(header::CONNECTION, HeaderValue::from_static("keep-alive, x-secret-hop"));
        h.insert("x-secret-hop", HeaderValue::from_static("1"));
        h.insert("keep-alive", HeaderValue::from_static("timeout=5"));
        h.insert(header::HOST, HeaderValue::from_static("portal.example"));
        h.insert("x-satupintu-user", HeaderValue::from_static("admin"));
        h.insert("x-forwarded-for", HeaderValue::from_static("6.6.6.6"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer sp_x"));
        h.insert("x-kept", HeaderValue::from_static("yes"));
        let peer: IpAddr = [10, 0, 0, 9].into();
        let out = request_headers(&h, peer, false, true);
        for gone in ["connection", "x-secret-hop", "keep-alive", "host", "x-satupintu-user", "authorization"] {
            assert!(out.get(gone).is_none(), "{gone}");
        }
        assert_eq!(out["x-forwarded-for"], "10.0.0.9");
        assert_eq!(out["x-forwarded-proto"], "https");
        assert_eq!(out["x-forwarded-host"], "portal.example");
        assert_eq!(out["x-kept"], "yes");
        let trusted = request_headers(&h, peer, true, false);
        assert_eq!(trusted["x-forwarded-for"], "6.6.6.6, 10.0.0.9");
    }
}
