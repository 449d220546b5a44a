//! Applying in the chat: the service's form, field by field (each answer checked as the
//! portal checks it), "kembali" and "lewati", a summary, a confirmation, then a real
//! request and its tracking code.

use std::collections::BTreeMap;

use domain::request::{FieldKind, FormField};
use store::StoreError;

use super::answers::button;
use super::{Ctx, DialogueState, Guest, Reply, Stage};
use crate::requests::{Applicable, Applicant, ApplyError, applicable, apply};

/// One question of the walk.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Name,
    Contact,
    Field(FormField),
}

/// The questions for a service: a guest's name and contact first (complaints without a
/// linked account), then the form's fields that a chat can answer (no files).
pub fn steps(target: &Applicable, linked: bool) -> Vec<Step> {
    let mut steps = Vec::new();
    if !linked {
        steps.extend([Step::Name, Step::Contact]);
    }
    steps.extend(target.form.fields().iter().filter(|f| f.kind != FieldKind::File).cloned().map(Step::Field));
    steps
}

/// Why the chat cannot take this application, if it cannot.
enum Refusal {
    Elsewhere,
    Files,
    Account,
    Unknown,
}

async fn target(ctx: &Ctx<'_>, code: &str) -> Result<Result<Applicable, Refusal>, StoreError> {
    let target = match applicable(ctx.state, code).await {
        Ok(t) => t,
        Err(ApplyError::Elsewhere) => return Ok(Err(Refusal::Elsewhere)),
        Err(ApplyError::Store(e)) => return Err(e),
        Err(_) => return Ok(Err(Refusal::Unknown)),
    };
    if target.form.fields().iter().any(|f| f.kind == FieldKind::File && f.required) {
        return Ok(Err(Refusal::Files));
    }
    if ctx.user_id.is_none() && !target.takes_guests() {
        return Ok(Err(Refusal::Account));
    }
    Ok(Ok(target))
}

/// Starts the walk for `code`; `prefill` answers the form's first long text (a complaint
/// already described in the message that started it).
pub async fn start(
    ctx: &Ctx<'_>,
    st: &mut DialogueState,
    code: &str,
    prefill: Option<&str>,
) -> Result<Vec<Reply>, StoreError> {
    let t = ctx.t();
    let Some(detail) = super::answers::service(ctx, code).await? else {
        return Ok(vec![Reply::text(t.get("talas-no-service"))]);
    };
    let name = detail.service.name.clone();
    let agency = detail.agency_name.clone();
    let apply_page = ctx.url(&format!("/layanan/{code}/ajukan"));
    let target = match target(ctx, code).await? {
        Ok(target) => target,
        Err(Refusal::Elsewhere) => {
            let url = detail
                .service
                .web_url
                .as_ref()
                .map_or_else(|| ctx.url(&format!("/layanan/{code}")), |u| u.as_str().to_string());
            return Ok(vec![
                Reply::text(t.args("talas-apply-elsewhere", &[("name", name), ("agency", agency)]))
                    .with_link(t.get("talas-btn-open"), url),
            ]);
        }
        Err(Refusal::Files) => {
            return Ok(vec![
                Reply::text(t.with("talas-apply-portal", "name", name))
                    .with_link(t.get("talas-btn-portal"), apply_page),
            ]);
        }
        Err(Refusal::Account) => {
            return Ok(vec![
                Reply::text(t.with("talas-apply-needs-account", "name", name))
                    .with_link(t.get("talas-btn-portal"), ctx.url("/akun")),
            ]);
        }
        Err(Refusal::Unknown) => return Ok(vec![Reply::text(t.get("talas-no-service"))]),
    };
    let mut answers = BTreeMap::new();
    let mut prefilled = Vec::new();
    if let Some(text) = prefill
        && let Some(field) = target.form.fields().iter().find(|f| f.kind == FieldKind::LongText)
    {
        answers.insert(field.key.clone(), vec![text.chars().take(field.text_limit().unwrap_or(2_000)).collect()]);
        prefilled.push(field.key.clone());
    }
    st.service = Some(code.to_string());
    let steps = steps(&target, ctx.user_id.is_some());
    let step = next_open(&steps, &answers, 0);
    st.stage = Stage::Filling { service: code.to_string(), step, answers, guest: Guest::default(), prefilled };
    let mut replies = vec![Reply::text(t.with("talas-apply-start", "name", name))];
    replies.extend(ask_or_confirm(ctx, st, &target, &steps));
    Ok(replies)
}

