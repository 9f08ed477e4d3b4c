//! Disposal through the application on SQLite, with the family-support charity's
//! schedule: the daily sweep finds records past their date, a legal hold stops one and
//! lifting it lets the next run dispose of it, the DPO's approval crypto-shreds vault
//! documents and turns paper records into tasks, an automatic rule destroys at once,
//! tasks are confirmed once, and the certificate shows it all. People are fictional.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::user;
use std::collections::BTreeMap;
use steward_app::disposal::{AUTOMATIC, Approval, Assignment, Confirmation, DisposalQuery, certificate_csv};
use steward_app::erasure::NewHold;
use steward_app::records::NewDocument;
use steward_app::requests::uk_today;
use steward_app::retention::{LocationInput, NewRecord};
use steward_app::{App, AppError, Context};
use steward_core::Role;
use steward_core::subject::NewSubject;
use steward_testkit::Database;

fn app() -> (Database, App) {
    let dir = Database::sqlite();
    let app = dir.open_app();
    app.use_schedule_template(&Context::cli(), "family-support-charity").unwrap();
    (dir, app)
}

fn subject(app: &App, given: &str, family: &str) -> String {
    let s = NewSubject { given_name: given.into(), family_name: family.into(), ..Default::default() };
    app.create_subject(&Context::cli(), s).unwrap().id
}

fn date(s: &str) -> jiff::civil::Date {
    s.parse().unwrap()
}

/// A volunteer's paper file, kept in a cabinet, who left on `left`.
fn volunteer_file(app: &App, subject_id: &str, reference: &str, left: &str) -> String {
    let r = NewRecord {
        subject_id: Some(subject_id.into()),
        record_type: "volunteer-file".into(),
        reference: reference.into(),
        events: BTreeMap::from([("left".to_string(), date(left))]),
        location: Some(LocationInput::Text("Head office, cabinet 3".into())),
        ..Default::default()
    };
    app.create_record(&Context::cli(), r).unwrap().id
}

/// A DBS certificate scan held in Steward's vault, issued on `issued`.
fn dbs_in_vault(app: &App, subject_id: &str, issued: &str) -> (String, String) {
    let doc = app
        .add_document(
            &Context::cli(),
            subject_id,
            NewDocument {
                filename: "dbs-certificate.pdf".into(),
                media_type: Some("application/pdf".into()),
                source: None,
                content: b"%PDF-1.4 fictional DBS certificate".to_vec(),
            },
        )
        .unwrap();
    let r = NewRecord {
        subject_id: Some(subject_id.into()),
        record_type: "dbs-record".into(),
        reference: "DBS-2024-07".into(),
        events: BTreeMap::from([("issued".to_string(), date(issued))]),
        document_id: Some(doc.id.clone()),
        ..Default::default()
    };
    (app.create_record(&Context::cli(), r).unwrap().id, doc.id)
}

fn month(d: jiff::civil::Date) -> String {
    d.strftime("%Y-%m").to_string()
}

fn actions(app: &App, prefix: &str) -> Vec<String> {
    let f = steward_store::AuditFilter { action: Some(prefix.into()), limit: 500, ..Default::default() };
    app.audit_entries(&Context::cli(), &f).unwrap().into_iter().map(|e| e.event.action).collect()
}

