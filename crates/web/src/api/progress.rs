//! `/api/v1/progress`.

use axum::Json;
use axum::extract::State;
use chrono::Utc;

use super::dto::{Counts, GroupProgress, MonthPoint, ProgressReport};
use crate::error::ApiError;
use crate::state::AppState;

/// The integration programme's progress: overall, per agency, per category and by month.
#[utoipa::path(
    get,
    path = "/api/v1/progress",
    operation_id = "getProgress",
    tag = "kemajuan",
    responses((status = 200, description = "Progress of the programme", body = ProgressReport))
)]
pub async fn show(State(state): State<AppState>) -> Result<Json<ProgressReport>, ApiError> {
    let store = &state.catalog;
    let overall = store.progress().await?;
    let group = |g: &store::AgencyProgress| GroupProgress {
        key: g.key.clone(),
        name: g.name.clone(),
        counts: (&g.progress).into(),
    };
    let by_agency = store.progress_by_agency().await?.iter().map(group).collect();
    let by_category = store.progress_by_category().await?.iter().map(group).collect();
    let history = store
        .progress_history(Utc::now())
        .await?
        .iter()
        .map(|p| MonthPoint { month: p.month.format("%Y-%m").to_string(), integrated: p.integrated, total: p.total })
        .collect();
    Ok(Json(ProgressReport {
        counts: Counts::from(&*overall),
        target: state.settings.programme_target,
        target_year: state.settings.programme_target_year,
        percent_of_target: overall.percent_of(state.settings.programme_target),
        by_agency,
        by_category,
        history,
    }))
}
