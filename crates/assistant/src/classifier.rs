//! The intent classifier: multinomial logistic regression over the sparse features of
//! [`crate::text::features`], trained at start-up (in well under a second) from the labelled
//! set kept in the repository. Deterministic: the same data gives the same model.

use std::collections::HashMap;

use crate::intent::Intent;
use crate::text::features;

/// A labelled message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct Example {
    pub text: String,
    pub intent: String,
    /// The service the message is about, if any (a catalog code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
}

/// Reads JSON lines of examples, naming the first bad line.
pub fn parse_examples(jsonl: &str) -> Result<Vec<(Example, Intent)>, String> {
    let mut out = Vec::new();
    for (n, line) in jsonl.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let example: Example = serde_json::from_str(line).map_err(|e| format!("line {}: {e}", n + 1))?;
        let intent = Intent::parse(&example.intent)
            .ok_or_else(|| format!("line {}: unknown intent '{}'", n + 1, example.intent))?;
        out.push((example, intent));
    }
    Ok(out)
}

/// How to train.
#[derive(Debug, Clone, Copy)]
pub struct TrainOptions {
    pub epochs: usize,
    pub learning_rate: f32,
    pub l2: f32,
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self { epochs: 60, learning_rate: 0.2, l2: 1e-4 }
    }
}

/// A trained model.
pub struct Classifier {
    vocabulary: HashMap<String, usize>,
    /// `classes × features`, row by class.
    weights: Vec<f32>,
    bias: Vec<f32>,
}

/// What the classifier thinks of a message.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    pub intent: Intent,
    /// The probability of `intent`, 0–1.
    pub confidence: f32,
    /// Every intent with its probability, most likely first.
    pub ranked: Vec<(Intent, f32)>,
    /// How much of the message the model has seen before: whether any of its words is
    /// known, and the share of its character n-grams that are. Gibberish scores low on both.
    pub familiarity: (bool, f32),
}

/// How much each kind of feature counts before the vector is normalized: whole words and
/// word pairs say more than any one character n-gram.
fn group_weight(feature: &str) -> f32 {
    match feature.as_bytes().first() {
        Some(b'w') => 2.0,
        Some(b'b') => 1.5,
        Some(b'e') => 3.0,
        Some(b'k') => 1.5,
        _ => 0.3,
    }
}

/// Sub-linear counts, group weights, unit length.
fn vectorize(raw: HashMap<String, f32>, index: impl Fn(&str) -> Option<usize>) -> Vec<(usize, f32)> {
    let mut v: Vec<(usize, f32)> = raw
        .into_iter()
        .filter_map(|(f, count)| index(&f).map(|i| (i, (1.0 + count.ln()) * group_weight(&f))))
        .collect();
    // Sorted first: a sum in hash order would differ in its last bits from run to run.
    v.sort_unstable_by_key(|(i, _)| *i);
    let norm = v.iter().map(|(_, x)| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        for (_, x) in &mut v {
            *x /= norm;
        }
    }
    v
}

fn softmax(scores: &mut [f32]) {
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for s in scores.iter_mut() {
        *s = (*s - max).exp();
        sum += *s;
    }
    for s in scores.iter_mut() {
        *s /= sum;
    }
}

impl Classifier {
    /// Trains on labelled texts.
    pub fn train(examples: &[(String, Intent)], options: TrainOptions) -> Self {
        let mut vocabulary: HashMap<String, usize> = HashMap::new();
        let raw: Vec<HashMap<String, f32>> = examples.iter().map(|(text, _)| features(text)).collect();
        let mut names: Vec<&String> = raw.iter().flat_map(HashMap::keys).collect();
        names.sort();
        names.dedup();
        for name in names {
            let next = vocabulary.len();
            vocabulary.insert(name.clone(), next);
        }
        let data: Vec<(Vec<(usize, f32)>, usize)> = raw
            .into_iter()
            .zip(examples)
            .map(|(f, (_, intent))| (vectorize(f, |name| vocabulary.get(name).copied()), intent.index()))
            .collect();
        let classes = Intent::ALL.len();
        let width = vocabulary.len();
        let mut weights = vec![0.0f32; classes * width];
        let mut bias = vec![0.0f32; classes];
        // AdaGrad: per-weight step sizes, so rare n-grams still learn.
        let mut g2 = vec![1e-8f32; classes * width];
        let mut gb2 = vec![1e-8f32; classes];
        let mut order: Vec<usize> = (0..data.len()).collect();
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut scores = vec![0.0f32; classes];
        for _ in 0..options.epochs {
            // A fixed-seed shuffle (xorshift): training is the same on every start.
            for i in (1..order.len()).rev() {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                order.swap(i, (seed % (i as u64 + 1)) as usize);
            }
            for &n in &order {
                let (x, label) = &data[n];
                for (c, score) in scores.iter_mut().enumerate() {
                    let row = &weights[c * width..(c + 1) * width];
                    *score = bias[c] + x.iter().map(|(i, v)| row[*i] * v).sum::<f32>();
                }
                softmax(&mut scores);
                for c in 0..classes {
                    let error = scores[c] - if c == *label { 1.0 } else { 0.0 };
                    for (i, v) in x {
                        let k = c * width + i;
                        let g = error * v + options.l2 * weights[k];
                        g2[k] += g * g;
                        weights[k] -= options.learning_rate * g / g2[k].sqrt();
                    }
                    gb2[c] += error * error;
                    bias[c] -= options.learning_rate * error / gb2[c].sqrt();
                }
            }
        }
        Self { vocabulary, weights, bias }
    }

