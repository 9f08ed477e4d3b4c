//! The consent ledger and the privacy notices each person received (schema version 14):
//! stored per subject, refused for unknown or erased subjects, read back in order, a
//! withdrawal recorded once, carried by backups, and deleted by erasure.

use super::*;
use steward_store::{ConsentRow, NoticeReceiptRow, WithdrawalRow};

on_both_backends!(the_consent_ledger);

fn consent(id: &str, subject: &str, given_on: &str, renew_on: Option<&str>) -> ConsentRow {
    ConsentRow {
        id: id.into(),
        subject_id: subject.into(),
        activity_id: "activity-1".into(),
        purpose: "Newsletter by email".into(),
        given_on: given_on.into(),
        method: "online_form".into(),
        notice_id: Some("notice-1".into()),
        renew_on: renew_on.map(str::to_string),
        withdrawn_on: None,
        withdrawn_method: None,
        withdrawn_at: None,
        withdrawn_by: None,
        created_at: at(1, 9),
        created_by: "user:1".into(),
        data: vec![4, 2, given_on.len() as u8],
    }
}

fn receipt(id: &str, subject: &str, on: &str) -> NoticeReceiptRow {
    NoticeReceiptRow {
        id: id.into(),
        subject_id: subject.into(),
        notice_id: "notice-1".into(),
        received_on: on.into(),
        method: "post".into(),
        created_at: at(1, 10),
        created_by: "user:1".into(),
    }
}

fn the_consent_ledger(db: &TestDb) {
    let s = &db.store;
    let jane = sealed_row(&PEOPLE[0], &at(1, 9), &["tenant"]);
    let harry = sealed_row(&PEOPLE[1], &at(1, 10), &["tenant"]);
    insert(s, &[jane.clone(), harry.clone()]);

    // Out of order in, by the day given out; other people's consents stay theirs.
    s.insert_consent(&consent("c2", &jane.id, "2026-03-05", None), &event("consent.record", "consent", "c2")).unwrap();
    s.insert_consent(
        &consent("c1", &jane.id, "2026-03-01", Some("2028-03-01")),
        &event("consent.record", "consent", "c1"),
    )
    .unwrap();
    s.insert_consent(
        &consent("c3", &harry.id, "2026-03-02", Some("2027-01-01")),
        &event("consent.record", "consent", "c3"),
    )
    .unwrap();
    let ids: Vec<String> = s.consents_of(&jane.id).unwrap().into_iter().map(|c| c.id).collect();
    assert_eq!(ids, ["c1", "c2"]);
    assert_eq!(s.consent("c1").unwrap(), Some(consent("c1", &jane.id, "2026-03-01", Some("2028-03-01"))));
    assert_eq!(s.consent("nothing").unwrap(), None);

    // Unknown people are refused, and nothing is written or audited.
    let before = head_seq(s);
    let err = s.insert_consent(&consent("c9", "nobody", "2026-03-01", None), &event("consent.record", "consent", "c9"));
    assert!(matches!(err, Err(StoreError::NotFound(_))), "{err:?}");
    assert_eq!(head_seq(s), before);
    assert_eq!(s.consent("c9").unwrap(), None);

    // A withdrawal is recorded once, with its audit entry; a second is a conflict saying when.
    let w = WithdrawalRow { on: "2026-03-09".into(), method: "email".into(), at: at(9, 9), by: "user:1".into() };
    let now = s.withdraw_consent("c1", &w, &event("consent.withdraw", "consent", "c1")).unwrap();
    assert_eq!(now.withdrawn_on.as_deref(), Some("2026-03-09"));
    assert_eq!(now.withdrawn_method.as_deref(), Some("email"));
    assert_eq!(head_seq(s), before + 1);
    let again = WithdrawalRow { on: "2026-03-10".into(), ..w.clone() };
    match s.withdraw_consent("c1", &again, &event("consent.withdraw", "consent", "c1")) {
        Err(StoreError::Conflict(m)) => assert!(m.contains("2026-03-09"), "{m}"),
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(head_seq(s), before + 1, "a refused withdrawal is not audited");
    assert!(matches!(
        s.withdraw_consent("nothing", &w, &event("consent.withdraw", "consent", "nothing")),
        Err(StoreError::NotFound(_))
    ));

    // Renewal dates for the compliance check: ids and dates, withdrawn or not.
    let renewals: Vec<(String, String, bool)> =
        s.consent_renewals().unwrap().into_iter().map(|r| (r.id, r.renew_on, r.withdrawn)).collect();
    assert_eq!(renewals, [("c3".into(), "2027-01-01".into(), false), ("c1".into(), "2028-03-01".into(), true)]);

    // Notices received.
    s.insert_notice_receipt(&receipt("r2", &jane.id, "2026-03-04"), &event("notice.given", "notice", "notice-1"))
        .unwrap();
    s.insert_notice_receipt(&receipt("r1", &jane.id, "2026-02-01"), &event("notice.given", "notice", "notice-1"))
        .unwrap();
    s.insert_notice_receipt(&receipt("r3", &harry.id, "2026-02-01"), &event("notice.given", "notice", "notice-1"))
        .unwrap();
    let ids: Vec<String> = s.notice_receipts_of(&jane.id).unwrap().into_iter().map(|r| r.id).collect();
    assert_eq!(ids, ["r1", "r2"]);
    assert!(matches!(
        s.insert_notice_receipt(&receipt("r9", "nobody", "2026-02-01"), &event("notice.given", "notice", "n")),
        Err(StoreError::NotFound(_))
    ));

    // A backup carries both, and a restore puts them back as they were.
    let lines = export_all(s);
    let consents = lines.iter().filter(|l| matches!(l, BackupItem::Consent(_))).count();
    let receipts = lines.iter().filter(|l| matches!(l, BackupItem::NoticeReceipt(_))).count();
    assert_eq!((consents, receipts), (3, 3));
    let other = db.fresh();
    import_all(&other.store, lines).unwrap();
    assert_eq!(other.store.consents_of(&jane.id).unwrap(), s.consents_of(&jane.id).unwrap());
    assert_eq!(other.store.notice_receipts_of(&jane.id).unwrap(), s.notice_receipts_of(&jane.id).unwrap());

    // Erasure deletes the person's consents and receipts with their key; others' stay.
    s.erase_subject(&tombstone_for(&jane.id, &at(10, 9)), &event("subject.erase", "subject", &jane.id)).unwrap();
    assert!(s.consents_of(&jane.id).unwrap().is_empty());
    assert_eq!(s.consent("c2").unwrap(), None);
    assert!(s.notice_receipts_of(&jane.id).unwrap().is_empty());
    assert_eq!(s.consents_of(&harry.id).unwrap().len(), 1);
    assert_eq!(s.notice_receipts_of(&harry.id).unwrap().len(), 1);
    assert!(matches!(
        s.insert_consent(&consent("c5", &jane.id, "2026-03-01", None), &event("consent.record", "consent", "c5")),
        Err(StoreError::Gone(_))
    ));
}
