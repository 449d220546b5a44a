//! Talas's conversations: the dialogue state per channel user, every message, handover to
//! officers, webhook deduplication and chat-link codes.
//!
//! A turn (the state after a message, the messages in and out, and any replies to send
//! through the outbox) is written as one unit, group-committed like request submissions,
//! so a busy chat channel costs a few statements per batch rather than per message.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;

use crate::batch::{Job, fail_all};
use crate::rows::{Columns, from_ts, new_id, placeholders, rows_per_insert, ts};
use crate::{Store, StoreError};

mod office;

pub use office::{Post, PostRule};

/// At most this many turns share a transaction.
const MAX_BATCH: usize = 64;

/// A conversation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    pub id: String,
    pub channel: String,
    pub sender: String,
    /// The dialogue's state (JSON, the web layer's to read).
    pub state: String,
    pub lang: String,
    /// Where replies go on the channel (a chat id, a phone or user id).
    pub address: Option<String>,
    /// The satupintu account this chat is linked to.
    pub user_id: Option<String>,
    pub handover: bool,
    /// The agency whose officers answer (none: the city's help desk).
    pub handover_agency: Option<String>,
    pub handover_at: Option<DateTime<Utc>>,
    pub last_inbound_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatMessage {
    pub id: String,
    pub at: DateTime<Utc>,
    /// `person`, `talas`, or an officer's user id.
    pub author: String,
    pub body: String,
    /// Buttons and links the message carried (JSON, the web layer's to read).
    pub extras: Option<String>,
}

/// A message to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// `person`, `talas`, or an officer's user id.
    pub author: String,
    pub body: String,
    /// Buttons and links (JSON), for channels that show the conversation again.
    pub extras: Option<String>,
}

impl NewMessage {
    pub fn text(author: impl Into<String>, body: impl Into<String>) -> Self {
        Self { author: author.into(), body: body.into(), extras: None }
    }
}

/// What one exchange changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    pub channel: String,
    pub sender: String,
    pub state: String,
    pub lang: String,
    pub address: Option<String>,
    /// `Some` when the person spoke (the WhatsApp 24-hour window counts from it).
    pub inbound_at: Option<DateTime<Utc>>,
    /// Messages to record, in order.
    pub messages: Vec<NewMessage>,
    /// Replies for the channel's sender worker: `(outbox kind, payload JSON)`.
    pub outbound: Vec<(String, String)>,
    /// Starts (`Some(agency)`, `Some(None)` for the help desk) or ends (`None`) a handover,
    /// or leaves it (`Keep`).
    pub handover: Handover,
    /// Links the chat to an account (`Some(user id)`), unlinks it (`Some("")`), or leaves it.
    pub link: Option<String>,
}

/// What became of a new chat-link code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewLinkCode {
    Added,
    /// The person has as many live codes as allowed.
    TooMany,
    /// A live code with the same hash exists.
    Taken,
}

/// A change of who answers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Handover {
    #[default]
    Keep,
    /// Officers of this agency (its code), or the help desk.
    Start(Option<String>),
    End,
}

pub(crate) type Queue = crate::batch::Queue<Turn, ()>;

const COLUMNS: &str = "c.id, c.channel, c.sender, c.state, c.lang, c.address, c.user_id, c.handover, \
    a.code AS agency_code, c.handover_at, c.last_inbound_at, c.updated_at";

fn conversation(row: &AnyRow) -> Result<Conversation, StoreError> {
    Ok(Conversation {
        id: row.text("id")?,
        channel: row.text("channel")?,
        sender: row.text("sender")?,
        state: row.text("state")?,
        lang: row.text("lang")?,
        address: row.opt_text("address")?,
        user_id: row.opt_text("user_id")?,
        handover: row.int("handover")? != 0,
        handover_agency: row.opt_text("agency_code")?,
        handover_at: row.opt_int("handover_at")?.map(from_ts).transpose()?,
        last_inbound_at: row.opt_int("last_inbound_at")?.map(from_ts).transpose()?,
        updated_at: row.time("updated_at")?,
    })
}

fn chat_message(row: &AnyRow) -> Result<ChatMessage, StoreError> {
    Ok(ChatMessage {
        id: row.text("id")?,
        at: row.time("at")?,
        author: row.text("author")?,
        body: row.text("body")?,
        extras: row.opt_text("extras")?,
    })
}

