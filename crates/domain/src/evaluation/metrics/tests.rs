use chrono::TimeZone;

use super::show::{duration, percent, thousands};
use super::*;
use IntegrationStatus::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).single().unwrap()
}

fn sla(with_deadline: u64, on_time: u64) -> String {
    SlaFigures { with_deadline, on_time }.percent().map_or_else(|| "-".into(), percent)
}

#[test]
fn sla_percent_is_exact_and_rounded_half_up_once() {
    assert_eq!(sla(8, 7), "87,50 %");
    assert_eq!(sla(3, 2), "66,67 %");
    assert_eq!(sla(3, 1), "33,33 %");
    assert_eq!(sla(32, 1), "3,13 %", "3.125 goes up, not to the even 3.12");
    assert_eq!(sla(160, 1), "0,63 %");
    // 1.005 %: binary floating point holds 1.00499… and would print 1.00.
    assert_eq!(sla(20_000, 201), "1,01 %");
    assert_eq!(sla(5, 5), "100,00 %");
    assert_eq!(sla(5, 0), "0,00 %");
    assert_eq!(sla(0, 0), "-");
}

#[test]
fn numbers_are_written_the_indonesian_way() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(1_000), "1.000");
    assert_eq!(thousands(1_234_567), "1.234.567");
    assert_eq!(duration(45), "45 menit");
    assert_eq!(duration(61), "61 menit (1 jam 1 menit)");
    assert_eq!(duration(1_440), "1.440 menit (1 hari)");
    assert_eq!(duration(2_895), "2.895 menit (2 hari 15 menit)");
    assert_eq!(channel_label("open311"), "Open311");
    assert_eq!(channel_label("kios"), "kios");
}

#[test]
fn median_is_exact_then_rounded_to_minutes() {
    assert_eq!(median_minutes(vec![]), None);
    assert_eq!(median_minutes(vec![60]), Some(1));
    assert_eq!(median_minutes(vec![29]), Some(0));
    assert_eq!(median_minutes(vec![30]), Some(1), "half a minute rounds up");
    assert_eq!(median_minutes(vec![200, 50, 100]), Some(2), "100 s");
    assert_eq!(median_minutes(vec![0, 90]), Some(1), "mean of the middle two: 45 s");
    assert_eq!(median_minutes(vec![600, 60, 180, 7_200]), Some(7), "(180 + 600) / 2 = 390 s = 6.5 min");
}

#[test]
fn a_period_is_whole_days_in_wib() {
    let (start, end) = period_bounds(day(2026, 1, 1), day(2026, 3, 31));
    assert_eq!(start, utc(2025, 12, 31, 17, 0));
    assert_eq!(end, utc(2026, 3, 31, 17, 0));
    let (start, end) = period_bounds(day(2026, 3, 2), day(2026, 3, 1));
    assert_eq!(start, end, "a period ending before it starts is empty");
}

#[test]
fn progress_is_sampled_at_month_ends_and_the_last_day_in_wib() {
    let changes = vec![
        ("A", utc(2025, 12, 1, 2, 0), Planned),
        ("B", utc(2025, 12, 1, 2, 0), Planned),
        ("C", utc(2025, 12, 1, 2, 0), Planned),
        // 23:30 WIB on 31 January: still January in Bogor.
        ("B", utc(2026, 1, 31, 16, 30), Integrated),
        // 00:30 WIB on 1 February, though UTC still says 31 January.
        ("A", utc(2026, 1, 31, 17, 30), Integrated),
        ("C", utc(2026, 3, 5, 3, 0), Retired),
        // 00:00 WIB on 11 March: after the period.
        ("C", utc(2026, 3, 10, 17, 0), Planned),
    ];
    let samples = progress_samples(&changes, day(2026, 1, 15), day(2026, 3, 10));
    let summary: Vec<_> = samples.iter().map(|s| (s.day, s.integrated, s.total)).collect();
    assert_eq!(summary, vec![(day(2026, 1, 31), 1, 3), (day(2026, 2, 28), 2, 3), (day(2026, 3, 10), 2, 2)]);
    assert_eq!(samples[0].percent().to_fixed(2), "33.33");

    // A period ending on a month's last day samples that day once.
    let one = progress_samples(&changes, day(2026, 1, 1), day(2026, 1, 31));
    assert_eq!(one.iter().map(|s| (s.day, s.integrated)).collect::<Vec<_>>(), vec![(day(2026, 1, 31), 1)]);
    // Before the first change the programme was empty.
    let early = progress_samples(&changes, day(2025, 10, 1), day(2025, 11, 15));
    let early: Vec<_> = early.iter().map(|s| (s.day, s.integrated, s.total)).collect();
    assert_eq!(early, vec![(day(2025, 10, 31), 0, 0), (day(2025, 11, 15), 0, 0)]);
    assert!(progress_samples(&changes, day(2026, 2, 1), day(2026, 1, 1)).is_empty());
}

