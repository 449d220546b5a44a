//! Registering applications in the back-office: the secret shown once, input checked,
//! every change in the audit log; and key rotation keeping old keys published.

use chrono::{Duration, Utc};
use domain::identity::{Email, Role};
use store::NewUser;

use crate::helpers::{TestApp, client};
use crate::oidc::{location, post};
use crate::on_both_backends;

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).map(|i| i + start.len()).unwrap_or_else(|| panic!("{start} not in {html}"));
    &html[from..from + html[from..].find(end).unwrap()]
}

on_both_backends!(admin_registers_edits_and_disables_clients, |db| {
    let store = satupintu::app::open_store(&db.settings).await.unwrap();
    let hash = web::auth::password::hash("kata-sandi-admin".into()).await.unwrap();
    let admin = NewUser {
        name: "Admin Diskominfo".into(),
        email: Some(Email::parse("admin@contoh.id").unwrap()),
        phone: None,
        password_hash: hash,
        role: Role::Admin,
        agencies: Vec::new(),
    };
    let admin = store.create_user(&admin, Some("cli"), Utc::now()).await.unwrap();
    store.close().await;
    let app = TestApp::spawn(db, false).await;
    let signed = post(&app, "/masuk", &[("login", "admin@contoh.id"), ("password", "kata-sandi-admin")], None).await;
    let cookie = crate::oidc::cookie_of(&signed).unwrap();

    // A plain-http address outside the loopback is refused with the form kept.
    let bad = post(
        &app,
        "/admin/klien",
        &[("nama", "SiPintar"), ("redirect_uris", "http://sipintar.example/cb")],
        Some(&cookie),
    )
    .await;
    assert_eq!(bad.status().as_u16(), 400);
    let html = bad.text().await.unwrap();
    assert!(html.contains("http://sipintar.example/cb") && html.contains("https"), "{html}");

    let created = post(
        &app,
        "/admin/klien",
        &[
            ("nama", "SiPintar"),
            ("redirect_uris", "https://sipintar.example/cb\nhttp://127.0.0.1:7000/cb"),
            ("post_logout_redirect_uris", "https://sipintar.example/"),
            ("nik", "ya"),
        ],
        Some(&cookie),
    )
    .await;
    assert_eq!(created.status().as_u16(), 200);
    let html = created.text().await.unwrap();
    let id = between(&html, r#"<code id="client-id">"#, "<").to_string();
    let secret = between(&html, r#"<code id="client-secret">"#, "<").to_string();
    assert!(id.starts_with("sipintar-") && secret.len() == 43);
    // The secret authenticates the client (a bad code, not a bad client).
    let response = client()
        .post(app.url("/oidc/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .basic_auth(&id, Some(&secret))
        .body("grant_type=authorization_code&code=x&redirect_uri=https%3A%2F%2Fsipintar.example%2Fcb")
        .send()
        .await
        .unwrap();
    assert_eq!(response.json::<serde_json::Value>().await.unwrap()["error"], "invalid_grant");
    // It is never shown again.
    let page = client().get(app.url(&format!("/admin/klien/{id}"))).header("cookie", &cookie).send().await.unwrap();
    assert!(!page.text().await.unwrap().contains(&secret));
    let list = client().get(app.url("/admin/klien")).header("cookie", &cookie).send().await.unwrap();
    assert!(list.text().await.unwrap().contains(&id));

    // Unknown catalog codes are refused; a disable ends the client.
    let edit = |service: &'static str, disable: &'static str| {
        vec![
            ("nama", "SiPintar 2"),
            ("redirect_uris", "https://sipintar.example/cb"),
            ("layanan", service),
            ("nonaktif", disable),
        ]
    };
    let refused = post(&app, &format!("/admin/klien/{id}"), &edit("TIDAK-ADA", ""), Some(&cookie)).await;
    assert_eq!(refused.status().as_u16(), 400);
    let saved = post(&app, &format!("/admin/klien/{id}"), &edit("", "ya"), Some(&cookie)).await;
    assert_eq!(location(&saved), format!("/admin/klien/{id}?tersimpan=1"));
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    let client_row = store.client(&id).await.unwrap().unwrap();
    assert!(client_row.disabled && client_row.name == "SiPintar 2" && !client_row.allow_nik);
    // A new secret replaces the old one.
    let renewed = post(&app, &format!("/admin/klien/{id}/rahasia"), &[], Some(&cookie)).await;
    let html = renewed.text().await.unwrap();
    assert_ne!(between(&html, r#"<code id="client-secret">"#, "<"), secret);
    let (entries, _) = store.audit_log().await.unwrap();
    for action in ["oidc_client.create", "oidc_client.edit", "oidc_client.secret"] {
        assert!(entries.iter().any(|e| e.action == action && e.actor == admin.id && e.target == id), "{action}");
    }
    assert!(entries.iter().all(|e| !e.after.contains(&secret)), "secrets never reach the audit log");
    store.close().await;
});

on_both_backends!(rotated_keys_stay_published_until_their_tokens_expire, |db| {
    let store = satupintu::app::open_store(&db.settings).await.unwrap();
    let sealer = web::auth::seal::Sealer::new(&[9u8; 32]);
    let ring = web::oidc::keys::KeyRing::default();
    let first = ring.keys(&store, &sealer).await.unwrap();
    let old_kid = first.kid.clone();
    let new_kid = web::oidc::keys::rotate(&store, &sealer).await.unwrap();
    let fresh = web::oidc::keys::KeyRing::default().keys(&store, &sealer).await.unwrap();
    assert_eq!(fresh.kid, new_kid, "the new key signs");
    assert!(fresh.jwks.contains(&old_kid) && fresh.jwks.contains(&new_kid), "both published");
    assert!(fresh.public.contains_key(&old_kid), "tokens signed by the old key still verify");
    let later = store
        .signing_keys(Utc::now() + web::oidc::keys::KEEP_RETIRED + Duration::minutes(1), web::oidc::keys::KEEP_RETIRED)
        .await
        .unwrap();
    assert_eq!(
        later.iter().map(|k| k.kid.as_str()).collect::<Vec<_>>(),
        vec![new_kid.as_str()],
        "old key dropped later"
    );
    // A key sealed with another server key does not open: the error says so.
    let other = web::auth::seal::Sealer::new(&[1u8; 32]);
    let err = web::oidc::keys::KeyRing::default().keys(&store, &other).await.err().unwrap();
    assert!(err.to_string().contains("nik_key"), "{err}");
    store.close().await;
});

on_both_backends!(expired_codes_tokens_and_sessions_are_purged, |db| {
    let store = satupintu::app::open_store(&db.settings).await.unwrap();
    let user = NewUser {
        name: "Warga".into(),
        email: Some(Email::parse("warga@contoh.id").unwrap()),
        phone: None,
        password_hash: "x".into(),
        role: Role::Warga,
        agencies: Vec::new(),
    };
    let user = store.create_user(&user, None, Utc::now()).await.unwrap();
    let reg = web::oidc::registration::Registration {
        name: "App".into(),
        redirect_uris: vec!["https://app.example/cb".into()],
        ..Default::default()
    };
    let (client, _) = web::oidc::registration::register(&store, &reg, "test").await.unwrap();
    let long_ago = Utc::now() - Duration::days(40);
    let grant = store::oidc::CodeGrant {
        client_id: client.id.clone(),
        user_id: user.id.clone(),
        redirect_uri: "https://app.example/cb".into(),
        scope: "openid".into(),
        nonce: None,
        code_challenge: None,
        auth_time: long_ago,
    };
    store.create_code("old-code", &grant, long_ago, Duration::minutes(2)).await.unwrap();
    store.create_code("new-code", &grant, Utc::now(), Duration::minutes(2)).await.unwrap();
    let family = store::oidc::TokenGrant {
        family: "old-code".into(),
        client_id: client.id.clone(),
        user_id: user.id.clone(),
        scope: "openid".into(),
        auth_time: long_ago,
    };
    store.issue_tokens(&family, "old-refresh", Duration::days(30), long_ago).await.unwrap();
    store.create_session("old-session", &user.id, long_ago, Duration::hours(24)).await.unwrap();
    store.create_session("live-session", &user.id, Utc::now(), Duration::hours(24)).await.unwrap();
    assert_eq!(store.purge_expired_oidc(Utc::now()).await.unwrap(), 2, "the old code and the old refresh token");
    assert_eq!(store.purge_expired_sessions(Utc::now(), Duration::hours(2)).await.unwrap(), 1);
    assert!(store.session_started("live-session").await.unwrap().is_some());
    assert!(matches!(store.redeem_code("new-code", Utc::now()).await.unwrap(), store::oidc::CodeRedemption::Fresh(_)));
    store.close().await;
});

#[tokio::test]
async fn clients_from_the_command_line() {
    let db = crate::helpers::TestDb::new(crate::helpers::Backend::Sqlite).await.unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_satupintu"))
            .args(args)
            .arg("--data-dir")
            .arg(&db.settings.data_dir)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, stdout, stderr) = run(&[
        "oidc",
        "client",
        "add",
        "--name",
        "SiPintar",
        "--redirect-uri",
        "https://sipintar.example/cb",
        "--redirect-uri",
        "http://127.0.0.1:7000/cb",
        "--allow-nik",
        "--json",
    ]);
    assert!(ok, "{stderr}");
    let created: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(created["public"], false);
    assert_eq!(created["allow_nik"], true);
    assert_eq!(created["client_secret"].as_str().unwrap().len(), 43);
    let (ok, stdout, _) = run(&[
        "oidc",
        "client",
        "add",
        "--name",
        "Aplikasi Seluler",
        "--redirect-uri",
        "id.go.bogorkota.app:/oauth",
        "--public",
    ]);
    assert!(ok && stdout.contains("public client: no secret, PKCE (S256) required"), "{stdout}");
    let (ok, _, stderr) = run(&["oidc", "client", "add", "--name", "X", "--redirect-uri", "http://x.example/cb"]);
    assert!(!ok && stderr.contains("only allowed for 127.0.0.1"), "{stderr}");
    let (ok, stdout, _) = run(&["oidc", "client", "list", "--json"]);
    assert!(ok);
    let list: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    let id = created["client_id"].as_str().unwrap();
    let (ok, stdout, _) = run(&["oidc", "client", "new-secret", id, "--json"]);
    let renewed: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(ok && renewed["client_secret"] != created["client_secret"]);
    let (ok, stdout, stderr) = run(&["oidc", "key", "rotate"]);
    assert!(ok && stdout.contains("signing with new key"), "{stderr}");
    let store = satupintu::app::open_store(&db.settings).await.unwrap();
    let (entries, _) = store.audit_log().await.unwrap();
    assert!(entries.iter().any(|e| e.action == "oidc_client.create" && e.actor == "cli"));
    store.close().await;
}
