//! The platform's own figures for a period, on SQLite and PostgreSQL: requests, surveys,
//! searches, chats and integration changes placed a second either side of the period's
//! edges in WIB, every figure checked exactly for the city, an agency and a service.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use domain::evaluation::metrics::{
    ChannelFigures, IkmFigures, MetricScope, PlatformMetrics, ProgressSample, SlaFigures,
};
use domain::request::Grade;
use domain::{AgencyCode, IntegrationStatus, ServiceCode, StatusChange};
use interchange::{Format, read_catalog_bytes};
use store::requests::{NewRequest, ServiceKeys};
use store::{MetricScopeQuery, SearchCounts, Store, StoreError};

use crate::on_both_backends;

const CATALOG: &str = "\
kode,nama,kategori,opd_kode,opd_nama,pengguna,mode_integrasi,status_integrasi,kata_kunci,persyaratan,biaya,waktu_hari
KTP-EL,Perekaman KTP-el,Kependudukan,DISDUKCAPIL,Dinas Kependudukan dan Pencatatan Sipil,warga,native,terintegrasi,,,0,3
KK,Kartu Keluarga,Kependudukan,DISDUKCAPIL,,warga,native,dalam_proses,,,0,3
PBB-P2,Pembayaran PBB-P2,Pajak & Retribusi,BAPENDA,Badan Pendapatan Daerah,warga,api,terintegrasi,,,0,1
NIB,Nomor Induk Berusaha,Perizinan & Investasi,DPMPTSP,Dinas Penanaman Modal dan PTSP,bisnis,link,direncanakan,,,0,1
SKTM,Surat Keterangan Tidak Mampu,Sosial,DINSOS,Dinas Sosial,warga,native,terintegrasi,,,0,2
";

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, s).single().unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The period: 1 February to 15 March 2026 in WIB, i.e. 31 January 17:00 UTC up to
/// 15 March 17:00 UTC.
const FROM: (i32, u32, u32) = (2026, 2, 1);
const TO: (i32, u32, u32) = (2026, 3, 15);

/// A request as the test wants it to have happened.
struct Past<'a> {
    code: &'a str,
    service: &'a str,
    channel: &'a str,
    submitted: DateTime<Utc>,
    status: &'a str,
    closed: Option<DateTime<Utc>>,
    deadline: Option<&'a str>,
}

struct Scene {
    store: Store,
    conn: sqlx::AnyConnection,
}

impl Scene {
    async fn keys(&self, service: &str) -> ServiceKeys {
        self.store.service_keys(service).await.unwrap().unwrap()
    }

    /// Submits through the store, then back-dates the row (the store stamps `now`).
    async fn request(&mut self, past: Past<'_>) -> String {
        let keys = self.keys(past.service).await;
        let new = NewRequest {
            tracking_code: past.code.into(),
            service_id: keys.service_id,
            agency_id: keys.agency_id,
            user_id: None,
            guest_name: Some("Warga Uji".into()),
            guest_contact: None,
            channel: past.channel.into(),
            answers: "{}".into(),
            deadline: None,
            status: "diajukan".into(),
            delivery: None,
            report: None,
        };
        let id = self.store.submit_request(new).await.unwrap().id;
        sqlx::query("UPDATE requests SET submitted_at = $1, status = $2, closed_at = $3, deadline = $4 WHERE id = $5")
            .bind(past.submitted.timestamp())
            .bind(past.status)
            .bind(past.closed.map(|c| c.timestamp()))
            .bind(past.deadline)
            .bind(id.as_str())
            .execute(&mut self.conn)
            .await
            .unwrap();
        id
    }

