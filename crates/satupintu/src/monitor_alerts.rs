//! Alerts to the city's IT office when an application goes down, stays down and comes
//! back: an e-mail to each configured address and a Telegram message to the configured
//! chat, written to the outbox with the check's result (the mailer and the chat worker
//! send them). The text is Indonesian, from the Fluent catalog (`monitor-alert-*`).

use serde_json::json;
use store::monitoring::{DueCheck, OutboxItem};

use crate::monitor::Alerts;

/// What happened to the application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Opened,
    /// A reminder while the incident stays open.
    StillDown {
        since: i64,
        duration_secs: i64,
    },
    Closed {
        duration_secs: i64,
    },
}

/// "2 jam 5 menit": a duration as the IT office reads it.
pub fn duration_text(secs: i64) -> String {
    let t = web::Lang::Id.tr();
    web::monitoring::duration_label(t, secs)
}

fn local(at: i64) -> String {
    let offset = i32::try_from(domain::monitoring::CITY_UTC_OFFSET_SECS).unwrap_or(0);
    match (chrono::FixedOffset::east_opt(offset), chrono::DateTime::from_timestamp(at, 0)) {
        (Some(wib), Some(t)) => t.with_timezone(&wib).format("%d-%m-%Y %H:%M WIB").to_string(),
        _ => at.to_string(),
    }
}

/// The outbox rows for one event (none when no recipient is configured).
pub fn messages(alerts: &Alerts, check: &DueCheck, event: &Event, cause: Option<&str>) -> Vec<OutboxItem> {
    if alerts.emails.is_empty() && alerts.telegram_chat_id.is_none() {
        return Vec::new();
    }
    let t = web::Lang::Id.tr();
    let status_url = format!("{}/status", alerts.public_url.trim_end_matches('/'));
    let base = [
        ("name", check.name.clone()),
        ("code", check.code.clone()),
        ("url", check.url.clone()),
        ("cause", cause.unwrap_or("-").to_owned()),
        ("status_url", status_url),
    ];
    let (subject_key, body_key, extra) = match event {
        Event::Opened => ("monitor-alert-down-subject", "monitor-alert-down-body", None),
        Event::StillDown { since, duration_secs } => (
            "monitor-alert-still-subject",
            "monitor-alert-still-body",
            Some(("since", format!("{} ({})", local(*since), duration_text(*duration_secs)))),
        ),
        Event::Closed { duration_secs } => {
            ("monitor-alert-up-subject", "monitor-alert-up-body", Some(("duration", duration_text(*duration_secs))))
        }
    };
    let mut args: Vec<(&str, String)> = base.to_vec();
    args.extend(extra);
    let subject = t.args(subject_key, &args);
    let body = t.args(body_key, &args);
    let mut items: Vec<OutboxItem> = alerts
        .emails
        .iter()
        .map(|to| OutboxItem {
            kind: "email".into(),
            payload: json!({"to": to, "subject": subject, "body": body}).to_string(),
        })
        .collect();
    if let Some(chat) = &alerts.telegram_chat_id {
        // A numeric chat id goes as a number, a channel's @name as text (as the Bot API wants).
        let chat_id = chat.parse::<i64>().map_or_else(|_| json!(chat), |id| json!(id));
        let text = format!("{subject}\n\n{body}");
        items.push(OutboxItem {
            kind: web::talas::channels::telegram::KIND.into(),
            payload: json!({"method": "sendMessage", "body": {"chat_id": chat_id, "text": text}}).to_string(),
        });
    }
    items
}
