//! Reading the indicator sheet back.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, Range, Reader, Xlsx};

use super::{CODE, LEVEL, NARRATIVE, SHEET_NAME, SheetError, SheetProblem, SheetUpdate};

/// How far down the header is looked for: the written sheet has it in row 3, and people
/// sometimes insert a few rows of notes above.
const HEADER_SEARCH_ROWS: usize = 10;

/// Reads back a sheet written by [`write_indicator_sheet`](super::write_indicator_sheet)
/// (or edited in Excel/LibreOffice): returns (code, level, narrative) rows; problems carry
/// the spreadsheet row number (1-based, as shown in Excel) and a reason in Indonesian.
///
/// Levels typed as numbers come back as their shortest text (3 → "3", 3.84 → "3.84");
/// levels typed as text come back trimmed; an empty cell is `None`. Empty rows are skipped.
pub fn read_indicator_sheet(bytes: &[u8]) -> Result<Vec<SheetUpdate>, SheetError> {
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(|e| SheetError::Unreadable(e.to_string()))?;
    let names = workbook.sheet_names();
    let sheet = names.iter().find(|n| n.trim().eq_ignore_ascii_case(SHEET_NAME)).or(names.first()).cloned();
    let Some(sheet) = sheet else {
        return Err(SheetError::Unreadable("buku kerja tidak berisi lembar apa pun".into()));
    };
    let range = workbook.worksheet_range(&sheet).map_err(|e| SheetError::Unreadable(e.to_string()))?;
    read_range(&range, &sheet)
}

fn read_range(range: &Range<Data>, sheet: &str) -> Result<Vec<SheetUpdate>, SheetError> {
    // Row numbers as Excel shows them: the range starts at its first used cell.
    let first_row = range.start().map_or(0, |(row, _)| row as usize) + 1;
    let mut rows = range.rows().enumerate().map(|(i, cells)| (first_row + i, cells));
    let (header_row, columns) = rows
        .by_ref()
        .take(HEADER_SEARCH_ROWS)
        .find_map(|(row, cells)| header(cells).map(|columns| (row, columns)))
        .ok_or_else(|| SheetError::NoTable { sheet: sheet.to_string() })?;
    let (code_col, level_col, narrative_col) = required(&columns, header_row)?;
    let mut problems = Vec::new();
    let mut updates = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (row, cells) in rows {
        // Formatted-but-empty rows at the bottom are common; they are not data.
        if cells.iter().all(|c| text(c).is_some_and(|t| t.trim().is_empty())) {
            continue;
        }
        let cell = |col: usize| cells.get(col).unwrap_or(&Data::Empty);
        let mut problem = |column: &str, reason: String| {
            problems.push(SheetProblem { row, column: Some(column.to_string()), reason });
        };
        let code = match text(cell(code_col)) {
            Some(code) if !code.trim().is_empty() => code.trim().to_string(),
            Some(_) => {
                problem(CODE.0, "kode kosong; setiap baris indikator harus berkode".into());
                continue;
            }
            None => {
                problem(CODE.0, unusable(cell(code_col)));
                continue;
            }
        };
        if let Some(first) = seen.insert(code.clone(), row) {
            problem(CODE.0, format!("kode {code} sudah muncul di baris {first}"));
            continue;
        }
        let level = match text(cell(level_col)) {
            Some(level) => Some(level.trim().to_string()).filter(|l| !l.is_empty()),
            None => {
                problem(LEVEL.0, unusable(cell(level_col)));
                continue;
            }
        };
        let Some(narrative) = text(cell(narrative_col)) else {
            problem(NARRATIVE.0, unusable(cell(narrative_col)));
            continue;
        };
        updates.push(SheetUpdate { row, code, level, narrative: narrative.trim().to_string() });
    }
    if problems.is_empty() { Ok(updates) } else { Err(SheetError::Problems(problems)) }
}

/// The header's columns by normalised name, when the row looks like the header (has at
/// least one of the required names).
fn header(cells: &[Data]) -> Option<HashMap<String, usize>> {
    let columns: HashMap<String, usize> = cells
        .iter()
        .enumerate()
        .filter_map(|(i, cell)| text(cell).map(|t| (normalise(&t), i)))
        .filter(|(name, _)| !name.is_empty())
        .collect();
    let known = [CODE, LEVEL, NARRATIVE].iter().any(|(_, names)| names.iter().any(|n| columns.contains_key(*n)));
    known.then_some(columns)
}

/// The positions of the columns read, or a problem for each one missing.
fn required(columns: &HashMap<String, usize>, header_row: usize) -> Result<(usize, usize, usize), SheetError> {
    let find = |(_, names): (&str, &[&str])| names.iter().find_map(|n| columns.get(*n).copied());
    match (find(CODE), find(LEVEL), find(NARRATIVE)) {
        (Some(code), Some(level), Some(narrative)) => Ok((code, level, narrative)),
        found => {
            let missing = [(CODE.0, found.0), (LEVEL.0, found.1), (NARRATIVE.0, found.2)];
            let problems = missing
                .iter()
                .filter(|(_, position)| position.is_none())
                .map(|(name, _)| SheetProblem {
                    row: header_row,
                    column: Some((*name).to_string()),
                    reason: "kolom wajib tidak ada di baris judul".into(),
                })
                .collect();
            Err(SheetError::Problems(problems))
        }
    }
}

fn normalise(header: &str) -> String {
    header.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// A cell as the text a person typed; `None` for cells that hold something else (a date,
/// an error, true/false), which [`unusable`] explains.
///
/// Spreadsheets store every number as a float: 3 is 3.0 and comes back as "3"; Rust's
/// float formatting is the shortest text that reads back as the same number, so 3.84
/// comes back as "3.84", not "3.8399999999999999".
fn text(cell: &Data) -> Option<String> {
    match cell {
        Data::Empty => Some(String::new()),
        Data::String(s) => Some(s.clone()),
        Data::Int(i) => Some(i.to_string()),
        Data::Float(f) if f.is_finite() => Some(f.to_string()),
        _ => None,
    }
}

fn unusable(cell: &Data) -> String {
    match cell {
        Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => {
            "sel terbaca sebagai tanggal atau waktu; ketik ulang sebagai angka atau teks".into()
        }
        Data::Bool(_) => "sel berisi nilai benar/salah, bukan angka atau teks".into(),
        Data::Error(e) => format!("sel berisi galat rumus ({e})"),
        _ => "isi sel tidak dapat dibaca".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_come_back_as_their_shortest_text() {
        assert_eq!(text(&Data::Float(3.0)).as_deref(), Some("3"));
        assert_eq!(text(&Data::Float(3.84)).as_deref(), Some("3.84"));
        assert_eq!(text(&Data::Float(0.1 + 0.2)).as_deref(), Some("0.30000000000000004"));
        assert_eq!(text(&Data::Int(4)).as_deref(), Some("4"));
        assert_eq!(text(&Data::Bool(true)), None);
    }

    #[test]
    fn header_names_are_normalised() {
        assert_eq!(normalise("  Tingkat   Mandiri "), "tingkat mandiri");
    }
}
