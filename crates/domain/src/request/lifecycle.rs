//! A request's status, who may change it, and which history entries a citizen sees.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::enums::vocabulary;

vocabulary!(
    /// Where a citizen's request stands. The words are the wire, file and database values;
    /// display labels live in the web layer's translation catalogs.
    RequestStatus {
        /// Sent by the citizen, not yet looked at.
        Submitted = "diajukan",
        /// Checked as complete and taken on by the agency.
        Accepted = "diterima",
        /// Being worked on.
        InProgress = "diproses",
        /// Waiting for the citizen to fix or add something.
        NeedsFix = "perlu_perbaikan",
        /// Done: the product (document, permit…) is ready.
        Completed = "selesai",
        /// Refused, with a reason the citizen sees.
        Rejected = "ditolak",
        /// Withdrawn by the citizen before the agency took it on.
        Cancelled = "dibatalkan",
    }
);

vocabulary!(
    /// Who changes a request.
    Actor {
        /// The person who submitted the request.
        Citizen = "warga",
        /// Agency staff handling the request.
        Operator = "petugas",
    }
);

vocabulary!(
    /// Who may read a free-text note on a request.
    NoteVisibility {
        /// Shown to the citizen.
        Public = "publik",
        /// Only agency staff see it (e.g. "waiting for the head of office's signature").
        Internal = "internal",
    }
);

/// A status change the rules do not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("permohonan sudah {0} dan tidak dapat diubah lagi")]
    Final(RequestStatus),
    #[error("status permohonan sudah {0}")]
    Unchanged(RequestStatus),
    /// Someone else could make this change (e.g. a citizen trying to accept).
    #[error("{actor} tidak dapat mengubah status dari {from} ke {to}")]
    NotForActor { from: RequestStatus, to: RequestStatus, actor: Actor },
    /// Nobody can make this change.
    #[error("status permohonan tidak dapat berubah dari {from} ke {to}")]
    NotAllowed { from: RequestStatus, to: RequestStatus },
    #[error("alasan penolakan wajib diisi")]
    ReasonRequired,
    #[error("jelaskan apa yang perlu diperbaiki")]
    FixDescriptionRequired,
}

impl RequestStatus {
    /// Whether no one can change the request any more.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Completed | Self::Rejected | Self::Cancelled)
    }

    /// Whose turn it is: the SLA clock and the operator's work queue count the requests
    /// waiting on an operator; `None` once final.
    pub fn waiting_on(self) -> Option<Actor> {
        match self {
            Self::Submitted | Self::Accepted | Self::InProgress => Some(Actor::Operator),
            Self::NeedsFix => Some(Actor::Citizen),
            Self::Completed | Self::Rejected | Self::Cancelled => None,
        }
    }

    /// The statuses `actor` may move a request to from this one, for the buttons a screen
    /// shows.
    ///
    /// Operators accept or reject a new request, work on it, ask for fixes and finish it;
    /// rejection stays possible until the work is done. A citizen may cancel only while
    /// nobody has taken the request on (after that, work may have been spent on it), and
    /// sends it back into work by answering a fix request.
    pub fn successors(self, actor: Actor) -> &'static [Self] {
        use RequestStatus::*;
        match (actor, self) {
            (Actor::Operator, Submitted) => &[Accepted, Rejected],
            (Actor::Operator, Accepted) => &[InProgress, NeedsFix, Rejected],
            (Actor::Operator, InProgress) => &[NeedsFix, Completed, Rejected],
            (Actor::Citizen, Submitted) => &[Cancelled],
            (Actor::Citizen, NeedsFix) => &[InProgress],
            _ => &[],
        }
    }

    /// Whether a change to this status must say why. A rejection must give its reason
    /// (the citizen is owed one), and a fix request must say what to fix: the citizen cannot
    /// act on it otherwise.
    pub fn needs_note(self) -> bool {
        matches!(self, Self::Rejected | Self::NeedsFix)
    }
}

