//! The form a request fills in: an agency defines its fields, a citizen answers them.
//!
//! Definitions are checked when they are made (and again when read back), so checking
//! answers can trust them. Answers arrive the way HTML forms send them: every field as a
//! list of strings (a multiple choice is the same name repeated), see [`RawAnswers`].

mod answers;
pub mod editor;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

pub use answers::{Answer, AnswerProblem, CheckedAnswers, Location, RawAnswers};

use crate::catalog::enums::vocabulary;
use crate::text::tidy;

/// Most fields a form may have: more is a sign the service should be split.
pub const MAX_FIELDS: usize = 50;
/// Field keys: `[a-z][a-z0-9_]{0,39}`, stable names for storage and exports.
pub const MAX_KEY_CHARS: usize = 40;
pub const MAX_LABEL_CHARS: usize = 300;
pub const MAX_HELP_CHARS: usize = 2_000;
pub const MAX_OPTIONS: usize = 100;
pub const MAX_OPTION_CHARS: usize = 200;
/// Default length limits, in characters, for `text` and `long_text` answers.
pub const DEFAULT_TEXT_CHARS: usize = 200;
pub const DEFAULT_LONG_TEXT_CHARS: usize = 2_000;
/// The largest `max_length` a definition may set.
pub const MAX_TEXT_LIMIT: usize = 10_000;

vocabulary!(
    /// What a field asks for.
    FieldKind {
        /// One line of text.
        Text = "text",
        /// Several lines of text.
        LongText = "long_text",
        /// A decimal number (`12`, `2,5`).
        Number = "number",
        /// A date, `YYYY-MM-DD` (what `<input type="date">` sends).
        Date = "date",
        /// One of the options.
        Choice = "choice",
        /// Any number of the options.
        Choices = "choices",
        /// One or more uploaded files, given as references; the caller checks they exist.
        File = "file",
        /// A point: `latitude,longitude` in decimal degrees.
        Location = "location",
    }
);

impl FieldKind {
    fn has_options(self) -> bool {
        matches!(self, Self::Choice | Self::Choices)
    }

    fn default_text_limit(self) -> Option<usize> {
        match self {
            Self::Text => Some(DEFAULT_TEXT_CHARS),
            Self::LongText => Some(DEFAULT_LONG_TEXT_CHARS),
            _ => None,
        }
    }
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormField {
    pub key: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(default)]
    pub required: bool,
    pub kind: FieldKind,
    /// The choices of `choice` and `choices` fields, in display order; empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// A limit in characters for `text` and `long_text`, instead of the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
}

impl FormField {
    /// The length limit answers are held to: `None` for kinds that are not text.
    pub fn text_limit(&self) -> Option<usize> {
        self.kind.default_text_limit().map(|default| self.max_length.unwrap_or(default))
    }
}

/// A problem with a form definition. `field` is the 1-based position of the field, or
/// `None` for the form as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionProblem {
    pub field: Option<usize>,
    pub key: String,
    pub reason: String,
}

impl std::fmt::Display for DefinitionProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.field {
            Some(n) => write!(f, "isian ke-{n} ({}): {}", self.key, self.reason),
            None => f.write_str(&self.reason),
        }
    }
}

/// A checked form definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "UncheckedForm")]
pub struct FormDefinition {
    fields: Vec<FormField>,
}

#[derive(Deserialize)]
struct UncheckedForm {
    fields: Vec<FormField>,
}

