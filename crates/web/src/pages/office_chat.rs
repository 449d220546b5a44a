//! `/petugas/percakapan`: conversations Talas handed over to officers. An operator sees
//! those of their agencies; an admin sees every one, the city's help desk's too. The store
//! reads take the agencies, so another agency's conversation is a 404 from the query.
//! An officer's reply is stored under their user id and, on Telegram and WhatsApp, goes
//! to the outbox in the same transaction; on the web and REST the person reads it on their
//! page or poll. "Kembalikan ke Talas" ends the handover with Talas's word to the person,
//! delivered the same way.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::{Duration, Utc};
use domain::identity::Role;
use store::assistant::{Conversation, NewMessage, Post, PostRule};

use super::account::{field, form, internal, see_other};
use super::office::{local_time, names};
use super::office_request::Detail;
use crate::auth::roles::Operator;
use crate::error::{PageError, render};
use crate::i18n::{Lang, Tr};
use crate::state::AppState;
use crate::talas::{Reply, main_menu, outbound_into};
use crate::views::{Layout, Nav, PageCtx};

/// The longest reply accepted, in characters (well under Telegram's and WhatsApp's 4,096).
const MAX_REPLY_CHARS: usize = 2_000;
/// The transcript shows this many latest messages.
const TRANSCRIPT: u32 = 100;
/// WhatsApp takes free-form replies only this long after the person's last message.
const WHATSAPP_WINDOW: Duration = Duration::hours(24);

/// The agencies whose conversations this officer answers: `None` (all, and the help
/// desk) for an admin.
fn scope(op: &Operator) -> Option<&[String]> {
    (op.user.role != Role::Admin).then_some(op.agencies.as_slice())
}

/// A channel's name in words (`talas-channel-*`).
pub(super) fn channel_label(t: Tr, channel: &str) -> String {
    let key = format!("talas-channel-{channel}");
    if t.has(&key) { t.get(&key) } else { channel.to_string() }
}

fn agency_label(t: Tr, conversation: &Conversation) -> String {
    conversation.handover_agency.clone().unwrap_or_else(|| t.get("office-chat-desk"))
}

/// A message's author as officers read it.
fn author(t: Tr, state: &AppState, author: &str, people: &std::collections::HashMap<String, String>) -> String {
    match author {
        "person" => t.get("office-chat-person"),
        "talas" => state.settings.assistant_name.clone(),
        id => match people.get(id).filter(|n| !n.is_empty()) {
            Some(name) => t.with("office-chat-officer-named", "name", name),
            None => t.get("talas-officer"),
        },
    }
}

/// A message cut to a line for the list.
fn excerpt(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= 80 { line } else { format!("{}…", line.chars().take(79).collect::<String>()) }
}

pub struct ChatRow {
    pub id: String,
    pub channel: String,
    pub agency: String,
    pub since: String,
    pub last: String,
    pub last_author: String,
}

#[derive(Template)]
#[template(path = "office_chats.html")]
struct ListPage {
    l: Layout,
    rows: Vec<ChatRow>,
    notice: Option<String>,
}

/// `/petugas/percakapan`: the conversations waiting for or with an officer, oldest first.
pub async fn list(State(state): State<AppState>, ctx: PageCtx, op: Operator) -> Result<Html<String>, PageError> {
    let t = ctx.tr();
    let queue = state.store.handover_queue(scope(&op)).await.map_err(|e| internal(&ctx, e))?;
    let ids: Vec<String> = queue.iter().map(|c| c.id.clone()).collect();
    let mut last = state.store.last_messages(&ids).await.map_err(|e| internal(&ctx, e))?;
    let officers = last.values().map(|m| m.author.clone()).filter(|a| a != "person" && a != "talas").collect();
    let people = names(&state, &ctx, officers).await?;
    let rows = queue
        .iter()
        .map(|c| {
            let message = last.remove(&c.id);
            ChatRow {
                id: c.id.clone(),
                channel: channel_label(t, &c.channel),
                agency: agency_label(t, c),
                since: c.handover_at.map(local_time).unwrap_or_default(),
                last: message.as_ref().map(|m| excerpt(&m.body)).unwrap_or_default(),
                last_author: message.as_ref().map(|m| author(t, &state, &m.author, &people)).unwrap_or_default(),
            }
        })
        .collect();
    let notice = ctx.path.ends_with("?selesai=1").then(|| t.get("office-chat-handed-back"));
    let page = ListPage { l: ctx.layout(&state, &t.get("office-chats-title"), Nav::None), rows, notice };
    render(ctx.lang, &page)
}

pub struct TranscriptLine {
    pub at: String,
    /// `person`, `talas` or `petugas` (a style).
    pub who: &'static str,
    pub author: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "office_chat.html")]
struct ChatPage {
    l: Layout,
    id: String,
    details: Vec<Detail>,
    lines: Vec<TranscriptLine>,
    /// WhatsApp will not take a free-form reply any more (24 hours since the person wrote).
    window_closed: bool,
    error: Option<String>,
    notice: Option<String>,
    /// The reply typed before a refusal, kept.
    reply: String,
}

/// The conversation if it is handed over to one of the officer's agencies (or the
/// officer is an admin); a 404 otherwise.
async fn load(state: &AppState, ctx: &PageCtx, op: &Operator, id: &str) -> Result<Conversation, PageError> {
    let found = state.store.handed_over(id, scope(op)).await.map_err(|e| internal(ctx, e))?;
    found.ok_or_else(|| PageError::not_found(ctx.lang))
}

