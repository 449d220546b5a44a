//! Small text helpers shared by the catalog rules.

/// Turns a display name into a URL slug: `Pajak & Retribusi` → `pajak-retribusi`.
pub fn slugify(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

/// Splits a `;`-separated list field, trimming items and dropping empty ones.
pub fn split_list(raw: &str) -> Vec<String> {
    raw.split(';').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// Collapses runs of whitespace and trims: names typed in spreadsheets carry stray spaces.
pub fn tidy(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Pajak & Retribusi"), "pajak-retribusi");
        assert_eq!(slugify("Kepegawaian (ASN)"), "kepegawaian-asn");
        assert_eq!(slugify("  Kesehatan "), "kesehatan");
    }

    #[test]
    fn lists() {
        assert_eq!(split_list(" KTP ; ;KK;"), vec!["KTP", "KK"]);
        assert!(split_list("").is_empty());
    }

    proptest! {
        #[test]
        fn slugs_are_url_safe(name in "\\PC{0,40}") {
            let slug = slugify(&name);
            prop_assert!(slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
            prop_assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"));
        }

        #[test]
        fn list_round_trips(items in proptest::collection::vec("[a-zA-Z0-9 ]{1,12}", 0..6)) {
            let items: Vec<String> = items.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
            prop_assert_eq!(split_list(&items.join(";")), items);
        }
    }
}
