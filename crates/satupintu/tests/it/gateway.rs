//! The API gateway on SQLite and PostgreSQL: header hygiene and signed identities, who may
//! call (401/403/429), routes only for `api`-mode services, and the chained access log with
//! `satupintu gateway verify-log`. Streaming, limits, retries, the breaker and slow clients
//! are in `gateway_streaming`.

use std::process::Command;
use std::time::Duration;

use chrono::Utc;
use serde_json::Value;
use store::gateway::{NewRoute, RouteError};

use crate::gateway_upstream;
use crate::helpers::{TestApp, TestDb, client};
use crate::on_both_backends;

/// An app with the demo city, one API key and gateway routes.
pub struct Gw {
    pub app: TestApp,
    pub key: String,
    pub key_id: String,
    /// The signing secret of each route, in the order given.
    pub secrets: Vec<String>,
}

/// A key's gateway limits: calls a minute and the applications it may call.
pub type KeyLimits<'a> = (Option<i64>, Option<&'a [String]>);

/// Sets a route as `satupintu gateway route add` does; returns its secret.
pub async fn add_route(
    store: &store::Store,
    settings: &satupintu::config::Settings,
    code: &str,
    upstream: &str,
    timeout_ms: i64,
    max_body_bytes: i64,
) -> Result<String, RouteError> {
    let secret = format!("rahasia-{code}");
    let sealer = web::auth::seal::Sealer::new(&settings.nik_key().unwrap());
    let sealed = sealer.seal(&secret, &web::gateway::seal_owner(code)).unwrap();
    let route = NewRoute { service_code: code, upstream, timeout_ms, max_body_bytes, secret_sealed: &sealed };
    store.set_gateway_route(&route, Utc::now()).await.map(|()| secret)
}

/// `routes`: `(code, upstream, timeout ms, max body bytes)`.
pub async fn gateway(
    mut db: TestDb,
    routes: &[(&str, &str, i64, i64)],
    limits: KeyLimits<'_>,
    tweak: impl FnOnce(&mut web::gateway::GatewaySettings),
) -> Gw {
    let store = satupintu::app::open_store(&db.settings).await.unwrap();
    satupintu::demo::load(&store).await.unwrap();
    let (key, hash) = web::api_keys::generate().unwrap();
    let key_id = store.add_api_key("Konsumen uji", &hash, Utc::now()).await.unwrap();
    assert!(store.set_api_key_gateway(&key_id, limits.0, limits.1).await.unwrap());
    let mut secrets = Vec::new();
    for (code, upstream, timeout, max_body) in routes {
        secrets.push(add_route(&store, &db.settings, code, upstream, *timeout, *max_body).await.unwrap());
    }
    store.close().await;
    let mut web_settings = db.settings.gateway.to_web();
    tweak(&mut web_settings);
    db.settings.gateway.default_rate_per_minute = web_settings.default_rate_per_minute;
    db.settings.gateway.breaker_threshold = web_settings.breaker_threshold;
    db.settings.gateway.breaker_cooldown_ms = web_settings.breaker_cooldown.as_millis() as u64;
    db.settings.gateway.client_idle_timeout_ms = web_settings.client_idle_timeout.as_millis() as u64;
    db.settings.gateway.min_body_bytes_per_second = web_settings.min_body_bytes_per_second;
    db.settings.gateway.retries = web_settings.retries;
    Gw { app: TestApp::spawn(db, false).await, key, key_id, secrets }
}

