//! Applying a catalog file: all rows or none.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::{Agency, AgencyKind, CatalogEntry, RowProblem, Service, StatusChange};

use crate::audit::{Change, append};
use crate::catalog::admin::read_service;
use crate::catalog::write::{agency_id, bump_revision, change_status, service_state, upsert_agency, upsert_service};
use crate::{Store, StoreError};

/// What an accepted import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    pub created: usize,
    /// Existing services whose row differed from the stored one.
    pub updated: usize,
    /// Existing services whose row matched the stored one exactly (left untouched, so a
    /// re-import of an export changes nothing).
    pub unchanged: usize,
    pub status_changes: usize,
    pub agencies_created: usize,
}

/// Why an import changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportRejected {
    /// Rows that cannot be applied; every one is listed.
    #[error("{} problem(s) in the file", .0.len())]
    Problems(Vec<RowProblem>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ImportRejected {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(e.into())
    }
}

impl Store {
    /// Upserts catalog rows by `kode` in one transaction. A row that names an unknown
    /// agency without its name, or asks for a status change the programme does not allow,
    /// rejects the whole file; `on_row` is called after each row (for a progress bar).
    pub async fn import_catalog(
        &self,
        entries: &[CatalogEntry],
        now: DateTime<Utc>,
        on_row: impl Fn(usize),
    ) -> Result<ImportOutcome, ImportRejected> {
        self.import(entries, now, on_row, None).await
    }

    /// [`Store::import_catalog`] by a person: the audit log records who imported which
    /// file and what it changed, in the import's own transaction.
    pub async fn import_catalog_by(
        &self,
        actor: &str,
        source: &str,
        entries: &[CatalogEntry],
        now: DateTime<Utc>,
        on_row: impl Fn(usize),
    ) -> Result<ImportOutcome, ImportRejected> {
        self.import(entries, now, on_row, Some((actor, source))).await
    }

    async fn import(
        &self,
        entries: &[CatalogEntry],
        now: DateTime<Utc>,
        on_row: impl Fn(usize),
        audit: Option<(&str, &str)>,
    ) -> Result<ImportOutcome, ImportRejected> {
        let mut tx = self.begin_write().await?;
        let revision = bump_revision(&mut tx).await?;
        let mut outcome = ImportOutcome::default();
        let mut problems = Vec::new();
        let mut agencies: HashMap<String, String> = HashMap::new();
        for (i, entry) in entries.iter().enumerate() {
            on_row(i + 1);
            let service = &entry.service;
            let code = service.agency.to_string();
            let agency = match agencies.get(&code) {
                Some(id) => Some(id.clone()),
                None => match agency_id(&mut tx, &code).await? {
                    Some(id) => Some(id),
                    None => match &entry.agency_name {
                        Some(name) => {
                            let agency = Agency {
                                code: service.agency.clone(),
                                name: name.clone(),
                                short_name: None,
                                kind: AgencyKind::infer_from_name(name),
                                address: None,
                                phone: None,
                                email: None,
                                website: None,
                            };
                            outcome.agencies_created += 1;
                            Some(upsert_agency(&mut tx, &agency, now).await?)
                        }
                        None => {
                            problems.push(RowProblem {
                                line: entry.line,
                                column: Some("opd_nama".into()),
                                reason: format!("OPD {code} belum terdaftar; isi opd_nama untuk menambahkannya"),
                            });
                            None
                        }
                    },
                },
            };
            let Some(agency) = agency else { continue };
            agencies.insert(code, agency.clone());
            match service_state(&mut tx, &service.code).await? {
                Some((id, current)) => {
                    let stored = read_service(&mut tx, &service.code).await?;
                    // The status date is the reader's clock, never in the file: not compared.
                    let same = stored
                        .is_some_and(|s| Service { status_changed_at: service.status_changed_at, ..s } == *service);
                    if same {
                        outcome.unchanged += 1;
                        continue;
                    }
                    upsert_service(&mut tx, service, &agency, now, revision).await?;
                    outcome.updated += 1;
                    if current != service.status {
                        match current.transition(service.status) {
                            Ok(to) => {
                                let change = StatusChange {
                                    from: Some(current),
                                    to,
                                    at: now,
                                    note: Some("impor katalog".into()),
                                };
                                change_status(&mut tx, &id, &change, revision).await?;
                                outcome.status_changes += 1;
                            }
                            Err(e) => problems.push(RowProblem {
                                line: entry.line,
                                column: Some("status_integrasi".into()),
                                reason: e.to_string(),
                            }),
                        }
                    }
                }
                None => {
                    let id = upsert_service(&mut tx, service, &agency, now, revision).await?;
                    let first =
                        StatusChange { from: None, to: service.status, at: now, note: Some("impor katalog".into()) };
                    change_status(&mut tx, &id, &first, revision).await?;
                    outcome.created += 1;
                }
            }
        }
        if !problems.is_empty() {
            tx.rollback().await?;
            return Err(ImportRejected::Problems(problems));
        }
        if let Some((actor, source)) = audit {
            let after = serde_json::json!({
                "rows": entries.len(),
                "created": outcome.created,
                "updated": outcome.updated,
                "unchanged": outcome.unchanged,
                "status_changes": outcome.status_changes,
            });
            let change = Change {
                actor,
                action: "catalog.import",
                target: source,
                before: String::new(),
                after: after.to_string(),
            };
            append(&mut tx, &change, now).await?;
        }
        tx.commit().await?;
        Ok(outcome)
    }
}
