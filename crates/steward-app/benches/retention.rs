//! Retention benchmark at realistic scale, on SQLite: an inventory of records of the
//! family-support charity template (default 10,000,000; about one in four about a
//! subject, destroy-by dates spread over the following decades, about 1% just past their
//! date), then
//! (a) computing every date, and recomputing every date after a schedule change
//!     (`save_schedule` with a rule on every record type changed);
//! (b) the daily disposal sweep (`App::run_disposal_sweep`): the query alone, the first
//! sweep over the whole backlog, and the next day's;
//! (c) a CSV import of 100,000 rows, dry run and real;
//! (d) peak memory (`VmHWM`).
//! Writes its figures to `target/bench-retention.txt` and prints them.
//!
//! `cargo bench -p steward-app --bench retention` (set `STEWARD_BENCH_RECORDS` for
//! another size, e.g. 1000000 for a quick run).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use jiff::ToSpan;
use jiff::civil::Date;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Instant;
use steward_app::{App, Context};
use steward_core::retention::{Facts, Schedule};
use steward_store::RecordRow;

#[path = "common/support.rs"]
mod support;

/// Record types of the template: (id, the event its rule counts from, share in 1000,
/// a flag some carry, how many in 1000 carry it).
const TYPES: &[(&str, &str, u32, &str, u32)] = &[
    ("family-file", "support_ended", 280, "referred_to_childrens_services", 40),
    ("family-record-safeguarding-other", "support_ended", 30, "", 0),
    ("volunteer-file", "left", 140, "reference_consent", 100),
    ("staff-personnel-file", "left", 50, "safeguarding_allegation", 10),
    ("trustee-file", "left", 10, "", 0),
    ("application-unsuccessful", "decision", 80, "", 0),
    ("application-successful", "left", 30, "", 0),
    ("dbs-record", "issued", 60, "dbs_issues", 50),
    ("right-to-work-evidence", "validated", 20, "", 0),
    ("right-to-work-check-record", "left", 30, "", 0),
    ("accident-record", "accident", 10, "", 0),
    ("financial-record", "created", 120, "", 0),
    ("payroll-tax-record", "created", 60, "", 0),
    ("membership-record", "left", 20, "retention_consent", 50),
    ("rights-request", "closed", 15, "", 0),
    ("complaint", "closed", 15, "", 0),
    ("disclosure-record", "disclosed", 10, "", 0),
    ("lease", "expired", 5, "", 0),
    ("accident-book", "last_entry", 5, "", 0),
    ("board-minutes", "", 10, "", 0),
];

/// A cheap, repeatable pseudo-random number for record `i` and purpose `k`.
fn mix(i: u64, k: u64) -> u64 {
    let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ k.wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^ (x >> 29)
}

/// Peak resident memory so far, in MiB.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

struct Seeder {
    /// Per type: its rule's length in days from its event (None: permanent or no event).
    periods: Vec<Option<i64>>,
    cumulative: Vec<u32>,
    subjects: Vec<String>,
    today: Date,
    now: String,
}

impl Seeder {
    fn new(schedule: &Schedule, subjects: Vec<String>) -> Self {
        let base = jiff::civil::date(2000, 1, 1);
        let mut periods = Vec::new();
        let mut cumulative = Vec::new();
        let mut sum = 0;
        for (id, event, share, _, _) in TYPES {
            assert!(schedule.record_type(id).is_some(), "{id} is not in the template");
            let period = if event.is_empty() {
                None
            } else {
                let facts = Facts { events: BTreeMap::from([(event.to_string(), base)]), ..Default::default() };
                let o = schedule.evaluate(id, &facts).unwrap();
                o.destroy_on.map(|d| i64::from(base.until(d).unwrap().get_days()))
            };
            periods.push(period);
            sum += share;
            cumulative.push(sum);
        }
        assert_eq!(sum, 1000);
        Self {
            periods,
            cumulative,
            subjects,
            today: jiff::Zoned::now().date(),
            now: steward_core::audit::format_time(jiff::Timestamp::now()),
        }
    }

