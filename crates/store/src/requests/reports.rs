//! Open311 reports: what a report carries beyond the form, and the public queries of the
//! GeoReport API (many requests in a time window, their status updates).

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;

use super::RequestRecord;
use super::read::{COLUMNS, FROM, record};
use crate::connect::WriteTx;
use crate::rows::{Columns, from_ts, placeholders, ts, value_rows};
use crate::{Store, StoreError};

/// Where and what a report is about, as its application sent it (checked by the caller).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The key of the application that filed it.
    pub api_key_id: Option<String>,
    pub description: Option<String>,
    /// WGS84 degrees, as checked decimal text.
    pub lat: Option<String>,
    pub long: Option<String>,
    pub address: Option<String>,
    pub address_id: Option<String>,
    pub zipcode: Option<String>,
    pub media_url: Option<String>,
    pub device_id: Option<String>,
    pub account_id: Option<String>,
}

/// Which requests an Open311 query lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportQuery {
    /// The services Open311 offers: requests of any other service are never listed.
    pub service_codes: Vec<String>,
    /// Exactly these requests (the other filters, but not `service_codes`, are ignored).
    pub tracking_codes: Option<Vec<String>>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Our statuses to keep; empty keeps all.
    pub statuses: Vec<String>,
    pub limit: u32,
    pub offset: u32,
}

/// A request as Open311 shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    pub request: RequestRecord,
    pub report: Option<Report>,
    /// The latest public note, which explains the current status.
    pub status_note: Option<String>,
}

/// A public change of a request (FixMyStreet's `servicerequestupdates`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportUpdate {
    pub id: String,
    pub tracking_code: String,
    pub at: DateTime<Utc>,
    /// The status the request had after this change.
    pub status: String,
    pub note: Option<String>,
    /// Whether the request was filed through Open311 (only then is its note public there).
    pub filed_by_report: bool,
}

const REPORT_COLUMNS: &str = "rp.request_id AS rp_request_id, rp.api_key_id AS rp_api_key_id, \
    rp.description AS rp_description, rp.lat AS rp_lat, rp.long AS rp_long, rp.address AS rp_address, \
    rp.address_id AS rp_address_id, rp.zipcode AS rp_zipcode, rp.media_url AS rp_media_url, \
    rp.device_id AS rp_device_id, rp.account_id AS rp_account_id";

/// The latest public note of a request (a note that explains a status).
const STATUS_NOTE: &str = "(SELECT e.note FROM request_events e WHERE e.request_id = r.id AND e.internal = 0 \
    AND e.note IS NOT NULL ORDER BY e.at DESC, e.id DESC LIMIT 1) AS status_note";

fn report(row: &AnyRow) -> Result<Option<Report>, StoreError> {
    if row.opt_text("rp_request_id")?.is_none() {
        return Ok(None);
    }
    Ok(Some(Report {
        api_key_id: row.opt_text("rp_api_key_id")?,
        description: row.opt_text("rp_description")?,
        lat: row.opt_text("rp_lat")?,
        long: row.opt_text("rp_long")?,
        address: row.opt_text("rp_address")?,
        address_id: row.opt_text("rp_address_id")?,
        zipcode: row.opt_text("rp_zipcode")?,
        media_url: row.opt_text("rp_media_url")?,
        device_id: row.opt_text("rp_device_id")?,
        account_id: row.opt_text("rp_account_id")?,
    }))
}

