//! What an evaluation report shows, as plain data the web and CLI layers fill.
//!
//! Strings are already formatted for people; this crate never recomputes an index or a
//! level, so the PDF shows exactly what the application computed. The `f64` fields exist
//! only to draw charts.

use serde::{Deserialize, Serialize};

/// Everything a cycle's PDF report shows. Strings are already formatted for people (the
/// index values are computed exactly elsewhere and passed as text, e.g. "2,59" or "2.59");
/// the f64 fields are only for drawing charts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EvaluationReport {
    /// The city the report is about, e.g. "Kota Bogor".
    pub city: String,
    /// The cycle's name, e.g. "Evaluasi Smart City 2024 — Tahap II".
    pub title: String,
    /// The framework evaluated against, e.g. "Indeks SPBE (PermenPANRB 59/2020)".
    pub framework: String,
    /// The framework is marked provisional: the cover carries a visible note.
    pub provisional: bool,
    /// The cycle's period, e.g. "1 Oktober 2024 – 30 November 2024".
    pub period: String,
    /// When the report was made, e.g. "30 November 2026 08.00 WIB".
    pub generated_at: String,
    /// The people on the evaluation team, one name each.
    pub team: Vec<String>,
    /// The index and predicate, self-assessed and final.
    pub summary: IndexSummary,
    /// Domains and aspects (SPBE) or evaluation dimensions (Smart City), in display order.
    pub groups: Vec<GroupScore>,
    /// Every indicator of the cycle, in display order.
    pub indicators: Vec<IndicatorRow>,
    /// Innovations (Smart City programmes) with their KPIs and evidence.
    pub innovations: Vec<Innovation>,
    /// Metrics the application generated from its own data (snapshots).
    pub metrics: Vec<MetricSnapshot>,
    /// Evidence the assessors asked for and have not received yet.
    pub open_requests: Vec<EvidenceRequest>,
}

/// The headline figures: index and predicate, as the application formatted them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IndexSummary {
    /// The self-assessed index, e.g. "2,59"; `None` while not computable.
    pub self_index: Option<String>,
    /// The predicate of the self-assessed index, e.g. "Baik".
    pub self_predicate: Option<String>,
    /// The final (verified) index; `None` before verification.
    pub final_index: Option<String>,
    /// The predicate of the final index.
    pub final_predicate: Option<String>,
    /// A remark shown under the figures (e.g. how the index was computed).
    pub note: Option<String>,
}

/// One group's score: a domain or aspect (SPBE) or an evaluation dimension (Smart City).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupScore {
    /// Short code, used as the chart's axis label (e.g. "D1", "A3", "Smart Governance").
    pub code: String,
    /// Full name.
    pub name: String,
    /// 0 = domain, 1 = aspect; deeper groups are indented in the table.
    pub depth: u8,
    /// Self-assessed value on the 0–5 scale, for the chart.
    pub self_value: Option<f64>,
    /// Self-assessed value as shown to people.
    pub self_text: Option<String>,
    /// Final value on the 0–5 scale, for the chart.
    pub final_value: Option<f64>,
    /// Final value as shown to people.
    pub final_text: Option<String>,
}

/// One indicator's line in the report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IndicatorRow {
    /// The indicator's number in the framework, when it has one.
    pub number: Option<u32>,
    /// The indicator's code.
    pub code: String,
    /// The indicator's name.
    pub name: String,
    /// The group (domain/aspect/dimension) it belongs to.
    pub group: String,
    /// The self-assessed level as shown to people.
    pub self_level: Option<String>,
    /// The team's explanation; shortened in the table.
    pub narrative: String,
    /// The final level after verification.
    pub final_level: Option<String>,
    /// Where the indicator is in the evaluation (e.g. "Penilaian mandiri", "Verifikasi").
    pub stage: String,
    /// The assessors' comment.
    pub comment: String,
    /// Evidence attached to the indicator; the table shows how many.
    pub evidence: Vec<EvidenceRef>,
}

/// A piece of evidence: a file, a link, a screenshot or a generated metric.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EvidenceRef {
    /// What the evidence is called.
    pub title: String,
    /// "berkas" | "tautan" | "tangkapan layar" | "metrik".
    pub kind: String,
    /// Absolute link to the file or page; clickable in the PDF.
    pub url: Option<String>,
    /// When it was added or taken, formatted.
    pub date: String,
}

/// An innovation (a Smart City programme) with its data, KPIs and evidence.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Innovation {
    /// The innovation's name.
    pub name: String,
    /// What it does.
    pub description: String,
    /// The Smart City dimension it serves.
    pub dimension: String,
    /// The element of that dimension.
    pub element: String,
    /// The agency (OPD) running it.
    pub agency: String,
    /// When it started, formatted.
    pub launched: String,
    /// Its status, e.g. "Berjalan".
    pub status: String,
    /// A quick win of the masterplan.
    pub quick_win: bool,
    /// Applications that support it.
    pub apps: Vec<String>,
    /// Its key performance indicators.
    pub kpis: Vec<Kpi>,
    /// Evidence for it.
    pub evidence: Vec<EvidenceRef>,
}

/// A key performance indicator with its measured points.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Kpi {
    /// The KPI's name.
    pub name: String,
    /// Unit of the values, e.g. "%" or "pengaduan".
    pub unit: String,
    /// The starting value, formatted.
    pub baseline: String,
    /// The target value, formatted.
    pub target: String,
    /// Measurements in time order; a chart is drawn from two points on.
    pub points: Vec<KpiPoint>,
}

/// One measurement of a KPI.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct KpiPoint {
    /// When it was measured, formatted (also the chart's axis label).
    pub date: String,
    /// The value, for the chart.
    pub value: f64,
    /// The value as shown to people.
    pub text: String,
}

/// A metric the application generated from its own data, frozen at a moment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MetricSnapshot {
    /// The metric's title.
    pub title: String,
    /// The period it covers, formatted.
    pub period: String,
    /// How it was computed.
    pub description: String,
    /// When the snapshot was taken, formatted.
    pub taken_at: String,
    /// `(label, value)` rows of its table.
    pub table: Vec<(String, String)>,
    /// Lines of its chart; no chart when every series is empty.
    pub series: Vec<Series>,
}

/// One line of a chart.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// The line's name in the legend.
    pub name: String,
    /// `(x label, y)` points; series sharing x labels are drawn on the same positions.
    pub points: Vec<(String, f64)>,
}

/// Evidence the assessors asked for and have not received yet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EvidenceRequest {
    /// The indicator it is about (code and name, formatted).
    pub indicator: String,
    /// Who asked.
    pub asked_by: String,
    /// When, formatted.
    pub asked_at: String,
    /// What was asked.
    pub text: String,
}
