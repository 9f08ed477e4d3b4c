//! steward-scan's integration tests, in one binary (one link instead of one per file).
//! Each module is a former test file; filter by it, e.g.
//! `cargo nextest run -p steward-scan -E 'test(/^extract::/)'`.

mod detect;
mod detect_scan_file;
mod eval;
mod extract;
mod fuzz_regressions;
mod profile;
mod redact;