#[test]
fn the_sweep_finds_due_records_once_and_is_idempotent() {
    let (_d, app) = app();
    let today = uk_today();
    let priya = subject(&app, "Priya", "Raman");
    let tom = subject(&app, "Tom", "Ashworth");
    let due = volunteer_file(&app, &priya, "VOL-0042", "2021-03-15");
    let not_yet = volunteer_file(&app, &tom, "VOL-0077", &(today - jiff::Span::new().days(30)).to_string());
    let minutes =
        NewRecord { record_type: "board-minutes".into(), reference: "Board minutes 2019".into(), ..Default::default() };
    app.create_record(&Context::cli(), minutes).unwrap();

    let r = app.run_disposal_sweep(&Context::system(), today).unwrap();
    assert_eq!((r.due, r.awaiting_approval, r.held, r.destroyed), (1, 1, 0, 0), "{r:?}");
    let list = app.disposals(&Context::cli(), &DisposalQuery::default()).unwrap();
    assert_eq!(list.len(), 1);
    let d = &list[0];
    assert_eq!(d.record_id, due);
    assert_eq!(d.status, "awaiting_approval");
    assert_eq!(d.due_on, "2023-03-15");
    assert_eq!(d.subject_ref, priya);
    assert_eq!(d.method.as_deref(), Some("shredding"), "paper in a cabinet is shredded");
    assert_eq!(d.task_due_on, Some(today.last_of_month().to_string()));
    assert_eq!(app.record(&Context::cli(), &due).unwrap().status, "disposing");
    assert_eq!(app.record(&Context::cli(), &not_yet).unwrap().status, "kept");

    // A second run the same day finds nothing new.
    let again = app.run_disposal_sweep(&Context::system(), today).unwrap();
    assert_eq!((again.due, again.awaiting_approval), (0, 0));
    assert_eq!(app.disposals(&Context::cli(), &DisposalQuery::default()).unwrap().len(), 1);
    assert_eq!(actions(&app, "disposal.due").len(), 1);
    // The audit entries name ids and types only.
    for e in
        app.audit_entries(&Context::cli(), &steward_store::AuditFilter { limit: 500, ..Default::default() }).unwrap()
    {
        assert!(!e.event.detail.contains("Priya") && !e.event.detail.contains("Raman"));
    }
    // The job runs the sweep too, recording counts.
    let run = app.run_job(&Context::cli(), "disposals", steward_app::jobs::Cause::Manual, "t").unwrap().unwrap();
    assert_eq!(run.outcome, "success", "{}", run.message);
    // A non-DPO cannot sweep.
    let admin = user(&app, "alex.admin@example.org", "Alex Admin", Role::Admin);
    assert!(matches!(app.run_disposal_sweep(&admin, today), Err(AppError::Forbidden(_))));
}

#[test]
fn a_hold_stops_disposal_and_lifting_it_lets_the_next_run_dispose() {
    let (_d, app) = app();
    let today = uk_today();
    let dpo = user(&app, "dana.dpo@example.org", "Dana Osei", Role::Dpo);
    let grace = subject(&app, "Grace", "Whitfield");
    let rec = volunteer_file(&app, &grace, "VOL-0101", "2020-06-30");
    let hold = app
        .place_hold(
            &dpo,
            NewHold {
                subject_id: Some(grace.clone()),
                reason: "Employment tribunal claim 2026/31".into(),
                approved_by: "DPO".into(),
                ..Default::default()
            },
        )
        .unwrap();

    let r = app.run_disposal_sweep(&Context::system(), today).unwrap();
    assert_eq!((r.due, r.held, r.awaiting_approval), (1, 1, 0), "{r:?}");
    let held = app.disposals(&dpo, &DisposalQuery { status: Some("held".into()), ..Default::default() }).unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].hold_id.as_deref(), Some(hold.id.as_str()));
    // Still held tomorrow: no second row.
    let r = app.run_disposal_sweep(&Context::system(), today).unwrap();
    assert_eq!((r.due, r.held, r.released), (0, 0, 0), "{r:?}");
    // Approval never destroys a held record.
    let out = app.approve_disposals(&dpo, &Approval { ids: Some(vec![held[0].id.clone()]), month: None }).unwrap();
    assert_eq!(out.skipped, vec![held[0].id.clone()]);
    assert_eq!(app.record(&dpo, &rec).unwrap().status, "disposing");

    app.lift_hold(&dpo, &hold.id, "Claim settled").unwrap();
    let r = app.run_disposal_sweep(&Context::system(), today).unwrap();
    assert_eq!((r.released, r.due, r.awaiting_approval), (1, 1, 1), "{r:?}");
    let all = app.disposals(&dpo, &DisposalQuery { record_id: Some(rec.clone()), ..Default::default() }).unwrap();
    let statuses: Vec<&str> = all.iter().map(|d| d.status.as_str()).collect();
    assert!(statuses.contains(&"released") && statuses.contains(&"awaiting_approval"), "{statuses:?}");

    let out = app.approve_disposals(&dpo, &Approval { month: Some(month(today)), ids: None }).unwrap();
    assert_eq!((out.tasks, out.destroyed), (1, 0), "{out:?}");
    let task = app.disposals(&dpo, &DisposalQuery { status: Some("task".into()), ..Default::default() }).unwrap();
    app.confirm_disposal(
        &dpo,
        &task[0].id,
        &Confirmation { done_on: today.to_string(), method: None, note: "Cross-cut shredder, office".into() },
    )
    .unwrap();

    let cert = app.disposal_certificate(&dpo, today.first_of_month(), today).unwrap();
    let lines: Vec<(&str, Option<&str>)> =
        cert.entries.iter().map(|e| (e.status.as_str(), e.hold_id.as_deref())).collect();
    assert!(lines.contains(&("released", Some(hold.id.as_str()))), "{lines:?}");
    assert!(lines.contains(&("done", None)), "{lines:?}");
    assert_eq!((cert.destroyed, cert.released, cert.held), (1, 1, 0));
    let audit = actions(&app, "disposal.");
    for a in ["disposal.held", "disposal.released", "disposal.due", "disposal.approve", "disposal.done"] {
        assert!(audit.iter().any(|x| x == a), "{a} missing from {audit:?}");
    }
    let csv = certificate_csv(&cert).unwrap();
    assert!(csv.starts_with("disposal_id,record_id,record_type,subject_ref"));
    assert!(csv.contains(",released,") && csv.contains("volunteer-file"));
    assert!(!csv.contains("Grace") && !csv.contains("Whitfield"));
}

