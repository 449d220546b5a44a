//! Search: the API, the portal page, bad input, freshness, analytics and quality.

use std::time::{Duration, Instant};

use crate::helpers::{Backend, TestApp, TestDb, client, get_json, get_text};
use crate::{on_both_backends, on_shared_demo};

fn codes(body: &serde_json::Value) -> Vec<String> {
    body["items"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap().to_string()).collect()
}

on_shared_demo!(everyday_words_find_the_service, |base| {
    for (q, expected) in [
        ("bikin ktp", "KTP-EL"),
        ("ktp ilang", "KTP-EL-HILANG-RUSAK"),
        ("akte lahir anak", "AKTA-KELAHIRAN"),
        ("bayar pbb", "PBB-P2"),
        ("imb", "PBG"),
        ("daftar sekolah smp", "PPDB-SMP"),
        ("kartu keluarga hilang", "KK-HILANG"),
    ] {
        let (status, _, body) = get_json(&format!("{base}/api/v1/search?q={}", q.replace(' ', "+"))).await;
        assert_eq!(status, 200, "{q}");
        assert_eq!(codes(&body).first().map(String::as_str), Some(expected), "{q}: {:?}", codes(&body));
    }
});

on_shared_demo!(results_carry_highlights_facets_and_pages, |base| {
    let (_, _, body) = get_json(&format!("{base}/api/v1/search?q=akta&per_page=3")).await;
    assert!(body["total"].as_u64().unwrap() > 3);
    assert_eq!(body["items"].as_array().unwrap().len(), 3);
    assert_eq!(body["total_pages"].as_u64().unwrap(), body["total"].as_u64().unwrap().div_ceil(3));
    assert!(body["items"][0]["highlight"]["name"].as_str().unwrap().contains("<mark>Akta</mark>"));
    let categories = body["facets"]["category"].as_array().unwrap();
    let total: u64 = categories.iter().map(|c| c["count"].as_u64().unwrap()).sum();
    assert_eq!(total, body["total"].as_u64().unwrap(), "category counts add up to the total");
    for group in ["agency", "mode", "status"] {
        assert!(!body["facets"][group].as_array().unwrap().is_empty(), "{group} facet missing");
    }
    // A filter narrows to one facet value.
    let (_, _, narrowed) = get_json(&format!("{base}/api/v1/search?q=akta&status=terintegrasi&per_page=100")).await;
    assert!(narrowed["items"].as_array().unwrap().iter().all(|i| i["status"] == "terintegrasi"));
    // Highlights escape the catalog's text.
    assert!(!body.to_string().contains("<script"));
});

on_shared_demo!(typos_are_tolerated_and_corrected, |base| {
    let (_, _, body) = get_json(&format!("{base}/api/v1/search?q=akta+kelahrian")).await;
    assert_eq!(codes(&body).first().map(String::as_str), Some("AKTA-KELAHIRAN"));
    assert_eq!(body["suggestion"], "akta kelahiran");
    let (_, _, body) = get_json(&format!("{base}/api/v1/search?q=kartu+keluaga")).await;
    assert_eq!(body["suggestion"], "kartu keluarga");
    let (_, _, exact) = get_json(&format!("{base}/api/v1/search?q=kartu+keluarga")).await;
    assert!(exact["suggestion"].is_null());
    // Exact matches rank above typo matches of the same word.
    let exact_score = exact["items"][0]["score"].as_f64().unwrap();
    let typo_score = body["items"][0]["score"].as_f64().unwrap();
    assert!(exact_score > typo_score, "{exact_score} <= {typo_score}");
});

on_shared_demo!(suggest_while_typing, |base| {
    let (status, _, body) = get_json(&format!("{base}/api/v1/suggest?q=akta+kel")).await;
    assert_eq!(status, 200);
    assert_eq!(codes(&body).first().map(String::as_str), Some("AKTA-KELAHIRAN"));
    assert!(codes(&body).len() <= 8);
    let (_, _, empty) = get_json(&format!("{base}/api/v1/suggest?q=")).await;
    assert_eq!(empty["items"].as_array().unwrap().len(), 0);
    let (status, _, _) = get_json(&format!("{base}/api/v1/suggest?q=a&x=1")).await;
    assert_eq!(status, 400);
});

on_shared_demo!(bad_input_is_plain_text_or_a_clear_400, |base| {
    // Refused with a clear problem.
    let long = "a".repeat(2_000);
    for (query, parameter) in [("", "q"), ("q=", "q"), (&format!("q={long}") as &str, "q"), ("q=ktp&sort=x", "sort")] {
        let (status, content_type, body) = get_json(&format!("{base}/api/v1/search?{query}")).await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(content_type, "application/problem+json");
        assert_eq!(body["errors"][0]["parameter"], parameter, "{query}");
    }
    // Searched as plain text.
    for q in ["😀🙏", "'; DROP TABLE services; --", "\"ktp\" AND kk:* ~2", "*", "~", ":", "AND", "%00", "ktp)))((("]
    {
        let encoded: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
        let (status, _, body) = get_json(&format!("{base}/api/v1/search?q={encoded}")).await;
        assert_eq!(status, 200, "{q}: {body}");
        let (status, _) = get_text(&format!("{base}/cari?q={encoded}"), &[]).await;
        assert_eq!(status, 200, "page for {q}");
    }
    let (_, _, body) = get_json(&format!("{base}/api/v1/search?q=%22ktp%22+AND+kk%3A*+~2")).await;
    assert!(codes(&body).contains(&"KTP-EL".to_string()));
    let (status, html) = get_text(&format!("{base}/cari?q={long}"), &[]).await;
    assert_eq!(status, 400);
    assert!(html.contains("terlalu panjang"));
});

