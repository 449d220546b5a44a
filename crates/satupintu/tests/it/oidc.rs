//! The OpenID Connect provider end to end over HTTP: discovery, the code flow with PKCE,
//! ID token claims, UserInfo (GET, POST header, POST body), refresh rotation, code and
//! refresh replay, revocation, consent withdrawal and RP-initiated logout.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use web::oidc::registration::{Registration, register};

use crate::helpers::{TestApp, client};
use crate::on_both_backends;

pub const REDIRECT: &str = "http://127.0.0.1:9/cb";
pub const AFTER_LOGOUT: &str = "http://127.0.0.1:9/bye";
pub const VERIFIER: &str = "dBjftJeZ4CVP-mJ0kl2zAx0X0nZKNkxCZlvL0a8dA7s";

/// A running app with one registered client and one signed-in citizen.
pub struct Setup {
    pub app: std::sync::Arc<TestApp>,
    pub client_id: String,
    pub secret: Option<String>,
    pub cookie: String,
}

pub async fn setup(db: crate::helpers::TestDb, public: bool, allow_nik: bool) -> Setup {
    let app = TestApp::spawn(db, false).await;
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    let reg = Registration {
        name: "SiPintar Bogor".into(),
        redirect_uris: vec![REDIRECT.into()],
        post_logout_redirect_uris: vec![AFTER_LOGOUT.into()],
        public,
        allow_nik,
        service_code: None,
    };
    let (registered, secret) = register(&store, &reg, "test").await.unwrap();
    store.close().await;
    let response = post(
        &app,
        "/daftar",
        &[
            ("nama", "Dewi Lestari"),
            ("email", "dewi@contoh.id"),
            ("telepon", "0812 1111 2222"),
            ("password", "kata-sandi-dewi-1"),
            ("password2", "kata-sandi-dewi-1"),
        ],
        None,
    )
    .await;
    let cookie = cookie_of(&response).expect("signed in after sign-up");
    Setup { app: std::sync::Arc::new(app), client_id: registered.id, secret, cookie }
}

pub fn cookie_of(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("sp_sesi=") && !c.starts_with("sp_sesi=;"))
        .map(|c| c.split(';').next().unwrap_or_default().to_string())
}

pub async fn post(app: &TestApp, path: &str, form: &[(&str, &str)], cookie: Option<&str>) -> reqwest::Response {
    let body: String = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
    let mut request =
        client().post(app.url(path)).header("content-type", "application/x-www-form-urlencoded").body(body);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap()
}

pub async fn get(app: &TestApp, path: &str, cookie: Option<&str>) -> reqwest::Response {
    let mut request = client().get(app.url(path));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap()
}

pub fn location(response: &reqwest::Response) -> String {
    response.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_string()
}

pub fn query_of(uri: &str) -> HashMap<String, String> {
    let query = uri.split_once('?').map_or("", |(_, q)| q);
    url::form_urlencoded::parse(query.as_bytes()).into_owned().collect()
}

/// The standard authorization request parameters, PKCE included.
pub fn auth_params(s: &Setup, scope: &str) -> Vec<(String, String)> {
    vec![
        ("response_type".into(), "code".into()),
        ("client_id".into(), s.client_id.clone()),
        ("redirect_uri".into(), REDIRECT.into()),
        ("scope".into(), scope.into()),
        ("state".into(), "st-123".into()),
        ("nonce".into(), "n-456".into()),
        ("code_challenge".into(), domain::identity::challenge_s256(VERIFIER)),
        ("code_challenge_method".into(), "S256".into()),
    ]
}

