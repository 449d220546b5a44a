//! `/api/v1/agencies` and `/api/v1/categories`.

use axum::Json;
use axum::extract::{Path, State};
use domain::AgencyCode;
use store::{Page, ServiceFilter, StoreError};

use super::dto::{AgencyFull, AgencyItem, CategoryItem, ServiceItem};
use crate::error::ApiError;
use crate::state::AppState;

/// Every agency (OPD) with its service counts, by name.
#[utoipa::path(
    get,
    path = "/api/v1/agencies",
    operation_id = "listAgencies",
    tag = "katalog",
    responses((status = 200, description = "All agencies", body = Vec<AgencyItem>))
)]
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<AgencyItem>>, ApiError> {
    let agencies = state.catalog.list_agencies().await?;
    Ok(Json(agencies.iter().map(AgencyItem::from).collect()))
}

/// One agency with its contact details and services.
#[utoipa::path(
    get,
    path = "/api/v1/agencies/{code}",
    operation_id = "getAgency",
    tag = "katalog",
    params(("code" = String, Path, description = "Agency code, e.g. `DISDUKCAPIL` (case-insensitive)")),
    responses(
        (status = 200, description = "The agency", body = AgencyFull),
        (status = 404, description = "No agency with that code", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
pub async fn show(State(state): State<AppState>, Path(code): Path<String>) -> Result<Json<AgencyFull>, ApiError> {
    let parsed = AgencyCode::parse(&code).map_err(|_| ApiError::not_found("OPD", code.clone()))?;
    let agency = match state.catalog.agency(&parsed).await {
        Ok(agency) => agency,
        Err(StoreError::NotFound) => return Err(ApiError::not_found("OPD", code)),
        Err(e) => return Err(e.into()),
    };
    let filter = ServiceFilter { agency: Some(parsed), ..Default::default() };
    let mut items = Vec::new();
    let mut page = 1;
    loop {
        let batch = state.store.list_services(&filter, Page::new(page, Page::MAX_SIZE)).await?;
        items.extend(batch.items.iter().map(ServiceItem::from));
        if page >= batch.total_pages() {
            break;
        }
        page += 1;
    }
    Ok(Json(AgencyFull { agency: AgencyItem::from(&*agency), service_list: items }))
}

/// Every category that has active services, with counts.
#[utoipa::path(
    get,
    path = "/api/v1/categories",
    operation_id = "listCategories",
    tag = "katalog",
    responses((status = 200, description = "All categories", body = Vec<CategoryItem>))
)]
pub async fn categories(State(state): State<AppState>) -> Result<Json<Vec<CategoryItem>>, ApiError> {
    let categories = state.catalog.list_categories().await?;
    Ok(Json(categories.iter().map(CategoryItem::from).collect()))
}
