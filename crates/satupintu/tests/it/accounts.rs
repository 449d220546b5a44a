//! Accounts: sign-up, sign-in, sessions, sign-out, CSRF, and the `user` command.

use std::io::Write;
use std::process::{Command, Stdio};

use chrono::{Duration, Utc};

use crate::helpers::{TestApp, client};
use crate::on_both_backends;

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("sp_sesi="))
        .map(|c| c.split(';').next().unwrap_or_default().to_string())
}

async fn post_form(app: &TestApp, path: &str, form: &[(&str, &str)], cookie: Option<&str>) -> reqwest::Response {
    let body: String = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
    let mut request =
        client().post(app.url(path)).header("content-type", "application/x-www-form-urlencoded").body(body);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap()
}

async fn get_page(app: &TestApp, path: &str, cookie: &str) -> (u16, String, Option<String>) {
    let response = client().get(app.url(path)).header("cookie", cookie).send().await.unwrap();
    let location = response.headers().get("location").and_then(|l| l.to_str().ok()).map(str::to_string);
    (response.status().as_u16(), response.text().await.unwrap(), location)
}

const SIGN_UP: &[(&str, &str)] = &[
    ("nama", "Siti Rahma"),
    ("email", "Siti@Contoh.ID"),
    ("telepon", "0812-3456-7890"),
    ("password", "rahasia-kota-bogor"),
    ("password2", "rahasia-kota-bogor"),
];

