//! One typed settings struct: defaults < file < `SATUPINTU_*` environment < command-line
//! flags. Unknown keys are errors, so a typo never silently falls back to a default.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;

/// A value that must never appear in logs (a database URL can carry a password).
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// The integration programme the portal reports on.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Programme {
    /// How many applications the programme means to integrate.
    pub target: u64,
    /// The year the target is due.
    pub target_year: i32,
}

impl Default for Programme {
    fn default() -> Self {
        Self { target: 327, target_year: 2025 }
    }
}

/// The API gateway (`/gw/{app}/…`). Rate limits and circuit breakers are kept per process.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Gateway {
    /// Calls a minute for a consumer without a rate of its own (OIDC users; keys without one).
    pub default_rate_per_minute: u32,
    /// Failures in a row (no answer, timeout, 502/503/504) that open an application's circuit.
    pub breaker_threshold: u32,
    /// How long an open circuit refuses calls before letting one trial through.
    pub breaker_cooldown_ms: u64,
    /// How long a caller may pause while sending a request body before it gets a 408.
    pub client_idle_timeout_ms: u64,
    /// Bytes a second a request body must average (after the first idle period), so a body
    /// trickled just inside the idle limit cannot hold an application's connection for
    /// hours; 0 turns the check off.
    pub min_body_bytes_per_second: u64,
    /// Extra tries for a bodiless GET/HEAD/OPTIONS/PUT/DELETE when the application could not be reached.
    pub retries: u32,
}

impl Default for Gateway {
    fn default() -> Self {
        Self {
            default_rate_per_minute: 600,
            breaker_threshold: 5,
            breaker_cooldown_ms: 10_000,
            client_idle_timeout_ms: 15_000,
            min_body_bytes_per_second: 1_024,
            retries: 2,
        }
    }
}

impl Gateway {
    /// The web layer's form of these settings.
    pub fn to_web(&self) -> web::gateway::GatewaySettings {
        web::gateway::GatewaySettings {
            default_rate_per_minute: self.default_rate_per_minute,
            breaker_threshold: self.breaker_threshold,
            breaker_cooldown: std::time::Duration::from_millis(self.breaker_cooldown_ms),
            client_idle_timeout: std::time::Duration::from_millis(self.client_idle_timeout_ms),
            min_body_bytes_per_second: self.min_body_bytes_per_second,
            retries: self.retries,
        }
    }
}

