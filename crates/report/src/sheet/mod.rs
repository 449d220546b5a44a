//! The indicator sheet the team shares: written as XLSX, filled in Excel or LibreOffice,
//! read back into `(code, level, narrative)` updates.
//!
//! Layout: a sheet named [`SHEET_NAME`] with the title in row 1, the framework in row 2,
//! the column header in row 3 and one indicator per row below. Reading finds the header by
//! its names, so moved columns and rows inserted above still read.

mod read;
mod write;

pub use read::read_indicator_sheet;
pub use write::write_indicator_sheet;

use serde::{Deserialize, Serialize};

/// The worksheet's name; reading prefers it and falls back to the first sheet.
const SHEET_NAME: &str = "Indikator";

/// The columns read back: `(header as written, names accepted when reading)`. Reading
/// matches header cells case-insensitively, folding spaces; other columns are ignored
/// (people add their own notes), so moving or adding columns is harmless.
const CODE: (&str, &[&str]) = ("Kode", &["kode"]);
const LEVEL: (&str, &[&str]) = ("Tingkat mandiri", &["tingkat mandiri", "tingkat", "level"]);
const NARRATIVE: (&str, &[&str]) = ("Narasi", &["narasi"]);

/// The indicator sheet the team shares (XLSX).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IndicatorSheet {
    /// Shown in the sheet's first row, e.g. the cycle's name.
    pub title: String,
    /// Shown in the second row, e.g. "Indeks SPBE (PermenPANRB 59/2020)".
    pub framework: String,
    /// One row per indicator, in display order.
    pub rows: Vec<SheetRow>,
}

/// One indicator in the sheet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SheetRow {
    /// The indicator's code; identifies the row when the sheet is read back.
    pub code: String,
    /// The indicator's number in the framework.
    pub number: Option<u32>,
    /// The indicator's name.
    pub name: String,
    /// Its group (domain/aspect/dimension).
    pub group: String,
    /// Self-assessed level as typed, e.g. "3" or "3.84"; editable.
    pub level: Option<String>,
    /// The team's explanation; editable.
    pub narrative: String,
    /// Links to the evidence, one per line in the cell.
    pub evidence: Vec<String>,
    /// The final level after verification; a read-only column.
    pub final_level: Option<String>,
}

/// One row read back from the sheet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetUpdate {
    /// The spreadsheet row it came from (1-based, as Excel shows it).
    pub row: usize,
    /// The indicator's code.
    pub code: String,
    /// The level as typed; `None` when the cell is empty. Not validated here.
    pub level: Option<String>,
    /// The narrative; empty when the cell is empty.
    pub narrative: String,
}

/// One thing wrong in a sheet, located so a person can find it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetProblem {
    /// The spreadsheet row (1-based, as Excel shows it).
    pub row: usize,
    /// The column's header, when the problem is in one cell.
    pub column: Option<String>,
    /// What is wrong, in Indonesian.
    pub reason: String,
}

impl std::fmt::Display for SheetProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some(column) => write!(f, "baris {}, kolom {column}: {}", self.row, self.reason),
            None => write!(f, "baris {}: {}", self.row, self.reason),
        }
    }
}

/// Why a sheet could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    /// Not an XLSX workbook, or a damaged one.
    #[error("berkas bukan XLSX yang dapat dibaca: {0}")]
    Unreadable(String),
    /// The sheet has no indicator table: no header row with the expected columns.
    #[error(
        "lembar '{sheet}' tidak berisi tabel indikator: baris judul dengan kolom Kode, Tingkat mandiri dan Narasi \
         tidak ditemukan (gunakan berkas yang diunduh dari satupintu)"
    )]
    NoTable {
        /// The sheet that was searched.
        sheet: String,
    },
    /// The table was found, but some rows (or its header) are wrong; every problem is listed.
    #[error("{} masalah dalam lembar kerja: {}", .0.len(), list(.0))]
    Problems(Vec<SheetProblem>),
}

fn list(problems: &[SheetProblem]) -> String {
    problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}