on_both_backends!(sign_up_sign_in_and_out, |db| {
    let app = TestApp::spawn(db, false).await;
    let response = post_form(&app, "/daftar", SIGN_UP, None).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(response.headers()["location"], "/akun");
    let set_cookie = response.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    let first = session_cookie(&response).unwrap();
    let (status, html, _) = get_page(&app, "/akun", &first).await;
    assert_eq!(status, 200);
    assert!(html.contains("Siti Rahma") && html.contains("siti@contoh.id") && html.contains("+6281234567890"));
    assert!(html.contains("Akun saya: Siti Rahma"), "header shows the signed-in person");

    // The same e-mail or phone cannot register twice.
    let again = post_form(&app, "/daftar", SIGN_UP, None).await;
    assert_eq!(again.status().as_u16(), 409);
    assert!(again.text().await.unwrap().contains("sudah terdaftar"));

    // Sign in by phone number: a new session replaces the one the browser came with.
    let login = post_form(
        &app,
        "/masuk",
        &[("login", "+62 812 3456 7890"), ("password", "rahasia-kota-bogor"), ("kembali", "/layanan")],
        Some(&first),
    )
    .await;
    assert_eq!(login.status().as_u16(), 303);
    assert_eq!(login.headers()["location"], "/layanan");
    let second = session_cookie(&login).unwrap();
    assert_ne!(first, second);
    let (status, _, location) = get_page(&app, "/akun", &first).await;
    assert_eq!((status, location.as_deref()), (303, Some("/masuk?kembali=%2Fakun")), "old session ended");
    assert_eq!(get_page(&app, "/akun", &second).await.0, 200);

    // Sign out ends the session and clears the cookie.
    let out = post_form(&app, "/keluar", &[], Some(&second)).await;
    assert_eq!(out.status().as_u16(), 303);
    assert!(out.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    assert_eq!(get_page(&app, "/akun", &second).await.0, 303);
});

on_both_backends!(failed_sign_ins_say_the_same_thing, |db| {
    let app = TestApp::spawn(db, false).await;
    post_form(&app, "/daftar", SIGN_UP, None).await;
    let wrong = post_form(&app, "/masuk", &[("login", "siti@contoh.id"), ("password", "salah-sekali")], None).await;
    let unknown = post_form(&app, "/masuk", &[("login", "tidak@ada.id"), ("password", "salah-sekali")], None).await;
    assert_eq!((wrong.status().as_u16(), unknown.status().as_u16()), (401, 401));
    assert!(session_cookie(&wrong).is_none());
    let (a, b) = (wrong.text().await.unwrap(), unknown.text().await.unwrap());
    assert!(
        a.contains("Surel/nomor ponsel atau kata sandi salah.")
            && b.contains("Surel/nomor ponsel atau kata sandi salah.")
    );
    let empty = post_form(&app, "/masuk", &[("login", ""), ("password", "")], None).await;
    assert_eq!(empty.status().as_u16(), 400);
    // Off-site return addresses are ignored.
    let login = post_form(
        &app,
        "/masuk",
        &[("login", "siti@contoh.id"), ("password", "rahasia-kota-bogor"), ("kembali", "//evil.example")],
        None,
    )
    .await;
    assert_eq!(login.headers()["location"], "/");
});

on_both_backends!(sign_up_lists_every_problem, |db| {
    let app = TestApp::spawn(db, false).await;
    let response = post_form(
        &app,
        "/daftar",
        &[("nama", ""), ("email", "bukan-surel"), ("telepon", "12"), ("password", "pendek"), ("password2", "x")],
        None,
    )
    .await;
    assert_eq!(response.status().as_u16(), 400);
    let html = response.text().await.unwrap();
    for message in
        ["Isi nama lengkap", "Alamat surel tidak valid.", "Nomor ponsel tidak valid.", "sedikitnya 8 karakter"]
    {
        assert!(html.contains(message), "{message} missing");
    }
    assert!(html.contains("value=\"bukan-surel\""), "typed values are kept");
    assert!(!html.contains("pendek"), "passwords are never echoed");
});

on_both_backends!(sign_out_everywhere_and_expiry, |db| {
    let settings = db.settings.clone();
    let app = TestApp::spawn(db, false).await;
    let a = session_cookie(&post_form(&app, "/daftar", SIGN_UP, None).await).unwrap();
    let b = session_cookie(
        &post_form(&app, "/masuk", &[("login", "siti@contoh.id"), ("password", "rahasia-kota-bogor")], None).await,
    )
    .unwrap();
    assert_eq!(get_page(&app, "/akun", &a).await.0, 200);
    post_form(&app, "/akun/keluar-semua", &[], Some(&b)).await;
    assert_eq!(get_page(&app, "/akun", &a).await.0, 303);
    assert_eq!(get_page(&app, "/akun", &b).await.0, 303);

    // Idle and absolute expiry are checked in the store.
    let store = satupintu::app::open_store(&settings).await.unwrap();
    let user = store.list_users().await.unwrap().remove(0);
    let now = Utc::now();
    store.create_session("hash-1", &user.id, now, Duration::hours(24)).await.unwrap();
    assert!(store.session_user("hash-1", now + Duration::minutes(90), Duration::hours(2)).await.unwrap().is_some());
    assert!(store.session_user("hash-1", now + Duration::hours(4), Duration::hours(2)).await.unwrap().is_none());
    store.create_session("hash-2", &user.id, now, Duration::hours(1)).await.unwrap();
    assert!(store.session_user("hash-2", now + Duration::minutes(61), Duration::hours(2)).await.unwrap().is_none());
    store.close().await;
});

#[tokio::test]
async fn cross_site_form_posts_are_refused() {
    let db = crate::helpers::TestDb::new(crate::helpers::Backend::Sqlite).await.unwrap();
    let app = TestApp::spawn(db, false).await;
    let response = client()
        .post(app.url("/masuk"))
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("login=a&password=b")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    let same_site = client()
        .post(app.url("/masuk"))
        .header("sec-fetch-site", "same-origin")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("login=a%40b.id&password=bbbbbbbb")
        .send()
        .await
        .unwrap();
    assert_eq!(same_site.status().as_u16(), 401);
}

#[tokio::test]
async fn first_admin_from_the_command_line() {
    let db = crate::helpers::TestDb::new(crate::helpers::Backend::Sqlite).await.unwrap();
    let store = satupintu::app::open_store(&db.settings).await.unwrap();
    satupintu::demo::load(&store).await.unwrap();
    store.close().await;
    let run = |args: &[&str], stdin: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_satupintu"))
            .args(args)
            .arg("--data-dir")
            .arg(&db.settings.data_dir)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, stdout, stderr) = run(
        &["user", "add", "--email", "Admin@KotaBogor.go.id", "--password-stdin", "--role", "admin"],
        "kata-sandi-admin\n",
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("created admin@kotabogor.go.id"), "{stdout}");
    let (ok, _, stderr) = run(&["user", "add", "--email", "a@b.id", "--password-stdin", "--role", "admin"], "pendek\n");
    assert!(!ok && stderr.contains("at least 8"), "{stderr}");
    let (ok, _, stderr) =
        run(&["user", "add", "--email", "op@b.id", "--password-stdin", "--role", "operator"], "kata-sandi-op\n");
    assert!(!ok && stderr.contains("needs at least one --agency"), "{stderr}");
    let (ok, stdout, stderr) = run(
        &["user", "add", "--email", "op@b.id", "--password-stdin", "--role", "operator", "--agency", "disdukcapil"],
        "kata-sandi-op\n",
    );
    assert!(ok, "{stderr}: {stdout}");
    let (ok, _, stderr) =
        run(&["user", "set-role", "--email", "op@b.id", "--role", "operator", "--agency", "NOPE"], "");
    assert!(!ok && stderr.contains("unknown agency NOPE"), "{stderr}");
    let (ok, stdout, _) = run(&["user", "set-role", "--email", "op@b.id", "--role", "asesor"], "");
    assert!(ok && stdout.contains("op@b.id is now asesor"), "{stdout}");
    let (ok, stdout, _) = run(&["user", "list"], "");
    assert!(ok);
    assert!(stdout.contains("admin     admin@kotabogor.go.id"), "{stdout}");
    assert!(stdout.contains("asesor    op@b.id"), "{stdout}");

    // The admin can sign in on the portal.
    let app = TestApp::spawn(db, false).await;
    let login =
        post_form(&app, "/masuk", &[("login", "admin@kotabogor.go.id"), ("password", "kata-sandi-admin")], None).await;
    assert_eq!(login.status().as_u16(), 303);
    let (_, html, _) = get_page(&app, "/akun", &session_cookie(&login).unwrap()).await;
    assert!(html.contains("Admin"));
}

