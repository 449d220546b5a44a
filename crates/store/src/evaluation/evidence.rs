//! Evidence items of a cycle and what they support.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;

use super::audited;
use crate::rows::{Columns, new_id, ts};
use crate::{Store, StoreError};

/// An evidence item. Exactly one of `file_ref`, `url` and `metric` is set, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub id: String,
    pub cycle_id: String,
    /// A domain `EvidenceKind` code.
    pub kind: String,
    pub title: String,
    pub description: String,
    /// ISO day the evidence is about.
    pub evidence_on: String,
    /// `sha256/name` in the content-addressed folder.
    pub file_ref: Option<String>,
    pub media_type: Option<String>,
    pub url: Option<String>,
    /// The metric snapshot (JSON), frozen when taken.
    pub metric: Option<String>,
    pub answers_request: Option<String>,
    /// Indicator codes it supports.
    pub indicators: Vec<String>,
    /// Innovation ids it supports.
    pub innovations: Vec<String>,
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A new evidence item (checked by the caller).
#[derive(Debug, Clone, Default)]
pub struct NewEvidence {
    pub cycle_id: String,
    pub kind: String,
    pub title: String,
    pub description: String,
    pub evidence_on: String,
    pub file_ref: Option<String>,
    pub media_type: Option<String>,
    pub url: Option<String>,
    pub metric: Option<String>,
    pub answers_request: Option<String>,
    pub indicators: Vec<String>,
    pub innovations: Vec<String>,
}

const EVIDENCE_COLUMNS: &str = "e.id, e.cycle_id, e.kind, e.title, e.description, e.evidence_on, e.file_ref, \
     e.media_type, e.url, e.metric, e.answers_request, u.name AS created_by_name, e.created_at";

fn evidence(row: &AnyRow) -> Result<Evidence, StoreError> {
    Ok(Evidence {
        id: row.text("id")?,
        cycle_id: row.text("cycle_id")?,
        kind: row.text("kind")?,
        title: row.text("title")?,
        description: row.text("description")?,
        evidence_on: row.text("evidence_on")?,
        file_ref: row.opt_text("file_ref")?,
        media_type: row.opt_text("media_type")?,
        url: row.opt_text("url")?,
        metric: row.opt_text("metric")?,
        answers_request: row.opt_text("answers_request")?,
        indicators: Vec::new(),
        innovations: Vec::new(),
        created_by_name: row.opt_text("created_by_name")?,
        created_at: row.time("created_at")?,
    })
}

