//! `satupintu assistant eval FILE`: how well Talas understands a labelled file, against the
//! catalog of the data folder (for the service each message names).

use std::process::ExitCode;

use anyhow::Context;
use assistant::eval::{Judged, report};

use crate::app;
use crate::cli::AssistantWhat;
use crate::config::Settings;

pub async fn run(settings: &Settings, what: AssistantWhat) -> anyhow::Result<ExitCode> {
    let AssistantWhat::Eval { file } = what;
    let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    let examples = assistant::parse_examples(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let store = app::open_store(settings).await?;
    let (_, index) = web::search::build_index(&store, |_| {}).await?;
    store.close().await;
    let started = std::time::Instant::now();
    let model = &*assistant::understand::MODEL;
    let trained = started.elapsed();
    let today = chrono::Utc::now().date_naive();
    let judged = examples
        .into_iter()
        .map(|(example, expected)| {
            let u = assistant::understand_with(model, &example.text, today);
            let service = example.service.map(|want| {
                let found = assistant::services::find(&index, &example.text, 3).into_iter().next().map(|c| c.code);
                (want, found)
            });
            Judged { text: example.text, expected, predicted: u.intent, confidence: u.confidence, service }
        })
        .collect();
    println!(
        "model      trained on {} messages, {} features, in {} ms",
        assistant::understand::training_examples(),
        model.features(),
        trained.as_millis()
    );
    print!("{}", report(judged));
    Ok(ExitCode::SUCCESS)
}