#[test]
fn vault_records_are_crypto_shredded_on_the_dpos_approval() {
    let (dir, app) = app();
    let today = uk_today();
    let dpo = user(&app, "dana.dpo@example.org", "Dana Osei", Role::Dpo);
    let caseworker = user(&app, "casey.worker@example.org", "Casey Hughes", Role::Caseworker);
    let owen = subject(&app, "Owen", "Pryce");
    let (rec, doc) = dbs_in_vault(&app, &owen, "2024-07-01");
    let r = app.run_disposal_sweep(&Context::system(), today).unwrap();
    assert_eq!(r.awaiting_approval, 1, "{r:?}");
    // A backup taken before the approval still holds the document.
    let before = dir.path("before-approval.backup");
    app.backup(&Context::cli(), &before).unwrap();
    assert!(app.store().document_exists(&owen, &doc).unwrap(), "kept until approved");
    let list = app.disposals(&dpo, &DisposalQuery::default()).unwrap();
    assert_eq!(list[0].method.as_deref(), Some("crypto_shred"));

    let approval = Approval { month: Some(month(today)), ids: None };
    assert!(matches!(app.approve_disposals(&caseworker, &approval), Err(AppError::Forbidden(_))));
    match app.approve_disposals(&dpo, &Approval { month: Some("2026-13".into()), ids: None }) {
        Err(AppError::Invalid(f)) => assert_eq!(f.field, "month"),
        other => panic!("expected a month problem, got {other:?}"),
    }
    let out = app.approve_disposals(&dpo, &approval).unwrap();
    assert_eq!(out.destroyed, 1, "{out:?}");
    assert!(!app.store().document_exists(&owen, &doc).unwrap(), "the document is gone");
    let record = app.record(&dpo, &rec).unwrap();
    assert_eq!(record.status, "destroyed");
    assert_eq!(record.destroyed_on, Some(today.to_string()));
    let d = app.disposal(&dpo, &list[0].id).unwrap();
    assert_eq!(d.status, "done");
    assert_eq!(d.approved_by.as_deref(), Some(dpo.actor.as_str()));
    // Approving again does nothing more; the record is not found due again.
    let again = app.approve_disposals(&dpo, &approval).unwrap();
    assert_eq!(again.destroyed, 0);
    assert_eq!(app.run_disposal_sweep(&Context::system(), today).unwrap().due, 0);
    // Restoring the older backup brings the document back only for the journal to
    // destroy it again.
    let restored = app.restore(&Context::cli(), &before).unwrap();
    assert!(restored.erasures_reapplied >= 1, "{restored:?}");
    assert!(!app.store().document_exists(&owen, &doc).unwrap(), "destroyed again after the restore");
}

#[test]
fn an_automatic_rule_destroys_vault_records_in_the_sweep() {
    let (_d, app) = app();
    let today = uk_today();
    let text = steward_core::retention::schedule::template("family-support-charity").unwrap();
    let automatic = text.replacen("id = \"dbs-record\"\n", "id = \"dbs-record\"\ndisposal = \"automatic\"\n", 1);
    assert_ne!(automatic, text);
    app.save_schedule(&Context::cli(), &automatic, "api").unwrap();
    let nia = subject(&app, "Nia", "Lloyd");
    let (rec, doc) = dbs_in_vault(&app, &nia, "2024-01-10");
    let r = app.run_disposal_sweep(&Context::system(), today).unwrap();
    assert_eq!((r.due, r.destroyed, r.awaiting_approval), (1, 1, 0), "{r:?}");
    assert!(!app.store().document_exists(&nia, &doc).unwrap());
    assert_eq!(app.record(&Context::cli(), &rec).unwrap().status, "destroyed");
    let list = app.disposals(&Context::cli(), &DisposalQuery::default()).unwrap();
    assert_eq!(list[0].status, "done");
    assert_eq!(list[0].done_by.as_deref(), Some(AUTOMATIC));
    assert_eq!(list[0].method.as_deref(), Some("crypto_shred"));
}

