//! The back-office for the city's IT office (role `admin`): accounts and roles, and the
//! audit log. Every handler takes an [`Admin`], so no other role reaches its body.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use domain::AgencyCode;
use domain::identity::{Email, Role};
use store::AccountError;

use super::account::{field, form, internal, see_other};
use crate::auth::roles::Admin;
use crate::error::{PageError, render};
use crate::state::AppState;
use crate::views::{Choice, Layout, Nav, PageCtx};

pub struct UserRow {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub role: String,
    pub agencies: String,
    pub roles: Vec<Choice>,
    pub since: String,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    l: Layout,
    users: Vec<UserRow>,
    error: Option<String>,
    notice: Option<String>,
}

async fn users_page(
    state: &AppState,
    ctx: &PageCtx,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Html<String>, PageError> {
    let t = ctx.tr();
    let users = state.store.list_users().await.map_err(|e| internal(ctx, e))?;
    let rows = users
        .into_iter()
        .map(|u| UserRow {
            roles: Role::ALL
                .iter()
                .map(|r| Choice {
                    value: r.as_str().into(),
                    label: t.get(&format!("role-{}", r.as_str())),
                    selected: *r == u.role,
                })
                .collect(),
            role: t.get(&format!("role-{}", u.role.as_str())),
            name: u.name,
            email: u.email.unwrap_or_default(),
            phone: u.phone.unwrap_or_default(),
            agencies: u.agencies.join(", "),
            since: u.created_at.format("%d-%m-%Y").to_string(),
        })
        .collect();
    let title = t.get("admin-users-title");
    render(ctx.lang, &UsersPage { l: ctx.layout(state, &title, Nav::None), users: rows, error, notice })
}

pub async fn users(State(state): State<AppState>, ctx: PageCtx, _admin: Admin) -> Result<Html<String>, PageError> {
    let notice = ctx.path.ends_with("?tersimpan=1").then(|| ctx.tr().get("admin-role-saved"));
    users_page(&state, &ctx, None, notice).await
}

/// Changes an account's role; operators need at least one agency.
pub async fn set_role(
    State(state): State<AppState>,
    ctx: PageCtx,
    Admin(admin): Admin,
    body: Bytes,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    let fields = form(&body);
    let fail = |message: String| async {
        Ok::<_, PageError>(
            (StatusCode::BAD_REQUEST, users_page(&state, &ctx, Some(message), None).await?).into_response(),
        )
    };
    let Ok(email) = Email::parse(field(&fields, "email")) else {
        return fail(t.get("register-email-invalid")).await;
    };
    let Ok(role) = Role::parse(field(&fields, "peran")) else {
        return fail(t.get("admin-role-invalid")).await;
    };
    let mut agencies = Vec::new();
    for raw in field(&fields, "opd").split([',', ' ']).filter(|s| !s.is_empty()) {
        match AgencyCode::parse(raw) {
            Ok(code) => agencies.push(code),
            Err(_) => return fail(t.with("admin-agency-unknown", "code", raw)).await,
        }
    }
    if role == Role::Operator && agencies.is_empty() {
        return fail(t.get("admin-operator-needs-agency")).await;
    }
    if role != Role::Operator {
        agencies.clear();
    }
    match state.store.set_role(&email, role, &agencies, &admin.id).await {
        Ok(_) => Ok(see_other("/admin/pengguna?tersimpan=1", None)),
        Err(AccountError::NotFound) => fail(t.get("admin-user-unknown")).await,
        Err(AccountError::UnknownAgency(code)) => fail(t.with("admin-agency-unknown", "code", code)).await,
        Err(e) => Err(internal(&ctx, e)),
    }
}

pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    l: Layout,
    intact: bool,
    status: String,
    rows: Vec<AuditRow>,
}

/// The newest audit entries, and whether the chain is intact.
pub async fn audit(State(state): State<AppState>, ctx: PageCtx, _admin: Admin) -> Result<Html<String>, PageError> {
    let t = ctx.tr();
    let (entries, (seq, hash)) = state.store.audit_log().await.map_err(|e| internal(&ctx, e))?;
    let verdict = domain::audit::verify_chain(&entries, (seq, &hash));
    let status = match &verdict {
        Ok(n) => t.with("admin-audit-intact", "n", n),
        Err(broken) => {
            t.args("admin-audit-broken", &[("seq", broken.seq.to_string()), ("reason", broken.reason.clone())])
        }
    };
    let rows = entries
        .iter()
        .rev()
        .take(200)
        .map(|e| AuditRow {
            seq: e.seq,
            at: chrono::DateTime::from_timestamp(e.at, 0)
                .map(|d| d.format("%d-%m-%Y %H:%M UTC").to_string())
                .unwrap_or_default(),
            actor: e.actor.clone(),
            action: e.action.clone(),
            target: e.target.clone(),
            after: e.after.chars().take(160).collect(),
        })
        .collect();
    let title = t.get("admin-audit-title");
    render(ctx.lang, &AuditPage { l: ctx.layout(&state, &title, Nav::None), intact: verdict.is_ok(), status, rows })
}

#[derive(Template)]
#[template(path = "admin_home.html")]
struct HomePage {
    l: Layout,
}

pub async fn home(State(state): State<AppState>, ctx: PageCtx, _admin: Admin) -> Result<Html<String>, PageError> {
    let title = ctx.tr().get("admin-title");
    render(ctx.lang, &HomePage { l: ctx.layout(&state, &title, Nav::None) })
}

pub struct QueryRow {
    pub query: String,
    pub searches: u64,
    pub zero_results: u64,
    pub clicks: u64,
    pub click_through: String,
}

#[derive(Template)]
#[template(path = "admin_search.html")]
struct SearchStatsPage {
    l: Layout,
    top: Vec<QueryRow>,
    zero: Vec<QueryRow>,
}

/// What people search for over the last 30 days, what finds nothing, and what they click:
/// the catalog team adds keywords and synonyms from this.
pub async fn search_stats(
    State(state): State<AppState>,
    ctx: PageCtx,
    _admin: Admin,
) -> Result<Html<String>, PageError> {
    let since = chrono::Utc::now().date_naive() - chrono::Duration::days(30);
    let stats = state.store.search_stats(since, 10_000).await.map_err(|e| internal(&ctx, e))?;
    let row = |s: &store::QueryStats| QueryRow {
        query: s.query.clone(),
        searches: s.searches,
        zero_results: s.zero_results,
        clicks: s.clicks,
        click_through: if s.searches > 0 {
            format!("{:.0}%", 100.0 * s.clicks as f64 / s.searches as f64)
        } else {
            "-".into()
        },
    };
    let top = stats.iter().take(50).map(row).collect();
    let mut zero: Vec<&store::QueryStats> = stats.iter().filter(|s| s.zero_results > 0).collect();
    zero.sort_by(|a, b| b.zero_results.cmp(&a.zero_results).then_with(|| a.query.cmp(&b.query)));
    let zero = zero.into_iter().take(50).map(row).collect();
    let title = ctx.tr().get("admin-search-title");
    render(ctx.lang, &SearchStatsPage { l: ctx.layout(&state, &title, Nav::None), top, zero })
}