pub(super) async fn insert(tx: &mut WriteTx, reports: &[(&Report, &String)]) -> Result<(), StoreError> {
    let sql = format!(
        "INSERT INTO request_reports (request_id, api_key_id, description, lat, long, address, address_id, zipcode, \
         media_url, device_id, account_id) VALUES {}",
        value_rows(reports.len(), 11)
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for (r, id) in reports {
        query = query
            .bind(id.as_str())
            .bind(r.api_key_id.clone())
            .bind(r.description.clone())
            .bind(r.lat.clone())
            .bind(r.long.clone())
            .bind(r.address.clone())
            .bind(r.address_id.clone())
            .bind(r.zipcode.clone())
            .bind(r.media_url.clone())
            .bind(r.device_id.clone())
            .bind(r.account_id.clone());
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

impl Store {
    /// Requests of the Open311 services, newest first.
    pub async fn report_rows(&self, q: &ReportQuery) -> Result<Vec<ReportRow>, StoreError> {
        if q.service_codes.is_empty() {
            return Ok(Vec::new());
        }
        let mut binds: Vec<String> = q.service_codes.clone();
        let mut clauses = vec![format!("s.code IN ({})", placeholders(1, q.service_codes.len()))];
        let mut times = Vec::new();
        match &q.tracking_codes {
            Some(codes) if codes.is_empty() => return Ok(Vec::new()),
            Some(codes) => {
                clauses.push(format!("r.tracking_code IN ({})", placeholders(binds.len() + 1, codes.len())));
                binds.extend(codes.iter().cloned());
            }
            None => {
                clauses.push(format!(
                    "r.submitted_at >= ${} AND r.submitted_at <= ${}",
                    binds.len() + 1,
                    binds.len() + 2
                ));
                times = vec![ts(q.from), ts(q.to)];
                if !q.statuses.is_empty() {
                    clauses.push(format!("r.status IN ({})", placeholders(binds.len() + 3, q.statuses.len())));
                }
            }
        }
        let n = binds.len() + times.len() + if q.tracking_codes.is_none() { q.statuses.len() } else { 0 };
        let sql = format!(
            "SELECT {COLUMNS}, {REPORT_COLUMNS}, {STATUS_NOTE} {FROM} \
             LEFT JOIN request_reports rp ON rp.request_id = r.id WHERE {} \
             ORDER BY r.submitted_at DESC, r.id DESC LIMIT ${} OFFSET ${}",
            clauses.join(" AND "),
            n + 1,
            n + 2
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in &binds {
            query = query.bind(b.as_str());
        }
        for t in times {
            query = query.bind(t);
        }
        if q.tracking_codes.is_none() {
            for s in &q.statuses {
                query = query.bind(s.as_str());
            }
        }
        let rows = query.bind(i64::from(q.limit)).bind(i64::from(q.offset)).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(ReportRow { request: record(row)?, report: report(row)?, status_note: row.opt_text("status_note")? })
            })
            .collect()
    }

    /// Public changes of the Open311 services' requests in a window, oldest first.
    pub async fn report_updates(
        &self,
        service_codes: &[String],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<ReportUpdate>, StoreError> {
        if service_codes.is_empty() {
            return Ok(Vec::new());
        }
        let n = service_codes.len();
        let sql = format!(
            "SELECT e.id, e.at, e.note, r.tracking_code, COALESCE(e.to_status, (SELECT p.to_status FROM request_events p \
             WHERE p.request_id = e.request_id AND p.to_status IS NOT NULL AND p.at <= e.at \
             ORDER BY p.at DESC, p.id DESC LIMIT 1), r.status) AS status, x.request_id AS filed \
             FROM request_events e JOIN requests r ON r.id = e.request_id JOIN services s ON s.id = r.service_id \
             LEFT JOIN request_reports x ON x.request_id = r.id WHERE s.code IN ({}) AND e.internal = 0 AND e.at >= ${} AND e.at <= ${} \
             ORDER BY e.at, e.id LIMIT ${} OFFSET ${}",
            placeholders(1, n),
            n + 1,
            n + 2,
            n + 3,
            n + 4
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for code in service_codes {
            query = query.bind(code.as_str());
        }
        let rows = query
            .bind(ts(from))
            .bind(ts(to))
            .bind(i64::from(limit))
            .bind(i64::from(offset))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(ReportUpdate {
                    id: row.text("id")?,
                    tracking_code: row.text("tracking_code")?,
                    at: from_ts(row.int("at")?)?,
                    status: row.text("status")?,
                    note: row.opt_text("note")?,
                    filed_by_report: row.opt_text("filed")?.is_some(),
                })
            })
            .collect()
    }

    /// The tracking code of the request with this id (Open311 `tokens`).
    pub async fn tracking_code_of(&self, request_id: &str) -> Result<Option<(String, String)>, StoreError> {
        let row = sqlx::query(
            "SELECT r.tracking_code, s.code FROM requests r JOIN services s ON s.id = r.service_id WHERE r.id = $1",
        )
        .bind(request_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| Ok((row.text("tracking_code")?, row.text("code")?))).transpose()
    }
}
