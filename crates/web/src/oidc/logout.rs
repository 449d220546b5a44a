//! RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0).
//!
//! A request carrying a valid `id_token_hint` for the signed-in person signs them out at
//! once; any other request asks the person first, so a link on another site cannot sign
//! anyone out. The way back is only to a URI registered for the client.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use store::User;

use super::form::{Form, with_query};
use super::jws;
use crate::auth::session::{self, CurrentUser};
use crate::error::{PageError, render};
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx};

/// Where to go after signing out, checked against the client's registration.
struct Return {
    uri: Option<String>,
    state: Option<String>,
    client_name: Option<String>,
    /// The hint's subject, when the hint is one of ours.
    hinted: Option<String>,
}

async fn check(state: &AppState, form: &Form) -> Result<Return, &'static str> {
    let hint = match form.get("id_token_hint") {
        None => None,
        Some(token) => {
            let keys = state.oidc_keys.keys(&state.store, &state.settings.sealer).await.map_err(|e| {
                tracing::error!(error = %e, "loading signing keys failed");
                "oidc-error-unavailable"
            })?;
            Some(jws::verify(token, &keys.public).ok_or("oidc-logout-bad-hint")?)
        }
    };
    let hinted_client = hint.as_ref().and_then(|c| c.get("aud")).and_then(|a| a.as_str()).map(str::to_string);
    let client_id = match (form.get("client_id"), hinted_client) {
        (Some(a), Some(b)) if a != b => return Err("oidc-logout-bad-hint"),
        (Some(a), _) => Some(a.to_string()),
        (None, b) => b,
    };
    let client = match &client_id {
        Some(id) => Some(
            state
                .store
                .client(id)
                .await
                .map_err(|_| "oidc-error-unavailable")?
                .filter(|c| !c.disabled)
                .ok_or("oidc-error-unknown-client")?,
        ),
        None => None,
    };
    let uri = match form.get("post_logout_redirect_uri") {
        None => None,
        Some(uri) => {
            let registered = client.as_ref().is_some_and(|c| c.post_logout_redirect_uris.iter().any(|r| r == uri));
            if !registered {
                return Err("oidc-logout-bad-redirect");
            }
            Some(uri.to_string())
        }
    };
    Ok(Return {
        uri,
        state: form.get("state").map(str::to_string),
        client_name: client.map(|c| c.name),
        hinted: hint.as_ref().and_then(|c| c.get("sub")).and_then(|s| s.as_str()).map(str::to_string),
    })
}

#[derive(Template)]
#[template(path = "oidc_logout.html")]
struct ConfirmPage {
    l: Layout,
    client_name: Option<String>,
    signed_in: bool,
    hidden: Vec<(String, String)>,
}

/// Ends the session and goes back to the client (or home).
async fn sign_out(state: &AppState, headers: &HeaderMap, back: &Return) -> Response {
    if let Some(token) = session::token(headers)
        && let Err(e) = state.store.delete_session(&session::token_hash(&token)).await
    {
        tracing::error!(error = %e, "ending a session failed");
    }
    let to = match &back.uri {
        Some(uri) => match &back.state {
            Some(s) => with_query(uri, &[("state", s)]),
            None => uri.clone(),
        },
        None => "/".to_string(),
    };
    let cookie = session::clear_cookie(state.settings.secure_cookies);
    (StatusCode::SEE_OTHER, [(LOCATION, to), (SET_COOKIE, cookie)]).into_response()
}

async fn logout(state: AppState, ctx: PageCtx, headers: HeaderMap, user: Option<User>, form: Form) -> Response {
    let back = match check(&state, &form).await {
        Ok(back) => back,
        Err(key) => return PageError::bad_request(ctx.lang, ctx.tr().get(key)).into_response(),
    };
    let same_person = match (&user, &back.hinted) {
        (Some(u), Some(sub)) => &u.id == sub,
        (None, _) => true,
        _ => false,
    };
    if same_person {
        return sign_out(&state, &headers, &back).await;
    }
    let title = ctx.tr().get("oidc-logout-title");
    let page = ConfirmPage {
        l: ctx.layout(&state, &title, Nav::None),
        client_name: back.client_name.clone(),
        signed_in: user.is_some(),
        hidden: form.0.iter().filter(|(k, _)| k != "id_token_hint").cloned().collect(),
    };
    match render(ctx.lang, &page) {
        Ok(html) => html.into_response(),
        Err(e) => e.into_response(),
    }
}

pub async fn logout_get(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    logout(state, ctx, headers, user, Form::parse(raw.unwrap_or_default().as_bytes())).await
}

pub async fn logout_post(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    logout(state, ctx, headers, user, Form::parse(&body)).await
}

/// The person confirmed on our own page (a same-site form).
pub async fn confirm(State(state): State<AppState>, ctx: PageCtx, headers: HeaderMap, body: Bytes) -> Response {
    let form = Form::parse(&body);
    match check(&state, &form).await {
        Ok(back) => sign_out(&state, &headers, &back).await,
        Err(key) => PageError::bad_request(ctx.lang, ctx.tr().get(key)).into_response(),
    }
}
