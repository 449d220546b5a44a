//! Request parameters of the OAuth endpoints (query string or form body).

/// Decoded `name=value` pairs in their order.
#[derive(Debug, Clone, Default)]
pub struct Form(pub Vec<(String, String)>);

impl Form {
    pub fn parse(raw: &[u8]) -> Self {
        Self(url::form_urlencoded::parse(raw).into_owned().collect())
    }

    /// The first value of `name`; an empty value counts as absent (RFC 6749 §3.1).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, v)| k == name && !v.is_empty()).map(|(_, v)| v.as_str())
    }

    /// A parameter sent more than once, which RFC 6749 §3.1 forbids.
    pub fn repeated(&self) -> Option<&str> {
        self.0.iter().enumerate().find_map(|(i, (k, _))| self.0[..i].iter().any(|(j, _)| j == k).then_some(k.as_str()))
    }

    /// The pairs as a query string.
    pub fn encode(&self) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.0 {
            out.append_pair(k, v);
        }
        out.finish()
    }
}

/// `uri` with `pairs` added to its query (keeping a query the client registered).
pub fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        out.append_pair(k, v);
    }
    let separator = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{separator}{}", out.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters() {
        let form = Form::parse(b"a=1&b=&c=x%20y&a=2");
        assert_eq!(form.get("a"), Some("1"));
        assert_eq!(form.get("b"), None);
        assert_eq!(form.get("c"), Some("x y"));
        assert_eq!(form.repeated(), Some("a"));
        assert_eq!(Form::parse(b"a=1&b=2").repeated(), None);
        assert_eq!(with_query("https://app/cb", &[("code", "x y")]), "https://app/cb?code=x+y");
        assert_eq!(with_query("https://app/cb?t=1", &[("code", "c")]), "https://app/cb?t=1&code=c");
    }
}
