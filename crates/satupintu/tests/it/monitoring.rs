//! Health monitoring against real local servers: one that answers, one that fails, one
//! that hangs, and HTTPS servers whose certificates (made here, signed by a test CA given
//! to the checker) expire in 5 and in 60 days; incidents opening and closing with their
//! alerts; the status, admin and service pages; and the store on both backends.

use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};

use chrono::{Datelike, Utc};
use domain::monitoring::CheckSpec;
use satupintu::monitor::Monitor;
use store::Store;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::admin::sign_in;
use crate::helpers::{TestApp, TestDb, client};
use crate::on_both_backends;

/// Answers `/ok` with a health JSON, `/gagal` with a 500, `/macet` never, and `/saklar`
/// with whatever status `switch` holds.
async fn serve_http(switch: Arc<AtomicU16>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else { return };
            let switch = switch.clone();
            tokio::spawn(answer(socket, switch));
        }
    });
    base
}

async fn answer<S: AsyncRead + AsyncWrite + Unpin>(mut socket: S, switch: Arc<AtomicU16>) {
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let line = String::from_utf8_lossy(&request);
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let (status, body) = match path.as_str() {
        "/gagal" => (500, "rusak".to_string()),
        "/macet" => {
            // Hold the connection without a word until the checker gives up.
            tokio::time::sleep(std::time::Duration::from_secs(30)).await;
            return;
        }
        "/saklar" => (switch.load(Ordering::SeqCst), "{\"status\":\"UP\"}".to_string()),
        _ => (200, "{\"status\":\"UP\"}".to_string()),
    };
    let response = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = socket.write_all(response.as_bytes()).await;
    let _ = socket.shutdown().await;
}

/// A test CA (its PEM) and HTTPS servers with leaf certificates for 127.0.0.1 that end
/// on the given days from now.
struct TestCa {
    pem: String,
    issuer: rcgen::CertifiedIssuer<'static, rcgen::KeyPair>,
}

impl TestCa {
    fn new() -> Self {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.distinguished_name.push(rcgen::DnType::CommonName, "CA Uji satupintu");
        params.key_usages = vec![rcgen::KeyUsagePurpose::KeyCertSign, rcgen::KeyUsagePurpose::DigitalSignature];
        let issuer = rcgen::CertifiedIssuer::self_signed(params, rcgen::KeyPair::generate().unwrap()).unwrap();
        Self { pem: issuer.pem(), issuer }
    }

    /// Serves `/` over HTTPS with a certificate ending `days` whole days from now.
    async fn serve(&self, days: i64) -> String {
        let end = Utc::now() + chrono::Duration::days(days + 1);
        let mut params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        // Midnight UTC of the day after: between `days` and `days + 1` days from now.
        params.not_after = rcgen::date_time_ymd(end.year(), end.month() as u8, end.day() as u8);
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        let _ = rustls::crypto::ring::default_provider().install_default();
        let config = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(
                vec![cert.der().clone()],
                rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
            )
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("https://127.0.0.1:{}", listener.local_addr().unwrap().port());
        tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else { return };
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    if let Ok(tls) = acceptor.accept(socket).await {
                        answer(tls, Arc::new(AtomicU16::new(200))).await;
                    }
                });
            }
        });
        base
    }
}

/// A catalog with integrated services whose checks the tests set.
async fn store_with_catalog(db: &TestDb) -> Store {
    let store = satupintu::app::open_store(&db.settings).await.unwrap();
    satupintu::demo::load(&store).await.unwrap();
    store
}

/// Codes of integrated demo services with a web URL (they got paused demo checks).
async fn monitored_codes(store: &Store) -> Vec<String> {
    store.check_settings().await.unwrap().into_iter().map(|c| c.code).collect()
}

fn spec(url: &str, timeout_ms: Option<u64>, conditions: &[&str]) -> CheckSpec {
    let lines: Vec<String> = conditions.iter().map(ToString::to_string).collect();
    CheckSpec::build(url, Some(60), timeout_ms, &lines, true).unwrap()
}

/// Runs every enabled check once at `now`.
async fn check_all(monitor: &Arc<Monitor>, store: &Store, now: i64) -> usize {
    monitor.run_due(store, now, now + 86_400).await.unwrap()
}

