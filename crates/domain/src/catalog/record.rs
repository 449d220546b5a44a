//! One row of a catalog file (CSV or XLSX), as the import reads it and the export writes it.
//!
//! The column names are Indonesian because the people who keep the catalog work in
//! Indonesian spreadsheets; the same names are accepted in any order and any case.

use chrono::{DateTime, Utc};

use super::{Audience, CategoryName, IntegrationMode, IntegrationStatus, Service, ServiceStandard};
use crate::text::{split_list, tidy};
use crate::{AgencyCode, ServiceCode, WebUrl};

/// Every column a catalog file may have, in the order the export writes them.
pub const CATALOG_COLUMNS: &[&str] = &[
    "kode",
    "nama",
    "ringkasan",
    "deskripsi",
    "kategori",
    "opd_kode",
    "opd_nama",
    "pengguna",
    "mode_integrasi",
    "status_integrasi",
    "target_tahun",
    "url_web",
    "url_android",
    "url_ios",
    "kata_kunci",
    "persyaratan",
    "prosedur",
    "waktu_hari",
    "biaya",
    "produk",
    "dasar_hukum",
    "kontak_pengaduan",
];

/// Columns that must be present in the header and filled in every row.
pub const REQUIRED_COLUMNS: &[&str] = &["kode", "nama", "kategori", "opd_kode", "mode_integrasi", "status_integrasi"];

/// A problem found in a file, located for the person who has to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The 1-based line (CSV) or row (XLSX) number; the header is line 1.
    pub line: usize,
    /// The column's header name, or `None` for a problem with the whole row.
    pub column: Option<String>,
    pub reason: String,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some(column) => write!(f, "line {}, column {}: {}", self.line, column, self.reason),
            None => write!(f, "line {}: {}", self.line, self.reason),
        }
    }
}

/// A valid catalog row: the service, plus the agency's name for agencies it creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogEntry {
    pub line: usize,
    pub service: Service,
    pub agency_name: Option<String>,
}

/// Collects a row's problems instead of stopping at the first, so one run of the import
/// lists everything to fix.
struct RowReader<'a, F: Fn(&str) -> &'a str> {
    line: usize,
    field: F,
    problems: Vec<RowProblem>,
}

impl<'a, F: Fn(&str) -> &'a str> RowReader<'a, F> {
    fn text(&self, column: &str) -> Option<String> {
        let value = tidy((self.field)(column));
        (!value.is_empty()).then_some(value)
    }

    fn problem(&mut self, column: &str, reason: impl Into<String>) {
        self.problems.push(RowProblem { line: self.line, column: Some(column.to_string()), reason: reason.into() });
    }

    fn required(&mut self, column: &str) -> Option<String> {
        let value = self.text(column);
        if value.is_none() {
            self.problem(column, "wajib diisi");
        }
        value
    }

    fn parsed<T, E: std::fmt::Display>(&mut self, column: &str, parse: impl Fn(&str) -> Result<T, E>) -> Option<T> {
        let raw = self.required(column)?;
        parse(&raw).map_err(|e| self.problem(column, e.to_string())).ok()
    }

    fn url(&mut self, column: &str) -> Option<WebUrl> {
        WebUrl::parse_optional((self.field)(column)).map_err(|e| self.problem(column, e.to_string())).ok().flatten()
    }

    fn number(&mut self, column: &str, min: i64, max: i64) -> Option<i64> {
        let raw = self.text(column)?;
        // Spreadsheets write "150.000" or "150000.0"; accept both, refuse fractions.
        let cleaned = raw.trim_end_matches(".0").replace(['.', ' '], "");
        match cleaned.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Some(n),
            Ok(_) => {
                self.problem(column, format!("harus antara {min} dan {max}"));
                None
            }
            Err(_) => {
                self.problem(column, format!("'{raw}' bukan bilangan bulat"));
                None
            }
        }
    }
}

