//! Registers benchmark on SQLite: a record of processing of 1,000 activities (three
//! purposes each, linked to systems and retention record types), every activity then
//! changed 99 more times (100 versions each, 100,000 versions in all) and
//! (a) the register read as it stood on a past date, and now (what the register page
//!     shows), (b) the ROPA export of the 1,000 activities as CSV, XLSX and JSON,
//! (c) the compliance check over the 1,000 activities and a vault of subjects
//!     (default 1,000,000), and peak memory (`VmHWM`).
//! Writes its figures to `target/bench-registers.txt` and prints them.
//!
//! `cargo bench -p steward-app --bench registers` (set `STEWARD_BENCH_SUBJECTS` for
//! another vault size, e.g. 100000 for a quick run).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::fmt::Write as _;
use std::time::{Duration, Instant};
use steward_app::ropa::RopaFormat;
use steward_app::{App, Context};
use steward_core::register::activity::{Activity, Purpose};
use steward_core::register::entry::{Entry, RegisterKind};
use steward_store::EntryRow;

#[path = "common/support.rs"]
mod support;

const ACTIVITIES: usize = 1_000;
const VERSIONS: i64 = 100;

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn activity(i: usize, system: &str) -> Activity {
    let purpose = |p: &str, basis: &str| Purpose {
        purpose: format!("{p} ({i})"),
        lawful_basis: basis.into(),
        ..Purpose::default()
    };
    Activity {
        name: format!("Activity {i:04}"),
        business_function: format!("Function {}", i % 12),
        subject_categories: vec![if i.is_multiple_of(2) { "Tenants".into() } else { "Applicants".into() }],
        data_categories: vec!["Contact details".into(), "Tenancy records".into()],
        recipients: vec!["Repairs contractors".into()],
        purposes: vec![
            purpose("Managing tenancies", "contract"),
            purpose("Reporting to the regulator", "legal_obligation"),
            purpose("Collecting rent", "contract"),
        ],
        system_ids: vec![system.to_string()],
        retention_record_types: vec!["family-file".into()],
        source: "from you".into(),
        location: "United Kingdom".into(),
        security_measures: "Role-based access; encryption".into(),
        ..Activity::default()
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let subjects: u64 = std::env::var("STEWARD_BENCH_SUBJECTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("tmp");
    let store = steward_store::Store::open_sqlite(&dir.path().join("bench.db")).expect("db");
    let key = steward_crypto::MasterKey::generate().expect("key");
    let app = App::open(store, &key, &dir.path().join("journal")).expect("app");
    let ctx = Context::cli();
    app.use_schedule_template(&ctx, "family-support-charity").expect("schedule");
    let system = app
        .create_system(
            &ctx,
            serde_json::from_str(r#"{"name":"Housing management system","kind":"system"}"#).expect("system"),
        )
        .expect("system")
        .id;
    let mut out = String::new();

    // 1,000 activities, then 99 changes each, dated a day apart, written in batches.
    let t = Instant::now();
    let mut ids = Vec::with_capacity(ACTIVITIES);
    for i in 0..ACTIVITIES {
        ids.push(app.register_create::<Activity>(&ctx, activity(i, &system)).expect("activity").id);
    }
    let created = t.elapsed();
    let t = Instant::now();
    let start = jiff::civil::date(2020, 1, 1);
    for v in 2..=VERSIONS {
        let day = start.checked_add(jiff::Span::new().days(v)).expect("day");
        let rows: Vec<EntryRow> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let mut a = activity(i, &system);
                a.notes = format!("Change {v}");
                EntryRow {
                    kind: RegisterKind::Activity.as_str().into(),
                    id: id.clone(),
                    version: v,
                    title: a.title().to_string(),
                    body: serde_json::to_string(&a).expect("json"),
                    retired: false,
                    changed_at: format!("{day}T12:00:00Z"),
                    changed_by: "bench".into(),
                }
            })
            .collect();
        app.store().save_entries(&rows, &[]).expect("versions");
    }
    let versioned = t.elapsed();
    writeln!(
        out,
        "register: {ACTIVITIES} activities added in {:.1} s; {} more versions in {:.1} s",
        created.as_secs_f64(),
        ACTIVITIES as i64 * (VERSIONS - 1),
        versioned.as_secs_f64()
    )
    .unwrap();

    // (a) The register as it stood half-way through its history, and now.
    let past = start.checked_add(jiff::Span::new().days(50)).expect("day");
    for (label, as_of) in [("as of a past date", Some(past)), ("now", None)] {
        let mut times = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            let entries = app.register_entries::<Activity>(&ctx, as_of, false).expect("entries");
            times.push(t.elapsed());
            assert_eq!(entries.len(), ACTIVITIES);
        }
        times.sort();
        writeln!(
            out,
            "register read {label}: median {:.1} ms, worst {:.1} ms (5 runs)",
            support::percentile(&times, 0.5),
            support::percentile(&times, 1.0)
        )
        .unwrap();
    }

    // (b) The ROPA export.
    for format in [RopaFormat::Csv, RopaFormat::Xlsx, RopaFormat::Json] {
        let t = Instant::now();
        let file = app.export_ropa(&ctx, format).expect("export");
        writeln!(
            out,
            "export {:?}: {ACTIVITIES} activities ({} rows) in {:.1} ms, {} KiB",
            format,
            ACTIVITIES * 3,
            ms(t.elapsed()),
            file.bytes.len() / 1024
        )
        .unwrap();
    }

    // (c) The compliance check over the register and a vault of subjects.
    let t = Instant::now();
    app.import_subjects(&ctx, (0..subjects).map(support::subject), 50_000).expect("subjects");
    writeln!(out, "vault: {subjects} subjects in {:.1} s", t.elapsed().as_secs_f64()).unwrap();
    let mut times = Vec::new();
    let mut count = 0;
    for _ in 0..5 {
        let t = Instant::now();
        count = app.compliance_check(&ctx).expect("check").len();
        times.push(t.elapsed());
    }
    times.sort();
    writeln!(
        out,
        "compliance check: {ACTIVITIES} activities, {subjects} subjects, {count} findings: median {:.1} ms, worst {:.1} ms (5 runs)",
        support::percentile(&times, 0.5),
        support::percentile(&times, 1.0)
    )
    .unwrap();
    writeln!(out, "peak memory: {:.0} MiB", peak_rss_mib()).unwrap();

    print!("{out}");
    let target = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-registers.txt");
    std::fs::write(target, &out).expect("results");
}
