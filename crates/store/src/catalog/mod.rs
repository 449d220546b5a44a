//! The catalog's storage: agencies, categories, services and their status history.

pub(crate) mod admin;
mod filter;
mod progress;
pub(crate) mod read;
pub(crate) mod write;

use domain::{Agency, Audience, IntegrationMode, IntegrationStatus, Service, ServiceCode, StatusChange};
use serde::Serialize;

pub use admin::CatalogEditError;
pub use filter::{Page, Paged, ServiceFilter};
pub use progress::AgencyProgress;

/// A service as listed in the catalog (no full standard).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceSummary {
    pub code: ServiceCode,
    pub name: String,
    pub summary: Option<String>,
    pub category_slug: String,
    pub category_name: String,
    pub agency_code: String,
    pub agency_name: String,
    pub agency_short_name: Option<String>,
    pub audience: Audience,
    pub mode: IntegrationMode,
    pub status: IntegrationStatus,
    pub duration_days: Option<i64>,
    pub cost_rupiah: Option<i64>,
    pub opens: u64,
}

/// A service with everything the service page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceDetail {
    pub service: Service,
    pub category_slug: String,
    pub agency_name: String,
    pub agency_short_name: Option<String>,
    pub opens: u64,
    /// Oldest first.
    pub history: Vec<StatusChange>,
}

/// An agency with its service counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencySummary {
    pub agency: Agency,
    /// Active (not retired) services.
    pub services: u64,
    pub integrated: u64,
}

/// A category with its service counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategorySummary {
    pub slug: String,
    pub name: String,
    /// Active (not retired) services.
    pub services: u64,
    pub integrated: u64,
}
