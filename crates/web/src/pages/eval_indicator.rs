//! `/evaluasi/{slug}/indikator/{code}`: one indicator — its rubric, every level it was
//! given, its evidence and the assessors' requests — with the forms each role may use:
//! the team's self-assessment and answers, the assessor's review levels, requests and
//! closing them.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use domain::evaluation::{Exact, Stage};

use super::account::{field, form, internal, see_other};
use super::eval_cycles::{assessor_stage, load};
use super::office::local_time;
use crate::auth::roles::SignedIn;
use crate::error::{PageError, render};
use crate::evaluation::Access;
use crate::evaluation::cycle::CycleData;
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx};

const MAX_NARRATIVE: usize = 4_000;
const MAX_COMMENT: usize = 2_000;

pub struct HistoryLine {
    pub stage: String,
    pub level: String,
    pub note: String,
    pub by: String,
    pub at: String,
}

pub struct EvidenceLine {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub date: String,
}

pub struct RequestLine {
    pub id: String,
    pub text: String,
    pub asked: String,
    pub asked_by: String,
    pub answer: Option<String>,
    pub open: bool,
}

#[derive(Template)]
#[template(path = "eval_indicator.html")]
struct IndicatorPage {
    l: Layout,
    slug: String,
    cycle: String,
    code: String,
    title: String,
    official: String,
    path: String,
    weight: String,
    hint: String,
    rubric: Vec<(String, String, String)>,
    /// Whole levels get a choice list; finer scales a number box.
    choices: Vec<String>,
    step: String,
    min: String,
    max: String,
    self_level: String,
    self_note: String,
    history: Vec<HistoryLine>,
    evidence: Vec<EvidenceLine>,
    requests: Vec<RequestLine>,
    access: Access,
    stages: Vec<(String, String)>,
    notice: Option<String>,
    error: Option<String>,
}

fn indicator_of(ctx: &PageCtx, data: &CycleData, code: &str) -> Result<usize, PageError> {
    let found = data.framework.indicator(code).filter(|&i| data.framework.indicators[i].code == code);
    found.ok_or_else(|| PageError::not_found(ctx.lang))
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    ctx: &PageCtx,
    data: &CycleData,
    access: Access,
    index: usize,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let framework = &data.framework;
    let indicator = &framework.indicators[index];
    let mut path = Vec::new();
    let mut group = indicator.group;
    while let Some(g) = group {
        let tier = framework.tiers.get(framework.groups[g].depth).cloned().unwrap_or_default();
        path.push(format!("{tier} {}: {}", framework.groups[g].code, framework.groups[g].name));
        group = framework.groups[g].parent;
    }
    path.reverse();
    let rubric = indicator
        .rubric
        .map(|r| {
            framework.rubrics[r]
                .levels
                .iter()
                .map(|l| (l.level.to_string(), l.name.clone(), l.description.clone()))
                .collect()
        })
        .unwrap_or_default();
    let scale = framework.scale;
    let choices = if scale.step == Exact::ONE {
        let mut level = scale.min;
        let mut list = Vec::new();
        while level <= scale.max {
            list.push(scale.show(level));
            level = level + Exact::ONE;
        }
        list
    } else {
        Vec::new()
    };
    let own = data.current[index][0].as_ref();
    let history = data
        .history
        .iter()
        .filter(|h| h.indicator == indicator.code)
        .rev()
        .map(|h| HistoryLine {
            stage: t.get(&format!("eval-stage-{}", h.stage)),
            level: Exact::parse(&h.level).map_or_else(|_| h.level.clone(), |l| scale.show(l)),
            note: h.note.clone(),
            by: h.user_name.clone().unwrap_or_default(),
            at: local_time(h.at),
        })
        .collect();
    let evidence = data
        .evidence_for(&indicator.code)
        .map(|e| EvidenceLine {
            id: e.id.clone(),
            title: e.title.clone(),
            kind: t.get(&format!("eval-kind-{}", e.kind)),
            date: super::eval_cycles::day(t, &e.evidence_on),
        })
        .collect();
    let requests = data
        .requests
        .iter()
        .filter(|r| r.indicator == indicator.code)
        .map(|r| RequestLine {
            id: r.id.clone(),
            text: r.text.clone(),
            asked: local_time(r.asked_at),
            asked_by: r.asked_by_name.clone().unwrap_or_default(),
            answer: r.answer.clone(),
            open: r.is_open(),
        })
        .collect();
    let stages = Stage::ALL
        .iter()
        .filter(|s| s.is_assessor_stage())
        .map(|s| (s.as_str().to_owned(), t.get(&format!("eval-stage-{}", s.as_str()))))
        .collect();
    let title = framework.indicator_title(index);
    let page = IndicatorPage {
        l: ctx.layout(state, &title, Nav::None),
        slug: data.cycle.slug.clone(),
        cycle: data.cycle.name.clone(),
        code: indicator.code.clone(),
        official: indicator.name.clone(),
        path: path.join(" › "),
        weight: indicator.weight.to_plain(),
        hint: indicator.evidence_hint.clone(),
        rubric,
        choices,
        step: scale.step.to_plain(),
        min: scale.show(scale.min),
        max: scale.show(scale.max),
        self_level: own.map(|c| scale.show(c.level)).unwrap_or_default(),
        self_note: own.map(|c| c.note.clone()).unwrap_or_default(),
        title,
        history,
        evidence,
        requests,
        access,
        stages,
        notice,
        error,
    };
    Ok((status, render(ctx.lang, &page)?).into_response())
}