    async fn chat(&mut self, channel: &str, sender: &str, at: DateTime<Utc>, author: &str) {
        sqlx::query(
            "INSERT INTO conversation_messages (id, channel, sender, at, author, body) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(uuid_like(channel, sender, at, author))
        .bind(channel)
        .bind(sender)
        .bind(at.timestamp())
        .bind(author)
        .bind("halo")
        .execute(&mut self.conn)
        .await
        .unwrap();
    }

    async fn history(&self, service: &str, changes: &[(IntegrationStatus, DateTime<Utc>)]) {
        let mut previous = None;
        let history: Vec<StatusChange> = changes
            .iter()
            .map(|(to, at)| {
                let change = StatusChange { from: previous, to: *to, at: *at, note: None };
                previous = Some(*to);
                change
            })
            .collect();
        self.store.replace_status_history(&ServiceCode::parse(service).unwrap(), &history).await.unwrap();
    }

    async fn metrics(&self, scope: MetricScopeQuery) -> Result<PlatformMetrics, StoreError> {
        self.store.platform_metrics(day(FROM.0, FROM.1, FROM.2), day(TO.0, TO.1, TO.2), &scope).await
    }
}

fn past<'a>(
    code: &'a str,
    service: &'a str,
    channel: &'a str,
    submitted: DateTime<Utc>,
    status: &'a str,
    closed: Option<DateTime<Utc>>,
    deadline: Option<&'a str>,
) -> Past<'a> {
    Past { code, service, channel, submitted, status, closed, deadline }
}

fn uuid_like(channel: &str, sender: &str, at: DateTime<Utc>, author: &str) -> String {
    format!("{channel}-{sender}-{}-{author}", at.timestamp())
}

/// The element totals of the published 29-respondent vector (91.48, A): element `e` has
/// `FOURS[e]` respondents scoring 4 and the rest 3.
const FOURS: [usize; 9] = [18, 14, 13, 29, 15, 18, 19, 18, 28];

