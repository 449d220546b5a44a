//! Talas on WhatsApp: the Cloud API webhook (`GET /hooks/whatsapp` for Meta's verification
//! handshake, `POST /hooks/whatsapp` for notifications) and the `messages` calls that carry
//! replies back through the outbox.
//!
//! Every notification is signed: `X-Hub-Signature-256: sha256=HEX`, the HMAC-SHA256 of the
//! raw body under the app secret (checked on the bytes as received; re-serialised JSON would
//! not match). Notifications arrive at least once; the message id (`wamid.…`) drops repeats.
//! People are keyed by their business-scoped user id (BSUID, `contacts[].user_id`), which
//! every message carries since 2026 even when the person hides their phone number; replies
//! go to the phone number when WhatsApp gives one, else to the BSUID. Delivery receipts
//! (`statuses`) are acknowledged and otherwise ignored (failures are logged).
//!
//! WhatsApp lets a business answer freely only within 24 hours of the person's last
//! message; later, only pre-approved templates, which satupintu does not send. The sender
//! worker checks the window before each message ([`window_open`]).

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Sha256;

use super::{same_secret, split_text};
use crate::error::ApiError;
use crate::state::AppState;
use crate::talas::{Inbound, Reply, Sender, converse, outbound_to};

/// The outbox kind of WhatsApp messages.
pub const KIND: &str = "whatsapp";
pub const SIGNATURE_HEADER: &str = "x-hub-signature-256";
/// A text message's body: at most 4,096 characters.
pub const MAX_TEXT: usize = 4096;
/// An interactive message's body: at most 1,024 characters.
pub const MAX_INTERACTIVE_BODY: usize = 1024;
/// Reply buttons per message, their titles and ids.
pub const MAX_BUTTONS: usize = 3;
pub const MAX_BUTTON_TITLE: usize = 20;
pub const MAX_BUTTON_ID: usize = 256;
/// How long after the person's last message a business may write freely.
pub const WINDOW: Duration = Duration::hours(24);

/// Whether a free-form message may go to a person who last wrote at `last_inbound`.
pub fn window_open(last_inbound: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    last_inbound.is_some_and(|at| now - at < WINDOW)
}

/// Whether `header` (`sha256=HEX`) signs `body` under `secret`; compared in constant time.
pub fn signature_valid(secret: &[u8], header: &str, body: &[u8]) -> bool {
    let Some(hex) = header.trim().strip_prefix("sha256=") else { return false };
    if hex.len() != 64 {
        return false;
    }
    let Some(expected) =
        (0..32).map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()).collect::<Option<Vec<u8>>>()
    else {
        return false;
    };
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(secret) else { return false };
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

/// The header value that signs `body` (for tests and tools that play Meta).
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    let hex: String = <Hmac<Sha256> as Mac>::new_from_slice(secret)
        .map(|mut mac| {
            mac.update(body);
            mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
        })
        .unwrap_or_default();
    format!("sha256={hex}")
}

/// `GET /hooks/whatsapp`: Meta's verification handshake, answered with the challenge when
/// the verify token matches.
pub async fn verify(State(state): State<AppState>, RawQuery(query): RawQuery) -> Result<Response, ApiError> {
    let Some(hook) = &state.settings.whatsapp else {
        return Err(ApiError::not_found("kanal", "whatsapp"));
    };
    let mut mode = String::new();
    let mut token = String::new();
    let mut challenge = String::new();
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match k.as_ref() {
            "hub.mode" => mode = v.into_owned(),
            "hub.verify_token" => token = v.into_owned(),
            "hub.challenge" => challenge = v.into_owned(),
            _ => {}
        }
    }
    let token_ok = same_secret(token.as_bytes(), hook.verify_token.as_bytes());
    if mode != "subscribe" || !token_ok || challenge.is_empty() || challenge.len() > 512 {
        tracing::warn!("WhatsApp webhook verification refused");
        return Err(ApiError::Forbidden("token verifikasi WhatsApp tidak cocok".into()));
    }
    let mut response = (StatusCode::OK, challenge).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    Ok(response)
}