fn monitor(db: &TestDb, ca_pem: Option<&str>) -> Arc<Monitor> {
    let mut settings = db.settings.clone();
    if let Some(pem) = ca_pem {
        let path = db.dir.path().join("ca.pem");
        std::fs::write(&path, pem).unwrap();
        settings.monitor_extra_roots = Some(path);
    }
    settings.monitor_alert_emails = vec!["ti@kotabogor.go.id".into()];
    settings.monitor_telegram_chat_id = Some("-100777".into());
    settings.monitor_alert_repeat_hours = 6;
    Arc::new(Monitor::new(&settings).unwrap())
}

async fn alerts(store: &Store, kind: &str) -> Vec<serde_json::Value> {
    let now = Utc::now() + chrono::Duration::days(365);
    let claimed = store.claim_outbox("uji", kind, 100, now).await.unwrap();
    let mut payloads: Vec<serde_json::Value> =
        claimed.iter().map(|m| serde_json::from_str(&m.payload).unwrap()).collect();
    for m in &claimed {
        store.outbox_sent(&m.id, now).await.unwrap();
    }
    payloads.sort_by_key(|p| p.to_string());
    payloads
}

on_both_backends!(checks_judge_real_servers, |db| {
    let store = store_with_catalog(&db).await;
    let codes = monitored_codes(&store).await;
    assert!(codes.len() >= 6, "the demo has integrated apps with web URLs: {codes:?}");
    let base = serve_http(Arc::new(AtomicU16::new(200))).await;
    let ca = TestCa::new();
    let expiring = ca.serve(5).await;
    let fresh = ca.serve(60).await;
    let now = Utc::now().timestamp();
    let cert = "[CERTIFICATE_EXPIRATION] > 14d";
    let checks = [
        (codes[0].clone(), spec(&format!("{base}/ok"), None, &["[STATUS] == 200", "[BODY].status == UP"])),
        (codes[1].clone(), spec(&format!("{base}/gagal"), None, &[])),
        (codes[2].clone(), spec(&format!("{base}/macet"), Some(500), &[])),
        (codes[3].clone(), spec(&format!("{expiring}/"), None, &["[STATUS] == 200", cert])),
        (codes[4].clone(), spec(&format!("{fresh}/"), None, &["[STATUS] == 200", cert])),
    ];
    assert!(store.set_checks(&checks, now).await.unwrap().is_empty());
    let ran = check_all(&monitor(&db, Some(&ca.pem)), &store, now).await;
    assert_eq!(ran, 5, "the other demo checks are paused");
    let rows = store.check_rows().await.unwrap();
    let row = |code: &str| rows.iter().find(|r| r.code == code).unwrap().clone();
    let ok = row(&codes[0]);
    assert_eq!((ok.last_ok, ok.last_status, ok.last_error.as_deref()), (Some(true), Some(200), None));
    let failed = row(&codes[1]);
    assert_eq!((failed.last_ok, failed.last_status), (Some(false), Some(500)));
    assert!(failed.last_error.unwrap().contains("[STATUS] < 400 (status 500)"));
    let hung = row(&codes[2]);
    assert_eq!((hung.last_ok, hung.last_status), (Some(false), None));
    assert_eq!(hung.last_error.as_deref(), Some("batas waktu habis"));
    assert!(hung.last_response_ms.unwrap() >= 500 && hung.last_response_ms.unwrap() < 5_000);
    let soon = row(&codes[3]);
    assert_eq!((soon.last_ok, soon.last_status, soon.certificate_days), (Some(false), Some(200), Some(5)));
    assert!(soon.last_error.unwrap().contains("[CERTIFICATE_EXPIRATION] > 14d (5 hari)"));
    let later = row(&codes[4]);
    assert_eq!((later.last_ok, later.certificate_days, later.last_error), (Some(true), Some(60), None));
    // One failure is not an incident.
    assert!(rows.iter().filter(|r| r.down).count() <= 1, "only the demo's own down app");
    // Without the test CA, the certificate is not trusted: a failure with no status.
    let mut untrusted = db.settings.clone();
    untrusted.monitor_extra_roots = None;
    let plain = Arc::new(Monitor::new(&untrusted).unwrap());
    let later_now = now + 120;
    store.set_checks(&checks[4..], later_now).await.unwrap();
    plain.run_due(&store, later_now, later_now + 86_400).await.unwrap();
    let refused = store.check_rows().await.unwrap().into_iter().find(|r| r.code == codes[4]).unwrap();
    assert_eq!((refused.last_ok, refused.last_status), (Some(false), None), "{:?}", refused.last_error);
});

