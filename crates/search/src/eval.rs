//! Measuring search quality on a labelled query set: MRR, nDCG@5 and recall@5.

use serde::Deserialize;

use crate::index::{SearchError, SearchFilter, SearchIndex};

/// One labelled query: what a person typed and the services that answer it, best first.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct LabelledQuery {
    pub q: String,
    pub relevant: Vec<String>,
    /// formal, informal, typo, abbreviation, english …
    #[serde(default)]
    pub kind: String,
    /// `tune` (used while tuning the ranking) or `holdout` (kept out of tuning).
    #[serde(default)]
    pub split: String,
}

/// Reads JSON lines; blank lines are skipped, a bad one is reported with its number.
pub fn parse_jsonl(text: &str) -> Result<Vec<LabelledQuery>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let q: LabelledQuery = serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1))?;
            if q.relevant.is_empty() {
                return Err(format!("line {}: \"relevant\" is empty", i + 1));
            }
            Ok(q)
        })
        .collect()
}

/// How one query did.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub query: LabelledQuery,
    /// The top codes returned.
    pub ranked: Vec<String>,
    pub reciprocal_rank: f64,
    pub ndcg5: f64,
    pub recall5: f64,
}

/// Scores one ranked list against its labels (binary relevance).
pub fn score(query: &LabelledQuery, ranked: &[String]) -> Outcome {
    let is_relevant = |code: &str| query.relevant.iter().any(|r| r.eq_ignore_ascii_case(code));
    let reciprocal_rank = ranked.iter().position(|c| is_relevant(c)).map_or(0.0, |i| 1.0 / (i as f64 + 1.0));
    let gain = |i: usize| 1.0 / ((i as f64) + 2.0).log2();
    let dcg: f64 = ranked.iter().take(5).enumerate().filter(|(_, c)| is_relevant(c)).map(|(i, _)| gain(i)).sum();
    let ideal: f64 = (0..query.relevant.len().min(5)).map(gain).sum();
    let found = query.relevant.iter().filter(|r| ranked.iter().take(5).any(|c| c.eq_ignore_ascii_case(r))).count();
    Outcome {
        query: query.clone(),
        ranked: ranked.to_vec(),
        reciprocal_rank,
        ndcg5: if ideal > 0.0 { dcg / ideal } else { 0.0 },
        recall5: found as f64 / query.relevant.len().max(1) as f64,
    }
}

/// Averages over a set of outcomes.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Summary {
    pub queries: usize,
    pub mrr: f64,
    pub ndcg5: f64,
    pub recall5: f64,
}

pub fn summarize<'a>(outcomes: impl IntoIterator<Item = &'a Outcome>) -> Summary {
    let mut s = Summary::default();
    for o in outcomes {
        s.queries += 1;
        s.mrr += o.reciprocal_rank;
        s.ndcg5 += o.ndcg5;
        s.recall5 += o.recall5;
    }
    if s.queries > 0 {
        let n = s.queries as f64;
        s.mrr /= n;
        s.ndcg5 /= n;
        s.recall5 /= n;
    }
    s
}

/// Runs every query through the index (top 10, as a results page shows).
pub fn evaluate(index: &SearchIndex, queries: &[LabelledQuery]) -> Result<Vec<Outcome>, SearchError> {
    queries
        .iter()
        .map(|q| {
            let results = index.search(&q.q, &SearchFilter::default(), 0, 10, false)?;
            let ranked: Vec<String> = results.hits.iter().map(|h| h.doc.code.clone()).collect();
            Ok(score(q, &ranked))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(relevant: &[&str]) -> LabelledQuery {
        LabelledQuery {
            q: "x".into(),
            relevant: relevant.iter().map(|s| s.to_string()).collect(),
            kind: String::new(),
            split: String::new(),
        }
    }

    fn codes(c: &[&str]) -> Vec<String> {
        c.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn metrics() {
        let o = score(&q(&["A"]), &codes(&["A", "B"]));
        assert_eq!((o.reciprocal_rank, o.ndcg5, o.recall5), (1.0, 1.0, 1.0));
        let o = score(&q(&["A"]), &codes(&["B", "A"]));
        assert_eq!(o.reciprocal_rank, 0.5);
        assert!((o.ndcg5 - 1.0 / 3f64.log2()).abs() < 1e-9);
        let o = score(&q(&["A", "C"]), &codes(&["B", "A", "D", "E", "F", "C"]));
        assert_eq!(o.recall5, 0.5);
        let o = score(&q(&["Z"]), &codes(&["A"]));
        assert_eq!((o.reciprocal_rank, o.recall5), (0.0, 0.0));
        let s = summarize(&[score(&q(&["A"]), &codes(&["A"])), score(&q(&["A"]), &codes(&["B", "A"]))]);
        assert_eq!((s.queries, s.mrr), (2, 0.75));
    }

    #[test]
    fn parses_jsonl_with_line_numbers() {
        let good = "{\"q\":\"ktp\",\"relevant\":[\"KTP-EL\"],\"kind\":\"abbreviation\",\"split\":\"tune\"}\n\n";
        assert_eq!(parse_jsonl(good).map(|v| v.len()), Ok(1));
        let bad = format!("{good}{{\"q\":\"x\",\"relevant\":[]}}\n");
        assert_eq!(parse_jsonl(&bad).err().as_deref(), Some("line 3: \"relevant\" is empty"));
        assert!(parse_jsonl("nope").is_err());
    }
}
