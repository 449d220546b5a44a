//! Renders the large report (47 indicators, 50 innovations with 500 evidence items, 6
//! metric snapshots) 5 times and prints the median render time and the PDF's size.
//! `bench/report.sh` runs it in release mode.
//!
//!   cargo run --release -p report --example bench_report [-- OUT.pdf] (OUT.pdf keeps the PDF)

use std::time::{Duration, Instant};

#[path = "../tests/report/fixtures.rs"]
mod fixtures;

const RUNS: usize = 5;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let report = fixtures::large();
    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    let mut pdf = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        pdf = report::render_pdf(&report)?;
        times.push(start.elapsed());
    }
    if let Some(out) = std::env::args().nth(1) {
        std::fs::write(out, &pdf)?;
    }
    let first = times[0];
    times.sort();
    let median = times[RUNS / 2];
    println!(
        "report: {} indicators, {} innovations, {} evidence items, {} metrics",
        report.indicators.len(),
        report.innovations.len(),
        report.innovations.iter().map(|i| i.evidence.len()).sum::<usize>(),
        report.metrics.len()
    );
    println!(
        "render_pdf: median {:.2} s over {RUNS} runs (first, with font loading: {:.2} s)",
        median.as_secs_f64(),
        first.as_secs_f64()
    );
    println!("pdf size: {:.0} KiB", pdf.len() as f64 / 1024.0);
    Ok(())
}
