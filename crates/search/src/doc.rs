//! What the index knows about a service.

use domain::{Audience, IntegrationMode, IntegrationStatus, Service};

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

impl SearchDoc {
    /// A catalog service as the index reads it. The category slug comes from its name;
    /// the agency's names and the open count are not part of [`Service`].
    pub fn from_service(service: &Service, agency_name: &str, agency_short_name: &str, opens: u64) -> Self {
        let std = &service.standard;
        let mut body = String::new();
        for part in [service.description.as_deref().unwrap_or_default(), std.product.as_deref().unwrap_or_default()] {
            body.push_str(part);
            body.push(' ');
        }
        for item in std.requirements.iter().chain(&std.procedure) {
            body.push_str(item);
            body.push_str(" ; ");
        }
        Self {
            code: service.code.to_string(),
            name: service.name.clone(),
            summary: service.summary.clone().unwrap_or_default(),
            body,
            keywords: service.keywords.clone(),
            category_slug: service.category.slug(),
            category_name: service.category.as_str().to_string(),
            agency_code: service.agency.to_string(),
            agency_name: agency_name.to_string(),
            agency_short_name: agency_short_name.to_string(),
            audience: service.audience,
            mode: service.mode,
            status: service.status,
            opens,
        }
    }
}
