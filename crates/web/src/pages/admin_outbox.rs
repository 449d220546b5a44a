//! `/admin/kiriman`: deliveries that could not be made in time (dead letters), for an
//! admin to send again, one by one or every one of an agency; each re-send is audited.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::{Html, Response};
use chrono::Utc;

use super::account::{field, internal, see_other};
use super::office::local_time;
use crate::auth::roles::Admin;
use crate::error::{PageError, render};
use crate::query::pairs;
use crate::state::AppState;
use crate::views::{Layout, Nav, PageCtx};

/// The outbox kind of deliveries to agency systems.
const AGENCY_KIND: &str = "agency";

pub struct DeadRow {
    pub id: String,
    pub tracking_code: String,
    pub agency: String,
    pub kind: String,
    pub attempts: i64,
    pub error: String,
    pub dead_at: String,
}

#[derive(Template)]
#[template(path = "admin_outbox.html")]
struct DeadLettersPage {
    l: Layout,
    rows: Vec<DeadRow>,
    /// Agencies with dead deliveries, with their "send all again" button's label.
    agencies: Vec<(String, String)>,
    notice: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    _admin: Admin,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, PageError> {
    let t = ctx.tr();
    let letters = state.store.all_dead_letters().await.map_err(|e| internal(&ctx, e))?;
    let params = pairs(raw.as_deref());
    let notice = match field(&params, "dikirim") {
        "" => None,
        "0" => Some(t.get("admin-dead-gone")),
        n => n.parse::<u64>().ok().map(|n| t.with("admin-dead-resent", "n", n)),
    };
    let mut agencies: BTreeMap<String, usize> = BTreeMap::new();
    for letter in letters.iter().filter(|d| d.kind == AGENCY_KIND) {
        if let Some(agency) = &letter.target {
            *agencies.entry(agency.clone()).or_default() += 1;
        }
    }
    let rows = letters
        .into_iter()
        .map(|d| {
            let kind_key = format!("admin-dead-kind-{}", d.kind);
            DeadRow {
                kind: if t.has(&kind_key) { t.get(&kind_key) } else { d.kind.clone() },
                id: d.id,
                tracking_code: d.tracking_code.unwrap_or_default(),
                agency: d.target.unwrap_or_default(),
                attempts: d.attempts,
                error: d.last_error.unwrap_or_default().chars().take(300).collect(),
                dead_at: local_time(d.dead_at),
            }
        })
        .collect();
    let title = t.get("admin-dead-title");
    render(
        ctx.lang,
        &DeadLettersPage {
            l: ctx.layout(&state, &title, Nav::None),
            rows,
            agencies: agencies
                .into_iter()
                .map(|(agency, n)| {
                    let label = t.args("admin-dead-resend-agency", &[("agency", agency.clone()), ("n", n.to_string())]);
                    (agency, label)
                })
                .collect(),
            notice,
        },
    )
}

/// `POST /admin/kiriman/{id}/kirim-ulang`: one delivery from the start again.
pub async fn resend(
    State(state): State<AppState>,
    ctx: PageCtx,
    Admin(admin): Admin,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let resent = state.store.resend_dead(&id, &admin.id, Utc::now()).await.map_err(|e| internal(&ctx, e))?;
    Ok(see_other(&format!("/admin/kiriman?dikirim={}", u8::from(resent)), None))
}

/// `POST /admin/kiriman/opd/{agency}/kirim-ulang`: every dead delivery to one agency.
pub async fn resend_agency(
    State(state): State<AppState>,
    ctx: PageCtx,
    Admin(admin): Admin,
    Path(agency): Path<String>,
) -> Result<Response, PageError> {
    let n =
        state.store.resend_dead_to(AGENCY_KIND, &agency, &admin.id, Utc::now()).await.map_err(|e| internal(&ctx, e))?;
    Ok(see_other(&format!("/admin/kiriman?dikirim={n}"), None))
}
