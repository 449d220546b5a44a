//! The satisfaction survey after a request is done, and the index from it: once per
//! request, only by its owner, exact (two respondents at 4 and 3 give 87,50, grade B).

use chrono::Utc;
use serde_json::json;
use store::requests::StatusChange;

use crate::helpers::client;
use crate::on_both_backends;
use crate::requests_api::{app_with_forms, send, sign_up};

async fn finish(settings: &satupintu::config::Settings, code: &str) {
    let store = satupintu::app::open_store(settings).await.unwrap();
    let record = store.request_by_code(code).await.unwrap().unwrap();
    for (from, to) in [("diajukan", "diterima"), ("diterima", "diproses"), ("diproses", "selesai")] {
        let change = StatusChange {
            request_id: &record.id,
            from,
            to,
            actor: "petugas",
            note: None,
            internal: false,
            closes: to == "selesai",
        };
        store.change_request_status(&change, Utc::now()).await.unwrap();
    }
    store.close().await;
}

async fn form_post(app: &crate::helpers::TestApp, path: &str, body: &str, cookie: &str) -> (u16, String) {
    let response = client()
        .post(app.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", cookie)
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_string())
}

on_both_backends!(survey_after_completion_and_the_index, |db| {
    let app = app_with_forms(db).await;
    let complaint =
        |judul: &str| json!({"service": "SP4N-LAPOR", "answers": {"judul": judul, "uraian": "Mohon ditindaklanjuti."}});
    let mut codes = Vec::new();
    let mut cookies = Vec::new();
    for (i, email) in ["a@contoh.id", "b@contoh.id"].iter().enumerate() {
        let cookie = sign_up(&app, email).await;
        let (status, created, _) =
            send(&app, "POST", "/api/v1/requests", Some(complaint(&format!("Aduan {i}"))), Some(&cookie)).await;
        assert_eq!(status, 201);
        codes.push(created["tracking_code"].as_str().unwrap().to_string());
        cookies.push(cookie);
    }
    // Not done yet: no survey.
    let page =
        client().get(app.url(&format!("/permohonan/{}", codes[0]))).header("cookie", &cookies[0]).send().await.unwrap();
    assert!(!page.text().await.unwrap().contains("/survei"));
    let all_four = (1..=9).map(|i| format!("u{i}=4")).collect::<Vec<_>>().join("&");
    let (status, _) = form_post(&app, &format!("/permohonan/{}/survei", codes[0]), &all_four, &cookies[0]).await;
    assert_eq!(status, 400);

    for code in &codes {
        finish(&app.settings, code).await;
    }
    let page =
        client().get(app.url(&format!("/permohonan/{}", codes[0]))).header("cookie", &cookies[0]).send().await.unwrap();
    assert!(page.text().await.unwrap().contains(&format!("/permohonan/{}/survei", codes[0])));
    // Someone else's request cannot be rated; a missing element is a 400.
    let (status, _) = form_post(&app, &format!("/permohonan/{}/survei", codes[0]), &all_four, &cookies[1]).await;
    assert_eq!(status, 404);
    let (status, _) = form_post(&app, &format!("/permohonan/{}/survei", codes[0]), "u1=4&u2=4", &cookies[0]).await;
    assert_eq!(status, 400);
    let (status, location) = form_post(&app, &format!("/permohonan/{}/survei", codes[0]), &all_four, &cookies[0]).await;
    assert_eq!((status, location), (303, format!("/permohonan/{}?survei=1", codes[0])));
    let all_three = (1..=9).map(|i| format!("u{i}=3")).collect::<Vec<_>>().join("&");
    form_post(&app, &format!("/permohonan/{}/survei", codes[1]), &all_three, &cookies[1]).await;
    // A second answer changes nothing.
    form_post(&app, &format!("/permohonan/{}/survei", codes[1]), &all_four, &cookies[1]).await;

    let page = client().get(app.url("/layanan/SP4N-LAPOR")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("87,50 (B, Baik) dari 2 responden"), "{page}");
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    let (city, services, agencies) = store.survey_totals().await.unwrap();
    assert_eq!(city.respondents, 2);
    assert_eq!(city.totals, [7; 9]);
    assert_eq!((services.len(), agencies.len()), (1, 1));
    store.close().await;
});
