//! Talas on Telegram and WhatsApp: the webhooks the platforms call, and the outbox rows
//! that carry Talas's replies back (a worker in the binary sends them).
//!
//! A webhook checks that the platform sent it (Telegram's secret token, WhatsApp's
//! signature over the raw body), drops an update it has seen before, hands the message to
//! [`super::converse`] and answers 200 at once: nothing is sent from inside the request,
//! the replies wait in the outbox written with the turn. Whatever a person sends (a
//! sticker, an empty or very long message, an update type we do not know) ends in a polite
//! reply or a quiet 200, never an error the platform would retry forever; a forged request
//! gets a 401 and no reply.

pub mod telegram;
pub mod whatsapp;

use std::fmt;

use axum::Router;
use axum::routing::post;
use sha2::{Digest, Sha256};

use crate::state::AppState;

/// Telegram's webhook settings (the channel is on when these are set).
#[derive(Clone)]
pub struct TelegramHook {
    /// The `secret_token` given to `setWebhook`, sent back in every update's header.
    pub secret_token: String,
}

impl fmt::Debug for TelegramHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TelegramHook(***)")
    }
}

/// WhatsApp's webhook settings (the channel is on when these are set).
#[derive(Clone)]
pub struct WhatsAppHook {
    /// The verify token typed into the Meta app's webhook settings.
    pub verify_token: String,
    /// The Meta app's secret, which signs every notification.
    pub app_secret: String,
    /// The business phone number Talas answers on; messages to another are left alone.
    pub phone_number_id: String,
}

impl fmt::Debug for WhatsAppHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WhatsAppHook").field("phone_number_id", &self.phone_number_id).finish_non_exhaustive()
    }
}

/// The webhook routes, served outside the portal's cross-site guard: the platforms'
/// servers call them.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/hooks/telegram", post(telegram::webhook))
        .route("/hooks/whatsapp", axum::routing::get(whatsapp::verify).post(whatsapp::webhook))
}