#[derive(Debug, Default, Deserialize)]
struct Notification {
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Debug, Default, Deserialize)]
struct Entry {
    #[serde(default)]
    changes: Vec<Change>,
}

#[derive(Debug, Default, Deserialize)]
struct Change {
    #[serde(default)]
    field: String,
    #[serde(default)]
    value: ChangeValue,
}

#[derive(Debug, Default, Deserialize)]
struct ChangeValue {
    #[serde(default)]
    metadata: Option<Metadata>,
    #[serde(default)]
    contacts: Vec<Contact>,
    // Read one by one, so one strange message does not hide the others.
    #[serde(default)]
    messages: Vec<Value>,
    #[serde(default)]
    statuses: Vec<Value>,
}

#[derive(Debug, Deserialize)]
struct Metadata {
    #[serde(default)]
    phone_number_id: String,
}

#[derive(Debug, Clone, Deserialize)]
struct Contact {
    #[serde(default)]
    wa_id: Option<String>,
    #[serde(default)]
    user_id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Message {
    id: String,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    from_user_id: Option<String>,
    #[serde(default)]
    group_id: Option<String>,
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    text: Option<Text>,
    #[serde(default)]
    interactive: Option<Interactive>,
    #[serde(default)]
    button: Option<TemplateButton>,
    #[serde(default)]
    location: Option<Location>,
}

#[derive(Debug, Deserialize)]
struct Text {
    #[serde(default)]
    body: String,
}

#[derive(Debug, Deserialize)]
struct Interactive {
    #[serde(default)]
    button_reply: Option<Choice>,
    #[serde(default)]
    list_reply: Option<Choice>,
}

#[derive(Debug, Deserialize)]
struct Choice {
    id: String,
}

#[derive(Debug, Deserialize)]
struct TemplateButton {
    #[serde(default)]
    payload: String,
}

#[derive(Debug, Deserialize)]
struct Location {
    latitude: f64,
    longitude: f64,
}

/// One message a person sent, as Talas takes it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Incoming {
    /// `wamid.…`, for dropping repeats.
    pub id: String,
    /// The person's key: their BSUID, else their phone number.
    pub sender: String,
    /// Where replies go: their phone number when given, else their BSUID.
    pub address: String,
    pub inbound: Inbound,
}

/// What a notification holds for Talas: the messages to answer, in order. Delivery
/// receipts, reactions, group messages, messages to another business number and whatever
/// Talas cannot read are left out (receipts that report a failure are logged).
pub(crate) fn incoming(body: &[u8], phone_number_id: &str) -> Vec<Incoming> {
    let Ok(notification) = serde_json::from_slice::<Notification>(body) else {
        tracing::warn!("WhatsApp notification that cannot be read ignored");
        return Vec::new();
    };
    let mut out = Vec::new();
    for change in notification.entry.into_iter().flat_map(|e| e.changes) {
        if change.field != "messages" {
            continue;
        }
        let value = change.value;
        for status in &value.statuses {
            if status.get("status").and_then(Value::as_str) == Some("failed") {
                let error = status.pointer("/errors/0/title").and_then(Value::as_str).unwrap_or_default();
                let code = status.pointer("/errors/0/code").and_then(Value::as_i64).unwrap_or_default();
                tracing::warn!(code, error, "WhatsApp reports a message not delivered");
            }
        }
        if value.metadata.as_ref().is_some_and(|m| m.phone_number_id != phone_number_id) {
            tracing::debug!("WhatsApp message to another business number ignored");
            continue;
        }
        for raw in &value.messages {
            let Ok(message) = Message::deserialize(raw) else {
                tracing::warn!("WhatsApp message that cannot be read ignored");
                continue;
            };
            if let Some(one) = read(message, &value.contacts) {
                out.push(one);
            }
        }
    }
    out
}

