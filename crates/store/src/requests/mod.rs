//! Requests (permohonan): submission (group-committed), look-up by tracking code, a
//! person's own list, the agency queue, and status changes with their history.
//!
//! The rules (which status may follow which, who may change it, the form's answers) are
//! the domain's; the store records what the caller has already checked, and guards
//! against races itself (a status change names the status it expects to replace).

mod delivery;
mod forms;
mod notices;
mod office;
mod read;
mod reports;
pub(crate) mod submit;
mod surveys;
mod write;

use chrono::{DateTime, Utc};

pub use forms::{AgencyServiceForm, EditableForm, FormEdit, FormEditError};
pub use notices::Notification;
pub use office::{AssignError, OfficeRow};
pub use read::{QueueFilter, ServiceKeys};
pub use reports::{Report, ReportQuery, ReportRow, ReportUpdate};
pub use submit::{Delivery, NewRequest, Submitted};
pub use surveys::SurveyTotals;
pub use write::{Notice, StatusChange, StatusConflict};

/// A request as people and agencies see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    pub id: String,
    pub tracking_code: String,
    pub service_code: String,
    pub service_name: String,
    pub agency_code: String,
    pub agency_name: String,
    pub user_id: Option<String>,
    pub guest_name: Option<String>,
    pub guest_contact: Option<String>,
    pub channel: String,
    pub status: String,
    /// The form's answers as JSON (an object of field key to value).
    pub answers: String,
    pub submitted_at: DateTime<Utc>,
    /// The SLA deadline date (`YYYY-MM-DD`, the city's calendar), if the service has one.
    pub deadline: Option<String>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub assignee_id: Option<String>,
}

/// One entry of a request's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestEvent {
    pub at: DateTime<Utc>,
    /// A user id, or `sistem`, or `opd:CODE` for an agency system's callback.
    pub actor: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub note: Option<String>,
    /// Seen by agency staff only.
    pub internal: bool,
}
