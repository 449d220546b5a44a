//! The agency back-office (`/petugas`) on SQLite and PostgreSQL: an operator sees and opens
//! only their agency's requests, moves them through the rules (a refused change explains
//! itself, a race is caught), writes public and internal notes (the citizen never sees
//! the internal ones), assigns colleagues, changes several at once, and reads the
//! dashboard; every route refused to anonymous people, citizens and assessors.

use chrono::{Duration, Utc};
use domain::AgencyCode;
use domain::identity::{Email, Role};
use serde_json::json;
use store::NewUser;
use store::requests::StatusChange;

use crate::admin::{call, sign_in};
use crate::helpers::{TestApp, TestDb};
use crate::oidc::{get, post};
use crate::on_both_backends;
use crate::requests_api::{app_with_forms, send};

const DINKES_FORM: &str =
    r#"{"fields": [{"key": "nama_anak", "label": "Nama anak", "required": true, "kind": "text"}]}"#;

const PEOPLE: &[(&str, &str, Role, &str)] = &[
    ("ani@contoh.id", "Ani Petugas", Role::Operator, "DISDUKCAPIL"),
    ("budi@contoh.id", "Budi Petugas", Role::Operator, "DISDUKCAPIL"),
    ("dina@contoh.id", "Dina Dinkes", Role::Operator, "DINKES"),
    ("siti@contoh.id", "Siti Warga", Role::Warga, ""),
    ("asesor@contoh.id", "Asa Asesor", Role::Asesor, ""),
    ("admin@contoh.id", "Adi Admin", Role::Admin, ""),
];

/// The demo city with forms, the people above (password `kata-sandi-uji`), and a form on a
/// DINKES service.
pub(crate) async fn office_app(db: TestDb) -> TestApp {
    let app = app_with_forms(db).await;
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    let form: domain::request::FormDefinition = serde_json::from_str(DINKES_FORM).unwrap();
    store.set_service_form("IMUNISASI-ANAK", &serde_json::to_string(&form).unwrap(), "test", Utc::now()).await.unwrap();
    let hash = web::auth::password::hash("kata-sandi-uji".into()).await.unwrap();
    for (email, name, role, agency) in PEOPLE {
        let user = NewUser {
            name: (*name).into(),
            email: Some(Email::parse(email).unwrap()),
            phone: None,
            password_hash: hash.clone(),
            role: *role,
            agencies: if agency.is_empty() { Vec::new() } else { vec![AgencyCode::parse(agency).unwrap()] },
        };
        store.create_user(&user, Some("cli"), Utc::now()).await.unwrap();
    }
    store.close().await;
    app
}

pub(crate) async fn submit_ktp(app: &TestApp, citizen: &str) -> String {
    let body = json!({"service": "KTP-EL", "answers": {
        "nama_lengkap": "Siti Rahma", "tanggal_lahir": "1990-04-25", "kecamatan": "Bogor Utara"
    }});
    let (status, created, _) = send(app, "POST", "/api/v1/requests", Some(body), Some(citizen)).await;
    assert_eq!(status, 201, "{created}");
    created["tracking_code"].as_str().unwrap().to_string()
}

async fn submit_dinkes(app: &TestApp, citizen: &str) -> String {
    let body = json!({"service": "IMUNISASI-ANAK", "answers": {"nama_anak": "Adik Kecil"}});
    let (status, created, _) = send(app, "POST", "/api/v1/requests", Some(body), Some(citizen)).await;
    assert_eq!(status, 201, "{created}");
    created["tracking_code"].as_str().unwrap().to_string()
}

