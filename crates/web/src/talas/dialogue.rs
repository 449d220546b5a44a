//! The dialogue: what Talas answers to a message, given where the conversation is.

use assistant::{CodeMention, Intent, Understanding};
use store::StoreError;
use store::assistant::Handover;

use super::answers::{self, button, menu};
use super::{Ctx, DialogueState, Inbound, MAX_MESSAGE_CHARS, Reply, Stage, fill};
use crate::auth::limit::Limit;
use crate::requests::COMPLAINT_CATEGORY;

/// Misses in a row after which the conversation goes to an officer.
const MISSES_BEFORE_HANDOVER: u8 = 3;
/// Wrong link codes one chat may send before it waits: a code is only six digits.
const LINK_TRIES: Limit = Limit { max: 5, window: std::time::Duration::from_secs(15 * 60) };
/// Link commands one client address may send (web and REST, where a new sender key is free).
const LINK_TRIES_PER_ADDRESS: Limit = Limit { max: 20, window: std::time::Duration::from_secs(15 * 60) };

pub async fn respond(ctx: &mut Ctx<'_>, st: &mut DialogueState, inbound: Inbound) -> Result<Vec<Reply>, StoreError> {
    let t = ctx.t();
    let text = match inbound {
        Inbound::Button(payload) => return button_pressed(ctx, st, &payload).await,
        Inbound::Location { lat, long } if matches!(st.stage, Stage::Filling { .. }) => format!("{lat:.6},{long:.6}"),
        Inbound::Location { .. } | Inbound::Unsupported => {
            return Ok(vec![Reply::text(t.get("talas-unsupported")).with_buttons(menu(ctx))]);
        }
        Inbound::Text(text) => text,
    };
    let mut replies = Vec::new();
    let text: String = if text.chars().count() > MAX_MESSAGE_CHARS {
        replies.push(Reply::text(t.with("talas-too-long", "max", MAX_MESSAGE_CHARS)));
        text.chars().take(MAX_MESSAGE_CHARS).collect()
    } else {
        text
    };
    let word = text.trim().to_lowercase();
    if matches!(word.as_str(), "batal" | "cancel" | "/batal" | "/cancel") && st.stage != Stage::Idle {
        st.stage = Stage::Idle;
        replies.push(Reply::text(t.get("talas-cancelled")).with_buttons(menu(ctx)));
        return Ok(replies);
    }
    if let Some(code) = link_command(&word) {
        replies.extend(link(ctx, &code).await?);
        return Ok(replies);
    }
    // Telegram's first message: a greeting, whatever the model makes of "/start".
    if matches!(word.as_str(), "/start" | "/mulai") {
        st.stage = Stage::Idle;
        let city = ctx.state.settings.city_name.clone();
        let text = t.args("talas-greeting", &[("name", ctx.name().to_string()), ("city", city)]);
        replies.push(Reply::text(text).with_buttons(menu(ctx)));
        return Ok(replies);
    }
    let answered = match &st.stage {
        Stage::Filling { .. } => Some(fill::answer(ctx, st, &text).await?),
        Stage::Confirming { .. } => match word.as_str() {
            "kirim" | "ya" | "y" | "ok" | "oke" | "yes" | "send" => Some(fill::submit(ctx, st).await?),
            "kembali" | "back" => {
                back_to_form(st);
                Some(fill::answer(ctx, st, "kembali").await?)
            }
            "tidak" | "no" => {
                st.stage = Stage::Idle;
                Some(vec![Reply::text(t.get("talas-cancelled")).with_buttons(menu(ctx))])
            }
            _ => None,
        },
        Stage::Choosing { intent, codes } => match chosen(codes, &word) {
            Some(code) => {
                let intent = Intent::parse(intent).unwrap_or(Intent::FindService);
                st.stage = Stage::Idle;
                Some(perform(ctx, st, intent, &code, None).await?)
            }
            // Not a choice: understood afresh (the choice stays open for a follow-up).
            None => None,
        },
        Stage::Idle => None,
    };
    if let Some(answer) = answered {
        replies.extend(answer);
        return Ok(replies);
    }
    let understood = assistant::understand(&text, ctx.now.date_naive());
    replies.extend(understood_message(ctx, st, &text, understood).await?);
    Ok(replies)
}

