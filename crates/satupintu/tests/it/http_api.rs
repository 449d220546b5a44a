//! The JSON API against the real app, on both backends.

use serde_json::Value;

use crate::helpers::get_json;
use crate::on_shared_demo;

on_shared_demo!(services_are_paginated_with_totals, |base| {
    let (status, content_type, body) = get_json(&format!("{base}/api/v1/services?per_page=50&page=2")).await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("application/json"));
    assert_eq!(body["total"], 327);
    assert_eq!(body["page"], 2);
    assert_eq!(body["per_page"], 50);
    assert_eq!(body["total_pages"], 7);
    assert_eq!(body["items"].as_array().map(Vec::len), Some(50));
    let last = get_json(&format!("{base}/api/v1/services?per_page=50&page=7")).await.2;
    assert_eq!(last["items"].as_array().map(Vec::len), Some(27));
    let beyond = get_json(&format!("{base}/api/v1/services?per_page=50&page=8")).await.2;
    assert_eq!(beyond["items"].as_array().map(Vec::len), Some(0));
    // Pages do not overlap and come in name order.
    let first = get_json(&format!("{base}/api/v1/services?per_page=100")).await.2;
    let names: Vec<String> =
        first["items"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap().to_lowercase()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
});

on_shared_demo!(services_filter_by_every_field, |base| {
    let list = |query: &'static str| async move {
        let (status, _, body) = get_json(&format!("{base}/api/v1/services?per_page=100&{query}")).await;
        assert_eq!(status, 200, "{query}: {body}");
        body
    };
    let integrated = list("status=terintegrasi").await;
    assert_eq!(integrated["total"], 148);
    assert!(integrated["items"].as_array().unwrap().iter().all(|i| i["status"] == "terintegrasi"));
    let health = list("category=kesehatan").await;
    assert!(health["total"].as_u64().unwrap() > 0);
    assert!(health["items"].as_array().unwrap().iter().all(|i| i["category"]["slug"] == "kesehatan"));
    let dukcapil = list("agency=disdukcapil&mode=native").await;
    assert!(
        dukcapil["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["agency"]["code"] == "DISDUKCAPIL" && i["mode"] == "native")
    );
    let asn = list("audience=asn").await;
    assert!(asn["total"].as_u64().unwrap() > 0);
    assert!(asn["items"].as_array().unwrap().iter().all(|i| i["audience"] == "asn"));
    let ktp = list("q=ktp").await;
    let codes: Vec<&str> = ktp["items"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"KTP-EL"), "{codes:?}");
    let none = list("q=zzzqqq").await;
    assert_eq!(none["total"], 0);
});

on_shared_demo!(service_detail_has_the_standard, |base| {
    let (status, _, body) = get_json(&format!("{base}/api/v1/services/ktp-el")).await;
    assert_eq!(status, 200);
    assert_eq!(body["code"], "KTP-EL");
    assert_eq!(body["agency"]["code"], "DISDUKCAPIL");
    assert_eq!(body["standard"]["is_free"], true);
    assert!(body["standard"]["requirements"].as_array().unwrap().len() >= 3);
    assert!(body["standard"]["procedure"].as_array().unwrap().len() >= 3);
    assert_eq!(body["links"]["html"], "/layanan/KTP-EL");
    let history = body["history"].as_array().unwrap();
    assert_eq!(history.last().unwrap()["to"], "terintegrasi");
    assert!(history.first().unwrap()["from"].is_null());
});

on_shared_demo!(agencies_categories_progress, |base| {
    let (_, _, agencies) = get_json(&format!("{base}/api/v1/agencies")).await;
    let agencies = agencies.as_array().unwrap();
    assert!(agencies.len() >= 30);
    let total: u64 = agencies.iter().map(|a| a["services"].as_u64().unwrap()).sum();
    assert_eq!(total, 327);
    let (status, _, one) = get_json(&format!("{base}/api/v1/agencies/Disdukcapil")).await;
    assert_eq!(status, 200);
    assert_eq!(one["kind"], "dinas");
    assert_eq!(one["service_list"].as_array().unwrap().len() as u64, one["services"].as_u64().unwrap());
    let (_, _, categories) = get_json(&format!("{base}/api/v1/categories")).await;
    assert!(categories.as_array().unwrap().len() >= 10);
    let (_, _, progress) = get_json(&format!("{base}/api/v1/progress")).await;
    assert_eq!(progress["integrated"], 148);
    assert_eq!(progress["total"], 327);
    assert_eq!(progress["target"], 327);
    assert_eq!(progress["percent"], 45.3);
    let by_agency: u64 =
        progress["by_agency"].as_array().unwrap().iter().map(|a| a["integrated"].as_u64().unwrap()).sum();
    assert_eq!(by_agency, 148);
    let history = progress["history"].as_array().unwrap();
    assert_eq!(history.last().unwrap()["integrated"], 148);
});