    /// The intents of a message, most likely first.
    pub fn predict(&self, text: &str) -> Prediction {
        let raw = features(text);
        let familiarity = self.familiarity(&raw);
        let x = vectorize(raw, |name| self.vocabulary.get(name).copied());
        let width = self.vocabulary.len();
        let mut scores: Vec<f32> = (0..Intent::ALL.len())
            .map(|c| {
                let row = &self.weights[c * width..(c + 1) * width];
                self.bias[c] + x.iter().map(|(i, v)| row[*i] * v).sum::<f32>()
            })
            .collect();
        softmax(&mut scores);
        let mut ranked: Vec<(Intent, f32)> = Intent::ALL.iter().copied().zip(scores).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        let (intent, confidence) = ranked[0];
        Prediction { intent, confidence, ranked, familiarity }
    }

    fn familiarity(&self, f: &HashMap<String, f32>) -> (bool, f32) {
        let known_word = f.keys().any(|k| k.starts_with("w:") && self.vocabulary.contains_key(k));
        let grams: Vec<&String> = f.keys().filter(|k| k.starts_with("c:")).collect();
        let known = grams.iter().filter(|k| self.vocabulary.contains_key(**k)).count();
        let share = if grams.is_empty() { 1.0 } else { known as f32 / grams.len() as f32 };
        (known_word, share)
    }

    /// How many distinct features the model knows.
    pub fn features(&self) -> usize {
        self.vocabulary.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Vec<(String, Intent)> {
        let mut out = Vec::new();
        for t in ["halo", "selamat pagi", "hai talas", "assalamualaikum", "punten", "pagi min"] {
            out.push((t.to_string(), Intent::Greeting));
        }
        for t in ["syarat buat ktp", "persyaratan akta lahir", "dokumen apa saja untuk kk", "syaratnya apa"] {
            out.push((t.to_string(), Intent::Requirements));
        }
        for t in ["berapa biaya ktp", "bayar berapa", "biayanya berapa untuk pbg", "gratis tidak"] {
            out.push((t.to_string(), Intent::Cost));
        }
        out
    }

    #[test]
    fn learns_a_tiny_set_and_generalises_a_little() {
        let model = Classifier::train(&tiny(), TrainOptions::default());
        assert_eq!(model.predict("halo selamat pagi").intent, Intent::Greeting);
        assert_eq!(model.predict("apa saja syarat bikin akta").intent, Intent::Requirements);
        assert_eq!(model.predict("brp biayanya").intent, Intent::Cost);
        let p = model.predict("persyaratan ktp");
        assert!(p.confidence > 0.5, "{p:?}");
        let total: f32 = p.ranked.iter().map(|(_, x)| x).sum();
        assert!((total - 1.0).abs() < 1e-4);
    }

    #[test]
    fn training_is_deterministic() {
        let a = Classifier::train(&tiny(), TrainOptions::default());
        let b = Classifier::train(&tiny(), TrainOptions::default());
        assert_eq!(a.predict("syarat kk").ranked, b.predict("syarat kk").ranked);
    }

    #[test]
    fn examples_are_read_with_their_line() {
        let ok = parse_examples("{\"text\": \"halo\", \"intent\": \"salam\"}\n\n").unwrap();
        assert_eq!(ok[0].1, Intent::Greeting);
        let bad = parse_examples("{\"text\": \"x\", \"intent\": \"salam\"}\n{\"text\": \"y\", \"intent\": \"sapa\"}")
            .unwrap_err();
        assert_eq!(bad, "line 2: unknown intent 'sapa'");
    }
}
