//! One scenario over the store, run on SQLite and on PostgreSQL: both backends must
//! answer every question the same way.

use chrono::{TimeZone, Utc};
use domain::{AgencyCode, Audience, IntegrationMode, IntegrationStatus, ServiceCode};
use interchange::{Format, read_catalog_bytes};
use store::{ImportRejected, Page, ServiceFilter, StoreError};

use crate::on_both_backends;

const CATALOG: &str = "\
kode,nama,kategori,opd_kode,opd_nama,pengguna,mode_integrasi,status_integrasi,kata_kunci,persyaratan,biaya,waktu_hari
KTP-EL,Perekaman KTP-el,Kependudukan,DISDUKCAPIL,Dinas Kependudukan dan Pencatatan Sipil,warga,native,terintegrasi,ktp;e-ktp,KK;Surat pengantar,0,1
KK,Kartu Keluarga,Kependudukan,DISDUKCAPIL,,warga,native,dalam_proses,kartu keluarga,,0,3
PBB-P2,Pembayaran PBB-P2,Pajak & Retribusi,BAPENDA,Badan Pendapatan Daerah,warga,api,terintegrasi,pbb;pajak bumi,,0,1
NIB,Nomor Induk Berusaha,Perizinan & Investasi,DPMPTSP,Dinas Penanaman Modal dan PTSP,bisnis,link,direncanakan,izin usaha;oss,,0,1
SIMPEG,Sistem Informasi Kepegawaian 100%,Kepegawaian (ASN),BKPSDM,Badan Kepegawaian,asn,sso,terintegrasi,,,,
";

fn at(y: i32, m: u32, d: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).single().unwrap()
}

fn entries(csv: &str, when: chrono::DateTime<Utc>) -> Vec<domain::CatalogEntry> {
    read_catalog_bytes(csv.as_bytes(), Format::Csv, when).expect("valid test catalog")
}

