//! External checkers (poppler-utils): required under `scripts/test`, optional elsewhere.

use std::process::Command;

/// Whether `name` can be run. When it cannot: fails if `SATUPINTU_TEST_REQUIRE_TOOLS=1`
/// (as `scripts/test` sets), otherwise prints why the check is skipped.
pub fn available(name: &str, package: &str) -> bool {
    if Command::new(name).arg("-v").output().is_ok() {
        return true;
    }
    let message = format!("{name} is missing: install {package} (apt-get install {package})");
    if std::env::var("SATUPINTU_TEST_REQUIRE_TOOLS").is_ok_and(|v| v == "1") {
        panic!("{message}; SATUPINTU_TEST_REQUIRE_TOOLS=1 requires it");
    }
    eprintln!("note: check skipped, {message}");
    false
}

/// Runs `tool ARGS… FILE` on the PDF and returns its standard output.
pub fn run_on_pdf(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("laporan.pdf");
    std::fs::write(&path, pdf).expect("write the PDF");
    let output = Command::new(tool).args(args).arg(&path).args(out_arg(tool)).output().expect("run the tool");
    assert!(output.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// pdftotext writes next to the input unless told to use standard output.
fn out_arg(tool: &str) -> &'static [&'static str] {
    if tool == "pdftotext" { &["-"] } else { &[] }
}

/// The PDF's text with all runs of whitespace folded to one space (lines wrap anywhere).
pub fn pdf_text(pdf: &[u8]) -> String {
    let text = run_on_pdf("pdftotext", &["-enc", "UTF-8"], pdf);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
