//! `/petugas/ringkasan`: per service of the operator's agencies, how many requests stand
//! in each status, the median time to complete one (working days, the unit service
//! standards promise in), and the share of completed requests closed by their deadline.
//! Counted in Rust from the rows: a median is exact here and not portable in SQL.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use chrono::NaiveDate;
use domain::request::{BOGOR_UTC_OFFSET_HOURS, RequestStatus, WorkingCalendar, local_date};
use store::requests::OfficeRow;

use super::account::internal;
use super::office::status_text;
use crate::auth::roles::Operator;
use crate::error::{PageError, render};
use crate::requests::CALENDAR;
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx};

/// One service's numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceStats {
    pub service_code: String,
    pub service_name: String,
    pub agency_code: String,
    /// In the order of [`RequestStatus::ALL`].
    pub counts: Vec<u64>,
    pub total: u64,
    /// Median working days from submission to completion, over completed requests.
    pub median_days: Option<f64>,
    /// Completed requests with a deadline, and how many of them closed on or before it.
    pub with_deadline: u64,
    pub on_time: u64,
}

/// The exact median (the mean of the middle two for an even count).
pub fn median(mut values: Vec<i64>) -> Option<f64> {
    values.sort_unstable();
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2] as f64),
        _ => Some((values[n / 2 - 1] + values[n / 2]) as f64 / 2.0),
    }
}

/// The numbers per service, ordered by agency then service code.
pub fn summarize(rows: &[OfficeRow], calendar: &WorkingCalendar) -> Vec<ServiceStats> {
    let mut by_service: BTreeMap<(&str, &str), Vec<&OfficeRow>> = BTreeMap::new();
    for row in rows {
        by_service.entry((&row.agency_code, &row.service_code)).or_default().push(row);
    }
    by_service
        .into_values()
        .filter_map(|rows| {
            let first = rows.first()?;
            let mut counts = vec![0; RequestStatus::ALL.len()];
            let (mut days, mut with_deadline, mut on_time) = (Vec::new(), 0, 0);
            for row in &rows {
                if let Some(i) = RequestStatus::ALL.iter().position(|s| s.as_str() == row.status) {
                    counts[i] += 1;
                }
                let Some(closed) = row.closed_at.filter(|_| row.status == RequestStatus::Completed.as_str()) else {
                    continue;
                };
                let closed_on = local_date(closed, BOGOR_UTC_OFFSET_HOURS);
                let submitted_on = local_date(row.submitted_at, BOGOR_UTC_OFFSET_HOURS);
                days.push(calendar.working_days_between(submitted_on, closed_on).max(0));
                if let Some(deadline) =
                    row.deadline.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                {
                    with_deadline += 1;
                    on_time += u64::from(closed_on <= deadline);
                }
            }
            Some(ServiceStats {
                service_code: first.service_code.clone(),
                service_name: first.service_name.clone(),
                agency_code: first.agency_code.clone(),
                total: rows.len() as u64,
                counts,
                median_days: median(days),
                with_deadline,
                on_time,
            })
        })
        .collect()
}

pub struct StatsRow {
    pub service: String,
    pub agency: String,
    pub counts: Vec<u64>,
    pub total: u64,
    pub median: String,
    pub compliance: String,
    /// Whole percent for the `<meter>`, when there is anything to measure.
    pub percent: Option<u64>,
}

#[derive(Template)]
#[template(path = "office_stats.html")]
struct StatsPage {
    l: Layout,
    statuses: Vec<String>,
    rows: Vec<StatsRow>,
}

pub async fn page(State(state): State<AppState>, ctx: PageCtx, op: Operator) -> Result<Html<String>, PageError> {
    let t = ctx.tr();
    let rows = state.store.office_rows(&op.agencies).await.map_err(|e| internal(&ctx, e))?;
    let decimal = |v: f64| {
        let text = if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.1}") };
        if ctx.lang == crate::i18n::Lang::Id { text.replace('.', ",") } else { text }
    };
    let rows = summarize(&rows, &CALENDAR)
        .into_iter()
        .map(|s| {
            let percent = (s.with_deadline > 0).then(|| (100 * s.on_time + s.with_deadline / 2) / s.with_deadline);
            StatsRow {
                service: format!("{} ({})", s.service_name, s.service_code),
                agency: s.agency_code,
                counts: s.counts,
                total: s.total,
                median: s.median_days.map_or_else(|| "-".into(), decimal),
                compliance: percent.map_or_else(
                    || "-".into(),
                    |p| {
                        t.args(
                            "office-stats-on-time",
                            &[
                                ("p", p.to_string()),
                                ("on_time", s.on_time.to_string()),
                                ("total", s.with_deadline.to_string()),
                            ],
                        )
                    },
                ),
                percent,
            }
        })
        .collect();
    let page = StatsPage {
        l: ctx.layout(&state, &t.get("office-stats-title"), Nav::None),
        statuses: RequestStatus::ALL.iter().map(|s| status_text(t, s.as_str())).collect(),
        rows,
    };
    render(ctx.lang, &page)
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn row(
        service: &str,
        status: &str,
        submitted: (u32, u32),
        closed: Option<(u32, u32)>,
        deadline: &str,
    ) -> OfficeRow {
        // (day of November 2026, hour UTC); 2 November 2026 is a Monday.
        let at = |(d, h): (u32, u32)| Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).single().unwrap();
        OfficeRow {
            service_code: service.into(),
            service_name: service.into(),
            agency_code: "DISDUKCAPIL".into(),
            status: status.into(),
            submitted_at: at(submitted),
            closed_at: closed.map(at),
            deadline: Some(deadline.into()),
        }
    }

    #[test]
    fn median_is_exact() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![5, 1, 3]), Some(3.0));
        assert_eq!(median(vec![4, 1, 2, 3]), Some(2.5));
    }

    #[test]
    fn counts_medians_and_compliance() {
        let calendar = WorkingCalendar::new([]);
        let rows = vec![
            // Monday → Tuesday: 1 working day, on time.
            row("KTP-EL", "selesai", (2, 3), Some((3, 3)), "2026-11-03"),
            // Friday → Monday: 1 working day (the weekend does not count), late.
            row("KTP-EL", "selesai", (6, 3), Some((9, 3)), "2026-11-06"),
            // Monday → Thursday: 3 working days, on time.
            row("KTP-EL", "selesai", (2, 3), Some((5, 3)), "2026-11-05"),
            row("KTP-EL", "diproses", (2, 3), None, "2026-11-05"),
            // Rejected requests count in their status, not in completion times.
            row("KTP-EL", "ditolak", (2, 3), Some((2, 4)), "2026-11-03"),
            row("KK", "diajukan", (2, 3), None, "2026-11-03"),
        ];
        let stats = summarize(&rows, &calendar);
        assert_eq!(stats.len(), 2);
        let (kk, ktp) = (&stats[0], &stats[1]);
        assert_eq!((kk.service_code.as_str(), kk.total, kk.median_days), ("KK", 1, None));
        assert_eq!(ktp.total, 5);
        assert_eq!(ktp.counts, vec![0, 0, 1, 0, 3, 1, 0]);
        assert_eq!(ktp.median_days, Some(1.0));
        assert_eq!((ktp.on_time, ktp.with_deadline), (2, 3));
        // 23:30 WIB on Monday is still Monday in Bogor, whatever UTC says.
        let late_evening = row("KIA", "selesai", (2, 16), Some((3, 3)), "2026-11-03");
        assert_eq!(summarize(&[late_evening], &calendar)[0].median_days, Some(1.0));
    }
}