on_both_backends!(catalog_scenario, |db| {
    let store = satupintu::app::open_store(&db.settings).await.unwrap();
    // Migrations are idempotent.
    assert_eq!(store.migrate().await.unwrap(), 0);
    assert!(store.catalog_is_empty().await.unwrap());
    let revision = store.catalog_revision().await.unwrap();

    let outcome = store.import_catalog(&entries(CATALOG, at(2024, 1, 10)), at(2024, 1, 10), |_| {}).await.unwrap();
    assert_eq!((outcome.created, outcome.updated, outcome.agencies_created), (5, 0, 4));
    assert!(store.catalog_revision().await.unwrap() > revision);

    // Listing: ordered by name, paginated with totals, retired left out by default.
    let all = store.list_services(&ServiceFilter::default(), Page::new(1, 2)).await.unwrap();
    assert_eq!(all.total, 5);
    assert_eq!(all.total_pages(), 3);
    let names: Vec<_> = all.items.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, vec!["Kartu Keluarga", "Nomor Induk Berusaha"]);
    let page3 = store.list_services(&ServiceFilter::default(), Page::new(3, 2)).await.unwrap();
    assert_eq!(page3.items.iter().map(|s| s.code.as_str()).collect::<Vec<_>>(), vec!["SIMPEG"]);

    // Filters combine; text matches name, keywords and code, case-insensitively, and a
    // `%` is literal.
    let filter = |f: ServiceFilter| {
        let store = store.clone();
        async move {
            let page = store.list_services(&f, Page::new(1, 50)).await.unwrap();
            page.items.iter().map(|s| s.code.to_string()).collect::<Vec<_>>()
        }
    };
    assert_eq!(filter(ServiceFilter { text: Some("E-KTP".into()), ..Default::default() }).await, vec!["KTP-EL"]);
    assert_eq!(filter(ServiceFilter { text: Some("pajak bumi".into()), ..Default::default() }).await, vec!["PBB-P2"]);
    assert_eq!(filter(ServiceFilter { text: Some("100%".into()), ..Default::default() }).await, vec!["SIMPEG"]);
    assert!(filter(ServiceFilter { text: Some("10_%".into()), ..Default::default() }).await.is_empty());
    assert_eq!(
        filter(ServiceFilter {
            category: Some("kependudukan".into()),
            status: Some(IntegrationStatus::Integrated),
            ..Default::default()
        })
        .await,
        vec!["KTP-EL"]
    );
    assert_eq!(
        filter(ServiceFilter { agency: Some(AgencyCode::parse("bapenda").unwrap()), ..Default::default() }).await,
        vec!["PBB-P2"]
    );
    assert_eq!(filter(ServiceFilter { audience: Some(Audience::Bisnis), ..Default::default() }).await, vec!["NIB"]);
    assert_eq!(filter(ServiceFilter { mode: Some(IntegrationMode::Sso), ..Default::default() }).await, vec!["SIMPEG"]);

    // Detail with history and agency.
    let ktp = store.service(&ServiceCode::parse("ktp-el").unwrap()).await.unwrap();
    assert_eq!(ktp.agency_name, "Dinas Kependudukan dan Pencatatan Sipil");
    assert_eq!(ktp.service.standard.requirements, vec!["KK", "Surat pengantar"]);
    assert_eq!(ktp.service.standard.cost_rupiah, Some(0));
    assert_eq!(ktp.history.len(), 1);
    assert_eq!(ktp.history[0].from, None);
    assert!(matches!(store.service(&ServiceCode::parse("NOPE").unwrap()).await, Err(StoreError::NotFound)));

    // Agencies and categories with counts.
    let agencies = store.list_agencies().await.unwrap();
    let dukcapil = agencies.iter().find(|a| a.agency.code.as_str() == "DISDUKCAPIL").unwrap();
    assert_eq!((dukcapil.services, dukcapil.integrated), (2, 1));
    assert_eq!(dukcapil.agency.kind, domain::AgencyKind::Dinas);
    let categories = store.list_categories().await.unwrap();
    let slugs: Vec<_> = categories.iter().map(|c| c.slug.as_str()).collect();
    assert_eq!(slugs, vec!["kepegawaian-asn", "kependudukan", "pajak-retribusi", "perizinan-investasi"]);

    // Progress overall and grouped.
    let progress = store.progress().await.unwrap();
    assert_eq!((progress.integrated, progress.in_progress, progress.planned, progress.total), (3, 1, 1, 5));
    let by_category = store.progress_by_category().await.unwrap();
    let dukcapil_cat = by_category.iter().find(|g| g.key == "kependudukan").unwrap();
    assert_eq!((dukcapil_cat.progress.integrated, dukcapil_cat.progress.total), (1, 2));

    // A second import updates by kode, records allowed status changes, and refuses a
    // forbidden one without changing anything.
    let update = "kode,nama,kategori,opd_kode,mode_integrasi,status_integrasi\n\
                  KK,Penerbitan Kartu Keluarga,Kependudukan,DISDUKCAPIL,native,terintegrasi\n";
    let outcome = store.import_catalog(&entries(update, at(2024, 3, 5)), at(2024, 3, 5), |_| {}).await.unwrap();
    assert_eq!((outcome.created, outcome.updated, outcome.status_changes), (0, 1, 1));
    let kk = store.service(&ServiceCode::parse("KK").unwrap()).await.unwrap();
    assert_eq!(kk.service.name, "Penerbitan Kartu Keluarga");
    assert_eq!(
        kk.history.iter().map(|c| c.to).collect::<Vec<_>>(),
        vec![IntegrationStatus::InProgress, IntegrationStatus::Integrated]
    );

    let retire = "kode,nama,kategori,opd_kode,mode_integrasi,status_integrasi\n\
                  NIB,Nomor Induk Berusaha,Perizinan & Investasi,DPMPTSP,link,dihentikan\n";
    store.import_catalog(&entries(retire, at(2024, 4, 1)), at(2024, 4, 1), |_| {}).await.unwrap();
    let bad = "kode,nama,kategori,opd_kode,mode_integrasi,status_integrasi\n\
               KTP-EL,Nama Baru,Kependudukan,DISDUKCAPIL,native,terintegrasi\n\
               NIB,Nomor Induk Berusaha,Perizinan & Investasi,DPMPTSP,link,terintegrasi\n\
               BARU,Layanan Baru,Sosial,OPD-BARU,link,direncanakan\n";
    match store.import_catalog(&entries(bad, at(2024, 5, 1)), at(2024, 5, 1), |_| {}).await {
        Err(ImportRejected::Problems(problems)) => {
            let text: Vec<_> = problems.iter().map(ToString::to_string).collect();
            assert_eq!(
                text,
                vec![
                    "line 3, column status_integrasi: status tidak dapat berubah dari dihentikan ke terintegrasi",
                    "line 4, column opd_nama: OPD OPD-BARU belum terdaftar; isi opd_nama untuk menambahkannya",
                ]
            );
        }
        other => panic!("expected problems, got {other:?}"),
    }
    // Nothing from the rejected file landed, not even its valid first row.
    let ktp = store.service(&ServiceCode::parse("KTP-EL").unwrap()).await.unwrap();
    assert_eq!(ktp.service.name, "Perekaman KTP-el");
    assert!(matches!(store.service(&ServiceCode::parse("BARU").unwrap()).await, Err(StoreError::NotFound)));

    // Retired services leave the default list and the totals, but can be asked for.
    let active = store.list_services(&ServiceFilter::default(), Page::new(1, 50)).await.unwrap();
    assert_eq!(active.total, 4);
    let retired = store
        .list_services(
            &ServiceFilter { status: Some(IntegrationStatus::Retired), ..Default::default() },
            Page::new(1, 50),
        )
        .await
        .unwrap();
    assert_eq!(retired.items.iter().map(|s| s.code.as_str()).collect::<Vec<_>>(), vec!["NIB"]);
    assert_eq!(store.progress().await.unwrap().total, 4);

    // Month-by-month history ends at the current counts.
    let history = store.progress_history(at(2024, 6, 1)).await.unwrap();
    let months: Vec<_> = history.iter().map(|p| (p.month.format("%Y-%m").to_string(), p.integrated, p.total)).collect();
    assert_eq!(months.first(), Some(&("2024-01".to_string(), 3, 5)));
    assert_eq!(months.last(), Some(&("2024-06".to_string(), 4, 4)));
    assert_eq!(months.len(), 6);

    // Opens are counted and rank popular services.
    let kk_code = ServiceCode::parse("KK").unwrap();
    store.record_open(&kk_code).await.unwrap();
    store.record_open(&kk_code).await.unwrap();
    assert!(matches!(store.record_open(&ServiceCode::parse("NOPE").unwrap()).await, Err(StoreError::NotFound)));
    let popular = store.popular_services(2).await.unwrap();
    assert_eq!(popular.first().map(|s| (s.code.as_str(), s.opens)), Some(("KK", 2)));

    // Meta facts.
    assert_eq!(store.meta("demo_city").await.unwrap(), None);
    store.set_meta("demo_city", "x").await.unwrap();
    store.set_meta("demo_city", "kota-bogor").await.unwrap();
    assert_eq!(store.meta("demo_city").await.unwrap().as_deref(), Some("kota-bogor"));

    // Export returns every service, retired included, by code.
    let all = store.all_services().await.unwrap();
    assert_eq!(
        all.iter().map(|(s, _)| s.code.as_str()).collect::<Vec<_>>(),
        vec!["KK", "KTP-EL", "NIB", "PBB-P2", "SIMPEG"]
    );
    store.close().await;
});

