//! Talas beyond the dialogue, on SQLite and PostgreSQL: the portal's chat page (no
//! JavaScript needed) and the panel's JSON, the officers' handover queue per agency with
//! replies reaching the person and the hand-back, and linking a chat to an account with a
//! one-time code, after which (and only after which) a status answer is personal.

use chrono::{Duration, Utc};
use serde_json::{Value, json};
use store::assistant::{Handover, NewLinkCode, NewMessage, Post, PostRule, Turn};

use crate::admin::sign_in;
use crate::agency_office::{office_app, submit_ktp};
use crate::helpers::{TestApp, client};
use crate::oidc::{get, location, post};
use crate::on_both_backends;

/// The `talas=…` pair of a response's Set-Cookie, if it sets the chat cookie.
fn chat_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("talas="))
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
}

/// Posts a message on the chat page (a typed message or a button's payload).
async fn say(app: &TestApp, message: &str, cookie: Option<&str>) -> reqwest::Response {
    let response = post(app, "/talas", &[("message", message)], cookie).await;
    assert_eq!(response.status().as_u16(), 303, "{message}");
    assert_eq!(location(&response), "/talas#pesan");
    response
}

async fn page(app: &TestApp, path: &str, cookie: Option<&str>) -> (u16, String) {
    let response = get(app, path, cookie).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

/// A message on the REST channel; Talas's texts, joined.
async fn rest(app: &TestApp, sender: &str, message: &str) -> String {
    let response = client()
        .post(app.url("/api/v1/assistant/messages"))
        .json(&json!({"sender": sender, "message": message}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200, "{message}");
    let replies: Vec<Value> = response.json().await.unwrap();
    replies.iter().map(|r| r["text"].as_str().unwrap_or_default().to_string()).collect::<Vec<_>>().join("\n")
}

async fn rest_history(app: &TestApp, sender: &str) -> Vec<Value> {
    let url = app.url(&format!("/api/v1/assistant/messages?sender={sender}"));
    client().get(url).send().await.unwrap().json().await.unwrap()
}

/// The conversation ids linked from an office page, in order.
fn conversation_ids(html: &str) -> Vec<String> {
    html.split("href=\"/petugas/percakapan/").skip(1).filter_map(|s| s.split('"').next()).map(str::to_string).collect()
}

on_both_backends!(the_chat_page_works_without_javascript, |db| {
    let app = TestApp::spawn(db, true).await;
    // A first visit: Talas's greeting with the menu as buttons, and no cookie yet.
    let response = get(&app, "/talas", None).await;
    assert_eq!(response.status().as_u16(), 200);
    assert!(chat_cookie(&response).is_none(), "a key is made with the first message only");
    assert_eq!(response.headers()["cache-control"], "private, no-store");
    let html = response.text().await.unwrap();
    assert!(html.contains("asisten layanan publik Kota Bogor"), "greeting missing");
    assert!(html.contains("name=\"message\" value=\"menu:cari\""), "menu buttons missing");
    assert!(html.contains("<label for=\"pesan\">Pesan Anda</label>"));
    assert!(html.contains("role=\"log\""));
    assert!(!html.contains("class=\"talas-fab\""), "no chat button on the chat page itself");

    // The first message makes the key: an HttpOnly, SameSite=Lax cookie.
    let response = say(&app, "halo", None).await;
    let set = response.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"), "{set}");
    let cookie = chat_cookie(&response).unwrap();
    let (_, html) = page(&app, "/talas", Some(&cookie)).await;
    assert!(html.contains("<p>halo</p>"), "the person's message is shown");
    assert!(html.contains("Saya bisa membantu mencari layanan"), "the answer is shown");
    assert!(html.contains("value=\"menu:status\""), "the answer's buttons are offered after the redirect");

    // A button press, then a question: the spent buttons go, the new ones come.
    assert!(chat_cookie(&say(&app, "menu:cari", Some(&cookie)).await).is_none(), "the key is kept");
    let (_, html) = page(&app, "/talas", Some(&cookie)).await;
    assert!(html.contains("Layanan apa yang Anda maksud?"));
    assert!(html.contains("<p>Cari layanan</p>"), "a button press reads as its title");
    assert!(!html.contains("value=\"menu:status\""), "old buttons are spent");
    say(&app, "syarat akta kelahiran", Some(&cookie)).await;
    let (_, html) = page(&app, "/talas", Some(&cookie)).await;
    assert!(html.contains("Persyaratan"), "{html}");
    assert!(html.contains("value=\"info:biaya:AKTA-KELAHIRAN\""), "{html}");

    // The panel's JSON: the same conversation, and replies as the REST channel gives them.
    let response = client().get(app.url("/talas/pesan")).header("cookie", &cookie).send().await.unwrap();
    let state: Value = response.json().await.unwrap();
    assert_eq!(state["handover"], false);
    let messages = state["messages"].as_array().unwrap();
    assert_eq!(messages.first().unwrap()["text"], "halo");
    assert_eq!(messages.first().unwrap()["who"], "person");
    assert!(messages.last().unwrap()["buttons"].as_array().is_some_and(|b| !b.is_empty()));
    let response = client()
        .post(app.url("/talas/pesan"))
        .header("cookie", &cookie)
        .json(&json!({"message": "info:waktu:AKTA-KELAHIRAN"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let replies: Vec<Value> = response.json().await.unwrap();
    assert!(replies[0]["text"].as_str().unwrap().contains("Akta Kelahiran"), "{replies:?}");
    // A new visitor of the panel gets a key of their own; other sites are refused.
    let response = client().post(app.url("/talas/pesan")).json(&json!({"message": "halo"})).send().await.unwrap();
    assert!(chat_cookie(&response).is_some_and(|c| c != cookie));
    let response = client()
        .post(app.url("/talas/pesan"))
        .header("sec-fetch-site", "cross-site")
        .header("cookie", &cookie)
        .json(&json!({"message": "halo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    let response = client().post(app.url("/talas/pesan")).header("cookie", &cookie).body("halo").send().await.unwrap();
    assert_eq!(response.status().as_u16(), 415);

    // Handover: Talas says so, then stays silent and the page says who has the conversation.
    say(&app, "menu:petugas", Some(&cookie)).await;
    let (_, html) = page(&app, "/talas", Some(&cookie)).await;
    assert!(html.contains("saya hubungkan dengan petugas"), "{html}");
    assert!(html.contains("Pesan Anda sudah diteruskan ke petugas"));
    assert!(!html.contains("name=\"message\" value="), "no buttons while an officer has it");
    let response = client()
        .post(app.url("/talas/pesan"))
        .header("cookie", &cookie)
        .json(&json!({"message": "halo?"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.json::<Vec<Value>>().await.unwrap().len(), 0, "Talas is silent during a handover");
    let state: Value =
        client().get(app.url("/talas/pesan")).header("cookie", &cookie).send().await.unwrap().json().await.unwrap();
    assert_eq!(state["handover"], true);
    assert!(state["notice"].as_str().unwrap().contains("diteruskan"));

    // Every other page carries the chat button, a plain link without JavaScript.
    let (_, home) = page(&app, "/", None).await;
    assert!(home.contains("<a class=\"talas-fab\" href=\"/talas\""), "chat button missing");
    assert!(home.contains(">Tanya Talas</a>"));
});

on_both_backends!(a_signed_in_chat_is_theirs_alone, |db| {
    let app = office_app(db).await;
    let siti = sign_in(&app, "siti@contoh.id").await;
    let code = submit_ktp(&app, &siti).await;
    // Signed in, the web chat is linked: "cek status" lists her own requests.
    let response = say(&app, "cek status", Some(&siti)).await;
    let chat = chat_cookie(&response).unwrap();
    let both = format!("{siti}; {chat}");
    let (_, html) = page(&app, "/talas", Some(&both)).await;
    assert!(html.contains(&code), "her request is listed: {html}");
    // Signed out on the same browser, the chat is not shown, and a new message starts afresh.
    let (_, html) = page(&app, "/talas", Some(&chat)).await;
    assert!(!html.contains(&code) && !html.contains("<p>cek status</p>"), "another visitor sees nothing of hers");
    let response = say(&app, "cek status", Some(&chat)).await;
    let fresh = chat_cookie(&response).expect("a new key");
    assert_ne!(fresh, chat);
    let (_, html) = page(&app, "/talas", Some(&fresh)).await;
    assert!(html.contains("Tulis kode pelacakan") && !html.contains(&code), "{html}");
});

on_both_backends!(officers_answer_their_agencies_conversations, |db| {
    let app = office_app(db).await;
    let ani = sign_in(&app, "ani@contoh.id").await;
    let dina = sign_in(&app, "dina@contoh.id").await;
    let admin = sign_in(&app, "admin@contoh.id").await;
    // A REST chat about KTP asks for an officer: Disdukcapil's.
    let sender = "aplikasi-uji-0001";
    assert!(rest(&app, sender, "info:syarat:KTP-EL").await.contains("Persyaratan"));
    let said = rest(&app, sender, "saya mau bicara dengan petugas").await;
    assert!(said.contains("Dinas Kependudukan"), "{said}");
    rest(&app, sender, "halo, saya perlu bantuan soal KTP").await;
    // A web chat with no service in mind goes to the help desk.
    let web = chat_cookie(&say(&app, "menu:petugas", None).await).unwrap();

    // Each sees their own: the operator their agency's, another agency's operator nothing,
    // the admin everything, the help desk too.
    let (status, queue) = page(&app, "/petugas/percakapan", Some(&ani)).await;
    assert_eq!(status, 200);
    let ids = conversation_ids(&queue);
    assert_eq!(ids.len(), 1, "{queue}");
    let ktp = ids[0].clone();
    assert!(queue.contains("saya perlu bantuan soal KTP"), "the last message is listed");
    assert!(queue.contains("DISDUKCAPIL") && queue.contains("Aplikasi (API)"));
    let (_, theirs) = page(&app, "/petugas/percakapan", Some(&dina)).await;
    assert!(conversation_ids(&theirs).is_empty() && theirs.contains("Tidak ada percakapan"));
    assert_eq!(page(&app, &format!("/petugas/percakapan/{ktp}"), Some(&dina)).await.0, 404);
    let refused = post(&app, &format!("/petugas/percakapan/{ktp}/balas"), &[("pesan", "hai")], Some(&dina)).await;
    assert_eq!(refused.status().as_u16(), 404);
    let refused = post(&app, &format!("/petugas/percakapan/{ktp}/kembalikan"), &[], Some(&dina)).await;
    assert_eq!(refused.status().as_u16(), 404);
    assert_eq!(page(&app, "/petugas/percakapan/tidak-ada", Some(&ani)).await.0, 404);
    let (_, all) = page(&app, "/petugas/percakapan", Some(&admin)).await;
    let all_ids = conversation_ids(&all);
    assert_eq!(all_ids.len(), 2, "{all}");
    assert!(all.contains("Pusat bantuan"), "the help desk's conversation");
    let desk = all_ids.iter().find(|id| **id != ktp).unwrap().clone();
    assert_eq!(page(&app, &format!("/petugas/percakapan/{desk}"), Some(&ani)).await.0, 404);
    let (_, queue_page) = page(&app, "/petugas", Some(&ani)).await;
    assert!(queue_page.contains("href=\"/petugas/percakapan\""), "the office links to the conversations");

    // The transcript, and a reply: stored under the officer, read by the REST app.
    let (status, transcript) = page(&app, &format!("/petugas/percakapan/{ktp}"), Some(&ani)).await;
    assert_eq!(status, 200);
    assert!(transcript.contains("Warga") && transcript.contains("Persyaratan Perekaman"), "{transcript}");
    assert!(transcript.contains("bicara dengan petugas") && transcript.contains("[info:syarat:KTP-EL]"));
    let empty = post(&app, &format!("/petugas/percakapan/{ktp}/balas"), &[("pesan", "  ")], Some(&ani)).await;
    assert_eq!(empty.status().as_u16(), 400);
    let long = "a".repeat(2_001);
    let too_long = post(&app, &format!("/petugas/percakapan/{ktp}/balas"), &[("pesan", &long)], Some(&ani)).await;
    assert_eq!(too_long.status().as_u16(), 400);
    let sent = post(
        &app,
        &format!("/petugas/percakapan/{ktp}/balas"),
        &[("pesan", "Silakan datang ke loket 3 dengan KK asli.")],
        Some(&ani),
    )
    .await;
    assert_eq!(sent.status().as_u16(), 303);
    assert_eq!(location(&sent), format!("/petugas/percakapan/{ktp}?tersimpan=1"));
    let history = rest_history(&app, sender).await;
    let last = history.last().unwrap();
    assert_eq!(last["author"], "petugas");
    assert_eq!(last["text"], "Silakan datang ke loket 3 dengan KK asli.");
    let (_, transcript) = page(&app, &format!("/petugas/percakapan/{ktp}?tersimpan=1"), Some(&ani)).await;
    assert!(transcript.contains("Petugas Ani Petugas") && transcript.contains("Balasan terkirim"));
    // The person writes again: it waits for the officer, Talas stays silent.
    assert_eq!(rest(&app, sender, "baik, terima kasih").await, "");

    // The admin answers the help desk's web chat: the person sees it on their page.
    let sent =
        post(&app, &format!("/petugas/percakapan/{desk}/balas"), &[("pesan", "Ada yang bisa dibantu?")], Some(&admin))
            .await;
    assert_eq!(sent.status().as_u16(), 303);
    let (_, html) = page(&app, "/talas", Some(&web)).await;
    assert!(html.contains("class=\"msg petugas\"") && html.contains("Ada yang bisa dibantu?"), "{html}");
    let state: Value =
        client().get(app.url("/talas/pesan")).header("cookie", &web).send().await.unwrap().json().await.unwrap();
    let last = state["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["who"].as_str(), last["author"].as_str()), (Some("petugas"), Some("Petugas")));

    // Back to Talas: the handover ends, Talas says so with its menu and answers again.
    let back = post(&app, &format!("/petugas/percakapan/{ktp}/kembalikan"), &[], Some(&ani)).await;
    assert_eq!(back.status().as_u16(), 303);
    assert_eq!(location(&back), "/petugas/percakapan?selesai=1");
    let (_, queue) = page(&app, "/petugas/percakapan?selesai=1", Some(&ani)).await;
    assert!(conversation_ids(&queue).is_empty() && queue.contains("dikembalikan"));
    assert_eq!(page(&app, &format!("/petugas/percakapan/{ktp}"), Some(&ani)).await.0, 404);
    let history = rest_history(&app, sender).await;
    assert!(history.last().unwrap()["text"].as_str().unwrap().contains("Talas, kembali membantu"));
    assert!(!rest(&app, sender, "berapa biayanya?").await.is_empty(), "Talas answers again");
    // Too late: the conversation is back with Talas, so a reply or a hand-back is a 404.
    let late =
        post(&app, &format!("/petugas/percakapan/{ktp}/balas"), &[("pesan", "masih di sana?")], Some(&ani)).await;
    assert_eq!(late.status().as_u16(), 404);
    // The web person sees the hand-back with the menu once the admin hands back.
    post(&app, &format!("/petugas/percakapan/{desk}/kembalikan"), &[], Some(&admin)).await;
    let (_, html) = page(&app, "/talas", Some(&web)).await;
    assert!(html.contains("kembali membantu") && html.contains("value=\"menu:cari\""), "{html}");
    assert!(!html.contains("diteruskan ke petugas"));
});

on_both_backends!(a_chat_is_linked_with_a_one_time_code, |db| {
    let app = office_app(db).await;
    let siti = sign_in(&app, "siti@contoh.id").await;
    let ani = sign_in(&app, "ani@contoh.id").await;
    let code = submit_ktp(&app, &siti).await;
    let noted = post(
        &app,
        &format!("/petugas/permohonan/{code}/catatan"),
        &[("catatan", "Foto KK buram, mohon bawa aslinya"), ("visibilitas", "publik")],
        Some(&ani),
    )
    .await;
    assert_eq!(noted.status().as_u16(), 303);

    // Not linked: the public status of a code only, never notes or answers.
    let chat = "telepon-siti-0001";
    let public = rest(&app, chat, &format!("cek status {code}")).await;
    assert!(public.contains(&code) && public.contains("Diajukan"), "{public}");
    for private in ["Foto KK buram", "Catatan petugas", "Siti Rahma", "Bogor Utara", "1990"] {
        assert!(!public.contains(private), "{private} shown to an unlinked chat: {public}");
    }
    assert!(rest(&app, chat, "cek status").await.contains("Tulis kode pelacakan"), "asks for the code");

    // A code from the account page, shown once, never cached.
    let (status, account) = page(&app, "/akun", Some(&siti)).await;
    assert_eq!(status, 200);
    assert!(account.contains("Hubungkan chat") && account.contains("Belum ada chat yang terhubung"));
    let made = post(&app, "/akun/chat/kode", &[], Some(&siti)).await;
    assert_eq!(made.status().as_u16(), 200);
    assert_eq!(made.headers()["cache-control"], "no-store");
    let html = made.text().await.unwrap();
    let link = html.split("<strong class=\"link-code\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    assert!(link.len() == 6 && link.bytes().all(|b| b.is_ascii_digit()), "{link}");
    assert!(html.contains(&format!("hubungkan {link}")), "the instruction names the code");

    let linked = rest(&app, chat, &format!("hubungkan {link}")).await;
    assert!(linked.contains("terhubung dengan akun Siti Warga"), "{linked}");
    // Used once: a second chat cannot use it; an expired code is refused too.
    assert!(rest(&app, "telepon-lain-0002", &format!("hubungkan {link}")).await.contains("tidak berlaku"));
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    let (user, _) = store.user_for_sign_in("siti@contoh.id").await.unwrap().unwrap();
    let old = Utc::now() - Duration::minutes(1);
    store.add_chat_link_code(&web::api_keys::hash("246810"), &user.id, old).await.unwrap();
    assert!(rest(&app, "telepon-lain-0003", "hubungkan 246810").await.contains("tidak berlaku"));

    // Linked: her own requests without a code, and the officer's note with one.
    let mine = rest(&app, chat, "cek status").await;
    assert!(mine.contains("Permohonan terbaru Anda") && mine.contains(&code), "{mine}");
    let personal = rest(&app, chat, &format!("cek status {code}")).await;
    assert!(personal.contains("Catatan petugas: Foto KK buram"), "{personal}");

    // The account lists the chat; nobody else can unlink it; she can.
    let (_, account) = page(&app, "/akun", Some(&siti)).await;
    assert!(account.contains("Aplikasi (API)") && account.contains("Putuskan"));
    let id = account.split("name=\"id\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let other = post(&app, "/akun/chat/putuskan", &[("id", &id)], Some(&ani)).await;
    assert_eq!(location(&other), "/akun");
    assert!(rest(&app, chat, "cek status").await.contains(&code), "still linked");
    let unlinked = post(&app, "/akun/chat/putuskan", &[("id", &id)], Some(&siti)).await;
    assert_eq!(location(&unlinked), "/akun?tersimpan=chat");
    let (_, account) = page(&app, "/akun?tersimpan=chat", Some(&siti)).await;
    assert!(account.contains("Chat sudah diputuskan") && account.contains("Belum ada chat yang terhubung"));
    let history = rest_history(&app, chat).await;
    assert!(history.last().unwrap()["text"].as_str().unwrap().contains("tidak lagi terhubung"));
    assert!(rest(&app, chat, "cek status").await.contains("Tulis kode pelacakan"), "unlinked again");

    // At most five live codes per person (the expired one above no longer counts).
    for _ in 0..5 {
        assert_eq!(post(&app, "/akun/chat/kode", &[], Some(&siti)).await.status().as_u16(), 200);
    }
    let refused = post(&app, "/akun/chat/kode", &[], Some(&siti)).await;
    assert_eq!(refused.status().as_u16(), 429);
    assert!(refused.text().await.unwrap().contains("sudah punya 5 kode"));
    // Wrong codes from one chat: after five it must wait.
    for n in 0..5 {
        assert!(rest(&app, "penebak-0000001", &format!("hubungkan 00000{n}")).await.contains("tidak berlaku"));
    }
    assert!(rest(&app, "penebak-0000001", "hubungkan 000009").await.contains("Terlalu banyak percobaan"));
});

on_both_backends!(store_posts_outside_a_turn_only_as_the_rule_allows, |db| {
    let store = satupintu::app::open_store(&db.settings).await.unwrap();
    satupintu::demo::load(&store).await.unwrap();
    let turn = |sender: &str, handover: Handover| Turn {
        channel: "telegram".into(),
        sender: sender.into(),
        state: "{}".into(),
        lang: "id".into(),
        address: Some("12345".into()),
        inbound_at: Some(Utc::now()),
        messages: vec![NewMessage::text("person", "tolong"), NewMessage::text("talas", "Baik.")],
        outbound: Vec::new(),
        handover,
        link: None,
    };
    store.save_turn(turn("a", Handover::Start(Some("DISDUKCAPIL".into())))).await.unwrap();
    store.save_turn(turn("b", Handover::Start(None))).await.unwrap();
    let queue = store.handover_queue(None).await.unwrap();
    assert_eq!(queue.len(), 2);
    let a = queue.iter().find(|c| c.sender == "a").unwrap().clone();
    let b = queue.iter().find(|c| c.sender == "b").unwrap().clone();
    let disdukcapil = vec!["DISDUKCAPIL".to_string()];
    let dinkes = vec!["DINKES".to_string()];
    assert!(store.handed_over(&a.id, Some(disdukcapil.as_slice())).await.unwrap().is_some());
    assert!(store.handed_over(&a.id, Some(dinkes.as_slice())).await.unwrap().is_none());
    assert!(store.handed_over(&a.id, Some(&[][..])).await.unwrap().is_none());
    assert!(
        store.handed_over(&b.id, Some(disdukcapil.as_slice())).await.unwrap().is_none(),
        "the help desk is the admins'"
    );
    assert!(store.handed_over(&b.id, None).await.unwrap().is_some());
    let last = store.last_messages(&[a.id.clone(), b.id.clone()]).await.unwrap();
    assert_eq!(last[&a.id].body, "Baik.");

    // A reply with its outbox row, in one go; the hand-back; then a reply is refused.
    let post = |rule: PostRule, author: &str, body: &str| Post {
        conversation_id: a.id.clone(),
        rule,
        message: NewMessage::text(author, body),
        outbound: vec![("uji".into(), format!("{{\"text\":\"{body}\"}}"))],
        at: Utc::now(),
    };
    assert!(store.post_message(post(PostRule::WhileHandedOver, "petugas-1", "Halo")).await.unwrap());
    let messages = store.conversation_messages("telegram", "a", None, 10).await.unwrap();
    assert_eq!(
        (messages.last().unwrap().author.as_str(), messages.last().unwrap().body.as_str()),
        ("petugas-1", "Halo")
    );
    assert!(store.post_message(post(PostRule::HandBack, "talas", "Kembali")).await.unwrap());
    assert!(!store.post_message(post(PostRule::WhileHandedOver, "petugas-1", "Masih?")).await.unwrap());
    assert!(!store.post_message(post(PostRule::HandBack, "talas", "Lagi")).await.unwrap());
    let messages = store.conversation_messages("telegram", "a", None, 10).await.unwrap();
    assert_eq!(messages.last().unwrap().body, "Kembali", "refused posts leave nothing");
    assert_eq!(store.handover_queue(None).await.unwrap().len(), 1);
    let conversation = store.conversation("telegram", "a").await.unwrap().unwrap();
    assert!(!conversation.handover && conversation.handover_agency.is_none());
    assert!(!store.post_message(post(PostRule::Unlink { user_id: "nobody".into() }, "talas", "x")).await.unwrap());

    // Link codes: at most so many live per person; a clash is reported, not an error.
    let hash = |n: u32| format!("hash-{n}");
    let now = Utc::now();
    let later = now + Duration::minutes(10);
    let user = store
        .create_user(
            &store::NewUser {
                name: "Uji".into(),
                email: Some(domain::identity::Email::parse("uji@contoh.id").unwrap()),
                phone: None,
                password_hash: "x".into(),
                role: domain::identity::Role::Warga,
                agencies: Vec::new(),
            },
            None,
            now,
        )
        .await
        .unwrap();
    store.add_chat_link_code(&hash(0), &user.id, now - Duration::minutes(1)).await.unwrap();
    for n in 1..=3 {
        assert_eq!(store.new_chat_link_code(&hash(n), &user.id, now, later, 3).await.unwrap(), NewLinkCode::Added);
    }
    assert_eq!(store.new_chat_link_code(&hash(4), &user.id, now, later, 3).await.unwrap(), NewLinkCode::TooMany);
    assert_eq!(store.take_chat_link_code(&hash(1), now).await.unwrap(), Some(user.id.clone()));
    assert_eq!(store.take_chat_link_code(&hash(0), now).await.unwrap(), None, "the expired one is gone");
    assert_eq!(store.new_chat_link_code(&hash(2), &user.id, now, later, 3).await.unwrap(), NewLinkCode::Taken);
    assert_eq!(store.new_chat_link_code(&hash(5), &user.id, now, later, 3).await.unwrap(), NewLinkCode::Added);
});