fn assert_problem(status: u16, content_type: &str, body: &Value, expected_status: u16, code: &str) {
    assert_eq!(status, expected_status, "{body}");
    assert_eq!(content_type, "application/problem+json");
    assert_eq!(body["status"], expected_status);
    assert_eq!(body["code"], code);
    assert!(body["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(body["type"].as_str().is_some_and(|t| t.ends_with(code)));
}

on_shared_demo!(bad_parameters_are_400_problems, |base| {
    for query in [
        "mode=email",
        "status=selesai",
        "page=0",
        "page=abc",
        "per_page=1000",
        "audience=alien",
        "agency=bad%20code",
        "colour=red",
    ] {
        let (status, content_type, body) = get_json(&format!("{base}/api/v1/services?{query}")).await;
        assert_problem(status, &content_type, &body, 400, "invalid_parameter");
        let name = query.split('=').next().unwrap();
        assert_eq!(body["errors"][0]["parameter"], name, "{query}: {body}");
    }
    // Several mistakes are reported together.
    let (_, _, body) = get_json(&format!("{base}/api/v1/services?mode=x&status=y")).await;
    assert_eq!(body["errors"].as_array().map(Vec::len), Some(2));
    // Odd but harmless input is not an error.
    let (status, _, _) = get_json(&format!("{base}/api/v1/services?q=%FF%27%22%3Cscript%3E&category=")).await;
    assert_eq!(status, 200);
});

on_shared_demo!(unknown_codes_are_404_problems, |base| {
    for path in
        ["/api/v1/services/TIDAK-ADA", "/api/v1/services/bad code", "/api/v1/agencies/NOPE", "/api/v1/nothing-here"]
    {
        let (status, content_type, body) = get_json(&format!("{base}{path}")).await;
        assert_problem(status, &content_type, &body, 404, "not_found");
    }
});

on_shared_demo!(openapi_document_describes_the_api, |base| {
    let (status, _, doc) = get_json(&format!("{base}/api/v1/openapi.json")).await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/services",
        "/api/v1/services/{code}",
        "/api/v1/agencies",
        "/api/v1/agencies/{code}",
        "/api/v1/categories",
        "/api/v1/progress",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} missing");
    }
    // Every documented list parameter is accepted by the server.
    let params: Vec<&str> = doc["paths"]["/api/v1/services"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(params, vec!["category", "agency", "audience", "mode", "status", "q", "page", "per_page"]);
    for p in params {
        let (status, _, body) = get_json(&format!("{base}/api/v1/services?{p}=")).await;
        assert_eq!(status, 200, "{p}: {body}");
    }
    // A real response carries every field the schema calls required.
    let schema = &doc["components"]["schemas"]["ServiceItem"];
    let item = get_json(&format!("{base}/api/v1/services?per_page=1")).await.2["items"][0].clone();
    for field in schema["required"].as_array().unwrap() {
        assert!(item.get(field.as_str().unwrap()).is_some(), "{field} missing in {item}");
    }
});

crate::on_both_backends!(catalog_changes_reach_the_api_promptly, |db| {
    use std::time::{Duration, Instant};
    let settings = db.settings.clone();
    let app = crate::helpers::TestApp::spawn(db, true).await;
    let total = |app: &crate::helpers::TestApp| {
        let url = app.url("/api/v1/services?per_page=1");
        async move { get_json(&url).await.2["total"].as_u64().unwrap() }
    };
    assert_eq!(total(&app).await, 327);
    // Another process (here: a second connection, as `satupintu import` would be) changes
    // the catalog; the cached answer must follow within a few seconds.
    let other = satupintu::app::open_store(&settings).await.unwrap();
    let csv = "kode,nama,kategori,opd_kode,mode_integrasi,status_integrasi\nLAYANAN-BARU,Layanan Baru,Sosial,DINSOS,link,direncanakan\n";
    let entries =
        interchange::read_catalog_bytes(csv.as_bytes(), interchange::Format::Csv, chrono::Utc::now()).unwrap();
    other.import_catalog(&entries, chrono::Utc::now(), |_| {}).await.unwrap();
    other.close().await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while total(&app).await != 328 {
        assert!(Instant::now() < deadline, "the API still shows the old catalog after 10 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
});
