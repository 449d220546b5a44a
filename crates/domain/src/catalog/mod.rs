//! The catalog: agencies (OPD) and the applications and services they run.

mod agency;
pub(crate) mod enums;
mod service;
mod status;

pub use agency::{AGENCY_COLUMNS, Agency, AgencyKind, MAX_AGENCY_NAME, MAX_AGENCY_TEXT};
pub use enums::{Audience, IntegrationMode, ParseEnumError};
pub use service::{CategoryName, MAX_SUMMARY_CHARS, Service, ServiceStandard, format_rupiah};
pub use status::{IntegrationStatus, StatusChange, TransitionError};

mod record;
pub use record::{CATALOG_COLUMNS, CatalogEntry, REQUIRED_COLUMNS, RowProblem};
