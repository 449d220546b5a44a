//! satupintu's domain: the types and rules of a city's single window.
//!
//! No I/O and no async here: every other crate calls into this one, and this one calls
//! nothing, so the rules can be tested exhaustively and reused by the store, the web layer,
//! the importer and the command line alike.

pub mod audit;
pub mod catalog;
pub mod chain;
pub mod code;
pub mod evaluation;
pub mod gateway_log;
pub mod identity;
pub mod link;
pub mod monitoring;
pub mod progress;
pub mod request;
pub mod text;

pub use catalog::{
    AGENCY_COLUMNS, Agency, AgencyKind, Audience, CATALOG_COLUMNS, CatalogEntry, CategoryName, IntegrationMode,
    IntegrationStatus, MAX_AGENCY_NAME, MAX_AGENCY_TEXT, REQUIRED_COLUMNS, RowProblem, Service, ServiceStandard,
    StatusChange, TransitionError, format_rupiah,
};
pub use code::{AgencyCode, CodeError, ServiceCode};
pub use link::{LinkError, WebUrl};
pub use progress::{Progress, ProgressPoint, progress_over_time};