/// On channels where a sender key costs nothing (web, REST): the minutes a client
/// address must wait before its next link command is tried, if it sent too many; a
/// link command that may go ahead is counted.
pub(crate) fn address_link_wait(state: &crate::state::AppState, address: &str, message: &str) -> Option<u64> {
    link_command(&message.trim().to_lowercase())?;
    let key = format!("hubungkan-alamat:{address}");
    let now = std::time::Instant::now();
    if let Some(wait) = state.limiter.blocked_for(&key, LINK_TRIES_PER_ADDRESS, now) {
        return Some(wait.as_secs().div_ceil(60).max(1));
    }
    state.limiter.record(&key, now);
    None
}

/// "hubungkan 123456" / "link 123456" / "/start 123456": the six digits, if so.
fn link_command(word: &str) -> Option<String> {
    let mut parts = word.split_whitespace();
    let verb = parts.next()?;
    let code = parts.next()?;
    (matches!(verb, "hubungkan" | "link" | "/start" | "/link")
        && parts.next().is_none()
        && code.len() == 6
        && code.bytes().all(|b| b.is_ascii_digit()))
    .then(|| code.to_string())
}

async fn link(ctx: &mut Ctx<'_>, code: &str) -> Result<Vec<Reply>, StoreError> {
    let t = ctx.t();
    let key = format!("hubungkan:{}:{}", ctx.channel, ctx.sender);
    let now = std::time::Instant::now();
    if let Some(wait) = ctx.state.limiter.blocked_for(&key, LINK_TRIES, now) {
        return Ok(vec![Reply::text(t.with("talas-link-too-many", "minutes", wait.as_secs().div_ceil(60).max(1)))]);
    }
    let hash = crate::api_keys::hash(code);
    match ctx.state.store.take_chat_link_code(&hash, ctx.now).await? {
        Some(user_id) => {
            ctx.state.limiter.reset(&key);
            let name = ctx.state.store.user(&user_id).await?.map(|u| u.name).unwrap_or_default();
            ctx.user_id = Some(user_id.clone());
            ctx.link = Some(user_id);
            Ok(vec![Reply::text(t.with("talas-link-ok", "name", name)).with_buttons(menu(ctx))])
        }
        None => {
            ctx.state.limiter.record(&key, now);
            Ok(vec![Reply::text(t.get("talas-link-bad"))])
        }
    }
}

fn back_to_form(st: &mut DialogueState) {
    if let Stage::Confirming { service, answers, guest } = std::mem::take(&mut st.stage) {
        st.stage = Stage::Filling { service, step: usize::MAX, answers, guest, prefilled: Vec::new() };
    }
}

/// A choice among offered services: by number, or by (part of) a name or code.
fn chosen(codes: &[String], word: &str) -> Option<String> {
    if let Ok(n) = word.parse::<usize>() {
        return codes.get(n.checked_sub(1)?).cloned();
    }
    codes.iter().find(|c| c.eq_ignore_ascii_case(word)).cloned()
}

async fn button_pressed(ctx: &mut Ctx<'_>, st: &mut DialogueState, payload: &str) -> Result<Vec<Reply>, StoreError> {
    let t = ctx.t();
    let mut parts = payload.splitn(3, ':');
    match (parts.next().unwrap_or_default(), parts.next(), parts.next()) {
        ("menu", Some("cari"), _) => {
            st.expect = Some(Intent::FindService.as_str().into());
            Ok(vec![Reply::text(t.get("talas-ask-service"))])
        }
        ("menu", Some("status"), _) => status(ctx, st, None).await,
        ("menu", Some("aduan"), _) => complaint(ctx, st, "").await,
        ("menu", Some("petugas"), _) => Ok(handover(ctx, st).await),
        ("svc", Some(code), _) => {
            let intent = match std::mem::take(&mut st.stage) {
                Stage::Choosing { intent, .. } => Intent::parse(&intent).unwrap_or(Intent::FindService),
                _ => Intent::FindService,
            };
            perform(ctx, st, intent, code, None).await
        }
        ("info", Some(what), Some(code)) => {
            let intent = match what {
                "syarat" => Intent::Requirements,
                "biaya" => Intent::Cost,
                "waktu" => Intent::Duration,
                _ => Intent::Contact,
            };
            perform(ctx, st, intent, code, None).await
        }
        ("apply", Some(code), _) => fill::start(ctx, st, code, None).await,
        ("opt", Some(n), _) if matches!(st.stage, Stage::Filling { .. }) => fill::answer(ctx, st, n).await,
        ("kirim", None, _) if matches!(st.stage, Stage::Confirming { .. }) => fill::submit(ctx, st).await,
        ("kembali", None, _) if matches!(st.stage, Stage::Confirming { .. }) => {
            back_to_form(st);
            fill::answer(ctx, st, "kembali").await
        }
        ("kembali" | "lewati", None, _) if matches!(st.stage, Stage::Filling { .. }) => {
            fill::answer(ctx, st, payload).await
        }
        ("batal", None, _) => {
            st.stage = Stage::Idle;
            Ok(vec![Reply::text(t.get("talas-cancelled")).with_buttons(menu(ctx))])
        }
        // A button from an old message (or a forged one): shown the menu, nothing done.
        _ => Ok(vec![Reply::text(t.get("talas-help")).with_buttons(menu(ctx))]),
    }
}

