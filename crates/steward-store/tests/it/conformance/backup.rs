//! Backups: a round trip restores everything, a bad import changes nothing, an export
//! is a snapshot, and an erasure is re-applied after a restore.

use super::public::{public_event, submission};
use super::*;

on_both_backends!(
    backup_round_trip,
    backup_bad_import_changes_nothing,
    backup_export_is_a_snapshot,
    restore_then_reapply_erasure
);

// Backups

/// Fill a store with one of everything a backup carries. Returns the live subjects.
pub(super) fn populate(s: &Store) -> Vec<SubjectRow> {
    let olivia = sealed_row(&PEOPLE[0], &at(1, 9), &["tenant"]);
    let harry = sealed_row(&PEOPLE[1], &at(1, 10), &["tenant", "volunteer"]);
    let amelia = sealed_row(&PEOPLE[2], &at(1, 11), &["staff"]);
    let george = sealed_row(&PEOPLE[3], &at(1, 12), &["volunteer"]);
    insert(s, &[olivia.clone(), harry.clone(), amelia.clone(), george.clone()]);
    s.add_link(&link(&olivia, &harry, "parent_of", &at(2, 9)), &event("subject.link", "subject", &olivia.id)).unwrap();
    s.add_link(&link(&harry, &amelia, "household", &at(2, 10)), &event("subject.link", "subject", &harry.id)).unwrap();
    s.erase_subject(&tombstone_for(&george.id, &at(3, 9)), &event("subject.erase", "subject", &george.id)).unwrap();
    s.insert_token(
        &TokenRow {
            id: Uuid::new_v4().to_string(),
            name: "Housing CRM integration".into(),
            role: "integration".into(),
            token_hash: steward_crypto::token_hash("stw_fictional-token-for-tests"),
            created_at: at(4, 9),
            revoked_at: None,
            user_id: Some("user-dana".into()),
            special_category: true,
        },
        &event("token.create", "token", "crm"),
    )
    .unwrap();
    s.put_settings(
        &[("org.name", "Riverside Housing Association"), ("retention.months", "72")],
        Some(&event("settings.update", "settings", "")),
    )
    .unwrap();
    s.audit(&event("subject.view", "subject", &olivia.id)).unwrap();
    for sub in [
        submission("SR-2026-4F7K9Q", "request", &at(5, 9), "Olivia Bennett wants a copy of her file"),
        SubmissionRow {
            wrapped_key: None,
            data: None,
            status: "closed".into(),
            assigned_to: Some("user-casey".into()),
            ..submission("CP-2026-Z2B8XM", "complaint", &at(5, 10), "")
        },
    ] {
        s.insert_submission(&sub, &public_event("submission.create", &sub.id)).unwrap();
    }
    vec![olivia, harry, amelia]
}

pub(super) fn check_restored(source: &Store, target: &Store, live: &[SubjectRow]) {
    let want = snapshot(source);
    assert_eq!(snapshot(target), want);
    assert!(!want.subjects.is_empty() && !want.tombstones.is_empty() && !want.tokens.is_empty());
    assert!(want.submissions.iter().any(|s| s.data.is_some()) && want.submissions.iter().any(|s| s.data.is_none()));
    for r in live {
        assert_eq!(found(target, &r.id), *r);
        for h in &r.index_hashes {
            let ids = target.find_by_index(h, 10).unwrap();
            assert!(ids.contains(&r.id), "index look-up works after restore");
            assert_eq!(ids, source.find_by_index(h, 10).unwrap());
        }
    }
    for t in &want.tombstones {
        match target.subject(&t.subject_id).unwrap() {
            SubjectLookup::Erased(got) => assert_eq!(got, *t),
            other => panic!("restored tombstone should read as Erased, got {other:?}"),
        }
    }
    assert_eq!(target.audit_head().unwrap(), source.audit_head().unwrap());
    assert_clean(target);
    // The restored chain keeps growing from where it was.
    let rec = target.audit(&event("backup.restore", "backup", "")).unwrap();
    assert_eq!(rec.seq, want.audit_head.0 + 1);
    assert_eq!(rec.prev_hash, want.audit_head.1);
    assert_clean(target);
}

fn backup_round_trip(db: &TestDb) {
    let s = &db.store;
    let live = populate(s);
    let items = export_all(s);
    let (seq, hash) = s.audit_head().unwrap();

    match items.first() {
        Some(BackupItem::Header { format, version, schema_version, audit_seq, audit_hash, .. }) => {
            assert_eq!(format, steward_store::backup::FORMAT);
            assert_eq!(*version, steward_store::backup::FORMAT_VERSION);
            assert_eq!(*schema_version, schema::latest_version());
            assert_eq!((*audit_seq, audit_hash.clone()), (seq, hash));
        }
        other => panic!("the first item must be a header, got {other:?}"),
    }
    match items.last() {
        Some(BackupItem::End { lines }) => assert_eq!(*lines, items.len() as u64 - 1),
        other => panic!("the last item must be the end marker, got {other:?}"),
    }
    let audit_items = items.iter().filter(|i| matches!(i, BackupItem::Audit(_))).count() as i64;
    assert_eq!(audit_items, seq);

    // Through the on-disk form (JSON lines) and back.
    let text: Vec<String> = items.iter().map(|i| serde_json::to_string(i).unwrap()).collect();
    let parsed: Vec<BackupItem> = text.iter().map(|l| serde_json::from_str(l).unwrap()).collect();

    let target = db.fresh();
    let summary = import_all(&target.store, parsed.clone()).unwrap();
    assert_eq!(summary.subjects, live.len() as u64);
    assert_eq!(summary.tombstones, 1);
    assert_eq!(summary.submissions, 2);
    assert_eq!(items.iter().filter(|i| matches!(i, BackupItem::Submission { .. })).count(), 2);
    assert_eq!(summary.audit_entries, seq as u64);
    check_restored(s, &target.store, &live);

    // A PostgreSQL backup also restores into SQLite.
    if s.kind() == BackendKind::Postgres {
        let lite = TestDb::open(Database::sqlite());
        import_all(&lite.store, parsed).unwrap();
        check_restored(s, &lite.store, &live);
    }
    // Exporting did not change the source.
    assert_eq!(s.audit_head().unwrap().0, seq);
}

