//! `satupintu monitor …`: declaring health checks by hand or from a file, listing them,
//! and running the due ones once.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use domain::ServiceCode;
use domain::monitoring::CheckSpec;
use serde::Deserialize;
use store::Store;

use crate::app;
use crate::cli::MonitorWhat;
use crate::config::Settings;

/// One check in an import file; what is left out comes from the defaults.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCheck {
    service: String,
    url: Option<String>,
    interval: Option<u64>,
    timeout_ms: Option<u64>,
    #[serde(default)]
    conditions: Vec<String>,
    #[serde(default = "yes")]
    enabled: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckFile {
    #[serde(alias = "checks")]
    check: Vec<FileCheck>,
}

/// The 1-based line of the `n`th entry: its `[[check]]` header in TOML, its `"service"`
/// key in JSON.
fn entry_line(text: &str, n: usize, json: bool) -> usize {
    let marker = |line: &str| {
        let line = line.trim_start();
        if json {
            line.starts_with("\"service\"") || line.contains("{\"service\"")
        } else {
            line.starts_with("[[check")
        }
    };
    text.lines().enumerate().filter(|(_, l)| marker(l)).nth(n).map_or(1, |(i, _)| i + 1)
}

/// The service's web URL, for a check that names none.
async fn web_url(store: &Store, code: &ServiceCode) -> anyhow::Result<Option<String>> {
    match store.service(code).await {
        Ok(detail) => Ok(detail.service.web_url.as_ref().map(ToString::to_string)),
        Err(store::StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Reads and checks a file; every problem is returned with its line.
async fn read_file(store: &Store, path: &Path) -> anyhow::Result<Result<Vec<(String, CheckSpec)>, Vec<String>>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let parsed: Result<CheckFile, String> = if json {
        serde_json::from_str(&text).map_err(|e| format!("baris {}: {e}", e.line()))
    } else {
        toml::from_str(&text).map_err(|e| {
            let line = e.span().map_or(1, |s| text[..s.start.min(text.len())].lines().count().max(1));
            format!("baris {line}: {}", e.message())
        })
    };
    let file = match parsed {
        Ok(file) => file,
        Err(problem) => return Ok(Err(vec![problem])),
    };
    let mut checks = Vec::new();
    let mut problems = Vec::new();
    for (n, entry) in file.check.iter().enumerate() {
        let line = entry_line(&text, n, json);
        let code = match ServiceCode::parse(&entry.service) {
            Ok(code) => code,
            Err(e) => {
                problems.push(format!("baris {line}: layanan {}: {e}", entry.service));
                continue;
            }
        };
        let url = match &entry.url {
            Some(url) => url.clone(),
            None => match web_url(store, &code).await? {
                Some(url) => url,
                None => {
                    problems
                        .push(format!("baris {line}: layanan {code} tidak ada atau tidak punya alamat web; isi url"));
                    continue;
                }
            },
        };
        match CheckSpec::build(&url, entry.interval, entry.timeout_ms, &entry.conditions, entry.enabled) {
            Ok(spec) => checks.push((code.to_string(), spec)),
            Err(e) => problems.push(format!("baris {line}: {code}: {e}")),
        }
    }
    Ok(if problems.is_empty() { Ok(checks) } else { Err(problems) })
}

pub async fn run(settings: &Settings, what: MonitorWhat) -> anyhow::Result<ExitCode> {
    let store = app::open_store(settings).await?;
    let result = run_with(settings, &store, what).await;
    store.close().await;
    result
}

async fn run_with(settings: &Settings, store: &Store, what: MonitorWhat) -> anyhow::Result<ExitCode> {
    let now = chrono::Utc::now().timestamp();
    match what {
        MonitorWhat::Set { service, url, interval, timeout_ms, conditions, disable } => {
            let code = ServiceCode::parse(&service).map_err(|e| anyhow::anyhow!("{service}: {e}"))?;
            let url = match url {
                Some(url) => url,
                None => match web_url(store, &code).await? {
                    Some(url) => url,
                    None => {
                        eprintln!("layanan {code} tidak ada atau tidak punya alamat web; beri --url");
                        return Ok(ExitCode::FAILURE);
                    }
                },
            };
            let spec = match CheckSpec::build(&url, interval, timeout_ms, &conditions, !disable) {
                Ok(spec) => spec,
                Err(e) => {
                    eprintln!("{e}");
                    return Ok(ExitCode::FAILURE);
                }
            };
            match store.set_check(code.as_str(), &spec, now).await {
                Ok(()) => {
                    println!("check of {code} set: {} every {} s", spec.url, spec.interval_secs);
                    Ok(ExitCode::SUCCESS)
                }
                Err(store::StoreError::NotFound) => {
                    eprintln!("no service {code}");
                    Ok(ExitCode::FAILURE)
                }
                Err(e) => Err(e.into()),
            }
        }
        MonitorWhat::List => {
            store.sync_default_checks(now).await?;
            for c in store.check_settings().await? {
                let origin = if c.configured { "set" } else { "default" };
                let enabled = if c.enabled { "on" } else { "off" };
                println!(
                    "{}\t{}\t{}s\t{}ms\t{enabled}\t{origin}\t{}",
                    c.code,
                    c.url,
                    c.interval_secs,
                    c.timeout_ms,
                    c.conditions.join(" && ")
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        MonitorWhat::Import { file } => match read_file(store, &file).await? {
            Ok(checks) => {
                let missing = store.set_checks(&checks, now).await?;
                if missing.is_empty() {
                    println!("{} check(s) set from {}", checks.len(), file.display());
                    Ok(ExitCode::SUCCESS)
                } else {
                    eprintln!("no service {}; nothing was changed", missing.join(", "));
                    Ok(ExitCode::FAILURE)
                }
            }
            Err(problems) => {
                for p in &problems {
                    eprintln!("{p}");
                }
                eprintln!("{} problem(s); no check was changed.", problems.len());
                Ok(ExitCode::FAILURE)
            }
        },
        MonitorWhat::Run => {
            store.sync_default_checks(now).await?;
            let monitor = Arc::new(crate::monitor::Monitor::new(settings)?);
            // Every enabled check, whatever its phase: the longest interval is a day.
            let ran = monitor.run_due(store, now, now + 86_400).await?;
            for row in store.check_rows().await? {
                if row.last_checked_at.is_some_and(|at| at >= now) {
                    let verdict = if row.last_ok == Some(true) { "ok" } else { "FAIL" };
                    println!(
                        "{}\t{verdict}\t{}\t{}",
                        row.code,
                        row.last_response_ms.map(|ms| format!("{ms} ms")).unwrap_or_default(),
                        row.last_error.unwrap_or_default()
                    );
                }
            }
            println!("{ran} check(s) run");
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_found_by_line() {
        let toml = "# checks\n[[check]]\nservice = \"A\"\n\n[[check]]\nservice = \"B\"\n";
        assert_eq!(entry_line(toml, 0, false), 2);
        assert_eq!(entry_line(toml, 1, false), 5);
        let json = "{\"checks\": [\n  {\"service\": \"A\"},\n  {\"service\": \"B\"}\n]}";
        assert_eq!(entry_line(json, 1, true), 3);
    }
}
