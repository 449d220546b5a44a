//! The index: nested weighted means aggregated from indicator levels.
//!
//! An aspect's value is the weighted mean of its indicators' levels, a domain's the mean of
//! its aspects weighted by their weights, the index the mean of the domains. Every step is
//! exact ([`Exact`]), so the result equals `Σ wᵢ·levelᵢ / Σ wᵢ` to the last digit, and nothing
//! is rounded until it is shown. Aggregating already-rounded sub-indices is the mistake the
//! Aceh Tengah vector catches (D4 fed as 3.75 turns 2.59 "Cukup" into 2.60 "Baik").

use serde::Serialize;

use super::{Exact, FileProblem, Framework};

/// Levels per indicator, in the framework's indicator order; `None` where not yet set.
pub type Levels = [Option<Exact>];

/// An index and its parts. `None` wherever some indicator below has no level yet.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexValues {
    pub index: Option<Exact>,
    /// Per group, in the framework's group order.
    pub groups: Vec<Option<Exact>>,
}

/// Computes the index and every group's value.
pub fn compute(framework: &Framework, levels: &Levels) -> IndexValues {
    let groups = (0..framework.groups.len()).map(|g| mean_of(framework, levels, Some(g))).collect();
    IndexValues { index: mean_of(framework, levels, None), groups }
}

/// The weighted mean of what lies directly under `group` (`None`: the whole framework),
/// each child group weighing its weight and carrying its own (recursive) mean.
fn mean_of(framework: &Framework, levels: &Levels, group: Option<usize>) -> Option<Exact> {
    let mut weighted = Exact::ZERO;
    let mut weights = Exact::ZERO;
    for child in framework.child_groups(group) {
        let weight = framework.groups[child].weight;
        weighted = weighted + weight * mean_of(framework, levels, Some(child))?;
        weights = weights + weight;
    }
    for indicator in framework.child_indicators(group) {
        let weight = framework.indicators[indicator].weight;
        weighted = weighted + weight * (*levels.get(indicator)?)?;
        weights = weights + weight;
    }
    weights.is_positive().then(|| weighted / weights)
}

/// An index as people and scripts read it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shown {
    /// Two decimals, rounded half-up: what people read.
    pub index: String,
    /// The unrounded value, cut at 12 decimals.
    pub value: String,
    /// The unrounded value as a reduced fraction, for anyone checking by hand.
    pub fraction: String,
    /// From the unrounded value; `None` when the framework publishes no predicates.
    pub predicate: Option<String>,
    /// A band edge within ±0.005, if any.
    pub near_edge: Option<String>,
}

impl Shown {
    pub fn new(framework: &Framework, value: Exact) -> Self {
        Self {
            index: value.to_fixed(2),
            value: value.to_truncated(12),
            fraction: format!("{}/{}", value.numerator(), value.denominator()),
            predicate: framework.predicate(value).map(str::to_owned),
            near_edge: framework.near_edge(value).map(|e| e.to_fixed(2)),
        }
    }
}

/// Levels from `(line, indicator, level)` rows, as read from a CSV or a spreadsheet.
/// An indicator is named by its code or its number in the regulation. Every indicator must
/// appear exactly once with a level on the scale; every problem is reported by line.
pub fn levels_from_rows<'a>(
    framework: &Framework,
    rows: impl IntoIterator<Item = (usize, &'a str, &'a str)>,
) -> Result<Vec<Exact>, Vec<FileProblem>> {
    let mut levels: Vec<Option<(usize, Exact)>> = vec![None; framework.indicators.len()];
    // Named on some line, even with a bad level: then "missing" would be a second, wrong report.
    let mut named = vec![false; framework.indicators.len()];
    let mut problems = Vec::new();
    let scale = framework.scale;
    let mut last_line = 1;
    for (line, name, level) in rows {
        last_line = line;
        let Some(indicator) = framework.indicator(name) else {
            problems.push(FileProblem { line, reason: format!("indikator “{}” tidak dikenal", name.trim()) });
            continue;
        };
        named[indicator] = true;
        let code = &framework.indicators[indicator].code;
        let value = match Exact::parse(level) {
            Ok(value) if scale.contains(value) => value,
            _ => {
                let reason = format!(
                    "level “{}” untuk {code} di luar {}–{} (langkah {})",
                    level.trim(),
                    scale.show(scale.min),
                    scale.show(scale.max),
                    scale.step
                );
                problems.push(FileProblem { line, reason });
                continue;
            }
        };
        match levels[indicator] {
            Some((first, _)) => {
                problems.push(FileProblem { line, reason: format!("indikator {code} sudah ditulis di baris {first}") })
            }
            None => levels[indicator] = Some((line, value)),
        }
    }
    for indicator in (0..levels.len()).filter(|&i| !named[i]) {
        let reason = format!("indikator {} tidak ada", framework.indicator_title(indicator));
        problems.push(FileProblem { line: last_line + 1, reason });
    }
    if problems.is_empty() {
        Ok(levels.into_iter().flatten().map(|(_, level)| level).collect())
    } else {
        problems.sort_by_key(|p| p.line);
        Err(problems)
    }
}
