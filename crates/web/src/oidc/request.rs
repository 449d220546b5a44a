//! Checking an authorization request (OIDC Core §3.1.2.1–2). Until the client and its
//! redirect URI are known good, a problem is shown to the person; after that, it goes
//! back to the client as an error redirect.

use store::oidc::{OidcClient, scopes};

use super::form::Form;
use crate::state::AppState;

/// The scopes satupintu knows; others are ignored (RFC 6749 §3.3 lets a server do so).
pub const SUPPORTED_SCOPES: [&str; 6] = ["openid", "profile", "email", "phone", "nik", "offline_access"];

/// Our own parameter on the way back from the sign-in page: the sign-in must be newer
/// than this (Unix seconds). Carries `prompt=login` and `max_age` across the hop.
pub const LOGIN_AFTER: &str = "sp_login_after";

/// A checked authorization request.
#[derive(Debug, Clone)]
pub struct AuthRequest {
    pub client: OidcClient,
    pub redirect_uri: String,
    pub scope: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub prompt: Vec<String>,
    pub max_age: Option<i64>,
    pub login_hint: Option<String>,
    pub ui_locales: Option<String>,
    pub id_token_hint: Option<String>,
    pub login_after: Option<i64>,
}

impl AuthRequest {
    pub fn prompts(&self, value: &str) -> bool {
        self.prompt.iter().any(|p| p == value)
    }
}

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Shown to the person (an i18n key): nothing proves the redirect URI is the client's.
    Page(&'static str),
    /// Sent back to the client.
    Redirect { to: String, state: Option<String>, error: &'static str, description: String },
}

/// A PKCE challenge is the base64url of a SHA-256: 43 characters.
fn valid_challenge(c: &str) -> bool {
    c.len() == 43 && c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub async fn check(state: &AppState, form: &Form) -> Result<AuthRequest, Refusal> {
    let single = |name: &str| form.0.iter().filter(|(k, _)| k == name).count() <= 1;
    if !single("client_id") || !single("redirect_uri") {
        return Err(Refusal::Page("oidc-error-bad-request"));
    }
    let client_id = form.get("client_id").ok_or(Refusal::Page("oidc-error-no-client"))?;
    let client = match state.store.client(client_id).await {
        Ok(Some(c)) if !c.disabled => c,
        Ok(_) => return Err(Refusal::Page("oidc-error-unknown-client")),
        Err(e) => {
            tracing::error!(error = %e, "client lookup failed");
            return Err(Refusal::Page("oidc-error-unavailable"));
        }
    };
    let redirect_uri = form.get("redirect_uri").ok_or(Refusal::Page("oidc-error-redirect"))?;
    if !client.redirect_uris.iter().any(|r| r == redirect_uri) {
        return Err(Refusal::Page("oidc-error-redirect"));
    }
    let state_param = form.get("state").map(str::to_string);
    let refuse = |error: &'static str, description: &str| Refusal::Redirect {
        to: redirect_uri.to_string(),
        state: state_param.clone(),
        error,
        description: description.to_string(),
    };
    if let Some(name) = form.repeated() {
        return Err(refuse("invalid_request", &format!("parameter {name} sent more than once")));
    }
    if form.get("request").is_some() {
        return Err(refuse("request_not_supported", "request objects are not supported"));
    }
    if form.get("request_uri").is_some() {
        return Err(refuse("request_uri_not_supported", "request_uri is not supported"));
    }
    match form.get("response_type") {
        None => return Err(refuse("invalid_request", "response_type is required")),
        Some("code") => {}
        Some(_) => {
            return Err(refuse("unsupported_response_type", "only the code flow (response_type=code) is offered"));
        }
    }
    if form.get("response_mode").is_some_and(|m| m != "query") {
        return Err(refuse("invalid_request", "only response_mode=query is offered"));
    }
    let asked = scopes(form.get("scope").unwrap_or_default());
    if !asked.contains(&"openid") {
        return Err(refuse("invalid_scope", "the openid scope is required"));
    }
    if asked.contains(&"nik") && !client.allow_nik {
        return Err(refuse("invalid_scope", "this client is not allowed the nik scope"));
    }
    let scope = asked.into_iter().filter(|s| SUPPORTED_SCOPES.contains(s)).collect::<Vec<_>>().join(" ");
    let code_challenge = match (form.get("code_challenge"), form.get("code_challenge_method")) {
        (None, None) if client.is_public() => {
            return Err(refuse("invalid_request", "public clients must use PKCE (code_challenge, S256)"));
        }
        (None, None) => None,
        (None, Some(_)) => return Err(refuse("invalid_request", "code_challenge is missing")),
        (Some(_), method) if method != Some("S256") => {
            return Err(refuse("invalid_request", "code_challenge_method must be S256"));
        }
        (Some(c), _) if !valid_challenge(c) => {
            return Err(refuse("invalid_request", "code_challenge must be 43 base64url characters"));
        }
        (Some(c), _) => Some(c.to_string()),
    };
    let prompt: Vec<String> =
        form.get("prompt").unwrap_or_default().split(' ').filter(|p| !p.is_empty()).map(str::to_string).collect();
    if prompt.iter().any(|p| !["none", "login", "consent", "select_account"].contains(&p.as_str())) {
        return Err(refuse("invalid_request", "unknown prompt value"));
    }
    if prompt.len() > 1 && prompt.iter().any(|p| p == "none") {
        return Err(refuse("invalid_request", "prompt=none cannot be combined with other values"));
    }
    let max_age = match form.get("max_age") {
        None => None,
        Some(v) => Some(
            v.parse::<i64>()
                .ok()
                .filter(|m| *m >= 0)
                .ok_or_else(|| refuse("invalid_request", "max_age must be a whole number of seconds"))?,
        ),
    };
    Ok(AuthRequest {
        redirect_uri: redirect_uri.to_string(),
        scope,
        state: state_param.clone(),
        nonce: form.get("nonce").map(str::to_string),
        code_challenge,
        prompt,
        max_age,
        login_hint: form.get("login_hint").map(str::to_string),
        ui_locales: form.get("ui_locales").map(str::to_string),
        id_token_hint: form.get("id_token_hint").map(str::to_string),
        login_after: form.get(LOGIN_AFTER).and_then(|v| v.parse().ok()),
        client,
    })
}
