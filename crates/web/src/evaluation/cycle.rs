//! A cycle read whole: its framework, every level given, evidence and requests, and the
//! indexes computed from them. Pages, exports, the report and the command line all read
//! a cycle through this one type, so they cannot disagree about a number.

use std::sync::Arc;

use domain::evaluation::{Exact, Framework, IndexValues, Shown, Stage, compute};
use store::Store;
use store::evaluation::{Cycle, Evidence, EvidenceRequest, LevelEntry};

use super::registry::{self, RegistryError};

/// The current level of one indicator at one stage.
#[derive(Debug, Clone)]
pub struct Current {
    pub level: Exact,
    pub note: String,
    pub by: Option<String>,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// A cycle with everything needed to show or compute it.
pub struct CycleData {
    pub cycle: Cycle,
    pub framework: Arc<Framework>,
    /// Every level given, oldest first.
    pub history: Vec<LevelEntry>,
    /// Per indicator (framework order), per stage (`Stage::ALL` order).
    pub current: Vec<[Option<Current>; 4]>,
    pub evidence: Vec<Evidence>,
    pub requests: Vec<EvidenceRequest>,
}

fn stage_index(stage: Stage) -> usize {
    Stage::ALL.iter().position(|s| *s == stage).unwrap_or(0)
}

impl CycleData {
    /// The cycle named by `slug`, or `None`.
    pub async fn load(store: &Store, slug: &str) -> Result<Option<Self>, RegistryError> {
        let Some(mut data) = Self::load_without_evidence(store, slug).await? else {
            return Ok(None);
        };
        data.evidence = store.evidence(&data.cycle.id).await?;
        Ok(Some(data))
    }

    /// The cycle with its levels and requests but `evidence` left empty, for pages that
    /// never list evidence: the public dashboard, and the overview (which counts it with
    /// `Store::evidence_counts`). A real cycle's hundreds of items and their links took
    /// most of those pages' time (bench/evaluation.sh).
    pub async fn load_without_evidence(store: &Store, slug: &str) -> Result<Option<Self>, RegistryError> {
        let Some(cycle) = store.cycle(slug).await? else {
            return Ok(None);
        };
        let framework = registry::framework(store, &cycle.framework_id)
            .await?
            .ok_or_else(|| RegistryError::Broken(format!("kerangka {} tidak ada", cycle.framework_id)))?;
        let history = store.levels(&cycle.id).await?;
        let requests = store.evidence_requests(&cycle.id).await?;
        let mut current: Vec<[Option<Current>; 4]> = vec![Default::default(); framework.indicators.len()];
        for entry in &history {
            let (Some(indicator), Some(stage)) = (framework.indicator(&entry.indicator), Stage::parse(&entry.stage))
            else {
                continue;
            };
            let Ok(level) = Exact::parse(&entry.level) else { continue };
            current[indicator][stage_index(stage)] =
                Some(Current { level, note: entry.note.clone(), by: entry.user_name.clone(), at: entry.at });
        }
        Ok(Some(Self { cycle, framework, history, current, evidence: Vec::new(), requests }))
    }

    /// The levels given at one stage.
    pub fn stage_levels(&self, stage: Stage) -> Vec<Option<Exact>> {
        self.current.iter().map(|stages| stages[stage_index(stage)].as_ref().map(|c| c.level)).collect()
    }

    pub fn self_levels(&self) -> Vec<Option<Exact>> {
        self.stage_levels(Stage::SelfAssessment)
    }

    /// The assessors' latest word per indicator: the final level, else the interview's,
    /// else the document review's.
    pub fn assessor_levels(&self) -> Vec<Option<Exact>> {
        self.current.iter().map(|stages| self.assessor_current(stages).map(|(_, c)| c.level)).collect()
    }

    /// The latest assessor stage of one indicator with its level.
    pub fn assessor_current<'a>(&self, stages: &'a [Option<Current>; 4]) -> Option<(Stage, &'a Current)> {
        [Stage::Final, Stage::Interview, Stage::DocumentReview]
            .into_iter()
            .find_map(|s| stages[stage_index(s)].as_ref().map(|c| (s, c)))
    }

    pub fn self_values(&self) -> IndexValues {
        compute(&self.framework, &self.self_levels())
    }

    pub fn assessor_values(&self) -> IndexValues {
        compute(&self.framework, &self.assessor_levels())
    }

    /// The index people read, when every indicator has a level.
    pub fn shown(&self, values: &IndexValues) -> Option<Shown> {
        values.index.map(|v| Shown::new(&self.framework, v))
    }

    /// Evidence supporting an indicator.
    pub fn evidence_for<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a Evidence> + 'a {
        self.evidence.iter().filter(move |e| e.indicators.iter().any(|i| i.eq_ignore_ascii_case(code)))
    }

    /// Requests on an indicator that the assessor has not closed.
    pub fn open_requests_for<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a EvidenceRequest> + 'a {
        self.requests.iter().filter(move |r| r.is_open() && r.indicator.eq_ignore_ascii_case(code))
    }

    pub fn open_requests(&self) -> impl Iterator<Item = &EvidenceRequest> {
        self.requests.iter().filter(|r| r.is_open())
    }
}
