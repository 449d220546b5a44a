//! Who is calling: a satupintu OIDC access token (a person, through an application) or an
//! API key (an application on its own). A token is checked by its seal, and whether its
//! sign-in still stands (not revoked or withdrawn, the account not removed) is looked up
//! and remembered for [`KEY_CACHE_FOR`]; keys are looked up by hash and remembered as long.
//! So a revoked key or sign-in stops working within that time, at one query per key or
//! sign-in per period, not one per call.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, header};
use store::Store;

use crate::oidc::access::AccessKey;

pub const KEY_CACHE_FOR: Duration = Duration::from_secs(10);
/// Unknown keys are remembered too (a flood of made-up keys costs no queries); the cache is
/// emptied when it grows past this.
const MAX_CACHED: usize = 50_000;

/// A verified caller.
#[derive(Debug, Clone)]
pub struct Consumer {
    /// `key:{id}` or `oidc:{client id}`: the log's and metrics' consumer.
    pub id: String,
    /// The person behind an OIDC token (empty for a key).
    pub user: String,
    /// The OIDC token's scope (empty for a key).
    pub scope: String,
    /// Whose bucket a call is taken from: the key, or the person.
    pub bucket: String,
    /// Calls a minute (`None`: the gateway's default).
    pub rate_per_minute: Option<u32>,
    /// The applications a key may call (`None`: all).
    pub apps: Option<Vec<String>>,
}

impl Consumer {
    pub fn may_call(&self, app: &str) -> bool {
        self.apps.as_ref().is_none_or(|apps| apps.iter().any(|a| a == app))
    }
}

/// Why a caller is refused: no credential or a bad one (401), or none could be checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Missing,
    Invalid,
    /// The database did not answer (not the caller's fault).
    Fault,
}

/// Answers the database gave, by key, each trusted for [`KEY_CACHE_FOR`].
struct Recent<V> {
    answers: Mutex<HashMap<String, (Instant, V)>>,
}

impl<V> Default for Recent<V> {
    fn default() -> Self {
        Self { answers: Mutex::default() }
    }
}

impl<V: Clone> Recent<V> {
    fn get(&self, key: &str, now: Instant) -> Option<V> {
        let answers = self.answers.lock().ok()?;
        let (at, value) = answers.get(key)?;
        (now.duration_since(*at) < KEY_CACHE_FOR).then(|| value.clone())
    }

    fn keep(&self, key: String, value: V, now: Instant) {
        if let Ok(mut answers) = self.answers.lock() {
            if answers.len() >= MAX_CACHED {
                answers.clear();
            }
            answers.insert(key, (now, value));
        }
    }
}

#[derive(Default)]
pub struct KeyCache {
    /// Keys by hash: the consumer, or `None` for no such live key.
    keys: Recent<Option<Arc<Consumer>>>,
    /// Sign-ins (token families) by id: whether they stood.
    sign_ins: Recent<bool>,
}

/// The credential in `Authorization: Bearer …` or `X-Api-Key`.
fn credential(headers: &HeaderMap) -> Option<&str> {
    if let Some(auth) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let (scheme, value) = auth.split_once(' ')?;
        return scheme.eq_ignore_ascii_case("bearer").then(|| value.trim());
    }
    headers.get("x-api-key").and_then(|v| v.to_str().ok()).map(str::trim)
}

impl KeyCache {
    /// The caller `headers` name, verified.
    pub async fn identify(
        &self,
        headers: &HeaderMap,
        access_key: &AccessKey,
        store: &Store,
    ) -> Result<Arc<Consumer>, Refusal> {
        let token = credential(headers).filter(|t| !t.is_empty()).ok_or(Refusal::Missing)?;
        if token.starts_with(crate::api_keys::PREFIX) {
            return self.key(token, store).await;
        }
        let claims = access_key.open(token).ok_or(Refusal::Invalid)?;
        if claims.expires <= chrono::Utc::now().timestamp() {
            return Err(Refusal::Invalid);
        }
        if !self.sign_in_stands(&claims.user_id, &claims.family, store).await? {
            return Err(Refusal::Invalid);
        }
        Ok(Arc::new(Consumer {
            id: format!("oidc:{}", claims.client_id),
            bucket: format!("user:{}", claims.user_id),
            user: claims.user_id,
            scope: claims.scope,
            rate_per_minute: None,
            apps: None,
        }))
    }

    /// Whether the sign-in a token belongs to still stands, as of at most
    /// [`KEY_CACHE_FOR`] ago.
    async fn sign_in_stands(&self, user_id: &str, family: &str, store: &Store) -> Result<bool, Refusal> {
        let now = Instant::now();
        if let Some(stands) = self.sign_ins.get(family, now) {
            return Ok(stands);
        }
        let stands = match store.access_holder(user_id, family, chrono::Utc::now()).await {
            Ok(holder) => holder.is_some(),
            Err(error) => {
                tracing::error!(%error, "gateway: looking up a sign-in failed");
                return Err(Refusal::Fault);
            }
        };
        self.sign_ins.keep(family.to_string(), stands, now);
        Ok(stands)
    }

    async fn key(&self, key: &str, store: &Store) -> Result<Arc<Consumer>, Refusal> {
        let hash = crate::api_keys::hash(key);
        let now = Instant::now();
        if let Some(found) = self.keys.get(&hash, now) {
            return found.ok_or(Refusal::Invalid);
        }
        let found = match store.gateway_consumer_by_hash(&hash).await {
            Ok(found) => found.map(|c| {
                Arc::new(Consumer {
                    id: format!("key:{}", c.id),
                    user: String::new(),
                    scope: String::new(),
                    bucket: format!("key:{}", c.id),
                    rate_per_minute: c.rate_per_minute.map(|r| u32::try_from(r.max(0)).unwrap_or(u32::MAX)),
                    apps: c.apps,
                })
            }),
            Err(error) => {
                // Not the caller's fault, but no key can be vouched for now.
                tracing::error!(%error, "gateway: looking up an API key failed");
                return Err(Refusal::Fault);
            }
        };
        self.keys.keep(hash, found.clone(), now);
        found.ok_or(Refusal::Invalid)
    }
}
