//! Public submissions (sealed, listed, assigned) and rate limits, also under
//! contention.

use super::*;

on_both_backends!(public_submissions, rate_limits, concurrent_rate_limit_hits);

// Public submissions and rate limits

/// A submission sealed as the application layer would seal it (empty `plain`: none).
pub(super) fn submission(reference: &str, kind: &str, submitted_at: &str, plain: &str) -> SubmissionRow {
    let ring = keyring();
    let id = Uuid::new_v4().to_string();
    let aad = format!("submission:{id}");
    let dk = DataKey::generate().expect("data key");
    SubmissionRow {
        wrapped_key: Some(ring.wrap(&dk, &aad).expect("wrap")),
        data: Some(dk.seal(aad.as_bytes(), plain.as_bytes()).expect("seal")),
        id,
        reference: reference.into(),
        kind: kind.into(),
        status: "new".into(),
        submitted_at: submitted_at.into(),
        assigned_to: None,
    }
}

pub(super) fn public_event(action: &str, id: &str) -> AuditEvent {
    AuditEvent { actor: "public".into(), ..event(action, "submission", id) }
}

fn summary_of(r: &SubmissionRow) -> SubmissionSummary {
    SubmissionSummary {
        id: r.id.clone(),
        reference: r.reference.clone(),
        kind: r.kind.clone(),
        status: r.status.clone(),
        submitted_at: r.submitted_at.clone(),
        assigned_to: r.assigned_to.clone(),
    }
}