on_both_backends!(demo_city_loads_once, |db| {
    let store = satupintu::app::open_store(&db.settings).await.unwrap();
    let first = satupintu::demo::load(&store).await.unwrap();
    assert_eq!(first, satupintu::demo::DemoOutcome::Loaded { agencies: 44, services: 327 });
    assert_eq!(satupintu::demo::load(&store).await.unwrap(), satupintu::demo::DemoOutcome::AlreadyPopulated);
    let progress = store.progress().await.unwrap();
    assert_eq!((progress.integrated, progress.total), (148, 327));
    // The replayed history reaches today's counts, and grows over the years.
    let history = store.progress_history(Utc::now()).await.unwrap();
    let last = history.last().unwrap();
    assert_eq!((last.integrated, last.total), (148, 327));
    let mid = history.iter().find(|p| p.month.format("%Y-%m").to_string() == "2021-01").unwrap();
    assert!(mid.integrated > 0 && mid.integrated < 148, "{mid:?}");
    assert!(satupintu::demo::is_loaded(&store).await.unwrap());
    store.close().await;
});

on_both_backends!(upgrades_from_the_first_schema_with_data, |db| {
    std::fs::create_dir_all(&db.settings.data_dir).unwrap();
    let store = store::Store::connect(&db.settings.database_url()).await.unwrap();
    assert_eq!(store.migrate_up_to(1).await.unwrap(), 1);
    // Rows as the first release wrote them.
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&db.settings.database_url()).await.unwrap();
    for sql in [
        "INSERT INTO agencies (id, code, name, kind, sort_key, created_at, updated_at) \
         VALUES ('a1', 'DINSOS', 'Dinas Sosial', 'dinas', 'dinas sosial', 1, 1)",
        "INSERT INTO categories (slug, name) VALUES ('sosial', 'Sosial')",
        "INSERT INTO services (id, code, name, category_slug, agency_id, audience, mode, status, status_changed_at, \
         keywords_json, requirements_json, procedure_json, search_text, sort_key, created_at, updated_at) \
         VALUES ('s1', 'DTKS', 'Usulan DTKS', 'sosial', 'a1', 'warga', 'native', 'terintegrasi', 1, '[\"bansos\"]', \
         '[]', '[]', 'usulan dtks bansos', 'usulan dtks', 1, 1)",
    ] {
        sqlx::Executor::execute(&mut conn, sql).await.unwrap();
    }
    // Later migrations (search, accounts) apply to a catalog that already has rows.
    let later = store::Store::migration_count() - 1;
    assert_eq!(store.migrate().await.unwrap(), later);
    let (revision, services) = store.services_changed_since(-1).await.unwrap();
    assert_eq!(services.iter().map(|s| s.service.code.as_str()).collect::<Vec<_>>(), vec!["DTKS"]);
    assert_eq!(services[0].service.keywords, vec!["bansos"]);
    let (_, unchanged) = store.services_changed_since(revision).await.unwrap();
    assert!(unchanged.is_empty());
    assert_eq!(store.synonyms().await.unwrap(), None);
    let detail = store.service(&ServiceCode::parse("DTKS").unwrap()).await.unwrap();
    assert_eq!(detail.agency_name, "Dinas Sosial");
    store.close().await;
});

