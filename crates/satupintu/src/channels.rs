//! The outbox worker for Talas's chat channels: claims the `telegram` and `whatsapp` rows
//! the webhooks wrote with each turn and calls the Bot API (`{base}/bot{token}/{method}`)
//! or the Cloud API (`{base}/{phone_number_id}/messages`, with a bearer token).
//!
//! A 429, a 5xx or a network failure is retried with the agency deliveries' back-off
//! (Telegram's `retry_after` is honoured), and given up into a dead letter after the same
//! time; any other refusal (a blocked bot, an unknown chat) is a dead letter at once, with
//! the platform's reason. A person's replies keep their order: when one fails, the ones
//! after it in the batch wait with it. WhatsApp messages go out only within 24 hours of the
//! person's last message (templates, which could go later, are not sent).

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;
use store::Store;
use store::outbox::OutboxMessage;
use web::talas::channels::{telegram, whatsapp};

use crate::config::Settings;
use crate::delivery::Policy;

/// How often the worker looks for replies to send.
const POLL: Duration = Duration::from_millis(250);
const TIMEOUT: Duration = Duration::from_secs(15);
/// Telegram methods the worker calls (the payload names one).
const TELEGRAM_METHODS: &[&str] = &["sendMessage", "answerCallbackQuery"];

/// The Bot API as configured.
#[derive(Clone)]
pub struct TelegramApi {
    pub base: String,
    pub token: String,
}

/// The Cloud API as configured.
#[derive(Clone)]
pub struct WhatsAppApi {
    pub base: String,
    pub access_token: String,
    pub phone_number_id: String,
}

/// The chat channels the settings turn on: what the webhooks check and where the worker
/// sends.
#[derive(Default)]
pub struct Channels {
    pub telegram: Option<(web::talas::channels::TelegramHook, TelegramApi)>,
    pub whatsapp: Option<(web::talas::channels::WhatsAppHook, WhatsAppApi)>,
}

fn secret(value: &Option<crate::config::Secret>) -> Option<String> {
    value.as_ref().map(|s| s.expose().trim().to_string()).filter(|s| !s.is_empty())
}

/// Reads the channel settings: a channel is on when all its secrets are set; some but not
/// all set is logged (its webhook stays a 404); a secret token Telegram would refuse is an
/// error.
pub fn configured(settings: &Settings) -> anyhow::Result<Channels> {
    let mut channels = Channels::default();
    match (secret(&settings.telegram_bot_token), secret(&settings.telegram_secret_token)) {
        (Some(token), Some(secret_token)) => {
            let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
            if secret_token.len() > 256 || !secret_token.chars().all(allowed) {
                anyhow::bail!("telegram_secret_token: use 1–256 characters of A-Z, a-z, 0-9, _ and -");
            }
            let hook = web::talas::channels::TelegramHook { secret_token };
            channels.telegram = Some((hook, TelegramApi { base: settings.telegram_api_base.clone(), token }));
        }
        (None, None) => {}
        _ => tracing::warn!("Telegram is off: set both telegram_bot_token and telegram_secret_token"),
    }
    let whatsapp = (
        secret(&settings.whatsapp_verify_token),
        secret(&settings.whatsapp_app_secret),
        secret(&settings.whatsapp_access_token),
        settings.whatsapp_phone_number_id.as_ref().map(|p| p.trim().to_string()).filter(|p| !p.is_empty()),
    );
    match whatsapp {
        (Some(verify_token), Some(app_secret), Some(access_token), Some(phone_number_id)) => {
            let hook = web::talas::channels::WhatsAppHook {
                verify_token,
                app_secret,
                phone_number_id: phone_number_id.clone(),
            };
            let api = WhatsAppApi { base: settings.whatsapp_api_base.clone(), access_token, phone_number_id };
            channels.whatsapp = Some((hook, api));
        }
        (None, None, None, None) => {}
        _ => tracing::warn!(
            "WhatsApp is off: set whatsapp_verify_token, whatsapp_app_secret, whatsapp_access_token and \
             whatsapp_phone_number_id"
        ),
    }
    Ok(channels)
}

/// What one attempt came to.
#[derive(Debug, PartialEq)]
enum Outcome {
    Sent,
    /// Worth trying again (not before `after`, when the platform says so).
    Retry {
        error: String,
        after: Option<chrono::Duration>,
    },
    /// Refused for good.
    Refused(String),
}

pub struct ChannelSender {
    client: reqwest::Client,
    policy: Policy,
    telegram: Option<TelegramApi>,
    whatsapp: Option<WhatsAppApi>,
}

/// Who a payload goes to, for keeping each person's replies in order.
fn recipient(payload: &Value) -> String {
    let body = &payload["body"];
    [&body["chat_id"], &body["to"], &body["recipient"], &body["callback_query_id"]]
        .into_iter()
        .find(|v| !v.is_null())
        .map(Value::to_string)
        .unwrap_or_default()
}

