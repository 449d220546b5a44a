//! The provider's error paths (RFC 6749 §4.1.2.1 and §5.2, OIDC Core §3.1.2.6): a person
//! sees a page when the client cannot be trusted, a client gets a registered error code,
//! never a 500.

use serde_json::Value;

use crate::helpers::client;
use crate::oidc::{REDIRECT, Setup, auth_params, code, encode, get, location, post, query_of, setup, token};
use crate::on_both_backends;

async fn authorize_error(s: &Setup, change: impl Fn(&mut Vec<(String, String)>)) -> (u16, String) {
    let mut params = auth_params(s, "openid");
    change(&mut params);
    let response = get(&s.app, &format!("/oidc/authorize?{}", encode(&params)), Some(&s.cookie)).await;
    let status = response.status().as_u16();
    let to = location(&response);
    if status == 302 {
        let q = query_of(&to);
        assert_eq!(q.get("state").map(String::as_str), Some("st-123"));
        (status, q.get("error").cloned().unwrap_or_default())
    } else {
        (status, response.text().await.unwrap())
    }
}

type Change = Box<dyn Fn(&mut Vec<(String, String)>)>;

fn set(params: &mut Vec<(String, String)>, name: &str, value: &str) {
    params.retain(|(k, _)| k != name);
    params.push((name.into(), value.into()));
}

