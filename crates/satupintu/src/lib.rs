//! The satupintu binary's library: configuration, start-up, commands. `main.rs` only
//! parses arguments and calls in here, so tests run the same code.

mod apikey_cli;
pub mod app;
mod assistant_cli;
pub mod channels;
pub mod cli;
pub mod commands;
pub mod config;
pub mod delivery;
mod delivery_cli;
pub mod demo;
mod demo_evaluation;
mod demo_monitoring;
mod evaluation_cli;
mod form_cli;
mod gateway_cli;
pub mod generate;
mod janitor;
pub mod mailer;
pub mod monitor;
pub mod monitor_alerts;
mod monitor_cli;
mod oidc_cli;
mod search_cli;
pub mod server;
mod user_cli;