impl TryFrom<UncheckedForm> for FormDefinition {
    type Error = String;
    fn try_from(form: UncheckedForm) -> Result<Self, String> {
        Self::new(form.fields)
            .map_err(|problems| problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
    }
}

fn valid_key(key: &str) -> bool {
    let mut bytes = key.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && key.len() <= MAX_KEY_CHARS
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The problems of one field, without the key's uniqueness (a form-wide matter).
fn field_problems(field: &FormField) -> Vec<String> {
    let mut reasons = Vec::new();
    if !valid_key(&field.key) {
        reasons.push(format!(
            "kunci harus diawali huruf kecil dan hanya berisi huruf kecil, angka dan _ (maksimal {MAX_KEY_CHARS})"
        ));
    }
    let label = field.label.trim().chars().count();
    if label == 0 {
        reasons.push("label wajib diisi".into());
    } else if label > MAX_LABEL_CHARS {
        reasons.push(format!("label terlalu panjang (maksimal {MAX_LABEL_CHARS} karakter)"));
    }
    if field.help.as_deref().is_some_and(|h| h.chars().count() > MAX_HELP_CHARS) {
        reasons.push(format!("petunjuk terlalu panjang (maksimal {MAX_HELP_CHARS} karakter)"));
    }
    if field.kind.has_options() {
        let mut seen = BTreeSet::new();
        if field.options.is_empty() {
            reasons.push("isian pilihan harus memiliki minimal satu pilihan".into());
        } else if field.options.len() > MAX_OPTIONS {
            reasons.push(format!("terlalu banyak pilihan (maksimal {MAX_OPTIONS})"));
        }
        for option in &field.options {
            if option.trim().is_empty() || option.trim() != option {
                reasons.push("pilihan tidak boleh kosong atau diawali/diakhiri spasi".into());
            } else if option.chars().count() > MAX_OPTION_CHARS {
                reasons.push(format!("pilihan terlalu panjang (maksimal {MAX_OPTION_CHARS} karakter)"));
            } else if !seen.insert(option.as_str()) {
                reasons.push(format!("pilihan '{option}' tercantum dua kali"));
            }
        }
    } else if !field.options.is_empty() {
        reasons.push(format!("hanya isian choice dan choices yang memiliki pilihan, bukan {}", field.kind));
    }
    match (field.kind.default_text_limit(), field.max_length) {
        (_, None) => {}
        (None, Some(_)) => reasons.push(format!("panjang maksimal hanya untuk isian teks, bukan {}", field.kind)),
        (Some(_), Some(n)) if !(1..=MAX_TEXT_LIMIT).contains(&n) => {
            reasons.push(format!("panjang maksimal harus antara 1 dan {MAX_TEXT_LIMIT} karakter"));
        }
        (Some(_), Some(_)) => {}
    }
    reasons
}

impl FormDefinition {
    /// Checks a definition, reporting every problem at once.
    pub fn new(fields: Vec<FormField>) -> Result<Self, Vec<DefinitionProblem>> {
        let mut problems = Vec::new();
        let whole = |reason: String| DefinitionProblem { field: None, key: String::new(), reason };
        if fields.is_empty() {
            problems.push(whole("formulir harus memiliki minimal satu isian".into()));
        }
        if fields.len() > MAX_FIELDS {
            problems.push(whole(format!("formulir terlalu panjang: {} isian, maksimal {MAX_FIELDS}", fields.len())));
        }
        let mut keys = BTreeSet::new();
        for (i, field) in fields.iter().enumerate() {
            let mut reasons = field_problems(field);
            if !keys.insert(field.key.as_str()) {
                reasons.push(format!("kunci '{}' sudah dipakai isian lain", field.key));
            }
            problems.extend(reasons.into_iter().map(|reason| DefinitionProblem {
                field: Some(i + 1),
                key: field.key.clone(),
                reason,
            }));
        }
        if problems.is_empty() { Ok(Self { fields }) } else { Err(problems) }
    }

    pub fn fields(&self) -> &[FormField] {
        &self.fields
    }

    pub fn field(&self, key: &str) -> Option<&FormField> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// A starting form for a service from its persyaratan: each requirement becomes a
    /// required file upload labelled with the requirement (keys `dokumen_1`, `dokumen_2`…,
    /// stable whatever the wording), then an optional `catatan`. The agency edits it from
    /// there (a requirement like "berdomisili di Kota Bogor" is not a document). A
    /// requirement too long for a label is shortened, with the full text as help. Fails only
    /// for more than 49 requirements.
    pub fn default_for(requirements: &[String]) -> Result<Self, Vec<DefinitionProblem>> {
        let mut seen = BTreeSet::new();
        let requirements = requirements.iter().map(|r| tidy(r)).filter(|r| !r.is_empty() && seen.insert(r.clone()));
        let mut fields: Vec<FormField> = requirements
            .enumerate()
            .map(|(i, requirement)| {
                let long = requirement.chars().count() > MAX_LABEL_CHARS;
                let label = if long {
                    let short: String = requirement.chars().take(MAX_LABEL_CHARS - 1).collect();
                    format!("{}…", short.trim_end())
                } else {
                    requirement.clone()
                };
                FormField {
                    key: format!("dokumen_{}", i + 1),
                    label,
                    help: long.then_some(requirement),
                    required: true,
                    kind: FieldKind::File,
                    options: Vec::new(),
                    max_length: None,
                }
            })
            .collect();
        fields.push(FormField {
            key: "catatan".into(),
            label: "Catatan".into(),
            help: Some("Keterangan tambahan untuk petugas (tidak wajib).".into()),
            required: false,
            kind: FieldKind::LongText,
            options: Vec::new(),
            max_length: None,
        });
        Self::new(fields)
    }
}

#[cfg(test)]
mod tests;