async fn scene(db: &crate::helpers::TestDb) -> Scene {
    let store = satupintu::app::open_store(&db.settings).await.unwrap();
    let registered = utc(2025, 6, 1, 2, 0, 0);
    let entries = read_catalog_bytes(CATALOG.as_bytes(), Format::Csv, registered).unwrap();
    store.import_catalog(&entries, registered, |_| {}).await.unwrap();
    let conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&db.settings.database_url()).await.unwrap();
    let mut s = Scene { store, conn };
    use IntegrationStatus::*;
    // 23:30 WIB on 28 February: in February's sample.
    s.history("KTP-EL", &[(Planned, registered), (Integrated, utc(2026, 2, 28, 16, 30, 0))]).await;
    // 00:30 WIB on 1 March (UTC still says 28 February): not in February's sample.
    let started = utc(2026, 1, 10, 2, 0, 0);
    s.history("KK", &[(Planned, registered), (InProgress, started), (Integrated, utc(2026, 2, 28, 17, 30, 0))]).await;
    s.history("PBB-P2", &[(Planned, registered), (Integrated, utc(2025, 9, 1, 2, 0, 0))]).await;
    s.history("SKTM", &[(Planned, registered), (Integrated, utc(2025, 7, 1, 2, 0, 0))]).await;
    // 00:00 WIB on 16 March: after the period, so NIB still counts as active on the 15th.
    s.history("NIB", &[(Planned, registered), (Retired, utc(2026, 3, 15, 17, 0, 0))]).await;

    let before = utc(2026, 1, 31, 16, 59, 59); // 23:59:59 WIB, 31 January
    let first = utc(2026, 1, 31, 17, 0, 0); // 00:00 WIB, 1 February
    let last = utc(2026, 3, 15, 16, 59, 59); // 23:59:59 WIB, 15 March
    let after = utc(2026, 3, 15, 17, 0, 0); // 00:00 WIB, 16 March
    // Submitted just before the period, completed in it, on time: 122 401 s.
    let r1 = s
        .request(past("R1", "KTP-EL", "web", before, "selesai", Some(utc(2026, 2, 2, 3, 0, 0)), Some("2026-02-03")))
        .await;
    // Completed at 00:00 WIB the day after its deadline (UTC still says the 5th): late, 432 000 s.
    let r2 = s
        .request(past("R2", "KTP-EL", "web", first, "selesai", Some(utc(2026, 2, 5, 17, 0, 0)), Some("2026-02-05")))
        .await;
    // One hour, on its deadline day: 3 600 s.
    let submitted = utc(2026, 2, 10, 2, 0, 0);
    let r3 = s
        .request(past("R3", "KK", "api", submitted, "selesai", Some(utc(2026, 2, 10, 3, 0, 0)), Some("2026-02-10")))
        .await;
    s.request(past("R4", "KK", "talas", last, "diproses", None, Some("2026-03-20"))).await;
    s.request(past("R5", "PBB-P2", "open311", after, "diajukan", None, None)).await;
    // Rejected and cancelled requests close, but are not completions.
    let submitted = utc(2026, 2, 20, 5, 0, 0);
    s.request(past("R6", "PBB-P2", "web", submitted, "ditolak", Some(utc(2026, 2, 21, 5, 0, 0)), None)).await;
    let submitted = utc(2026, 2, 3, 1, 0, 0);
    s.request(past("R9", "KK", "web", submitted, "dibatalkan", Some(utc(2026, 2, 3, 2, 0, 0)), None)).await;
    // Completed in the period's last second, no deadline: 3 671 999 s.
    let submitted = utc(2026, 2, 1, 5, 0, 0);
    let r7 = s.request(past("R7", "PBB-P2", "open311", submitted, "selesai", Some(last), None)).await;
    // Completed a second after the period.
    s.request(past("R8", "KTP-EL", "web", submitted, "selesai", Some(after), Some("2026-03-20"))).await;
    // Completed a second before the period.
    let submitted = utc(2026, 1, 20, 5, 0, 0);
    let r10 = s.request(past("R10", "KTP-EL", "api", submitted, "selesai", Some(before), Some("2026-01-31"))).await;

    // Surveys: in the period R1 (all 4), R3 (all 3), R7 (4 but U9 3); R2 and R10 a second
    // outside it.
    s.store.record_survey(&r1, [4; 9], utc(2026, 2, 2, 4, 0, 0)).await.unwrap();
    s.store.record_survey(&r3, [3; 9], utc(2026, 2, 10, 4, 0, 0)).await.unwrap();
    s.store.record_survey(&r7, [4, 4, 4, 4, 4, 4, 4, 4, 3], last).await.unwrap();
    s.store.record_survey(&r2, [1; 9], after).await.unwrap();
    s.store.record_survey(&r10, [1; 9], before).await.unwrap();
    // SKTM: the published 29 respondents, for requests completed before the period (so they
    // touch no request figure of it).
    for respondent in 0..29 {
        let done = utc(2026, 1, 10, 3, 0, 0);
        let code = format!("S{respondent:02}");
        let id = s.request(past(&code, "SKTM", "web", utc(2026, 1, 5, 3, 0, 0), "selesai", Some(done), None)).await;
        let scores = FOURS.map(|fours| if respondent < fours { 4 } else { 3 });
        s.store.record_survey(&id, scores, utc(2026, 2, 15, 3, 0, 0)).await.unwrap();
    }

    // Searches are kept per day: 31 January and 16 March fall outside.
    let counts = |searches| SearchCounts { searches, zero_results: 0, clicks: 0 };
    let stats = vec![
        (day(2026, 1, 31), "ktp".to_string(), counts(5)),
        (day(2026, 2, 1), "ktp".to_string(), counts(4)),
        (day(2026, 2, 1), "kk".to_string(), counts(3)),
        (day(2026, 3, 15), "pbb".to_string(), counts(2)),
        (day(2026, 3, 16), "pbb".to_string(), counts(9)),
    ];
    s.store.add_search_stats(&stats).await.unwrap();

    // Talas: telegram/a only has Talas's reply in the period; telegram/b writes twice;
    // whatsapp/b is another conversation; rest/c writes a second too late.
    s.chat("telegram", "a", before, "person").await;
    s.chat("telegram", "a", first, "talas").await;
    s.chat("telegram", "b", utc(2026, 2, 10, 1, 0, 0), "person").await;
    s.chat("telegram", "b", utc(2026, 2, 10, 1, 0, 1), "talas").await;
    s.chat("telegram", "b", last, "person").await;
    s.chat("whatsapp", "b", utc(2026, 2, 11, 1, 0, 0), "person").await;
    s.chat("rest", "c", after, "person").await;
    s
}

