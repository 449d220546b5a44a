//! Talas on Telegram: the Bot API webhook (`POST /hooks/telegram`) and the `sendMessage`
//! and `answerCallbackQuery` calls that carry replies back through the outbox.
//!
//! Telegram proves it sent an update with the `secret_token` given to `setWebhook`, sent
//! back in `X-Telegram-Bot-Api-Secret-Token` (there is no signature). Updates arrive at
//! least once; `update_id` drops the repeats. Talas talks in private chats only: a group's
//! messages, edits and update types it does not use are acknowledged and left alone.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{same_secret, split_text};
use crate::error::ApiError;
use crate::state::AppState;
use crate::talas::{Inbound, Reply, Sender, converse, outbound_to};

/// The outbox kind of Telegram calls.
pub const KIND: &str = "telegram";
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";
/// `sendMessage` takes at most 4,096 characters (counted in UTF-16 code units).
pub const MAX_TEXT: usize = 4096;
/// `callback_data` is at most 64 bytes.
pub const MAX_CALLBACK_DATA: usize = 64;

#[derive(Debug, Deserialize)]
struct Chat {
    id: i64,
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Debug, Deserialize)]
struct User {
    #[serde(default)]
    is_bot: bool,
}

#[derive(Debug, Deserialize)]
struct Location {
    latitude: f64,
    longitude: f64,
}

#[derive(Debug, Deserialize)]
struct Message {
    chat: Chat,
    #[serde(default)]
    from: Option<User>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    location: Option<Location>,
}

#[derive(Debug, Deserialize)]
struct CallbackQuery {
    id: String,
    from: CallbackUser,
    #[serde(default)]
    message: Option<CallbackMessage>,
    #[serde(default)]
    data: Option<String>,
}

#[derive(Debug, Deserialize)]
struct CallbackUser {
    id: i64,
}

/// The message a pressed button was under (maybe too old for Telegram to include).
#[derive(Debug, Deserialize)]
struct CallbackMessage {
    chat: Chat,
}

