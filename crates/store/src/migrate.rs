//! Embedded migrations, run at start-up and by `satupintu migrate`.
//!
//! A small runner instead of sqlx's macros: the SQL is the same for both backends, and
//! the macros would compile the SQLite driver a second time for the host. Applied
//! migrations are never edited; a new change is a new file.

use sqlx::{AssertSqlSafe, Row};

use crate::{Store, StoreError};

/// `(version, name, SQL)`, in order.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "catalog", include_str!("../migrations/0001_catalog.sql")),
    (2, "search", include_str!("../migrations/0002_search.sql")),
    (3, "accounts", include_str!("../migrations/0003_accounts.sql")),
    (4, "audit", include_str!("../migrations/0004_audit.sql")),
    (5, "nik", include_str!("../migrations/0005_nik.sql")),
    (6, "outbox", include_str!("../migrations/0006_outbox.sql")),
    (7, "oidc", include_str!("../migrations/0007_oidc.sql")),
    (8, "requests", include_str!("../migrations/0008_requests.sql")),
    (9, "surveys", include_str!("../migrations/0009_surveys.sql")),
    (10, "notifications", include_str!("../migrations/0010_notifications.sql")),
    (11, "agency_delivery", include_str!("../migrations/0011_agency_delivery.sql")),
    (12, "open311", include_str!("../migrations/0012_open311.sql")),
    (13, "assistant", include_str!("../migrations/0013_assistant.sql")),
    (14, "talas_extras", include_str!("../migrations/0014_talas_extras.sql")),
    (15, "evaluation", include_str!("../migrations/0015_evaluation.sql")),
    (16, "monitoring", include_str!("../migrations/0016_monitoring.sql")),
    (17, "gateway", include_str!("../migrations/0017_gateway.sql")),
];

/// Splits a migration into statements at `;` line ends (no statement here contains one
/// inside a literal).
fn statements(sql: &str) -> impl Iterator<Item = String> + '_ {
    sql.split(";\n")
        .map(|s| {
            s.lines().filter(|l| !l.trim_start().starts_with("--")).collect::<Vec<_>>().join("\n").trim().to_string()
        })
        .filter(|s| !s.trim().is_empty())
}

impl Store {
    /// Applies the migrations not yet applied; returns how many ran.
    pub async fn migrate(&self) -> Result<usize, StoreError> {
        self.migrate_up_to(Self::latest_schema_version()).await
    }

    /// Applies the migrations up to `version` (tests upgrade from an old schema with data).
    pub async fn migrate_up_to(&self, version: i64) -> Result<usize, StoreError> {
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at BIGINT NOT NULL
            )",
        )
        .execute(&self.pool)
        .await?;
        let applied: Vec<i64> = sqlx::query("SELECT version FROM schema_migrations")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<Result<_, _>>()?;
        let mut ran = 0;
        for (number, name, sql) in MIGRATIONS.iter().filter(|m| m.0 <= version) {
            let version = number;
            if applied.contains(version) {
                continue;
            }
            let mut tx = self.begin_write().await?;
            for statement in statements(sql) {
                sqlx::query(AssertSqlSafe(statement)).execute(&mut *tx).await?;
            }
            sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                .bind(*version)
                .bind(*name)
                .bind(chrono::Utc::now().timestamp())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            tracing::info!(version, name, "applied migration");
            ran += 1;
        }
        Ok(ran)
    }

    /// How many migrations this binary has (versions may skip a number another branch holds).
    pub fn migration_count() -> usize {
        MIGRATIONS.len()
    }

    /// The newest schema version this binary knows.
    pub fn latest_schema_version() -> i64 {
        MIGRATIONS.last().map_or(0, |m| m.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_statements_and_drops_comments() {
        let sql = "-- a comment\nCREATE TABLE a (x TEXT);\n\nINSERT INTO a VALUES ('1');\n";
        let parts: Vec<_> = statements(sql).collect();
        assert_eq!(parts, vec!["CREATE TABLE a (x TEXT)", "INSERT INTO a VALUES ('1')"]);
    }
}