/// Reads an error's text without its URL (the Bot API's URL holds the bot's token).
fn network_error(e: reqwest::Error) -> String {
    e.without_url().to_string()
}

impl ChannelSender {
    pub fn new(policy: Policy, telegram: Option<TelegramApi>, whatsapp: Option<WhatsAppApi>) -> anyhow::Result<Self> {
        // rustls with ring: installed once for the process (a second install is a no-op).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder().timeout(TIMEOUT).build()?;
        Ok(Self { client, policy, telegram, whatsapp })
    }

    async fn telegram(&self, api: &TelegramApi, payload: &Value) -> Outcome {
        let method = payload["method"].as_str().unwrap_or_default();
        if !TELEGRAM_METHODS.contains(&method) {
            return Outcome::Refused(format!("unknown Bot API method {method:?}"));
        }
        let url = format!("{}/bot{}/{method}", api.base.trim_end_matches('/'), api.token);
        let response = match self.client.post(url).json(&payload["body"]).send().await {
            Ok(response) => response,
            Err(e) => return Outcome::Retry { error: network_error(e), after: None },
        };
        let status = response.status();
        let answer: Value = response.json().await.unwrap_or_default();
        if status.is_success() && answer["ok"] != Value::Bool(false) {
            return Outcome::Sent;
        }
        let description = answer["description"].as_str().unwrap_or_default();
        let error = format!("Bot API {method}: HTTP {}: {description}", status.as_u16());
        if status.as_u16() == 429 || status.is_server_error() {
            let after = answer["parameters"]["retry_after"].as_i64().map(chrono::Duration::seconds);
            Outcome::Retry { error, after }
        } else {
            Outcome::Refused(error)
        }
    }

    async fn whatsapp(&self, store: &Store, api: &WhatsAppApi, payload: &Value) -> Result<Outcome, store::StoreError> {
        let conversation = match payload["sender"].as_str() {
            Some(sender) => store.conversation(whatsapp::KIND, sender).await?,
            None => {
                let body = &payload["body"];
                let address = body["to"].as_str().or_else(|| body["recipient"].as_str()).unwrap_or_default();
                store.conversation_at(whatsapp::KIND, address).await?
            }
        };
        let last = conversation.and_then(|c| c.last_inbound_at);
        if !whatsapp::window_open(last, Utc::now()) {
            let since = last.map_or_else(|| "never".to_string(), |at| at.to_rfc3339());
            return Ok(Outcome::Refused(format!(
                "outside WhatsApp's 24-hour customer-service window (the person last wrote: {since}); \
                 only template messages may be sent then, and satupintu sends none"
            )));
        }
        let url = format!("{}/{}/messages", api.base.trim_end_matches('/'), api.phone_number_id);
        let response = match self.client.post(url).bearer_auth(&api.access_token).json(&payload["body"]).send().await {
            Ok(response) => response,
            Err(e) => return Ok(Outcome::Retry { error: network_error(e), after: None }),
        };
        let status = response.status();
        if status.is_success() {
            return Ok(Outcome::Sent);
        }
        let answer: Value = response.json().await.unwrap_or_default();
        let error = format!(
            "Cloud API messages: HTTP {}: {} {}",
            status.as_u16(),
            answer["error"]["code"].as_i64().map(|c| format!("({c})")).unwrap_or_default(),
            answer["error"]["message"].as_str().unwrap_or_default()
        );
        Ok(if status.as_u16() == 429 || status.is_server_error() {
            Outcome::Retry { error, after: None }
        } else {
            Outcome::Refused(error)
        })
    }

    async fn attempt(
        &self,
        store: &Store,
        message: &OutboxMessage,
        payload: &Value,
    ) -> Result<Outcome, store::StoreError> {
        Ok(match (message.kind.as_str(), &self.telegram, &self.whatsapp) {
            (telegram::KIND, Some(api), _) => self.telegram(api, payload).await,
            (whatsapp::KIND, _, Some(api)) => self.whatsapp(store, api, payload).await?,
            _ => Outcome::Retry { error: "channel not configured".into(), after: None },
        })
    }

