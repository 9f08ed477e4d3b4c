//! Systems and processors, erasure tasks, legal holds and restrictions.

use super::backup::populate;
use super::requests::{request_created, request_row};
use super::*;

on_both_backends!(erasure_registers);

// Systems and processors, erasure tasks, legal holds and restrictions

fn erasure_registers(db: &TestDb) {
    use steward_store::{ErasureTaskRow, HoldRow, RestrictionRow, SearchRow, SystemRow};
    let s = &db.store;
    let live = populate(s);
    let subject = &live[0].id;
    let system = |name: &str, kind: &str, all: bool| SystemRow {
        id: Uuid::now_v7().to_string(),
        name: name.into(),
        kind: kind.into(),
        holds_all_subjects: all,
        contact: "Housing team".into(),
        notes: String::new(),
        created_at: at(1, 9),
        retired_at: None,
        ..SystemRow::default()
    };
    let hms = system("Housing management system", "system", true);
    let payroll = system("Payroll bureau", "processor", false);
    s.insert_system(&hms, &event("system.create", "system", &hms.id)).unwrap();
    s.insert_system(&payroll, &event("system.create", "system", &payroll.id)).unwrap();
    let before = head_seq(s);
    let dup = system("Housing management system", "system", false);
    assert!(matches!(s.insert_system(&dup, &event("system.create", "system", &dup.id)), Err(StoreError::Conflict(_))));
    assert_eq!(head_seq(s), before, "a refused insert is not audited");
    assert_eq!(s.systems().unwrap(), vec![hms.clone(), payroll.clone()]);
    let renamed = SystemRow { name: "Payroll provider".into(), retired_at: Some(at(2, 9)), ..payroll.clone() };
    assert!(s.update_system(&renamed, &event("system.update", "system", &payroll.id)).unwrap());
    assert_eq!(s.system(&payroll.id).unwrap(), Some(renamed.clone()));
    let clash = SystemRow { name: hms.name.clone(), ..renamed.clone() };
    assert!(matches!(s.update_system(&clash, &event("system.update", "system", "x")), Err(StoreError::Conflict(_))));

    // Systems a search found the subject in.
    let q = request_row(&at(3, 9), "2026-03-02", "2026-04-01", Some(subject));
    s.insert_request(&q, &request_created(&q)).unwrap();
    let search = |system_id: &str, hits| SearchRow {
        id: Uuid::now_v7().to_string(),
        request_id: q.id.clone(),
        system: "x".into(),
        searched_on: "2026-03-05".into(),
        searched_by: "user:u1".into(),
        terms: vec![1],
        hits,
        processor: false,
        answer: vec![2],
        system_id: Some(system_id.into()),
    };
    s.insert_request_search(&search(&payroll.id, 3), &event("request.search", "request", &q.id)).unwrap();
    s.insert_request_search(&search(&hms.id, 0), &event("request.search", "request", &q.id)).unwrap();
    assert_eq!(s.systems_with_hits(subject).unwrap(), vec![payroll.id.clone()]);

    // Erasure tasks, confirmed once.
    let tasks: Vec<ErasureTaskRow> = [&hms, &payroll]
        .iter()
        .map(|sys| ErasureTaskRow {
            id: Uuid::now_v7().to_string(),
            request_id: q.id.clone(),
            subject_id: subject.clone(),
            system_id: sys.id.clone(),
            status: "pending".into(),
            created_at: at(4, 9),
            created_by: "user:dpo".into(),
            confirmed_on: None,
            confirmed_by: None,
            note: String::new(),
        })
        .collect();
    s.insert_erasure_tasks(&tasks, &event("erasure.tasks", "request", &q.id)).unwrap();
    assert_eq!(s.erasure_tasks(&q.id).unwrap(), tasks);
    let ev = event("erasure.confirm", "request", &q.id);
    let confirm = |t: &ErasureTaskRow, request: &str, status: &str, note: &str| ErasureTaskRow {
        request_id: request.into(),
        status: status.into(),
        confirmed_on: Some("2026-03-20".into()),
        confirmed_by: Some("user:cw".into()),
        note: note.into(),
        ..t.clone()
    };
    assert!(s.confirm_erasure_task(&confirm(&tasks[0], &q.id, "erased", "ticket 4411"), &ev).unwrap());
    assert!(!s.confirm_erasure_task(&confirm(&tasks[0], &q.id, "not_held", ""), &ev).unwrap());
    assert!(!s.confirm_erasure_task(&confirm(&tasks[1], "other", "erased", ""), &ev).unwrap());
    let got = s.erasure_tasks(&q.id).unwrap();
    assert_eq!(got[0].status, "erased");
    assert_eq!(got[0].confirmed_on.as_deref(), Some("2026-03-20"));
    assert_eq!(got[1].status, "pending");

    // Holds: standing, lifted once.
    let hold = HoldRow {
        id: Uuid::now_v7().to_string(),
        scope: "subject".into(),
        target: subject.clone(),
        reason: "County court claim".into(),
        approved_by: "user:dpo".into(),
        placed_by: "user:dpo".into(),
        placed_at: at(5, 9),
        lifted_at: None,
        lifted_by: None,
        lift_reason: None,
    };
    s.insert_hold(&hold, &event("hold.place", "hold", &hold.id)).unwrap();
    assert_eq!(s.holds("subject", Some(subject), false).unwrap(), vec![hold.clone()]);
    assert_eq!(s.holds("subject", None, false).unwrap().len(), 1);
    assert!(
        s.lift_hold(&hold.id, &at(6, 9), "user:dpo", "claim settled", &event("hold.lift", "hold", &hold.id)).unwrap()
    );
    assert!(!s.lift_hold(&hold.id, &at(6, 9), "user:dpo", "again", &event("hold.lift", "hold", &hold.id)).unwrap());
    assert!(s.holds("subject", Some(subject), false).unwrap().is_empty());
    let lifted = s.hold(&hold.id).unwrap().unwrap();
    assert_eq!(lifted.lift_reason.as_deref(), Some("claim settled"));

    // Restrictions: one per subject, lifted, removed on erasure.
    let r = RestrictionRow {
        subject_id: subject.clone(),
        request_id: Some(q.id.clone()),
        ground: "accuracy_contested".into(),
        placed_by: "user:dpo".into(),
        placed_at: at(7, 9),
    };
    assert!(s.insert_restriction(&r, &event("restriction.place", "subject", subject)).unwrap());
    let second = RestrictionRow { ground: "legal_claims".into(), ..r.clone() };
    assert!(!s.insert_restriction(&second, &event("restriction.place", "subject", subject)).unwrap());
    assert_eq!(s.restriction(subject).unwrap(), Some(r.clone()));

    // Backups carry all four.
    let items = export_all(s);
    let other = db.fresh();
    import_all(&other.store, items).unwrap();
    assert_eq!(other.store.systems().unwrap(), s.systems().unwrap());
    assert_eq!(other.store.erasure_tasks(&q.id).unwrap(), got);
    assert_eq!(other.store.hold(&hold.id).unwrap(), Some(lifted));
    assert_eq!(other.store.restriction(subject).unwrap(), Some(r));

    assert!(s.lift_restriction(subject, &event("restriction.lift", "subject", subject)).unwrap());
    assert!(!s.lift_restriction(subject, &event("restriction.lift", "subject", subject)).unwrap());
    s.insert_restriction(&second, &event("restriction.place", "subject", subject)).unwrap();
    s.erase_subject(&tombstone_for(subject, &at(20, 9)), &event("subject.erase", "subject", subject)).unwrap();
    assert_eq!(s.restriction(subject).unwrap(), None, "erasure removes the restriction with the data");
}