#[tokio::test]
async fn repeated_failed_sign_ins_are_slowed_down() {
    let db = crate::helpers::TestDb::new(crate::helpers::Backend::Sqlite).await.unwrap();
    let app = TestApp::spawn(db, false).await;
    post_form(&app, "/daftar", SIGN_UP, None).await;
    // Failures count against the account however its identifier is written.
    for login in ["siti@contoh.id", "SITI@contoh.id", "0812-3456-7890", "+6281234567890", "62 812 3456 7890"] {
        let r = post_form(&app, "/masuk", &[("login", login), ("password", "salah-sekali")], None).await;
        assert_eq!(r.status().as_u16(), 401);
    }
    // The sixth try is refused before the password is even checked, with a clear message,
    // even when the password is right.
    let r = post_form(&app, "/masuk", &[("login", "siti@contoh.id"), ("password", "rahasia-kota-bogor")], None).await;
    assert_eq!(r.status().as_u16(), 429);
    let wait: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait > 0 && wait <= 15 * 60);
    assert!(r.text().await.unwrap().contains("Terlalu banyak percobaan masuk"));
    // Another account from the same address is still allowed (the address limit is wider).
    let other = post_form(&app, "/masuk", &[("login", "lain@contoh.id"), ("password", "salah-sekali")], None).await;
    assert_eq!(other.status().as_u16(), 401);
}

