//! The held-out split (`data/intents-heldout.jsonl`, never used in training): the
//! classifier trained on `data/intents-train.jsonl` must reach the bar.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use assistant::eval::{Judged, report};
use assistant::{Classifier, TrainOptions, parse_examples};

#[test]
fn the_held_out_split_is_understood() {
    let train = parse_examples(include_str!("../data/intents-train.jsonl")).unwrap();
    let heldout = parse_examples(include_str!("../data/intents-heldout.jsonl")).unwrap();
    // The split is clean: no held-out text is in the training set.
    let seen: std::collections::HashSet<String> = train.iter().map(|(e, _)| e.text.to_lowercase()).collect();
    assert!(heldout.iter().all(|(e, _)| !seen.contains(&e.text.to_lowercase())));
    let model = Classifier::train(
        &train.iter().map(|(e, i)| (e.text.clone(), *i)).collect::<Vec<_>>(),
        TrainOptions::default(),
    );
    let judged = heldout
        .iter()
        .map(|(e, intent)| {
            let p = model.predict(&e.text);
            Judged {
                text: e.text.clone(),
                expected: *intent,
                predicted: p.intent,
                confidence: p.confidence,
                service: None,
            }
        })
        .collect();
    let r = report(judged);
    println!("{r}");
    assert!(r.accuracy >= 0.90, "accuracy {:.3}", r.accuracy);
    assert!(r.macro_f1 >= 0.88, "macro-F1 {:.3}", r.macro_f1);
}
