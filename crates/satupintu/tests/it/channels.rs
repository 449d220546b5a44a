//! Talas on Telegram and WhatsApp, end to end on SQLite and PostgreSQL: the platforms'
//! webhook fixtures (`tests/channels/fixtures`, also checked by aiogram and pywa) go to the
//! real app, and the replies reach a local fake Bot API / Graph API that records what it
//! is sent. Forged requests are refused with nothing stored; repeats are handled once; odd
//! input gets a polite reply or a quiet 200, never an error.
//!
//! With `SATUPINTU_TEST_CHANNELS_OUT=FILE`, every call the fakes receive is appended to
//! FILE (one JSON line each) for `tests/channels/check.py` to validate.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::Utc;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestDb, client};
use crate::on_both_backends;

const BOT_TOKEN: &str = "7000000001:AAH-uji-token-bot";
const SECRET: &str = "rahasia_webhook-uji-123";
const VERIFY: &str = "verifikasi-uji";
const ACCESS: &str = "EAAG-akses-uji";
const PHONE_ID: &str = "106540352242922";
const CHAT: &str = "123456789";
const BSUID: &str = "ID.1234567890123456789";

const TG_TEXT: &str = include_str!("../../../../tests/channels/fixtures/telegram-text.json");
const TG_START: &str = include_str!("../../../../tests/channels/fixtures/telegram-start.json");
const TG_CALLBACK: &str = include_str!("../../../../tests/channels/fixtures/telegram-callback.json");
const TG_GROUP: &str = include_str!("../../../../tests/channels/fixtures/telegram-group.json");
const TG_STICKER: &str = include_str!("../../../../tests/channels/fixtures/telegram-sticker.json");
const TG_LOCATION: &str = include_str!("../../../../tests/channels/fixtures/telegram-location.json");
const TG_UNKNOWN: &str = include_str!("../../../../tests/channels/fixtures/telegram-unknown.json");
const TG_EDITED: &str = include_str!("../../../../tests/channels/fixtures/telegram-edited.json");
const WA_TEXT: &str = include_str!("../../../../tests/channels/fixtures/whatsapp-text.json");
const WA_BUTTON: &str = include_str!("../../../../tests/channels/fixtures/whatsapp-button-reply.json");
const WA_STATUS: &str = include_str!("../../../../tests/channels/fixtures/whatsapp-status.json");
const WA_BSUID_ONLY: &str = include_str!("../../../../tests/channels/fixtures/whatsapp-bsuid-only.json");
const WA_STICKER: &str = include_str!("../../../../tests/channels/fixtures/whatsapp-sticker.json");
const WA_SIGNED: &str = include_str!("../../../../tests/channels/fixtures/whatsapp-signed.json");

/// One call a fake platform received.
#[derive(Debug, Clone)]
struct Call {
    /// `telegram` or `whatsapp`.
    channel: &'static str,
    /// The Bot API method, or `messages`.
    method: String,
    /// The token in the path (Telegram) or the bearer token (WhatsApp).
    token: String,
    body: Value,
}

#[derive(Default)]
struct Platform {
    calls: Vec<Call>,
    /// Answers to give before answering 200, in order (status, body).
    refusals: Vec<(u16, Value)>,
}

type Seen = Arc<Mutex<Platform>>;

fn record(seen: &Seen, call: Call) -> (StatusCode, axum::Json<Value>) {
    if let Ok(path) = std::env::var("SATUPINTU_TEST_CHANNELS_OUT") {
        let line = json!({"channel": call.channel, "method": call.method, "body": call.body}).to_string() + "\n";
        if let Ok(mut file) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
            let _ = file.write_all(line.as_bytes());
        }
    }
    let mut platform = seen.lock().unwrap();
    let channel = call.channel;
    platform.calls.push(call);
    if !platform.refusals.is_empty() {
        let (status, body) = platform.refusals.remove(0);
        return (StatusCode::from_u16(status).unwrap(), axum::Json(body));
    }
    let ok = match channel {
        "telegram" => json!({"ok": true, "result": true}),
        _ => json!({"messaging_product": "whatsapp", "contacts": [], "messages": [{"id": "wamid.uji"}]}),
    };
    (StatusCode::OK, axum::Json(ok))
}

