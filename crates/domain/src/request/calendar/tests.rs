use super::*;
use proptest::prelude::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// An instant given as a Bogor (WIB) wall-clock time.
fn wib(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    date(y, m, d).and_hms_opt(h, min, 0).unwrap().and_utc() - TimeDelta::hours(7)
}

/// The obvious day-by-day count, to check the fast one against.
fn naive_working_day_after(calendar: &WorkingCalendar, mut day: NaiveDate, days: u32) -> NaiveDate {
    let mut left = days;
    while left > 0 {
        day = day.succ_opt().unwrap();
        if calendar.is_working_day(day) {
            left -= 1;
        }
    }
    day
}

#[test]
fn weekends_do_not_count() {
    let cal = WorkingCalendar::default();
    // Monday 7 July 2025, 5 working days → Monday 14 July.
    assert_eq!(cal.add_working_days(wib(2025, 7, 7, 9, 0), 5, 7), date(2025, 7, 14));
    // Wednesday + 3 → Monday.
    assert_eq!(cal.add_working_days(wib(2025, 7, 9, 9, 0), 3, 7), date(2025, 7, 14));
    assert_eq!(cal.working_days_between(date(2025, 7, 7), date(2025, 7, 14)), 5);
    assert_eq!(cal.working_days_between(date(2025, 7, 14), date(2025, 7, 7)), -5);
    assert_eq!(cal.working_days_between(date(2025, 7, 12), date(2025, 7, 13)), 0);
}

#[test]
fn friday_evening_and_saturday_submissions() {
    let cal = WorkingCalendar::default();
    // Friday 11 July 2025 at 20:00 WIB (13:00 UTC): a Friday request, due Monday.
    assert_eq!(cal.add_working_days(wib(2025, 7, 11, 20, 0), 1, BOGOR_UTC_OFFSET_HOURS), date(2025, 7, 14));
    // Saturday 01:00 WIB is still Friday in UTC; counted from Monday, day 1 is Monday.
    let saturday_night = wib(2025, 7, 12, 1, 0);
    assert_eq!(saturday_night.date_naive(), date(2025, 7, 11));
    assert_eq!(cal.add_working_days(saturday_night, 1, BOGOR_UTC_OFFSET_HOURS), date(2025, 7, 14));
    assert_eq!(cal.add_working_days(saturday_night, 2, BOGOR_UTC_OFFSET_HOURS), date(2025, 7, 15));
    // Friday 06:30 WIB is Thursday in UTC: counting in UTC would give Friday, not Monday.
    let friday_morning = wib(2025, 7, 11, 6, 30);
    assert_eq!(friday_morning.date_naive(), date(2025, 7, 10));
    assert_eq!(cal.add_working_days(friday_morning, 1, BOGOR_UTC_OFFSET_HOURS), date(2025, 7, 14));
    assert_eq!(cal.add_working_days(friday_morning, 1, 0), date(2025, 7, 11));
}

#[test]
fn zero_days_means_the_same_working_day() {
    let cal = WorkingCalendar::indonesia();
    assert_eq!(cal.add_working_days(wib(2025, 7, 9, 9, 0), 0, 7), date(2025, 7, 9));
    assert_eq!(cal.add_working_days(wib(2025, 7, 12, 9, 0), 0, 7), date(2025, 7, 14));
    assert_eq!(cal.add_working_days(wib(2025, 3, 28, 9, 0), 0, 7), date(2025, 4, 8));
}

#[test]
fn holidays_do_not_count() {
    let cal = WorkingCalendar::indonesia();
    // Thursday 27 March 2025: Nyepi, Idulfitri and cuti bersama close everything until
    // Tuesday 8 April.
    assert_eq!(cal.add_working_days(wib(2025, 3, 27, 10, 0), 1, 7), date(2025, 4, 8));
    assert_eq!(cal.add_working_days(wib(2025, 3, 27, 10, 0), 3, 7), date(2025, 4, 10));
    assert_eq!(cal.working_days_between(date(2025, 3, 27), date(2025, 4, 10)), 3);
    // 18 August 2025 became cuti bersama by the amended SKB.
    assert!(!cal.is_working_day(date(2025, 8, 18)));
    assert_eq!(cal.add_working_days(wib(2025, 8, 15, 10, 0), 1, 7), date(2025, 8, 19));
    // Christmas 2026: 24 (cuti bersama) and 25 December.
    assert_eq!(cal.add_working_days(wib(2026, 12, 23, 10, 0), 1, 7), date(2026, 12, 28));
}

#[test]
fn long_spans() {
    let cal = WorkingCalendar::indonesia();
    // 2025 has 261 weekdays, 24 of them holidays or cuti bersama (4 fall on weekends).
    assert_eq!(cal.working_days_between(date(2024, 12, 31), date(2025, 12, 31)), 261 - 24);
    assert_eq!(cal.working_day_after(date(2024, 12, 31), 237), date(2025, 12, 31));
    let far = cal.working_day_after(date(2025, 1, 1), 100_000);
    assert_eq!(cal.working_days_between(date(2025, 1, 1), far), 100_000);
    assert_eq!(cal.working_day_after(date(2025, 1, 1), u32::MAX), NaiveDate::MAX);
}

