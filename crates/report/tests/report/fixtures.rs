//! Reports for the tests and for `examples/bench_report.rs` (which includes this file).

#![allow(dead_code)]

use report::{
    EvaluationReport, EvidenceRef, EvidenceRequest, GroupScore, IndexSummary, IndicatorRow, Innovation, Kpi, KpiPoint,
    MetricSnapshot, Series,
};

/// Texts the tests look for in the PDF.
pub const TITLE: &str = "Evaluasi Smart City 2024 — Tahap II";
pub const SELF_INDEX: &str = "2,59";
pub const INNOVATION: &str = "Bogor Sehat Terpadu";
pub const KPI: &str = "Cakupan imunisasi dasar";
pub const LINK_TEXT: &str = "Laporan capaian triwulan III";
pub const REQUEST: &str = "Mohon unggah SK tim koordinasi";

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"];

fn evidence(title: &str, i: usize) -> EvidenceRef {
    let kinds = ["berkas", "tautan", "tangkapan layar", "metrik"];
    EvidenceRef {
        title: title.to_string(),
        kind: kinds[i % kinds.len()].to_string(),
        url: Some(format!("https://satupintu.kotabogor.go.id/bukti/{}", 1000 + i)),
        date: format!("{} Oktober 2024", 1 + i % 28),
    }
}

fn kpi(name: &str, unit: &str, points: usize, start: f64) -> Kpi {
    Kpi {
        name: name.to_string(),
        unit: unit.to_string(),
        baseline: format!("{start}"),
        target: format!("{}", start + 15.0),
        points: (0..points)
            .map(|p| {
                let value = start + 2.5 * p as f64;
                KpiPoint {
                    date: format!("{} 2024", MONTHS[p % 12]),
                    value,
                    text: format!("{value:.1}").replace('.', ","),
                }
            })
            .collect(),
    }
}

fn groups() -> Vec<GroupScore> {
    let names = [
        ("SGov", "Smart Governance"),
        ("SBrand", "Smart Branding"),
        ("SEco", "Smart Economy"),
        ("SLiv", "Smart Living"),
        ("SSoc", "Smart Society"),
        ("SEnv", "Smart Environment"),
    ];
    names
        .iter()
        .enumerate()
        .map(|(i, (code, name))| {
            let self_value = 2.0 + i as f64 * 0.4;
            let final_value = (i != 5).then_some(self_value - 0.3);
            GroupScore {
                code: (*code).to_string(),
                name: (*name).to_string(),
                depth: 0,
                self_value: Some(self_value),
                self_text: Some(format!("{self_value:.2}").replace('.', ",")),
                final_value,
                final_text: final_value.map(|v| format!("{v:.2}").replace('.', ",")),
            }
        })
        .collect()
}

fn indicator(i: usize) -> IndicatorRow {
    IndicatorRow {
        number: Some(i as u32 + 1),
        code: format!("SC-{:02}", i + 1),
        name: format!("Indikator kebijakan dan layanan nomor {}", i + 1),
        group: "Smart Governance".into(),
        self_level: Some(format!("{}", 1 + i % 5)),
        narrative: "Pemerintah Kota Bogor telah menetapkan kebijakan dan menjalankannya di seluruh perangkat daerah; \
                    pelaksanaannya dipantau setiap triwulan melalui rapat koordinasi dan dasbor kinerja. "
            .repeat(1 + i % 4),
        final_level: (!i.is_multiple_of(3)).then(|| format!("{}", 1 + i % 4)),
        stage: if i.is_multiple_of(2) { "Verifikasi".into() } else { "Penilaian mandiri".into() },
        comment: if i.is_multiple_of(4) { "Lengkapi notulen rapat koordinasi.".into() } else { String::new() },
        evidence: (0..i % 4).map(|e| evidence("Notulen rapat", e)).collect(),
    }
}

