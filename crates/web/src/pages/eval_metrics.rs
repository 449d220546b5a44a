//! Evidence the platform generates itself: a snapshot of what satupintu measured over a
//! period (integration progress, requests per channel, completion time and SLA, IKM,
//! search and chat volumes), kept as an evidence item that never changes.

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use domain::evaluation::EvidenceKind;
use domain::evaluation::metrics::PlatformMetrics;
use domain::{AgencyCode, ServiceCode};
use store::StoreError;
use store::evaluation::NewEvidence;
use store::metrics::MetricScopeQuery;

use super::account::{field, internal, see_other};
use super::eval_cycles::{day, load};
use crate::auth::roles::SignedIn;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::views::PageCtx;

/// The longest period one snapshot covers (two years of daily rows stay cheap to read).
const MAX_DAYS: i64 = 731;

/// One chart series as bars people can read without a picture.
pub struct SeriesView {
    pub name: String,
    /// `(label, value as text, meter value, meter max)`.
    pub points: Vec<(String, String, String, String)>,
}

/// A snapshot as shown on its evidence page.
pub struct MetricView {
    pub title: String,
    pub period: String,
    pub table: Vec<(String, String)>,
    pub series: Vec<SeriesView>,
}

impl MetricView {
    pub fn new(t: Tr, metrics: &PlatformMetrics) -> Self {
        let series = metrics
            .series()
            .into_iter()
            .map(|(name, points)| {
                let max = points.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max).max(1.0);
                SeriesView {
                    name,
                    points: points
                        .into_iter()
                        .map(|(label, v)| (label, format_number(v), format!("{v}"), format!("{max}")))
                        .collect(),
                }
            })
            .collect();
        Self {
            title: metrics.title(),
            period: format!("{} – {}", day(t, &metrics.from.to_string()), day(t, &metrics.to.to_string())),
            table: metrics.table(),
            series,
        }
    }

    pub fn from_json(t: Tr, json: &str) -> Result<Self, serde_json::Error> {
        let metrics: PlatformMetrics = serde_json::from_str(json)?;
        Ok(Self::new(t, &metrics))
    }
}

/// A chart value as text: whole numbers without decimals, others with two.
fn format_number(v: f64) -> String {
    if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.2}") }
}

/// `POST /evaluasi/{slug}/bukti/metrik`: the team takes a snapshot for a period and scope.
pub async fn snapshot(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let (data, access) = load(&state, &ctx, &user, &slug).await?;
    if !access.is_team() {
        return Err(PageError::forbidden(ctx.lang));
    }
    let t = ctx.tr();
    let mut fields = Vec::new();
    if let Ok(mut multipart) = multipart {
        while let Ok(Some(part)) = multipart.next_field().await {
            let name = part.name().unwrap_or_default().to_owned();
            if let Ok(value) = part.text().await {
                fields.push((name, value));
            }
        }
    }
    let from = NaiveDate::parse_from_str(field(&fields, "dari"), "%Y-%m-%d").ok();
    let to = NaiveDate::parse_from_str(field(&fields, "sampai"), "%Y-%m-%d").ok();
    let scope = match field(&fields, "lingkup").split_once(':') {
        None => Some(MetricScopeQuery::City),
        Some(("opd", code)) => AgencyCode::parse(code).ok().map(MetricScopeQuery::Agency),
        Some(("layanan", code)) => ServiceCode::parse(code).ok().map(MetricScopeQuery::Service),
        Some(_) => None,
    };
    let refuse = |message: String| PageError::bad_request(ctx.lang, message);
    let (Some(from), Some(to)) = (from, to) else {
        return Err(refuse(t.get("eval-metric-period-invalid")));
    };
    if to < from || (to - from).num_days() > MAX_DAYS || to > Utc::now().date_naive() {
        return Err(refuse(t.get("eval-metric-period-invalid")));
    }
    let Some(scope) = scope else {
        return Err(refuse(t.get("eval-metric-scope-invalid")));
    };
    let metrics = match state.store.platform_metrics(from, to, &scope).await {
        Ok(metrics) => metrics,
        Err(StoreError::NotFound) => return Err(refuse(t.get("eval-metric-scope-invalid"))),
        Err(e) => return Err(internal(&ctx, e)),
    };
    let indicators: Vec<String> = fields
        .iter()
        .filter(|(k, v)| k == "indikator" && !v.is_empty())
        .filter_map(|(_, c)| data.framework.indicator(c).map(|i| data.framework.indicators[i].code.clone()))
        .collect();
    let title = domain::text::tidy(field(&fields, "judul"));
    let new = NewEvidence {
        cycle_id: data.cycle.id.clone(),
        kind: EvidenceKind::Metric.as_str().to_owned(),
        title: if title.is_empty() { metrics.title() } else { title.chars().take(200).collect() },
        description: t
            .args("eval-metric-description", &[("from", day(t, &from.to_string())), ("to", day(t, &to.to_string()))]),
        evidence_on: to.to_string(),
        metric: Some(serde_json::to_string(&metrics).map_err(|e| internal(&ctx, e))?),
        indicators,
        innovations: fields.iter().filter(|(k, v)| k == "inovasi" && !v.is_empty()).map(|(_, v)| v.clone()).collect(),
        ..NewEvidence::default()
    };
    match state.store.add_evidence(&new, &user.id, Utc::now()).await {
        Ok(_) => Ok(see_other(&format!("/evaluasi/{slug}/bukti?tersimpan=metrik"), None)),
        Err(StoreError::NotFound) => Err(refuse(t.get("eval-evidence-innovation-invalid"))),
        Err(e) => Err(internal(&ctx, e)),
    }
}
