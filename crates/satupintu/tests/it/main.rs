//! Integration tests, all in one binary: store conformance on SQLite and PostgreSQL, HTTP
//! tests against the real app on port 0, the import/export commands, and the compiled
//! binary's start-up and shutdown.
//!
//! PostgreSQL tests need `SATUPINTU_TEST_POSTGRES_URL` (an admin URL; each test creates
//! its own database). `scripts/test` starts a server and sets it. Without it they are
//! skipped with a note, unless `SATUPINTU_TEST_REQUIRE_POSTGRES=1`, as in CI.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod admin;
mod admin_catalog;
mod agency_office;
mod audit;
mod binary;
mod channels;
mod dead_letters;
mod delivery;
mod email_links;
mod evaluation;
mod form_editor;
mod gateway;
mod gateway_streaming;
mod gateway_upstream;
mod helpers;
mod http_api;
mod http_pages;
mod import;
mod monitoring;
mod oidc;
mod oidc_admin;
mod oidc_errors;
mod open311;
mod platform_metrics;
mod requests_api;
mod requests_pages;
mod requests_store;
mod search_cli;
mod search_tests;
mod smtp_sink;
mod store_conformance;
mod surveys;
mod talas;
mod talas_dialogue;
