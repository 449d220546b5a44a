//! The back-office's catalog forms: one field list rendered by `admin_fields.html`, whose
//! names are the columns of the catalog and agency files, so a form is validated by the
//! same rules as a file row and its problems land next to the field they concern.

use std::collections::HashMap;

use domain::RowProblem;

use crate::i18n::Tr;
use crate::views::Choice;

/// How a field is typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Text,
    Email,
    Url,
    Tel,
    /// Whole numbers (`inputmode="numeric"`, still a text box: "150.000" is accepted).
    Number,
    Area,
    Select,
}

/// One labelled form control with its value and, after a refused submit, its problem.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: &'static str,
    pub label: String,
    pub value: String,
    pub hint: Option<String>,
    pub error: Option<String>,
    /// `text`, `email`, `url`, `tel`, `number`, `area` or `select` (for the template).
    pub input: &'static str,
    pub choices: Vec<Choice>,
    pub required: bool,
    pub max: usize,
    /// The ids of the hint and error, for `aria-describedby`.
    pub described_by: String,
}

/// A field's definition: name, input, required, longest value.
pub type Spec = (&'static str, Input, bool, usize);

/// Fields whose value is a `;`-separated list; the form shows one item per line.
pub const LIST_FIELDS: &[&str] = &["persyaratan", "prosedur"];

/// A problem shown above the form, linking to its field.
pub struct Summary {
    pub anchor: String,
    pub text: String,
}

/// Builds the fields of a form from their specs, values and problems. Labels and hints are
/// `{prefix}-{name}` and `{prefix}-{name}-hint` (a hint exists only when its key does).
pub fn fields(
    t: Tr,
    prefix: &str,
    specs: &[Spec],
    values: &HashMap<String, String>,
    problems: &[RowProblem],
    mut choices: impl FnMut(&str) -> Vec<Choice>,
) -> Vec<Field> {
    specs
        .iter()
        .map(|&(name, input, required, max)| {
            let mut value = values.get(name).cloned().unwrap_or_default();
            if LIST_FIELDS.contains(&name) {
                value = domain::text::split_list(&value.replace(['\r', '\n'], ";")).join(";\n");
            }
            let hint_key = format!("{prefix}-{name}-hint");
            let hint = t.has(&hint_key).then(|| t.get(&hint_key));
            let errors: Vec<&str> =
                problems.iter().filter(|p| p.column.as_deref() == Some(name)).map(|p| p.reason.as_str()).collect();
            let error = (!errors.is_empty()).then(|| errors.join("; "));
            let described_by =
                [hint.as_ref().map(|_| format!("f-{name}-hint")), error.as_ref().map(|_| format!("f-{name}-error"))]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
            let input_name = match input {
                Input::Text => "text",
                Input::Email => "email",
                Input::Url => "url",
                Input::Tel => "tel",
                Input::Number => "number",
                Input::Area => "area",
                Input::Select => "select",
            };
            let choices = if input == Input::Select {
                choices(name).into_iter().map(|c| Choice { selected: c.value == value, ..c }).collect()
            } else {
                Vec::new()
            };
            Field {
                name,
                label: t.get(&format!("{prefix}-{name}")),
                value,
                hint,
                error,
                input: input_name,
                choices,
                required,
                max,
                described_by,
            }
        })
        .collect()
}

/// The problems above the form, each as "Label: reason" linking to its field.
pub fn summary(fields: &[Field], problems: &[RowProblem]) -> Vec<Summary> {
    problems
        .iter()
        .map(|p| {
            let field = fields.iter().find(|f| Some(f.name) == p.column.as_deref());
            Summary {
                anchor: field.map(|f| format!("#f-{}", f.name)).unwrap_or_default(),
                text: match field {
                    Some(f) => format!("{}: {}", f.label, p.reason),
                    None => p.reason.clone(),
                },
            }
        })
        .collect()
}

/// The submitted values of the named fields, trimmed; list fields typed one per line
/// become `;`-separated as in files.
pub fn submitted(form: &[(String, String)], specs: &[Spec]) -> HashMap<String, String> {
    form.iter()
        .filter(|(k, _)| specs.iter().any(|(name, ..)| name == k))
        .map(|(k, v)| {
            let value = if LIST_FIELDS.contains(&k.as_str()) { v.replace(['\r', '\n'], ";") } else { v.clone() };
            (k.clone(), value.trim().to_string())
        })
        .collect()
}

/// Fields too long for their column, as problems, added to `problems` unless the field
/// already has the same one (files have no form limits; `maxlength` is only a hint to the
/// browser, so the server checks again).
pub fn add_too_long(problems: &mut Vec<RowProblem>, specs: &[Spec], values: &HashMap<String, String>) {
    for (name, _, _, max) in specs {
        if values.get(*name).is_some_and(|v| v.chars().count() > *max) {
            let reason = format!("terlalu panjang (maksimal {max} karakter)");
            if !problems.iter().any(|p| p.column.as_deref() == Some(name) && p.reason == reason) {
                problems.push(RowProblem { line: 0, column: Some((*name).to_string()), reason });
            }
        }
    }
}

/// A problem with one field.
pub fn problem(column: &str, reason: String) -> RowProblem {
    RowProblem { line: 0, column: Some(column.to_string()), reason }
}

#[cfg(test)]
mod tests {
    use crate::i18n::{Lang, catalog_ids};

    /// Field labels are looked up by name, so the key test cannot see them: check here.
    #[test]
    fn every_field_has_a_label_in_both_languages() {
        let specs = [
            ("admin-service-field", super::super::admin_service_form::SPECS),
            ("admin-agency-field", super::super::admin_agencies::SPECS),
        ];
        for lang in [Lang::Id, Lang::En] {
            let ids = catalog_ids(lang);
            for (prefix, specs) in specs {
                for (name, ..) in specs {
                    assert!(ids.contains(&format!("{prefix}-{name}")), "{lang:?} lacks {prefix}-{name}");
                }
            }
            let hints = |l: Lang| catalog_ids(l).into_iter().filter(|k| k.ends_with("-hint")).collect::<Vec<_>>();
            assert_eq!(hints(Lang::Id), hints(Lang::En), "hints differ between languages");
        }
    }
}
