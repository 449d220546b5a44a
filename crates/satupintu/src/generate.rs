//! Synthetic catalogs for benchmarks: `satupintu demo generate --services N FILE`.

use chrono::Utc;
use domain::{IntegrationStatus, ServiceCode};
use interchange::{Format, read_agencies_bytes, read_catalog_bytes};

use crate::demo::{AGENCIES, CATALOG};

/// A small deterministic generator (xorshift): the same catalog every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

/// Words that turn a demo service into a plausible variant (a district's own version,
/// a programme year, a channel).
const VARIANT_WORDS: &[&str] = &[
    "Kelurahan Babakan",
    "Kelurahan Cibuluh",
    "Kelurahan Sempur",
    "Kelurahan Tegallega",
    "Kelurahan Bantarjati",
    "Kelurahan Ciwaringin",
    "Kelurahan Pabaton",
    "Kelurahan Panaragan",
    "Kelurahan Kebon Kalapa",
    "Kelurahan Gudang",
    "Kecamatan Bogor Barat",
    "Kecamatan Bogor Timur",
    "Kecamatan Tanah Sareal",
    "Kecamatan Bogor Selatan",
    "Program Tahun 2021",
    "Program Tahun 2022",
    "Program Tahun 2023",
    "Program Tahun 2024",
    "Layanan Keliling",
    "Mal Pelayanan Publik",
    "Loket Terpadu",
    "Aplikasi Seluler",
    "Integrasi Data",
    "Dasbor Monitoring",
];

/// Writes a synthetic catalog of `count` services: the demo city's own services first,
/// then variants built from their names, keywords and standards (for benchmarks at
/// 10,000 and 100,000 services with the real services inside as needles).
pub fn generate(count: usize, file: &std::path::Path) -> anyhow::Result<()> {
    let now = Utc::now();
    let entries = read_catalog_bytes(CATALOG, Format::Csv, now).map_err(|e| anyhow::anyhow!("demo catalog: {e:?}"))?;
    let agencies = read_agencies_bytes(AGENCIES, Format::Csv).map_err(|e| anyhow::anyhow!("demo agencies: {e:?}"))?;
    let agency_name = |code: &domain::AgencyCode| {
        agencies.iter().find(|a| a.code == *code).map_or_else(|| code.to_string(), |a| a.name.clone())
    };
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut out: Vec<(domain::Service, String)> = Vec::with_capacity(count);
    for entry in entries.iter().take(count) {
        out.push((entry.service.clone(), agency_name(&entry.service.agency)));
    }
    let statuses = [IntegrationStatus::Integrated, IntegrationStatus::InProgress, IntegrationStatus::Planned];
    let mut n = 0usize;
    while out.len() < count {
        n += 1;
        let template = &rng.pick(&entries).service;
        let donor = &rng.pick(&entries).service;
        let mut s = template.clone();
        let variant = rng.pick(VARIANT_WORDS);
        s.code =
            ServiceCode::parse(&format!("{}-V{n}", &template.code.as_str()[..template.code.as_str().len().min(30)]))?;
        s.name = format!("{} {variant}", template.name);
        s.summary = template.summary.as_ref().map(|t| format!("{t} ({variant})"));
        let mut keywords = template.keywords.clone();
        keywords.extend(donor.keywords.iter().take(2).cloned());
        keywords.dedup();
        s.keywords = keywords;
        if rng.next().is_multiple_of(3) {
            s.standard.requirements = donor.standard.requirements.clone();
        }
        s.status = *rng.pick(&statuses);
        let name = agency_name(&s.agency);
        out.push((s, name));
    }
    interchange::write_catalog(file, &out)?;
    Ok(())
}
