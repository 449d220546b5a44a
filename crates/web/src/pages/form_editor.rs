//! The editor of the form a service's requests fill in, for admins
//! (`/admin/layanan/{code}/formulir`) and for operators of the agency that owns the
//! service (`/petugas/layanan/{code}/formulir`). One HTML form without JavaScript: a
//! fieldset per field plus a few empty rows, read back by the domain
//! (`form::editor::from_rows`), so every problem lands next to the field it concerns.
//! Reads and writes take the editor's agency codes: another agency's service is a 404.

use std::collections::BTreeMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use domain::request::form::editor::{EditorProblem, EditorRow, from_rows, revision, rows_of};
use domain::request::form::{MAX_KEY_CHARS, MAX_LABEL_CHARS};
use domain::request::{FieldKind, FormDefinition};
use domain::{IntegrationMode, ServiceCode};
use store::requests::{EditableForm, FormEdit, FormEditError};

use super::account::{field, form, internal, see_other};
use super::admin_form::Summary;
use crate::auth::roles::{Admin, Operator};
use crate::error::{PageError, render};
use crate::i18n::Tr;
use crate::state::AppState;
use crate::views::{Choice, Layout, Nav, PageCtx, mode_label};

/// Empty rows offered for new fields.
const EXTRA_ROWS: usize = 3;
/// Rows read from a post at most (the domain allows 50 fields; the rest is noise).
const MAX_ROWS: usize = 500;

/// Where an editor works: its agencies, its addresses, who saves.
struct Scope<'a> {
    agencies: &'a [String],
    /// `/admin/layanan` or `/petugas/layanan`.
    base: &'static str,
    actor: &'a str,
}

/// One field's row as the template draws it.
pub struct RowView {
    /// 1-based, in names and ids (`kunci-3`).
    pub n: usize,
    pub legend: String,
    pub row: EditorRow,
    pub kinds: Vec<Choice>,
    pub blank: bool,
    pub errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "form_editor.html")]
struct EditorPage {
    l: Layout,
    code: String,
    heading: String,
    /// Breadcrumb: the section and the page above this one.
    crumbs: Vec<(String, String)>,
    action: String,
    revision: String,
    rows: Vec<RowView>,
    summary: Vec<Summary>,
    notice: Option<String>,
    error: Option<String>,
    default_form: bool,
    /// Why the form is not used on the portal (the service is applied for elsewhere).
    elsewhere: Option<String>,
    max_key: usize,
    max_label: usize,
}

pub(super) fn kind_label(t: Tr, kind: FieldKind) -> String {
    t.get(&format!("form-editor-kind-{}", kind.as_str()))
}

/// The service behind `raw` among the editor's agencies, or a 404.
async fn open(state: &AppState, ctx: &PageCtx, scope: &Scope<'_>, raw: &str) -> Result<EditableForm, PageError> {
    let code = ServiceCode::parse(raw).map_err(|_| PageError::not_found(ctx.lang))?;
    state
        .store
        .editable_form(scope.agencies, code.as_str())
        .await
        .map_err(|e| internal(ctx, e))?
        .ok_or_else(|| PageError::not_found(ctx.lang))
}

/// The form as it is now: the stored one, else the default made from the persyaratan.
fn current(ctx: &PageCtx, target: &EditableForm) -> Result<Vec<EditorRow>, PageError> {
    match &target.definition {
        Some(json) => serde_json::from_str::<FormDefinition>(json)
            .map(|form| rows_of(&form))
            .map_err(|e| internal(ctx, format!("service_forms.definition of {}: {e}", target.service_code))),
        // More than 49 requirements (no default form): the editor starts empty.
        None => Ok(FormDefinition::default_for(&target.requirements).map(|f| rows_of(&f)).unwrap_or_default()),
    }
}

/// What the editor shows of a form.
struct Shown<'a> {
    /// As stored, or as typed.
    rows: Vec<EditorRow>,
    problems: &'a [EditorProblem],
    /// The version the editor works on (sent back with a save).
    revision: String,
    notice: Option<String>,
    error: Option<String>,
}

