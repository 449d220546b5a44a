//! `/api/v1/services`.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use domain::ServiceCode;
use store::StoreError;

use super::dto::{ServiceFull, ServiceItem, ServiceList};
use crate::error::ApiError;
use crate::query::{CatalogQuery, Spelling, pairs};
use crate::state::AppState;

/// The catalog filters, documented for the OpenAPI document (parsed by [`CatalogQuery`]).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ListParams {
    /// Category slug, e.g. `kependudukan`.
    category: Option<String>,
    /// Agency code, e.g. `DISDUKCAPIL`.
    agency: Option<String>,
    /// `warga`, `asn` or `bisnis`.
    audience: Option<String>,
    /// `link`, `sso`, `api` or `native`.
    mode: Option<String>,
    /// `direncanakan`, `dalam_proses`, `terintegrasi` or `dihentikan`. Without it, retired
    /// services are left out.
    status: Option<String>,
    /// Words that must all appear in the name, code or keywords.
    q: Option<String>,
    /// Page number, from 1.
    page: Option<u64>,
    /// Items per page, 1–100 (default 20).
    per_page: Option<u64>,
}

/// List services, filtered and paginated, by name.
#[utoipa::path(
    get,
    path = "/api/v1/services",
    operation_id = "listServices",
    tag = "katalog",
    params(ListParams),
    responses(
        (status = 200, description = "One page of services", body = ServiceList),
        (status = 400, description = "A parameter is invalid or unknown", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
pub async fn list(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Json<ServiceList>, ApiError> {
    let query = CatalogQuery::parse(&pairs(raw.as_deref()), Spelling::Api).map_err(ApiError::InvalidParameters)?;
    let page = state.catalog.list_services(&query.filter, query.page()).await?;
    Ok(Json(ServiceList {
        items: page.items.iter().map(ServiceItem::from).collect(),
        page: page.page,
        per_page: page.per_page,
        total: page.total,
        total_pages: page.total_pages(),
    }))
}

/// One service with its full public service standard and status history.
#[utoipa::path(
    get,
    path = "/api/v1/services/{code}",
    operation_id = "getService",
    tag = "katalog",
    params(("code" = String, Path, description = "Service code, e.g. `KTP-EL` (case-insensitive)")),
    responses(
        (status = 200, description = "The service", body = ServiceFull),
        (status = 404, description = "No service with that code", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
pub async fn show(State(state): State<AppState>, Path(code): Path<String>) -> Result<Json<ServiceFull>, ApiError> {
    let parsed = ServiceCode::parse(&code).map_err(|_| ApiError::not_found("layanan", code.clone()))?;
    match state.catalog.service(&parsed).await {
        Ok(detail) => Ok(Json(ServiceFull::from(&*detail))),
        Err(StoreError::NotFound) => Err(ApiError::not_found("layanan", code)),
        Err(e) => Err(e.into()),
    }
}
