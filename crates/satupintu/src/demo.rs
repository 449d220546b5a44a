//! The demo city: a sample Kota Bogor loaded into an empty database by `serve --demo`.
//!
//! The data files are compiled in (a fresh clone needs nothing else) and go through the
//! same import path as a city's own files, so the demo also exercises the importer. Their
//! integration history is synthesised deterministically from each code, so the progress
//! chart tells a plausible story that is the same on every install.

use anyhow::Context;
use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::{IntegrationStatus, ServiceCode, StatusChange};
use interchange::{Format, read_agencies_bytes, read_catalog_bytes};
use store::Store;

pub(crate) const AGENCIES: &[u8] = include_bytes!("../demo/kota-bogor/agencies.csv");
pub(crate) const CATALOG: &[u8] = include_bytes!("../demo/kota-bogor/catalog.csv");
const POPULARITY: &[u8] = include_bytes!("../demo/kota-bogor/popularity.csv");
/// Forms for the complaint services (the rest use the default made from their requirements).
const FORMS: &str = include_str!("../demo/kota-bogor/forms.json");

/// The `meta` key that marks a database holding demo data.
pub const DEMO_MARKER: &str = "demo_city";
const DEMO_NAME: &str = "kota-bogor";

/// What `load` did.
#[derive(Debug, PartialEq, Eq)]
pub enum DemoOutcome {
    Loaded {
        agencies: usize,
        services: usize,
    },
    /// The catalog already had data; nothing was changed.
    AlreadyPopulated,
}

/// A stable pseudo-random number from a code (FNV-1a).
pub(crate) fn spread(code: &str, salt: u64) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ salt;
    for byte in code.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

fn day(base: DateTime<Utc>, code: &str, salt: u64, range_days: u64) -> DateTime<Utc> {
    base + Duration::days((spread(code, salt) % range_days.max(1)) as i64)
}

fn date(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 2, 0, 0).single().unwrap_or_default()
}

/// A plausible history ending in `status`, never after `now`.
pub fn synthetic_history(
    code: &str,
    status: IntegrationStatus,
    target_year: Option<i32>,
    now: DateTime<Utc>,
) -> Vec<StatusChange> {
    use IntegrationStatus::*;
    let change =
        |from, to, at: DateTime<Utc>| StatusChange { from, to, at: at.min(now), note: Some("data contoh".into()) };
    // Bogor's programme starts in 2019; applications are registered over its first years.
    let planned_at = day(date(2019, 1, 2), code, 1, 3 * 365);
    match status {
        Planned => vec![change(None, Planned, planned_at)],
        InProgress => {
            let started = day(date(2024, 1, 8), code, 2, 600).max(planned_at + Duration::days(30));
            vec![change(None, Planned, planned_at), change(Some(Planned), InProgress, started)]
        }
        Integrated => {
            // Integrated by the end of its target year (2020–2024 for the demo's rows).
            let deadline = date(target_year.unwrap_or(2024).clamp(2020, 2024), 12, 15);
            let window = (deadline - planned_at).num_days().max(90) as u64;
            let integrated = planned_at + Duration::days((60 + spread(code, 3) % window) as i64);
            let integrated = integrated.min(deadline).max(planned_at + Duration::days(60));
            let started = planned_at + (integrated - planned_at) / 2;
            vec![
                change(None, Planned, planned_at),
                change(Some(Planned), InProgress, started),
                change(Some(InProgress), Integrated, integrated),
            ]
        }
        Retired => {
            vec![change(None, Planned, planned_at), change(Some(Planned), Retired, planned_at + Duration::days(400))]
        }
    }
}

fn popularity() -> anyhow::Result<Vec<(ServiceCode, u64)>> {
    let mut reader = csv::Reader::from_reader(POPULARITY);
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record?;
        let code = ServiceCode::parse(record.get(0).unwrap_or_default()).context("popularity.csv: kode")?;
        let opens = record.get(1).unwrap_or_default().parse().context("popularity.csv: dibuka")?;
        out.push((code, opens));
    }
    Ok(out)
}

#[derive(serde::Deserialize)]
struct DemoForms {
    forms: Vec<DemoForm>,
}

/// One form, shared by several services.
#[derive(serde::Deserialize)]
struct DemoForm {
    services: Vec<String>,
    fields: Vec<domain::request::FormField>,
}