fn channels(figures: [(u64, u64); 4]) -> Vec<ChannelFigures> {
    ["web", "api", "talas", "open311"]
        .into_iter()
        .zip(figures)
        .map(|(channel, (received, completed))| ChannelFigures { channel: channel.into(), received, completed })
        .collect()
}

fn samples(feb: (u64, u64), mar: (u64, u64)) -> Vec<ProgressSample> {
    vec![
        ProgressSample { day: day(2026, 2, 28), integrated: feb.0, total: feb.1 },
        ProgressSample { day: day(2026, 3, 15), integrated: mar.0, total: mar.1 },
    ]
}

fn ikm(respondents: u64, score: &str, grade: Grade) -> Option<IkmFigures> {
    Some(IkmFigures { respondents, score: score.into(), grade })
}

on_both_backends!(platform_metrics_for_a_period_and_scope, |db| {
    let s = scene(&db).await;
    let city_wide = |scope, progress, channels, median, sla, ikm| PlatformMetrics {
        from: day(FROM.0, FROM.1, FROM.2),
        to: day(TO.0, TO.1, TO.2),
        scope,
        progress,
        channels,
        median_completion_minutes: median,
        sla,
        ikm,
        searches: 9,
        chat_conversations: 3,
        chat_messages: 3,
        uptime: None,
    };

    // The city. Received: R2, R6, R8, R9 (web), R3 (api), R4 (talas), R7 (open311).
    // Completed: R1, R2, R3, R7; median of 3 600, 122 401, 432 000 and 3 671 999 s is
    // 277 200.5 s, 4 620 minutes. IKM: 32 respondents, 1 053 points: 91.41 (A).
    let city = s.metrics(MetricScopeQuery::City).await.unwrap();
    let expected = city_wide(
        MetricScope::City,
        samples((3, 5), (4, 5)),
        channels([(4, 2), (1, 1), (1, 0), (1, 1)]),
        Some(4_620),
        SlaFigures { with_deadline: 3, on_time: 2 },
        ikm(32, "91.41", Grade::A),
    );
    assert_eq!(city, expected);
    let table = city.table();
    let value = |label: &str| table.iter().find(|(l, _)| l == label).map(|(_, v)| v.clone());
    assert_eq!(value("Kepatuhan SLA").as_deref(), Some("66,67 %"));
    assert_eq!(value("Permohonan masuk (semua kanal)").as_deref(), Some("7"));

    // An agency: its requests and answers only; searches and chats stay city-wide.
    let disdukcapil = AgencyCode::parse("DISDUKCAPIL").unwrap();
    let agency = s.metrics(MetricScopeQuery::Agency(disdukcapil)).await.unwrap();
    let expected = city_wide(
        MetricScope::Agency { code: "DISDUKCAPIL".into(), name: "Dinas Kependudukan dan Pencatatan Sipil".into() },
        samples((1, 2), (2, 2)),
        channels([(3, 2), (1, 1), (1, 0), (0, 0)]),
        Some(2_040),
        SlaFigures { with_deadline: 3, on_time: 2 },
        ikm(2, "87.50", Grade::B),
    );
    assert_eq!(agency, expected);

    // A service.
    let kk = s.metrics(MetricScopeQuery::Service(ServiceCode::parse("KK").unwrap())).await.unwrap();
    let expected = city_wide(
        MetricScope::Service { code: "KK".into(), name: "Kartu Keluarga".into() },
        samples((0, 1), (1, 1)),
        channels([(1, 0), (1, 1), (1, 0), (0, 0)]),
        Some(60),
        SlaFigures { with_deadline: 1, on_time: 1 },
        ikm(1, "75.00", Grade::C),
    );
    assert_eq!(kk, expected);
    assert_eq!(kk.table().iter().find(|(l, _)| l == "Kepatuhan SLA").map(|(_, v)| v.as_str()), Some("100,00 %"));

    // The published survey vector, through the store: 29 respondents, 91.48 (A).
    let sktm = s.metrics(MetricScopeQuery::Service(ServiceCode::parse("SKTM").unwrap())).await.unwrap();
    assert_eq!(sktm.ikm, ikm(29, "91.48", Grade::A));
    assert_eq!((sktm.median_completion_minutes, sktm.sla), (None, SlaFigures::default()));
    assert_eq!(sktm.channels, channels([(0, 0); 4]));

    // Unknown codes.
    let nobody = AgencyCode::parse("TIDAKADA").unwrap();
    assert!(matches!(s.metrics(MetricScopeQuery::Agency(nobody)).await, Err(StoreError::NotFound)));
    let nothing = ServiceCode::parse("TIDAK-ADA").unwrap();
    assert!(matches!(s.metrics(MetricScopeQuery::Service(nothing)).await, Err(StoreError::NotFound)));

    // A period ending before it starts holds nothing.
    let empty = s.store.platform_metrics(day(2026, 3, 1), day(2026, 2, 1), &MetricScopeQuery::City).await.unwrap();
    assert!(empty.progress.is_empty());
    assert_eq!((empty.channels, empty.ikm, empty.chat_messages), (channels([(0, 0); 4]), None, 0));
    s.store.close().await;
});

