//! Integration status and its allowed transitions.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::enums::vocabulary;

vocabulary!(
    /// Where an application stands in the integration programme.
    IntegrationStatus {
        Planned = "direncanakan",
        InProgress = "dalam_proses",
        Integrated = "terintegrasi",
        Retired = "dihentikan",
    }
);

/// A status change the programme's rules do not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("status sudah {0}")]
    Unchanged(IntegrationStatus),
    #[error("status tidak dapat berubah dari {from} ke {to}")]
    NotAllowed { from: IntegrationStatus, to: IntegrationStatus },
}

impl IntegrationStatus {
    /// Whether the application counts toward the programme (retired ones do not).
    pub fn is_active(self) -> bool {
        self != Self::Retired
    }

    /// The statuses reachable from this one.
    ///
    /// A `link` integration can go straight from planned to integrated; an integrated app
    /// can go back into progress when it is re-integrated more deeply (say from `link` to
    /// `api`); any active app can be retired; a retired app can only be planned again, so a
    /// revival is visible in the history instead of silently reappearing as integrated.
    pub fn successors(self) -> &'static [Self] {
        use IntegrationStatus::*;
        match self {
            Planned => &[InProgress, Integrated, Retired],
            InProgress => &[Planned, Integrated, Retired],
            Integrated => &[InProgress, Retired],
            Retired => &[Planned],
        }
    }

    /// Checks a change from `self` to `to`.
    pub fn transition(self, to: Self) -> Result<Self, TransitionError> {
        if self == to {
            Err(TransitionError::Unchanged(self))
        } else if self.successors().contains(&to) {
            Ok(to)
        } else {
            Err(TransitionError::NotAllowed { from: self, to })
        }
    }
}

/// One entry of an application's status history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    /// `None` for the first status an application was registered with.
    pub from: Option<IntegrationStatus>,
    pub to: IntegrationStatus,
    pub at: DateTime<Utc>,
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use IntegrationStatus::*;
    use proptest::prelude::*;

    #[test]
    fn programme_transitions() {
        assert_eq!(Planned.transition(InProgress), Ok(InProgress));
        assert_eq!(Planned.transition(Integrated), Ok(Integrated));
        assert_eq!(Integrated.transition(Retired), Ok(Retired));
        assert_eq!(Retired.transition(Planned), Ok(Planned));
        assert_eq!(Retired.transition(Integrated), Err(TransitionError::NotAllowed { from: Retired, to: Integrated }));
        assert!(Integrated.transition(Planned).is_err());
        assert_eq!(Planned.transition(Planned), Err(TransitionError::Unchanged(Planned)));
    }

    fn status() -> impl Strategy<Value = IntegrationStatus> {
        proptest::sample::select(IntegrationStatus::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn every_status_can_be_retired_or_revived(from in status()) {
            // No dead ends: from anywhere, retiring (or reviving) is one step away.
            prop_assert!(from == Retired || from.transition(Retired).is_ok());
            prop_assert!(from != Retired || from.transition(Planned).is_ok());
        }

        #[test]
        fn transition_agrees_with_successors(from in status(), to in status()) {
            let ok = from.transition(to).is_ok();
            prop_assert_eq!(ok, from != to && from.successors().contains(&to));
        }

        #[test]
        fn any_walk_of_allowed_steps_stays_consistent(steps in proptest::collection::vec(status(), 0..20)) {
            let mut current = Planned;
            for next in steps {
                if let Ok(s) = current.transition(next) { current = s; }
            }
            prop_assert!(IntegrationStatus::ALL.contains(&current));
        }
    }
}