/// A fake Bot API and Graph API on port 0; returns their base URLs.
async fn start_platform(seen: Seen) -> (String, String) {
    let app = axum::Router::new()
        .route(
            "/tg/{bot}/{method}",
            axum::routing::post(
                |State(seen): State<Seen>, Path((bot, method)): Path<(String, String)>, body: Bytes| async move {
                    let token = bot.strip_prefix("bot").unwrap_or_default().to_string();
                    let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
                    record(&seen, Call { channel: "telegram", method, token, body })
                },
            ),
        )
        .route(
            "/graph/v21.0/{phone}/messages",
            axum::routing::post(
                |State(seen): State<Seen>, Path(phone): Path<String>, headers: HeaderMap, body: Bytes| async move {
                    assert_eq!(phone, PHONE_ID);
                    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default();
                    let token = auth.strip_prefix("Bearer ").unwrap_or_default().to_string();
                    let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
                    record(&seen, Call { channel: "whatsapp", method: "messages".into(), token, body })
                },
            ),
        )
        .with_state(seen);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("{base}/tg"), format!("{base}/graph/v21.0"))
}

fn app_secret() -> String {
    let signed: Value = serde_json::from_str(WA_SIGNED).unwrap();
    signed["app_secret"].as_str().unwrap().to_string()
}

/// The demo city with both channels on, talking to a fake platform.
async fn channel_app(mut db: TestDb) -> (TestApp, Seen) {
    let seen = Seen::default();
    let (telegram, whatsapp) = start_platform(seen.clone()).await;
    let s = &mut db.settings;
    s.telegram_bot_token = Some(satupintu::config::Secret::new(BOT_TOKEN));
    s.telegram_secret_token = Some(satupintu::config::Secret::new(SECRET));
    s.telegram_api_base = telegram;
    s.whatsapp_verify_token = Some(satupintu::config::Secret::new(VERIFY));
    s.whatsapp_app_secret = Some(satupintu::config::Secret::new(app_secret()));
    s.whatsapp_access_token = Some(satupintu::config::Secret::new(ACCESS));
    s.whatsapp_phone_number_id = Some(PHONE_ID.into());
    s.whatsapp_api_base = whatsapp;
    s.delivery_retry_base_ms = 50;
    (TestApp::spawn(db, true).await, seen)
}