fn read(message: Message, contacts: &[Contact]) -> Option<Incoming> {
    if message.group_id.is_some() {
        return None;
    }
    let inbound = match message.kind.as_str() {
        "text" => Inbound::Text(message.text.map(|t| t.body).unwrap_or_default()),
        "interactive" => {
            let choice = message.interactive.and_then(|i| i.button_reply.or(i.list_reply))?;
            Inbound::Button(choice.id)
        }
        // A template's quick-reply button.
        "button" => Inbound::Button(message.button?.payload),
        "location" => {
            let at = message.location?;
            Inbound::Location { lat: at.latitude, long: at.longitude }
        }
        // Not something to answer: a reaction to a message, a system notice (a changed
        // number), a message deleted or edited.
        "reaction" | "system" | "revoke" | "edit" | "request_welcome" => return None,
        // image, audio, video, document, sticker, contacts, order, unsupported, …
        _ => Inbound::Unsupported,
    };
    let contact = contacts
        .iter()
        .find(|c| {
            (c.wa_id.is_some() && c.wa_id == message.from) || (c.user_id.is_some() && c.user_id == message.from_user_id)
        })
        .or_else(|| if contacts.len() == 1 { contacts.first() } else { None });
    let user_id = contact.and_then(|c| c.user_id.clone()).or(message.from_user_id).filter(|u| !u.is_empty());
    let phone = contact.and_then(|c| c.wa_id.clone()).or(message.from).filter(|p| !p.is_empty());
    let sender = user_id.clone().or_else(|| phone.clone())?;
    let address = phone.or(user_id)?;
    Some(Incoming { id: message.id, sender, address, inbound })
}

/// `POST /hooks/whatsapp`: a notification from the Cloud API.
#[tracing::instrument(skip_all)]
pub async fn webhook(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    let Some(hook) = &state.settings.whatsapp else {
        return Err(ApiError::not_found("kanal", "whatsapp"));
    };
    let signature = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !signature_valid(hook.app_secret.as_bytes(), signature, &body) {
        tracing::warn!("WhatsApp notification with a bad signature refused");
        return Err(ApiError::Unauthorized("tanda tangan WhatsApp tidak sah"));
    }
    for message in incoming(&body, &hook.phone_number_id) {
        if !state.store.first_delivery(KIND, &message.id, Utc::now()).await? {
            tracing::debug!("WhatsApp message seen before; dropped");
            continue;
        }
        let Incoming { id, sender, address, inbound } = message;
        let from = Sender { channel: KIND, id: &sender, address: Some(address.clone()), account: None };
        let outbound = |replies: &[Reply], lang| outbound_to(KIND, Some(&sender), &address, replies, lang);
        if let Err(e) = converse(&state, from, inbound, outbound).await {
            // Not handled after all: Meta's retry must get through.
            let _ = state.store.forget_delivery(KIND, &id).await;
            return Err(e.into());
        }
    }
    Ok(StatusCode::OK.into_response())
}

/// A button title WhatsApp takes: at most 20 characters (Talas makes its titles with this
/// too, so they reach every channel whole).
pub fn title(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= MAX_BUTTON_TITLE {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(MAX_BUTTON_TITLE - 1).collect::<String>().trim_end())
    }
}

