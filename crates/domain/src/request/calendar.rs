//! Deadlines in working days: service standards promise "5 hari kerja", not 5 days.
//!
//! Saturdays and Sundays never count, nor do the holidays the calendar is given (national
//! holidays and cuti bersama; a city adds its own). The day a request is submitted does
//! not count either, whatever the hour: the deadline is the end of the N-th working day
//! after the submission day, so a request sent at 08:00 and one sent at 15:59 get the same
//! deadline, and one sent on a Saturday counts from Monday (Monday is day 1). Dates are
//! local to the city (Bogor: UTC+7, WIB), so a request sent on Friday at 23:30 WIB is a
//! Friday request even though it is still Friday afternoon in UTC, and one sent at 01:00
//! WIB on Saturday is a Saturday request even though UTC still says Friday.
//!
//! Time a request spends waiting on the citizen (`perlu_perbaikan`) is not subtracted
//! here: that is the caller's policy, which can add the working days spent waiting.

use std::collections::BTreeSet;
use std::ops::Bound;

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeDelta, Utc, Weekday};
use serde::{Deserialize, Serialize};

use crate::RowProblem;
use crate::catalog::enums::vocabulary;
use crate::text::tidy;

/// Bogor's offset from UTC in hours (WIB).
pub const BOGOR_UTC_OFFSET_HOURS: i32 = 7;

/// National holidays and cuti bersama for 2025 and 2026 (SKB 3 Menteri), in the format
/// [`parse_holidays`] reads. The lists change: a city should check them every year.
pub const INDONESIAN_HOLIDAYS_CSV: &str = include_str!("../../data/holidays-id.csv");

/// A day off, as listed in a holiday file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name: String,
}

/// Reads a holiday file: lines of `tanggal,nama` with the date as `YYYY-MM-DD`, an
/// optional `tanggal,nama` header, blank lines and `#` comments. Every bad line is
/// reported (with its 1-based number) so one pass lists everything to fix.
pub fn parse_holidays(text: &str) -> Result<Vec<Holiday>, Vec<RowProblem>> {
    let mut holidays: Vec<(usize, Holiday)> = Vec::new();
    let mut problems = Vec::new();
    let mut seen_data = false;
    let problem =
        |line, column: Option<&str>, reason: String| RowProblem { line, column: column.map(str::to_string), reason };
    for (index, raw) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        let line = index + 1;
        let row = raw.trim();
        if row.is_empty() || row.starts_with('#') {
            continue;
        }
        let first = !seen_data;
        seen_data = true;
        let Some((date, name)) = row.split_once(',') else {
            problems.push(problem(line, None, "baris harus berisi tanggal,nama".into()));
            continue;
        };
        if first && date.trim().eq_ignore_ascii_case("tanggal") {
            continue;
        }
        let date = date.trim();
        let parsed = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok().filter(|_| date.len() == 10);
        let name = unquote(name);
        match parsed {
            None => problems.push(problem(
                line,
                Some("tanggal"),
                format!("tanggal '{date}' harus berformat YYYY-MM-DD, misalnya 2025-08-17"),
            )),
            Some(date) => {
                if let Some((earlier, _)) = holidays.iter().find(|(_, h)| h.date == date) {
                    problems.push(problem(
                        line,
                        Some("tanggal"),
                        format!("tanggal {date} sudah ada di baris {earlier}"),
                    ));
                }
                holidays.push((line, Holiday { date, name: name.clone() }));
            }
        }
        if name.is_empty() {
            problems.push(problem(line, Some("nama"), "nama hari libur wajib diisi".into()));
        }
    }
    if problems.is_empty() { Ok(holidays.into_iter().map(|(_, h)| h).collect()) } else { Err(problems) }
}

/// Removes the quotes a spreadsheet puts around a name containing a comma.
fn unquote(raw: &str) -> String {
    let trimmed = raw.trim();
    let inner = trimmed.strip_prefix('"').and_then(|s| s.strip_suffix('"'));
    tidy(&inner.map_or_else(|| trimmed.to_string(), |s| s.replace("\"\"", "\"")))
}

/// The shipped national list ([`INDONESIAN_HOLIDAYS_CSV`]); a test keeps it parseable.
pub fn indonesian_holidays() -> Vec<Holiday> {
    parse_holidays(INDONESIAN_HOLIDAYS_CSV).unwrap_or_default()
}

/// The calendar date at `at` in a city `tz_offset_hours` ahead of UTC.
pub fn local_date(at: DateTime<Utc>, tz_offset_hours: i32) -> NaiveDate {
    let offset = TimeDelta::try_hours(i64::from(tz_offset_hours)).unwrap_or_default();
    at.checked_add_signed(offset).unwrap_or(at).date_naive()
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

vocabulary!(
    /// How a request stands against its deadline.
    SlaState {
        OnTrack = "sesuai_jadwal",
        /// At most `due_soon_days` working days left (the deadline day itself included).
        DueSoon = "mendekati_batas",
        /// The deadline day has ended.
        Overdue = "terlambat",
    }
);

/// Which days count as working days.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkingCalendar {
    holidays: BTreeSet<NaiveDate>,
}

