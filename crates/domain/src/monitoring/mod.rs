//! Health monitoring of the integrated applications: what a check asks ([`condition`]),
//! when it runs ([`phase`]), and when a run of failures becomes an incident
//! ([`HealthState::record`]).

pub mod condition;
pub mod spec;

use serde::{Deserialize, Serialize};

pub use condition::{Comparison, Condition, ConditionError, Observation, default_conditions};
pub use spec::{CheckSpec, SpecError};

/// The city's clock (WIB): a status page's "day" is a day in Bogor, not in UTC.
pub const CITY_UTC_OFFSET_SECS: i64 = 7 * 3_600;

/// The day number (days since 1970-01-01 in the city's time) of a Unix second.
pub fn day_of(at: i64) -> i64 {
    (at + CITY_UTC_OFFSET_SECS).div_euclid(86_400)
}

/// The Unix second the hour of `at` started.
pub fn hour_of(at: i64) -> i64 {
    at - at.rem_euclid(3_600)
}

/// Whether a reminder of an open incident is due: alerts go out when an incident opens and
/// closes, and while it stays open at most once every `repeat_secs` (0: no reminders).
pub fn reminder_due(last_alert_at: i64, now: i64, repeat_secs: i64) -> bool {
    repeat_secs > 0 && now - last_alert_at >= repeat_secs
}

/// How a day looks on a status bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayHealth {
    NoData,
    Up,
    /// Some checks failed, fewer than one in ten.
    Partial,
    Down,
}

impl DayHealth {
    pub fn of(ok: u64, total: u64) -> Self {
        if total == 0 {
            Self::NoData
        } else if ok == total {
            Self::Up
        } else if (total - ok) * 10 < total {
            Self::Partial
        } else {
            Self::Down
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoData => "nodata",
            Self::Up => "up",
            Self::Partial => "partial",
            Self::Down => "down",
        }
    }
}

/// Incidents open after this many failures in a row and close after this many successes, so
/// one lost packet is not an outage and one lucky answer does not end one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thresholds {
    pub open_after: u32,
    pub close_after: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self { open_after: 3, close_after: 2 }
    }
}

/// Where an application stands, kept between checks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthState {
    pub failures_in_row: u32,
    pub successes_in_row: u32,
    /// Whether an incident is open (the application is shown as down).
    pub down: bool,
}

/// What one result changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    None,
    /// The failure that reached the threshold: open an incident.
    Opened,
    /// The success that reached the threshold: close the open incident.
    Closed,
}

impl HealthState {
    /// Takes one check result.
    pub fn record(&mut self, ok: bool, thresholds: Thresholds) -> Transition {
        if ok {
            self.failures_in_row = 0;
            self.successes_in_row = self.successes_in_row.saturating_add(1);
            if self.down && self.successes_in_row >= thresholds.close_after {
                self.down = false;
                return Transition::Closed;
            }
        } else {
            self.successes_in_row = 0;
            self.failures_in_row = self.failures_in_row.saturating_add(1);
            if !self.down && self.failures_in_row >= thresholds.open_after {
                self.down = true;
                return Transition::Opened;
            }
        }
        Transition::None
    }
}

/// The offset, within its interval, at which an application's check runs: a stable hash of
/// its id, so a thousand checks with the same interval spread evenly over it instead of all
/// firing at the top of the minute (and the spread survives restarts).
pub fn phase(id: &str, interval_secs: u64) -> u64 {
    // FNV-1a: stable across builds and platforms, unlike the std hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in id.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    if interval_secs == 0 { 0 } else { hash % interval_secs }
}

/// The first run at or after `now` (Unix seconds) for this id and interval.
pub fn next_run(id: &str, interval_secs: u64, now: i64) -> i64 {
    let interval = i64::try_from(interval_secs.max(1)).unwrap_or(60);
    let offset = i64::try_from(phase(id, interval_secs.max(1))).unwrap_or(0);
    let base = now - now.rem_euclid(interval) + offset;
    if base >= now { base } else { base + interval }
}

/// Uptime in hundredths of a percent, rounded half-up (`9_995` is 99.95 %); `None` with
/// no checks.
pub fn uptime_hundredths(ok: u64, total: u64) -> Option<u64> {
    (total > 0).then(|| (ok * 20_000 + total) / (2 * total))
}

/// "99,95 %" as people read it.
pub fn show_uptime(hundredths: u64) -> String {
    format!("{},{:02} %", hundredths / 100, hundredths % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incidents_open_after_n_failures_and_close_after_m_successes() {
        let t = Thresholds::default();
        let mut state = HealthState::default();
        assert_eq!(state.record(false, t), Transition::None);
        assert_eq!(state.record(false, t), Transition::None);
        assert_eq!(state.record(true, t), Transition::None, "a success resets the run");
        let runs: Vec<Transition> = [false, false, false, false].iter().map(|&ok| state.record(ok, t)).collect();
        assert_eq!(runs, [Transition::None, Transition::None, Transition::Opened, Transition::None]);
        assert!(state.down);
        assert_eq!(state.record(true, t), Transition::None);
        assert_eq!(state.record(false, t), Transition::None, "still down");
        assert_eq!(state.record(true, t), Transition::None);
        assert_eq!(state.record(true, t), Transition::Closed);
        assert!(!state.down);
    }

    #[test]
    fn checks_spread_over_their_interval() {
        let mut buckets = [0u32; 60];
        for n in 0..1_000 {
            buckets[phase(&format!("APP-{n}"), 60) as usize] += 1;
        }
        // 1,000 checks over 60 seconds: about 17 a second, none near all of them.
        assert!(buckets.iter().all(|&b| b < 40), "{buckets:?}");
        assert!(buckets.iter().filter(|&&b| b == 0).count() < 3);
        assert_eq!(phase("KTP-EL", 60), phase("KTP-EL", 60), "stable");
        let next = next_run("KTP-EL", 60, 1_000_000);
        assert!((1_000_000..1_000_060).contains(&next));
        assert_eq!(next.rem_euclid(60), i64::try_from(phase("KTP-EL", 60)).unwrap());
        assert_eq!(next_run("KTP-EL", 60, next), next, "due now runs now");
    }

    #[test]
    fn days_are_city_days() {
        // 2026-01-01 17:00 UTC is 00:00 on 2 January in Bogor.
        let at = 1_767_286_800;
        assert_eq!(day_of(at) - day_of(at - 1), 1);
        assert_eq!(hour_of(at + 59), at);
        assert!(reminder_due(0, 6 * 3_600, 6 * 3_600));
        assert!(!reminder_due(0, 6 * 3_600 - 1, 6 * 3_600));
        assert!(!reminder_due(0, 1_000_000, 0));
        assert_eq!(DayHealth::of(0, 0), DayHealth::NoData);
        assert_eq!(DayHealth::of(1_440, 1_440), DayHealth::Up);
        assert_eq!(DayHealth::of(1_400, 1_440), DayHealth::Partial);
        assert_eq!(DayHealth::of(1_000, 1_440), DayHealth::Down);
    }

    #[test]
    fn uptime_is_exact_and_half_up() {
        assert_eq!(uptime_hundredths(0, 0), None);
        assert_eq!(uptime_hundredths(1_439, 1_440), Some(9_993));
        assert_eq!(uptime_hundredths(1, 3), Some(3_333));
        assert_eq!(uptime_hundredths(2, 3), Some(6_667));
        assert_eq!(show_uptime(9_993), "99,93 %");
        assert_eq!(show_uptime(10_000), "100,00 %");
    }
}
