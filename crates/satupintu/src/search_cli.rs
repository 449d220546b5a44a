//! `satupintu search …`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use chrono::{Days, Utc};
use search::eval::{Outcome, evaluate, parse_jsonl, summarize};
use search::{SearchFilter, Synonyms};

use crate::app;
use crate::cli::{SearchWhat, SynonymsWhat};
use crate::commands::progress_bar;
use crate::config::Settings;

pub async fn run(settings: &Settings, what: SearchWhat) -> anyhow::Result<ExitCode> {
    let store = app::open_store(settings).await?;
    let code = match what {
        SearchWhat::Reindex => reindex(&store).await?,
        SearchWhat::Query { text, limit } => {
            let (_, index) = web::search::build_index(&store, |_| {}).await?;
            let results = index.search(&text, &SearchFilter::default(), 0, limit, false)?;
            for hit in &results.hits {
                println!("{:<28} {:>7.1}  {}", hit.doc.code, hit.score, hit.doc.name);
            }
            println!("{} result(s) for \"{}\"", results.total, results.normalized);
            if let Some(s) = results.suggestion {
                println!("Maksud Anda: {s}?");
            }
            ExitCode::SUCCESS
        }
        SearchWhat::Eval { file, split } => eval(&store, &file, split.as_deref()).await?,
        SearchWhat::Synonyms { what: SynonymsWhat::Import { file } } => {
            let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            match Synonyms::parse_csv(&bytes) {
                Ok(synonyms) => {
                    store.replace_synonyms(&web::search::synonym_rows(&synonyms)).await?;
                    println!("imported {} synonym groups", synonyms.groups().len());
                    ExitCode::SUCCESS
                }
                Err(problems) => {
                    for p in &problems {
                        eprintln!("{p}");
                    }
                    eprintln!("{} problem(s); nothing was imported.", problems.len());
                    ExitCode::FAILURE
                }
            }
        }
        SearchWhat::Synonyms { what: SynonymsWhat::Export { file } } => {
            let synonyms = web::search::load_synonyms(&store).await?;
            std::fs::write(&file, synonyms.to_csv()).with_context(|| format!("writing {}", file.display()))?;
            println!("exported {} synonym groups to {}", synonyms.groups().len(), file.display());
            ExitCode::SUCCESS
        }
        SearchWhat::Analytics { days, limit } => {
            let since = Utc::now().date_naive().checked_sub_days(Days::new(u64::from(days))).unwrap_or_default();
            let stats = store.search_stats(since, 100_000).await?;
            println!("Top queries, last {days} days (searches, without results, clicks, click-through):");
            for s in stats.iter().take(limit as usize) {
                let ctr = if s.searches > 0 { 100.0 * s.clicks as f64 / s.searches as f64 } else { 0.0 };
                println!("  {:>6} {:>6} {:>6} {:>5.0}%  {}", s.searches, s.zero_results, s.clicks, ctr, s.query);
            }
            println!("Queries without results (add keywords or synonyms for these):");
            for s in stats.iter().filter(|s| s.zero_results > 0).take(limit as usize) {
                println!("  {:>6}  {}", s.zero_results, s.query);
            }
            ExitCode::SUCCESS
        }
    };
    store.close().await;
    Ok(code)
}

async fn reindex(store: &store::Store) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let total = store.progress().await?.total as usize;
    let bar = progress_bar(total);
    let tick = bar.clone();
    let (_, index) = web::search::build_index(store, move |n| tick.set_position(n as u64)).await?;
    bar.finish_and_clear();
    let stats = index.stats();
    // Running servers rebuild from the database too: the marker with a revision bump tells them.
    store.set_meta_and_notify(web::search::REINDEX_MARKER, &Utc::now().to_rfc3339()).await?;
    println!(
        "indexed {} services in {:.2} s ({:.1} MB); running servers refresh within a second",
        stats.documents,
        started.elapsed().as_secs_f64(),
        stats.bytes as f64 / 1e6
    );
    Ok(ExitCode::SUCCESS)
}

fn print_summary(label: &str, outcomes: &[&Outcome]) {
    let s = summarize(outcomes.iter().copied());
    if s.queries > 0 {
        println!(
            "{label:<14} {:>4} queries  MRR {:.3}  nDCG@5 {:.3}  recall@5 {:.3}",
            s.queries, s.mrr, s.ndcg5, s.recall5
        );
    }
}

async fn eval(store: &store::Store, file: &Path, split: Option<&str>) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let mut queries = parse_jsonl(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    if let Some(split) = split {
        queries.retain(|q| q.split == split);
    }
    let (_, index) = web::search::build_index(store, |_| {}).await?;
    let outcomes = evaluate(&index, &queries)?;
    let all: Vec<&Outcome> = outcomes.iter().collect();
    print_summary("all", &all);
    let mut groups: Vec<String> = outcomes.iter().flat_map(|o| [o.query.kind.clone(), o.query.split.clone()]).collect();
    groups.sort();
    groups.dedup();
    for group in groups.iter().filter(|g| !g.is_empty()) {
        let subset: Vec<&Outcome> =
            outcomes.iter().filter(|o| o.query.kind == *group || o.query.split == *group).collect();
        print_summary(group, &subset);
    }
    let failing: Vec<&Outcome> = outcomes.iter().filter(|o| o.reciprocal_rank < 1.0).collect();
    if !failing.is_empty() {
        println!("\nnot first ({}):", failing.len());
        for o in failing {
            println!(
                "  rr {:.2}  {:<36} want {:<28} got {}",
                o.reciprocal_rank,
                format!("\"{}\"", o.query.q),
                o.query.relevant.join(","),
                o.ranked.iter().take(3).cloned().collect::<Vec<_>>().join(",")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
