//! Page-serving benchmark at realistic scale: 1,000,000 subjects on SQLite, then the
//! dashboard, a subject's page, the subjects search and the audit log served through
//! the real router with a signed-in session. Writes `target/bench-pages.json` and
//! prints a Markdown table.
//!
//! `cargo bench -p steward-web --bench pages` (set `BENCH_SUBJECTS` for another size).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../../steward-app/benches/common/support.rs"]
mod support;
use support::percentile;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use std::sync::Arc;
use std::time::Instant;
use steward_app::{App, Context};
use steward_core::Role;
use tower::ServiceExt;

fn main() {
    let n: u64 = std::env::var("BENCH_SUBJECTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let store = steward_store::Store::open_sqlite(&dir.path().join("steward.db")).unwrap();
    let key = steward_crypto::MasterKey::generate().unwrap();
    let app = App::open(store, &key, &dir.path().join("erasures.jsonl")).unwrap();
    let ctx = Context::cli();
    let start = Instant::now();
    let ids = app.import_subjects(&ctx, (0..n).map(support::subject), 50_000).unwrap();
    eprintln!("created {n} subjects in {:.1} s", start.elapsed().as_secs_f64());
    app.set_two_factor_enforced(&ctx, false).unwrap();
    app.create_user_with_password(
        &ctx,
        "dpo@bench.example.org",
        "Bench DPO",
        Role::Dpo,
        "correct horse battery staple",
    )
    .unwrap();
    let session = app.sign_in("dpo@bench.example.org", "correct horse battery staple", "127.0.0.1", "bench").unwrap();
    let cookie = format!("{}={}", steward_web::session::COOKIE_NAME, session.token);

    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let router = steward_web::router(Arc::new(app));
    let pages: Vec<(&str, String)> = vec![
        ("dashboard", "/".into()),
        ("subject page", format!("/subjects/{}", ids[(n / 2) as usize])),
        ("audit log", "/audit".into()),
        ("subjects search form", "/subjects".into()),
    ];
    let mut results = serde_json::Map::new();
    println!("| page ({n} subjects) | p50 | p99 | max |\n|---|---|---|---|");
    for (name, path) in pages {
        let mut times = Vec::with_capacity(500);
        for _ in 0..500 {
            let req = Request::get(&path).header(header::COOKIE, &cookie).body(Body::empty()).unwrap();
            let t = Instant::now();
            let resp = rt.block_on(router.clone().oneshot(req)).unwrap();
            let status = resp.status();
            let _ = rt.block_on(axum::body::to_bytes(resp.into_body(), usize::MAX)).unwrap();
            times.push(t.elapsed());
            assert_eq!(status, StatusCode::OK, "{name}");
        }
        times.sort();
        let (p50, p99, max) = (percentile(&times, 0.5), percentile(&times, 0.99), percentile(&times, 1.0));
        println!("| {name} | {p50:.2} ms | {p99:.2} ms | {max:.2} ms |");
        results.insert(name.into(), serde_json::json!({"p50_ms": p50, "p99_ms": p99, "max_ms": max, "n": times.len()}));
    }
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-pages.json");
    std::fs::write(&out, serde_json::to_string_pretty(&serde_json::json!({"subjects": n, "pages": results})).unwrap())
        .unwrap();
}
