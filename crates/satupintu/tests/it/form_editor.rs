//! The form editor on SQLite and PostgreSQL: an admin builds a form with every kind of
//! field and the apply page asks for them; a bad definition is refused with its reasons
//! next to the fields and changes nothing; an operator edits their own agency's forms
//! and never sees another agency's; a save names the version it replaces; requests
//! already submitted keep their answers; cross-site posts are refused.

use crate::admin::sign_in;
use crate::agency_office::{office_app, submit_ktp};
use crate::helpers::{TestApp, client};
use crate::oidc::{get, location, post};
use crate::on_both_backends;

async fn page(app: &TestApp, path: &str, cookie: &str) -> (u16, String) {
    let response = get(app, path, Some(cookie)).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The value of the hidden `versi` field: the version the editor shows.
fn version(html: &str) -> String {
    let after = html.split("name=\"versi\" value=\"").nth(1).expect("the editor has a version");
    after.split('"').next().unwrap().to_string()
}

/// A post of the editor: `versi` and the rows' fields, `name-N`.
async fn save(app: &TestApp, path: &str, versi: &str, rows: &[(&str, &str)], cookie: &str) -> (u16, String, String) {
    let mut fields = vec![("versi", versi)];
    fields.extend_from_slice(rows);
    let response = post(app, path, &fields, Some(cookie)).await;
    let status = response.status().as_u16();
    let to = location(&response);
    (status, to, response.text().await.unwrap_or_default())
}

/// A row of every kind, in an order that saving rearranges (the order numbers decide).
const EVERY_KIND: &[(&str, &str)] = &[
    ("kunci-1", "lokasi_rumah"),
    ("label-1", "Titik lokasi rumah"),
    ("jenis-1", "location"),
    ("urutan-1", "80"),
    ("kunci-2", "nama_anak"),
    ("label-2", "Nama anak"),
    ("petunjuk-2", "Sesuai akta kelahiran"),
    ("jenis-2", "text"),
    ("panjang-2", "120"),
    ("wajib-2", "ya"),
    ("urutan-2", "10"),
    ("kunci-3", "riwayat"),
    ("label-3", "Riwayat singkat"),
    ("jenis-3", "long_text"),
    ("urutan-3", "20"),
    ("kunci-4", "berat_lahir"),
    ("label-4", "Berat lahir (kg)"),
    ("jenis-4", "number"),
    ("urutan-4", "30"),
    ("kunci-5", "tanggal_lahir"),
    ("label-5", "Tanggal lahir anak"),
    ("jenis-5", "date"),
    ("wajib-5", "ya"),
    ("urutan-5", "40"),
    ("kunci-6", "kecamatan"),
    ("label-6", "Kecamatan"),
    ("jenis-6", "choice"),
    ("pilihan-6", "Bogor Barat\r\nBogor Timur\r\n"),
    ("urutan-6", "50"),
    ("kunci-7", "layanan_tambahan"),
    ("label-7", "Layanan tambahan"),
    ("jenis-7", "choices"),
    ("pilihan-7", "Kirim ke rumah\r\nSalinan digital"),
    ("urutan-7", "60"),
    ("kunci-8", "akta"),
    ("label-8", "Kutipan akta kelahiran"),
    ("jenis-8", "file"),
    ("wajib-8", "ya"),
    ("urutan-8", "70"),
    // An empty row as the editor sends it: ignored.
    ("kunci-9", ""),
    ("label-9", ""),
    ("jenis-9", "text"),
    ("urutan-9", "9"),
];

on_both_backends!(admins_build_a_form_with_every_kind, |db| {
    let app = office_app(db).await;
    let admin = sign_in(&app, "admin@contoh.id").await;
    let siti = sign_in(&app, "siti@contoh.id").await;
    // The service page links to the editor; KIA has no form yet: the default one is shown.
    assert!(page(&app, "/admin/layanan/KIA", &admin).await.1.contains("href=\"/admin/layanan/KIA/formulir\""));
    let (status, editor) = page(&app, "/admin/layanan/KIA/formulir", &admin).await;
    assert_eq!(status, 200);
    assert!(editor.contains("belum punya formulir sendiri"), "says it is the default form");
    assert!(editor.contains("value=\"dokumen_1\"") && editor.contains("Kutipan akta kelahiran anak"));
    let versi = version(&editor);
    assert_eq!(versi, "bawaan");

    let (status, to, _) = save(&app, "/admin/layanan/KIA/formulir", &versi, EVERY_KIND, &admin).await;
    assert_eq!((status, to.as_str()), (303, "/admin/layanan/KIA/formulir?tersimpan=1"));
    let (_, saved) = page(&app, &to, &admin).await;
    assert!(saved.contains("Formulir tersimpan") && !saved.contains("belum punya formulir sendiri"));
    assert_ne!(version(&saved), "bawaan");

    // Stored in the order of the numbers, options one per line.
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    let keys = store.service_keys("KIA").await.unwrap().unwrap();
    let json = store.service_form(&keys.service_id).await.unwrap().unwrap();
    let form: domain::request::FormDefinition = serde_json::from_str(&json).unwrap();
    let order: Vec<_> = form.fields().iter().map(|f| f.key.as_str()).collect();
    assert_eq!(
        order,
        [
            "nama_anak",
            "riwayat",
            "berat_lahir",
            "tanggal_lahir",
            "kecamatan",
            "layanan_tambahan",
            "akta",
            "lokasi_rumah"
        ]
    );
    let nama = form.field("nama_anak").unwrap();
    assert_eq!(
        (nama.required, nama.max_length, nama.help.as_deref()),
        (true, Some(120), Some("Sesuai akta kelahiran"))
    );
    assert_eq!(form.field("kecamatan").unwrap().options, ["Bogor Barat", "Bogor Timur"]);
    // Audited, naming the admin.
    let email = domain::identity::Email::parse("admin@contoh.id").unwrap();
    let admin_id = store.user_by_email(&email).await.unwrap().unwrap().id;
    let (entries, _) = store.audit_log().await.unwrap();
    let entry = entries.iter().rev().find(|e| e.action == "service.form" && e.target == "KIA").expect("audited");
    assert_eq!(entry.actor, admin_id);
    assert!(entry.after.contains("layanan_tambahan"));
    store.close().await;

    // The apply page asks for each, drawn by its kind.
    let (status, apply) = page(&app, "/layanan/KIA/ajukan", &siti).await;
    assert_eq!(status, 200);
    for expected in [
        "<label for=\"nama_anak\">Nama anak",
        "Sesuai akta kelahiran",
        "<textarea id=\"riwayat\"",
        "id=\"berat_lahir\" name=\"berat_lahir\" value=\"\" type=\"text\" inputmode=\"decimal\"",
        "id=\"tanggal_lahir\" name=\"tanggal_lahir\" value=\"\" type=\"date\"",
        "<select id=\"kecamatan\"",
        "<option value=\"Bogor Timur\">",
        "type=\"checkbox\" id=\"layanan_tambahan-2\" name=\"layanan_tambahan\" value=\"Salinan digital\"",
        "type=\"file\" id=\"akta\"",
        "id=\"lokasi_rumah\" name=\"lokasi_rumah\" value=\"\" type=\"text\" placeholder=",
    ] {
        assert!(apply.contains(expected), "apply page lacks {expected}");
    }
    assert!(!apply.contains("dokumen_1"), "the default form is gone");
    assert!(apply.find("nama_anak").unwrap() < apply.find("lokasi_rumah").unwrap(), "in the saved order");

    // Fields are removed with their box; a second save needs the version just saved.
    let (_, editor) = page(&app, "/admin/layanan/KIA/formulir", &admin).await;
    let versi = version(&editor);
    let mut fewer: Vec<(&str, &str)> = EVERY_KIND.to_vec();
    fewer.push(("hapus-1", "ya"));
    let (status, _, _) = save(&app, "/admin/layanan/KIA/formulir", &versi, &fewer, &admin).await;
    assert_eq!(status, 303);
    let (_, apply) = page(&app, "/layanan/KIA/ajukan", &siti).await;
    assert!(!apply.contains("lokasi_rumah") && apply.contains("nama_anak"));
});

on_both_backends!(bad_definitions_are_refused_with_their_reasons, |db| {
    let app = office_app(db).await;
    let admin = sign_in(&app, "admin@contoh.id").await;
    let path = "/admin/layanan/KTP-EL/formulir";
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    let keys = store.service_keys("KTP-EL").await.unwrap().unwrap();
    let before = store.service_form(&keys.service_id).await.unwrap().unwrap();
    let audited = store.audit_log().await.unwrap().0.len();
    let (_, editor) = page(&app, path, &admin).await;
    let versi = version(&editor);
    let rows = [
        ("kunci-1", "nama_lengkap"),
        ("label-1", "Nama lengkap"),
        ("jenis-1", "text"),
        ("urutan-1", "1"),
        ("kunci-2", "nama_lengkap"),
        ("label-2", "Nama panggilan"),
        ("jenis-2", "text"),
        ("urutan-2", "2"),
        ("kunci-3", "kecamatan"),
        ("label-3", "Kecamatan"),
        ("jenis-3", "choice"),
        ("pilihan-3", ""),
        ("urutan-3", "tiga"),
    ];
    let (status, _, body) = save(&app, path, &versi, &rows, &admin).await;
    assert_eq!(status, 422);
    for reason in [
        "sudah dipakai isian lain",
        "isian pilihan harus memiliki minimal satu pilihan",
        "nomor urut harus bilangan bulat",
    ] {
        assert!(body.contains(reason), "the page says {reason}");
    }
    // Each reason next to its field, what was typed kept, and a summary linking to it.
    let row2 = body.split("id=\"isian-2\"").nth(1).unwrap().split("</fieldset>").next().unwrap();
    assert!(row2.contains("sudah dipakai") && row2.contains("value=\"Nama panggilan\""), "{row2}");
    let row3 = body.split("id=\"isian-3\"").nth(1).unwrap().split("</fieldset>").next().unwrap();
    assert!(row3.contains("minimal satu pilihan") && row3.contains("value=\"tiga\""));
    assert!(body.contains("href=\"#isian-3\""));
    // Nothing changed, nothing audited.
    assert_eq!(store.service_form(&keys.service_id).await.unwrap().unwrap(), before);
    assert_eq!(store.audit_log().await.unwrap().0.len(), audited);
    // A form with no field left is refused too.
    let (status, _, body) =
        save(&app, path, &versi, &[("kunci-1", "a"), ("label-1", "A"), ("jenis-1", "text"), ("hapus-1", "ya")], &admin)
            .await;
    assert_eq!(status, 422);
    assert!(body.contains("minimal satu isian"));
    // Unknown services are a 404.
    assert_eq!(page(&app, "/admin/layanan/TIDAK-ADA/formulir", &admin).await.0, 404);
    assert_eq!(save(&app, "/admin/layanan/TIDAK-ADA/formulir", &versi, &rows[..4], &admin).await.0, 404);
    store.close().await;
});

on_both_backends!(operators_edit_only_their_agency_forms, |db| {
    let app = office_app(db).await;
    let ani = sign_in(&app, "ani@contoh.id").await;
    let dina = sign_in(&app, "dina@contoh.id").await;
    let siti = sign_in(&app, "siti@contoh.id").await;
    // A request made with the current KTP-EL form.
    let ktp = submit_ktp(&app, &siti).await;

    // Ani's list (linked from her queue) has her agency's services only.
    assert!(page(&app, "/petugas", &ani).await.1.contains("href=\"/petugas/layanan\""));
    let (status, list) = page(&app, "/petugas/layanan", &ani).await;
    assert_eq!(status, 200);
    assert!(list.contains("href=\"/petugas/layanan/KTP-EL/formulir\"") && list.contains("Formulir sendiri"));
    assert!(list.contains("href=\"/petugas/layanan/KK/formulir\"") && list.contains("Formulir bawaan"));
    assert!(!list.contains("IMUNISASI-ANAK"));
    let (_, theirs) = page(&app, "/petugas/layanan", &dina).await;
    assert!(theirs.contains("IMUNISASI-ANAK") && !theirs.contains("KTP-EL"));

    // Another agency's operator neither sees nor changes the form.
    let path = "/petugas/layanan/KTP-EL/formulir";
    let (status, editor) = page(&app, path, &ani).await;
    assert_eq!(status, 200);
    let versi = version(&editor);
    assert_eq!(page(&app, path, &dina).await.0, 404);
    let only_name =
        [("kunci-1", "nama_lengkap"), ("label-1", "Nama sesuai KK"), ("jenis-1", "text"), ("wajib-1", "ya")];
    assert_eq!(save(&app, path, &versi, &only_name, &dina).await.0, 404);
    // Nor through the admin's address.
    assert_eq!(page(&app, "/admin/layanan/KTP-EL/formulir", &ani).await.0, 403);

    // A cross-site post is refused before it reaches the editor.
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("versi", versi.as_str())].iter().chain(only_name.iter()))
        .finish();
    let cross = client()
        .post(app.url(path))
        .header("cookie", &ani)
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status().as_u16(), 403);
    let (_, still) = page(&app, path, &ani).await;
    assert_eq!(version(&still), versi, "unchanged by refused posts");

    // Ani's save drops `kecamatan`; the request made before keeps its answer.
    let (status, to, _) = save(&app, path, &versi, &only_name, &ani).await;
    assert_eq!((status, to.as_str()), (303, "/petugas/layanan/KTP-EL/formulir?tersimpan=1"));
    let (_, apply) = page(&app, "/layanan/KTP-EL/ajukan", &siti).await;
    assert!(apply.contains("Nama sesuai KK") && !apply.contains("name=\"kecamatan\""));
    let (_, request) = page(&app, &format!("/petugas/permohonan/{ktp}"), &ani).await;
    assert!(request.contains("Nama sesuai KK") && request.contains("Siti Rahma"));
    assert!(request.contains("Bogor Utara"), "an answer to a removed field is kept");

    // A save from a page opened before Ani's is told the form changed, and keeps its input.
    let stale = [("kunci-1", "nama_lengkap"), ("label-1", "Nama pemohon"), ("jenis-1", "text")];
    let (status, _, body) = save(&app, path, &versi, &stale, &ani).await;
    assert_eq!(status, 409);
    assert!(body.contains("baru saja diubah orang lain") && body.contains("value=\"Nama pemohon\""));
    let (status, _, _) = save(&app, path, &version(&body), &stale, &ani).await;
    assert_eq!(status, 303, "saving again overwrites knowingly");
});
