//! `satupintu form …`: the forms requests fill in.

use std::process::ExitCode;

use anyhow::Context;
use chrono::Utc;
use domain::ServiceCode;
use domain::request::{FormDefinition, FormField};

use crate::app;
use crate::cli::FormWhat;
use crate::config::Settings;

#[derive(serde::Deserialize)]
struct FormFile {
    fields: Vec<FormField>,
}

pub async fn run(settings: &Settings, what: FormWhat) -> anyhow::Result<ExitCode> {
    let store = app::open_store(settings).await?;
    let result = match what {
        FormWhat::Set { service, file } => {
            let code = ServiceCode::parse(&service).map_err(|e| anyhow::anyhow!("{service}: {e}"))?;
            let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            let parsed: FormFile =
                serde_json::from_str(&text).with_context(|| format!("{} is not a form file", file.display()))?;
            match FormDefinition::new(parsed.fields) {
                Ok(form) => {
                    let json = serde_json::to_string(&form)?;
                    match store.set_service_form(code.as_str(), &json, "cli", Utc::now()).await {
                        Ok(()) => {
                            println!("form of {code} set: {} field(s)", form.fields().len());
                            Ok(ExitCode::SUCCESS)
                        }
                        Err(store::StoreError::NotFound) => {
                            eprintln!("no service {code}");
                            Ok(ExitCode::FAILURE)
                        }
                        Err(e) => Err(e.into()),
                    }
                }
                Err(problems) => {
                    for p in &problems {
                        eprintln!("{p}");
                    }
                    eprintln!("{} problem(s); the form was not changed.", problems.len());
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        FormWhat::Show { service } => {
            let code = ServiceCode::parse(&service).map_err(|e| anyhow::anyhow!("{service}: {e}"))?;
            match store.service(&code).await {
                Ok(detail) => {
                    let keys = store.service_keys(code.as_str()).await?.context("service keys")?;
                    let form = match store.service_form(&keys.service_id).await? {
                        Some(json) => serde_json::from_str::<FormDefinition>(&json)?,
                        None => FormDefinition::default_for(&detail.service.standard.requirements)
                            .map_err(|p| anyhow::anyhow!("default form: {}", p.len()))?,
                    };
                    println!("{}", serde_json::to_string_pretty(&form)?);
                    Ok(ExitCode::SUCCESS)
                }
                Err(store::StoreError::NotFound) => {
                    eprintln!("no service {code}");
                    Ok(ExitCode::FAILURE)
                }
                Err(e) => Err(e.into()),
            }
        }
    };
    store.close().await;
    result
}