/// Checks a status change by `actor`. `note` is the public text that goes with the change;
/// blank counts as none.
pub fn transition(
    from: RequestStatus,
    to: RequestStatus,
    actor: Actor,
    note: Option<&str>,
) -> Result<RequestStatus, TransitionError> {
    if from.is_final() {
        return Err(TransitionError::Final(from));
    }
    if from == to {
        return Err(TransitionError::Unchanged(from));
    }
    if !from.successors(actor).contains(&to) {
        let someone_can = Actor::ALL.iter().any(|a| from.successors(*a).contains(&to));
        return Err(if someone_can {
            TransitionError::NotForActor { from, to, actor }
        } else {
            TransitionError::NotAllowed { from, to }
        });
    }
    let blank = note.is_none_or(|n| n.trim().is_empty());
    match to {
        RequestStatus::Rejected if blank => Err(TransitionError::ReasonRequired),
        RequestStatus::NeedsFix if blank => Err(TransitionError::FixDescriptionRequired),
        _ => Ok(to),
    }
}

/// What happened in one entry of a request's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "jenis", rename_all = "snake_case")]
pub enum RequestEventKind {
    /// A status change, with the public note `transition` was given. `from` is `None` for
    /// the submission itself.
    StatusChanged { from: Option<RequestStatus>, to: RequestStatus, note: Option<String> },
    /// A free-text note without a status change.
    Note { text: String, visibility: NoteVisibility },
}

/// One entry of a request's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestEvent {
    pub at: DateTime<Utc>,
    pub actor: Actor,
    pub kind: RequestEventKind,
}

impl RequestEvent {
    /// Whether the citizen sees this entry. Every status change is public (a citizen always
    /// knows where their request stands, and why it was refused); only notes can be
    /// internal.
    pub fn is_public(&self) -> bool {
        match &self.kind {
            RequestEventKind::StatusChanged { .. } => true,
            RequestEventKind::Note { visibility, .. } => *visibility == NoteVisibility::Public,
        }
    }
}

/// Whether `actor` may write a note with this visibility: citizens cannot write notes
/// hidden from themselves.
pub fn may_write_note(actor: Actor, visibility: NoteVisibility) -> bool {
    actor == Actor::Operator || visibility == NoteVisibility::Public
}

#[cfg(test)]
mod tests {
    use super::*;
    use Actor::*;
    use RequestStatus::*;
    use proptest::prelude::*;

    #[test]
    fn wire_words() {
        let words: Vec<_> = RequestStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(words, ["diajukan", "diterima", "diproses", "perlu_perbaikan", "selesai", "ditolak", "dibatalkan"]);
        assert_eq!(RequestStatus::parse(" Perlu_Perbaikan "), Ok(NeedsFix));
        assert_eq!(Actor::parse("petugas"), Ok(Operator));
        assert_eq!(NoteVisibility::parse("internal"), Ok(NoteVisibility::Internal));
        assert!(RequestStatus::parse("batal").is_err());
    }

    #[test]
    fn operator_path_to_completion() {
        assert_eq!(transition(Submitted, Accepted, Operator, None), Ok(Accepted));
        assert_eq!(transition(Accepted, InProgress, Operator, None), Ok(InProgress));
        assert_eq!(transition(InProgress, NeedsFix, Operator, Some("Foto KTP buram")), Ok(NeedsFix));
        assert_eq!(transition(NeedsFix, InProgress, Citizen, None), Ok(InProgress));
        assert_eq!(transition(InProgress, Completed, Operator, None), Ok(Completed));
    }

    #[test]
    fn citizens_cancel_only_while_submitted() {
        assert_eq!(transition(Submitted, Cancelled, Citizen, None), Ok(Cancelled));
        assert_eq!(
            transition(Accepted, Cancelled, Citizen, None),
            Err(TransitionError::NotAllowed { from: Accepted, to: Cancelled })
        );
        assert_eq!(
            transition(Submitted, Cancelled, Operator, None),
            Err(TransitionError::NotForActor { from: Submitted, to: Cancelled, actor: Operator })
        );
        assert_eq!(
            transition(Submitted, Accepted, Citizen, None),
            Err(TransitionError::NotForActor { from: Submitted, to: Accepted, actor: Citizen })
        );
    }

