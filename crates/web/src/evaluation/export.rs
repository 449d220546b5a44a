//! A cycle as the report crate's plain data: the PDF for assessors and the indicator
//! sheet (XLSX) the team shares, and the sheet read back into levels.

use std::collections::BTreeMap;

use chrono::{FixedOffset, Utc};
use domain::evaluation::metrics::PlatformMetrics;
use domain::evaluation::{Exact, InnovationStatus, Stage};
use report::{
    EvaluationReport, EvidenceRef, EvidenceRequest, GroupScore, IndexSummary, IndicatorRow, IndicatorSheet, Innovation,
    Kpi, KpiPoint, MetricSnapshot, Series, SheetRow, SheetUpdate,
};
use store::Store;
use store::evaluation::Evidence;

use super::cycle::CycleData;
use super::day;
use super::registry::RegistryError;
use crate::i18n::{Lang, Tr};

fn when(at: chrono::DateTime<Utc>) -> String {
    let wib = FixedOffset::east_opt(7 * 3600).unwrap_or_else(|| unreachable!("UTC+7 is a valid offset"));
    format!("{} WIB", at.with_timezone(&wib).format("%d-%m-%Y %H.%M"))
}

fn evidence_ref(t: Tr, public_url: &str, slug: &str, e: &Evidence) -> EvidenceRef {
    let url = match (&e.file_ref, &e.url) {
        (Some(_), _) => Some(format!("{public_url}/evaluasi/{slug}/bukti/{}/berkas", e.id)),
        (None, Some(url)) => Some(url.clone()),
        (None, None) => Some(format!("{public_url}/evaluasi/{slug}/bukti/{}", e.id)),
    };
    EvidenceRef {
        title: e.title.clone(),
        kind: t.get(&format!("eval-kind-{}", e.kind)),
        url,
        date: day(t, &e.evidence_on),
    }
}

