//! The catalog back-office over HTTP: agencies created and edited, services created,
//! edited and retired, the catalog imported from an upload and exported as files. Who may
//! reach these routes is checked with every other admin route in `admin.rs`.

use chrono::Utc;
use domain::identity::{Email, Role};
use store::NewUser;

use crate::admin::sign_in;
use crate::helpers::{TestApp, TestDb, client, get_json, get_text};
use crate::on_both_backends;

/// The demo city, an admin, a running app and the admin's session cookie.
async fn demo_with_admin(db: TestDb) -> (TestApp, String, store::Store, String) {
    let settings = db.settings.clone();
    let store = satupintu::app::open_store(&settings).await.unwrap();
    satupintu::demo::load(&store).await.unwrap();
    let user = NewUser {
        name: "Admin".into(),
        email: Some(Email::parse("admin@contoh.id").unwrap()),
        phone: None,
        password_hash: web::auth::password::hash("kata-sandi-uji".into()).await.unwrap(),
        role: Role::Admin,
        agencies: Vec::new(),
    };
    let admin_id = store.create_user(&user, Some("cli"), Utc::now()).await.unwrap().id;
    let app = TestApp::spawn(db, false).await;
    let cookie = sign_in(&app, "admin@contoh.id").await;
    (app, cookie, store, admin_id)
}

async fn page(app: &TestApp, cookie: &str, path: &str) -> (u16, String) {
    get_text(&app.url(path), &[("cookie", cookie)]).await
}

