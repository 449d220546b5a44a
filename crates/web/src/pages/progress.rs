//! The programme's progress: overall, over time, per category and per agency.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use chrono::Utc;
use domain::ProgressPoint;

use crate::error::{PageError, render};
use crate::i18n::Tr;
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx, category_label};

pub struct Row {
    pub key: String,
    pub name: String,
    pub integrated: u64,
    pub in_progress: u64,
    pub planned: u64,
    pub total: u64,
    pub percent: String,
}

pub struct Tick {
    pub pos: i64,
    pub label: String,
}

/// A line chart drawn on the server as SVG (no script; the numbers are also in a table).
pub struct Chart {
    pub width: i64,
    pub height: i64,
    pub left: i64,
    pub right: i64,
    pub bottom: i64,
    pub integrated: String,
    pub total: String,
    pub target_y: i64,
    pub y_ticks: Vec<Tick>,
    pub x_ticks: Vec<Tick>,
    pub points: Vec<(String, u64, u64)>,
}

fn chart(points: &[ProgressPoint], target: u64) -> Chart {
    let (width, height, left, right, top, bottom) = (720, 280, 48, 704, 16, 244);
    let max = points.iter().map(|p| p.total).chain([target, 1]).max().unwrap_or(1);
    // Round the scale up to a tidy number so gridlines fall on round values.
    let step = [10, 20, 25, 50, 100, 200, 250, 500, 1000].into_iter().find(|s| max.div_ceil(*s) <= 8).unwrap_or(1000);
    let top_value = max.div_ceil(step) * step;
    let y = |v: u64| bottom - ((v as f64 / top_value as f64) * (bottom - top) as f64).round() as i64;
    let n = points.len().max(2) as f64 - 1.0;
    let x = |i: usize| left + ((i as f64 / n) * (right - left) as f64).round() as i64;
    let line = |value: fn(&ProgressPoint) -> u64| {
        points.iter().enumerate().map(|(i, p)| format!("{},{}", x(i), y(value(p)))).collect::<Vec<_>>().join(" ")
    };
    let y_ticks = (0..=top_value / step).map(|k| Tick { pos: y(k * step), label: (k * step).to_string() }).collect();
    let x_ticks = points
        .iter()
        .enumerate()
        .filter(|(i, p)| p.month.format("%m").to_string() == "01" || *i == 0)
        .map(|(i, p)| Tick { pos: x(i), label: p.month.format("%Y").to_string() })
        .collect();
    Chart {
        width,
        height,
        left,
        right,
        bottom,
        integrated: line(|p| p.integrated),
        total: line(|p| p.total),
        target_y: y(target),
        y_ticks,
        x_ticks,
        points: points.iter().map(|p| (p.month.format("%Y-%m").to_string(), p.integrated, p.total)).collect(),
    }
}

#[derive(Template)]
#[template(path = "progress.html")]
struct ProgressPage {
    l: Layout,
    integrated: u64,
    in_progress: u64,
    planned: u64,
    total: u64,
    target: u64,
    percent_of_target: String,
    progress_line: String,
    detail_line: String,
    chart: Option<Chart>,
    categories: Vec<Row>,
    agencies: Vec<Row>,
}

fn rows(t: Tr, groups: &[store::AgencyProgress], categories: bool) -> Vec<Row> {
    groups
        .iter()
        .map(|g| Row {
            key: g.key.clone(),
            name: if categories { category_label(t, &g.key, &g.name) } else { g.name.clone() },
            integrated: g.progress.integrated,
            in_progress: g.progress.in_progress,
            planned: g.progress.planned,
            total: g.progress.total,
            percent: format!("{:.1}", g.progress.percent()),
        })
        .collect()
}

pub async fn page(State(state): State<AppState>, ctx: PageCtx) -> Result<Html<String>, PageError> {
    let t = ctx.tr();
    let lang = ctx.lang;
    let store = &state.catalog;
    let overall = store.progress().await.map_err(PageError::store(lang))?;
    let history = store.progress_history(Utc::now()).await.map_err(PageError::store(lang))?;
    let by_category = store.progress_by_category().await.map_err(PageError::store(lang))?;
    let by_agency = store.progress_by_agency().await.map_err(PageError::store(lang))?;
    let target = state.settings.programme_target;
    let page = ProgressPage {
        l: ctx.layout(&state, &t.get("progress-title"), Nav::Progress),
        integrated: overall.integrated,
        in_progress: overall.in_progress,
        planned: overall.planned,
        total: overall.total,
        target,
        percent_of_target: format!("{:.1}", overall.percent_of(target)),
        progress_line: t
            .args("progress-line", &[("integrated", overall.integrated.to_string()), ("target", target.to_string())]),
        detail_line: t.args(
            "progress-detail",
            &[
                ("percent", format!("{:.1}", overall.percent_of(target))),
                ("year", state.settings.programme_target_year.to_string()),
            ],
        ),
        chart: (!history.is_empty()).then(|| chart(&history, target)),
        categories: rows(t, &by_category, true),
        agencies: rows(t, &by_agency, false),
    };
    render(lang, &page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn chart_scales_to_target() {
        let month = |m| NaiveDate::from_ymd_opt(2024, m, 1).unwrap_or_default();
        let points = vec![
            ProgressPoint { month: month(1), integrated: 0, total: 100 },
            ProgressPoint { month: month(2), integrated: 148, total: 327 },
        ];
        let c = chart(&points, 327);
        assert_eq!(c.integrated, "48,244 704,148");
        assert_eq!(c.y_ticks.last().map(|t| t.label.as_str()), Some("350"));
        assert!(c.target_y > 16 && c.target_y < c.bottom);
    }
}
