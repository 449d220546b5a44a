//! The form editor's rows: a definition shown as one row of plain text values per field
//! (what an HTML form without JavaScript can send back), and read back into a checked
//! definition with every problem attached to the row it concerns.

use sha2::{Digest, Sha256};

use super::{FieldKind, FormDefinition, FormField};
use crate::text::tidy;

/// One field as the editor shows and sends it: every value as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditorRow {
    pub key: String,
    pub label: String,
    pub help: String,
    /// A [`FieldKind`] name (`text`, `long_text`, …).
    pub kind: String,
    pub required: bool,
    /// The options of a choice, one per line.
    pub options: String,
    /// Empty for the kind's default.
    pub max_length: String,
    /// Where the field goes: rows are sorted by this number (blank: the row's own place).
    pub order: String,
    /// Ticked "remove": the row is left out.
    pub remove: bool,
}

impl EditorRow {
    /// A defined field as a row at position `order` (1-based).
    pub fn from_field(field: &FormField, order: usize) -> Self {
        Self {
            key: field.key.clone(),
            label: field.label.clone(),
            help: field.help.clone().unwrap_or_default(),
            kind: field.kind.as_str().to_string(),
            required: field.required,
            options: field.options.join("\n"),
            max_length: field.max_length.map(|n| n.to_string()).unwrap_or_default(),
            order: order.to_string(),
            remove: false,
        }
    }

    /// Nothing typed in it: an unused empty row. Its kind, order and required box alone
    /// do not count (they come pre-filled).
    pub fn is_blank(&self) -> bool {
        [&self.key, &self.label, &self.help, &self.options, &self.max_length].iter().all(|v| v.trim().is_empty())
    }
}

/// The rows of a definition, numbered 1, 2, 3 … in its order.
pub fn rows_of(form: &FormDefinition) -> Vec<EditorRow> {
    form.fields().iter().enumerate().map(|(i, f)| EditorRow::from_field(f, i + 1)).collect()
}

/// A problem found reading the rows: `row` is the 0-based index into the rows given, or
/// `None` for the form as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditorProblem {
    pub row: Option<usize>,
    pub reason: String,
}

/// Reads the editor's rows: removed and blank rows are left out, the others sorted by
/// their order numbers (equal numbers keep the rows' order), then checked by
/// [`FormDefinition::new`]. Every problem is reported at once, each with its row:
/// the definition's own as well as order numbers, lengths and kinds that do not read.
pub fn from_rows(rows: &[EditorRow]) -> Result<FormDefinition, Vec<EditorProblem>> {
    let mut problems = Vec::new();
    let mut kept: Vec<(i64, usize, FormField)> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if row.remove || row.is_blank() {
            continue;
        }
        let mut problem = |reason: String| problems.push(EditorProblem { row: Some(i), reason });
        let own_place = i64::try_from(i + 1).unwrap_or(i64::MAX);
        let order = match row.order.trim() {
            "" => own_place,
            raw => raw.parse::<i64>().unwrap_or_else(|_| {
                problem("nomor urut harus bilangan bulat".into());
                own_place
            }),
        };
        let kind = FieldKind::parse(row.kind.trim()).unwrap_or_else(|_| {
            problem(format!("jenis isian '{}' tidak dikenal", row.kind.trim()));
            FieldKind::Text
        });
        let max_length = match row.max_length.trim() {
            "" => None,
            raw => match raw.parse::<usize>() {
                Ok(n) => Some(n),
                Err(_) => {
                    problem("panjang maksimal harus bilangan bulat".into());
                    None
                }
            },
        };
        let help = row.help.replace("\r\n", "\n").trim().to_string();
        let field = FormField {
            key: row.key.trim().to_string(),
            label: tidy(&row.label),
            help: (!help.is_empty()).then_some(help),
            required: row.required,
            kind,
            options: row.options.lines().map(str::trim).filter(|o| !o.is_empty()).map(String::from).collect(),
            max_length,
        };
        kept.push((order, i, field));
    }
    kept.sort_by_key(|(order, i, _)| (*order, *i));
    let row_of: Vec<usize> = kept.iter().map(|(_, i, _)| *i).collect();
    let checked = FormDefinition::new(kept.into_iter().map(|(_, _, f)| f).collect());
    if let Err(found) = &checked {
        problems.extend(found.iter().map(|p| EditorProblem {
            row: p.field.and_then(|n| row_of.get(n.wrapping_sub(1)).copied()),
            reason: p.reason.clone(),
        }));
    }
    match checked {
        Ok(form) if problems.is_empty() => Ok(form),
        _ => {
            problems.sort_by_key(|p| p.row.map_or(0, |r| r + 1));
            Err(problems)
        }
    }
}

