//! The portal's pages against the real app: content, language, errors, headers, size.

use crate::helpers::{Backend, TestApp, TestDb, client, get_json, get_text};
use crate::{on_both_backends, on_shared_demo};

on_shared_demo!(home_shows_progress_categories_and_sample_banner, |base| {
    let (status, html) = get_text(&format!("{base}/"), &[]).await;
    assert_eq!(status, 200);
    assert!(html.contains("<html lang=\"id\">"));
    assert!(html.contains("148"));
    assert!(html.contains("dari 327 aplikasi terintegrasi"), "progress line missing");
    assert!(html.contains("Data contoh."), "sample-data banner missing");
    assert!(html.contains("href=\"/layanan?kategori=kependudukan\""));
    assert!(html.contains("href=\"/layanan/KTP-EL\""), "popular services missing");
    assert!(html.contains("<link rel=\"manifest\" href=\"/manifest.webmanifest\">"));
});

on_shared_demo!(catalog_filters_and_paginates, |base| {
    let (status, html) = get_text(&format!("{base}/layanan?kategori=kesehatan&status=terintegrasi"), &[]).await;
    assert_eq!(status, 200);
    assert!(html.contains("<option value=\"kesehatan\" selected>"));
    assert!(html.contains("<option value=\"terintegrasi\" selected>"));
    assert!(html.contains("layanan ditemukan"));
    let (_, all) = get_text(&format!("{base}/layanan"), &[]).await;
    assert!(all.contains("327 layanan ditemukan"));
    assert!(all.contains("href=\"/layanan?halaman=2\""), "pager link missing");
    let (_, page2) = get_text(&format!("{base}/layanan?halaman=2&utm_source=wa"), &[]).await;
    assert!(page2.contains("aria-current=\"page\"><strong>2</strong>"));
    let (_, search) = get_text(&format!("{base}/layanan?q=akta+kelahiran"), &[]).await;
    assert!(search.contains("Hasil untuk “akta kelahiran”"));
    assert!(search.contains("href=\"/layanan/AKTA-KELAHIRAN\""));
    let (_, nothing) = get_text(&format!("{base}/layanan?q=zzzqqq"), &[]).await;
    assert!(nothing.contains("Tidak ada layanan yang cocok"));
});

on_shared_demo!(bad_filters_get_a_helpful_400_page, |base| {
    let (status, html) = get_text(&format!("{base}/layanan?mode=email"), &[]).await;
    assert_eq!(status, 400);
    assert!(html.contains("Permintaan tidak dapat diproses"));
    assert!(
        html.contains("mode: nilai &#39;email&#39; tidak dikenal")
            || html.contains("mode: nilai &#x27;email&#x27; tidak dikenal"),
        "{html}"
    );
    assert!(html.contains("href=\"/layanan\""));
});

on_shared_demo!(service_page_shows_standard_and_action, |base| {
    let (status, html) = get_text(&format!("{base}/layanan/ktp-el"), &[]).await;
    assert_eq!(status, 200);
    for text in [
        "Standar pelayanan",
        "Persyaratan",
        "Prosedur",
        "Waktu penyelesaian",
        "Gratis",
        "Riwayat status",
        "href=\"/opd/DISDUKCAPIL\"",
    ] {
        assert!(html.contains(text), "{text} missing");
    }
    // A native service cannot be applied for yet: the button says so instead of failing.
    let (_, html) = get_text(&format!("{base}/layanan/SKTM"), &[]).await;
    assert!(html.contains("Ajukan permohonan"));
    assert!(html.contains("segera hadir"));
    // A linked service opens its app through the counting redirect.
    let (_, html) = get_text(&format!("{base}/layanan/PBB-P2"), &[]).await;
    assert!(html.contains("href=\"/layanan/PBB-P2/buka\""));
    let (_, planned) = get_text(&format!("{base}/api/v1/services?status=direncanakan&per_page=1"), &[]).await;
    let code = planned.split("\"code\":\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let (_, html) = get_text(&format!("{base}/layanan/{code}"), &[]).await;
    assert!(html.contains("Belum tersedia di satupintu"));
});

on_shared_demo!(agency_and_progress_pages, |base| {
    let (status, html) = get_text(&format!("{base}/opd"), &[]).await;
    assert_eq!(status, 200);
    assert!(html.contains("href=\"/opd/DISDUKCAPIL\""));
    let (status, html) = get_text(&format!("{base}/opd/disdukcapil"), &[]).await;
    assert_eq!(status, 200);
    assert!(html.contains("Dinas Kependudukan dan Pencatatan Sipil"));
    assert!(html.contains("href=\"/layanan/KTP-EL\""));
    let (status, html) = get_text(&format!("{base}/kemajuan"), &[]).await;
    assert_eq!(status, 200);
    assert!(html.contains("<svg"), "chart missing");
    assert!(html.contains("<polyline class=\"line\""));
    assert!(html.contains("Per OPD") && html.contains("Per kategori"));
    assert!(html.contains("45.3%"));
});

on_shared_demo!(unknown_pages_are_helpful_404s, |base| {
    for path in ["/tidak-ada", "/layanan/TIDAK-ADA", "/layanan/bad%20code", "/opd/NOPE"] {
        let (status, html) = get_text(&format!("{base}{path}"), &[]).await;
        assert_eq!(status, 404, "{path}");
        assert!(html.contains("Halaman tidak ditemukan"), "{path}");
        assert!(html.contains("href=\"/layanan\""), "{path}: no way on");
    }
});

on_shared_demo!(english_on_request_and_by_switch, |base| {
    let (_, html) = get_text(&format!("{base}/"), &[("accept-language", "en-GB,en;q=0.9")]).await;
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("of 327 applications integrated"));
    assert!(html.contains("Sample data."));
    let response =
        client().get(format!("{base}/bahasa?ke=en&kembali=%2Flayanan%3Fkategori%3Dkesehatan")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(response.headers()["location"], "/layanan?kategori=kesehatan");
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("lang=en;"));
    let (_, html) = get_text(&format!("{base}/layanan?kategori=kesehatan"), &[("cookie", "lang=en")]).await;
    assert!(html.contains("Health"), "category name not translated");
    assert!(html.contains("Clear filters"));
    // The switch never sends people off-site.
    let response = client().get(format!("{base}/bahasa?ke=id&kembali=//evil.example")).send().await.unwrap();
    assert_eq!(response.headers()["location"], "/");
});

