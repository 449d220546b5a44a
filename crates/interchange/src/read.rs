//! Reading catalog files.

use std::collections::HashMap;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use chrono::{DateTime, Utc};
use domain::{AGENCY_COLUMNS, Agency, CATALOG_COLUMNS, CatalogEntry, REQUIRED_COLUMNS, RowProblem};

use crate::{Format, InterchangeError};

/// A table as read from a file: header names and `(line, cells)` rows.
struct Table {
    header: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
}

fn read_csv(bytes: &[u8]) -> Result<Table, InterchangeError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(bytes);
    let header = reader.headers()?.iter().map(str::to_string).collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        rows.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(Table { header, rows })
}

/// Spreadsheets store numbers as floats: `2025.0` must come back as `2025`.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d.to_string(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, InterchangeError> {
    let mut workbook = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| InterchangeError::XlsxRead(e.to_string()))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| InterchangeError::XlsxRead("the workbook has no sheet".into()))?
        .map_err(|e| InterchangeError::XlsxRead(e.to_string()))?;
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let mut rows =
        range.rows().enumerate().map(|(i, cells)| (first_row + i + 1, cells.iter().map(cell_text).collect::<Vec<_>>()));
    let Some((_, header)) = rows.next() else {
        return Ok(Table { header: Vec::new(), rows: Vec::new() });
    };
    // Trailing formatted-but-empty rows are common in spreadsheets; they are not data.
    let rows = rows.filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty())).collect();
    Ok(Table { header, rows })
}

/// Maps header names to column positions, or lists what is wrong with the header.
fn check_header(
    header: &[String],
    columns: &'static [&'static str],
    required_columns: &'static [&'static str],
) -> Result<HashMap<&'static str, usize>, Vec<RowProblem>> {
    let mut problems = Vec::new();
    let mut positions = HashMap::new();
    let problem = |column: &str, reason: String| RowProblem { line: 1, column: Some(column.to_string()), reason };
    for (i, raw) in header.iter().enumerate() {
        let name = raw.trim().trim_start_matches('\u{feff}').to_lowercase();
        if name.is_empty() {
            continue;
        }
        match columns.iter().find(|c| **c == name) {
            Some(column) => {
                if positions.insert(*column, i).is_some() {
                    problems.push(problem(column, "kolom muncul lebih dari sekali".into()));
                }
            }
            None => problems
                .push(problem(raw.trim(), format!("kolom tidak dikenal; kolom yang diterima: {}", columns.join(", ")))),
        }
    }
    for required in required_columns {
        if !positions.contains_key(required) {
            problems.push(problem(required, "kolom wajib tidak ada".into()));
        }
    }
    if problems.is_empty() { Ok(positions) } else { Err(problems) }
}

fn entries(table: Table, now: DateTime<Utc>) -> Result<Vec<CatalogEntry>, InterchangeError> {
    let positions =
        check_header(&table.header, CATALOG_COLUMNS, REQUIRED_COLUMNS).map_err(InterchangeError::Problems)?;
    let mut problems = Vec::new();
    let mut entries = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let width = table.header.len();
    for (line, cells) in &table.rows {
        if cells.len() > width && cells[width..].iter().any(|c| !c.trim().is_empty()) {
            problems.push(RowProblem {
                line: *line,
                column: None,
                reason: format!("{} kolom, padahal judul hanya {width}", cells.len()),
            });
            continue;
        }
        let field = |column: &str| positions.get(column).and_then(|i| cells.get(*i)).map_or("", String::as_str);
        match CatalogEntry::parse(*line, field, now) {
            Ok(entry) => {
                let code = entry.service.code.to_string();
                if let Some(first) = seen.insert(code.clone(), *line) {
                    problems.push(RowProblem {
                        line: *line,
                        column: Some("kode".into()),
                        reason: format!("kode {code} sudah dipakai di baris {first}"),
                    });
                } else {
                    entries.push(entry);
                }
            }
            Err(row_problems) => problems.extend(row_problems),
        }
    }
    if problems.is_empty() {
        Ok(entries)
    } else {
        problems.sort_by_key(|p| p.line);
        Err(InterchangeError::Problems(problems))
    }
}

/// Reads and checks a catalog file; `now` dates statuses set by it.
pub fn read_catalog(path: &Path, now: DateTime<Utc>) -> Result<Vec<CatalogEntry>, InterchangeError> {
    let format = Format::from_path(path)?;
    let bytes = std::fs::read(path)?;
    read_catalog_bytes(&bytes, format, now)
}

/// Reads and checks a catalog from memory (an upload, or a file built into the binary).
pub fn read_catalog_bytes(
    bytes: &[u8],
    format: Format,
    now: DateTime<Utc>,
) -> Result<Vec<CatalogEntry>, InterchangeError> {
    entries(read_table(bytes, format)?, now)
}

fn read_table(bytes: &[u8], format: Format) -> Result<Table, InterchangeError> {
    match format {
        Format::Csv => read_csv(bytes),
        Format::Xlsx => read_xlsx(bytes),
    }
}

const AGENCY_REQUIRED: &[&str] = &["kode", "nama"];

