//! Who is calling the JSON API: a person signed in through an app (a satupintu OIDC
//! access token, `Authorization: Bearer …`, as the iOS and Android apps send) or in the
//! browser (the session cookie). A bad token is an error, not an anonymous call.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use chrono::Utc;
use store::User;

use super::session::CurrentUser;
use crate::error::ApiError;
use crate::state::AppState;

/// The caller, if any.
#[derive(Clone)]
pub struct ApiCaller(pub Option<User>);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(AUTHORIZATION) else {
            let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await.unwrap_or(CurrentUser(None));
            return Ok(Self(user));
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .ok_or(ApiError::Unauthorized("gunakan Authorization: Bearer dengan token akses satupintu"))?;
        let now = Utc::now();
        let access = state
            .settings
            .access_key
            .open(token)
            .filter(|a| a.expires > now.timestamp())
            .ok_or(ApiError::Unauthorized("token akses tidak dikenal, kedaluwarsa, atau dicabut"))?;
        let holder = state
            .store
            .access_holder(&access.user_id, &access.family, now)
            .await?
            .ok_or(ApiError::Unauthorized("token akses tidak dikenal, kedaluwarsa, atau dicabut"))?;
        Ok(Self(Some(holder.user)))
    }
}
