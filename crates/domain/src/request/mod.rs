//! Citizens' requests to a service: tracking codes, the request lifecycle, deadlines in
//! working days, the forms a request fills in, and satisfaction survey scores (IKM).

pub mod lifecycle;
pub mod tracking;

pub use lifecycle::{
    Actor, NoteVisibility, RequestEvent, RequestEventKind, RequestStatus, TransitionError, may_write_note, transition,
};
pub use tracking::{TrackingCode, TrackingError, TrackingPrefix};