#[test]
fn a_task_is_assigned_and_confirmed_once() {
    let (_d, app) = app();
    let today = uk_today();
    let dpo = user(&app, "dana.dpo@example.org", "Dana Osei", Role::Dpo);
    let admin = user(&app, "alex.admin@example.org", "Alex Admin", Role::Admin);
    let staff = user(&app, "sam.staff@example.org", "Sam Patel", Role::Staff);
    let other = user(&app, "olly.staff@example.org", "Olly Grant", Role::Staff);
    let ruth = subject(&app, "Ruth", "Mensah");
    volunteer_file(&app, &ruth, "VOL-0203", "2022-01-31");
    app.run_disposal_sweep(&Context::system(), today).unwrap();
    let id = app.disposals(&dpo, &DisposalQuery::default()).unwrap()[0].id.clone();

    // Not before approval.
    let c = Confirmation { done_on: today.to_string(), method: None, note: String::new() };
    assert!(matches!(app.confirm_disposal(&dpo, &id, &c), Err(AppError::Conflict(_))));
    app.approve_disposals(&dpo, &Approval { ids: Some(vec![id.clone()]), month: None }).unwrap();

    let a = Assignment { assignee: staff.actor.clone(), method: Some("crypto_shred".into()), due_on: None };
    match app.assign_disposal(&dpo, &id, &a) {
        Err(AppError::Invalid(f)) => assert_eq!(f.field, "method"),
        other => panic!("expected a method problem, got {other:?}"),
    }
    let a = Assignment { method: Some("confidential_waste".into()), ..a };
    assert!(matches!(app.assign_disposal(&staff, &id, &a), Err(AppError::Forbidden(_))));
    // Who destroys a record is the DPO's decision, not an administrator's.
    assert!(matches!(app.assign_disposal(&admin, &id, &a), Err(AppError::Forbidden(_))));
    let d = app.assign_disposal(&dpo, &id, &a).unwrap();
    assert_eq!(d.assignee.as_deref(), Some(staff.actor.as_str()));

    // Only the assignee (or an administrator or DPO) confirms.
    assert!(matches!(app.confirm_disposal(&other, &id, &c), Err(AppError::Forbidden(_))));
    let future = Confirmation { done_on: (today + jiff::Span::new().days(2)).to_string(), ..c.clone() };
    match app.confirm_disposal(&staff, &id, &future) {
        Err(AppError::Invalid(f)) => assert_eq!(f.field, "done_on"),
        other => panic!("expected a done_on problem, got {other:?}"),
    }
    let early = Confirmation { done_on: "2020-01-01".into(), ..c.clone() };
    assert!(matches!(app.confirm_disposal(&staff, &id, &early), Err(AppError::Invalid(_))));
    let bad = Confirmation { done_on: "31/01/2026".into(), ..c.clone() };
    assert!(matches!(app.confirm_disposal(&staff, &id, &bad), Err(AppError::Invalid(_))));

    let done = app.confirm_disposal(&staff, &id, &c).unwrap();
    assert_eq!(done.status, "done");
    assert_eq!(done.done_by.as_deref(), Some(staff.actor.as_str()));
    assert_eq!(done.method.as_deref(), Some("confidential_waste"));
    assert!(matches!(app.confirm_disposal(&staff, &id, &c), Err(AppError::Conflict(_))));
    assert!(matches!(app.confirm_disposal(&dpo, &id, &c), Err(AppError::Conflict(_))));
    assert_eq!(app.record(&dpo, &done.record_id).unwrap().status, "destroyed");

    let s = app.disposal_summary(&dpo, today).unwrap();
    assert_eq!((s.awaiting_approval, s.open_tasks, s.held), (0, 0, 0));
}

