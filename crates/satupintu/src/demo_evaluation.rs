//! The demo city's evaluation: a Smart City 2024 Tahap II cycle at Bogor's 3.46 and an
//! SPBE 2024 cycle at its 3.72 (the seed's figures; the per-indicator split is invented,
//! chosen to add up exactly), four innovations with KPIs and evidence, both published so
//! `/indeks` has something to show.

use chrono::{DateTime, Utc};
use domain::evaluation::{EvidenceKind, Stage};
use store::Store;
use store::evaluation::{InnovationInput, NewCycle, NewEvidence};

/// Who the demo's levels and evidence are recorded by (no account: it is sample data).
const ACTOR: &str = "demo";

/// Bogor's Smart City evaluation dimensions: 10·3.60 + 20·3.40 + 30·3.45 + 20·3.50 + 20·3.40
/// = 345.5, so the index is 3.455 and shows as 3.46.
const SMART_CITY: [(&str, &str, &str); 5] = [
    ("baseline", "3.60", "Kondisi awal 2017 dan kenaikan sejak evaluasi 2022 terdokumentasi."),
    ("output", "3.40", "Perwali Masterplan Smart City, SK Dewan dan Tim Pelaksana, anggaran APBD."),
    ("outcome", "3.45", "Program masterplan berjalan di enam dimensi; Bogor Single Window sebagai program unggulan."),
    ("impact", "3.50", "148 aplikasi dapat dibuka dari satu pintu; permohonan dan pengaduan terlacak."),
    ("quick_win", "3.40", "Talas Bogor dan integrasi SSO sebagai program percepatan."),
];

/// SPBE levels that add up to 3.72 "Sangat Baik": 4 everywhere except the policy
/// indicators (I1–I10), management (I21–I28) and the third public-service sector (I47) at 3:
/// 400 − 13 − 12 − 3 = 372.
fn spbe_level(number: u32) -> &'static str {
    match number {
        1..=10 | 21..=28 | 47 => "3",
        _ => "4",
    }
}

struct DemoInnovation {
    name: &'static str,
    description: &'static str,
    element: (&'static str, &'static str),
    agency: &'static str,
    launched: &'static str,
    quick_win: bool,
    services: &'static [&'static str],
    kpi: (&'static str, &'static str, &'static str, &'static str, &'static [(&'static str, &'static str)]),
}

const INNOVATIONS: [DemoInnovation; 4] = [
    DemoInnovation {
        name: "Bogor Single Window",
        description: "Satu pintu untuk semua layanan publik kota: katalog, satu akun, permohonan dan pelacakan.",
        element: ("governance", "pelayanan"),
        agency: "DISKOMINFO",
        launched: "2023-08-01",
        quick_win: false,
        services: &["KTP-EL", "PBB-P2", "NIB-OSS"],
        kpi: (
            "Aplikasi terintegrasi",
            "aplikasi",
            "60",
            "327",
            &[("2023-12-31", "96"), ("2024-06-30", "120"), ("2024-11-12", "148")],
        ),
    },
    DemoInnovation {
        name: "Talas Bogor",
        description: "Asisten percakapan di web, Telegram dan WhatsApp yang menjawab dan menerima pengaduan.",
        element: ("governance", "pelayanan"),
        agency: "DISKOMINFO",
        launched: "2024-03-01",
        quick_win: true,
        services: &["SAMPURASUN"],
        kpi: (
            "Percakapan per bulan",
            "percakapan",
            "0",
            "20000",
            &[("2024-04-30", "3100"), ("2024-08-31", "9800"), ("2024-10-31", "14250")],
        ),
    },
    DemoInnovation {
        name: "Sampurasun: pengaduan terpadu",
        description: "Pengaduan warga dari semua kanal masuk ke satu antrean OPD dengan tenggat SLA.",
        element: ("governance", "kebijakan"),
        agency: "DISKOMINFO",
        launched: "2022-01-10",
        quick_win: false,
        services: &["SAMPURASUN", "SP4N-LAPOR"],
        kpi: (
            "Pengaduan selesai tepat waktu",
            "%",
            "61.5",
            "90",
            &[("2023-12-31", "74.2"), ("2024-06-30", "81.7"), ("2024-10-31", "86.05")],
        ),
    },
    DemoInnovation {
        name: "CCTV lalu lintas terbuka",
        description: "Siaran CCTV persimpangan utama untuk warga dan pusat kendali lalu lintas.",
        element: ("living", "mobilitas"),
        agency: "DISHUB",
        launched: "2021-06-01",
        quick_win: true,
        services: &["CCTV-LALIN"],
        kpi: (
            "Titik CCTV publik",
            "titik",
            "20",
            "120",
            &[("2023-06-30", "58"), ("2024-06-30", "77"), ("2024-10-31", "92")],
        ),
    },
];

