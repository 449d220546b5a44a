//! The evaluation report as PDF.

use report::{EvaluationReport, EvidenceRef, EvidenceRequest, GroupScore, Innovation, Kpi, KpiPoint, render_pdf};

use crate::fixtures::{self, INNOVATION, KPI, LINK_TEXT, REQUEST, SELF_INDEX, TITLE};
use crate::tools::{available, pdf_text, run_on_pdf};

fn render(report: &EvaluationReport) -> Vec<u8> {
    let pdf = render_pdf(report).unwrap_or_else(|e| panic!("render: {e}"));
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    pdf
}

#[test]
fn realistic_report_shows_its_content() {
    let pdf = render(&fixtures::realistic());
    if !available("pdftotext", "poppler-utils") {
        return;
    }
    let text = pdf_text(&pdf);
    for expected in [
        TITLE,
        "Kota Bogor",
        SELF_INDEX,
        "Baik",
        INNOVATION,
        KPI,
        LINK_TEXT,
        REQUEST,
        "Kerangka penilaian ini masih bersifat sementara",
        "Smart Governance",
        "Pengaduan warga per bulan (1)",
        "Halaman 2 dari",
    ] {
        assert!(text.to_lowercase().contains(&expected.to_lowercase()), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn fonts_are_embedded() {
    let pdf = render(&fixtures::realistic());
    if !available("pdffonts", "poppler-utils") {
        return;
    }
    let fonts = run_on_pdf("pdffonts", &[], &pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).filter(|l| !l.trim().is_empty()).collect();
    assert!(!rows.is_empty(), "no fonts:\n{fonts}");
    assert!(fonts.contains("LibertinusSerif"), "{fonts}");
    // Columns: name type encoding emb sub uni object ID; "emb" must be "yes" for every font.
    for row in rows {
        let columns: Vec<&str> = row.split_whitespace().collect();
        let emb = columns.len().checked_sub(5).and_then(|i| columns.get(i));
        assert_eq!(emb, Some(&"yes"), "font not embedded: {row}");
    }
}

#[test]
fn links_are_clickable() {
    let pdf = render(&fixtures::realistic());
    // Link annotations carry the URI uncompressed in typst's output.
    let haystack = String::from_utf8_lossy(&pdf);
    assert!(haystack.contains("/URI"), "no link annotation");
    assert!(haystack.contains("https://satupintu.kotabogor.go.id/bukti/1000"), "link target missing");
}

/// Text that would be markup if it were spliced into typst source.
const TRICKY: &str =
    "#set page(width: 1cm) $x^2$ *tebal* _miring_ <label> @ref ] [ `kode` // komentar \\ \"kutip\" {x} 100%";

#[test]
fn user_text_renders_verbatim() {
    let tricky_evidence = EvidenceRef {
        title: format!("Bukti {TRICKY}"),
        kind: "tautan".into(),
        url: Some("javascript:alert(1)".into()),
        date: "1 Oktober 2024".into(),
    };
    let report = EvaluationReport {
        title: format!("Judul {TRICKY} 🙂"),
        city: "Kota #Bogor".into(),
        team: vec![format!("Nama {TRICKY}")],
        groups: vec![GroupScore {
            code: "<g&>".into(),
            name: TRICKY.into(),
            self_value: Some(3.0),
            ..Default::default()
        }],
        innovations: vec![Innovation {
            name: format!("Inovasi {TRICKY}"),
            kpis: vec![Kpi {
                name: format!("KPI {TRICKY}"),
                points: vec![
                    KpiPoint { date: "#Jan".into(), value: 1.0, text: "$1".into() },
                    KpiPoint { date: "]Feb".into(), value: f64::NAN, text: "*2".into() },
                ],
                ..Default::default()
            }],
            evidence: vec![tricky_evidence],
            ..Default::default()
        }],
        open_requests: vec![EvidenceRequest { text: format!("Permintaan {TRICKY} 🙂"), ..Default::default() }],
        ..fixtures::realistic()
    };
    let pdf = render(&report);
    if !available("pdftotext", "poppler-utils") {
        return;
    }
    let text = pdf_text(&pdf);
    for expected in [
        format!("Judul {TRICKY}"),
        format!("Inovasi {TRICKY}"),
        format!("KPI {TRICKY}"),
        format!("Bukti {TRICKY}"),
        format!("Permintaan {TRICKY}"),
        "Kota #Bogor".to_string(),
    ] {
        assert!(text.contains(&expected), "missing {expected:?} in:\n{text}");
    }
    assert!(!String::from_utf8_lossy(&pdf).contains("javascript:"), "a non-web link became clickable");
}

#[test]
fn empty_sections_say_so() {
    let report = EvaluationReport { title: "Siklus kosong".into(), ..EvaluationReport::default() };
    let pdf = render(&report);
    if !available("pdftotext", "poppler-utils") {
        return;
    }
    let text = pdf_text(&pdf);
    for expected in [
        "Belum ada anggota tim",
        "Belum ada nilai per kelompok",
        "Belum ada indikator",
        "Belum ada inovasi",
        "Belum ada metrik",
        "Belum ada permintaan bukti yang terbuka",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn large_report_renders() {
    let report = fixtures::large();
    assert_eq!(report.innovations.iter().map(|i| i.evidence.len()).sum::<usize>(), 500);
    let pdf = render(&report);
    if !available("pdftotext", "poppler-utils") {
        return;
    }
    let text = pdf_text(&pdf);
    assert!(text.contains("Inovasi layanan nomor 49"), "last innovation missing");
    assert!(text.contains("Pengaduan warga per bulan (6)"), "last metric missing");
}
