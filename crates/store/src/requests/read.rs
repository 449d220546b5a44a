//! Reading requests: by tracking code, a person's own, an agency's queue, the history.

use sqlx::any::AnyRow;

use super::{RequestEvent, RequestRecord};
use crate::rows::{Columns, from_ts};
use crate::{Store, StoreError};

pub(super) const COLUMNS: &str = "r.id, r.tracking_code, s.code AS service_code, s.name AS service_name, \
                       a.code AS agency_code, a.name AS agency_name, r.user_id, r.guest_name, r.guest_contact, \
                       r.channel, r.status, r.answers, r.submitted_at, r.deadline, r.updated_at, r.closed_at, \
                       r.assignee_id";
pub(super) const FROM: &str =
    "FROM requests r JOIN services s ON s.id = r.service_id JOIN agencies a ON a.id = r.agency_id";

pub(super) fn record(row: &AnyRow) -> Result<RequestRecord, StoreError> {
    Ok(RequestRecord {
        id: row.text("id")?,
        tracking_code: row.text("tracking_code")?,
        service_code: row.text("service_code")?,
        service_name: row.text("service_name")?,
        agency_code: row.text("agency_code")?,
        agency_name: row.text("agency_name")?,
        user_id: row.opt_text("user_id")?,
        guest_name: row.opt_text("guest_name")?,
        guest_contact: row.opt_text("guest_contact")?,
        channel: row.text("channel")?,
        status: row.text("status")?,
        answers: row.text("answers")?,
        submitted_at: row.time("submitted_at")?,
        deadline: row.opt_text("deadline")?,
        updated_at: row.time("updated_at")?,
        closed_at: row.opt_int("closed_at")?.map(from_ts).transpose()?,
        assignee_id: row.opt_text("assignee_id")?,
    })
}

/// The history columns a request-with-history query adds to [`COLUMNS`] (one row per
/// event, the request's columns repeated; no event gives one row with NULLs).
pub(super) const HISTORY_COLUMNS: &str = "e.at AS e_at, e.actor AS e_actor, e.from_status AS e_from, \
                                          e.to_status AS e_to, e.note AS e_note, e.internal AS e_internal";

/// A request and its events from the rows of such a query.
pub(super) fn with_history(rows: &[AnyRow]) -> Result<Option<(RequestRecord, Vec<RequestEvent>)>, StoreError> {
    let Some(first) = rows.first() else { return Ok(None) };
    let request = record(first)?;
    let mut events = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(at) = row.opt_int("e_at")? else { continue };
        events.push(RequestEvent {
            at: from_ts(at)?,
            actor: row.text("e_actor")?,
            from_status: row.opt_text("e_from")?,
            to_status: row.opt_text("e_to")?,
            note: row.opt_text("e_note")?,
            internal: row.int("e_internal")? != 0,
        });
    }
    Ok(Some((request, events)))
}

/// Which part of an agency's queue to show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    pub service_code: Option<String>,
    pub status: Option<String>,
    /// Only requests whose deadline is on or before this date (`YYYY-MM-DD`).
    pub due_by: Option<String>,
    /// One of the allowed agencies only (the allowed list still applies).
    pub agency_code: Option<String>,
    /// Only requests assigned to this user.
    pub assignee_id: Option<String>,
    pub limit: u32,
}