impl Store {
    /// The conversation of a channel user, if they have written before.
    pub async fn conversation(&self, channel: &str, sender: &str) -> Result<Option<Conversation>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM conversations c LEFT JOIN agencies a ON a.id = c.handover_agency_id \
             WHERE c.channel = $1 AND c.sender = $2"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(channel).bind(sender).fetch_optional(&self.pool).await?;
        row.as_ref().map(conversation).transpose()
    }

    /// The latest conversation on a channel whose replies go to `address` (when the person's
    /// key is not at hand).
    pub async fn conversation_at(&self, channel: &str, address: &str) -> Result<Option<Conversation>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM conversations c LEFT JOIN agencies a ON a.id = c.handover_agency_id \
             WHERE c.channel = $1 AND c.address = $2 ORDER BY c.updated_at DESC LIMIT 1"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(channel).bind(address).fetch_optional(&self.pool).await?;
        row.as_ref().map(conversation).transpose()
    }

    /// Records a turn; returns once it is committed.
    pub async fn save_turn(&self, turn: Turn) -> Result<(), StoreError> {
        self.turn_queue.submit(self, MAX_BATCH, write_turns, turn).await
    }

    /// Marks a webhook update as handled; false if it was handled before.
    pub async fn first_delivery(&self, channel: &str, update_id: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO channel_updates (channel, update_id, at) VALUES ($1, $2, $3) \
             ON CONFLICT (channel, update_id) DO NOTHING",
        )
        .bind(channel)
        .bind(update_id)
        .bind(ts(now))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Unmarks an update whose handling failed, so the platform's retry is handled.
    pub async fn forget_delivery(&self, channel: &str, update_id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM channel_updates WHERE channel = $1 AND update_id = $2")
            .bind(channel)
            .bind(update_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Forgets handled updates older than `before` (retries stop long before).
    pub async fn purge_channel_updates(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let done =
            sqlx::query("DELETE FROM channel_updates WHERE at < $1").bind(ts(before)).execute(&self.pool).await?;
        Ok(done.rows_affected())
    }

    /// The last `limit` messages of a conversation, oldest first, from `since` on.
    pub async fn conversation_messages(
        &self,
        channel: &str,
        sender: &str,
        since: Option<DateTime<Utc>>,
        limit: u32,
    ) -> Result<Vec<ChatMessage>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, at, author, body, extras FROM conversation_messages \
             WHERE channel = $1 AND sender = $2 AND at >= $3 ORDER BY at DESC, id DESC LIMIT $4",
        )
        .bind(channel)
        .bind(sender)
        .bind(since.map_or(0, ts))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let mut out = rows.iter().map(chat_message).collect::<Result<Vec<_>, StoreError>>()?;
        out.reverse();
        Ok(out)
    }

    /// Conversations waiting for or with an officer: of these agencies (by code), or all
    /// (`None`, admins and the help desk); oldest handover first.
    pub async fn handover_queue(&self, agencies: Option<&[String]>) -> Result<Vec<Conversation>, StoreError> {
        let mut sql = format!(
            "SELECT {COLUMNS} FROM conversations c LEFT JOIN agencies a ON a.id = c.handover_agency_id WHERE c.handover = 1"
        );
        if let Some(codes) = agencies {
            if codes.is_empty() {
                return Ok(Vec::new());
            }
            sql.push_str(&format!(" AND a.code IN ({})", placeholders(1, codes.len())));
        }
        sql.push_str(" ORDER BY c.handover_at, c.id LIMIT 200");
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for code in agencies.unwrap_or_default() {
            query = query.bind(code.as_str());
        }
        query.fetch_all(&self.pool).await?.iter().map(conversation).collect()
    }

    /// Keeps a one-time chat-link code (its hash) for a person until `expires_at`.
    pub async fn add_chat_link_code(
        &self,
        code_hash: &str,
        user_id: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO chat_link_codes (code_hash, user_id, expires_at) VALUES ($1, $2, $3)")
            .bind(code_hash)
            .bind(user_id)
            .bind(ts(expires_at))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Keeps a new chat-link code (its hash) unless the person already has `max_active`
    /// live ones; expired codes are forgotten first. `Taken` when another live code has
    /// the same hash (make another code).
    pub async fn new_chat_link_code(
        &self,
        code_hash: &str,
        user_id: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        max_active: u32,
    ) -> Result<NewLinkCode, StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM chat_link_codes WHERE expires_at <= $1").bind(ts(now)).execute(&mut *tx).await?;
        let live = sqlx::query("SELECT COUNT(*) AS n FROM chat_link_codes WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?
            .int("n")?;
        if live >= i64::from(max_active) {
            tx.rollback().await?;
            return Ok(NewLinkCode::TooMany);
        }
        let added = sqlx::query(
            "INSERT INTO chat_link_codes (code_hash, user_id, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (code_hash) DO NOTHING",
        )
        .bind(code_hash)
        .bind(user_id)
        .bind(ts(expires_at))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(if added.rows_affected() == 1 { NewLinkCode::Added } else { NewLinkCode::Taken })
    }

    /// Uses a chat-link code once (a second use finds nothing): the person it was made for.
    pub async fn take_chat_link_code(&self, code_hash: &str, now: DateTime<Utc>) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("DELETE FROM chat_link_codes WHERE code_hash = $1 AND expires_at > $2 RETURNING user_id")
            .bind(code_hash)
            .bind(ts(now))
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.text("user_id")).transpose()
    }

    /// Ends the link between a chat and its account (from the chat or the account page).
    pub async fn unlink_chat(&self, channel: &str, sender: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE conversations SET user_id = NULL WHERE channel = $1 AND sender = $2")
            .bind(channel)
            .bind(sender)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The chats linked to a person (for their account page).
    pub async fn chats_of(&self, user_id: &str) -> Result<Vec<Conversation>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM conversations c LEFT JOIN agencies a ON a.id = c.handover_agency_id \
             WHERE c.user_id = $1 ORDER BY c.updated_at DESC"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(user_id).fetch_all(&self.pool).await?;
        rows.iter().map(conversation).collect()
    }
}

