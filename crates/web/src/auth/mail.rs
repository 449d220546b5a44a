//! E-mails about an account (verify the address, reset the password), written to the
//! outbox in the same transaction as their one-time link; a worker delivers them.

use chrono::{Duration, Utc};
use serde::{Deserialize, Serialize};

use super::session;
use crate::i18n::Tr;
use crate::state::AppState;

/// What the outbox carries for an e-mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// How long links stay valid.
pub const VERIFY_FOR: Duration = Duration::hours(48);
pub const RESET_FOR: Duration = Duration::hours(1);

/// Queues a one-time link for `purpose` (`verify` or `reset`) to `email`.
pub async fn send_link(
    state: &AppState,
    t: Tr,
    user_id: &str,
    name: &str,
    email: &str,
    purpose: &str,
) -> Result<(), store::StoreError> {
    let Some(token) = session::new_token() else {
        return Err(store::StoreError::Corrupt { column: "random", reason: "no randomness".into() });
    };
    let base = state.settings.public_url.trim_end_matches('/');
    let (path, valid_for, subject_key, body_key) = match purpose {
        "reset" => ("/atur-sandi", RESET_FOR, "mail-reset-subject", "mail-reset-body"),
        _ => ("/akun/verifikasi", VERIFY_FOR, "mail-verify-subject", "mail-verify-body"),
    };
    let link = format!("{base}{path}?token={token}");
    let mail = Mail {
        to: email.to_string(),
        subject: t.get(subject_key),
        body: t.args(
            body_key,
            &[("name", name.to_string()), ("link", link), ("hours", valid_for.num_hours().to_string())],
        ),
    };
    let payload = serde_json::to_string(&mail).unwrap_or_default();
    state
        .store
        .create_email_token(&session::token_hash(&token), user_id, purpose, email, Utc::now() + valid_for, &payload)
        .await
}
