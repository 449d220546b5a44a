//! Satisfaction survey answers and their totals (the IKM is computed from these exactly).

use chrono::{DateTime, Utc};
use domain::request::Ikm;

use crate::error::corrupt;
use crate::metrics::ScopeFilter;
use crate::rows::{Columns, ts};
use crate::{Store, StoreError};

/// Survey totals of a group: how many answered and the sum of each element's scores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyTotals {
    /// The service code, agency code, or `kota` for the whole city.
    pub group: String,
    pub name: String,
    pub respondents: u64,
    pub totals: [u64; 9],
}

/// PostgreSQL sums BIGINT as NUMERIC: cast back so both backends return integers.
const SUMS: &str = "COUNT(*) AS n, CAST(SUM(v.u1) AS BIGINT) AS t1, CAST(SUM(v.u2) AS BIGINT) AS t2, \
                    CAST(SUM(v.u3) AS BIGINT) AS t3, CAST(SUM(v.u4) AS BIGINT) AS t4, CAST(SUM(v.u5) AS BIGINT) AS t5, \
                    CAST(SUM(v.u6) AS BIGINT) AS t6, CAST(SUM(v.u7) AS BIGINT) AS t7, CAST(SUM(v.u8) AS BIGINT) AS t8, \
                    CAST(SUM(v.u9) AS BIGINT) AS t9";

fn totals(row: &sqlx::any::AnyRow, group: String, name: String) -> Result<SurveyTotals, StoreError> {
    let mut totals = [0u64; 9];
    for (i, col) in ["t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9"].into_iter().enumerate() {
        totals[i] = row.count(col)?;
    }
    Ok(SurveyTotals { group, name, respondents: row.count("n")?, totals })
}

impl Store {
    /// Records a survey for a request (once: a second answer is [`StoreError::Taken`]).
    pub async fn record_survey(&self, request_id: &str, scores: [u8; 9], now: DateTime<Utc>) -> Result<(), StoreError> {
        let result = sqlx::query(
            "INSERT INTO survey_responses (request_id, service_id, agency_id, u1, u2, u3, u4, u5, u6, u7, u8, u9, created_at) \
             SELECT r.id, r.service_id, r.agency_id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 FROM requests r WHERE r.id = $1",
        )
        .bind(request_id)
        .bind(i64::from(scores[0]))
        .bind(i64::from(scores[1]))
        .bind(i64::from(scores[2]))
        .bind(i64::from(scores[3]))
        .bind(i64::from(scores[4]))
        .bind(i64::from(scores[5]))
        .bind(i64::from(scores[6]))
        .bind(i64::from(scores[7]))
        .bind(i64::from(scores[8]))
        .bind(ts(now))
        .execute(&self.pool)
        .await;
        match result {
            Ok(done) if done.rows_affected() == 1 => Ok(()),
            Ok(_) => Err(StoreError::NotFound),
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => Err(StoreError::Taken("survey")),
            Err(e) => Err(e.into()),
        }
    }

    /// Whether a request's survey was answered.
    pub async fn survey_answered(&self, request_id: &str) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT 1 AS one FROM survey_responses WHERE request_id = $1")
            .bind(request_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }

    /// Totals per service (those with answers), per agency, and for the city (first).
    pub async fn survey_totals(&self) -> Result<(SurveyTotals, Vec<SurveyTotals>, Vec<SurveyTotals>), StoreError> {
        let sql = format!("SELECT {SUMS} FROM survey_responses v");
        let city_row = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_one(&self.pool).await?;
        let city = if city_row.count("n")? == 0 {
            SurveyTotals { group: "kota".into(), name: String::new(), respondents: 0, totals: [0; 9] }
        } else {
            totals(&city_row, "kota".into(), String::new())?
        };
        let sql = format!(
            "SELECT s.code, s.name, {SUMS} FROM survey_responses v JOIN services s ON s.id = v.service_id \
             GROUP BY s.code, s.name ORDER BY s.code"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        let services = rows.iter().map(|r| totals(r, r.text("code")?, r.text("name")?)).collect::<Result<_, _>>()?;
        let sql = format!(
            "SELECT a.code, a.name, {SUMS} FROM survey_responses v JOIN agencies a ON a.id = v.agency_id \
             GROUP BY a.code, a.name ORDER BY a.code"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        let agencies = rows.iter().map(|r| totals(r, r.text("code")?, r.text("name")?)).collect::<Result<_, _>>()?;
        Ok((city, services, agencies))
    }

    /// The index of the answers given in `[start, end)` (Unix seconds) within a scope;
    /// `None` when nobody answered. Totals that no set of answers could give are corrupt.
    pub(crate) async fn survey_ikm_between(
        &self,
        start: i64,
        end: i64,
        scope: &ScopeFilter,
    ) -> Result<Option<Ikm>, StoreError> {
        let sql = format!(
            "SELECT {SUMS} FROM survey_responses v WHERE v.created_at >= $1 AND v.created_at < $2{}",
            scope.clause("v.agency_id", "v.service_id", 3)
        );
        let query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(start).bind(end);
        let query = match scope.id() {
            Some(id) => query.bind(id),
            None => query,
        };
        let row = query.fetch_one(&self.pool).await?;
        if row.count("n")? == 0 {
            return Ok(None);
        }
        let sums = totals(&row, String::new(), String::new())?;
        Ikm::from_totals(sums.respondents, sums.totals).map(Some).map_err(|e| corrupt("survey_responses", e))
    }

    /// Totals of one service, if anyone answered.
    pub async fn service_survey(&self, service_code: &str) -> Result<Option<SurveyTotals>, StoreError> {
        let sql =
            format!("SELECT {SUMS} FROM survey_responses v JOIN services s ON s.id = v.service_id WHERE s.code = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(service_code).fetch_one(&self.pool).await?;
        if row.count("n")? == 0 {
            return Ok(None);
        }
        totals(&row, service_code.to_string(), String::new()).map(Some)
    }
}