fn backup_bad_import_changes_nothing(db: &TestDb) {
    let source = db.fresh();
    populate(&source.store);
    let items = export_all(&source.store);

    // The target already holds other data.
    let s = &db.store;
    let isla = sealed_row(&PEOPLE[4], &at(5, 9), &["staff"]);
    insert(s, std::slice::from_ref(&isla));
    s.put_settings(&[("org.name", "Northgate Community Trust")], None).unwrap();
    s.audit(&event("auth.login", "user", "7a1d")).unwrap();
    let before = snapshot(s);

    let attempts: Vec<(&str, Vec<BackupItem>)> = vec![
        ("truncated (no end marker)", items[..items.len() - 1].to_vec()),
        (
            "a line missing in the middle",
            items.iter().enumerate().filter(|(i, _)| *i != items.len() / 2).map(|(_, it)| it.clone()).collect(),
        ),
        ("no header", items[1..].to_vec()),
        ("empty", Vec::new()),
        ("data after the end marker", {
            let mut v = items.clone();
            v.push(BackupItem::Setting { key: "org.name".into(), value: "Injected".into() });
            v
        }),
    ];
    for (what, attempt) in attempts {
        match import_all(s, attempt) {
            Err(StoreError::BadBackup(_)) => {}
            other => panic!("importing a backup that is {what} must be BadBackup, got {other:?}"),
        }
        assert_eq!(snapshot(s), before, "a refused import ({what}) leaves the database as it was");
        assert_eq!(found(s, &isla.id), isla);
        assert_eq!(s.find_by_index(&email_hash(PEOPLE[4].email), 10).unwrap(), vec![isla.id.clone()]);
        assert_clean(s);
    }

    // A failing item source also changes nothing.
    let mut failing = items
        .iter()
        .take(5)
        .cloned()
        .map(Ok)
        .chain(std::iter::once(Err(StoreError::BadBackup("line 6 is not JSON".into()))));
    match s.import(&mut failing) {
        Err(StoreError::BadBackup(_)) => {}
        other => panic!("a read error must abort the import, got {other:?}"),
    }
    assert_eq!(snapshot(s), before);

    // The intact backup still imports.
    import_all(s, items).unwrap();
    assert_eq!(snapshot(s), snapshot(&source.store));
    assert!(matches!(s.subject(&isla.id).unwrap(), SubjectLookup::NotFound));
}

fn backup_export_is_a_snapshot(db: &TestDb) {
    let s = &db.store;
    populate(s);
    let (seq, _) = s.audit_head().unwrap();
    let late = sealed_row(&PEOPLE[4], &at(6, 9), &["staff"]);
    let mut items = Vec::new();
    s.export(&steward_core::audit::format_time(jiff::Timestamp::now()), &mut |item| {
        if matches!(item, BackupItem::Header { .. }) {
            // Another writer commits while the export is running.
            insert(s, std::slice::from_ref(&late));
            s.audit(&event("subject.view", "subject", &late.id)).unwrap();
        }
        items.push(item);
        Ok(())
    })
    .unwrap();
    assert_eq!(head_seq(s), seq + 2, "the concurrent writes committed");
    let audit_items = items.iter().filter(|i| matches!(i, BackupItem::Audit(_))).count() as i64;
    assert_eq!(audit_items, seq, "the export holds exactly the audit entries its header announces");
    assert!(
        !items.iter().any(|i| matches!(i, BackupItem::Subject { id, .. } if *id == late.id)),
        "a subject created after the export began is not in it"
    );
    let target = db.fresh();
    import_all(&target.store, items).unwrap();
    assert_eq!(target.store.audit_head().unwrap().0, seq);
    assert_clean(&target.store);
}

fn restore_then_reapply_erasure(db: &TestDb) {
    let s = &db.store;
    let live = populate(s);
    let items = export_all(s);
    // Olivia is erased after the backup was taken…
    let t = tombstone_for(&live[0].id, &at(7, 9));
    s.erase_subject(&t, &event("subject.erase", "subject", &live[0].id)).unwrap();

    // …the backup is restored, so her sealed row comes back until the erasure is re-applied.
    let target = db.fresh();
    import_all(&target.store, items).unwrap();
    assert_eq!(found(&target.store, &live[0].id), live[0]);
    let ev = event("subject.erase", "subject", &live[0].id);
    assert!(target.store.reapply_erasure(&t, &ev).unwrap());
    assert!(!target.store.reapply_erasure(&t, &ev).unwrap());
    match target.store.subject(&live[0].id).unwrap() {
        SubjectLookup::Erased(got) => assert_eq!(got, t),
        other => panic!("expected Erased after re-applying, got {other:?}"),
    }
    assert!(target.store.find_by_index(&email_hash(PEOPLE[0].email), 10).unwrap().is_empty());
    assert!(target.store.links_of(&live[1].id).unwrap().iter().all(|l| l.from_id != live[0].id));
    assert_eq!(target.store.category_counts().unwrap(), s.category_counts().unwrap());
    assert_clean(&target.store);
}
