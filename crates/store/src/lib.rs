//! satupintu's storage: one SQL layer over SQLite (the embedded default) and PostgreSQL
//! (for scale), chosen by the database URL's scheme.
//!
//! The SQL is portable (`$n` placeholders, `TEXT`/`BIGINT` columns, Unix-second timestamps,
//! JSON text for lists), so one implementation serves both backends and the same
//! conformance tests run on each. Functions that write take a connection, so a caller can
//! put several writes (and later an outbox entry) in one transaction.

pub mod accounts;
pub mod api_keys;
pub mod assistant;
pub mod audit;
mod batch;
mod catalog;
mod connect;
mod error;
pub mod evaluation;
pub mod gateway;
mod import;
mod meta;
pub mod metrics;
mod migrate;
pub mod monitoring;
pub mod oidc;
pub mod outbox;
pub mod requests;
mod rows;
mod search;

pub use accounts::{AccountError, NewUser, User};
pub use catalog::write::StatusChangeError;
pub use catalog::{
    AgencyProgress, AgencySummary, CatalogEditError, CategorySummary, Page, Paged, ServiceDetail, ServiceFilter,
    ServiceSummary,
};
pub use connect::{Backend, Store};
pub use error::StoreError;
pub use import::{ImportOutcome, ImportRejected};
pub use metrics::MetricScopeQuery;
pub use search::{IndexedService, QueryStats, SearchCounts, SynonymRow};
