//! Catalog reads.

use domain::{Agency, AgencyCode, AgencyKind, Service, ServiceCode, ServiceStandard, StatusChange};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

use super::filter::Bind;
use super::{AgencySummary, CategorySummary, Page, Paged, ServiceDetail, ServiceFilter, ServiceSummary};
use crate::error::corrupt;
use crate::rows::Columns;
use crate::{Store, StoreError};

const SUMMARY_COLUMNS: &str = "s.code, s.name, s.summary, s.category_slug, c.name AS category_name, \
     a.code AS agency_code, a.name AS agency_name, a.short_name AS agency_short_name, \
     s.audience, s.mode, s.status, s.duration_days, s.cost_rupiah, s.opens";

pub(crate) const FROM_SERVICES: &str = "FROM services s \
     JOIN agencies a ON a.id = s.agency_id \
     JOIN categories c ON c.slug = s.category_slug";

fn summary(row: &AnyRow) -> Result<ServiceSummary, StoreError> {
    Ok(ServiceSummary {
        code: row.service_code("code")?,
        name: row.text("name")?,
        summary: row.opt_text("summary")?,
        category_slug: row.text("category_slug")?,
        category_name: row.text("category_name")?,
        agency_code: row.text("agency_code")?,
        agency_name: row.text("agency_name")?,
        agency_short_name: row.opt_text("agency_short_name")?,
        audience: row.audience("audience")?,
        mode: row.mode("mode")?,
        status: row.status("status")?,
        duration_days: row.opt_int("duration_days")?,
        cost_rupiah: row.opt_int("cost_rupiah")?,
        opens: row.count("opens")?,
    })
}

pub(crate) fn agency(row: &AnyRow) -> Result<Agency, StoreError> {
    Ok(Agency {
        code: row.agency_code("code")?,
        name: row.text("name")?,
        short_name: row.opt_text("short_name")?,
        kind: AgencyKind::parse(&row.text("kind")?).map_err(|e| corrupt("kind", e))?,
        address: row.opt_text("address")?,
        phone: row.opt_text("phone")?,
        email: row.opt_text("email")?,
        website: row.url("website")?,
    })
}

/// Agencies with their active and integrated service counts.
const AGENCY_SELECT: &str = "SELECT a.code, a.name, a.short_name, a.kind, a.address, a.phone, a.email, a.website, \
     (SELECT COUNT(*) FROM services s WHERE s.agency_id = a.id AND s.status <> 'dihentikan') AS services, \
     (SELECT COUNT(*) FROM services s WHERE s.agency_id = a.id AND s.status = 'terintegrasi') AS integrated \
     FROM agencies a";

fn agency_summary(row: &AnyRow) -> Result<AgencySummary, StoreError> {
    Ok(AgencySummary { agency: agency(row)?, services: row.count("services")?, integrated: row.count("integrated")? })
}

pub(crate) fn service(row: &AnyRow) -> Result<Service, StoreError> {
    let u32_days =
        row.opt_int("duration_days")?.map(|d| u32::try_from(d).map_err(|e| corrupt("duration_days", e))).transpose()?;
    Ok(Service {
        code: row.service_code("code")?,
        name: row.text("name")?,
        summary: row.opt_text("summary")?,
        description: row.opt_text("description")?,
        category: row.category("category_name")?,
        agency: row.agency_code("agency_code")?,
        audience: row.audience("audience")?,
        mode: row.mode("mode")?,
        status: row.status("status")?,
        status_changed_at: row.time("status_changed_at")?,
        target_year: row.opt_int("target_year")?.and_then(|y| i32::try_from(y).ok()),
        web_url: row.url("web_url")?,
        android_url: row.url("android_url")?,
        ios_url: row.url("ios_url")?,
        keywords: row.list("keywords_json")?,
        standard: ServiceStandard {
            requirements: row.list("requirements_json")?,
            procedure: row.list("procedure_json")?,
            duration_days: u32_days,
            cost_rupiah: row.opt_int("cost_rupiah")?,
            product: row.opt_text("product")?,
            legal_basis: row.opt_text("legal_basis")?,
            complaint_contact: row.opt_text("complaint_contact")?,
        },
    })
}

pub(crate) const FULL_SERVICE_COLUMNS: &str = "s.id, s.code, s.name, s.summary, s.description, \
     s.category_slug, c.name AS category_name, a.code AS agency_code, a.name AS agency_name, \
     a.short_name AS agency_short_name, s.audience, s.mode, s.status, s.status_changed_at, \
     s.target_year, s.web_url, s.android_url, s.ios_url, s.keywords_json, s.requirements_json, \
     s.procedure_json, s.duration_days, s.cost_rupiah, s.product, s.legal_basis, \
     s.complaint_contact, s.opens";

