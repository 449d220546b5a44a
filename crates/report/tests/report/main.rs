//! The report crate's integration tests: one binary (PDF and XLSX).

// Helpers outside #[test] functions fail loudly too; clippy.toml only covers the tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod fixtures;
mod pdf;
mod sheet;
mod tools;
