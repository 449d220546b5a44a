//! A person's portal notifications.

use chrono::{DateTime, Utc};

use crate::rows::{Columns, ts};
use crate::{Store, StoreError};

/// One notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub text: String,
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub unread: bool,
}

impl Store {
    /// The newest notifications of a person.
    pub async fn notifications(&self, user_id: &str, limit: u32) -> Result<Vec<Notification>, StoreError> {
        let rows = sqlx::query(
            "SELECT text, link, created_at, read_at FROM notifications WHERE user_id = $1 \
             ORDER BY created_at DESC, id DESC LIMIT $2",
        )
        .bind(user_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Notification {
                    text: r.text("text")?,
                    link: r.text("link")?,
                    created_at: r.time("created_at")?,
                    unread: r.opt_int("read_at")?.is_none(),
                })
            })
            .collect()
    }

    /// How many notifications a person has not seen.
    pub async fn unread_notifications(&self, user_id: &str) -> Result<u64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL")
            .bind(user_id)
            .fetch_one(&self.pool)
            .await?;
        row.count("n")
    }

    /// Marks every notification of a person as seen.
    pub async fn mark_notifications_read(&self, user_id: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
            .bind(ts(now))
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
