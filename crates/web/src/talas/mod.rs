//! Talas, the assistant: the single window in a conversation. Every channel (the portal's
//! chat panel and plain page, the REST API, Telegram, WhatsApp) hands a message to
//! [`converse`], which loads the person's conversation, understands the message, answers
//! from the catalog (or walks through a form, or looks up a status, or passes the
//! conversation to an officer) and stores the turn — with the replies a channel must send,
//! through the outbox, in the same transaction.

mod answers;
pub mod channels;
mod dialogue;
mod fill;

pub use answers::main_menu;
pub(crate) use dialogue::address_link_wait;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use store::StoreError;
use store::assistant::{Handover, NewMessage, Turn};

use crate::i18n::Lang;
use crate::state::AppState;

/// A conversation left alone this long starts afresh (a half-filled form is dropped).
pub const IDLE_RESET: Duration = Duration::minutes(30);
/// The longest message read; the rest is ignored (and the person told).
pub const MAX_MESSAGE_CHARS: usize = 1_000;

/// What a person sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Inbound {
    Text(String),
    /// A button pressed: its payload.
    Button(String),
    /// A shared location (Telegram, WhatsApp).
    Location {
        lat: f64,
        long: f64,
    },
    /// A sticker, photo, voice note, …: answered politely.
    Unsupported,
}

impl Inbound {
    /// The message as recorded in the conversation.
    fn as_record(&self) -> String {
        match self {
            Self::Text(t) => t.chars().take(MAX_MESSAGE_CHARS).collect(),
            Self::Button(p) => format!("[{p}]"),
            Self::Location { lat, long } => format!("[lokasi {lat},{long}]"),
            Self::Unsupported => "[media]".into(),
        }
    }
}

/// One message of Talas: text, buttons (a title and the payload sent back when pressed) and
/// links. The REST channel returns these as they are, the shape Rasa's REST channel uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    #[serde(default)]
    pub text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buttons: Vec<Button>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Button {
    pub title: String,
    pub payload: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub title: String,
    pub url: String,
}

impl Reply {
    pub fn text(text: impl Into<String>) -> Self {
        Self { text: text.into(), buttons: Vec::new(), links: Vec::new() }
    }

    pub fn with_buttons(mut self, buttons: Vec<Button>) -> Self {
        self.buttons = buttons;
        self
    }

    pub fn with_link(mut self, title: impl Into<String>, url: impl Into<String>) -> Self {
        self.links.push(Link { title: title.into(), url: url.into() });
        self
    }

    /// The message as recorded: its text, and its buttons and links as JSON (for the web
    /// chat, which shows them again after a redirect).
    pub fn as_message(&self) -> NewMessage {
        let extras = (!self.buttons.is_empty() || !self.links.is_empty())
            .then(|| serde_json::json!({"buttons": self.buttons, "links": self.links}).to_string());
        NewMessage { author: "talas".into(), body: self.text.clone(), extras }
    }

    /// A recorded message again, with the buttons and links its `extras` kept.
    pub fn recorded(body: &str, extras: Option<&str>) -> Self {
        let mut reply = extras.and_then(|e| serde_json::from_str::<Self>(e).ok()).unwrap_or_else(|| Self::text(""));
        reply.text = body.to_string();
        reply
    }
}

/// The dialogue's memory, kept in the database per channel user.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DialogueState {
    #[serde(default)]
    pub stage: Stage,
    /// The service last talked about ("berapa biayanya?" follows "syarat ktp").
    #[serde(default)]
    pub service: Option<String>,
    /// What Talas asked for, so a bare answer ("ktp") is read in its light.
    #[serde(default)]
    pub expect: Option<String>,
    /// Messages in a row Talas did not understand.
    #[serde(default)]
    pub misses: u8,
    /// A complaint's own words, kept while the person picks where it goes.
    #[serde(default)]
    pub draft: Option<String>,
}

/// Where the conversation is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "at", rename_all = "snake_case")]
pub enum Stage {
    #[default]
    Idle,
    /// Several services could be meant; the person picks one (then `intent` is answered).
    Choosing { intent: String, codes: Vec<String> },
    /// Walking through a form: `step` indexes [`fill::steps`].
    Filling {
        service: String,
        step: usize,
        answers: BTreeMap<String, Vec<String>>,
        guest: Guest,
        /// Fields answered from the first message, never asked ("kembali" passes them).
        #[serde(default)]
        prefilled: Vec<String>,
    },
    /// The summary is shown; waiting for "kirim" or "batal".
    Confirming { service: String, answers: BTreeMap<String, Vec<String>>, guest: Guest },
}

/// A guest's name and contact, asked before a complaint's form when the chat is not linked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guest {
    pub name: Option<String>,
    pub contact: Option<String>,
}

/// Everything one turn needs.
pub struct Ctx<'a> {
    pub state: &'a AppState,
    pub channel: &'a str,
    pub sender: &'a str,
    /// The account the chat is linked to.
    pub user_id: Option<String>,
    pub lang: Lang,
    pub now: DateTime<Utc>,
    /// Set by the dialogue: start or end a handover, link or unlink the chat.
    pub handover: Handover,
    pub link: Option<String>,
}

impl Ctx<'_> {
    pub fn t(&self) -> crate::i18n::Tr {
        self.lang.tr()
    }

    pub fn name(&self) -> &str {
        &self.state.settings.assistant_name
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.state.settings.public_url.trim_end_matches('/'))
    }
}