/// A person signed in to an application through satupintu: the sign-in is stored as the
/// token endpoint stores it, and an access token of it is minted. Returns the token, the
/// sign-in (family), the client id and the person's id.
pub async fn signed_in(app: &TestApp, email: &str, scope: &str) -> (String, String, String, String) {
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    let user = store::NewUser {
        name: "Warga Uji".into(),
        email: Some(domain::identity::Email::parse(email).unwrap()),
        phone: None,
        password_hash: "x".into(),
        role: domain::identity::Role::Warga,
        agencies: Vec::new(),
    };
    let user = store.create_user(&user, None, Utc::now()).await.unwrap();
    let registration = web::oidc::registration::Registration {
        name: format!("Aplikasi {email}"),
        redirect_uris: vec!["https://app.example/cb".into()],
        ..Default::default()
    };
    let (client, _) = web::oidc::registration::register(&store, &registration, "uji").await.unwrap();
    let family = format!("keluarga-{email}");
    let grant = store::oidc::TokenGrant {
        family: family.clone(),
        client_id: client.id.clone(),
        user_id: user.id.clone(),
        scope: scope.into(),
        auth_time: Utc::now(),
    };
    store.issue_tokens(&grant, &format!("segar-{email}"), chrono::Duration::days(30), Utc::now()).await.unwrap();
    store.close().await;
    let token = web::oidc::access::AccessKey::derive(&app.settings.nik_key().unwrap())
        .issue(&family, &user.id, &client.id, scope, Utc::now(), chrono::Duration::hours(1))
        .unwrap();
    (token, family, client.id, user.id)
}

pub fn problem_code(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    v["code"].as_str().unwrap_or_default().to_string()
}

async fn echo(gw: &Gw, request: reqwest::RequestBuilder) -> Value {
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["x-up"], "ya");
    for gone in ["set-cookie", "keep-alive", "x-up-hop"] {
        assert!(headers.get(gone).is_none(), "{gone} reached the caller");
    }
    let _ = gw;
    response.json().await.unwrap()
}

on_both_backends!(proxies_with_clean_headers_and_signed_identities, |db| {
    let (upstream, _) = gateway_upstream::start().await;
    let with_base = format!("{upstream}/api");
    let gw =
        gateway(db, &[("KTP-EL", &upstream, 5_000, 1 << 20), ("KK", &with_base, 5_000, 1 << 20)], (None, None), |_| {})
            .await;
    let host = gw.app.base.trim_start_matches("http://").to_string();
    let request = client()
        .post(gw.app.url("/gw/ktp-el/echo?nik=3271&x=1"))
        .header("authorization", format!("Bearer {}", gw.key))
        .header("connection", "x-hop")
        .header("x-hop", "1")
        .header("x-satupintu-user", "admin-palsu")
        .header("x-satupintu-signature", "t=1,v1=00")
        .header("x-forwarded-for", "6.6.6.6")
        .header("x-forwarded-host", "jahat.example")
        .header("cookie", "sesi=rahasia")
        .header("x-api-key", gw.key.as_str())
        .header("x-kept", "ya")
        .body("halo");
    let got = echo(&gw, request).await;
    assert_eq!(got["method"], "POST");
    assert_eq!(got["path"], "/echo?nik=3271&x=1");
    assert_eq!(got["body_len"], 4);
    let h = &got["headers"];
    for gone in ["x-hop", "cookie", "authorization", "x-api-key", "connection"] {
        assert!(h.get(gone).is_none(), "{gone} reached the application: {h}");
    }
    assert_eq!(h["x-kept"], "ya");
    assert_eq!(h["x-forwarded-for"], "127.0.0.1");
    assert_eq!(h["x-forwarded-proto"], "http");
    assert_eq!(h["x-forwarded-host"], host.as_str());
    let consumer = format!("key:{}", gw.key_id);
    assert_eq!(h["x-satupintu-consumer"], consumer.as_str());
    assert_eq!(h["x-satupintu-user"], "", "the spoofed user is gone");
    let payload = web::gateway::headers::identity_payload("POST", "/echo?nik=3271&x=1", &consumer, "", "");
    let signature = h["x-satupintu-signature"].as_str().unwrap();
    let now = Utc::now().timestamp();
    assert!(web::hooks::verify(gw.secrets[0].as_bytes(), signature, payload.as_bytes(), now));
    assert!(!web::hooks::verify(gw.secrets[1].as_bytes(), signature, payload.as_bytes(), now), "per-route secret");

    // A person through an application: an OIDC access token; the route's base path is kept.
    let (token, _, client_id, user_id) = signed_in(&gw.app, "warga-gw@contoh.id", "openid profile").await;
    let request = client().get(gw.app.url("/gw/KK/echo")).bearer_auth(token);
    let got = echo(&gw, request).await;
    assert_eq!(got["path"], "/api/echo");
    let h = &got["headers"];
    let consumer = format!("oidc:{client_id}");
    assert_eq!(h["x-satupintu-user"], user_id.as_str());
    assert_eq!(h["x-satupintu-consumer"], consumer.as_str());
    assert_eq!(h["x-satupintu-scope"], "openid profile");
    let payload = web::gateway::headers::identity_payload("GET", "/api/echo", &consumer, &user_id, "openid profile");
    assert!(web::hooks::verify(
        gw.secrets[1].as_bytes(),
        h["x-satupintu-signature"].as_str().unwrap(),
        payload.as_bytes(),
        now
    ));

    // Leaving the application's base path is refused (raw: HTTP clients resolve dot segments).
    for path in ["/gw/KK/../admin", "/gw/KK/a/%2E%2e/admin"] {
        let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
        let request = format!(
            "GET {path} HTTP/1.1\r\nhost: {host}\r\nauthorization: Bearer {}\r\nconnection: close\r\n\r\n",
            gw.key
        );
        tokio::io::AsyncWriteExt::write_all(&mut stream, request.as_bytes()).await.unwrap();
        let mut response = String::new();
        tokio::io::AsyncReadExt::read_to_string(&mut stream, &mut response).await.unwrap();
        assert!(response.starts_with("HTTP/1.1 400"), "{path}: {response}");
    }
});