impl Store {
    /// Lists services matching a filter, by name, one page at a time.
    #[tracing::instrument(skip_all)]
    pub async fn list_services(&self, filter: &ServiceFilter, page: Page) -> Result<Paged<ServiceSummary>, StoreError> {
        let (where_sql, binds) = filter.where_clause();
        let count_sql = format!("SELECT COUNT(*) AS n {FROM_SERVICES} WHERE {where_sql}");
        let mut count = sqlx::query(AssertSqlSafe(count_sql));
        for Bind::Text(value) in &binds {
            count = count.bind(value.clone());
        }
        let total = count.fetch_one(&self.pool).await?.count("n")?;
        let n = binds.len();
        let list_sql = format!(
            "SELECT {SUMMARY_COLUMNS} {FROM_SERVICES} WHERE {where_sql} \
             ORDER BY s.sort_key{collate}, s.code{collate} LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2,
            collate = self.backend().binary_collation(),
        );
        let mut list = sqlx::query(AssertSqlSafe(list_sql));
        for Bind::Text(value) in binds {
            list = list.bind(value);
        }
        let rows =
            list.bind(i64::try_from(page.size).unwrap_or(i64::MAX)).bind(page.offset()).fetch_all(&self.pool).await?;
        Ok(Paged {
            items: rows.iter().map(summary).collect::<Result<_, _>>()?,
            page: page.number,
            per_page: page.size,
            total,
        })
    }

    /// The most opened integrated services, for the home page.
    pub async fn popular_services(&self, limit: u64) -> Result<Vec<ServiceSummary>, StoreError> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} {FROM_SERVICES} WHERE s.status = 'terintegrasi' \
             ORDER BY s.opens DESC, s.sort_key{collate} LIMIT $1",
            collate = self.backend().binary_collation(),
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(summary).collect()
    }

    /// One service with its standard and status history.
    #[tracing::instrument(skip(self))]
    pub async fn service(&self, code: &ServiceCode) -> Result<ServiceDetail, StoreError> {
        let sql = format!("SELECT {FULL_SERVICE_COLUMNS} {FROM_SERVICES} WHERE s.code = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(code.as_str())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        let id = row.text("id")?;
        let history = sqlx::query(
            "SELECT from_status, to_status, changed_at, note FROM service_status_changes \
             WHERE service_id = $1 ORDER BY changed_at, id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(StatusChange {
                from: r
                    .opt_text("from_status")?
                    .map(|s| domain::IntegrationStatus::parse(&s).map_err(|e| corrupt("from_status", e)))
                    .transpose()?,
                to: r.status("to_status")?,
                at: r.time("changed_at")?,
                note: r.opt_text("note")?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
        Ok(ServiceDetail {
            service: service(&row)?,
            category_slug: row.text("category_slug")?,
            agency_name: row.text("agency_name")?,
            agency_short_name: row.opt_text("agency_short_name")?,
            opens: row.count("opens")?,
            history,
        })
    }

    /// Every service with its full record, by code: for the export.
    pub async fn all_services(&self) -> Result<Vec<(Service, String)>, StoreError> {
        let sql = format!(
            "SELECT {FULL_SERVICE_COLUMNS} {FROM_SERVICES} ORDER BY s.code{}",
            self.backend().binary_collation()
        );
        let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok((service(r)?, r.text("agency_name")?))).collect()
    }

    /// Every agency with its counts, by name.
    pub async fn list_agencies(&self) -> Result<Vec<AgencySummary>, StoreError> {
        let sql = format!("{AGENCY_SELECT} ORDER BY a.sort_key{}", self.backend().binary_collation());
        let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(agency_summary).collect()
    }

    /// One agency with its counts.
    pub async fn agency(&self, code: &AgencyCode) -> Result<AgencySummary, StoreError> {
        let sql = format!("{AGENCY_SELECT} WHERE a.code = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(code.as_str())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        agency_summary(&row)
    }

    /// Every category that has services, by name.
    pub async fn list_categories(&self) -> Result<Vec<CategorySummary>, StoreError> {
        let sql = format!(
            "SELECT c.slug, c.name, \
             (SELECT COUNT(*) FROM services s WHERE s.category_slug = c.slug AND s.status <> 'dihentikan') AS services, \
             (SELECT COUNT(*) FROM services s WHERE s.category_slug = c.slug AND s.status = 'terintegrasi') AS integrated \
             FROM categories c ORDER BY c.slug{}",
            self.backend().binary_collation()
        );
        let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(CategorySummary {
                    slug: r.text("slug")?,
                    name: r.text("name")?,
                    services: r.count("services")?,
                    integrated: r.count("integrated")?,
                })
            })
            .filter(|c: &Result<CategorySummary, StoreError>| c.as_ref().map_or(true, |c| c.services > 0))
            .collect()
    }

    /// Whether the catalog has no services at all (a fresh install).
    pub async fn catalog_is_empty(&self) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM services").fetch_one(&self.pool).await?;
        Ok(row.count("n")? == 0)
    }

    /// The catalog revision, bumped by every catalog write.
    pub async fn catalog_revision(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT revision FROM catalog_revision WHERE id = 1").fetch_one(&self.pool).await?;
        Ok(row.try_get::<i64, _>("revision")?)
    }
}
