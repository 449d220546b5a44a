//! E-mail verification and password reset, delivered through a real SMTP exchange.

use satupintu::config::Secret;

use crate::helpers::{TestApp, TestDb, client};
use crate::on_both_backends;

fn link(mail: &str, path: &str) -> String {
    let start = mail.find(path).unwrap_or_else(|| panic!("no {path} link in:\n{mail}"));
    mail[start..].split_whitespace().next().unwrap().to_string()
}

async fn form(app: &TestApp, path: &str, fields: &[(&str, &str)], cookie: Option<&str>) -> reqwest::Response {
    let body: String = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
    let mut request =
        client().post(app.url(path)).header("content-type", "application/x-www-form-urlencoded").body(body);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap()
}

fn cookie_of(response: &reqwest::Response) -> String {
    response.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string()
}

async fn sign_up_rina(app: &TestApp) -> reqwest::Response {
    let fields = [
        ("nama", "Rina"),
        ("email", "rina@contoh.id"),
        ("password", "rahasia-rina-1"),
        ("password2", "rahasia-rina-1"),
    ];
    form(app, "/daftar", &fields, None).await
}

async fn app_with_mail(mut db: TestDb) -> (TestApp, crate::smtp_sink::Inbox) {
    let (url, inbox) = crate::smtp_sink::start().await;
    db.settings.smtp_url = Some(Secret::new(url));
    db.settings.public_url = "http://portal.test".into();
    (TestApp::spawn(db, false).await, inbox)
}

on_both_backends!(sign_up_sends_a_confirmation_link, |db| {
    let (app, inbox) = app_with_mail(db).await;
    let signed_up = sign_up_rina(&app).await;
    let cookie = cookie_of(&signed_up);
    let account = client().get(app.url("/akun")).header("cookie", &cookie).send().await.unwrap().text().await.unwrap();
    assert!(account.contains("Belum dikonfirmasi."));
    let mail = inbox.wait_for("rina@contoh.id", 1).await;
    assert!(mail.contains("Subject: Konfirmasi alamat surel Anda di satupintu"), "{mail}");
    let url = link(&mail, "http://portal.test/akun/verifikasi?token=");
    let path = url.trim_start_matches("http://portal.test");
    let done = client().get(app.url(path)).send().await.unwrap();
    assert_eq!(done.status().as_u16(), 200);
    assert!(done.text().await.unwrap().contains("Surel terkonfirmasi"));
    let account = client().get(app.url("/akun")).header("cookie", &cookie).send().await.unwrap().text().await.unwrap();
    assert!(!account.contains("Belum dikonfirmasi."));
    // A link works once.
    assert_eq!(client().get(app.url(path)).send().await.unwrap().status().as_u16(), 400);
    assert_eq!(client().get(app.url("/akun/verifikasi?token=palsu")).send().await.unwrap().status().as_u16(), 400);
});

on_both_backends!(forgotten_password_is_reset_by_link, |db| {
    let (app, inbox) = app_with_mail(db).await;
    let signed_up = sign_up_rina(&app).await;
    let old_session = cookie_of(&signed_up);
    inbox.wait_for("rina@contoh.id", 1).await;
    // The answer is the same whether or not the address has an account.
    let known = form(&app, "/lupa-sandi", &[("email", "Rina@Contoh.id")], None).await.text().await.unwrap();
    let unknown = form(&app, "/lupa-sandi", &[("email", "siapa@contoh.id")], None).await.text().await.unwrap();
    assert!(known.contains("Jika surel itu terdaftar") && unknown.contains("Jika surel itu terdaftar"));
    let mail = inbox.wait_for("rina@contoh.id", 2).await;
    assert!(mail.contains("Subject: Atur ulang kata sandi satupintu"), "{mail}");
    assert!(!inbox.messages().iter().any(|m| m.contains("siapa@contoh.id")));
    let url = link(&mail, "http://portal.test/atur-sandi?token=");
    let token = url.split("token=").nth(1).unwrap().to_string();
    let page = client().get(app.url(&format!("/atur-sandi?token={token}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("value=\"{token}\"")));
    let short = form(&app, "/atur-sandi", &[("token", &token), ("baru", "pendek"), ("baru2", "pendek")], None).await;
    assert_eq!(short.status().as_u16(), 400);
    let set = form(
        &app,
        "/atur-sandi",
        &[("token", &token), ("baru", "sandi-baru-rina"), ("baru2", "sandi-baru-rina")],
        None,
    )
    .await;
    assert_eq!(set.status().as_u16(), 303);
    let reused = form(
        &app,
        "/atur-sandi",
        &[("token", &token), ("baru", "sandi-lain-rina"), ("baru2", "sandi-lain-rina")],
        None,
    )
    .await;
    assert_eq!(reused.status().as_u16(), 400, "a reset link works once");
    // Every old session ended; the new password works, the old one does not.
    let account = client().get(app.url("/akun")).header("cookie", &old_session).send().await.unwrap();
    assert_eq!(account.status().as_u16(), 303);
    assert_eq!(
        form(&app, "/masuk", &[("login", "rina@contoh.id"), ("password", "rahasia-rina-1")], None)
            .await
            .status()
            .as_u16(),
        401
    );
    assert_eq!(
        form(&app, "/masuk", &[("login", "rina@contoh.id"), ("password", "sandi-baru-rina")], None)
            .await
            .status()
            .as_u16(),
        303
    );
});

#[tokio::test]
async fn mail_waits_in_the_outbox_without_smtp_and_retries_on_failure() {
    let mut db = TestDb::new(crate::helpers::Backend::Sqlite).await.unwrap();
    // Nothing listens on this port: delivery fails and is retried later.
    db.settings.smtp_url = Some(Secret::new("smtp://127.0.0.1:9"));
    let settings = db.settings.clone();
    let app = TestApp::spawn(db, false).await;
    form(&app, "/lupa-sandi", &[("email", "x@contoh.id")], None).await;
    sign_up_rina(&app).await;
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&settings.database_url()).await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        // The message stays pending, its failure recorded and the next attempt scheduled.
        let row = sqlx::query("SELECT attempts, last_error, sent_at FROM outbox").fetch_one(&mut conn).await.unwrap();
        let attempts: i64 = sqlx::Row::try_get(&row, "attempts").unwrap();
        let error: Option<String> = sqlx::Row::try_get(&row, "last_error").unwrap();
        let sent: Option<i64> = sqlx::Row::try_get(&row, "sent_at").unwrap();
        if attempts >= 1 {
            assert!(error.is_some_and(|e| !e.is_empty()));
            assert_eq!(sent, None);
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the failed attempt was not recorded");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}