    /// Sends one claimed message and records what came of it; returns when to try the
    /// person's next message if this one must wait.
    async fn handle(&self, store: &Store, message: &OutboxMessage) -> Result<Option<DateTime<Utc>>, store::StoreError> {
        let Ok(payload) = serde_json::from_str::<Value>(&message.payload) else {
            store.outbox_dead(message, "payload is not JSON", Utc::now()).await?;
            return Ok(None);
        };
        let outcome = self.attempt(store, message, &payload).await?;
        let now = Utc::now();
        match outcome {
            Outcome::Sent => store.outbox_sent(&message.id, now).await?,
            // A button press answered too late is no one's loss.
            Outcome::Refused(error) if payload["method"] == "answerCallbackQuery" => {
                tracing::info!(%error, "button press not answered");
                store.outbox_sent(&message.id, now).await?;
            }
            Outcome::Refused(error) => {
                tracing::warn!(kind = %message.kind, id = %message.id, %error, "chat message refused: dead letter");
                store.outbox_dead(message, &error, now).await?;
            }
            Outcome::Retry { error, .. } if now - message.created_at >= self.policy.give_up_after => {
                tracing::error!(kind = %message.kind, id = %message.id, %error, "chat message given up: dead letter");
                store.outbox_dead(message, &error, now).await?;
            }
            Outcome::Retry { error, after } => {
                let mut at = self.policy.retry_at(message.attempts, now);
                if let Some(after) = after {
                    // The outbox keeps whole seconds: a second more, so it is never early.
                    at = at.max(now + after + chrono::Duration::seconds(1));
                }
                tracing::warn!(kind = %message.kind, attempts = message.attempts + 1, %error, "chat message not sent; will retry");
                store.outbox_failed_until(message, &error, at).await?;
                return Ok(Some(at));
            }
        }
        Ok(None)
    }

    async fn work(&self, store: &Store, worker: &str, kind: &str) -> usize {
        let mut claimed = match store.claim_outbox(worker, kind, 50, Utc::now()).await {
            Ok(claimed) => claimed,
            Err(e) => {
                tracing::warn!(error = %e, "outbox not readable");
                return 0;
            }
        };
        claimed.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        let count = claimed.len();
        // A person whose earlier message must wait: their later ones wait with it.
        let mut waiting: HashMap<String, DateTime<Utc>> = HashMap::new();
        for message in claimed {
            let who = serde_json::from_str::<Value>(&message.payload).map(|p| recipient(&p)).unwrap_or_default();
            let result = match waiting.get(&who) {
                Some(until) if !who.is_empty() => store.outbox_defer(&message.id, *until).await,
                _ => match self.handle(store, &message).await {
                    Ok(Some(until)) => {
                        waiting.insert(who, until);
                        Ok(())
                    }
                    Ok(None) => Ok(()),
                    Err(e) => Err(e),
                },
            };
            if let Err(e) = result {
                tracing::warn!(error = %e, "outbox state not saved");
            }
        }
        count
    }

    /// Runs until the store closes.
    pub async fn run(self, store: Store) {
        let worker = format!("channels-{}", std::process::id());
        let mut kinds = Vec::new();
        if self.telegram.is_some() {
            kinds.push(telegram::KIND);
        }
        if self.whatsapp.is_some() {
            kinds.push(whatsapp::KIND);
        }
        let mut idle = true;
        loop {
            // A backlog is worked through without pausing; an empty outbox is polled.
            if idle {
                tokio::time::sleep(POLL).await;
            }
            if store.is_closed() {
                return;
            }
            let mut done = 0;
            for kind in &kinds {
                done += self.work(&store, &worker, kind).await;
            }
            idle = done == 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn channels_are_on_when_all_their_secrets_are_set() {
        use crate::config::Secret;
        let mut s = Settings::default();
        let none = configured(&s).unwrap_or_default();
        assert!(none.telegram.is_none() && none.whatsapp.is_none());
        s.telegram_bot_token = Some(Secret::new("123:abc"));
        assert!(configured(&s).unwrap_or_default().telegram.is_none(), "no secret token: off");
        s.telegram_secret_token = Some(Secret::new("rahasia_Uji-1"));
        s.whatsapp_verify_token = Some(Secret::new("v"));
        s.whatsapp_app_secret = Some(Secret::new("a"));
        s.whatsapp_access_token = Some(Secret::new("t"));
        let partial = configured(&s).unwrap_or_default();
        assert!(partial.telegram.is_some() && partial.whatsapp.is_none(), "no phone number id: off");
        s.whatsapp_phone_number_id = Some("1065".into());
        let on = configured(&s).unwrap_or_default();
        assert_eq!(
            on.whatsapp.map(|(hook, api)| (hook.phone_number_id, api.phone_number_id)),
            Some(("1065".into(), "1065".into()))
        );
        s.telegram_secret_token = Some(Secret::new("bukan rahasia yang sah!"));
        assert!(configured(&s).is_err(), "Telegram would refuse this secret token");
    }

    #[test]
    fn recipients_of_payloads() {
        assert_eq!(recipient(&json!({"body": {"chat_id": 42, "text": "x"}})), "42");
        assert_eq!(recipient(&json!({"body": {"to": "62811"}})), "\"62811\"");
        assert_eq!(recipient(&json!({"body": {"recipient": "ID.1"}})), "\"ID.1\"");
        assert_eq!(recipient(&json!({})), "");
    }
}
