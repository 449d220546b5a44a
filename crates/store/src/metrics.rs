//! The platform's own figures for a period and scope, as evidence for assessors. What
//! counts is the domain's rule (`domain::evaluation::metrics`); here are the few queries
//! that feed it, each bounded by the period except the integration history, which is
//! replayed whole (one row per status change, a few per application).

use chrono::NaiveDate;
use domain::evaluation::metrics::{
    CompletedRequest, IkmFigures, MetricScope, PlatformMetrics, period_bounds, progress_samples, request_figures,
};
use domain::monitoring::{day_of, show_uptime, uptime_hundredths};
use domain::request::RequestStatus;
use domain::{AgencyCode, ServiceCode};
use sqlx::AssertSqlSafe;

use crate::error::corrupt;
use crate::rows::{Columns, ts};
use crate::{Store, StoreError};

/// Which part of the city a snapshot covers, named by code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetricScopeQuery {
    City,
    Agency(AgencyCode),
    Service(ServiceCode),
}

/// A scope resolved to its row id, for filtering the tables that carry agency and service
/// ids (requests and survey answers copy them at submission).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ScopeFilter {
    City,
    Agency(String),
    Service(String),
}

impl ScopeFilter {
    /// ` AND {column} = ${n}` on the scope's column, or nothing for the whole city.
    pub(crate) fn clause(&self, agency_column: &str, service_column: &str, n: usize) -> String {
        match self {
            Self::City => String::new(),
            Self::Agency(_) => format!(" AND {agency_column} = ${n}"),
            Self::Service(_) => format!(" AND {service_column} = ${n}"),
        }
    }

    /// The id to bind for [`Self::clause`]'s placeholder.
    pub(crate) fn id(&self) -> Option<&str> {
        match self {
            Self::City => None,
            Self::Agency(id) | Self::Service(id) => Some(id),
        }
    }
}

impl Store {
    /// The figures of the days `from..=to` (WIB) for a scope. An agency or service code that
    /// does not exist is [`StoreError::NotFound`]; a period ending before it starts gives
    /// zeros and no progress samples.
    #[tracing::instrument(skip(self))]
    pub async fn platform_metrics(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        scope: &MetricScopeQuery,
    ) -> Result<PlatformMetrics, StoreError> {
        let (filter, shown) = self.resolve_scope(scope).await?;
        let (start, end) = period_bounds(from, to);
        let (start, end) = (ts(start), ts(end));
        let changes = self.status_changes(&filter).await?;
        let received = self.received_by_channel(start, end, &filter).await?;
        let completed = self.completed_requests(start, end, &filter).await?;
        let requests = request_figures(&received, &completed);
        let ikm = self.survey_ikm_between(start, end, &filter).await?;
        let (chat_conversations, chat_messages) = self.chat_volume(start, end).await?;
        Ok(PlatformMetrics {
            from,
            to,
            scope: shown,
            progress: progress_samples(&changes, from, to),
            channels: requests.channels,
            median_completion_minutes: requests.median_completion_minutes,
            sla: requests.sla,
            ikm: ikm.as_ref().map(IkmFigures::from),
            searches: self.searches_between(from, to).await?,
            chat_conversations,
            chat_messages,
            uptime: self.uptime_between(start, end, &filter).await?,
        })
    }

    /// Availability of the scope's monitored applications over the period's city days,
    /// from the daily roll-ups: every check that ran counts once (`None` when none ran).
    async fn uptime_between(&self, start: i64, end: i64, filter: &ScopeFilter) -> Result<Option<String>, StoreError> {
        let sql = format!(
            "SELECT CAST(COALESCE(SUM(d.ok), 0) AS BIGINT) AS ok, CAST(COALESCE(SUM(d.total), 0) AS BIGINT) AS total \
             FROM health_daily d \
             JOIN services s ON s.id = d.service_id WHERE d.day >= $1 AND d.day < $2{}",
            filter.clause("s.agency_id", "s.id", 3)
        );
        let query = sqlx::query(AssertSqlSafe(sql)).bind(day_of(start)).bind(day_of(end));
        let query = match filter.id() {
            Some(id) => query.bind(id),
            None => query,
        };
        let row = query.fetch_one(&self.pool).await?;
        let (ok, total) = (row.count("ok")?, row.count("total")?);
        Ok(uptime_hundredths(ok, total).map(show_uptime))
    }