impl Store {
    /// Keeps an evidence item and its links; returns its id. An unknown innovation is
    /// [`StoreError::NotFound`].
    pub async fn add_evidence(&self, new: &NewEvidence, actor: &str, now: DateTime<Utc>) -> Result<String, StoreError> {
        let mut tx = self.begin_write().await?;
        let id = new_id();
        sqlx::query(
            "INSERT INTO evidence (id, cycle_id, kind, title, description, evidence_on, file_ref, media_type, url, \
             metric, answers_request, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(id.as_str())
        .bind(new.cycle_id.as_str())
        .bind(new.kind.as_str())
        .bind(new.title.as_str())
        .bind(new.description.as_str())
        .bind(new.evidence_on.as_str())
        .bind(new.file_ref.as_deref())
        .bind(new.media_type.as_deref())
        .bind(new.url.as_deref())
        .bind(new.metric.as_deref())
        .bind(new.answers_request.as_deref())
        .bind(actor)
        .bind(ts(now))
        .execute(&mut *tx)
        .await?;
        for indicator in &new.indicators {
            sqlx::query("INSERT INTO evidence_indicators (evidence_id, indicator) VALUES ($1, $2)")
                .bind(id.as_str())
                .bind(indicator.as_str())
                .execute(&mut *tx)
                .await?;
        }
        for innovation in &new.innovations {
            let known =
                sqlx::query("SELECT id FROM innovations WHERE id = $1").bind(innovation).fetch_optional(&mut *tx);
            if known.await?.is_none() {
                return Err(StoreError::NotFound);
            }
            sqlx::query("INSERT INTO evidence_innovations (evidence_id, innovation_id) VALUES ($1, $2)")
                .bind(id.as_str())
                .bind(innovation.as_str())
                .execute(&mut *tx)
                .await?;
        }
        let after = serde_json::json!({
            "cycle": new.cycle_id, "kind": new.kind, "title": new.title, "file": new.file_ref, "url": new.url,
            "indicators": new.indicators, "innovations": new.innovations, "answers": new.answers_request,
        });
        audited(&mut tx, actor, "evaluation.evidence.add", &id, after, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A cycle's evidence, newest first, with what each supports.
    pub async fn evidence(&self, cycle_id: &str) -> Result<Vec<Evidence>, StoreError> {
        let sql = format!(
            "SELECT {EVIDENCE_COLUMNS} FROM evidence e LEFT JOIN users u ON u.id = e.created_by \
             WHERE e.cycle_id = $1 ORDER BY e.created_at DESC, e.id DESC"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(cycle_id).fetch_all(&self.pool).await?;
        let mut items: Vec<Evidence> = rows.iter().map(evidence).collect::<Result<_, _>>()?;
        let mut indicators: HashMap<String, Vec<String>> = HashMap::new();
        let rows = sqlx::query(
            "SELECT l.evidence_id, l.indicator FROM evidence_indicators l JOIN evidence e ON e.id = l.evidence_id \
             WHERE e.cycle_id = $1 ORDER BY l.indicator",
        )
        .bind(cycle_id)
        .fetch_all(&self.pool)
        .await?;
        for row in &rows {
            indicators.entry(row.text("evidence_id")?).or_default().push(row.text("indicator")?);
        }
        let mut innovations: HashMap<String, Vec<String>> = HashMap::new();
        let rows = sqlx::query(
            "SELECT l.evidence_id, l.innovation_id FROM evidence_innovations l \
             JOIN evidence e ON e.id = l.evidence_id WHERE e.cycle_id = $1 ORDER BY l.innovation_id",
        )
        .bind(cycle_id)
        .fetch_all(&self.pool)
        .await?;
        for row in &rows {
            innovations.entry(row.text("evidence_id")?).or_default().push(row.text("innovation_id")?);
        }
        for item in &mut items {
            item.indicators = indicators.remove(&item.id).unwrap_or_default();
            item.innovations = innovations.remove(&item.id).unwrap_or_default();
        }
        Ok(items)
    }

    /// How many evidence items support each indicator of a cycle, by indicator code. The
    /// cycle overview shows only these counts; reading every item (hundreds in a real
    /// cycle) would cost it most of its time.
    pub async fn evidence_counts(&self, cycle_id: &str) -> Result<HashMap<String, usize>, StoreError> {
        let rows = sqlx::query(
            "SELECT l.indicator, COUNT(*) AS n FROM evidence_indicators l JOIN evidence e ON e.id = l.evidence_id \
             WHERE e.cycle_id = $1 GROUP BY l.indicator",
        )
        .bind(cycle_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((r.text("indicator")?, usize::try_from(r.int("n")?).unwrap_or(0)))).collect()
    }

    /// One evidence item of a cycle.
    pub async fn evidence_item(&self, cycle_id: &str, id: &str) -> Result<Option<Evidence>, StoreError> {
        Ok(self.evidence(cycle_id).await?.into_iter().find(|e| e.id == id))
    }

    /// Withdraws an uploaded or linked item. Metric snapshots are a record and are never
    /// removed; false when there is no such removable item.
    pub async fn withdraw_evidence(
        &self,
        cycle_id: &str,
        id: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM evidence WHERE id = $1 AND cycle_id = $2 AND kind <> 'metrik'")
            .bind(id)
            .bind(cycle_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        audited(&mut tx, actor, "evaluation.evidence.withdraw", id, serde_json::json!({ "cycle": cycle_id }), now)
            .await?;
        tx.commit().await?;
        Ok(true)
    }
}
