//! What templates print: the page frame and display-ready service data, translated.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use domain::{AgencyKind, Audience, IntegrationMode, IntegrationStatus, format_rupiah};
use store::ServiceSummary;

use crate::i18n::{Lang, Tr};
use crate::state::AppState;

/// Which top-level section a page belongs to (highlighted in the navigation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Home,
    Catalog,
    Agencies,
    Progress,
    /// The chat page itself (no chat button on it).
    Talas,
    None,
}

/// The frame every page shares: language, title, navigation, the search box.
#[derive(Debug, Clone)]
pub struct Layout {
    pub t: Tr,
    pub lang: &'static str,
    pub title: String,
    pub city: String,
    pub demo: bool,
    /// What the search box shows.
    pub q: String,
    /// The navigation item to highlight: `home`, `catalog`, `agencies`, `progress` or empty.
    pub nav: &'static str,
    /// Appended to asset URLs so a release invalidates caches.
    pub asset_version: &'static str,
    /// Link that switches to the other language and comes back here.
    pub switch_href: String,
    pub switch_label: String,
    pub switch_lang: &'static str,
    /// The signed-in person's name, for the header.
    pub user_name: Option<String>,
    /// The assistant's name, on the chat button of every page.
    pub assistant: String,
}

impl Layout {
    /// A frame that needs no application state (error pages).
    pub fn bare(lang: Lang, title: &str) -> Self {
        Self::build(lang, title, "/", "Kota Bogor", false, Nav::None)
    }

    fn build(lang: Lang, title: &str, path: &str, city: &str, demo: bool, nav: Nav) -> Self {
        let t = lang.tr();
        let other = lang.other();
        let back: String = url::form_urlencoded::byte_serialize(path.as_bytes()).collect();
        Self {
            t,
            lang: lang.code(),
            title: title.to_string(),
            city: city.to_string(),
            demo,
            q: String::new(),
            nav: match nav {
                Nav::Home => "home",
                Nav::Catalog => "catalog",
                Nav::Agencies => "agencies",
                Nav::Progress => "progress",
                Nav::Talas => "talas",
                Nav::None => "",
            },
            asset_version: crate::assets::VERSION.as_str(),
            switch_href: format!("/bahasa?ke={}&kembali={back}", other.code()),
            switch_label: t.get("lang-switch"),
            switch_lang: other.code(),
            user_name: None,
            assistant: "Talas".into(),
        }
    }

    pub fn with_query(mut self, q: &str) -> Self {
        self.q = q.to_string();
        self
    }
}

/// Language, address and reader of the page being rendered.
pub struct PageCtx {
    pub lang: Lang,
    pub path: String,
    pub user_name: Option<String>,
}

impl PageCtx {
    pub fn tr(&self) -> Tr {
        self.lang.tr()
    }

    pub fn layout(&self, state: &AppState, title: &str, nav: Nav) -> Layout {
        let mut layout =
            Layout::build(self.lang, title, &self.path, &state.settings.city_name, state.settings.demo, nav);
        layout.user_name = self.user_name.clone();
        layout.assistant.clone_from(&state.settings.assistant_name);
        layout
    }
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let lang = Lang::from_request_parts(parts, state).await?;
        let path = parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_string();
        let crate::auth::CurrentUser(user) = crate::auth::CurrentUser::from_request_parts(parts, state).await?;
        Ok(Self { lang, path, user_name: user.map(|u| u.name) })
    }
}

pub fn status_label(t: Tr, status: IntegrationStatus) -> String {
    t.get(&format!("status-{}", status.as_str()))
}

/// CSS class of a status badge.
pub fn status_class(status: IntegrationStatus) -> &'static str {
    match status {
        IntegrationStatus::Integrated => "badge ok",
        IntegrationStatus::InProgress => "badge wip",
        IntegrationStatus::Planned => "badge plan",
        IntegrationStatus::Retired => "badge off",
    }
}