/// The editor: the rows with their problems, blank rows dropped and fresh empty ones
/// added at the end.
fn page(
    state: &AppState,
    ctx: &PageCtx,
    scope: &Scope<'_>,
    target: &EditableForm,
    shown: Shown<'_>,
) -> Result<Html<String>, PageError> {
    let t = ctx.tr();
    let Shown { rows, problems, revision, notice, error } = shown;
    let mut kept: Vec<(Option<usize>, EditorRow)> =
        rows.into_iter().enumerate().filter(|(_, r)| !r.is_blank()).map(|(i, r)| (Some(i), r)).collect();
    let next = kept.len();
    kept.extend((1..=EXTRA_ROWS).map(|k| {
        (None, EditorRow { kind: FieldKind::Text.as_str().into(), order: (next + k).to_string(), ..Default::default() })
    }));
    let number_of = |i: usize| kept.iter().position(|(from, _)| *from == Some(i)).map(|p| p + 1);
    let rows: Vec<RowView> = kept
        .iter()
        .enumerate()
        .map(|(p, (from, row))| RowView {
            n: p + 1,
            legend: if from.is_some() {
                t.args("form-editor-field", &[("n", (p + 1).to_string()), ("label", row.label.trim().to_string())])
            } else {
                t.with("form-editor-new-field", "n", p + 1)
            },
            kinds: FieldKind::ALL
                .iter()
                .map(|k| Choice {
                    value: k.as_str().into(),
                    label: kind_label(t, *k),
                    selected: row.kind == k.as_str(),
                })
                .collect(),
            blank: row.is_blank(),
            errors: problems.iter().filter(|e| e.row.is_some() && e.row == *from).map(|e| e.reason.clone()).collect(),
            row: row.clone(),
        })
        .collect();
    let summary = problems
        .iter()
        .map(|p| match p.row.and_then(number_of) {
            Some(n) => Summary {
                anchor: format!("#isian-{n}"),
                text: t.args("form-editor-row-problem", &[("n", n.to_string()), ("reason", p.reason.clone())]),
            },
            None => Summary { anchor: String::new(), text: p.reason.clone() },
        })
        .collect();
    let heading = t.with("form-editor-title", "service", &target.service_name);
    let crumbs = if scope.base.starts_with("/admin") {
        vec![
            ("/admin".to_string(), t.get("admin-title")),
            (format!("/admin/layanan/{}", target.service_code), target.service_code.clone()),
        ]
    } else {
        vec![
            ("/petugas".to_string(), t.get("office-title")),
            ("/petugas/layanan".to_string(), t.get("office-forms-title")),
        ]
    };
    let mode = IntegrationMode::parse(&target.mode).ok();
    let elsewhere = mode
        .filter(|m| !matches!(m, IntegrationMode::Native | IntegrationMode::Api))
        .map(|m| t.with("form-editor-elsewhere", "mode", mode_label(t, m)));
    render(
        ctx.lang,
        &EditorPage {
            l: ctx.layout(state, &heading, Nav::None),
            code: target.service_code.clone(),
            heading,
            crumbs,
            action: format!("{}/{}/formulir", scope.base, target.service_code),
            revision,
            rows,
            summary,
            notice,
            error,
            default_form: target.definition.is_none(),
            elsewhere,
            max_key: MAX_KEY_CHARS,
            max_label: MAX_LABEL_CHARS,
        },
    )
}

async fn show(state: &AppState, ctx: &PageCtx, scope: &Scope<'_>, raw: &str) -> Result<Html<String>, PageError> {
    let target = open(state, ctx, scope, raw).await?;
    let rows = current(ctx, &target)?;
    let notice = ctx.path.ends_with("?tersimpan=1").then(|| ctx.tr().get("form-editor-saved"));
    let revision = revision(target.definition.as_deref());
    page(state, ctx, scope, &target, Shown { rows, problems: &[], revision, notice, error: None })
}

/// The rows of a post: `kunci-3`, `label-3`, … for row 3, in row order.
fn posted_rows(fields: &[(String, String)]) -> Vec<EditorRow> {
    let mut rows: BTreeMap<usize, EditorRow> = BTreeMap::new();
    for (name, value) in fields {
        let Some((attr, n)) = name.rsplit_once('-') else { continue };
        let Some(n) = n.parse::<usize>().ok().filter(|n| (1..=MAX_ROWS).contains(n)) else { continue };
        let set: fn(&mut EditorRow, &str) = match attr {
            "kunci" => |r, v| r.key = v.to_string(),
            "label" => |r, v| r.label = v.to_string(),
            "petunjuk" => |r, v| r.help = v.to_string(),
            "jenis" => |r, v| r.kind = v.to_string(),
            "wajib" => |r, _| r.required = true,
            "pilihan" => |r, v| r.options = v.to_string(),
            "panjang" => |r, v| r.max_length = v.to_string(),
            "urutan" => |r, v| r.order = v.to_string(),
            "hapus" => |r, _| r.remove = true,
            _ => continue,
        };
        set(rows.entry(n).or_default(), value);
    }
    rows.into_values().collect()
}

