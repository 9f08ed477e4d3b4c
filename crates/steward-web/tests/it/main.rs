//! steward-web's integration tests, in one binary (one link instead of one per file).
//! Each module is a former test file; filter by it, e.g.
//! `cargo nextest run -p steward-web -E 'test(/^matrix::/)'`. Scenarios that run on both
//! databases are named `<module>::sqlite::<scenario>` and `<module>::postgres::<scenario>`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod api;
mod api_hardening;
mod compliance_api;
mod consents_api;
mod consents_pages;
mod disposals_api;
mod disposals_pages;
mod erasure_api;
mod import_api;
mod incidents_api;
mod letters_api;
mod letters_statistics_pages;
mod matrix;
mod menu_pages;
mod notify;
mod notify_pages;
mod pack_api;
mod pages;
mod public_form;
mod records_api;
mod registers_api;
mod request_flow_api;
mod requests_api;
mod requests_pages;
mod retention_pages;
mod ropa_api;
mod ropa_pages;
mod scans_api;
mod statistics_api;
mod storage_api;
mod suppression_api;
mod systems_register;