pub fn encode(params: &[(String, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish()
}

/// Authorizes with consent; returns the code from the redirect.
pub async fn code(s: &Setup, scope: &str) -> String {
    let params = auth_params(s, scope);
    let page = get(&s.app, &format!("/oidc/authorize?{}", encode(&params)), Some(&s.cookie)).await;
    let to = if page.status().as_u16() == 200 {
        let mut form: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        form.push(("keputusan", "izinkan"));
        let answer = post(&s.app, "/oidc/persetujuan", &form, Some(&s.cookie)).await;
        assert_eq!(answer.status().as_u16(), 303);
        location(&answer)
    } else {
        assert_eq!(page.status().as_u16(), 302, "consent already given: straight back");
        location(&page)
    };
    assert!(to.starts_with(REDIRECT), "{to}");
    let q = query_of(&to);
    assert_eq!(q["state"], "st-123");
    assert_eq!(q["iss"], s.app.base);
    q["code"].clone()
}

/// POSTs to the token endpoint with Basic client authentication (or the client id in
/// the body for a public client).
pub async fn token(s: &Setup, form: &[(&str, &str)]) -> (u16, Value) {
    let body: String = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
    let mut request =
        client().post(s.app.url("/oidc/token")).header("content-type", "application/x-www-form-urlencoded");
    let body = match &s.secret {
        Some(secret) => {
            request = request.basic_auth(&s.client_id, Some(secret));
            body
        }
        None => format!("{body}&client_id={}", s.client_id),
    };
    let response = request.body(body).send().await.unwrap();
    let status = response.status().as_u16();
    assert_eq!(response.headers().get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
    (status, response.json().await.unwrap_or(Value::Null))
}

pub async fn exchange(s: &Setup, code: &str) -> (u16, Value) {
    token(
        s,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    )
    .await
}

pub fn jwt_part(token: &str, index: usize) -> Value {
    let part = token.split('.').nth(index).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

pub async fn userinfo_get(s: &Setup, access: &str) -> (u16, Value) {
    let response = client().get(s.app.url("/oidc/userinfo")).bearer_auth(access).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

on_both_backends!(discovery_names_every_endpoint, |db| {
    let app = TestApp::spawn(db, false).await;
    let d: Value =
        client().get(app.url("/.well-known/openid-configuration")).send().await.unwrap().json().await.unwrap();
    assert_eq!(d["issuer"], app.base);
    for (field, path) in [
        ("authorization_endpoint", "/oidc/authorize"),
        ("token_endpoint", "/oidc/token"),
        ("userinfo_endpoint", "/oidc/userinfo"),
        ("jwks_uri", "/oidc/jwks"),
        ("end_session_endpoint", "/oidc/logout"),
        ("revocation_endpoint", "/oidc/revoke"),
    ] {
        assert_eq!(d[field], format!("{}{path}", app.base), "{field}");
    }
    assert_eq!(d["id_token_signing_alg_values_supported"], serde_json::json!(["RS256"]));
    assert_eq!(d["code_challenge_methods_supported"], serde_json::json!(["S256"]));
    assert_eq!(d["response_types_supported"], serde_json::json!(["code"]));
    let jwks: Value = client().get(app.url("/oidc/jwks")).send().await.unwrap().json().await.unwrap();
    let key = &jwks["keys"][0];
    assert_eq!(
        (key["kty"].as_str(), key["alg"].as_str(), key["e"].as_str()),
        (Some("RSA"), Some("RS256"), Some("AQAB"))
    );
    assert_eq!(URL_SAFE_NO_PAD.decode(key["n"].as_str().unwrap()).unwrap().len(), 256, "2048-bit modulus");
    // Other origins (single-page apps) may read discovery.
    let cors = client()
        .get(app.url("/.well-known/openid-configuration"))
        .header("origin", "https://app.example")
        .send()
        .await
        .unwrap();
    assert_eq!(cors.headers()["access-control-allow-origin"], "*");
});

on_both_backends!(code_flow_with_pkce_userinfo_and_replay, |db| {
    let s = setup(db, false, true).await;
    // The consent page says who asks for what.
    let params = auth_params(&s, "openid profile email phone");
    let page = get(&s.app, &format!("/oidc/authorize?{}", encode(&params)), Some(&s.cookie)).await;
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("SiPintar Bogor") && html.contains("alamat surel") && html.contains("127.0.0.1"), "{html}");

    let code = code(&s, "openid profile email phone").await;
    let (status, body) = exchange(&s, &code).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], "openid profile email phone");
    let id_token = body["id_token"].as_str().unwrap();
    let header = jwt_part(id_token, 0);
    let claims = jwt_part(id_token, 1);
    assert_eq!(header["alg"], "RS256");
    let jwks: Value = client().get(s.app.url("/oidc/jwks")).send().await.unwrap().json().await.unwrap();
    assert_eq!(header["kid"], jwks["keys"][0]["kid"]);
    assert_eq!(claims["iss"], s.app.base);
    assert_eq!(claims["aud"], s.client_id);
    assert_eq!(claims["nonce"], "n-456");
    assert!(claims["auth_time"].as_i64().unwrap() <= claims["iat"].as_i64().unwrap());
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 3600);
    let access = body["access_token"].as_str().unwrap().to_string();
    assert_eq!(claims["at_hash"], web::oidc::jws::at_hash(&access));

    // UserInfo three ways (the Basic OP plan tests each).
    let (status, info) = userinfo_get(&s, &access).await;
    assert_eq!(status, 200);
    assert_eq!(info["sub"], claims["sub"]);
    assert_eq!(info["name"], "Dewi Lestari");
    assert_eq!(info["email"], "dewi@contoh.id");
    assert_eq!(info["email_verified"], false);
    assert_eq!(info["phone_number"], "+6281211112222");
    assert!(info.get("nik").is_none(), "nik was not asked for");
    let by_header = client().post(s.app.url("/oidc/userinfo")).bearer_auth(&access).send().await.unwrap();
    assert_eq!(by_header.status().as_u16(), 200);
    let by_body = post(&s.app, "/oidc/userinfo", &[("access_token", &access)], None).await;
    assert_eq!(by_body.json::<Value>().await.unwrap()["sub"], claims["sub"]);

    // A code works once; a second use fails and revokes what the first gave.
    let (status, again) = exchange(&s, &code).await;
    assert_eq!((status, again["error"].as_str()), (400, Some("invalid_grant")));
    let (status, _) = userinfo_get(&s, &access).await;
    assert_eq!(status, 401, "tokens from a replayed code are revoked");
});

on_both_backends!(refresh_tokens_rotate_and_replay_revokes_the_family, |db| {
    let s = setup(db, false, false).await;
    let code = code(&s, "openid email").await;
    let (_, first) = exchange(&s, &code).await;
    let old_refresh = first["refresh_token"].as_str().unwrap().to_string();
    let (status, second) = token(&s, &[("grant_type", "refresh_token"), ("refresh_token", &old_refresh)]).await;
    assert_eq!(status, 200, "{second}");
    assert_ne!(second["refresh_token"], first["refresh_token"], "rotated");
    assert_eq!(second["scope"], "openid email");
    let (status, _) = userinfo_get(&s, second["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 200);

    // Narrowing works; widening is refused without spending the token.
    let current = second["refresh_token"].as_str().unwrap().to_string();
    let (status, wider) =
        token(&s, &[("grant_type", "refresh_token"), ("refresh_token", &current), ("scope", "openid email phone")])
            .await;
    assert_eq!((status, wider["error"].as_str()), (400, Some("invalid_scope")));
    let (status, narrower) =
        token(&s, &[("grant_type", "refresh_token"), ("refresh_token", &current), ("scope", "openid")]).await;
    assert_eq!((status, narrower["scope"].as_str()), (200, Some("openid")));

    // Replaying a spent refresh token ends the whole sign-in.
    let (status, replay) = token(&s, &[("grant_type", "refresh_token"), ("refresh_token", &old_refresh)]).await;
    assert_eq!((status, replay["error"].as_str()), (400, Some("invalid_grant")));
    let (status, _) = userinfo_get(&s, narrower["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 401);
    let latest = narrower["refresh_token"].as_str().unwrap();
    let (status, _) = token(&s, &[("grant_type", "refresh_token"), ("refresh_token", latest)]).await;
    assert_eq!(status, 400);
});

on_both_backends!(public_client_needs_pkce_and_no_secret, |db| {
    let s = setup(db, true, false).await;
    assert!(s.secret.is_none());
    // Without PKCE the request goes back with an error.
    let mut params = auth_params(&s, "openid");
    params.retain(|(k, _)| !k.starts_with("code_challenge"));
    let response = get(&s.app, &format!("/oidc/authorize?{}", encode(&params)), Some(&s.cookie)).await;
    let q = query_of(&location(&response));
    assert_eq!((q["error"].as_str(), q["state"].as_str()), ("invalid_request", "st-123"));

    let code = code(&s, "openid").await;
    // A wrong verifier is refused.
    let (status, bad) = token(
        &s,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &"x".repeat(43)),
        ],
    )
    .await;
    assert_eq!((status, bad["error"].as_str()), (400, Some("invalid_grant")));
    // The code was spent by that attempt, so start again.
    let code = self::code(&s, "openid").await;
    let (status, body) = exchange(&s, &code).await;
    assert_eq!(status, 200, "{body}");
    // Revoking the refresh token ends its access token too (RFC 7009).
    let refresh = body["refresh_token"].as_str().unwrap();
    let revoked = post(&s.app, "/oidc/revoke", &[("token", refresh), ("client_id", &s.client_id)], None).await;
    assert_eq!(revoked.status().as_u16(), 200);
    let (status, _) = userinfo_get(&s, body["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 401);
    // Unknown tokens get the same 200.
    let unknown = post(&s.app, "/oidc/revoke", &[("token", "nothing"), ("client_id", &s.client_id)], None).await;
    assert_eq!(unknown.status().as_u16(), 200);
});

on_both_backends!(nik_scope_only_for_allowed_clients, |db| {
    let s = setup(db, false, true).await;
    let saved = post(&s.app, "/akun/nik", &[("nik", "3271046504930002")], Some(&s.cookie)).await;
    assert_eq!(saved.status().as_u16(), 303);
    let code = code(&s, "openid nik").await;
    let (_, body) = exchange(&s, &code).await;
    let (_, info) = userinfo_get(&s, body["access_token"].as_str().unwrap()).await;
    assert_eq!(info["nik"], "3271046504930002");

    let other = setup(crate::helpers::TestDb::new(crate::helpers::Backend::Sqlite).await.unwrap(), false, false).await;
    let params = auth_params(&other, "openid nik");
    let response = get(&other.app, &format!("/oidc/authorize?{}", encode(&params)), Some(&other.cookie)).await;
    assert_eq!(query_of(&location(&response))["error"], "invalid_scope");
});

on_both_backends!(prompts_max_age_and_sign_in_hop, |db| {
    let s = setup(db, false, false).await;
    let with = |extra: &[(&str, &str)]| {
        let mut p = auth_params(&s, "openid");
        p.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        format!("/oidc/authorize?{}", encode(&p))
    };
    // Signed out: prompt=none answers login_required; otherwise off to sign in, with the hint.
    let response = get(&s.app, &with(&[("prompt", "none")]), None).await;
    assert_eq!(query_of(&location(&response))["error"], "login_required");
    let response = get(&s.app, &with(&[("login_hint", "dewi@contoh.id")]), None).await;
    let to = location(&response);
    assert!(to.starts_with("/masuk?"), "{to}");
    let q = query_of(&to);
    assert_eq!(q["login"], "dewi@contoh.id");
    assert!(q["kembali"].starts_with("/oidc/authorize?"));
    let login_page = get(&s.app, &to, None).await.text().await.unwrap();
    assert!(login_page.contains(r#"value="dewi@contoh.id""#), "login_hint pre-fills the form");

    // Signed in without consent: prompt=none answers consent_required.
    let response = get(&s.app, &with(&[("prompt", "none")]), Some(&s.cookie)).await;
    assert_eq!(query_of(&location(&response))["error"], "consent_required");
    // Declining goes back with access_denied.
    let params = auth_params(&s, "openid");
    let mut form: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    form.push(("keputusan", "tolak"));
    let declined = post(&s.app, "/oidc/persetujuan", &form, Some(&s.cookie)).await;
    assert_eq!(query_of(&location(&declined))["error"], "access_denied");
    // After consent, prompt=none gives a code silently.
    code(&s, "openid").await;
    let response = get(&s.app, &with(&[("prompt", "none")]), Some(&s.cookie)).await;
    assert!(query_of(&location(&response)).contains_key("code"));
    // prompt=consent asks again even so.
    let response = get(&s.app, &with(&[("prompt", "consent")]), Some(&s.cookie)).await;
    assert_eq!(response.status().as_u16(), 200);

    // prompt=login and a max_age the session is older than send the person to sign in
    // again, and the way back no longer asks for it.
    for extra in [[("prompt", "login")], [("max_age", "0")]] {
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        let response = get(&s.app, &with(&extra), Some(&s.cookie)).await;
        let to = location(&response);
        assert!(to.starts_with("/masuk?"), "{extra:?}: {to}");
        let back = query_of(&to)["kembali"].clone();
        assert!(!back.contains("prompt=login") && back.contains("sp_login_after="));
        let signed = post(
            &s.app,
            "/masuk",
            &[("login", "dewi@contoh.id"), ("password", "kata-sandi-dewi-1"), ("kembali", &back)],
            Some(&s.cookie),
        )
        .await;
        assert_eq!(location(&signed), back);
        let fresh = cookie_of(&signed).unwrap();
        let response = get(&s.app, &back, Some(&fresh)).await;
        let q = query_of(&location(&response));
        let (status, body) = exchange(&s, &q["code"]).await;
        assert_eq!(status, 200);
        let claims = jwt_part(body["id_token"].as_str().unwrap(), 1);
        assert!(claims["auth_time"].as_i64().unwrap() >= chrono::Utc::now().timestamp() - 5);
    }
});

on_both_backends!(apps_page_lists_and_revokes, |db| {
    let s = setup(db, false, false).await;
    let code = code(&s, "openid email").await;
    let (_, body) = exchange(&s, &code).await;
    let page = get(&s.app, "/akun", Some(&s.cookie)).await.text().await.unwrap();
    assert!(page.contains("SiPintar Bogor") && page.contains("surel"), "listed with its scopes");
    let data: Value = get(&s.app, "/akun/data", Some(&s.cookie)).await.json().await.unwrap();
    assert_eq!(data["connected_apps"][0]["client_id"], s.client_id);
    let revoked = post(&s.app, "/akun/aplikasi/cabut", &[("client_id", &s.client_id)], Some(&s.cookie)).await;
    assert_eq!(location(&revoked), "/akun?tersimpan=aplikasi");
    let (status, _) = userinfo_get(&s, body["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 401, "withdrawing consent ends the app's access");
    let (status, _) =
        token(&s, &[("grant_type", "refresh_token"), ("refresh_token", body["refresh_token"].as_str().unwrap())]).await;
    assert_eq!(status, 400);
    let page = get(&s.app, "/akun", Some(&s.cookie)).await.text().await.unwrap();
    assert!(page.contains("Belum ada aplikasi"));
    // Consent must be given again.
    let params = auth_params(&s, "openid");
    let response = get(&s.app, &format!("/oidc/authorize?{}", encode(&params)), Some(&s.cookie)).await;
    assert_eq!(response.status().as_u16(), 200);
});

on_both_backends!(rp_initiated_logout, |db| {
    let s = setup(db, false, false).await;
    let code = code(&s, "openid").await;
    let (_, body) = exchange(&s, &code).await;
    let id_token = body["id_token"].as_str().unwrap();
    // Without a hint, the person is asked first.
    let ask = get(&s.app, "/oidc/logout", Some(&s.cookie)).await;
    assert_eq!(ask.status().as_u16(), 200);
    assert!(ask.text().await.unwrap().contains("/oidc/keluar"));
    // An unregistered way back is refused.
    let bad = format!("/oidc/logout?id_token_hint={id_token}&post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F");
    assert_eq!(get(&s.app, &bad, Some(&s.cookie)).await.status().as_u16(), 400);
    // With the person's own ID token: signed out at once and sent back with the state.
    let path = format!(
        "/oidc/logout?id_token_hint={id_token}&post_logout_redirect_uri={}&state=bye-1",
        url::form_urlencoded::byte_serialize(AFTER_LOGOUT.as_bytes()).collect::<String>()
    );
    let out = get(&s.app, &path, Some(&s.cookie)).await;
    assert_eq!(out.status().as_u16(), 303);
    assert_eq!(location(&out), format!("{AFTER_LOGOUT}?state=bye-1"));
    let account = get(&s.app, "/akun", Some(&s.cookie)).await;
    assert!(location(&account).starts_with("/masuk"), "the session is over");
});

on_both_backends!(request_without_nonce_and_scope_order, |db| {
    let s = setup(db, false, false).await;
    code(&s, "openid").await;
    // No nonce, scopes in another order, an unsupported scope (address) ignored.
    let mut params = auth_params(&s, "email openid address profile");
    params.retain(|(k, _)| k != "nonce");
    params.push(("max_age".into(), "10000".into()));
    let page = get(&s.app, &format!("/oidc/authorize?{}", encode(&params)), Some(&s.cookie)).await;
    assert_eq!(page.status().as_u16(), 200, "new scopes need consent; a recent sign-in needs no new one");
    let mut form: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    form.push(("keputusan", "izinkan"));
    let answer = post(&s.app, "/oidc/persetujuan", &form, Some(&s.cookie)).await;
    let q = query_of(&location(&answer));
    let (status, body) = exchange(&s, &q["code"]).await;
    assert_eq!(status, 200);
    assert_eq!(body["scope"], "email openid profile");
    let claims = jwt_part(body["id_token"].as_str().unwrap(), 1);
    assert!(claims.get("nonce").is_none());
    assert!(claims["auth_time"].is_i64());

    // id_token_hint: the signed-in person's own hint is honoured silently...
    let hint = body["id_token"].as_str().unwrap().to_string();
    let mut silent = auth_params(&s, "openid");
    silent.push(("prompt".into(), "none".into()));
    silent.push(("id_token_hint".into(), hint));
    let response = get(&s.app, &format!("/oidc/authorize?{}", encode(&silent)), Some(&s.cookie)).await;
    assert!(query_of(&location(&response)).contains_key("code"));
    // ...while a hint naming someone else is not this session's person.
    let other = post(
        &s.app,
        "/daftar",
        &[
            ("nama", "Budi"),
            ("email", "budi@contoh.id"),
            ("password", "kata-sandi-budi-1"),
            ("password2", "kata-sandi-budi-1"),
        ],
        None,
    )
    .await;
    let budi = Setup {
        app: s.app.clone(),
        client_id: s.client_id.clone(),
        secret: s.secret.clone(),
        cookie: cookie_of(&other).unwrap(),
    };
    let budi_code = code(&budi, "openid").await;
    let (_, budi_tokens) = exchange(&budi, &budi_code).await;
    silent.retain(|(k, _)| k != "id_token_hint");
    silent.push(("id_token_hint".into(), budi_tokens["id_token"].as_str().unwrap().to_string()));
    let response = get(&s.app, &format!("/oidc/authorize?{}", encode(&silent)), Some(&s.cookie)).await;
    assert_eq!(query_of(&location(&response))["error"], "login_required");
});

on_both_backends!(concurrent_exchanges_and_refreshes_all_succeed, |db| {
    // Every exchange reads, then writes, in one transaction; on SQLite such transactions
    // must take the write lock up front or they fail with "database is locked" under load.
    let s = std::sync::Arc::new(setup(db, false, false).await);
    let mut codes = Vec::new();
    for _ in 0..12 {
        codes.push(code(&s, "openid").await);
    }
    let exchanges: Vec<_> = codes
        .into_iter()
        .map(|c| {
            let s = s.clone();
            tokio::spawn(async move { exchange(&s, &c).await })
        })
        .collect();
    let mut refresh_tokens = Vec::new();
    for handle in exchanges {
        let (status, body) = handle.await.unwrap();
        assert_eq!(status, 200, "{body}");
        refresh_tokens.push(body["refresh_token"].as_str().unwrap().to_string());
    }
    let refreshes: Vec<_> = refresh_tokens
        .into_iter()
        .map(|t| {
            let s = s.clone();
            tokio::spawn(async move { token(&s, &[("grant_type", "refresh_token"), ("refresh_token", &t)]).await })
        })
        .collect();
    for handle in refreshes {
        let (status, body) = handle.await.unwrap();
        assert_eq!(status, 200, "{body}");
    }
});