#[test]
fn sla_states() {
    let cal = WorkingCalendar::indonesia();
    let deadline = date(2025, 7, 16); // Wednesday
    let at = |d| wib(2025, 7, d, 10, 0);
    assert_eq!(cal.sla_state(deadline, at(14), 7, 1), SlaState::OnTrack);
    assert_eq!(cal.sla_state(deadline, at(15), 7, 1), SlaState::DueSoon);
    assert_eq!(cal.sla_state(deadline, at(16), 7, 1), SlaState::DueSoon);
    assert_eq!(cal.sla_state(deadline, wib(2025, 7, 16, 23, 59), 7, 1), SlaState::DueSoon);
    assert_eq!(cal.sla_state(deadline, wib(2025, 7, 17, 0, 0), 7, 1), SlaState::Overdue);
    assert_eq!(cal.sla_state(deadline, at(15), 7, 0), SlaState::OnTrack);
    // A Monday deadline is due soon over the weekend before it.
    assert_eq!(cal.sla_state(date(2025, 7, 14), at(12), 7, 1), SlaState::DueSoon);
    assert_eq!(SlaState::Overdue.as_str(), "terlambat");
}

#[test]
fn shipped_holiday_list() {
    let holidays = parse_holidays(INDONESIAN_HOLIDAYS_CSV).unwrap();
    let in_year = |y| holidays.iter().filter(|h| h.date.year() == y).count();
    assert_eq!((in_year(2025), in_year(2026)), (17 + 11, 17 + 8));
    // Cuti bersama are working days given off: one on a weekend is a typo.
    for h in holidays.iter().filter(|h| h.name.starts_with("Cuti bersama")) {
        assert!(!is_weekend(h.date), "{h:?}");
    }
    assert!(holidays.windows(2).all(|w| w[0].date < w[1].date));
    let cal = WorkingCalendar::indonesia();
    assert!(cal.has_holidays_for(2025) && cal.has_holidays_for(2026) && !cal.has_holidays_for(2027));
}

#[test]
fn holiday_file_problems_name_their_line() {
    let text = "tanggal,nama\n2027-01-01,Tahun Baru\n\n# libur daerah\n2027-13-01,Salah\n2027-06-03,\"Hari Jadi Bogor, ke-545\"\nHUT Kota\n2027-01-01,Lagi\n2027-1-2,Pendek\n2027-02-02,  \n";
    let problems = parse_holidays(text).unwrap_err();
    let at: Vec<_> = problems.iter().map(|p| (p.line, p.column.as_deref())).collect();
    assert_eq!(at, [(5, Some("tanggal")), (7, None), (8, Some("tanggal")), (9, Some("tanggal")), (10, Some("nama"))]);
    assert_eq!(problems[2].reason, "tanggal 2027-01-01 sudah ada di baris 2");
    assert!(problems[0].reason.contains("YYYY-MM-DD"));
    let ok = parse_holidays("\u{feff}2027-06-03,\"Hari Jadi \"\"Bogor\"\", ke-545\"\r\n").unwrap();
    assert_eq!(ok, [Holiday { date: date(2027, 6, 3), name: "Hari Jadi \"Bogor\", ke-545".into() }]);
}

fn day() -> impl Strategy<Value = NaiveDate> {
    (0u32..3000).prop_map(|n| date(2024, 1, 1) + Days::new(u64::from(n)))
}

fn calendar() -> impl Strategy<Value = WorkingCalendar> {
    proptest::collection::vec(day(), 0..60).prop_map(WorkingCalendar::new)
}

proptest! {
    #[test]
    fn deadline_is_a_working_day_n_working_days_later(
        cal in calendar(),
        start in day(),
        minutes in 0i64..1440,
        days in 1u32..400,
    ) {
        let at = start.and_hms_opt(0, 0, 0).unwrap().and_utc() + TimeDelta::minutes(minutes);
        let deadline = cal.add_working_days(at, days, BOGOR_UTC_OFFSET_HOURS);
        let local = local_date(at, BOGOR_UTC_OFFSET_HOURS);
        prop_assert!(cal.is_working_day(deadline));
        prop_assert_eq!(cal.working_days_between(local, deadline), i64::from(days));
        prop_assert_eq!(deadline, naive_working_day_after(&cal, local, days));
    }

    #[test]
    fn between_matches_a_day_by_day_count(cal in calendar(), a in day(), b in day()) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let count = lo.iter_days().skip(1).take_while(|d| *d <= hi).filter(|d| cal.is_working_day(*d)).count();
        let count = i64::try_from(count).unwrap();
        prop_assert_eq!(cal.working_days_between(lo, hi), count);
        prop_assert_eq!(cal.working_days_between(hi, lo), -count);
    }

    #[test]
    fn sla_state_moves_one_way(cal in calendar(), deadline in day(), a in day(), b in day(), soon in 0u32..5) {
        let (early, late) = if a <= b { (a, b) } else { (b, a) };
        let state = |d: NaiveDate| cal.sla_state(deadline, d.and_hms_opt(5, 0, 0).unwrap().and_utc(), 0, soon);
        prop_assert!(state(early) <= state(late));
    }
}
