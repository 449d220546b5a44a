//! Talas through its REST channel, on SQLite and PostgreSQL: an answer for each intent, a
//! whole application in the chat (as a guest complaint and from a linked account), status
//! by code without personal data, handover, a conversation carried on by a second server
//! process, and bad input answered politely.

use chrono::Utc;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestDb, client};
use crate::on_both_backends;

/// The text of every bot message, joined, and all button payloads.
struct Said {
    text: String,
    payloads: Vec<String>,
    links: Vec<String>,
}

async fn say_on(base: &str, sender: &str, message: &str) -> Said {
    let response = client()
        .post(format!("{base}/api/v1/assistant/messages"))
        .json(&json!({"sender": sender, "message": message}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{message}");
    let body: Value = response.json().await.unwrap();
    let messages = body.as_array().unwrap();
    for m in messages {
        assert_eq!(m["recipient_id"], sender);
    }
    Said {
        text: messages.iter().map(|m| m["text"].as_str().unwrap()).collect::<Vec<_>>().join("\n"),
        payloads: messages
            .iter()
            .flat_map(|m| m["buttons"].as_array().cloned().unwrap_or_default())
            .map(|b| b["payload"].as_str().unwrap().to_string())
            .collect(),
        links: messages
            .iter()
            .flat_map(|m| m["links"].as_array().cloned().unwrap_or_default())
            .map(|l| l["url"].as_str().unwrap().to_string())
            .collect(),
    }
}

async fn say(app: &TestApp, sender: &str, message: &str) -> Said {
    say_on(&app.base, sender, message).await
}

const KTP_FORM: &str = r#"{"fields": [
  {"key": "nama_lengkap", "label": "Nama lengkap", "required": true, "kind": "text"},
  {"key": "tanggal_lahir", "label": "Tanggal lahir", "required": true, "kind": "date"},
  {"key": "kecamatan", "label": "Kecamatan", "required": true, "kind": "choice", "options": ["Bogor Utara", "Bogor Selatan", "Tanah Sareal", "Bogor Barat"]},
  {"key": "keterangan", "label": "Keterangan", "kind": "long_text"}
]}"#;

async fn app(db: TestDb) -> TestApp {
    let store = satupintu::app::open_store(&db.settings).await.unwrap();
    satupintu::demo::load(&store).await.unwrap();
    let form: domain::request::FormDefinition = serde_json::from_str(KTP_FORM).unwrap();
    store.set_service_form("KTP-EL", &serde_json::to_string(&form).unwrap(), "test", Utc::now()).await.unwrap();
    store.close().await;
    TestApp::spawn(db, false).await
}