    #[test]
    fn rejections_and_fix_requests_say_why() {
        assert_eq!(transition(Submitted, Rejected, Operator, None), Err(TransitionError::ReasonRequired));
        assert_eq!(transition(Accepted, Rejected, Operator, Some("  ")), Err(TransitionError::ReasonRequired));
        assert_eq!(transition(Accepted, Rejected, Operator, Some("Bukan warga Kota Bogor")), Ok(Rejected));
        assert_eq!(transition(Accepted, NeedsFix, Operator, None), Err(TransitionError::FixDescriptionRequired));
        assert_eq!(TransitionError::ReasonRequired.to_string(), "alasan penolakan wajib diisi");
    }

    #[test]
    fn final_states_stay_final() {
        for from in [Completed, Rejected, Cancelled] {
            for to in RequestStatus::ALL {
                for actor in Actor::ALL {
                    assert_eq!(transition(from, *to, *actor, Some("x")), Err(TransitionError::Final(from)));
                }
            }
        }
        assert_eq!(transition(Accepted, Accepted, Operator, None), Err(TransitionError::Unchanged(Accepted)));
        assert_eq!(
            transition(Submitted, Completed, Operator, None).map_err(|e| e.to_string()),
            Err("status permohonan tidak dapat berubah dari diajukan ke selesai".into())
        );
    }

    #[test]
    fn status_changes_are_always_public() {
        let at = DateTime::<Utc>::default();
        let change = RequestEvent {
            at,
            actor: Operator,
            kind: RequestEventKind::StatusChanged { from: Some(Accepted), to: Rejected, note: Some("x".into()) },
        };
        assert!(change.is_public());
        let note = |visibility| RequestEvent {
            at,
            actor: Operator,
            kind: RequestEventKind::Note { text: "x".into(), visibility },
        };
        assert!(note(NoteVisibility::Public).is_public());
        assert!(!note(NoteVisibility::Internal).is_public());
        assert!(may_write_note(Operator, NoteVisibility::Internal));
        assert!(!may_write_note(Citizen, NoteVisibility::Internal));
        assert!(may_write_note(Citizen, NoteVisibility::Public));
        let json = serde_json::to_value(&change).unwrap();
        assert_eq!(json["kind"]["jenis"], "status_changed");
        assert_eq!(json["kind"]["to"], "ditolak");
        assert_eq!(serde_json::from_value::<RequestEvent>(json).unwrap(), change);
    }

    #[test]
    fn whose_turn() {
        assert_eq!(Submitted.waiting_on(), Some(Operator));
        assert_eq!(NeedsFix.waiting_on(), Some(Citizen));
        assert_eq!(Completed.waiting_on(), None);
    }

    fn status() -> impl Strategy<Value = RequestStatus> {
        proptest::sample::select(RequestStatus::ALL.to_vec())
    }

    fn actor() -> impl Strategy<Value = Actor> {
        proptest::sample::select(Actor::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn transition_agrees_with_successors(from in status(), to in status(), who in actor(), note in proptest::option::of(".{0,5}")) {
            let result = transition(from, to, who, note.as_deref());
            let listed = from.successors(who).contains(&to);
            let has_note = note.as_deref().is_some_and(|n| !n.trim().is_empty());
            prop_assert_eq!(result.is_ok(), listed && (has_note || !to.needs_note()));
            if let Ok(s) = result { prop_assert_eq!(s, to); }
        }

        #[test]
        fn final_means_no_successors_and_waiting_on_nobody(from in status(), who in actor()) {
            prop_assert_eq!(from.is_final(), Actor::ALL.iter().all(|a| from.successors(*a).is_empty()));
            prop_assert_eq!(from.is_final(), from.waiting_on().is_none());
            // Only the actor a request waits on can move it forward.
            if !from.successors(who).is_empty() && from != Submitted {
                prop_assert_eq!(from.waiting_on(), Some(who));
            }
        }

        #[test]
        fn every_walk_ends_somewhere_reachable(steps in proptest::collection::vec((status(), actor()), 0..30)) {
            let mut current = Submitted;
            let mut seen_final = false;
            for (next, who) in steps {
                if let Ok(s) = transition(current, next, who, Some("alasan")) {
                    prop_assert!(!seen_final);
                    current = s;
                    seen_final = s.is_final();
                }
            }
            // Whatever happened, the request can still be finished unless it already is.
            prop_assert!(current.is_final() || current.successors(Operator).contains(&Rejected) || current == NeedsFix);
        }
    }
}