fn innovation(i: usize, evidence_count: usize, points: usize) -> Innovation {
    Innovation {
        name: if i == 0 { INNOVATION.to_string() } else { format!("Inovasi layanan nomor {i}") },
        description: "Layanan terpadu bagi warga: pendaftaran, pemantauan dan pengaduan dalam satu pintu.".into(),
        dimension: "Smart Living".into(),
        element: "Kesehatan".into(),
        agency: "Dinas Kesehatan".into(),
        launched: "Maret 2023".into(),
        status: "Berjalan".into(),
        quick_win: i.is_multiple_of(2),
        apps: vec!["SIMPUS".into(), "Bogor Sehat".into()],
        kpis: vec![kpi(KPI, "%", points, 70.0), kpi("Waktu tanggap pengaduan", "jam", points, 48.0)],
        evidence: (0..evidence_count)
            .map(|e| evidence(if e == 0 { LINK_TEXT } else { "Dokumentasi kegiatan" }, e))
            .collect(),
    }
}

fn metric(i: usize) -> MetricSnapshot {
    MetricSnapshot {
        title: format!("Pengaduan warga per bulan ({})", i + 1),
        period: "Januari – Juni 2024".into(),
        description: "Dihitung dari permohonan dan pengaduan yang masuk ke satupintu.".into(),
        taken_at: "30 November 2024 08.00 WIB".into(),
        table: vec![("Total pengaduan".into(), "1.234".into()), ("Selesai tepat waktu".into(), "87,5%".into())],
        series: vec![
            Series {
                name: "Masuk".into(),
                points: (0..6).map(|m| (MONTHS[m].to_string(), 180.0 + 10.0 * m as f64)).collect(),
            },
            Series {
                name: "Selesai".into(),
                points: (0..6).map(|m| (MONTHS[m].to_string(), 150.0 + 12.0 * m as f64)).collect(),
            },
        ],
    }
}

fn base(title: &str) -> EvaluationReport {
    EvaluationReport {
        city: "Kota Bogor".into(),
        title: title.into(),
        framework: "Indikator Smart City (Kemenkominfo)".into(),
        provisional: true,
        period: "1 Oktober 2024 – 30 November 2024".into(),
        generated_at: "30 November 2026 08.00 WIB".into(),
        team: vec!["Rina Marlina".into(), "Budi Santoso".into(), "Dewi Lestari".into()],
        summary: IndexSummary {
            self_index: Some(SELF_INDEX.into()),
            self_predicate: Some("Baik".into()),
            final_index: Some("2,41".into()),
            final_predicate: Some("Cukup".into()),
            note: Some("Indeks dihitung dari nilai indikator dengan bobot kerangka.".into()),
        },
        groups: groups(),
        ..EvaluationReport::default()
    }
}

/// A realistic cycle: a few of everything.
pub fn realistic() -> EvaluationReport {
    EvaluationReport {
        indicators: (0..8).map(indicator).collect(),
        innovations: (0..3).map(|i| innovation(i, 3, 6)).collect(),
        metrics: (0..2).map(metric).collect(),
        open_requests: vec![
            EvidenceRequest {
                indicator: "SC-03 Indikator kebijakan".into(),
                asked_by: "Tim Penilai Kemenkominfo".into(),
                asked_at: "12 November 2024".into(),
                text: format!("{REQUEST} beserta lampirannya."),
            },
            EvidenceRequest {
                indicator: "SC-07 Indikator layanan".into(),
                asked_by: "Tim Penilai".into(),
                asked_at: "15 November 2024".into(),
                text: "Tangkapan layar dasbor terbaru.".into(),
            },
        ],
        ..base(TITLE)
    }
}

/// The size the bench measures: 47 indicators, 50 innovations (2 KPIs of 6 points and 10
/// evidence items each, 500 in all) and 6 metric snapshots.
pub fn large() -> EvaluationReport {
    EvaluationReport {
        indicators: (0..47).map(indicator).collect(),
        innovations: (0..50).map(|i| innovation(i, 10, 6)).collect(),
        metrics: (0..6).map(metric).collect(),
        open_requests: realistic().open_requests,
        ..base(TITLE)
    }
}