on_both_backends!(refuses_bad_callers_and_limits_rates, |db| {
    let (upstream, _) = gateway_upstream::start().await;
    let only_kk = vec!["KK".to_string()];
    let gw = gateway(
        db,
        &[("KTP-EL", &upstream, 5_000, 1 << 20), ("KK", &upstream, 5_000, 1 << 20)],
        (Some(3), Some(&only_kk)),
        |_| {},
    )
    .await;
    let call = |path: &str, auth: Option<String>| {
        let mut request = client().get(gw.app.url(path));
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            (status, headers, response.text().await.unwrap())
        }
    };
    let (status, headers, body) = call("/gw/KK/echo", None).await;
    assert_eq!((status, problem_code(&body).as_str()), (401, "unauthorized"));
    assert_eq!(headers["content-type"], "application/problem+json");
    assert!(headers.contains_key("www-authenticate"));
    let (status, _, body) = call("/gw/KK/echo", Some("Bearer sp_bukan-kunci".into())).await;
    assert_eq!((status, problem_code(&body).as_str()), (401, "unauthorized"));
    let (status, _, _) = call("/gw/KK/echo", Some("Bearer spat1.palsu.palsu".into())).await;
    assert_eq!(status, 401);
    let expired = web::oidc::access::AccessKey::derive(&gw.app.settings.nik_key().unwrap())
        .issue("f", "u", "c", "openid", Utc::now() - chrono::Duration::hours(2), chrono::Duration::hours(1))
        .unwrap();
    assert_eq!(call("/gw/KK/echo", Some(format!("Bearer {expired}"))).await.0, 401);
    let (status, headers, body) = call("/gw/KTP-EL/echo", Some(format!("Bearer {}", gw.key))).await;
    assert_eq!((status, problem_code(&body).as_str()), (403, "forbidden"), "the key is for KK only");
    assert_eq!(headers["content-type"], "application/problem+json");
    // No route, or no such application: not found.
    assert_eq!(call("/gw/KK-HILANG/echo", Some(format!("Bearer {}", gw.key))).await.0, 404);
    assert_eq!(call("/gw/TIDAK-ADA/echo", Some(format!("Bearer {}", gw.key))).await.0, 404);

    // Three calls a minute (refusals before the limit take none): three pass, the next does not.
    for _ in 0..3 {
        assert_eq!(call("/gw/KK/echo", Some(format!("Bearer {}", gw.key))).await.0, 200);
    }
    let (status, headers, body) = call("/gw/KK/echo", Some(format!("Bearer {}", gw.key))).await;
    assert_eq!((status, problem_code(&body).as_str()), (429, "rate_limited"), "{body}");
    let retry_after: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=20).contains(&retry_after), "{retry_after}");
    // Another consumer has its own bucket.
    let (token, _, _, _) = signed_in(&gw.app, "warga-satu@contoh.id", "openid").await;
    assert_eq!(call("/gw/KK/echo", Some(format!("Bearer {token}"))).await.0, 200);
    // A sealed, unexpired token whose sign-in was revoked (or never existed) is refused.
    let (revoked, family, client_id, _) = signed_in(&gw.app, "warga-dua@contoh.id", "openid").await;
    let store = satupintu::app::open_store(&gw.app.settings).await.unwrap();
    store.revoke_family_of(&family, &client_id).await.unwrap();
    store.close().await;
    let (status, _, body) = call("/gw/KK/echo", Some(format!("Bearer {revoked}"))).await;
    assert_eq!((status, problem_code(&body).as_str()), (401, "unauthorized"));
    let unknown = web::oidc::access::AccessKey::derive(&gw.app.settings.nik_key().unwrap())
        .issue("tidak-ada", "u1", "c", "openid", Utc::now(), chrono::Duration::hours(1))
        .unwrap();
    assert_eq!(call("/gw/KK/echo", Some(format!("Bearer {unknown}"))).await.0, 401);

    // Only api-mode services go behind the gateway.
    let store = satupintu::app::open_store(&gw.app.settings).await.unwrap();
    let refused = add_route(&store, &gw.app.settings, "PBG", &upstream, 1000, 1000).await;
    assert!(matches!(refused, Err(RouteError::NotApi(m)) if m == "link"));
    assert!(matches!(add_route(&store, &gw.app.settings, "NOPE", &upstream, 1, 1).await, Err(RouteError::NoService)));
    store.close().await;
});

