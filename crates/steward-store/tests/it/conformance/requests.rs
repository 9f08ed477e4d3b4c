//! Rights requests: insert and read, references, events (stale ones refused), lists
//! and filters, requests about erased subjects, backups, checklist steps and the
//! search log, and the facts the board's statistics read.

use super::backup::{check_restored, populate};
use super::*;

on_both_backends!(
    requests_insert_and_read,
    request_references,
    concurrent_request_references,
    request_events,
    stale_request_event,
    list_requests,
    request_about_erased_subject,
    backup_requests_round_trip,
    backup_truncated_keeps_requests,
    request_steps_and_searches,
    request_facts
);

// Rights requests and their events

/// A request as the application layer would build it (the reference is filled in by
/// the store).
pub(super) fn request_row(created_at: &str, received_on: &str, due_on: &str, subject_id: Option<&str>) -> RequestRow {
    RequestRow {
        id: Uuid::now_v7().to_string(),
        reference: String::new(),
        kind: "access".into(),
        subject_id: subject_id.map(str::to_string),
        made_by: "subject".into(),
        channel: "email".into(),
        region: "england_wales".into(),
        received_on: received_on.into(),
        status: "open".into(),
        statutory_due_on: due_on.into(),
        policy_due_on: due_on.into(),
        due_on: due_on.into(),
        created_at: created_at.into(),
        updated_at: created_at.into(),
        assigned_to: None,
        // Sealed bytes in real use; any bytes round-trip here.
        representative: subject_id.map(|_| vec![0, 1, 2, 255]),
    }
}

pub(super) fn request_created(q: &RequestRow) -> AuditEvent {
    event("request.create", "request", &q.id)
}

/// Insert `q` and return it as stored (with its reference).
pub(super) fn insert_request(s: &Store, q: &RequestRow) -> RequestRow {
    let reference = s.insert_request(q, &request_created(q)).expect("insert request");
    RequestRow { reference, ..q.clone() }
}

pub(super) fn request_event(q: &RequestRow, seq: i64, kind: &str, on_date: &str, detail_json: &str) -> RequestEventRow {
    RequestEventRow {
        id: Uuid::now_v7().to_string(),
        request_id: q.id.clone(),
        seq,
        kind: kind.into(),
        on_date: on_date.into(),
        detail_json: detail_json.into(),
        actor: "user:3f2b9c1e".into(),
        created_at: at(10, seq as u32),
    }
}

pub(super) fn event_recorded(q: &RequestRow, seq: i64) -> AuditEvent {
    AuditEvent { detail: format!("seq={seq}"), ..event("request.event", "request", &q.id) }
}

/// `q` with a new status and due dates, as the caller recomputes them on an event.
pub(super) fn with_status(q: &RequestRow, status: &str, statutory: &str, policy: &str, updated_at: &str) -> RequestRow {
    RequestRow {
        status: status.into(),
        statutory_due_on: statutory.into(),
        policy_due_on: policy.into(),
        due_on: statutory.min(policy).into(),
        updated_at: updated_at.into(),
        ..q.clone()
    }
}

