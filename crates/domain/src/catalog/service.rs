//! Applications and services with their public service standard.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Audience, IntegrationMode, IntegrationStatus};
use crate::text::slugify;
use crate::{AgencyCode, ServiceCode, WebUrl};

/// A catalog category, e.g. "Pajak & Retribusi"; its slug is derived from the name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CategoryName(String);

impl CategoryName {
    /// Accepts any non-blank name; the slug must not be empty either.
    pub fn parse(raw: &str) -> Option<Self> {
        let name = crate::text::tidy(raw);
        (!slugify(&name).is_empty()).then_some(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL-safe key, e.g. `pajak-retribusi`.
    pub fn slug(&self) -> String {
        slugify(&self.0)
    }
}

/// The public service standard (standar pelayanan, PermenPANRB 15/2014) a citizen reads
/// before applying.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceStandard {
    /// Persyaratan: documents and conditions.
    pub requirements: Vec<String>,
    /// Prosedur: the steps, in order.
    pub procedure: Vec<String>,
    /// Waktu penyelesaian in working days.
    pub duration_days: Option<u32>,
    /// Biaya in rupiah; `Some(0)` means free, `None` unknown.
    pub cost_rupiah: Option<i64>,
    /// Produk layanan: what the citizen receives.
    pub product: Option<String>,
    /// Dasar hukum.
    pub legal_basis: Option<String>,
    /// Where to complain.
    pub complaint_contact: Option<String>,
}

impl ServiceStandard {
    /// Whether enough is known for a citizen to prepare: requirements, steps and duration.
    pub fn is_complete(&self) -> bool {
        !self.requirements.is_empty() && !self.procedure.is_empty() && self.duration_days.is_some()
    }

    pub fn is_free(&self) -> bool {
        self.cost_rupiah == Some(0)
    }
}

/// The longest summary (ringkasan) a service may have, in characters.
pub const MAX_SUMMARY_CHARS: usize = 300;

/// An application or service of the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub code: ServiceCode,
    pub name: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub category: CategoryName,
    pub agency: AgencyCode,
    pub audience: Audience,
    pub mode: IntegrationMode,
    pub status: IntegrationStatus,
    /// When the current status was set.
    pub status_changed_at: DateTime<Utc>,
    pub target_year: Option<i32>,
    pub web_url: Option<WebUrl>,
    pub android_url: Option<WebUrl>,
    pub ios_url: Option<WebUrl>,
    pub keywords: Vec<String>,
    pub standard: ServiceStandard,
}

impl Service {
    /// Whether a citizen can use it through the single window today.
    pub fn is_available(&self) -> bool {
        self.status == IntegrationStatus::Integrated
    }
}

/// Formats rupiah the Indonesian way: `Rp 150.000`.
pub fn format_rupiah(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(c);
    }
    let sign = if amount < 0 { "-" } else { "" };
    format!("{sign}Rp {grouped}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn category_slug() {
        let cat = CategoryName::parse("  Pajak  & Retribusi ");
        assert_eq!(cat.as_ref().map(CategoryName::as_str), Some("Pajak & Retribusi"));
        assert_eq!(cat.map(|c| c.slug()), Some("pajak-retribusi".into()));
        assert_eq!(CategoryName::parse(" & "), None);
    }

    #[test]
    fn rupiah() {
        assert_eq!(format_rupiah(0), "Rp 0");
        assert_eq!(format_rupiah(150000), "Rp 150.000");
        assert_eq!(format_rupiah(1_250_000), "Rp 1.250.000");
        assert_eq!(format_rupiah(999), "Rp 999");
    }

    proptest! {
        #[test]
        fn rupiah_keeps_the_digits(amount in 0i64..10_000_000_000) {
            let text = format_rupiah(amount);
            let digits: String = text.chars().filter(char::is_ascii_digit).collect();
            prop_assert_eq!(digits, amount.to_string());
        }
    }
}
