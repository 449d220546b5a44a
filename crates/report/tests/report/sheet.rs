//! The indicator sheet: XLSX out, edited, and back in.

use report::{IndicatorSheet, SheetError, SheetRow, SheetUpdate, read_indicator_sheet, write_indicator_sheet};
use rust_xlsxwriter::Workbook;

fn sheet() -> IndicatorSheet {
    let row = |code: &str, level: Option<&str>, narrative: &str| SheetRow {
        code: code.into(),
        number: Some(1),
        name: format!("Indikator {code}"),
        group: "Domain Kebijakan".into(),
        level: level.map(Into::into),
        narrative: narrative.into(),
        evidence: vec!["https://satupintu.kotabogor.go.id/bukti/1".into(), "https://contoh.id/2".into()],
        final_level: Some("3".into()),
    };
    IndicatorSheet {
        title: "Evaluasi SPBE 2024".into(),
        framework: "Indeks SPBE (PermenPANRB 59/2020)".into(),
        rows: vec![
            row("I-01", Some("3"), "Kebijakan sudah ditetapkan.\nBaris kedua."),
            row("I-02", Some("3.84"), "=SUM(A1) bukan rumus"),
            row("I-03", None, ""),
            row("I-04", Some("3,5"), "Tingkat berkoma tetap teks"),
            row("I-05", Some("04"), "Nol di depan tetap teks"),
        ],
    }
}

fn updates(bytes: &[u8]) -> Vec<(usize, String, Option<String>, String)> {
    read_indicator_sheet(bytes)
        .unwrap_or_else(|e| panic!("read: {e}"))
        .into_iter()
        .map(|SheetUpdate { row, code, level, narrative }| (row, code, level, narrative))
        .collect()
}

fn problems(bytes: &[u8]) -> Vec<String> {
    match read_indicator_sheet(bytes) {
        Err(SheetError::Problems(problems)) => problems.iter().map(ToString::to_string).collect(),
        other => panic!("expected problems, got {other:?}"),
    }
}

#[test]
fn written_sheet_reads_back() {
    let sheet = sheet();
    let bytes = write_indicator_sheet(&sheet).unwrap_or_else(|e| panic!("write: {e}"));
    let back = updates(&bytes);
    let expected: Vec<_> = sheet
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| (i + 4, r.code.clone(), r.level.clone(), r.narrative.clone()))
        .collect();
    assert_eq!(back, expected);
}

/// A sheet as a person leaves it after editing, written cell by cell: title rows, the
/// header in row 3, then `rows`.
fn edited(header: &[&str], rows: &[&[Cell]]) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Indikator").unwrap();
    sheet.write_string(0, 0, "Evaluasi SPBE 2024").unwrap();
    for (col, name) in header.iter().enumerate() {
        sheet.write_string(2, col as u16, *name).unwrap();
    }
    for (r, cells) in rows.iter().enumerate() {
        for (col, cell) in cells.iter().enumerate() {
            let (r, col) = (r as u32 + 3, col as u16);
            match cell {
                Cell::Text(t) => sheet.write_string(r, col, *t).unwrap(),
                Cell::Number(n) => sheet.write_number(r, col, *n).unwrap(),
                Cell::Bool(b) => sheet.write_boolean(r, col, *b).unwrap(),
                Cell::Blank => sheet,
            };
        }
    }
    workbook.save_to_buffer().unwrap()
}

enum Cell {
    Text(&'static str),
    Number(f64),
    Bool(bool),
    Blank,
}
use Cell::{Blank, Bool, Number, Text};

const HEADER: &[&str] = &["Kode", "No.", "Indikator", "Kelompok", "Tingkat mandiri", "Narasi", "Bukti (tautan)"];

#[test]
fn edited_levels_read_as_typed() {
    let bytes = edited(
        HEADER,
        &[
            &[Text("I-01"), Number(1.0), Text("Satu"), Text("D1"), Number(4.0), Text("angka")],
            &[Text("I-02"), Number(2.0), Text("Dua"), Text("D1"), Text(" 4 "), Text("teks")],
            &[Text("I-03"), Number(3.0), Text("Tiga"), Text("D1"), Blank, Text("kosong")],
            &[Text("I-04"), Number(4.0), Text("Empat"), Text("D1"), Number(3.84), Blank],
            &[Blank, Blank, Blank, Blank, Blank, Blank],
            &[Text("I-05"), Blank, Blank, Blank, Text(""), Text("  narasi  ")],
        ],
    );
    assert_eq!(
        updates(&bytes),
        vec![
            (4, "I-01".into(), Some("4".into()), "angka".into()),
            (5, "I-02".into(), Some("4".into()), "teks".into()),
            (6, "I-03".into(), None, "kosong".into()),
            (7, "I-04".into(), Some("3.84".into()), String::new()),
            (9, "I-05".into(), None, "narasi".into()),
        ]
    );
}

#[test]
fn moved_columns_still_read() {
    let bytes =
        edited(&["narasi", "Catatan saya", " KODE ", "tingkat"], &[&[Text("n"), Text("x"), Text("A"), Number(2.0)]]);
    assert_eq!(updates(&bytes), vec![(4, "A".into(), Some("2".into()), "n".into())]);
}

#[test]
fn bad_rows_are_listed_with_their_row_numbers() {
    let bytes = edited(
        HEADER,
        &[
            &[Text("I-01"), Blank, Blank, Blank, Number(3.0), Text("baik")],
            &[Blank, Blank, Text("Tanpa kode"), Blank, Number(2.0), Text("lupa kode")],
            &[Text("I-01"), Blank, Blank, Blank, Number(1.0), Text("ganda")],
            &[Text("I-03"), Blank, Blank, Blank, Bool(true), Text("salah tipe")],
        ],
    );
    assert_eq!(
        problems(&bytes),
        vec![
            "baris 5, kolom Kode: kode kosong; setiap baris indikator harus berkode",
            "baris 6, kolom Kode: kode I-01 sudah muncul di baris 4",
            "baris 7, kolom Tingkat mandiri: sel berisi nilai benar/salah, bukan angka atau teks",
        ]
    );
}

#[test]
fn a_bad_header_is_reported_on_its_row() {
    let bytes = edited(&["Kd", "Tingkat mandiri", "Narasi"], &[&[Text("I-01"), Number(3.0), Text("x")]]);
    assert_eq!(problems(&bytes), vec!["baris 3, kolom Kode: kolom wajib tidak ada di baris judul"]);
}

#[test]
fn a_sheet_without_the_table_is_a_clear_error() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "Anggaran").unwrap();
    sheet.write_number(1, 0, 12.0).unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let error = read_indicator_sheet(&bytes).unwrap_err();
    assert_eq!(error, SheetError::NoTable { sheet: "Sheet1".into() });
    assert!(error.to_string().contains("tidak berisi tabel indikator"), "{error}");
}

#[test]
fn not_a_workbook_is_unreadable() {
    assert!(matches!(read_indicator_sheet(b"%PDF-1.7"), Err(SheetError::Unreadable(_))));
}
