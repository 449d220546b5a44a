//! Programme progress from the catalog and its status history.

use chrono::{DateTime, Utc};
use domain::{IntegrationStatus, Progress, ProgressPoint, progress_over_time};
use serde::Serialize;
use sqlx::{AssertSqlSafe, Row};

use crate::metrics::ScopeFilter;
use crate::rows::Columns;
use crate::{Store, StoreError};

/// One entry of the integration history: application, when, new status.
pub(crate) type StatusRow = (String, DateTime<Utc>, IntegrationStatus);

/// One agency's (or category's) share of the programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgencyProgress {
    /// Agency code or category slug.
    pub key: String,
    pub name: String,
    pub progress: Progress,
}

impl Store {
    /// Integrated, in progress and planned counts over the whole catalog.
    pub async fn progress(&self) -> Result<Progress, StoreError> {
        let rows =
            sqlx::query("SELECT status, COUNT(*) AS n FROM services GROUP BY status").fetch_all(&self.pool).await?;
        let mut progress = Progress::default();
        for row in rows {
            let status = row.status("status")?;
            for _ in 0..row.count("n")? {
                progress.add(status);
            }
        }
        Ok(progress)
    }

    async fn grouped_progress(&self, key: &str, name: &str, join: &str) -> Result<Vec<AgencyProgress>, StoreError> {
        let sql = format!(
            "SELECT {key} AS k, {name} AS name, s.status, COUNT(*) AS n FROM services s {join} \
             GROUP BY {key}, {name}, s.status ORDER BY {key}{collate}",
            collate = self.backend().binary_collation()
        );
        let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        let mut groups: Vec<AgencyProgress> = Vec::new();
        for row in rows {
            let key = row.text("k")?;
            let status = row.status("status")?;
            let n = row.count("n")?;
            if groups.last().is_none_or(|g| g.key != key) {
                groups.push(AgencyProgress { key, name: row.text("name")?, progress: Progress::default() });
            }
            if let Some(group) = groups.last_mut() {
                for _ in 0..n {
                    group.progress.add(status);
                }
            }
        }
        groups.retain(|g| g.progress.total > 0);
        Ok(groups)
    }

    /// Progress per agency, by agency code.
    pub async fn progress_by_agency(&self) -> Result<Vec<AgencyProgress>, StoreError> {
        self.grouped_progress("a.code", "COALESCE(a.short_name, a.name)", "JOIN agencies a ON a.id = s.agency_id").await
    }

    /// Progress per category, by slug.
    pub async fn progress_by_category(&self) -> Result<Vec<AgencyProgress>, StoreError> {
        self.grouped_progress("c.slug", "c.name", "JOIN categories c ON c.slug = s.category_slug").await
    }

    /// Month-by-month progress replayed from the status history, up to `until`.
    pub async fn progress_history(&self, until: DateTime<Utc>) -> Result<Vec<ProgressPoint>, StoreError> {
        let changes = self.status_changes(&ScopeFilter::City).await?;
        Ok(progress_over_time(&changes, until))
    }

    /// The status history of the applications in a scope, for replaying: an agency's are
    /// the services it owns now (a service moved between agencies takes its history along).
    pub(crate) async fn status_changes(&self, scope: &ScopeFilter) -> Result<Vec<StatusRow>, StoreError> {
        let sql = format!(
            "SELECT c.service_id, c.changed_at, c.to_status FROM service_status_changes c \
             JOIN services s ON s.id = c.service_id{}",
            scope.clause("s.agency_id", "s.id", 1)
        );
        let query = sqlx::query(AssertSqlSafe(sql));
        let query = match scope.id() {
            Some(id) => query.bind(id),
            None => query,
        };
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| Ok((r.try_get::<String, _>("service_id")?, r.time("changed_at")?, r.status("to_status")?)))
            .collect()
    }
}
