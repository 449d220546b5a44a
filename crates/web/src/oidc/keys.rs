//! The provider's signing keys: generated on first use, sealed at rest, rotated after
//! [`ROTATE_AFTER`] or on demand, and published until every ID token they signed has
//! expired.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, Utc};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::{PrivateKey, PublicKey};
use serde_json::{Value, json};
use store::Store;
use store::oidc::StoredKey;
use tokio::sync::{Mutex, RwLock};

use crate::auth::seal::Sealer;

/// A signing key is replaced after this long.
pub const ROTATE_AFTER: Duration = Duration::days(90);
/// A retired key stays published this long: longer than any ID token lives, and long
/// enough to check the `id_token_hint` of someone signing out a little later.
pub const KEEP_RETIRED: Duration = Duration::days(2);
/// How long a process trusts its copy of the keys before reading them again (another
/// process may have rotated).
const RELOAD_AFTER: StdDuration = StdDuration::from_secs(60);
const KEY_BITS: usize = 2048;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("signing key: {0}")]
    Crypto(String),
}

/// The keys as loaded: the one that signs and every published public key.
pub struct Keys {
    pub signing: Arc<PrivateKey>,
    pub kid: String,
    pub public: HashMap<String, PublicKey>,
    /// The JWKS document, serialised once.
    pub jwks: Arc<String>,
    loaded: Instant,
}

/// Shared by every request of a process.
#[derive(Default)]
pub struct KeyRing {
    current: RwLock<Option<Arc<Keys>>>,
    /// One generation at a time within a process.
    generating: Mutex<()>,
}

fn seal_owner(kid: &str) -> String {
    format!("oidc-key:{kid}")
}

/// A new key pair, sealed for storage. Generation takes a while: runs on a blocking thread.
pub async fn generate(sealer: &Sealer, now: DateTime<Utc>) -> Result<StoredKey, KeyError> {
    let private = tokio::task::spawn_blocking(|| PrivateKey::new(&mut getrandom04::SysRng, KEY_BITS))
        .await
        .map_err(|e| KeyError::Crypto(e.to_string()))?
        .map_err(|e| KeyError::Crypto(e.to_string()))?;
    let (kid, jwk) = crate::oidc::jws::public_jwk(&private.to_public_key());
    let pem = private.to_pkcs8_pem(LineEnding::LF).map_err(|e| KeyError::Crypto(e.to_string()))?;
    let sealed = sealer.seal(&pem, &seal_owner(&kid)).ok_or_else(|| KeyError::Crypto("sealing failed".into()))?;
    Ok(StoredKey { kid, sealed_private_key: sealed, public_jwk: jwk.to_string(), created_at: now, retired_at: None })
}

/// Generates a key and makes it the signing key (`satupintu oidc key rotate`, and the
/// automatic rotation). Returns the new `kid`.
pub async fn rotate(store: &Store, sealer: &Sealer) -> Result<String, KeyError> {
    let key = generate(sealer, Utc::now()).await?;
    store.add_signing_key(&key).await?;
    Ok(key.kid)
}

fn load(stored: &[StoredKey], sealer: &Sealer) -> Result<Option<Keys>, KeyError> {
    let Some(active) = stored.iter().find(|k| k.retired_at.is_none()) else { return Ok(None) };
    let pem = sealer
        .open(&active.sealed_private_key, &seal_owner(&active.kid))
        .ok_or_else(|| KeyError::Crypto("the signing key does not open with this server's key (nik_key)".into()))?;
    let signing = PrivateKey::from_pkcs8_pem(&pem).map_err(|e| KeyError::Crypto(e.to_string()))?;
    let mut public = HashMap::new();
    let mut jwks = Vec::new();
    for key in stored {
        let jwk: Value = serde_json::from_str(&key.public_jwk).map_err(|e| KeyError::Crypto(e.to_string()))?;
        if key.kid == active.kid {
            public.insert(key.kid.clone(), signing.to_public_key());
        } else if let Some(pk) = public_from_jwk(&jwk) {
            public.insert(key.kid.clone(), pk);
        }
        jwks.push(jwk);
    }
    Ok(Some(Keys {
        signing: Arc::new(signing),
        kid: active.kid.clone(),
        public,
        jwks: Arc::new(json!({ "keys": jwks }).to_string()),
        loaded: Instant::now(),
    }))
}

fn public_from_jwk(jwk: &Value) -> Option<PublicKey> {
    use base64::Engine;
    let decode = |field: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(jwk.get(field)?.as_str()?).ok();
    let n = rsa::BoxedUint::from_be_slice_vartime(&decode("n")?);
    let e = rsa::BoxedUint::from_be_slice_vartime(&decode("e")?);
    PublicKey::new(n, e).ok()
}

impl KeyRing {
    /// The current keys, generating the first one (or the next, when the signing key is
    /// older than [`ROTATE_AFTER`]) as needed.
    pub async fn keys(&self, store: &Store, sealer: &Sealer) -> Result<Arc<Keys>, KeyError> {
        if let Some(keys) = self.current.read().await.as_ref()
            && keys.loaded.elapsed() < RELOAD_AFTER
        {
            return Ok(keys.clone());
        }
        let _one = self.generating.lock().await;
        if let Some(keys) = self.current.read().await.as_ref()
            && keys.loaded.elapsed() < RELOAD_AFTER
        {
            return Ok(keys.clone());
        }
        let now = Utc::now();
        let mut stored = store.signing_keys(now, KEEP_RETIRED).await?;
        let stale = stored.iter().find(|k| k.retired_at.is_none()).is_none_or(|k| now - k.created_at > ROTATE_AFTER);
        if stale {
            rotate(store, sealer).await?;
            stored = store.signing_keys(now, KEEP_RETIRED).await?;
        }
        let keys = Arc::new(load(&stored, sealer)?.ok_or_else(|| KeyError::Crypto("no signing key".into()))?);
        *self.current.write().await = Some(keys.clone());
        Ok(keys)
    }
}
