//! Reading a cookie from request headers (shared by the language and session cookies).

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

/// The value of cookie `name`, if the request carries a non-empty one.
pub fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, v)| *k == name && !v.is_empty())
        .map(|(_, v)| v)
}