/// Loads the demo evaluation (called once, with the demo catalog).
pub async fn load(store: &Store, now: DateTime<Utc>) -> anyhow::Result<()> {
    let mut innovation_ids = Vec::new();
    for item in &INNOVATIONS {
        let input = InnovationInput {
            name: item.name.into(),
            description: item.description.into(),
            dimension: item.element.0.into(),
            element: item.element.1.into(),
            agency_code: Some(item.agency.into()),
            launched_on: Some(item.launched.into()),
            status: "berjalan".into(),
            quick_win: item.quick_win,
            services: item.services.iter().map(|s| (*s).to_owned()).collect(),
        };
        let id = store.save_innovation(None, &input, ACTOR, now).await?;
        let (name, unit, baseline, target, points) = item.kpi;
        let kpi = store.add_kpi(&id, name, unit, baseline, target, ACTOR, now).await?;
        for (day, value) in points {
            store.record_kpi(&kpi, day, value, "", ACTOR, now).await?;
        }
        innovation_ids.push(id);
    }

    let smart = store
        .create_cycle(
            &NewCycle {
                slug: "smart-city-2024-tahap-2",
                name: "Evaluasi Smart City 2024 — Tahap II",
                framework_id: "smart-city-kominfo",
                starts_on: "2024-10-01",
                ends_on: "2024-11-30",
            },
            ACTOR,
            now,
        )
        .await?;
    for (code, score, note) in SMART_CITY {
        store.set_level(&smart.id, code, Stage::SelfAssessment.as_str(), score, note, ACTOR, now).await?;
        store.set_level(&smart.id, code, Stage::Final.as_str(), score, "Hasil wawancara tahap II.", ACTOR, now).await?;
    }
    for (title, url, innovation) in [
        ("Portal Bogor Single Window", "https://bsw.kotabogor.go.id/", 0),
        ("Siaran CCTV publik", "https://bsw.kotabogor.go.id/cctv/59/detail", 3),
    ] {
        let evidence = NewEvidence {
            cycle_id: smart.id.clone(),
            kind: EvidenceKind::Link.as_str().into(),
            title: title.into(),
            description: "Halaman yang dapat dibuka asesor.".into(),
            evidence_on: "2024-11-12".into(),
            url: Some(url.into()),
            indicators: vec!["outcome".into()],
            innovations: vec![innovation_ids[innovation].clone()],
            ..NewEvidence::default()
        };
        store.add_evidence(&evidence, ACTOR, now).await?;
    }
    store
        .ask_evidence(&smart.id, "impact", "Lampirkan data kepuasan pengguna BSW per OPD tahun 2024.", ACTOR, now)
        .await?;
    store.publish_cycle(&smart.id, Some(now), ACTOR, now).await?;

    let spbe = store
        .create_cycle(
            &NewCycle {
                slug: "spbe-2024",
                name: "Evaluasi SPBE 2024",
                framework_id: "spbe-59-2020",
                starts_on: "2024-04-01",
                ends_on: "2024-10-31",
            },
            ACTOR,
            now,
        )
        .await?;
    let levels: Vec<(String, String, String)> =
        (1..=47).map(|n| (format!("I{n}"), spbe_level(n).to_owned(), String::new())).collect();
    store.set_levels(&spbe.id, Stage::SelfAssessment.as_str(), &levels, ACTOR, now).await?;
    store.set_levels(&spbe.id, Stage::Final.as_str(), &levels, ACTOR, now).await?;
    store.publish_cycle(&spbe.id, Some(now), ACTOR, now).await?;
    Ok(())
}
