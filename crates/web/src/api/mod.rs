//! The JSON API for the iOS and Android apps, described by an OpenAPI 3.1 document at
//! `/api/v1/openapi.json` and readable at `/api/v1/docs`.

mod agencies;
pub(crate) mod assistant;
mod docs;
pub mod dto;
mod progress;
pub(crate) mod requests;
pub mod search;
mod services;

use axum::Router;
use axum::routing::get;
use utoipa::OpenApi;

use crate::error::{ParamProblem, Problem};
use crate::state::AppState;

/// The OpenAPI document, generated from the handlers' annotations.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "satupintu API",
        version = "1",
        description = "Katalog layanan publik kota, status integrasi aplikasi dan kemajuan program satu pintu. \
                       Semua galat dikembalikan sebagai application/problem+json dengan kode yang stabil.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later")
    ),
    paths(
        services::list,
        services::show,
        agencies::list,
        agencies::show,
        agencies::categories,
        progress::show,
        search::search,
        search::suggest,
        search::click,
        requests::submit,
        requests::show,
        requests::mine,
        requests::cancel,
        assistant::send,
        assistant::history
    ),
    components(schemas(Problem, ParamProblem)),
    tags(
        (name = "katalog", description = "Layanan, OPD dan kategori"),
        (name = "kemajuan", description = "Kemajuan integrasi aplikasi"),
        (name = "pencarian", description = "Pencarian layanan dan saran saat mengetik"),
        (name = "permohonan", description = "Mengajukan permohonan layanan dan mengikuti statusnya"),
        (name = "talas", description = "Talas, asisten percakapan: bentuk kanal REST Rasa")
    )
)]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/services", get(services::list))
        .route("/services/{code}", get(services::show))
        .route("/agencies", get(agencies::list))
        .route("/agencies/{code}", get(agencies::show))
        .route("/categories", get(agencies::categories))
        .route("/progress", get(progress::show))
        .route("/search", get(search::search))
        .route("/suggest", get(search::suggest))
        .route("/search/clicks", axum::routing::post(search::click))
        .route("/requests", get(requests::mine).post(requests::submit))
        .route("/requests/{code}", get(requests::show))
        .route("/requests/{code}/cancel", axum::routing::post(requests::cancel))
        .route("/assistant/messages", get(assistant::history).post(assistant::send))
        .route("/openapi.json", get(docs::openapi_json))
        .route("/docs", get(docs::page))
}
