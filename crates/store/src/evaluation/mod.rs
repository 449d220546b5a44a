//! Evaluation cycles, their team, imported frameworks; innovations, evidence, levels and
//! evidence requests live in the submodules. Every write is audited in its own transaction.
//!
//! Figures (levels, KPI values) are stored as the decimal text the domain checked, never as
//! floats; the store does not judge them.

mod evidence;
mod innovations;
mod levels;

pub use evidence::{Evidence, NewEvidence};
pub use innovations::{Innovation, InnovationInput, Kpi, KpiMeasurement};
pub use levels::{EvidenceRequest, LevelEntry};

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;

use crate::audit::{Change, append};
use crate::connect::WriteTx;
use crate::rows::{Columns, from_ts, new_id, ts};
use crate::{Store, StoreError};

/// An evaluation round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    pub id: String,
    /// Names the cycle in URLs and on the command line.
    pub slug: String,
    pub name: String,
    pub framework_id: String,
    /// ISO days.
    pub starts_on: String,
    pub ends_on: String,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// What a new cycle needs.
#[derive(Debug, Clone)]
pub struct NewCycle<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub framework_id: &'a str,
    pub starts_on: &'a str,
    pub ends_on: &'a str,
}

/// A team member as shown on the cycle's page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamMember {
    pub user_id: String,
    pub name: String,
    pub email: Option<String>,
}

const CYCLE_COLUMNS: &str = "id, slug, name, framework_id, starts_on, ends_on, published_at, created_at";

fn cycle(row: &AnyRow) -> Result<Cycle, StoreError> {
    Ok(Cycle {
        id: row.text("id")?,
        slug: row.text("slug")?,
        name: row.text("name")?,
        framework_id: row.text("framework_id")?,
        starts_on: row.text("starts_on")?,
        ends_on: row.text("ends_on")?,
        published_at: row.opt_int("published_at")?.map(from_ts).transpose()?,
        created_at: row.time("created_at")?,
    })
}

/// Appends an audit entry for an evaluation change inside `tx`.
pub(crate) async fn audited(
    tx: &mut WriteTx,
    actor: &str,
    action: &str,
    target: &str,
    after: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let change = Change { actor, action, target, before: String::new(), after: after.to_string() };
    append(tx, &change, now).await?;
    Ok(())
}

impl Store {
    /// Keeps a city's framework file (already checked by the domain). Replacing one is
    /// refused once a cycle uses it: that cycle's levels were given against the old text.
    pub async fn import_framework(
        &self,
        id: &str,
        source: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let used =
            sqlx::query("SELECT id FROM eval_cycles WHERE framework_id = $1").bind(id).fetch_optional(&mut *tx).await?;
        if used.is_some() {
            return Err(StoreError::Taken("framework in use"));
        }
        sqlx::query("DELETE FROM eval_frameworks WHERE id = $1").bind(id).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO eval_frameworks (id, source, imported_at, imported_by) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(source)
            .bind(ts(now))
            .bind(actor)
            .execute(&mut *tx)
            .await?;
        audited(&mut tx, actor, "evaluation.framework.import", id, serde_json::json!({ "bytes": source.len() }), now)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The imported framework files: `(id, source)`.
    pub async fn imported_frameworks(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query("SELECT id, source FROM eval_frameworks ORDER BY id").fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok((r.text("id")?, r.text("source")?))).collect()
    }