on_both_backends!(incidents_open_and_close_with_alerts, |db| {
    let store = store_with_catalog(&db).await;
    let code = monitored_codes(&store).await[1].clone();
    let switch = Arc::new(AtomicU16::new(503));
    let base = serve_http(switch.clone()).await;
    let t0 = Utc::now().timestamp() - 3 * 3_600;
    store.set_check(&code, &spec(&format!("{base}/saklar"), None, &[]), t0).await.unwrap();
    let monitor = monitor(&db, None);
    let health = || async { store.service_health(&code).await.unwrap().unwrap() };
    let service_id = store.check_rows().await.unwrap().into_iter().find(|r| r.code == code).unwrap().service_id;
    let before = store.uptime_since_hour(t0 - 86_400).await.unwrap().get(&service_id).copied().unwrap_or_default();
    // Two failures: not yet.
    for n in 0..2 {
        check_all(&monitor, &store, t0 + n * 60).await;
    }
    assert!(!health().await.down);
    assert!(alerts(&store, "email").await.is_empty());
    // The third opens the incident, with one e-mail and one Telegram message.
    check_all(&monitor, &store, t0 + 120).await;
    assert_eq!(health().await, store::monitoring::ServiceHealth { down: true, since: Some(t0 + 120) });
    let mails = alerts(&store, "email").await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0]["to"], "ti@kotabogor.go.id");
    assert!(mails[0]["subject"].as_str().unwrap().ends_with("terganggu"), "{}", mails[0]);
    let chats = alerts(&store, "telegram").await;
    assert_eq!(chats.len(), 1);
    assert_eq!(
        (chats[0]["method"].as_str(), chats[0]["body"]["chat_id"].as_i64()),
        (Some("sendMessage"), Some(-100777))
    );
    // Still down: no repeat within six hours, one reminder after.
    check_all(&monitor, &store, t0 + 180).await;
    check_all(&monitor, &store, t0 + 3_600).await;
    assert!(alerts(&store, "email").await.is_empty(), "repeats are suppressed");
    check_all(&monitor, &store, t0 + 120 + 6 * 3_600).await;
    let reminder = alerts(&store, "email").await;
    assert_eq!(reminder.len(), 1);
    assert!(reminder[0]["subject"].as_str().unwrap().contains("masih terganggu"));
    check_all(&monitor, &store, t0 + 121 + 6 * 3_600).await;
    assert!(alerts(&store, "email").await.is_empty());
    // Two successes close it.
    switch.store(200, Ordering::SeqCst);
    let back = t0 + 7 * 3_600;
    check_all(&monitor, &store, back).await;
    assert!(health().await.down, "one success is not recovery");
    check_all(&monitor, &store, back + 60).await;
    assert_eq!(health().await, store::monitoring::ServiceHealth { down: false, since: None });
    let closed = alerts(&store, "email").await;
    assert_eq!(closed.len(), 1);
    assert!(closed[0]["body"].as_str().unwrap().contains("6 jam 59 menit"), "{}", closed[0]);
    let incidents = store.incidents(t0, 10).await.unwrap();
    let incident = incidents.iter().find(|i| i.code == code).unwrap();
    assert_eq!((incident.opened_at, incident.closed_at), (t0 + 120, Some(back + 60)));
    // The roll-ups count every result once (on top of the demo's sample history).
    let after = store.uptime_since_hour(t0 - 86_400).await.unwrap()[&service_id];
    assert_eq!((after.ok - before.ok, after.total - before.total), (2, 9));
});