    fn row(&self, i: u64) -> RecordRow {
        let pick = (mix(i, 1) % 1000) as u32;
        let t = self.cumulative.iter().position(|c| pick < *c).unwrap();
        let (record_type, event, _, flag, flag_share) = TYPES[t];
        let mut events = BTreeMap::new();
        // One in 20 people-records still open (no leaving date yet): no date computable.
        let open = matches!(event, "left" | "support_ended") && mix(i, 2).is_multiple_of(20);
        // Destroy-by dates spread over the rule's period ahead; about 1% just past (found
        // by the next sweep). Records destroyed at the event itself ("at left") are
        // still open unless just past.
        let overdue = mix(i, 3).is_multiple_of(100);
        if let (Some(period), false, true) = (self.periods[t], open, overdue || self.periods[t] != Some(0)) {
            let ahead = if overdue { -((mix(i, 4) % 30) as i64) - 1 } else { (mix(i, 4) % period as u64) as i64 };
            let on = self.today.checked_add((ahead - period).days()).unwrap();
            events.insert(event.to_string(), on);
            if event == "left" {
                events.insert("started".to_string(), on.checked_sub(((mix(i, 5) % 3650) as i64 + 30).days()).unwrap());
            }
        }
        let flags: Vec<&str> =
            if !flag.is_empty() && (mix(i, 6) % 1000) < u64::from(flag_share) { vec![flag] } else { vec![] };
        let facts = serde_json::json!({"events": events, "flags": flags}).to_string();
        // Subjects are born by 2009: only records whose events come later are theirs.
        let after_births = events.values().all(|d| *d >= jiff::civil::date(2010, 1, 1));
        let subject = (i.is_multiple_of(4) && after_births && !self.subjects.is_empty())
            .then(|| self.subjects[(mix(i, 7) % self.subjects.len() as u64) as usize].clone());
        RecordRow {
            id: uuid::Uuid::now_v7().to_string(),
            record_type: record_type.to_string(),
            reference: format!("REF-{i:08}"),
            subject_id: subject,
            other_subjects: String::new(),
            system_id: None,
            location: format!("Head office, cabinet {}", i % 40),
            storage: "external".into(),
            document_id: None,
            facts,
            destroy_on: None,
            permanent: false,
            missing: String::new(),
            rule: String::new(),
            explanation: String::new(),
            schedule_version: 0,
            status: "kept".into(),
            created_at: self.now.clone(),
            created_by: "cli".into(),
            updated_at: self.now.clone(),
            destroyed_on: None,
        }
    }
}

/// 100,000 CSV rows of common record types.
fn import_csv() -> String {
    let mut csv = String::from("record_type,reference,location,flags,event:started,event:left,event:support_ended\n");
    for i in 0..100_000u64 {
        let day = format!("{:02}/{:02}/20{:02}", 1 + i % 28, 1 + i % 12, 10 + i % 15);
        match i % 3 {
            0 => writeln!(csv, "family-file,FAM-{i:06},Office drawer {},,,,{day}", i % 9).unwrap(),
            1 => writeln!(csv, "volunteer-file,VOL-{i:06},Cabinet 2,reference_consent,01/01/2009,{day},").unwrap(),
            _ => writeln!(csv, "staff-personnel-file,HR-{i:06},Cabinet 1,,2009-01-01,,").unwrap(),
        }
    }
    csv
}

