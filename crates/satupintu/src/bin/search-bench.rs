//! Search benchmark, in-process: satupintu's index next to SQLite FTS5 with bm25 (the
//! baseline a developer would otherwise pick), on the same catalog and queries.
//!
//! usage: search-bench CATALOG.csv QUERIES.jsonl [REPEATS]
//!
//! Prints index build time and size, p50/p99 latency of one query, and MRR, nDCG@5 and
//! recall@5 for both. Used by `bench/search.sh`; not part of the product.

use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Utc;
use interchange::{Format, read_catalog_bytes};
use search::eval::{LabelledQuery, Outcome, parse_jsonl, score, summarize};
use search::{SearchDoc, SearchFilter, SearchIndex, Synonyms};
use sqlx::{Connection, Row, SqliteConnection};

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

struct Run {
    name: &'static str,
    build: Duration,
    bytes: u64,
    latencies: Vec<Duration>,
    outcomes: Vec<Outcome>,
}

fn docs(path: &str) -> anyhow::Result<Vec<SearchDoc>> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {path}"))?;
    let entries = read_catalog_bytes(&bytes, Format::Csv, Utc::now()).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok(entries
        .iter()
        .map(|e| SearchDoc::from_service(&e.service, e.agency_name.as_deref().unwrap_or_default(), "", 0))
        .collect())
}

fn satupintu(docs: Vec<SearchDoc>, queries: &[LabelledQuery], repeats: usize) -> anyhow::Result<Run> {
    let started = Instant::now();
    let synonyms = Synonyms::default_set().map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let index = SearchIndex::build(docs, synonyms, |_| {})?;
    let build = started.elapsed();
    let bytes = index.stats().bytes;
    let mut latencies = Vec::new();
    let mut outcomes = Vec::new();
    for round in 0..repeats {
        for q in queries {
            let t = Instant::now();
            let results = index.search(&q.q, &SearchFilter::default(), 0, 10, false)?;
            latencies.push(t.elapsed());
            if round == 0 {
                let ranked: Vec<String> = results.hits.iter().map(|h| h.doc.code.clone()).collect();
                outcomes.push(score(q, &ranked));
            }
        }
    }
    if std::env::var_os("SLOWEST").is_some() {
        let mut per_query: Vec<(Duration, &str)> =
            queries.iter().enumerate().map(|(i, q)| (latencies[i], q.q.as_str())).collect();
        per_query.sort();
        for (d, q) in per_query.iter().rev().take(12) {
            eprintln!("slow: {:>7.3} ms  {q}", d.as_secs_f64() * 1000.0);
        }
    }
    Ok(Run { name: "satupintu", build, bytes, latencies, outcomes })
}

/// Words of the query as an FTS5 expression: each quoted (so nothing is syntax), OR'ed.
fn fts_query(q: &str) -> Option<String> {
    let words: Vec<String> =
        search::normalize(q).split(' ').filter(|w| !w.is_empty()).map(|w| format!("\"{w}\"")).collect();
    (!words.is_empty()).then(|| words.join(" OR "))
}

async fn fts5(docs: &[SearchDoc], queries: &[LabelledQuery], repeats: usize) -> anyhow::Result<Run> {
    let mut conn = SqliteConnection::connect("sqlite::memory:").await?;
    let started = Instant::now();
    sqlx::query(
        "CREATE VIRTUAL TABLE services USING fts5(code UNINDEXED, name, keywords, body, \
         tokenize = 'unicode61 remove_diacritics 2')",
    )
    .execute(&mut conn)
    .await?;
    let mut tx = conn.begin().await?;
    for d in docs {
        sqlx::query("INSERT INTO services (code, name, keywords, body) VALUES ($1, $2, $3, $4)")
            .bind(&d.code)
            .bind(&d.name)
            .bind(d.keywords.join(" "))
            .bind(format!("{} {} {} {}", d.summary, d.body, d.agency_name, d.category_name))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    let build = started.elapsed();
    let pages: i64 = sqlx::query("PRAGMA page_count").fetch_one(&mut conn).await?.try_get(0)?;
    let page_size: i64 = sqlx::query("PRAGMA page_size").fetch_one(&mut conn).await?.try_get(0)?;
    let mut latencies = Vec::new();
    let mut outcomes = Vec::new();
    for round in 0..repeats {
        for q in queries {
            let t = Instant::now();
            let ranked: Vec<String> = match fts_query(&q.q) {
                Some(expr) => sqlx::query(
                    "SELECT code FROM services WHERE services MATCH $1 \
                     ORDER BY bm25(services, 0.0, 10.0, 5.0, 1.0) LIMIT 10",
                )
                .bind(expr)
                .fetch_all(&mut conn)
                .await?
                .iter()
                .map(|r| r.try_get::<String, _>(0))
                .collect::<Result<_, _>>()?,
                None => Vec::new(),
            };
            latencies.push(t.elapsed());
            if round == 0 {
                outcomes.push(score(q, &ranked));
            }
        }
    }
    Ok(Run { name: "SQLite FTS5 bm25", build, bytes: (pages * page_size) as u64, latencies, outcomes })
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(catalog), Some(queries)) = (args.get(1), args.get(2)) else {
        anyhow::bail!("usage: search-bench CATALOG.csv QUERIES.jsonl [REPEATS]");
    };
    let repeats: usize = args.get(3).map(|r| r.parse()).transpose()?.unwrap_or(5);
    let docs = docs(catalog)?;
    let queries = parse_jsonl(&std::fs::read_to_string(queries)?).map_err(|e| anyhow::anyhow!(e))?;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let baseline = rt.block_on(fts5(&docs, &queries, repeats))?;
    let ours = satupintu(docs.clone(), &queries, repeats)?;
    println!("{} services, {} queries x {repeats}, one query at a time on one thread", docs.len(), queries.len());
    println!(
        "{:<18} {:>9} {:>9} {:>9} {:>9} {:>7} {:>8} {:>9}",
        "engine", "build s", "size MB", "p50 ms", "p99 ms", "MRR", "nDCG@5", "recall@5"
    );
    for run in [&ours, &baseline] {
        let mut sorted = run.latencies.clone();
        sorted.sort();
        let s = summarize(&run.outcomes);
        println!(
            "{:<18} {:>9.2} {:>9.1} {:>9.3} {:>9.3} {:>7.3} {:>8.3} {:>9.3}",
            run.name,
            run.build.as_secs_f64(),
            run.bytes as f64 / 1e6,
            percentile(&sorted, 0.5),
            percentile(&sorted, 0.99),
            s.mrr,
            s.ndcg5,
            s.recall5
        );
    }
    Ok(())
}