/// `GET /evaluasi/{slug}/indikator/{code}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    Path((slug, code)): Path<(String, String)>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Result<Response, PageError> {
    let (data, access) = load(&state, &ctx, &user, &slug).await?;
    let index = indicator_of(&ctx, &data, &code)?;
    let params = crate::query::pairs(raw.as_deref());
    let t = ctx.tr();
    let notice = match field(&params, "tersimpan") {
        "level" => Some(t.get("eval-saved-level")),
        "permintaan" => Some(t.get("eval-saved-request")),
        "jawaban" => Some(t.get("eval-saved-answer")),
        "tutup" => Some(t.get("eval-saved-closed")),
        _ => None,
    };
    page(&state, &ctx, &data, access, index, StatusCode::OK, notice, None).await
}

/// A level typed into a form, checked against the framework's scale.
fn level_of(data: &CycleData, typed: &str) -> Option<Exact> {
    Exact::parse(typed).ok().filter(|l| data.framework.scale.contains(*l))
}

/// `POST …/mandiri`: the team's self-assessed level and narrative.
pub async fn self_assess(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    Path((slug, code)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let (data, access) = load(&state, &ctx, &user, &slug).await?;
    let index = indicator_of(&ctx, &data, &code)?;
    if !access.is_team() {
        return Err(PageError::forbidden(ctx.lang));
    }
    let t = ctx.tr();
    let fields = form(&body);
    let narrative = field(&fields, "narasi").trim();
    let Some(level) = level_of(&data, field(&fields, "level")) else {
        let error = Some(t.get("eval-level-invalid"));
        return page(&state, &ctx, &data, access, index, StatusCode::UNPROCESSABLE_ENTITY, None, error).await;
    };
    if narrative.chars().count() > MAX_NARRATIVE {
        let error = Some(t.with("eval-narrative-too-long", "n", MAX_NARRATIVE));
        return page(&state, &ctx, &data, access, index, StatusCode::UNPROCESSABLE_ENTITY, None, error).await;
    }
    let shown = data.framework.scale.show(level);
    state
        .store
        .set_level(&data.cycle.id, &code, Stage::SelfAssessment.as_str(), &shown, narrative, &user.id, Utc::now())
        .await
        .map_err(|e| internal(&ctx, e))?;
    Ok(see_other(&format!("/evaluasi/{slug}/indikator/{code}?tersimpan=level"), None))
}

/// `POST …/asesor`: an assessor's level at a review stage, with a comment.
pub async fn review(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    Path((slug, code)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let (data, access) = load(&state, &ctx, &user, &slug).await?;
    let index = indicator_of(&ctx, &data, &code)?;
    if !access.is_assessor() {
        return Err(PageError::forbidden(ctx.lang));
    }
    let t = ctx.tr();
    let fields = form(&body);
    let comment = field(&fields, "komentar").trim();
    let problem = match (assessor_stage(field(&fields, "tahap")), level_of(&data, field(&fields, "level"))) {
        (None, _) => Err(t.get("eval-stage-invalid")),
        (_, None) => Err(t.get("eval-level-invalid")),
        _ if comment.is_empty() => Err(t.get("eval-comment-required")),
        _ if comment.chars().count() > MAX_COMMENT => Err(t.with("eval-comment-too-long", "n", MAX_COMMENT)),
        (Some(stage), Some(level)) => Ok((stage, level)),
    };
    let (stage, level) = match problem {
        Ok(ok) => ok,
        Err(error) => {
            return page(&state, &ctx, &data, access, index, StatusCode::UNPROCESSABLE_ENTITY, None, Some(error)).await;
        }
    };
    let shown = data.framework.scale.show(level);
    state
        .store
        .set_level(&data.cycle.id, &code, stage.as_str(), &shown, comment, &user.id, Utc::now())
        .await
        .map_err(|e| internal(&ctx, e))?;
    Ok(see_other(&format!("/evaluasi/{slug}/indikator/{code}?tersimpan=level"), None))
}

/// `POST …/permintaan`: an assessor asks for more evidence.
pub async fn ask(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    Path((slug, code)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let (data, access) = load(&state, &ctx, &user, &slug).await?;
    let index = indicator_of(&ctx, &data, &code)?;
    if !access.is_assessor() {
        return Err(PageError::forbidden(ctx.lang));
    }
    let t = ctx.tr();
    let fields = form(&body);
    let text = field(&fields, "permintaan").trim();
    if text.is_empty() || text.chars().count() > MAX_COMMENT {
        let error = Some(t.with("eval-request-invalid", "n", MAX_COMMENT));
        return page(&state, &ctx, &data, access, index, StatusCode::UNPROCESSABLE_ENTITY, None, error).await;
    }
    state.store.ask_evidence(&data.cycle.id, &code, text, &user.id, Utc::now()).await.map_err(|e| internal(&ctx, e))?;
    Ok(see_other(&format!("/evaluasi/{slug}/indikator/{code}?tersimpan=permintaan"), None))
}

/// `POST …/permintaan/{id}/jawab`: the team answers (their evidence is added on the
/// evidence page, naming the request).
pub async fn answer(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    Path((slug, code, id)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let (data, access) = load(&state, &ctx, &user, &slug).await?;
    let index = indicator_of(&ctx, &data, &code)?;
    if !access.is_team() {
        return Err(PageError::forbidden(ctx.lang));
    }
    let t = ctx.tr();
    let fields = form(&body);
    let text = field(&fields, "jawaban").trim();
    if text.is_empty() || text.chars().count() > MAX_COMMENT {
        let error = Some(t.with("eval-answer-invalid", "n", MAX_COMMENT));
        return page(&state, &ctx, &data, access, index, StatusCode::UNPROCESSABLE_ENTITY, None, error).await;
    }
    let done = state
        .store
        .answer_evidence_request(&data.cycle.id, &id, text, &user.id, Utc::now())
        .await
        .map_err(|e| internal(&ctx, e))?;
    if !done {
        let error = Some(t.get("eval-request-closed"));
        return page(&state, &ctx, &data, access, index, StatusCode::CONFLICT, None, error).await;
    }
    Ok(see_other(&format!("/evaluasi/{slug}/indikator/{code}?tersimpan=jawaban"), None))
}

/// `POST …/permintaan/{id}/tutup`: the assessor is satisfied.
pub async fn close(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    Path((slug, code, id)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let (data, access) = load(&state, &ctx, &user, &slug).await?;
    indicator_of(&ctx, &data, &code)?;
    if !access.is_assessor() {
        return Err(PageError::forbidden(ctx.lang));
    }
    state
        .store
        .close_evidence_request(&data.cycle.id, &id, &user.id, Utc::now())
        .await
        .map_err(|e| internal(&ctx, e))?;
    Ok(see_other(&format!("/evaluasi/{slug}/indikator/{code}?tersimpan=tutup"), None))
}