/// The demo forms, checked, by service code.
fn forms() -> anyhow::Result<Vec<(ServiceCode, domain::request::FormDefinition)>> {
    let file: DemoForms = serde_json::from_str(FORMS).context("forms.json")?;
    let mut out = Vec::new();
    for form in file.forms {
        let definition = domain::request::FormDefinition::new(form.fields).map_err(|p| {
            anyhow::anyhow!("forms.json: {}", p.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
        })?;
        for code in form.services {
            out.push((ServiceCode::parse(&code).context("forms.json: service")?, definition.clone()));
        }
    }
    Ok(out)
}

/// Loads the demo city into an empty catalog; leaves a populated one alone.
pub async fn load(store: &Store) -> anyhow::Result<DemoOutcome> {
    if !store.catalog_is_empty().await? {
        return Ok(DemoOutcome::AlreadyPopulated);
    }
    let now = Utc::now();
    let agencies = read_agencies_bytes(AGENCIES, Format::Csv).map_err(|e| anyhow::anyhow!("demo agencies: {e:?}"))?;
    store.upsert_agencies(&agencies).await?;
    let entries = read_catalog_bytes(CATALOG, Format::Csv, now).map_err(|e| anyhow::anyhow!("demo catalog: {e:?}"))?;
    store.import_catalog(&entries, now, |_| {}).await.map_err(|e| anyhow::anyhow!("demo catalog: {e:?}"))?;
    for entry in &entries {
        let s = &entry.service;
        let history = synthetic_history(s.code.as_str(), s.status, s.target_year, now);
        store.replace_status_history(&s.code, &history).await?;
    }
    store.set_opens(&popularity()?).await?;
    for (code, form) in forms()? {
        store.set_service_form(code.as_str(), &serde_json::to_string(&form)?, "demo", now).await?;
    }
    crate::demo_evaluation::load(store, now).await?;
    crate::demo_monitoring::load(store, now.timestamp()).await?;
    store.set_meta(DEMO_MARKER, DEMO_NAME).await?;
    Ok(DemoOutcome::Loaded { agencies: agencies.len(), services: entries.len() })
}

/// Whether the database holds the demo city (so the portal can say it is sample data).
pub async fn is_loaded(store: &Store) -> anyhow::Result<bool> {
    Ok(store.meta(DEMO_MARKER).await?.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use IntegrationStatus::*;

    #[test]
    fn demo_files_are_valid_and_match_the_programme() {
        let agencies = read_agencies_bytes(AGENCIES, Format::Csv).unwrap_or_default();
        assert!(agencies.len() >= 30, "{} agencies", agencies.len());
        let entries = read_catalog_bytes(CATALOG, Format::Csv, Utc::now()).unwrap_or_default();
        assert_eq!(entries.len(), 327);
        let integrated = entries.iter().filter(|e| e.service.status == Integrated).count();
        assert_eq!(integrated, 148);
        for entry in &entries {
            assert!(agencies.iter().any(|a| a.code == entry.service.agency), "{}", entry.service.agency);
        }
        let full = entries
            .iter()
            .filter(|e| e.service.standard.is_complete() && e.service.standard.cost_rupiah.is_some())
            .count();
        assert!(full >= 30, "only {full} services with a full standard");
        assert!(popularity().map(|p| p.len() >= 20).unwrap_or(false));
        // Every demo form is valid and belongs to a complaint service of the catalog.
        let forms = forms().unwrap();
        assert!(forms.len() >= 10, "{} forms", forms.len());
        for (code, _) in &forms {
            let entry = entries.iter().find(|e| &e.service.code == code).unwrap();
            assert_eq!(entry.service.category.as_str(), "Pengaduan & Aspirasi", "{code}");
        }
    }

    #[test]
    fn histories_are_valid_walks_ending_in_the_status() {
        let now = date(2026, 11, 29);
        for status in IntegrationStatus::ALL {
            for code in ["KTP-EL", "PBB-P2", "SIMPEG", "A", "ZZZ-999"] {
                let history = synthetic_history(code, *status, Some(2023), now);
                assert_eq!(history.last().map(|c| c.to), Some(*status));
                assert_eq!(history.first().and_then(|c| c.from), None);
                for pair in history.windows(2) {
                    assert!(pair[0].at <= pair[1].at, "{code}: out of order");
                    assert_eq!(pair[1].from, Some(pair[0].to));
                    assert!(pair[0].to.transition(pair[1].to).is_ok());
                }
                assert!(history.iter().all(|c| c.at <= now));
            }
        }
        let integrated = synthetic_history("KTP-EL", Integrated, Some(2023), now);
        assert!(integrated.last().map(|c| c.at <= date(2023, 12, 15)).unwrap_or(false));
    }
}