async fn save(
    state: &AppState,
    ctx: &PageCtx,
    scope: &Scope<'_>,
    raw: &str,
    body: &[u8],
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let target = open(state, ctx, scope, raw).await?;
    let fields = form(body);
    let replaces = field(&fields, "versi").to_string();
    let rows = posted_rows(&fields);
    let checked = match from_rows(&rows) {
        Ok(checked) => checked,
        Err(problems) => {
            let shown = Shown { rows, problems: &problems, revision: replaces, notice: None, error: None };
            let html = page(state, ctx, scope, &target, shown)?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
        }
    };
    let definition = serde_json::to_string(&checked).map_err(|e| internal(ctx, e))?;
    let edit = FormEdit {
        service_code: &target.service_code,
        agency_codes: scope.agencies,
        replaces: &replaces,
        definition: &definition,
        actor: scope.actor,
    };
    match state.store.edit_service_form(&edit, Utc::now()).await {
        Ok(()) => Ok(see_other(&format!("{}/{}/formulir?tersimpan=1", scope.base, target.service_code), None)),
        Err(FormEditError::NotFound) => Err(PageError::not_found(ctx.lang)),
        // A colleague saved in between: show what this person typed against the version
        // now stored, so a second save is a conscious overwrite.
        Err(FormEditError::Moved) => {
            let now = open(state, ctx, scope, raw).await?;
            let error = Some(t.get("form-editor-moved"));
            let revision = revision(now.definition.as_deref());
            let html = page(state, ctx, scope, &now, Shown { rows, problems: &[], revision, notice: None, error })?;
            Ok((StatusCode::CONFLICT, html).into_response())
        }
        Err(FormEditError::Store(e)) => Err(internal(ctx, e)),
    }
}

/// Every agency's code, for an admin (read past the cache, like the admin's other pages).
async fn every_agency(state: &AppState, ctx: &PageCtx) -> Result<Vec<String>, PageError> {
    let agencies = state.store.list_agencies().await.map_err(|e| internal(ctx, e))?;
    Ok(agencies.iter().map(|a| a.agency.code.to_string()).collect())
}

/// `GET /admin/layanan/{code}/formulir`.
pub async fn admin_show(
    State(state): State<AppState>,
    ctx: PageCtx,
    Admin(admin): Admin,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let agencies = every_agency(&state, &ctx).await?;
    show(&state, &ctx, &Scope { agencies: &agencies, base: "/admin/layanan", actor: &admin.id }, &code).await
}

/// `POST /admin/layanan/{code}/formulir`.
pub async fn admin_save(
    State(state): State<AppState>,
    ctx: PageCtx,
    Admin(admin): Admin,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let agencies = every_agency(&state, &ctx).await?;
    save(&state, &ctx, &Scope { agencies: &agencies, base: "/admin/layanan", actor: &admin.id }, &code, &body).await
}

/// `GET /petugas/layanan/{code}/formulir`: a service of the operator's agencies.
pub async fn office_show(
    State(state): State<AppState>,
    ctx: PageCtx,
    op: Operator,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    show(&state, &ctx, &Scope { agencies: &op.agencies, base: "/petugas/layanan", actor: &op.user.id }, &code).await
}

/// `POST /petugas/layanan/{code}/formulir`.
pub async fn office_save(
    State(state): State<AppState>,
    ctx: PageCtx,
    op: Operator,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let scope = Scope { agencies: &op.agencies, base: "/petugas/layanan", actor: &op.user.id };
    save(&state, &ctx, &scope, &code, &body).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, catalog_ids};

    /// Kind labels are looked up by name, so the key test cannot see them: check here.
    #[test]
    fn every_kind_has_a_label_in_both_languages() {
        for lang in [Lang::Id, Lang::En] {
            let ids = catalog_ids(lang);
            for kind in FieldKind::ALL {
                let key = format!("form-editor-kind-{}", kind.as_str());
                assert!(ids.contains(&key), "{lang:?} lacks {key}");
            }
        }
    }

    #[test]
    fn rows_are_read_from_their_numbered_names() {
        let fields: Vec<(String, String)> = [
            ("versi", "bawaan"),
            ("kunci-2", "jenis"),
            ("jenis-2", "choice"),
            ("pilihan-2", "A\r\nB"),
            ("kunci-1", "nama"),
            ("wajib-1", "ya"),
            ("hapus-2", "ya"),
            ("kunci-0", "nol"),
            ("kunci-9999", "jauh"),
            ("kunci-x", "bukan"),
            ("lain-1", "?"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let rows = posted_rows(&fields);
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].key.as_str(), rows[0].required, rows[0].remove), ("nama", true, false));
        assert_eq!((rows[1].key.as_str(), rows[1].kind.as_str(), rows[1].remove), ("jenis", "choice", true));
        assert_eq!(rows[1].options, "A\r\nB");
    }
}