#[test]
fn a_hold_placed_after_approval_stops_the_task() {
    let (_d, app) = app();
    let today = uk_today();
    let dpo = user(&app, "dana.dpo@example.org", "Dana Osei", Role::Dpo);
    let ivy = subject(&app, "Ivy", "Caldwell");
    let rec = volunteer_file(&app, &ivy, "VOL-0311", "2021-09-01");
    app.run_disposal_sweep(&Context::system(), today).unwrap();
    app.approve_disposals(&dpo, &Approval { month: Some(month(today)), ids: None }).unwrap();
    let id = app.disposals(&dpo, &DisposalQuery::default()).unwrap()[0].id.clone();
    let hold = NewHold {
        record_id: Some(rec.clone()),
        reason: "Subject access request in progress".into(),
        approved_by: "DPO".into(),
        ..Default::default()
    };
    app.place_hold(&dpo, hold).unwrap();
    let c = Confirmation { done_on: today.to_string(), method: None, note: String::new() };
    assert!(matches!(app.confirm_disposal(&dpo, &id, &c), Err(AppError::Conflict(_))));
    let r = app.run_disposal_sweep(&Context::system(), today).unwrap();
    assert_eq!(r.newly_held, 1, "{r:?}");
    assert_eq!(app.disposal(&dpo, &id).unwrap().status, "held");
    let s = app.disposal_summary(&dpo, today).unwrap();
    assert_eq!(s.held, 1);
}

/// The sweep reads only due records: time it over many (`STEWARD_SWEEP_RECORDS`,
/// default 200,000, one in twenty due). Ignored by default; run with `--ignored`.
#[test]
#[ignore = "a timing check; run by hand"]
fn the_sweep_scales_with_due_records_not_the_inventory() {
    let (_d, app) = app();
    let n: usize = std::env::var("STEWARD_SWEEP_RECORDS").ok().and_then(|v| v.parse().ok()).unwrap_or(200_000);
    let (version, _) = app.active_schedule().unwrap().unwrap();
    let now = steward_core::audit::format_time(jiff::Timestamp::now());
    let rows: Vec<steward_store::RecordRow> = (0..n)
        .map(|i| steward_store::RecordRow {
            id: format!("{i:012}"),
            record_type: "financial-record".into(),
            reference: format!("Ledger {i}"),
            subject_id: None,
            other_subjects: String::new(),
            system_id: None,
            location: String::new(),
            storage: "external".into(),
            document_id: None,
            facts: "{}".into(),
            destroy_on: Some(if i % 20 == 0 { "2020-01-31".into() } else { "2090-01-31".into() }),
            permanent: false,
            missing: String::new(),
            rule: "6 years after created".into(),
            explanation: String::new(),
            schedule_version: version,
            status: "kept".into(),
            created_at: now.clone(),
            created_by: "cli".into(),
            updated_at: now.clone(),
            destroyed_on: None,
        })
        .collect();
    for chunk in rows.chunks(50_000) {
        app.store().insert_records(chunk, &[]).unwrap();
    }
    let started = std::time::Instant::now();
    let r = app.run_disposal_sweep(&Context::system(), uk_today()).unwrap();
    let first = started.elapsed();
    let started = std::time::Instant::now();
    let again = app.run_disposal_sweep(&Context::system(), uk_today()).unwrap();
    eprintln!("{n} records: first sweep {first:?} ({r:?}), second {:?} ({again:?})", started.elapsed());
    assert_eq!(r.due as usize, n.div_ceil(20));
    assert_eq!(again.due, 0);
}

#[test]
fn the_sweep_first_finishes_a_recompute_a_schedule_change_left_pending() {
    let (_d, app) = app();
    let today = uk_today();
    let pending = steward_app::retention::PENDING_RECOMPUTE;
    assert_eq!(app.store().setting(pending).unwrap().as_deref(), Some(""), "a finished save leaves nothing pending");
    let zara = subject(&app, "Zara", "Quinn");
    let rec = volunteer_file(&app, &zara, "VOL-0909", "2020-10-31");
    // As if a schedule change were cut short before reaching this record.
    let row = app.store().record(&rec).unwrap().unwrap();
    let stale = steward_store::retention::StaleRecord {
        id: row.id,
        record_type: row.record_type,
        subject_id: row.subject_id,
        facts: row.facts,
        destroy_on: None,
        permanent: row.permanent,
        missing: row.missing,
        rule: row.rule,
        explanation: row.explanation,
    };
    app.store().save_recomputed(&[stale], &[], 0).unwrap();
    app.store().put_settings(&[(pending, "volunteer-file")], None).unwrap();
    let r = app.run_disposal_sweep(&Context::system(), today).unwrap();
    assert_eq!((r.recomputed, r.due, r.awaiting_approval), (1, 1, 1), "{r:?}");
    assert_eq!(app.store().setting(pending).unwrap().as_deref(), Some(""));
}