/// The first step from `from` on that is not answered yet.
fn next_open(steps: &[Step], answers: &BTreeMap<String, Vec<String>>, from: usize) -> usize {
    (from..steps.len())
        .find(|&i| match &steps[i] {
            Step::Field(f) => !answers.contains_key(&f.key),
            _ => true,
        })
        .unwrap_or(steps.len())
}

fn ask_or_confirm(ctx: &Ctx<'_>, st: &mut DialogueState, target: &Applicable, steps: &[Step]) -> Vec<Reply> {
    let Stage::Filling { service, step, answers, guest, .. } = &st.stage else { return Vec::new() };
    if *step < steps.len() {
        return vec![question(ctx, &steps[*step])];
    }
    let (service, answers, guest) = (service.clone(), answers.clone(), guest.clone());
    let reply = summary(ctx, target, &answers, &guest);
    st.stage = Stage::Confirming { service, answers, guest };
    vec![reply]
}

fn question(ctx: &Ctx<'_>, step: &Step) -> Reply {
    let t = ctx.t();
    let field = match step {
        Step::Name => {
            return Reply::text(t.get("talas-ask-name")).with_buttons(vec![button(ctx, "talas-btn-cancel", "batal")]);
        }
        Step::Contact => {
            return Reply::text(t.get("talas-ask-contact")).with_buttons(vec![
                button(ctx, "talas-btn-back", "kembali"),
                button(ctx, "talas-btn-cancel", "batal"),
            ]);
        }
        Step::Field(f) => f,
    };
    let mut text = field.label.clone();
    if let Some(help) = &field.help {
        text.push_str(&format!("\n{help}"));
    }
    if !field.required {
        text.push_str(&format!(" {}", t.get("talas-field-optional")));
    }
    let mut buttons = Vec::new();
    match field.kind {
        FieldKind::Choice if field.options.len() <= 3 => {
            buttons = field
                .options
                .iter()
                .enumerate()
                .map(|(i, o)| super::Button {
                    title: super::channels::whatsapp::title(o),
                    payload: format!("opt:{}", i + 1),
                })
                .collect();
        }
        FieldKind::Choice | FieldKind::Choices => {
            text.push_str(&format!("\n{}", t.get("talas-field-choices")));
            for (i, o) in field.options.iter().enumerate() {
                text.push_str(&format!("\n{}. {o}", i + 1));
            }
            if field.kind == FieldKind::Choices {
                text.push_str(&format!("\n{}", t.get("talas-field-many")));
            }
        }
        FieldKind::Location => text.push_str(&format!("\n{}", t.get("talas-field-location"))),
        FieldKind::Date => text.push_str(&format!("\n{}", t.get("talas-field-date"))),
        _ => {}
    }
    if buttons.is_empty() {
        if !field.required {
            buttons.push(button(ctx, "talas-btn-skip", "lewati"));
        }
        buttons.push(button(ctx, "talas-btn-back", "kembali"));
        buttons.push(button(ctx, "talas-btn-cancel", "batal"));
    }
    Reply::text(text).with_buttons(buttons)
}

