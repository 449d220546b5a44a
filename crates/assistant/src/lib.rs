//! Talas's understanding of a message: which of thirteen intents it expresses (a classifier
//! trained at start-up from the labelled Indonesian set in `data/`), and what it names (a
//! service, a tracking code, a NIK, a phone number, a date). No I/O: the web layer holds the
//! conversation and calls into this crate.

pub mod classifier;
pub mod entities;
pub mod eval;
pub mod intent;
pub mod language;
pub mod services;
pub mod text;
pub mod understand;

pub use classifier::{Classifier, Example, Prediction, TrainOptions, parse_examples};
pub use entities::{CodeMention, Entities, extract};
pub use intent::Intent;
pub use understand::{CONFIDENCE_THRESHOLD, Understanding, understand, understand_with};
