//! `/evaluasi`: the evaluation cycles, one cycle's overview (index, domains, indicators,
//! open evidence requests), its team and publishing.

use std::collections::HashMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, Utc};
use domain::evaluation::{Exact, IndexValues, Stage};
use domain::identity::Role;
use store::StoreError;
use store::evaluation::NewCycle;

use super::account::{field, form, internal, see_other};
use crate::auth::roles::SignedIn;
use crate::error::{PageError, render};
use crate::evaluation::cycle::CycleData;
use crate::evaluation::{Access, access, registry, valid_slug};
use crate::i18n::Tr;
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx};

/// A cycle as listed.
pub struct CycleRow {
    pub slug: String,
    pub name: String,
    pub framework: String,
    pub period: String,
    pub published: bool,
}

#[derive(Template)]
#[template(path = "eval_home.html")]
struct HomePage {
    l: Layout,
    cycles: Vec<CycleRow>,
    /// `(id, name)` for the new-cycle form; empty unless the reader is an admin.
    frameworks: Vec<(String, String)>,
    error: Option<String>,
    typed: CycleForm,
}

/// What was typed into the new-cycle form, shown again when it is refused.
#[derive(Default)]
struct CycleForm {
    nama: String,
    slug: String,
    kerangka: String,
    mulai: String,
    selesai: String,
}

impl CycleForm {
    fn from(fields: &[(String, String)]) -> Self {
        let get = |name: &str| field(fields, name).to_owned();
        Self {
            nama: get("nama"),
            slug: get("slug"),
            kerangka: get("kerangka"),
            mulai: get("mulai"),
            selesai: get("selesai"),
        }
    }
}

fn typed<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    field(fields, name)
}

pub use crate::evaluation::day;

async fn home_page(
    state: &AppState,
    ctx: &PageCtx,
    user: &store::User,
    status: StatusCode,
    error: Option<String>,
    fields: Vec<(String, String)>,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let store = &state.store;
    let mut cycles = Vec::new();
    for cycle in store.cycles().await.map_err(|e| internal(ctx, e))? {
        if access(store, user, &cycle.id).await.map_err(|e| internal(ctx, e))?.is_none() {
            continue;
        }
        let framework = registry::framework(store, &cycle.framework_id).await.map_err(|e| internal(ctx, e))?;
        cycles.push(CycleRow {
            framework: framework.map_or_else(|| cycle.framework_id.clone(), |f| f.name.clone()),
            period: format!("{} – {}", day(t, &cycle.starts_on), day(t, &cycle.ends_on)),
            published: cycle.published_at.is_some(),
            slug: cycle.slug,
            name: cycle.name,
        });
    }
    let frameworks = if user.role == Role::Admin {
        registry::frameworks(store)
            .await
            .map_err(|e| internal(ctx, e))?
            .iter()
            .map(|f| (f.id.clone(), format!("{} ({})", f.name, f.regulation)))
            .collect()
    } else {
        Vec::new()
    };
    let title = t.get("eval-title");
    let typed = CycleForm::from(&fields);
    let page = HomePage { l: ctx.layout(state, &title, Nav::None), cycles, frameworks, error, typed };
    Ok((status, render(ctx.lang, &page)?).into_response())
}

/// `GET /evaluasi`: the cycles the reader may see. Citizens are refused: the work in
/// progress is the team's; the public reads `/indeks`.
pub async fn home(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
) -> Result<Response, PageError> {
    if user.role == Role::Warga && !has_any_cycle(&state, &user).await.map_err(|e| internal(&ctx, e))? {
        return Err(PageError::forbidden(ctx.lang));
    }
    home_page(&state, &ctx, &user, StatusCode::OK, None, Vec::new()).await
}