impl CatalogEntry {
    /// Reads one row. `field` returns a column's raw text ("" when absent); `now` dates a
    /// status set by this import.
    pub fn parse<'a>(
        line: usize,
        field: impl Fn(&str) -> &'a str,
        now: DateTime<Utc>,
    ) -> Result<Self, Vec<RowProblem>> {
        let mut row = RowReader { line, field, problems: Vec::new() };
        let code = row.parsed("kode", ServiceCode::parse);
        let name = row.required("nama");
        let category = row.parsed("kategori", |raw| CategoryName::parse(raw).ok_or("nama kategori tidak valid"));
        let agency = row.parsed("opd_kode", AgencyCode::parse);
        let agency_name = row.text("opd_nama");
        let audience = match row.text("pengguna") {
            Some(raw) => Audience::parse(&raw).map_err(|e| row.problem("pengguna", e.to_string())).ok(),
            None => Some(Audience::Warga),
        };
        let mode = row.parsed("mode_integrasi", IntegrationMode::parse);
        let status = row.parsed("status_integrasi", IntegrationStatus::parse);
        let target_year = row.number("target_tahun", 2000, 2100).map(|y| y as i32);
        let web_url = row.url("url_web");
        let android_url = row.url("url_android");
        let ios_url = row.url("url_ios");
        let duration_days = row.number("waktu_hari", 0, 3650).map(|d| d as u32);
        let cost_rupiah = row.number("biaya", 0, 1_000_000_000_000);
        let list = |column: &str| split_list((row.field)(column));
        let keywords = list("kata_kunci");
        let requirements = list("persyaratan");
        let procedure = list("prosedur");
        let standard = ServiceStandard {
            requirements,
            procedure,
            duration_days,
            cost_rupiah,
            product: row.text("produk"),
            legal_basis: row.text("dasar_hukum"),
            complaint_contact: row.text("kontak_pengaduan"),
        };
        let summary = row.text("ringkasan");
        let description = row.text("deskripsi");
        if let Some(summary) = &summary
            && summary.chars().count() > super::MAX_SUMMARY_CHARS
        {
            row.problem("ringkasan", format!("terlalu panjang (maksimal {} karakter)", super::MAX_SUMMARY_CHARS));
        }
        let (Some(code), Some(name), Some(category), Some(agency), Some(audience), Some(mode), Some(status)) =
            (code, name, category, agency, audience, mode, status)
        else {
            return Err(row.problems);
        };
        if !row.problems.is_empty() {
            return Err(row.problems);
        }
        Ok(Self {
            line,
            agency_name,
            service: Service {
                code,
                name,
                summary,
                description,
                category,
                agency,
                audience,
                mode,
                status,
                status_changed_at: now,
                target_year,
                web_url,
                android_url,
                ios_url,
                keywords,
                standard,
            },
        })
    }

    /// Writes a service back as a row in [`CATALOG_COLUMNS`] order, so an export imports
    /// unchanged.
    pub fn to_row(service: &Service, agency_name: &str) -> Vec<String> {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let url = |v: &Option<WebUrl>| v.as_ref().map(|u| u.to_string()).unwrap_or_default();
        let num = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
        let std = &service.standard;
        vec![
            service.code.to_string(),
            service.name.clone(),
            opt(&service.summary),
            opt(&service.description),
            service.category.as_str().to_string(),
            service.agency.to_string(),
            agency_name.to_string(),
            service.audience.as_str().to_string(),
            service.mode.as_str().to_string(),
            service.status.as_str().to_string(),
            num(service.target_year.map(i64::from)),
            url(&service.web_url),
            url(&service.android_url),
            url(&service.ios_url),
            service.keywords.join(";"),
            std.requirements.join(";"),
            std.procedure.join(";"),
            num(std.duration_days.map(i64::from)),
            num(std.cost_rupiah),
            opt(&std.product),
            opt(&std.legal_basis),
            opt(&std.complaint_contact),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(pairs: &[(&str, &str)]) -> Result<CatalogEntry, Vec<RowProblem>> {
        let map: HashMap<&str, &str> = pairs.iter().copied().collect();
        CatalogEntry::parse(7, |c| map.get(c).copied().unwrap_or(""), Utc::now())
    }

    const GOOD: &[(&str, &str)] = &[
        ("kode", "ktp-el"),
        ("nama", "Perekaman KTP-el"),
        ("kategori", "Kependudukan"),
        ("opd_kode", "DISDUKCAPIL"),
        ("mode_integrasi", "native"),
        ("status_integrasi", "terintegrasi"),
        ("persyaratan", "Fotokopi KK; Surat pengantar RT/RW"),
        ("biaya", "0"),
        ("waktu_hari", "1"),
        ("url_web", "https://disdukcapil.kotabogor.go.id"),
    ];

    #[test]
    fn reads_a_good_row() {
        let entry = parse(GOOD).map(|e| e.service);
        let service = entry.as_ref().ok();
        assert_eq!(service.map(|s| s.code.as_str()), Some("KTP-EL"));
        assert_eq!(service.map(|s| s.standard.requirements.len()), Some(2));
        assert_eq!(service.map(|s| s.standard.is_free()), Some(true));
        assert_eq!(service.map(|s| s.audience), Some(Audience::Warga));
    }

    #[test]
    fn lists_every_problem_with_its_column() {
        let problems = parse(&[
            ("kode", "1 bad"),
            ("kategori", "Kependudukan"),
            ("opd_kode", "DISDUKCAPIL"),
            ("mode_integrasi", "email"),
            ("status_integrasi", "terintegrasi"),
            ("biaya", "gratis"),
            ("url_web", "javascript:alert(1)"),
        ])
        .err()
        .unwrap_or_default();
        let columns: Vec<_> = problems.iter().filter_map(|p| p.column.as_deref()).collect();
        assert_eq!(columns, vec!["kode", "nama", "mode_integrasi", "url_web", "biaya"]);
        assert!(problems.iter().all(|p| p.line == 7));
        assert_eq!(problems[0].to_string(), "line 7, column kode: kode harus diawali huruf");
    }

    #[test]
    fn row_round_trips() {
        let Ok(entry) = parse(GOOD) else { panic!("good row refused") };
        let row = CatalogEntry::to_row(&entry.service, "Disdukcapil");
        let map: HashMap<&str, &str> = CATALOG_COLUMNS.iter().copied().zip(row.iter().map(String::as_str)).collect();
        let again = CatalogEntry::parse(7, |c| map.get(c).copied().unwrap_or(""), entry.service.status_changed_at);
        assert_eq!(again.map(|e| e.service), Ok(entry.service));
    }

    #[test]
    fn accepts_spreadsheet_numbers() {
        let mut pairs = GOOD.to_vec();
        pairs.push(("target_tahun", "2025.0"));
        pairs.retain(|(k, _)| *k != "biaya");
        pairs.push(("biaya", "150.000"));
        let service = parse(&pairs).map(|e| e.service);
        assert_eq!(service.as_ref().map(|s| s.target_year), Ok(Some(2025)));
        assert_eq!(service.map(|s| s.standard.cost_rupiah), Ok(Some(150_000)));
    }
}
