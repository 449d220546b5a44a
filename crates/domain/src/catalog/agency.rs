//! Agencies (organisasi perangkat daerah, OPD).

use serde::{Deserialize, Serialize};

use super::RowProblem;
use super::enums::vocabulary;
use crate::text::tidy;
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

/// The columns of an agency file, which are also the fields of the back-office form.
pub const AGENCY_COLUMNS: &[&str] = &["kode", "nama", "singkatan", "jenis", "alamat", "telepon", "email", "situs_web"];

/// The longest agency name accepted; other text fields allow [`MAX_AGENCY_TEXT`].
pub const MAX_AGENCY_NAME: usize = 200;
pub const MAX_AGENCY_TEXT: usize = 300;

impl Agency {
    /// Reads an agency from named fields (a file row or a form), listing every problem.
    /// `field` returns a column's raw text ("" when absent); `jenis` is guessed from the
    /// name when blank.
    pub fn parse_fields<'a>(line: usize, field: impl Fn(&str) -> &'a str) -> Result<Self, Vec<RowProblem>> {
        let mut problems = Vec::new();
        let mut problem =
            |column: &str, reason: String| problems.push(RowProblem { line, column: Some(column.into()), reason });
        let opt = |column: &str| Some(tidy(field(column))).filter(|s| !s.is_empty());
        let code = AgencyCode::parse(field("kode").trim()).map_err(|e| problem("kode", e.to_string())).ok();
        let name = opt("nama");
        match &name {
            None => problem("nama", "wajib diisi".into()),
            Some(n) if n.chars().count() > MAX_AGENCY_NAME => {
                problem("nama", format!("terlalu panjang (maksimal {MAX_AGENCY_NAME} karakter)"))
            }
            Some(_) => {}
        }
        for column in ["singkatan", "alamat", "telepon", "email"] {
            if opt(column).is_some_and(|v| v.chars().count() > MAX_AGENCY_TEXT) {
                problem(column, format!("terlalu panjang (maksimal {MAX_AGENCY_TEXT} karakter)"));
            }
        }
        let email = opt("email");
        if let Some(raw) = &email
            && let Err(e) = crate::identity::Email::parse(raw)
        {
            problem("email", e.to_string());
        }
        let kind = match opt("jenis") {
            Some(raw) => AgencyKind::parse(&raw).map_err(|e| problem("jenis", e.to_string())).ok(),
            None => name.as_deref().map(AgencyKind::infer_from_name),
        };
        let website =
            WebUrl::parse_optional(field("situs_web")).map_err(|e| problem("situs_web", e.to_string())).ok().flatten();
        match (code, name, kind) {
            (Some(code), Some(name), Some(kind)) if problems.is_empty() => Ok(Self {
                code,
                name,
                short_name: opt("singkatan"),
                kind,
                address: opt("alamat"),
                phone: opt("telepon"),
                email,
                website,
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fields_and_lists_every_problem() {
        let good = |c: &str| match c {
            "kode" => " dinkes ",
            "nama" => "Dinas  Kesehatan",
            "email" => "dinkes@kotabogor.go.id",
            _ => "",
        };
        let agency = Agency::parse_fields(2, good).ok();
        assert_eq!(agency.as_ref().map(|a| (a.code.as_str(), a.name.as_str())), Some(("DINKES", "Dinas Kesehatan")));
        assert_eq!(agency.map(|a| a.kind), Some(AgencyKind::Dinas));
        let bad = |c: &str| match c {
            "kode" => "1 x",
            "jenis" => "kerajaan",
            "email" => "bukan surel",
            "situs_web" => "ftp://x",
            _ => "",
        };
        let columns: Vec<String> =
            Agency::parse_fields(3, bad).err().unwrap_or_default().into_iter().filter_map(|p| p.column).collect();
        assert_eq!(columns, ["kode", "nama", "email", "jenis", "situs_web"]);
    }

    #[test]
    fn infers_kind_from_name() {
        assert_eq!(AgencyKind::infer_from_name("Dinas Kependudukan dan Pencatatan Sipil"), AgencyKind::Dinas);
        assert_eq!(AgencyKind::infer_from_name("Kecamatan Bogor Barat"), AgencyKind::Kecamatan);
        assert_eq!(AgencyKind::infer_from_name("Badan Pendapatan Daerah"), AgencyKind::Badan);
        assert_eq!(AgencyKind::infer_from_name("Rumah Sakit Umum Daerah Kota Bogor"), AgencyKind::Rsud);
        assert_eq!(AgencyKind::infer_from_name("Tim Percepatan"), AgencyKind::Lainnya);
    }
}
