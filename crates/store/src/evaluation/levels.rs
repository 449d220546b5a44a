//! Levels per indicator and stage, kept forever, and the assessors' evidence requests.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;

use super::audited;
use crate::connect::WriteTx;
use crate::rows::{Columns, from_ts, new_id, ts};
use crate::{Store, StoreError};

/// One level given to an indicator at a stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelEntry {
    pub indicator: String,
    /// A domain `Stage` code.
    pub stage: String,
    /// Decimal text on the framework's scale.
    pub level: String,
    /// The team's narrative (self-assessment) or the assessor's comment.
    pub note: String,
    pub user_name: Option<String>,
    pub at: DateTime<Utc>,
}

/// An assessor's request for more evidence on an indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceRequest {
    pub id: String,
    pub cycle_id: String,
    pub indicator: String,
    pub text: String,
    pub asked_by_name: Option<String>,
    pub asked_at: DateTime<Utc>,
    pub answer: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl EvidenceRequest {
    /// Open until the assessor closes it (answered or not).
    pub fn is_open(&self) -> bool {
        self.closed_at.is_none()
    }
}

fn evidence_request(row: &AnyRow) -> Result<EvidenceRequest, StoreError> {
    Ok(EvidenceRequest {
        id: row.text("id")?,
        cycle_id: row.text("cycle_id")?,
        indicator: row.text("indicator")?,
        text: row.text("text")?,
        asked_by_name: row.opt_text("asked_by_name")?,
        asked_at: row.time("asked_at")?,
        answer: row.opt_text("answer")?,
        answered_at: row.opt_int("answered_at")?.map(from_ts).transpose()?,
        closed_at: row.opt_int("closed_at")?.map(from_ts).transpose()?,
    })
}

impl Store {
    /// Records a level (never overwrites: the history is the record).
    #[allow(clippy::too_many_arguments)]
    pub async fn set_level(
        &self,
        cycle_id: &str,
        indicator: &str,
        stage: &str,
        level: &str,
        note: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let change = (indicator.to_owned(), level.to_owned(), note.to_owned());
        self.set_levels(cycle_id, stage, std::slice::from_ref(&change), actor, now).await
    }

    /// Records several levels of one stage at once, all or none (a sheet read back).
    /// `levels` are `(indicator, level, note)`.
    pub async fn set_levels(
        &self,
        cycle_id: &str,
        stage: &str,
        levels: &[(String, String, String)],
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for (n, (indicator, level, note)) in levels.iter().enumerate() {
            // Orders entries within one second; the clock's microseconds are enough between people.
            let seq = now.timestamp_micros() + i64::try_from(n).unwrap_or(0);
            insert_level(&mut tx, cycle_id, indicator, stage, level, note, actor, now, seq).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

#[allow(clippy::too_many_arguments)]
async fn insert_level(
    tx: &mut WriteTx,
    cycle_id: &str,
    indicator: &str,
    stage: &str,
    level: &str,
    note: &str,
    actor: &str,
    now: DateTime<Utc>,
    seq: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO eval_levels (id, cycle_id, indicator, stage, level, note, user_id, at, seq) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(new_id())
    .bind(cycle_id)
    .bind(indicator)
    .bind(stage)
    .bind(level)
    .bind(note)
    .bind(actor)
    .bind(ts(now))
    .bind(seq)
    .execute(&mut **tx)
    .await?;
    let after = serde_json::json!({ "cycle": cycle_id, "indicator": indicator, "stage": stage, "level": level });
    audited(tx, actor, "evaluation.level.set", indicator, after, now).await
}

impl Store {
    /// Every level of a cycle, oldest first: the current level of a stage is its last entry.
    pub async fn levels(&self, cycle_id: &str) -> Result<Vec<LevelEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT l.indicator, l.stage, l.level, l.note, u.name AS user_name, l.at FROM eval_levels l \
             LEFT JOIN users u ON u.id = l.user_id WHERE l.cycle_id = $1 ORDER BY l.seq, l.id",
        )
        .bind(cycle_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(LevelEntry {
                    indicator: r.text("indicator")?,
                    stage: r.text("stage")?,
                    level: r.text("level")?,
                    note: r.text("note")?,
                    user_name: r.opt_text("user_name")?,
                    at: r.time("at")?,
                })
            })
            .collect()
    }

    /// An assessor asks for more evidence; returns the request's id.
    pub async fn ask_evidence(
        &self,
        cycle_id: &str,
        indicator: &str,
        text: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        let mut tx = self.begin_write().await?;
        let id = new_id();
        sqlx::query(
            "INSERT INTO evidence_requests (id, cycle_id, indicator, text, asked_by, asked_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id.as_str())
        .bind(cycle_id)
        .bind(indicator)
        .bind(text)
        .bind(actor)
        .bind(ts(now))
        .execute(&mut *tx)
        .await?;
        let after = serde_json::json!({ "cycle": cycle_id, "indicator": indicator, "text": text });
        audited(&mut tx, actor, "evaluation.request.ask", &id, after, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The team answers an open request (again, if they add more); false when it is closed or
    /// unknown.
    pub async fn answer_evidence_request(
        &self,
        cycle_id: &str,
        id: &str,
        answer: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE evidence_requests SET answer = $1, answered_by = $2, answered_at = $3 \
             WHERE id = $4 AND cycle_id = $5 AND closed_at IS NULL",
        )
        .bind(answer)
        .bind(actor)
        .bind(ts(now))
        .bind(id)
        .bind(cycle_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        audited(&mut tx, actor, "evaluation.request.answer", id, serde_json::json!({ "answer": answer }), now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The assessor closes a request; false when already closed or unknown.
    pub async fn close_evidence_request(
        &self,
        cycle_id: &str,
        id: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE evidence_requests SET closed_by = $1, closed_at = $2 \
             WHERE id = $3 AND cycle_id = $4 AND closed_at IS NULL",
        )
        .bind(actor)
        .bind(ts(now))
        .bind(id)
        .bind(cycle_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        audited(&mut tx, actor, "evaluation.request.close", id, serde_json::json!({}), now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// A cycle's evidence requests: open ones first, then by when they were asked.
    pub async fn evidence_requests(&self, cycle_id: &str) -> Result<Vec<EvidenceRequest>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.id, r.cycle_id, r.indicator, r.text, u.name AS asked_by_name, r.asked_at, r.answer, \
             r.answered_at, r.closed_at FROM evidence_requests r LEFT JOIN users u ON u.id = r.asked_by \
             WHERE r.cycle_id = $1 ORDER BY CASE WHEN r.closed_at IS NULL THEN 0 ELSE 1 END, r.asked_at, r.id",
        )
        .bind(cycle_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(evidence_request).collect()
    }
}
