//! The authorization endpoint and the consent screen.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use store::User;
use store::oidc::{CodeGrant, scope_within};

use super::form::{Form, with_query};
use super::request::{AuthRequest, LOGIN_AFTER, Refusal, check};
use super::{CODE_TTL, issuer};
use crate::auth::session::{self, CurrentUser};
use crate::error::{PageError, render};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx};

fn redirect(status: StatusCode, to: &str) -> Response {
    (status, [(LOCATION, to.to_string())]).into_response()
}

/// An error sent back to the client (OIDC Core §3.1.2.6), with `iss` (RFC 9207).
fn error_redirect(state: &AppState, req: &AuthRequest, error: &'static str, description: &str) -> Response {
    let refusal = Refusal::Redirect {
        to: req.redirect_uri.clone(),
        state: req.state.clone(),
        error,
        description: description.into(),
    };
    refused(state, Lang::Id, refusal)
}

fn refused(state: &AppState, lang: Lang, refusal: Refusal) -> Response {
    match refusal {
        Refusal::Page(key) => PageError::bad_request(lang, lang.tr().get(key)).into_response(),
        Refusal::Redirect { to, state: client_state, error, description } => {
            let iss = issuer(state);
            let mut pairs = vec![("error", error), ("error_description", description.as_str())];
            if let Some(s) = &client_state {
                pairs.push(("state", s));
            }
            pairs.push(("iss", &iss));
            redirect(StatusCode::FOUND, &with_query(&to, &pairs))
        }
    }
}

/// The person behind the session cookie and when they signed in.
async fn signed_in(state: &AppState, headers: &HeaderMap, user: Option<User>) -> Option<(User, DateTime<Utc>)> {
    let user = user?;
    let token = session::token(headers)?;
    match state.store.session_started(&session::token_hash(&token)).await {
        Ok(Some(at)) => Some((user, at)),
        Ok(None) => None,
        Err(e) => {
            tracing::warn!(error = %e, "session lookup failed");
            None
        }
    }
}

/// Whether the sign-in is recent enough for this request (`prompt=login`, `max_age`).
fn fresh_enough(req: &AuthRequest, auth_time: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    if req.login_after.is_some_and(|after| auth_time.timestamp() >= after) {
        return true;
    }
    if req.prompts("login") {
        return false;
    }
    req.max_age.is_none_or(|max| now - auth_time <= Duration::seconds(max))
}

/// Off to the sign-in page, coming back to this request without `prompt=login` and with
/// a marker that the sign-in must be newer than now.
fn to_sign_in(form: &Form, req: &AuthRequest, now: DateTime<Utc>) -> Response {
    let mut back = Form(Vec::new());
    for (k, v) in &form.0 {
        match k.as_str() {
            LOGIN_AFTER => {}
            "prompt" => {
                let kept: Vec<&str> = v.split(' ').filter(|p| !p.is_empty() && *p != "login").collect();
                if !kept.is_empty() {
                    back.0.push((k.clone(), kept.join(" ")));
                }
            }
            _ => back.0.push((k.clone(), v.clone())),
        }
    }
    back.0.push((LOGIN_AFTER.into(), now.timestamp().to_string()));
    let back = format!("/oidc/authorize?{}", back.encode());
    let mut pairs = vec![("kembali", back.as_str())];
    if let Some(hint) = &req.login_hint {
        pairs.push(("login", hint));
    }
    redirect(StatusCode::FOUND, &with_query("/masuk", &pairs))
}

/// Issues a code and sends the person back to the client.
async fn grant_code(
    state: &AppState,
    req: &AuthRequest,
    user: &User,
    auth_time: DateTime<Utc>,
    status: StatusCode,
) -> Response {
    let Some(code) = session::new_token() else {
        return error_redirect(state, req, "server_error", "no randomness available");
    };
    let grant = CodeGrant {
        client_id: req.client.id.clone(),
        user_id: user.id.clone(),
        redirect_uri: req.redirect_uri.clone(),
        scope: req.scope.clone(),
        nonce: req.nonce.clone(),
        code_challenge: req.code_challenge.clone(),
        auth_time,
    };
    if let Err(e) = state.store.create_code(&session::token_hash(&code), &grant, Utc::now(), CODE_TTL).await {
        tracing::error!(error = %e, "storing an authorization code failed");
        return error_redirect(state, req, "server_error", "the code could not be stored");
    }
    let iss = issuer(state);
    let mut pairs = vec![("code", code.as_str())];
    if let Some(s) = &req.state {
        pairs.push(("state", s));
    }
    pairs.push(("iss", &iss));
    redirect(status, &with_query(&req.redirect_uri, &pairs))
}

/// The language the client asked for, else the person's.
fn page_lang(req: &AuthRequest, lang: Lang) -> Lang {
    let asked = req.ui_locales.as_deref().unwrap_or_default();
    asked.split(' ').find_map(|tag| Lang::parse(tag.split('-').next().unwrap_or(tag))).unwrap_or(lang)
}

