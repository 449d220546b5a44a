//! Applying through the JSON API and following the request, on SQLite and PostgreSQL:
//! every answer problem listed at once, tracking codes checked by their check character,
//! the public view without personal data, ownership, cancelling, guest complaints.

use chrono::Utc;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestDb, client};
use crate::oidc::{cookie_of, post};
use crate::on_both_backends;

const KTP_FORM: &str = r#"{"fields": [
  {"key": "nama_lengkap", "label": "Nama lengkap", "required": true, "kind": "text"},
  {"key": "tanggal_lahir", "label": "Tanggal lahir", "required": true, "kind": "date"},
  {"key": "kecamatan", "label": "Kecamatan", "required": true, "kind": "choice", "options": ["Bogor Utara", "Bogor Selatan", "Tanah Sareal"]},
  {"key": "jumlah", "label": "Jumlah", "kind": "number"},
  {"key": "keterangan", "label": "Keterangan", "kind": "long_text"}
]}"#;

const LAPOR_FORM: &str = r#"{"fields": [
  {"key": "judul", "label": "Judul", "required": true, "kind": "text"},
  {"key": "uraian", "label": "Uraian", "required": true, "kind": "long_text"}
]}"#;

/// A demo-city app with forms on KTP-EL and SP4N-LAPOR.
pub async fn app_with_forms(db: TestDb) -> TestApp {
    let store = satupintu::app::open_store(&db.settings).await.unwrap();
    satupintu::demo::load(&store).await.unwrap();
    for (code, form) in [("KTP-EL", KTP_FORM), ("SP4N-LAPOR", LAPOR_FORM)] {
        let form: domain::request::FormDefinition = serde_json::from_str(form).unwrap();
        store.set_service_form(code, &serde_json::to_string(&form).unwrap(), "test", Utc::now()).await.unwrap();
    }
    store.close().await;
    TestApp::spawn(db, false).await
}

pub async fn sign_up(app: &TestApp, email: &str) -> String {
    let response = post(
        app,
        "/daftar",
        &[("nama", "Warga Uji"), ("email", email), ("password", "kata-sandi-uji-1"), ("password2", "kata-sandi-uji-1")],
        None,
    )
    .await;
    cookie_of(&response).unwrap()
}

pub async fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    body: Option<Value>,
    cookie: Option<&str>,
) -> (u16, Value, String) {
    let mut request = match method {
        "POST" => client().post(app.url(path)),
        _ => client().get(app.url(path)),
    };
    if let Some(body) = body {
        request = request.header("content-type", "application/json").body(body.to_string());
    }
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let location = response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    (status, response.json().await.unwrap_or(Value::Null), location)
}

fn good_ktp() -> Value {
    json!({"service": "ktp-el", "answers": {
        "nama_lengkap": "Siti Rahma", "tanggal_lahir": "1990-04-25", "kecamatan": "Bogor Utara", "jumlah": 1
    }})
}

