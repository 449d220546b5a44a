//! "Aplikasi yang terhubung": the applications a person let in with satupintu, and
//! withdrawing that permission.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;

use super::account::{field, form, internal, see_other};
use crate::auth::roles::SignedIn;
use crate::error::PageError;
use crate::state::AppState;
use crate::views::PageCtx;

pub struct AppRow {
    pub client_id: String,
    pub name: String,
    pub scopes: String,
    pub since: String,
    pub last_used: String,
}

/// The person's connected applications, scopes in words.
pub(super) async fn rows(state: &AppState, ctx: &PageCtx, user_id: &str) -> Result<Vec<AppRow>, PageError> {
    let t = ctx.tr();
    let grants = state.store.app_grants(user_id).await.map_err(|e| internal(ctx, e))?;
    Ok(grants
        .into_iter()
        .map(|g| AppRow {
            scopes: store::oidc::scopes(&g.scope)
                .into_iter()
                .filter(|s| !["openid", "offline_access"].contains(s))
                .map(|s| t.get(&format!("account-scope-{s}")))
                .collect::<Vec<_>>()
                .join(", "),
            since: g.created_at.format("%d-%m-%Y").to_string(),
            last_used: g.last_used_at.format("%d-%m-%Y %H:%M").to_string(),
            client_id: g.client_id,
            name: g.client_name,
        })
        .collect())
}

/// Withdraws consent: the application's tokens for this person stop working at once.
/// The store query is scoped to the signed-in person, so nobody can revoke for another.
pub async fn revoke(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    body: Bytes,
) -> Result<Response, PageError> {
    let fields = form(&body);
    let client_id = field(&fields, "client_id");
    state.store.revoke_app(&user.id, client_id).await.map_err(|e| internal(&ctx, e))?;
    Ok(see_other("/akun?tersimpan=aplikasi", None))
}
