//! The officers' side of Talas's conversations: the handover inbox, one handed-over
//! conversation scoped to the officer's agencies, and messages written from outside a
//! turn (an officer's reply, the hand-back to Talas, an unlink made on the portal), each
//! with the outbox rows that deliver it, in one transaction.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::{COLUMNS, ChatMessage, Conversation, NewMessage, chat_message, conversation};
use crate::rows::{Columns, new_id, placeholders, ts};
use crate::{Store, StoreError};

/// What a message posted from outside a turn requires of its conversation, and changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostRule {
    /// An officer's reply: only while the conversation is handed over.
    WhileHandedOver,
    /// Back to Talas: ends the handover, which must still be on.
    HandBack,
    /// Unlinks the chat from this account, to which it must be linked.
    Unlink { user_id: String },
}

/// A message written into a conversation outside a turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub conversation_id: String,
    pub rule: PostRule,
    pub message: NewMessage,
    /// Rows for the channel's sender worker: `(outbox kind, payload JSON)`.
    pub outbound: Vec<(String, String)>,
    pub at: DateTime<Utc>,
}

/// ` AND a.code IN ($first, …)` for a list of agency codes (`None`: every agency and the
/// help desk).
fn agency_filter(agencies: Option<&[String]>, first: usize) -> String {
    match agencies {
        None => String::new(),
        Some(codes) => format!(" AND a.code IN ({})", placeholders(first, codes.len())),
    }
}

impl Store {
    /// A conversation handed over to officers of these agencies (by code), or to anyone
    /// (`None`: admins, who also answer the help desk). Another agency's conversation, or
    /// one back with Talas, is not found.
    pub async fn handed_over(&self, id: &str, agencies: Option<&[String]>) -> Result<Option<Conversation>, StoreError> {
        if agencies.is_some_and(<[String]>::is_empty) {
            return Ok(None);
        }
        let sql = format!(
            "SELECT {COLUMNS} FROM conversations c LEFT JOIN agencies a ON a.id = c.handover_agency_id \
             WHERE c.id = $1 AND c.handover = 1{}",
            agency_filter(agencies, 2)
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id);
        for code in agencies.unwrap_or_default() {
            query = query.bind(code.as_str());
        }
        query.fetch_optional(&self.pool).await?.as_ref().map(conversation).transpose()
    }

    /// The latest message of each of these conversations (by conversation id), in one query.
    pub async fn last_messages(&self, conversation_ids: &[String]) -> Result<HashMap<String, ChatMessage>, StoreError> {
        if conversation_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let params = placeholders(1, conversation_ids.len());
        let sql = format!(
            "SELECT c.id AS conversation_id, m.id, m.at, m.author, m.body, m.extras FROM conversations c \
             JOIN conversation_messages m ON m.channel = c.channel AND m.sender = c.sender \
             WHERE c.id IN ({}) AND m.id = (SELECT l.id FROM conversation_messages l \
             WHERE l.channel = c.channel AND l.sender = c.sender ORDER BY l.at DESC, l.id DESC LIMIT 1)",
            params
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in conversation_ids {
            query = query.bind(id.as_str());
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok((r.text("conversation_id")?, chat_message(r)?))).collect()
    }

    /// Writes a message from outside a turn, its outbox rows and its change, if the
    /// conversation is as the rule requires; false (nothing written) if it is not, e.g. a
    /// colleague handed it back meanwhile.
    pub async fn post_message(&self, post: Post) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        // The guard is an update of the row itself: on PostgreSQL it also locks the row,
        // so a reply and a hand-back in two windows are taken in turn.
        let guard = match &post.rule {
            PostRule::WhileHandedOver => {
                sqlx::query("UPDATE conversations SET handover = 1 WHERE id = $1 AND handover = 1")
                    .bind(post.conversation_id.as_str())
                    .execute(&mut *tx)
                    .await?
            }
            PostRule::HandBack => {
                sqlx::query(
                    "UPDATE conversations SET handover = 0, handover_at = NULL, handover_agency_id = NULL \
                     WHERE id = $1 AND handover = 1",
                )
                .bind(post.conversation_id.as_str())
                .execute(&mut *tx)
                .await?
            }
            PostRule::Unlink { user_id } => {
                sqlx::query("UPDATE conversations SET user_id = NULL WHERE id = $1 AND user_id = $2")
                    .bind(post.conversation_id.as_str())
                    .bind(user_id.as_str())
                    .execute(&mut *tx)
                    .await?
            }
        };
        if guard.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        let row = sqlx::query("SELECT channel, sender FROM conversations WHERE id = $1")
            .bind(post.conversation_id.as_str())
            .fetch_one(&mut *tx)
            .await?;
        let (channel, sender) = (row.text("channel")?, row.text("sender")?);
        sqlx::query(
            "INSERT INTO conversation_messages (id, channel, sender, at, author, body, extras) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(new_id())
        .bind(channel)
        .bind(sender)
        .bind(ts(post.at))
        .bind(post.message.author)
        .bind(post.message.body)
        .bind(post.message.extras)
        .execute(&mut *tx)
        .await?;
        for (kind, payload) in post.outbound {
            sqlx::query(
                "INSERT INTO outbox (id, kind, payload, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(new_id())
            .bind(kind)
            .bind(payload)
            .bind(ts(post.at))
            .bind(ts(post.at))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// A linked chat of this person, by conversation id (for unlinking from the account page).
    pub async fn chat_of(&self, user_id: &str, id: &str) -> Result<Option<Conversation>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM conversations c LEFT JOIN agencies a ON a.id = c.handover_agency_id \
             WHERE c.id = $1 AND c.user_id = $2"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).bind(user_id).fetch_optional(&self.pool).await?;
        row.as_ref().map(conversation).transpose()
    }
}