on_shared_demo!(search_page_shows_results_facets_and_suggestion, |base| {
    let (status, html) = get_text(&format!("{base}/cari?q=ktp"), &[]).await;
    assert_eq!(status, 200);
    assert!(html.contains("<mark>KTP</mark>"));
    assert!(html.contains("href=\"/cari/klik?q=ktp&#38;kode=KTP-EL\""), "result link missing");
    assert!(html.contains("class=\"panel facets\""));
    let (_, html) = get_text(&format!("{base}/cari?q=kartu+keluaga"), &[]).await;
    assert!(html.contains("Maksud Anda"));
    assert!(html.contains("href=\"/cari?q=kartu+keluarga\""));
    let (_, html) = get_text(&format!("{base}/cari"), &[]).await;
    assert!(html.contains("Ketik nama layanan"));
    let (_, html) = get_text(&format!("{base}/cari?q=ktp&kategori=kependudukan"), &[]).await;
    assert!(html.contains("aria-current=\"true\""), "selected facet marked");
    let response = client().get(format!("{base}/cari/klik?q=ktp&kode=KTP-EL")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(response.headers()["location"], "/layanan/KTP-EL");
});

on_both_backends!(catalog_changes_reach_search_promptly, |db| {
    let settings = db.settings.clone();
    let app = TestApp::spawn(db, true).await;
    let url = app.url("/api/v1/search?q=zebra");
    assert_eq!(get_json(&url).await.2["total"], 0);
    let other = satupintu::app::open_store(&settings).await.unwrap();
    let csv = "kode,nama,kategori,opd_kode,mode_integrasi,status_integrasi,kata_kunci\n\
               UJI-ZEBRA,Layanan Uji Coba Zebra,Sosial,DINSOS,link,terintegrasi,zebra\n";
    let entries =
        interchange::read_catalog_bytes(csv.as_bytes(), interchange::Format::Csv, chrono::Utc::now()).unwrap();
    other.import_catalog(&entries, chrono::Utc::now(), |_| {}).await.unwrap();
    other.close().await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let body = get_json(&url).await.2;
        if codes(&body).first().map(String::as_str) == Some("UJI-ZEBRA") {
            break;
        }
        assert!(Instant::now() < deadline, "the new service is not searchable after 10 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
});

on_both_backends!(analytics_count_queries_without_personal_data, |db| {
    let settings = db.settings.clone();
    let app = TestApp::spawn(db, true).await;
    for q in ["ktp", "ktp", "zzqqxx", "nik 3271234567890001"] {
        let encoded: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
        let _ = get_json(&app.url(&format!("/api/v1/search?q={encoded}"))).await;
    }
    let _ = client().get(app.url("/cari/klik?q=ktp&kode=KTP-EL")).send().await.unwrap();
    let response = client()
        .post(app.url("/api/v1/search/clicks"))
        .json(&serde_json::json!({"q": "ktp", "code": "KTP-EL"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 204);
    let bad = client().post(app.url("/api/v1/search/clicks")).body("{nope").send().await.unwrap();
    assert_eq!(bad.status().as_u16(), 400);
    let store = satupintu::app::open_store(&settings).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let stats = loop {
        let stats = store.search_stats(chrono::Utc::now().date_naive(), 10).await.unwrap();
        if stats.iter().any(|s| s.query == "ktp" && s.clicks == 2) {
            break stats;
        }
        assert!(Instant::now() < deadline, "statistics not written: {stats:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let ktp = stats.iter().find(|s| s.query == "ktp").unwrap();
    assert_eq!((ktp.searches, ktp.zero_results, ktp.clicks), (2, 0, 2));
    let none = stats.iter().find(|s| s.query == "zzqqxx").unwrap();
    assert_eq!(none.zero_results, 1);
    assert!(stats.iter().any(|s| s.query == "nik nomor"), "{stats:?}");
    assert!(!stats.iter().any(|s| s.query.contains("3271")), "a NIK was stored");
    store.close().await;
});

/// The labelled query set (tests/search/queries.jsonl) against the demo city.
#[tokio::test]
async fn quality_on_the_labelled_query_set() {
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    let store = satupintu::app::open_store(&db.settings).await.unwrap();
    satupintu::demo::load(&store).await.unwrap();
    let (_, index) = web::search::build_index(&store, |_| {}).await.unwrap();
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/search/queries.jsonl")).unwrap();
    let queries = search::eval::parse_jsonl(&text).unwrap();
    assert!(queries.len() >= 150);
    let outcomes = search::eval::evaluate(&index, &queries).unwrap();
    let all = search::eval::summarize(&outcomes);
    let holdout = search::eval::summarize(outcomes.iter().filter(|o| o.query.split == "holdout"));
    eprintln!("all: {all:?}\nholdout: {holdout:?}");
    assert!(all.mrr >= 0.85, "MRR {:.3}", all.mrr);
    assert!(all.recall5 >= 0.95, "recall@5 {:.3}", all.recall5);
    assert!(holdout.queries >= 30);
    store.close().await;
}
