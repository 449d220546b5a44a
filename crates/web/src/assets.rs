//! Static files, compiled into the binary so a fresh install needs nothing beside it.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;
use axum::routing::get;

use crate::state::AppState;

const CSS: &str = include_str!("../assets/app.css");
const JS: &str = include_str!("../assets/app.js");
const SW: &str = include_str!("../assets/sw.js");
const FAVICON: &str = include_str!("../assets/favicon.svg");
const ICON_192: &[u8] = include_bytes!("../assets/icon-192.png");
const ICON_512: &[u8] = include_bytes!("../assets/icon-512.png");
const ICON_MASKABLE: &[u8] = include_bytes!("../assets/icon-maskable-512.png");
const APPLE_ICON: &[u8] = include_bytes!("../assets/apple-touch-icon.png");

/// A short hash of the assets, put in their URLs so a new release is fetched at once
/// while unchanged assets stay cached for a long time.
pub static VERSION: LazyLock<String> = LazyLock::new(|| {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in CSS.bytes().chain(JS.bytes()).chain(SW.bytes()).chain(env!("CARGO_PKG_VERSION").bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:08x}", hash >> 32)
});

const LONG: &str = "public, max-age=31536000, immutable";
const SHORT: &str = "public, max-age=3600";

fn file(content_type: &'static str, cache: &'static str, body: impl IntoResponse) -> impl IntoResponse {
    ([(CONTENT_TYPE, content_type), (CACHE_CONTROL, cache)], body)
}

async fn manifest(State(state): State<AppState>) -> impl IntoResponse {
    let manifest = serde_json::json!({
        "name": format!("satupintu {}", state.settings.city_name),
        "short_name": "satupintu",
        "description": "Satu pintu untuk semua layanan publik kota.",
        "lang": "id",
        "start_url": "/?sumber=pwa",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f7f9f8",
        "theme_color": "#0b5e42",
        "icons": [
            {"src": "/static/icon-192.png", "sizes": "192x192", "type": "image/png"},
            {"src": "/static/icon-512.png", "sizes": "512x512", "type": "image/png"},
            {"src": "/static/icon-maskable-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"}
        ]
    });
    file("application/manifest+json", SHORT, manifest.to_string())
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/static/app.css", get(|| async { file("text/css; charset=utf-8", LONG, CSS) }))
        .route("/static/app.js", get(|| async { file("text/javascript; charset=utf-8", LONG, JS) }))
        .route("/static/icon-192.png", get(|| async { file("image/png", SHORT, ICON_192) }))
        .route("/static/icon-512.png", get(|| async { file("image/png", SHORT, ICON_512) }))
        .route("/static/icon-maskable-512.png", get(|| async { file("image/png", SHORT, ICON_MASKABLE) }))
        .route("/apple-touch-icon.png", get(|| async { file("image/png", SHORT, APPLE_ICON) }))
        .route("/favicon.svg", get(|| async { file("image/svg+xml", SHORT, FAVICON) }))
        .route("/favicon.ico", get(|| async { file("image/svg+xml", SHORT, FAVICON) }))
        .route(
            "/sw.js",
            // The worker must be re-checked on every visit so updates reach installed apps.
            get(|| async { file("text/javascript; charset=utf-8", "no-cache", SW.replace("__VERSION__", &VERSION)) }),
        )
        .route("/manifest.webmanifest", get(manifest))
        .route("/robots.txt", get(|| async { file("text/plain; charset=utf-8", SHORT, "User-agent: *\nAllow: /\n") }))
}
