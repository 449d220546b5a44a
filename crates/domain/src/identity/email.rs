//! E-mail addresses, compared case-insensitively.

use std::fmt;

/// Why an e-mail address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("alamat surel tidak valid")]
pub struct EmailError;

/// An e-mail address, trimmed and lower-cased: `Budi@Contoh.ID` and `budi@contoh.id` are
/// one account.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let email = raw.trim().to_lowercase();
        let (local, domain) = email.split_once('@').ok_or(EmailError)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            && labels.last().is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
        if local_ok && domain_ok && email.len() <= 254 { Ok(Self(email)) } else { Err(EmailError) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For screens where the whole address should not show: `bu••@contoh.id`.
    pub fn masked(&self) -> String {
        let (local, domain) = self.0.split_once('@').unwrap_or((&self.0, ""));
        let shown: String = local.chars().take(2).collect();
        format!("{shown}••@{domain}")
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({})", self.masked())
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_and_normalises() {
        assert_eq!(
            Email::parse(" Budi.Santoso@KotaBogor.go.id ").map(|e| e.0),
            Ok("budi.santoso@kotabogor.go.id".into())
        );
        assert_eq!(Email::parse("a+tag@contoh.id").map(|e| e.masked()), Ok("a+••@contoh.id".into()));
    }

    #[test]
    fn refuses() {
        for bad in [
            "",
            "budi",
            "budi@",
            "@contoh.id",
            "budi@contoh",
            "bu di@contoh.id",
            "budi@contoh..id",
            ".b@contoh.id",
            "b@-x.id",
            "b@x.1d",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn parsed_addresses_are_stable(raw in "[a-zA-Z0-9.@+-]{0,30}") {
            if let Ok(email) = Email::parse(&raw) {
                prop_assert_eq!(Email::parse(email.as_str()), Ok(email.clone()));
                prop_assert_eq!(email.as_str().matches('@').count(), 1);
            }
        }
    }
}
