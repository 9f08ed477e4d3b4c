//! Scheduled jobs: leases (also under contention), runs, reminders sent and calendar
//! feeds.

use super::requests::{event_recorded, insert_request, request_event, request_row, with_status};
use super::*;

on_both_backends!(job_leases, concurrent_job_leases, job_runs_reminders_and_feeds);

// Scheduled jobs: leases, runs, reminders sent, calendar feeds

fn job_leases(db: &TestDb) {
    let s = &db.store;
    let other = db.reopen();
    // Held until 09:15: a second server is refused, the holder may renew.
    assert!(s.acquire_lease("reminders", "server-a", &at(1, 9), &at(1, 10)).unwrap());
    assert!(!other.acquire_lease("reminders", "server-b", &at(1, 9), &at(1, 10)).unwrap(), "second acquirer refused");
    assert!(s.acquire_lease("reminders", "server-a", &at(1, 9), &at(1, 11)).unwrap(), "the holder renews");
    // Another job has its own lease.
    assert!(other.acquire_lease("backup", "server-b", &at(1, 9), &at(1, 10)).unwrap());
    // Only the holder can release; after release anyone may take it.
    assert!(!other.release_lease("reminders", "server-b").unwrap());
    assert!(!other.acquire_lease("reminders", "server-b", &at(1, 10), &at(1, 11)).unwrap());
    assert!(s.release_lease("reminders", "server-a").unwrap());
    assert!(other.acquire_lease("reminders", "server-b", &at(1, 10), &at(1, 11)).unwrap());
    // An expired lease (a server that died) is taken over.
    assert!(s.acquire_lease("reminders", "server-a", &at(1, 12), &at(1, 13)).unwrap(), "expired at 11:00");
    assert!(!other.acquire_lease("reminders", "server-b", &at(1, 12), &at(1, 13)).unwrap());
}

fn concurrent_job_leases(db: &TestDb) {
    const THREADS: usize = 8;
    let stores: Vec<Store> = (0..THREADS).map(|_| db.reopen()).collect();
    let granted: usize = std::thread::scope(|scope| {
        let handles: Vec<_> = stores
            .iter()
            .enumerate()
            .map(|(i, store)| {
                scope.spawn(move || {
                    usize::from(
                        store.acquire_lease("reminders", &format!("server-{i}"), &at(2, 9), &at(2, 10)).unwrap(),
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("thread")).sum()
    });
    assert_eq!(granted, 1, "exactly one of {THREADS} servers gets the lease");
}

fn job_runs_reminders_and_feeds(db: &TestDb) {
    let s = &db.store;
    let mut run = steward_store::JobRunRow {
        id: Uuid::now_v7().to_string(),
        job: "reminders".into(),
        run_on: "2026-03-01".into(),
        cause: "schedule".into(),
        started_at: at(1, 7),
        finished_at: None,
        outcome: "running".into(),
        counts: "{}".into(),
        message: String::new(),
    };
    let dead = steward_store::JobRunRow { id: Uuid::now_v7().to_string(), started_at: at(1, 6), ..run.clone() };
    s.insert_job_run(&dead).unwrap();
    // A run cut short (its server died) is marked by the next holder of the lease.
    assert_eq!(s.mark_interrupted_runs("reminders").unwrap(), 1);
    assert_eq!(s.mark_interrupted_runs("reminders").unwrap(), 0);
    s.insert_job_run(&run).unwrap();
    assert!(!s.job_succeeded_on("reminders", "2026-03-01").unwrap());
    run.finished_at = Some(at(1, 8));
    run.outcome = "success".into();
    run.counts = r#"{"emails":2}"#.into();
    s.finish_job_run(&run, &event("job.run", "job", &run.id)).unwrap();
    assert!(s.job_succeeded_on("reminders", "2026-03-01").unwrap());
    let interrupted = steward_store::JobRunRow { outcome: "interrupted".into(), ..dead };
    assert_eq!(s.job_runs(Some("reminders"), 10).unwrap(), vec![run.clone(), interrupted.clone()]);
    assert!(s.job_runs(Some("other"), 10).unwrap().is_empty());

    let sent = steward_store::ReminderSendRow {
        user_id: "u1".into(),
        sent_on: "2026-03-01".into(),
        kind: "assignee".into(),
        sent_at: at(1, 8),
        requests: 3,
    };
    s.record_reminder(&sent).unwrap();
    assert!(s.reminder_sent("u1", "2026-03-01", "assignee").unwrap());
    assert!(!s.reminder_sent("u1", "2026-03-01", "digest").unwrap());
    assert!(!s.reminder_sent("u1", "2026-03-02", "assignee").unwrap());
    assert!(matches!(s.record_reminder(&sent), Err(StoreError::Conflict(_))), "never twice a day");

    let feed = steward_store::CalendarFeedRow { user_id: "u1".into(), token_hash: "h1".into(), created_at: at(1, 9) };
    s.put_calendar_feed(&feed, &event("calendar.feed_create", "user", "u1")).unwrap();
    assert_eq!(s.calendar_feed_by_hash("h1").unwrap(), Some(feed.clone()));
    let replaced = steward_store::CalendarFeedRow { token_hash: "h2".into(), ..feed.clone() };
    s.put_calendar_feed(&replaced, &event("calendar.feed_create", "user", "u1")).unwrap();
    assert_eq!(s.calendar_feed_by_hash("h1").unwrap(), None, "the old address stops working");
    assert_eq!(s.calendar_feed_of("u1").unwrap(), Some(replaced.clone()));

    // Backups carry runs, sends and feeds (never leases); a restore brings them back.
    s.acquire_lease("reminders", "server-a", &at(1, 9), &at(1, 10)).unwrap();
    let items = export_all(s);
    let target = db.fresh();
    import_all(&target.store, items).unwrap();
    assert_eq!(target.store.job_runs(None, 10).unwrap(), vec![run, interrupted]);
    assert!(target.store.reminder_sent("u1", "2026-03-01", "assignee").unwrap());
    assert_eq!(target.store.calendar_feed_by_hash("h2").unwrap(), Some(replaced));
    assert!(target.store.acquire_lease("reminders", "server-b", &at(1, 9), &at(1, 10)).unwrap(), "no lease restored");

    assert!(s.delete_calendar_feed("u1", &event("calendar.feed_revoke", "user", "u1")).unwrap());
    assert_eq!(s.calendar_feed_by_hash("h2").unwrap(), None);

    // Open requests: nearest due first, responded and closed ones left out.
    let later = insert_request(s, &request_row(&at(2, 9), "2026-03-02", "2026-04-02", None));
    let sooner = insert_request(s, &request_row(&at(2, 10), "2026-03-02", "2026-03-20", None));
    let done = insert_request(s, &request_row(&at(2, 11), "2026-03-02", "2026-03-10", None));
    let e = request_event(&done, 1, "response_sent", "2026-03-05", "{}");
    s.append_request_event(
        &e,
        &with_status(&done, "responded", "2026-03-10", "2026-03-10", &at(5, 9)),
        &event_recorded(&done, 1),
    )
    .unwrap();
    let open: Vec<String> = s.open_requests().unwrap().into_iter().map(|q| q.id).collect();
    assert_eq!(open, [sooner.id, later.id]);
    assert_clean(s);
}
