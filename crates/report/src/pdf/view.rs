//! What the template reads from `data.json`: the report as given, plus what is easier to
//! decide in Rust than in typst (shortened narratives, which charts exist and where).

use serde::Serialize;

use super::charts::{self, Chart};
use crate::{EvaluationReport, IndicatorRow, ReportError};

/// Characters of a narrative or comment shown in the indicator table; the table is an
/// overview, and a full narrative can run to pages.
const NARRATIVE_CHARS: usize = 280;
const COMMENT_CHARS: usize = 160;

/// The template's input.
#[derive(Serialize)]
pub(super) struct View<'a> {
    report: &'a EvaluationReport,
    indicators: Vec<IndicatorView<'a>>,
    /// Path of the chart of groups, when any group has a value.
    group_chart: Option<String>,
    /// Per innovation, per KPI: path of its chart (two measured points or more).
    kpi_charts: Vec<Vec<Option<String>>>,
    /// Per metric snapshot: path of its chart, when it has points.
    metric_charts: Vec<Option<String>>,
}

/// An indicator's row in the table.
#[derive(Serialize)]
struct IndicatorView<'a> {
    number: Option<u32>,
    code: &'a str,
    name: &'a str,
    group: &'a str,
    self_level: Option<&'a str>,
    final_level: Option<&'a str>,
    stage: &'a str,
    narrative: String,
    comment: String,
    evidence_count: usize,
}

impl<'a> IndicatorView<'a> {
    fn new(row: &'a IndicatorRow) -> Self {
        Self {
            number: row.number,
            code: &row.code,
            name: &row.name,
            group: &row.group,
            self_level: row.self_level.as_deref(),
            final_level: row.final_level.as_deref(),
            stage: &row.stage,
            narrative: shorten(&row.narrative, NARRATIVE_CHARS),
            comment: shorten(&row.comment, COMMENT_CHARS),
            evidence_count: row.evidence.len(),
        }
    }
}

/// Builds the template's input and the chart files it refers to.
pub(super) fn build(report: &EvaluationReport) -> Result<(View<'_>, Vec<Chart>), ReportError> {
    let mut files = Vec::new();
    let mut keep = |chart: Option<Chart>| {
        chart.map(|chart| {
            let path = chart.path.clone();
            files.push(chart);
            path
        })
    };
    let group_chart = keep(charts::groups(&report.groups)?);
    let mut kpi_charts = Vec::with_capacity(report.innovations.len());
    for (i, innovation) in report.innovations.iter().enumerate() {
        let mut paths = Vec::with_capacity(innovation.kpis.len());
        for (k, kpi) in innovation.kpis.iter().enumerate() {
            paths.push(keep(charts::kpi(kpi, &format!("/charts/kpi-{i}-{k}.svg"))?));
        }
        kpi_charts.push(paths);
    }
    let mut metric_charts = Vec::with_capacity(report.metrics.len());
    for (i, metric) in report.metrics.iter().enumerate() {
        metric_charts.push(keep(charts::metric(metric, &format!("/charts/metric-{i}.svg"))?));
    }
    let indicators = report.indicators.iter().map(IndicatorView::new).collect();
    Ok((View { report, indicators, group_chart, kpi_charts, metric_charts }, files))
}

/// Folds whitespace (a table cell is one paragraph) and cuts at a word boundary near
/// `max_chars`, marking the cut with an ellipsis.
fn shorten(text: &str, max_chars: usize) -> String {
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.chars().count() <= max_chars {
        return folded;
    }
    let cut = folded.char_indices().nth(max_chars).map_or(folded.len(), |(i, _)| i);
    let head = &folded[..cut];
    // Back up to the last space unless that loses too much (one very long word).
    let head = match head.rfind(' ') {
        Some(space) if cut - space < 40 => &head[..space],
        _ => head,
    };
    let head = head.trim_end_matches(|c: char| c.is_whitespace() || ",.;:-–".contains(c));
    format!("{head}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_only_folded() {
        assert_eq!(shorten("  satu\n\ndua\tbaris ", 100), "satu dua baris");
    }

    #[test]
    fn long_text_is_cut_at_a_word() {
        let text = "Layanan pengaduan terpadu sudah berjalan di semua kecamatan, dengan";
        assert_eq!(shorten(text, 50), "Layanan pengaduan terpadu sudah berjalan di semua…");
    }

    #[test]
    fn cutting_respects_characters_not_bytes() {
        let text = "é".repeat(10);
        assert_eq!(shorten(&text, 4), "éééé…");
        assert_eq!(shorten("🙂🙂🙂 🙂🙂🙂", 5), "🙂🙂🙂…");
    }
}
