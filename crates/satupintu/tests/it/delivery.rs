//! Delivery of `api`-mode requests to a real local HTTP server playing the agency's
//! system: signed, with an idempotency key, retried until it answers, delivered once;
//! given up into a dead letter and sent again; and the agency's signed status reports.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use chrono::Utc;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestDb, client};
use crate::on_both_backends;
use crate::requests_api::{app_with_forms, send, sign_up};

/// What the fake agency saw.
#[derive(Default)]
struct Agency {
    /// Calls to fail before answering 200.
    fail_first: usize,
    calls: usize,
    /// Accepted deliveries: (idempotency key, body).
    accepted: Vec<(String, Value)>,
    bad_signatures: usize,
}

async fn start_agency(secret: String, fail_first: usize) -> (String, Arc<Mutex<Agency>>) {
    let seen = Arc::new(Mutex::new(Agency { fail_first, ..Default::default() }));
    let state = seen.clone();
    let app = axum::Router::new().route(
        "/permohonan",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let state = state.clone();
            let secret = secret.clone();
            async move {
                let mut agency = state.lock().unwrap();
                agency.calls += 1;
                let signature = headers.get("x-satupintu-signature").and_then(|v| v.to_str().ok()).unwrap_or_default();
                if !web::hooks::verify(secret.as_bytes(), signature, &body, Utc::now().timestamp()) {
                    agency.bad_signatures += 1;
                    return StatusCode::UNAUTHORIZED;
                }
                if agency.calls <= agency.fail_first {
                    return StatusCode::SERVICE_UNAVAILABLE;
                }
                let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
                if agency.accepted.iter().any(|(k, _)| *k == key) {
                    return StatusCode::CONFLICT;
                }
                agency.accepted.push((key, serde_json::from_slice(&body).unwrap()));
                StatusCode::CREATED
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/permohonan", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

/// A demo app whose DISDUKCAPIL system listens at the fake agency; returns the secret.
async fn app_with_agency(
    mut db: TestDb,
    fail_first: usize,
    give_up_minutes: u64,
) -> (TestApp, Arc<Mutex<Agency>>, String) {
    db.settings.delivery_retry_base_ms = 50;
    db.settings.delivery_give_up_minutes = give_up_minutes;
    let secret = "rahasia-disdukcapil-uji-0123456789".to_string();
    let (url, seen) = start_agency(secret.clone(), fail_first).await;
    let app = app_with_forms(db).await;
    let sealer = web::auth::seal::Sealer::new(&app.settings.nik_key().unwrap());
    let sealed = sealer.seal(&secret, &web::hooks::seal_owner("DISDUKCAPIL")).unwrap();
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    store.set_agency_endpoint("DISDUKCAPIL", &url, &sealed, Utc::now()).await.unwrap();
    store.close().await;
    (app, seen, secret)
}

async fn submit_ktp(app: &TestApp, cookie: &str) -> String {
    let body = json!({"service": "KTP-EL", "answers": {"nama_lengkap": "Siti", "tanggal_lahir": "1990-04-25", "kecamatan": "Bogor Utara"}});
    let (status, created, _) = send(app, "POST", "/api/v1/requests", Some(body), Some(cookie)).await;
    assert_eq!(status, 201, "{created}");
    created["tracking_code"].as_str().unwrap().to_string()
}

async fn wait_until(mut done: impl FnMut() -> bool) {
    for _ in 0..200 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting");
}

on_both_backends!(requests_reach_the_agency_once_despite_failures, |db| {
    let (app, seen, _) = app_with_agency(db, 3, 60).await;
    let siti = sign_up(&app, "siti@contoh.id").await;
    let code = submit_ktp(&app, &siti).await;
    wait_until(|| !seen.lock().unwrap().accepted.is_empty()).await;
    // Give a stray retry the chance to show up: it must not.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let (bad_signatures, accepted, calls) = {
        let agency = seen.lock().unwrap();
        (agency.bad_signatures, agency.accepted.clone(), agency.calls)
    };
    assert_eq!(bad_signatures, 0);
    assert_eq!(accepted.len(), 1, "delivered exactly once");
    assert!(calls >= 4, "three failures, then success");
    let (key, body) = &accepted[0];
    assert_eq!(body["tracking_code"], code.as_str());
    assert_eq!(body["id"], key.as_str());
    assert_eq!((body["service"].as_str(), body["agency"].as_str()), (Some("KTP-EL"), Some("DISDUKCAPIL")));
    assert_eq!(body["answers"]["nama_lengkap"]["value"], "Siti");
    assert!(body.get("guest_contact").is_none() && !body.to_string().contains("siti@contoh.id"), "no contact details");
    // Non-api services are not delivered anywhere.
    let lapor = json!({"service": "SP4N-LAPOR", "answers": {"judul": "x", "uraian": "y"}});
    let (status, _, _) = send(&app, "POST", "/api/v1/requests", Some(lapor), Some(&siti)).await;
    assert_eq!(status, 201);
});

on_both_backends!(undeliverable_requests_become_dead_letters_and_are_sent_again, |db| {
    // The agency fails its first 1,000 calls; delivery gives up at once (0 minutes).
    let (app, seen, _) = app_with_agency(db, 1_000, 0).await;
    let siti = sign_up(&app, "siti@contoh.id").await;
    submit_ktp(&app, &siti).await;
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    let mut dead = Vec::new();
    for _ in 0..100 {
        dead = store.dead_letters("agency").await.unwrap();
        if !dead.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].target.as_deref(), Some("DISDUKCAPIL"));
    assert!(dead[0].last_error.as_deref().unwrap_or_default().contains("503"));
    // The agency recovers; an admin sends it again.
    seen.lock().unwrap().fail_first = 0;
    assert!(store.resend_dead(&dead[0].id, "test", Utc::now()).await.unwrap());
    wait_until(|| seen.lock().unwrap().accepted.len() == 1).await;
    store.close().await;
});

on_both_backends!(agencies_report_status_with_a_signature, |db| {
    let (app, _, secret) = app_with_agency(db, 0, 60).await;
    let siti = sign_up(&app, "siti@contoh.id").await;
    let code = submit_ktp(&app, &siti).await;
    let report = |body: Value, secret: &str| {
        let body = body.to_string();
        let signature = web::hooks::sign(secret.as_bytes(), Utc::now().timestamp(), body.as_bytes());
        client()
            .post(app.url("/hooks/agency/DISDUKCAPIL"))
            .header("content-type", "application/json")
            .header("x-satupintu-signature", signature)
            .body(body)
    };
    let forged = report(json!({"tracking_code": code, "status": "diterima"}), "bukan-rahasianya").send().await.unwrap();
    assert_eq!(forged.status().as_u16(), 401);
    let accepted = report(json!({"tracking_code": code, "status": "diterima"}), &secret).send().await.unwrap();
    assert_eq!(accepted.status().as_u16(), 200);
    // Repeated (their retry): fine, nothing changes.
    let again = report(json!({"tracking_code": code, "status": "diterima"}), &secret).send().await.unwrap();
    assert_eq!(again.status().as_u16(), 200);
    let jump = report(json!({"tracking_code": code, "status": "dibatalkan"}), &secret).send().await.unwrap();
    assert_eq!(jump.status().as_u16(), 409, "only the citizen cancels");
    let no_reason = report(json!({"tracking_code": code, "status": "ditolak"}), &secret).send().await.unwrap();
    assert_eq!(no_reason.status().as_u16(), 409);
    let (_, public, _) = send(&app, "GET", &format!("/api/v1/requests/{code}"), None, None).await;
    assert_eq!(public["status"], "diterima");
    // The person is told.
    let page = client().get(app.url("/permohonan")).header("cookie", &siti).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("): Diterima</a>"));
    // Another agency cannot report on it.
    let other = client()
        .post(app.url("/hooks/agency/DINKES"))
        .header("content-type", "application/json")
        .header("x-satupintu-signature", "t=0,v1=00")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(other.status().as_u16(), 401);
});
