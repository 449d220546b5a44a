//! Talas on the portal: the plain chat page `/talas`, which works without JavaScript
//! (messages and button presses are form posts answered with a redirect), and the JSON
//! the chat panel of every page talks to (`/talas/pesan`). On the web channel a person's
//! key is a random id in an HttpOnly cookie, made with their first message; a signed-in
//! person's chat is linked to their account.

use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::http::header::{CACHE_CONTROL, SET_COOKIE};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use store::assistant::{ChatMessage, Conversation};
use store::{StoreError, User};

use super::account::{field, form, internal, see_other};
use crate::api::assistant::inbound_of;
use crate::api::requests::json_body;
use crate::auth::CurrentUser;
use crate::auth::limit::ClientAddress;
use crate::error::{ApiError, PageError, ParamProblem, render};
use crate::i18n::{Lang, Tr};
use crate::query::pairs;
use crate::state::AppState;
use crate::talas::{Button, Link, Reply, Sender, address_link_wait, converse, main_menu};
use crate::views::{Layout, Nav, PageCtx};

/// The cookie that keeps the web sender key.
pub const COOKIE: &str = "talas";
/// The web channel's name in conversations.
const CHANNEL: &str = "web";
/// The latest messages shown.
const HISTORY: u32 = 30;
/// How long the browser keeps the key: as long as a conversation is worth coming back to.
const COOKIE_DAYS: i64 = 30;

/// The `Set-Cookie` value that keeps a sender key (HttpOnly, SameSite=Lax, Secure behind TLS).
fn cookie(sender: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    let age = chrono::Duration::days(COOKIE_DAYS).num_seconds();
    format!("{COOKIE}={sender}; Path=/; HttpOnly; SameSite=Lax; Max-Age={age}{secure}")
}

