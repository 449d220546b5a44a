//! Talas over HTTP for the mobile apps and tests: the shape of Rasa's REST channel.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::requests::json_body;
use crate::auth::caller::ApiCaller;
use crate::auth::limit::ClientAddress;
use crate::error::{ApiError, ParamProblem};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::talas::{Inbound, Reply, Sender, address_link_wait, converse};

/// A message to Talas.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MessageBody {
    /// The person's conversation key: an unguessable id the app keeps (8–128 characters).
    pub sender: String,
    /// What they wrote, or the `payload` of a button they pressed.
    pub message: String,
}

/// One message of Talas.
#[derive(Debug, Serialize, ToSchema)]
pub struct BotMessage {
    pub recipient_id: String,
    pub text: String,
    /// Buttons: `payload` is sent back as the next `message` when one is pressed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub buttons: Vec<BotButton>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<BotLink>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BotButton {
    pub title: String,
    pub payload: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BotLink {
    pub title: String,
    pub url: String,
}

/// Button payloads Talas makes; a message that is one is a button press.
const PAYLOAD_PREFIXES: &[&str] = &["menu:", "svc:", "info:", "apply:", "opt:"];

pub(crate) fn inbound_of(message: &str) -> Inbound {
    let trimmed = message.trim();
    if PAYLOAD_PREFIXES.iter().any(|p| trimmed.starts_with(p)) || matches!(trimmed, "kirim" | "lewati") {
        Inbound::Button(trimmed.to_string())
    } else {
        Inbound::Text(message.to_string())
    }
}

fn check_sender(sender: &str) -> Result<(), ApiError> {
    let ok = (8..=128).contains(&sender.chars().count()) && sender.chars().all(|c| c.is_ascii_graphic());
    if ok {
        Ok(())
    } else {
        Err(ApiError::InvalidBody(vec![ParamProblem {
            parameter: "sender".into(),
            reason: "8–128 karakter ASCII tanpa spasi, acak dan disimpan oleh aplikasi".into(),
        }]))
    }
}

fn messages(sender: &str, replies: Vec<Reply>) -> Vec<BotMessage> {
    replies
        .into_iter()
        .map(|r| BotMessage {
            recipient_id: sender.to_string(),
            text: r.text,
            buttons: r.buttons.into_iter().map(|b| BotButton { title: b.title, payload: b.payload }).collect(),
            links: r.links.into_iter().map(|l| BotLink { title: l.title, url: l.url }).collect(),
        })
        .collect()
}

/// Send Talas a message.
#[utoipa::path(
    post,
    path = "/api/v1/assistant/messages",
    operation_id = "sendAssistantMessage",
    tag = "talas",
    request_body = MessageBody,
    responses(
        (status = 200, description = "Talas's answer: its messages, in order (none while an officer has the conversation)", body = Vec<BotMessage>),
        (status = 400, description = "The body is not readable JSON of this shape", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A sender key that cannot be used", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
pub async fn send(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ClientAddress(address): ClientAddress,
    lang: Lang,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Vec<BotMessage>>, ApiError> {
    let body: MessageBody = json_body(&headers, &body)?;
    check_sender(&body.sender)?;
    if let Some(minutes) = address_link_wait(&state, &address, &body.message) {
        let wait = Reply::text(lang.tr().with("talas-link-too-many", "minutes", minutes));
        return Ok(Json(messages(&body.sender, vec![wait])));
    }
    let from = Sender { channel: "rest", id: &body.sender, address: None, account: caller.map(|u| u.id) };
    let replies = converse(&state, from, inbound_of(&body.message), |_, _| Vec::new()).await?;
    Ok(Json(messages(&body.sender, replies)))
}

/// One message of a conversation.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryItem {
    pub id: String,
    /// RFC 3339.
    pub at: String,
    /// `person`, `talas`, or `petugas` (an officer).
    pub author: String,
    pub text: String,
}

/// A conversation's latest messages (officers' replies arrive here for the app to show).
#[utoipa::path(
    get,
    path = "/api/v1/assistant/messages",
    operation_id = "listAssistantMessages",
    tag = "talas",
    params(("sender" = String, Query, description = "The sender key the app uses")),
    responses(
        (status = 200, description = "Up to 50 latest messages, oldest first", body = Vec<HistoryItem>),
        (status = 422, description = "A sender key that cannot be used", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
pub async fn history(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<HistoryItem>>, ApiError> {
    let sender = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "sender")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    check_sender(&sender)?;
    let items = state.store.conversation_messages("rest", &sender, None, 50).await?;
    Ok(Json(
        items
            .into_iter()
            .map(|m| HistoryItem {
                id: m.id,
                at: m.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                author: match m.author.as_str() {
                    "person" | "talas" => m.author,
                    _ => "petugas".into(),
                },
                text: m.body,
            })
            .collect(),
    ))
}