async fn understood_message(
    ctx: &mut Ctx<'_>,
    st: &mut DialogueState,
    text: &str,
    u: Understanding,
) -> Result<Vec<Reply>, StoreError> {
    let t = ctx.t();
    let pending = match std::mem::take(&mut st.stage) {
        Stage::Choosing { codes, .. } => codes,
        _ => Vec::new(),
    };
    let expected = st.expect.take().and_then(|e| Intent::parse(&e));
    // A bare answer to Talas's question ("ktp" after "which service?") keeps its intent.
    let intent = match expected {
        Some(e) if !u.is_confident() || u.intent == Intent::FindService || u.intent == Intent::OutOfScope => Some(e),
        _ if u.is_confident() => Some(u.intent),
        _ => None,
    };
    let Some(intent) = intent else {
        st.misses = st.misses.saturating_add(1);
        if st.misses >= MISSES_BEFORE_HANDOVER {
            return Ok(handover(ctx, st).await);
        }
        let key = if st.misses >= 2 { "talas-not-understood-again" } else { "talas-not-understood" };
        let mut buttons = menu(ctx);
        if st.misses >= 2 {
            buttons.truncate(2);
            buttons.push(button(ctx, "talas-btn-human", "menu:petugas"));
        }
        return Ok(vec![Reply::text(t.get(key)).with_buttons(buttons)]);
    };
    st.misses = 0;
    let city = ctx.state.settings.city_name.clone();
    match intent {
        Intent::Greeting => Ok(vec![
            Reply::text(t.args("talas-greeting", &[("name", ctx.name().to_string()), ("city", city)]))
                .with_buttons(menu(ctx)),
        ]),
        Intent::Thanks => Ok(vec![Reply::text(t.get("talas-thanks"))]),
        Intent::Help => Ok(vec![Reply::text(t.get("talas-help")).with_buttons(menu(ctx))]),
        Intent::OutOfScope => Ok(vec![Reply::text(t.with("talas-out-of-scope", "city", city)).with_buttons(menu(ctx))]),
        Intent::CheckStatus => status(ctx, st, u.entities.code).await,
        Intent::Complaint => complaint(ctx, st, text).await,
        Intent::Human => Ok(handover(ctx, st).await),
        Intent::FindService
        | Intent::Requirements
        | Intent::Cost
        | Intent::Duration
        | Intent::Contact
        | Intent::Apply => about_service(ctx, st, intent, text, pending).await,
    }
}

