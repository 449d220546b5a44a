//! Health monitoring: checks per integrated application, their results and roll-ups, and
//! incidents. Times here are Unix seconds (`i64`), as stored, because the worker does its
//! arithmetic on seconds (phases, intervals, days in the city's time).

mod checks;
mod read;
mod record;
mod seed;

use domain::monitoring::HealthState;

pub use read::{CheckRow, DayBar, IncidentRow, ServiceHealth, Uptime};
pub use record::{CheckRecord, OutboxItem};
pub use seed::SeedIncident;

/// A check claimed by a worker, with what it needs to run and judge it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueCheck {
    pub service_id: String,
    pub code: String,
    pub name: String,
    pub url: String,
    pub interval_secs: u64,
    pub timeout_ms: u64,
    /// Condition lines as stored (parsed by the worker).
    pub conditions: Vec<String>,
    pub state: HealthState,
    /// The open incident, when the application is down.
    pub incident: Option<OpenIncident>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenIncident {
    pub id: String,
    pub opened_at: i64,
    pub last_alert_at: i64,
}

/// A check as configured, for `satupintu monitor list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckSetting {
    pub code: String,
    pub url: String,
    pub interval_secs: u64,
    pub timeout_ms: u64,
    pub conditions: Vec<String>,
    pub enabled: bool,
    /// Whether a person or a file set it (else it is the default from the web URL).
    pub configured: bool,
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
