//! What the agency back-office reads and writes beyond the queue: one request of the
//! operator's agencies with its full history, assignment to a colleague, the colleagues,
//! and the rows the dashboard counts. Every read takes the allowed agency codes, so a
//! request of another agency never leaves the database.

use chrono::{DateTime, Utc};

use super::read::{COLUMNS, FROM, HISTORY_COLUMNS, with_history};
use super::{RequestEvent, RequestRecord};
use crate::rows::{Columns, from_ts, new_id, placeholders, ts};
use crate::{Store, StoreError};

/// Why an assignment was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum AssignError {
    #[error("no such request")]
    NotFound,
    /// The assignee is not an operator of the request's agency.
    #[error("the assignee does not work for the request's agency")]
    NotColleague,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for AssignError {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(e.into())
    }
}

/// One request as the dashboard counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeRow {
    pub service_code: String,
    pub service_name: String,
    pub agency_code: String,
    pub status: String,
    pub submitted_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// `YYYY-MM-DD`, the city's calendar.
    pub deadline: Option<String>,
}

impl Store {
    /// A request of one of `agency_codes`, with its whole history (internal notes too):
    /// `None` for an unknown code and for another agency's request alike.
    pub async fn agency_request(
        &self,
        agency_codes: &[String],
        tracking_code: &str,
    ) -> Result<Option<(RequestRecord, Vec<RequestEvent>)>, StoreError> {
        if agency_codes.is_empty() {
            return Ok(None);
        }
        let sql = format!(
            "SELECT {COLUMNS}, {HISTORY_COLUMNS} {FROM} LEFT JOIN request_events e ON e.request_id = r.id \
             WHERE r.tracking_code = $1 AND a.code IN ({}) ORDER BY e.at, e.id",
            placeholders(2, agency_codes.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(tracking_code);
        for code in agency_codes {
            query = query.bind(code.as_str());
        }
        let rows = query.fetch_all(&self.pool).await?;
        with_history(&rows)
    }

    /// The operators of an agency (id, name), by name: who a request may be assigned to.
    pub async fn agency_operators(&self, agency_code: &str) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT u.id, u.name FROM users u JOIN user_agencies ua ON ua.user_id = u.id \
             JOIN agencies a ON a.id = ua.agency_id WHERE a.code = $1 AND u.role = 'operator'",
        )
        .bind(agency_code)
        .fetch_all(&self.pool)
        .await?;
        let mut people =
            rows.iter().map(|r| Ok((r.text("id")?, r.text("name")?))).collect::<Result<Vec<_>, StoreError>>()?;
        // Sorted here: the two backends collate names differently.
        people.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        Ok(people)
    }

    /// Assigns a request to an operator of its agency (or, with `None`, to nobody), with an
    /// internal history note in the city's language of record. The citizen does not see
    /// who works on their request, so `updated_at` stays as it is.
    pub async fn assign_request(
        &self,
        request_id: &str,
        assignee_id: Option<&str>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), AssignError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT agency_id FROM requests WHERE id = $1")
            .bind(request_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(AssignError::NotFound)?;
        let agency_id = row.text("agency_id")?;
        let note = match assignee_id {
            Some(assignee) => {
                let colleague = sqlx::query(
                    "SELECT u.name FROM users u JOIN user_agencies ua ON ua.user_id = u.id \
                     WHERE u.id = $1 AND ua.agency_id = $2 AND u.role = 'operator'",
                )
                .bind(assignee)
                .bind(agency_id.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(AssignError::NotColleague)?;
                format!("Ditugaskan kepada {}", colleague.text("name")?)
            }
            None => "Penugasan dilepas".to_string(),
        };
        sqlx::query("UPDATE requests SET assignee_id = $1 WHERE id = $2")
            .bind(assignee_id.map(str::to_string))
            .bind(request_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO request_events (id, request_id, at, actor, from_status, to_status, note, internal) \
             VALUES ($1, $2, $3, $4, NULL, NULL, $5, 1)",
        )
        .bind(new_id())
        .bind(request_id)
        .bind(ts(now))
        .bind(actor)
        .bind(note)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every request of `agency_codes`, reduced to what the dashboard counts. Counting is
    /// the caller's: a median is exact in Rust and not portable in SQL.
    pub async fn office_rows(&self, agency_codes: &[String]) -> Result<Vec<OfficeRow>, StoreError> {
        if agency_codes.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT s.code AS service_code, s.name AS service_name, a.code AS agency_code, r.status, \
             r.submitted_at, r.closed_at, r.deadline {FROM} WHERE a.code IN ({})",
            placeholders(1, agency_codes.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for code in agency_codes {
            query = query.bind(code.as_str());
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(OfficeRow {
                    service_code: r.text("service_code")?,
                    service_name: r.text("service_name")?,
                    agency_code: r.text("agency_code")?,
                    status: r.text("status")?,
                    submitted_at: r.time("submitted_at")?,
                    closed_at: r.opt_int("closed_at")?.map(from_ts).transpose()?,
                    deadline: r.opt_text("deadline")?,
                })
            })
            .collect()
    }
}
