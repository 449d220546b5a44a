//! Signing up, signing in and out, and the account page.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use domain::identity::{Email, Phone, Role};
use store::{AccountError, NewUser};

use super::safe_return;
use crate::auth::limit::{self, ClientAddress};
use crate::auth::password;
use crate::auth::roles::SignedIn;
use crate::auth::session;
use crate::error::{PageError, PageErrorKind, render};
use crate::i18n::Tr;
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx};

/// The longest name accepted.
const MAX_NAME: usize = 100;

pub(super) fn form(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

pub(super) fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

pub(super) fn see_other(to: &str, cookie: Option<String>) -> Response {
    let mut response = (StatusCode::SEE_OTHER, [(LOCATION, to.to_string())]).into_response();
    if let Some(cookie) = cookie
        && let Ok(value) = cookie.parse()
    {
        response.headers_mut().insert(SET_COOKIE, value);
    }
    response
}

pub(super) fn internal(ctx: &PageCtx, detail: impl ToString) -> PageError {
    PageError { lang: ctx.lang, kind: PageErrorKind::Internal(detail.to_string()) }
}

/// Starts a session for a user and sends them on, ending the session they came with (a
/// new token at every sign-in: a planted session id is worthless).
async fn sign_in(
    state: &AppState,
    ctx: &PageCtx,
    old_token: Option<String>,
    user_id: &str,
    to: &str,
) -> Result<Response, PageError> {
    if let Some(old) = old_token {
        state.store.delete_session(&session::token_hash(&old)).await.map_err(|e| internal(ctx, e))?;
    }
    let token = session::new_token().ok_or_else(|| internal(ctx, "no randomness available"))?;
    state
        .store
        .create_session(&session::token_hash(&token), user_id, Utc::now(), session::LIFETIME)
        .await
        .map_err(|e| internal(ctx, e))?;
    Ok(see_other(to, Some(session::cookie(&token, state.settings.secure_cookies))))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    l: Layout,
    login: String,
    back: String,
    error: Option<String>,
}

fn login_page(
    state: &AppState,
    ctx: &PageCtx,
    login: &str,
    back: &str,
    error: Option<String>,
) -> Result<Html<String>, PageError> {
    let title = ctx.tr().get("login-title");
    render(
        ctx.lang,
        &LoginPage { l: ctx.layout(state, &title, Nav::None), login: login.into(), back: back.into(), error },
    )
}

pub async fn login_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    raw: axum::extract::RawQuery,
) -> Result<Html<String>, PageError> {
    let params = crate::query::pairs(raw.0.as_deref());
    let back = safe_return(Some(field(&params, "kembali"))).to_string();
    // `login` pre-fills the identifier (an application's `login_hint`).
    let login: String = field(&params, "login").chars().take(254).collect();
    login_page(&state, &ctx, &login, &back, None)
}

/// A 429 with the form and a message saying when to try again.
pub(super) fn too_many(page: Html<String>, wait: std::time::Duration) -> Response {
    let seconds = wait.as_secs().max(1).to_string();
    let mut response = (StatusCode::TOO_MANY_REQUESTS, page).into_response();
    if let Ok(value) = seconds.parse() {
        response.headers_mut().insert(axum::http::header::RETRY_AFTER, value);
    }
    response
}

pub(super) fn minutes(wait: std::time::Duration) -> u64 {
    wait.as_secs().div_ceil(60).max(1)
}

