//! `/evaluasi/{slug}/bukti`: a cycle's evidence. The team adds files (PDF), screenshots
//! (PNG/JPEG) and links, each with a description, a date and what it supports, or takes a
//! snapshot of what the platform measured itself; assessors read and download. A metric
//! snapshot never changes and is never withdrawn.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, Utc};
use domain::evaluation::EvidenceKind;
use store::evaluation::{Evidence, NewEvidence};

use super::account::{field, internal, see_other};
use super::eval_cycles::{day, load};
use super::office::local_time;
use crate::attachments::{self, Kind, UploadError};
use crate::auth::roles::SignedIn;
use crate::error::{PageError, render};
use crate::evaluation::Access;
use crate::evaluation::cycle::CycleData;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx};

const MAX_TITLE: usize = 200;
const MAX_DESCRIPTION: usize = 2_000;

pub struct EvidenceRow {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub date: String,
    pub supports: String,
    pub by: String,
    pub withdrawable: bool,
}

/// What was typed into the add form, kept when it is refused (a file must be chosen again).
#[derive(Default)]
pub struct Typed {
    pub kind: String,
    pub title: String,
    pub description: String,
    pub date: String,
    pub url: String,
    pub indicators: Vec<String>,
    pub innovations: Vec<String>,
    pub request: String,
}

#[derive(Template)]
#[template(path = "eval_evidence.html")]
struct EvidencePage {
    l: Layout,
    slug: String,
    cycle: String,
    access: Access,
    rows: Vec<EvidenceRow>,
    kinds: Vec<(String, String)>,
    indicators: Vec<(String, String)>,
    innovations: Vec<(String, String)>,
    requests: Vec<(String, String)>,
    scopes: Vec<(String, String)>,
    typed: Typed,
    period_from: String,
    period_to: String,
    notice: Option<String>,
    errors: Vec<String>,
}

fn kind_label(t: Tr, kind: &str) -> String {
    t.get(&format!("eval-kind-{kind}"))
}

