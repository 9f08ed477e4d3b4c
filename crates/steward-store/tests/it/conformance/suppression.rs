//! The suppression list: add many at once (first entry kept), look up, erasure keeps
//! entries, backups carry them.

use super::backup::populate;
use super::*;

on_both_backends!(suppressions);

// Suppression list: add many at once (first entry kept), look up, erasure keeps
// entries, backups carry them

fn suppression_row(email: &str, added_on: &str, request_id: Option<&str>) -> steward_store::SuppressionRow {
    steward_store::SuppressionRow {
        hash: keyring().blind_index("suppression email", email).to_vec(),
        kind: "email".into(),
        added_on: added_on.into(),
        request_id: request_id.map(str::to_string),
        reason: "objection_granted".into(),
    }
}

fn suppressions(db: &TestDb) {
    let s = &db.store;
    let live = populate(s);
    let a = suppression_row(PEOPLE[0].email, "2026-01-05", Some("req-1"));
    let b = suppression_row(PEOPLE[1].email, "2026-01-05", None);
    let before = head_seq(s);
    assert_eq!(s.add_suppressions(&[a.clone(), b.clone()], &event("suppression.add", "suppression", "")).unwrap(), 2);
    assert_eq!(head_seq(s), before + 1, "one audit entry for the batch");
    assert_eq!(s.suppression(&a.hash).unwrap(), Some(a.clone()));
    assert_eq!(s.suppression(&keyring().blind_index("suppression email", "nobody@example.org")).unwrap(), None);
    // Adding again keeps the first entry and its date.
    let again = suppression_row(PEOPLE[0].email, "2026-02-01", None);
    assert_eq!(s.add_suppressions(&[again], &event("suppression.add", "suppression", "")).unwrap(), 0);
    assert_eq!(s.suppression(&a.hash).unwrap().unwrap().added_on, "2026-01-05");
    // Erasing a subject leaves the list alone.
    s.erase_subject(&tombstone_for(&live[0].id, &at(20, 9)), &event("subject.erase", "subject", &live[0].id)).unwrap();
    assert_eq!(s.suppressions().unwrap().len(), 2);
    // The raw table holds no plaintext.
    let mut raw = db.raw();
    assert_eq!(raw.count("SELECT COUNT(*) FROM suppressions"), 2);
    assert_eq!(raw.count("SELECT COUNT(*) FROM suppressions WHERE kind = 'email' AND reason = 'objection_granted'"), 2);
    // Backups carry the list, and a restore replaces it.
    let items = export_all(s);
    assert_eq!(items.iter().filter(|i| matches!(i, BackupItem::Suppression(_))).count(), 2);
    let target = db.fresh();
    target
        .store
        .add_suppressions(
            &[suppression_row("other@example.org", "2025-01-01", None)],
            &event("suppression.add", "suppression", ""),
        )
        .unwrap();
    let text: Vec<String> = items.iter().map(|i| serde_json::to_string(i).unwrap()).collect();
    assert!(text.iter().all(|l| !l.contains(PEOPLE[0].email)));
    let parsed: Vec<BackupItem> = text.iter().map(|l| serde_json::from_str(l).unwrap()).collect();
    import_all(&target.store, parsed).unwrap();
    assert_eq!(target.store.suppressions().unwrap(), s.suppressions().unwrap());
}
