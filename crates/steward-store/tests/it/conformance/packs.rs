//! Case notes, documents and response packs.

use super::requests::{insert_request, request_row};
use super::*;

on_both_backends!(notes_documents_and_packs);

// Case notes, documents and response packs

/// Case notes, documents, pack decisions and built packs (schema version 8): stored per
/// subject, refused for unknown or erased subjects, read back in order, carried by
/// backups, and deleted by erasure.
fn notes_documents_and_packs(db: &TestDb) {
    use steward_store::{DocumentRow, NoteRow, PackItemRow, PackRow};
    let s = &db.store;
    let jane = sealed_row(&PEOPLE[0], &at(1, 9), &["tenant"]);
    let other = sealed_row(&PEOPLE[1], &at(1, 10), &["tenant"]);
    insert(s, &[jane.clone(), other.clone()]);
    let note = |id: &str, subject: &str, day: u32| NoteRow {
        id: id.into(),
        subject_id: subject.into(),
        category: "case_note".into(),
        created_at: at(day, 9),
        created_by: "user:1".into(),
        data: vec![1, 2, 3, day as u8],
    };
    let doc = |id: &str, subject: &str| DocumentRow {
        id: id.into(),
        subject_id: subject.into(),
        created_at: at(2, 9),
        created_by: "user:1".into(),
        size: 3,
        meta: vec![9, 9],
        content: vec![7; 3],
    };
    // Out of order in, in order out; other subjects' notes stay theirs.
    s.insert_notes(
        &[note("n2", &jane.id, 3), note("n1", &jane.id, 2)],
        &[event("subject.note_add", "subject", &jane.id)],
    )
    .unwrap();
    s.insert_notes(&[note("n3", &other.id, 2)], &[]).unwrap();
    let ids: Vec<String> = s.notes_of(&jane.id).unwrap().into_iter().map(|n| n.id).collect();
    assert_eq!(ids, ["n1", "n2"]);
    // Unknown subjects are refused, and nothing is half-written.
    let before = head_seq(s);
    let err = s.insert_notes(&[note("n9", "nobody", 2)], &[event("subject.note_add", "subject", "nobody")]);
    assert!(matches!(err, Err(StoreError::NotFound(_))), "{err:?}");
    assert_eq!(head_seq(s), before);
    // A duplicate id fails the whole batch.
    assert!(s.insert_notes(&[note("n4", &jane.id, 4), note("n1", &jane.id, 4)], &[]).is_err());
    assert_eq!(s.notes_of(&jane.id).unwrap().len(), 2);
    s.insert_documents(&[doc("d1", &jane.id)], &[event("subject.document_add", "subject", &jane.id)]).unwrap();
    let listed = s.documents_of(&jane.id).unwrap();
    assert_eq!((listed.len(), listed[0].content.is_empty(), listed[0].meta.clone()), (1, true, vec![9, 9]));
    assert_eq!(s.document(&jane.id, "d1").unwrap().unwrap().content, vec![7; 3]);
    assert!(s.document(&other.id, "d1").unwrap().is_none(), "a document is found only under its subject");
    // A request about Jane, its review decision and a pack.
    let q = request_row(&at(4, 9), "2026-03-04", "2026-04-04", Some(&jane.id));
    let q = insert_request(s, &q);
    let item = PackItemRow {
        request_id: q.id.clone(),
        item_key: "note:n1".into(),
        subject_id: jane.id.clone(),
        treatment: "withheld".into(),
        exemption: "third_party".into(),
        fields: String::new(),
        note: vec![5],
        decided_by: "user:1".into(),
        decided_at: at(5, 9),
    };
    s.set_pack_item(&item, &event("request.pack_item_set", "request", &q.id)).unwrap();
    let changed = PackItemRow { treatment: "partly_withheld".into(), fields: "text".into(), ..item.clone() };
    s.set_pack_item(&changed, &event("request.pack_item_set", "request", &q.id)).unwrap();
    assert_eq!(s.pack_items(&q.id).unwrap(), vec![changed.clone()], "a second decision replaces the first");
    let pack = PackRow {
        id: "p1".into(),
        request_id: q.id.clone(),
        subject_id: jane.id.clone(),
        created_at: at(6, 9),
        created_by: "user:1".into(),
        sha256: "ab".repeat(32),
        bytes: 4,
        items: 5,
        data: vec![4; 4],
    };
    s.insert_pack(&pack, &event("request.pack_build", "request", &q.id)).unwrap();
    let listed = s.packs_of(&q.id).unwrap();
    assert_eq!((listed.len(), listed[0].data.is_empty(), listed[0].items), (1, true, 5));
    assert_eq!(s.pack(&q.id, "p1").unwrap().unwrap(), pack);
    let records = s.subject_records(&jane.id).unwrap();
    assert_eq!((records.notes.len(), records.documents.len(), records.requests.len()), (2, 1, 1));
    assert_eq!(records.documents[0].content, vec![7; 3]);
    // Backups carry all four tables, and restore them on a fresh database.
    let items = export_all(s);
    let count = |f: fn(&BackupItem) -> bool| items.iter().filter(|i| f(i)).count();
    assert_eq!(count(|i| matches!(i, BackupItem::SubjectNote(_))), 3);
    assert_eq!(count(|i| matches!(i, BackupItem::SubjectDocument(_))), 1);
    assert_eq!(count(|i| matches!(i, BackupItem::PackItem(_))), 1);
    assert_eq!(count(|i| matches!(i, BackupItem::ResponsePack(_))), 1);
    let text: Vec<String> = items.iter().map(|i| serde_json::to_string(i).unwrap()).collect();
    let parsed: Vec<BackupItem> = text.iter().map(|l| serde_json::from_str(l).unwrap()).collect();
    let target = db.fresh();
    import_all(&target.store, parsed).unwrap();
    assert_eq!(target.store.notes_of(&jane.id).unwrap(), s.notes_of(&jane.id).unwrap());
    assert_eq!(target.store.document(&jane.id, "d1").unwrap(), s.document(&jane.id, "d1").unwrap());
    assert_eq!(target.store.pack_items(&q.id).unwrap(), vec![changed]);
    assert_eq!(target.store.pack(&q.id, "p1").unwrap().unwrap(), pack);
    // Erasure deletes every row about Jane and leaves John's.
    s.erase_subject(&tombstone_for(&jane.id, &at(7, 9)), &event("subject.erase", "subject", &jane.id)).unwrap();
    assert!(s.notes_of(&jane.id).unwrap().is_empty());
    assert!(s.documents_of(&jane.id).unwrap().is_empty());
    assert!(s.pack_items(&q.id).unwrap().is_empty());
    assert!(s.packs_of(&q.id).unwrap().is_empty());
    assert_eq!(s.notes_of(&other.id).unwrap().len(), 1);
    let mut raw = db.raw();
    for table in ["subject_notes", "subject_documents", "request_pack_items", "response_packs"] {
        let n = raw.count(&format!("SELECT COUNT(*) FROM {table} WHERE subject_id = '{}'", jane.id));
        assert_eq!(n, 0, "{table} keeps rows of an erased subject");
    }
    // Nothing more can be added for an erased subject.
    let err = s.insert_notes(&[note("n8", &jane.id, 8)], &[]);
    assert!(matches!(err, Err(StoreError::Gone(_))), "{err:?}");
    let err = s.insert_pack(&PackRow { id: "p2".into(), ..pack }, &event("request.pack_build", "request", &q.id));
    assert!(matches!(err, Err(StoreError::Gone(_))), "{err:?}");
}
