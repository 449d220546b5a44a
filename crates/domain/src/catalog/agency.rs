//! Agencies (organisasi perangkat daerah, OPD).

use serde::{Deserialize, Serialize};

use super::enums::vocabulary;
use crate::{AgencyCode, WebUrl};

vocabulary!(
    /// The kind of agency, as Indonesian local government names them.
    AgencyKind {
        Sekretariat = "sekretariat",
        Inspektorat = "inspektorat",
        Dinas = "dinas",
        Badan = "badan",
        Kantor = "kantor",
        Kecamatan = "kecamatan",
        Kelurahan = "kelurahan",
        Rsud = "rsud",
        Bumd = "bumd",
        Bagian = "bagian",
        Lainnya = "lainnya",
    }
);

impl AgencyKind {
    /// Guesses the kind from an official name, for agencies created by a catalog import
    /// that names only the agency.
    pub fn infer_from_name(name: &str) -> Self {
        let lower = name.trim().to_lowercase();
        let starts = |prefix: &str| lower.starts_with(prefix);
        if starts("sekretariat") {
            Self::Sekretariat
        } else if starts("inspektorat") {
            Self::Inspektorat
        } else if starts("dinas") {
            Self::Dinas
        } else if starts("badan") {
            Self::Badan
        } else if starts("kantor") || starts("satuan") {
            Self::Kantor
        } else if starts("kecamatan") {
            Self::Kecamatan
        } else if starts("kelurahan") {
            Self::Kelurahan
        } else if starts("rumah sakit") || starts("rsud") {
            Self::Rsud
        } else if starts("perumda") || starts("pd ") || starts("perusahaan") {
            Self::Bumd
        } else if starts("bagian") {
            Self::Bagian
        } else {
            Self::Lainnya
        }
    }
}

/// A city agency that owns applications and services.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agency {
    pub code: AgencyCode,
    pub name: String,
    /// The name people use, e.g. "Disdukcapil".
    pub short_name: Option<String>,
    pub kind: AgencyKind,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<WebUrl>,
}

impl Agency {
    /// The short name when there is one, else the full name.
    pub fn display_short(&self) -> &str {
        self.short_name.as_deref().unwrap_or(&self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infers_kind_from_name() {
        assert_eq!(AgencyKind::infer_from_name("Dinas Kependudukan dan Pencatatan Sipil"), AgencyKind::Dinas);
        assert_eq!(AgencyKind::infer_from_name("Kecamatan Bogor Barat"), AgencyKind::Kecamatan);
        assert_eq!(AgencyKind::infer_from_name("Badan Pendapatan Daerah"), AgencyKind::Badan);
        assert_eq!(AgencyKind::infer_from_name("Rumah Sakit Umum Daerah Kota Bogor"), AgencyKind::Rsud);
        assert_eq!(AgencyKind::infer_from_name("Tim Percepatan"), AgencyKind::Lainnya);
    }
}
