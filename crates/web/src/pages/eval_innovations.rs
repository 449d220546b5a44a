//! `/inovasi`: the city's innovations registry — what each innovation is, its Smart City
//! dimension and element, owning agency, status, linked catalog applications, quick-win
//! flag, and KPIs with baseline, target and measured values over time. The evaluation
//! team and admins write; assessors read.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, Utc};
use domain::evaluation::{Dimension, Exact, InnovationStatus};
use domain::identity::Role;
use domain::{AgencyCode, ServiceCode};
use store::evaluation::{Innovation, InnovationInput, Kpi};
use store::{StoreError, User};

use super::account::{field, form, internal, see_other};
use super::eval_cycles::day;
use crate::auth::roles::SignedIn;
use crate::error::{PageError, render};
use crate::evaluation::registry;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx};

/// Who may read and who may write the registry.
async fn rights(state: &AppState, user: &User) -> Result<(bool, bool), StoreError> {
    Ok(match user.role {
        Role::Admin => (true, true),
        Role::Asesor => (true, false),
        _ => {
            let mut on_a_team = false;
            for cycle in state.store.cycles().await? {
                on_a_team |= state.store.on_team(&cycle.id, &user.id).await?;
            }
            (on_a_team, on_a_team)
        }
    })
}

/// The Smart City taxonomy every framework file offers, first one wins per code.
async fn dimensions(state: &AppState) -> Result<Vec<Dimension>, registry::RegistryError> {
    let mut all: Vec<Dimension> = Vec::new();
    for framework in registry::frameworks(&state.store).await? {
        for d in &framework.dimensions {
            if !all.iter().any(|x| x.code == d.code) {
                all.push(d.clone());
            }
        }
    }
    Ok(all)
}

fn dimension_label(dimensions: &[Dimension], dimension: &str, element: &str) -> String {
    dimensions
        .iter()
        .find(|d| d.code == dimension)
        .map(|d| {
            let e = d.elements.iter().find(|e| e.code == element).map_or(element, |e| e.name.as_str());
            format!("{} › {e}", d.name)
        })
        .unwrap_or_else(|| format!("{dimension} › {element}"))
}

fn status_label(t: Tr, status: &str) -> String {
    InnovationStatus::parse(status)
        .map_or_else(|| status.to_owned(), |s| t.get(&format!("eval-innovation-status-{}", s.as_str())))
}

pub struct InnovationRow {
    pub id: String,
    pub name: String,
    pub dimension: String,
    pub agency: String,
    pub status: String,
    pub quick_win: bool,
    pub kpis: usize,
}

/// What the innovation form shows: the stored or typed values.
#[derive(Default)]
pub struct InnovationForm {
    pub name: String,
    pub description: String,
    /// `dimension/element`.
    pub element: String,
    pub agency: String,
    pub launched: String,
    pub status: String,
    pub quick_win: bool,
    pub services: String,
}

impl InnovationForm {
    fn of(i: &Innovation) -> Self {
        Self {
            name: i.name.clone(),
            description: i.description.clone(),
            element: format!("{}/{}", i.dimension, i.element),
            agency: i.agency_code.clone().unwrap_or_default(),
            launched: i.launched_on.clone().unwrap_or_default(),
            status: i.status.clone(),
            quick_win: i.quick_win,
            services: i.services.join(", "),
        }
    }

    fn typed(fields: &[(String, String)]) -> Self {
        Self {
            name: domain::text::tidy(field(fields, "nama")),
            description: field(fields, "deskripsi").trim().to_owned(),
            element: field(fields, "elemen").to_owned(),
            agency: field(fields, "opd").trim().to_owned(),
            launched: field(fields, "diluncurkan").trim().to_owned(),
            status: field(fields, "status").to_owned(),
            quick_win: field(fields, "quick_win") == "1",
            services: field(fields, "layanan").trim().to_owned(),
        }
    }

