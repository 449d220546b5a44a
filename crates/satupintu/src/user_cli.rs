//! `satupintu user …`.

use std::io::Read;
use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::Utc;
use domain::AgencyCode;
use domain::identity::{Email, Role};
use store::{AccountError, NewUser};

use crate::app;
use crate::cli::UserWhat;
use crate::config::Settings;

fn role(raw: &str) -> anyhow::Result<Role> {
    Role::parse(raw).map_err(|e| anyhow::anyhow!("--role: {e}"))
}

fn agencies(raw: &[String], role: Role) -> anyhow::Result<Vec<AgencyCode>> {
    let codes = raw
        .iter()
        .map(|c| AgencyCode::parse(c).map_err(|e| anyhow::anyhow!("--agency {c}: {e}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    if role == Role::Operator && codes.is_empty() {
        bail!("an operator needs at least one --agency");
    }
    Ok(codes)
}

pub async fn run(settings: &Settings, what: UserWhat) -> anyhow::Result<ExitCode> {
    let store = app::open_store(settings).await?;
    let result = match what {
        UserWhat::Add { email, name, password_stdin: _, role: raw_role, agencies: raw_agencies } => {
            let email = Email::parse(&email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
            let role = role(&raw_role)?;
            let agencies = agencies(&raw_agencies, role)?;
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password).context("reading the password from standard input")?;
            let password = password.trim_end_matches(['\n', '\r']).to_string();
            if !web::auth::password::acceptable_length(&password) {
                bail!(
                    "the password needs at least {} characters (and at most {} bytes)",
                    web::auth::password::MIN_LENGTH,
                    web::auth::password::MAX_LENGTH
                );
            }
            let password_hash = web::auth::password::hash(password).await.context("hashing the password")?;
            let name = name.unwrap_or_else(|| email.as_str().split('@').next().unwrap_or_default().to_string());
            let new = NewUser { name, email: Some(email), phone: None, password_hash, role, agencies };
            match store.create_user(&new, Some("cli"), Utc::now()).await {
                Ok(user) => {
                    println!("created {} ({}) as {}", user.email.unwrap_or_default(), user.id, user.role);
                    Ok(ExitCode::SUCCESS)
                }
                Err(AccountError::EmailTaken) => {
                    eprintln!("an account with this e-mail already exists; use `satupintu user set-role`");
                    Ok(ExitCode::FAILURE)
                }
                Err(e) => Err(e.into()),
            }
        }
        UserWhat::List => {
            for user in store.list_users().await? {
                println!(
                    "{:<36} {:<9} {:<30} {:<16} {}",
                    user.id,
                    user.role.as_str(),
                    user.email.unwrap_or_default(),
                    user.phone.unwrap_or_default(),
                    user.agencies.join(",")
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        UserWhat::SetRole { email, role: raw_role, agencies: raw_agencies } => {
            let email = Email::parse(&email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
            let role = role(&raw_role)?;
            let agencies = agencies(&raw_agencies, role)?;
            match store.set_role(&email, role, &agencies, "cli").await {
                Ok(user) => {
                    println!("{} is now {}", email.as_str(), user.role);
                    Ok(ExitCode::SUCCESS)
                }
                Err(AccountError::NotFound) => {
                    eprintln!("no account with e-mail {}", email.as_str());
                    Ok(ExitCode::FAILURE)
                }
                Err(e) => Err(e.into()),
            }
        }
    };
    store.close().await;
    result
}
