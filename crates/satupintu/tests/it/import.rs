//! `satupintu import catalog` and `export catalog`, run as a person runs them: the
//! compiled binary, good and bad CSV and XLSX files, nothing half-imported.

use std::path::Path;
use std::process::{Command, Output};

use crate::helpers::{Backend, TestDb};

fn satupintu(db: &TestDb, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_satupintu"));
    command.args(args).arg("--data-dir").arg(&db.settings.data_dir).env("RUST_LOG", "warn");
    if let Some(url) = &db.settings.database_url {
        command.arg("--database-url").arg(url.expose());
    }
    command.output().expect("run satupintu")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const GOOD: &str = "\
kode,nama,kategori,opd_kode,opd_nama,mode_integrasi,status_integrasi,persyaratan,biaya,waktu_hari,url_web
KTP-EL,Perekaman KTP-el,Kependudukan,DISDUKCAPIL,Dinas Kependudukan dan Pencatatan Sipil,native,terintegrasi,KK;Surat pengantar RT/RW,0,1,https://disdukcapil.kotabogor.go.id
PBB-P2,\"Pembayaran PBB-P2, daring\",Pajak & Retribusi,BAPENDA,Badan Pendapatan Daerah,api,dalam_proses,SPPT,0,1,
";

async fn count_services(db: &TestDb) -> u64 {
    let store = satupintu::app::open_store(&db.settings).await.unwrap();
    let n = store.progress().await.unwrap().total;
    store.close().await;
    n
}

fn write(dir: &Path, name: &str, content: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path.display().to_string()
}

fn xlsx(dir: &Path, name: &str, rows: &[&[&str]]) -> String {
    let path = dir.join(name);
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            // Numbers as numbers, the way a spreadsheet stores them.
            if let Ok(n) = value.parse::<f64>() {
                sheet.write_number(r as u32, c as u16, n).unwrap();
            } else {
                sheet.write_string(r as u32, c as u16, *value).unwrap();
            }
        }
    }
    workbook.save(&path).unwrap();
    path.display().to_string()
}

#[tokio::test]
async fn good_csv_imports_and_reimport_updates() {
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    let file = write(db.dir.path(), "katalog.csv", GOOD);
    let out = satupintu(&db, &["import", "catalog", &file]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        "imported 2 rows: 2 new, 0 updated, 0 unchanged, 0 status changes, 2 new agencies"
    );
    let again = satupintu(&db, &["import", "catalog", &file]);
    assert!(again.status.success());
    assert!(text(&again.stdout).contains("0 new, 0 updated, 2 unchanged, 0 status changes"));
    assert_eq!(count_services(&db).await, 2);
}

#[tokio::test]
async fn bad_csv_imports_nothing_and_lists_every_problem() {
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    let bad = format!(
        "{GOOD}BAD CODE,Layanan,Sosial,DINSOS,Dinas Sosial,link,terintegrasi,,gratis,,\n\
         KK,,Kependudukan,DISDUKCAPIL,,faks,terintegrasi,,0,1,javascript:alert(1)\n"
    );
    let file = write(db.dir.path(), "katalog.csv", &bad);
    let out = satupintu(&db, &["import", "catalog", &file]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines,
        vec![
            "line 4, column kode: kode hanya boleh berisi huruf, angka dan tanda hubung tunggal",
            "line 4, column biaya: 'gratis' bukan bilangan bulat",
            "line 5, column nama: wajib diisi",
            "line 5, column mode_integrasi: nilai 'faks' tidak dikenal; pilihan: link, sso, api, native",
            "line 5, column url_web: alamat web harus diawali http:// atau https://",
            "5 problem(s); nothing was imported.",
        ]
    );
    // The two good rows were not imported either.
    assert_eq!(count_services(&db).await, 0);
}

#[tokio::test]
async fn unknown_header_lists_accepted_ones() {
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    let file =
        write(db.dir.path(), "katalog.csv", "kode,nama,kategori,opd_kode,mode_integrasi,status_integrasi,warna\n");
    let out = satupintu(&db, &["import", "catalog", &file]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("line 1, column warna: kolom tidak dikenal; kolom yang diterima: kode, nama, ringkasan,"),
        "{stderr}"
    );
}

