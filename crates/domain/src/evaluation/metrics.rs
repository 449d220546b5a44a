//! Figures the platform generates about itself ("generated metrics"): evidence of the single
//! window's impact for Smart City and SPBE assessors, for one period and scope.
//!
//! A period is a run of whole days in the city's calendar (WIB, UTC+7): `from` 00:00 WIB up
//! to the end of `to`, so a request sent at 23:30 WIB on the last day counts and one sent at
//! 00:30 WIB the day after does not, whatever UTC says. The store fetches the rows; the
//! rules for what counts live here, so they are tested without a database. Figures people
//! read are integers or exact fractions ([`Exact`]); `f64` appears only in chart series.

mod show;

use std::collections::BTreeMap;
use std::hash::Hash;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::Exact;
use crate::IntegrationStatus;
use crate::progress::progress_over_time;
use crate::request::{BOGOR_UTC_OFFSET_HOURS, Grade, Ikm, local_date};

pub use show::channel_label;

/// Request channels in the order snapshots list them; every snapshot lists these four, even
/// at zero, so snapshots compare row by row. Any other stored value follows, sorted.
pub const CHANNELS: [&str; 4] = ["web", "api", "talas", "open311"];

/// What a snapshot covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MetricScope {
    /// The whole city.
    City,
    /// One agency (OPD): the requests and survey answers it worked on, the applications it
    /// owns now.
    Agency { code: String, name: String },
    /// One service.
    Service { code: String, name: String },
}

/// The integration programme at the end of one day (WIB).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressSample {
    /// The day whose end (24:00 WIB) the sample describes.
    pub day: NaiveDate,
    /// Applications integrated with the window.
    pub integrated: u64,
    /// Active applications (everything but retired ones).
    pub total: u64,
}

impl ProgressSample {
    /// Integrated share of the active applications, exact (zero when there are none).
    pub fn percent(&self) -> Exact {
        Exact::ratio(100 * i128::from(self.integrated), i128::from(self.total))
    }
}

/// Requests of one channel (`requests.channel`: `web`, `api`, `talas`, `open311`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelFigures {
    pub channel: String,
    /// Submitted in the period.
    pub received: u64,
    /// Closed in the period as `selesai` (rejected and cancelled requests are closed too, but
    /// not completed), whenever they were submitted.
    pub completed: u64,
}

/// Deadline compliance of the requests completed in the period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaFigures {
    /// Completed requests that had a deadline.
    pub with_deadline: u64,
    /// Of those, closed on or before their deadline day (both read in WIB).
    pub on_time: u64,
}

impl SlaFigures {
    /// On-time share in percent, exact; `None` when no completed request had a deadline.
    pub fn percent(&self) -> Option<Exact> {
        (self.with_deadline > 0).then(|| Exact::ratio(100 * i128::from(self.on_time), i128::from(self.with_deadline)))
    }
}

/// The satisfaction index (IKM) of the survey answers given in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IkmFigures {
    pub respondents: u64,
    /// On the 25–100 scale, two decimals with a point, exact and rounded half-up: `91.48`.
    pub score: String,
    /// Mutu pelayanan, A to D.
    pub grade: Grade,
}

impl From<&Ikm> for IkmFigures {
    fn from(ikm: &Ikm) -> Self {
        Self { respondents: ikm.respondents(), score: ikm.to_string(), grade: ikm.grade() }
    }
}

/// A snapshot of the platform's own figures for a period and scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlatformMetrics {
    /// First day of the period, inclusive, in the city's calendar (WIB, UTC+7).
    pub from: NaiveDate,
    /// Last day of the period, inclusive, in the city's calendar (WIB, UTC+7).
    pub to: NaiveDate,
    pub scope: MetricScope,
    /// Integration progress at the end of each month ending inside the period, then at the
    /// end of `to`.
    pub progress: Vec<ProgressSample>,
    /// Per request channel: the four of [`CHANNELS`] first, then any other stored value.
    pub channels: Vec<ChannelFigures>,
    /// Median time from submission to completion over the requests completed in the
    /// period, in whole minutes (half-up; an even count takes the mean of the middle two).
    pub median_completion_minutes: Option<i64>,
    pub sla: SlaFigures,
    /// `None` when nobody answered the survey in the period.
    pub ikm: Option<IkmFigures>,
    /// Search queries in the period, city-wide whatever the scope (searches belong to no
    /// agency). The search statistics keep UTC days, so edges may be up to 7 hours off.
    pub searches: u64,
    /// Talas conversations with any message in the period, city-wide whatever the scope.
    pub chat_conversations: u64,
    /// Messages people sent to Talas in the period, city-wide whatever the scope.
    pub chat_messages: u64,
    /// Availability of the scope's monitored applications (`99,95 %`): every health check
    /// run in the period counts once. `None` when none ran (and in snapshots taken before
    /// monitoring existed).
    pub uptime: Option<String>,
}

/// A request completed (closed as `selesai`) in the period, as the store reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletedRequest {
    pub channel: String,
    pub submitted_at: DateTime<Utc>,
    pub closed_at: DateTime<Utc>,
    /// The SLA deadline day (city calendar), if the service has one.
    pub deadline: Option<NaiveDate>,
}