async fn has_any_cycle(state: &AppState, user: &store::User) -> Result<bool, StoreError> {
    for cycle in state.store.cycles().await? {
        if state.store.on_team(&cycle.id, &user.id).await? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `POST /evaluasi`: an admin starts a cycle.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    body: Bytes,
) -> Result<Response, PageError> {
    if user.role != Role::Admin {
        return Err(PageError::forbidden(ctx.lang));
    }
    let t = ctx.tr();
    let fields = form(&body);
    let slug = typed(&fields, "slug").trim().to_lowercase();
    let name = domain::text::tidy(typed(&fields, "nama"));
    let framework = typed(&fields, "kerangka");
    let (from, to) = (typed(&fields, "mulai"), typed(&fields, "selesai"));
    let known = registry::framework(&state.store, framework).await.map_err(|e| internal(&ctx, e))?.is_some();
    let dates = NaiveDate::parse_from_str(from, "%Y-%m-%d").ok().zip(NaiveDate::parse_from_str(to, "%Y-%m-%d").ok());
    let problem = if name.is_empty() || name.chars().count() > 200 {
        Some(t.get("eval-cycle-name-invalid"))
    } else if !valid_slug(&slug) {
        Some(t.get("eval-cycle-slug-invalid"))
    } else if !known {
        Some(t.get("eval-cycle-framework-invalid"))
    } else if dates.is_none_or(|(a, b)| a > b) {
        Some(t.get("eval-cycle-dates-invalid"))
    } else {
        None
    };
    if let Some(problem) = problem {
        return home_page(&state, &ctx, &user, StatusCode::UNPROCESSABLE_ENTITY, Some(problem), fields).await;
    }
    let new = NewCycle { slug: &slug, name: &name, framework_id: framework, starts_on: from, ends_on: to };
    match state.store.create_cycle(&new, &user.id, Utc::now()).await {
        Ok(cycle) => {
            // The admin who starts a cycle is on its team from the start.
            state
                .store
                .set_team_member(&cycle.id, &user.id, true, &user.id, Utc::now())
                .await
                .map_err(|e| internal(&ctx, e))?;
            Ok(see_other(&format!("/evaluasi/{}", cycle.slug), None))
        }
        Err(StoreError::Taken(_)) => {
            let problem = t.get("eval-cycle-slug-taken");
            home_page(&state, &ctx, &user, StatusCode::CONFLICT, Some(problem), fields).await
        }
        Err(e) => Err(internal(&ctx, e)),
    }
}

/// Loads a cycle and what the reader may do in it; 404 for an unknown cycle, 403 for a
/// reader without access.
pub async fn load(
    state: &AppState,
    ctx: &PageCtx,
    user: &store::User,
    slug: &str,
) -> Result<(CycleData, Access), PageError> {
    let data = CycleData::load(&state.store, slug).await.map_err(|e| internal(ctx, e))?;
    allowed(state, ctx, user, data).await
}

/// `load` without the evidence, for the overview and the team and publish forms that
/// answer with it: the overview shows only counts of evidence (`Store::evidence_counts`).
async fn load_overview(
    state: &AppState,
    ctx: &PageCtx,
    user: &store::User,
    slug: &str,
) -> Result<(CycleData, Access), PageError> {
    let data = CycleData::load_without_evidence(&state.store, slug).await.map_err(|e| internal(ctx, e))?;
    allowed(state, ctx, user, data).await
}

async fn allowed(
    state: &AppState,
    ctx: &PageCtx,
    user: &store::User,
    data: Option<CycleData>,
) -> Result<(CycleData, Access), PageError> {
    let data = data.ok_or_else(|| PageError::not_found(ctx.lang))?;
    let access = access(&state.store, user, &data.cycle.id).await.map_err(|e| internal(ctx, e))?;
    Ok((data, access.ok_or_else(|| PageError::forbidden(ctx.lang))?))
}

/// A level as shown in a table: "3", "3.84", or a dash.
pub fn level_text(data: &CycleData, level: Option<Exact>) -> String {
    level.map_or_else(|| "–".to_owned(), |l| data.framework.scale.show(l))
}

pub struct IndexLine {
    pub label: String,
    pub index: Option<String>,
    pub predicate: Option<String>,
    pub near_edge: Option<String>,
    /// "12 of 47 indicators have a level", while the index cannot be computed yet.
    pub incomplete: String,
}

pub fn index_line(t: Tr, data: &CycleData, values: &IndexValues, levels: &[Option<Exact>], label: &str) -> IndexLine {
    let shown = data.shown(values);
    IndexLine {
        label: t.get(label),
        predicate: shown.as_ref().and_then(|s| s.predicate.clone()),
        near_edge: shown.as_ref().and_then(|s| s.near_edge.clone()),
        index: shown.map(|s| s.index),
        incomplete: t.args(
            "eval-incomplete",
            &[("n", levels.iter().filter(|l| l.is_some()).count().to_string()), ("total", levels.len().to_string())],
        ),
    }
}

pub struct GroupLine {
    pub code: String,
    pub name: String,
    pub tier: String,
    pub nested: bool,
    pub self_value: String,
    pub assessor_value: String,
    /// For `<meter>`: the value cut to 2 decimals (a bar, not a figure).
    pub self_meter: String,
    pub assessor_meter: String,
}

pub struct IndicatorLine {
    pub code: String,
    pub title: String,
    pub group: String,
    pub self_level: String,
    pub assessor_level: String,
    pub assessor_stage: String,
    pub evidence: usize,
    pub open_requests: usize,
}

pub struct RequestLine {
    pub indicator: String,
    pub title: String,
    pub text: String,
    pub asked: String,
    pub answered: bool,
}

#[derive(Template)]
#[template(path = "eval_cycle.html")]
struct CyclePage {
    l: Layout,
    slug: String,
    name: String,
    framework: String,
    provisional: bool,
    period: String,
    published: bool,
    access: Access,
    indexes: Vec<IndexLine>,
    groups: Vec<GroupLine>,
    indicators: Vec<IndicatorLine>,
    indicator_label: String,
    requests: Vec<RequestLine>,
    team: Vec<(String, String)>,
    notice: Option<String>,
    error: Option<String>,
}

fn group_lines(data: &CycleData, own: &IndexValues, review: &IndexValues) -> Vec<GroupLine> {
    let show = |v: Option<Exact>| v.map_or_else(|| "–".to_owned(), |v| v.to_fixed(2));
    let meter = |v: Option<Exact>| v.map_or_else(|| "0".to_owned(), |v| v.to_truncated(2));
    data.framework
        .groups
        .iter()
        .enumerate()
        .map(|(g, group)| GroupLine {
            code: group.code.clone(),
            name: group.name.clone(),
            tier: data.framework.tiers.get(group.depth).cloned().unwrap_or_default(),
            nested: group.depth > 0,
            self_value: show(own.groups[g]),
            assessor_value: show(review.groups[g]),
            self_meter: meter(own.groups[g]),
            assessor_meter: meter(review.groups[g]),
        })
        .collect()
}

/// The indicators table; `evidence` counts items per indicator code.
pub fn indicator_lines(t: Tr, data: &CycleData, evidence: &HashMap<String, usize>) -> Vec<IndicatorLine> {
    let framework = &data.framework;
    framework
        .indicators
        .iter()
        .enumerate()
        .map(|(i, indicator)| {
            let stages = &data.current[i];
            let review = data.assessor_current(stages);
            IndicatorLine {
                code: indicator.code.clone(),
                title: framework.indicator_title(i),
                group: indicator.group.map(|g| framework.groups[g].code.clone()).unwrap_or_default(),
                self_level: level_text(data, stages[0].as_ref().map(|c| c.level)),
                assessor_level: level_text(data, review.map(|(_, c)| c.level)),
                assessor_stage: review.map(|(s, _)| t.get(&format!("eval-stage-{}", s.as_str()))).unwrap_or_default(),
                evidence: evidence.get(&indicator.code).copied().unwrap_or(0),
                open_requests: data.open_requests_for(&indicator.code).count(),
            }
        })
        .collect()
}

async fn cycle_page(
    state: &AppState,
    ctx: &PageCtx,
    data: CycleData,
    access: Access,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let own_levels = data.self_levels();
    let review_levels = data.assessor_levels();
    let (own, review) = (data.self_values(), data.assessor_values());
    let indexes = vec![
        index_line(t, &data, &own, &own_levels, "eval-index-self"),
        index_line(t, &data, &review, &review_levels, "eval-index-assessor"),
    ];
    let requests = data
        .open_requests()
        .map(|r| RequestLine {
            title: data
                .framework
                .indicator(&r.indicator)
                .map_or_else(|| r.indicator.clone(), |i| data.framework.indicator_title(i)),
            indicator: r.indicator.clone(),
            text: r.text.clone(),
            asked: super::office::local_time(r.asked_at),
            answered: r.answered_at.is_some(),
        })
        .collect();
    let evidence = state.store.evidence_counts(&data.cycle.id).await.map_err(|e| internal(ctx, e))?;
    let team = state
        .store
        .team(&data.cycle.id)
        .await
        .map_err(|e| internal(ctx, e))?
        .into_iter()
        .map(|m| (m.user_id, format!("{}{}", m.name, m.email.map(|e| format!(" ({e})")).unwrap_or_default())))
        .collect();
    let page = CyclePage {
        l: ctx.layout(state, &data.cycle.name, Nav::None),
        slug: data.cycle.slug.clone(),
        name: data.cycle.name.clone(),
        framework: format!("{} — {}", data.framework.name, data.framework.regulation),
        provisional: data.framework.provisional,
        period: format!("{} – {}", day(t, &data.cycle.starts_on), day(t, &data.cycle.ends_on)),
        published: data.cycle.published_at.is_some(),
        access,
        groups: group_lines(&data, &own, &review),
        indicators: indicator_lines(t, &data, &evidence),
        indicator_label: data.framework.indicator_label.clone(),
        indexes,
        requests,
        team,
        notice,
        error,
    };
    Ok((status, render(ctx.lang, &page)?).into_response())
}

/// `GET /evaluasi/{slug}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Result<Response, PageError> {
    let (data, access) = load_overview(&state, &ctx, &user, &slug).await?;
    let params = crate::query::pairs(raw.as_deref());
    let t = ctx.tr();
    let notice = match field(&params, "tersimpan") {
        "tim" => Some(t.get("eval-saved-team")),
        "terbit" => Some(t.get("eval-saved-publish")),
        other => {
            other.strip_prefix("lembar").and_then(|n| n.parse::<u64>().ok()).map(|n| t.with("eval-saved-sheet", "n", n))
        }
    };
    cycle_page(&state, &ctx, data, access, StatusCode::OK, notice, None).await
}