fn completed(
    channel: &str,
    submitted: DateTime<Utc>,
    closed: DateTime<Utc>,
    deadline: Option<NaiveDate>,
) -> CompletedRequest {
    CompletedRequest { channel: channel.into(), submitted_at: submitted, closed_at: closed, deadline }
}

#[test]
fn requests_add_up_per_channel_with_deadlines_read_in_wib() {
    let received = vec![("web".to_string(), 5), ("kios".to_string(), 1), ("talas".to_string(), 2)];
    let done = vec![
        // Closed 23:59 WIB on its deadline day: on time.
        completed("web", utc(2026, 3, 9, 1, 0), utc(2026, 3, 10, 16, 59), Some(day(2026, 3, 10))),
        // Closed 00:00 WIB the day after: late, though UTC still says the 10th.
        completed("web", utc(2026, 3, 9, 1, 0), utc(2026, 3, 10, 17, 0), Some(day(2026, 3, 10))),
        completed("open311", utc(2026, 3, 9, 1, 0), utc(2026, 3, 9, 1, 30), None),
    ];
    let figures = request_figures(&received, &done);
    let channels: Vec<_> = figures.channels.iter().map(|c| (c.channel.as_str(), c.received, c.completed)).collect();
    assert_eq!(channels, vec![("web", 5, 2), ("api", 0, 0), ("talas", 2, 0), ("open311", 0, 1), ("kios", 1, 0)]);
    assert_eq!(figures.sla, SlaFigures { with_deadline: 2, on_time: 1 });
    // 30 min, 2 399 min, 2 400 min.
    assert_eq!(figures.median_completion_minutes, Some(2_399));
}

fn sample_metrics() -> PlatformMetrics {
    let figures = request_figures(
        &[("web".to_string(), 1_234), ("api".to_string(), 16)],
        &[completed("web", utc(2026, 3, 2, 1, 0), utc(2026, 3, 4, 1, 15), Some(day(2026, 3, 4)))],
    );
    let ikm = Ikm::from_totals(29, [105, 101, 100, 116, 102, 105, 106, 105, 115]).unwrap();
    PlatformMetrics {
        from: day(2026, 2, 1),
        to: day(2026, 3, 15),
        scope: MetricScope::Agency { code: "DISDUKCAPIL".into(), name: "Dinas Kependudukan".into() },
        progress: vec![
            ProgressSample { day: day(2026, 2, 28), integrated: 2, total: 3 },
            ProgressSample { day: day(2026, 3, 15), integrated: 3, total: 3 },
        ],
        channels: figures.channels,
        median_completion_minutes: figures.median_completion_minutes,
        sla: SlaFigures { with_deadline: 8, on_time: 7 },
        ikm: Some(IkmFigures::from(&ikm)),
        searches: 12_345,
        chat_conversations: 3,
        chat_messages: 9,
        uptime: None,
    }
}

