//! Authorization by role, structural: an admin handler takes an [`Admin`], which only a
//! signed-in admin can produce; there is no way to reach the handler body without it.

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use domain::identity::Role;
use store::User;

use super::session::CurrentUser;
use crate::error::PageError;
use crate::i18n::Lang;
use crate::state::AppState;

/// A signed-in admin.
pub struct Admin(pub User);

/// Agency staff: a signed-in operator, with the agencies they work for, or an admin, who
/// works for every agency. Back-office store reads take `agencies`, so what an operator
/// may see is decided in the query, not after it.
pub struct Operator {
    pub user: User,
    /// Agency codes, never empty.
    pub agencies: Vec<String>,
}

/// Anyone signed in (any role).
pub struct SignedIn(pub User);

/// Where to come back to after signing in: the page itself for a GET, the account page
/// after a form post (a post cannot be replayed by a redirect).
fn back_to(parts: &Parts) -> String {
    if parts.method == axum::http::Method::GET { parts.uri.path().to_string() } else { "/akun".to_string() }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Refused;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await.unwrap_or(CurrentUser(None));
        user.map(Self).ok_or_else(|| Refused::SignIn(back_to(parts)))
    }
}

/// Why a role-protected page was refused.
pub enum Refused {
    /// Not signed in: go sign in, then come back.
    SignIn(String),
    /// Signed in without the role.
    Forbidden(Lang),
    /// The role could not be checked (the store failed): a logged 500.
    Failed(Lang, String),
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Self::SignIn(back) => {
                let back: String = url::form_urlencoded::byte_serialize(back.as_bytes()).collect();
                (StatusCode::SEE_OTHER, [(LOCATION, format!("/masuk?kembali={back}"))]).into_response()
            }
            Self::Forbidden(lang) => PageError::forbidden(lang).into_response(),
            Self::Failed(lang, detail) => {
                PageError { lang, kind: crate::error::PageErrorKind::Internal(detail) }.into_response()
            }
        }
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = Refused;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let lang = Lang::from_request_parts(parts, state).await.unwrap_or_default();
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await.unwrap_or(CurrentUser(None));
        match user {
            Some(user) if user.role == Role::Admin => Ok(Self(user)),
            Some(_) => Err(Refused::Forbidden(lang)),
            None => Err(Refused::SignIn(back_to(parts))),
        }
    }
}

impl FromRequestParts<AppState> for Operator {
    type Rejection = Refused;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let lang = Lang::from_request_parts(parts, state).await.unwrap_or_default();
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await.unwrap_or(CurrentUser(None));
        match user {
            // An operator without an agency (possible only through old data) has nothing
            // to work on: refused rather than shown an empty office.
            Some(user) if user.role == Role::Operator && !user.agencies.is_empty() => {
                let agencies = user.agencies.clone();
                Ok(Self { user, agencies })
            }
            Some(user) if user.role == Role::Admin => {
                let all = state.catalog.list_agencies().await.map_err(|e| Refused::Failed(lang, e.to_string()))?;
                let agencies = all.iter().map(|a| a.agency.code.to_string()).collect();
                Ok(Self { user, agencies })
            }
            Some(_) => Err(Refused::Forbidden(lang)),
            None => Err(Refused::SignIn(back_to(parts))),
        }
    }
}
