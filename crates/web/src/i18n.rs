//! Bahasa Indonesia first, English second: Fluent catalogs in `locales/`, compiled in.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use axum::extract::FromRequestParts;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::request::Parts;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "id",
        // Isolation marks would show up as stray characters in titles and plain text.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The languages the portal speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Id,
    En,
}

static ID: LazyLock<LanguageIdentifier> = LazyLock::new(|| fluent_templates::langid!("id"));
static EN: LazyLock<LanguageIdentifier> = LazyLock::new(|| fluent_templates::langid!("en"));

/// The cookie that remembers a person's language choice.
pub const LANG_COOKIE: &str = "lang";

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::En => "en",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "id" | "in" => Some(Self::Id),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The other language, for the switch link.
    pub fn other(self) -> Self {
        match self {
            Self::Id => Self::En,
            Self::En => Self::Id,
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Self::Id => &ID,
            Self::En => &EN,
        }
    }

    /// A translator for this language.
    pub fn tr(self) -> Tr {
        Tr { lang: self }
    }

    /// From the `lang` cookie, else `Accept-Language`, else Indonesian.
    fn from_parts(parts: &Parts) -> Self {
        let cookie = crate::cookies::get(&parts.headers, LANG_COOKIE).and_then(Self::parse);
        if let Some(lang) = cookie {
            return lang;
        }
        parts
            .headers
            .get(ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.split(',')
                    .map(|item| item.split(';').next().unwrap_or("").trim())
                    .find_map(|tag| Self::parse(tag.split('-').next().unwrap_or("")))
            })
            .unwrap_or_default()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::from_parts(parts))
    }
}

/// Looks up messages for one language; templates call `get` with a message id.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    /// The message for `key`.
    pub fn get(&self, key: &str) -> String {
        LOCALES.lookup(self.lang.id(), key)
    }

    /// The message for `key` with one argument.
    pub fn with(&self, key: &str, name: &str, value: impl ToString) -> String {
        let mut args: HashMap<Cow<'static, str>, FluentValue> = HashMap::new();
        args.insert(Cow::Owned(name.to_string()), FluentValue::from(value.to_string()));
        LOCALES.lookup_with_args(self.lang.id(), key, &args)
    }

    /// The message for `key` with a count (for plural rules) and optional extra arguments.
    pub fn count(&self, key: &str, n: u64) -> String {
        let mut args: HashMap<Cow<'static, str>, FluentValue> = HashMap::new();
        args.insert(Cow::Borrowed("n"), FluentValue::from(n as f64));
        LOCALES.lookup_with_args(self.lang.id(), key, &args)
    }

    /// The message for `key` with several string arguments.
    pub fn args(&self, key: &str, pairs: &[(&str, String)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> =
            pairs.iter().map(|(k, v)| (Cow::Owned((*k).to_string()), FluentValue::from(v.clone()))).collect();
        LOCALES.lookup_with_args(self.lang.id(), key, &args)
    }

    /// Whether `key` exists in this language or the Indonesian fallback.
    pub fn has(&self, key: &str) -> bool {
        LOCALES.try_lookup(self.lang.id(), key).is_some()
    }
}

/// The message ids a catalog file defines, read straight from the file so a key missing in
/// English is not hidden by the Indonesian fallback.
#[cfg(test)]
pub(crate) fn catalog_ids(lang: Lang) -> std::collections::BTreeSet<String> {
    let path = format!("{}/locales/{}/main.ftl", env!("CARGO_MANIFEST_DIR"), lang.code());
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|line| line.starts_with(|c: char| c.is_ascii_lowercase()))
        .filter_map(|line| line.split_once(" =").map(|(id, _)| id.trim().to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn lang(headers: &[(&str, &str)]) -> Lang {
        let mut req = Request::builder();
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let (parts, ()) = req.body(()).map(|r| r.into_parts()).unwrap_or_else(|_| Request::new(()).into_parts());
        Lang::from_parts(&parts)
    }

    #[test]
    fn chooses_language() {
        assert_eq!(lang(&[]), Lang::Id);
        assert_eq!(lang(&[("accept-language", "en-US,en;q=0.9")]), Lang::En);
        assert_eq!(lang(&[("accept-language", "fr, id;q=0.8")]), Lang::Id);
        assert_eq!(lang(&[("accept-language", "en"), ("cookie", "a=b; lang=id")]), Lang::Id);
    }

    /// Every key used in a template or in code exists in both catalogs.
    #[test]
    fn every_message_key_is_translated() {
        let mut keys = std::collections::BTreeSet::new();
        let roots = [concat!(env!("CARGO_MANIFEST_DIR"), "/templates"), concat!(env!("CARGO_MANIFEST_DIR"), "/src")];
        let mut files = Vec::new();
        for root in roots {
            let mut stack = vec![std::path::PathBuf::from(root)];
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                    let path = entry.path();
                    if path.is_dir() { stack.push(path) } else { files.push(path) }
                }
            }
        }
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            for call in [
                "t.get(\"",
                "t.with(\"",
                "t.count(\"",
                "t.args(\"",
                "tr.get(\"",
                "tr.with(\"",
                "tr.count(\"",
                "tr.args(\"",
            ] {
                for piece in text.split(call).skip(1) {
                    if let Some(key) = piece.split('"').next() {
                        keys.insert(key.to_string());
                    }
                }
            }
        }
        assert!(keys.len() > 50, "found only {} keys", keys.len());
        // Messages whose id is passed on a separate line from the call.
        keys.extend(["progress-line", "progress-detail", "agency-counts"].map(String::from));
        let ids = [Lang::Id, Lang::En].map(|l| (l, catalog_ids(l)));
        let missing: Vec<_> = keys
            .iter()
            .flat_map(|k| ids.iter().map(move |(l, set)| (l, k, set)))
            .filter(|(_, k, set)| !set.contains(*k))
            .map(|(l, k, _)| (*l, k.clone()))
            .collect();
        assert!(missing.is_empty(), "missing translations: {missing:?}");
    }
}