/// Whether an `id_token_hint` names someone other than the signed-in person.
async fn hint_names_someone_else(state: &AppState, req: &AuthRequest, user: &User) -> bool {
    let Some(hint) = &req.id_token_hint else { return false };
    match state.oidc_keys.keys(&state.store, &state.settings.sealer).await {
        Ok(keys) => super::jws::verify(hint, &keys.public)
            .and_then(|claims| claims.get("sub").and_then(|s| s.as_str()).map(|s| s != user.id))
            .unwrap_or(false),
        Err(_) => false,
    }
}

async fn authorize(state: AppState, mut ctx: PageCtx, headers: HeaderMap, user: Option<User>, form: Form) -> Response {
    let req = match check(&state, &form).await {
        Ok(req) => req,
        Err(refusal) => return refused(&state, ctx.lang, refusal),
    };
    ctx.lang = page_lang(&req, ctx.lang);
    let now = Utc::now();
    let none = req.prompts("none");
    let session = signed_in(&state, &headers, user).await;
    let (user, auth_time) = match session {
        Some((user, at)) if fresh_enough(&req, at, now) && !hint_names_someone_else(&state, &req, &user).await => {
            (user, at)
        }
        _ if none => return error_redirect(&state, &req, "login_required", "the person is not signed in"),
        _ => return to_sign_in(&form, &req, now),
    };
    let granted = match state.store.granted_scope(&user.id, &req.client.id).await {
        Ok(g) => g,
        Err(e) => return PageError::store(ctx.lang)(e).into_response(),
    };
    if granted.is_some_and(|g| scope_within(&req.scope, &g)) && !req.prompts("consent") {
        return grant_code(&state, &req, &user, auth_time, StatusCode::FOUND).await;
    }
    if none {
        return error_redirect(&state, &req, "consent_required", "the person has not yet allowed this client");
    }
    match consent_page(&state, &ctx, &req, &user, &form).await {
        Ok(page) => page.into_response(),
        Err(e) => e.into_response(),
    }
}

pub async fn authorize_get(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    authorize(state, ctx, headers, user, Form::parse(raw.unwrap_or_default().as_bytes())).await
}

/// OIDC Core §3.1.2.1: the endpoint must accept POST too (form-encoded).
pub async fn authorize_post(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    authorize(state, ctx, headers, user, Form::parse(&body)).await
}

pub struct ScopeLine {
    pub scope: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "oidc_consent.html")]
struct ConsentPage {
    l: Layout,
    client_name: String,
    service: Option<(String, String)>,
    destination: String,
    user_name: String,
    lines: Vec<ScopeLine>,
    hidden: Vec<(String, String)>,
}

async fn consent_page(
    state: &AppState,
    ctx: &PageCtx,
    req: &AuthRequest,
    user: &User,
    form: &Form,
) -> Result<axum::response::Html<String>, PageError> {
    let t = ctx.tr();
    let title = t.with("oidc-consent-title", "app", req.client.name.as_str());
    let lines = store::oidc::scopes(&req.scope)
        .into_iter()
        .filter(|s| *s != "offline_access")
        .map(|s| ScopeLine { scope: s.to_string(), text: t.get(&format!("oidc-scope-{s}")) })
        .collect();
    let service = match req.client.service_code.as_deref().map(domain::ServiceCode::parse) {
        Some(Ok(code)) => state.catalog.service(&code).await.ok().map(|s| (code.to_string(), s.service.name.clone())),
        _ => None,
    };
    let destination = url::Url::parse(&req.redirect_uri)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| req.redirect_uri.clone());
    let hidden = form.0.iter().filter(|(k, _)| k != "keputusan").cloned().collect();
    let page = ConsentPage {
        l: ctx.layout(state, &title, Nav::None),
        client_name: req.client.name.clone(),
        service,
        destination,
        user_name: user.name.clone(),
        lines,
        hidden,
    };
    render(ctx.lang, &page)
}

/// The person's answer on the consent screen (a same-site form).
pub async fn consent(
    State(state): State<AppState>,
    mut ctx: PageCtx,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = Form::parse(&body);
    let req = match check(&state, &form).await {
        Ok(req) => req,
        Err(refusal) => return refused(&state, ctx.lang, refusal),
    };
    ctx.lang = page_lang(&req, ctx.lang);
    let Some((user, auth_time)) = signed_in(&state, &headers, user).await else {
        return to_sign_in(&form, &req, Utc::now());
    };
    if form.get("keputusan") != Some("izinkan") {
        return error_redirect(&state, &req, "access_denied", "the person declined");
    }
    if let Err(e) = state.store.grant_consent(&user.id, &req.client.id, &req.scope, Utc::now()).await {
        return PageError::store(ctx.lang)(e).into_response();
    }
    grant_code(&state, &req, &user, auth_time, StatusCode::SEE_OTHER).await
}