on_both_backends!(apply_follow_and_cancel, |db| {
    let app = app_with_forms(db).await;
    let (status, body, _) = send(&app, "POST", "/api/v1/requests", Some(good_ktp()), None).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("unauthorized")));

    let siti = sign_up(&app, "siti@contoh.id").await;
    // Every problem at once, by field.
    let bad = json!({"service": "KTP-EL", "answers": {
        "tanggal_lahir": "25-04-1990", "kecamatan": "Jakarta", "warna": "merah", "jumlah": "banyak"
    }});
    let (status, body, _) = send(&app, "POST", "/api/v1/requests", Some(bad), Some(&siti)).await;
    assert_eq!((status, body["code"].as_str()), (422, Some("invalid_body")));
    let fields: Vec<&str> =
        body["errors"].as_array().unwrap().iter().map(|e| e["parameter"].as_str().unwrap()).collect();
    for key in ["nama_lengkap", "tanggal_lahir", "kecamatan", "warna", "jumlah"] {
        assert!(fields.contains(&key), "{key} missing from {body}");
    }

    let (status, created, location) = send(&app, "POST", "/api/v1/requests", Some(good_ktp()), Some(&siti)).await;
    assert_eq!(status, 201, "{created}");
    let code = created["tracking_code"].as_str().unwrap().to_string();
    assert!(code.starts_with("BGR-") && code.len() == 12, "{code}");
    assert_eq!(location, format!("/api/v1/requests/{code}"));
    assert_eq!(created["status"], "diajukan");
    assert!(created["deadline"].as_str().is_some(), "KTP-EL states its duration");

    // Anyone with the code sees where it stands, not what was answered.
    let (status, public, _) = send(&app, "GET", &format!("/api/v1/requests/{}", code.to_lowercase()), None, None).await;
    assert_eq!(status, 200);
    assert_eq!((public["status"].as_str(), public["service_code"].as_str()), (Some("diajukan"), Some("KTP-EL")));
    assert!(public.get("answers").is_none());
    let (_, own, _) = send(&app, "GET", &format!("/api/v1/requests/{code}"), None, Some(&siti)).await;
    assert_eq!(own["answers"]["nama_lengkap"]["value"], "Siti Rahma");

    // A mistyped code is caught by its check character; an unknown good code is a 404.
    let mut typo: Vec<char> = code.chars().collect();
    typo[5] = if typo[5] == 'A' { 'B' } else { 'A' };
    let typo: String = typo.into_iter().collect();
    let (status, body, _) = send(&app, "GET", &format!("/api/v1/requests/{typo}"), None, None).await;
    assert_eq!((status, body["errors"][0]["parameter"].as_str()), (400, Some("kode")), "{body}");
    let (status, _, _) = send(&app, "GET", "/api/v1/requests/BGR-0O00-000", None, None).await;
    assert_eq!(status, 400);

    // Another person can neither read the answers nor cancel it.
    let budi = sign_up(&app, "budi@contoh.id").await;
    let (_, theirs, _) = send(&app, "GET", &format!("/api/v1/requests/{code}"), None, Some(&budi)).await;
    assert!(theirs.get("answers").is_none());
    let (status, _, _) = send(&app, "POST", &format!("/api/v1/requests/{code}/cancel"), None, Some(&budi)).await;
    assert_eq!(status, 404);
    let (_, mine, _) = send(&app, "GET", "/api/v1/requests", None, Some(&budi)).await;
    assert_eq!(mine.as_array().unwrap().len(), 0);

    let (_, mine, _) = send(&app, "GET", "/api/v1/requests", None, Some(&siti)).await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    let (status, cancelled, _) =
        send(&app, "POST", &format!("/api/v1/requests/{code}/cancel"), None, Some(&siti)).await;
    assert_eq!((status, cancelled["status"].as_str()), (200, Some("dibatalkan")));
    assert_eq!(cancelled["history"].as_array().unwrap().len(), 2);
    let (status, again, _) = send(&app, "POST", &format!("/api/v1/requests/{code}/cancel"), None, Some(&siti)).await;
    assert_eq!((status, again["code"].as_str()), (409, Some("conflict")));
});

on_both_backends!(guests_complain_and_bad_bodies_are_refused, |db| {
    let app = app_with_forms(db).await;
    let complaint = json!({"service": "SP4N-LAPOR", "answers": {"judul": "Lampu jalan mati", "uraian": "Di Jl. Pajajaran sejak kemarin."},
        "guest": {"name": "Pak RT", "contact": "0812 3456 7890"}});
    let (status, created, _) = send(&app, "POST", "/api/v1/requests", Some(complaint), None).await;
    assert_eq!(status, 201, "{created}");
    // Guests may only complain; other services need an account.
    let mut ktp = good_ktp();
    ktp["guest"] = json!({"name": "Tamu", "contact": "tamu@contoh.id"});
    let (status, _, _) = send(&app, "POST", "/api/v1/requests", Some(ktp), None).await;
    assert_eq!(status, 401);
    let no_contact = json!({"service": "SP4N-LAPOR", "answers": {"judul": "x", "uraian": "y"}, "guest": {"name": "A", "contact": " "}});
    let (status, body, _) = send(&app, "POST", "/api/v1/requests", Some(no_contact), None).await;
    assert_eq!((status, body["errors"][0]["parameter"].as_str()), (422, Some("guest")));
    let (status, _, _) = send(&app, "POST", "/api/v1/requests", Some(json!({"service": "TIDAK-ADA"})), None).await;
    assert_eq!(status, 404);
    let (status, body, _) =
        send(&app, "POST", "/api/v1/requests", Some(json!({"service": "KTP-EL", "extra": 1})), None).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid_parameter")));
    let response = client()
        .post(app.url("/api/v1/requests"))
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 415);
    let response = client()
        .post(app.url("/api/v1/requests"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
});