impl WorkingCalendar {
    pub fn new(holidays: impl IntoIterator<Item = NaiveDate>) -> Self {
        Self { holidays: holidays.into_iter().collect() }
    }

    /// The shipped national holidays and cuti bersama.
    pub fn indonesia() -> Self {
        Self::new(indonesian_holidays().into_iter().map(|h| h.date))
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !is_weekend(date) && !self.holidays.contains(&date)
    }

    /// Whether any holiday of `year` is known, so a screen can warn that next year's list
    /// has not been loaded yet (deadlines would silently ignore its holidays).
    pub fn has_holidays_for(&self, year: i32) -> bool {
        let start = NaiveDate::from_ymd_opt(year, 1, 1);
        let end = NaiveDate::from_ymd_opt(year, 12, 31);
        start.zip(end).is_some_and(|(start, end)| self.holidays.range(start..=end).next().is_some())
    }

    /// The deadline date of something started at `start` that takes `days` working days.
    /// `days == 0` means "the same working day": the submission day if it is a working
    /// day, else the next one.
    pub fn add_working_days(&self, start: DateTime<Utc>, days: u32, tz_offset_hours: i32) -> NaiveDate {
        self.working_day_after(local_date(start, tz_offset_hours), days)
    }

    /// The `days`-th working day after `date` (`date` itself never counts); see
    /// [`Self::add_working_days`] for `days == 0`. Saturates at [`NaiveDate::MAX`] for spans
    /// beyond the year 262,000.
    pub fn working_day_after(&self, date: NaiveDate, days: u32) -> NaiveDate {
        if days == 0 {
            let mut day = date;
            while !self.is_working_day(day) {
                match day.succ_opt() {
                    Some(next) => day = next,
                    None => return NaiveDate::MAX,
                }
            }
            return day;
        }
        // Jump over weekends arithmetically, then once more over the holidays jumped over,
        // until none was: each round only re-counts the holidays of the previous jump.
        let (mut from, mut remaining) = (date, days);
        loop {
            let Some(to) = add_weekdays(from, remaining) else { return NaiveDate::MAX };
            let skipped = self.weekday_holidays(from, to);
            if skipped == 0 {
                return to;
            }
            (from, remaining) = (to, u32::try_from(skipped).unwrap_or(u32::MAX));
        }
    }

    /// The number of working days in `(a, b]`: after `a`, up to and including `b`; negative
    /// when `b` is before `a`. So `working_days_between(submitted, deadline)` is the N of
    /// the deadline, and `working_days_between(today, deadline)` the working days left.
    pub fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> i64 {
        if b < a {
            return -self.working_days_between(b, a);
        }
        let days = (b - a).num_days();
        let weeks = days / 7;
        let mut weekdays = weeks * 5;
        let mut day = a + Days::new(u64::try_from(weeks * 7).unwrap_or_default());
        while day < b {
            let Some(next) = day.succ_opt() else { break };
            day = next;
            weekdays += i64::from(!is_weekend(day));
        }
        weekdays - i64::try_from(self.weekday_holidays(a, b)).unwrap_or_default()
    }

    /// Holidays in `(from, to]` that fall on a weekday (weekend ones change nothing).
    fn weekday_holidays(&self, from: NaiveDate, to: NaiveDate) -> usize {
        self.holidays.range((Bound::Excluded(from), Bound::Included(to))).filter(|d| !is_weekend(**d)).count()
    }

    /// How a request due at the end of `deadline` stands at `now`: due soon when at most
    /// `due_soon_days` working days are left after today (so always on the deadline day
    /// itself), overdue from the next day on.
    pub fn sla_state(
        &self,
        deadline: NaiveDate,
        now: DateTime<Utc>,
        tz_offset_hours: i32,
        due_soon_days: u32,
    ) -> SlaState {
        let today = local_date(now, tz_offset_hours);
        if today > deadline {
            SlaState::Overdue
        } else if self.working_days_between(today, deadline) <= i64::from(due_soon_days) {
            SlaState::DueSoon
        } else {
            SlaState::OnTrack
        }
    }
}

/// The `n`-th Monday–Friday after `date` (n ≥ 1), ignoring holidays: whole weeks hold five
/// weekdays, and the rest is at most a week of stepping.
fn add_weekdays(date: NaiveDate, n: u32) -> Option<NaiveDate> {
    if n == 0 {
        return Some(date);
    }
    let weeks = u64::from((n - 1) / 5);
    let mut rest = (n - 1) % 5 + 1;
    let mut day = date.checked_add_days(Days::new(weeks * 7))?;
    while rest > 0 {
        day = day.succ_opt()?;
        if !is_weekend(day) {
            rest -= 1;
        }
    }
    Some(day)
}

#[cfg(test)]
mod tests;
