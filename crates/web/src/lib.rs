//! satupintu's HTTP face: the portal (server-rendered pages), the JSON API for the mobile
//! apps, and the operations endpoints.
//!
//! Handlers are thin: they parse, call the store, and render. The only places that
//! choose an error status are [`error::ApiError`] and [`error::PageError`].

pub mod api;
pub mod api_keys;
mod assets;
pub mod attachments;
pub mod auth;
pub mod catalog;
mod cookies;
mod error;
pub mod evaluation;
pub mod feed;
pub mod gateway;
pub mod hooks;
mod i18n;
mod middleware;
pub mod monitoring;
pub mod oidc;
mod open311;
mod ops;
mod pages;
mod query;
pub mod requests;
pub mod search;
mod state;
pub mod talas;
mod views;

pub use i18n::Lang;
pub use state::{AppState, WebSettings};

use axum::Router;

/// The whole application as one router, ready to serve.
pub fn router(state: AppState) -> Router {
    // `secure_cookies` is the setting that says people reach the portal over HTTPS.
    let https = state.settings.secure_cookies;
    let guarded = Router::new()
        .merge(pages::routes())
        .merge(oidc::page_routes())
        .nest("/api/v1", api::routes())
        .merge(ops::routes())
        .merge(assets::routes());
    let app = middleware::cross_site_guard(guarded)
        .merge(oidc::api_routes())
        .merge(open311::routes())
        .merge(talas::channels::routes())
        .fallback(pages::not_found)
        .with_state(state.clone());
    // The gateway stays outside the portal's layers: they compress, time out at 30 s and
    // guard against cross-site forms, none of which suits a streaming proxy with limits
    // of its own. Merged routes do not take layers applied before the merge.
    middleware::apply(app, https).merge(gateway::routes().with_state(state))
}