/// The key the browser sent, if it has the shape of one we make (43 base64url characters).
fn sent_key(headers: &HeaderMap) -> Option<&str> {
    crate::cookies::get(headers, COOKIE)
        .filter(|k| k.len() == 43 && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

/// The visitor's key and conversation (if they have written). `None` without a usable
/// key, and when the conversation is linked to an account other than the one signed in
/// now (a shared computer after its owner signed out): their messages stay theirs, and
/// a new message starts a new conversation under a new key.
async fn visitor(
    state: &AppState,
    headers: &HeaderMap,
    user: Option<&User>,
) -> Result<Option<(String, Option<Conversation>)>, StoreError> {
    let Some(key) = sent_key(headers) else { return Ok(None) };
    let found = state.store.conversation(CHANNEL, key).await?;
    let theirs = found.as_ref().and_then(|c| c.user_id.as_deref());
    if theirs.is_some() && theirs != user.map(|u| u.id.as_str()) {
        return Ok(None);
    }
    Ok(Some((key.to_string(), found)))
}

/// One message as the person sees it.
#[derive(Debug, Serialize)]
pub struct Line {
    pub id: String,
    /// `person`, `talas` or `petugas`.
    pub who: &'static str,
    /// Who wrote it, in words.
    pub author: String,
    pub text: String,
    /// The buttons of Talas's latest answer (those of older ones are spent).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub buttons: Vec<Button>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
}

/// The conversation as lines; an empty one starts with Talas's greeting and menu.
fn lines(state: &AppState, t: Tr, messages: Vec<ChatMessage>, handover: bool) -> Vec<Line> {
    let name = state.settings.assistant_name.clone();
    if messages.is_empty() {
        let greeting = t.args("talas-greeting", &[("name", name.clone()), ("city", state.settings.city_name.clone())]);
        let buttons = main_menu(t);
        return vec![Line {
            id: "salam".into(),
            who: "talas",
            author: name,
            text: greeting,
            buttons,
            links: Vec::new(),
        }];
    }
    let last_person = messages.iter().rposition(|m| m.author == "person");
    let said = readable(&messages);
    messages
        .into_iter()
        .zip(said)
        .enumerate()
        .map(|(i, (m, reply))| {
            let (who, author) = match m.author.as_str() {
                "person" => ("person", t.get("talas-you")),
                "talas" => ("talas", name.clone()),
                _ => ("petugas", t.get("talas-officer")),
            };
            let live = !handover && who == "talas" && last_person.is_none_or(|p| i > p);
            Line {
                id: m.id,
                who,
                author,
                text: reply.text,
                buttons: if live { reply.buttons } else { Vec::new() },
                links: reply.links,
            }
        })
        .collect()
}

/// The messages as the person saw them: a button press (recorded as `[payload]`) reads as
/// the button's title, found on the message of Talas that offered it.
fn readable(messages: &[ChatMessage]) -> Vec<Reply> {
    let mut out: Vec<Reply> = Vec::with_capacity(messages.len());
    for m in messages {
        let mut reply = Reply::recorded(&m.body, m.extras.as_deref());
        let pressed = m.body.strip_prefix('[').and_then(|b| b.strip_suffix(']')).filter(|_| m.author == "person");
        if let Some(payload) = pressed
            && let Some(button) = out.iter().rev().flat_map(|r| r.buttons.iter()).find(|b| b.payload == payload)
        {
            reply.text = button.title.clone();
        }
        out.push(reply);
    }
    out
}

/// The visitor's conversation as lines, and whether an officer has it.
async fn conversation(
    state: &AppState,
    t: Tr,
    headers: &HeaderMap,
    user: Option<&User>,
) -> Result<(Vec<Line>, bool), StoreError> {
    let (messages, handover) = match visitor(state, headers, user).await? {
        Some((key, Some(found))) => {
            (state.store.conversation_messages(CHANNEL, &key, None, HISTORY).await?, found.handover)
        }
        _ => (Vec::new(), false),
    };
    Ok((lines(state, t, messages, handover), handover))
}

/// Hands a message to Talas under the visitor's key (a new one, and its cookie, if
/// they have none yet); a signed-in person's chat is linked to their account.
async fn converse_as(
    state: &AppState,
    headers: &HeaderMap,
    user: Option<User>,
    message: &str,
) -> Result<(Vec<Reply>, Option<String>), StoreError> {
    let (key, new_cookie) = match visitor(state, headers, user.as_ref()).await? {
        Some((key, _)) => (key, None),
        None => {
            let key = crate::auth::session::new_token()
                .ok_or_else(|| StoreError::Io(std::io::Error::other("no randomness available")))?;
            let set = cookie(&key, state.settings.secure_cookies);
            (key, Some(set))
        }
    };
    let from = Sender { channel: CHANNEL, id: &key, address: None, account: user.map(|u| u.id) };
    let replies = converse(state, from, inbound_of(message), |_, _| Vec::new()).await?;
    Ok((replies, new_cookie))
}

#[derive(Template)]
#[template(path = "talas.html")]
struct ChatPage {
    l: Layout,
    name: String,
    lines: Vec<Line>,
    handover: bool,
    /// Too many link codes from this address: how long to wait, in words.
    wait: Option<String>,
}

/// `GET /talas`: the conversation and a form.
pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let (lines, handover) = conversation(&state, t, &headers, user.as_ref()).await.map_err(|e| internal(&ctx, e))?;
    let params = pairs(raw.as_deref());
    let wait = field(&params, "tunggu").parse::<u64>().ok().map(|m| t.with("talas-link-too-many", "minutes", m));
    let name = state.settings.assistant_name.clone();
    let page = ChatPage {
        l: ctx.layout(&state, &t.with("talas-title", "name", &name), Nav::Talas),
        name,
        lines,
        handover,
        wait,
    };
    // The conversation is personal: never kept by a shared cache.
    Ok(([(CACHE_CONTROL, "private, no-store")], render(ctx.lang, &page)?).into_response())
}

/// `POST /talas`: a message, or a button's payload (`message`); back to the page.
pub async fn send(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(user): CurrentUser,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    let fields = form(&body);
    let message = field(&fields, "message").trim();
    if message.is_empty() {
        return Ok(see_other("/talas#pesan", None));
    }
    if let Some(minutes) = address_link_wait(&state, &address, message) {
        return Ok(see_other(&format!("/talas?tunggu={minutes}#pesan"), None));
    }
    let (_, new_cookie) = converse_as(&state, &headers, user, message).await.map_err(|e| internal(&ctx, e))?;
    Ok(see_other("/talas#pesan", new_cookie))
}

/// The chat panel's view of the conversation.
#[derive(Debug, Serialize)]
pub struct PanelState {
    /// An officer has the conversation: their replies come in while the panel polls.
    pub handover: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    pub messages: Vec<Line>,
}

/// `GET /talas/pesan`: the conversation for the chat panel.
pub async fn panel(
    State(state): State<AppState>,
    lang: Lang,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let t = lang.tr();
    let (messages, handover) = conversation(&state, t, &headers, user.as_ref()).await?;
    let notice = handover.then(|| t.get("talas-handover-waiting"));
    Ok(([(CACHE_CONTROL, "private, no-store")], Json(PanelState { handover, notice, messages })).into_response())
}

/// What the chat panel posts.
#[derive(Debug, Deserialize)]
pub struct PanelMessage {
    /// What the person wrote, or a button's payload.
    pub message: String,
}

/// `POST /talas/pesan` (JSON `{"message": …}`): Talas's replies, as the REST channel
/// gives them. Only the portal's own pages post here: the cross-site guard refuses
/// other sites, and a JSON body cannot be sent cross-site without a CORS pre-flight,
/// which is never granted.
pub async fn panel_send(
    State(state): State<AppState>,
    lang: Lang,
    CurrentUser(user): CurrentUser,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: PanelMessage = json_body(&headers, &body)?;
    let message = body.message.trim();
    if message.is_empty() {
        return Err(ApiError::InvalidBody(vec![ParamProblem {
            parameter: "message".into(),
            reason: lang.tr().get("talas-empty"),
        }]));
    }
    if let Some(minutes) = address_link_wait(&state, &address, message) {
        return Ok(Json(vec![Reply::text(lang.tr().with("talas-link-too-many", "minutes", minutes))]).into_response());
    }
    let (replies, new_cookie) = converse_as(&state, &headers, user, message).await?;
    let mut response = ([(CACHE_CONTROL, "no-store")], Json(replies)).into_response();
    if let Some(set) = new_cookie
        && let Ok(value) = set.parse()
    {
        response.headers_mut().insert(SET_COOKIE, value);
    }
    Ok(response)
}