async fn page(app: &TestApp, path: &str, cookie: &str) -> (u16, String) {
    let response = get(app, path, Some(cookie)).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn form(app: &TestApp, path: &str, fields: &[(&str, &str)], cookie: &str) -> (u16, String) {
    let response = post(app, path, fields, Some(cookie)).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn change(app: &TestApp, code: &str, from: &str, to: &str, note: &str, cookie: &str) -> (u16, String) {
    let path = format!("/petugas/permohonan/{code}/status");
    form(app, &path, &[("dari", from), ("status", to), ("catatan", note)], cookie).await
}

on_both_backends!(operators_work_their_agency_requests, |db| {
    let app = office_app(db).await;
    let siti = sign_in(&app, "siti@contoh.id").await;
    let ani = sign_in(&app, "ani@contoh.id").await;
    let dina = sign_in(&app, "dina@contoh.id").await;
    let ktp = submit_ktp(&app, &siti).await;
    let dinkes = submit_dinkes(&app, &siti).await;

    // Each operator sees their own agency's queue, nothing else.
    let (status, queue) = page(&app, "/petugas", &ani).await;
    assert_eq!(status, 200);
    assert!(queue.contains(&ktp) && !queue.contains(&dinkes), "{queue}");
    assert!(queue.contains("Sesuai jadwal") || queue.contains("Mendekati batas"), "SLA badge missing");
    let (_, theirs) = page(&app, "/petugas", &dina).await;
    assert!(theirs.contains(&dinkes) && !theirs.contains(&ktp));
    assert_eq!(page(&app, &format!("/petugas/permohonan/{dinkes}"), &ani).await.0, 404);
    assert_eq!(change(&app, &dinkes, "diajukan", "diterima", "", &ani).await.0, 404);
    assert_eq!(page(&app, "/petugas/permohonan/BGR-0O00-000", &ani).await.0, 404);
    // Filters: by service, status and due date; a bad value is a 400 page, not a 500.
    let (_, filtered) = page(&app, "/petugas?layanan=KK", &ani).await;
    assert!(!filtered.contains(&ktp));
    let (_, filtered) = page(&app, "/petugas?layanan=KTP-EL&status=diajukan&batas=2099-01-01", &ani).await;
    assert!(filtered.contains(&ktp));
    let (_, filtered) = page(&app, "/petugas?batas=2000-01-01", &ani).await;
    assert!(!filtered.contains(&ktp));
    for bad in ["status=batal", "batas=kemarin", "opd=DINKES", "layanan=%3Cb%3E"] {
        assert_eq!(page(&app, &format!("/petugas?{bad}"), &ani).await.0, 400, "{bad}");
    }

    // The request with its answers under the form's labels and the applicant.
    let path = format!("/petugas/permohonan/{ktp}");
    let (status, detail) = page(&app, &path, &ani).await;
    assert_eq!(status, 200);
    for expected in ["Nama lengkap", "Siti Rahma", "Bogor Utara", "Siti Warga", "siti@contoh.id", "Perekaman"] {
        assert!(detail.contains(expected), "{expected} missing");
    }

    // Accept, process, ask for a fix (the note is required), finish.
    assert_eq!(change(&app, &ktp, "diajukan", "diterima", "", &ani).await.0, 303);
    assert_eq!(change(&app, &ktp, "diterima", "diproses", "", &ani).await.0, 303);
    let (status, body) = change(&app, &ktp, "diproses", "perlu_perbaikan", "  ", &ani).await;
    assert_eq!(status, 400);
    assert!(body.contains("perlu diperbaiki"), "the page says what is missing");
    let (status, _) = change(&app, &ktp, "diproses", "perlu_perbaikan", "Foto KK buram, unggah ulang", &ani).await;
    assert_eq!(status, 303);
    // The citizen answers the fix request (their side of the flow, straight in the store).
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    let record = store.request_by_code(&ktp).await.unwrap().unwrap();
    let reply = StatusChange {
        request_id: &record.id,
        from: "perlu_perbaikan",
        to: "diproses",
        actor: record.user_id.as_deref().unwrap(),
        note: Some("Sudah diunggah ulang"),
        internal: false,
        closes: false,
    };
    store.change_request_status(&reply, Utc::now()).await.unwrap();
    // Notes: internal ones for staff, public ones for the citizen too.
    let notes = format!("/petugas/permohonan/{ktp}/catatan");
    let internal = [("catatan", "Menunggu tanda tangan kepala dinas"), ("visibilitas", "internal")];
    assert_eq!(form(&app, &notes, &internal, &ani).await.0, 303);
    let public = [("catatan", "KTP-el dapat diambil di loket 3"), ("visibilitas", "publik")];
    assert_eq!(form(&app, &notes, &public, &ani).await.0, 303);
    assert_eq!(form(&app, &notes, &[("catatan", " "), ("visibilitas", "publik")], &ani).await.0, 400);
    assert_eq!(form(&app, &notes, &[("catatan", "x"), ("visibilitas", "rahasia")], &ani).await.0, 400);
    assert_eq!(change(&app, &ktp, "diproses", "selesai", "", &ani).await.0, 303);
    // Nothing moves a finished request; an unknown status is a 400 page.
    let (status, body) = change(&app, &ktp, "selesai", "ditolak", "terlambat", &ani).await;
    assert_eq!(status, 400);
    assert!(body.contains("tidak dapat diubah lagi"), "{body}");
    assert_eq!(change(&app, &ktp, "diproses", "tamat", "", &ani).await.0, 400);

    // Staff see the whole history, internal notes included.
    let (_, detail) = page(&app, &path, &ani).await;
    assert!(detail.contains("Selesai") && detail.contains("Menunggu tanda tangan kepala dinas"));
    assert!(detail.contains("Foto KK buram"));

    // The citizen's views show the new status and never an internal note.
    let (_, public_view, _) = send(&app, "GET", &format!("/api/v1/requests/{ktp}"), None, None).await;
    assert_eq!(public_view["status"], "selesai");
    let (_, own, _) = send(&app, "GET", &format!("/api/v1/requests/{ktp}"), None, Some(&siti)).await;
    assert_eq!(own["status"], "selesai");
    let own = own.to_string();
    assert!(own.contains("Foto KK buram") && own.contains("loket 3"), "{own}");
    assert!(!own.contains("tanda tangan"), "an internal note leaked: {own}");
    let (_, mine, _) = send(&app, "GET", "/api/v1/requests", None, Some(&siti)).await;
    assert!(!mine.to_string().contains("tanda tangan"));

    // Two officers act on the same page: the second is told it changed meanwhile.
    let other = submit_ktp(&app, &siti).await;
    let budi = sign_in(&app, "budi@contoh.id").await;
    assert_eq!(change(&app, &other, "diajukan", "diterima", "", &ani).await.0, 303);
    let (status, body) = change(&app, &other, "diajukan", "ditolak", "Bukan warga Kota Bogor", &budi).await;
    assert_eq!(status, 409);
    assert!(body.contains("baru saja diubah") && body.contains("Bukan warga Kota Bogor"), "note kept");
    let events = store.request_events(&store.request_by_code(&other).await.unwrap().unwrap().id, true).await.unwrap();
    assert_eq!(events.len(), 2, "one submission, one change");
    store.close().await;
});

on_both_backends!(bulk_changes_and_assignment, |db| {
    let app = office_app(db).await;
    let siti = sign_in(&app, "siti@contoh.id").await;
    let ani = sign_in(&app, "ani@contoh.id").await;
    let budi = sign_in(&app, "budi@contoh.id").await;
    let mut codes = Vec::new();
    for _ in 0..3 {
        codes.push(submit_ktp(&app, &siti).await);
    }
    let dinkes = submit_dinkes(&app, &siti).await;
    // One of them moves on after the queue was shown.
    assert_eq!(change(&app, &codes[2], "diajukan", "diterima", "", &budi).await.0, 303);
    let picks: Vec<String> =
        codes.iter().chain([&dinkes]).map(|c| format!("{c}:diajukan")).chain(["rusak".to_string()]).collect();
    let mut fields: Vec<(&str, &str)> = picks.iter().map(|p| ("pilih", p.as_str())).collect();
    fields.extend([("status", "diterima"), ("catatan", "")]);
    let (status, body) = form(&app, "/petugas/massal", &fields, &ani).await;
    assert_eq!(status, 200);
    assert!(body.contains("2 permohonan diubah menjadi Diterima"), "{body}");
    assert!(body.contains("3 permohonan tidak diubah"));
    assert!(body.contains("baru saja diubah") && body.contains("tidak ditemukan di OPD Anda"));
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    for code in &codes {
        assert_eq!(store.request_by_code(code).await.unwrap().unwrap().status, "diterima");
    }
    assert_eq!(store.request_by_code(&dinkes).await.unwrap().unwrap().status, "diajukan");
    // The same rules as one by one: a rejection needs its reason.
    let pick = format!("{}:diterima", codes[0]);
    let (status, body) = form(&app, "/petugas/massal", &[("pilih", &pick), ("status", "ditolak")], &ani).await;
    assert_eq!(status, 200);
    assert!(body.contains("0 permohonan diubah") && body.contains("alasan penolakan"), "{body}");
    assert_eq!(form(&app, "/petugas/massal", &[("status", "diterima")], &ani).await.0, 400);
    assert_eq!(form(&app, "/petugas/massal", &[("pilih", &pick), ("status", "x")], &ani).await.0, 400);

    // Assigning to a colleague of the same agency, and only to one.
    let budi_id = store.user_by_email(&Email::parse("budi@contoh.id").unwrap()).await.unwrap().unwrap().id;
    let dina_id = store.user_by_email(&Email::parse("dina@contoh.id").unwrap()).await.unwrap().unwrap().id;
    let assign = format!("/petugas/permohonan/{}/tugaskan", codes[1]);
    assert_eq!(form(&app, &assign, &[("petugas", &dina_id)], &ani).await.0, 400);
    assert_eq!(form(&app, &assign, &[("petugas", "bukan-id")], &ani).await.0, 400);
    assert_eq!(form(&app, &assign, &[("petugas", &budi_id)], &ani).await.0, 303);
    let (_, mine) = page(&app, "/petugas?milik=saya", &budi).await;
    assert!(mine.contains(&codes[1]) && !mine.contains(&codes[0]), "{mine}");
    let (_, all) = page(&app, "/petugas", &ani).await;
    assert!(all.contains("Budi Petugas"));
    let (_, detail) = page(&app, &format!("/petugas/permohonan/{}", codes[1]), &ani).await;
    assert!(detail.contains("Ditugaskan kepada Budi Petugas"));
    let (_, own, _) = send(&app, "GET", &format!("/api/v1/requests/{}", codes[1]), None, Some(&siti)).await;
    assert!(!own.to_string().contains("Ditugaskan"), "assignment is internal");
    // A DINKES operator cannot assign a DISDUKCAPIL request at all.
    let dina = sign_in(&app, "dina@contoh.id").await;
    assert_eq!(form(&app, &assign, &[("petugas", &dina_id)], &dina).await.0, 404);
    assert_eq!(form(&app, &assign, &[("petugas", "")], &ani).await.0, 303);
    assert_eq!(store.request_by_code(&codes[1]).await.unwrap().unwrap().assignee_id, None);
    store.close().await;
});

on_both_backends!(dashboard_counts_medians_and_compliance, |db| {
    let app = office_app(db).await;
    let siti = sign_in(&app, "siti@contoh.id").await;
    let ani = sign_in(&app, "ani@contoh.id").await;
    let mut codes = Vec::new();
    for _ in 0..5 {
        codes.push(submit_ktp(&app, &siti).await);
    }
    submit_dinkes(&app, &siti).await;
    // Three completed (one a month late), one rejected, one still submitted.
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    let now = Utc::now();
    for (code, to, at) in [
        (&codes[0], "selesai", now),
        (&codes[1], "selesai", now),
        (&codes[2], "selesai", now + Duration::days(30)),
        (&codes[3], "ditolak", now),
    ] {
        let id = store.request_by_code(code).await.unwrap().unwrap().id;
        let change = StatusChange {
            request_id: &id,
            from: "diajukan",
            to,
            actor: "uji",
            note: Some("uji"),
            internal: false,
            closes: true,
        };
        store.change_request_status(&change, at).await.unwrap();
    }
    store.close().await;
    let (status, body) = page(&app, "/petugas/ringkasan", &ani).await;
    assert_eq!(status, 200);
    assert!(body.contains("KTP-EL") && !body.contains("IMUNISASI-ANAK"), "only the operator's agency");
    // Counts per status in column order: diajukan 1, selesai 3, ditolak 1; total 5.
    let cells: Vec<&str> = body.split("<td class=\"num\">").skip(1).map(|c| c.split('<').next().unwrap()).collect();
    assert_eq!(cells, ["1", "0", "0", "0", "3", "1", "0", "5"], "{body}");
    assert!(body.contains("<td>0</td>"), "median of 0, 0 and about 21 working days");
    assert!(body.contains("67% (2 dari 3 tepat waktu)"), "{body}");
});

const OFFICE_ROUTES: &[(&str, &str)] = &[
    ("GET", "/petugas"),
    ("GET", "/petugas/ringkasan"),
    ("GET", "/petugas/layanan"),
    ("GET", "/petugas/layanan/KTP-EL/formulir"),
    ("POST", "/petugas/layanan/KTP-EL/formulir"),
    ("POST", "/petugas/massal"),
    ("GET", "/petugas/permohonan/BGR-0000-000"),
    ("POST", "/petugas/permohonan/BGR-0000-000/status"),
    ("POST", "/petugas/permohonan/BGR-0000-000/catatan"),
    ("POST", "/petugas/permohonan/BGR-0000-000/tugaskan"),
    ("GET", "/petugas/percakapan"),
    ("GET", "/petugas/percakapan/tidak-ada"),
    ("POST", "/petugas/percakapan/tidak-ada/balas"),
    ("POST", "/petugas/percakapan/tidak-ada/kembalikan"),
];

on_both_backends!(only_staff_reach_the_office, |db| {
    let app = office_app(db).await;
    let body = "status=diterima&pilih=BGR-0000-000%3Adiajukan";
    let mut others = Vec::new();
    for email in ["siti@contoh.id", "asesor@contoh.id"] {
        others.push((email, sign_in(&app, email).await));
    }
    for (method, path) in OFFICE_ROUTES {
        let (status, location) = call(&app, method, path, None, body).await;
        assert_eq!(status, 303, "anonymous {method} {path}");
        assert!(location.starts_with("/masuk?kembali="), "{location}");
        for (email, cookie) in &others {
            assert_eq!(call(&app, method, path, Some(cookie), body).await.0, 403, "{email} {method} {path}");
        }
    }
    // Admins work every agency's requests; operators and admins find the office from
    // their account page, admins from the admin home too.
    let admin = sign_in(&app, "admin@contoh.id").await;
    let ani = sign_in(&app, "ani@contoh.id").await;
    let dinkes = submit_dinkes(&app, &others[0].1).await;
    let (status, queue) = page(&app, "/petugas", &admin).await;
    assert_eq!(status, 200);
    assert!(queue.contains(&dinkes));
    assert_eq!(page(&app, &format!("/petugas/permohonan/{dinkes}"), &admin).await.0, 200);
    assert_eq!(page(&app, "/petugas/ringkasan", &admin).await.0, 200);
    assert!(page(&app, "/akun", &ani).await.1.contains("href=\"/petugas\""));
    assert!(page(&app, "/admin", &admin).await.1.contains("href=\"/petugas\""));
    assert!(!page(&app, "/akun", &others[0].1).await.1.contains("href=\"/petugas\""));
    // The office in English.
    let response = crate::helpers::client()
        .get(app.url("/petugas"))
        .header("cookie", format!("{ani}; lang=en"))
        .send()
        .await
        .unwrap();
    assert!(response.text().await.unwrap().contains("Request queue"));
});