on_both_backends!(outbox_claims_are_exclusive_and_retried, |db| {
    let store = satupintu::app::open_store(&db.settings).await.unwrap();
    for i in 0..3 {
        store.enqueue("email", &format!("{{\"n\":{i}}}")).await.unwrap();
    }
    let now = Utc::now();
    let first = store.claim_outbox("w1", "email", 2, now).await.unwrap();
    let second = store.claim_outbox("w2", "email", 2, now).await.unwrap();
    assert_eq!((first.len(), second.len()), (2, 1));
    assert!(second.iter().all(|m| first.iter().all(|f| f.id != m.id)), "no message claimed twice");
    assert!(store.claim_outbox("w3", "email", 10, now).await.unwrap().is_empty());
    store.outbox_sent(&first[0].id, now).await.unwrap();
    store.outbox_failed(&first[1], "connection refused", now).await.unwrap();
    assert_eq!(store.outbox_pending().await.unwrap(), 2);
    // The failed one is due again after its back-off; the claimed one after its claim ends.
    let later = store.claim_outbox("w4", "email", 10, now + chrono::Duration::minutes(3)).await.unwrap();
    let mut ids: Vec<_> = later.iter().map(|m| m.id.clone()).collect();
    ids.sort();
    let mut expected = vec![first[1].id.clone(), second[0].id.clone()];
    expected.sort();
    assert_eq!(ids, expected);
    assert_eq!(later.iter().find(|m| m.id == first[1].id).map(|m| m.attempts), Some(1));
    // Workers claim only their kind; a dead letter is never claimed until sent again.
    assert!(store.claim_outbox("w5", "agency", 10, now + chrono::Duration::minutes(10)).await.unwrap().is_empty());
    store.outbox_dead(&later[0], "gave up", now).await.unwrap();
    assert_eq!(store.dead_letters("email").await.unwrap().len(), 1);
    let again = now + chrono::Duration::minutes(10);
    let claimed = store.claim_outbox("w6", "email", 10, again).await.unwrap();
    assert!(claimed.iter().all(|m| m.id != later[0].id));
    assert!(store.resend_dead(&later[0].id, "test", again).await.unwrap());
    assert!(store.dead_letters("email").await.unwrap().is_empty());
    store.close().await;
});