on_shared_demo!(security_headers_and_small_pages, |base| {
    for path in ["/", "/layanan", "/layanan/KTP-EL", "/opd", "/kemajuan", "/api/v1/docs", "/api/v1/services"] {
        let response = client().get(format!("{base}{path}")).header("accept-encoding", "gzip").send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "{path}");
        let headers = response.headers().clone();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["content-encoding"], "gzip", "{path} not compressed");
        let compressed = response.bytes().await.unwrap().len();
        assert!(compressed < 60 * 1024, "{path} is {compressed} bytes compressed");
    }
});

on_shared_demo!(installable_pwa, |base| {
    let (status, manifest) = get_text(&format!("{base}/manifest.webmanifest"), &[]).await;
    assert_eq!(status, 200);
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    assert_eq!(manifest["display"], "standalone");
    let sizes: Vec<&str> = manifest["icons"].as_array().unwrap().iter().map(|i| i["sizes"].as_str().unwrap()).collect();
    assert!(sizes.contains(&"192x192") && sizes.contains(&"512x512"));
    for icon in manifest["icons"].as_array().unwrap() {
        let response = client().get(format!("{base}{}", icon["src"].as_str().unwrap())).send().await.unwrap();
        assert_eq!(response.headers()["content-type"], "image/png");
        assert!(response.bytes().await.unwrap().starts_with(b"\x89PNG"));
    }
    let (status, sw) = get_text(&format!("{base}/sw.js"), &[]).await;
    assert_eq!(status, 200);
    assert!(sw.contains("/offline") && !sw.contains("__VERSION__"));
    let (status, offline) = get_text(&format!("{base}/offline"), &[]).await;
    assert_eq!(status, 200);
    assert!(offline.contains("Anda sedang luring"));
});

on_shared_demo!(operations_endpoints, |base| {
    let (status, body) = get_text(&format!("{base}/healthz"), &[]).await;
    assert_eq!((status, body.as_str()), (200, "ok"));
    let (status, _) = get_text(&format!("{base}/readyz"), &[]).await;
    assert_eq!(status, 200);
    let _ = get_text(&format!("{base}/layanan/KTP-EL"), &[]).await;
    let (status, metrics) = get_text(&format!("{base}/metrics"), &[]).await;
    assert_eq!(status, 200);
    assert!(metrics.contains("http_requests_total{"), "{metrics}");
    assert!(metrics.contains("route=\"/layanan/{code}\""), "per-route label missing");
    assert!(metrics.contains("http_request_duration_seconds_bucket{"));
});

on_both_backends!(opening_an_app_counts_and_redirects, |db| {
    let app = TestApp::spawn(db, true).await;
    let web = get_json(&app.url("/api/v1/services/PBB-P2")).await.2;
    let before = web["opens"].as_u64().unwrap();
    let target = web["urls"]["web"].as_str().unwrap().to_string();
    let response = app.client.get(app.url("/layanan/pbb-p2/buka")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(response.headers()["location"].to_str().unwrap(), target);
    let after = get_json(&app.url("/api/v1/services/PBB-P2")).await.2;
    assert_eq!(after["opens"].as_u64().unwrap(), before + 1);
    // A service that is not integrated goes back to its page instead.
    let planned = app
        .client
        .get(app.url("/api/v1/services?status=direncanakan&per_page=1"))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let code = planned["items"][0]["code"].as_str().unwrap();
    let response = app.client.get(app.url(&format!("/layanan/{code}/buka"))).send().await.unwrap();
    assert_eq!(response.headers()["location"].to_str().unwrap(), format!("/layanan/{code}"));
});

#[tokio::test]
async fn empty_install_serves_an_empty_catalog() {
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    let app = TestApp::spawn(db, false).await;
    let (status, html) = get_text(&app.url("/"), &[]).await;
    assert_eq!(status, 200);
    assert!(!html.contains("Data contoh."), "no sample banner without the demo");
    assert!(html.contains("Belum ada layanan terintegrasi."));
    let (status, html) = get_text(&app.url("/kemajuan"), &[]).await;
    assert_eq!(status, 200);
    assert!(!html.contains("<svg"));
}
