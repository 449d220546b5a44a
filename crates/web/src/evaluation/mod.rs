//! Evaluation (SPBE, Smart City, Pemerintah Digital): the frameworks a city can use, a
//! cycle read whole, who may do what in it, and the figures shown for it. Pages live in
//! `pages/eval_*.rs`; this module is what they, the exports and the command line share.

pub mod cycle;
pub mod export;
pub mod registry;

use domain::identity::Role;
use store::{Store, StoreError, User};

/// What someone may do in a cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The city's IT office: everything the team does, plus cycles, team and publishing.
    Admin,
    /// The cycle's team: self-assessment, evidence, answers to evidence requests.
    Team,
    /// An assessor: reads everything, sets the review levels, asks for and closes evidence
    /// requests; never edits evidence or the self-assessment.
    Assessor,
}

impl Access {
    /// Writes the team's part (self-assessment, evidence, answers).
    pub fn is_team(self) -> bool {
        matches!(self, Self::Admin | Self::Team)
    }

    pub fn is_assessor(self) -> bool {
        self == Self::Assessor
    }

    pub fn is_admin(self) -> bool {
        self == Self::Admin
    }
}

/// What `user` may do in the cycle (`None`: nothing, not even read).
pub async fn access(store: &Store, user: &User, cycle_id: &str) -> Result<Option<Access>, StoreError> {
    Ok(match user.role {
        Role::Admin => Some(Access::Admin),
        Role::Asesor => Some(Access::Assessor),
        _ if store.on_team(cycle_id, &user.id).await? => Some(Access::Team),
        _ => None,
    })
}

/// A day as people read it: "12 November 2024" (the month from the catalog).
pub fn day(t: crate::i18n::Tr, iso: &str) -> String {
    use chrono::Datelike;
    match chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d") {
        Ok(d) => format!("{} {} {}", d.day(), t.get(&format!("month-{}", d.month())), d.year()),
        Err(_) => iso.to_owned(),
    }
}

/// A cycle's short name: lower-case letters, digits and dashes, 3–60 characters.
pub fn valid_slug(slug: &str) -> bool {
    (3..=60).contains(&slug.len())
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(valid_slug("smart-city-2024-tahap-2"));
        for bad in ["ab", "Smart", "a b c", "-abc", "abc-", "ab/c", &"a".repeat(61)] {
            assert!(!valid_slug(bad), "{bad}");
        }
    }
}
