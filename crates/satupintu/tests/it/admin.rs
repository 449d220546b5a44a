//! The back-office: every admin route tried as each role; role changes by an admin.

use chrono::Utc;
use domain::AgencyCode;
use domain::identity::{Email, Role};
use store::NewUser;

use crate::helpers::{TestApp, client};
use crate::on_both_backends;

const ADMIN_ROUTES: &[(&str, &str)] = &[
    ("GET", "/admin"),
    ("GET", "/admin/pengguna"),
    ("GET", "/admin/audit"),
    ("POST", "/admin/pengguna/peran"),
    ("GET", "/admin/klien"),
    ("GET", "/admin/ikm"),
    ("POST", "/admin/klien"),
    ("POST", "/admin/klien/contoh/rahasia"),
    ("GET", "/admin/pencarian"),
    ("GET", "/admin/layanan/KIA"),
    ("POST", "/admin/layanan/KIA"),
    ("POST", "/admin/layanan/KIA/status"),
    ("GET", "/admin/layanan/KIA/formulir"),
    ("POST", "/admin/layanan/KIA/formulir"),
    ("GET", "/admin/kiriman"),
    ("GET", "/admin/pantau"),
    ("POST", "/admin/kiriman/tidak-ada/kirim-ulang"),
    ("POST", "/admin/kiriman/opd/DISDUKCAPIL/kirim-ulang"),
    ("GET", "/admin/opd"),
    ("GET", "/admin/opd/baru"),
    ("POST", "/admin/opd/baru"),
    ("GET", "/admin/opd/DISDUKCAPIL"),
    ("POST", "/admin/opd/DISDUKCAPIL"),
    ("GET", "/admin/layanan/baru"),
    ("POST", "/admin/layanan/baru"),
    ("GET", "/admin/impor"),
    ("POST", "/admin/impor"),
    ("GET", "/admin/ekspor"),
    ("GET", "/admin/ekspor/opd"),
];