async fn telegram(app: &TestApp, body: &str, secret: Option<&str>) -> (u16, String) {
    let mut request = client().post(app.url("/hooks/telegram")).header("content-type", "application/json");
    if let Some(secret) = secret {
        request = request.header("x-telegram-bot-api-secret-token", secret);
    }
    let response = request.body(body.to_string()).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn whatsapp(app: &TestApp, body: &str, signature: Option<&str>) -> (u16, String) {
    let signed = web::talas::channels::whatsapp::sign(app_secret().as_bytes(), body.as_bytes());
    let mut request = client().post(app.url("/hooks/whatsapp")).header("content-type", "application/json");
    request = request.header("x-hub-signature-256", signature.unwrap_or(&signed));
    let response = request.body(body.to_string()).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// A Telegram text update from the fixture, with another id and text.
fn tg_text(update_id: i64, text: &str) -> String {
    let mut update: Value = serde_json::from_str(TG_TEXT).unwrap();
    update["update_id"] = json!(update_id);
    update["message"]["text"] = json!(text);
    update.to_string()
}

/// A WhatsApp text notification from the fixture, with another message id and text.
fn wa_text(id: &str, text: &str) -> String {
    let mut notification: Value = serde_json::from_str(WA_TEXT).unwrap();
    let message = &mut notification["entry"][0]["changes"][0]["value"]["messages"][0];
    message["id"] = json!(id);
    message["text"]["body"] = json!(text);
    notification.to_string()
}

/// Waits until the platform has received `n` calls; returns them.
async fn calls(seen: &Seen, n: usize) -> Vec<Call> {
    for _ in 0..200 {
        let calls = seen.lock().unwrap().calls.clone();
        if calls.len() >= n {
            return calls;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the platform received {:?}", seen.lock().unwrap().calls);
}

/// Waits until every reply is sent or set aside, then returns the calls.
async fn settled(app: &TestApp, seen: &Seen) -> Vec<Call> {
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    for _ in 0..200 {
        let pending = store.outbox_pending().await.unwrap();
        let dead = store.all_dead_letters().await.unwrap().len() as u64;
        if pending == dead {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    store.close().await;
    seen.lock().unwrap().calls.clone()
}

async fn messages(app: &TestApp, channel: &str, sender: &str) -> Vec<(String, String)> {
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    let messages = store.conversation_messages(channel, sender, None, 200).await.unwrap();
    store.close().await;
    messages.into_iter().map(|m| (m.author, m.body)).collect()
}

fn texts(calls: &[Call]) -> Vec<String> {
    calls
        .iter()
        .filter_map(|c| {
            c.body["text"]
                .as_str()
                .or_else(|| c.body["text"]["body"].as_str())
                .or_else(|| c.body["interactive"]["body"]["text"].as_str())
                .map(str::to_string)
        })
        .collect()
}

on_both_backends!(telegram_messages_get_replies_with_keyboards, |db| {
    let (app, seen) = channel_app(db).await;
    assert_eq!(telegram(&app, TG_START, Some(SECRET)).await, (200, String::new()));
    assert_eq!(telegram(&app, TG_TEXT, Some(SECRET)).await.0, 200);
    let sent = settled(&app, &seen).await;
    assert!(sent.len() >= 2, "{sent:?}");
    for call in &sent {
        assert_eq!((call.channel, call.method.as_str(), call.token.as_str()), ("telegram", "sendMessage", BOT_TOKEN));
        assert_eq!(call.body["chat_id"], json!(123_456_789));
        let text = call.body["text"].as_str().unwrap();
        assert!(!text.is_empty() && text.encode_utf16().count() <= 4096);
    }
    // The greeting answers /start, with the menu as an inline keyboard (one button a row).
    assert!(sent[0].body["text"].as_str().unwrap().contains("asisten layanan publik"), "{:?}", sent[0].body);
    let keyboard = sent[0].body["reply_markup"]["inline_keyboard"].as_array().unwrap();
    assert_eq!(keyboard.len(), 3);
    assert_eq!(keyboard[1][0], json!({"text": "Cek status", "callback_data": "menu:status"}));
    // Then the KTP requirements, with buttons whose data fits Telegram's 64 bytes.
    let answer = sent.iter().skip(1).find(|c| c.body["text"].as_str().unwrap().contains("KTP")).expect("an answer");
    for row in answer.body["reply_markup"]["inline_keyboard"].as_array().unwrap() {
        let data = row[0]["callback_data"].as_str().or(row[0]["url"].as_str()).unwrap();
        assert!(data.len() <= 64);
    }
    let stored = messages(&app, "telegram", CHAT).await;
    assert_eq!(stored.iter().filter(|(a, _)| a == "person").count(), 2);
    assert_eq!(stored[2], ("person".to_string(), "syarat bikin ktp".to_string()));

    // Telegram sends an update again when it missed our answer: handled once.
    let before = sent.len();
    assert_eq!(telegram(&app, TG_TEXT, Some(SECRET)).await.0, 200);
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(settled(&app, &seen).await.len(), before, "no second reply");
    assert_eq!(messages(&app, "telegram", CHAT).await.len(), stored.len(), "nothing stored twice");
});

on_both_backends!(telegram_button_presses_are_answered, |db| {
    let (app, seen) = channel_app(db).await;
    assert_eq!(telegram(&app, TG_CALLBACK, Some(SECRET)).await.0, 200);
    let sent = calls(&seen, 2).await;
    assert_eq!(sent[0].method, "answerCallbackQuery", "the spinner stops first");
    assert_eq!(sent[0].body, json!({"callback_query_id": "4382bfdwdsb323b2d9"}));
    assert_eq!(sent[1].method, "sendMessage");
    assert!(sent[1].body["text"].as_str().unwrap().contains("kode pelacakan"), "{:?}", sent[1].body);
    let stored = messages(&app, "telegram", CHAT).await;
    assert_eq!(stored[0], ("person".to_string(), "[menu:status]".to_string()), "read as a button press");
});

on_both_backends!(telegram_refuses_forged_updates, |db| {
    let (app, seen) = channel_app(db).await;
    assert_eq!(telegram(&app, TG_TEXT, None).await.0, 401);
    assert_eq!(telegram(&app, TG_TEXT, Some("rahasia_webhook-uji-124")).await.0, 401);
    assert_eq!(telegram(&app, TG_TEXT, Some("")).await.0, 401);
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    assert!(store.conversation("telegram", CHAT).await.unwrap().is_none(), "nothing stored");
    assert_eq!(store.outbox_pending().await.unwrap(), 0, "no reply to a forgery");
    // The update was not marked as seen: the real one is still handled.
    store.close().await;
    assert_eq!(telegram(&app, TG_TEXT, Some(SECRET)).await.0, 200);
    assert!(!calls(&seen, 1).await.is_empty());
});

on_both_backends!(telegram_odd_input_is_answered_politely_or_quietly, |db| {
    let (app, seen) = channel_app(db).await;
    // Quietly: a group, an update type Talas does not use, an edit, garbage.
    for body in [TG_GROUP, TG_UNKNOWN, TG_EDITED, "not json", "{}", r#"{"update_id": 5, "poll": {"id": "1"}}"#] {
        assert_eq!(telegram(&app, body, Some(SECRET)).await, (200, String::new()), "{body}");
    }
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    assert!(store.conversation("telegram", "-1001234567890").await.unwrap().is_none());
    assert!(store.conversation("telegram", CHAT).await.unwrap().is_none());
    store.close().await;
    assert!(settled(&app, &seen).await.is_empty());

    // Politely: a sticker, a location, only emoji, an empty text, 10,000 characters.
    assert_eq!(telegram(&app, TG_STICKER, Some(SECRET)).await.0, 200);
    let sent = calls(&seen, 1).await;
    assert!(sent[0].body["text"].as_str().unwrap().contains("pesan teks"), "{:?}", sent[0].body);
    assert_eq!(telegram(&app, TG_LOCATION, Some(SECRET)).await.0, 200);
    assert_eq!(telegram(&app, &tg_text(820_000_201, "👍🙏😊"), Some(SECRET)).await.0, 200);
    assert_eq!(telegram(&app, &tg_text(820_000_202, ""), Some(SECRET)).await.0, 200);
    let long = "tolong ".repeat(1500);
    assert_eq!(telegram(&app, &tg_text(820_000_203, &long[..10_000]), Some(SECRET)).await.0, 200);
    let sent = settled(&app, &seen).await;
    let person = messages(&app, "telegram", CHAT).await.into_iter().filter(|(a, _)| a == "person").count();
    assert_eq!(person, 5, "each message is a turn");
    assert!(texts(&sent).iter().any(|t| t.contains("terlalu panjang")), "{:?}", texts(&sent));
    assert!(sent.iter().all(|c| c.method == "sendMessage"));
});

on_both_backends!(telegram_retries_and_gives_up, |db| {
    let (app, seen) = channel_app(db).await;
    // Too many requests (with Telegram's retry_after), a server error, then success.
    seen.lock().unwrap().refusals = vec![
        (
            429,
            json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 1", "parameters": {"retry_after": 1}}),
        ),
        (502, json!({"ok": false, "error_code": 502, "description": "Bad Gateway"})),
    ];
    assert_eq!(telegram(&app, &tg_text(820_000_301, "halo"), Some(SECRET)).await.0, 200);
    let sent = calls(&seen, 3).await;
    assert_eq!(sent[0].body, sent[2].body, "the same message, delivered on the third try");
    // A refusal for good (the person blocked the bot) is a dead letter at once.
    seen.lock().unwrap().refusals =
        vec![(403, json!({"ok": false, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}))];
    assert_eq!(telegram(&app, &tg_text(820_000_302, "halo lagi"), Some(SECRET)).await.0, 200);
    settled(&app, &seen).await;
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    let dead = store.dead_letters("telegram").await.unwrap();
    assert_eq!(dead.len(), 1, "{dead:?}");
    let error = dead[0].last_error.clone().unwrap_or_default();
    assert!(error.contains("bot was blocked") && !error.contains(BOT_TOKEN), "{error}");
});

on_both_backends!(whatsapp_verification_handshake, |db| {
    let (app, _) = channel_app(db).await;
    let url = |mode: &str, token: &str| {
        app.url(&format!("/hooks/whatsapp?hub.mode={mode}&hub.verify_token={token}&hub.challenge=1158201444"))
    };
    let response = client().get(url("subscribe", VERIFY)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    assert_eq!(response.text().await.unwrap(), "1158201444");
    assert_eq!(client().get(url("subscribe", "salah")).send().await.unwrap().status().as_u16(), 403);
    assert_eq!(client().get(url("unsubscribe", VERIFY)).send().await.unwrap().status().as_u16(), 403);
    assert_eq!(client().get(app.url("/hooks/whatsapp")).send().await.unwrap().status().as_u16(), 403);
});

on_both_backends!(whatsapp_messages_get_interactive_replies, |db| {
    let (app, seen) = channel_app(db).await;
    assert_eq!(whatsapp(&app, WA_TEXT, None).await, (200, String::new()));
    let sent = settled(&app, &seen).await;
    assert!(!sent.is_empty());
    for call in &sent {
        assert_eq!((call.channel, call.token.as_str()), ("whatsapp", ACCESS));
        assert_eq!(call.body["messaging_product"], "whatsapp");
        assert_eq!(call.body["to"], "6281234567890", "to the phone number WhatsApp gave");
    }
    let interactive = sent.iter().find(|c| c.body["type"] == "interactive").expect("buttons");
    assert_eq!(interactive.body["interactive"]["type"], "button");
    assert!(interactive.body["interactive"]["body"]["text"].as_str().unwrap().contains("KTP"));
    let buttons = interactive.body["interactive"]["action"]["buttons"].as_array().unwrap();
    assert!((1..=3).contains(&buttons.len()));
    for b in buttons {
        assert_eq!(b["type"], "reply");
        assert!(b["reply"]["title"].as_str().unwrap().chars().count() <= 20);
        assert!(b["reply"]["id"].as_str().unwrap().len() <= 256);
    }
    // Keyed by the BSUID; the 24-hour window counts from now.
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    let conversation = store.conversation("whatsapp", BSUID).await.unwrap().expect("a conversation");
    assert_eq!(conversation.address.as_deref(), Some("6281234567890"));
    assert!(conversation.last_inbound_at.is_some());
    store.close().await;

    // Meta delivers again when unsure: once only. A receipt is acknowledged, not answered.
    let before = sent.len();
    assert_eq!(whatsapp(&app, WA_TEXT, None).await.0, 200);
    assert_eq!(whatsapp(&app, WA_STATUS, None).await, (200, String::new()));
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(settled(&app, &seen).await.len(), before);
    assert_eq!(messages(&app, "whatsapp", BSUID).await.iter().filter(|(a, _)| a == "person").count(), 1);

    // A reply button comes back as a button press.
    assert_eq!(whatsapp(&app, WA_BUTTON, None).await.0, 200);
    let sent = calls(&seen, before + 1).await;
    assert!(texts(&sent[before..]).iter().any(|t| t.contains("kode pelacakan")), "{:?}", texts(&sent));
    let stored = messages(&app, "whatsapp", BSUID).await;
    assert!(stored.contains(&("person".to_string(), "[menu:status]".to_string())));

    // A sticker is answered politely, in plain text with the menu.
    assert_eq!(whatsapp(&app, WA_STICKER, None).await.0, 200);
    let sent = settled(&app, &seen).await;
    assert!(texts(&sent).iter().any(|t| t.contains("pesan teks")));
    // Odd and long texts: polite, never an error.
    assert_eq!(whatsapp(&app, &wa_text("wamid.emoji", "🙏🙏"), None).await.0, 200);
    assert_eq!(whatsapp(&app, &wa_text("wamid.empty", ""), None).await.0, 200);
    assert_eq!(whatsapp(&app, &wa_text("wamid.long", &"a".repeat(10_000)), None).await.0, 200);
    let sent = settled(&app, &seen).await;
    assert!(texts(&sent).iter().any(|t| t.contains("terlalu panjang")));
    assert!(texts(&sent).iter().all(|t| t.chars().count() <= 4096));
});

on_both_backends!(whatsapp_refuses_bad_signatures, |db| {
    let (app, seen) = channel_app(db).await;
    let wrong = web::talas::channels::whatsapp::sign(b"bukan rahasianya", WA_TEXT.as_bytes());
    assert_eq!(whatsapp(&app, WA_TEXT, Some(&wrong)).await.0, 401);
    assert_eq!(whatsapp(&app, WA_TEXT, Some("")).await.0, 401);
    assert_eq!(whatsapp(&app, WA_TEXT, Some("sha256=00")).await.0, 401);
    // The body changed after signing (re-serialised JSON would be, too).
    let signed: Value = serde_json::from_str(WA_SIGNED).unwrap();
    let reformatted = serde_json::to_string(&serde_json::from_str::<Value>(WA_TEXT).unwrap()).unwrap();
    assert_eq!(whatsapp(&app, &reformatted, signed["signature"].as_str()).await.0, 401);
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    assert!(store.conversation("whatsapp", BSUID).await.unwrap().is_none(), "nothing stored");
    assert_eq!(store.outbox_pending().await.unwrap(), 0);
    store.close().await;
    // The fixture's own signature (checked by pywa too) is accepted.
    assert_eq!(whatsapp(&app, WA_TEXT, signed["signature"].as_str()).await.0, 200);
    assert!(!calls(&seen, 1).await.is_empty());
});

on_both_backends!(whatsapp_users_without_a_phone_number, |db| {
    let (app, seen) = channel_app(db).await;
    assert_eq!(whatsapp(&app, WA_BSUID_ONLY, None).await.0, 200);
    let sent = calls(&seen, 1).await;
    assert_eq!(sent[0].body["recipient"], "ID.9876543210987654321", "sent to the BSUID");
    assert!(sent[0].body.get("to").is_none());
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    assert!(store.conversation("whatsapp", "ID.9876543210987654321").await.unwrap().is_some());
    store.close().await;
});

on_both_backends!(whatsapp_keeps_to_the_24_hour_window, |db| {
    let (app, seen) = channel_app(db).await;
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    // Someone who last wrote 25 hours ago, and an officer's late answer queued for them.
    let quiet = "ID.5550000000000000001";
    let turn = store::assistant::Turn {
        channel: "whatsapp".into(),
        sender: quiet.into(),
        state: "{}".into(),
        lang: "id".into(),
        address: Some("6285500000001".into()),
        inbound_at: Some(Utc::now() - chrono::Duration::hours(25)),
        messages: vec![store::assistant::NewMessage::text("person", "halo")],
        outbound: Vec::new(),
        handover: store::assistant::Handover::Keep,
        link: None,
    };
    store.save_turn(turn).await.unwrap();
    let late = web::talas::Reply::text("Maaf baru membalas.");
    for (kind, payload) in web::talas::outbound_for("whatsapp", Some("6285500000001"), &[late], web::Lang::Id) {
        store.enqueue(&kind, &payload).await.unwrap();
    }
    // Someone writing now is answered as usual.
    assert_eq!(whatsapp(&app, WA_TEXT, None).await.0, 200);
    let sent = settled(&app, &seen).await;
    assert!(!sent.is_empty());
    assert!(sent.iter().all(|c| c.body["to"] == "6281234567890"), "nothing to the quiet one");
    let dead = store.dead_letters("whatsapp").await.unwrap();
    assert_eq!(dead.len(), 1);
    assert!(dead[0].last_error.as_deref().unwrap_or_default().contains("24-hour"), "{dead:?}");
    store.close().await;
});

on_both_backends!(channels_not_configured_are_not_found, |db| {
    let app = TestApp::spawn(db, false).await;
    assert_eq!(telegram(&app, TG_TEXT, Some(SECRET)).await.0, 404);
    assert_eq!(whatsapp(&app, WA_TEXT, None).await.0, 404);
    let challenge = app.url(&format!("/hooks/whatsapp?hub.mode=subscribe&hub.verify_token={VERIFY}&hub.challenge=1"));
    assert_eq!(client().get(challenge).send().await.unwrap().status().as_u16(), 404);
});

on_both_backends!(an_officers_reply_reaches_telegram, |db| {
    let seen = Seen::default();
    let (telegram_base, _) = start_platform(seen.clone()).await;
    let mut db = db;
    db.settings.telegram_bot_token = Some(satupintu::config::Secret::new(BOT_TOKEN));
    db.settings.telegram_secret_token = Some(satupintu::config::Secret::new(SECRET));
    db.settings.telegram_api_base = telegram_base;
    db.settings.delivery_retry_base_ms = 50;
    let app = crate::agency_office::office_app(db).await;
    assert_eq!(telegram(&app, &tg_text(7001, "mau bicara dengan petugas"), Some(SECRET)).await.0, 200);
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    let queue = store.handover_queue(None).await.unwrap();
    let handed = queue.iter().find(|c| c.channel == "telegram").expect("handed over to the help desk");
    let admin = crate::admin::sign_in(&app, "admin@contoh.id").await;
    let reply = crate::oidc::post(
        &app,
        &format!("/petugas/percakapan/{}/balas", handed.id),
        &[("pesan", "Selamat siang, ada yang bisa kami bantu?")],
        Some(&admin),
    )
    .await;
    assert_eq!(reply.status(), 303);
    let sent = settled(&app, &seen).await;
    let said = texts(&sent);
    assert!(said.iter().any(|t| t.contains("Selamat siang, ada yang bisa kami bantu?")), "{said:?}");
    assert!(sent.iter().all(|c| c.body["chat_id"] == json!(123_456_789)));
    store.close().await;
});
