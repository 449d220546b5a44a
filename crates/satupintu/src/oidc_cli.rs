//! `satupintu oidc …`: register applications and rotate signing keys.

use std::process::ExitCode;

use serde_json::json;
use store::oidc::OidcClient;
use web::oidc::registration::{self, Registration};

use crate::app;
use crate::cli::{ClientWhat, KeyWhat, OidcWhat};
use crate::config::Settings;

fn client_json(c: &OidcClient) -> serde_json::Value {
    json!({
        "client_id": c.id,
        "name": c.name,
        "public": c.is_public(),
        "redirect_uris": c.redirect_uris,
        "post_logout_redirect_uris": c.post_logout_redirect_uris,
        "allow_nik": c.allow_nik,
        "service": c.service_code,
        "disabled": c.disabled,
    })
}

pub async fn run(settings: &Settings, what: OidcWhat) -> anyhow::Result<ExitCode> {
    let store = app::open_store(settings).await?;
    let result = match what {
        OidcWhat::Client { what } => client(&store, what).await,
        OidcWhat::Key { what: KeyWhat::Rotate } => {
            let sealer = web::auth::seal::Sealer::new(&settings.nik_key()?);
            let kid = web::oidc::keys::rotate(&store, &sealer).await?;
            println!("signing with new key {kid}; running servers switch within a minute");
            Ok(ExitCode::SUCCESS)
        }
    };
    store.close().await;
    result
}

async fn client(store: &store::Store, what: ClientWhat) -> anyhow::Result<ExitCode> {
    match what {
        ClientWhat::Add { name, redirect_uris, post_logout_redirect_uris, public, allow_nik, service, json } => {
            let reg = Registration {
                name,
                redirect_uris,
                post_logout_redirect_uris,
                public,
                allow_nik,
                service_code: service,
            };
            let (client, secret) = match registration::register(store, &reg, "cli").await {
                Ok(done) => done,
                Err(e @ registration::RegistrationError::Store(_)) => return Err(e.into()),
                Err(e) => {
                    eprintln!("{e}");
                    return Ok(ExitCode::FAILURE);
                }
            };
            if json {
                let mut out = client_json(&client);
                out["client_secret"] = json!(secret);
                println!("{out}");
            } else {
                println!("client_id:     {}", client.id);
                match secret {
                    Some(secret) => {
                        println!("client_secret: {secret}");
                        println!("(shown once; only a hash is stored)");
                    }
                    None => println!("public client: no secret, PKCE (S256) required"),
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        ClientWhat::List { json } => {
            let clients = store.clients().await?;
            if json {
                println!("{}", serde_json::Value::Array(clients.iter().map(client_json).collect()));
            } else {
                for c in clients {
                    let kind = if c.is_public() { "public" } else { "confidential" };
                    let state = if c.disabled { " (disabled)" } else { "" };
                    println!("{:<40} {:<12} {}{state}  {}", c.id, kind, c.name, c.redirect_uris.join(" "));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        ClientWhat::NewSecret { client_id, json } => match registration::new_secret(store, &client_id, "cli").await {
            Ok(secret) if json => {
                println!("{}", json!({"client_id": client_id, "client_secret": secret}));
                Ok(ExitCode::SUCCESS)
            }
            Ok(secret) => {
                println!("client_secret: {secret}");
                Ok(ExitCode::SUCCESS)
            }
            Err(registration::RegistrationError::Store(store::StoreError::NotFound)) => {
                eprintln!("no confidential client {client_id}");
                Ok(ExitCode::FAILURE)
            }
            Err(e) => Err(e.into()),
        },
    }
}