async fn write_turns(store: Store, batch: Vec<Job<Turn, ()>>) {
    match write(&store, &batch).await {
        Ok(()) => {
            for job in batch {
                let _ = job.reply.send(Ok(()));
            }
        }
        Err(e) => fail_all(batch, &e),
    }
}

async fn write(store: &Store, batch: &[Job<Turn, ()>]) -> Result<(), StoreError> {
    let now = Utc::now();
    // One upsert per conversation per batch (a statement may not touch a row twice): the
    // last turn's state wins, which is the order they were answered in.
    let mut last: Vec<&Turn> = Vec::new();
    for turn in batch.iter().map(|j| &j.work) {
        match last.iter_mut().find(|t| t.channel == turn.channel && t.sender == turn.sender) {
            Some(slot) => *slot = turn,
            None => last.push(turn),
        }
    }
    let mut tx = store.begin_write().await?;
    let sql = format!(
        "INSERT INTO conversations (id, channel, sender, state, lang, address, last_inbound_at, updated_at) VALUES {} \
         ON CONFLICT (channel, sender) DO UPDATE SET state = excluded.state, lang = excluded.lang, \
         address = COALESCE(excluded.address, conversations.address), \
         last_inbound_at = COALESCE(excluded.last_inbound_at, conversations.last_inbound_at), \
         updated_at = excluded.updated_at",
        store.backend().value_rows(last.len(), 8)
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for t in &last {
        query = query
            .bind(new_id())
            .bind(t.channel.as_str())
            .bind(t.sender.as_str())
            .bind(t.state.as_str())
            .bind(t.lang.as_str())
            .bind(t.address.clone())
            .bind(t.inbound_at.map(ts))
            .bind(ts(now));
    }
    query.execute(&mut *tx).await?;
    for t in batch.iter().map(|j| &j.work) {
        match &t.handover {
            Handover::Keep => {}
            Handover::Start(agency) => {
                sqlx::query(
                    "UPDATE conversations SET handover = 1, handover_at = $1, \
                     handover_agency_id = (SELECT id FROM agencies WHERE code = $2) WHERE channel = $3 AND sender = $4",
                )
                .bind(ts(now))
                .bind(agency.clone())
                .bind(t.channel.as_str())
                .bind(t.sender.as_str())
                .execute(&mut *tx)
                .await?;
            }
            Handover::End => {
                sqlx::query(
                    "UPDATE conversations SET handover = 0, handover_at = NULL, handover_agency_id = NULL \
                     WHERE channel = $1 AND sender = $2",
                )
                .bind(t.channel.as_str())
                .bind(t.sender.as_str())
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    for t in batch.iter().map(|j| &j.work) {
        if let Some(user_id) = &t.link {
            sqlx::query("UPDATE conversations SET user_id = $1 WHERE channel = $2 AND sender = $3")
                .bind(Some(user_id.as_str()).filter(|u| !u.is_empty()))
                .bind(t.channel.as_str())
                .bind(t.sender.as_str())
                .execute(&mut *tx)
                .await?;
        }
    }
    let messages: Vec<(&Turn, &NewMessage)> =
        batch.iter().map(|j| &j.work).flat_map(|t| t.messages.iter().map(move |m| (t, m))).collect();
    for chunk in messages.chunks(rows_per_insert(7)) {
        let sql = format!(
            "INSERT INTO conversation_messages (id, channel, sender, at, author, body, extras) VALUES {}",
            store.backend().value_rows(chunk.len(), 7)
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (t, m) in chunk {
            query = query
                .bind(new_id())
                .bind(t.channel.as_str())
                .bind(t.sender.as_str())
                .bind(ts(now))
                .bind(m.author.as_str())
                .bind(m.body.as_str())
                .bind(m.extras.clone());
        }
        query.execute(&mut *tx).await?;
    }
    let outbound: Vec<&(String, String)> = batch.iter().flat_map(|j| j.work.outbound.iter()).collect();
    for chunk in outbound.chunks(rows_per_insert(5)) {
        let sql = format!(
            "INSERT INTO outbox (id, kind, payload, created_at, next_attempt_at) VALUES {}",
            store.backend().value_rows(chunk.len(), 5)
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (kind, payload) in chunk {
            query = query.bind(new_id()).bind(kind.as_str()).bind(payload.as_str()).bind(ts(now)).bind(ts(now));
        }
        query.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}