fn requests_insert_and_read(db: &TestDb) {
    let s = &db.store;
    let olivia = sealed_row(&PEOPLE[0], &at(1, 9), &["tenant"]);
    insert(s, std::slice::from_ref(&olivia));
    assert!(all_requests(s).is_empty());
    assert_eq!(s.request("no-such-id").unwrap(), None);

    let head0 = head_seq(s);
    let q = RequestRow {
        reference: "REQ-1999-999999".into(), // ignored: the store gives the reference
        kind: "erasure".into(),
        made_by: "representative".into(),
        channel: "letter".into(),
        region: "scotland".into(),
        statutory_due_on: "2026-04-02".into(),
        policy_due_on: "2026-03-31".into(),
        due_on: "2026-03-31".into(),
        updated_at: at(3, 10),
        assigned_to: Some("0190a2b4-user".into()),
        ..request_row(&at(3, 9), "2026-03-02", "", Some(&olivia.id))
    };
    let reference = s.insert_request(&q, &request_created(&q)).unwrap();
    assert_eq!(reference, "REQ-2026-000001");
    assert_eq!(head_seq(s), head0 + 1, "one audit entry with the request");
    let entries = s.audit_entries(&AuditFilter { limit: 1, ..Default::default() }).unwrap();
    assert!(entries.iter().any(|e| e.event.action == "request.create" && e.event.object_id == q.id));

    let (got, events) = s.request(&q.id).unwrap().expect("the request reads back");
    assert_eq!(got, RequestRow { reference: reference.clone(), ..q.clone() }, "field for field");
    assert!(events.is_empty());

    // A request with no subject and nobody assigned keeps its NULLs.
    let bare = request_row(&at(3, 11), "2026-03-03", "2026-04-03", None);
    let bare = insert_request(s, &bare);
    assert_eq!(s.request(&bare.id).unwrap().unwrap().0, bare);
    assert_eq!(bare.reference, "REQ-2026-000002");

    // The same id twice is refused and writes nothing, not even its audit entry.
    let head1 = head_seq(s);
    match s.insert_request(&bare, &request_created(&bare)) {
        Err(StoreError::Constraint(_)) => {}
        other => panic!("a duplicate request id must be a Constraint error, got {other:?}"),
    }
    assert_eq!(head_seq(s), head1);
    assert_eq!(all_requests(s).len(), 2);
    assert_clean(s);

    // A second store on the same database reads the same.
    assert_eq!(db.reopen().request(&q.id).unwrap().unwrap().0.reference, reference);
}

fn request_references(db: &TestDb) {
    let s = &db.store;
    let mut refs = Vec::new();
    for day in 1..=3 {
        refs.push(insert_request(s, &request_row(&at(day, 9), "2026-03-01", "2026-04-01", None)).reference);
    }
    // A new year starts again from 1; the old year carries on where it was.
    let next_year = request_row("2027-01-04T09:00:00.000000Z", "2027-01-04", "2027-02-04", None);
    refs.push(insert_request(s, &next_year).reference);
    refs.push(
        insert_request(s, &request_row("2027-01-05T09:00:00.000000Z", "2027-01-05", "2027-02-05", None)).reference,
    );
    refs.push(insert_request(s, &request_row(&at(20, 9), "2026-03-20", "2026-04-20", None)).reference);
    assert_eq!(
        refs,
        vec![
            "REQ-2026-000001",
            "REQ-2026-000002",
            "REQ-2026-000003",
            "REQ-2027-000001",
            "REQ-2027-000002",
            "REQ-2026-000004",
        ]
    );
    // Another store on the same database continues the sequence.
    let other = db.reopen();
    let q = request_row(&at(21, 9), "2026-03-21", "2026-04-21", None);
    assert_eq!(other.insert_request(&q, &request_created(&q)).unwrap(), "REQ-2026-000005");
    // Past 999999 the number simply grows a digit… not reached here; references stay unique.
    let all: Vec<String> = all_requests(s).into_iter().map(|(q, _)| q.reference).collect();
    let mut unique = all.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), all.len());
    assert_eq!(all.len(), 7);
    assert_clean(s);
}

