//! Links to the city's applications (web, Play Store, App Store).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a link was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("alamat web tidak valid: {0}")]
    Malformed(String),
    #[error("alamat web harus diawali http:// atau https://")]
    Scheme,
    #[error("alamat web harus memiliki nama host")]
    NoHost,
    #[error("alamat web tidak boleh memuat nama pengguna atau kata sandi")]
    Credentials,
}

/// An absolute `http`/`https` URL that is safe to put in a link a citizen clicks.
///
/// `javascript:`, `data:` and relative URLs are refused: a catalog row is data typed by
/// many hands and must never become a script on the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WebUrl(String);

impl WebUrl {
    pub fn parse(raw: &str) -> Result<Self, LinkError> {
        let raw = raw.trim();
        let url = url::Url::parse(raw).map_err(|e| LinkError::Malformed(e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(LinkError::Scheme);
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(LinkError::NoHost);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(LinkError::Credentials);
        }
        Ok(Self(url.to_string()))
    }

    /// Parses an optional field: blank means absent.
    pub fn parse_optional(raw: &str) -> Result<Option<Self>, LinkError> {
        if raw.trim().is_empty() { Ok(None) } else { Self::parse(raw).map(Some) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The host name, shown next to a link so people know where it leads.
    pub fn host(&self) -> &str {
        let rest = self.0.split_once("://").map_or(self.0.as_str(), |(_, r)| r);
        rest.split(['/', '?', '#', ':']).next().unwrap_or(rest)
    }
}

impl fmt::Display for WebUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for WebUrl {
    type Error = LinkError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<WebUrl> for String {
    fn from(value: WebUrl) -> String {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_web_links() {
        let url = WebUrl::parse(" https://disdukcapil.kotabogor.go.id/layanan?x=1 ");
        assert_eq!(url.as_ref().map(WebUrl::as_str), Ok("https://disdukcapil.kotabogor.go.id/layanan?x=1"));
        assert_eq!(url.map(|u| u.host().to_string()), Ok("disdukcapil.kotabogor.go.id".into()));
    }

    #[test]
    fn refuses_dangerous_or_broken_links() {
        assert_eq!(WebUrl::parse("javascript:alert(1)"), Err(LinkError::Scheme));
        assert_eq!(WebUrl::parse("data:text/html,hi"), Err(LinkError::Scheme));
        assert_eq!(WebUrl::parse("ftp://example.org"), Err(LinkError::Scheme));
        assert!(matches!(WebUrl::parse("kotabogor.go.id"), Err(LinkError::Malformed(_))));
        assert_eq!(WebUrl::parse("https://user:pw@kotabogor.go.id"), Err(LinkError::Credentials));
        assert_eq!(WebUrl::parse_optional("  "), Ok(None));
    }

    proptest! {
        #[test]
        fn accepted_links_are_http_and_reparse(raw in "\\PC{0,60}") {
            if let Ok(url) = WebUrl::parse(&raw) {
                prop_assert!(url.as_str().starts_with("http://") || url.as_str().starts_with("https://"));
                prop_assert_eq!(WebUrl::parse(url.as_str()), Ok(url.clone()));
                prop_assert!(!url.host().is_empty());
            }
        }
    }
}
