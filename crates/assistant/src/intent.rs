//! What a person wants from a message: exactly these thirteen labels.

use serde::{Deserialize, Serialize};

macro_rules! intents {
    ($($(#[$doc:meta])* $variant:ident = $label:literal),+ $(,)?) => {
        /// An intent label.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Intent {
            $($(#[$doc])* #[serde(rename = $label)] $variant),+
        }

        impl Intent {
            /// Every intent, in a fixed order (the classifier's class indexes).
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $label),+ }
            }

            pub fn parse(label: &str) -> Option<Self> {
                match label.trim() { $($label => Some(Self::$variant),)+ _ => None }
            }
        }
    };
}

intents!(
    /// Hello, good morning, punten.
    Greeting = "salam",
    /// Thanks, and goodbyes.
    Thanks = "terima_kasih",
    /// What Talas can do.
    Help = "bantuan",
    /// Looking for a service.
    FindService = "cari_layanan",
    /// Which documents a service needs.
    Requirements = "info_persyaratan",
    /// What a service costs.
    Cost = "info_biaya",
    /// How long a service takes.
    Duration = "info_waktu",
    /// Where and when, whom to call.
    Contact = "info_lokasi_kontak",
    /// Where an application stands.
    CheckStatus = "cek_status",
    /// Apply now, in the chat.
    Apply = "ajukan_permohonan",
    /// A complaint or a report.
    Complaint = "pengaduan",
    /// Talk to a person.
    Human = "bicara_petugas",
    /// Anything that is not about the city's services.
    OutOfScope = "di_luar_topik",
);

impl Intent {
    pub fn index(self) -> usize {
        Self::ALL.iter().position(|i| *i == self).unwrap_or_default()
    }
}

impl std::fmt::Display for Intent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirteen_labels_round_trip() {
        assert_eq!(Intent::ALL.len(), 13);
        for (i, intent) in Intent::ALL.iter().enumerate() {
            assert_eq!(Intent::parse(intent.as_str()), Some(*intent));
            assert_eq!(intent.index(), i);
        }
        assert_eq!(Intent::parse("cek_status"), Some(Intent::CheckStatus));
        assert_eq!(Intent::parse("status"), None);
    }
}
