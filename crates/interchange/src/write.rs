//! Writing catalog files in the format the import reads.

use std::path::Path;

use domain::{AGENCY_COLUMNS, Agency, CATALOG_COLUMNS, CatalogEntry, Service};
use rust_xlsxwriter::{Format as CellFormat, Workbook};

use crate::{Format, InterchangeError};

/// Writes `(service, agency name)` pairs to a CSV or XLSX file, by extension.
pub fn write_catalog(path: &Path, services: &[(Service, String)]) -> Result<(), InterchangeError> {
    let format = Format::from_path(path)?;
    std::fs::write(path, write_catalog_bytes(services, format)?)?;
    Ok(())
}

/// Renders the catalog file in memory (for a browser download).
pub fn write_catalog_bytes(services: &[(Service, String)], format: Format) -> Result<Vec<u8>, InterchangeError> {
    let rows = services.iter().map(|(service, agency)| CatalogEntry::to_row(service, agency));
    write_table(CATALOG_COLUMNS, rows, format, "katalog")
}

/// Renders an agency file in memory, in the format `import agencies` reads.
pub fn write_agencies_bytes(agencies: &[Agency], format: Format) -> Result<Vec<u8>, InterchangeError> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let rows = agencies.iter().map(|a| {
        vec![
            a.code.to_string(),
            a.name.clone(),
            opt(&a.short_name),
            a.kind.as_str().to_string(),
            opt(&a.address),
            opt(&a.phone),
            opt(&a.email),
            a.website.as_ref().map(ToString::to_string).unwrap_or_default(),
        ]
    });
    write_table(AGENCY_COLUMNS, rows, format, "opd")
}

fn write_table(
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
    format: Format,
    sheet_name: &str,
) -> Result<Vec<u8>, InterchangeError> {
    match format {
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer.write_record(header)?;
            for row in rows {
                writer.write_record(&row)?;
            }
            writer.into_inner().map_err(|e| InterchangeError::Io(e.into_error()))
        }
        Format::Xlsx => {
            let mut workbook = Workbook::new();
            let sheet = workbook.add_worksheet();
            sheet.set_name(sheet_name)?;
            let bold = CellFormat::new().set_bold();
            for (col, name) in header.iter().enumerate() {
                sheet.write_string_with_format(0, col as u16, *name, &bold)?;
            }
            for (i, row) in rows.enumerate() {
                let r = u32::try_from(i + 1).map_err(|_| InterchangeError::XlsxRead("too many rows".into()))?;
                for (col, value) in row.iter().enumerate() {
                    // Everything as text: a kode like "0101" or a phone number must not
                    // turn into a number, and nothing may become a formula.
                    if !value.is_empty() {
                        sheet.write_string(r, col as u16, value)?;
                    }
                }
            }
            sheet.set_freeze_panes(1, 0)?;
            Ok(workbook.save_to_buffer()?)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read_catalog_bytes;
    use chrono::Utc;

    fn sample() -> Vec<(Service, String)> {
        let csv = "kode,nama,kategori,opd_kode,mode_integrasi,status_integrasi,persyaratan,biaya,target_tahun,url_web\n\
                   PBB-P2,\"Pembayaran PBB-P2, online\",Pajak & Retribusi,BAPENDA,api,terintegrasi,SPPT; KTP,0,2024,https://pbb.kotabogor.go.id\n\
                   KK,Kartu Keluarga,Kependudukan,DISDUKCAPIL,native,dalam_proses,,,,\n";
        let entries = read_catalog_bytes(csv.as_bytes(), Format::Csv, Utc::now()).unwrap_or_default();
        entries.into_iter().map(|e| (e.service, "Badan".to_string())).collect()
    }

    #[test]
    fn csv_and_xlsx_round_trip() {
        let services = sample();
        assert_eq!(services.len(), 2);
        for format in [Format::Csv, Format::Xlsx] {
            let bytes = write_catalog_bytes(&services, format).unwrap_or_default();
            let at = services[0].0.status_changed_at;
            let back: Vec<Service> =
                read_catalog_bytes(&bytes, format, at).unwrap_or_default().into_iter().map(|e| e.service).collect();
            let original: Vec<Service> = services.iter().map(|(s, _)| s.clone()).collect();
            assert_eq!(back, original, "{format:?}");
        }
    }

    #[test]
    fn agencies_round_trip() {
        let csv = "kode,nama,singkatan,jenis,alamat,telepon,email,situs_web\n\
                   DINKES,Dinas Kesehatan,Dinkes,dinas,\"Jl. Kesehatan 1, Bogor\",0251 123,dinkes@kotabogor.go.id,https://dinkes.kotabogor.go.id\n";
        let agencies = crate::read_agencies_bytes(csv.as_bytes(), Format::Csv).unwrap_or_default();
        assert_eq!(agencies.len(), 1);
        for format in [Format::Csv, Format::Xlsx] {
            let bytes = write_agencies_bytes(&agencies, format).unwrap_or_default();
            assert_eq!(crate::read_agencies_bytes(&bytes, format).unwrap_or_default(), agencies, "{format:?}");
        }
    }
}
