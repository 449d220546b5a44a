//! Citizens' requests to a service: tracking codes, the request lifecycle, deadlines in
//! working days, the forms a request fills in, and satisfaction survey scores (IKM).

pub mod calendar;
pub mod form;
pub mod ikm;
pub mod lifecycle;
pub mod tracking;

pub use calendar::{
    BOGOR_UTC_OFFSET_HOURS, Holiday, INDONESIAN_HOLIDAYS_CSV, SlaState, WorkingCalendar, indonesian_holidays,
    local_date, parse_holidays,
};
pub use form::{
    Answer, AnswerProblem, CheckedAnswers, DefinitionProblem, FieldKind, FormDefinition, FormField, Location,
    RawAnswers,
};
pub use ikm::{Grade, Ikm, IkmError};
pub use lifecycle::{
    Actor, NoteVisibility, RequestEvent, RequestEventKind, RequestStatus, TransitionError, may_write_note, transition,
};
pub use tracking::{TrackingCode, TrackingError, TrackingPrefix};