on_both_backends!(every_intent_gets_its_answer, |db| {
    let app = app(db).await;
    let s = say(&app, "uji-salam-1", "halo kak, selamat pagi").await;
    assert!(s.text.contains("Talas") && s.text.contains("Kota Bogor"), "{}", s.text);
    assert_eq!(s.payloads, ["menu:cari", "menu:status", "menu:aduan"]);
    let s = say(&app, "uji-salam-1", "hatur nuhun").await;
    assert!(s.text.starts_with("Sama-sama"), "{}", s.text);
    let s = say(&app, "uji-salam-1", "bisa bantu apa aja?").await;
    assert!(s.text.contains("cek status"), "{}", s.text);
    let s = say(&app, "uji-salam-1", "siapa juara piala dunia 2022").await;
    assert!(s.text.contains("hanya bisa membantu"), "{}", s.text);

    // A service's facts come from the catalog, and the conversation remembers the service.
    let s = say(&app, "uji-info-1", "syarat bikin akta kelahiran apa aja").await;
    assert!(
        s.text.contains("Persyaratan Penerbitan Akta Kelahiran") && s.text.contains("Surat keterangan kelahiran"),
        "{}",
        s.text
    );
    assert!(s.payloads.contains(&"info:biaya:AKTA-KELAHIRAN".to_string()), "{:?}", s.payloads);
    let s = say(&app, "uji-info-1", "berapa biayanya").await;
    assert!(s.text.contains("Akta Kelahiran gratis"), "{}", s.text);
    let s = say(&app, "uji-info-1", "kalau lama prosesnya berapa hari").await;
    assert!(s.text.contains("1 hari kerja"), "{}", s.text);
    let s = say(&app, "uji-info-1", "kantornya dimana").await;
    assert!(s.text.contains("Dinas Kependudukan") && s.text.contains("Alamat:"), "{}", s.text);
    assert!(s.links.iter().any(|l| l.ends_with("/layanan/AKTA-KELAHIRAN")), "{:?}", s.links);
    // A button does what it says.
    let s = say(&app, "uji-info-1", "info:waktu:SKTM").await;
    assert!(s.text.contains("Surat Keterangan Tidak Mampu"), "{}", s.text);
    // Finding a service shows its card.
    let s = say(&app, "uji-info-2", "ada layanan sktm ga").await;
    assert!(
        s.text.contains("Surat Keterangan Tidak Mampu") && s.payloads.contains(&"apply:SKTM".to_string()),
        "{}",
        s.text
    );

    // English in, English out.
    let s = say(&app, "uji-english", "how much does a birth certificate cost").await;
    assert!(s.text.contains("free of charge") || s.text.contains("Which service"), "{}", s.text);

    // Applying for a service with documents is sent to the portal; an account is needed otherwise.
    let s = say(&app, "uji-apply-1", "mau ajukan sktm sekarang").await;
    assert!(
        s.text.contains("lewat portal") && s.links.iter().any(|l| l.ends_with("/layanan/SKTM/ajukan")),
        "{}",
        s.text
    );
    let s = say(&app, "uji-apply-1", "apply:KTP-EL").await;
    assert!(s.text.contains("hubungkan dulu chat ini"), "{}", s.text);

    // Not understood, again, and a third time: to an officer.
    let s = say(&app, "uji-miss-1", "qwrtp zzkx").await;
    assert!(s.text.contains("belum paham"), "{}", s.text);
    let s = say(&app, "uji-miss-1", "mmmh vbnm").await;
    assert!(s.payloads.contains(&"menu:petugas".to_string()), "{:?}", s.payloads);
    let s = say(&app, "uji-miss-1", "xcvb plkj").await;
    assert!(s.text.contains("petugas"), "{}", s.text);
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    assert!(store.conversation("rest", "uji-miss-1").await.unwrap().unwrap().handover);

    // Asking for a person: to the agency of the service being talked about.
    say(&app, "uji-human-1", "syarat akta kelahiran").await;
    let s = say(&app, "uji-human-1", "mau ngomong sama petugas aja").await;
    assert!(s.text.contains("Dinas Kependudukan"), "{}", s.text);
    let c = store.conversation("rest", "uji-human-1").await.unwrap().unwrap();
    assert_eq!((c.handover, c.handover_agency.as_deref()), (true, Some("DISDUKCAPIL")));
    let queue = store.handover_queue(Some(&["DISDUKCAPIL".to_string()])).await.unwrap();
    assert!(queue.iter().any(|q| q.sender == "uji-human-1"));
    // While an officer has it, Talas stays quiet and the message waits for them.
    let s = say(&app, "uji-human-1", "halo pak, masih di sana?").await;
    assert_eq!(s.text, "");
    let history = store.conversation_messages("rest", "uji-human-1", None, 50).await.unwrap();
    assert_eq!(
        history.last().map(|m| (m.author.as_str(), m.body.as_str())),
        Some(("person", "halo pak, masih di sana?"))
    );
    store.close().await;
});

