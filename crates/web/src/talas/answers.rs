//! Answers from the catalog: a service's card, its requirements, cost, duration, where and
//! whom to contact; and the menu.

use domain::ServiceCode;
use domain::catalog::format_rupiah;
use store::{ServiceDetail, StoreError};

use super::{Button, Ctx, Reply};

pub fn button(ctx: &Ctx<'_>, key: &str, payload: impl Into<String>) -> Button {
    Button { title: ctx.t().get(key), payload: payload.into() }
}

/// The main menu: what Talas can do, as buttons (three: WhatsApp's limit).
pub fn menu(ctx: &Ctx<'_>) -> Vec<Button> {
    main_menu(ctx.t())
}

/// The main menu in a language, outside a turn too (a greeting on the portal, the
/// message that hands a conversation back from an officer).
pub fn main_menu(t: crate::i18n::Tr) -> Vec<Button> {
    [("talas-btn-find", "menu:cari"), ("talas-btn-status", "menu:status"), ("talas-btn-complaint", "menu:aduan")]
        .into_iter()
        .map(|(key, payload)| Button { title: t.get(key), payload: payload.into() })
        .collect()
}

/// A service by code, if it is in the catalog.
pub async fn service(ctx: &Ctx<'_>, code: &str) -> Result<Option<std::sync::Arc<ServiceDetail>>, StoreError> {
    let Ok(code) = ServiceCode::parse(code) else { return Ok(None) };
    match ctx.state.catalog.service(&code).await {
        Ok(detail) => Ok(Some(detail)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The service's page on the portal, or its own application for `link`/`sso` services.
fn open_link(ctx: &Ctx<'_>, s: &ServiceDetail) -> String {
    match (&s.service.mode, &s.service.web_url) {
        (domain::IntegrationMode::Link | domain::IntegrationMode::Sso, Some(url)) => url.as_str().to_string(),
        _ => ctx.url(&format!("/layanan/{}", s.service.code.as_str())),
    }
}

fn applies_here(s: &ServiceDetail) -> bool {
    matches!(s.service.mode, domain::IntegrationMode::Native | domain::IntegrationMode::Api)
        && s.service.status.is_active()
}

/// A warning when the service's application is down (its monitor has an open incident), so
/// no one is sent to a dead page without being told; said before any answer about it.
pub async fn down_notice(ctx: &Ctx<'_>, s: &ServiceDetail) -> Result<Option<Reply>, StoreError> {
    let down = ctx.state.store.service_health(s.service.code.as_str()).await?.is_some_and(|h| h.down);
    Ok(down.then(|| Reply::text(ctx.t().with("talas-service-down", "name", s.service.name.clone()))))
}

/// The card of a service, with what one may ask next.
pub fn card(ctx: &Ctx<'_>, s: &ServiceDetail) -> Vec<Reply> {
    let t = ctx.t();
    let code = s.service.code.as_str();
    let summary = s.service.summary.clone().unwrap_or_default();
    let text = t.args(
        "talas-service-card",
        &[("name", s.service.name.clone()), ("agency", s.agency_name.clone()), ("summary", summary)],
    );
    let first = Reply::text(text.trim_end().trim_end_matches('.').to_string() + ".").with_buttons(vec![
        button(ctx, "talas-btn-requirements", format!("info:syarat:{code}")),
        button(ctx, "talas-btn-cost", format!("info:biaya:{code}")),
        button(ctx, "talas-btn-duration", format!("info:waktu:{code}")),
    ]);
    let mut next = vec![button(ctx, "talas-btn-contact", format!("info:lokasi:{code}"))];
    if applies_here(s) {
        next.push(button(ctx, "talas-btn-apply", format!("apply:{code}")));
    }
    let second = Reply::text(if applies_here(s) { "…".to_string() } else { t.get("talas-service-elsewhere") })
        .with_buttons(next)
        .with_link(t.get("talas-btn-open"), open_link(ctx, s));
    vec![first, second]
}

/// What the person asked about the service: `syarat`, `biaya`, `waktu` or `lokasi`.
pub fn info(ctx: &Ctx<'_>, s: &ServiceDetail, what: &str) -> Vec<Reply> {
    let t = ctx.t();
    let name = s.service.name.clone();
    let agency = s.agency_name.clone();
    let std = &s.service.standard;
    let code = s.service.code.as_str();
    let text = match what {
        "syarat" if std.requirements.is_empty() => {
            t.args("talas-requirements-none", &[("name", name), ("agency", agency)])
        }
        "syarat" => {
            let mut text = t.with("talas-requirements", "name", &name);
            for (i, r) in std.requirements.iter().enumerate() {
                text.push_str(&format!("\n{}. {r}", i + 1));
            }
            text
        }
        "biaya" => match std.cost_rupiah {
            Some(0) => t.with("talas-cost-free", "name", &name),
            Some(rp) => t.args("talas-cost", &[("name", name), ("cost", format_rupiah(rp))]),
            None => t.args("talas-cost-unknown", &[("name", name), ("agency", agency)]),
        },
        "waktu" => match std.duration_days {
            Some(days) => t.args("talas-duration", &[("name", name), ("days", days.to_string())]),
            None => t.with("talas-duration-unknown", "name", &name),
        },
        _ => return Vec::new(),
    };
    let mut next = Vec::new();
    for (key, topic) in
        [("talas-btn-requirements", "syarat"), ("talas-btn-cost", "biaya"), ("talas-btn-duration", "waktu")]
    {
        if topic != what && next.len() < 2 {
            next.push(button(ctx, key, format!("info:{topic}:{code}")));
        }
    }
    if applies_here(s) {
        next.push(button(ctx, "talas-btn-apply", format!("apply:{code}")));
    } else {
        next.push(button(ctx, "talas-btn-contact", format!("info:lokasi:{code}")));
    }
    vec![Reply::text(text).with_buttons(next)]
}

/// Where the service is given and whom to call: the agency's address and contacts.
pub async fn contact(ctx: &Ctx<'_>, s: &ServiceDetail) -> Result<Vec<Reply>, StoreError> {
    let t = ctx.t();
    let mut text = t.args("talas-contact", &[("name", s.service.name.clone()), ("agency", s.agency_name.clone())]);
    if let Ok(agency) = ctx.state.catalog.agency(&s.service.agency).await {
        let a = &agency.agency;
        for (key, arg, value) in [
            ("talas-contact-address", "address", a.address.clone()),
            ("talas-contact-phone", "phone", a.phone.clone()),
            ("talas-contact-email", "email", a.email.clone()),
        ] {
            if let Some(value) = value {
                text.push('\n');
                text.push_str(&t.with(key, arg, value));
            }
        }
    }
    if let Some(c) = &s.service.standard.complaint_contact {
        text.push('\n');
        text.push_str(&t.with("talas-contact-complaints", "contact", c));
    }
    Ok(vec![Reply::text(text).with_link(t.get("talas-btn-open"), open_link(ctx, s))])
}

/// A link to the portal's search for what the person wrote.
pub fn search_link(ctx: &Ctx<'_>, text: &str) -> String {
    let q: String = url::form_urlencoded::byte_serialize(text.as_bytes()).collect();
    ctx.url(&format!("/cari?q={q}"))
}