fn summary(ctx: &Ctx<'_>, target: &Applicable, answers: &BTreeMap<String, Vec<String>>, guest: &Guest) -> Reply {
    let t = ctx.t();
    let mut text = t.with("talas-summary", "name", &target.service.service.name);
    if let (Some(name), Some(contact)) = (&guest.name, &guest.contact) {
        text.push_str(&format!("\n• {name} ({contact})"));
    }
    for field in target.form.fields() {
        if let Some(values) = answers.get(&field.key) {
            text.push_str(&format!("\n• {}: {}", field.label, values.join(", ")));
        }
    }
    text.push_str(&format!("\n\n{}", t.get("talas-confirm")));
    Reply::text(text).with_buttons(vec![
        button(ctx, "talas-btn-send", "kirim"),
        button(ctx, "talas-btn-back", "kembali"),
        button(ctx, "talas-btn-cancel", "batal"),
    ])
}

/// The values of an answer to a field: a choice by its number or its text, several
/// choices separated by commas, the rest as typed.
fn values(field: &FormField, answer: &str) -> Vec<String> {
    let pick = |item: &str| -> String {
        let item = item.trim();
        if let Ok(n) = item.parse::<usize>()
            && (1..=field.options.len()).contains(&n)
        {
            return field.options[n - 1].clone();
        }
        field.options.iter().find(|o| o.eq_ignore_ascii_case(item)).cloned().unwrap_or_else(|| item.to_string())
    };
    match field.kind {
        FieldKind::Choice => vec![pick(answer.strip_prefix("opt:").unwrap_or(answer))],
        FieldKind::Choices => answer.split(',').filter(|s| !s.trim().is_empty()).map(pick).collect(),
        FieldKind::Date => vec![date(answer)],
        _ => vec![answer.trim().to_string()],
    }
}

/// `17-08-2026`, `17/08/2026` or `17 agustus 2026` as `2026-08-17` (what the form checks).
fn date(answer: &str) -> String {
    assistant::extract(answer, chrono::Utc::now().date_naive())
        .date
        .map_or_else(|| answer.trim().to_string(), |d| d.format("%Y-%m-%d").to_string())
}

