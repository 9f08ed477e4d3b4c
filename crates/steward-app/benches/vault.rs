//! Vault benchmark at realistic scale: bulk creation of subjects, look-up by email and
//! by surname + date of birth, and erasure, on SQLite. Writes its figures as JSON to
//! `target/bench-vault.json` and prints a Markdown table.
//!
//! `cargo bench -p steward-app --bench vault` (1,000,000 subjects; set
//! `BENCH_SUBJECTS` for another size).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::{Duration, Instant};
use steward_app::{App, Context, SearchQuery};

#[path = "common/support.rs"]
mod support;
use support::{percentile, subject};

fn stats(mut d: Vec<Duration>) -> serde_json::Value {
    d.sort();
    serde_json::json!({
        "n": d.len(),
        "p50_ms": percentile(&d, 0.50),
        "p99_ms": percentile(&d, 0.99),
        "max_ms": percentile(&d, 1.0),
    })
}

fn main() {
    let n: u64 = std::env::var("BENCH_SUBJECTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let store = steward_store::Store::open_sqlite(&dir.path().join("steward.db")).unwrap();
    let key = steward_crypto::MasterKey::generate().unwrap();
    let app = App::open(store, &key, &dir.path().join("erasures.jsonl")).unwrap();
    let ctx = Context::cli();

    let start = Instant::now();
    let ids = app.import_subjects(&ctx, (0..n).map(subject), 50_000).unwrap();
    let create_secs = start.elapsed().as_secs_f64();
    let create_rate = n as f64 / create_secs;
    eprintln!("created {n} subjects in {create_secs:.1} s ({create_rate:.0}/s)");

    let probes: Vec<u64> = (0..1000u64).map(|k| (k * 7_919 + 13) % n).collect();
    let mut by_email = Vec::new();
    for &p in &probes {
        let q = SearchQuery { email: Some(format!("Person{p}@Example.org")), ..Default::default() };
        let t = Instant::now();
        let hits = app.search_subjects(&ctx, &q).unwrap();
        by_email.push(t.elapsed());
        assert_eq!(hits.len(), 1);
    }
    let mut by_surname_dob = Vec::new();
    for &p in &probes {
        let s = subject(p);
        let q =
            SearchQuery { surname: Some(s.family_name.clone()), date_of_birth: s.date_of_birth, ..Default::default() };
        let t = Instant::now();
        let hits = app.search_subjects(&ctx, &q).unwrap();
        by_surname_dob.push(t.elapsed());
        assert!(!hits.is_empty());
    }
    let mut view = Vec::new();
    for &p in probes.iter().take(200) {
        let t = Instant::now();
        app.get_subject(&ctx, &ids[p as usize]).unwrap();
        view.push(t.elapsed());
    }
    let mut erase = Vec::new();
    for k in 0..100usize {
        let id = &ids[(k * 9_973 + 5) % ids.len()];
        let t = Instant::now();
        app.erase_subject(&ctx, id, "erasure_request", Some("BENCH-1")).unwrap();
        erase.push(t.elapsed());
    }
    let db_bytes = std::fs::metadata(dir.path().join("steward.db")).map(|m| m.len()).unwrap_or(0);
    let result = serde_json::json!({
        "subjects": n,
        "create_seconds": create_secs,
        "create_per_second": create_rate,
        "lookup_email": stats(by_email),
        "lookup_surname_dob": stats(by_surname_dob),
        "view_subject": stats(view),
        "erase": stats(erase),
        "database_bytes": db_bytes,
    });
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-vault.json");
    std::fs::write(&out, serde_json::to_string_pretty(&result).unwrap()).unwrap();
    println!("| measure | result |\n|---|---|");
    println!("| subjects | {n} |");
    println!("| bulk create | {create_rate:.0} subjects/s ({create_secs:.1} s) |");
    for k in ["lookup_email", "lookup_surname_dob", "view_subject", "erase"] {
        let s = &result[k];
        println!(
            "| {k} | p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (n={}) |",
            s["p50_ms"].as_f64().unwrap(),
            s["p99_ms"].as_f64().unwrap(),
            s["max_ms"].as_f64().unwrap(),
            s["n"]
        );
    }
    println!("| database size | {:.0} MiB |", db_bytes as f64 / 1048576.0);
}
