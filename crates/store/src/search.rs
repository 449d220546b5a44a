//! What the search index reads from the store, and what it writes back: changed services,
//! synonyms, and query statistics.

use chrono::NaiveDate;
use domain::Service;
use sqlx::AssertSqlSafe;

use crate::catalog::write::bump_revision;
use crate::rows::Columns;
use crate::{Store, StoreError};

/// A service with what the search index needs beside it.
#[derive(Debug, Clone)]
pub struct IndexedService {
    pub service: Service,
    pub category_slug: String,
    pub agency_name: String,
    pub agency_short_name: Option<String>,
    pub opens: u64,
}

/// One stored synonym group: `;`-separated terms and `dua` or `satu`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynonymRow {
    pub terms: String,
    pub direction: String,
}

/// Search statistics to add for one day and query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchCounts {
    pub searches: u64,
    pub zero_results: u64,
    pub clicks: u64,
}

/// A query's totals over a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryStats {
    pub query: String,
    pub searches: u64,
    pub zero_results: u64,
    pub clicks: u64,
}

fn u(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Store {
    /// Services written after `revision` (all of them for a negative revision: rows from
    /// before the search migration carry revision 0), with the revision read before the
    /// query: pass it back next time.
    pub async fn services_changed_since(&self, revision: i64) -> Result<(i64, Vec<IndexedService>), StoreError> {
        let current = self.catalog_revision().await?;
        let sql = format!(
            "SELECT {} FROM services s JOIN agencies a ON a.id = s.agency_id \
             JOIN categories c ON c.slug = s.category_slug WHERE s.revision > $1",
            crate::catalog::read::FULL_SERVICE_COLUMNS
        );
        let rows = sqlx::query(AssertSqlSafe(sql)).bind(revision).fetch_all(&self.pool).await?;
        let services = rows
            .iter()
            .map(|r| {
                Ok(IndexedService {
                    service: crate::catalog::read::service(r)?,
                    category_slug: r.text("category_slug")?,
                    agency_name: r.text("agency_name")?,
                    agency_short_name: r.opt_text("agency_short_name")?,
                    opens: r.count("opens")?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok((current, services))
    }

    /// How often each service was opened.
    pub async fn opens_by_code(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let rows = sqlx::query("SELECT code, opens FROM services").fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok((r.text("code")?, r.count("opens")?))).collect()
    }

    /// The stored synonym groups, in order; `None` before any were stored.
    pub async fn synonyms(&self) -> Result<Option<Vec<SynonymRow>>, StoreError> {
        if self.meta("synonyms_stored").await?.is_none() {
            return Ok(None);
        }
        let rows =
            sqlx::query("SELECT terms, direction FROM search_synonyms ORDER BY position").fetch_all(&self.pool).await?;
        let rows = rows
            .iter()
            .map(|r| Ok(SynonymRow { terms: r.text("terms")?, direction: r.text("direction")? }))
            .collect::<Result<_, StoreError>>()?;
        Ok(Some(rows))
    }

    /// Replaces every synonym group; search indexes pick the change up like a catalog
    /// change.
    pub async fn replace_synonyms(&self, groups: &[SynonymRow]) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        bump_revision(&mut tx).await?;
        sqlx::query("DELETE FROM search_synonyms").execute(&mut *tx).await?;
        for (i, group) in groups.iter().enumerate() {
            sqlx::query("INSERT INTO search_synonyms (position, terms, direction) VALUES ($1, $2, $3)")
                .bind(i as i64)
                .bind(group.terms.as_str())
                .bind(group.direction.as_str())
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("INSERT INTO meta (key, value) VALUES ('synonyms_stored', '1') ON CONFLICT (key) DO NOTHING")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds counts to the per-day statistics, in one transaction.
    pub async fn add_search_stats(&self, rows: &[(NaiveDate, String, SearchCounts)]) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        for (day, query, c) in rows {
            sqlx::query(
                "INSERT INTO search_stats (day, query, searches, zero_results, clicks) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (day, query) DO UPDATE SET searches = search_stats.searches + excluded.searches, \
                 zero_results = search_stats.zero_results + excluded.zero_results, \
                 clicks = search_stats.clicks + excluded.clicks",
            )
            .bind(day.format("%Y-%m-%d").to_string())
            .bind(query.as_str())
            .bind(u(c.searches))
            .bind(u(c.zero_results))
            .bind(u(c.clicks))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Totals per query since `since` (inclusive), most searched first.
    pub async fn search_stats(&self, since: NaiveDate, limit: u64) -> Result<Vec<QueryStats>, StoreError> {
        let rows = sqlx::query(
            "SELECT query, CAST(SUM(searches) AS BIGINT) AS searches, CAST(SUM(zero_results) AS BIGINT) AS zero_results, \
             CAST(SUM(clicks) AS BIGINT) AS clicks FROM search_stats WHERE day >= $1 \
             GROUP BY query ORDER BY searches DESC, query LIMIT $2",
        )
        .bind(since.format("%Y-%m-%d").to_string())
        .bind(u(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(QueryStats {
                    query: r.text("query")?,
                    searches: r.count("searches")?,
                    zero_results: r.count("zero_results")?,
                    clicks: r.count("clicks")?,
                })
            })
            .collect()
    }
}
