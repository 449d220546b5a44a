//! The JSON shapes of the API (what the mobile apps rely on). Kept apart from the domain
//! types so the domain can change without breaking published clients.

use chrono::SecondsFormat;
use domain::{Agency, Audience, IntegrationMode, IntegrationStatus, StatusChange};
use serde::Serialize;
use store::{AgencySummary, CategorySummary, ServiceDetail, ServiceSummary};
use utoipa::ToSchema;

/// How an application is joined to the single window.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Link,
    Sso,
    Api,
    Native,
}

impl From<IntegrationMode> for Mode {
    fn from(m: IntegrationMode) -> Self {
        match m {
            IntegrationMode::Link => Self::Link,
            IntegrationMode::Sso => Self::Sso,
            IntegrationMode::Api => Self::Api,
            IntegrationMode::Native => Self::Native,
        }
    }
}

/// Where an application stands in the integration programme.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Direncanakan,
    DalamProses,
    Terintegrasi,
    Dihentikan,
}

impl From<IntegrationStatus> for Status {
    fn from(s: IntegrationStatus) -> Self {
        match s {
            IntegrationStatus::Planned => Self::Direncanakan,
            IntegrationStatus::InProgress => Self::DalamProses,
            IntegrationStatus::Integrated => Self::Terintegrasi,
            IntegrationStatus::Retired => Self::Dihentikan,
        }
    }
}

/// Who a service is for.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Pengguna {
    Warga,
    Asn,
    Bisnis,
}

impl From<Audience> for Pengguna {
    fn from(a: Audience) -> Self {
        match a {
            Audience::Warga => Self::Warga,
            Audience::Asn => Self::Asn,
            Audience::Bisnis => Self::Bisnis,
        }
    }
}

/// A category reference.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryRef {
    #[schema(example = "kependudukan")]
    pub slug: String,
    #[schema(example = "Kependudukan")]
    pub name: String,
}

/// An agency reference.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyRef {
    #[schema(example = "DISDUKCAPIL")]
    pub code: String,
    #[schema(example = "Dinas Kependudukan dan Pencatatan Sipil")]
    pub name: String,
    #[schema(example = "Disdukcapil")]
    pub short_name: Option<String>,
}

/// Where to find a resource.
#[derive(Debug, Serialize, ToSchema)]
pub struct Links {
    /// This resource in the API.
    #[serde(rename = "self")]
    pub api: String,
    /// The page a person reads on the portal.
    pub html: String,
}

/// A service in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceItem {
    #[schema(example = "KTP-EL")]
    pub code: String,
    #[schema(example = "Perekaman dan Pencetakan KTP-el")]
    pub name: String,
    pub summary: Option<String>,
    pub category: CategoryRef,
    pub agency: AgencyRef,
    pub audience: Pengguna,
    pub mode: Mode,
    pub status: Status,
    /// Cost in rupiah; 0 means free; absent when unknown.
    pub cost_rupiah: Option<i64>,
    /// Completion time in working days.
    pub duration_days: Option<i64>,
    /// How often people opened the service's application from the portal.
    pub opens: u64,
    pub links: Links,
}

fn links(code: &str) -> Links {
    Links { api: format!("/api/v1/services/{code}"), html: format!("/layanan/{code}") }
}

impl From<&ServiceSummary> for ServiceItem {
    fn from(s: &ServiceSummary) -> Self {
        Self {
            code: s.code.to_string(),
            name: s.name.clone(),
            summary: s.summary.clone(),
            category: CategoryRef { slug: s.category_slug.clone(), name: s.category_name.clone() },
            agency: AgencyRef {
                code: s.agency_code.clone(),
                name: s.agency_name.clone(),
                short_name: s.agency_short_name.clone(),
            },
            audience: s.audience.into(),
            mode: s.mode.into(),
            status: s.status.into(),
            cost_rupiah: s.cost_rupiah,
            duration_days: s.duration_days,
            opens: s.opens,
            links: links(s.code.as_str()),
        }
    }
}

/// One page of services.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceList {
    pub items: Vec<ServiceItem>,
    #[schema(example = 1)]
    pub page: u64,
    #[schema(example = 20)]
    pub per_page: u64,
    /// Services matching the filters, over all pages.
    #[schema(example = 327)]
    pub total: u64,
    #[schema(example = 17)]
    pub total_pages: u64,
}

/// The public service standard.
#[derive(Debug, Serialize, ToSchema)]
pub struct Standard {
    /// Persyaratan.
    pub requirements: Vec<String>,
    /// Prosedur, in order.
    pub procedure: Vec<String>,
    /// Waktu penyelesaian in working days.
    pub duration_days: Option<u32>,
    /// Biaya in rupiah; 0 means free.
    pub cost_rupiah: Option<i64>,
    pub is_free: bool,
    /// Produk layanan.
    pub product: Option<String>,
    /// Dasar hukum.
    pub legal_basis: Option<String>,
    /// Where to complain.
    pub complaint_contact: Option<String>,
}

/// Where the application lives.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppUrls {
    pub web: Option<String>,
    pub android: Option<String>,
    pub ios: Option<String>,
}

/// One status change.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    pub from: Option<Status>,
    pub to: Status,
    /// RFC 3339, UTC.
    #[schema(example = "2024-03-01T00:00:00Z")]
    pub at: String,
    pub note: Option<String>,
}