/// What the requests of a period add up to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFigures {
    pub channels: Vec<ChannelFigures>,
    pub median_completion_minutes: Option<i64>,
    pub sla: SlaFigures,
}

fn city_offset() -> TimeDelta {
    TimeDelta::try_hours(i64::from(BOGOR_UTC_OFFSET_HOURS)).unwrap_or_default()
}

/// The UTC instant a WIB wall-clock time names.
fn from_city_time(local: NaiveDateTime) -> DateTime<Utc> {
    let naive = local.and_utc();
    naive.checked_sub_signed(city_offset()).unwrap_or(naive)
}

/// The instants a period spans, `[start, end)`: `from` 00:00 WIB to the midnight (WIB) after
/// `to`. A period ending before it starts is empty (`end == start`).
pub fn period_bounds(from: NaiveDate, to: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = from_city_time(from.and_time(chrono::NaiveTime::MIN));
    let after = to.checked_add_days(Days::new(1)).unwrap_or(to);
    let end = from_city_time(after.and_time(chrono::NaiveTime::MIN));
    (start, end.max(start))
}

fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

fn next_month(month: NaiveDate) -> Option<NaiveDate> {
    month.checked_add_months(chrono::Months::new(1))
}

/// Integration progress at the end of each month that ends inside `from..to`, then at the
/// end of `to`, replayed from the status history (`(application, time, new status)`).
pub fn progress_samples<K: Eq + Hash + Clone>(
    changes: &[(K, DateTime<Utc>, IntegrationStatus)],
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<ProgressSample> {
    if to < from {
        return Vec::new();
    }
    // `progress_over_time` closes months by the UTC calendar; moving every instant forward by
    // the city's offset makes its months the city's months.
    let shifted: Vec<_> = changes
        .iter()
        .map(|(key, at, status)| (key.clone(), at.checked_add_signed(city_offset()).unwrap_or(*at), *status))
        .collect();
    // The last second of `to` in the shifted (city) frame: `progress_over_time` keeps
    // changes at or before it.
    let midnight_after = to.checked_add_days(Days::new(1)).unwrap_or(to).and_time(chrono::NaiveTime::MIN).and_utc();
    let until = midnight_after.checked_sub_signed(TimeDelta::seconds(1)).unwrap_or(midnight_after);
    let points = progress_over_time(&shifted, until);
    // Points run without gaps from the first change's month; earlier months had nothing.
    let at_month =
        |month: NaiveDate| points.iter().rev().find(|p| p.month <= month).map_or((0, 0), |p| (p.integrated, p.total));
    let sample = |day: NaiveDate| {
        let (integrated, total) = at_month(first_of_month(day));
        ProgressSample { day, integrated, total }
    };
    let mut samples = Vec::new();
    let mut month = first_of_month(from);
    while let Some(next) = next_month(month) {
        let Some(month_end) = next.pred_opt() else { break };
        if month_end >= to {
            break;
        }
        if month_end >= from {
            samples.push(sample(month_end));
        }
        month = next;
    }
    samples.push(sample(to));
    samples
}

/// The exact median of durations in seconds, rounded half-up once to whole minutes.
pub fn median_minutes(mut seconds: Vec<i64>) -> Option<i64> {
    seconds.sort_unstable();
    let n = seconds.len();
    // Twice the median keeps an even count's mean of the middle two a whole number.
    let twice = match n {
        0 => return None,
        _ if n % 2 == 1 => 2 * seconds[n / 2],
        _ => seconds[n / 2 - 1] + seconds[n / 2],
    };
    Some((twice + 60).div_euclid(120))
}

/// Adds up the requests of a period: `received` is `(channel, submitted in the period)`,
/// `completed` the requests closed as `selesai` in it.
pub fn request_figures(received: &[(String, u64)], completed: &[CompletedRequest]) -> RequestFigures {
    let mut by_channel: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for (channel, n) in received {
        by_channel.entry(channel).or_default().0 += n;
    }
    let mut durations = Vec::with_capacity(completed.len());
    let mut sla = SlaFigures::default();
    for request in completed {
        by_channel.entry(&request.channel).or_default().1 += 1;
        // A closing stamped before its submission is a clock fault, not negative work.
        durations.push((request.closed_at - request.submitted_at).num_seconds().max(0));
        if let Some(deadline) = request.deadline {
            sla.with_deadline += 1;
            sla.on_time += u64::from(local_date(request.closed_at, BOGOR_UTC_OFFSET_HOURS) <= deadline);
        }
    }
    let figures = |channel: &str, (received, completed): (u64, u64)| ChannelFigures {
        channel: channel.to_owned(),
        received,
        completed,
    };
    let mut channels: Vec<ChannelFigures> =
        CHANNELS.iter().map(|c| figures(c, by_channel.remove(c).unwrap_or_default())).collect();
    channels.extend(by_channel.into_iter().map(|(c, counts)| figures(c, counts)));
    RequestFigures { channels, median_completion_minutes: median_minutes(durations), sla }
}

#[cfg(test)]
mod tests;
