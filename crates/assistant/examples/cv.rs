//! Chooses training options by 5-fold cross-validation on the training set only (the
//! held-out split is never looked at here):
//!
//!     cargo run --release -p assistant --example cv

use assistant::eval::{Judged, report};
use assistant::{Classifier, Intent, TrainOptions, parse_examples};

fn main() -> Result<(), String> {
    let train = parse_examples(include_str!("../data/intents-train.jsonl"))?;
    let data: Vec<(String, Intent)> = train.into_iter().map(|(e, i)| (e.text, i)).collect();
    let folds = 5;
    println!("{:>6} {:>6} {:>8} {:>9} {:>9}", "epochs", "rate", "l2", "accuracy", "macro-F1");
    // `CV_QUICK=1` checks the shipped options only (for trying a feature change).
    let quick = std::env::var("CV_QUICK").is_ok();
    let d = TrainOptions::default();
    let epochs_grid: Vec<usize> = if quick { vec![d.epochs] } else { vec![15, 30, 60] };
    let rate_grid: Vec<f32> = if quick { vec![d.learning_rate] } else { vec![0.2, 0.5, 1.0] };
    let l2_grid: Vec<f32> = if quick { vec![d.l2] } else { vec![0.0, 1e-5, 1e-4] };
    for &epochs in &epochs_grid {
        for &learning_rate in &rate_grid {
            for &l2 in &l2_grid {
                let options = TrainOptions { epochs, learning_rate, l2 };
                let mut judged = Vec::new();
                for fold in 0..folds {
                    let (test, rest): (Vec<_>, Vec<_>) = data.iter().enumerate().partition(|(n, _)| n % folds == fold);
                    let rest: Vec<(String, Intent)> = rest.into_iter().map(|(_, x)| x.clone()).collect();
                    let model = Classifier::train(&rest, options);
                    for (_, (text, intent)) in test {
                        let p = model.predict(text);
                        judged.push(Judged {
                            text: text.clone(),
                            expected: *intent,
                            predicted: p.intent,
                            confidence: p.confidence,
                            service: None,
                        });
                    }
                }
                let r = report(judged);
                println!("{epochs:>6} {learning_rate:>6} {l2:>8} {:>9.3} {:>9.3}", r.accuracy, r.macro_f1);
            }
        }
    }
    Ok(())
}
