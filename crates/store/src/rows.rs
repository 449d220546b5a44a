//! Conversions between stored columns and domain values.

use chrono::{DateTime, Utc};
use domain::{AgencyCode, Audience, CategoryName, IntegrationMode, IntegrationStatus, ServiceCode, WebUrl};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::StoreError;
use crate::error::corrupt;

pub(crate) fn ts(at: DateTime<Utc>) -> i64 {
    at.timestamp()
}

pub(crate) fn from_ts(secs: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp(secs, 0).ok_or_else(|| corrupt("timestamp", secs))
}

/// `$from, $from+1, …` for an `IN (…)` list of `n` values.
pub(crate) fn placeholders(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Rows per multi-row `INSERT` of `per_row` values each, for batches of any size: about
/// 2,000 parameters a statement, far below both engines' limits (SQLite 32,766,
/// PostgreSQL 65,535), and enough that the statement's own cost is spread thin.
pub(crate) fn rows_per_insert(per_row: usize) -> usize {
    (2_000 / per_row.max(1)).max(1)
}

/// `($1, …, $k), ($k+1, …), …` for a multi-row `VALUES` of `rows` rows of `per_row` values.
pub(crate) fn value_rows(rows: usize, per_row: usize) -> String {
    (0..rows).map(|r| format!("({})", placeholders(r * per_row + 1, per_row))).collect::<Vec<_>>().join(", ")
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Lower-case ASCII-folded key so both backends sort names the same way.
pub(crate) fn sort_key(name: &str) -> String {
    name.to_lowercase()
}

pub(crate) fn json_list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

/// Typed column access that turns a bad stored value into [`StoreError::Corrupt`].
pub(crate) trait Columns {
    fn text(&self, col: &'static str) -> Result<String, StoreError>;
    fn opt_text(&self, col: &'static str) -> Result<Option<String>, StoreError>;
    fn int(&self, col: &'static str) -> Result<i64, StoreError>;
    fn opt_int(&self, col: &'static str) -> Result<Option<i64>, StoreError>;

    fn list(&self, col: &'static str) -> Result<Vec<String>, StoreError> {
        serde_json::from_str(&self.text(col)?).map_err(|e| corrupt(col, e))
    }
    fn url(&self, col: &'static str) -> Result<Option<WebUrl>, StoreError> {
        self.opt_text(col)?.map(|u| WebUrl::parse(&u).map_err(|e| corrupt(col, e))).transpose()
    }
    fn service_code(&self, col: &'static str) -> Result<ServiceCode, StoreError> {
        ServiceCode::parse(&self.text(col)?).map_err(|e| corrupt(col, e))
    }
    fn agency_code(&self, col: &'static str) -> Result<AgencyCode, StoreError> {
        AgencyCode::parse(&self.text(col)?).map_err(|e| corrupt(col, e))
    }
    fn status(&self, col: &'static str) -> Result<IntegrationStatus, StoreError> {
        IntegrationStatus::parse(&self.text(col)?).map_err(|e| corrupt(col, e))
    }
    fn mode(&self, col: &'static str) -> Result<IntegrationMode, StoreError> {
        IntegrationMode::parse(&self.text(col)?).map_err(|e| corrupt(col, e))
    }
    fn audience(&self, col: &'static str) -> Result<Audience, StoreError> {
        Audience::parse(&self.text(col)?).map_err(|e| corrupt(col, e))
    }
    fn category(&self, col: &'static str) -> Result<CategoryName, StoreError> {
        let name = self.text(col)?;
        CategoryName::parse(&name).ok_or_else(|| corrupt(col, name))
    }
    fn time(&self, col: &'static str) -> Result<DateTime<Utc>, StoreError> {
        from_ts(self.int(col)?)
    }
    fn count(&self, col: &'static str) -> Result<u64, StoreError> {
        let n = self.int(col)?;
        u64::try_from(n).map_err(|e| corrupt(col, e))
    }
}

impl Columns for AnyRow {
    fn text(&self, col: &'static str) -> Result<String, StoreError> {
        Ok(self.try_get(col)?)
    }
    fn opt_text(&self, col: &'static str) -> Result<Option<String>, StoreError> {
        Ok(self.try_get(col)?)
    }
    fn int(&self, col: &'static str) -> Result<i64, StoreError> {
        Ok(self.try_get(col)?)
    }
    fn opt_int(&self, col: &'static str) -> Result<Option<i64>, StoreError> {
        Ok(self.try_get(col)?)
    }
}
