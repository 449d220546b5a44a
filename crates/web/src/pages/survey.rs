//! The satisfaction survey (SKM, PermenPANRB 14/2017) after a request is done, and the
//! index (IKM) computed from it exactly: per service on its page, and per service, agency
//! and city in the admin office.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{Html, Response};
use chrono::Utc;
use domain::request::ikm::ELEMENTS;
use domain::request::{Ikm, RequestStatus, TrackingCode};
use store::StoreError;
use store::requests::SurveyTotals;

use super::account::{field, form, internal, see_other};
use crate::auth::roles::{Admin, SignedIn};
use crate::error::{PageError, render};
use crate::i18n::Tr;
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx};

/// The nine questions, numbered from 1.
pub fn questions() -> Vec<(usize, &'static str)> {
    ELEMENTS.iter().enumerate().map(|(i, name)| (i + 1, *name)).collect()
}

/// "91,48 (A, Sangat Baik) dari 12 responden", or nothing without answers.
pub fn summary(t: Tr, totals: &SurveyTotals) -> Option<String> {
    let ikm = Ikm::from_totals(totals.respondents, totals.totals).ok()?;
    Some(t.args(
        "ikm-summary",
        &[
            ("score", ikm.to_indonesian_string()),
            ("grade", ikm.grade().as_str().to_string()),
            ("performance", ikm.grade().performance().to_string()),
            ("n", ikm.respondents().to_string()),
        ],
    ))
}

/// `POST /permohonan/{code}/survei`: the person's answers, once per completed request.
pub async fn answer(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let code = TrackingCode::parse(&raw).map_err(|_| PageError::not_found(ctx.lang))?;
    let record = state
        .store
        .own_request(&user.id, code.as_str())
        .await
        .map_err(|e| internal(&ctx, e))?
        .ok_or_else(|| PageError::not_found(ctx.lang))?;
    let t = ctx.tr();
    if record.status != RequestStatus::Completed.as_str() {
        return Err(PageError::bad_request(ctx.lang, t.get("survey-not-yet")));
    }
    let fields = form(&body);
    let mut scores = [0u8; 9];
    for (i, score) in scores.iter_mut().enumerate() {
        *score = match field(&fields, &format!("u{}", i + 1)).parse::<u8>() {
            Ok(s @ 1..=4) => s,
            _ => return Err(PageError::bad_request(ctx.lang, t.with("survey-missing", "element", ELEMENTS[i]))),
        };
    }
    match state.store.record_survey(&record.id, scores, Utc::now()).await {
        Ok(()) | Err(StoreError::Taken(_)) => {
            Ok(see_other(&format!("/permohonan/{}?survei=1", record.tracking_code), None))
        }
        Err(e) => Err(internal(&ctx, e)),
    }
}

pub struct IkmRow {
    pub code: String,
    pub name: String,
    pub score: String,
    pub grade: String,
    pub respondents: u64,
}

#[derive(Template)]
#[template(path = "admin_ikm.html")]
struct IkmPage {
    l: Layout,
    city: Option<String>,
    agencies: Vec<IkmRow>,
    services: Vec<IkmRow>,
}

fn rows(groups: &[SurveyTotals]) -> Vec<IkmRow> {
    groups
        .iter()
        .filter_map(|g| {
            let ikm = Ikm::from_totals(g.respondents, g.totals).ok()?;
            Some(IkmRow {
                code: g.group.clone(),
                name: g.name.clone(),
                score: ikm.to_indonesian_string(),
                grade: format!("{} ({})", ikm.grade().as_str(), ikm.grade().performance()),
                respondents: ikm.respondents(),
            })
        })
        .collect()
}

/// `GET /admin/ikm`: the index per service, agency and city, from the raw totals.
pub async fn admin(State(state): State<AppState>, ctx: PageCtx, _admin: Admin) -> Result<Html<String>, PageError> {
    let (city, services, agencies) = state.store.survey_totals().await.map_err(|e| internal(&ctx, e))?;
    let t = ctx.tr();
    let title = t.get("ikm-title");
    render(
        ctx.lang,
        &IkmPage {
            l: ctx.layout(&state, &title, Nav::None),
            city: summary(t, &city),
            agencies: rows(&agencies),
            services: rows(&services),
        },
    )
}
