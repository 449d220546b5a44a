//! The home page: search, categories, popular services and the programme's progress.

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use crate::error::{PageError, render};
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx, ServiceCard, category_label};

pub struct CategoryTile {
    pub slug: String,
    pub name: String,
    pub count: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    l: Layout,
    categories: Vec<CategoryTile>,
    popular: Vec<ServiceCard>,
    integrated: u64,
    target: u64,
    target_year: i32,
    progress_line: String,
    percent: String,
}

pub async fn page(State(state): State<AppState>, ctx: PageCtx) -> Result<Html<String>, PageError> {
    let t = ctx.tr();
    let store = &state.catalog;
    let fail = PageError::store;
    let categories = store.list_categories().await.map_err(fail(ctx.lang))?;
    let popular = store.popular_services(8).await.map_err(fail(ctx.lang))?;
    let progress = store.progress().await.map_err(fail(ctx.lang))?;
    let target = state.settings.programme_target;
    let page = HomePage {
        l: ctx.layout(&state, &t.get("home-title"), Nav::Home),
        categories: categories
            .iter()
            .map(|c| CategoryTile {
                slug: c.slug.clone(),
                name: category_label(t, &c.slug, &c.name),
                count: t.count("services-count", c.services),
            })
            .collect(),
        popular: popular.iter().map(|s| ServiceCard::new(t, s)).collect(),
        integrated: progress.integrated,
        target,
        target_year: state.settings.programme_target_year,
        progress_line: t
            .args("progress-line", &[("integrated", progress.integrated.to_string()), ("target", target.to_string())]),
        percent: format!("{:.1}", progress.percent_of(target)),
    };
    render(ctx.lang, &page)
}
