//! `/indeks`: the public dashboard — the latest published index of each framework with
//! its domains or dimensions, and the city's innovations. Only what an admin published is
//! shown; the work in progress stays with the team.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use domain::evaluation::Dimension;

use super::account::internal;
use super::eval_cycles::day;
use crate::error::{PageError, render};
use crate::evaluation::cycle::CycleData;
use crate::evaluation::registry;
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx};

pub struct PublishedIndex {
    pub name: String,
    pub framework: String,
    pub provisional: bool,
    pub period: String,
    pub index: Option<String>,
    pub predicate: Option<String>,
    /// Whose levels the index comes from (the assessors', or the team's own).
    pub basis: String,
    /// `(label, value, meter value)`.
    pub parts: Vec<(String, String, String)>,
}

pub struct PublicInnovation {
    pub name: String,
    pub dimension: String,
    pub agency: String,
    pub quick_win: bool,
    pub description: String,
}

#[derive(Template)]
#[template(path = "eval_dashboard.html")]
struct DashboardPage {
    l: Layout,
    indexes: Vec<PublishedIndex>,
    innovations: Vec<PublicInnovation>,
}

fn published(t: crate::i18n::Tr, data: &CycleData) -> PublishedIndex {
    let review = data.assessor_levels();
    let complete = review.iter().all(Option::is_some);
    let (values, basis) = if complete {
        (data.assessor_values(), t.get("eval-index-assessor"))
    } else {
        (data.self_values(), t.get("eval-index-self"))
    };
    let shown = data.shown(&values);
    let framework = &data.framework;
    // Domains (outermost tier) when the framework has groups, else its indicators (the
    // Smart City evaluation dimensions).
    let levels = if complete { review } else { data.self_levels() };
    let parts: Vec<(String, String, String)> = if framework.groups.is_empty() {
        framework
            .indicators
            .iter()
            .zip(&levels)
            .map(|(i, l)| {
                let text = l.map_or_else(|| "–".to_owned(), |v| v.to_fixed(2));
                (i.short_name.clone(), text, l.map_or_else(|| "0".to_owned(), |v| v.to_truncated(2)))
            })
            .collect()
    } else {
        framework
            .groups
            .iter()
            .zip(&values.groups)
            .filter(|(g, _)| g.depth == 0)
            .map(|(g, v)| {
                let text = v.map_or_else(|| "–".to_owned(), |v| v.to_fixed(2));
                (g.name.clone(), text, v.map_or_else(|| "0".to_owned(), |v| v.to_truncated(2)))
            })
            .collect()
    };
    PublishedIndex {
        name: data.cycle.name.clone(),
        framework: format!("{} — {}", framework.name, framework.regulation),
        provisional: framework.provisional,
        period: format!("{} – {}", day(t, &data.cycle.starts_on), day(t, &data.cycle.ends_on)),
        predicate: shown.as_ref().and_then(|s| s.predicate.clone()),
        index: shown.map(|s| s.index),
        basis,
        parts,
    }
}

/// `GET /indeks`.
pub async fn page(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, PageError> {
    let t = ctx.tr();
    let mut indexes = Vec::new();
    for cycle in state.store.published_cycles().await.map_err(|e| internal(&ctx, e))? {
        let data = CycleData::load_without_evidence(&state.store, &cycle.slug).await.map_err(|e| internal(&ctx, e))?;
        if let Some(data) = data {
            indexes.push(published(t, &data));
        }
    }
    let mut dimensions: Vec<Dimension> = Vec::new();
    for framework in registry::frameworks(&state.store).await.map_err(|e| internal(&ctx, e))? {
        dimensions.extend(
            framework
                .dimensions
                .iter()
                .filter(|d| !dimensions.iter().any(|x| x.code == d.code))
                .cloned()
                .collect::<Vec<_>>(),
        );
    }
    let innovations = state
        .store
        .innovations()
        .await
        .map_err(|e| internal(&ctx, e))?
        .into_iter()
        .filter(|i| i.status != "rencana" && i.status != "dihentikan")
        .map(|i| PublicInnovation {
            dimension: dimensions
                .iter()
                .find(|d| d.code == i.dimension)
                .map_or_else(|| i.dimension.clone(), |d| d.name.clone()),
            name: i.name,
            agency: i.agency_name.unwrap_or_default(),
            quick_win: i.quick_win,
            description: i.description.chars().take(300).collect(),
        })
        .collect();
    let title = t.get("eval-dashboard-title");
    let page = DashboardPage { l: ctx.layout(&state, &title, Nav::None), indexes, innovations };
    let html: Html<String> = render(ctx.lang, &page)?;
    Ok(html.into_response())
}