fn verify_log(settings: &satupintu::config::Settings) -> (bool, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_satupintu"));
    command.args(["gateway", "verify-log", "--data-dir"]).arg(&settings.data_dir).env("RUST_LOG", "warn");
    if let Some(url) = &settings.database_url {
        command.arg("--database-url").arg(url.expose());
    }
    let out = command.output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

on_both_backends!(access_log_is_chained_and_tampering_is_found, |db| {
    let (upstream, _) = gateway_upstream::start().await;
    let gw = gateway(db, &[("KTP-EL", &upstream, 5_000, 1 << 20)], (None, None), |_| {}).await;
    let mut calls = Vec::new();
    for i in 0..20 {
        let request = client().post(gw.app.url(&format!("/gw/KTP-EL/echo?q={i}"))).bearer_auth(&gw.key).body("abc");
        calls.push(tokio::spawn(request.send()));
    }
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap().status(), 200);
    }
    assert_eq!(client().get(gw.app.url("/gw/KTP-EL/echo")).send().await.unwrap().status(), 401);
    let store = satupintu::app::open_store(&gw.app.settings).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let (entries, head) = loop {
        let (entries, head) = store.gateway_log().await.unwrap();
        if entries.len() >= 21 || tokio::time::Instant::now() > deadline {
            break (entries, head);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(entries.len(), 21);
    assert_eq!(domain::gateway_log::verify_chain(&entries, (head.0, &head.1)), Ok(21));
    let calls = entries.iter().map(|e| &e.call);
    let ok = calls.clone().filter(|c| c.status == 200).collect::<Vec<_>>();
    assert_eq!(ok.len(), 20);
    let consumer = format!("key:{}", gw.key_id);
    assert!(ok.iter().all(|e| e.consumer == consumer && e.app == "KTP-EL" && e.method == "POST"));
    assert!(ok.iter().all(|e| e.path == "/echo" && e.bytes_in == 3 && e.bytes_out > 100), "no query in the log");
    let refused = calls.clone().find(|c| c.status == 401).unwrap();
    assert_eq!((refused.consumer.as_str(), refused.method.as_str()), ("anonim", "GET"));
    let (intact, text) = verify_log(&gw.app.settings);
    assert!(intact && text.contains("gateway access log intact: 21 calls"), "{text}");

    // The metrics count the calls per application and consumer.
    let metrics = client().get(gw.app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("gateway_requests_total{app=\"KTP-EL\""), "{metrics}");

    // Someone edits a row directly.
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&gw.app.settings.database_url()).await.unwrap();
    sqlx::query("UPDATE gateway_log SET status = 500 WHERE seq = 7").execute(&mut conn).await.unwrap();
    let (intact, text) = verify_log(&gw.app.settings);
    assert!(!intact && text.contains("broken at call 7"), "{text}");
    store.close().await;
});
