//! E-mail links: confirming an address, and resetting a forgotten password.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use domain::identity::Email;

use super::account::{field, form, internal, minutes, see_other, too_many};
use crate::auth::limit::{ClientAddress, Limit};
use crate::auth::roles::SignedIn;
use crate::auth::session;
use crate::auth::{mail, password};
use crate::error::{PageError, render};
use crate::query::pairs;
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx};

/// "Forgot password" requests per client address.
const FORGOT_PER_ADDRESS: Limit = Limit { max: 5, window: std::time::Duration::from_secs(60 * 60) };

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    l: Layout,
    heading: String,
    body: String,
    ok: bool,
}

/// `/akun/verifikasi?token=…`: confirms the address the link was sent to.
pub async fn verify(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let params = pairs(raw.as_deref());
    let token = field(&params, "token");
    let used = if token.is_empty() {
        None
    } else {
        state
            .store
            .use_email_token(&session::token_hash(token), "verify", Utc::now())
            .await
            .map_err(|e| internal(&ctx, e))?
    };
    let verified = match used {
        Some((user_id, email)) => {
            state.store.mark_email_verified(&user_id, &email, Utc::now()).await.map_err(|e| internal(&ctx, e))?
        }
        None => false,
    };
    let (heading, body, status) = if verified {
        (t.get("verify-done-title"), t.get("verify-done-body"), StatusCode::OK)
    } else {
        (t.get("verify-failed-title"), t.get("verify-failed-body"), StatusCode::BAD_REQUEST)
    };
    let page = MessagePage { l: ctx.layout(&state, &heading, Nav::None), heading, body, ok: verified };
    Ok((status, render(ctx.lang, &page)?).into_response())
}

/// Sends the confirmation link again (signed in, address not yet confirmed).
pub async fn resend(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
) -> Result<Response, PageError> {
    if let (Some(email), false) = (&user.email, user.email_verified) {
        mail::send_link(&state, ctx.tr(), &user.id, &user.name, email, "verify")
            .await
            .map_err(|e| internal(&ctx, e))?;
    }
    Ok(see_other("/akun?tersimpan=verifikasi", None))
}

#[derive(Template)]
#[template(path = "forgot.html")]
struct ForgotPage {
    l: Layout,
    email: String,
    message: Option<String>,
}

pub async fn forgot_form(State(state): State<AppState>, ctx: PageCtx) -> Result<Html<String>, PageError> {
    let title = ctx.tr().get("forgot-title");
    render(ctx.lang, &ForgotPage { l: ctx.layout(&state, &title, Nav::None), email: String::new(), message: None })
}

/// Always answers the same way, so the form does not tell who has an account.
pub async fn forgot(
    State(state): State<AppState>,
    ctx: PageCtx,
    ClientAddress(address): ClientAddress,
    body: Bytes,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let fields = form(&body);
    let typed = field(&fields, "email").trim().to_string();
    let title = t.get("forgot-title");
    let now = std::time::Instant::now();
    let key = format!("lupa-alamat:{address}");
    if let Some(wait) = state.limiter.blocked_for(&key, FORGOT_PER_ADDRESS, now) {
        let message = t.with("forgot-too-many", "minutes", minutes(wait));
        let page = ForgotPage { l: ctx.layout(&state, &title, Nav::None), email: typed, message: Some(message) };
        return Ok(too_many(render(ctx.lang, &page)?, wait));
    }
    state.limiter.record(&key, now);
    if let Ok(email) = Email::parse(&typed)
        && let Some(user) = state.store.user_by_email(&email).await.map_err(|e| internal(&ctx, e))?
    {
        mail::send_link(&state, t, &user.id, &user.name, email.as_str(), "reset")
            .await
            .map_err(|e| internal(&ctx, e))?;
    }
    let page = ForgotPage {
        l: ctx.layout(&state, &title, Nav::None),
        email: String::new(),
        message: Some(t.get("forgot-sent")),
    };
    Ok(render(ctx.lang, &page)?.into_response())
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetPage {
    l: Layout,
    token: String,
    errors: Vec<String>,
}

pub async fn reset_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, PageError> {
    let params = pairs(raw.as_deref());
    let title = ctx.tr().get("reset-title");
    let page = ResetPage {
        l: ctx.layout(&state, &title, Nav::None),
        token: field(&params, "token").to_string(),
        errors: Vec::new(),
    };
    render(ctx.lang, &page)
}

/// Sets a new password from a reset link; every session of the account ends.
pub async fn reset(State(state): State<AppState>, ctx: PageCtx, body: Bytes) -> Result<Response, PageError> {
    let t = ctx.tr();
    let fields = form(&body);
    let token = field(&fields, "token").to_string();
    let new = field(&fields, "baru").to_string();
    let title = t.get("reset-title");
    let again =
        |errors: Vec<String>| ResetPage { l: ctx.layout(&state, &title, Nav::None), token: token.clone(), errors };
    if let Some(problem) = password::check_new(t, &new, field(&fields, "baru2")) {
        return Ok((StatusCode::BAD_REQUEST, render(ctx.lang, &again(vec![problem]))?).into_response());
    }
    let used = state
        .store
        .use_email_token(&session::token_hash(&token), "reset", Utc::now())
        .await
        .map_err(|e| internal(&ctx, e))?;
    let Some((user_id, _)) = used else {
        let page = again(vec![t.get("verify-failed-body")]);
        return Ok((StatusCode::BAD_REQUEST, render(ctx.lang, &page)?).into_response());
    };
    let hash = password::hash(new).await.ok_or_else(|| internal(&ctx, "password hashing failed"))?;
    state.store.set_password_hash(&user_id, &hash, "", Utc::now()).await.map_err(|e| internal(&ctx, e))?;
    Ok(see_other("/masuk", None))
}
