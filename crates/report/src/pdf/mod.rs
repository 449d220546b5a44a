//! The evaluation report as PDF, typeset by typst.

mod charts;
mod view;

use std::sync::OnceLock;

use typst::diag::SourceDiagnostic;
use typst::foundations::Bytes;
use typst::text::Font;
use typst_as_lib::{TypstAsLibError, TypstEngine};
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

use crate::{EvaluationReport, ReportError};

/// The template's path in typst's virtual file system; data and charts sit next to it.
const TEMPLATE_PATH: &str = "/evaluation.typ";
const TEMPLATE: &str = include_str!("../../templates/evaluation.typ");
/// Where the template reads its data (`json("/data.json")`).
const DATA_PATH: &str = "/data.json";

/// The fonts built into the binary, parsed once per process: parsing ~17 font files is the
/// costly part of setting up typst, while the rest of an engine is cheap to build per render.
fn fonts() -> &'static [Font] {
    static FONTS: OnceLock<Vec<Font>> = OnceLock::new();
    FONTS.get_or_init(|| typst_assets::fonts().flat_map(|data| Font::iter(Bytes::new(data))).collect())
}

/// Renders a cycle's report as an A4 PDF with its fonts embedded.
///
/// Every piece of text is passed to typst as data, so any character (`#`, `$`, `<`, emoji)
/// prints as typed. Empty sections say so instead of disappearing.
///
/// CPU-bound (0.3 s for a 60-page cycle in a release build, seconds in a debug build): call it
/// from `tokio::task::spawn_blocking`, not on the async executor.
pub fn render_pdf(report: &EvaluationReport) -> Result<Vec<u8>, ReportError> {
    let (view, charts) = view::build(report)?;
    let data = serde_json::to_vec(&view)?;
    let mut files = vec![(DATA_PATH.to_string(), Bytes::new(data))];
    files.extend(charts.into_iter().map(|chart| (chart.path, Bytes::new(chart.svg.into_bytes()))));
    // The engine owns this render's files, so each render builds its own; the fonts (the
    // expensive part) are shared.
    let engine = TypstEngine::builder()
        .fonts(fonts().iter().cloned())
        .with_static_source_file_resolver([(TEMPLATE_PATH, TEMPLATE)])
        .with_static_file_resolver(files.iter().map(|(path, bytes)| (path.as_str(), bytes.clone())))
        .build();
    let document: PagedDocument = engine.compile(TEMPLATE_PATH).output.map_err(typst_error)?;
    typst_pdf::pdf(&document, &PdfOptions::default()).map_err(|errors| ReportError::Pdf(diagnostics(&errors)))
}

fn typst_error(error: TypstAsLibError) -> ReportError {
    match error {
        TypstAsLibError::TypstSource(errors) => ReportError::Typst(diagnostics(&errors)),
        other => ReportError::Typst(other.to_string()),
    }
}

fn diagnostics(errors: &[SourceDiagnostic]) -> String {
    let messages: Vec<String> = errors
        .iter()
        .map(|e| {
            let hints: Vec<&str> = e.hints.iter().map(|h| h.v.as_str()).collect();
            if hints.is_empty() { e.message.to_string() } else { format!("{} ({})", e.message, hints.join("; ")) }
        })
        .collect();
    messages.join("; ")
}
