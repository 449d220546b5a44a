//! `satupintu evaluation frameworks|compute|import|cycle`.
//!
//! `compute` is for scripts and for checking a spreadsheet: it prints JSON and exits 1 with
//! every problem of the levels file named by line.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use domain::evaluation::{Exact, FileProblem, Framework, Shown, compute, levels_from_rows, parse_framework};
use store::StoreError;
use store::evaluation::NewCycle;
use web::evaluation::registry;

use crate::app;
use crate::cli::{EvaluationWhat, ReportWhat};
use crate::config::Settings;

pub async fn run(settings: &Settings, what: EvaluationWhat) -> anyhow::Result<ExitCode> {
    let store = app::open_store(settings).await?;
    let result = match what {
        EvaluationWhat::Frameworks => {
            for framework in registry::frameworks(&store).await? {
                let origin = if registry::is_shipped(&framework.id) { "bawaan" } else { "impor kota" };
                let provisional = if framework.provisional { ", sementara" } else { "" };
                println!(
                    "{:<22} {} — {} ({} {}, {origin}{provisional})",
                    framework.id,
                    framework.name,
                    framework.regulation,
                    framework.indicators.len(),
                    framework.indicator_label.to_lowercase()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        EvaluationWhat::Compute { framework, levels } => {
            let framework = match find_framework(&store, &framework).await? {
                Ok(f) => f,
                Err(message) => {
                    eprintln!("{message}");
                    store.close().await;
                    return Ok(ExitCode::FAILURE);
                }
            };
            compute_file(&framework, &levels)
        }
        EvaluationWhat::Import { file } => {
            let text = std::fs::read_to_string(&file)?;
            match parse_framework(&text) {
                Err(e) => {
                    for problem in e.0 {
                        eprintln!("{}: {problem}", file.display());
                    }
                    Ok(ExitCode::FAILURE)
                }
                Ok(framework) if registry::is_shipped(&framework.id) => {
                    eprintln!("id {} dipakai kerangka bawaan; beri id lain", framework.id);
                    Ok(ExitCode::FAILURE)
                }
                Ok(framework) => match store.import_framework(&framework.id, &text, "cli", Utc::now()).await {
                    Ok(()) => {
                        println!("{} diimpor: {} indikator", framework.id, framework.indicators.len());
                        Ok(ExitCode::SUCCESS)
                    }
                    Err(StoreError::Taken(_)) => {
                        eprintln!("{} sudah dipakai sebuah siklus evaluasi; impor dengan id baru", framework.id);
                        Ok(ExitCode::FAILURE)
                    }
                    Err(e) => Err(e.into()),
                },
            }
        }
        EvaluationWhat::Cycle { slug, name, framework, from, to } => {
            let problem = if !web::evaluation::valid_slug(&slug) {
                Some("--slug: huruf kecil, angka dan tanda hubung, 3–60 karakter".to_owned())
            } else if registry::framework(&store, &framework).await?.is_none() {
                Some(format!("--framework: {framework} tidak dikenal (lihat `satupintu evaluation frameworks`)"))
            } else {
                match (NaiveDate::parse_from_str(&from, "%Y-%m-%d"), NaiveDate::parse_from_str(&to, "%Y-%m-%d")) {
                    (Ok(a), Ok(b)) if a <= b => None,
                    _ => Some("--from/--to: tanggal YYYY-MM-DD, dari tidak setelah sampai".to_owned()),
                }
            };
            if let Some(problem) = problem {
                eprintln!("{problem}");
                store.close().await;
                return Ok(ExitCode::FAILURE);
            }
            let new =
                NewCycle { slug: &slug, name: name.trim(), framework_id: &framework, starts_on: &from, ends_on: &to };
            match store.create_cycle(&new, "cli", Utc::now()).await {
                Ok(cycle) => {
                    println!("siklus {} dibuat: /evaluasi/{}", cycle.name, cycle.slug);
                    Ok(ExitCode::SUCCESS)
                }
                Err(StoreError::Taken(_)) => {
                    eprintln!("--slug: {slug} sudah dipakai");
                    Ok(ExitCode::FAILURE)
                }
                Err(e) => Err(e.into()),
            }
        }
    };
    store.close().await;
    result
}

/// `satupintu report evaluation CYCLE --out FILE.pdf`.
pub async fn report(settings: &Settings, what: ReportWhat) -> anyhow::Result<ExitCode> {
    let ReportWhat::Evaluation { cycle, out } = what;
    let store = app::open_store(settings).await?;
    let Some(data) = web::evaluation::cycle::CycleData::load(&store, &cycle).await? else {
        eprintln!("tidak ada siklus {cycle} (lihat /evaluasi)");
        store.close().await;
        return Ok(ExitCode::FAILURE);
    };
    let report =
        web::evaluation::export::report(&store, &data, &settings.city_name, &settings.public_url, web::Lang::Id)
            .await?;
    store.close().await;
    let pdf = report::render_pdf(&report)?;
    std::fs::write(&out, &pdf)?;
    println!("{} ({} KB) ditulis", out.display(), pdf.len() / 1024);
    Ok(ExitCode::SUCCESS)
}

/// A framework by id, or read from a file path.
async fn find_framework(store: &store::Store, name: &str) -> anyhow::Result<Result<Arc<Framework>, String>> {
    if let Some(found) = registry::framework(store, name).await? {
        return Ok(Ok(found));
    }
    let path = Path::new(name);
    if !path.is_file() {
        return Ok(Err(format!(
            "--framework: {name} bukan id kerangka ataupun berkas (lihat `satupintu evaluation frameworks`)"
        )));
    }
    let text = std::fs::read_to_string(path)?;
    Ok(parse_framework(&text)
        .map(Arc::new)
        .map_err(|e| e.0.iter().map(|p| format!("{name}: {p}")).collect::<Vec<_>>().join("\n")))
}

/// Reads `indicator,level` (or `dimension,score`) rows with their line numbers; the header
/// decides the separator (`;` is what spreadsheets in Indonesian locales write).
pub fn read_levels_csv(text: &str) -> Result<Vec<(usize, String, String)>, Vec<FileProblem>> {
    let text = text.trim_start_matches('\u{feff}');
    let header = text.lines().next().unwrap_or_default();
    let delimiter = if header.contains(';') { b';' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let names: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_lowercase).collect(),
        Err(e) => return Err(vec![FileProblem { line: 1, reason: e.to_string() }]),
    };
    let column = |options: &[&str]| names.iter().position(|n| options.contains(&n.as_str()));
    let (Some(name_col), Some(level_col)) =
        (column(&["indicator", "indikator", "dimension", "dimensi"]), column(&["level", "score", "nilai", "skor"]))
    else {
        let reason = "kepala kolom harus `indicator,level` atau `dimension,score`".to_owned();
        return Err(vec![FileProblem { line: 1, reason }]);
    };
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        match record {
            Ok(record) => {
                let line = record.position().map_or(0, |p| p.line() as usize);
                if record.iter().all(str::is_empty) {
                    continue;
                }
                let cell = |i: usize| record.get(i).unwrap_or_default().to_owned();
                rows.push((line, cell(name_col), cell(level_col)));
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                problems.push(FileProblem { line, reason: e.to_string() });
            }
        }
    }
    if problems.is_empty() { Ok(rows) } else { Err(problems) }
}

fn compute_file(framework: &Framework, path: &Path) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(path)?;
    let levels = read_levels_csv(&text)
        .and_then(|rows| levels_from_rows(framework, rows.iter().map(|(l, a, b)| (*l, a.as_str(), b.as_str()))));
    let levels = match levels {
        Ok(levels) => levels,
        Err(problems) => {
            for problem in problems {
                eprintln!("{}: {problem}", path.display());
            }
            return Ok(ExitCode::FAILURE);
        }
    };
    let present: Vec<Option<Exact>> = levels.into_iter().map(Some).collect();
    let values = compute(framework, &present);
    let Some(index) = values.index else {
        anyhow::bail!("every indicator has a level, yet no index: the framework has no weights");
    };
    let groups: Vec<serde_json::Value> = framework
        .groups
        .iter()
        .zip(&values.groups)
        .filter_map(|(group, value)| {
            let value = (*value)?;
            Some(serde_json::json!({
                "code": group.code,
                "name": group.name,
                "tier": framework.tiers.get(group.depth),
                "weight": group.weight,
                "index": value.to_fixed(2),
                "value": value.to_truncated(12),
            }))
        })
        .collect();
    let shown = Shown::new(framework, index);
    let out = serde_json::json!({
        "framework": framework.id,
        "name": framework.name,
        "provisional": framework.provisional,
        "index": shown.index,
        "value": shown.value,
        "fraction": shown.fraction,
        "predicate": shown.predicate,
        "near_edge": shown.near_edge,
        "groups": groups,
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(ExitCode::SUCCESS)
}