/// A question about a service: find it (or use the one being talked about), then answer.
async fn about_service(
    ctx: &mut Ctx<'_>,
    st: &mut DialogueState,
    intent: Intent,
    text: &str,
    pending: Vec<String>,
) -> Result<Vec<Reply>, StoreError> {
    let t = ctx.t();
    let mut candidates =
        ctx.state.search.index().map(|index| assistant::services::find(&index, text, 3)).unwrap_or_default();
    // "berapa biayanya?" while a choice is open: the same choice, for the new question.
    if candidates.is_empty() && !pending.is_empty() {
        for code in pending {
            if let Some(detail) = answers::service(ctx, &code).await? {
                candidates.push(assistant::services::Candidate { code, name: detail.service.name.clone(), score: 1.0 });
            }
        }
    }
    // A word that is a service's own code ("sktm") names it outright.
    let words = assistant::text::words(text);
    if let Some(exact) = candidates.iter().find(|c| words.iter().any(|w| w.eq_ignore_ascii_case(&c.code))) {
        let code = exact.code.clone();
        return perform(ctx, st, intent, &code, Some(text)).await;
    }
    let code = match candidates.as_slice() {
        [] => match (&st.service, intent) {
            (Some(code), i) if i != Intent::FindService => code.clone(),
            _ => {
                st.expect = Some(intent.as_str().into());
                let reply = if intent == Intent::FindService {
                    Reply::text(t.get("talas-no-service"))
                        .with_link(t.get("talas-btn-portal"), answers::search_link(ctx, text))
                } else {
                    Reply::text(t.get("talas-ask-service"))
                };
                return Ok(vec![reply]);
            }
        },
        [one] => one.code.clone(),
        [first, second, ..] if first.score >= second.score * 1.3 => first.code.clone(),
        several => {
            st.stage = Stage::Choosing {
                intent: intent.as_str().into(),
                codes: several.iter().map(|c| c.code.clone()).collect(),
            };
            let buttons = several
                .iter()
                .map(|c| super::Button {
                    title: super::channels::whatsapp::title(&c.name),
                    payload: format!("svc:{}", c.code),
                })
                .collect();
            let mut text = t.get("talas-which-service");
            for (i, c) in several.iter().enumerate() {
                text.push_str(&format!("\n{}. {}", i + 1, c.name));
            }
            return Ok(vec![Reply::text(text).with_buttons(buttons)]);
        }
    };
    perform(ctx, st, intent, &code, Some(text)).await
}

async fn perform(
    ctx: &mut Ctx<'_>,
    st: &mut DialogueState,
    intent: Intent,
    code: &str,
    _text: Option<&str>,
) -> Result<Vec<Reply>, StoreError> {
    let t = ctx.t();
    let Some(detail) = answers::service(ctx, code).await? else {
        return Ok(vec![Reply::text(t.get("talas-no-service"))]);
    };
    st.service = Some(code.to_string());
    let notice = answers::down_notice(ctx, &detail).await?;
    let replies = match intent {
        Intent::Requirements => answers::info(ctx, &detail, "syarat"),
        Intent::Cost => answers::info(ctx, &detail, "biaya"),
        Intent::Duration => answers::info(ctx, &detail, "waktu"),
        Intent::Contact => answers::contact(ctx, &detail).await?,
        Intent::Apply => return fill::start(ctx, st, code, None).await,
        Intent::Complaint => {
            let draft = st.draft.take();
            return fill::start(ctx, st, code, draft.as_deref()).await;
        }
        _ => answers::card(ctx, &detail),
    };
    Ok(notice.into_iter().chain(replies).collect())
}

/// A status question: by the code in the message, else the person's own latest requests
/// (a linked chat), else a request for the code.
async fn status(
    ctx: &mut Ctx<'_>,
    st: &mut DialogueState,
    code: Option<CodeMention>,
) -> Result<Vec<Reply>, StoreError> {
    let t = ctx.t();
    match code {
        Some(CodeMention::Valid(code)) => {
            let Some(found) = ctx.state.lookups.get(ctx.state, code.as_str()).await? else {
                return Ok(vec![Reply::text(t.with("talas-status-unknown", "code", code.as_str()))]);
            };
            let (record, events) = &*found;
            let mut text = t.args(
                "talas-status",
                &[
                    ("code", record.tracking_code.clone()),
                    ("service", record.service_name.clone()),
                    ("status", t.get(&format!("request-status-{}", record.status))),
                    ("updated", record.updated_at.format("%d-%m-%Y").to_string()),
                ],
            );
            if let Some(deadline) = &record.deadline {
                text.push(' ');
                text.push_str(&t.with("talas-status-deadline", "date", deadline));
            }
            // Notes are personal: only for the person whose request it is, in a linked chat.
            let owner = ctx.user_id.is_some() && record.user_id == ctx.user_id;
            if owner && let Some(note) = events.iter().rev().find_map(|e| e.note.clone()) {
                text.push('\n');
                text.push_str(&t.with("talas-status-note", "note", note));
            }
            Ok(vec![
                Reply::text(text)
                    .with_link(t.get("talas-btn-status"), ctx.url(&format!("/lacak?kode={}", record.tracking_code))),
            ])
        }
        Some(CodeMention::Mistyped { written, reason }) => {
            Ok(vec![Reply::text(t.args("talas-status-mistyped", &[("code", written), ("reason", reason)]))])
        }
        None => match ctx.user_id.clone() {
            Some(user_id) => {
                let mine = ctx.state.store.requests_of(&user_id, 3).await?;
                if mine.is_empty() {
                    return Ok(vec![Reply::text(t.get("talas-status-none-mine"))]);
                }
                let mut text = t.get("talas-status-mine");
                for r in &mine {
                    let status = t.get(&format!("request-status-{}", r.status));
                    text.push_str(&format!("\n• {} — {}: {status}", r.tracking_code, r.service_name));
                }
                Ok(vec![Reply::text(text)])
            }
            None => {
                st.expect = Some(Intent::CheckStatus.as_str().into());
                Ok(vec![Reply::text(t.get("talas-status-ask"))])
            }
        },
    }
}