async fn post(app: &TestApp, cookie: &str, path: &str, body: &str) -> (u16, String, String) {
    let response = client()
        .post(app.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", cookie)
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let location = response.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or("").to_string();
    (status, location, response.text().await.unwrap())
}

fn encode(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

async fn wait_for_search(app: &TestApp, query: &str, code: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let found = get_json(&app.url(&format!("/api/v1/search?q={query}"))).await.2;
        if found["items"].as_array().unwrap().iter().any(|i| i["code"] == code) {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "search does not find {code} for {query}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

on_both_backends!(admins_create_and_edit_agencies, |db| {
    let (app, admin, store, admin_id) = demo_with_admin(db).await;
    let (status, html) = page(&app, &admin, "/admin/opd").await;
    assert_eq!(status, 200);
    assert!(html.contains("href=\"/admin/opd/DISDUKCAPIL\"") && html.contains("href=\"/admin/opd/baru\""));
    assert_eq!(page(&app, &admin, "/admin/opd/baru").await.0, 200);

    // Bad input: 400, the form again with what was typed and a message per field.
    let bad = encode(&[("kode", "1 salah"), ("nama", ""), ("email", "bukan-surel"), ("situs_web", "ftp://x")]);
    let (status, _, html) = post(&app, &admin, "/admin/opd/baru", &bad).await;
    assert_eq!(status, 400);
    assert!(html.contains("value=\"bukan-surel\"") && html.contains("value=\"1 salah\""), "input kept");
    for id in ["f-kode-error", "f-nama-error", "f-email-error", "f-situs_web-error"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id} missing");
    }
    assert!(html.contains("alamat surel tidak valid") && html.contains("wajib diisi"));

    let good = encode(&[
        ("kode", "dinas-uji"),
        ("nama", "Dinas Uji Coba"),
        ("singkatan", "Disuji"),
        ("jenis", "dinas"),
        ("alamat", "Jl. Uji No. 1"),
        ("telepon", "(0251) 123456"),
        ("email", "uji@kotabogor.go.id"),
        ("situs_web", "https://uji.kotabogor.go.id"),
    ]);
    let (status, location, _) = post(&app, &admin, "/admin/opd/baru", &good).await;
    assert_eq!((status, location.as_str()), (303, "/admin/opd/DINAS-UJI?tersimpan=baru"));
    let (status, _, agency) = get_json(&app.url("/api/v1/agencies/DINAS-UJI")).await;
    assert_eq!(status, 200);
    assert_eq!((agency["name"].as_str(), agency["kind"].as_str()), (Some("Dinas Uji Coba"), Some("dinas")));
    assert_eq!(agency["email"], "uji@kotabogor.go.id");
    // The same code again is refused with a message, not a 500.
    let (status, _, html) = post(&app, &admin, "/admin/opd/baru", &good).await;
    assert_eq!(status, 400);
    assert!(html.contains("sudah dipakai"));

    // Edit: the form shows the stored values; a change reaches the API.
    let (status, html) = page(&app, &admin, "/admin/opd/DINAS-UJI?tersimpan=baru").await;
    assert_eq!(status, 200);
    assert!(html.contains("value=\"Dinas Uji Coba\"") && html.contains("role=\"status\""));
    let edit = encode(&[("nama", "Dinas Uji Lanjutan"), ("jenis", "badan"), ("email", "")]);
    let (status, location, _) = post(&app, &admin, "/admin/opd/DINAS-UJI", &edit).await;
    assert_eq!((status, location.as_str()), (303, "/admin/opd/DINAS-UJI?tersimpan=1"));
    let agency = get_json(&app.url("/api/v1/agencies/DINAS-UJI")).await.2;
    assert_eq!((agency["name"].as_str(), agency["kind"].as_str()), (Some("Dinas Uji Lanjutan"), Some("badan")));
    assert!(agency["email"].is_null());
    let (status, _, html) = post(&app, &admin, "/admin/opd/DINAS-UJI", "nama=&jenis=raja").await;
    assert_eq!(status, 400);
    assert!(html.contains("id=\"f-jenis-error\""));
    assert_eq!(post(&app, &admin, "/admin/opd/TIDAK-ADA", &edit).await.0, 404);
    assert_eq!(page(&app, &admin, "/admin/opd/TIDAK-ADA").await.0, 404);

    // Both changes are in the audit log, by the admin, with what changed.
    let (entries, _) = store.audit_log().await.unwrap();
    let created = entries.iter().find(|e| e.action == "agency.create" && e.target == "DINAS-UJI").unwrap();
    assert_eq!(created.actor, admin_id);
    let edited = entries.iter().find(|e| e.action == "agency.edit" && e.target == "DINAS-UJI").unwrap();
    assert_eq!(edited.actor, admin_id);
    assert!(edited.before.contains("Dinas Uji Coba") && edited.after.contains("Dinas Uji Lanjutan"));
    assert!(!edited.after.contains("alamat"), "unchanged fields are left out: {}", edited.after);
    store.close().await;
});

on_both_backends!(admins_create_edit_and_retire_services, |db| {
    let (app, admin, store, admin_id) = demo_with_admin(db).await;
    let (status, html) = page(&app, &admin, "/admin/layanan/baru").await;
    assert_eq!(status, 200);
    assert!(html.contains("value=\"DISDUKCAPIL\""), "agencies to choose from");

    let bad = encode(&[
        ("kode", "UJI-1"),
        ("nama", "Layanan Uji"),
        ("kategori", "Kependudukan"),
        ("opd_kode", "DISDUKCAPIL"),
        ("mode_integrasi", "faks"),
        ("status_integrasi", "direncanakan"),
        ("biaya", "gratis"),
    ]);
    let (status, _, html) = post(&app, &admin, "/admin/layanan/baru", &bad).await;
    assert_eq!(status, 400);
    assert!(html.contains("value=\"Layanan Uji\"") && html.contains("value=\"gratis\""), "input kept");
    assert!(html.contains("id=\"f-mode_integrasi-error\"") && html.contains("bukan bilangan bulat"));
    let unknown_agency = bad.replace("faks", "link").replace("gratis", "0").replace("DISDUKCAPIL", "TIDAK-ADA");
    let (status, _, html) = post(&app, &admin, "/admin/layanan/baru", &unknown_agency).await;
    assert_eq!(status, 400);
    assert!(html.contains("id=\"f-opd_kode-error\""));

    let good = encode(&[
        ("kode", "uji-layanan"),
        ("nama", "Izin Uji Kelinci"),
        ("ringkasan", "Izin memelihara kelinci uji"),
        ("deskripsi", "Layanan untuk pengujian."),
        ("kategori", "Perizinan"),
        ("opd_kode", "DISDUKCAPIL"),
        ("pengguna", "bisnis"),
        ("mode_integrasi", "api"),
        ("status_integrasi", "dalam_proses"),
        ("target_tahun", "2025"),
        ("url_web", "https://uji.kotabogor.go.id"),
        ("kata_kunci", "kelinci; terwelu"),
        ("persyaratan", "KTP\r\nSurat pengantar"),
        ("prosedur", "Daftar\nTunggu"),
        ("waktu_hari", "3"),
        ("biaya", "15.000"),
        ("produk", "Surat izin"),
        ("dasar_hukum", "Perwali 1/2024"),
        ("kontak_pengaduan", "pengaduan@kotabogor.go.id"),
    ]);
    let (status, location, _) = post(&app, &admin, "/admin/layanan/baru", &good).await;
    assert_eq!((status, location.as_str()), (303, "/admin/layanan/UJI-LAYANAN?tersimpan=baru"));
    let (status, html) = get_text(&app.url("/layanan/UJI-LAYANAN"), &[]).await;
    assert_eq!(status, 200);
    assert!(html.contains("Izin Uji Kelinci"));
    let detail = get_json(&app.url("/api/v1/services/UJI-LAYANAN")).await.2;
    assert_eq!((detail["status"].as_str(), detail["mode"].as_str()), (Some("dalam_proses"), Some("api")));
    assert_eq!(detail["standard"]["requirements"], serde_json::json!(["KTP", "Surat pengantar"]));
    assert_eq!(detail["standard"]["cost_rupiah"], 15000);
    assert_eq!(detail["agency"]["code"], "DISDUKCAPIL");
    wait_for_search(&app, "terwelu", "UJI-LAYANAN").await;
    let (status, _, html) = post(&app, &admin, "/admin/layanan/baru", &good).await;
    assert_eq!(status, 400);
    assert!(html.contains("sudah dipakai"));

    // The edit form holds every field; a partial post keeps the others.
    let (status, html) = page(&app, &admin, "/admin/layanan/UJI-LAYANAN?tersimpan=baru").await;
    assert_eq!(status, 200);
    assert!(html.contains("name=\"dasar_hukum\"") && html.contains("Perwali 1/2024"));
    assert!(html.contains("value=\"dihentikan\""), "retiring is offered");
    let edit = encode(&[("biaya", "0"), ("opd_kode", "BAPENDA"), ("kata_kunci", "kelinci; marmut")]);
    let (status, location, _) = post(&app, &admin, "/admin/layanan/UJI-LAYANAN", &edit).await;
    assert_eq!((status, location.as_str()), (303, "/admin/layanan/UJI-LAYANAN?tersimpan=data"));
    let detail = get_json(&app.url("/api/v1/services/UJI-LAYANAN")).await.2;
    assert_eq!(
        (detail["standard"]["cost_rupiah"].as_i64(), detail["agency"]["code"].as_str()),
        (Some(0), Some("BAPENDA"))
    );
    assert_eq!(detail["name"], "Izin Uji Kelinci");
    wait_for_search(&app, "marmut", "UJI-LAYANAN").await;
    let (status, _, html) = post(&app, &admin, "/admin/layanan/UJI-LAYANAN", "opd_kode=TIDAK-ADA&waktu_hari=-1").await;
    assert_eq!(status, 400);
    assert!(html.contains("id=\"f-waktu_hari-error\""));

    // Retiring needs a note; with one, the service leaves the catalog.
    let (status, _, html) = post(&app, &admin, "/admin/layanan/UJI-LAYANAN/status", "status=dihentikan&catatan=").await;
    assert_eq!(status, 400);
    assert!(html.contains("alasan penghentian"));
    let (status, location, _) =
        post(&app, &admin, "/admin/layanan/UJI-LAYANAN/status", "status=dihentikan&catatan=Digantikan+layanan+baru")
            .await;
    assert_eq!((status, location.as_str()), (303, "/admin/layanan/UJI-LAYANAN?tersimpan=1"));
    let detail = get_json(&app.url("/api/v1/services/UJI-LAYANAN")).await.2;
    assert_eq!(detail["status"], "dihentikan");
    let last = detail["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["note"], "Digantikan layanan baru");
    let html = page(&app, &admin, "/admin/layanan/UJI-LAYANAN").await.1;
    assert!(!html.contains("value=\"dihentikan\""), "a retired service cannot be retired again");

    let (entries, _) = store.audit_log().await.unwrap();
    for action in ["service.create", "service.edit", "service.status"] {
        let entry = entries.iter().find(|e| e.action == action && e.target == "UJI-LAYANAN");
        assert_eq!(entry.map(|e| e.actor.as_str()), Some(admin_id.as_str()), "{action}");
    }
    let edit = entries.iter().find(|e| e.action == "service.edit" && e.target == "UJI-LAYANAN").unwrap();
    assert!(edit.before.contains("DISDUKCAPIL") && edit.after.contains("BAPENDA") && !edit.after.contains("nama"));
    store.close().await;
});

/// A multipart body with one file field, as a browser sends it.
fn upload_body(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----satupintu-uji-7MA4YWxkTrZu0gW";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"berkas\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(app: &TestApp, cookie: &str, name: &str, bytes: &[u8]) -> (u16, String) {
    let (content_type, body) = upload_body(name, bytes);
    let response = client()
        .post(app.url("/admin/impor"))
        .header("content-type", content_type)
        .header("cookie", cookie)
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn download(app: &TestApp, cookie: &str, path: &str) -> (String, String, Vec<u8>) {
    let response = client().get(app.url(path)).header("cookie", cookie).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200, "{path}");
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let (content_type, disposition) = (header("content-type"), header("content-disposition"));
    (content_type, disposition, response.bytes().await.unwrap().to_vec())
}

on_both_backends!(admins_import_and_export_from_the_browser, |db| {
    let (app, admin, store, admin_id) = demo_with_admin(db).await;
    let (status, html) = page(&app, &admin, "/admin/impor").await;
    assert_eq!(status, 200);
    assert!(html.contains("enctype=\"multipart/form-data\"") && html.contains("/admin/ekspor?format=xlsx"));
    let services = store.all_services().await.unwrap().len();

    // An export imports back without changing anything, in both formats.
    for (format, ext, mime) in [("csv", "csv", "text/csv"), ("xlsx", "xlsx", "application/vnd.openxmlformats")] {
        let (content_type, disposition, bytes) =
            download(&app, &admin, &format!("/admin/ekspor?format={format}")).await;
        assert!(content_type.starts_with(mime), "{content_type}");
        assert!(
            disposition.starts_with("attachment; filename=\"katalog-") && disposition.ends_with(&format!(".{ext}\""))
        );
        let (status, html) = upload(&app, &admin, &format!("katalog.{ext}"), &bytes).await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains(&format!("Layanan tidak berubah: {services}")), "{format}");
        assert!(html.contains("Layanan diperbarui: 0") && html.contains("Layanan baru: 0"));
    }
    let (_, disposition, bytes) = download(&app, &admin, "/admin/ekspor/opd?format=xlsx").await;
    assert!(disposition.contains("opd-"));
    let agencies = interchange::read_agencies_bytes(&bytes, interchange::Format::Xlsx).unwrap();
    assert_eq!(agencies.len(), store.list_agencies().await.unwrap().len());
    let (_, _, bytes) = download(&app, &admin, "/admin/ekspor/opd?format=csv").await;
    assert_eq!(interchange::read_agencies_bytes(&bytes, interchange::Format::Csv).unwrap(), agencies);
    assert_eq!(get_text(&app.url("/admin/ekspor?format=pdf"), &[("cookie", &admin)]).await.0, 400);

    // A file with problems changes nothing and lists every problem with its line and column.
    let before = get_json(&app.url("/api/v1/services/KIA")).await.2;
    let bad = "kode,nama,kategori,opd_kode,mode_integrasi,status_integrasi,biaya\n\
               KIA,Nama Baru KIA,Kependudukan,DISDUKCAPIL,native,terintegrasi,0\n\
               BARU-1,Layanan Baru,Kependudukan,DISDUKCAPIL,faks,direncanakan,gratis\n";
    let (status, html) = upload(&app, &admin, "salah.csv", bad.as_bytes()).await;
    assert_eq!(status, 400);
    assert!(html.contains("<td class=\"num\">3</td><td><code>mode_integrasi</code></td>"), "{html}");
    assert!(html.contains("<code>biaya</code></td><td>&#39;gratis&#39; bukan bilangan bulat"), "{html}");
    assert!(html.contains("2 masalah"));
    assert_eq!(get_json(&app.url("/api/v1/services/KIA")).await.2, before, "nothing changed");
    assert_eq!(get_json(&app.url("/api/v1/services/BARU-1")).await.0, 404);

    // A good file: one new service, one changed.
    let good = "kode,nama,kategori,opd_kode,opd_nama,mode_integrasi,status_integrasi\n\
                UNGGAH-1,Layanan Unggahan Rajawali,Kependudukan,OPD-BARU,Kantor Unggahan,link,direncanakan\n";
    let (status, html) = upload(&app, &admin, "baru.csv", good.as_bytes()).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Layanan baru: 1") && html.contains("OPD baru: 1"));
    assert_eq!(get_json(&app.url("/api/v1/services/UNGGAH-1")).await.0, 200);
    wait_for_search(&app, "rajawali", "UNGGAH-1").await;
    let (entries, _) = store.audit_log().await.unwrap();
    assert!(
        entries.iter().any(|e| e.action == "catalog.import" && e.actor == admin_id && e.target.contains("baru.csv"))
    );

    // Refusals with a page, never a 500: no file, an unknown type, a broken spreadsheet,
    // a form that is not an upload, and a file over the limit.
    assert_eq!(upload(&app, &admin, "kosong.csv", b"").await.0, 400);
    let (status, html) = upload(&app, &admin, "katalog.pdf", b"%PDF-1.4").await;
    assert_eq!(status, 400);
    assert!(html.contains(".csv atau .xlsx"));
    assert_eq!(upload(&app, &admin, "rusak.xlsx", b"PK\x03\x04 bukan zip").await.0, 400);
    assert_eq!(post(&app, &admin, "/admin/impor", "berkas=x").await.0, 400);
    let huge = vec![b'a'; 11 * 1024 * 1024];
    let (content_type, body) = upload_body("besar.csv", &huge);
    let response = client()
        .post(app.url("/admin/impor"))
        .header("content-type", content_type)
        .header("cookie", &admin)
        .body(body)
        .send()
        .await;
    // The server answers before reading the rest; the client sees the page, or (if it was
    // still sending) a closed connection. Never a success.
    if let Ok(response) = response {
        assert_eq!(response.status().as_u16(), 413);
        assert!(response.text().await.unwrap_or_default().contains("10 MB"));
    }
    store.close().await;
});