/// satupintu's settings.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Address the HTTP server listens on.
    pub listen: SocketAddr,
    /// Folder for the embedded database and uploaded files.
    pub data_dir: PathBuf,
    /// `postgres://…` to use PostgreSQL; absent means SQLite in the data folder.
    pub database_url: Option<Secret>,
    /// The city's name as the portal shows it.
    pub city_name: String,
    /// The integration programme.
    pub programme: Programme,
    /// `text` or `json`.
    pub log_format: LogFormat,
    /// Seconds to let requests in flight finish after SIGTERM.
    pub shutdown_grace_seconds: u64,
    /// Seconds a client has to send a request's headers (and an idle keep-alive
    /// connection stays open).
    pub header_timeout_seconds: u64,
    /// Seconds a client may take no bytes of an answer before its connection is closed.
    pub stall_timeout_seconds: u64,
    /// Mark session cookies `Secure`: set when people reach satupintu over HTTPS.
    pub secure_cookies: bool,
    /// Reverse proxies whose `X-Forwarded-For` header names the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The key that encrypts NIKs at rest: 64 hex digits or base64 of 32 bytes. Without
    /// it, a key is created in `nik.key` in the data folder (share it between servers).
    pub nik_key: Option<Secret>,
    /// Where e-mail goes out: `smtp://host:25`, `smtp://user:pass@host:587?tls=required`,
    /// `smtps://user:pass@host:465`. Without it, e-mails wait in the outbox.
    pub smtp_url: Option<Secret>,
    /// The sender of e-mails.
    pub mail_from: String,
    /// The address people use to reach the portal (for links in e-mails).
    pub public_url: String,
    /// The start of tracking codes (2–4 letters, `BGR` in `BGR-7KQ4-M2X`).
    pub tracking_prefix: String,
    /// The first retry of a failed delivery to an agency system, in milliseconds (each
    /// next one doubles, up to an hour).
    pub delivery_retry_base_ms: u64,
    /// After this many minutes undelivered, a request becomes a dead letter.
    pub delivery_give_up_minutes: u64,
    /// The assistant's name, as it introduces itself in chats.
    pub assistant_name: String,
    /// Talas on Telegram: the bot's token from @BotFather. With `telegram_secret_token`
    /// it turns the channel on (`POST /hooks/telegram`).
    pub telegram_bot_token: Option<Secret>,
    /// The `secret_token` given to `setWebhook`: Telegram sends it back in
    /// `X-Telegram-Bot-Api-Secret-Token` with every update (1–256 of `A-Z a-z 0-9 _ -`).
    pub telegram_secret_token: Option<Secret>,
    /// Where the Bot API is reached (a local fake in tests).
    pub telegram_api_base: String,
    /// Talas on WhatsApp (Cloud API): the verify token typed into the Meta app's webhook
    /// settings. All four `whatsapp_*` secrets turn the channel on (`/hooks/whatsapp`).
    pub whatsapp_verify_token: Option<Secret>,
    /// The Meta app's secret: signs every notification (`X-Hub-Signature-256`).
    pub whatsapp_app_secret: Option<Secret>,
    /// The access token (a system user's) that sends messages.
    pub whatsapp_access_token: Option<Secret>,
    /// The business phone number's id, the one replies are sent from.
    pub whatsapp_phone_number_id: Option<String>,
    /// Where the Graph API is reached, with its version (a local fake in tests).
    pub whatsapp_api_base: String,
    /// The API gateway (`[gateway]` in the file, `SATUPINTU_GATEWAY_*` in the environment).
    pub gateway: Gateway,
    /// Run the health checks of the integrated applications in this process (turn off on
    /// web-only servers when another process runs them; several may run them safely).
    pub monitor_checks: bool,
    /// How many health checks run at the same time, at most.
    pub monitor_concurrency: usize,
    /// A PEM file of extra root certificates that health checks trust (a city's private
    /// CA, or a test CA), besides the system's.
    pub monitor_extra_roots: Option<PathBuf>,
    /// Failures in a row that open an incident (the application is shown as down).
    pub monitor_open_after: u32,
    /// Successes in a row that close it.
    pub monitor_close_after: u32,
    /// Where incident alerts are e-mailed (the IT office); none: no e-mail alerts.
    pub monitor_alert_emails: Vec<String>,
    /// The Telegram chat (numeric id or `@channel`) alerts go to, through the bot of
    /// `telegram_bot_token`; none: no Telegram alerts.
    pub monitor_telegram_chat_id: Option<String>,
    /// While an incident stays open, alerts repeat at most this often (0: only on opening
    /// and closing).
    pub monitor_alert_repeat_hours: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./satupintu-data"),
            database_url: None,
            city_name: "Kota Bogor".into(),
            programme: Programme::default(),
            log_format: LogFormat::Text,
            shutdown_grace_seconds: 10,
            header_timeout_seconds: 30,
            stall_timeout_seconds: 60,
            secure_cookies: false,
            trusted_proxies: Vec::new(),
            nik_key: None,
            smtp_url: None,
            mail_from: "satupintu <no-reply@localhost>".into(),
            public_url: "http://127.0.0.1:8080".into(),
            tracking_prefix: "BGR".into(),
            delivery_retry_base_ms: 30_000,
            delivery_give_up_minutes: 24 * 60,
            assistant_name: "Talas".into(),
            telegram_bot_token: None,
            telegram_secret_token: None,
            telegram_api_base: "https://api.telegram.org".into(),
            whatsapp_verify_token: None,
            whatsapp_app_secret: None,
            whatsapp_access_token: None,
            whatsapp_phone_number_id: None,
            whatsapp_api_base: "https://graph.facebook.com/v26.0".into(),
            gateway: Gateway::default(),
            monitor_checks: true,
            monitor_concurrency: 64,
            monitor_extra_roots: None,
            monitor_open_after: 3,
            monitor_close_after: 2,
            monitor_alert_emails: Vec::new(),
            monitor_telegram_chat_id: None,
            monitor_alert_repeat_hours: 6,
        }
    }
}

/// Environment variables read, and the prefix left alone for test harnesses.
const ENV_PREFIX: &str = "SATUPINTU_";
const ENV_IGNORED_PREFIX: &str = "SATUPINTU_TEST_";

