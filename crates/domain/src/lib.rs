//! satupintu's domain: the types and rules of a city's single window.
//!
//! No I/O and no async here: every other crate calls into this one, and this one calls
//! nothing, so the rules can be tested exhaustively and reused by the store, the web layer,
//! the importer and the command line alike.

pub mod catalog;
pub mod code;
pub mod link;
pub mod progress;
pub mod text;

pub use catalog::{
    format_rupiah,
    Agency, AgencyKind, Audience, CATALOG_COLUMNS, CatalogEntry, REQUIRED_COLUMNS, RowProblem, CategoryName, IntegrationMode, IntegrationStatus, Service,
    ServiceStandard, StatusChange, TransitionError,
};
pub use code::{AgencyCode, CodeError, ServiceCode};
pub use link::{LinkError, WebUrl};
pub use progress::{Progress, ProgressPoint, progress_over_time};
