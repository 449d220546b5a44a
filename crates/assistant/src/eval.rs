//! Measuring understanding against a labelled file: accuracy, macro-F1, precision and recall
//! per intent, the confusion matrix, the service accuracy, and the failures to look at.

use std::fmt::Write;

use crate::intent::Intent;

/// One judged message.
#[derive(Debug, Clone, PartialEq)]
pub struct Judged {
    pub text: String,
    pub expected: Intent,
    pub predicted: Intent,
    pub confidence: f32,
    /// The service the file names, and the one found (when the file names one).
    pub service: Option<(String, Option<String>)>,
}

/// Scores of one intent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IntentScore {
    pub intent: Intent,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

/// The whole evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub total: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub per_intent: Vec<IntentScore>,
    /// `confusion[expected][predicted]`, in [`Intent::ALL`] order.
    pub confusion: Vec<Vec<usize>>,
    /// Messages naming a service: how many found it (first candidate), of how many.
    pub service: (usize, usize),
    pub judged: Vec<Judged>,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Scores judged messages. Intents with no example and no prediction are left out of the
/// macro average (they say nothing either way).
pub fn report(judged: Vec<Judged>) -> Report {
    let n = Intent::ALL.len();
    let mut confusion = vec![vec![0usize; n]; n];
    for j in &judged {
        confusion[j.expected.index()][j.predicted.index()] += 1;
    }
    let mut per_intent = Vec::new();
    for (i, intent) in Intent::ALL.iter().enumerate() {
        let tp = confusion[i][i];
        let support: usize = confusion[i].iter().sum();
        let predicted: usize = confusion.iter().map(|row| row[i]).sum();
        if support == 0 && predicted == 0 {
            continue;
        }
        let precision = ratio(tp, predicted);
        let recall = ratio(tp, support);
        let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
        per_intent.push(IntentScore { intent: *intent, precision, recall, f1, support });
    }
    let correct = judged.iter().filter(|j| j.expected == j.predicted).count();
    let macro_f1 = if per_intent.is_empty() {
        0.0
    } else {
        per_intent.iter().map(|s| s.f1).sum::<f64>() / per_intent.len() as f64
    };
    let with_service: Vec<&Judged> = judged.iter().filter(|j| j.service.is_some()).collect();
    let found = with_service
        .iter()
        .filter(|j| j.service.as_ref().is_some_and(|(want, got)| got.as_deref() == Some(want.as_str())))
        .count();
    Report {
        total: judged.len(),
        accuracy: ratio(correct, judged.len()),
        macro_f1,
        per_intent,
        confusion,
        service: (found, with_service.len()),
        judged,
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "messages   {}", self.total)?;
        writeln!(f, "accuracy   {:.3}", self.accuracy)?;
        writeln!(f, "macro-F1   {:.3}", self.macro_f1)?;
        let (found, of) = self.service;
        writeln!(f, "service    {:.3} ({found} of {of})", ratio(found, of))?;
        writeln!(f, "\n{:<20} {:>9} {:>7} {:>6} {:>7}", "intent", "precision", "recall", "f1", "support")?;
        for s in &self.per_intent {
            writeln!(
                f,
                "{:<20} {:>9.3} {:>7.3} {:>6.3} {:>7}",
                s.intent.as_str(),
                s.precision,
                s.recall,
                s.f1,
                s.support
            )?;
        }
        // The confusion matrix with numbered columns (labels are long).
        writeln!(f, "\nconfusion (rows: expected, columns: predicted)")?;
        let mut header = format!("{:<24}", "");
        for i in 0..Intent::ALL.len() {
            let _ = write!(header, "{:>4}", i + 1);
        }
        writeln!(f, "{header}")?;
        for (i, intent) in Intent::ALL.iter().enumerate() {
            let mut line = format!("{:>2} {:<21}", i + 1, intent.as_str());
            for count in &self.confusion[i] {
                let _ = write!(line, "{:>4}", if *count == 0 { ".".to_string() } else { count.to_string() });
            }
            writeln!(f, "{line}")?;
        }
        let failures: Vec<&Judged> = self
            .judged
            .iter()
            .filter(|j| {
                j.expected != j.predicted
                    || j.service.as_ref().is_some_and(|(want, got)| got.as_deref() != Some(want.as_str()))
            })
            .collect();
        if !failures.is_empty() {
            writeln!(f, "\nfailures ({})", failures.len())?;
            for j in failures {
                let service = match &j.service {
                    Some((want, got)) if got.as_deref() != Some(want.as_str()) => {
                        format!("  service {want} → {}", got.as_deref().unwrap_or("-"))
                    }
                    _ => String::new(),
                };
                writeln!(
                    f,
                    "  {:<18} → {:<18} {:.2}  \"{}\"{service}",
                    j.expected.as_str(),
                    j.predicted.as_str(),
                    j.confidence,
                    j.text
                )?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j(expected: Intent, predicted: Intent) -> Judged {
        Judged { text: "x".into(), expected, predicted, confidence: 0.9, service: None }
    }

    #[test]
    fn scores_match_a_hand_count() {
        use Intent::*;
        // Greeting: 2 of 3 right, one predicted Thanks. Thanks: 1 of 1 right.
        let mut judged = vec![j(Greeting, Greeting), j(Greeting, Greeting), j(Greeting, Thanks), j(Thanks, Thanks)];
        judged[0].service = Some(("KTP-EL".into(), Some("KTP-EL".into())));
        judged[1].service = Some(("KTP-EL".into(), None));
        let r = report(judged);
        assert_eq!(r.total, 4);
        assert!((r.accuracy - 0.75).abs() < 1e-9);
        let greeting = r.per_intent.iter().find(|s| s.intent == Greeting).unwrap();
        assert!((greeting.precision - 1.0).abs() < 1e-9 && (greeting.recall - 2.0 / 3.0).abs() < 1e-9);
        let thanks = r.per_intent.iter().find(|s| s.intent == Thanks).unwrap();
        assert!((thanks.precision - 0.5).abs() < 1e-9 && (thanks.recall - 1.0).abs() < 1e-9);
        // F1: greeting 0.8, thanks 2/3; only the two intents that appear are averaged.
        assert!((r.macro_f1 - (0.8 + 2.0 / 3.0) / 2.0).abs() < 1e-9, "{}", r.macro_f1);
        assert_eq!(r.confusion[Greeting.index()][Thanks.index()], 1);
        assert_eq!(r.service, (1, 2));
        let text = r.to_string();
        assert!(text.contains("accuracy   0.750") && text.contains("failures (2)"), "{text}");
    }
}
