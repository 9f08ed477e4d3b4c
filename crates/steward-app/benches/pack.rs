//! Response-pack benchmark: building the pack of an access request for one subject with
//! 1,000 records (500 case notes and 500 documents of 4 KiB) and two requests, among
//! 1,000,000 subjects, on SQLite. Writes its figures as JSON to `target/bench-pack.json`
//! and prints a Markdown table.
//!
//! `cargo bench -p steward-app --bench pack` (1,000,000 subjects; set `BENCH_SUBJECTS`
//! for another size).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::{Duration, Instant};
use steward_app::records::{NewDocument, NewNote};
use steward_app::{App, Context};

#[path = "common/support.rs"]
mod support;
use support::{percentile, subject};

fn main() {
    let n: u64 = std::env::var("BENCH_SUBJECTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let store = steward_store::Store::open_sqlite(&dir.path().join("steward.db")).unwrap();
    let key = steward_crypto::MasterKey::generate().unwrap();
    let app = App::open(store, &key, &dir.path().join("erasures.jsonl")).unwrap();
    let ctx = Context::cli();

    let start = Instant::now();
    let ids = app.import_subjects(&ctx, (0..n).map(subject), 50_000).unwrap();
    eprintln!("created {n} subjects in {:.1} s", start.elapsed().as_secs_f64());
    let who = &ids[ids.len() / 2];

    let notes: Vec<NewNote> = (0..500)
        .map(|i| {
            serde_json::from_value(serde_json::json!({
                "text": format!("Visit {i}: discussed the rent account, repairs and the support plan. {}", "Details of the conversation. ".repeat(8)),
                "category": if i % 2 == 0 { "case_note" } else { "phone_call" },
                "source": "Housing management system",
            }))
            .unwrap()
        })
        .collect();
    app.add_notes(&ctx, who, &notes).unwrap();
    let docs: Vec<NewDocument> = (0..500)
        .map(|i| NewDocument {
            filename: format!("letter-{i}.pdf"),
            media_type: Some("application/pdf".into()),
            source: Some("Scanned post".into()),
            content: (0..4096u32).map(|b| (b.wrapping_mul(31).wrapping_add(i)) as u8).collect(),
        })
        .collect();
    for chunk in docs.chunks(100) {
        app.add_documents(&ctx, who, chunk).unwrap();
    }
    let earlier: steward_app::requests::NewRequest = serde_json::from_value(serde_json::json!({
        "kind": "rectification", "received_on": "2026-01-05", "subject_id": who, "channel": "letter"
    }))
    .unwrap();
    app.create_request(&ctx, earlier).unwrap();
    let access: steward_app::requests::NewRequest = serde_json::from_value(serde_json::json!({
        "kind": "access", "received_on": "2026-01-06", "subject_id": who, "channel": "email"
    }))
    .unwrap();
    let request = app.create_request(&ctx, access).unwrap().id;
    let review = app.pack_review(&ctx, &request).unwrap();
    for item in review.items.iter().filter(|i| i.kind == "note").take(10) {
        let d: steward_app::packs::PackDecision = serde_json::from_value(serde_json::json!({
            "item": item.item, "treatment": "withheld", "exemption": "third_party"
        }))
        .unwrap();
        app.set_pack_decision(&ctx, &request, d).unwrap();
    }

    let mut builds = Vec::new();
    let mut last = None;
    for _ in 0..5 {
        let t = Instant::now();
        let built = app.build_pack(&ctx, &request).unwrap();
        builds.push(t.elapsed());
        last = Some(built);
    }
    let built = last.unwrap();
    let t = Instant::now();
    let (_, zip) = app.download_pack(&ctx, &request, &built.id).unwrap();
    let download = t.elapsed();
    assert_eq!(zip.len() as i64, built.bytes);
    builds.sort();
    let ms = |d: &[Duration], p: f64| percentile(d, p);
    let result = serde_json::json!({
        "subjects": n,
        "records": review.items.len(),
        "pack_items": built.items,
        "pack_bytes": built.bytes,
        "build_p50_ms": ms(&builds, 0.5),
        "build_max_ms": ms(&builds, 1.0),
        "download_ms": download.as_secs_f64() * 1000.0,
    });
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-pack.json");
    std::fs::write(&out, serde_json::to_string_pretty(&result).unwrap()).unwrap();
    println!("| measure | result |\n|---|---|");
    println!("| subjects | {n} |");
    println!("| items in the pack | {} ({} KiB zip) |", built.items, built.bytes / 1024);
    println!("| build pack | p50 {:.0} ms, max {:.0} ms (n=5) |", ms(&builds, 0.5), ms(&builds, 1.0));
    println!("| download pack | {:.1} ms |", download.as_secs_f64() * 1000.0);
}