pub async fn login(
    State(state): State<AppState>,
    ctx: PageCtx,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    let fields = form(&body);
    let login = field(&fields, "login").trim().to_string();
    let back = safe_return(Some(field(&fields, "kembali"))).to_string();
    let password = field(&fields, "password").to_string();
    let t = ctx.tr();
    let now = std::time::Instant::now();
    let address_key = format!("masuk-alamat:{address}");
    if login.is_empty() || password.is_empty() || password.len() > password::MAX_LENGTH {
        let page = login_page(&state, &ctx, &login, &back, Some(t.get("login-missing")))?;
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    }
    let found = state.store.user_for_sign_in(&login).await.map_err(|e| internal(&ctx, e))?;
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    // Failures count against the account, however it was named (e-mail, phone in any
    // format), so switching identifiers buys no extra guesses.
    let account_key = match &user {
        Some(user) => format!("masuk-akun:{}", user.id),
        None => format!("masuk-akun:{}", login.to_lowercase()),
    };
    let blocked = state
        .limiter
        .blocked_for(&account_key, limit::SIGN_IN_PER_ACCOUNT, now)
        .or_else(|| state.limiter.blocked_for(&address_key, limit::SIGN_IN_PER_ADDRESS, now));
    if let Some(wait) = blocked {
        let message = t.with("login-too-many", "minutes", minutes(wait));
        return Ok(too_many(login_page(&state, &ctx, &login, &back, Some(message))?, wait));
    }
    // Unknown accounts are checked against a dummy hash: the answer takes as long.
    let ok = password::verify(password, hash).await;
    match user {
        Some(user) if ok => {
            state.limiter.reset(&account_key);
            sign_in(&state, &ctx, session::token(&headers), &user.id, &back).await
        }
        _ => {
            state.limiter.record(&account_key, now);
            state.limiter.record(&address_key, now);
            let page = login_page(&state, &ctx, &login, &back, Some(t.get("login-failed")))?;
            Ok((StatusCode::UNAUTHORIZED, page).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    l: Layout,
    name: String,
    email: String,
    phone: String,
    back: String,
    errors: Vec<String>,
}

fn register_page(
    state: &AppState,
    ctx: &PageCtx,
    fields: &[(String, String)],
    errors: Vec<String>,
) -> Result<Html<String>, PageError> {
    let title = ctx.tr().get("register-title");
    render(
        ctx.lang,
        &RegisterPage {
            l: ctx.layout(state, &title, Nav::None),
            name: field(fields, "nama").to_string(),
            email: field(fields, "email").to_string(),
            phone: field(fields, "telepon").to_string(),
            back: safe_return(Some(field(fields, "kembali"))).to_string(),
            errors,
        },
    )
}

pub async fn register_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    raw: axum::extract::RawQuery,
) -> Result<Html<String>, PageError> {
    // Only the way back is taken from the address; the form starts empty.
    let params = crate::query::pairs(raw.0.as_deref());
    let back = vec![("kembali".to_string(), field(&params, "kembali").to_string())];
    register_page(&state, &ctx, &back, Vec::new())
}

/// A sign-up form that passed its checks.
struct Registration {
    name: String,
    email: Option<Email>,
    phone: Option<Phone>,
    password: String,
}

/// Checks the sign-up form; every problem is reported at once.
fn check_registration(t: Tr, fields: &[(String, String)]) -> Result<Registration, Vec<String>> {
    let mut errors = Vec::new();
    let name = domain::text::tidy(field(fields, "nama"));
    if name.is_empty() || name.chars().count() > MAX_NAME {
        errors.push(t.get("register-name-invalid"));
    }
    let email = match field(fields, "email").trim() {
        "" => None,
        raw => Email::parse(raw).map_err(|_| errors.push(t.get("register-email-invalid"))).ok(),
    };
    let phone = match field(fields, "telepon").trim() {
        "" => None,
        raw => Phone::parse(raw).map_err(|_| errors.push(t.get("register-phone-invalid"))).ok(),
    };
    if field(fields, "email").trim().is_empty() && field(fields, "telepon").trim().is_empty() {
        errors.push(t.get("register-contact-missing"));
    }
    let password = field(fields, "password").to_string();
    if password.chars().count() < password::MIN_LENGTH || password.len() > password::MAX_LENGTH {
        errors.push(t.with("register-password-length", "n", password::MIN_LENGTH));
    } else if password != field(fields, "password2") {
        errors.push(t.get("register-password-mismatch"));
    }
    if errors.is_empty() { Ok(Registration { name, email, phone, password }) } else { Err(errors) }
}

pub async fn register(
    State(state): State<AppState>,
    ctx: PageCtx,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let fields = form(&body);
    let now = std::time::Instant::now();
    let address_key = format!("daftar-alamat:{address}");
    if let Some(wait) = state.limiter.blocked_for(&address_key, limit::SIGN_UP_PER_ADDRESS, now) {
        let message = t.with("register-too-many", "minutes", minutes(wait));
        return Ok(too_many(register_page(&state, &ctx, &fields, vec![message])?, wait));
    }
    let Registration { name, email, phone, password } = match check_registration(t, &fields) {
        Ok(valid) => valid,
        Err(errors) => {
            return Ok((StatusCode::BAD_REQUEST, register_page(&state, &ctx, &fields, errors)?).into_response());
        }
    };
    let password_hash = password::hash(password).await.ok_or_else(|| internal(&ctx, "password hashing failed"))?;
    let new = NewUser { name, email, phone, password_hash, role: Role::Warga, agencies: Vec::new() };
    match state.store.create_user(&new, None, Utc::now()).await {
        Ok(user) => {
            state.limiter.record(&address_key, now);
            if let Some(email) = &user.email
                && let Err(e) = crate::auth::mail::send_link(&state, t, &user.id, &user.name, email, "verify").await
            {
                // The account exists; the person can ask for the link again from their page.
                tracing::warn!(error = %e, "verification e-mail not queued");
            }
            // Back where the person came from (an application's sign-in), else their page.
            let to = match safe_return(Some(field(&fields, "kembali"))) {
                "/" => "/akun",
                back => back,
            };
            sign_in(&state, &ctx, session::token(&headers), &user.id, to).await
        }
        Err(AccountError::EmailTaken) => {
            let page = register_page(&state, &ctx, &fields, vec![t.get("register-email-taken")])?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(AccountError::PhoneTaken) => {
            let page = register_page(&state, &ctx, &fields, vec![t.get("register-phone-taken")])?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(internal(&ctx, e)),
    }
}

pub async fn logout(State(state): State<AppState>, ctx: PageCtx, headers: HeaderMap) -> Result<Response, PageError> {
    if let Some(token) = session::token(&headers) {
        state.store.delete_session(&session::token_hash(&token)).await.map_err(|e| internal(&ctx, e))?;
    }
    Ok(see_other("/", Some(session::clear_cookie(state.settings.secure_cookies))))
}

pub async fn logout_everywhere(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
) -> Result<Response, PageError> {
    state.store.delete_sessions_of(&user.id).await.map_err(|e| internal(&ctx, e))?;
    Ok(see_other("/", Some(session::clear_cookie(state.settings.secure_cookies))))
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    l: Layout,
    error: Option<String>,
    notice: Option<String>,
    nik: String,
    unverified: bool,
    is_admin: bool,
    /// Operators and admins work the agency back-office.
    is_staff: bool,
    /// Admins, assessors and operators (who may be on an evaluation team) see the evaluation.
    evaluates: bool,
    name: String,
    email: String,
    phone: String,
    role: String,
    agencies: String,
    since: String,
    apps: Vec<super::account_apps::AppRow>,
    chats: Vec<super::account_chats::ChatRow>,
    /// A chat-link code just made, shown once.
    link_code: Option<super::account_chats::LinkCode>,
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
) -> Result<Response, PageError> {
    let notice = match ctx.path.split_once("?").map(|(_, q)| q) {
        Some("tersimpan=nik") => Some(ctx.tr().get("account-nik-saved")),
        Some("tersimpan=sandi") => Some(ctx.tr().get("account-password-saved")),
        Some("tersimpan=verifikasi") => Some(ctx.tr().get("account-verify-sent")),
        Some("tersimpan=aplikasi") => Some(ctx.tr().get("account-apps-revoked")),
        Some("tersimpan=chat") => Some(ctx.tr().get("account-chat-unlinked")),
        _ => None,
    };
    Ok(account_page(&state, &ctx, &user, None, notice).await?.into_response())
}

/// The person's NIK, decrypted (`None` if none was given or it no longer opens).
async fn nik_of(state: &AppState, ctx: &PageCtx, user: &store::User) -> Result<Option<String>, PageError> {
    let sealed = state.store.nik_sealed(&user.id).await.map_err(|e| internal(ctx, e))?;
    Ok(sealed.and_then(|s| state.settings.sealer.open(&s, &user.id)))
}

async fn account_page(
    state: &AppState,
    ctx: &PageCtx,
    user: &store::User,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Html<String>, PageError> {
    account_page_with_code(state, ctx, user, error, notice, None).await
}

/// The account page, with a chat-link code just made.
pub(super) async fn account_page_with_code(
    state: &AppState,
    ctx: &PageCtx,
    user: &store::User,
    error: Option<String>,
    notice: Option<String>,
    link_code: Option<super::account_chats::LinkCode>,
) -> Result<Html<String>, PageError> {
    let t = ctx.tr();
    let nik = nik_of(state, ctx, user).await?.and_then(|n| domain::identity::Nik::parse(&n).ok());
    let page = AccountPage {
        l: ctx.layout(state, &t.get("account-title"), Nav::None),
        error,
        notice,
        nik: nik.map(|n| n.masked()).unwrap_or_default(),
        unverified: user.email.is_some() && !user.email_verified,
        is_admin: user.role == Role::Admin,
        is_staff: matches!(user.role, Role::Admin | Role::Operator),
        evaluates: matches!(user.role, Role::Admin | Role::Operator | Role::Asesor),
        name: user.name.clone(),
        email: user.email.clone().unwrap_or_default(),
        phone: user.phone.clone().unwrap_or_default(),
        role: t.get(&format!("role-{}", user.role.as_str())),
        agencies: user.agencies.join(", "),
        since: user.created_at.format("%d-%m-%Y").to_string(),
        apps: super::account_apps::rows(state, ctx, &user.id).await?,
        chats: super::account_chats::rows(state, ctx, &user.id).await?,
        link_code,
    };
    render(ctx.lang, &page)
}

/// "Unduh data saya": everything satupintu keeps about the signed-in person, as JSON.
pub async fn download(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
) -> Result<Response, PageError> {
    let sessions = state.store.sessions_of(&user.id).await.map_err(|e| internal(&ctx, e))?;
    let nik = nik_of(&state, &ctx, &user).await?;
    let (entries, _) = state.store.audit_log().await.map_err(|e| internal(&ctx, e))?;
    let apps = state.store.app_grants(&user.id).await.map_err(|e| internal(&ctx, e))?;
    let chats = state.store.chats_of(&user.id).await.map_err(|e| internal(&ctx, e))?;
    let rfc = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let data = serde_json::json!({
        "account": {
            "id": user.id,
            "name": user.name,
            "email": user.email,
            "phone": user.phone,
            "role": user.role.as_str(),
            "agencies": user.agencies,
            "nik": nik,
            "created_at": rfc(user.created_at),
        },
        "sessions": sessions.iter().map(|(created, seen)| serde_json::json!({
            "started_at": rfc(*created),
            "last_used_at": rfc(*seen),
        })).collect::<Vec<_>>(),
        "connected_apps": apps.iter().map(|a| serde_json::json!({
            "client_id": a.client_id,
            "name": a.client_name,
            "scope": a.scope,
            "allowed_at": rfc(a.created_at),
            "last_used_at": rfc(a.last_used_at),
        })).collect::<Vec<_>>(),
        "linked_chats": chats.iter().map(|c| serde_json::json!({
            "channel": c.channel,
            "last_used_at": rfc(c.updated_at),
        })).collect::<Vec<_>>(),
        "account_changes": entries.iter().filter(|e| e.target == user.id).map(|e| serde_json::json!({
            "at": chrono::DateTime::from_timestamp(e.at, 0).map(rfc),
            "action": e.action,
            "by": if e.actor == user.id { "you" } else { e.actor.as_str() },
            "after": serde_json::from_str::<serde_json::Value>(&e.after).unwrap_or_default(),
        })).collect::<Vec<_>>(),
        "exported_at": rfc(Utc::now()),
    });
    let body = serde_json::to_vec_pretty(&data).map_err(|e| internal(&ctx, e))?;
    Ok((
        StatusCode::OK,
        [
            (axum::http::header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (axum::http::header::CONTENT_DISPOSITION, "attachment; filename=\"data-satupintu.json\""),
            (axum::http::header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response())
}

/// "Hapus akun": deletes the account after the password confirms it is really them.
pub async fn delete(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    body: Bytes,
) -> Result<Response, PageError> {
    let fields = form(&body);
    let hash = state.store.password_hash(&user.id).await.map_err(|e| internal(&ctx, e))?;
    if !password::verify(field(&fields, "password").to_string(), hash).await {
        let t = ctx.tr();
        let page = account_page(&state, &ctx, &user, Some(t.get("account-delete-wrong-password")), None).await?;
        return Ok((StatusCode::FORBIDDEN, page).into_response());
    }
    state.store.delete_user(&user.id, Utc::now()).await.map_err(|e| internal(&ctx, e))?;
    Ok(see_other("/", Some(session::clear_cookie(state.settings.secure_cookies))))
}

/// Saves (or, when blank, removes) the person's NIK, encrypted.
pub async fn save_nik(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    body: Bytes,
) -> Result<Response, PageError> {
    let fields = form(&body);
    let raw = field(&fields, "nik").trim();
    if raw.is_empty() {
        state.store.set_nik(&user.id, None, "", Utc::now()).await.map_err(|e| internal(&ctx, e))?;
        return Ok(see_other("/akun?tersimpan=nik", None));
    }
    match domain::identity::Nik::parse(raw) {
        Ok(nik) => {
            let sealed =
                state.settings.sealer.seal(nik.as_str(), &user.id).ok_or_else(|| internal(&ctx, "sealing failed"))?;
            state
                .store
                .set_nik(&user.id, Some(&sealed), &nik.masked(), Utc::now())
                .await
                .map_err(|e| internal(&ctx, e))?;
            Ok(see_other("/akun?tersimpan=nik", None))
        }
        Err(e) => {
            let message = format!("{}: {e}", ctx.tr().get("account-nik"));
            Ok((StatusCode::BAD_REQUEST, account_page(&state, &ctx, &user, Some(message), None).await?).into_response())
        }
    }
}

/// Changes the password after checking the current one; other sessions end.
pub async fn change_password(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let fields = form(&body);
    let new = field(&fields, "baru").to_string();
    let fail = |message: String| async {
        Ok::<_, PageError>(
            (StatusCode::BAD_REQUEST, account_page(&state, &ctx, &user, Some(message), None).await?).into_response(),
        )
    };
    if let Some(problem) = password::check_new(t, &new, field(&fields, "baru2")) {
        return fail(problem).await;
    }
    let hash = state.store.password_hash(&user.id).await.map_err(|e| internal(&ctx, e))?;
    if !password::verify(field(&fields, "lama").to_string(), hash).await {
        return fail(t.get("account-password-wrong")).await;
    }
    let new_hash = password::hash(new).await.ok_or_else(|| internal(&ctx, "password hashing failed"))?;
    let current = session::token(&headers).map(|t| session::token_hash(&t)).unwrap_or_default();
    state.store.set_password_hash(&user.id, &new_hash, &current, Utc::now()).await.map_err(|e| internal(&ctx, e))?;
    Ok(see_other("/akun?tersimpan=sandi", None))
}
