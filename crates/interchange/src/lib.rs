//! Catalog files: reading CSV and XLSX for `import catalog`, writing them for `export`.
//!
//! The format is chosen by the file extension. Reading checks the header and every row and
//! returns all problems at once, each located as `line N, column X`, so a person fixes the
//! whole file in one pass; nothing is written to the database here.

mod read;
mod write;

pub use domain::AGENCY_COLUMNS;
pub use read::{read_agencies, read_agencies_bytes, read_catalog, read_catalog_bytes};
pub use write::{write_agencies_bytes, write_catalog, write_catalog_bytes};

use std::path::Path;

use domain::RowProblem;

/// The two spreadsheet formats a catalog travels in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// The format named by a file's extension (case-insensitive).
    pub fn from_path(path: &Path) -> Result<Self, InterchangeError> {
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
        match ext.as_str() {
            "csv" => Ok(Self::Csv),
            "xlsx" => Ok(Self::Xlsx),
            _ => Err(InterchangeError::UnknownFormat(ext)),
        }
    }
}

/// Why a catalog file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum InterchangeError {
    #[error("unknown file type '.{0}': use .csv or .xlsx")]
    UnknownFormat(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("XLSX: {0}")]
    XlsxRead(String),
    #[error("XLSX: {0}")]
    XlsxWrite(#[from] rust_xlsxwriter::XlsxError),
    /// The file was read, but some rows are wrong; every problem is listed.
    #[error("{} problem(s) in the file", .0.len())]
    Problems(Vec<RowProblem>),
}