/// A complaint: to the complaint service the message points at, or a choice of them; the
/// message itself becomes the complaint's description.
async fn complaint(ctx: &mut Ctx<'_>, st: &mut DialogueState, text: &str) -> Result<Vec<Reply>, StoreError> {
    let t = ctx.t();
    let filter =
        search::SearchFilter { category: Some(domain::text::slugify(COMPLAINT_CATEGORY)), ..Default::default() };
    let index = ctx.state.search.index();
    let mut candidates = index.as_ref().map(|i| assistant::services::find_in(i, text, 3, &filter)).unwrap_or_default();
    if candidates.is_empty() {
        // The city-wide channels people use most.
        candidates =
            index.as_ref().map(|i| assistant::services::find_in(i, "aduan warga", 3, &filter)).unwrap_or_default();
    }
    let prefill = (!text.trim().is_empty()).then_some(text);
    match candidates.as_slice() {
        [] => Ok(vec![Reply::text(t.get("talas-no-service"))]),
        [one] => fill::start(ctx, st, &one.code, prefill).await,
        [first, second, ..] if first.score >= second.score * 1.5 && prefill.is_some() => {
            fill::start(ctx, st, &first.code, prefill).await
        }
        several => {
            st.stage = Stage::Choosing {
                intent: Intent::Complaint.as_str().into(),
                codes: several.iter().map(|c| c.code.clone()).collect(),
            };
            st.expect = None;
            st.draft = prefill.map(str::to_string);
            let buttons = several
                .iter()
                .map(|c| super::Button {
                    title: super::channels::whatsapp::title(&c.name),
                    payload: format!("svc:{}", c.code),
                })
                .collect();
            let mut text = t.get("talas-complaint-which");
            for (i, c) in several.iter().enumerate() {
                text.push_str(&format!("\n{}. {}", i + 1, c.name));
            }
            Ok(vec![Reply::text(text).with_buttons(buttons)])
        }
    }
}

/// To an officer: of the agency of the service being talked about, else the help desk.
async fn handover(ctx: &mut Ctx<'_>, st: &mut DialogueState) -> Vec<Reply> {
    let t = ctx.t();
    let detail = match &st.service {
        Some(code) => answers::service(ctx, code).await.ok().flatten(),
        None => None,
    };
    st.stage = Stage::Idle;
    st.misses = 0;
    let (agency_code, agency_name) = match detail {
        Some(d) => (Some(d.service.agency.as_str().to_string()), d.agency_name.clone()),
        None => (None, t.get("talas-handover-desk")),
    };
    ctx.handover = Handover::Start(agency_code);
    vec![Reply::text(t.with("talas-handover", "agency", agency_name))]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_commands_take_six_digits() {
        assert_eq!(link_command("hubungkan 123456"), Some("123456".into()));
        assert_eq!(link_command("/start 654321"), Some("654321".into()));
        assert_eq!(link_command("link 12345"), None);
        assert_eq!(link_command("hubungkan saya ke petugas"), None);
    }

    #[test]
    fn choices_by_number_or_code() {
        let codes = vec!["KTP-EL".to_string(), "KIA".to_string()];
        assert_eq!(chosen(&codes, "2"), Some("KIA".into()));
        assert_eq!(chosen(&codes, "ktp-el"), Some("KTP-EL".into()));
        assert_eq!(chosen(&codes, "3"), None);
        assert_eq!(chosen(&codes, "0"), None);
    }
}
