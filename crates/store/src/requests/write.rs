//! Changing a request: status (with its history entry), notes, assignment.

use chrono::{DateTime, Utc};

use crate::rows::{new_id, ts};
use crate::{Store, StoreError};

/// Why a status change was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum StatusConflict {
    /// Someone changed it first (the status is no longer the one the change replaces).
    #[error("the request's status changed meanwhile")]
    Moved,
    #[error("no such request")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for StatusConflict {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(e.into())
    }
}

/// A checked status change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange<'a> {
    pub request_id: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub actor: &'a str,
    pub note: Option<&'a str>,
    pub internal: bool,
    /// Whether `to` ends the request (selesai, ditolak, dibatalkan).
    pub closes: bool,
}

/// What to tell the request's person about a change, committed with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The account to notify in the portal (none for a guest).
    pub user_id: Option<String>,
    pub text: String,
    /// Where the notification leads.
    pub link: String,
    /// An e-mail for the outbox (its JSON payload), when there is an address.
    pub mail: Option<String>,
}

impl Store {
    /// Records a status change and its history entry together, only if the request is
    /// still in `from` (two officers acting at once cannot both win).
    pub async fn change_request_status(
        &self,
        change: &StatusChange<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), StatusConflict> {
        self.change_request_status_and_notify(change, None, now).await
    }

    /// As [`Store::change_request_status`], and in the same transaction tells the person:
    /// a portal notification and an e-mail in the outbox (nothing is lost, and nothing is
    /// sent for a change that did not happen).
    pub async fn change_request_status_and_notify(
        &self,
        change: &StatusChange<'_>,
        notice: Option<&Notice>,
        now: DateTime<Utc>,
    ) -> Result<(), StatusConflict> {
        let mut tx = self.begin_write().await?;
        let closed_at = if change.closes { Some(ts(now)) } else { None };
        let done = sqlx::query(
            "UPDATE requests SET status = $1, updated_at = $2, closed_at = $3 WHERE id = $4 AND status = $5",
        )
        .bind(change.to)
        .bind(ts(now))
        .bind(closed_at)
        .bind(change.request_id)
        .bind(change.from)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            let exists = sqlx::query("SELECT 1 FROM requests WHERE id = $1")
                .bind(change.request_id)
                .fetch_optional(&mut *tx)
                .await?;
            return Err(if exists.is_some() { StatusConflict::Moved } else { StatusConflict::NotFound });
        }
        sqlx::query(
            "INSERT INTO request_events (id, request_id, at, actor, from_status, to_status, note, internal) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(new_id())
        .bind(change.request_id)
        .bind(ts(now))
        .bind(change.actor)
        .bind(change.from)
        .bind(change.to)
        .bind(change.note.map(str::to_string))
        .bind(i64::from(change.internal))
        .execute(&mut *tx)
        .await?;
        if let Some(notice) = notice {
            if let Some(user_id) = &notice.user_id {
                sqlx::query(
                    "INSERT INTO notifications (id, user_id, request_id, text, link, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(new_id())
                .bind(user_id.as_str())
                .bind(change.request_id)
                .bind(notice.text.as_str())
                .bind(notice.link.as_str())
                .bind(ts(now))
                .execute(&mut *tx)
                .await?;
            }
            if let Some(mail) = &notice.mail {
                crate::outbox::enqueue(&mut tx, "email", mail, now).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Adds a note without changing the status.
    pub async fn add_request_note(
        &self,
        request_id: &str,
        actor: &str,
        note: &str,
        internal: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO request_events (id, request_id, at, actor, from_status, to_status, note, internal) \
             VALUES ($1, $2, $3, $4, NULL, NULL, $5, $6)",
        )
        .bind(new_id())
        .bind(request_id)
        .bind(ts(now))
        .bind(actor)
        .bind(note)
        .bind(i64::from(internal))
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

impl Store {
    /// The citizen answers a fix request: new answers (when files were added) and the
    /// move back to `diproses`, with their note, together; only from `perlu_perbaikan`.
    pub async fn answer_fix(
        &self,
        request_id: &str,
        actor: &str,
        note: &str,
        answers: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StatusConflict> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE requests SET status = 'diproses', answers = COALESCE($1, answers), updated_at = $2 \
             WHERE id = $3 AND status = 'perlu_perbaikan'",
        )
        .bind(answers.map(str::to_string))
        .bind(ts(now))
        .bind(request_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StatusConflict::Moved);
        }
        sqlx::query(
            "INSERT INTO request_events (id, request_id, at, actor, from_status, to_status, note, internal) \
             VALUES ($1, $2, $3, $4, 'perlu_perbaikan', 'diproses', $5, 0)",
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
}
