//! steward-store's integration tests, in one binary (one link instead of one per file):
//! the conformance suite, one module per area of the store, each scenario run on SQLite
//! and PostgreSQL; and storage faults. Filter by module, e.g.
//! `cargo nextest run -p steward-store -E 'test(/^conformance::scans::/)'`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod conformance;
mod storage_faults;
