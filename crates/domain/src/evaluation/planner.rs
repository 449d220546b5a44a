//! The what-if planner: where one more level counts most, and the fewest steps to a target.
//!
//! The index is linear in each level (`Σ wᵢ·levelᵢ / Σ wᵢ`), so raising indicator `i` by one
//! step adds `wᵢ·step / Σ w` whatever the other levels are. The fewest steps to a target are
//! therefore the biggest gains taken first; a step that would pass the scale's top is cut
//! to what is left (a Smart City score of 4.60 rises by 0.40 at most). Ties go to the lower
//! current level (moving 1 → 2 is usually cheaper than 4 → 5), then to regulation order.

use serde::Serialize;

use super::{Exact, Framework};

/// Raising one indicator by one level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Raise {
    pub indicator: usize,
    pub from: Exact,
    pub to: Exact,
    /// How much the unrounded index rises.
    pub gain: Exact,
}

/// The steps, in order, and the index after each.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub steps: Vec<(Raise, Exact)>,
    /// The unrounded index at the end.
    pub reached: Exact,
}

/// Why a target cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("target {target} di atas nilai tertinggi yang mungkin ({max})")]
    Unreachable { target: String, max: String },
    #[error("level belum lengkap: {missing} indikator belum bernilai")]
    Incomplete { missing: usize },
}

fn one_step(framework: &Framework, indicator: usize, level: Exact) -> Option<Raise> {
    let scale = framework.scale;
    let to = (level + Exact::ONE).min(scale.max);
    if to <= level {
        return None;
    }
    let gain = framework.indicators[indicator].weight * (to - level) / framework.total_weight();
    Some(Raise { indicator, from: level, to, gain })
}

fn order(framework: &Framework, a: &Raise, b: &Raise) -> std::cmp::Ordering {
    b.gain
        .cmp(&a.gain)
        .then(a.from.cmp(&b.from))
        .then(framework.indicators[a.indicator].number.cmp(&framework.indicators[b.indicator].number))
        .then(a.indicator.cmp(&b.indicator))
}

/// Every indicator that can still rise, its one-step raise, biggest gain first.
pub fn best_raises(framework: &Framework, levels: &[Exact]) -> Vec<Raise> {
    let mut raises: Vec<Raise> = levels.iter().enumerate().filter_map(|(i, &l)| one_step(framework, i, l)).collect();
    raises.sort_by(|a, b| order(framework, a, b));
    raises
}

/// The fewest one-level steps that bring the unrounded index to at least `target` (the
/// predicate is decided on the unrounded value, so that is what a target must reach).
pub fn plan_to(framework: &Framework, levels: &[Option<Exact>], target: Exact) -> Result<Plan, PlanError> {
    let missing = levels.iter().filter(|l| l.is_none()).count();
    if missing > 0 || levels.len() != framework.indicators.len() {
        return Err(PlanError::Incomplete { missing: missing.max(1) });
    }
    let mut current: Vec<Exact> = levels.iter().flatten().copied().collect();
    let total = framework.total_weight();
    let weighted: Exact = framework.indicators.iter().zip(&current).map(|(i, &l)| i.weight * l).sum();
    let mut index = weighted / total;
    if target > framework.scale.max {
        return Err(PlanError::Unreachable { target: target.to_plain(), max: framework.scale.max.to_plain() });
    }
    let mut steps = Vec::new();
    while index < target {
        // The best next step is recomputed each time: a step cut at the top changes the order.
        let Some(raise) = best_raises(framework, &current).into_iter().next() else {
            return Err(PlanError::Unreachable { target: target.to_plain(), max: index.to_plain() });
        };
        current[raise.indicator] = raise.to;
        index = index + raise.gain;
        steps.push((raise, index));
    }
    Ok(Plan { steps, reached: index })
}
