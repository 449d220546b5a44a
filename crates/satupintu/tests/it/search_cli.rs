//! `satupintu search …` and `satupintu demo generate`, run as the compiled binary.

use std::process::{Command, Output};

use crate::helpers::{Backend, TestDb};

fn satupintu(db: &TestDb, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_satupintu"))
        .args(args)
        .arg("--data-dir")
        .arg(&db.settings.data_dir)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run satupintu")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn demo_db() -> TestDb {
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    let store = satupintu::app::open_store(&db.settings).await.unwrap();
    satupintu::demo::load(&store).await.unwrap();
    store.close().await;
    db
}

#[tokio::test]
async fn query_eval_reindex_and_analytics() {
    let db = demo_db().await;
    let out = satupintu(&db, &["search", "query", "bikin ktp", "--limit", "3"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.lines().next().unwrap().starts_with("KTP-EL "), "{stdout}");
    assert!(stdout.contains("result(s) for \"bikin ktp\""));

    let typo = text(&satupintu(&db, &["search", "query", "kartu keluaga"]).stdout);
    assert!(typo.contains("Maksud Anda: kartu keluarga?"), "{typo}");

    let queries = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/search/queries.jsonl");
    let out = satupintu(&db, &["search", "eval", queries, "--split", "holdout"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let all = stdout.lines().next().unwrap();
    assert!(
        all.starts_with("all") && all.contains("MRR") && all.contains("nDCG@5") && all.contains("recall@5"),
        "{all}"
    );

    let out = satupintu(&db, &["search", "reindex"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("indexed 327 services"), "{}", text(&out.stdout));

    let out = satupintu(&db, &["search", "analytics", "--days", "7"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("Top queries, last 7 days"));
}

#[tokio::test]
async fn synonyms_round_trip_and_bad_files_change_nothing() {
    let db = demo_db().await;
    let file = db.dir.path().join("sinonim.csv");
    let out = satupintu(&db, &["search", "synonyms", "export", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let exported = std::fs::read_to_string(&file).unwrap();
    assert!(exported.starts_with("istilah,arah\n"));
    assert!(exported.contains("imb;pbg"));

    std::fs::write(&file, "istilah,arah\nktp,dua\nkk;kartu keluarga,kiri\n").unwrap();
    let out = satupintu(&db, &["search", "synonyms", "import", file.to_str().unwrap()]);
    assert!(!out.status.success());
    assert_eq!(
        text(&out.stderr).lines().collect::<Vec<_>>(),
        vec![
            "line 2: satu grup perlu sedikitnya dua istilah",
            "line 3: arah 'kiri' tidak dikenal; pilihan: dua, satu",
            "2 problem(s); nothing was imported.",
        ]
    );
    // The stored set is still the default one: the English "id card" finds the KTP-el.
    let out = satupintu(&db, &["search", "query", "id card", "--limit", "1"]);
    assert!(text(&out.stdout).starts_with("KTP-EL"), "{}", text(&out.stdout));

    // A new set takes effect: without the English group, "id card" finds no KTP-el.
    std::fs::write(&file, "istilah,arah\nkk;kartu keluarga,dua\n").unwrap();
    let out = satupintu(&db, &["search", "synonyms", "import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "imported 1 synonym groups");
    let out = satupintu(&db, &["search", "query", "id card", "--limit", "1"]);
    assert!(!text(&out.stdout).starts_with("KTP-EL"), "{}", text(&out.stdout));
}

#[tokio::test]
async fn generated_catalogs_import() {
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    let file = db.dir.path().join("sintetis.csv");
    let out = Command::new(env!("CARGO_BIN_EXE_satupintu"))
        .args(["demo", "generate", "--services", "400", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = satupintu(&db, &["import", "catalog", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("imported 400 rows: 400 new"), "{}", text(&out.stdout));
}
