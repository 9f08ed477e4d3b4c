//! The records inventory and disposals, and record filters that match `%`, `_` and `\`
//! literally.

use super::*;

on_both_backends!(retention_inventory, record_filters_match_wildcards_literally);

fn retention_inventory(db: &TestDb) {
    use steward_store::retention::StaleRecord;
    use steward_store::{DisposalFilter, DisposalRow, RecordFilter, RecordRow};
    let s = &db.store;
    let version = s
        .save_schedule(
            "Family support",
            "version = 1",
            "template:x",
            "cli",
            &event("retention.schedule.save", "retention_schedule", ""),
        )
        .unwrap();
    assert_eq!(version, 1);
    let record = |n: u32, due: Option<&str>| RecordRow {
        id: format!("rec-{n:03}"),
        record_type: "volunteer-file".into(),
        reference: format!("VOL-{n:03}"),
        subject_id: None,
        other_subjects: String::new(),
        system_id: None,
        location: "Cabinet 3".into(),
        storage: "external".into(),
        document_id: None,
        facts: r#"{"events":{"left":"2024-03-15"},"flags":[]}"#.into(),
        destroy_on: due.map(String::from),
        permanent: false,
        missing: String::new(),
        rule: "2 years after left".into(),
        explanation: "2 years after leaving".into(),
        schedule_version: 0,
        status: "kept".into(),
        created_at: at(1, 9),
        created_by: "cli".into(),
        updated_at: at(1, 9),
        destroyed_on: None,
    };
    let rows: Vec<RecordRow> = (0..25)
        .map(|n| record(n, Some(if n % 5 == 0 { "2026-01-10" } else { "2030-06-01" })))
        .chain([record(90, None)])
        .collect();
    s.insert_records(&rows, &[event("record.import", "record", "")]).unwrap();

    // The sweep's pages: keyset by (date, id) over kept records due by a day.
    let first = s.records_due_page("2026-02-01", None, 3).unwrap();
    assert_eq!(first.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["rec-000", "rec-005", "rec-010"]);
    let last = first.last().unwrap();
    let rest = s.records_due_page("2026-02-01", Some((last.destroy_on.as_deref().unwrap(), &last.id)), 3).unwrap();
    assert_eq!(rest.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["rec-015", "rec-020"]);

    // The destroy-by index can be dropped for a bulk rewrite and built again.
    s.drop_due_index().unwrap();
    assert_eq!(s.records_due("2026-02-01").unwrap().len(), 5, "still answered without the index");
    s.ensure_due_index().unwrap();
    s.ensure_due_index().unwrap();
    assert_eq!(s.count_stale(1).unwrap(), 26);

    // Recompute: pages of stale records; changed ones rewritten, the rest only re-versioned.
    let page: Vec<StaleRecord> = s.records_stale_facts(None, 1, "", 100).unwrap();
    assert_eq!(page.len(), 26);
    let mut moved = page[0].clone();
    moved.destroy_on = Some("2027-01-10".into());
    let others: Vec<String> = page[1..].iter().map(|r| r.id.clone()).collect();
    s.save_recomputed(&[moved], &others, 1).unwrap();
    assert_eq!(s.count_stale(1).unwrap(), 0);
    assert_eq!(s.record("rec-000").unwrap().unwrap().destroy_on.as_deref(), Some("2027-01-10"));
    let (found, total) =
        s.records(&RecordFilter { due_to: Some("2027-12-31".into()), limit: 10, ..Default::default() }).unwrap();
    assert_eq!((found.len(), total), (5, 5));

    // A disposal and its record change together, only from the status expected.
    let mut rec = s.record("rec-005").unwrap().unwrap();
    let d = DisposalRow {
        id: "disp-1".into(),
        record_id: rec.id.clone(),
        record_type: rec.record_type.clone(),
        subject_ref: String::new(),
        rule: rec.rule.clone(),
        due_on: "2026-01-10".into(),
        found_on: "2026-02-01".into(),
        storage: "external".into(),
        status: "awaiting_approval".into(),
        hold_id: None,
        method: Some("shredding".into()),
        assignee: None,
        task_due_on: Some("2026-02-28".into()),
        approved_by: None,
        approved_at: None,
        done_on: None,
        done_by: None,
        note: String::new(),
        created_at: at(2, 9),
    };
    rec.status = "disposing".into();
    s.apply_sweep(
        std::slice::from_ref(&d),
        &[],
        std::slice::from_ref(&rec),
        &[],
        &[event("disposal.due", "disposal", "disp-1")],
    )
    .unwrap();
    let task = DisposalRow { status: "task".into(), approved_by: Some("dpo".into()), ..d.clone() };
    assert!(
        s.update_disposal(&task, "awaiting_approval", None, &[event("disposal.approve", "disposal", "disp-1")])
            .unwrap()
    );
    assert!(!s.update_disposal(&task, "awaiting_approval", None, &[]).unwrap(), "only once");
    let listed = s.disposals(&DisposalFilter { statuses: vec!["task".into()], ..Default::default() }).unwrap();
    assert_eq!(listed, vec![task]);

    // Backups carry schedules, records and disposals.
    let items = export_all(s);
    let target = db.fresh();
    import_all(&target.store, items).unwrap();
    assert_eq!(target.store.current_schedule().unwrap().unwrap().version, 1);
    assert_eq!(target.store.record("rec-005").unwrap().unwrap().status, "disposing");
    assert_eq!(target.store.disposal("disp-1").unwrap().unwrap().status, "task");
    assert_clean(s);
}

