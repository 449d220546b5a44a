//! PDF and XLSX rendering for evaluation cycles; keeps heavy dependencies out of everything else.
//!
//! The input is plain data ([`EvaluationReport`], [`IndicatorSheet`]) that the web and CLI
//! layers fill from the domain, so this crate depends on no other workspace crate and the
//! typst tree (~290 crates) is compiled only where reports are made.
//!
//! - [`render_pdf`] typesets a cycle's report with typst: the template is built into the
//!   binary, the data travels as JSON and charts as SVG files in typst's virtual file system
//!   (user text is never spliced into markup), fonts come from `typst-assets`; nothing is
//!   read from disk or fetched from the network.
//! - [`write_indicator_sheet`] and [`read_indicator_sheet`] carry the indicator sheet the
//!   team fills in Excel or LibreOffice; reading lists every problem with its row number.

mod model;
mod pdf;
mod sheet;

pub use model::{
    EvaluationReport, EvidenceRef, EvidenceRequest, GroupScore, IndexSummary, IndicatorRow, Innovation, Kpi, KpiPoint,
    MetricSnapshot, Series,
};
pub use pdf::render_pdf;
pub use sheet::{
    IndicatorSheet, SheetError, SheetProblem, SheetRow, SheetUpdate, read_indicator_sheet, write_indicator_sheet,
};

/// Why a report could not be rendered. Every case is a fault of this crate or its
/// dependencies, never of the data: any text renders.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// typst rejected the template (a bug in `templates/evaluation.typ`).
    #[error("typst: {0}")]
    Typst(String),
    /// typst-pdf could not write the document.
    #[error("PDF: {0}")]
    Pdf(String),
    /// plotters could not draw a chart.
    #[error("grafik: {0}")]
    Chart(String),
    /// The data could not be serialised for the template.
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// rust_xlsxwriter could not write the workbook.
    #[error("XLSX: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}