/// The next message while filling: an answer, "kembali", "lewati".
pub async fn answer(ctx: &Ctx<'_>, st: &mut DialogueState, text: &str) -> Result<Vec<Reply>, StoreError> {
    let t = ctx.t();
    let Stage::Filling { service, .. } = &st.stage else { return Ok(Vec::new()) };
    let code = service.clone();
    let target = match target(ctx, &code).await? {
        Ok(target) => target,
        Err(_) => {
            st.stage = Stage::Idle;
            return Ok(vec![Reply::text(t.get("talas-no-service"))]);
        }
    };
    let steps = steps(&target, ctx.user_id.is_some());
    let Stage::Filling { step, answers, guest, prefilled, .. } = &mut st.stage else { return Ok(Vec::new()) };
    let word = text.trim().to_lowercase();
    if matches!(word.as_str(), "kembali" | "back") {
        // Back to the question asked before this one (past fields never asked).
        *step = (*step).min(steps.len()).saturating_sub(1);
        while *step > 0 && matches!(&steps[*step], Step::Field(f) if prefilled.contains(&f.key)) {
            *step -= 1;
        }
        if let Some(Step::Field(f)) = steps.get(*step) {
            answers.remove(&f.key);
        }
        return Ok(ask_or_confirm(ctx, st, &target, &steps));
    }
    let Some(current) = steps.get(*step).cloned() else { return Ok(ask_or_confirm(ctx, st, &target, &steps)) };
    let skip = matches!(word.as_str(), "lewati" | "skip" | "-");
    let problem = match &current {
        Step::Name => {
            let name = domain::text::tidy(text);
            if name.is_empty() || name.chars().count() > 100 {
                Some("isi nama (paling banyak 100 karakter)".to_string())
            } else {
                guest.name = Some(name);
                None
            }
        }
        Step::Contact => {
            let contact = domain::text::tidy(text);
            let email = domain::identity::Email::parse(&contact).map(|e| e.as_str().to_string());
            let phone = domain::identity::Phone::parse(&contact).map(|p| p.as_str().to_string());
            match email.or(phone) {
                Ok(contact) => {
                    guest.contact = Some(contact);
                    None
                }
                Err(_) => Some("tulis alamat surel atau nomor telepon yang valid".to_string()),
            }
        }
        Step::Field(field) if skip && !field.required => None,
        Step::Field(field) if skip => Some("wajib diisi".to_string()),
        Step::Field(field) => {
            let mut one = BTreeMap::new();
            one.insert(field.key.clone(), values(field, text));
            // The form checks every field; only this one's problems matter here.
            match target.form.check_answers(&one) {
                Ok(_) => {
                    answers.insert(field.key.clone(), one.remove(&field.key).unwrap_or_default());
                    None
                }
                Err(problems) => match problems.into_iter().find(|p| p.key == field.key) {
                    Some(p) => Some(p.reason),
                    None => {
                        answers.insert(field.key.clone(), one.remove(&field.key).unwrap_or_default());
                        None
                    }
                },
            }
        }
    };
    if let Some(reason) = problem {
        let mut again = question(ctx, &current);
        again.text = format!("{}\n{}", t.with("talas-field-invalid", "reason", capitalised(&reason)), again.text);
        return Ok(vec![again]);
    }
    *step = next_open(&steps, answers, *step + 1);
    Ok(ask_or_confirm(ctx, st, &target, &steps))
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// "kirim": the request is made; its tracking code is the answer.
pub async fn submit(ctx: &Ctx<'_>, st: &mut DialogueState) -> Result<Vec<Reply>, StoreError> {
    let t = ctx.t();
    let Stage::Confirming { service, answers, guest } = std::mem::take(&mut st.stage) else { return Ok(Vec::new()) };
    let target = match target(ctx, &service).await? {
        Ok(target) => target,
        Err(_) => return Ok(vec![Reply::text(t.get("talas-no-service"))]),
    };
    let who = match (&ctx.user_id, guest.name.clone(), guest.contact.clone()) {
        (Some(user_id), _, _) => Applicant::Person { user_id: user_id.clone() },
        (None, Some(name), Some(contact)) => Applicant::Guest { name, contact },
        _ => return Ok(vec![Reply::text(t.get("talas-cancelled"))]),
    };
    match apply(ctx.state, &target, who, &answers, "talas").await {
        Ok((submitted, deadline)) => {
            let mut text = t.with("talas-submitted", "code", &submitted.tracking_code);
            if let Some(d) = deadline {
                text.push(' ');
                text.push_str(&t.with("talas-submitted-deadline", "date", d.format("%d-%m-%Y")));
            }
            Ok(vec![
                Reply::text(text)
                    .with_link(t.get("talas-btn-status"), ctx.url(&format!("/lacak?kode={}", submitted.tracking_code))),
            ])
        }
        Err(ApplyError::Answers(problems)) => {
            // The form changed meanwhile: ask again from the first field with a problem.
            let steps = steps(&target, ctx.user_id.is_some());
            let first = problems.first().map(|p| p.key.clone()).unwrap_or_default();
            let step = steps.iter().position(|s| matches!(s, Step::Field(f) if f.key == first)).unwrap_or(0);
            let mut answers = answers;
            answers.retain(|k, _| problems.iter().all(|p| &p.key != k));
            st.stage = Stage::Filling { service, step, answers, guest, prefilled: Vec::new() };
            let reason = problems.first().map(|p| p.reason.clone()).unwrap_or_default();
            let mut replies = vec![Reply::text(t.with("talas-field-invalid", "reason", capitalised(&reason)))];
            replies.extend(ask_or_confirm(ctx, st, &target, &steps));
            Ok(replies)
        }
        Err(ApplyError::Store(e)) => Err(e),
        Err(_) => Ok(vec![Reply::text(t.get("talas-no-service"))]),
    }
}
