//! Writing the indicator sheet.

use rust_xlsxwriter::{Color, Format, FormatAlign, ProtectionOptions, Workbook, Worksheet, XlsxError};

use super::{CODE, IndicatorSheet, LEVEL, NARRATIVE, SHEET_NAME, SheetRow};
use crate::ReportError;

/// Zero-based row of the column header (row 3 in Excel); data starts below it.
pub(super) const HEADER_ROW: u32 = 2;

/// `(header, width)` in column order; [`write_row`] writes the cells in the same order.
const COLUMNS: [(&str, f64); 8] = [
    (CODE.0, 12.0),
    ("No.", 6.0),
    ("Indikator", 40.0),
    ("Kelompok", 20.0),
    (LEVEL.0, 12.0),
    (NARRATIVE.0, 60.0),
    ("Bukti (tautan)", 40.0),
    ("Tingkat akhir (hanya baca)", 14.0),
];

/// Writes the sheet as XLSX. The level, narrative and evidence cells are editable; the
/// rest is locked (sheet protection without a password: a guard against slips, not a
/// security measure), and the final level is greyed as read-only.
pub fn write_indicator_sheet(sheet: &IndicatorSheet) -> Result<Vec<u8>, ReportError> {
    let mut workbook = Workbook::new();
    let worksheet = workbook.add_worksheet();
    worksheet.set_name(SHEET_NAME)?;
    worksheet.write_string_with_format(0, 0, &sheet.title, &Format::new().set_bold().set_font_size(14))?;
    worksheet.write_string(1, 0, &sheet.framework)?;
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(Color::RGB(0xDDE6F0))
        .set_border_bottom(rust_xlsxwriter::FormatBorder::Thin);
    for (col, (name, width)) in COLUMNS.iter().enumerate() {
        let col = col as u16;
        worksheet.write_string_with_format(HEADER_ROW, col, *name, &header)?;
        worksheet.set_column_width(col, *width)?;
    }
    let cells = Cells::new();
    for (i, row) in sheet.rows.iter().enumerate() {
        let r = HEADER_ROW + 1 + u32::try_from(i).map_err(|_| XlsxError::RowColumnLimitError)?;
        write_row(worksheet, r, row, &cells)?;
    }
    worksheet.set_freeze_panes(HEADER_ROW + 1, 1)?;
    let options = ProtectionOptions {
        format_cells: true,
        format_columns: true,
        format_rows: true,
        sort: true,
        use_autofilter: true,
        ..ProtectionOptions::default()
    };
    worksheet.protect_with_options(&options);
    Ok(workbook.save_to_buffer()?)
}

/// The cell formats of a data row.
struct Cells {
    locked: Format,
    editable: Format,
    read_only: Format,
}

impl Cells {
    fn new() -> Self {
        let top = Format::new().set_align(FormatAlign::Top).set_text_wrap();
        Self {
            locked: top.clone(),
            editable: top.clone().set_unlocked(),
            read_only: top.set_background_color(Color::RGB(0xEEEEEE)).set_font_color(Color::RGB(0x555555)),
        }
    }
}

fn write_row(worksheet: &mut Worksheet, r: u32, row: &SheetRow, cells: &Cells) -> Result<(), XlsxError> {
    worksheet.write_string_with_format(r, 0, &row.code, &cells.locked)?;
    match row.number {
        Some(number) => worksheet.write_number_with_format(r, 1, f64::from(number), &cells.locked)?,
        None => worksheet.write_blank(r, 1, &cells.locked)?,
    };
    worksheet.write_string_with_format(r, 2, &row.name, &cells.locked)?;
    worksheet.write_string_with_format(r, 3, &row.group, &cells.locked)?;
    write_level(worksheet, r, 4, row.level.as_deref(), &cells.editable)?;
    worksheet.write_string_with_format(r, 5, &row.narrative, &cells.editable)?;
    worksheet.write_string_with_format(r, 6, row.evidence.join("\n"), &cells.editable)?;
    write_level(worksheet, r, 7, row.final_level.as_deref(), &cells.read_only)?;
    Ok(())
}

/// A level that is a plain number is written as a number (no "number stored as text"
/// warning in Excel), but only when reading it back gives the same text: "3.84" becomes
/// 3.84, while "03" or "3,5" stay text.
fn write_level(
    worksheet: &mut Worksheet,
    r: u32,
    col: u16,
    level: Option<&str>,
    format: &Format,
) -> Result<(), XlsxError> {
    match level {
        None | Some("") => worksheet.write_blank(r, col, format)?,
        Some(text) => match text.parse::<f64>() {
            Ok(number) if number.is_finite() && number.to_string() == text => {
                worksheet.write_number_with_format(r, col, number, format)?
            }
            _ => worksheet.write_string_with_format(r, col, text, format)?,
        },
    };
    Ok(())
}
