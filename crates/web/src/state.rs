//! What every handler can reach.

use std::sync::Arc;

use metrics_exporter_prometheus::PrometheusHandle;
use store::Store;

/// Settings the web layer needs; the binary fills them from its configuration.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// The city shown in titles, e.g. "Kota Bogor".
    pub city_name: String,
    /// How many applications the programme means to integrate (327 for Bogor).
    pub programme_target: u64,
    /// The year the programme means to reach its target.
    pub programme_target_year: i32,
    /// Whether the catalog is the sample demo city (the portal says so on every page).
    pub demo: bool,
    /// Mark cookies `Secure` (set when the portal is served over HTTPS).
    pub secure_cookies: bool,
    /// Proxies whose `X-Forwarded-For` names the client (for rate limits and logs).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Encrypts personal data at rest (the NIK).
    pub sealer: crate::auth::seal::Sealer,
    /// The address people reach the portal at, for links in e-mails; the OIDC issuer.
    pub public_url: String,
    /// Where files attached to requests are kept (content-addressed).
    pub files_dir: std::path::PathBuf,
    /// The start of every tracking code (`BGR` in `BGR-7KQ4-M2X`).
    pub tracking_prefix: domain::request::TrackingPrefix,
    /// The assistant's name, as it introduces itself ("Talas").
    pub assistant_name: String,
    /// Seals OIDC access tokens (derived from the same server key as the sealer).
    pub access_key: crate::oidc::access::AccessKey,
    /// Talas on Telegram (`None`: not configured, its webhook is a 404).
    pub telegram: Option<crate::talas::channels::TelegramHook>,
    /// Talas on WhatsApp (`None`: not configured, its webhook is a 404).
    pub whatsapp: Option<crate::talas::channels::WhatsAppHook>,
    /// The API gateway's limits and circuit breaker settings.
    pub gateway: crate::gateway::GatewaySettings,
}

impl Default for WebSettings {
    fn default() -> Self {
        Self {
            city_name: "Kota Bogor".into(),
            programme_target: 327,
            programme_target_year: 2025,
            demo: false,
            secure_cookies: false,
            trusted_proxies: Vec::new(),
            // Tests and embedders that never store a NIK; `satupintu serve` passes its key.
            sealer: crate::auth::seal::Sealer::new(&[0u8; 32]),
            public_url: "http://127.0.0.1:8080".into(),
            access_key: crate::oidc::access::AccessKey::derive(&[0u8; 32]),
            files_dir: std::env::temp_dir().join("satupintu-berkas"),
            assistant_name: "Talas".into(),
            telegram: None,
            whatsapp: None,
            gateway: crate::gateway::GatewaySettings::default(),
            tracking_prefix: domain::request::TrackingPrefix::parse("BGR")
                .unwrap_or_else(|_| unreachable!("BGR is a valid prefix")),
        }
    }
}

/// Shared state: cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// Cached catalog reads; handlers read the catalog through this.
    pub catalog: crate::catalog::Catalog,
    /// The search index, kept fresh from the change feed.
    pub search: crate::search::SearchService,
    /// Catalog change notifications; poke it after a write made by this process.
    pub feed: crate::feed::ChangeFeed,
    pub settings: Arc<WebSettings>,
    /// Sign-in and sign-up rate limits.
    pub limiter: Arc<crate::auth::limit::Limiter>,
    /// Recent look-ups of requests by tracking code (kept a second).
    pub lookups: Arc<crate::requests::LookupCache>,
    /// The OpenID Connect signing keys (loaded on first use).
    pub oidc_keys: Arc<crate::oidc::keys::KeyRing>,
    /// The API gateway: its client pool, route table, limits, breakers and log writer.
    pub(crate) gateway: Arc<crate::gateway::Gateway>,
    pub(crate) metrics: PrometheusHandle,
    /// Uptime and daily bars of the monitored applications, computed at most every
    /// half minute for every page that shows them.
    pub health: Arc<crate::monitoring::HistoryCache>,
}

impl AppState {
    /// After a catalog write made by this process: the read cache forgets at once and
    /// the change feed checks the revision now (the search index follows it).
    pub fn catalog_changed(&self) {
        self.catalog.invalidate();
        self.feed.poke();
    }

    /// Builds the state: starts the change feed, the read cache and the search index
    /// (built from the database now). Call inside a Tokio runtime.
    pub async fn new(store: Store, settings: WebSettings) -> Result<Self, crate::search::SearchServiceError> {
        let revision = store.catalog_revision().await?;
        let feed = crate::feed::ChangeFeed::start(store.clone(), revision);
        let search = crate::search::SearchService::start(store.clone(), &feed).await?;
        let gateway = Arc::new(crate::gateway::Gateway::new(store.clone(), settings.gateway.clone()));
        Ok(Self {
            gateway,
            catalog: crate::catalog::Catalog::new(store.clone(), &feed),
            search,
            feed,
            store,
            settings: Arc::new(settings),
            limiter: Arc::default(),
            oidc_keys: Arc::default(),
            lookups: Arc::default(),
            health: Arc::default(),
            metrics: crate::middleware::metrics_handle(),
        })
    }
}