fn main() {
    let n: u64 = std::env::var("STEWARD_BENCH_RECORDS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000_000);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("steward.db");
    let store = steward_store::Store::open_sqlite(&db).unwrap();
    let key = steward_crypto::MasterKey::generate().unwrap();
    let app = App::open(store, &key, &dir.path().join("erasures.jsonl")).unwrap();
    let ctx = Context::cli();
    app.use_schedule_template(&ctx, "family-support-charity").unwrap();
    let mut out = String::new();
    let note = |out: &mut String, line: String| {
        eprintln!("{line}");
        out.push_str(&line);
        out.push('\n');
    };
    note(&mut out, format!("records: {n}"));

    // Subjects for one record in four (about 25 records each, at most 100,000 people).
    let people = (n / 100).clamp(100, 100_000);
    let t = Instant::now();
    let subjects = app.import_subjects(&ctx, (0..people).map(support::subject), 50_000).unwrap();
    note(&mut out, format!("seed subjects: {people} in {:.1} s", t.elapsed().as_secs_f64()));

    let (_, schedule) = app.active_schedule().unwrap().unwrap();
    let seeder = Seeder::new(&schedule, subjects);
    let t = Instant::now();
    let batch = 100_000u64;
    let mut i = 0;
    while i < n {
        let rows: Vec<RecordRow> = (i..(i + batch).min(n)).map(|k| seeder.row(k)).collect();
        app.store().insert_records(&rows, &[]).unwrap();
        i += batch;
    }
    let secs = t.elapsed().as_secs_f64();
    note(&mut out, format!("seed records: {n} in {secs:.1} s ({:.0}/s)", n as f64 / secs));

    // (a) Every date computed (the records were seeded with facts only), then every date
    // recomputed after a change to a rule on every record type.
    let t = Instant::now();
    let computed = app.recompute_records(&ctx, None).unwrap();
    let secs = t.elapsed().as_secs_f64();
    note(&mut out, format!("compute all dates: {computed} records in {secs:.1} s ({:.0}/s)", computed as f64 / secs));
    let template = steward_core::retention::schedule::template("family-support-charity").unwrap();
    let changed = template.replacen("extend = \"5 years\"", "extend = \"6 years\"", 1);
    assert_ne!(changed, template);
    let t = Instant::now();
    let saved = app.save_schedule(&ctx, &changed, "api").unwrap();
    let secs = t.elapsed().as_secs_f64();
    note(
        &mut out,
        format!(
            "(a) schedule change, recompute all: {} records in {secs:.1} s ({:.0}/s; target <= 120 s)",
            saved.recomputed,
            saved.recomputed as f64 / secs
        ),
    );
    note(&mut out, format!("peak RSS after recompute: {:.0} MiB", peak_rss_mib()));

    // (b) The daily disposal sweep: the query alone, then the first sweep over the
    // whole backlog (every record past its date), then the next day's sweep (the steady
    // state: only that day's records).
    let today_date = jiff::Zoned::now().date();
    let today = today_date.to_string();
    let mut times = Vec::new();
    let mut due = 0;
    for _ in 0..5 {
        let t = Instant::now();
        due = app.store().records_due(&today).unwrap().len();
        times.push(t.elapsed());
    }
    times.sort();
    note(
        &mut out,
        format!(
            "(b) records due today (query only): {due} found, median {:.0} ms, max {:.0} ms (5 runs)",
            support::percentile(&times, 0.5),
            support::percentile(&times, 1.0)
        ),
    );
    let t = Instant::now();
    let first = app.run_disposal_sweep(&ctx, today_date).unwrap();
    note(
        &mut out,
        format!(
            "(b) first sweep over the backlog: {} disposals opened ({} held) in {:.1} s (target <= 60 s)",
            first.due,
            first.held,
            t.elapsed().as_secs_f64()
        ),
    );
    let tomorrow = today_date.tomorrow().unwrap();
    let t = Instant::now();
    let next = app.run_disposal_sweep(&ctx, tomorrow).unwrap();
    note(
        &mut out,
        format!(
            "(b) next day's sweep: {} disposals opened in {:.2} s (target <= 60 s)",
            next.due,
            t.elapsed().as_secs_f64()
        ),
    );
    note(&mut out, format!("peak RSS after the sweeps: {:.0} MiB", peak_rss_mib()));

    // (c) Importing 100,000 rows into the inventory.
    let csv = import_csv();
    let t = Instant::now();
    let dry = app.import_records(&ctx, csv.as_bytes(), true).unwrap();
    let dry_secs = t.elapsed().as_secs_f64();
    assert_eq!((dry.would_import, dry.error_count), (100_000, 0), "{:?}", dry.errors.first());
    let t = Instant::now();
    let real = app.import_records(&ctx, csv.as_bytes(), false).unwrap();
    let real_secs = t.elapsed().as_secs_f64();
    assert_eq!(real.imported_rows, 100_000);
    note(
        &mut out,
        format!(
            "(c) import 100,000 CSV rows ({:.1} MB): dry run {dry_secs:.1} s, import {real_secs:.1} s",
            csv.len() as f64 / 1_048_576.0
        ),
    );

    // (d) Peak memory of the whole run.
    note(&mut out, format!("(d) peak RSS (VmHWM): {:.0} MiB (target < 1024 MiB)", peak_rss_mib()));
    let size = ["", "-wal"]
        .iter()
        .map(|s| std::fs::metadata(format!("{}{s}", db.display())).map(|m| m.len()).unwrap_or(0))
        .sum::<u64>();
    note(&mut out, format!("database size: {:.0} MiB", size as f64 / 1_048_576.0));

    let target = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-retention.txt");
    std::fs::write(&target, &out).unwrap();
    println!("{out}");
}
