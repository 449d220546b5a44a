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

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::response::Response;
use tower::ServiceExt;

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

/// The whole application as one HTTP service, as the server runs it: `/gw/…` goes straight
/// to the gateway, everything else through [`router`]. The gateway stays in the router too,
/// for embedders that serve a `Router`; going around it saves a proxied call the route
/// matching, the state copy and the path parameters it does not use.
#[derive(Clone)]
pub struct Service(Arc<(Router, AppState)>);

impl Service {
    pub fn new(state: AppState) -> Self {
        Self(Arc::new((router(state.clone()), state)))
    }

    /// Answers one request (never fails: errors are responses).
    pub fn call<B>(&self, request: axum::http::Request<B>) -> impl Future<Output = Response> + Send + use<B>
    where
        B: http_body::Body<Data = axum::body::Bytes> + Send + 'static,
        B::Error: Into<axum::BoxError>,
    {
        let this = self.0.clone();
        async move {
            let (router, state) = &*this;
            if request.uri().path().starts_with("/gw/") {
                gateway::forward(state, request.map(Body::new)).await
            } else {
                router.clone().oneshot(request).await.unwrap_or_else(|never| match never {})
            }
        }
    }
}
