//! An evaluation framework as data: groups (domains, aspects), weighted indicators, the
//! level scale, rubrics and predicate bands. Regulations change (SPBE 59/2020 gave way to
//! Pemerintah Digital 8/2026 in 2026), so none of this is code: a framework is read from a
//! file ([`super::file`]) and checked once, and everything else reads the checked value.

use serde::Serialize;

use super::Exact;

/// A checked framework. Indexes into `groups` and `indicators` are stable for its lifetime.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Framework {
    /// Stable id people and files use: `spbe-59-2020`.
    pub id: String,
    pub name: String,
    /// The regulation or guideline it encodes.
    pub regulation: String,
    pub version: String,
    /// Marked when the facts are not yet confirmed against the primary text; every page and
    /// report built on it says so.
    pub provisional: bool,
    /// Where the facts come from, for people checking them.
    pub source: String,
    /// Names of the group tiers, outermost first: `["Domain", "Aspek"]`.
    pub tiers: Vec<String>,
    /// What an indicator is called in this framework ("Indikator", "Dimensi evaluasi").
    pub indicator_label: String,
    pub scale: Scale,
    pub groups: Vec<Group>,
    pub indicators: Vec<Indicator>,
    /// Highest first; empty when the framework publishes no predicates.
    pub bands: Vec<Band>,
    pub rubrics: Vec<Rubric>,
    /// The taxonomy innovations are filed under (Smart City: 6 dimensions × 3 elements).
    pub dimensions: Vec<Dimension>,
}

/// The levels an indicator can take: `min..=max` in steps of `step` (1 for SPBE levels,
/// 0.01 for Smart City dimension scores).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Scale {
    pub min: Exact,
    pub max: Exact,
    pub step: Exact,
}

impl Scale {
    /// Whether `level` is on the scale.
    pub fn contains(&self, level: Exact) -> bool {
        level >= self.min && level <= self.max && level.is_step_of(self.min, self.step)
    }

    /// Decimals needed to write a level (0 for whole levels, 2 for hundredths).
    pub fn places(&self) -> u32 {
        let mut places = 0;
        while places < 6 && !(self.step * Exact::integer(10i64.pow(places))).is_step_of(Exact::ZERO, Exact::ONE) {
            places += 1;
        }
        places
    }

    /// A level as people write it on this scale ("3", "3.84").
    pub fn show(&self, level: Exact) -> String {
        level.to_fixed(self.places())
    }
}

/// A domain, aspect or any other grouping of indicators.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub code: String,
    pub name: String,
    pub parent: Option<usize>,
    /// 0 for the outermost tier.
    pub depth: usize,
    /// The sum of the weights of its indicators (checked against the file's figure).
    pub weight: Exact,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indicator {
    pub code: String,
    /// Its number in the regulation (1–47 for SPBE 59/2020), when it has one.
    pub number: Option<u32>,
    /// The official name.
    pub name: String,
    /// A short name for tables and charts.
    pub short_name: String,
    pub group: Option<usize>,
    pub weight: Exact,
    /// Index into [`Framework::rubrics`].
    pub rubric: Option<usize>,
    /// What evidence assessors expect, when the framework says.
    pub evidence_hint: String,
}

/// A predicate: values from `from` up to the next band's edge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Band {
    pub from: Exact,
    pub label: String,
}

/// The meaning of each level for a family of indicators.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rubric {
    pub code: String,
    pub name: String,
    pub levels: Vec<RubricLevel>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RubricLevel {
    pub level: u8,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dimension {
    pub code: String,
    pub name: String,
    pub elements: Vec<Element>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Element {
    pub code: String,
    pub name: String,
}

impl Framework {
    /// The sum of all indicator weights (100 for the national frameworks).
    pub fn total_weight(&self) -> Exact {
        self.indicators.iter().map(|i| i.weight).sum()
    }

    /// An indicator named by its code (any case) or by its number in the regulation.
    pub fn indicator(&self, name: &str) -> Option<usize> {
        let name = name.trim();
        if let Some(found) = self.indicators.iter().position(|i| i.code.eq_ignore_ascii_case(name)) {
            return Some(found);
        }
        let number: u32 = name.parse().ok()?;
        self.indicators.iter().position(|i| i.number == Some(number))
    }

    pub fn group(&self, code: &str) -> Option<usize> {
        self.groups.iter().position(|g| g.code.eq_ignore_ascii_case(code.trim()))
    }

    /// The predicate of an unrounded value; `None` when the framework has no bands.
    pub fn predicate(&self, value: Exact) -> Option<&str> {
        self.bands.iter().find(|b| value >= b.from).or(self.bands.last()).map(|b| b.label.as_str())
    }

    /// The band edge within half a hundredth of `value`, if any: shown as a warning, since
    /// the regulation does not say whether the official tool rounds or cuts.
    pub fn near_edge(&self, value: Exact) -> Option<Exact> {
        let half = Exact::ratio(1, 200);
        self.bands.iter().map(|b| b.from).find(|edge| {
            let distance = if value > *edge { value - *edge } else { *edge - value };
            distance < half && *edge > self.scale.min
        })
    }

    /// The groups directly under `parent` (`None`: the outermost tier).
    pub fn child_groups(&self, parent: Option<usize>) -> impl Iterator<Item = usize> + '_ {
        self.groups.iter().enumerate().filter(move |(_, g)| g.parent == parent).map(|(i, _)| i)
    }

    /// The indicators directly in `group` (`None`: those outside any group).
    pub fn child_indicators(&self, group: Option<usize>) -> impl Iterator<Item = usize> + '_ {
        self.indicators.iter().enumerate().filter(move |(_, i)| i.group == group).map(|(i, _)| i)
    }

    /// Whether `group` is `ancestor` or lies inside it.
    pub fn within(&self, mut group: Option<usize>, ancestor: usize) -> bool {
        while let Some(g) = group {
            if g == ancestor {
                return true;
            }
            group = self.groups[g].parent;
        }
        false
    }

    /// The label people read for an indicator: "I12 Peta Rencana SPBE".
    pub fn indicator_title(&self, index: usize) -> String {
        let indicator = &self.indicators[index];
        match indicator.number {
            Some(n) => format!("{n}. {}", indicator.short_name),
            None => indicator.short_name.clone(),
        }
    }

    /// The rubric level names of an indicator, if the framework gives them.
    pub fn level_name(&self, indicator: usize, level: Exact) -> Option<&str> {
        let rubric = &self.rubrics[self.indicators[indicator].rubric?];
        rubric.levels.iter().find(|l| Exact::integer(i64::from(l.level)) == level).map(|l| l.name.as_str())
    }
}