fn public_submissions(db: &TestDb) {
    let s = &db.store;
    assert!(s.submissions(None, None, 0, 10).unwrap().is_empty());
    assert!(s.submission_counts(None).unwrap().is_empty());
    assert_eq!(s.submission("no-such-id").unwrap(), None);

    let first = submission("SR-2026-4F7K9Q", "request", &at(1, 9), "Amelia Hughes: please send my file");
    let second = submission("CP-2026-Z2B8XM", "complaint", &at(2, 9), "Harry Patel complains about a letter");
    let third = submission("SR-2026-HH3N6P", "request", &at(3, 9), "George O'Connor wants his data erased");
    let head0 = head_seq(s);
    for sub in [&first, &second, &third] {
        s.insert_submission(sub, &public_event("submission.create", &sub.id)).unwrap();
    }
    assert_eq!(head_seq(s), head0 + 3, "each submission is audited with it");
    assert_eq!(s.submission(&second.id).unwrap(), Some(second.clone()));
    assert!(!format!("{second:?}").contains("Harry"), "Debug does not show sealed data");

    // Newest first, paged by offset, optionally by status.
    let all = s.submissions(None, None, 0, 10).unwrap();
    assert_eq!(all, vec![summary_of(&third), summary_of(&second), summary_of(&first)]);
    assert_eq!(s.submissions(None, None, 1, 1).unwrap(), vec![summary_of(&second)]);
    assert_eq!(s.submissions(None, None, 3, 10).unwrap(), vec![]);
    assert_eq!(s.submissions(Some("new"), None, 0, 10).unwrap().len(), 3);
    assert_eq!(s.submission_counts(None).unwrap(), counts(&[("new", 3)]));

    // Status changes return the previous status and are audited; unknown ids are not.
    let head1 = head_seq(s);
    let prev =
        s.set_submission_status(&second.id, "acknowledged", &event("submission.status", "submission", &second.id));
    assert_eq!(prev.unwrap(), "new");
    let prev = s.set_submission_status(&first.id, "closed", &event("submission.status", "submission", &first.id));
    assert_eq!(prev.unwrap(), "new");
    assert_eq!(head_seq(s), head1 + 2);
    match s.set_submission_status("no-such-id", "closed", &event("submission.status", "submission", "no-such-id")) {
        Err(StoreError::NotFound(_)) => {}
        other => panic!("changing an unknown submission must be NotFound, got {other:?}"),
    }
    assert_eq!(head_seq(s), head1 + 2);
    assert_eq!(s.submission_counts(None).unwrap(), counts(&[("new", 1), ("acknowledged", 1), ("closed", 1)]));
    assert_eq!(
        s.submissions(Some("closed"), None, 0, 10).unwrap(),
        vec![SubmissionSummary { status: "closed".into(), ..summary_of(&first) }]
    );
    assert_eq!(s.submission(&second.id).unwrap().unwrap().status, "acknowledged");

    // Assignment to a caseworker narrows the list and counts to theirs; audited.
    let head_a = head_seq(s);
    s.assign_submission(&third.id, Some("user-casey"), &event("submission.assign", "submission", &third.id)).unwrap();
    assert_eq!(head_seq(s), head_a + 1);
    let mine = s.submissions(None, Some("user-casey"), 0, 10).unwrap();
    assert_eq!(mine, vec![SubmissionSummary { assigned_to: Some("user-casey".into()), ..summary_of(&third) }]);
    assert!(s.submissions(None, Some("user-other"), 0, 10).unwrap().is_empty());
    assert_eq!(s.submission_counts(Some("user-casey")).unwrap(), counts(&[("new", 1)]));
    match s.assign_submission("no-such-id", None, &event("submission.assign", "submission", "no-such-id")) {
        Err(StoreError::NotFound(_)) => {}
        other => panic!("assigning an unknown submission must be NotFound, got {other:?}"),
    }
    assert_eq!(head_seq(s), head_a + 1);
    s.assign_submission(&third.id, None, &event("submission.assign", "submission", &third.id)).unwrap();
    assert!(s.submissions(None, Some("user-casey"), 0, 10).unwrap().is_empty());

    // References and ids are unique; a refused insert writes and audits nothing.
    let head2 = head_seq(s);
    for dup in [
        SubmissionRow { id: Uuid::new_v4().to_string(), ..first.clone() },
        SubmissionRow { reference: "SR-2026-NEW222".into(), ..third.clone() },
    ] {
        match s.insert_submission(&dup, &public_event("submission.create", &dup.id)) {
            Err(StoreError::Constraint(_)) => {}
            other => panic!("a duplicate submission must be a Constraint error, got {other:?}"),
        }
    }
    assert_eq!(head_seq(s), head2);
    assert_eq!(s.submissions(None, None, 0, 10).unwrap().len(), 3);

    // A submission whose key and data are gone reads back as such.
    let shredded =
        SubmissionRow { wrapped_key: None, data: None, ..submission("SR-2026-KQ7W4D", "request", &at(4, 9), "") };
    s.insert_submission(&shredded, &public_event("submission.create", &shredded.id)).unwrap();
    assert_eq!(s.submission(&shredded.id).unwrap(), Some(shredded));

    // Nothing sealed is readable in the database.
    let mut raw = db.raw();
    for plain in ["Amelia Hughes", "Harry Patel", "erased"] {
        let n = match &mut raw {
            Raw::Sqlite(c) => c
                .query_row(
                    "SELECT COUNT(*) FROM public_submissions WHERE instr(CAST(data AS TEXT), ?1) > 0",
                    [plain],
                    |r| r.get::<_, i64>(0),
                )
                .expect("raw SQLite count"),
            Raw::Postgres(c) => c
                .query_one(
                    "SELECT COUNT(*) FROM public_submissions WHERE position(convert_to($1, 'UTF8') in data) > 0",
                    &[&plain],
                )
                .expect("raw PostgreSQL count")
                .get::<_, i64>(0),
        };
        assert_eq!(n, 0, "{plain:?} is readable in the database");
    }
    assert_clean(s);
}