    /// Checks the form; the input to store, or every problem.
    fn check(&self, t: Tr, dimensions: &[Dimension]) -> Result<InnovationInput, Vec<String>> {
        let mut problems = Vec::new();
        if self.name.is_empty() || self.name.chars().count() > 200 {
            problems.push(t.get("eval-innovation-name-invalid"));
        }
        if self.description.chars().count() > 4_000 {
            problems.push(t.get("eval-innovation-description-invalid"));
        }
        let (dimension, element) = self.element.split_once('/').unwrap_or_default();
        let known = dimensions.iter().any(|d| d.code == dimension && d.elements.iter().any(|e| e.code == element));
        if !known {
            problems.push(t.get("eval-innovation-element-invalid"));
        }
        if !self.agency.is_empty() && AgencyCode::parse(&self.agency).is_err() {
            problems.push(t.get("eval-innovation-agency-invalid"));
        }
        if !self.launched.is_empty() && NaiveDate::parse_from_str(&self.launched, "%Y-%m-%d").is_err() {
            problems.push(t.get("eval-innovation-date-invalid"));
        }
        if InnovationStatus::parse(&self.status).is_none() {
            problems.push(t.get("eval-innovation-status-invalid"));
        }
        let services: Vec<String> = self
            .services
            .split([',', ' ', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_uppercase)
            .collect();
        if services.iter().any(|s| ServiceCode::parse(s).is_err()) {
            problems.push(t.get("eval-innovation-services-invalid"));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(InnovationInput {
            name: self.name.clone(),
            description: self.description.clone(),
            dimension: dimension.to_owned(),
            element: element.to_owned(),
            agency_code: (!self.agency.is_empty()).then(|| self.agency.to_uppercase()),
            launched_on: (!self.launched.is_empty()).then(|| self.launched.clone()),
            status: self.status.clone(),
            quick_win: self.quick_win,
            services,
        })
    }
}

/// Choices for the form's selects.
pub struct Choices {
    /// `(dimension/element, "Smart Governance › Pelayanan publik")`.
    pub elements: Vec<(String, String)>,
    pub statuses: Vec<(String, String)>,
    pub agencies: Vec<(String, String)>,
}

async fn choices(state: &AppState, ctx: &PageCtx) -> Result<(Vec<Dimension>, Choices), PageError> {
    let t = ctx.tr();
    let dimensions = dimensions(state).await.map_err(|e| internal(ctx, e))?;
    let elements = dimensions
        .iter()
        .flat_map(|d| {
            d.elements.iter().map(move |e| (format!("{}/{}", d.code, e.code), format!("{} › {}", d.name, e.name)))
        })
        .collect();
    let statuses = InnovationStatus::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), t.get(&format!("eval-innovation-status-{}", s.as_str()))))
        .collect();
    let agencies = state
        .store
        .list_agencies()
        .await
        .map_err(|e| internal(ctx, e))?
        .into_iter()
        .map(|a| (a.agency.code.as_str().to_owned(), a.agency.name))
        .collect();
    Ok((dimensions, Choices { elements, statuses, agencies }))
}

#[derive(Template)]
#[template(path = "eval_innovations.html")]
struct ListPage {
    l: Layout,
    rows: Vec<InnovationRow>,
    can_write: bool,
    typed: InnovationForm,
    choices: Choices,
    errors: Vec<String>,
}

async fn list_page(
    state: &AppState,
    ctx: &PageCtx,
    can_write: bool,
    status: StatusCode,
    typed: InnovationForm,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let (dimensions, choices) = choices(state, ctx).await?;
    let innovations = state.store.innovations().await.map_err(|e| internal(ctx, e))?;
    let kpis = state.store.kpis(&[]).await.map_err(|e| internal(ctx, e))?;
    let rows = innovations
        .iter()
        .map(|i| InnovationRow {
            id: i.id.clone(),
            name: i.name.clone(),
            dimension: dimension_label(&dimensions, &i.dimension, &i.element),
            agency: i.agency_name.clone().unwrap_or_default(),
            status: status_label(t, &i.status),
            quick_win: i.quick_win,
            kpis: kpis.iter().filter(|k| k.innovation_id == i.id).count(),
        })
        .collect();
    let page = ListPage {
        l: ctx.layout(state, &t.get("eval-innovations-title"), Nav::None),
        rows,
        can_write,
        typed,
        choices,
        errors,
    };
    Ok((status, render(ctx.lang, &page)?).into_response())
}

/// `GET /inovasi`.
pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
) -> Result<Response, PageError> {
    let (read, write) = rights(&state, &user).await.map_err(|e| internal(&ctx, e))?;
    if !read {
        return Err(PageError::forbidden(ctx.lang));
    }
    let typed = InnovationForm { status: InnovationStatus::Running.as_str().to_owned(), ..InnovationForm::default() };
    list_page(&state, &ctx, write, StatusCode::OK, typed, Vec::new()).await
}