/// `POST /evaluasi/{slug}/tim`: an admin adds (by e-mail) or removes a team member.
pub async fn team(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let (data, access) = load_overview(&state, &ctx, &user, &slug).await?;
    if !access.is_admin() {
        return Err(PageError::forbidden(ctx.lang));
    }
    let t = ctx.tr();
    let fields = form(&body);
    let now = Utc::now();
    let remove = field(&fields, "hapus");
    if !remove.is_empty() {
        state
            .store
            .set_team_member(&data.cycle.id, remove, false, &user.id, now)
            .await
            .map_err(|e| internal(&ctx, e))?;
        return Ok(see_other(&format!("/evaluasi/{slug}?tersimpan=tim"), None));
    }
    let email = field(&fields, "email").trim().to_lowercase();
    let member = match domain::identity::Email::parse(&email) {
        Ok(email) => state.store.user_by_email(&email).await.map_err(|e| internal(&ctx, e))?,
        Err(_) => None,
    };
    let Some(member) = member else {
        let error = Some(t.with("eval-team-unknown", "email", &email));
        return cycle_page(&state, &ctx, data, access, StatusCode::UNPROCESSABLE_ENTITY, None, error).await;
    };
    if member.role == Role::Asesor {
        // An assessor on the team would review the team's own work.
        let error = Some(t.get("eval-team-assessor"));
        return cycle_page(&state, &ctx, data, access, StatusCode::UNPROCESSABLE_ENTITY, None, error).await;
    }
    state
        .store
        .set_team_member(&data.cycle.id, &member.id, true, &user.id, now)
        .await
        .map_err(|e| internal(&ctx, e))?;
    Ok(see_other(&format!("/evaluasi/{slug}?tersimpan=tim"), None))
}

/// `POST /evaluasi/{slug}/terbitkan`: an admin shows the cycle on `/indeks`, or withdraws it.
pub async fn publish(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let (data, access) = load_overview(&state, &ctx, &user, &slug).await?;
    if !access.is_admin() {
        return Err(PageError::forbidden(ctx.lang));
    }
    let fields = form(&body);
    let now = Utc::now();
    let at = (field(&fields, "terbit") == "1").then_some(now);
    state.store.publish_cycle(&data.cycle.id, at, &user.id, now).await.map_err(|e| internal(&ctx, e))?;
    Ok(see_other(&format!("/evaluasi/{slug}?tersimpan=terbit"), None))
}

/// The stage a form names, if it is one an assessor may write.
pub fn assessor_stage(code: &str) -> Option<Stage> {
    Stage::parse(code).filter(|s| s.is_assessor_stage())
}