fn rate_limits(db: &TestDb) {
    let s = &db.store;
    let t = |secs: i64| jiff::Timestamp::from_second(1_780_000_000 + secs).expect("timestamp");
    let head0 = head_seq(s);

    // Three hits a minute: the fourth is refused, and a refusal is not counted.
    for i in 0..3 {
        assert!(s.hit_rate_limit_at("public-form:10m:abc", 60, 3, t(i)).unwrap(), "hit {i}");
    }
    assert!(!s.hit_rate_limit_at("public-form:10m:abc", 60, 3, t(10)).unwrap());
    assert!(!s.hit_rate_limit_at("public-form:10m:abc", 60, 3, t(59)).unwrap());
    // Other buckets are separate.
    assert!(s.hit_rate_limit_at("public-form:10m:def", 60, 3, t(30)).unwrap());
    assert!(s.hit_rate_limit_at("sign-in:abc", 60, 1, t(30)).unwrap());
    assert!(!s.hit_rate_limit_at("sign-in:abc", 60, 1, t(31)).unwrap());
    // A new window starts when the old one has passed.
    assert!(s.hit_rate_limit_at("public-form:10m:abc", 60, 3, t(60)).unwrap());
    assert!(s.hit_rate_limit_at("public-form:10m:abc", 60, 3, t(61)).unwrap());
    assert!(s.hit_rate_limit_at("public-form:10m:abc", 60, 3, t(62)).unwrap());
    assert!(!s.hit_rate_limit_at("public-form:10m:abc", 60, 3, t(63)).unwrap());
    // A clock that went backwards opens a new window rather than shutting the bucket.
    assert!(s.hit_rate_limit_at("public-form:10m:abc", 60, 3, t(-3600)).unwrap());
    // The real clock works too.
    assert!(s.hit_rate_limit_at("public-form:10m:now", 600, 5, jiff::Timestamp::now()).unwrap());
    assert_eq!(head_seq(s), head0, "rate limits are not audited");

    // Purging removes old windows of the prefix only (LIKE wildcards are literal).
    let mut raw = db.raw();
    assert_eq!(raw.count("SELECT COUNT(*) FROM rate_limits"), 4);
    assert!(s.hit_rate_limit_at("public_form:x", 60, 3, t(0)).unwrap());
    let cutoff = steward_core::audit::format_time(t(1));
    assert_eq!(s.purge_rate_limits("public-form:", &cutoff).unwrap(), 1, "only the backwards-clock window is old");
    assert_eq!(s.purge_rate_limits("public-fo%", &cutoff).unwrap(), 0);
    assert_eq!(raw.count("SELECT COUNT(*) FROM rate_limits"), 4);
    assert_eq!(s.purge_rate_limits("public_form:", &cutoff).unwrap(), 1);
    let later = steward_core::audit::format_time(jiff::Timestamp::now() + jiff::SignedDuration::from_secs(3600));
    assert_eq!(s.purge_rate_limits("public-form:", &later).unwrap(), 2);
    assert_eq!(raw.count("SELECT COUNT(*) FROM rate_limits"), 1, "the sign-in bucket stays");
}

fn concurrent_rate_limit_hits(db: &TestDb) {
    const THREADS: usize = 8;
    const EACH: usize = 5;
    const MAX: i64 = 17;
    let stores: Vec<Store> = (0..THREADS).map(|_| db.reopen()).collect();
    let allowed: usize = std::thread::scope(|scope| {
        let handles: Vec<_> = stores
            .iter()
            .map(|st| {
                scope.spawn(move || {
                    let mut ok = 0;
                    for _ in 0..EACH {
                        // A busy database may refuse a transaction; the caller retries.
                        loop {
                            match st.hit_rate_limit_at("public-form:race", 600, MAX, jiff::Timestamp::now()) {
                                Ok(true) => {
                                    ok += 1;
                                    break;
                                }
                                Ok(false) => break,
                                Err(StoreError::Unavailable(_)) => std::thread::yield_now(),
                                Err(e) => panic!("rate limit hit failed: {e:?}"),
                            }
                        }
                    }
                    ok
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("thread")).sum()
    });
    assert_eq!(allowed as i64, MAX, "exactly the allowance is granted under contention");
    assert!(!db.store.hit_rate_limit_at("public-form:race", 600, MAX, jiff::Timestamp::now()).unwrap());
}
