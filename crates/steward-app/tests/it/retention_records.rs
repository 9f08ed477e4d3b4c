//! The records inventory through the application on SQLite: records get their destroy-by
//! date, rule, explanation and missing facts from the schedule in force; the date moves
//! when facts change and when the schedule changes (audited); bad facts are refused
//! with the field named; legal holds on records, record types and subjects mark records
//! held and stop erasure of their subject. All people are fictional.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::app;
use std::collections::BTreeMap;
use steward_app::erasure::NewHold;
use steward_app::retention::{LocationInput, NewRecord, RecordPatch, RecordQuery};
use steward_app::{App, AppError, Context};
use steward_core::Role;
use steward_core::subject::NewSubject;
use steward_testkit::Database;

fn with_schedule() -> (Database, App) {
    let (dir, app) = app();
    app.use_schedule_template(&Context::cli(), "family-support-charity").unwrap();
    (dir, app)
}

fn date(s: &str) -> jiff::civil::Date {
    s.parse().unwrap()
}

fn events(pairs: &[(&str, &str)]) -> BTreeMap<String, jiff::civil::Date> {
    pairs.iter().map(|(k, v)| ((*k).to_string(), date(v))).collect()
}

fn child(app: &App, born: &str) -> String {
    let s = NewSubject {
        given_name: "Kayla".into(),
        family_name: "Brennan".into(),
        date_of_birth: Some(date(born)),
        ..Default::default()
    };
    app.create_subject(&Context::cli(), s).unwrap().id
}

fn volunteer(events_: &[(&str, &str)], flags: &[&str]) -> NewRecord {
    NewRecord {
        record_type: "volunteer-file".into(),
        reference: "VOL-0042".into(),
        events: events(events_),
        flags: flags.iter().map(|f| (*f).to_string()).collect(),
        location: Some(LocationInput::Text("Head office, cabinet 3".into())),
        ..Default::default()
    }
}

#[test]
fn without_a_schedule_records_are_refused_with_the_way_forward() {
    let (_d, app) = app();
    let err = app.create_record(&Context::cli(), volunteer(&[("left", "2024-03-15")], &[])).unwrap_err();
    assert!(matches!(&err, AppError::Conflict(m) if m.contains("template")), "{err}");
}