pub(crate) async fn sign_in(app: &TestApp, email: &str) -> String {
    let body = format!("login={}&password=kata-sandi-uji", email.replace('@', "%40"));
    let response = client()
        .post(app.url("/masuk"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303, "{email} could not sign in");
    response.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string()
}

pub(crate) async fn call(app: &TestApp, method: &str, path: &str, cookie: Option<&str>, body: &str) -> (u16, String) {
    let mut request = if method == "POST" {
        client().post(app.url(path)).header("content-type", "application/x-www-form-urlencoded").body(body.to_string())
    } else {
        client().get(app.url(path))
    };
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let location = response.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or("").to_string();
    (status, location)
}

on_both_backends!(only_admins_reach_the_back_office, |db| {
    let settings = db.settings.clone();
    let store = satupintu::app::open_store(&settings).await.unwrap();
    satupintu::demo::load(&store).await.unwrap();
    let hash = web::auth::password::hash("kata-sandi-uji".into()).await.unwrap();
    for (email, role) in [
        ("warga@contoh.id", Role::Warga),
        ("operator@contoh.id", Role::Operator),
        ("asesor@contoh.id", Role::Asesor),
        ("admin@contoh.id", Role::Admin),
    ] {
        let agencies =
            if role == Role::Operator { vec![AgencyCode::parse("DISDUKCAPIL").unwrap()] } else { Vec::new() };
        let user = NewUser {
            name: format!("Uji {}", role.as_str()),
            email: Some(Email::parse(email).unwrap()),
            phone: None,
            password_hash: hash.clone(),
            role,
            agencies,
        };
        store.create_user(&user, Some("cli"), Utc::now()).await.unwrap();
    }
    store.close().await;
    let app = TestApp::spawn(db, false).await;
    let body = "email=warga%40contoh.id&peran=asesor&opd=";
    let mut others = Vec::new();
    for email in ["warga@contoh.id", "operator@contoh.id", "asesor@contoh.id"] {
        others.push((email, sign_in(&app, email).await));
    }
    for (method, path) in ADMIN_ROUTES {
        let (status, location) = call(&app, method, path, None, body).await;
        assert_eq!(status, 303, "anonymous {method} {path}");
        assert!(location.starts_with("/masuk?kembali="), "{location}");
        for (email, cookie) in &others {
            let (status, _) = call(&app, method, path, Some(cookie), body).await;
            assert_eq!(status, 403, "{email} {method} {path}");
        }
    }
    let admin = sign_in(&app, "admin@contoh.id").await;
    for (method, path) in ADMIN_ROUTES.iter().filter(|(m, _)| *m == "GET") {
        let (status, location) = call(&app, method, path, Some(&admin), "").await;
        let expected = if path.contains('?') { 303 } else { 200 };
        assert_eq!(status, expected, "admin {method} {path} -> {location}");
    }
    // The warga was not changed by the refused attempts; the admin can change the role.
    let store = satupintu::app::open_store(&settings).await.unwrap();
    let warga = store.user_by_email(&Email::parse("warga@contoh.id").unwrap()).await.unwrap().unwrap();
    assert_eq!(warga.role, Role::Warga);
    let (status, location) = call(&app, "POST", "/admin/pengguna/peran", Some(&admin), body).await;
    assert_eq!((status, location.as_str()), (303, "/admin/pengguna?tersimpan=1"));
    let warga = store.user_by_email(&Email::parse("warga@contoh.id").unwrap()).await.unwrap().unwrap();
    assert_eq!(warga.role, Role::Asesor);
    let (entries, _) = store.audit_log().await.unwrap();
    let admin_id = store.user_by_email(&Email::parse("admin@contoh.id").unwrap()).await.unwrap().unwrap().id;
    assert!(entries.iter().any(|e| e.action == "user.role" && e.actor == admin_id && e.target == warga.id));
    // An operator needs an agency; unknown agencies are refused with a message, not a 500.
    let (status, _) =
        call(&app, "POST", "/admin/pengguna/peran", Some(&admin), "email=warga%40contoh.id&peran=operator&opd=").await;
    assert_eq!(status, 400);
    let (status, _) =
        call(&app, "POST", "/admin/pengguna/peran", Some(&admin), "email=warga%40contoh.id&peran=operator&opd=NOPE")
            .await;
    assert_eq!(status, 400);
    let (status, _) = call(&app, "POST", "/admin/pengguna/peran", Some(&admin), "email=bukan&peran=raja").await;
    assert_eq!(status, 400);
    store.close().await;
});

on_both_backends!(admins_change_integration_status_with_a_note, |db| {
    let settings = db.settings.clone();
    let store = satupintu::app::open_store(&settings).await.unwrap();
    satupintu::demo::load(&store).await.unwrap();
    let hash = web::auth::password::hash("kata-sandi-uji".into()).await.unwrap();
    let admin_user = NewUser {
        name: "Admin".into(),
        email: Some(Email::parse("admin@contoh.id").unwrap()),
        phone: None,
        password_hash: hash,
        role: Role::Admin,
        agencies: Vec::new(),
    };
    store.create_user(&admin_user, Some("cli"), Utc::now()).await.unwrap();
    let planned = store
        .list_services(
            &store::ServiceFilter { status: Some(domain::IntegrationStatus::Planned), ..Default::default() },
            store::Page::new(1, 1),
        )
        .await
        .unwrap()
        .items
        .remove(0);
    store.close().await;
    let code = planned.code.to_string();
    let app = TestApp::spawn(db, false).await;
    let admin = sign_in(&app, "admin@contoh.id").await;
    // Warm the caches so the change must invalidate them.
    let before = crate::helpers::get_json(&app.url(&format!("/api/v1/services/{code}"))).await.2;
    assert_eq!(before["status"], "direncanakan");
    let (status, location) = call(
        &app,
        "POST",
        &format!("/admin/layanan/{code}/status"),
        Some(&admin),
        "status=dalam_proses&catatan=Mulai+integrasi+API",
    )
    .await;
    assert_eq!((status, location), (303, format!("/admin/layanan/{code}?tersimpan=1")));
    let after = crate::helpers::get_json(&app.url(&format!("/api/v1/services/{code}"))).await.2;
    assert_eq!(after["status"], "dalam_proses", "the API sees the change at once");
    let last = after["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["from"].as_str(), last["note"].as_str()), (Some("direncanakan"), Some("Mulai integrasi API")));
    // Search follows within moments.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let found = crate::helpers::get_json(&app.url(&format!("/api/v1/search?q={code}&status=dalam_proses"))).await.2;
        if found["items"].as_array().unwrap().iter().any(|i| i["code"] == code) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "search still shows the old status");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // A change the programme does not allow is refused with the reason.
    let (status, _) =
        call(&app, "POST", &format!("/admin/layanan/{code}/status"), Some(&admin), "status=dalam_proses").await;
    assert_eq!(status, 400);
    let (status, _) = call(&app, "POST", &format!("/admin/layanan/{code}/status"), Some(&admin), "status=raja").await;
    assert_eq!(status, 400);
    let (status, _) = call(&app, "GET", "/admin/layanan/TIDAK-ADA", Some(&admin), "").await;
    assert_eq!(status, 404);
    let store = satupintu::app::open_store(&settings).await.unwrap();
    let (entries, _) = store.audit_log().await.unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e.action == "service.status" && e.target == code && e.after.contains("Mulai integrasi API"))
    );
    store.close().await;
});