#[test]
fn the_table_reads_in_indonesian() {
    let m = sample_metrics();
    assert_eq!(
        m.title(),
        "Metrik platform: Perangkat daerah: Dinas Kependudukan (DISDUKCAPIL), 1 Februari 2026 s.d. 15 Maret 2026 (WIB)"
    );
    let table = m.table();
    let expected = [
        ("Cakupan", "Perangkat daerah: Dinas Kependudukan (DISDUKCAPIL)"),
        ("Periode", "1 Februari 2026 s.d. 15 Maret 2026 (WIB)"),
        ("Aplikasi terintegrasi per 28 Februari 2026", "2 dari 3 (66,67 %)"),
        ("Aplikasi terintegrasi per 15 Maret 2026", "3 dari 3 (100,00 %)"),
        ("Permohonan masuk (Web)", "1.234"),
        ("Permohonan masuk (API)", "16"),
        ("Permohonan masuk (Talas)", "0"),
        ("Permohonan masuk (Open311)", "0"),
        ("Permohonan masuk (semua kanal)", "1.250"),
        ("Permohonan selesai (Web)", "1"),
        ("Permohonan selesai (API)", "0"),
        ("Permohonan selesai (Talas)", "0"),
        ("Permohonan selesai (Open311)", "0"),
        ("Permohonan selesai (semua kanal)", "1"),
        ("Median waktu penyelesaian", "2.895 menit (2 hari 15 menit)"),
        ("Selesai dengan tenggat SLA", "8"),
        ("Selesai tepat waktu", "7"),
        ("Kepatuhan SLA", "87,50 %"),
        ("Responden survei kepuasan", "29"),
        ("Indeks Kepuasan Masyarakat (IKM)", "91,48 (mutu A, Sangat Baik)"),
        ("Pencarian layanan (seluruh kota)", "12.345"),
        ("Percakapan Talas (seluruh kota)", "3"),
        ("Pesan masuk ke Talas (seluruh kota)", "9"),
        ("Ketersediaan (uptime)", "belum diukur"),
    ];
    let got: Vec<(&str, &str)> = table.iter().map(|(l, v)| (l.as_str(), v.as_str())).collect();
    assert_eq!(got, expected);

    let empty = PlatformMetrics {
        scope: MetricScope::City,
        median_completion_minutes: None,
        sla: SlaFigures::default(),
        ikm: None,
        ..m
    };
    let table = empty.table();
    let value = |label: &str| table.iter().find(|(l, _)| l == label).map(|(_, v)| v.as_str());
    assert_eq!(value("Median waktu penyelesaian"), Some("-"));
    assert_eq!(value("Kepatuhan SLA"), Some("-"));
    assert_eq!(value("Indeks Kepuasan Masyarakat (IKM)"), Some("-"));
    assert_eq!(value("Responden survei kepuasan"), Some("0"));
    assert_eq!(value("Pencarian layanan"), Some("12.345"), "no 'seluruh kota' note for the city itself");
}

#[test]
fn series_are_for_drawing() {
    let series = sample_metrics().series();
    assert_eq!(series.len(), 2);
    assert_eq!(series[0].0, "Integrasi aplikasi (%)");
    assert_eq!(series[0].1[0].0, "28 Feb 2026");
    assert!((series[0].1[0].1 - 66.666_666).abs() < 1e-3);
    assert_eq!(series[0].1[1], ("15 Mar 2026".to_string(), 100.0));
    let received: Vec<_> = series[1].1.iter().map(|(l, v)| (l.as_str(), *v)).collect();
    assert_eq!(received, vec![("Web", 1_234.0), ("API", 16.0), ("Talas", 0.0), ("Open311", 0.0)]);
}

#[test]
fn snapshots_round_trip_through_json() {
    let m = sample_metrics();
    let json = serde_json::to_value(&m).unwrap();
    assert_eq!(
        json["scope"],
        serde_json::json!({"kind": "agency", "code": "DISDUKCAPIL", "name": "Dinas Kependudukan"})
    );
    assert_eq!(json["ikm"], serde_json::json!({"respondents": 29, "score": "91.48", "grade": "A"}));
    assert_eq!(json["uptime"], serde_json::Value::Null);
    assert_eq!(serde_json::from_value::<PlatformMetrics>(json).unwrap(), m);
    let city = serde_json::to_value(MetricScope::City).unwrap();
    assert_eq!(city, serde_json::json!({"kind": "city"}));
}