    async fn resolve_scope(&self, scope: &MetricScopeQuery) -> Result<(ScopeFilter, MetricScope), StoreError> {
        Ok(match scope {
            MetricScopeQuery::City => (ScopeFilter::City, MetricScope::City),
            MetricScopeQuery::Agency(code) => {
                let (id, name) = self.id_and_name("agencies", code.as_str()).await?;
                (ScopeFilter::Agency(id), MetricScope::Agency { code: code.to_string(), name })
            }
            MetricScopeQuery::Service(code) => {
                let (id, name) = self.id_and_name("services", code.as_str()).await?;
                (ScopeFilter::Service(id), MetricScope::Service { code: code.to_string(), name })
            }
        })
    }

    /// The id and name of the agency or service (`table`) with a code.
    async fn id_and_name(&self, table: &'static str, code: &str) -> Result<(String, String), StoreError> {
        let sql = format!("SELECT id, name FROM {table} WHERE code = $1");
        let row = sqlx::query(AssertSqlSafe(sql)).bind(code).fetch_optional(&self.pool).await?;
        let row = row.ok_or(StoreError::NotFound)?;
        Ok((row.text("id")?, row.text("name")?))
    }

    async fn received_by_channel(
        &self,
        start: i64,
        end: i64,
        filter: &ScopeFilter,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        let sql = format!(
            "SELECT r.channel, COUNT(*) AS n FROM requests r WHERE r.submitted_at >= $1 AND r.submitted_at < $2{} \
             GROUP BY r.channel",
            filter.clause("r.agency_id", "r.service_id", 3)
        );
        let query = sqlx::query(AssertSqlSafe(sql)).bind(start).bind(end);
        let query = match filter.id() {
            Some(id) => query.bind(id),
            None => query,
        };
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok((r.text("channel")?, r.count("n")?))).collect()
    }

    /// Requests closed as completed in the period; rejected and cancelled ones close too but
    /// are not completions.
    async fn completed_requests(
        &self,
        start: i64,
        end: i64,
        filter: &ScopeFilter,
    ) -> Result<Vec<CompletedRequest>, StoreError> {
        let sql = format!(
            "SELECT r.channel, r.submitted_at, r.closed_at, r.deadline FROM requests r \
             WHERE r.status = $1 AND r.closed_at >= $2 AND r.closed_at < $3{}",
            filter.clause("r.agency_id", "r.service_id", 4)
        );
        let query = sqlx::query(AssertSqlSafe(sql)).bind(RequestStatus::Completed.as_str()).bind(start).bind(end);
        let query = match filter.id() {
            Some(id) => query.bind(id),
            None => query,
        };
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let deadline = r
                    .opt_text("deadline")?
                    .map(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|e| corrupt("requests.deadline", e)))
                    .transpose()?;
                Ok(CompletedRequest {
                    channel: r.text("channel")?,
                    submitted_at: r.time("submitted_at")?,
                    closed_at: r.time("closed_at")?,
                    deadline,
                })
            })
            .collect()
    }

    /// Searches on the days `from..=to`. The statistics are kept per UTC day (as the search
    /// layer records them), the closest the table allows to the WIB period.
    async fn searches_between(&self, from: NaiveDate, to: NaiveDate) -> Result<u64, StoreError> {
        let row = sqlx::query(
            "SELECT COALESCE(CAST(SUM(searches) AS BIGINT), 0) AS n FROM search_stats WHERE day >= $1 AND day <= $2",
        )
        .bind(from.format("%Y-%m-%d").to_string())
        .bind(to.format("%Y-%m-%d").to_string())
        .fetch_one(&self.pool)
        .await?;
        row.count("n")
    }

    /// Talas conversations with any message in the period, and messages people sent in it.
    async fn chat_volume(&self, start: i64, end: i64) -> Result<(u64, u64), StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM (SELECT DISTINCT channel, sender FROM conversation_messages \
             WHERE at >= $1 AND at < $2) d) AS conversations, \
             (SELECT COUNT(*) FROM conversation_messages WHERE author = 'person' AND at >= $3 AND at < $4) AS inbound",
        )
        .bind(start)
        .bind(end)
        .bind(start)
        .bind(end)
        .fetch_one(&self.pool)
        .await?;
        Ok((row.count("conversations")?, row.count("inbound")?))
    }
}