pub fn mode_label(t: Tr, mode: IntegrationMode) -> String {
    t.get(&format!("mode-{}", mode.as_str()))
}

pub fn audience_label(t: Tr, audience: Audience) -> String {
    t.get(&format!("audience-{}", audience.as_str()))
}

pub fn kind_label(t: Tr, kind: AgencyKind) -> String {
    t.get(&format!("kind-{}", kind.as_str()))
}

/// A category's name in the reader's language: the catalog's own name unless the
/// catalog file carries a translation for its slug.
pub fn category_label(t: Tr, slug: &str, name: &str) -> String {
    let key = format!("category-{slug}");
    if t.lang != Lang::Id && t.has(&key) { t.get(&key) } else { name.to_string() }
}

pub fn cost_label(t: Tr, cost: Option<i64>) -> String {
    match cost {
        Some(0) => t.get("cost-free"),
        Some(n) => format_rupiah(n),
        None => t.get("unknown"),
    }
}

pub fn duration_label(t: Tr, days: Option<i64>) -> String {
    match days {
        Some(0) => t.get("duration-same-day"),
        Some(n) => t.count("duration-days", u64::try_from(n).unwrap_or(0)),
        None => t.get("unknown"),
    }
}

/// A service as a card in lists.
#[derive(Debug, Clone)]
pub struct ServiceCard {
    pub code: String,
    pub name: String,
    pub summary: String,
    pub agency: String,
    pub category: String,
    pub status: String,
    pub status_class: &'static str,
    pub cost: String,
    pub duration: String,
}

impl ServiceCard {
    pub fn new(t: Tr, s: &ServiceSummary) -> Self {
        Self {
            code: s.code.to_string(),
            name: s.name.clone(),
            summary: s.summary.clone().unwrap_or_default(),
            agency: s.agency_short_name.clone().unwrap_or_else(|| s.agency_name.clone()),
            category: category_label(t, &s.category_slug, &s.category_name),
            status: status_label(t, s.status),
            status_class: status_class(s.status),
            cost: cost_label(t, s.cost_rupiah),
            duration: duration_label(t, s.duration_days),
        }
    }
}

/// An option of a `<select>` filter.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys built from vocabularies are not found by the template scan; check them here.
    #[test]
    fn vocabulary_labels_exist_in_both_languages() {
        for lang in [Lang::Id, Lang::En] {
            let ids = crate::i18n::catalog_ids(lang);
            let mut keys: Vec<String> = Vec::new();
            keys.extend(IntegrationStatus::ALL.iter().map(|s| format!("status-{}", s.as_str())));
            keys.extend(IntegrationMode::ALL.iter().map(|s| format!("mode-{}", s.as_str())));
            keys.extend(IntegrationMode::ALL.iter().map(|s| format!("mode-{}-help", s.as_str())));
            keys.extend(Audience::ALL.iter().map(|s| format!("audience-{}", s.as_str())));
            keys.extend(AgencyKind::ALL.iter().map(|s| format!("kind-{}", s.as_str())));
            keys.extend(domain::identity::Role::ALL.iter().map(|r| format!("role-{}", r.as_str())));
            let missing: Vec<_> = keys.iter().filter(|k| !ids.contains(*k)).collect();
            assert!(missing.is_empty(), "{lang:?} misses {missing:?}");
        }
    }

    #[test]
    fn labels() {
        let t = Lang::Id.tr();
        assert_eq!(cost_label(t, Some(0)), "Gratis");
        assert_eq!(cost_label(t, Some(150_000)), "Rp 150.000");
        assert_eq!(duration_label(t, Some(14)), "14 hari kerja");
        assert_eq!(duration_label(Lang::En.tr(), Some(1)), "1 working day");
        assert_eq!(category_label(Lang::En.tr(), "kesehatan", "Kesehatan"), "Health");
        assert_eq!(category_label(Lang::En.tr(), "tidak-ada", "Tidak Ada"), "Tidak Ada");
    }
}
