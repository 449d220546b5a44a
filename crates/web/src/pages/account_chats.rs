//! "Hubungkan chat": a one-time code that links a chat with Talas on Telegram or WhatsApp
//! to the account (the person sends "hubungkan 123456" there), and the chats linked so
//! far, each of which can be unlinked. Only the code's SHA-256 is stored, the hash the
//! dialogue's `hubungkan` command looks up.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};
use store::assistant::{NewLinkCode, NewMessage, Post, PostRule};

use super::account::{account_page_with_code, field, form, internal, see_other};
use super::office_chat::channel_label;
use crate::auth::roles::SignedIn;
use crate::error::PageError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::talas::{Reply, outbound_into};
use crate::views::PageCtx;

/// How long a code may be used.
pub const CODE_LIFETIME: Duration = Duration::minutes(10);
/// Live codes one person may have at once: enough for a typo or two, not for a stock.
const MAX_LIVE_CODES: u32 = 5;

/// A code made for the person, shown once.
pub struct LinkCode {
    pub code: String,
    /// What to do with it, in words.
    pub how: String,
}

pub struct ChatRow {
    pub id: String,
    pub channel: String,
    pub since: String,
}

/// The person's linked chats.
pub(super) async fn rows(state: &AppState, ctx: &PageCtx, user_id: &str) -> Result<Vec<ChatRow>, PageError> {
    let t = ctx.tr();
    let chats = state.store.chats_of(user_id).await.map_err(|e| internal(ctx, e))?;
    Ok(chats
        .into_iter()
        .map(|c| ChatRow {
            channel: channel_label(t, &c.channel),
            since: c.updated_at.format("%d-%m-%Y").to_string(),
            id: c.id,
        })
        .collect())
}

/// Six random digits, every value equally likely.
fn new_code() -> Option<String> {
    // The largest multiple of a million below 2^32: values above it would favour low codes.
    const LIMIT: u32 = 4_294_000_000;
    loop {
        let mut bytes = [0u8; 4];
        getrandom::fill(&mut bytes).ok()?;
        let n = u32::from_le_bytes(bytes);
        if n < LIMIT {
            return Some(format!("{:06}", n % 1_000_000));
        }
    }
}

/// `POST /akun/chat/kode`: a new code, shown once on the account page.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let now = Utc::now();
    // A clash with another person's live code is rare (a handful live among a million):
    // another code is drawn.
    for _ in 0..5 {
        let code = new_code().ok_or_else(|| internal(&ctx, "no randomness available"))?;
        let hash = crate::api_keys::hash(&code);
        let made = state
            .store
            .new_chat_link_code(&hash, &user.id, now, now + CODE_LIFETIME, MAX_LIVE_CODES)
            .await
            .map_err(|e| internal(&ctx, e))?;
        match made {
            NewLinkCode::Added => {
                let how = t.args(
                    "account-chat-code-how",
                    &[
                        ("code", code.clone()),
                        ("name", state.settings.assistant_name.clone()),
                        ("minutes", CODE_LIFETIME.num_minutes().to_string()),
                    ],
                );
                let page =
                    account_page_with_code(&state, &ctx, &user, None, None, Some(LinkCode { code, how })).await?;
                // Shown once: never kept by a cache or the back button's copy.
                return Ok(([(CACHE_CONTROL, "no-store")], page).into_response());
            }
            NewLinkCode::TooMany => {
                let error = Some(t.with("account-chat-too-many", "n", MAX_LIVE_CODES));
                let page = account_page_with_code(&state, &ctx, &user, error, None, None).await?;
                return Ok((StatusCode::TOO_MANY_REQUESTS, page).into_response());
            }
            NewLinkCode::Taken => {}
        }
    }
    Err(internal(&ctx, "no free chat-link code after five draws"))
}

/// `POST /akun/chat/putuskan` (`id`): unlinks one of the person's chats; Talas tells the
/// chat. The store only unlinks a chat linked to this person.
pub async fn unlink(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    body: Bytes,
) -> Result<Response, PageError> {
    let fields = form(&body);
    let id = field(&fields, "id");
    let Some(chat) = state.store.chat_of(&user.id, id).await.map_err(|e| internal(&ctx, e))? else {
        return Ok(see_other("/akun", None));
    };
    let lang = Lang::parse(&chat.lang).unwrap_or_default();
    let said = Reply::text(lang.tr().get("talas-unlinked"));
    let outbound = outbound_into(&chat, std::slice::from_ref(&said), lang);
    let post = Post {
        conversation_id: chat.id,
        rule: PostRule::Unlink { user_id: user.id },
        message: NewMessage::text("talas", said.text),
        outbound,
        at: Utc::now(),
    };
    state.store.post_message(post).await.map_err(|e| internal(&ctx, e))?;
    Ok(see_other("/akun?tersimpan=chat", None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..200 {
            let code = new_code().unwrap();
            assert_eq!(code.len(), 6);
            assert!(code.bytes().all(|b| b.is_ascii_digit()));
        }
    }
}