on_both_backends!(admins_edit_a_service_and_search_follows, |db| {
    let store = satupintu::app::open_store(&db.settings).await.unwrap();
    satupintu::demo::load(&store).await.unwrap();
    let hash = web::auth::password::hash("kata-sandi-uji".into()).await.unwrap();
    let admin_user = NewUser {
        name: "Admin".into(),
        email: Some(Email::parse("admin@contoh.id").unwrap()),
        phone: None,
        password_hash: hash,
        role: Role::Admin,
        agencies: Vec::new(),
    };
    store.create_user(&admin_user, Some("cli"), Utc::now()).await.unwrap();
    store.close().await;
    let app = TestApp::spawn(db, false).await;
    let admin = sign_in(&app, "admin@contoh.id").await;
    let bad = call(&app, "POST", "/admin/layanan/KIA", Some(&admin), "nama=&url_web=javascript%3Aalert(1)").await;
    assert_eq!(bad.0, 400);
    let body = "nama=Kartu+Identitas+Anak+Kilat&ringkasan=KIA+untuk+anak&kata_kunci=kia%3B+kartu+anak%3B+zamrud&url_web=https%3A%2F%2Fkia.kotabogor.go.id";
    let (status, location) = call(&app, "POST", "/admin/layanan/KIA", Some(&admin), body).await;
    assert_eq!((status, location.as_str()), (303, "/admin/layanan/KIA?tersimpan=data"));
    let detail = crate::helpers::get_json(&app.url("/api/v1/services/KIA")).await.2;
    assert_eq!(detail["name"], "Kartu Identitas Anak Kilat");
    assert_eq!(detail["keywords"], serde_json::json!(["kia", "kartu anak", "zamrud"]));
    assert_eq!(detail["urls"]["web"], "https://kia.kotabogor.go.id/");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let found = crate::helpers::get_json(&app.url("/api/v1/search?q=zamrud")).await.2;
        if found["items"][0]["code"] == "KIA" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "search does not know the new keyword");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // The searches show in the admin's statistics (written in the background).
    crate::helpers::get_json(&app.url("/api/v1/search?q=tidakadaapapun")).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let html = client().get(app.url("/admin/pencarian")).header("cookie", &admin).send().await.unwrap();
        let html = html.text().await.unwrap();
        if html.contains("zamrud") && html.contains("tidakadaapapun") {
            assert!(html.contains("Kueri tanpa hasil"));
            break;
        }
        assert!(std::time::Instant::now() < deadline, "statistics page does not show the searches");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
});