impl From<&StatusChange> for HistoryEntry {
    fn from(c: &StatusChange) -> Self {
        Self {
            from: c.from.map(Into::into),
            to: c.to.into(),
            at: c.at.to_rfc3339_opts(SecondsFormat::Secs, true),
            note: c.note.clone(),
        }
    }
}

/// A service with its full standard and history.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceFull {
    pub code: String,
    pub name: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub category: CategoryRef,
    pub agency: AgencyRef,
    pub audience: Pengguna,
    pub mode: Mode,
    pub status: Status,
    /// When the current status was set (RFC 3339, UTC).
    pub status_changed_at: String,
    pub target_year: Option<i32>,
    pub urls: AppUrls,
    pub keywords: Vec<String>,
    pub standard: Standard,
    pub opens: u64,
    /// Oldest first.
    pub history: Vec<HistoryEntry>,
    pub links: Links,
}

impl From<&ServiceDetail> for ServiceFull {
    fn from(d: &ServiceDetail) -> Self {
        let s = &d.service;
        let url = |u: &Option<domain::WebUrl>| u.as_ref().map(ToString::to_string);
        Self {
            code: s.code.to_string(),
            name: s.name.clone(),
            summary: s.summary.clone(),
            description: s.description.clone(),
            category: CategoryRef { slug: d.category_slug.clone(), name: s.category.as_str().to_string() },
            agency: AgencyRef {
                code: s.agency.to_string(),
                name: d.agency_name.clone(),
                short_name: d.agency_short_name.clone(),
            },
            audience: s.audience.into(),
            mode: s.mode.into(),
            status: s.status.into(),
            status_changed_at: s.status_changed_at.to_rfc3339_opts(SecondsFormat::Secs, true),
            target_year: s.target_year,
            urls: AppUrls { web: url(&s.web_url), android: url(&s.android_url), ios: url(&s.ios_url) },
            keywords: s.keywords.clone(),
            standard: Standard {
                requirements: s.standard.requirements.clone(),
                procedure: s.standard.procedure.clone(),
                duration_days: s.standard.duration_days,
                cost_rupiah: s.standard.cost_rupiah,
                is_free: s.standard.is_free(),
                product: s.standard.product.clone(),
                legal_basis: s.standard.legal_basis.clone(),
                complaint_contact: s.standard.complaint_contact.clone(),
            },
            opens: d.opens,
            history: d.history.iter().map(Into::into).collect(),
            links: links(s.code.as_str()),
        }
    }
}

/// An agency (OPD) with its counts.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyItem {
    #[schema(example = "DISDUKCAPIL")]
    pub code: String,
    pub name: String,
    pub short_name: Option<String>,
    /// dinas, badan, kecamatan, kelurahan, sekretariat, inspektorat, kantor, rsud, bumd, bagian, lainnya.
    #[schema(example = "dinas")]
    pub kind: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    /// Active services.
    pub services: u64,
    pub integrated: u64,
}

impl From<&AgencySummary> for AgencyItem {
    fn from(a: &AgencySummary) -> Self {
        let Agency { code, name, short_name, kind, address, phone, email, website } = &a.agency;
        Self {
            code: code.to_string(),
            name: name.clone(),
            short_name: short_name.clone(),
            kind: kind.as_str().to_string(),
            address: address.clone(),
            phone: phone.clone(),
            email: email.clone(),
            website: website.as_ref().map(ToString::to_string),
            services: a.services,
            integrated: a.integrated,
        }
    }
}

/// An agency with its services.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyFull {
    #[serde(flatten)]
    pub agency: AgencyItem,
    /// The agency's active services, by name.
    pub service_list: Vec<ServiceItem>,
}

/// A category with its counts.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryItem {
    #[schema(example = "kependudukan")]
    pub slug: String,
    #[schema(example = "Kependudukan")]
    pub name: String,
    pub services: u64,
    pub integrated: u64,
}

impl From<&CategorySummary> for CategoryItem {
    fn from(c: &CategorySummary) -> Self {
        Self { slug: c.slug.clone(), name: c.name.clone(), services: c.services, integrated: c.integrated }
    }
}

/// Counts of one group (the whole city, an agency or a category).
#[derive(Debug, Serialize, ToSchema)]
pub struct Counts {
    pub integrated: u64,
    pub in_progress: u64,
    pub planned: u64,
    /// Active applications (not retired).
    pub total: u64,
    /// integrated / total, in percent, one decimal.
    pub percent: f64,
}

impl From<&domain::Progress> for Counts {
    fn from(p: &domain::Progress) -> Self {
        Self {
            integrated: p.integrated,
            in_progress: p.in_progress,
            planned: p.planned,
            total: p.total,
            percent: p.percent(),
        }
    }
}

/// One group's progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupProgress {
    /// Agency code or category slug.
    pub key: String,
    pub name: String,
    #[serde(flatten)]
    pub counts: Counts,
}

/// The programme at the end of one month.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonthPoint {
    #[schema(example = "2024-03")]
    pub month: String,
    pub integrated: u64,
    pub total: u64,
}

/// The integration programme's progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressReport {
    #[serde(flatten)]
    pub counts: Counts,
    /// The programme's target count of integrated applications.
    #[schema(example = 327)]
    pub target: u64,
    #[schema(example = 2025)]
    pub target_year: i32,
    /// integrated / target, in percent, one decimal, at most 100.
    pub percent_of_target: f64,
    pub by_agency: Vec<GroupProgress>,
    pub by_category: Vec<GroupProgress>,
    /// Month by month, from the status history.
    pub history: Vec<MonthPoint>,
}