fn rows(t: Tr, data: &CycleData, innovation_names: &BTreeMap<String, String>) -> Vec<EvidenceRow> {
    data.evidence
        .iter()
        .map(|e| {
            let mut supports: Vec<String> = e
                .indicators
                .iter()
                .map(|c| data.framework.indicator(c).map_or_else(|| c.clone(), |i| data.framework.indicator_title(i)))
                .collect();
            supports.extend(e.innovations.iter().filter_map(|id| innovation_names.get(id).cloned()));
            EvidenceRow {
                id: e.id.clone(),
                title: e.title.clone(),
                kind: kind_label(t, &e.kind),
                date: day(t, &e.evidence_on),
                supports: supports.join("; "),
                by: e.created_by_name.clone().unwrap_or_default(),
                withdrawable: e.kind != EvidenceKind::Metric.as_str(),
            }
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    ctx: &PageCtx,
    data: &CycleData,
    access: Access,
    status: StatusCode,
    typed: Typed,
    notice: Option<String>,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let innovations = state.store.innovations().await.map_err(|e| internal(ctx, e))?;
    let names: BTreeMap<String, String> = innovations.iter().map(|i| (i.id.clone(), i.name.clone())).collect();
    let agencies = state.store.list_agencies().await.map_err(|e| internal(ctx, e))?;
    let mut scopes = vec![(String::new(), t.get("eval-metric-scope-city"))];
    scopes.extend(agencies.iter().map(|a| (format!("opd:{}", a.agency.code.as_str()), a.agency.name.clone())));
    // The applications the innovations consist of, so a snapshot can show one innovation's app.
    let mut linked: Vec<&String> = innovations.iter().flat_map(|i| &i.services).collect();
    linked.sort();
    linked.dedup();
    scopes.extend(
        linked.into_iter().map(|code| (format!("layanan:{code}"), t.with("eval-metric-scope-service", "code", code))),
    );
    let today = Utc::now().date_naive();
    let page = EvidencePage {
        l: ctx.layout(state, &t.get("eval-evidence-title"), Nav::None),
        slug: data.cycle.slug.clone(),
        cycle: data.cycle.name.clone(),
        access,
        rows: rows(t, data, &names),
        kinds: [EvidenceKind::File, EvidenceKind::Screenshot, EvidenceKind::Link]
            .iter()
            .map(|k| (k.as_str().to_owned(), kind_label(t, k.as_str())))
            .collect(),
        indicators: (0..data.framework.indicators.len())
            .map(|i| (data.framework.indicators[i].code.clone(), data.framework.indicator_title(i)))
            .collect(),
        innovations: innovations.into_iter().map(|i| (i.id, i.name)).collect(),
        requests: data
            .open_requests()
            .map(|r| (r.id.clone(), format!("{}: {}", r.indicator, r.text.chars().take(80).collect::<String>())))
            .collect(),
        scopes,
        typed,
        period_from: data.cycle.starts_on.clone(),
        period_to: data.cycle.ends_on.clone().min(today.format("%Y-%m-%d").to_string()),
        notice,
        errors,
    };
    Ok((status, render(ctx.lang, &page)?).into_response())
}

/// `GET /evaluasi/{slug}/bukti` (`?indikator=` and `?permintaan=` preselect the form).
pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let (data, access) = load(&state, &ctx, &user, &slug).await?;
    let params = crate::query::pairs(raw.as_deref());
    let t = ctx.tr();
    let typed = Typed {
        kind: EvidenceKind::File.as_str().to_owned(),
        date: Utc::now().date_naive().format("%Y-%m-%d").to_string(),
        indicators: params.iter().filter(|(k, _)| k == "indikator").map(|(_, v)| v.clone()).collect(),
        request: field(&params, "permintaan").to_owned(),
        ..Typed::default()
    };
    let notice = match field(&params, "tersimpan") {
        "bukti" => Some(t.get("eval-saved-evidence")),
        "metrik" => Some(t.get("eval-saved-metric")),
        "tarik" => Some(t.get("eval-saved-withdrawn")),
        _ => None,
    };
    page(&state, &ctx, &data, access, StatusCode::OK, typed, notice, Vec::new()).await
}

/// The posted form: text fields (lists for the multi-selects) and the stored file.
struct Posted {
    fields: Vec<(String, String)>,
    file: Option<Result<attachments::Stored, UploadError>>,
}

async fn read(state: &AppState, multipart: &mut Multipart) -> Result<Posted, StatusCode> {
    let mut posted = Posted { fields: Vec::new(), file: None };
    while let Some(part) = multipart.next_field().await.map_err(|e| e.status())? {
        let Some(name) = part.name().map(str::to_owned) else { continue };
        if part.file_name().is_some() {
            if part.file_name() == Some("") {
                continue;
            }
            let stored = attachments::store_field(&state.settings.files_dir, part).await;
            if let Err(UploadError::Io(e)) = &stored {
                tracing::error!(error = %e, "storing evidence failed");
                return Err(StatusCode::INTERNAL_SERVER_ERROR);
            }
            posted.file = Some(stored);
        } else {
            posted.fields.push((name, part.text().await.map_err(|e| e.status())?));
        }
    }
    Ok(posted)
}

fn all(fields: &[(String, String)], name: &str) -> Vec<String> {
    fields.iter().filter(|(k, v)| k == name && !v.is_empty()).map(|(_, v)| v.clone()).collect()
}

/// `POST /evaluasi/{slug}/bukti` (multipart): the team adds a file, a screenshot or a link.
pub async fn add(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let (data, access) = load(&state, &ctx, &user, &slug).await?;
    if !access.is_team() {
        return Err(PageError::forbidden(ctx.lang));
    }
    let t = ctx.tr();
    let Ok(mut multipart) = multipart else {
        return Err(PageError::bad_request(ctx.lang, t.get("eval-evidence-unreadable")));
    };
    let posted = match read(&state, &mut multipart).await {
        Ok(posted) => posted,
        Err(StatusCode::PAYLOAD_TOO_LARGE) => {
            let mb = attachments::MAX_FILE_BYTES / (1024 * 1024);
            let errors = vec![t.with("eval-evidence-too-large", "mb", mb)];
            return page(&state, &ctx, &data, access, StatusCode::PAYLOAD_TOO_LARGE, Typed::default(), None, errors)
                .await;
        }
        Err(StatusCode::INTERNAL_SERVER_ERROR) => return Err(internal(&ctx, "storing evidence failed")),
        Err(_) => return Err(PageError::bad_request(ctx.lang, t.get("eval-evidence-unreadable"))),
    };
    let f = &posted.fields;
    let typed = Typed {
        kind: field(f, "jenis").to_owned(),
        title: domain::text::tidy(field(f, "judul")),
        description: field(f, "keterangan").trim().to_owned(),
        date: field(f, "tanggal").trim().to_owned(),
        url: field(f, "tautan").trim().to_owned(),
        indicators: all(f, "indikator"),
        innovations: all(f, "inovasi"),
        request: field(f, "permintaan").to_owned(),
    };
    let mut errors = Vec::new();
    let kind = EvidenceKind::parse(&typed.kind).filter(|k| *k != EvidenceKind::Metric);
    if kind.is_none() {
        errors.push(t.get("eval-evidence-kind-invalid"));
    }
    if typed.title.is_empty() || typed.title.chars().count() > MAX_TITLE {
        errors.push(t.with("eval-evidence-title-invalid", "n", MAX_TITLE));
    }
    if typed.description.chars().count() > MAX_DESCRIPTION {
        errors.push(t.with("eval-evidence-description-invalid", "n", MAX_DESCRIPTION));
    }
    if NaiveDate::parse_from_str(&typed.date, "%Y-%m-%d").is_err() {
        errors.push(t.get("eval-evidence-date-invalid"));
    }
    let unknown: Vec<&String> = typed.indicators.iter().filter(|c| data.framework.indicator(c).is_none()).collect();
    if !unknown.is_empty() {
        errors.push(t.get("eval-evidence-indicator-invalid"));
    }
    if typed.indicators.is_empty() && typed.innovations.is_empty() {
        errors.push(t.get("eval-evidence-supports-nothing"));
    }
    let request = (!typed.request.is_empty()).then(|| typed.request.clone());
    if let Some(id) = &request
        && !data.open_requests().any(|r| &r.id == id)
    {
        errors.push(t.get("eval-request-closed"));
    }
    let (mut file_ref, mut media_type, mut url) = (None, None, None);
    match kind {
        Some(EvidenceKind::Link) => match domain::WebUrl::parse(&typed.url) {
            Ok(parsed) => url = Some(parsed.as_str().to_owned()),
            Err(_) => errors.push(t.get("eval-evidence-url-invalid")),
        },
        Some(kind) => {
            let wanted: &[Kind] = if kind == EvidenceKind::File { &[Kind::Pdf] } else { &[Kind::Png, Kind::Jpeg] };
            match &posted.file {
                Some(Ok(stored)) if wanted.contains(&stored.kind) => {
                    file_ref = Some(stored.reference());
                    media_type = Some(stored.kind.media_type().to_owned());
                }
                Some(Err(UploadError::TooLarge)) => {
                    errors.push(t.with("eval-evidence-too-large", "mb", attachments::MAX_FILE_BYTES / (1024 * 1024)))
                }
                Some(_) => errors.push(t.get(&format!("eval-evidence-type-{}", kind.as_str()))),
                None => errors.push(t.get("eval-evidence-file-missing")),
            }
        }
        None => {}
    }
    if !errors.is_empty() {
        return page(&state, &ctx, &data, access, StatusCode::UNPROCESSABLE_ENTITY, typed, None, errors).await;
    }
    let mut canonical: Vec<String> = Vec::new();
    for code in typed.indicators.iter().filter_map(|c| data.framework.indicator(c)) {
        // "I1" and "1" name the same indicator; stored once (the link is unique).
        let code = &data.framework.indicators[code].code;
        if !canonical.contains(code) {
            canonical.push(code.clone());
        }
    }
    let new = NewEvidence {
        cycle_id: data.cycle.id.clone(),
        kind: typed.kind.clone(),
        title: typed.title.clone(),
        description: typed.description.clone(),
        evidence_on: typed.date.clone(),
        file_ref,
        media_type,
        url,
        metric: None,
        answers_request: request.clone(),
        indicators: canonical,
        innovations: typed.innovations.clone(),
    };
    let now = Utc::now();
    match state.store.add_evidence(&new, &user.id, now).await {
        Ok(_) => {}
        Err(store::StoreError::NotFound) => {
            let errors = vec![t.get("eval-evidence-innovation-invalid")];
            return page(&state, &ctx, &data, access, StatusCode::UNPROCESSABLE_ENTITY, typed, None, errors).await;
        }
        Err(e) => return Err(internal(&ctx, e)),
    }
    if let Some(id) = request
        && data.requests.iter().any(|r| r.id == id && r.answer.is_none())
    {
        // Evidence naming a request answers it, so the assessor sees it in the task list.
        let answer = t.with("eval-answer-evidence", "title", &new.title);
        state
            .store
            .answer_evidence_request(&data.cycle.id, &id, &answer, &user.id, now)
            .await
            .map_err(|e| internal(&ctx, e))?;
    }
    Ok(see_other(&format!("/evaluasi/{slug}/bukti?tersimpan=bukti"), None))
}

#[derive(Template)]
#[template(path = "eval_evidence_item.html")]
struct ItemPage {
    l: Layout,
    slug: String,
    cycle: String,
    item: EvidenceRow,
    description: String,
    file: Option<String>,
    url: Option<String>,
    metric: Option<super::eval_metrics::MetricView>,
    answers: Option<String>,
    added: String,
}

fn find<'a>(ctx: &PageCtx, data: &'a CycleData, id: &str) -> Result<&'a Evidence, PageError> {
    data.evidence.iter().find(|e| e.id == id).ok_or_else(|| PageError::not_found(ctx.lang))
}