impl Settings {
    /// Reads a TOML settings file over the defaults.
    pub fn from_file(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("in settings file {}", path.display()))
    }

    /// Applies `SATUPINTU_*` variables from `vars`; an unknown one is an error.
    pub fn apply_env(&mut self, vars: impl IntoIterator<Item = (String, String)>) -> anyhow::Result<()> {
        for (name, value) in vars {
            let Some(key) = name.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            if name.starts_with(ENV_IGNORED_PREFIX) {
                continue;
            }
            let parse_err = |what: &str| format!("{name}: {what}");
            match key {
                "LISTEN" => {
                    self.listen = value.parse().with_context(|| parse_err("not an address like 127.0.0.1:8080"))?
                }
                "DATA_DIR" => self.data_dir = PathBuf::from(value),
                "DATABASE_URL" => self.database_url = Some(Secret::new(value)),
                "CITY_NAME" => self.city_name = value,
                "PROGRAMME_TARGET" => {
                    self.programme.target = value.parse().with_context(|| parse_err("not a number"))?
                }
                "PROGRAMME_TARGET_YEAR" => {
                    self.programme.target_year = value.parse().with_context(|| parse_err("not a year"))?
                }
                "LOG_FORMAT" => {
                    self.log_format = match value.as_str() {
                        "text" => LogFormat::Text,
                        "json" => LogFormat::Json,
                        _ => bail!("{name}: use text or json"),
                    }
                }
                "SHUTDOWN_GRACE_SECONDS" => {
                    self.shutdown_grace_seconds = value.parse().with_context(|| parse_err("not a number"))?
                }
                "HEADER_TIMEOUT_SECONDS" => {
                    self.header_timeout_seconds = value.parse().with_context(|| parse_err("not a number"))?
                }
                "STALL_TIMEOUT_SECONDS" => {
                    self.stall_timeout_seconds = value.parse().with_context(|| parse_err("not a number"))?
                }
                "SECURE_COOKIES" => {
                    self.secure_cookies = match value.as_str() {
                        "true" | "1" => true,
                        "false" | "0" => false,
                        _ => bail!("{name}: use true or false"),
                    }
                }
                "TRUSTED_PROXIES" => {
                    self.trusted_proxies = value
                        .split(',')
                        .map(str::trim)
                        .filter(|v| !v.is_empty())
                        .map(|v| v.parse().with_context(|| parse_err("not a list of IP addresses")))
                        .collect::<anyhow::Result<_>>()?;
                }
                "NIK_KEY" => self.nik_key = Some(Secret::new(value)),
                "SMTP_URL" => self.smtp_url = Some(Secret::new(value)),
                "MAIL_FROM" => self.mail_from = value,
                "PUBLIC_URL" => self.public_url = value,
                "TRACKING_PREFIX" => self.tracking_prefix = value,
                "DELIVERY_RETRY_BASE_MS" => {
                    self.delivery_retry_base_ms = value.parse().with_context(|| parse_err("not a whole number"))?;
                }
                "DELIVERY_GIVE_UP_MINUTES" => {
                    self.delivery_give_up_minutes = value.parse().with_context(|| parse_err("not a whole number"))?;
                }
                "ASSISTANT_NAME" => self.assistant_name = value,
                "TELEGRAM_BOT_TOKEN" => self.telegram_bot_token = Some(Secret::new(value)),
                "TELEGRAM_SECRET_TOKEN" => self.telegram_secret_token = Some(Secret::new(value)),
                "TELEGRAM_API_BASE" => self.telegram_api_base = value,
                "WHATSAPP_VERIFY_TOKEN" => self.whatsapp_verify_token = Some(Secret::new(value)),
                "WHATSAPP_APP_SECRET" => self.whatsapp_app_secret = Some(Secret::new(value)),
                "WHATSAPP_ACCESS_TOKEN" => self.whatsapp_access_token = Some(Secret::new(value)),
                "WHATSAPP_PHONE_NUMBER_ID" => self.whatsapp_phone_number_id = Some(value),
                "WHATSAPP_API_BASE" => self.whatsapp_api_base = value,
                "GATEWAY_DEFAULT_RATE_PER_MINUTE" => {
                    self.gateway.default_rate_per_minute = value.parse().with_context(|| parse_err("not a number"))?;
                }
                "GATEWAY_BREAKER_THRESHOLD" => {
                    self.gateway.breaker_threshold = value.parse().with_context(|| parse_err("not a number"))?;
                }
                "GATEWAY_BREAKER_COOLDOWN_MS" => {
                    self.gateway.breaker_cooldown_ms = value.parse().with_context(|| parse_err("not a number"))?;
                }
                "GATEWAY_CLIENT_IDLE_TIMEOUT_MS" => {
                    self.gateway.client_idle_timeout_ms = value.parse().with_context(|| parse_err("not a number"))?;
                }
                "GATEWAY_MIN_BODY_BYTES_PER_SECOND" => {
                    self.gateway.min_body_bytes_per_second =
                        value.parse().with_context(|| parse_err("not a number"))?;
                }
                "GATEWAY_RETRIES" => self.gateway.retries = value.parse().with_context(|| parse_err("not a number"))?,
                "MONITOR_CHECKS" => {
                    self.monitor_checks = match value.as_str() {
                        "true" | "1" => true,
                        "false" | "0" => false,
                        _ => bail!("{name}: use true or false"),
                    }
                }
                "MONITOR_CONCURRENCY" => {
                    self.monitor_concurrency = value.parse().with_context(|| parse_err("not a whole number"))?
                }
                "MONITOR_EXTRA_ROOTS" => self.monitor_extra_roots = Some(PathBuf::from(value)),
                "MONITOR_OPEN_AFTER" => {
                    self.monitor_open_after = value.parse().with_context(|| parse_err("not a whole number"))?
                }
                "MONITOR_CLOSE_AFTER" => {
                    self.monitor_close_after = value.parse().with_context(|| parse_err("not a whole number"))?
                }
                "MONITOR_ALERT_EMAILS" => {
                    self.monitor_alert_emails =
                        value.split(',').map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned).collect();
                }
                "MONITOR_TELEGRAM_CHAT_ID" => self.monitor_telegram_chat_id = Some(value),
                "MONITOR_ALERT_REPEAT_HOURS" => {
                    self.monitor_alert_repeat_hours = value.parse().with_context(|| parse_err("not a whole number"))?
                }
                "CONFIG" => {}
                _ => bail!(
                    "unknown setting {name}; known: SATUPINTU_LISTEN, SATUPINTU_DATA_DIR, SATUPINTU_DATABASE_URL, \
                     SATUPINTU_CITY_NAME, SATUPINTU_PROGRAMME_TARGET, SATUPINTU_PROGRAMME_TARGET_YEAR, \
                     SATUPINTU_LOG_FORMAT, SATUPINTU_SHUTDOWN_GRACE_SECONDS, SATUPINTU_HEADER_TIMEOUT_SECONDS, SATUPINTU_STALL_TIMEOUT_SECONDS, SATUPINTU_SECURE_COOKIES, SATUPINTU_TRUSTED_PROXIES, SATUPINTU_NIK_KEY, SATUPINTU_SMTP_URL, SATUPINTU_MAIL_FROM, SATUPINTU_PUBLIC_URL, SATUPINTU_TRACKING_PREFIX, SATUPINTU_DELIVERY_RETRY_BASE_MS, SATUPINTU_DELIVERY_GIVE_UP_MINUTES, SATUPINTU_ASSISTANT_NAME, SATUPINTU_TELEGRAM_BOT_TOKEN, SATUPINTU_TELEGRAM_SECRET_TOKEN, SATUPINTU_TELEGRAM_API_BASE, SATUPINTU_WHATSAPP_VERIFY_TOKEN, SATUPINTU_WHATSAPP_APP_SECRET, SATUPINTU_WHATSAPP_ACCESS_TOKEN, SATUPINTU_WHATSAPP_PHONE_NUMBER_ID, SATUPINTU_WHATSAPP_API_BASE, SATUPINTU_GATEWAY_DEFAULT_RATE_PER_MINUTE, SATUPINTU_GATEWAY_BREAKER_THRESHOLD, SATUPINTU_GATEWAY_BREAKER_COOLDOWN_MS, SATUPINTU_GATEWAY_CLIENT_IDLE_TIMEOUT_MS, SATUPINTU_GATEWAY_MIN_BODY_BYTES_PER_SECOND, SATUPINTU_GATEWAY_RETRIES, SATUPINTU_MONITOR_CHECKS, SATUPINTU_MONITOR_CONCURRENCY, SATUPINTU_MONITOR_EXTRA_ROOTS, SATUPINTU_MONITOR_OPEN_AFTER, SATUPINTU_MONITOR_CLOSE_AFTER, SATUPINTU_MONITOR_ALERT_EMAILS, SATUPINTU_MONITOR_TELEGRAM_CHAT_ID, SATUPINTU_MONITOR_ALERT_REPEAT_HOURS, SATUPINTU_CONFIG"
                ),
            }
        }
        Ok(())
    }

    /// The NIK encryption key: the configured one, else the data folder's `nik.key`,
    /// created on first use.
    pub fn nik_key(&self) -> anyhow::Result<[u8; 32]> {
        if let Some(key) = &self.nik_key {
            return web::auth::seal::parse_key(key.expose())
                .ok_or_else(|| anyhow::anyhow!("nik_key: use 64 hex digits or base64 of 32 bytes"));
        }
        let path = self.data_dir.join("nik.key");
        if !path.exists() {
            std::fs::create_dir_all(&self.data_dir)?;
            let key = web::auth::seal::new_key().ok_or_else(|| anyhow::anyhow!("no randomness for a new key"))?;
            std::fs::write(&path, format!("{key}\n")).with_context(|| format!("writing {}", path.display()))?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
            }
        }
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        web::auth::seal::parse_key(&text).ok_or_else(|| anyhow::anyhow!("{}: not a valid key", path.display()))
    }

    /// The database URL: the configured one, else SQLite in the data folder.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.expose().to_string(),
            None => format!("sqlite://{}", self.data_dir.join("satupintu.sqlite3").display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_serve_locally() {
        let s = Settings::default();
        assert_eq!(s.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(s.database_url(), "sqlite://./satupintu-data/satupintu.sqlite3");
    }

    #[test]
    fn file_then_env() -> anyhow::Result<()> {
        let mut s: Settings = toml::from_str("city_name = \"Kota Depok\"\n[programme]\ntarget = 200\n")?;
        assert_eq!((s.city_name.as_str(), s.programme.target, s.programme.target_year), ("Kota Depok", 200, 2025));
        s.apply_env(env(&[("SATUPINTU_PROGRAMME_TARGET", "250"), ("PATH", "/bin"), ("SATUPINTU_TEST_PG", "x")]))?;
        assert_eq!(s.programme.target, 250);
        Ok(())
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(toml::from_str::<Settings>("lisen = \"1.2.3.4:1\"").is_err());
        let mut s = Settings::default();
        let err = s.apply_env(env(&[("SATUPINTU_LISEN", "x")])).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("unknown setting SATUPINTU_LISEN"), "{err}");
        assert!(s.apply_env(env(&[("SATUPINTU_LISTEN", "nope")])).is_err());
    }

    #[test]
    fn monitoring_settings_from_env() -> anyhow::Result<()> {
        let mut s = Settings::default();
        assert_eq!((s.monitor_checks, s.monitor_open_after, s.monitor_alert_repeat_hours), (true, 3, 6));
        s.apply_env(env(&[
            ("SATUPINTU_MONITOR_CHECKS", "false"),
            ("SATUPINTU_MONITOR_ALERT_EMAILS", "ti@kotabogor.go.id, noc@kotabogor.go.id"),
            ("SATUPINTU_MONITOR_TELEGRAM_CHAT_ID", "-100123"),
            ("SATUPINTU_MONITOR_ALERT_REPEAT_HOURS", "2"),
        ]))?;
        assert!(!s.monitor_checks);
        assert_eq!(s.monitor_alert_emails, ["ti@kotabogor.go.id", "noc@kotabogor.go.id"]);
        assert_eq!((s.monitor_telegram_chat_id.as_deref(), s.monitor_alert_repeat_hours), (Some("-100123"), 2));
        assert!(s.apply_env(env(&[("SATUPINTU_MONITOR_CHECKS", "ya")])).is_err());
        Ok(())
    }

    #[test]
    fn secrets_do_not_print() {
        let mut s = Settings { database_url: Some(Secret::new("postgres://u:hunter2@h/db")), ..Default::default() };
        s.apply_env(env(&[
            ("SATUPINTU_TELEGRAM_BOT_TOKEN", "123:hunter3"),
            ("SATUPINTU_TELEGRAM_SECRET_TOKEN", "hunter4"),
            ("SATUPINTU_WHATSAPP_VERIFY_TOKEN", "hunter5"),
            ("SATUPINTU_WHATSAPP_APP_SECRET", "hunter6"),
            ("SATUPINTU_WHATSAPP_ACCESS_TOKEN", "hunter7"),
            ("SATUPINTU_WHATSAPP_PHONE_NUMBER_ID", "1065"),
            ("SATUPINTU_WHATSAPP_API_BASE", "http://127.0.0.1:9/v21.0"),
        ]))
        .unwrap_or_else(|e| panic!("{e}"));
        let printed = format!("{s:?}");
        for secret in ["hunter2", "hunter3", "hunter4", "hunter5", "hunter6", "hunter7"] {
            assert!(!printed.contains(secret), "{secret} printed");
        }
        assert_eq!(s.telegram_secret_token.as_ref().map(Secret::expose), Some("hunter4"));
        assert_eq!(s.whatsapp_api_base, "http://127.0.0.1:9/v21.0");
        assert_eq!(Settings::default().telegram_api_base, "https://api.telegram.org");
    }
}