/// Whether two secrets are equal, in time that does not depend on where they differ (or
/// on their lengths: the digests are compared).
pub(crate) fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    let (a, b) = (Sha256::digest(given), Sha256::digest(expected));
    a.iter().zip(b.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Splits `text` into pieces of at most `limit` units, the last at most `last_limit`
/// (`units` counts a character: UTF-16 code units for Telegram, one for WhatsApp),
/// breaking at a line end or a space where one is near. Empty text is one empty piece.
pub(crate) fn split_text(text: &str, limit: usize, last_limit: usize, units: fn(char) -> usize) -> Vec<String> {
    let text = text.trim();
    let total: usize = text.chars().map(units).sum();
    if total <= last_limit.min(limit) {
        return vec![text.to_string()];
    }
    // When the last piece has a smaller limit, the tail is cut first, then the head.
    let (head, tail) = if last_limit < limit { cut_back(text, last_limit, units) } else { (text, "") };
    let mut pieces = Vec::new();
    let mut rest = head;
    while !rest.is_empty() {
        let (piece, after) = cut_front(rest, limit, units);
        pieces.push(piece.trim().to_string());
        rest = after.trim_start();
    }
    pieces.push(tail.trim().to_string());
    pieces.retain(|p| !p.is_empty());
    pieces
}

/// The longest front of `text` within `limit` units that ends at a break (a hard cut when
/// there is none in its second half), and the rest.
fn cut_front(text: &str, limit: usize, units: fn(char) -> usize) -> (&str, &str) {
    let mut used = 0;
    let mut end = text.len();
    for (i, c) in text.char_indices() {
        used += units(c);
        if used > limit {
            end = i;
            break;
        }
    }
    if end == text.len() {
        return (text, "");
    }
    let window = &text[..end];
    let cut = [window.rfind('\n'), window.rfind(' ')]
        .into_iter()
        .flatten()
        .find(|&at| at >= end / 2)
        .map_or(end, |at| at + 1);
    text.split_at(cut)
}

/// The longest back of `text` within `limit` units that starts after a break (a hard cut
/// when there is none in its first half), and what comes before it.
fn cut_back(text: &str, limit: usize, units: fn(char) -> usize) -> (&str, &str) {
    let mut used = 0;
    let mut start = 0;
    for (i, c) in text.char_indices().rev() {
        used += units(c);
        if used > limit {
            start = i + c.len_utf8();
            break;
        }
    }
    let window = &text[start..];
    let len = window.len();
    let cut = [window.find('\n'), window.find(' ')]
        .into_iter()
        .flatten()
        .filter(|&at| at <= len / 2)
        .min()
        .map_or(start, |at| start + at);
    text.split_at(cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(_: char) -> usize {
        1
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret(b"rahasia-123", b"rahasia-123"));
        assert!(!same_secret(b"rahasia-124", b"rahasia-123"));
        assert!(!same_secret(b"rahasia", b"rahasia-123"));
        assert!(!same_secret(b"", b"x"));
    }

    #[test]
    fn short_text_is_one_piece() {
        assert_eq!(split_text("  halo  ", 10, 10, one), vec!["halo"]);
        assert_eq!(split_text("", 10, 10, one), vec![""]);
    }

    #[test]
    fn long_text_breaks_at_spaces_and_fits() {
        let text = "satu dua tiga empat lima enam tujuh delapan sembilan sepuluh";
        let pieces = split_text(text, 20, 12, one);
        assert!(pieces.iter().all(|p| p.chars().count() <= 20), "{pieces:?}");
        assert!(pieces.last().is_some_and(|p| p.chars().count() <= 12), "{pieces:?}");
        assert_eq!(pieces.join(" "), text);
        assert!(pieces.iter().all(|p| !p.starts_with(' ') && !p.ends_with(' ')));
    }

    #[test]
    fn text_without_spaces_is_cut_hard() {
        let text = "x".repeat(45);
        let pieces = split_text(&text, 20, 20, one);
        assert_eq!(pieces.iter().map(|p| p.len()).collect::<Vec<_>>(), vec![20, 20, 5]);
        assert_eq!(pieces.concat(), text);
    }

    /// Replies like the ones Talas gives, and some it could give (many buttons, long texts
    /// and titles, a link to this machine), rendered for both channels and kept in
    /// `tests/channels/fixtures/outbound-*.json`, which `tests/channels/check.py` validates
    /// with aiogram and pywa. `UPDATE_FIXTURES=1` writes them anew.
    #[test]
    fn outbound_fixtures_are_current() {
        use crate::talas::{Button, Reply};
        let button = |title: &str, payload: &str| Button { title: title.into(), payload: payload.into() };
        let menu = vec![
            button("Cari layanan", "menu:cari"),
            button("Cek status", "menu:status"),
            button("Pengaduan", "menu:aduan"),
        ];
        let replies = vec![
            Reply::text("Halo, saya Talas, asisten layanan publik Kota Bogor.").with_buttons(menu),
            Reply::text("KTP Elektronik — Disdukcapil. Kartu identitas penduduk.").with_buttons(vec![
                button("Persyaratan", "info:syarat:KTP-EL"),
                button("Biaya", "info:biaya:KTP-EL"),
                button("Lama proses", "info:waktu:KTP-EL"),
            ]),
            Reply::text("…")
                .with_buttons(vec![
                    button("Lokasi & kontak", "info:lokasi:KTP-EL"),
                    button("Ajukan di sini", "apply:KTP-EL"),
                ])
                .with_link("Buka layanan", "https://satupintu.kotabogor.go.id/layanan/KTP-EL"),
            Reply::text("Pilih salah satu:").with_buttons(vec![
                button("Jalan rusak di lingkungan perumahan", "opt:1"),
                button("Lampu jalan", "opt:2"),
                button("Sampah", "opt:3"),
                button("Lainnya", "opt:4"),
            ]),
            Reply::text("Permohonan BGR-7KQ4-M2X: diproses 👍")
                .with_link("Cek status", "http://127.0.0.1:8080/lacak?kode=BGR-7KQ4-M2X"),
            Reply::text(format!("Persyaratan:\n{}", "• Fotokopi Kartu Keluarga yang sudah dilegalisir\n".repeat(120)))
                .with_buttons(vec![button("Batal", "batal")]),
        ];
        let render = |rows: Vec<(String, String)>| -> Vec<serde_json::Value> {
            rows.into_iter()
                .map(|(kind, payload)| {
                    let payload: serde_json::Value = serde_json::from_str(&payload).unwrap_or_default();
                    serde_json::json!({"kind": kind, "payload": payload})
                })
                .collect()
        };
        let mut tg = vec![
            serde_json::json!({"kind": "telegram", "payload": serde_json::from_str::<serde_json::Value>(&telegram::answer_callback("4382bfdwdsb323b2d9").1).unwrap_or_default()}),
        ];
        tg.extend(render(telegram::outbound("123456789", &replies)));
        let mut wa = render(whatsapp::outbound(Some("ID.1234567890123456789"), "6281234567890", &replies));
        wa.extend(render(whatsapp::outbound(Some("ID.9876543210987654321"), "ID.9876543210987654321", &replies[..1])));
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/channels/fixtures");
        for (name, rendered) in [("outbound-telegram.json", tg), ("outbound-whatsapp.json", wa)] {
            let path = dir.join(name);
            let text = serde_json::to_string_pretty(&rendered).unwrap_or_default() + "\n";
            if std::env::var("UPDATE_FIXTURES").as_deref() == Ok("1") {
                std::fs::write(&path, &text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            }
            let kept = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(kept == text, "{name} is out of date: run UPDATE_FIXTURES=1 cargo test -p web outbound_fixtures");
        }
    }

    #[test]
    fn units_count_utf16() {
        let text = "😀".repeat(10);
        let pieces = split_text(&text, 8, 8, char::len_utf16);
        assert!(pieces.iter().all(|p| p.encode_utf16().count() <= 8), "{pieces:?}");
        assert_eq!(pieces.concat(), text);
    }
}