#[test]
fn a_volunteer_file_with_reference_consent_is_kept_five_years_after_leaving() {
    // Seed 003, Appendix 1: "Volunteer files … 2 years after leaving; with consent to
    // give references, 5 years".
    let (_d, app) = with_schedule();
    let r = app.create_record(&Context::cli(), volunteer(&[("left", "2024-03-15")], &["reference_consent"])).unwrap();
    assert_eq!(r.destroy_on, Some(date("2029-03-15")));
    assert_eq!(r.destroy_month.as_deref(), Some("Mar 2029"));
    assert!(r.missing.is_empty());
    assert!(r.explanation.contains("15 Mar 2029"), "{}", r.explanation);
    assert_eq!(r.status, "kept");
    assert!(!r.held);

    // Without the flag the base rule applies: two years.
    let patched =
        app.update_record(&Context::cli(), &r.id, RecordPatch { flags: Some(vec![]), ..Default::default() }).unwrap();
    assert_eq!(patched.destroy_on, Some(date("2026-03-15")));
    // A new leaving date moves it.
    let moved = app
        .update_record(
            &Context::cli(),
            &r.id,
            RecordPatch {
                events: Some(BTreeMap::from([("left".to_string(), Some(date("2025-01-31")))])),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(moved.destroy_on, Some(date("2027-01-31")));
    // Removing the event leaves no date, naming what is missing.
    let gone = app
        .update_record(
            &Context::cli(),
            &r.id,
            RecordPatch { events: Some(BTreeMap::from([("left".to_string(), None)])), ..Default::default() },
        )
        .unwrap();
    assert_eq!(gone.destroy_on, None);
    assert_eq!(gone.missing, vec!["event left".to_string()]);
    assert!(gone.explanation.contains("leaving"), "{}", gone.explanation);
}

#[test]
fn permanent_records_have_no_date_and_say_so() {
    let (_d, app) = with_schedule();
    let r = app
        .create_record(
            &Context::cli(),
            NewRecord { record_type: "board-minutes".into(), reference: "BM-2019".into(), ..Default::default() },
        )
        .unwrap();
    assert!(r.permanent);
    assert_eq!(r.destroy_on, None);
    assert!(r.missing.is_empty());
}

#[test]
fn a_family_file_with_a_concern_not_referred_is_kept_until_the_child_is_25_without_storing_the_birth_date() {
    // Seed 003: "… where there was a concern not referred, until the child reaches 25".
    let (_d, app) = with_schedule();
    let kid = child(&app, "2012-06-09");
    let r = app
        .create_record(
            &Context::cli(),
            NewRecord {
                record_type: "family-file".into(),
                subject_id: Some(kid.clone()),
                events: events(&[("support_ended", "2025-10-01")]),
                flags: vec!["concern_not_referred".into()],
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(r.destroy_on, Some(date("2037-06-09")));
    assert!(!r.explanation.contains("9 Jun 2012"), "the birth date is not stored: {}", r.explanation);
    // An event before the child's birth is refused, without repeating the birth date.
    let err = app
        .create_record(
            &Context::cli(),
            NewRecord {
                record_type: "family-file".into(),
                subject_id: Some(kid),
                events: events(&[("support_ended", "2010-01-01")]),
                ..Default::default()
            },
        )
        .unwrap_err();
    let AppError::Invalid(f) = &err else { panic!("{err}") };
    assert_eq!(f.field, "events");
    assert!(f.message.contains("before the subject's date of birth") && !f.message.contains("2012"), "{}", f.message);
}

#[test]
fn bad_input_is_refused_naming_the_field() {
    let (_d, app) = with_schedule();
    let cli = Context::cli();
    let check = |input: NewRecord, field: &str, needle: &str| {
        let err = app.create_record(&cli, input).unwrap_err();
        let AppError::Invalid(f) = &err else { panic!("{err}") };
        assert_eq!(f.field, field, "{f:?}");
        assert!(f.message.contains(needle), "{}", f.message);
    };
    check(NewRecord { record_type: "spaceship-log".into(), ..Default::default() }, "record_type", "spaceship-log");
    check(volunteer(&[("started", "2024-05-01"), ("left", "2024-03-15")], &[]), "events", "before event started");
    check(volunteer(&[("launched", "2024-05-01")], &[]), "events", "launched");
    check(volunteer(&[("left", "2024-05-01")], &["vip"]), "flags", "vip");
    check(NewRecord { subject_id: Some("no-such-subject".into()), ..volunteer(&[], &[]) }, "subject_id", "no subject");
    check(
        NewRecord {
            location: Some(LocationInput::System {
                system_id: Some("nope".into()),
                system: None,
                detail: String::new(),
            }),
            ..volunteer(&[], &[])
        },
        "location.system_id",
        "no system",
    );
    check(NewRecord { document_id: Some("doc".into()), ..volunteer(&[], &[]) }, "document_id", "subject_id");
    // Nothing was written.
    assert_eq!(app.records(&cli, &RecordQuery::default()).unwrap().total, 0);
}

#[test]
fn caseworkers_read_the_inventory_but_do_not_change_it() {
    let (_d, app) = with_schedule();
    let cw = Context::new("user:cw", Role::Caseworker, "r");
    assert!(matches!(app.create_record(&cw, volunteer(&[("left", "2024-03-15")], &[])), Err(AppError::Forbidden(_))));
    app.create_record(&Context::cli(), volunteer(&[("left", "2024-03-15")], &[])).unwrap();
    assert_eq!(app.records(&cw, &RecordQuery::default()).unwrap().total, 1);
}

#[test]
fn changing_the_schedule_recomputes_affected_records_and_is_audited() {
    let (_d, app) = with_schedule();
    let cli = Context::cli();
    let r = app.create_record(&cli, volunteer(&[("left", "2024-03-15")], &[])).unwrap();
    let dbs = app
        .create_record(
            &cli,
            NewRecord {
                record_type: "dbs-record".into(),
                events: events(&[("issued", "2025-02-01")]),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(r.destroy_on, Some(date("2026-03-15")));
    let info = app.schedule_info(&cli).unwrap().unwrap();
    let text = info.toml.replace(
        "id = \"volunteer-file\"\nname = \"Volunteer files\"\nrule = \"2 years after left\"",
        "id = \"volunteer-file\"\nname = \"Volunteer files\"\nrule = \"3 years after left\"",
    );
    assert_ne!(text, info.toml, "the template's volunteer rule is where the test expects it");
    let saved = app.save_schedule(&cli, &text, "ui").unwrap();
    assert_eq!(saved.changed_types, vec!["volunteer-file".to_string()]);
    assert_eq!(saved.recomputed, 1);
    assert_eq!(app.record(&cli, &r.id).unwrap().destroy_on, Some(date("2027-03-15")));
    assert_eq!(app.record(&cli, &dbs.id).unwrap().destroy_on, Some(date("2025-08-01")));
    assert_eq!(app.schedule_versions(&cli).unwrap().len(), 2);
    // Saving the same text again changes nothing.
    assert!(matches!(app.save_schedule(&cli, &text, "ui"), Err(AppError::Conflict(_))));
    // A broken schedule is refused naming the record type and field.
    let broken = text.replace("rule = \"3 years after left\"", "rule = \"3 years after launch\"");
    let err = app.save_schedule(&cli, &broken, "ui").unwrap_err();
    assert!(err.to_string().contains("volunteer-file") && err.to_string().contains("rule"), "{err}");
    // Dropping a record type that records use is refused (the generic template has no
    // family-file type).
    let family = NewRecord { record_type: "family-file".into(), ..Default::default() };
    app.create_record(&cli, family).unwrap();
    let generic = app.use_schedule_template(&cli, "generic");
    assert!(matches!(&generic, Err(AppError::Invalid(f)) if f.message.contains("record(s)")), "{generic:?}");
    let filter = steward_store::AuditFilter { action: Some("retention.".into()), limit: 100, ..Default::default() };
    let audit = app.audit_entries(&cli, &filter).unwrap();
    assert!(audit.iter().any(|e| e.event.action == "retention.schedule.save"));
    assert!(audit.iter().any(|e| e.event.action == "retention.recompute"));
}

#[test]
fn holds_on_records_types_and_subjects_mark_records_held_and_stop_erasure() {
    let (_d, app) = with_schedule();
    let cli = Context::cli();
    let kid = child(&app, "2015-02-11");
    let family = app
        .create_record(
            &cli,
            NewRecord {
                record_type: "family-file".into(),
                subject_id: Some(kid.clone()),
                events: events(&[("support_ended", "2024-07-31")]),
                ..Default::default()
            },
        )
        .unwrap();
    let vol = app.create_record(&cli, volunteer(&[("left", "2024-03-15")], &[])).unwrap();
    let hold = |h: NewHold| app.place_hold(&cli, NewHold { reason: "Claim".into(), approved_by: "Chair".into(), ..h });

    let on_type = hold(NewHold { record_type: Some("volunteer-file".into()), ..Default::default() }).unwrap();
    assert!(app.record(&cli, &vol.id).unwrap().held);
    assert!(!app.record(&cli, &family.id).unwrap().held);
    let held = app.records(&cli, &RecordQuery { held: true, ..Default::default() }).unwrap();
    assert_eq!(held.records.iter().map(|r| r.id.clone()).collect::<Vec<_>>(), vec![vol.id.clone()]);

    let on_record = hold(NewHold { record_id: Some(family.id.clone()), ..Default::default() }).unwrap();
    let r = app.record(&cli, &family.id).unwrap();
    assert!(r.held && r.holds == vec![on_record.id.clone()]);
    // The child's erasure is refused while a hold covers a record about them.
    let err = app.erase_subject(&cli, &kid, "erasure_request", None).unwrap_err();
    assert!(matches!(&err, AppError::Conflict(m) if m.contains("legal hold")), "{err}");
    app.lift_hold(&cli, &on_record.id, "Claim settled").unwrap();
    app.lift_hold(&cli, &on_type.id, "Claim settled").unwrap();
    assert!(!app.record(&cli, &vol.id).unwrap().held);

    // Exactly one target; unknown ones are named.
    let two =
        hold(NewHold { record_id: Some(vol.id.clone()), record_type: Some("lease".into()), ..Default::default() });
    assert!(matches!(two, Err(AppError::Invalid(_))));
    let unknown = hold(NewHold { record_type: Some("yacht".into()), ..Default::default() });
    assert!(matches!(&unknown, Err(AppError::Invalid(f)) if f.field == "record_type"), "{unknown:?}");
    let all = app.holds(&cli, None, true).unwrap();
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(|h| h.lifted_at.is_some()));
}

#[test]
fn the_inventory_filters_by_type_month_and_missing_facts() {
    let (_d, app) = with_schedule();
    let cli = Context::cli();
    for (left, flags) in [("2024-03-15", vec![]), ("2024-03-20", vec!["reference_consent"]), ("2024-04-02", vec![])] {
        app.create_record(&cli, volunteer(&[("left", left)], &flags)).unwrap();
    }
    app.create_record(&cli, volunteer(&[], &[])).unwrap();
    let q = |q: RecordQuery| app.records(&cli, &q).unwrap().total;
    assert_eq!(q(RecordQuery { record_type: Some("volunteer-file".into()), ..Default::default() }), 4);
    assert_eq!(q(RecordQuery { due_month: Some("2026-03".into()), ..Default::default() }), 1);
    assert_eq!(q(RecordQuery { missing: true, ..Default::default() }), 1);
    assert_eq!(q(RecordQuery { location: Some("CABINET".into()), ..Default::default() }), 4);
    assert_eq!(q(RecordQuery { due_before: Some(date("2026-12-31")), ..Default::default() }), 2);
    let bad = app.records(&cli, &RecordQuery { due_month: Some("March".into()), ..Default::default() });
    assert!(matches!(bad, Err(AppError::Invalid(f)) if f.field == "due_month"));
}