on_both_backends!(download_my_data_and_delete_my_account, |db| {
    let settings = db.settings.clone();
    let app = TestApp::spawn(db, false).await;
    let cookie = session_cookie(&post_form(&app, "/daftar", SIGN_UP, None).await).unwrap();
    let response = client().get(app.url("/akun/data")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
    let data: serde_json::Value = response.json().await.unwrap();
    assert_eq!(data["account"]["email"], "siti@contoh.id");
    assert_eq!(data["account"]["phone"], "+6281234567890");
    assert_eq!(data["sessions"].as_array().unwrap().len(), 1);
    assert_eq!(data["account_changes"][0]["action"], "user.create");
    assert!(!data.to_string().contains("argon2"), "the password hash is not part of the export");
    // Anonymous visitors are sent to sign in.
    let anonymous = client().get(app.url("/akun/data")).send().await.unwrap();
    assert_eq!(anonymous.status().as_u16(), 303);

    // Deleting needs the password.
    let wrong = post_form(&app, "/akun/hapus", &[("password", "salah-sekali")], Some(&cookie)).await;
    assert_eq!(wrong.status().as_u16(), 403);
    assert!(wrong.text().await.unwrap().contains("akun tidak dihapus"));
    let deleted = post_form(&app, "/akun/hapus", &[("password", "rahasia-kota-bogor")], Some(&cookie)).await;
    assert_eq!(deleted.status().as_u16(), 303);
    assert_eq!(get_page(&app, "/akun", &cookie).await.0, 303, "the session ended with the account");
    let again =
        post_form(&app, "/masuk", &[("login", "siti@contoh.id"), ("password", "rahasia-kota-bogor")], None).await;
    assert_eq!(again.status().as_u16(), 401);
    // The same address can register again; the audit log stays intact and records the deletion.
    assert_eq!(post_form(&app, "/daftar", SIGN_UP, None).await.status().as_u16(), 303);
    let store = satupintu::app::open_store(&settings).await.unwrap();
    let (entries, head) = store.audit_log().await.unwrap();
    assert!(entries.iter().any(|e| e.action == "user.delete"));
    assert!(domain::audit::verify_chain(&entries, (head.0, &head.1)).is_ok());
    store.close().await;
});

on_both_backends!(nik_is_encrypted_and_masked, |db| {
    let settings = db.settings.clone();
    let app = TestApp::spawn(db, false).await;
    let cookie = session_cookie(&post_form(&app, "/daftar", SIGN_UP, None).await).unwrap();
    let bad = post_form(&app, "/akun/nik", &[("nik", "3271013202800001")], Some(&cookie)).await;
    assert_eq!(bad.status().as_u16(), 400);
    assert!(bad.text().await.unwrap().contains("tanggal lahir dalam NIK tidak valid"));
    let saved = post_form(&app, "/akun/nik", &[("nik", "3271 0112 0287 0001")], Some(&cookie)).await;
    assert_eq!(saved.headers()["location"], "/akun?tersimpan=nik");
    let (_, html, _) = get_page(&app, "/akun?tersimpan=nik", &cookie).await;
    assert!(html.contains("3271********0001") && html.contains("NIK tersimpan."));
    assert!(!html.contains("3271011202870001"), "the full NIK is never shown on a page");
    // At rest it is ciphertext; the owner's export has it in full.
    let store = satupintu::app::open_store(&settings).await.unwrap();
    let user = store.list_users().await.unwrap().remove(0);
    let sealed = store.nik_sealed(&user.id).await.unwrap().unwrap();
    assert!(sealed.starts_with("v1:") && !sealed.contains("3271"));
    let (entries, _) = store.audit_log().await.unwrap();
    assert!(entries.iter().any(|e| e.action == "user.nik" && e.after.contains("3271********0001")));
    assert!(!entries.iter().any(|e| e.after.contains("3271011202870001")));
    store.close().await;
    let data: serde_json::Value =
        client().get(app.url("/akun/data")).header("cookie", &cookie).send().await.unwrap().json().await.unwrap();
    assert_eq!(data["account"]["nik"], "3271011202870001");
    post_form(&app, "/akun/nik", &[("nik", "")], Some(&cookie)).await;
    let (_, html, _) = get_page(&app, "/akun", &cookie).await;
    assert!(html.contains("Belum diisi"));
});

on_both_backends!(changing_the_password_ends_other_sessions, |db| {
    let app = TestApp::spawn(db, false).await;
    let here = session_cookie(&post_form(&app, "/daftar", SIGN_UP, None).await).unwrap();
    let elsewhere = session_cookie(
        &post_form(&app, "/masuk", &[("login", "siti@contoh.id"), ("password", "rahasia-kota-bogor")], None).await,
    )
    .unwrap();
    let wrong = post_form(
        &app,
        "/akun/sandi",
        &[("lama", "salah-sekali"), ("baru", "sandi-baru-kota"), ("baru2", "sandi-baru-kota")],
        Some(&here),
    )
    .await;
    assert_eq!(wrong.status().as_u16(), 400);
    assert!(wrong.text().await.unwrap().contains("Kata sandi sekarang salah."));
    let mismatch = post_form(
        &app,
        "/akun/sandi",
        &[("lama", "rahasia-kota-bogor"), ("baru", "sandi-baru-kota"), ("baru2", "lain")],
        Some(&here),
    )
    .await;
    assert_eq!(mismatch.status().as_u16(), 400);
    let ok = post_form(
        &app,
        "/akun/sandi",
        &[("lama", "rahasia-kota-bogor"), ("baru", "sandi-baru-kota"), ("baru2", "sandi-baru-kota")],
        Some(&here),
    )
    .await;
    assert_eq!(ok.headers()["location"], "/akun?tersimpan=sandi");
    assert_eq!(get_page(&app, "/akun", &here).await.0, 200, "this session stays");
    assert_eq!(get_page(&app, "/akun", &elsewhere).await.0, 303, "other sessions end");
    let old = post_form(&app, "/masuk", &[("login", "siti@contoh.id"), ("password", "rahasia-kota-bogor")], None).await;
    assert_eq!(old.status().as_u16(), 401);
    let new = post_form(&app, "/masuk", &[("login", "siti@contoh.id"), ("password", "sandi-baru-kota")], None).await;
    assert_eq!(new.status().as_u16(), 303);
});

#[tokio::test]
async fn behind_https_cookies_are_secure_and_hsts_is_sent() {
    let mut db = crate::helpers::TestDb::new(crate::helpers::Backend::Sqlite).await.unwrap();
    db.settings.secure_cookies = true;
    let app = TestApp::spawn(db, false).await;
    let home = client().get(app.url("/")).send().await.unwrap();
    assert_eq!(home.headers()["strict-transport-security"], "max-age=31536000; includeSubDomains");
    let signed_up = post_form(&app, "/daftar", SIGN_UP, None).await;
    assert!(signed_up.headers()["set-cookie"].to_str().unwrap().ends_with("; Secure"));
    // Without the setting (plain HTTP on a laptop) neither is sent.
    let plain =
        TestApp::spawn(crate::helpers::TestDb::new(crate::helpers::Backend::Sqlite).await.unwrap(), false).await;
    assert!(client().get(plain.url("/")).send().await.unwrap().headers().get("strict-transport-security").is_none());
}