/// Everything the PDF shows for a cycle.
pub async fn report(
    store: &Store,
    data: &CycleData,
    city: &str,
    public_url: &str,
    lang: Lang,
) -> Result<EvaluationReport, RegistryError> {
    let t = lang.tr();
    let framework = &data.framework;
    let slug = &data.cycle.slug;
    let public_url = public_url.trim_end_matches('/');
    let (own, review) = (data.self_values(), data.assessor_values());
    let (own_shown, review_shown) = (data.shown(&own), data.shown(&review));
    let note = framework.provisional.then(|| t.get("eval-provisional"));
    let summary = IndexSummary {
        self_index: own_shown.as_ref().map(|s| s.index.clone()),
        self_predicate: own_shown.as_ref().and_then(|s| s.predicate.clone()),
        final_index: review_shown.as_ref().map(|s| s.index.clone()),
        final_predicate: review_shown.as_ref().and_then(|s| s.predicate.clone()),
        note,
    };
    let groups: Vec<GroupScore> = if framework.groups.is_empty() {
        // Smart City: the evaluation dimensions are the parts to chart.
        let (own_levels, review_levels) = (data.self_levels(), data.assessor_levels());
        framework
            .indicators
            .iter()
            .enumerate()
            .map(|(i, indicator)| GroupScore {
                code: indicator.code.clone(),
                name: indicator.short_name.clone(),
                depth: 0,
                self_value: own_levels[i].map(Exact::approx_f64),
                self_text: own_levels[i].map(|v| v.to_fixed(2)),
                final_value: review_levels[i].map(Exact::approx_f64),
                final_text: review_levels[i].map(|v| v.to_fixed(2)),
            })
            .collect()
    } else {
        framework
            .groups
            .iter()
            .enumerate()
            .map(|(g, group)| GroupScore {
                code: group.code.clone(),
                name: group.name.clone(),
                depth: u8::try_from(group.depth).unwrap_or(u8::MAX),
                self_value: own.groups[g].map(Exact::approx_f64),
                self_text: own.groups[g].map(|v| v.to_fixed(2)),
                final_value: review.groups[g].map(Exact::approx_f64),
                final_text: review.groups[g].map(|v| v.to_fixed(2)),
            })
            .collect()
    };
    let indicators = framework
        .indicators
        .iter()
        .enumerate()
        .map(|(i, indicator)| {
            let stages = &data.current[i];
            let latest = data.assessor_current(stages);
            IndicatorRow {
                number: indicator.number,
                code: indicator.code.clone(),
                name: indicator.short_name.clone(),
                group: indicator.group.map(|g| framework.groups[g].code.clone()).unwrap_or_default(),
                self_level: stages[0].as_ref().map(|c| framework.scale.show(c.level)),
                narrative: stages[0].as_ref().map(|c| c.note.clone()).unwrap_or_default(),
                final_level: latest.map(|(_, c)| framework.scale.show(c.level)),
                stage: latest.map_or_else(
                    || t.get(&format!("eval-stage-{}", Stage::SelfAssessment.as_str())),
                    |(s, _)| t.get(&format!("eval-stage-{}", s.as_str())),
                ),
                comment: latest.map(|(_, c)| c.note.clone()).unwrap_or_default(),
                evidence: data.evidence_for(&indicator.code).map(|e| evidence_ref(t, public_url, slug, e)).collect(),
            }
        })
        .collect();
    let innovations = innovations(store, data, t, public_url).await?;
    let metrics = data
        .evidence
        .iter()
        .filter_map(|e| {
            let metrics: PlatformMetrics = serde_json::from_str(e.metric.as_deref()?).ok()?;
            Some(MetricSnapshot {
                title: e.title.clone(),
                period: format!("{} – {}", day(t, &metrics.from.to_string()), day(t, &metrics.to.to_string())),
                description: e.description.clone(),
                taken_at: when(e.created_at),
                table: metrics.table(),
                series: metrics.series().into_iter().map(|(name, points)| Series { name, points }).collect(),
            })
        })
        .collect();
    let open_requests = data
        .open_requests()
        .map(|r| EvidenceRequest {
            indicator: framework
                .indicator(&r.indicator)
                .map_or_else(|| r.indicator.clone(), |i| framework.indicator_title(i)),
            asked_by: r.asked_by_name.clone().unwrap_or_default(),
            asked_at: when(r.asked_at),
            text: r.text.clone(),
        })
        .collect();
    let team = store.team(&data.cycle.id).await?.into_iter().map(|m| m.name).collect();
    Ok(EvaluationReport {
        city: city.to_owned(),
        title: data.cycle.name.clone(),
        framework: format!("{} ({})", framework.name, framework.regulation),
        provisional: framework.provisional,
        period: format!("{} – {}", day(t, &data.cycle.starts_on), day(t, &data.cycle.ends_on)),
        generated_at: when(Utc::now()),
        team,
        summary,
        groups,
        indicators,
        innovations,
        metrics,
        open_requests,
    })
}

async fn innovations(
    store: &Store,
    data: &CycleData,
    t: Tr,
    public_url: &str,
) -> Result<Vec<Innovation>, RegistryError> {
    let list = store.innovations().await?;
    let mut kpis: BTreeMap<String, Vec<Kpi>> = BTreeMap::new();
    for kpi in store.kpis(&[]).await? {
        kpis.entry(kpi.innovation_id.clone()).or_default().push(Kpi {
            name: kpi.name,
            unit: kpi.unit,
            baseline: kpi.baseline,
            target: kpi.target,
            points: kpi
                .measurements
                .iter()
                .map(|m| KpiPoint {
                    date: day(t, &m.measured_on),
                    value: Exact::parse(&m.value).map_or(0.0, Exact::approx_f64),
                    text: m.value.clone(),
                })
                .collect(),
        });
    }
    let dimensions: Vec<domain::evaluation::Dimension> =
        super::registry::frameworks(store).await?.iter().flat_map(|f| f.dimensions.clone()).collect();
    Ok(list
        .into_iter()
        .map(|i| {
            let dimension = dimensions.iter().find(|d| d.code == i.dimension);
            let element = dimension.and_then(|d| d.elements.iter().find(|e| e.code == i.element));
            Innovation {
                dimension: dimension.map_or_else(|| i.dimension.clone(), |d| d.name.clone()),
                element: element.map_or_else(|| i.element.clone(), |e| e.name.clone()),
                agency: i.agency_name.clone().unwrap_or_default(),
                launched: i.launched_on.as_deref().map(|d| day(t, d)).unwrap_or_default(),
                status: InnovationStatus::parse(&i.status)
                    .map_or_else(|| i.status.clone(), |s| t.get(&format!("eval-innovation-status-{}", s.as_str()))),
                quick_win: i.quick_win,
                apps: i.services.clone(),
                kpis: kpis.remove(&i.id).unwrap_or_default(),
                evidence: data
                    .evidence
                    .iter()
                    .filter(|e| e.innovations.contains(&i.id))
                    .map(|e| evidence_ref(t, public_url, &data.cycle.slug, e))
                    .collect(),
                name: i.name,
                description: i.description,
            }
        })
        .collect())
}