on_both_backends!(uptime_comes_from_the_daily_roll_ups_of_the_period, |db| {
    let mut s = scene(&db).await;
    // City days of the period, and one either side that must not count.
    let first = domain::monitoring::day_of(utc(2026, 1, 31, 17, 0, 0).timestamp());
    let last = domain::monitoring::day_of(utc(2026, 3, 15, 16, 59, 59).timestamp());
    let rows = [
        ("KTP-EL", first - 1, 100, 0),
        ("KTP-EL", first, 1_440, 1_440),
        ("KTP-EL", last, 1_440, 1_438),
        ("KTP-EL", last + 1, 100, 0),
        ("PBB-P2", first, 1_440, 720),
    ];
    for (code, day, total, ok) in rows {
        sqlx::query(
            "INSERT INTO health_daily (service_id, day, total, ok) SELECT id, $1, $2, $3 FROM services WHERE code = $4",
        )
        .bind(day)
        .bind(total)
        .bind(ok)
        .bind(code)
        .execute(&mut s.conn)
        .await
        .unwrap();
    }
    // The city: 3 598 of 4 320 checks; DISDUKCAPIL: 2 878 of 2 880; NIB was never checked.
    let city = s.metrics(MetricScopeQuery::City).await.unwrap();
    assert_eq!(city.uptime.as_deref(), Some("83,29 %"));
    let agency = s.metrics(MetricScopeQuery::Agency(AgencyCode::parse("DISDUKCAPIL").unwrap())).await.unwrap();
    assert_eq!(agency.uptime.as_deref(), Some("99,93 %"));
    let nib = s.metrics(MetricScopeQuery::Service(ServiceCode::parse("NIB").unwrap())).await.unwrap();
    assert_eq!(nib.uptime, None);
    let table = agency.table();
    assert!(table.iter().any(|(label, value)| label == "Ketersediaan (uptime)" && value == "99,93 %"));
    s.store.close().await;
});
