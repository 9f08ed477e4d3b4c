//! Searches of files run from a request (schema version 11): a scan goes in with its
//! search-log entry, its documents and an audit entry in one transaction (or not at
//! all); scans and documents are listed in order, with and without their sealed content;
//! a reviewer's choices are saved; backups carry them; erasure of the subject deletes
//! them and leaves everyone else's.

use super::requests::{insert_request, request_row};
use super::*;
use steward_store::{ScanDocumentRow, ScanRow, SearchRow};

on_both_backends!(
    scans_insert_and_list,
    scan_for_an_unknown_request_writes_nothing,
    scan_document_review,
    scans_in_backups,
    scans_erased_with_their_subject,
);

/// `plain` sealed as the application layer seals it (under a data key of its own here).
fn sealed(aad: &str, plain: &str) -> Vec<u8> {
    DataKey::generate().expect("data key").seal(aad.as_bytes(), plain.as_bytes()).expect("seal")
}

/// The search-log entry a scan of `files` for request `q` writes.
fn scan_search(q: &RequestRow, searched_on: &str, hits: i64) -> SearchRow {
    SearchRow {
        id: Uuid::now_v7().to_string(),
        request_id: q.id.clone(),
        system: "Shared drive (files searched)".into(),
        searched_on: searched_on.into(),
        searched_by: "user:0190a2b4-case".into(),
        terms: sealed(&q.id, "name, email, postcode"),
        hits,
        processor: false,
        answer: sealed(&q.id, ""),
        system_id: None,
    }
}