/// `%`, `_` and `\` typed into a location or an id match only themselves: the store
/// escapes them in every `LIKE` pattern it builds from a filter.
fn record_filters_match_wildcards_literally(db: &TestDb) {
    use steward_store::retention::HeldSets;
    use steward_store::{RecordFilter, RecordRow};
    let s = &db.store;
    let record = |id: &str, location: &str, subject: Option<&str>, others: &str| RecordRow {
        id: id.into(),
        record_type: "volunteer-file".into(),
        reference: id.to_uppercase(),
        subject_id: subject.map(String::from),
        other_subjects: others.into(),
        system_id: None,
        location: location.into(),
        storage: "external".into(),
        document_id: None,
        facts: r#"{"events":{"left":"2024-03-15"},"flags":[]}"#.into(),
        destroy_on: Some("2030-06-01".into()),
        permanent: false,
        missing: String::new(),
        rule: "2 years after left".into(),
        explanation: "2 years after leaving".into(),
        schedule_version: 1,
        status: "kept".into(),
        created_at: at(1, 9),
        created_by: "cli".into(),
        updated_at: at(1, 9),
        destroyed_on: None,
    };
    let rows = vec![
        record("rec-1", "Cabinet 3", Some("subj-a"), ""),
        record("rec-2", "Shelf 50% full", None, "subj-a,subj-b"),
        record("rec-3", "Room_A", None, "subjXb"),
        record("rec-4", "Back\\office", None, ""),
    ];
    s.insert_records(&rows, &[event("record.import", "record", "")]).unwrap();
    let ids = |f: RecordFilter| -> Vec<String> {
        let (found, total) = s.records(&RecordFilter { limit: 50, ..f }).unwrap();
        assert_eq!(usize::try_from(total).unwrap(), found.len());
        found.into_iter().map(|r| r.id).collect()
    };
    let at_location = |l: &str| ids(RecordFilter { location: Some(l.into()), ..Default::default() });
    assert_eq!(at_location("%"), ["rec-2"], "% matches only a percent sign");
    assert_eq!(at_location("_"), ["rec-3"], "_ matches only an underscore");
    assert_eq!(at_location("\\"), ["rec-4"], "the escape character matches itself");
    assert_eq!(at_location("50% F"), ["rec-2"], "still a case-insensitive substring search");
    assert!(at_location("%%").is_empty());
    assert_eq!(at_location("cabinet"), ["rec-1"]);

    let about = |id: &str| sorted(ids(RecordFilter { subject_id: Some(id.into()), ..Default::default() }));
    assert_eq!(about("subj-a"), ["rec-1", "rec-2"]);
    assert_eq!(about("subj-b"), ["rec-2"]);
    assert!(about("%").is_empty(), "% is not every subject");
    assert!(about("subj_b").is_empty(), "_ is not any one character");

    let held = |subjects: &[&str]| {
        ids(RecordFilter {
            held: Some(HeldSets { subjects: subjects.iter().map(|s| s.to_string()).collect(), ..Default::default() }),
            ..Default::default()
        })
    };
    assert_eq!(held(&["subj-b"]), ["rec-2"]);
    assert!(held(&["subj_b", "%"]).is_empty());
    assert_clean(s);
}
