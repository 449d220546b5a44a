//! One message understood: the classifier's intent, corrected by what the entities make
//! certain, with a confidence below which Talas asks instead of guessing.

use std::sync::LazyLock;

use chrono::NaiveDate;

use crate::classifier::{Classifier, TrainOptions, parse_examples};
use crate::entities::{CodeMention, Entities, extract};
use crate::intent::Intent;

/// Below this probability Talas says it did not understand and offers the menu.
pub const CONFIDENCE_THRESHOLD: f32 = 0.40;

const TRAINING_SET: &str = include_str!("../data/intents-train.jsonl");

/// The model every process trains once, on first use, from the set in the repository.
pub static MODEL: LazyLock<Classifier> = LazyLock::new(|| {
    let examples = parse_examples(TRAINING_SET).unwrap_or_default();
    Classifier::train(&examples.into_iter().map(|(e, i)| (e.text, i)).collect::<Vec<_>>(), TrainOptions::default())
});

/// What a message means.
#[derive(Debug, Clone, PartialEq)]
pub struct Understanding {
    pub intent: Intent,
    pub confidence: f32,
    pub entities: Entities,
}

impl Understanding {
    /// Whether Talas may act on the intent (else it asks).
    pub fn is_confident(&self) -> bool {
        self.confidence >= CONFIDENCE_THRESHOLD
    }
}

/// Understands a message with the shared model.
pub fn understand(text: &str, today: NaiveDate) -> Understanding {
    understand_with(&MODEL, text, today)
}

/// Understands a message with a given model.
pub fn understand_with(model: &Classifier, text: &str, today: NaiveDate) -> Understanding {
    let prediction = model.predict(text);
    let entities = extract(text, today);
    let (mut intent, mut confidence) = (prediction.intent, prediction.confidence);
    // Words never seen and letters in unfamiliar runs: not understood, whatever scored best.
    let (known_word, share) = prediction.familiarity;
    if !known_word && share < 0.6 {
        confidence = confidence.min(CONFIDENCE_THRESHOLD / 2.0);
    }
    // A tracking code in a message is almost always a question about it; a complaint that
    // quotes its code is still a complaint when the model is sure of it.
    if entities.code.is_some() && intent != Intent::CheckStatus && !(intent == Intent::Complaint && confidence >= 0.8) {
        intent = Intent::CheckStatus;
        confidence = confidence.max(CONFIDENCE_THRESHOLD);
    }
    Understanding { intent, confidence, entities }
}

/// Whether a message names a code that is well formed (for answers that quote it).
pub fn valid_code(u: &Understanding) -> Option<&domain::request::TrackingCode> {
    match &u.entities.code {
        Some(CodeMention::Valid(code)) => Some(code),
        _ => None,
    }
}

/// The training set's size (for the eval report).
pub fn training_examples() -> usize {
    TRAINING_SET.lines().filter(|l| !l.trim().is_empty()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default()
    }

    #[test]
    fn the_shared_model_understands_everyday_messages() {
        let cases = [
            ("halo kak", Intent::Greeting),
            ("hatur nuhun pisan", Intent::Thanks),
            ("syarat bikin ktp apa aja", Intent::Requirements),
            ("brp biaya akta kelahiran", Intent::Cost),
            ("berapa lama jadinya kk", Intent::Duration),
            ("kantor disdukcapil dimana ya", Intent::Contact),
            ("mau ngomong sama petugas", Intent::Human),
            ("jalan depan rumah rusak parah banyak lubang", Intent::Complaint),
        ];
        for (text, want) in cases {
            assert_eq!(understand(text, today()).intent, want, "{text}");
        }
    }

    #[test]
    fn gibberish_is_not_understood() {
        for text in ["qwrtp zzkx", "xcvb plkj", "mmmh vbnm"] {
            assert!(!understand(text, today()).is_confident(), "{text}");
        }
        assert!(understand("persyaratn akte", today()).is_confident());
    }

    #[test]
    fn a_tracking_code_means_a_status_question() {
        let prefix = domain::request::TrackingPrefix::parse("BGR").unwrap_or_else(|_| unreachable!());
        let code = domain::request::TrackingCode::generate(&prefix, 42);
        let u = understand(&format!("{} gimana", code.as_str()), today());
        assert_eq!(u.intent, Intent::CheckStatus);
        assert_eq!(valid_code(&u), Some(&code));
        assert!(u.is_confident());
    }
}