/// The indicator sheet: one row per indicator with the team's level and narrative, the
/// evidence links and the assessors' level (read-only).
pub fn sheet(data: &CycleData, public_url: &str, lang: Lang) -> IndicatorSheet {
    let t = lang.tr();
    let framework = &data.framework;
    let public_url = public_url.trim_end_matches('/');
    IndicatorSheet {
        title: data.cycle.name.clone(),
        framework: format!("{} ({})", framework.name, framework.regulation),
        rows: framework
            .indicators
            .iter()
            .enumerate()
            .map(|(i, indicator)| {
                let stages = &data.current[i];
                SheetRow {
                    code: indicator.code.clone(),
                    number: indicator.number,
                    name: indicator.short_name.clone(),
                    group: indicator.group.map(|g| framework.groups[g].code.clone()).unwrap_or_default(),
                    level: stages[0].as_ref().map(|c| framework.scale.show(c.level)),
                    narrative: stages[0].as_ref().map(|c| c.note.clone()).unwrap_or_default(),
                    evidence: data
                        .evidence_for(&indicator.code)
                        .filter_map(|e| evidence_ref(t, public_url, &data.cycle.slug, e).url)
                        .collect(),
                    final_level: data.assessor_current(stages).map(|(_, c)| framework.scale.show(c.level)),
                }
            })
            .collect(),
    }
}

/// A level to record from the sheet: `(indicator code, level as shown, narrative)`.
pub type SheetChange = (String, String, String);

/// The changes a sheet read back makes to the self-assessment: rows whose level or
/// narrative differ from the current ones. Every problem is named by its spreadsheet row;
/// with any problem nothing is changed.
pub fn sheet_changes(data: &CycleData, updates: &[SheetUpdate]) -> Result<Vec<SheetChange>, Vec<String>> {
    let framework = &data.framework;
    let scale = framework.scale;
    let mut seen: BTreeMap<usize, usize> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut changes = Vec::new();
    for update in updates {
        let Some(i) = framework
            .indicator(&update.code)
            .filter(|&i| framework.indicators[i].code.eq_ignore_ascii_case(&update.code))
        else {
            problems.push(format!("baris {}: indikator “{}” tidak dikenal", update.row, update.code));
            continue;
        };
        if let Some(first) = seen.insert(i, update.row) {
            problems.push(format!("baris {}: indikator {} sudah ada di baris {first}", update.row, update.code));
            continue;
        }
        let current = data.current[i][0].as_ref();
        let Some(typed) = &update.level else {
            if !update.narrative.trim().is_empty() && current.is_none_or(|c| c.note != update.narrative.trim()) {
                problems.push(format!("baris {}: narasi tanpa tingkat mandiri", update.row));
            }
            continue;
        };
        let level = match Exact::parse(typed) {
            Ok(level) if scale.contains(level) => level,
            _ => {
                problems.push(format!(
                    "baris {}: tingkat “{typed}” di luar {}–{}",
                    update.row,
                    scale.show(scale.min),
                    scale.show(scale.max)
                ));
                continue;
            }
        };
        let narrative = update.narrative.trim().to_owned();
        if narrative.chars().count() > 4_000 {
            problems.push(format!("baris {}: narasi lebih dari 4.000 karakter", update.row));
            continue;
        }
        if current.is_some_and(|c| c.level == level && c.note == narrative) {
            continue;
        }
        changes.push((framework.indicators[i].code.clone(), scale.show(level), narrative));
    }
    if problems.is_empty() { Ok(changes) } else { Err(problems) }
}