impl Store {
    /// A request by its tracking code (the caller decides what of it to show).
    pub async fn request_by_code(&self, tracking_code: &str) -> Result<Option<RequestRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} {FROM} WHERE r.tracking_code = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(tracking_code).fetch_optional(&self.pool).await?;
        row.as_ref().map(record).transpose()
    }

    /// A person's own request: `None` for anyone else's (ownership is part of the query).
    pub async fn own_request(&self, user_id: &str, tracking_code: &str) -> Result<Option<RequestRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} {FROM} WHERE r.tracking_code = $1 AND r.user_id = $2");
        let row =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(tracking_code).bind(user_id).fetch_optional(&self.pool).await?;
        row.as_ref().map(record).transpose()
    }

    /// A person's requests, newest first.
    pub async fn requests_of(&self, user_id: &str, limit: u32) -> Result<Vec<RequestRecord>, StoreError> {
        let sql =
            format!("SELECT {COLUMNS} {FROM} WHERE r.user_id = $1 ORDER BY r.submitted_at DESC, r.id DESC LIMIT $2");
        let rows =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(user_id).bind(i64::from(limit)).fetch_all(&self.pool).await?;
        rows.iter().map(record).collect()
    }

    /// The queue of the agencies an operator works for (ownership is part of the query:
    /// another agency's requests never come back), oldest deadline first.
    pub async fn agency_queue(
        &self,
        agency_codes: &[String],
        filter: &QueueFilter,
    ) -> Result<Vec<RequestRecord>, StoreError> {
        if agency_codes.is_empty() {
            return Ok(Vec::new());
        }
        let mut n = 0;
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        let agencies: Vec<String> = agency_codes.iter().map(|_| next()).collect();
        let mut sql = format!("SELECT {COLUMNS} {FROM} WHERE a.code IN ({})", agencies.join(", "));
        if filter.service_code.is_some() {
            sql.push_str(&format!(" AND s.code = {}", next()));
        }
        if filter.status.is_some() {
            sql.push_str(&format!(" AND r.status = {}", next()));
        }
        if filter.due_by.is_some() {
            sql.push_str(&format!(" AND r.deadline <= {}", next()));
        }
        if filter.agency_code.is_some() {
            sql.push_str(&format!(" AND a.code = {}", next()));
        }
        if filter.assignee_id.is_some() {
            sql.push_str(&format!(" AND r.assignee_id = {}", next()));
        }
        sql.push_str(&format!(
            " ORDER BY CASE WHEN r.deadline IS NULL THEN 1 ELSE 0 END, r.deadline, r.submitted_at LIMIT {}",
            next()
        ));
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for code in agency_codes {
            query = query.bind(code.as_str());
        }
        let values = [&filter.service_code, &filter.status, &filter.due_by, &filter.agency_code, &filter.assignee_id];
        for value in values.into_iter().flatten() {
            query = query.bind(value.as_str());
        }
        let rows = query.bind(i64::from(filter.limit.clamp(1, 500))).fetch_all(&self.pool).await?;
        rows.iter().map(record).collect()
    }

    /// A request's history, oldest first; internal notes only when asked for.
    pub async fn request_events(&self, request_id: &str, with_internal: bool) -> Result<Vec<RequestEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT at, actor, from_status, to_status, note, internal FROM request_events WHERE request_id = $1 \
             AND (internal = 0 OR $2 = 1) ORDER BY at, id",
        )
        .bind(request_id)
        .bind(i64::from(with_internal))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RequestEvent {
                    at: r.time("at")?,
                    actor: r.text("actor")?,
                    from_status: r.opt_text("from_status")?,
                    to_status: r.opt_text("to_status")?,
                    note: r.opt_text("note")?,
                    internal: r.int("internal")? != 0,
                })
            })
            .collect()
    }
}

/// The stored identities a submission needs for a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceKeys {
    pub service_id: String,
    pub agency_id: String,
}

impl Store {
    /// The ids behind a service code, if the service exists.
    pub async fn service_keys(&self, service_code: &str) -> Result<Option<ServiceKeys>, StoreError> {
        let row = sqlx::query("SELECT id, agency_id FROM services WHERE code = $1")
            .bind(service_code)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok(ServiceKeys { service_id: r.text("id")?, agency_id: r.text("agency_id")? })).transpose()
    }
}

impl Store {
    /// A request and its history in one query (the look-up everyone makes by code).
    pub async fn request_with_history(
        &self,
        tracking_code: &str,
        with_internal: bool,
    ) -> Result<Option<(RequestRecord, Vec<RequestEvent>)>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS}, {HISTORY_COLUMNS} {FROM} \
             LEFT JOIN request_events e ON e.request_id = r.id AND (e.internal = 0 OR $2 = 1) \
             WHERE r.tracking_code = $1 ORDER BY e.at, e.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(tracking_code)
            .bind(i64::from(with_internal))
            .fetch_all(&self.pool)
            .await?;
        with_history(&rows)
    }
}