on_both_backends!(authorization_request_errors, |db| {
    let s = setup(db, false, false).await;
    // Not shown to the client: unknown client, unregistered redirect URI.
    let (status, page) = authorize_error(&s, |p| set(p, "client_id", "nobody")).await;
    assert_eq!(status, 400);
    assert!(page.contains("tidak terdaftar"), "{page}");
    let (status, page) = authorize_error(&s, |p| set(p, "redirect_uri", "https://evil.example/cb")).await;
    assert_eq!(status, 400, "never redirect to an unregistered URI");
    assert!(page.contains("redirect_uri"));
    // Sent back to the client with a registered code.
    let cases: Vec<(&str, Change)> = vec![
        ("invalid_request", Box::new(|p| p.retain(|(k, _)| k != "response_type"))),
        ("unsupported_response_type", Box::new(|p| set(p, "response_type", "token"))),
        ("invalid_scope", Box::new(|p| set(p, "scope", "profile email"))),
        ("invalid_request", Box::new(|p| set(p, "code_challenge_method", "plain"))),
        ("invalid_request", Box::new(|p| set(p, "code_challenge", "short"))),
        ("request_not_supported", Box::new(|p| set(p, "request", "eyJ.x.y"))),
        ("request_uri_not_supported", Box::new(|p| set(p, "request_uri", "https://app/r"))),
        ("invalid_request", Box::new(|p| set(p, "prompt", "none login"))),
        ("invalid_request", Box::new(|p| set(p, "max_age", "soon"))),
        ("invalid_request", Box::new(|p| p.push(("scope".into(), "openid".into())))),
    ];
    for (expected, change) in cases {
        let (status, error) = authorize_error(&s, change).await;
        assert_eq!((status, error.as_str()), (302, expected));
    }
    // Unknown parameters, display, acr_values, claims_locales are accepted.
    let (status, _) = authorize_error(&s, |p| {
        set(p, "display", "popup");
        set(p, "acr_values", "urn:x");
        set(p, "claims_locales", "id");
        set(p, "something_new", "1");
    })
    .await;
    assert_eq!(status, 200, "consent page");
    // ui_locales=en shows the consent page in English.
    let (_, page) = authorize_error(&s, |p| set(p, "ui_locales", "en-US id")).await;
    assert!(page.contains("asks to:"), "{page}");
    // POST to the authorization endpoint works, also from another site (the client's form).
    let params = auth_params(&s, "openid");
    let body = encode(&params);
    let response = client()
        .post(s.app.url("/oidc/authorize"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", &s.cookie)
        .header("sec-fetch-site", "cross-site")
        .header("origin", "https://sipintar.example")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    // The consent answer itself is only taken from our own pages.
    let mut form: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    form.push(("keputusan", "izinkan"));
    let body: String = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(&form).finish();
    let forged = client()
        .post(s.app.url("/oidc/persetujuan"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", &s.cookie)
        .header("sec-fetch-site", "cross-site")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 403);
});

on_both_backends!(token_endpoint_errors, |db| {
    let s = setup(db, false, false).await;
    let secret = s.secret.clone().unwrap();
    let send = |form: &'static str, auth: Option<(&str, &str)>, content_type: &'static str| {
        let mut request = client().post(s.app.url("/oidc/token")).header("content-type", content_type).body(form);
        if let Some((id, secret)) = auth {
            request = request.basic_auth(id, Some(secret));
        }
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let challenge = response.headers().get("www-authenticate").map(|v| v.to_str().unwrap().to_string());
            let body: Value = response.json().await.unwrap();
            (status, body["error"].as_str().unwrap_or_default().to_string(), challenge)
        }
    };
    let form = "application/x-www-form-urlencoded";
    let id = s.client_id.as_str();
    assert_eq!(send("grant_type=authorization_code&code=x", None, form).await.0, 401);
    let (status, error, challenge) = send("grant_type=authorization_code&code=x", Some((id, "wrong")), form).await;
    assert_eq!((status, error.as_str()), (401, "invalid_client"));
    assert!(challenge.unwrap().starts_with("Basic"));
    let (status, error, _) = send("code=x", Some((id, &secret)), form).await;
    assert_eq!((status, error.as_str()), (400, "invalid_request"));
    let (status, error, _) = send("grant_type=password&username=a", Some((id, &secret)), form).await;
    assert_eq!((status, error.as_str()), (400, "unsupported_grant_type"));
    let (status, error, _) =
        send("grant_type=authorization_code&code=nope&redirect_uri=x", Some((id, &secret)), form).await;
    assert_eq!((status, error.as_str()), (400, "invalid_grant"));
    let (status, error, _) =
        send("{\"grant_type\":\"authorization_code\"}", Some((id, &secret)), "application/json").await;
    assert_eq!((status, error.as_str()), (400, "invalid_request"));
    // client_secret_post works; using both methods at once does not.
    let code = code(&s, "openid").await;
    let both = format!(
        "grant_type=authorization_code&code={code}&redirect_uri={REDIRECT}&client_id={id}&client_secret={secret}"
    );
    let response = client()
        .post(s.app.url("/oidc/token"))
        .header("content-type", form)
        .basic_auth(id, Some(&secret))
        .body(both.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "invalid_request");
    // A redirect URI other than the request's is refused (and the code is then spent).
    let (status, body) = token(
        &s,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:9/other"),
            ("code_verifier", crate::oidc::VERIFIER),
        ],
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    let code = crate::oidc::code(&s, "openid").await;
    let response = post(
        &s.app,
        "/oidc/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", crate::oidc::VERIFIER),
            ("client_id", id),
            ("client_secret", &secret),
        ],
        None,
    )
    .await;
    assert_eq!(response.status().as_u16(), 200, "client_secret_post");
    // UserInfo without a token, or with a bad one.
    let response = client().get(s.app.url("/oidc/userinfo")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert!(response.headers()["www-authenticate"].to_str().unwrap().starts_with("Bearer"));
    let response = client().get(s.app.url("/oidc/userinfo")).bearer_auth("forged").send().await.unwrap();
    assert!(response.headers()["www-authenticate"].to_str().unwrap().contains("invalid_token"));
    // Revocation needs client authentication.
    let response = post(&s.app, "/oidc/revoke", &[("token", "x")], None).await;
    assert_eq!(response.status().as_u16(), 401);
});

on_both_backends!(disabled_clients_stop_at_once, |db| {
    let s = setup(db, false, false).await;
    let code = code(&s, "openid").await;
    let (_, body) = crate::oidc::exchange(&s, &code).await;
    let store = satupintu::app::open_store(&s.app.settings).await.unwrap();
    let client_row = store.client(&s.client_id).await.unwrap().unwrap();
    let edit = store::oidc::ClientEdit {
        name: client_row.name,
        redirect_uris: client_row.redirect_uris,
        post_logout_redirect_uris: client_row.post_logout_redirect_uris,
        allow_nik: false,
        service_code: None,
        disabled: true,
    };
    store.edit_client(&s.client_id, &edit, "test", chrono::Utc::now()).await.unwrap();
    store.close().await;
    let (status, _) = crate::oidc::userinfo_get(&s, body["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 401);
    let (status, error) = authorize_error(&s, |_| {}).await;
    assert_eq!(status, 400);
    assert!(error.contains("dinonaktifkan"));
    let (status, body) =
        token(&s, &[("grant_type", "refresh_token"), ("refresh_token", body["refresh_token"].as_str().unwrap())]).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")));
});