on_both_backends!(a_complaint_is_filed_in_the_chat_and_tracked, |db| {
    let app = app(db).await;
    let me = "uji-aduan-guest";
    let s = say(&app, me, "lampu jalan mati di jl pajajaran sudah 3 hari").await;
    // Either straight to one channel or a choice of them; choose SP4N-LAPOR.
    if !s.text.contains("Siapa nama Anda") {
        assert!(s.payloads.contains(&"svc:SP4N-LAPOR".to_string()), "{}: {:?}", s.text, s.payloads);
        let s = say(&app, me, "svc:SP4N-LAPOR").await;
        assert!(s.text.contains("Siapa nama Anda"), "{}", s.text);
    }
    let s = say(&app, me, "Budi Santoso").await;

    assert!(s.text.contains("surel atau nomor telepon"), "{}", s.text);
    let s = say(&app, me, "bukan kontak").await;
    assert!(s.text.contains("valid"), "{}", s.text);
    let s = say(&app, me, "0812 3456 7890").await;
    assert!(s.text.contains("Jenis aduan"), "{}", s.text);
    let s = say(&app, me, "9").await;
    assert!(s.text.contains("Coba lagi"), "{}", s.text);
    let s = say(&app, me, "3").await;
    // The description came from the first message; next is the point (optional).
    assert!(s.text.contains("Titik lokasi") && s.payloads.contains(&"lewati".to_string()), "{}", s.text);
    let s = say(&app, me, "kembali").await;
    assert!(s.text.contains("Jenis aduan"), "{}", s.text);
    say(&app, me, "opt:3").await;
    let s = say(&app, me, "-6.5950,106.7930").await;
    assert!(s.text.contains("Alamat atau patokan"), "{}", s.text);
    let s = say(&app, me, "lewati").await;
    assert!(
        s.text.contains("Ringkasan") && s.text.contains("Penerangan jalan umum") && s.text.contains("lampu jalan mati"),
        "{}",
        s.text
    );
    assert_eq!(s.payloads, ["kirim", "kembali", "batal"]);
    let s = say(&app, me, "kirim").await;
    let code = s.text.split_whitespace().find(|w| w.starts_with("BGR-")).unwrap().trim_end_matches('.').to_string();
    assert!(s.links.iter().any(|l| l.ends_with(&format!("/lacak?kode={code}"))));

    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    let record = store.request_by_code(&code).await.unwrap().unwrap();
    assert_eq!((record.channel.as_str(), record.service_code.as_str()), ("talas", "SP4N-LAPOR"));
    assert_eq!(record.guest_name.as_deref(), Some("Budi Santoso"));
    let answers: Value = serde_json::from_str(&record.answers).unwrap();
    assert_eq!(answers["kategori"]["value"], "Penerangan jalan umum");
    assert_eq!(answers["lokasi"]["value"], "-6.595000,106.793000");

    // The public status from any chat: never the person's data or notes.
    let change = store::requests::StatusChange {
        request_id: &record.id,
        from: "diajukan",
        to: "diterima",
        actor: "petugas-uji",
        note: Some("Diteruskan ke Dinas PUPR untuk Pak Budi"),
        internal: false,
        closes: false,
    };
    store.change_request_status_and_notify(&change, None, Utc::now()).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let s = say(&app, "uji-orang-lain", &format!("cek status {code}")).await;
    assert!(s.text.contains(&code) && s.text.contains("Diterima"), "{}", s.text);
    assert!(!s.text.contains("Budi") && !s.text.contains("Catatan"), "{}", s.text);
    // A mistyped code is named, an unknown one said so.
    let last = code.chars().last().unwrap();
    let mistyped = format!("{}{}", &code[..code.len() - 1], if last == 'A' { 'B' } else { 'A' });
    let s = say(&app, "uji-orang-lain", &format!("status {mistyped}")).await;
    assert!(s.text.contains("salah ketik"), "{}", s.text);
    let s = say(&app, "uji-orang-lain", "cek status permohonan saya").await;
    assert!(s.text.contains("kode pelacakan"), "{}", s.text);
    store.close().await;
});

