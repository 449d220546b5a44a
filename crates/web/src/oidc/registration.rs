//! Registering an application as a client, shared by the back-office and the CLI.

use chrono::Utc;
use store::Store;
use store::oidc::{NewClient, OidcClient};

use crate::auth::session::{new_token, token_hash};

/// What a person asked to register.
#[derive(Debug, Clone, Default)]
pub struct Registration {
    pub name: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    /// Mobile or single-page app: no secret, PKCE required.
    pub public: bool,
    pub allow_nik: bool,
    pub service_code: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum RegistrationError {
    #[error("the name is empty or longer than 100 characters")]
    Name,
    #[error("at least one redirect URI is needed")]
    NoRedirect,
    #[error("{uri}: {reason}")]
    BadUri { uri: String, reason: &'static str },
    #[error("no application with code {0} in the catalog")]
    UnknownService(String),
    #[error("no randomness available")]
    Random,
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

/// A redirect URI an application may register: `https`, `http` only on the loopback
/// interface (RFC 8252 §7.3, for development and desktop apps), or a private-use scheme
/// with a dot in it for mobile apps (`id.go.kota.app:/callback`, RFC 8252 §7.1). Never
/// a fragment: the code would not reach the server.
pub fn check_redirect_uri(uri: &str) -> Result<(), &'static str> {
    let parsed = url::Url::parse(uri).map_err(|_| "not an absolute URI")?;
    if parsed.fragment().is_some() {
        return Err("a redirect URI cannot have a #fragment");
    }
    match parsed.scheme() {
        "https" if parsed.host_str().is_some() => Ok(()),
        "http" => match parsed.host_str() {
            Some("127.0.0.1" | "localhost" | "[::1]") => Ok(()),
            _ => Err("plain http is only allowed for 127.0.0.1 or localhost; use https"),
        },
        "javascript" | "data" | "file" | "vbscript" => Err("this scheme cannot be a redirect URI"),
        scheme if scheme.contains('.') => Ok(()),
        _ => Err("use https, loopback http, or a reverse-domain scheme such as id.go.kota.app"),
    }
}

/// Checks a registration's fields (the service code against the catalog is the caller's).
pub fn check(reg: &Registration) -> Result<(), RegistrationError> {
    let name = reg.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(RegistrationError::Name);
    }
    if reg.redirect_uris.is_empty() {
        return Err(RegistrationError::NoRedirect);
    }
    for uri in reg.redirect_uris.iter().chain(&reg.post_logout_redirect_uris) {
        check_redirect_uri(uri).map_err(|reason| RegistrationError::BadUri { uri: uri.clone(), reason })?;
    }
    Ok(())
}

/// Checks that a linked catalog application exists.
pub async fn check_service(store: &Store, code: Option<&str>) -> Result<(), RegistrationError> {
    let Some(code) = code else { return Ok(()) };
    let found = match domain::ServiceCode::parse(code) {
        Ok(parsed) => match store.service(&parsed).await {
            Ok(_) => true,
            Err(store::StoreError::NotFound) => false,
            Err(e) => return Err(e.into()),
        },
        Err(_) => false,
    };
    if found { Ok(()) } else { Err(RegistrationError::UnknownService(code.to_string())) }
}

/// Registers a client; returns it with its secret (shown once, never stored in the clear).
pub async fn register(
    store: &Store,
    reg: &Registration,
    actor: &str,
) -> Result<(OidcClient, Option<String>), RegistrationError> {
    check(reg)?;
    check_service(store, reg.service_code.as_deref()).await?;
    let random = new_token().ok_or(RegistrationError::Random)?;
    let slug: String = domain::text::slugify(&reg.name).chars().take(24).collect();
    let id = format!("{}-{}", if slug.is_empty() { "app" } else { slug.trim_end_matches('-') }, &random[..12]);
    let secret = if reg.public { None } else { Some(new_token().ok_or(RegistrationError::Random)?) };
    let client = NewClient {
        id,
        name: reg.name.trim().to_string(),
        secret_hash: secret.as_deref().map(token_hash),
        redirect_uris: reg.redirect_uris.clone(),
        post_logout_redirect_uris: reg.post_logout_redirect_uris.clone(),
        allow_nik: reg.allow_nik,
        service_code: reg.service_code.clone(),
    };
    let created = store.create_client(&client, actor, Utc::now()).await?;
    Ok((created, secret))
}

/// A new secret for a confidential client (the old one stops working).
pub async fn new_secret(store: &Store, client_id: &str, actor: &str) -> Result<String, RegistrationError> {
    let secret = new_token().ok_or(RegistrationError::Random)?;
    store.set_client_secret(client_id, &token_hash(&secret), actor, Utc::now()).await?;
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris() {
        assert!(check_redirect_uri("https://sipintar.bogorkota.go.id/callback").is_ok());
        assert!(check_redirect_uri("http://127.0.0.1:8765/cb").is_ok());
        assert!(check_redirect_uri("http://localhost/cb").is_ok());
        assert!(check_redirect_uri("id.go.bogorkota.sipintar:/oauth").is_ok());
        assert!(check_redirect_uri("http://sipintar.bogorkota.go.id/cb").is_err());
        assert!(check_redirect_uri("https://app.example/cb#x").is_err());
        assert!(check_redirect_uri("javascript:alert(1)").is_err());
        assert!(check_redirect_uri("myapp:/cb").is_err());
        assert!(check_redirect_uri("/relative").is_err());
    }
}