/// A scan for request `q` about `subject` (no hits counted yet).
fn scan_row(q: &RequestRow, subject: &str, search: &SearchRow, created_at: &str) -> ScanRow {
    ScanRow {
        id: Uuid::now_v7().to_string(),
        request_id: q.id.clone(),
        subject_id: subject.to_string(),
        search_id: search.id.clone(),
        created_at: created_at.to_string(),
        created_by: "user:0190a2b4-case".into(),
        documents: 12,
        bytes: 48_213,
        skipped: 1,
        subject_hits: 0,
        third_party: 3,
        meta: sealed(subject, r#"{"files":["tenancy-2025.mbox","repairs.docx"],"skipped":["photo.heic"]}"#),
    }
}

/// Document `position` of scan `scan_id`, undecided and not in the pack.
fn document(scan_id: &str, q: &RequestRow, subject: &str, position: i64, hits: i64, proposals: i64) -> ScanDocumentRow {
    ScanDocumentRow {
        id: Uuid::now_v7().to_string(),
        scan_id: scan_id.to_string(),
        request_id: q.id.clone(),
        subject_id: subject.to_string(),
        position,
        hits,
        proposals,
        included: false,
        decisions: "?".repeat(usize::try_from(proposals).expect("a count")),
        decided_by: None,
        decided_at: None,
        data: sealed(subject, &format!("repairs.docx#{position}: Dear Ms Bennett, the damp in the bathroom…")),
    }
}

/// A scan with its documents (positions 1..=n), ready to insert for `q` about `subject`.
fn a_scan(q: &RequestRow, subject: &str, created_at: &str, n: i64) -> (SearchRow, ScanRow, Vec<ScanDocumentRow>) {
    let search = scan_search(q, &created_at[..10], n * 2);
    let mut scan = scan_row(q, subject, &search, created_at);
    let docs: Vec<ScanDocumentRow> = (1..=n).map(|p| document(&scan.id, q, subject, p, 2, p - 1)).collect();
    scan.subject_hits = docs.iter().map(|d| d.hits).sum();
    (search, scan, docs)
}

fn scan_event(q: &RequestRow) -> AuditEvent {
    event("request.scan", "request", &q.id)
}

/// The document as a list without its sealed content shows it.
fn state_of(d: &ScanDocumentRow) -> ScanDocumentRow {
    ScanDocumentRow { data: Vec::new(), ..d.clone() }
}

/// Two people, each with a request; the first with two scans (out of order), the second
/// with one. Returns the subjects, the requests and the scans with their documents.
#[allow(clippy::type_complexity)]
fn two_people_scanned(
    s: &Store,
) -> (Vec<SubjectRow>, Vec<RequestRow>, Vec<(SearchRow, ScanRow, Vec<ScanDocumentRow>)>) {
    let people = vec![sealed_row(&PEOPLE[0], &at(1, 9), &["tenant"]), sealed_row(&PEOPLE[2], &at(1, 10), &["tenant"])];
    insert(s, &people);
    let q1 = insert_request(s, &request_row(&at(2, 9), "2026-03-02", "2026-04-02", Some(&people[0].id)));
    let q2 = insert_request(s, &request_row(&at(3, 9), "2026-03-03", "2026-04-03", Some(&people[1].id)));
    let later = a_scan(&q1, &people[0].id, &at(6, 11), 1);
    let sooner = a_scan(&q1, &people[0].id, &at(5, 14), 3);
    let theirs = a_scan(&q2, &people[1].id, &at(5, 15), 2);
    for (search, scan, docs) in [&later, &sooner, &theirs] {
        let q = if scan.request_id == q1.id { &q1 } else { &q2 };
        let mut docs = docs.clone();
        docs.reverse(); // out of order in, in order out
        s.insert_request_scan(search, scan, &docs, &scan_event(q)).unwrap();
    }
    (people, vec![q1, q2], vec![later, sooner, theirs])
}

fn scans_insert_and_list(db: &TestDb) {
    let s = &db.store;
    let head0 = head_seq(s);
    let (_, qs, scans) = two_people_scanned(s);
    let [(later_search, later, later_docs), (sooner_search, sooner, sooner_docs), (_, theirs, theirs_docs)] =
        &scans[..]
    else {
        unreachable!()
    };
    assert_eq!(head_seq(s), head0 + 2 + 2 + 3, "two subjects, two requests, one entry per scan");

    // Scans of a request, oldest first; each found only under its own request.
    assert_eq!(s.request_scans(&qs[0].id).unwrap(), vec![sooner.clone(), later.clone()]);
    assert_eq!(s.request_scans(&qs[1].id).unwrap(), vec![theirs.clone()]);
    assert_eq!(s.request_scan(&qs[0].id, &sooner.id).unwrap().as_ref(), Some(sooner));
    assert_eq!(s.request_scan(&qs[1].id, &sooner.id).unwrap(), None, "a scan is found only under its request");
    assert_eq!(s.request_scan(&qs[0].id, "no-such-scan").unwrap(), None);
    assert!(s.request_scans("no-such-request").unwrap().is_empty());

    // Documents in order, byte for byte; states without the sealed content.
    assert_eq!(&s.scan_documents(&sooner.id).unwrap(), sooner_docs);
    assert_eq!(&s.scan_documents(&later.id).unwrap(), later_docs);
    assert_eq!(&s.scan_documents(&theirs.id).unwrap(), theirs_docs);
    let states = s.scan_document_states(&sooner.id).unwrap();
    assert_eq!(states, sooner_docs.iter().map(state_of).collect::<Vec<_>>());
    assert!(states.iter().all(|d| d.data.is_empty()));
    let positions: Vec<i64> = states.iter().map(|d| d.position).collect();
    assert_eq!(positions, [1, 2, 3]);
    assert_eq!(s.scan_document(&sooner.id, &sooner_docs[1].id).unwrap().as_ref(), Some(&sooner_docs[1]));
    assert_eq!(s.scan_document(&later.id, &sooner_docs[1].id).unwrap(), None, "found only under its scan");
    assert!(s.scan_documents("no-such-scan").unwrap().is_empty());

    // Each scan's search-log entry went in with it.
    let searches = s.request_searches(&qs[0].id).unwrap();
    assert_eq!(searches.len(), 2);
    assert!(searches.contains(later_search) && searches.contains(sooner_search));

    // Nothing is in the pack until a reviewer includes it.
    assert!(s.included_scan_documents(&qs[0].id).unwrap().is_empty());

    // A scan whose id is taken fails whole: no second search entry, no audit entry.
    let head = head_seq(s);
    let (search, _, docs) = a_scan(&qs[0], &sooner.subject_id, &at(7, 9), 1);
    let clash = ScanRow { id: sooner.id.clone(), search_id: search.id.clone(), ..sooner.clone() };
    assert!(s.insert_request_scan(&search, &clash, &docs, &scan_event(&qs[0])).is_err());
    assert_eq!(head_seq(s), head);
    assert_eq!(s.request_searches(&qs[0].id).unwrap().len(), 2);
    let orphans = format!("SELECT COUNT(*) FROM request_scan_documents WHERE id = '{}'", docs[0].id);
    assert_eq!(db.raw().count(&orphans), 0, "no document of the failed scan");
    assert_clean(s);
}

fn scan_for_an_unknown_request_writes_nothing(db: &TestDb) {
    let s = &db.store;
    let person = sealed_row(&PEOPLE[3], &at(1, 9), &["tenant"]);
    insert(s, std::slice::from_ref(&person));
    let ghost = request_row(&at(2, 9), "2026-03-02", "2026-04-02", Some(&person.id));
    let (search, scan, docs) = a_scan(&ghost, &person.id, &at(3, 9), 2);
    let head = head_seq(s);
    match s.insert_request_scan(&search, &scan, &docs, &scan_event(&ghost)) {
        Err(StoreError::NotFound(what)) => assert!(what.contains(&ghost.id), "{what}"),
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert_eq!(head_seq(s), head, "no audit entry");
    assert!(s.request_searches(&ghost.id).unwrap().is_empty(), "no search-log entry");
    assert!(s.request_scans(&ghost.id).unwrap().is_empty());
    assert!(s.scan_documents(&scan.id).unwrap().is_empty());
    let mut raw = db.raw();
    assert_eq!(raw.count("SELECT COUNT(*) FROM request_scans"), 0);
    assert_eq!(raw.count("SELECT COUNT(*) FROM request_scan_documents"), 0);
    assert_clean(s);
}

fn scan_document_review(db: &TestDb) {
    let s = &db.store;
    let (_, qs, scans) = two_people_scanned(s);
    let (_, sooner, docs) = &scans[1];
    let (_, theirs, theirs_docs) = &scans[2];

    // Include the third document, redact one proposal and disclose the other.
    let head = head_seq(s);
    let reviewed = ScanDocumentRow {
        included: true,
        decisions: "ar".into(),
        decided_by: Some("user:0190a2b4-dpo".into()),
        decided_at: Some(at(8, 10)),
        ..docs[2].clone()
    };
    s.update_scan_document(&reviewed, &event("request.scan_review", "request", &qs[0].id)).unwrap();
    assert_eq!(head_seq(s), head + 1);
    assert_eq!(s.scan_document(&sooner.id, &reviewed.id).unwrap().as_ref(), Some(&reviewed));
    // Only the choices change: the sealed content, counts and position stay.
    let changed: Vec<ScanDocumentRow> = s.scan_documents(&sooner.id).unwrap();
    assert_eq!(changed, vec![docs[0].clone(), docs[1].clone(), reviewed.clone()]);
    // A document with changes to its content is saved with its choices only.
    let meddled = ScanDocumentRow { data: vec![0; 4], hits: 99, position: 7, included: false, ..reviewed.clone() };
    s.update_scan_document(&meddled, &event("request.scan_review", "request", &qs[0].id)).unwrap();
    let back = s.scan_document(&sooner.id, &reviewed.id).unwrap().unwrap();
    assert_eq!(back, ScanDocumentRow { included: false, ..reviewed.clone() });
    s.update_scan_document(&reviewed, &event("request.scan_review", "request", &qs[0].id)).unwrap();

    // The first document too, and the other person's second: each request's pack gets
    // its own, by scan and position.
    let first = ScanDocumentRow { included: true, decided_by: Some("user:0190a2b4-dpo".into()), ..docs[0].clone() };
    s.update_scan_document(&first, &event("request.scan_review", "request", &qs[0].id)).unwrap();
    let other = ScanDocumentRow { included: true, decisions: "a".into(), ..theirs_docs[1].clone() };
    s.update_scan_document(&other, &event("request.scan_review", "request", &qs[1].id)).unwrap();
    assert_eq!(s.included_scan_documents(&qs[0].id).unwrap(), vec![first.clone(), reviewed.clone()]);
    assert_eq!(s.included_scan_documents(&qs[1].id).unwrap(), vec![other.clone()]);
    let states = s.scan_document_states(&theirs.id).unwrap();
    assert_eq!((states[0].included, states[1].included), (false, true));

    // An unknown document, or a document under another scan, is not found: no audit entry.
    let head = head_seq(s);
    for missing in [
        ScanDocumentRow { id: "no-such-document".into(), ..first.clone() },
        ScanDocumentRow { scan_id: theirs.id.clone(), ..first.clone() },
    ] {
        let err = s.update_scan_document(&missing, &event("request.scan_review", "request", &qs[0].id));
        assert!(matches!(err, Err(StoreError::NotFound(_))), "{err:?}");
    }
    assert_eq!(head_seq(s), head);
    assert_eq!(s.scan_document(&theirs.id, &theirs_docs[0].id).unwrap().as_ref(), Some(&theirs_docs[0]));
    assert_clean(s);
}

fn scans_in_backups(db: &TestDb) {
    let s = &db.store;
    let (_, qs, scans) = two_people_scanned(s);
    let (_, sooner, docs) = &scans[1];
    let reviewed = ScanDocumentRow { included: true, decisions: "a".into(), ..docs[1].clone() };
    s.update_scan_document(&reviewed, &event("request.scan_review", "request", &qs[0].id)).unwrap();

    let items = export_all(s);
    let count = |f: fn(&BackupItem) -> bool| items.iter().filter(|i| f(i)).count();
    assert_eq!(count(|i| matches!(i, BackupItem::RequestScan(_))), 3);
    assert_eq!(count(|i| matches!(i, BackupItem::RequestScanDocument(_))), 6);
    let text: Vec<String> = items.iter().map(|i| serde_json::to_string(i).unwrap()).collect();
    let parsed: Vec<BackupItem> = text.iter().map(|l| serde_json::from_str(l).unwrap()).collect();
    let target = db.fresh();
    import_all(&target.store, parsed).unwrap();
    for q in &qs {
        let scans = s.request_scans(&q.id).unwrap();
        assert_eq!(target.store.request_scans(&q.id).unwrap(), scans);
        for scan in &scans {
            assert_eq!(target.store.scan_documents(&scan.id).unwrap(), s.scan_documents(&scan.id).unwrap());
        }
        assert_eq!(target.store.included_scan_documents(&q.id).unwrap(), s.included_scan_documents(&q.id).unwrap());
        assert_eq!(target.store.request_searches(&q.id).unwrap(), s.request_searches(&q.id).unwrap());
    }
    assert_eq!(target.store.scan_document(&sooner.id, &reviewed.id).unwrap(), Some(reviewed));
    assert_eq!(target.store.audit_head().unwrap(), s.audit_head().unwrap());
    assert_clean(&target.store);
}

fn scans_erased_with_their_subject(db: &TestDb) {
    let s = &db.store;
    let (people, qs, scans) = two_people_scanned(s);
    let (_, theirs, theirs_docs) = &scans[2];
    let included = ScanDocumentRow { included: true, ..scans[1].2[0].clone() };
    s.update_scan_document(&included, &event("request.scan_review", "request", &qs[0].id)).unwrap();

    let olivia = &people[0].id;
    s.erase_subject(&tombstone_for(olivia, &at(9, 9)), &event("subject.erase", "subject", olivia)).unwrap();
    assert!(s.request_scans(&qs[0].id).unwrap().is_empty());
    for (_, scan, docs) in &scans[..2] {
        assert!(s.request_scan(&qs[0].id, &scan.id).unwrap().is_none());
        assert!(s.scan_documents(&scan.id).unwrap().is_empty());
        assert!(s.scan_document(&scan.id, &docs[0].id).unwrap().is_none());
    }
    assert!(s.included_scan_documents(&qs[0].id).unwrap().is_empty());
    let mut raw = db.raw();
    for table in ["request_scans", "request_scan_documents"] {
        let n = raw.count(&format!("SELECT COUNT(*) FROM {table} WHERE subject_id = '{olivia}'"));
        assert_eq!(n, 0, "{table} keeps rows of an erased subject");
    }
    // Amelia's scan is untouched.
    assert_eq!(s.request_scans(&qs[1].id).unwrap(), vec![theirs.clone()]);
    assert_eq!(&s.scan_documents(&theirs.id).unwrap(), theirs_docs);
    // A backup made after the erasure holds none of Olivia's.
    let items = export_all(s);
    let scans_left: Vec<&ScanRow> = items
        .iter()
        .filter_map(|i| match i {
            BackupItem::RequestScan(r) => Some(&**r),
            _ => None,
        })
        .collect();
    assert_eq!(scans_left, vec![theirs]);
    assert!(items.iter().all(|i| !matches!(i, BackupItem::RequestScanDocument(d) if d.subject_id == *olivia)));
    assert_clean(s);
}