/// What an update asks of Talas.
#[derive(Debug, PartialEq)]
pub(crate) enum Event {
    /// A person wrote (or pressed a button) in a private chat.
    Message { chat_id: i64, inbound: Inbound, callback_id: Option<String> },
    /// A button press Talas cannot act on (no data, not a private chat): only answered,
    /// so the person's app stops waiting.
    AnswerOnly { callback_id: String },
    /// Nothing to do: a group, a bot, an edit, an update type Talas does not use.
    Ignore(&'static str),
}

/// Reads an update (tolerant of fields and types Telegram adds later).
pub(crate) fn event(update: &Value) -> Event {
    if let Some(message) = update.get("message") {
        let Ok(message) = Message::deserialize(message) else { return Event::Ignore("unreadable message") };
        if message.chat.kind != "private" {
            return Event::Ignore("not a private chat");
        }
        if message.from.as_ref().is_some_and(|f| f.is_bot) {
            return Event::Ignore("from a bot");
        }
        let inbound = match (message.text, message.location) {
            (Some(text), _) => Inbound::Text(text),
            (None, Some(at)) => Inbound::Location { lat: at.latitude, long: at.longitude },
            // A sticker, photo, voice note, document, contact, poll, …
            (None, None) => Inbound::Unsupported,
        };
        return Event::Message { chat_id: message.chat.id, inbound, callback_id: None };
    }
    if let Some(query) = update.get("callback_query") {
        let Ok(query) = CallbackQuery::deserialize(query) else { return Event::Ignore("unreadable callback query") };
        let chat = match &query.message {
            Some(m) if m.chat.kind == "private" => Some(m.chat.id),
            Some(_) => None,
            // The message is gone from Telegram's view; a private chat's id is the user's.
            None => Some(query.from.id),
        };
        return match (chat, query.data) {
            (Some(chat_id), Some(data)) if !data.is_empty() => {
                Event::Message { chat_id, inbound: Inbound::Button(data), callback_id: Some(query.id) }
            }
            _ => Event::AnswerOnly { callback_id: query.id },
        };
    }
    Event::Ignore("update type not used")
}

/// The call that stops the person's app waiting after a button press.
pub(crate) fn answer_callback(callback_id: &str) -> (String, String) {
    let payload = json!({"method": "answerCallbackQuery", "body": {"callback_query_id": callback_id}});
    (KIND.to_string(), payload.to_string())
}

fn ok() -> Response {
    StatusCode::OK.into_response()
}

/// `POST /hooks/telegram`: one update from the Bot API.
#[tracing::instrument(skip_all, fields(update_id))]
pub async fn webhook(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    let Some(hook) = &state.settings.telegram else {
        return Err(ApiError::not_found("kanal", "telegram"));
    };
    let given = headers.get(SECRET_HEADER).map(|v| v.as_bytes()).unwrap_or_default();
    if !same_secret(given, hook.secret_token.as_bytes()) {
        tracing::warn!("Telegram update with a wrong secret token refused");
        return Err(ApiError::Unauthorized("token rahasia Telegram tidak cocok"));
    }
    let Ok(update) = serde_json::from_slice::<Value>(&body) else {
        tracing::warn!("Telegram update that is not JSON ignored");
        return Ok(ok());
    };
    let Some(update_id) = update.get("update_id").and_then(Value::as_i64) else {
        tracing::warn!("Telegram update without an update_id ignored");
        return Ok(ok());
    };
    tracing::Span::current().record("update_id", update_id);
    let (chat_id, inbound, callback_id) = match event(&update) {
        Event::Ignore(why) => {
            tracing::debug!(why, "Telegram update ignored");
            return Ok(ok());
        }
        Event::AnswerOnly { callback_id } => {
            if state.store.first_delivery(KIND, &update_id.to_string(), Utc::now()).await? {
                let (kind, payload) = answer_callback(&callback_id);
                state.store.enqueue(&kind, &payload).await?;
            }
            return Ok(ok());
        }
        Event::Message { chat_id, inbound, callback_id } => (chat_id.to_string(), inbound, callback_id),
    };
    let key = update_id.to_string();
    if !state.store.first_delivery(KIND, &key, Utc::now()).await? {
        tracing::debug!("Telegram update seen before; dropped");
        return Ok(ok());
    }
    let from = Sender { channel: KIND, id: &chat_id, address: Some(chat_id.clone()), account: None };
    let outbound = |replies: &[Reply], lang| {
        let mut rows: Vec<(String, String)> = callback_id.iter().map(|id| answer_callback(id)).collect();
        rows.extend(outbound_to(KIND, Some(&chat_id), &chat_id, replies, lang));
        rows
    };
    if let Err(e) = converse(&state, from, inbound, outbound).await {
        // Not handled after all: Telegram's retry must get through.
        let _ = state.store.forget_delivery(KIND, &key).await;
        return Err(e.into());
    }
    Ok(ok())
}

/// A link Telegram accepts as a button (it refuses addresses on this machine).
fn button_url(url: &str) -> bool {
    let Ok(parsed) = url::Url::parse(url) else { return false };
    let local = match parsed.host() {
        Some(url::Host::Domain(d)) => d == "localhost" || d.ends_with(".localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback() || ip.is_unspecified(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback() || ip.is_unspecified(),
        None => true,
    };
    matches!(parsed.scheme(), "http" | "https") && !local
}

/// The `sendMessage` calls for Talas's replies to a chat: one per reply (more when a text
/// is longer than Telegram takes), with the reply's buttons as an inline keyboard, one per
/// row, and its links as URL buttons under them.
pub fn outbound(chat_id: &str, replies: &[Reply]) -> Vec<(String, String)> {
    // Telegram takes the id as a number or a string; a number is what it sends.
    let chat: Value = chat_id.parse::<i64>().map_or_else(|_| json!(chat_id), |id| json!(id));
    let mut rows = Vec::new();
    for reply in replies {
        let mut keyboard: Vec<Value> = reply
            .buttons
            .iter()
            .filter(|b| !b.title.trim().is_empty() && !b.payload.is_empty())
            .filter(|b| b.payload.len() <= MAX_CALLBACK_DATA)
            .map(|b| json!([{"text": b.title.trim(), "callback_data": b.payload}]))
            .collect();
        let mut text = reply.text.clone();
        for link in &reply.links {
            if button_url(&link.url) && !link.title.trim().is_empty() {
                keyboard.push(json!([{"text": link.title.trim(), "url": link.url}]));
            } else {
                text.push_str(&format!("\n{}: {}", link.title, link.url));
            }
        }
        let mut pieces = split_text(&text, MAX_TEXT, MAX_TEXT, char::len_utf16);
        // Telegram refuses an empty text.
        if pieces.iter().all(|p| p.is_empty()) {
            pieces = vec!["…".to_string()];
        }
        let last = pieces.len() - 1;
        for (i, piece) in pieces.into_iter().enumerate() {
            let mut body = json!({"chat_id": chat, "text": piece});
            if i == last && !keyboard.is_empty() {
                body["reply_markup"] = json!({"inline_keyboard": keyboard});
            }
            rows.push((KIND.to_string(), json!({"method": "sendMessage", "body": body}).to_string()));
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::talas::{Button, Link};

    fn fixture(name: &str) -> Value {
        let text = match name {
            "text" => include_str!("../../../../../tests/channels/fixtures/telegram-text.json"),
            "callback" => include_str!("../../../../../tests/channels/fixtures/telegram-callback.json"),
            "group" => include_str!("../../../../../tests/channels/fixtures/telegram-group.json"),
            "sticker" => include_str!("../../../../../tests/channels/fixtures/telegram-sticker.json"),
            "location" => include_str!("../../../../../tests/channels/fixtures/telegram-location.json"),
            "unknown" => include_str!("../../../../../tests/channels/fixtures/telegram-unknown.json"),
            "edited" => include_str!("../../../../../tests/channels/fixtures/telegram-edited.json"),
            _ => "null",
        };
        serde_json::from_str(text).unwrap_or_default()
    }

    #[test]
    fn updates_become_events() {
        assert!(matches!(
            event(&fixture("text")),
            Event::Message { chat_id: 123_456_789, inbound: Inbound::Text(_), callback_id: None }
        ));
        assert_eq!(
            event(&fixture("callback")),
            Event::Message {
                chat_id: 123_456_789,
                inbound: Inbound::Button("menu:status".into()),
                callback_id: Some("4382bfdwdsb323b2d9".into())
            }
        );
        assert!(matches!(event(&fixture("group")), Event::Ignore(_)));
        assert!(matches!(event(&fixture("sticker")), Event::Message { inbound: Inbound::Unsupported, .. }));
        assert!(matches!(
            event(&fixture("location")),
            Event::Message { inbound: Inbound::Location { lat, long }, .. } if lat < -6.0 && long > 106.0
        ));
        assert!(matches!(event(&fixture("unknown")), Event::Ignore(_)));
        assert!(matches!(event(&fixture("edited")), Event::Ignore(_)));
        assert!(matches!(event(&json!({"update_id": 1, "message": {"chat": "x"}})), Event::Ignore(_)));
    }

    #[test]
    fn replies_become_send_message_calls() {
        let reply = Reply {
            text: "Pilih:".into(),
            buttons: vec![
                Button { title: "Cek status".into(), payload: "menu:status".into() },
                Button { title: "Terlalu panjang".into(), payload: "x".repeat(65) },
            ],
            links: vec![
                Link { title: "Buka".into(), url: "https://satupintu.example/layanan/KTP-EL".into() },
                Link { title: "Lokal".into(), url: "http://127.0.0.1:8080/lacak".into() },
            ],
        };
        let rows = outbound("42", &[reply]);
        assert_eq!(rows.len(), 1);
        let call: Value = serde_json::from_str(&rows[0].1).unwrap_or_default();
        assert_eq!(call["method"], "sendMessage");
        assert_eq!(call["body"]["chat_id"], 42);
        assert_eq!(call["body"]["text"], "Pilih:\nLokal: http://127.0.0.1:8080/lacak");
        let keyboard = &call["body"]["reply_markup"]["inline_keyboard"];
        assert_eq!(keyboard[0][0], json!({"text": "Cek status", "callback_data": "menu:status"}));
        assert_eq!(keyboard[1][0], json!({"text": "Buka", "url": "https://satupintu.example/layanan/KTP-EL"}));
        assert_eq!(keyboard.as_array().map(Vec::len), Some(2), "the 65-byte payload is left out");
    }

    #[test]
    fn long_texts_are_split_with_the_keyboard_last() {
        let reply = Reply::text("kata ".repeat(2000))
            .with_buttons(vec![Button { title: "Batal".into(), payload: "batal".into() }]);
        let rows = outbound("42", &[reply, Reply::text("")]);
        let calls: Vec<Value> = rows.iter().map(|(_, p)| serde_json::from_str(p).unwrap_or_default()).collect();
        assert_eq!(calls.len(), 4);
        for call in &calls {
            let text = call["body"]["text"].as_str().unwrap_or_default();
            assert!(!text.is_empty() && text.encode_utf16().count() <= MAX_TEXT);
        }
        assert!(calls[0]["body"].get("reply_markup").is_none());
        assert!(calls[2]["body"].get("reply_markup").is_some());
        assert_eq!(calls[3]["body"]["text"], "…");
    }
}