/// The language to answer in: English when the person writes English, Indonesian when
/// they write Indonesian, else as before.
fn language(inbound: &Inbound, before: Option<&str>) -> Lang {
    let before = before.and_then(Lang::parse).unwrap_or_default();
    match inbound {
        Inbound::Text(t) if assistant::language::is_english(t) => Lang::En,
        Inbound::Text(t) if !search::normalize(t).is_empty() && !t.trim().starts_with('/') => {
            // A code or a number alone says nothing about the language.
            if t.chars().any(char::is_alphabetic) && assistant::extract(t, Utc::now().date_naive()).code.is_none() {
                Lang::Id
            } else {
                before
            }
        }
        _ => before,
    }
}

/// Who writes, on which channel.
pub struct Sender<'a> {
    /// `web`, `rest`, `telegram`, `whatsapp`.
    pub channel: &'a str,
    /// The person's key on the channel.
    pub id: &'a str,
    /// Where replies go on the channel (a chat id, a phone or user id).
    pub address: Option<String>,
    /// The satupintu account the channel itself vouches for (a signed-in portal session,
    /// an OIDC access token): the chat is linked to it.
    pub account: Option<String>,
}

/// Handles one message of one channel user and returns Talas's replies (none while an
/// officer has the conversation). `outbound` turns the replies into the channel's outbox
/// rows (`(kind, payload)`), written with the turn.
pub async fn converse(
    state: &AppState,
    from: Sender<'_>,
    inbound: Inbound,
    outbound: impl Fn(&[Reply], Lang) -> Vec<(String, String)>,
) -> Result<Vec<Reply>, StoreError> {
    let Sender { channel, id: sender, address, account } = from;
    let now = Utc::now();
    let stored = state.store.conversation(channel, sender).await?;
    let mut dialogue: DialogueState = stored
        .as_ref()
        .filter(|c| now - c.updated_at < IDLE_RESET)
        .and_then(|c| serde_json::from_str(&c.state).ok())
        .unwrap_or_default();
    let lang = language(&inbound, stored.as_ref().map(|c| c.lang.as_str()));
    let record = inbound.as_record();
    let mut ctx = Ctx {
        state,
        channel,
        sender,
        user_id: account.clone().or_else(|| stored.as_ref().and_then(|c| c.user_id.clone())),
        lang,
        now,
        handover: Handover::Keep,
        link: account.filter(|a| stored.as_ref().and_then(|c| c.user_id.as_ref()) != Some(a)),
    };
    let replies = if stored.as_ref().is_some_and(|c| c.handover) {
        // An officer has the conversation: the message waits for them in the back-office.
        Vec::new()
    } else {
        dialogue::respond(&mut ctx, &mut dialogue, inbound).await?
    };
    let mut messages = vec![NewMessage::text("person", record)];
    messages.extend(replies.iter().map(Reply::as_message));
    let turn = Turn {
        channel: channel.to_string(),
        sender: sender.to_string(),
        state: serde_json::to_string(&dialogue).unwrap_or_default(),
        lang: lang.code().to_string(),
        address,
        inbound_at: Some(now),
        messages,
        outbound: outbound(&replies, lang),
        handover: ctx.handover,
        link: ctx.link,
    };
    state.store.save_turn(turn).await?;
    Ok(replies)
}

/// The outbox rows (`(kind, payload JSON)`) that deliver `replies` to a person on a channel
/// that needs sending (Telegram, WhatsApp); web and REST read their replies directly.
pub fn outbound_for(channel: &str, address: Option<&str>, replies: &[Reply], lang: Lang) -> Vec<(String, String)> {
    match address {
        Some(address) => outbound_to(channel, None, address, replies, lang),
        None => Vec::new(),
    }
}

/// The outbox rows that deliver `replies` into a stored conversation (officers' replies,
/// notices from the account page): with the person's key, so no look-up by address.
pub fn outbound_into(
    conversation: &store::assistant::Conversation,
    replies: &[Reply],
    lang: Lang,
) -> Vec<(String, String)> {
    match conversation.address.as_deref() {
        Some(address) => outbound_to(&conversation.channel, Some(&conversation.sender), address, replies, lang),
        None => Vec::new(),
    }
}

/// [`outbound_for`] knowing the person's key on the channel (`sender`), which lets the
/// WhatsApp sender check the 24-hour window without looking the address up.
pub fn outbound_to(
    channel: &str,
    sender: Option<&str>,
    address: &str,
    replies: &[Reply],
    _lang: Lang,
) -> Vec<(String, String)> {
    match channel {
        channels::telegram::KIND => channels::telegram::outbound(address, replies),
        channels::whatsapp::KIND => channels::whatsapp::outbound(sender, address, replies),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_follows_the_person() {
        assert_eq!(language(&Inbound::Text("how long does it take".into()), Some("id")), Lang::En);
        assert_eq!(language(&Inbound::Text("berapa lama".into()), Some("en")), Lang::Id);
        assert_eq!(language(&Inbound::Text("BGR-7KQ4-M2X".into()), Some("en")), Lang::En);
        assert_eq!(language(&Inbound::Text("2".into()), Some("en")), Lang::En);
        assert_eq!(language(&Inbound::Button("kirim".into()), None), Lang::Id);
    }

    #[test]
    fn the_state_round_trips_and_tolerates_old_shapes() {
        let mut answers = BTreeMap::new();
        answers.insert("uraian".to_string(), vec!["Lampu mati".to_string()]);
        let state = DialogueState {
            stage: Stage::Filling {
                service: "SAMPURASUN".into(),
                step: 2,
                answers,
                guest: Guest::default(),
                prefilled: Vec::new(),
            },
            service: Some("SAMPURASUN".into()),
            expect: None,
            misses: 1,
            draft: None,
        };
        let json = serde_json::to_string(&state).unwrap_or_default();
        assert_eq!(serde_json::from_str::<DialogueState>(&json).ok(), Some(state));
        assert_eq!(serde_json::from_str::<DialogueState>("{}").ok(), Some(DialogueState::default()));
    }
}