/// `GET /evaluasi/{slug}/bukti/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (data, _) = load(&state, &ctx, &user, &slug).await?;
    let t = ctx.tr();
    let evidence = find(&ctx, &data, &id)?;
    let innovations = state.store.innovations().await.map_err(|e| internal(&ctx, e))?;
    let names: BTreeMap<String, String> = innovations.into_iter().map(|i| (i.id, i.name)).collect();
    let item = rows(t, &data, &names).into_iter().find(|r| r.id == id).ok_or_else(|| PageError::not_found(ctx.lang))?;
    let answers = evidence
        .answers_request
        .as_ref()
        .and_then(|r| data.requests.iter().find(|x| &x.id == r))
        .map(|r| r.text.clone());
    let metric = match &evidence.metric {
        Some(json) => Some(super::eval_metrics::MetricView::from_json(t, json).map_err(|e| internal(&ctx, e))?),
        None => None,
    };
    let page = ItemPage {
        l: ctx.layout(&state, &evidence.title, Nav::None),
        slug: slug.clone(),
        cycle: data.cycle.name.clone(),
        description: evidence.description.clone(),
        file: evidence.file_ref.as_ref().map(|_| format!("/evaluasi/{slug}/bukti/{id}/berkas")),
        url: evidence.url.clone(),
        metric,
        answers,
        added: local_time(evidence.created_at),
        item,
    };
    Ok(render(ctx.lang, &page)?.into_response())
}

/// `GET /evaluasi/{slug}/bukti/{id}/berkas`: the file, to whoever may read the cycle.
pub async fn file(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (data, _) = load(&state, &ctx, &user, &slug).await?;
    let evidence = find(&ctx, &data, &id)?;
    let (sha, name) = evidence
        .file_ref
        .as_deref()
        .and_then(attachments::parse_reference)
        .ok_or_else(|| PageError::not_found(ctx.lang))?;
    super::requests_own::serve_file(&state, &ctx, sha, name).await
}

/// `POST /evaluasi/{slug}/bukti/{id}/tarik`: the team withdraws an upload or a link.
pub async fn withdraw(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (data, access) = load(&state, &ctx, &user, &slug).await?;
    if !access.is_team() {
        return Err(PageError::forbidden(ctx.lang));
    }
    find(&ctx, &data, &id)?;
    let done = state
        .store
        .withdraw_evidence(&data.cycle.id, &id, &user.id, Utc::now())
        .await
        .map_err(|e| internal(&ctx, e))?;
    if !done {
        return Err(PageError::bad_request(ctx.lang, ctx.tr().get("eval-metric-permanent")));
    }
    Ok(see_other(&format!("/evaluasi/{slug}/bukti?tersimpan=tarik"), None))
}