    /// Starts a cycle; a slug already used is [`StoreError::Taken`].
    pub async fn create_cycle(&self, new: &NewCycle<'_>, actor: &str, now: DateTime<Utc>) -> Result<Cycle, StoreError> {
        let mut tx = self.begin_write().await?;
        let taken = sqlx::query("SELECT id FROM eval_cycles WHERE slug = $1").bind(new.slug).fetch_optional(&mut *tx);
        if taken.await?.is_some() {
            return Err(StoreError::Taken("slug"));
        }
        let id = new_id();
        sqlx::query(
            "INSERT INTO eval_cycles (id, slug, name, framework_id, starts_on, ends_on, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.as_str())
        .bind(new.slug)
        .bind(new.name)
        .bind(new.framework_id)
        .bind(new.starts_on)
        .bind(new.ends_on)
        .bind(actor)
        .bind(ts(now))
        .execute(&mut *tx)
        .await?;
        let after = serde_json::json!({
            "slug": new.slug, "name": new.name, "framework": new.framework_id,
            "starts_on": new.starts_on, "ends_on": new.ends_on,
        });
        audited(&mut tx, actor, "evaluation.cycle.create", &id, after, now).await?;
        tx.commit().await?;
        self.cycle(new.slug).await?.ok_or(StoreError::NotFound)
    }

    /// Every cycle, newest first.
    pub async fn cycles(&self) -> Result<Vec<Cycle>, StoreError> {
        let sql = format!("SELECT {CYCLE_COLUMNS} FROM eval_cycles ORDER BY starts_on DESC, created_at DESC");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(cycle).collect()
    }

    /// A cycle by its slug.
    pub async fn cycle(&self, slug: &str) -> Result<Option<Cycle>, StoreError> {
        let sql = format!("SELECT {CYCLE_COLUMNS} FROM eval_cycles WHERE slug = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(slug).fetch_optional(&self.pool).await?;
        row.as_ref().map(cycle).transpose()
    }

    /// The most recently published cycle of each framework, newest first.
    pub async fn published_cycles(&self) -> Result<Vec<Cycle>, StoreError> {
        let sql = format!(
            "SELECT {CYCLE_COLUMNS} FROM eval_cycles WHERE published_at IS NOT NULL ORDER BY published_at DESC, slug"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        let mut seen = std::collections::HashSet::new();
        rows.iter().map(cycle).filter(|c| c.as_ref().map_or(true, |c| seen.insert(c.framework_id.clone()))).collect()
    }

    /// Shows (`Some`) or withdraws (`None`) a cycle's results on the public dashboard.
    pub async fn publish_cycle(
        &self,
        cycle_id: &str,
        at: Option<DateTime<Utc>>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE eval_cycles SET published_at = $1 WHERE id = $2")
            .bind(at.map(ts))
            .bind(cycle_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let action = if at.is_some() { "evaluation.cycle.publish" } else { "evaluation.cycle.unpublish" };
        audited(&mut tx, actor, action, cycle_id, serde_json::json!({}), now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds (`true`) or removes (`false`) a team member.
    pub async fn set_team_member(
        &self,
        cycle_id: &str,
        user_id: &str,
        member: bool,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM eval_team WHERE cycle_id = $1 AND user_id = $2")
            .bind(cycle_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if member {
            sqlx::query("INSERT INTO eval_team (cycle_id, user_id) VALUES ($1, $2)")
                .bind(cycle_id)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        let action = if member { "evaluation.team.add" } else { "evaluation.team.remove" };
        audited(&mut tx, actor, action, cycle_id, serde_json::json!({ "user": user_id }), now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The cycle's team, by name.
    pub async fn team(&self, cycle_id: &str) -> Result<Vec<TeamMember>, StoreError> {
        let rows = sqlx::query(
            "SELECT u.id, u.name, u.email FROM eval_team t JOIN users u ON u.id = t.user_id \
             WHERE t.cycle_id = $1 ORDER BY u.name, u.id",
        )
        .bind(cycle_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok(TeamMember { user_id: r.text("id")?, name: r.text("name")?, email: r.opt_text("email")? }))
            .collect()
    }

    /// Whether the account is on the cycle's team.
    pub async fn on_team(&self, cycle_id: &str, user_id: &str) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT 1 FROM eval_team WHERE cycle_id = $1 AND user_id = $2")
            .bind(cycle_id)
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }
}
