//! The city's innovations registry with KPIs measured over time.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;

use super::audited;
use crate::rows::{Columns, new_id, placeholders, ts};
use crate::{Store, StoreError};

/// An innovation with what it is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Innovation {
    pub id: String,
    pub name: String,
    pub description: String,
    /// Smart City taxonomy codes.
    pub dimension: String,
    pub element: String,
    pub agency_code: Option<String>,
    pub agency_name: Option<String>,
    /// ISO day.
    pub launched_on: Option<String>,
    /// A domain `InnovationStatus` code.
    pub status: String,
    pub quick_win: bool,
    /// Catalog service codes.
    pub services: Vec<String>,
    pub updated_at: DateTime<Utc>,
}

/// What the team writes about an innovation (codes already checked by the caller).
#[derive(Debug, Clone, Default)]
pub struct InnovationInput {
    pub name: String,
    pub description: String,
    pub dimension: String,
    pub element: String,
    pub agency_code: Option<String>,
    pub launched_on: Option<String>,
    pub status: String,
    pub quick_win: bool,
    pub services: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kpi {
    pub id: String,
    pub innovation_id: String,
    pub name: String,
    pub unit: String,
    /// Decimal text.
    pub baseline: String,
    pub target: String,
    /// Oldest first.
    pub measurements: Vec<KpiMeasurement>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiMeasurement {
    /// ISO day.
    pub measured_on: String,
    /// Decimal text.
    pub value: String,
    pub note: String,
}

const INNOVATION_COLUMNS: &str = "i.id, i.name, i.description, i.dimension, i.element, a.code AS agency_code, \
     a.name AS agency_name, i.launched_on, i.status, i.quick_win, i.updated_at";

fn innovation(row: &AnyRow) -> Result<Innovation, StoreError> {
    Ok(Innovation {
        id: row.text("id")?,
        name: row.text("name")?,
        description: row.text("description")?,
        dimension: row.text("dimension")?,
        element: row.text("element")?,
        agency_code: row.opt_text("agency_code")?,
        agency_name: row.opt_text("agency_name")?,
        launched_on: row.opt_text("launched_on")?,
        status: row.text("status")?,
        quick_win: row.int("quick_win")? != 0,
        services: Vec::new(),
        updated_at: row.time("updated_at")?,
    })
}

impl Store {
    /// Creates (`id: None`) or replaces an innovation; returns its id. An unknown agency or
    /// service code is [`StoreError::NotFound`].
    pub async fn save_innovation(
        &self,
        id: Option<&str>,
        input: &InnovationInput,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        let mut tx = self.begin_write().await?;
        let agency_id: Option<String> = match &input.agency_code {
            None => None,
            Some(code) => {
                let row = sqlx::query("SELECT id FROM agencies WHERE code = $1").bind(code).fetch_optional(&mut *tx);
                Some(row.await?.ok_or(StoreError::NotFound)?.text("id")?)
            }
        };
        let mut service_ids = Vec::new();
        for code in &input.services {
            let row = sqlx::query("SELECT id FROM services WHERE code = $1").bind(code).fetch_optional(&mut *tx);
            service_ids.push(row.await?.ok_or(StoreError::NotFound)?.text("id")?);
        }
        let id = match id {
            Some(id) => {
                let done = sqlx::query(
                    "UPDATE innovations SET name = $1, description = $2, dimension = $3, element = $4, \
                     agency_id = $5, launched_on = $6, status = $7, quick_win = $8, updated_at = $9 WHERE id = $10",
                )
                .bind(input.name.as_str())
                .bind(input.description.as_str())
                .bind(input.dimension.as_str())
                .bind(input.element.as_str())
                .bind(agency_id.as_deref())
                .bind(input.launched_on.as_deref())
                .bind(input.status.as_str())
                .bind(i64::from(input.quick_win))
                .bind(ts(now))
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                id.to_owned()
            }
            None => {
                let id = new_id();
                sqlx::query(
                    "INSERT INTO innovations (id, name, description, dimension, element, agency_id, launched_on, \
                     status, quick_win, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
                )
                .bind(id.as_str())
                .bind(input.name.as_str())
                .bind(input.description.as_str())
                .bind(input.dimension.as_str())
                .bind(input.element.as_str())
                .bind(agency_id.as_deref())
                .bind(input.launched_on.as_deref())
                .bind(input.status.as_str())
                .bind(i64::from(input.quick_win))
                .bind(ts(now))
                .execute(&mut *tx)
                .await?;
                id
            }
        };
        sqlx::query("DELETE FROM innovation_services WHERE innovation_id = $1")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        for service_id in &service_ids {
            sqlx::query("INSERT INTO innovation_services (innovation_id, service_id) VALUES ($1, $2)")
                .bind(id.as_str())
                .bind(service_id.as_str())
                .execute(&mut *tx)
                .await?;
        }
        let after = serde_json::json!({
            "name": input.name, "dimension": input.dimension, "element": input.element,
            "agency": input.agency_code, "status": input.status, "quick_win": input.quick_win,
            "services": input.services,
        });
        audited(&mut tx, actor, "evaluation.innovation.save", &id, after, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The registry, by name.
    pub async fn innovations(&self) -> Result<Vec<Innovation>, StoreError> {
        let sql = format!(
            "SELECT {INNOVATION_COLUMNS} FROM innovations i LEFT JOIN agencies a ON a.id = i.agency_id \
             ORDER BY i.name, i.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        let mut list: Vec<Innovation> = rows.iter().map(innovation).collect::<Result<_, _>>()?;
        let links = sqlx::query(
            "SELECT l.innovation_id, s.code FROM innovation_services l JOIN services s ON s.id = l.service_id \
             ORDER BY s.code",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut by_innovation: HashMap<String, Vec<String>> = HashMap::new();
        for row in &links {
            by_innovation.entry(row.text("innovation_id")?).or_default().push(row.text("code")?);
        }
        for item in &mut list {
            item.services = by_innovation.remove(&item.id).unwrap_or_default();
        }
        Ok(list)
    }

    /// One innovation.
    pub async fn innovation(&self, id: &str) -> Result<Option<Innovation>, StoreError> {
        Ok(self.innovations().await?.into_iter().find(|i| i.id == id))
    }

    /// Adds a KPI to an innovation; returns its id.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_kpi(
        &self,
        innovation_id: &str,
        name: &str,
        unit: &str,
        baseline: &str,
        target: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        let mut tx = self.begin_write().await?;
        let position = sqlx::query("SELECT COUNT(*) AS n FROM innovation_kpis WHERE innovation_id = $1")
            .bind(innovation_id)
            .fetch_one(&mut *tx)
            .await?
            .int("n")?;
        let id = new_id();
        sqlx::query(
            "INSERT INTO innovation_kpis (id, innovation_id, name, unit, baseline, target, position) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id.as_str())
        .bind(innovation_id)
        .bind(name)
        .bind(unit)
        .bind(baseline)
        .bind(target)
        .bind(position)
        .execute(&mut *tx)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
            other => other.into(),
        })?;
        let after = serde_json::json!({ "innovation": innovation_id, "name": name, "unit": unit, "baseline": baseline, "target": target });
        audited(&mut tx, actor, "evaluation.kpi.add", &id, after, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records a KPI's measured value on a day.
    pub async fn record_kpi(
        &self,
        kpi_id: &str,
        measured_on: &str,
        value: &str,
        note: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let known = sqlx::query("SELECT id FROM innovation_kpis WHERE id = $1").bind(kpi_id).fetch_optional(&mut *tx);
        if known.await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let id = new_id();
        sqlx::query(
            "INSERT INTO kpi_measurements (id, kpi_id, measured_on, value, note, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id.as_str())
        .bind(kpi_id)
        .bind(measured_on)
        .bind(value)
        .bind(note)
        .bind(actor)
        .bind(ts(now))
        .execute(&mut *tx)
        .await?;
        let after = serde_json::json!({ "kpi": kpi_id, "on": measured_on, "value": value });
        audited(&mut tx, actor, "evaluation.kpi.measure", &id, after, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The KPIs of the given innovations (all when `ids` is empty), with measurements.
    pub async fn kpis(&self, ids: &[String]) -> Result<Vec<Kpi>, StoreError> {
        let filter = if ids.is_empty() {
            String::new()
        } else {
            format!("WHERE innovation_id IN ({})", placeholders(1, ids.len()))
        };
        let sql = format!(
            "SELECT id, innovation_id, name, unit, baseline, target FROM innovation_kpis {filter} \
             ORDER BY innovation_id, position"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in ids {
            query = query.bind(id.as_str());
        }
        let rows = query.fetch_all(&self.pool).await?;
        let mut kpis: Vec<Kpi> = rows
            .iter()
            .map(|r| {
                Ok(Kpi {
                    id: r.text("id")?,
                    innovation_id: r.text("innovation_id")?,
                    name: r.text("name")?,
                    unit: r.text("unit")?,
                    baseline: r.text("baseline")?,
                    target: r.text("target")?,
                    measurements: Vec::new(),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        if kpis.is_empty() {
            return Ok(kpis);
        }
        let kpi_ids: Vec<&str> = kpis.iter().map(|k| k.id.as_str()).collect();
        let sql = format!(
            "SELECT kpi_id, measured_on, value, note FROM kpi_measurements WHERE kpi_id IN ({}) \
             ORDER BY measured_on, recorded_at, id",
            placeholders(1, kpi_ids.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in &kpi_ids {
            query = query.bind(*id);
        }
        let mut by_kpi: HashMap<String, Vec<KpiMeasurement>> = HashMap::new();
        for row in query.fetch_all(&self.pool).await? {
            by_kpi.entry(row.text("kpi_id")?).or_default().push(KpiMeasurement {
                measured_on: row.text("measured_on")?,
                value: row.text("value")?,
                note: row.text("note")?,
            });
        }
        for kpi in &mut kpis {
            kpi.measurements = by_kpi.remove(&kpi.id).unwrap_or_default();
        }
        Ok(kpis)
    }
}