/// The `messages` calls for Talas's replies to a person: a text message per reply, or an
/// interactive message with up to three reply buttons when it has buttons (more buttons
/// follow in further messages of three); links are written into the text. `sender` (the
/// person's key) lets the worker check the 24-hour window.
pub fn outbound(sender: Option<&str>, address: &str, replies: &[Reply]) -> Vec<(String, String)> {
    // A BSUID (`ID.1234…`, `US.ENT.…`) goes in `recipient`; a phone number in `to`.
    let mut envelope = json!({"messaging_product": "whatsapp", "recipient_type": "individual"});
    if address.contains('.') {
        envelope["recipient"] = json!(address);
    } else {
        envelope["to"] = json!(address);
    }
    let call = |mut body: Value| {
        if let (Some(body), Some(fields)) = (body.as_object_mut(), envelope.as_object()) {
            for (k, v) in fields {
                body.insert(k.clone(), v.clone());
            }
        }
        let mut payload = json!({"method": "messages", "body": body});
        if let Some(sender) = sender {
            payload["sender"] = json!(sender);
        }
        (KIND.to_string(), payload.to_string())
    };
    let mut rows = Vec::new();
    for reply in replies {
        let mut text = reply.text.clone();
        for link in &reply.links {
            text.push_str(&format!("\n{}: {}", link.title, link.url));
        }
        let mut buttons: Vec<(String, String)> = Vec::new();
        for b in &reply.buttons {
            let t = title(&b.title);
            let fits = !b.payload.is_empty() && b.payload.chars().count() <= MAX_BUTTON_ID;
            // Titles must differ within a message.
            if fits && !t.is_empty() && !buttons.iter().any(|(_, seen)| *seen == t) {
                buttons.push((b.payload.clone(), t));
            }
        }
        let text_message = |body: &str| call(json!({"type": "text", "text": {"preview_url": false, "body": body}}));
        if buttons.is_empty() {
            let pieces = split_text(&text, MAX_TEXT, MAX_TEXT, |_| 1);
            for piece in pieces.iter().filter(|p| !p.is_empty()) {
                rows.push(text_message(piece));
            }
            continue;
        }
        let mut pieces = split_text(&text, MAX_TEXT, MAX_INTERACTIVE_BODY, |_| 1);
        let body = pieces.pop().filter(|p| !p.is_empty()).unwrap_or_else(|| "…".to_string());
        for piece in pieces.iter().filter(|p| !p.is_empty()) {
            rows.push(text_message(piece));
        }
        for (i, group) in buttons.chunks(MAX_BUTTONS).enumerate() {
            let action: Vec<Value> =
                group.iter().map(|(id, t)| json!({"type": "reply", "reply": {"id": id, "title": t}})).collect();
            let text = if i == 0 { body.as_str() } else { "…" };
            rows.push(call(json!({
                "type": "interactive",
                "interactive": {"type": "button", "body": {"text": text}, "action": {"buttons": action}}
            })));
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::talas::{Button, Link};

    const TEXT: &str = include_str!("../../../../../tests/channels/fixtures/whatsapp-text.json");
    const BUTTON: &str = include_str!("../../../../../tests/channels/fixtures/whatsapp-button-reply.json");
    const STATUS: &str = include_str!("../../../../../tests/channels/fixtures/whatsapp-status.json");
    const BSUID_ONLY: &str = include_str!("../../../../../tests/channels/fixtures/whatsapp-bsuid-only.json");
    const STICKER: &str = include_str!("../../../../../tests/channels/fixtures/whatsapp-sticker.json");
    const SIGNED: &str = include_str!("../../../../../tests/channels/fixtures/whatsapp-signed.json");
    const PHONE_ID: &str = "106540352242922";

    #[test]
    fn notifications_become_messages() {
        let text = incoming(TEXT.as_bytes(), PHONE_ID);
        assert_eq!(text.len(), 1);
        assert_eq!(text[0].sender, "ID.1234567890123456789");
        assert_eq!(text[0].address, "6281234567890");
        assert!(matches!(&text[0].inbound, Inbound::Text(t) if t == "syarat bikin ktp"));
        let button = incoming(BUTTON.as_bytes(), PHONE_ID);
        assert_eq!(button[0].inbound, Inbound::Button("menu:status".into()));
        assert!(incoming(STATUS.as_bytes(), PHONE_ID).is_empty());
        let bsuid = incoming(BSUID_ONLY.as_bytes(), PHONE_ID);
        assert_eq!(
            (bsuid[0].sender.as_str(), bsuid[0].address.as_str()),
            ("ID.9876543210987654321", "ID.9876543210987654321")
        );
        assert_eq!(incoming(STICKER.as_bytes(), PHONE_ID)[0].inbound, Inbound::Unsupported);
        assert!(incoming(TEXT.as_bytes(), "another-number").is_empty());
        assert!(incoming(b"not json", PHONE_ID).is_empty());
        assert!(
            incoming(
                br#"{"entry": [{"changes": [{"field": "messages", "value": {"messages": [{"x": 1}]}}]}]}"#,
                PHONE_ID
            )
            .is_empty()
        );
    }

    #[test]
    fn signatures_over_the_raw_body() {
        let signed: Value = serde_json::from_str(SIGNED).unwrap_or_default();
        let secret = signed["app_secret"].as_str().unwrap_or_default();
        let header = signed["signature"].as_str().unwrap_or_default();
        assert!(signature_valid(secret.as_bytes(), header, TEXT.as_bytes()), "the fixture's signature holds");
        assert_eq!(sign(secret.as_bytes(), TEXT.as_bytes()), header);
        assert!(!signature_valid(b"another secret", header, TEXT.as_bytes()));
        assert!(!signature_valid(secret.as_bytes(), header, &TEXT.as_bytes()[1..]));
        assert!(!signature_valid(secret.as_bytes(), header.trim_start_matches("sha256="), TEXT.as_bytes()));
        assert!(!signature_valid(secret.as_bytes(), "sha256=zz", TEXT.as_bytes()));
    }

    #[test]
    fn the_window_is_a_day() {
        let now = Utc::now();
        assert!(window_open(Some(now - Duration::hours(23)), now));
        assert!(!window_open(Some(now - Duration::hours(25)), now));
        assert!(!window_open(None, now));
    }

    fn bodies(rows: &[(String, String)]) -> Vec<Value> {
        rows.iter()
            .map(|(kind, p)| {
                assert_eq!(kind, KIND);
                let payload: Value = serde_json::from_str(p).unwrap_or_default();
                assert_eq!(payload["method"], "messages");
                payload["body"].clone()
            })
            .collect()
    }

    #[test]
    fn replies_with_buttons_are_interactive() {
        let buttons = (1..=4)
            .map(|i| Button { title: format!("Pilihan nomor {i} yang panjang sekali"), payload: format!("opt:{i}") })
            .collect();
        let reply = Reply {
            text: "Pilih:".into(),
            buttons,
            links: vec![Link { title: "Buka".into(), url: "https://x.example/a".into() }],
        };
        let rows = outbound(Some("ID.1"), "6281234567890", &[reply]);
        let sent = bodies(&rows);
        assert_eq!(sent.len(), 2, "four buttons: three, then one");
        assert_eq!(sent[0]["to"], "6281234567890");
        assert_eq!(sent[0]["type"], "interactive");
        assert_eq!(sent[0]["interactive"]["body"]["text"], "Pilih:\nBuka: https://x.example/a");
        let first = sent[0]["interactive"]["action"]["buttons"].as_array().cloned().unwrap_or_default();
        assert_eq!(first.len(), 3);
        for b in &first {
            assert!(b["reply"]["title"].as_str().unwrap_or_default().chars().count() <= MAX_BUTTON_TITLE);
        }
        assert_eq!(first[0]["reply"]["id"], "opt:1");
        assert_eq!(sent[1]["interactive"]["action"]["buttons"][0]["reply"]["id"], "opt:4");
        let payload: Value = serde_json::from_str(&rows[0].1).unwrap_or_default();
        assert_eq!(payload["sender"], "ID.1");
    }

    #[test]
    fn plain_and_long_replies() {
        let rows = outbound(None, "US.13491208655302741918", &[Reply::text("halo"), Reply::text("")]);
        let sent = bodies(&rows);
        assert_eq!(sent.len(), 1, "an empty reply sends nothing");
        assert_eq!(sent[0]["recipient"], "US.13491208655302741918");
        assert!(sent[0].get("to").is_none());
        assert_eq!(sent[0]["text"], json!({"preview_url": false, "body": "halo"}));
        let long = Reply::text("kata ".repeat(1000))
            .with_buttons(vec![Button { title: "Batal".into(), payload: "batal".into() }]);
        let sent = bodies(&outbound(None, "62811", &[long]));
        assert_eq!(sent.len(), 2, "a text message, then the end of the text with the button");
        assert_eq!(sent[0]["type"], "text");
        assert_eq!(sent[1]["type"], "interactive");
        assert!(
            sent[1]["interactive"]["body"]["text"].as_str().unwrap_or_default().chars().count() <= MAX_INTERACTIVE_BODY
        );
    }
}