/// A short fingerprint of a stored definition (`None`: nothing stored, the service uses
/// its default form). An editor sends back the revision it started from, so a save names
/// the version it replaces and a colleague's save in between is noticed, not overwritten.
pub fn revision(stored: Option<&str>) -> String {
    match stored {
        None => "bawaan".into(),
        Some(text) => Sha256::digest(text.as_bytes()).iter().take(8).map(|b| format!("{b:02x}")).collect(),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn row(key: &str, label: &str, kind: &str, order: &str) -> EditorRow {
        EditorRow { key: key.into(), label: label.into(), kind: kind.into(), order: order.into(), ..Default::default() }
    }

    #[test]
    fn rows_are_ordered_trimmed_and_blank_or_removed_ones_left_out() {
        let mut choice = row("kecamatan", "  Kecamatan   tempat tinggal ", "choice", "1");
        choice.options = "Bogor Barat\r\n\r\n  Bogor Timur  \n".into();
        choice.required = true;
        let mut removed = row("lama", "", "nonsense", "x");
        removed.remove = true;
        let mut notes = row("catatan", "Catatan", "long_text", "");
        notes.help = "  Baris satu\r\nBaris dua ".into();
        notes.max_length = " 500 ".into();
        let blank = EditorRow { kind: "text".into(), order: "9".into(), required: true, ..Default::default() };
        let form = from_rows(&[row("nama", "Nama", "text", "5"), choice, removed, blank, notes]).unwrap();
        let keys: Vec<_> = form.fields().iter().map(|f| f.key.as_str()).collect();
        // `catatan` has no number: it keeps its own place (5th row), after `nama` (5, 1st row).
        assert_eq!(keys, ["kecamatan", "nama", "catatan"]);
        let kecamatan = &form.fields()[0];
        assert_eq!(kecamatan.label, "Kecamatan tempat tinggal");
        assert_eq!(kecamatan.options, ["Bogor Barat", "Bogor Timur"]);
        assert!(kecamatan.required);
        let catatan = &form.fields()[2];
        assert_eq!(catatan.help.as_deref(), Some("Baris satu\nBaris dua"));
        assert_eq!(catatan.max_length, Some(500));
    }

    #[test]
    fn every_problem_is_given_with_its_row() {
        let rows = [
            row("nama", "Nama", "text", "1"),
            row("jenis", "Jenis", "choice", "2"),
            row("nama", "Nama lagi", "text", "abc"),
            EditorRow { max_length: "banyak".into(), ..row("umur", "Umur", "kotak", "4") },
        ];
        let problems = from_rows(&rows).unwrap_err();
        let found: Vec<_> = problems.iter().map(|p| (p.row, p.reason.as_str())).collect();
        assert!(found.contains(&(Some(1), "isian pilihan harus memiliki minimal satu pilihan")), "{found:?}");
        assert!(found.contains(&(Some(2), "nomor urut harus bilangan bulat")));
        assert!(found.contains(&(Some(2), "kunci 'nama' sudah dipakai isian lain")));
        assert!(found.contains(&(Some(3), "jenis isian 'kotak' tidak dikenal")));
        assert!(found.contains(&(Some(3), "panjang maksimal harus bilangan bulat")));
        assert_eq!(found.len(), 5);
        let nothing = from_rows(&[EditorRow { remove: true, ..row("a", "A", "text", "1") }]).unwrap_err();
        assert_eq!(nothing[0].row, None);
    }

    #[test]
    fn revisions_tell_versions_apart() {
        assert_eq!(revision(None), "bawaan");
        assert_eq!(revision(Some("{}")).len(), 16);
        assert_eq!(revision(Some("{}")), revision(Some("{}")));
        assert_ne!(revision(Some("{}")), revision(Some("{ }")));
    }

    fn kind() -> impl Strategy<Value = FieldKind> {
        proptest::sample::select(FieldKind::ALL.to_vec())
    }

    /// A valid field: options only on choices, a length only on text.
    fn field() -> impl Strategy<Value = FormField> {
        (
            "[A-Z][a-z]{0,8}( [a-z]{1,6}){0,2}",
            proptest::option::of("[A-Za-z][A-Za-z .,\n]{0,30}[a-z.]"),
            any::<bool>(),
            kind(),
            proptest::collection::btree_set("[A-Za-z0-9]([A-Za-z0-9 ]{0,10}[A-Za-z0-9])?", 1..5),
            proptest::option::of(1usize..=10_000),
        )
            .prop_map(|(label, help, required, kind, options, max_length)| FormField {
                key: String::new(),
                label,
                help,
                required,
                kind,
                options: if matches!(kind, FieldKind::Choice | FieldKind::Choices) {
                    options.into_iter().collect()
                } else {
                    Vec::new()
                },
                max_length: if matches!(kind, FieldKind::Text | FieldKind::LongText) { max_length } else { None },
            })
    }

    proptest! {
        /// What the editor shows, sent back unchanged, is the same definition; sent back
        /// with the order numbers reversed, the same fields in reverse.
        #[test]
        fn rows_read_back_as_the_definition(fields in proptest::collection::vec(field(), 1..12)) {
            let fields: Vec<FormField> =
                fields.into_iter().enumerate().map(|(i, f)| FormField { key: format!("isian_{i}"), ..f }).collect();
            let form = FormDefinition::new(fields).unwrap();
            let rows = rows_of(&form);
            prop_assert_eq!(from_rows(&rows).unwrap(), form.clone());
            let n = rows.len();
            let reversed: Vec<EditorRow> =
                rows.into_iter().enumerate().map(|(i, r)| EditorRow { order: (n - i).to_string(), ..r }).collect();
            let mut expected = form.fields().to_vec();
            expected.reverse();
            let read = from_rows(&reversed).unwrap();
            prop_assert_eq!(read.fields(), expected.as_slice());
        }

        /// Whatever is typed, nothing panics and every problem names a row that was sent,
        /// neither removed nor blank.
        #[test]
        fn problems_name_rows_that_count(
            rows in proptest::collection::vec(
                ("[a-z_A-Z0-9]{0,6}", ".{0,8}", "(text|choice|choices|number|kotak)", any::<bool>(), "(a\nb|a\na| |)", "(|[0-9]{1,6}|x)", "(|-?[0-9]{1,3}|z)", any::<bool>()),
                0..8,
            )
        ) {
            let rows: Vec<EditorRow> = rows
                .into_iter()
                .map(|(key, label, kind, required, options, max_length, order, remove)| EditorRow {
                    key, label, help: String::new(), kind, required, options, max_length, order, remove,
                })
                .collect();
            if let Err(problems) = from_rows(&rows) {
                prop_assert!(!problems.is_empty());
                for p in &problems {
                    if let Some(i) = p.row {
                        prop_assert!(i < rows.len() && !rows[i].remove && !rows[i].is_blank());
                    }
                }
            }
        }
    }
}
