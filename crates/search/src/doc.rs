//! What the index knows about a service.

use domain::{Audience, IntegrationMode, IntegrationStatus};

/// A service as the search index sees it: text to match, and the facts to filter, count
/// and rank by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchDoc {
    pub code: String,
    pub name: String,
    pub summary: String,
    /// Description, requirements, procedure and product, for body matches.
    pub body: String,
    pub keywords: Vec<String>,
    pub category_slug: String,
    pub category_name: String,
    pub agency_code: String,
    pub agency_name: String,
    pub agency_short_name: String,
    pub audience: Audience,
    pub mode: IntegrationMode,
    pub status: IntegrationStatus,
    /// How often people opened it (ranks popular services first among equals).
    pub opens: u64,
}
