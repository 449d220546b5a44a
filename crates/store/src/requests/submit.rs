//! Submitting requests, group-committed (see `crate::batch`): a batch of submissions is
//! two statements (the requests, their first history entries) in one transaction.

use chrono::{DateTime, Utc};

use crate::batch::{Job, fail_all};
use crate::rows::{new_id, ts};
use crate::{Store, StoreError};

/// At most this many submissions share a transaction (12 parameters each).
const MAX_BATCH: usize = 128;

/// A checked submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    /// A fresh tracking code; if it is taken the submission fails with
    /// [`StoreError::Taken`] and the caller tries another.
    pub tracking_code: String,
    pub service_id: String,
    pub agency_id: String,
    pub user_id: Option<String>,
    pub guest_name: Option<String>,
    pub guest_contact: Option<String>,
    /// `web`, `api`, `talas` or `open311`.
    pub channel: String,
    /// The checked answers as a JSON object.
    pub answers: String,
    pub deadline: Option<String>,
    /// The first status (`diajukan`).
    pub status: String,
    /// For `api` services: the delivery to the agency's system, queued in the same
    /// transaction (nothing acknowledged can miss its delivery).
    pub delivery: Option<Delivery>,
    /// For Open311 reports: where and what, beyond the form (same transaction).
    pub report: Option<super::Report>,
}

/// A request's delivery to an agency's system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The agency code (deliveries to one agency share a circuit breaker).
    pub target: String,
    /// The message body; the request's `id` and `submitted_at` are added when stored.
    pub payload: serde_json::Map<String, serde_json::Value>,
}

/// What the person is told: their tracking code, acknowledged once it is committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    pub id: String,
    pub tracking_code: String,
    pub submitted_at: DateTime<Utc>,
}

pub(crate) type Queue = crate::batch::Queue<NewRequest, Submitted>;

impl Store {
    /// Stores a request and its first history entry; returns once they are committed.
    pub async fn submit_request(&self, request: NewRequest) -> Result<Submitted, StoreError> {
        self.submit_queue.submit(self, MAX_BATCH, write, request).await
    }
}

async fn write(store: Store, batch: Vec<Job<NewRequest, Submitted>>) {
    let now = Utc::now();
    let ids: Vec<String> = batch.iter().map(|_| new_id()).collect();
    let all: Vec<&NewRequest> = batch.iter().map(|j| &j.work).collect();
    match insert(&store, &all, &ids, now).await {
        Ok(()) => answer(batch, ids, now),
        // One taken tracking code spoils a multi-row insert: write them one by one, so
        // only that submission is refused.
        Err(StoreError::Taken(_)) if batch.len() > 1 => {
            for (job, id) in batch.into_iter().zip(ids) {
                let outcome = insert(&store, &[&job.work], std::slice::from_ref(&id), now).await.map(|()| Submitted {
                    id,
                    tracking_code: job.work.tracking_code.clone(),
                    submitted_at: now,
                });
                let _ = job.reply.send(outcome);
            }
        }
        Err(StoreError::Taken(what)) => {
            for job in batch {
                let _ = job.reply.send(Err(StoreError::Taken(what)));
            }
        }
        Err(e) => fail_all(batch, &e),
    }
}

fn answer(batch: Vec<Job<NewRequest, Submitted>>, ids: Vec<String>, now: DateTime<Utc>) {
    for (job, id) in batch.into_iter().zip(ids) {
        let submitted = Submitted { id, tracking_code: job.work.tracking_code.clone(), submitted_at: now };
        let _ = job.reply.send(Ok(submitted));
    }
}

async fn insert(store: &Store, requests: &[&NewRequest], ids: &[String], now: DateTime<Utc>) -> Result<(), StoreError> {
    let mut tx = store.begin_write().await?;
    let sql = format!(
        "INSERT INTO requests (id, tracking_code, service_id, agency_id, user_id, guest_name, guest_contact, channel, \
         status, answers, deadline, submitted_at, updated_at) VALUES {}",
        store.backend().value_rows(requests.len(), 13)
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for (r, id) in requests.iter().zip(ids) {
        query = query
            .bind(id.as_str())
            .bind(r.tracking_code.as_str())
            .bind(r.service_id.as_str())
            .bind(r.agency_id.as_str())
            .bind(r.user_id.clone())
            .bind(r.guest_name.clone())
            .bind(r.guest_contact.clone())
            .bind(r.channel.as_str())
            .bind(r.status.as_str())
            .bind(r.answers.as_str())
            .bind(r.deadline.clone())
            .bind(ts(now))
            .bind(ts(now));
    }
    if let Err(e) = query.execute(&mut *tx).await {
        return Err(match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Taken("tracking_code"),
            _ => e.into(),
        });
    }
    let sql = format!(
        "INSERT INTO request_events (id, request_id, at, actor, from_status, to_status, note, internal) VALUES {}",
        store.backend().value_rows(requests.len(), 8)
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for (r, id) in requests.iter().zip(ids) {
        query = query
            .bind(new_id())
            .bind(id.as_str())
            .bind(ts(now))
            .bind(r.user_id.clone().unwrap_or_else(|| "tamu".into()))
            .bind(None::<String>)
            .bind(r.status.as_str())
            .bind(None::<String>)
            .bind(0_i64);
    }
    query.execute(&mut *tx).await?;
    let deliveries: Vec<(&NewRequest, &String)> =
        requests.iter().zip(ids).filter(|(r, _)| r.delivery.is_some()).map(|(r, id)| (*r, id)).collect();
    if !deliveries.is_empty() {
        let sql = format!(
            "INSERT INTO outbox (id, kind, payload, created_at, next_attempt_at, target) VALUES {}",
            store.backend().value_rows(deliveries.len(), 6)
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (r, id) in deliveries {
            let Some(delivery) = &r.delivery else { continue };
            let mut payload = delivery.payload.clone();
            payload.insert("id".into(), serde_json::Value::String(id.clone()));
            payload.insert(
                "submitted_at".into(),
                serde_json::Value::String(now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            );
            query = query
                .bind(new_id())
                .bind("agency")
                .bind(serde_json::Value::Object(payload).to_string())
                .bind(ts(now))
                .bind(ts(now))
                .bind(delivery.target.as_str());
        }
        query.execute(&mut *tx).await?;
    }
    let reports: Vec<(&super::Report, &String)> =
        requests.iter().zip(ids).filter_map(|(r, id)| r.report.as_ref().map(|rp| (rp, id))).collect();
    if !reports.is_empty() {
        super::reports::insert(&mut tx, &reports).await?;
    }
    tx.commit().await?;
    Ok(())
}
