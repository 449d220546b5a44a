//! The integration programme's progress: how many applications are joined to the window.

use std::collections::HashMap;
use std::hash::Hash;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::IntegrationStatus;

/// Integrated applications out of the active ones, against the programme's target.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub integrated: u64,
    pub in_progress: u64,
    pub planned: u64,
    /// Active applications: everything except retired ones.
    pub total: u64,
}

impl Progress {
    /// Counts one application with the given status.
    pub fn add(&mut self, status: IntegrationStatus) {
        match status {
            IntegrationStatus::Integrated => self.integrated += 1,
            IntegrationStatus::InProgress => self.in_progress += 1,
            IntegrationStatus::Planned => self.planned += 1,
            IntegrationStatus::Retired => return,
        }
        self.total += 1;
    }

    /// Integrated share of the active applications, in percent (0 when there are none).
    pub fn percent(&self) -> f64 {
        percent(self.integrated, self.total)
    }

    /// Integrated share of a target count, in percent, capped at 100.
    pub fn percent_of(&self, target: u64) -> f64 {
        percent(self.integrated, target).min(100.0)
    }
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        // Rounded to one decimal so every channel shows the same figure.
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

/// The programme's state at the end of one month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressPoint {
    /// The first day of the month the point closes.
    pub month: NaiveDate,
    pub integrated: u64,
    pub total: u64,
}

fn month_start(at: DateTime<Utc>) -> NaiveDate {
    NaiveDate::from_ymd_opt(at.year(), at.month(), 1).unwrap_or(NaiveDate::MIN)
}

fn next_month(month: NaiveDate) -> NaiveDate {
    let (y, m) = if month.month() == 12 { (month.year() + 1, 1) } else { (month.year(), month.month() + 1) };
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(NaiveDate::MAX)
}

/// Replays status changes into one point per month, from the month of the first change to
/// the month of `until`.
///
/// `changes` holds `(application, time, new status)` in any order; an application counts
/// from its first change on. Months without changes repeat the previous state, so the
/// series is continuous and its last point equals the current counts.
pub fn progress_over_time<K: Eq + Hash + Clone>(
    changes: &[(K, DateTime<Utc>, IntegrationStatus)],
    until: DateTime<Utc>,
) -> Vec<ProgressPoint> {
    let mut ordered: Vec<_> = changes.iter().filter(|(_, at, _)| *at <= until).collect();
    ordered.sort_by_key(|(_, at, _)| *at);
    let Some((_, first, _)) = ordered.first() else {
        return Vec::new();
    };
    let mut current: HashMap<K, IntegrationStatus> = HashMap::new();
    let mut counts = Progress::default();
    let mut points = Vec::new();
    let mut month = month_start(*first);
    let last_month = month_start(until);
    let mut events = ordered.into_iter().peekable();
    while month <= last_month {
        let end = next_month(month);
        while let Some((key, _, status)) = events.next_if(|(_, at, _)| at.date_naive() < end) {
            if let Some(previous) = current.insert(key.clone(), *status) {
                counts.remove(previous);
            }
            counts.add(*status);
        }
        points.push(ProgressPoint { month, integrated: counts.integrated, total: counts.total });
        month = end;
    }
    points
}

impl Progress {
    fn remove(&mut self, status: IntegrationStatus) {
        match status {
            IntegrationStatus::Integrated => self.integrated -= 1,
            IntegrationStatus::InProgress => self.in_progress -= 1,
            IntegrationStatus::Planned => self.planned -= 1,
            IntegrationStatus::Retired => return,
        }
        self.total -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use IntegrationStatus::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).single().unwrap_or_default()
    }

    #[test]
    fn percent_is_rounded_and_safe() {
        let p = Progress { integrated: 148, total: 327, ..Default::default() };
        assert_eq!(p.percent(), 45.3);
        assert_eq!(Progress::default().percent(), 0.0);
        assert_eq!(p.percent_of(100), 100.0);
    }

    #[test]
    fn replays_history_by_month() {
        let changes = vec![
            ("A", at(2024, 1, 5), Planned),
            ("B", at(2024, 1, 20), Planned),
            ("A", at(2024, 3, 1), Integrated),
            ("B", at(2024, 3, 31), Retired),
        ];
        let points = progress_over_time(&changes, at(2024, 4, 2));
        let summary: Vec<_> = points.iter().map(|p| (p.month.month(), p.integrated, p.total)).collect();
        assert_eq!(summary, vec![(1, 0, 2), (2, 0, 2), (3, 1, 1), (4, 1, 1)]);
    }

    #[test]
    fn empty_history_has_no_points() {
        let none: Vec<(u8, DateTime<Utc>, IntegrationStatus)> = Vec::new();
        assert!(progress_over_time(&none, at(2024, 1, 1)).is_empty());
    }

    fn status() -> impl Strategy<Value = IntegrationStatus> {
        proptest::sample::select(IntegrationStatus::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn last_point_equals_current_counts(
            changes in proptest::collection::vec((0u8..20, 0i64..2_000, status()), 1..80)
        ) {
            let base = at(2020, 1, 1);
            let changes: Vec<_> = changes
                .into_iter()
                .map(|(k, day, s)| (k, base + chrono::Duration::days(day), s))
                .collect();
            let until = base + chrono::Duration::days(2_000);
            let points = progress_over_time(&changes, until);
            // The current status of each application is its latest change.
            let mut latest: HashMap<u8, (DateTime<Utc>, usize, IntegrationStatus)> = HashMap::new();
            for (i, (k, when, s)) in changes.iter().enumerate() {
                let entry = latest.entry(*k).or_insert((*when, i, *s));
                if (*when, i) >= (entry.0, entry.1) { *entry = (*when, i, *s); }
            }
            let mut expected = Progress::default();
            for (_, _, s) in latest.values() { expected.add(*s); }
            let last = points.last().copied();
            prop_assert_eq!(last.map(|p| (p.integrated, p.total)), Some((expected.integrated, expected.total)));
            for pair in points.windows(2) {
                prop_assert_eq!(next_month(pair[0].month), pair[1].month);
                prop_assert!(pair[0].integrated <= pair[0].total);
            }
        }
    }
}
