//! Test fixtures: fresh databases on either backend and running apps.

use std::sync::OnceLock;
use std::time::Duration;

use satupintu::config::{Secret, Settings};
use sqlx::Executor;
use tempfile::TempDir;

/// Which database a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database just for one test; SQLite files live in `dir`.
pub struct TestDb {
    pub settings: Settings,
    pub dir: TempDir,
    _postgres: Option<PostgresDb>,
}

/// A PostgreSQL database made for one test, dropped when the test ends: a suite run makes
/// a few hundred, and each costs about 10 MB of disk while it exists.
struct PostgresDb {
    admin_url: String,
    name: String,
}

impl Drop for PostgresDb {
    fn drop(&mut self) {
        // Drop runs inside the test's runtime, which cannot be blocked on: a thread of its
        // own with a runtime of its own does the work, and the test waits for it. FORCE
        // ends the connections the test's pools still hold.
        let (admin, name) = (self.admin_url.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            runtime.block_on(async {
                let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin).await.ok()?;
                conn.execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))).await.ok()?;
                Some(())
            })
        });
        let _ = dropped.join();
    }
}

fn postgres_admin_url() -> Option<String> {
    match std::env::var("SATUPINTU_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("SATUPINTU_TEST_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!("SATUPINTU_TEST_REQUIRE_POSTGRES=1 but SATUPINTU_TEST_POSTGRES_URL is not set");
            }
            None
        }
    }
}

/// Replaces the database name of a PostgreSQL URL.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let prefix = base.rsplit_once('/').map_or(base, |(p, _)| p);
    match query {
        Some(q) => format!("{prefix}/{db}?{q}"),
        None => format!("{prefix}/{db}"),
    }
}

impl TestDb {
    /// A fresh, empty database, or `None` when PostgreSQL is not available (skip).
    pub async fn new(backend: Backend) -> Option<Self> {
        let dir = tempfile::tempdir().ok()?;
        // Health checks would call the catalog's real web addresses: tests that want them
        // turn them on or drive `satupintu::monitor::Monitor` themselves.
        let mut settings = Settings { data_dir: dir.path().join("data"), monitor_checks: false, ..Settings::default() };
        let mut postgres = None;
        if backend == Backend::Postgres {
            let admin = postgres_admin_url()?;
            sqlx::any::install_default_drivers();
            let name = format!("sp_{}", uuid_like());
            let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin).await.ok()?;
            conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).await.ok()?;
            settings.database_url = Some(Secret::new(with_database(&admin, &name)));
            postgres = Some(PostgresDb { admin_url: admin, name });
        }
        Some(Self { settings, dir, _postgres: postgres })
    }

    /// Another handle on a database a test already has (a second server on it): dropping it
    /// leaves the database to its owner.
    pub fn sharing(settings: Settings) -> Self {
        Self { settings, dir: tempfile::tempdir().expect("temporary folder"), _postgres: None }
    }
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{}_{}_{}", std::process::id(), nanos % 1_000_000_000, COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// Runs `$body` as an async test on each backend; PostgreSQL is skipped when unavailable.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident, |$db:ident| $body:block) => {
        mod $name {
            use super::*;
            async fn run($db: $crate::helpers::TestDb) $body

            #[tokio::test]
            async fn sqlite() {
                let db = $crate::helpers::TestDb::new($crate::helpers::Backend::Sqlite).await.expect("sqlite test db");
                run(db).await;
            }

            #[tokio::test]
            async fn postgres() {
                match $crate::helpers::TestDb::new($crate::helpers::Backend::Postgres).await {
                    Some(db) => run(db).await,
                    None => eprintln!("skipped: PostgreSQL not available"),
                }
            }
        }
    };
}

/// A running app on 127.0.0.1:0 with its own database.
pub struct TestApp {
    pub base: String,
    /// The app's settings (to open its store from a test).
    pub settings: Settings,
    pub client: reqwest::Client,
    _db: TestDb,
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("http client")
}

impl TestApp {
    /// Starts the app on `db`, optionally with the demo city, inside the current runtime.
    pub async fn spawn(mut db: TestDb, demo: bool) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        // The OIDC issuer and e-mail links name the address the app really listens on
        // (unless the test chose an address of its own).
        if db.settings.public_url == Settings::default().public_url {
            db.settings.public_url = base.clone();
        }
        let app = satupintu::app::build(&db.settings, demo).await.expect("app builds");
        tokio::spawn(satupintu::app::serve(app, listener, Duration::from_secs(1), std::future::pending()));
        Self { base, settings: db.settings.clone(), client: client(), _db: db }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// A demo-city app per backend shared by read-only tests, running on its own thread so
/// it outlives each test's runtime. `None` when the backend is unavailable.
pub fn shared_demo(backend: Backend) -> Option<&'static str> {
    static SQLITE: OnceLock<Option<String>> = OnceLock::new();
    static POSTGRES: OnceLock<Option<String>> = OnceLock::new();
    let cell = match backend {
        Backend::Sqlite => &SQLITE,
        Backend::Postgres => &POSTGRES,
    };
    cell.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Runtime::new().expect("runtime");
            rt.block_on(async move {
                let Some(db) = TestDb::new(backend).await else {
                    let _ = tx.send(None);
                    return;
                };
                let app = TestApp::spawn(db, true).await;
                let _ = tx.send(Some(app.base.clone()));
                // Keep the app (and its temporary folder) alive for the whole test run.
                std::future::pending::<()>().await;
                drop(app);
            });
        });
        rx.recv().ok().flatten()
    })
    .as_deref()
}

/// Runs `$body` with the base URL of the shared demo app on each backend.
#[macro_export]
macro_rules! on_shared_demo {
    ($name:ident, |$base:ident| $body:block) => {
        mod $name {
            use super::*;
            async fn run($base: &str) $body

            #[tokio::test]
            async fn sqlite() {
                let base = $crate::helpers::shared_demo($crate::helpers::Backend::Sqlite).expect("sqlite demo app");
                run(base).await;
            }

            #[tokio::test]
            async fn postgres() {
                match $crate::helpers::shared_demo($crate::helpers::Backend::Postgres) {
                    Some(base) => run(base).await,
                    None => eprintln!("skipped: PostgreSQL not available"),
                }
            }
        }
    };
}

/// GET a URL and parse JSON, returning the status too.
pub async fn get_json(url: &str) -> (u16, String, serde_json::Value) {
    let response = client().get(url).send().await.expect("request");
    let status = response.status().as_u16();
    let content_type =
        response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let body = response.json().await.unwrap_or(serde_json::Value::Null);
    (status, content_type, body)
}

/// GET a page, returning status and body text.
pub async fn get_text(url: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut request = client().get(url);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = request.send().await.expect("request");
    (response.status().as_u16(), response.text().await.unwrap_or_default())
}
