//! steward-app's integration tests, in one binary (one link instead of one per file).
//! Each module is a former test file; filter by it, e.g.
//! `cargo nextest run -p steward-app -E 'test(/^erasure::/)'`. The application is opened
//! on a fresh SQLite database from `steward-testkit`.

mod common;

mod access;
mod auth;
mod compliance;
mod disposal;
mod erasure;
mod journal;
mod record_import;
mod records;
mod requests;
mod retention_records;
mod scans;