/// `POST /inovasi`: a new innovation.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    body: Bytes,
) -> Result<Response, PageError> {
    let (_, write) = rights(&state, &user).await.map_err(|e| internal(&ctx, e))?;
    if !write {
        return Err(PageError::forbidden(ctx.lang));
    }
    let t = ctx.tr();
    let typed = InnovationForm::typed(&form(&body));
    let (dimensions, _) = choices(&state, &ctx).await?;
    let input = match typed.check(t, &dimensions) {
        Ok(input) => input,
        Err(errors) => return list_page(&state, &ctx, true, StatusCode::UNPROCESSABLE_ENTITY, typed, errors).await,
    };
    match state.store.save_innovation(None, &input, &user.id, Utc::now()).await {
        Ok(id) => Ok(see_other(&format!("/inovasi/{id}?tersimpan=1"), None)),
        Err(StoreError::NotFound) => {
            let errors = vec![t.get("eval-innovation-unknown-code")];
            list_page(&state, &ctx, true, StatusCode::UNPROCESSABLE_ENTITY, typed, errors).await
        }
        Err(e) => Err(internal(&ctx, e)),
    }
}

pub struct KpiView {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub baseline: String,
    pub target: String,
    pub latest: String,
    /// `(day, value, note)`, oldest first.
    pub points: Vec<(String, String, String)>,
}

fn kpi_view(t: Tr, kpi: &Kpi) -> KpiView {
    KpiView {
        id: kpi.id.clone(),
        name: kpi.name.clone(),
        unit: kpi.unit.clone(),
        baseline: kpi.baseline.clone(),
        target: kpi.target.clone(),
        latest: kpi.measurements.last().map(|m| m.value.clone()).unwrap_or_else(|| "–".into()),
        points: kpi.measurements.iter().map(|m| (day(t, &m.measured_on), m.value.clone(), m.note.clone())).collect(),
    }
}

#[derive(Template)]
#[template(path = "eval_innovation.html")]
struct ItemPage {
    l: Layout,
    id: String,
    name: String,
    description: String,
    dimension: String,
    agency: String,
    launched: String,
    status: String,
    quick_win: bool,
    services: Vec<String>,
    kpis: Vec<KpiView>,
    can_write: bool,
    typed: InnovationForm,
    choices: Choices,
    notice: Option<String>,
    errors: Vec<String>,
}

#[allow(clippy::too_many_arguments)]
async fn item_page(
    state: &AppState,
    ctx: &PageCtx,
    innovation: &Innovation,
    can_write: bool,
    status: StatusCode,
    typed: Option<InnovationForm>,
    notice: Option<String>,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let (dimensions, choices) = choices(state, ctx).await?;
    let kpis = state.store.kpis(std::slice::from_ref(&innovation.id)).await.map_err(|e| internal(ctx, e))?;
    let page = ItemPage {
        l: ctx.layout(state, &innovation.name, Nav::None),
        id: innovation.id.clone(),
        name: innovation.name.clone(),
        description: innovation.description.clone(),
        dimension: dimension_label(&dimensions, &innovation.dimension, &innovation.element),
        agency: innovation.agency_name.clone().unwrap_or_default(),
        launched: innovation.launched_on.as_deref().map(|d| day(t, d)).unwrap_or_default(),
        status: status_label(t, &innovation.status),
        quick_win: innovation.quick_win,
        services: innovation.services.clone(),
        kpis: kpis.iter().map(|k| kpi_view(t, k)).collect(),
        can_write,
        typed: typed.unwrap_or_else(|| InnovationForm::of(innovation)),
        choices,
        notice,
        errors,
    };
    Ok((status, render(ctx.lang, &page)?).into_response())
}

async fn find(state: &AppState, ctx: &PageCtx, user: &User, id: &str) -> Result<(Innovation, bool), PageError> {
    let (read, write) = rights(state, user).await.map_err(|e| internal(ctx, e))?;
    if !read {
        return Err(PageError::forbidden(ctx.lang));
    }
    let innovation = state.store.innovation(id).await.map_err(|e| internal(ctx, e))?;
    Ok((innovation.ok_or_else(|| PageError::not_found(ctx.lang))?, write))
}