#[tokio::test]
async fn wrong_extension_and_missing_file_are_clear_errors() {
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    let out = satupintu(&db, &["import", "catalog", "katalog.ods"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("unknown file type '.ods': use .csv or .xlsx"));
    let out = satupintu(&db, &["import", "catalog", "/nonexistent/katalog.csv"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("reading /nonexistent/katalog.csv"));
}

#[tokio::test]
async fn xlsx_good_and_bad() {
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    let header: &[&str] = &[
        "kode",
        "nama",
        "kategori",
        "opd_kode",
        "opd_nama",
        "mode_integrasi",
        "status_integrasi",
        "biaya",
        "target_tahun",
    ];
    let good = xlsx(
        db.dir.path(),
        "good.xlsx",
        &[
            header,
            &[
                "NIB",
                "Nomor Induk Berusaha",
                "Perizinan & Investasi",
                "DPMPTSP",
                "DPMPTSP Kota Bogor",
                "link",
                "terintegrasi",
                "0",
                "2024",
            ],
        ],
    );
    let out = satupintu(&db, &["import", "catalog", &good]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bad = xlsx(
        db.dir.path(),
        "bad.xlsx",
        &[
            header,
            &[
                "PBG",
                "Persetujuan Bangunan Gedung",
                "Perizinan & Investasi",
                "DPMPTSP",
                "",
                "link",
                "terintegrasi",
                "0",
                "2024",
            ],
            &["SIUP", "Izin lama", "Perizinan & Investasi", "DPMPTSP", "", "link", "entah", "0", "1800"],
        ],
    );
    let out = satupintu(&db, &["import", "catalog", &bad]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("line 3, column status_integrasi: nilai 'entah' tidak dikenal"), "{stderr}");
    assert!(stderr.contains("line 3, column target_tahun: harus antara 2000 dan 2100"), "{stderr}");
    assert_eq!(count_services(&db).await, 1, "the good PBG row must not land alone");
}

#[tokio::test]
async fn export_then_import_round_trips_in_both_formats() {
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    let store = satupintu::app::open_store(&db.settings).await.unwrap();
    satupintu::demo::load(&store).await.unwrap();
    let original = store.all_services().await.unwrap();
    store.close().await;
    for ext in ["csv", "xlsx"] {
        let file = db.dir.path().join(format!("ekspor.{ext}")).display().to_string();
        let out = satupintu(&db, &["export", "catalog", &file]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(text(&out.stdout).contains("exported 327 services"));
        // Into a fresh database: the same catalog comes back.
        let fresh = TestDb::new(Backend::Sqlite).await.unwrap();
        let agencies = satupintu(&fresh, &["import", "agencies", &write(fresh.dir.path(), "opd.csv", "kode,nama\n")]);
        assert!(agencies.status.success(), "{}", text(&agencies.stderr));
        let out = satupintu(&fresh, &["import", "catalog", &file]);
        assert!(out.status.success(), "{ext}: {}", text(&out.stderr));
        let store = satupintu::app::open_store(&fresh.settings).await.unwrap();
        let back = store.all_services().await.unwrap();
        store.close().await;
        assert_eq!(back.len(), original.len());
        for ((a, an), (b, bn)) in original.iter().zip(&back) {
            let mut b = b.clone();
            b.status_changed_at = a.status_changed_at;
            assert_eq!(a, &b, "{ext}: {} differs", a.code);
            assert_eq!(an, bn);
        }
    }
}

#[tokio::test]
async fn import_into_postgres_when_available() {
    let Some(db) = TestDb::new(Backend::Postgres).await else {
        eprintln!("skipped: PostgreSQL not available");
        return;
    };
    let file = write(db.dir.path(), "katalog.csv", GOOD);
    let out = satupintu(&db, &["import", "catalog", &file]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(count_services(&db).await, 2);
    let out = satupintu(&db, &["migrate"]);
    assert!(out.status.success());
    let expected = format!("database schema is at version {}", store::Store::latest_schema_version());
    assert!(text(&out.stdout).contains(&expected));
}

#[tokio::test]
async fn unknown_database_scheme_is_refused() {
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_satupintu"))
        .args(["migrate", "--database-url", "mysql://localhost/x"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("unsupported database URL scheme 'mysql'"), "{}", text(&out.stderr));
    drop(db);
}
