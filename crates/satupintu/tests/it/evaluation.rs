//! Evaluation on SQLite and PostgreSQL: a cycle worked by its team and reviewed by an
//! assessor, each refused what is not theirs; the evidence-request loop; the indicator sheet
//! out and back in; the PDF's text; the planner; the public dashboard; the innovations
//! registry; a platform metrics snapshot. And the command line: frameworks, compute, import,
//! cycle, report.

use std::process::Command;

use crate::admin::{call, sign_in};
use crate::agency_office::office_app;
use crate::helpers::TestApp;
use crate::oidc::{get, location, post};
use crate::on_both_backends;
use crate::requests_pages::{Part, post_form};

const SLUG: &str = "spbe-2025";
const TINY_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
const TINY_PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

async fn html(app: &TestApp, path: &str, cookie: &str) -> (u16, String) {
    let response = get(app, path, Some(cookie)).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

fn tools_required() -> bool {
    std::env::var("SATUPINTU_TEST_REQUIRE_TOOLS").is_ok_and(|v| v == "1")
}

/// The text of a PDF by `pdftotext`, or `None` when it is not installed (then the test only
/// checks the header, unless tools are required).
fn pdf_text(pdf: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("laporan.pdf");
    std::fs::write(&path, pdf).unwrap();
    match Command::new("pdftotext").args(["-layout"]).arg(&path).arg("-").output() {
        Ok(out) => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        Err(_) if tools_required() => panic!("pdftotext is missing: install poppler-utils"),
        Err(_) => None,
    }
}

/// The id of the only open request on the page, from its close/answer form.
fn request_id(page: &str) -> String {
    let marker = "/permintaan/";
    let start = page.find(marker).map(|i| i + marker.len()).unwrap();
    page[start..].split('/').next().unwrap().to_string()
}

on_both_backends!(a_cycle_is_worked_reviewed_and_reported, |db| {
    let app = office_app(db).await;
    let admin = sign_in(&app, "admin@contoh.id").await;
    let team = sign_in(&app, "ani@contoh.id").await;
    let assessor = sign_in(&app, "asesor@contoh.id").await;
    let citizen = sign_in(&app, "siti@contoh.id").await;
    let base = format!("/evaluasi/{SLUG}");

    // An admin starts the cycle; bad input is refused with the input kept.
    let cycle = [
        ("nama", "Evaluasi SPBE 2025"),
        ("slug", SLUG),
        ("kerangka", "spbe-59-2020"),
        ("mulai", "2025-01-01"),
        ("selesai", "2025-12-31"),
    ];
    let mut bad = cycle;
    bad[1].1 = "Bukan Slug!";
    let response = post(&app, "/evaluasi", &bad, Some(&admin)).await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(response.text().await.unwrap().contains("value=\"Evaluasi SPBE 2025\""), "input kept");
    let response = post(&app, "/evaluasi", &cycle, Some(&admin)).await;
    assert_eq!((response.status().as_u16(), location(&response)), (303, base.clone()));
    assert_eq!(post(&app, "/evaluasi", &cycle, Some(&admin)).await.status().as_u16(), 409, "slug taken");
    assert_eq!(post(&app, "/evaluasi", &cycle, Some(&team)).await.status().as_u16(), 403);

    // Who may open it: admins and assessors; the team once added; citizens never.
    assert_eq!(html(&app, &base, &team).await.0, 403);
    assert_eq!(html(&app, "/evaluasi", &citizen).await.0, 403);
    assert_eq!(call(&app, "GET", &base, None, "").await.0, 303, "sign in first");
    assert_eq!(post(&app, &format!("{base}/tim"), &[("email", "ani@contoh.id")], Some(&team)).await.status(), 403);
    let response = post(&app, &format!("{base}/tim"), &[("email", "asesor@contoh.id")], Some(&admin)).await;
    assert_eq!(response.status().as_u16(), 422, "an assessor is not on the team they review");
    let response = post(&app, &format!("{base}/tim"), &[("email", "ani@contoh.id")], Some(&admin)).await;
    assert_eq!(response.status().as_u16(), 303);
    let (status, page) = html(&app, &base, &team).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Evaluasi SPBE 2025") && page.contains("Ani Petugas") && page.contains("0 dari 47"),
        "{page}"
    );

    // The team self-assesses; levels off the scale are refused; nobody else may.
    let i1 = format!("{base}/indikator/I1");
    let own = [("level", "3"), ("narasi", "Perwali arsitektur SPBE ditetapkan 2024.")];
    assert_eq!(post(&app, &format!("{i1}/mandiri"), &[("level", "6")], Some(&team)).await.status(), 422);
    assert_eq!(post(&app, &format!("{i1}/mandiri"), &own, Some(&assessor)).await.status(), 403);
    assert_eq!(post(&app, &format!("{i1}/mandiri"), &own, Some(&team)).await.status(), 303);
    assert_eq!(html(&app, &format!("{base}/indikator/I99"), &team).await.0, 404);

    // The assessor reviews with a comment; the team and admins cannot set review levels.
    let review = [("tahap", "dokumen"), ("level", "2"), ("komentar", "Belum ada bukti reviu berkala.")];
    assert_eq!(post(&app, &format!("{i1}/asesor"), &review, Some(&team)).await.status(), 403);
    assert_eq!(post(&app, &format!("{i1}/asesor"), &review, Some(&admin)).await.status(), 403);
    let no_comment = [("tahap", "dokumen"), ("level", "2"), ("komentar", " ")];
    assert_eq!(post(&app, &format!("{i1}/asesor"), &no_comment, Some(&assessor)).await.status(), 422);
    let self_stage = [("tahap", "mandiri"), ("level", "2"), ("komentar", "x")];
    assert_eq!(post(&app, &format!("{i1}/asesor"), &self_stage, Some(&assessor)).await.status(), 422);
    assert_eq!(post(&app, &format!("{i1}/asesor"), &review, Some(&assessor)).await.status(), 303);
    let (_, page) = html(&app, &i1, &team).await;
    assert!(
        page.contains("Penilaian dokumen")
            && page.contains("Belum ada bukti reviu berkala.")
            && page.contains("Perwali arsitektur")
    );

    // The evidence-request loop: asked by the assessor, seen by the team, answered with
    // evidence, closed by the assessor.
    let ask = [("permintaan", "Lampirkan notulen reviu kebijakan 2025.")];
    assert_eq!(post(&app, &format!("{i1}/permintaan"), &ask, Some(&team)).await.status(), 403);
    assert_eq!(post(&app, &format!("{i1}/permintaan"), &ask, Some(&assessor)).await.status(), 303);
    let (_, page) = html(&app, &base, &team).await;
    assert!(
        page.contains("Permintaan bukti yang masih terbuka") && page.contains("Lampirkan notulen reviu"),
        "task list"
    );
    let (_, page) = html(&app, &i1, &team).await;
    let request = request_id(&page);
    let link = [
        Part::Text("jenis", "tautan"),
        Part::Text("judul", "Notulen reviu kebijakan 2025"),
        Part::Text("tanggal", "2025-06-30"),
        Part::Text("tautan", "https://jdih.kotabogor.go.id/notulen-2025"),
        Part::Text("indikator", "I1"),
        Part::Text("permintaan", &request),
    ];
    assert_eq!(
        post_form(&app, &format!("{base}/bukti"), &link, Some(&assessor)).await.0,
        403,
        "assessors never add evidence"
    );
    assert_eq!(post_form(&app, &format!("{base}/bukti"), &link, Some(&team)).await.0, 303);
    let (_, page) = html(&app, &i1, &assessor).await;
    assert!(page.contains("Bukti ditambahkan: Notulen reviu kebijakan 2025"), "the request is answered");
    assert!(page.contains("Notulen reviu kebijakan 2025"), "the evidence is listed on the indicator");
    let close = format!("{i1}/permintaan/{request}/tutup");
    assert_eq!(post(&app, &close, &[], Some(&team)).await.status(), 403);
    assert_eq!(post(&app, &close, &[], Some(&assessor)).await.status(), 303);
    let answer = format!("{i1}/permintaan/{request}/jawab");
    assert_eq!(post(&app, &answer, &[("jawaban", "lagi")], Some(&team)).await.status(), 409, "closed");
    let (_, page) = html(&app, &base, &team).await;
    assert!(!page.contains("Permintaan bukti yang masih terbuka"));

    // Files are checked by content; they reach whoever may read the cycle.
    let wrong = [
        Part::Text("jenis", "berkas"),
        Part::Text("judul", "Perwali"),
        Part::Text("tanggal", "2025-02-01"),
        Part::Text("indikator", "I1"),
        Part::File("berkas", "perwali.pdf", TINY_PNG),
    ];
    let (status, _, body) = post_form(&app, &format!("{base}/bukti"), &wrong, Some(&team)).await;
    assert!(status == 422 && body.contains("Berkas harus PDF") && body.contains("value=\"Perwali\""), "{status}");
    let file = [
        Part::Text("jenis", "berkas"),
        Part::Text("judul", "Perwali 12/2024 Arsitektur SPBE"),
        Part::Text("tanggal", "2025-02-01"),
        Part::Text("indikator", "I1"),
        Part::Text("indikator", "11"),
        // I1 again by its number: linked once, not refused.
        Part::Text("indikator", "1"),
        Part::File("berkas", "perwali.pdf", TINY_PDF),
    ];
    assert_eq!(post_form(&app, &format!("{base}/bukti"), &file, Some(&team)).await.0, 303);
    let (_, page) = html(&app, &format!("{base}/bukti"), &assessor).await;
    assert!(page.contains("Perwali 12/2024 Arsitektur SPBE") && page.contains("11. Arsitektur SPBE"));
    let evidence = page.split(&format!("{base}/bukti/")).nth(1).unwrap().split('"').next().unwrap().to_string();
    let (_, item) = html(&app, &format!("{base}/bukti/{evidence}"), &assessor).await;
    let download =
        item.split("href=\"").find(|s| s.contains("/berkas\"")).unwrap().split('"').next().unwrap().to_string();
    let response = get(&app, &download, Some(&assessor)).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(&response.bytes().await.unwrap()[..5], b"%PDF-");
    assert_eq!(get(&app, &download, Some(&citizen)).await.status().as_u16(), 403);
    assert_eq!(post(&app, &format!("{base}/bukti/{evidence}/tarik"), &[], Some(&assessor)).await.status(), 403);

    // A platform metrics snapshot becomes permanent evidence.
    let snapshot =
        [Part::Text("dari", "2025-01-01"), Part::Text("sampai", "2025-12-31"), Part::Text("indikator", "I42")];
    assert_eq!(post_form(&app, &format!("{base}/bukti/metrik"), &snapshot, Some(&team)).await.0, 303);
    let scoped = [
        Part::Text("dari", "2025-01-01"),
        Part::Text("sampai", "2025-03-31"),
        Part::Text("lingkup", "opd:DISDUKCAPIL"),
    ];
    assert_eq!(post_form(&app, &format!("{base}/bukti/metrik"), &scoped, Some(&team)).await.0, 303);
    let unknown =
        [Part::Text("dari", "2025-01-01"), Part::Text("sampai", "2025-03-31"), Part::Text("lingkup", "opd:TIDAK-ADA")];
    assert_eq!(post_form(&app, &format!("{base}/bukti/metrik"), &unknown, Some(&team)).await.0, 400);
    let backwards = [Part::Text("dari", "2025-12-31"), Part::Text("sampai", "2025-01-01")];
    assert_eq!(post_form(&app, &format!("{base}/bukti/metrik"), &backwards, Some(&team)).await.0, 400);
    let (_, page) = html(&app, &format!("{base}/bukti"), &team).await;
    assert!(page.contains("Metrik platform"));
    let metric = page.split("<tr>").find(|row| row.contains("Metrik platform")).unwrap();
    assert!(!metric.contains("/tarik"), "a snapshot cannot be withdrawn");
    let metric_id = metric.split(&format!("{base}/bukti/")).nth(1).unwrap().split('"').next().unwrap();
    let (_, item) = html(&app, &format!("{base}/bukti/{metric_id}"), &assessor).await;
    assert!(item.contains("Permohonan masuk (Web)") && item.contains("tidak berubah"), "{item}");
    assert_eq!(post(&app, &format!("{base}/bukti/{metric_id}/tarik"), &[], Some(&team)).await.status(), 400);

    // The indicator sheet: refused whole with row numbers; then every level at 3.
    let rows: Vec<report::SheetRow> = (1..=47)
        .map(|n| report::SheetRow {
            code: format!("I{n}"),
            number: Some(n),
            level: Some(if n == 5 { "7".into() } else { "3".into() }),
            narrative: if n == 1 { "Perwali arsitektur SPBE ditetapkan 2024.".into() } else { String::new() },
            ..report::SheetRow::default()
        })
        .collect();
    let mut sheet = report::IndicatorSheet { title: "x".into(), framework: "y".into(), rows };
    let upload = |sheet: &report::IndicatorSheet| report::write_indicator_sheet(sheet).unwrap();
    let bytes = upload(&sheet);
    let parts = [Part::File("berkas", "lembar.xlsx", &bytes)];
    let (status, _, body) = post_form(&app, &format!("{base}/lembar"), &parts, Some(&team)).await;
    assert!(status == 400 && body.contains("baris 8: tingkat “7” di luar 1–5"), "{status} {body}");
    assert!(html(&app, &base, &team).await.1.contains("1 dari 47"), "nothing saved");
    sheet.rows[4].level = Some("3".into());
    let bytes = upload(&sheet);
    let parts = [Part::File("berkas", "lembar.xlsx", &bytes)];
    assert_eq!(post_form(&app, &format!("{base}/lembar"), &parts, Some(&assessor)).await.0, 403);
    let (status, to, _) = post_form(&app, &format!("{base}/lembar"), &parts, Some(&team)).await;
    assert_eq!((status, to.as_str()), (303, "/evaluasi/spbe-2025?tersimpan=lembar46"), "I1 unchanged");
    let (_, page) = html(&app, &to, &team).await;
    assert!(page.contains("46 tingkat diperbarui") && page.contains("3.00") && page.contains("Baik"), "{page}");
    // And out again: the levels and narrative come back as written.
    let response = get(&app, &format!("{base}/lembar.xlsx"), Some(&assessor)).await;
    assert_eq!(response.status().as_u16(), 200);
    let back = report::read_indicator_sheet(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(back.len(), 47);
    assert!(back.iter().all(|r| r.level.as_deref() == Some("3")));
    assert_eq!(back[0].narrative, "Perwali arsitektur SPBE ditetapkan 2024.");

    // The planner: A8's six indicators weigh most.
    let (status, page) = html(&app, &format!("{base}/rencana?target=3.2"), &team).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("42. Layanan Pengaduan Publik") && page.contains("+0.0300") && page.contains("7 langkah"),
        "{page}"
    );
    assert!(html(&app, &format!("{base}/rencana?target=6"), &team).await.1.contains("tidak dapat dicapai"));

    // The report: an open request and the evidence appear in the PDF's text.
    let ask = [("permintaan", "Tunjukkan log integrasi API SPLP.")];
    assert_eq!(post(&app, &format!("{base}/indikator/I18/permintaan"), &ask, Some(&assessor)).await.status(), 303);
    let response = get(&app, &format!("{base}/laporan.pdf"), Some(&assessor)).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let pdf = response.bytes().await.unwrap();
    assert_eq!(&pdf[..5], b"%PDF-");
    if let Some(text) = pdf_text(&pdf) {
        for expected in ["Evaluasi SPBE 2025", "3.00", "Baik", "Notulen reviu kebijakan 2025", "log integrasi API SPLP"]
        {
            assert!(text.contains(expected), "the PDF lacks {expected}");
        }
    }

    // The innovations registry: the team writes, the assessor reads.
    let innovation = [
        ("nama", "Bogor Single Window"),
        ("deskripsi", "Satu pintu untuk 148 aplikasi."),
        ("elemen", "governance/pelayanan"),
        ("opd", "DISKOMINFO"),
        ("diluncurkan", "2024-03-01"),
        ("status", "berjalan"),
        ("quick_win", "1"),
        ("layanan", "ktp-el"),
    ];
    assert_eq!(post(&app, "/inovasi", &innovation, Some(&assessor)).await.status(), 403);
    let mut wrong = innovation;
    wrong[2].1 = "governance/tidak-ada";
    assert_eq!(post(&app, "/inovasi", &wrong, Some(&team)).await.status(), 422);
    let response = post(&app, "/inovasi", &innovation, Some(&team)).await;
    assert_eq!(response.status().as_u16(), 303);
    let page_of = location(&response).split('?').next().unwrap().to_string();
    let kpi = [("nama", "Aplikasi terintegrasi"), ("satuan", "aplikasi"), ("baseline", "148"), ("target", "327")];
    assert_eq!(post(&app, &format!("{page_of}/kpi"), &kpi, Some(&team)).await.status(), 303);
    let (_, page) = html(&app, &page_of, &assessor).await;
    assert!(page.contains("Smart Governance › Pelayanan publik") && page.contains("Aplikasi terintegrasi"));
    let kpi_id = page.split("/kpi/").nth(1).map(|s| s.split('/').next().unwrap().to_string());
    assert!(kpi_id.is_none(), "assessors get no measuring form");
    let (_, page) = html(&app, &page_of, &team).await;
    let kpi_id = page.split("/kpi/").nth(1).unwrap().split('/').next().unwrap().to_string();
    let measure = [("tanggal", "2025-06-30"), ("nilai", "201"), ("catatan", "Semester I")];
    assert_eq!(post(&app, &format!("{page_of}/kpi/{kpi_id}/ukur"), &measure, Some(&team)).await.status(), 303);
    assert!(html(&app, &page_of, &team).await.1.contains("Semester I"));

    // Published: the public dashboard shows the index and the innovation to anyone.
    assert!(!get(&app, "/indeks", None).await.text().await.unwrap().contains("Evaluasi SPBE 2025"));
    assert_eq!(post(&app, &format!("{base}/terbitkan"), &[("terbit", "1")], Some(&team)).await.status(), 403);
    assert_eq!(post(&app, &format!("{base}/terbitkan"), &[("terbit", "1")], Some(&admin)).await.status(), 303);
    let dashboard = get(&app, "/indeks", None).await.text().await.unwrap();
    for expected in ["Evaluasi SPBE 2025", "3.00", "Baik", "Bogor Single Window", "Layanan SPBE"] {
        assert!(dashboard.contains(expected), "the dashboard lacks {expected}");
    }

    // Every change is in the audit log.
    let store = satupintu::app::open_store(&app.settings).await.unwrap();
    let (entries, _) = store.audit_log().await.unwrap();
    for action in [
        "evaluation.cycle.create",
        "evaluation.level.set",
        "evaluation.request.ask",
        "evaluation.request.answer",
        "evaluation.request.close",
        "evaluation.evidence.add",
        "evaluation.innovation.save",
        "evaluation.kpi.measure",
        "evaluation.cycle.publish",
    ] {
        assert!(entries.iter().any(|e| e.action == action), "{action} not audited");
    }
    store.close().await;
});

