//! The review workflow's vocabulary and rules.
//!
//! Every level an indicator receives is kept with its stage, who and when, because reports
//! compare the team's own level with the assessors' (SPBE 59/2020: penilaian mandiri →
//! penilaian dokumen → interviu → final). The team writes only the self-assessment; only an
//! assessor writes the later stages.

use serde::Serialize;

/// A stage of the evaluation, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Stage {
    /// Penilaian mandiri: the city's own team.
    SelfAssessment,
    /// Penilaian dokumen by the external assessors.
    DocumentReview,
    /// Penilaian interviu (clarification).
    Interview,
    /// The final level.
    Final,
}

impl Stage {
    pub const ALL: [Self; 4] = [Self::SelfAssessment, Self::DocumentReview, Self::Interview, Self::Final];

    /// Stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SelfAssessment => "mandiri",
            Self::DocumentReview => "dokumen",
            Self::Interview => "interviu",
            Self::Final => "final",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == code)
    }

    /// What people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::SelfAssessment => "Penilaian mandiri",
            Self::DocumentReview => "Penilaian dokumen",
            Self::Interview => "Penilaian interviu",
            Self::Final => "Nilai akhir",
        }
    }

    /// Whether the stage belongs to the assessors (role `asesor`) rather than the city's team.
    pub fn is_assessor_stage(self) -> bool {
        self != Self::SelfAssessment
    }
}

/// What an evidence item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum EvidenceKind {
    /// An uploaded document (PDF).
    File,
    /// A link to a page elsewhere.
    Link,
    /// An uploaded screenshot (PNG or JPEG).
    Screenshot,
    /// A snapshot of figures satupintu measured itself; never changes once taken.
    Metric,
}

impl EvidenceKind {
    pub const ALL: [Self; 4] = [Self::File, Self::Link, Self::Screenshot, Self::Metric];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::File => "berkas",
            Self::Link => "tautan",
            Self::Screenshot => "tangkapan_layar",
            Self::Metric => "metrik",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::File => "Berkas",
            Self::Link => "Tautan",
            Self::Screenshot => "Tangkapan layar",
            Self::Metric => "Metrik platform",
        }
    }
}

/// Where an innovation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum InnovationStatus {
    Planned,
    Piloting,
    Running,
    Stopped,
}

impl InnovationStatus {
    pub const ALL: [Self; 4] = [Self::Planned, Self::Piloting, Self::Running, Self::Stopped];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Planned => "rencana",
            Self::Piloting => "uji_coba",
            Self::Running => "berjalan",
            Self::Stopped => "dihentikan",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Planned => "Direncanakan",
            Self::Piloting => "Uji coba",
            Self::Running => "Berjalan",
            Self::Stopped => "Dihentikan",
        }
    }
}