async fn page(
    state: &AppState,
    ctx: &PageCtx,
    op: &Operator,
    id: &str,
    error: Option<String>,
    reply: String,
) -> Result<Html<String>, PageError> {
    let t = ctx.tr();
    let conversation = load(state, ctx, op, id).await?;
    let messages = state
        .store
        .conversation_messages(&conversation.channel, &conversation.sender, None, TRANSCRIPT)
        .await
        .map_err(|e| internal(ctx, e))?;
    let officers = messages.iter().map(|m| m.author.clone()).filter(|a| a != "person" && a != "talas").collect();
    let people = names(state, ctx, officers).await?;
    let account = match &conversation.user_id {
        Some(user_id) => state.store.user(user_id).await.map_err(|e| internal(ctx, e))?.map(|u| u.name),
        None => None,
    };
    let detail = |key: &str, value: String| Detail { label: t.get(key), value };
    let details = vec![
        detail("office-chat-channel", channel_label(t, &conversation.channel)),
        detail("office-agency", agency_label(t, &conversation)),
        detail("office-chat-since", conversation.handover_at.map(local_time).unwrap_or_default()),
        detail("office-chat-account", account.unwrap_or_else(|| t.get("office-chat-account-none"))),
    ];
    let lines = messages
        .iter()
        .map(|m| TranscriptLine {
            at: local_time(m.at),
            who: match m.author.as_str() {
                "person" => "person",
                "talas" => "talas",
                _ => "petugas",
            },
            author: author(t, state, &m.author, &people),
            text: m.body.clone(),
        })
        .collect();
    let window_closed = conversation.channel == "whatsapp"
        && conversation.last_inbound_at.is_none_or(|at| Utc::now() - at > WHATSAPP_WINDOW);
    let notice = ctx.path.ends_with("?tersimpan=1").then(|| t.get("office-chat-sent"));
    let page = ChatPage {
        l: ctx.layout(state, &t.get("office-chat-title"), Nav::None),
        id: conversation.id,
        details,
        lines,
        window_closed,
        error,
        notice,
        reply,
    };
    render(ctx.lang, &page)
}

/// `/petugas/percakapan/{id}`: the transcript, a reply form and the hand-back.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    op: Operator,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    page(&state, &ctx, &op, &id, None, String::new()).await
}

/// Stores `message` in the conversation with what delivers it on the person's channel,
/// under `rule`; false if the conversation went back to Talas meanwhile.
async fn post(
    state: &AppState,
    conversation: &Conversation,
    rule: PostRule,
    message: NewMessage,
    delivered: Reply,
) -> Result<bool, store::StoreError> {
    let lang = Lang::parse(&conversation.lang).unwrap_or_default();
    let outbound = outbound_into(conversation, &[delivered], lang);
    let post = Post { conversation_id: conversation.id.clone(), rule, message, outbound, at: Utc::now() };
    state.store.post_message(post).await
}

/// `POST /petugas/percakapan/{id}/balas`: an officer's reply (`pesan`).
pub async fn reply(
    State(state): State<AppState>,
    ctx: PageCtx,
    op: Operator,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let conversation = load(&state, &ctx, &op, &id).await?;
    let fields = form(&body);
    let typed = field(&fields, "pesan");
    let text = typed.trim();
    let problem = if text.is_empty() {
        Some(t.get("office-chat-reply-empty"))
    } else if text.chars().count() > MAX_REPLY_CHARS {
        Some(t.with("office-chat-reply-too-long", "max", MAX_REPLY_CHARS))
    } else {
        None
    };
    if let Some(problem) = problem {
        let html = page(&state, &ctx, &op, &id, Some(problem), typed.to_string()).await?;
        return Ok((StatusCode::BAD_REQUEST, html).into_response());
    }
    // The person is told it is an officer writing, in the conversation's language.
    let their = Lang::parse(&conversation.lang).unwrap_or_default().tr();
    let delivered = Reply::text(their.with("talas-from-officer", "text", text));
    let message = NewMessage::text(op.user.id.clone(), text);
    let posted = post(&state, &conversation, PostRule::WhileHandedOver, message, delivered)
        .await
        .map_err(|e| internal(&ctx, e))?;
    if !posted {
        return Ok(see_other("/petugas/percakapan?selesai=1", None));
    }
    Ok(see_other(&format!("/petugas/percakapan/{}?tersimpan=1", conversation.id), None))
}

/// `POST /petugas/percakapan/{id}/kembalikan`: back to Talas, who says so (with its menu).
pub async fn hand_back(
    State(state): State<AppState>,
    ctx: PageCtx,
    op: Operator,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let conversation = load(&state, &ctx, &op, &id).await?;
    let their = Lang::parse(&conversation.lang).unwrap_or_default().tr();
    let said = Reply::text(their.with("talas-handback", "name", &state.settings.assistant_name))
        .with_buttons(main_menu(their));
    post(&state, &conversation, PostRule::HandBack, said.as_message(), said.clone())
        .await
        .map_err(|e| internal(&ctx, e))?;
    Ok(see_other("/petugas/percakapan?selesai=1", None))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Channel names are looked up by name: every channel has them in both languages.
    #[test]
    fn channel_labels_exist_in_both_languages() {
        for lang in [Lang::Id, Lang::En] {
            let ids = crate::i18n::catalog_ids(lang);
            for channel in ["web", "rest", "telegram", "whatsapp"] {
                assert!(ids.contains(&format!("talas-channel-{channel}")), "{lang:?} misses {channel}");
            }
        }
    }

    #[test]
    fn excerpts_are_one_short_line() {
        assert_eq!(excerpt("Halo\n  petugas"), "Halo petugas");
        let long = "a".repeat(100);
        assert_eq!(excerpt(&long).chars().count(), 80);
    }
}