on_both_backends!(a_linked_chat_applies_as_its_person_and_sees_its_own, |db| {
    let app = app(db).await;
    crate::requests_api::sign_up(&app, "warga-talas@contoh.id").await;
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    let email = domain::identity::Email::parse("warga-talas@contoh.id").unwrap();
    let user = store.user_by_email(&email).await.unwrap().unwrap();
    store
        .add_chat_link_code(&web::api_keys::hash("482913"), &user.id, Utc::now() + chrono::Duration::minutes(10))
        .await
        .unwrap();
    let me = "uji-linked-1";
    let s = say(&app, me, "hubungkan 111111").await;
    assert!(s.text.contains("tidak berlaku"), "{}", s.text);
    let s = say(&app, me, "hubungkan 482913").await;
    assert!(s.text.contains("sudah terhubung") && s.text.contains("Warga Uji"), "{}", s.text);
    let s = say(&app, "uji-linked-2", "hubungkan 482913").await;
    assert!(s.text.contains("tidak berlaku"), "a code works once: {}", s.text);

    let s = say(&app, me, "cek status").await;
    assert!(s.text.contains("Belum ada permohonan"), "{}", s.text);
    let s = say(&app, me, "mau daftar ktp el").await;
    let s = if s.text.contains("Layanan mana") { say(&app, me, "svc:KTP-EL").await } else { s };
    let s = if s.text.contains("Nama lengkap") { s } else { say(&app, me, "apply:KTP-EL").await };
    assert!(s.text.contains("Nama lengkap"), "linked: no name or contact asked: {}", s.text);
    say(&app, me, "Siti Aminah").await;
    let s = say(&app, me, "31-02-2000").await;
    assert!(s.text.contains("Coba lagi"), "{}", s.text);
    let s = say(&app, me, "17 agustus 2000").await;
    assert!(s.text.contains("Kecamatan"), "{}", s.text);
    let s = say(&app, me, "tanah sareal").await;
    assert!(s.text.contains("Keterangan"), "{}", s.text);
    let s = say(&app, me, "lewati").await;
    assert!(s.text.contains("Tanggal lahir: 2000-08-17") && s.text.contains("Kecamatan: Tanah Sareal"), "{}", s.text);
    let s = say(&app, me, "ya").await;
    let code = s.text.split_whitespace().find(|w| w.starts_with("BGR-")).unwrap().trim_end_matches('.').to_string();
    let record = store.request_by_code(&code).await.unwrap().unwrap();
    assert_eq!(record.user_id.as_deref(), Some(user.id.as_str()));
    assert_eq!(record.channel, "talas");
    let s = say(&app, me, "status permohonan saya gimana").await;
    assert!(s.text.contains(&code) && s.text.contains("Diajukan"), "{}", s.text);
    store.close().await;
});

on_both_backends!(a_second_server_carries_on_the_conversation, |db| {
    let app = app(db).await;
    let second = TestApp::spawn(TestDb::sharing(app.settings.clone()), false).await;
    let me = "uji-dua-server";
    let s = say(&app, me, "lampu jalan mati depan sekolah").await;
    if !s.text.contains("Siapa nama Anda") {
        say(&app, me, "svc:SP4N-LAPOR").await;
    }
    // The next message reaches the other process, which knows where the form stands.
    let s = say_on(&second.base, me, "Budi").await;
    assert!(s.text.contains("surel atau nomor telepon"), "{}", s.text);
    let s = say(&app, me, "batal").await;
    assert!(s.text.contains("dibatalkan"), "{}", s.text);
});

on_both_backends!(bad_input_gets_a_polite_answer, |db| {
    let app = app(db).await;
    for message in ["", "   ", "🙏🙏🙏", "svc:TIDAK-ADA", "apply:../../etc", "info:x", "opt:99", "kirim"] {
        let s = say(&app, "uji-aneh-1", message).await;
        assert!(!s.text.is_empty(), "{message:?}");
    }
    let long = "ktp ".repeat(2_500);
    let s = say(&app, "uji-aneh-2", &long).await;
    assert!(s.text.contains("terlalu panjang"), "{}", s.text);
    // Bad bodies: problem documents, nothing stored.
    let post = |body: String, kind: &'static str| {
        client().post(app.url("/api/v1/assistant/messages")).header("content-type", kind).body(body).send()
    };
    let r = post(json!({"sender": "x", "message": "halo"}).to_string(), "application/json").await.unwrap();
    assert_eq!(r.status(), 422);
    let r = post("{\"sender\": 5}".into(), "application/json").await.unwrap();
    assert_eq!(r.status(), 400);
    let r = post("halo".into(), "text/plain").await.unwrap();
    assert_eq!(r.status(), 415);
    let r = client().get(app.url("/api/v1/assistant/messages?sender=x")).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    assert!(store.conversation("rest", "x").await.unwrap().is_none());
    store.close().await;
});