/// Reads and checks an agency (OPD) file: `kode, nama` required; `jenis` is guessed from
/// the name when blank.
pub fn read_agencies(path: &Path) -> Result<Vec<Agency>, InterchangeError> {
    let format = Format::from_path(path)?;
    read_agencies_bytes(&std::fs::read(path)?, format)
}

/// Reads and checks an agency file from memory.
pub fn read_agencies_bytes(bytes: &[u8], format: Format) -> Result<Vec<Agency>, InterchangeError> {
    let table = read_table(bytes, format)?;
    let positions = check_header(&table.header, AGENCY_COLUMNS, AGENCY_REQUIRED).map_err(InterchangeError::Problems)?;
    let mut problems = Vec::new();
    let mut agencies: Vec<Agency> = Vec::new();
    for (line, cells) in &table.rows {
        let field = |column: &str| positions.get(column).and_then(|i| cells.get(*i)).map_or("", String::as_str);
        match Agency::parse_fields(*line, field) {
            Ok(agency) if agencies.iter().any(|a| a.code == agency.code) => problems.push(RowProblem {
                line: *line,
                column: Some("kode".into()),
                reason: format!("kode {} muncul lebih dari sekali", agency.code),
            }),
            Ok(agency) => agencies.push(agency),
            Err(row_problems) => problems.extend(row_problems),
        }
    }
    if problems.is_empty() { Ok(agencies) } else { Err(InterchangeError::Problems(problems)) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::AgencyKind;

    const HEADER: &str = "Kode,NAMA,kategori,opd_kode,opd_nama,mode_integrasi,status_integrasi,biaya\n";

    fn read(csv: &str) -> Result<Vec<CatalogEntry>, InterchangeError> {
        read_catalog_bytes(csv.as_bytes(), Format::Csv, Utc::now())
    }

    fn problems(csv: &str) -> Vec<String> {
        match read(csv) {
            Err(InterchangeError::Problems(p)) => p.iter().map(ToString::to_string).collect(),
            other => panic!("expected problems, got {other:?}"),
        }
    }

    #[test]
    fn reads_rows_in_any_header_order_and_case() {
        let csv = format!("{HEADER}ktp-el,KTP-el,Kependudukan,DISDUKCAPIL,Disdukcapil,native,terintegrasi,0\n");
        let entries = read(&csv).unwrap_or_default();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].line, 2);
        assert_eq!(entries[0].agency_name.as_deref(), Some("Disdukcapil"));
    }

    #[test]
    fn unknown_header_lists_the_accepted_ones() {
        let found = problems("kode,nama,kategori,opd_kode,mode_integrasi,status_integrasi,warna\n");
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("line 1, column warna: kolom tidak dikenal; kolom yang diterima: kode, nama,"));
    }

    #[test]
    fn missing_required_header() {
        let found = problems("kode,nama\n");
        assert!(found.contains(&"line 1, column kategori: kolom wajib tidak ada".to_string()));
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line() {
        let csv = format!(
            "{HEADER}A,Satu,Kependudukan,OPD,Opd,link,terintegrasi,0\n\
             B,,Kependudukan,OPD,Opd,link,terintegrasi,0\n\
             A,Dua,Kependudukan,OPD,Opd,link,terintegrasi,0\n\
             C,Tiga,Kependudukan,OPD,Opd,pos,terintegrasi,gratis\n"
        );
        assert_eq!(
            problems(&csv),
            vec![
                "line 3, column nama: wajib diisi",
                "line 4, column kode: kode A sudah dipakai di baris 2",
                "line 5, column mode_integrasi: nilai 'pos' tidak dikenal; pilihan: link, sso, api, native",
                "line 5, column biaya: 'gratis' bukan bilangan bulat",
            ]
        );
    }

    #[test]
    fn quoted_newlines_keep_line_numbers_of_the_record_start() {
        let csv = format!(
            "{HEADER}A,\"Satu\nDua\",Kependudukan,OPD,Opd,link,terintegrasi,0\nB,,Kependudukan,OPD,Opd,link,terintegrasi,0\n"
        );
        assert_eq!(problems(&csv), vec!["line 4, column nama: wajib diisi"]);
    }

    #[test]
    fn reads_agencies() {
        let csv = "kode,nama,singkatan,jenis,situs_web\nDINKES,Dinas Kesehatan,Dinkes,,https://dinkes.kotabogor.go.id\nX,,,kantor,ftp://x\n";
        match read_agencies_bytes(csv.as_bytes(), Format::Csv) {
            Err(InterchangeError::Problems(p)) => {
                let text: Vec<_> = p.iter().map(ToString::to_string).collect();
                assert_eq!(
                    text,
                    vec![
                        "line 3, column nama: wajib diisi",
                        "line 3, column situs_web: alamat web harus diawali http:// atau https://",
                    ]
                );
            }
            other => panic!("{other:?}"),
        }
        let good = read_agencies_bytes(b"KODE,Nama\nDINKES,Dinas Kesehatan\n", Format::Csv).unwrap_or_default();
        assert_eq!(good.first().map(|a| a.kind), Some(AgencyKind::Dinas));
    }

    #[test]
    fn spreadsheet_cells_become_text() {
        assert_eq!(cell_text(&Data::Float(2025.0)), "2025");
        assert_eq!(cell_text(&Data::Float(2.5)), "2.5");
        assert_eq!(cell_text(&Data::Empty), "");
    }
}