/// `GET /inovasi/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let (innovation, write) = find(&state, &ctx, &user, &id).await?;
    let params = crate::query::pairs(raw.as_deref());
    let notice = (!field(&params, "tersimpan").is_empty()).then(|| ctx.tr().get("eval-saved-innovation"));
    item_page(&state, &ctx, &innovation, write, StatusCode::OK, None, notice, Vec::new()).await
}

/// `POST /inovasi/{id}`: edits the innovation.
pub async fn edit(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let (innovation, write) = find(&state, &ctx, &user, &id).await?;
    if !write {
        return Err(PageError::forbidden(ctx.lang));
    }
    let t = ctx.tr();
    let typed = InnovationForm::typed(&form(&body));
    let (dimensions, _) = choices(&state, &ctx).await?;
    let input = match typed.check(t, &dimensions) {
        Ok(input) => input,
        Err(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return item_page(&state, &ctx, &innovation, true, status, Some(typed), None, errors).await;
        }
    };
    match state.store.save_innovation(Some(&id), &input, &user.id, Utc::now()).await {
        Ok(_) => Ok(see_other(&format!("/inovasi/{id}?tersimpan=1"), None)),
        Err(StoreError::NotFound) => {
            let errors = vec![t.get("eval-innovation-unknown-code")];
            item_page(&state, &ctx, &innovation, true, StatusCode::UNPROCESSABLE_ENTITY, Some(typed), None, errors)
                .await
        }
        Err(e) => Err(internal(&ctx, e)),
    }
}

/// `POST /inovasi/{id}/kpi`: a new KPI with its baseline and target.
pub async fn add_kpi(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let (innovation, write) = find(&state, &ctx, &user, &id).await?;
    if !write {
        return Err(PageError::forbidden(ctx.lang));
    }
    let t = ctx.tr();
    let fields = form(&body);
    let name = domain::text::tidy(field(&fields, "nama"));
    let unit = domain::text::tidy(field(&fields, "satuan"));
    let baseline = Exact::parse(field(&fields, "baseline"));
    let target = Exact::parse(field(&fields, "target"));
    let mut errors = Vec::new();
    if name.is_empty() || name.chars().count() > 200 || unit.chars().count() > 40 {
        errors.push(t.get("eval-kpi-name-invalid"));
    }
    if baseline.is_err() || target.is_err() {
        errors.push(t.get("eval-kpi-number-invalid"));
    }
    let (Ok(baseline), Ok(target), true) = (baseline, target, errors.is_empty()) else {
        return item_page(&state, &ctx, &innovation, true, StatusCode::UNPROCESSABLE_ENTITY, None, None, errors).await;
    };
    state
        .store
        .add_kpi(&id, &name, &unit, &baseline.to_plain(), &target.to_plain(), &user.id, Utc::now())
        .await
        .map_err(|e| internal(&ctx, e))?;
    Ok(see_other(&format!("/inovasi/{id}?tersimpan=1"), None))
}

/// `POST /inovasi/{id}/kpi/{kpi}/ukur`: a measured value on a day.
pub async fn measure(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    Path((id, kpi)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let (innovation, write) = find(&state, &ctx, &user, &id).await?;
    if !write {
        return Err(PageError::forbidden(ctx.lang));
    }
    let t = ctx.tr();
    let kpis = state.store.kpis(std::slice::from_ref(&id)).await.map_err(|e| internal(&ctx, e))?;
    if !kpis.iter().any(|k| k.id == kpi) {
        return Err(PageError::not_found(ctx.lang));
    }
    let fields = form(&body);
    let date = NaiveDate::parse_from_str(field(&fields, "tanggal"), "%Y-%m-%d");
    let value = Exact::parse(field(&fields, "nilai"));
    let note = domain::text::tidy(field(&fields, "catatan"));
    let (Ok(date), Ok(value)) = (date, value) else {
        let errors = vec![t.get("eval-kpi-measure-invalid")];
        return item_page(&state, &ctx, &innovation, true, StatusCode::UNPROCESSABLE_ENTITY, None, None, errors).await;
    };
    let note: String = note.chars().take(500).collect();
    state
        .store
        .record_kpi(&kpi, &date.to_string(), &value.to_plain(), &note, &user.id, Utc::now())
        .await
        .map_err(|e| internal(&ctx, e))?;
    Ok(see_other(&format!("/inovasi/{id}?tersimpan=1"), None))
}
