//! Closed vocabularies of the catalog, spelled in Indonesian on the wire and in files.

use serde::{Deserialize, Serialize};

/// A value that is not one of a vocabulary's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("nilai '{value}' tidak dikenal; pilihan: {choices}")]
pub struct ParseEnumError {
    pub value: String,
    pub choices: String,
}

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $word)] $variant),+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The word used in URLs, files, the API and the database.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $word),+ }
            }

            /// Parses the word, ignoring case and surrounding space.
            pub fn parse(raw: &str) -> Result<Self, $crate::catalog::ParseEnumError> {
                let word = raw.trim().to_ascii_lowercase();
                match word.as_str() {
                    $($word => Ok(Self::$variant),)+
                    _ => Err($crate::catalog::ParseEnumError {
                        value: raw.trim().to_string(),
                        choices: [$($word),+].join(", "),
                    }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::catalog::ParseEnumError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
    };
}

pub(crate) use vocabulary;

vocabulary!(
    /// Who a service is for.
    Audience {
        /// Residents.
        Warga = "warga",
        /// Civil servants (internal government applications).
        Asn = "asn",
        /// Businesses.
        Bisnis = "bisnis",
    }
);

vocabulary!(
    /// How an application is joined to the single window.
    IntegrationMode {
        /// The portal links to the application, which keeps its own login.
        Link = "link",
        /// The application signs people in with satupintu (OpenID Connect).
        Sso = "sso",
        /// Requests and data flow through satupintu's API. SPBE counts only this as
        /// integration.
        Api = "api",
        /// Handled inside satupintu itself.
        Native = "native",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip() {
        for mode in IntegrationMode::ALL {
            assert_eq!(IntegrationMode::parse(mode.as_str()), Ok(*mode));
        }
        assert_eq!(Audience::parse(" ASN "), Ok(Audience::Asn));
        let err = IntegrationMode::parse("email").err();
        assert_eq!(err.map(|e| e.choices), Some("link, sso, api, native".into()));
    }
}