/// Requests logged at the same time by several servers still get unique, gap-free
/// references (and nobody is told of a conflict they did not cause).
fn concurrent_request_references(db: &TestDb) {
    const THREADS: usize = 6;
    const EACH: usize = 5;
    let stores: Vec<Store> = (0..THREADS).map(|_| db.reopen()).collect();
    let mut refs: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = stores
            .iter()
            .map(|st| {
                scope.spawn(move || {
                    let mut mine = Vec::new();
                    for _ in 0..EACH {
                        let q = request_row(&at(5, 9), "2026-03-05", "2026-04-05", None);
                        loop {
                            match st.insert_request(&q, &request_created(&q)) {
                                Ok(r) => {
                                    mine.push(r);
                                    break;
                                }
                                // A busy database may refuse a transaction; the caller retries.
                                Err(StoreError::Unavailable(_)) => std::thread::yield_now(),
                                Err(e) => panic!("concurrent request insert failed: {e:?}"),
                            }
                        }
                    }
                    mine
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("thread")).collect()
    });
    refs.sort();
    let want: Vec<String> = (1..=THREADS * EACH).map(|n| format!("REQ-2026-{n:06}")).collect();
    assert_eq!(refs, want);
    assert_eq!(head_seq(&db.store), (THREADS * EACH) as i64);
    assert_clean(&db.store);
}

fn request_events(db: &TestDb) {
    let s = &db.store;
    let q = insert_request(s, &request_row(&at(2, 9), "2026-03-02", "2026-04-02", None));
    let head0 = head_seq(s);

    // Identity asked for: the clock stops.
    let e1 = request_event(&q, 1, "identity_requested", "2026-03-03", "{}");
    let u1 = with_status(&q, "awaiting_identity", "2026-04-02", "2026-04-01", &at(3, 9));
    s.append_request_event(&e1, &u1, &event_recorded(&q, 1)).unwrap();
    assert_eq!(head_seq(s), head0 + 1);
    let (got, events) = s.request(&q.id).unwrap().unwrap();
    assert_eq!(got, u1);
    assert_eq!(events, vec![e1.clone()]);

    // Identity received: the dates move on; only status, dates and updated_at change,
    // whatever else the caller's row says.
    let e2 = request_event(&q, 2, "identity_received", "2026-03-09", "{}");
    let u2 = RequestRow {
        kind: "erasure".into(),
        reference: "REQ-HIJACK".into(),
        assigned_to: Some("someone-else".into()),
        ..with_status(&q, "open", "2026-04-09", "2026-04-08", &at(9, 9))
    };
    s.append_request_event(&e2, &u2, &event_recorded(&q, 2)).unwrap();
    let (got, events) = s.request(&q.id).unwrap().unwrap();
    assert_eq!(got, with_status(&q, "open", "2026-04-09", "2026-04-08", &at(9, 9)));
    assert_eq!(events, vec![e1.clone(), e2.clone()]);

    let e3 =
        request_event(&q, 3, "decision", "2026-03-20", r#"{"outcome":"partly_granted","reason":"third-party data"}"#);
    let u3 = with_status(&q, "decided", "2026-04-09", "2026-04-08", &at(20, 9));
    s.append_request_event(&e3, &u3, &event_recorded(&q, 3)).unwrap();
    let (got, events) = s.request(&q.id).unwrap().unwrap();
    assert_eq!(got, u3);
    assert_eq!(events, vec![e1, e2, e3], "events come back in order, field for field");
    assert_eq!(head_seq(s), head0 + 3, "one audit entry per event");
    let entries = s
        .audit_entries(&AuditFilter { action: Some("request.event".into()), limit: 10, ..Default::default() })
        .unwrap();
    assert_eq!(entries.len(), 3);
    assert!(entries.iter().all(|e| e.event.object_id == q.id));

    // Listing sees the new status and due date.
    let listed =
        s.requests(&RequestFilter { status: Some("decided".into()), limit: 10, ..Default::default() }).unwrap();
    assert_eq!(listed, vec![u3.clone()]);

    // An event for an unknown request is NotFound and writes nothing.
    let ghost = request_row(&at(2, 9), "2026-03-02", "2026-04-02", None);
    match s.append_request_event(
        &request_event(&ghost, 1, "closed", "2026-03-21", "{}"),
        &ghost,
        &event_recorded(&ghost, 1),
    ) {
        Err(StoreError::NotFound(_)) => {}
        other => panic!("an event for an unknown request must be NotFound, got {other:?}"),
    }
    assert_eq!(head_seq(s), head0 + 3);
    let mut raw = db.raw();
    assert_eq!(raw.count("SELECT COUNT(*) FROM request_events"), 3);
    assert_clean(s);
}

fn stale_request_event(db: &TestDb) {
    let s = &db.store;
    let q = insert_request(s, &request_row(&at(2, 9), "2026-03-02", "2026-04-02", None));
    let e1 = request_event(&q, 1, "clarification_asked", "2026-03-03", "{}");
    let u1 = with_status(&q, "awaiting_clarification", "2026-04-02", "2026-04-01", &at(3, 9));
    s.append_request_event(&e1, &u1, &event_recorded(&q, 1)).unwrap();

    // Two people read the request (one event so far); the first records an event…
    let other = db.reopen();
    let e2 = request_event(&q, 2, "clarification_received", "2026-03-05", "{}");
    let u2 = with_status(&q, "open", "2026-04-05", "2026-04-04", &at(5, 9));
    other.append_request_event(&e2, &u2, &event_recorded(&q, 2)).unwrap();
    let before = all_requests(s);
    let head = s.audit_head().unwrap();

    // …so the second, still thinking it is event 2, is refused and changes nothing.
    let stale = request_event(&q, 2, "closed", "2026-03-06", "{}");
    let stale_update = with_status(&q, "closed", "2026-03-06", "2026-03-06", &at(6, 9));
    match s.append_request_event(&stale, &stale_update, &event_recorded(&q, 2)) {
        Err(StoreError::Conflict(_)) => {}
        other => panic!("a stale event must be a Constraint error, got {other:?}"),
    }
    // Neither may an event skip ahead or go back to the start.
    for seq in [4, 1, 0] {
        match s.append_request_event(&RequestEventRow { seq, ..stale.clone() }, &stale_update, &event_recorded(&q, seq))
        {
            Err(StoreError::Conflict(_)) => {}
            other => panic!("an event numbered {seq} after 2 must be a Constraint error, got {other:?}"),
        }
    }
    assert_eq!(all_requests(s), before, "refused events change nothing");
    assert_eq!(s.audit_head().unwrap(), head, "and audit nothing");
    let (got, events) = s.request(&q.id).unwrap().unwrap();
    assert_eq!(got, u2);
    assert_eq!(events, vec![e1, e2]);

    // Reloaded, the same change goes through as event 3.
    let e3 = RequestEventRow { seq: 3, ..stale };
    s.append_request_event(&e3, &stale_update, &event_recorded(&q, 3)).unwrap();
    assert_eq!(s.request(&q.id).unwrap().unwrap().0.status, "closed");
    assert_clean(s);
}

fn list_requests(db: &TestDb) {
    let s = &db.store;
    assert!(s.requests(&RequestFilter { limit: 10, ..Default::default() }).unwrap().is_empty());
    // Inserted out of due-date order; two share a due date (then the reference decides).
    let a = insert_request(s, &request_row(&at(1, 9), "2026-03-01", "2026-04-15", None));
    let b = insert_request(s, &request_row(&at(1, 10), "2026-03-01", "2026-04-01", None));
    let c = insert_request(s, &request_row(&at(1, 11), "2026-03-01", "2026-05-20", None));
    let d = insert_request(
        s,
        &RequestRow { status: "extended".into(), ..request_row(&at(1, 12), "2026-03-01", "2026-04-01", None) },
    );
    let e = insert_request(
        s,
        &RequestRow { status: "closed".into(), ..request_row(&at(1, 13), "2026-02-01", "2026-03-02", None) },
    );
    let f = insert_request(
        s,
        &RequestRow { status: "extended".into(), ..request_row(&at(1, 14), "2026-01-05", "2026-06-05", None) },
    );
    let list = |status: Option<&str>, due_before: Option<&str>, limit: usize| -> Vec<String> {
        s.requests(&RequestFilter {
            status: status.map(str::to_string),
            due_before: due_before.map(str::to_string),
            limit,
        })
        .unwrap()
        .into_iter()
        .map(|q| q.reference)
        .collect()
    };
    let refs = |rows: &[&RequestRow]| -> Vec<String> { rows.iter().map(|q| q.reference.clone()).collect() };

    assert_eq!(list(None, None, 100), refs(&[&e, &b, &d, &a, &c, &f]), "nearest due date first, then reference");
    assert_eq!(list(None, None, 2), refs(&[&e, &b]));
    assert_eq!(list(None, None, 0), refs(&[&e]), "a zero limit still returns one");
    assert_eq!(list(Some("open"), None, 100), refs(&[&b, &a, &c]));
    assert_eq!(list(Some("extended"), None, 100), refs(&[&d, &f]));
    assert_eq!(list(Some("responded"), None, 100), Vec::<String>::new());
    // `due_before` is strict: due on the day itself is not before it.
    assert_eq!(list(None, Some("2026-04-01"), 100), refs(&[&e]));
    assert_eq!(list(None, Some("2026-04-02"), 100), refs(&[&e, &b, &d]));
    assert_eq!(list(None, Some("2026-05-20"), 100), refs(&[&e, &b, &d, &a]));
    assert_eq!(list(Some("open"), Some("2026-05-21"), 100), refs(&[&b, &a, &c]));
    assert_eq!(list(Some("extended"), Some("2026-05-21"), 100), refs(&[&d]));
    // Filter values are parameters, not SQL.
    assert_eq!(list(Some("open' OR '1'='1"), None, 100), Vec::<String>::new());

    // An event that moves a due date moves the request in the list.
    let ev = request_event(&c, 1, "extended", "2026-03-05", r#"{"reason":"complex"}"#);
    let moved = with_status(&c, "extended", "2026-03-01", "2026-03-01", &at(5, 9));
    s.append_request_event(&ev, &moved, &event_recorded(&c, 1)).unwrap();
    assert_eq!(list(None, None, 100), refs(&[&c, &e, &b, &d, &a, &f]));
    assert_eq!(list(Some("extended"), None, 100), refs(&[&c, &d, &f]));
}

/// Requests hold only the subject's id, and the record of a request outlives the
/// subject (an erasure request must itself stay on file): erasing the subject leaves
/// its requests and their events as they were, and they can still be worked.
fn request_about_erased_subject(db: &TestDb) {
    let s = &db.store;
    let olivia = sealed_row(&PEOPLE[0], &at(1, 9), &["tenant"]);
    let harry = sealed_row(&PEOPLE[1], &at(1, 10), &["tenant"]);
    insert(s, &[olivia.clone(), harry.clone()]);
    let q = insert_request(
        s,
        &RequestRow { kind: "erasure".into(), ..request_row(&at(2, 9), "2026-03-02", "2026-04-02", Some(&olivia.id)) },
    );
    let other = insert_request(s, &request_row(&at(2, 10), "2026-03-02", "2026-04-02", Some(&harry.id)));
    let e1 = request_event(&q, 1, "decision", "2026-03-04", r#"{"outcome":"granted"}"#);
    let u1 = with_status(&q, "decided", "2026-04-02", "2026-04-01", &at(4, 9));
    s.append_request_event(&e1, &u1, &event_recorded(&q, 1)).unwrap();
    let before = s.request(&q.id).unwrap().unwrap();

    let t = Tombstone { request_ref: Some(q.reference.clone()), ..tombstone_for(&olivia.id, &at(4, 10)) };
    s.erase_subject(&t, &event("subject.erase", "subject", &olivia.id)).unwrap();
    assert!(matches!(s.subject(&olivia.id).unwrap(), SubjectLookup::Erased(got) if got == t));
    assert_eq!(s.request(&q.id).unwrap().unwrap(), before, "the request and its events survive the erasure");
    assert_eq!(s.request(&q.id).unwrap().unwrap().0.subject_id.as_deref(), Some(olivia.id.as_str()));
    assert_eq!(s.request(&other.id).unwrap().unwrap().0, other, "other subjects' requests are untouched");
    assert_eq!(all_requests(s).len(), 2, "still listed");

    // Nothing personal is in the requests tables to shred: the subject's name and email
    // appear nowhere in them.
    let mut raw = db.raw();
    assert_eq!(raw.count("SELECT COUNT(*) FROM requests"), 2);
    for plain in [PEOPLE[0].name, PEOPLE[0].email] {
        let sql = format!(
            "SELECT COUNT(*) FROM requests r JOIN request_events e ON e.request_id = r.id \
             WHERE r.kind || r.subject_id || e.detail_json LIKE '%{}%'",
            plain.replace('\'', "''")
        );
        assert_eq!(raw.count(&sql), 0);
    }

    // The request is still worked to the end.
    let e2 = request_event(&q, 2, "response_sent", "2026-03-05", "{}");
    let u2 = with_status(&q, "responded", "2026-04-02", "2026-04-01", &at(5, 9));
    s.append_request_event(&e2, &u2, &event_recorded(&q, 2)).unwrap();
    assert_eq!(s.request(&q.id).unwrap().unwrap().1, vec![e1, e2]);

    // The store does not police subject ids (the application checks them when a
    // request is logged): a request may name an erased subject.
    let late = insert_request(s, &request_row(&at(6, 9), "2026-03-06", "2026-04-06", Some(&olivia.id)));
    assert_eq!(s.request(&late.id).unwrap().unwrap().0, late);
    assert_clean(s);
}

/// Add requests with events to a store already filled by [`populate`].
fn populate_requests(s: &Store, live: &[SubjectRow]) -> Vec<RequestRow> {
    let q1 = insert_request(
        s,
        &RequestRow {
            assigned_to: Some("0190a2b4-user".into()),
            ..request_row(&at(6, 9), "2026-03-06", "2026-04-06", Some(&live[1].id))
        },
    );
    let q2 = insert_request(
        s,
        &RequestRow { kind: "complaint".into(), ..request_row(&at(6, 10), "2026-03-06", "2026-06-06", None) },
    );
    let q3 =
        insert_request(s, &request_row("2027-01-04T09:00:00.000000Z", "2027-01-04", "2027-02-04", Some(&live[0].id)));
    let events = [
        (
            &q1,
            request_event(&q1, 1, "identity_requested", "2026-03-07", "{}"),
            "awaiting_identity",
            "2026-04-06",
            "2026-04-05",
        ),
        (&q1, request_event(&q1, 2, "identity_received", "2026-03-10", "{}"), "open", "2026-04-10", "2026-04-09"),
        (
            &q1,
            request_event(&q1, 3, "extended", "2026-03-20", r#"{"reason":"complex; many records"}"#),
            "extended",
            "2026-06-10",
            "2026-05-09",
        ),
        (
            &q2,
            request_event(&q2, 1, "decision", "2026-03-08", r#"{"outcome":"refused","reason":"manifestly unfounded"}"#),
            "decided",
            "2026-06-06",
            "2026-04-05",
        ),
    ];
    for (q, e, status, statutory, policy) in events {
        s.append_request_event(
            &e,
            &with_status(q, status, statutory, policy, &e.created_at),
            &event_recorded(q, e.seq),
        )
        .unwrap();
    }
    vec![q1, q2, q3]
}

fn backup_requests_round_trip(db: &TestDb) {
    let s = &db.store;
    let live = populate(s);
    let reqs = populate_requests(s, &live);
    let want = all_requests(s);
    assert_eq!(want.len(), 3);
    assert_eq!(want.iter().map(|(_, e)| e.len()).sum::<usize>(), 4);

    let items = export_all(s);
    assert_eq!(items.iter().filter(|i| matches!(i, BackupItem::Request(_))).count(), 3);
    assert_eq!(items.iter().filter(|i| matches!(i, BackupItem::RequestEvent(_))).count(), 4);
    let text: Vec<String> = items.iter().map(|i| serde_json::to_string(i).unwrap()).collect();
    let parsed: Vec<BackupItem> = text.iter().map(|l| serde_json::from_str(l).unwrap()).collect();

    let target = db.fresh();
    let summary = import_all(&target.store, parsed.clone()).unwrap();
    assert_eq!(summary.requests, 3);
    assert_eq!(all_requests(&target.store), want, "every request, event and due date is identical");
    for q in &reqs {
        assert_eq!(target.store.request(&q.id).unwrap(), s.request(&q.id).unwrap());
    }
    for status in ["extended", "decided", "open"] {
        let f = RequestFilter { status: Some(status.into()), due_before: Some("2026-12-31".into()), limit: 100 };
        assert_eq!(target.store.requests(&f).unwrap(), s.requests(&f).unwrap(), "{status}");
    }
    check_restored(s, &target.store, &live);

    // The restored store carries on: references continue, and events are numbered on.
    let next = request_row(&at(7, 9), "2026-03-07", "2026-04-07", None);
    assert_eq!(target.store.insert_request(&next, &request_created(&next)).unwrap(), "REQ-2026-000003");
    let stale = request_event(&reqs[0], 3, "closed", "2026-03-21", "{}");
    assert!(matches!(
        target.store.append_request_event(&stale, &reqs[0], &event_recorded(&reqs[0], 3)),
        Err(StoreError::Conflict(_))
    ));
    target
        .store
        .append_request_event(&RequestEventRow { seq: 4, ..stale }, &reqs[0], &event_recorded(&reqs[0], 4))
        .unwrap();
    assert_clean(&target.store);

    // A PostgreSQL backup also restores into SQLite.
    if s.kind() == BackendKind::Postgres {
        let lite = TestDb::open(Database::sqlite());
        import_all(&lite.store, parsed).unwrap();
        assert_eq!(all_requests(&lite.store), want);
    }
}

fn backup_truncated_keeps_requests(db: &TestDb) {
    let source = db.fresh();
    let live = populate(&source.store);
    populate_requests(&source.store, &live);
    let items = export_all(&source.store);

    // The target has requests and events of its own.
    let s = &db.store;
    let mine = insert_request(s, &request_row(&at(8, 9), "2026-03-08", "2026-04-08", None));
    let e = request_event(&mine, 1, "identity_requested", "2026-03-09", "{}");
    s.append_request_event(
        &e,
        &with_status(&mine, "awaiting_identity", "2026-04-08", "2026-04-07", &at(9, 9)),
        &event_recorded(&mine, 1),
    )
    .unwrap();
    let before = snapshot(s);
    assert_eq!(before.requests.len(), 1);

    // Cut off at the end marker, just after the requests, between events, and after the
    // first request.
    let pos = |f: &dyn Fn(&BackupItem) -> bool| items.iter().position(f).expect("item present");
    let first_request = pos(&|i| matches!(i, BackupItem::Request(_)));
    let first_event = pos(&|i| matches!(i, BackupItem::RequestEvent(_)));
    let first_audit = pos(&|i| matches!(i, BackupItem::Audit(_)));
    for cut in [items.len() - 1, first_request + 1, first_event, first_event + 2, first_audit, first_audit + 1] {
        match import_all(s, items[..cut].to_vec()) {
            Err(StoreError::BadBackup(_)) => {}
            other => panic!("importing a backup cut at line {cut} must be BadBackup, got {other:?}"),
        }
        assert_eq!(snapshot(s), before, "a refused import (cut at {cut}) leaves the requests as they were");
    }
    // So does one with an event missing (the end marker's count is off).
    let missing: Vec<BackupItem> =
        items.iter().enumerate().filter(|(i, _)| *i != first_event).map(|(_, it)| it.clone()).collect();
    assert!(matches!(import_all(s, missing), Err(StoreError::BadBackup(_))));
    assert_eq!(snapshot(s), before);
    assert_clean(s);

    // The intact backup replaces them.
    import_all(s, items).unwrap();
    assert_eq!(snapshot(s), snapshot(&source.store));
    assert_eq!(s.request(&mine.id).unwrap(), None);
}

/// Checklist steps and the search log: created, marked, listed, and carried by backups.
fn request_steps_and_searches(db: &TestDb) {
    use steward_store::{SearchRow, StepRow};
    let s = &db.store;
    let q = request_row(&at(3, 9), "2026-03-02", "2026-04-01", None);
    s.insert_request(&q, &request_created(&q)).unwrap();
    let steps: Vec<StepRow> = ["A", "B"]
        .iter()
        .enumerate()
        .map(|(i, id)| StepRow {
            request_id: q.id.clone(),
            step_id: (*id).into(),
            title: format!("Step {id}"),
            done_at: None,
            done_by: None,
            note: None,
            position: i as i64 + 1,
        })
        .collect();
    s.insert_request_steps(&steps).unwrap();
    assert_eq!(s.request_steps(&q.id).unwrap(), steps);
    let head0 = head_seq(s);
    s.set_request_step(&q.id, "B", Some((&at(4, 9), "user:u1")), &event("request.step", "request", &q.id)).unwrap();
    assert_eq!(head_seq(s), head0 + 1);
    let got = s.request_steps(&q.id).unwrap();
    assert_eq!(got[1].done_by.as_deref(), Some("user:u1"));
    assert!(got[0].done_at.is_none());
    assert!(matches!(
        s.set_request_step(&q.id, "Z", None, &event("request.step", "request", &q.id)),
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(head_seq(s), head0 + 1, "a refused change is not audited");

    let search = SearchRow {
        id: Uuid::now_v7().to_string(),
        request_id: q.id.clone(),
        system: "Email".into(),
        searched_on: "2026-03-05".into(),
        searched_by: "user:u1".into(),
        terms: vec![1, 2, 3],
        hits: 4,
        processor: true,
        answer: vec![9],
        system_id: None,
    };
    s.insert_request_search(&search, &event("request.search", "request", &q.id)).unwrap();
    assert_eq!(s.request_searches(&q.id).unwrap(), vec![search.clone()]);
    let orphan = SearchRow { id: Uuid::now_v7().to_string(), request_id: "nope".into(), ..search.clone() };
    assert!(matches!(
        s.insert_request_search(&orphan, &event("request.search", "request", "nope")),
        Err(StoreError::NotFound(_))
    ));

    let items = export_all(s);
    let other = db.fresh();
    import_all(&other.store, items).unwrap();
    assert_eq!(other.store.request_steps(&q.id).unwrap(), got);
    assert_eq!(other.store.request_searches(&q.id).unwrap(), vec![search]);
}

// Statistics: what the board's figures read

/// Each request once, oldest received first, with the day its response was sent (or
/// none), whatever other events it has.
fn request_facts(db: &TestDb) {
    let s = &db.store;
    assert!(s.request_facts().unwrap().is_empty());
    let late = insert_request(s, &request_row(&at(5, 9), "2026-03-05", "2026-04-07", None));
    let early = insert_request(s, &request_row(&at(2, 9), "2026-03-02", "2026-04-02", None));
    let e1 = request_event(&early, 1, "decision", "2026-03-19", r#"{"outcome":"granted"}"#);
    let u1 = with_status(&early, "decided", "2026-04-02", "2026-04-01", &at(19, 9));
    s.append_request_event(&e1, &u1, &event_recorded(&early, 1)).unwrap();
    let e2 = request_event(&early, 2, "response_sent", "2026-03-20", "{}");
    let u2 = with_status(&early, "responded", "2026-04-02", "2026-04-01", &at(20, 9));
    s.append_request_event(&e2, &u2, &event_recorded(&early, 2)).unwrap();
    let facts = s.request_facts().unwrap();
    assert_eq!(facts.len(), 2);
    assert_eq!(
        (facts[0].received_on.as_str(), facts[0].responded_on.as_deref(), facts[0].due_on.as_str()),
        ("2026-03-02", Some("2026-03-20"), "2026-04-01")
    );
    assert_eq!((facts[1].received_on.as_str(), facts[1].responded_on.as_deref()), ("2026-03-05", None));
    assert_eq!(facts[1].kind, late.kind);
}
