//! Applying on the portal (files included) and following requests: the form checked field
//! by field with the input kept, files typed by their content and served only to their
//! owner, "Permohonan saya", cancelling, tracking by code, guest complaints.

use crate::helpers::{TestApp, client};
use crate::on_both_backends;
use crate::requests_api::{app_with_forms, sign_up};

pub(crate) enum Part<'a> {
    Text(&'a str, &'a str),
    File(&'a str, &'a str, &'a [u8]),
}

/// A multipart body as a browser sends it.
fn multipart(parts: &[Part]) -> (String, Vec<u8>) {
    let boundary = "----satupintu-uji-9X2kQ";
    let mut body = Vec::new();
    for part in parts {
        match part {
            Part::Text(name, value) => body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            ),
            Part::File(name, file, bytes) => {
                body.extend_from_slice(
                    format!(
                        "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n\
                         Content-Type: application/octet-stream\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(bytes);
                body.extend_from_slice(b"\r\n");
            }
        }
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub(crate) async fn post_form(
    app: &TestApp,
    path: &str,
    parts: &[Part<'_>],
    cookie: Option<&str>,
) -> (u16, String, String) {
    let (content_type, body) = multipart(parts);
    let mut request = client().post(app.url(path)).header("content-type", content_type).body(body);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let location = response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    (status, location, response.text().await.unwrap_or_default())
}

async fn get(app: &TestApp, path: &str, cookie: Option<&str>) -> (u16, String, String) {
    let mut request = client().get(app.url(path));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type =
        response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    (status, content_type, response.text().await.unwrap_or_default())
}

/// Creates an operator of `agency` and signs them in.
async fn operator(app: &TestApp, email: &str, agency: &str) -> String {
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    let user = store::NewUser {
        name: "Petugas".into(),
        email: Some(domain::identity::Email::parse(email).unwrap()),
        phone: None,
        password_hash: web::auth::password::hash("kata-sandi-petugas".into()).await.unwrap(),
        role: domain::identity::Role::Operator,
        agencies: vec![domain::AgencyCode::parse(agency).unwrap()],
    };
    store.create_user(&user, Some("test"), chrono::Utc::now()).await.unwrap();
    store.close().await;
    let response = client()
        .post(app.url("/masuk"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("login={}&password=kata-sandi-petugas", email.replace('@', "%40")))
        .send()
        .await
        .unwrap();
    crate::oidc::cookie_of(&response).unwrap()
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

on_both_backends!(apply_on_the_portal_with_files, |db| {
    let app = app_with_forms(db).await;
    // Services applied for here say so; an anonymous visitor is sent to sign in first.
    let (_, _, page) = get(&app, "/layanan/SKTM", None).await;
    assert!(page.contains("/layanan/SKTM/ajukan"));
    let response = client().get(app.url("/layanan/SKTM/ajukan")).send().await.unwrap();
    assert!(response.headers()["location"].to_str().unwrap().starts_with("/masuk?kembali="));

    let siti = sign_up(&app, "siti@contoh.id").await;
    // SKTM has no form of its own: its requirements become required files.
    let (status, _, form) = get(&app, "/layanan/SKTM/ajukan", Some(&siti)).await;
    assert_eq!(status, 200);
    assert!(form.contains("type=\"file\"") && form.contains("dokumen_1"), "{form}");
    let required_files = form.matches("type=\"file\"").count();

    // A program disguised as a photo is refused by its content; the note typed is kept.
    let (status, _, page) = post_form(
        &app,
        "/layanan/SKTM/ajukan",
        &[Part::File("dokumen_1", "foto.jpg", b"MZ\x90\x00\x03 not an image"), Part::Text("catatan", "mohon dibantu")],
        Some(&siti),
    )
    .await;
    assert_eq!(status, 400);
    assert!(page.contains("berkas harus PDF, JPEG atau PNG") && page.contains("mohon dibantu"), "{page}");

    // Every required document as a PDF: sent, with a tracking code.
    let names: Vec<String> = (1..=required_files).map(|i| format!("dokumen_{i}")).collect();
    let mut parts: Vec<Part> = names.iter().map(|n| Part::File(n, "surat.pdf", PDF)).collect();
    parts.push(Part::Text("catatan", "untuk beasiswa"));
    let (status, location, body) = post_form(&app, "/layanan/SKTM/ajukan", &parts, Some(&siti)).await;
    assert_eq!(status, 303, "{body}");
    assert!(location.starts_with("/permohonan/BGR-") && location.ends_with("?baru=1"), "{location}");
    let code = location.trim_start_matches("/permohonan/").trim_end_matches("?baru=1").to_string();
    let (_, _, page) = get(&app, &location, Some(&siti)).await;
    assert!(page.contains(&format!("<code id=\"kode-lacak\">{code}</code>")) && page.contains("untuk beasiswa"));
    let file_link =
        page.split("href=\"").find(|s| s.contains("/berkas/")).unwrap().split('"').next().unwrap().to_string();
    let (status, content_type, bytes) = get(&app, &file_link, Some(&siti)).await;
    assert_eq!((status, content_type.as_str()), (200, "application/pdf"));
    assert_eq!(bytes.as_bytes(), PDF);
    // Nobody else gets the file or the page; the agency's operators do, others' do not.
    let budi = sign_up(&app, "budi@contoh.id").await;
    assert_eq!(get(&app, &file_link, Some(&budi)).await.0, 404);
    assert_eq!(get(&app, &format!("/permohonan/{code}"), Some(&budi)).await.0, 404);
    let sha = file_link.rsplit('/').next().unwrap();
    let office_link = format!("/petugas/permohonan/{code}/berkas/{sha}");
    for (email, agency, expected) in [("op@contoh.id", "BAG-PEMERINTAHAN", 200), ("lain@contoh.id", "DINKES", 404)] {
        let operator = operator(&app, email, agency).await;
        let (status, content_type, _) = get(&app, &office_link, Some(&operator)).await;
        assert_eq!(status, expected, "{email}");
        if expected == 200 {
            assert_eq!(content_type, "application/pdf");
            let (_, _, page) = get(&app, &format!("/petugas/permohonan/{code}"), Some(&operator)).await;
            assert!(page.contains(&office_link), "the operator's page links the file");
        }
    }
    assert_eq!(get(&app, &office_link, Some(&siti)).await.0, 403, "citizens are not operators");

    // "Permohonan saya", then cancel.
    let (_, _, mine) = get(&app, "/permohonan", Some(&siti)).await;
    assert!(mine.contains(&code));
    let response = client()
        .post(app.url(&format!("/permohonan/{code}/batal")))
        .header("cookie", &siti)
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    let (_, _, page) = get(&app, &format!("/permohonan/{code}"), Some(&siti)).await;
    assert!(page.contains("Dibatalkan") && !page.contains("/batal\""));

    // Anyone can track it by code; the page shows no answers.
    let (status, _, page) = get(&app, &format!("/lacak?kode={}", code.to_lowercase().replace('-', " ")), None).await;
    assert_eq!(status, 200);
    assert!(page.contains("Dibatalkan") && !page.contains("untuk beasiswa"));
    let (status, _, page) = get(&app, "/lacak?kode=BGR-0000-000", None).await;
    assert_eq!(status, 400);
    assert!(page.contains("0"), "{page}");
});

on_both_backends!(portal_form_problems_and_guest_complaints, |db| {
    let app = app_with_forms(db).await;
    let siti = sign_up(&app, "siti@contoh.id").await;
    let (status, _, page) = post_form(
        &app,
        "/layanan/KTP-EL/ajukan",
        &[
            Part::Text("nama_lengkap", "Siti"),
            Part::Text("tanggal_lahir", "kemarin"),
            Part::Text("kecamatan", "Bogor Utara"),
        ],
        Some(&siti),
    )
    .await;
    assert_eq!(status, 400);
    assert!(page.contains("aria-invalid=\"true\"") && page.contains("value=\"Siti\""), "{page}");
    // A file over the limit is refused before it is stored.
    let mut big = PDF.to_vec();
    big.resize(11 * 1024 * 1024, b' ');
    let (status, _, _) =
        post_form(&app, "/layanan/SKTM/ajukan", &[Part::File("dokumen_1", "besar.pdf", &big)], Some(&siti)).await;
    assert_eq!(status, 413);

    // Complaints need no account.
    let (status, _, page) = get(&app, "/layanan/SP4N-LAPOR/ajukan", None).await;
    assert_eq!(status, 200);
    assert!(page.contains("tamu_nama"));
    let (status, location, _) = post_form(
        &app,
        "/layanan/SP4N-LAPOR/ajukan",
        &[
            Part::Text("tamu_nama", "Pak RT"),
            Part::Text("tamu_kontak", "0812 3456 7890"),
            Part::Text("judul", "Saluran tersumbat"),
            Part::Text("uraian", "Di Jl. Pandu Raya."),
        ],
        None,
    )
    .await;
    assert_eq!(status, 303);
    assert!(location.starts_with("/lacak?kode=BGR-"), "{location}");
    let (status, _, page) = get(&app, &location, None).await;
    assert_eq!(status, 200);
    assert!(page.contains("Diajukan"));
    // Services of agencies with their own application are not applied for here.
    let (status, _, _) = get(&app, "/layanan/PBG/ajukan", Some(&siti)).await;
    assert_eq!(status, 400);
});

on_both_backends!(citizens_answer_a_fix_request, |db| {
    let app = app_with_forms(db).await;
    let siti = sign_up(&app, "siti@contoh.id").await;
    let body = serde_json::json!({"service": "KTP-EL", "answers": {"nama_lengkap": "Siti", "tanggal_lahir": "1990-04-25", "kecamatan": "Bogor Utara"}});
    let (_, created, _) = crate::requests_api::send(&app, "POST", "/api/v1/requests", Some(body), Some(&siti)).await;
    let code = created["tracking_code"].as_str().unwrap().to_string();
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    let record = store.request_by_code(&code).await.unwrap().unwrap();
    for (from, to, note) in
        [("diajukan", "diterima", None), ("diterima", "perlu_perbaikan", Some("Foto KK buram, mohon unggah ulang"))]
    {
        let change = store::requests::StatusChange {
            request_id: &record.id,
            from,
            to,
            actor: "petugas",
            note,
            internal: false,
            closes: false,
        };
        store.change_request_status(&change, chrono::Utc::now()).await.unwrap();
    }
    let (_, _, page) = get(&app, &format!("/permohonan/{code}"), Some(&siti)).await;
    assert!(page.contains("Foto KK buram") && page.contains(&format!("/permohonan/{code}/perbaikan")));
    // Nothing to send is refused; a note with a new document moves it back to the agency.
    let (status, _, _) =
        post_form(&app, &format!("/permohonan/{code}/perbaikan"), &[Part::Text("catatan", "")], Some(&siti)).await;
    assert_eq!(status, 400);
    let (status, location, _) = post_form(
        &app,
        &format!("/permohonan/{code}/perbaikan"),
        &[Part::Text("catatan", "Sudah saya unggah ulang"), Part::File("berkas", "kk.pdf", PDF)],
        Some(&siti),
    )
    .await;
    assert_eq!((status, location.as_str()), (303, format!("/permohonan/{code}").as_str()));
    let record = store.request_by_code(&code).await.unwrap().unwrap();
    assert_eq!(record.status, "diproses");
    let (_, _, page) = get(&app, &format!("/permohonan/{code}"), Some(&siti)).await;
    assert!(page.contains("Sudah saya unggah ulang") && page.contains("kk.pdf"));
    // Not waiting for a fix any more: a second answer is refused.
    let (status, _, _) =
        post_form(&app, &format!("/permohonan/{code}/perbaikan"), &[Part::Text("catatan", "lagi")], Some(&siti)).await;
    assert_eq!(status, 400);
    store.close().await;
});

on_both_backends!(status_changes_reach_the_person_by_mail_and_in_the_portal, |db| {
    let mut db = db;
    let (url, inbox) = crate::smtp_sink::start().await;
    db.settings.smtp_url = Some(satupintu::config::Secret::new(url));
    let app = app_with_forms(db).await;
    let siti = sign_up(&app, "siti@contoh.id").await;
    // The sign-up confirmation comes first.
    inbox.wait_for("siti@contoh.id", 1).await;
    let body = serde_json::json!({"service": "KTP-EL", "answers": {"nama_lengkap": "Siti", "tanggal_lahir": "1990-04-25", "kecamatan": "Bogor Utara"}});
    let (_, created, _) = crate::requests_api::send(&app, "POST", "/api/v1/requests", Some(body), Some(&siti)).await;
    let code = created["tracking_code"].as_str().unwrap().to_string();
    let officer = operator(&app, "petugas@contoh.id", "DISDUKCAPIL").await;
    let response = client()
        .post(app.url(&format!("/petugas/permohonan/{code}/status")))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", &officer)
        .body("dari=diajukan&status=diterima&catatan=Berkas+lengkap")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    let mail = inbox.wait_for("siti@contoh.id", 2).await;
    assert!(mail.contains(&code) && mail.contains("Diterima") && mail.contains("Berkas lengkap"), "{mail}");
    let (_, _, page) = get(&app, "/permohonan", Some(&siti)).await;
    assert!(
        page.contains(&format!("Permohonan {code} (Perekaman KTP-el): Diterima"))
            || page.contains(&format!("Permohonan {code}")),
        "{page}"
    );
    assert!(page.contains("class=\"unread\""));
    let (_, _, page) = get(&app, "/permohonan", Some(&siti)).await;
    assert!(!page.contains("class=\"unread\""), "seen once, no longer new");
});
