//! Evaluation of a city's digital maturity: SPBE, Smart City and Pemerintah Digital.
//!
//! Frameworks are data ([`file`]), indexes are exact ([`index`], [`Exact`]), and the what-if
//! planner ([`planner`]) tells a team where one more level counts most. The review workflow's
//! rules (who may set which level, the order of the stages) live in [`review`]; the figures
//! the platform generates about itself, as evidence, in [`metrics`].

mod exact;
pub mod file;
mod framework;
pub mod index;
pub mod metrics;
pub mod planner;
pub mod review;

pub use exact::{Exact, NotADecimal};
pub use file::{FileProblem, FrameworkFileError, parse_framework};
pub use framework::{Band, Dimension, Element, Framework, Group, Indicator, Rubric, RubricLevel, Scale};
pub use index::{IndexValues, Shown, compute, levels_from_rows};
pub use review::{EvidenceKind, InnovationStatus, Stage};

/// The frameworks that ship with satupintu: `(file name, text)`.
pub const BUILTIN_FILES: [(&str, &str); 3] = [
    ("spbe-59-2020.toml", include_str!("../../frameworks/spbe-59-2020.toml")),
    ("smart-city-kominfo.toml", include_str!("../../frameworks/smart-city-kominfo.toml")),
    ("pemdi-8-2026.toml", include_str!("../../frameworks/pemdi-8-2026.toml")),
];

/// The shipped frameworks, checked. They are tested to load, so an error here means a
/// broken build and names the file.
pub fn builtin_frameworks() -> Result<Vec<Framework>, String> {
    BUILTIN_FILES.iter().map(|(name, text)| parse_framework(text).map_err(|e| format!("{name}: {e}"))).collect()
}

#[cfg(test)]
mod tests;