on_both_backends!(claims_are_exclusive_and_defaults_follow_the_catalog, |db| {
    let store = store_with_catalog(&db).await;
    let now = Utc::now().timestamp();
    let settings = store.check_settings().await.unwrap();
    assert!(settings.iter().all(|c| c.configured && !c.enabled), "demo checks are paused");
    let code = settings[0].code.clone();
    store.set_check(&code, &spec("http://127.0.0.1:9/", None, &[]), now).await.unwrap();
    // Due within a minute (its phase); claimed until +90 s.
    let a = store.claim_due_checks("a", now + 60, now + 90, 10).await.unwrap();
    let b = store.claim_due_checks("b", now + 60, now + 90, 10).await.unwrap();
    assert_eq!((a.len(), b.len()), (1, 0), "a claimed check is not claimed twice");
    // After the claim lapses, another worker may take it over.
    let c = store.claim_due_checks("c", now + 91, now + 200, 10).await.unwrap();
    assert_eq!(c.len(), 1, "a claim that lapsed (its worker died) is taken over");
    // A newly integrated service with a web URL gets a default check; removing the URL of
    // one with a default drops it; a check set by hand stays.
    let forget =
        "UPDATE health_checks SET configured = 0 WHERE service_id IN (SELECT id FROM services WHERE code = $1)";
    exec(&db, forget, &settings[1].code).await;
    exec(&db, "UPDATE services SET web_url = NULL WHERE code = $1", &settings[1].code).await;
    assert_eq!(store.sync_default_checks(now).await.unwrap(), 0);
    let after = store.check_settings().await.unwrap();
    assert!(!after.iter().any(|c| c.code == settings[1].code), "default without a URL dropped");
    assert!(after.iter().any(|c| c.code == code));
    // Old results go, roll-ups stay a year.
    assert_eq!(store.prune_health(now).await.unwrap(), 0);
});

/// A statement the store has no function for (a catalog edit behind its back).
async fn exec(db: &TestDb, sql: &str, code: &str) {
    use sqlx::Connection;
    let mut conn = sqlx::AnyConnection::connect(&db.settings.database_url()).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).bind(code.to_string()).execute(&mut conn).await.unwrap();
}

on_both_backends!(status_and_admin_pages, |db| {
    let settings = db.settings.clone();
    let store = store_with_catalog(&db).await;
    let hash = web::auth::password::hash("kata-sandi-uji".into()).await.unwrap();
    let admin = store::NewUser {
        name: "Admin".into(),
        email: Some(domain::identity::Email::parse("admin@contoh.id").unwrap()),
        phone: None,
        password_hash: hash,
        role: domain::identity::Role::Admin,
        agencies: Vec::new(),
    };
    store.create_user(&admin, Some("cli"), Utc::now()).await.unwrap();
    let down = store.check_rows().await.unwrap().into_iter().find(|r| r.down).unwrap();
    store.close().await;
    let _ = settings;
    let app = TestApp::spawn(db, false).await;
    let (status, page) = get(&app, "/status", None).await;
    assert_eq!(status, 200);
    assert!(page.contains("Status layanan") && page.contains("aplikasi sedang terganggu"), "{page}");
    assert!(page.contains(&down.name));
    assert!(page.contains("class=\"bar up w"), "daily bars");
    assert!(page.contains("terganggu sejak"), "the open incident");
    assert!(page.contains("<table>"), "a table beside the bars");
    let (status, service) = get(&app, &format!("/layanan/{}", down.code), None).await;
    assert_eq!(status, 200);
    assert!(service.contains("class=\"status-alert\""), "the service page warns");
    let (status, _) = get(&app, "/admin/pantau", None).await;
    assert_ne!(status, 200, "admins only");
    let cookie = sign_in(&app, "admin@contoh.id").await;
    let (status, admin_page) = get(&app, "/admin/pantau", Some(&cookie)).await;
    assert_eq!(status, 200);
    assert!(admin_page.contains("Pemantauan aplikasi") && admin_page.contains(&down.code));
    assert!(admin_page.contains("1 terganggu"), "{admin_page}");
    let (_, home) = get(&app, "/admin", Some(&cookie)).await;
    assert!(home.contains("/admin/pantau"));
    // Talas says so with the service's card.
    let response = client()
        .post(app.url("/api/v1/assistant/messages"))
        .json(&serde_json::json!({"sender": "pantau-1", "message": down.name}))
        .send()
        .await
        .unwrap();
    let replies: Vec<serde_json::Value> = response.json().await.unwrap();
    let said: Vec<&str> = replies.iter().filter_map(|r| r["text"].as_str()).collect();
    assert!(said.iter().any(|t| t.contains("sedang terganggu")), "{said:?}");
});

async fn get(app: &TestApp, path: &str, cookie: Option<&str>) -> (u16, String) {
    let mut request = client().get(app.url(path));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}