fn cli(data_dir: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_satupintu"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn the_command_line_lists_computes_imports_and_reports() {
    let db = crate::helpers::TestDb::new(crate::helpers::Backend::Sqlite).await.unwrap();
    let data = db.settings.data_dir.clone();
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    };

    let (ok, out, err) = cli(&data, &["evaluation", "frameworks"]);
    assert!(ok, "{err}");
    for id in ["spbe-59-2020", "smart-city-kominfo", "pemdi-8-2026"] {
        assert!(out.contains(id), "{out}");
    }
    assert!(out.contains("sementara"), "Pemdi 8/2026 is provisional");

    // The Aceh Tengah 2025 vector, by regulation numbers, with a `;` separator.
    let level = |n: u32| match n {
        1..=3 => 3,
        4..=17 => 2,
        18..=31 => 1,
        32..=39 | 42..=45 => 4,
        _ => 3,
    };
    let csv: String = std::iter::once("indicator;level\n".to_string())
        .chain((1..=47).map(|n| format!("{n};{}\n", level(n))))
        .collect();
    let levels = file("aceh.csv", &csv);
    let (ok, out, err) = cli(&data, &["evaluation", "compute", "--framework", "spbe-59-2020", "--levels", &levels]);
    assert!(ok, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["index"], "2.59");
    assert_eq!(json["value"], "2.594000000000");
    assert_eq!(json["predicate"], "Cukup");
    let d4 = json["groups"].as_array().unwrap().iter().find(|g| g["code"] == "D4").unwrap();
    assert_eq!((d4["index"].as_str(), d4["tier"].as_str()), (Some("3.75"), Some("Domain")));

    let jambi =
        file("jambi.csv", "dimension,score\nbaseline,3.84\noutput,3.18\noutcome,3.53\nimpact,3.63\nquick_win,3.35\n");
    let (ok, out, _) = cli(&data, &["evaluation", "compute", "--framework", "smart-city-kominfo", "--levels", &jambi]);
    assert!(ok);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!((json["index"].as_str(), json["predicate"].is_null()), (Some("3.48"), true));

    let broken = file("broken.csv", "indicator,level\nI1,3\nI1,4\nI2,0\nI99,3\n");
    let (ok, _, err) = cli(&data, &["evaluation", "compute", "--framework", "spbe-59-2020", "--levels", &broken]);
    assert!(!ok);
    for expected in [
        "baris 3: indikator I1 sudah ditulis di baris 2",
        "baris 4: level “0” untuk I2 di luar 1–5",
        "baris 5: indikator “I99” tidak dikenal",
        "indikator 47. Layanan Publik Sektor 3 tidak ada",
    ] {
        assert!(err.contains(expected), "{err}");
    }
    let (ok, _, err) = cli(&data, &["evaluation", "compute", "--framework", "tidak-ada", "--levels", &broken]);
    assert!(!ok && err.contains("bukan id kerangka"), "{err}");

    // A city's own framework: refused with lines, then imported and listed.
    let own = "id = \"kota-bogor-digital\"\nname = \"Indeks Digital Kota\"\ntotal = 10\n\n[scale]\nmin = 1\nmax = 4\nstep = 1\n\n\
               [[group]]\ncode = \"B1\"\nname = \"Satu\"\nweight = 6\n\n[[indicator]]\ncode = \"K1\"\ngroup = \"B1\"\nname = \"Pertama\"\nweight = 6\n\n\
               [[indicator]]\ncode = \"K2\"\ngroup = \"B1\"\nname = \"Kedua\"\nweight = 4\n";
    let path = file("kota.toml", own);
    let (ok, _, err) = cli(&data, &["evaluation", "import", &path]);
    assert!(!ok && err.contains("baris 10: bobot B1 tertulis 6, tetapi bobot indikatornya berjumlah 10"), "{err}");
    let path = file(
        "kota.toml",
        &own.replace("weight = 6\n\n[[indicator]]\ncode = \"K1\"", "weight = 10\n\n[[indicator]]\ncode = \"K1\""),
    );
    let (ok, out, err) = cli(&data, &["evaluation", "import", &path]);
    assert!(ok && out.contains("kota-bogor-digital diimpor"), "{err}");
    assert!(cli(&data, &["evaluation", "frameworks"]).1.contains("kota-bogor-digital"));
    let spbe = file("spbe.toml", domain::evaluation::BUILTIN_FILES[0].1);
    assert!(cli(&data, &["evaluation", "import", &spbe]).2.contains("bawaan"), "shipped ids are not replaced");

    // A cycle, and its report as a PDF.
    let (ok, _, err) = cli(
        &data,
        &[
            "evaluation",
            "cycle",
            "--slug",
            "kota-2026",
            "--name",
            "Evaluasi Digital 2026",
            "--framework",
            "kota-bogor-digital",
            "--from",
            "2026-01-01",
            "--to",
            "2026-06-30",
        ],
    );
    assert!(ok, "{err}");
    let (ok, _, err) = cli(
        &data,
        &[
            "evaluation",
            "cycle",
            "--slug",
            "kota-2026",
            "--name",
            "x",
            "--framework",
            "kota-bogor-digital",
            "--from",
            "2026-01-01",
            "--to",
            "2026-06-30",
        ],
    );
    assert!(!ok && err.contains("sudah dipakai"), "{err}");
    let (ok, _, err) = cli(&data, &["evaluation", "import", &path]);
    assert!(!ok && err.contains("sudah dipakai sebuah siklus"), "a framework in use is not replaced: {err}");
    let pdf = dir.path().join("laporan.pdf");
    let (ok, out, err) = cli(&data, &["report", "evaluation", "kota-2026", "--out", &pdf.to_string_lossy()]);
    assert!(ok && out.contains("ditulis"), "{err}");
    let bytes = std::fs::read(&pdf).unwrap();
    assert_eq!(&bytes[..5], b"%PDF-");
    if let Some(text) = pdf_text(&bytes) {
        assert!(text.contains("Evaluasi Digital 2026") && text.contains("Indeks Digital Kota"), "{text}");
    }
    assert!(!cli(&data, &["report", "evaluation", "tidak-ada", "--out", &pdf.to_string_lossy()]).0);
}
