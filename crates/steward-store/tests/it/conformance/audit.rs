//! The audit chain: appends, tampering of every kind found, the keyed chain (rewrites
//! without the key, cut-short logs, legacy chains; ADR 0014), verification on a
//! read-only store, and concurrent writers that never fork the chain.

use super::*;

on_both_backends!(
    audit_chain,
    audit_tamper_altered,
    audit_tamper_deleted_middle,
    audit_tamper_swapped,
    audit_tamper_deleted_last,
    audit_tamper_head,
    audit_entries_are_keyed,
    audit_rewrite_with_plain_hashes,
    audit_cut_short_against_kept_head,
    audit_downgrade_to_plain_chain,
    audit_legacy_chain_is_keyed_once,
    audit_legacy_chain_keyed_by_first_append,
    audit_legacy_part_cannot_be_rewritten,
    audit_verify_read_only,
    concurrent_audit_appends
);

// The audit chain

/// Append eight entries through a mix of operations; returns the subjects made.
fn eight_entries(s: &Store) -> (SubjectRow, SubjectRow) {
    let a = sealed_row(&PEOPLE[0], &at(1, 9), &["tenant"]);
    let b = sealed_row(&PEOPLE[1], &at(1, 10), &["tenant"]);
    insert(s, &[a.clone(), b.clone()]); // 1, 2
    s.audit(&event("subject.view", "subject", &a.id)).unwrap(); // 3
    s.put_settings(&[("org.name", "Riverside Housing Association")], Some(&event("settings.update", "settings", "")))
        .unwrap(); // 4
    s.add_link(&link(&a, &b, "parent_of", &at(1, 11)), &event("subject.link", "subject", &a.id)).unwrap(); // 5
    s.audit(&event("subject.view", "subject", &b.id)).unwrap(); // 6
    let mut b2 = b.clone();
    b2.updated_at = at(2, 9);
    b2.categories = vec!["tenant".into(), "volunteer".into()];
    s.update_subject(&b2, &b.updated_at, &event("subject.update", "subject", &b.id)).unwrap(); // 7
    s.audit(&event("backup.export", "backup", "")).unwrap(); // 8
    assert_eq!(head_seq(s), 8);
    assert_clean(s);
    (a, b2)
}

fn audit_chain(db: &TestDb) {
    let s = &db.store;
    assert_eq!(s.audit_head().unwrap(), (0, GENESIS_HASH.to_string()));
    assert_clean(s);

    let login = event("auth.login", "user", "3f2b9c1e");
    let rec = s.audit(&login).unwrap();
    assert_eq!(rec.seq, 1);
    assert_eq!(rec.prev_hash, GENESIS_HASH);
    assert_eq!(rec.event, login);
    assert_eq!(s.audit_head().unwrap(), (1, rec.hash.clone()));
    let rec2 = s.audit(&event("auth.logout", "user", "3f2b9c1e")).unwrap();
    assert_eq!(rec2.seq, 2);
    assert_eq!(rec2.prev_hash, rec.hash);

    // Data operations append to the same chain.
    let a = sealed_row(&PEOPLE[0], &at(1, 9), &["tenant"]);
    let b = sealed_row(&PEOPLE[1], &at(1, 10), &["tenant"]);
    insert(s, &[a.clone(), b.clone()]);
    s.add_link(&link(&a, &b, "household", &at(1, 11)), &event("subject.link", "subject", &a.id)).unwrap();
    s.erase_subject(&tombstone_for(&b.id, &at(2, 9)), &event("subject.erase", "subject", &b.id)).unwrap();
    assert_eq!(head_seq(s), 6);
    assert_clean(s);

    // Read back: newest first, each linked to the one before.
    let all = s.audit_entries(&AuditFilter { limit: 500, ..AuditFilter::default() }).unwrap();
    assert_eq!(all.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![6, 5, 4, 3, 2, 1]);
    for w in all.windows(2) {
        assert_eq!(w[0].prev_hash, w[1].hash);
    }
    assert_eq!(all[0].hash, s.audit_head().unwrap().1);
    let about_b =
        s.audit_entries(&AuditFilter { object_id: Some(b.id.clone()), limit: 500, ..AuditFilter::default() }).unwrap();
    assert_eq!(
        about_b.iter().map(|r| r.event.action.as_str()).collect::<Vec<_>>(),
        vec!["subject.erase", "subject.create"]
    );
    let subject_actions = s
        .audit_entries(&AuditFilter { action: Some("subject.".into()), limit: 500, ..AuditFilter::default() })
        .unwrap();
    assert_eq!(subject_actions.len(), 4);

    // An untouched log verifies, also from a second store.
    let again = db.reopen();
    assert_clean(&again);
    assert_eq!(again.verify_audit().unwrap(), s.verify_audit().unwrap());
}

fn audit_tamper_altered(db: &TestDb) {
    eight_entries(&db.store);
    db.raw().exec("UPDATE audit_log SET detail = 'nothing to see here' WHERE seq = 5");
    let report = db.store.verify_audit().unwrap();
    let problem = report.problem.expect("an altered entry must be reported");
    assert_eq!(problem.seq, 5);
    assert!(problem.message.contains("altered"), "message: {}", problem.message);
    assert_eq!(report.entries, 4, "entries before the altered one checked out");
}

fn audit_tamper_deleted_middle(db: &TestDb) {
    eight_entries(&db.store);
    db.raw().exec("DELETE FROM audit_log WHERE seq = 4");
    let report = db.store.verify_audit().unwrap();
    let problem = report.problem.expect("a deleted entry must be reported");
    assert_eq!(problem.seq, 4);
    assert!(problem.message.contains("missing"), "message: {}", problem.message);
    assert_eq!(report.entries, 3);
}

fn audit_tamper_swapped(db: &TestDb) {
    eight_entries(&db.store);
    // Exchange the contents of entries 3 and 6, keeping their sequence numbers.
    db.raw().exec(
        "UPDATE audit_log SET seq = -1 WHERE seq = 3;
         UPDATE audit_log SET seq = 3 WHERE seq = 6;
         UPDATE audit_log SET seq = 6 WHERE seq = -1;",
    );
    let report = db.store.verify_audit().unwrap();
    let problem = report.problem.expect("swapped entries must be reported");
    assert_eq!(problem.seq, 3, "the problem is reported at the lower of the two");
    assert_eq!(report.entries, 2);
}

fn audit_tamper_deleted_last(db: &TestDb) {
    eight_entries(&db.store);
    db.raw().exec("DELETE FROM audit_log WHERE seq = 8");
    let report = db.store.verify_audit().unwrap();
    let problem = report.problem.expect("a deleted last entry must be reported");
    assert_eq!(problem.seq, 8);
    assert!(problem.message.contains("missing"), "message: {}", problem.message);
    assert_eq!(report.entries, 7);
}

fn audit_tamper_head(db: &TestDb) {
    eight_entries(&db.store);
    db.raw().exec(&format!("UPDATE audit_head SET hash = '{}' WHERE id = 1", "ab".repeat(32)));
    let report = db.store.verify_audit().unwrap();
    let problem = report.problem.expect("a rewritten head hash must be reported");
    assert_eq!(problem.seq, 8);
    assert!(problem.message.contains("head"), "message: {}", problem.message);
}

// A keyed chain: rewrites without the key, cut-short logs, legacy chains (ADR 0014)

/// Every entry, oldest first.
fn all_entries(s: &Store) -> Vec<AuditRecord> {
    let mut all = s.audit_entries(&AuditFilter { limit: 500, ..AuditFilter::default() }).unwrap();
    all.reverse();
    all
}

fn sql_text(v: &str) -> String {
    format!("'{}'", v.replace('\'', "''"))
}

/// Rewrite the chain from entry `from` on as someone with write access to the database
/// but without the key would: change entry `from` with `change`, recompute that entry's
/// and every later hash with plain SHA-256, and set the head to match.
fn rewrite_plain(db: &TestDb, from: i64, change: impl Fn(&mut AuditEvent)) {
    let all = all_entries(&db.store);
    let mut prev = if from == 1 { GENESIS_HASH.to_string() } else { all[(from - 2) as usize].hash.clone() };
    let mut sql = String::new();
    for r in all.iter().filter(|r| r.seq >= from) {
        let mut ev = r.event.clone();
        if r.seq == from {
            change(&mut ev);
        }
        let hash = chain_hash(&prev, &canonical(r.seq, &ev));
        sql.push_str(&format!(
            "UPDATE audit_log SET detail = {}, action = {}, prev_hash = {}, hash = {} WHERE seq = {};\n",
            sql_text(&ev.detail),
            sql_text(&ev.action),
            sql_text(&prev),
            sql_text(&hash),
            r.seq
        ));
        prev = hash;
    }
    sql.push_str(&format!("UPDATE audit_head SET hash = {} WHERE id = 1;", sql_text(&prev)));
    db.raw().exec(&sql);
}

/// Write `n` entries as an older Steward did (plain SHA-256 chain), straight into an
/// empty log; returns the head hash.
fn legacy_chain(db: &TestDb, n: i64) -> String {
    let mut prev = GENESIS_HASH.to_string();
    let mut sql = String::new();
    for seq in 1..=n {
        let mut ev = event("subject.view", "subject", &format!("legacy-{seq}"));
        ev.detail = format!("old entry {seq}");
        let hash = chain_hash(&prev, &canonical(seq, &ev));
        sql.push_str(&format!(
            "INSERT INTO audit_log (seq, at, actor, action, object_type, object_id, request_id, outcome, detail, prev_hash, hash) \
             VALUES ({seq}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {});\n",
            sql_text(&ev.at),
            sql_text(&ev.actor),
            sql_text(&ev.action),
            sql_text(&ev.object_type),
            sql_text(&ev.object_id),
            sql_text(&ev.request_id),
            sql_text(&ev.outcome),
            sql_text(&ev.detail),
            sql_text(&prev),
            sql_text(&hash)
        ));
        prev = hash;
    }
    sql.push_str(&format!("UPDATE audit_head SET seq = {n}, hash = {} WHERE id = 1;", sql_text(&prev)));
    db.raw().exec(&sql);
    prev
}

fn audit_entries_are_keyed(db: &TestDb) {
    eight_entries(&db.store);
    let all = all_entries(&db.store);
    for r in &all {
        let encoded = canonical(r.seq, &r.event);
        assert_ne!(r.hash, chain_hash(&r.prev_hash, &encoded), "entry {} is not a plain hash", r.seq);
        assert!(audit_key().verify_chain_mac(&r.prev_hash, &encoded, &r.hash), "entry {} is a MAC", r.seq);
    }
    let report = db.store.verify_audit().unwrap();
    assert_eq!((report.legacy_entries, report.keyed, report.problem), (0, true, None));

    // Nothing can be appended, and nothing checked, without the key.
    let keyless = db.keyless();
    assert!(matches!(keyless.audit(&event("backup.export", "backup", "")), Err(StoreError::Unavailable(_))));
    assert!(keyless.verify_audit().is_err());
    assert_eq!(head_seq(&db.store), 8, "the refused append wrote nothing");

    // Another master key's audit key finds the chain altered from its first entry.
    let other = MasterKey::parse(&"11".repeat(32)).unwrap().keyring().audit_key();
    let foreign = db.reopen().with_audit_key(other);
    let problem = foreign.verify_audit().unwrap().problem.expect("another key");
    assert_eq!(problem.seq, 1);
}

/// (b) An entry rewritten and every later hash recomputed with plain SHA-256, head
/// fixed: without the key the chain cannot be made consistent again.
fn audit_rewrite_with_plain_hashes(db: &TestDb) {
    eight_entries(&db.store);
    rewrite_plain(db, 5, |ev| ev.detail = "nothing to see here".into());
    let report = db.store.verify_audit().unwrap();
    let problem = report.problem.expect("a rewritten chain must be reported");
    assert_eq!((problem.seq, problem.kind), (5, ProblemKind::Chain));
    assert!(problem.message.contains("altered"), "message: {}", problem.message);
    assert_eq!(report.entries, 4);

    // Recomputed from the very first entry (a downgrade to a plain chain from entry 3
    // on) fails the same way.
    rewrite_plain(db, 3, |_| {});
    assert_eq!(db.store.verify_audit().unwrap().problem.expect("reported").seq, 3);
}

/// (a) The newest entries deleted and the head fixed to the new last entry: the chain
/// is consistent, but not with the head kept earlier.
fn audit_cut_short_against_kept_head(db: &TestDb) {
    let s = &db.store;
    eight_entries(s);
    let (kept_n, kept_hash) = s.audit_head().unwrap();
    let at5 = all_entries(s)[4].hash.clone();
    let expect =
        |entries: Option<i64>, head: Option<&str>| AuditExpectation { entries, head: head.map(str::to_string) };

    // Intact, and grown since: the kept head is found where it was.
    s.audit(&event("backup.export", "backup", "")).unwrap();
    let ok = s.verify_audit_against(&expect(Some(kept_n), Some(&kept_hash))).unwrap();
    assert_eq!((ok.problem, ok.kept_head_seq), (None, Some(8)));
    let ok = s.verify_audit_against(&expect(None, Some(&kept_hash.to_uppercase()))).unwrap();
    assert_eq!((ok.problem, ok.kept_head_seq), (None, Some(8)));
    let ok = s.verify_audit_against(&expect(None, Some(&at5))).unwrap();
    assert_eq!(ok.kept_head_seq, Some(5), "an earlier entry's hash is found too");

    db.raw().exec(
        "DELETE FROM audit_log WHERE seq >= 7;
         UPDATE audit_head SET seq = 6, hash = (SELECT hash FROM audit_log WHERE seq = 6) WHERE id = 1;",
    );
    let plain = s.verify_audit().unwrap();
    assert_eq!((plain.problem, plain.entries), (None, 6), "on its own the shortened chain is consistent");

    let short = s.verify_audit_against(&expect(Some(kept_n), Some(&kept_hash))).unwrap();
    let p = short.problem.expect("shorter than kept");
    assert_eq!(p.kind, ProblemKind::KeptHead);
    assert_eq!(p.message, "the log is shorter than the head kept earlier: 6 entries now, 8 expected");
    let p = s.verify_audit_against(&expect(None, Some(&kept_hash))).unwrap().problem.expect("head gone");
    assert!(p.message.starts_with("no entry's hash is the head kept earlier"), "{}", p.message);
    let p = s.verify_audit_against(&expect(Some(5), Some(&kept_hash))).unwrap().problem.expect("differs");
    assert_eq!(p.message, "entry 5's hash differs from the head kept earlier (the log was rewritten)");
    assert!(s.verify_audit_against(&expect(Some(5), Some(&at5))).unwrap().problem.is_none());
    assert!(s.verify_audit_against(&expect(Some(6), None)).unwrap().problem.is_none());
}

/// The whole chain recomputed as plain SHA-256 (as if no key had ever been used) is
/// consistent on its own, but says it is not keyed, and a head kept earlier exposes it.
fn audit_downgrade_to_plain_chain(db: &TestDb) {
    eight_entries(&db.store);
    let (n, kept) = db.store.audit_head().unwrap();
    rewrite_plain(db, 1, |ev| ev.detail = "rewritten".into());
    let report = db.store.verify_audit().unwrap();
    assert_eq!((report.problem, report.keyed, report.legacy_entries), (None, false, 8));
    let against = db
        .store
        .verify_audit_against(&AuditExpectation { entries: Some(n), head: Some(kept) })
        .unwrap()
        .problem
        .expect("the kept head shows the rewrite");
    assert_eq!(against.seq, 8);
    assert!(against.message.contains("differs from the head kept earlier"));
}

/// (d) A chain written before the key existed is verified as it was written, then keyed
/// once by an `audit.rekey` entry; verification passes and covers both parts.
fn audit_legacy_chain_is_keyed_once(db: &TestDb) {
    let s = &db.store;
    let legacy_head = legacy_chain(db, 5);
    let before = s.verify_audit().unwrap();
    assert_eq!((before.problem, before.keyed, before.legacy_entries, before.entries), (None, false, 5, 5));

    let rekey = s
        .key_audit_chain(&steward_core::audit::format_time(jiff::Timestamp::now()))
        .unwrap()
        .expect("a legacy chain is keyed");
    assert_eq!(rekey.seq, 6);
    assert_eq!(rekey.event.action, REKEY_ACTION);
    assert_eq!(rekey.prev_hash, legacy_head);
    assert_eq!(rekey.event.outcome, "success");
    assert_eq!(rekey.event.detail, format!("legacy_entries=5 legacy_head={legacy_head} legacy_check=intact"));
    assert!(
        s.key_audit_chain(&steward_core::audit::format_time(jiff::Timestamp::now())).unwrap().is_none(),
        "only once"
    );
    assert!(
        db.reopen().key_audit_chain(&steward_core::audit::format_time(jiff::Timestamp::now())).unwrap().is_none(),
        "also from another store"
    );

    s.audit(&event("subject.view", "subject", "after")).unwrap();
    let report = s.verify_audit().unwrap();
    assert_eq!((report.problem, report.keyed, report.legacy_entries, report.entries), (None, true, 5, 7));
    // A head kept before the keying is still found.
    let kept = s.verify_audit_against(&AuditExpectation { entries: Some(5), head: Some(legacy_head) }).unwrap();
    assert_eq!((kept.problem, kept.kept_head_seq), (None, Some(5)));

    // A legacy chain that does not verify is keyed all the same, and says so.
    let other = db.fresh();
    legacy_chain(&other, 3);
    other.raw().exec("UPDATE audit_log SET detail = 'changed' WHERE seq = 2");
    let rekey =
        other.store.key_audit_chain(&steward_core::audit::format_time(jiff::Timestamp::now())).unwrap().expect("keyed");
    assert_eq!(rekey.event.outcome, "failure");
    assert!(rekey.event.detail.ends_with("legacy_check=broken_at=2"), "{}", rekey.event.detail);
    assert_eq!(other.store.verify_audit().unwrap().problem.expect("still broken").seq, 2);
}

/// The first append to a legacy chain keys it first, in the same transaction.
fn audit_legacy_chain_keyed_by_first_append(db: &TestDb) {
    let s = &db.store;
    legacy_chain(db, 4);
    let rec = s.audit(&event("backup.restore", "backup", "")).unwrap();
    assert_eq!(rec.seq, 6, "entry 5 keyed the chain");
    let all = all_entries(s);
    assert_eq!(all[4].event.action, REKEY_ACTION);
    let report = s.verify_audit().unwrap();
    assert_eq!((report.problem, report.legacy_entries, report.entries), (None, 4, 6));
}

/// Once keyed, the legacy part cannot be rewritten either: the rekey entry's MAC covers
/// its head.
fn audit_legacy_part_cannot_be_rewritten(db: &TestDb) {
    let s = &db.store;
    legacy_chain(db, 5);
    s.key_audit_chain(&steward_core::audit::format_time(jiff::Timestamp::now())).unwrap();
    s.audit(&event("subject.view", "subject", "after")).unwrap();
    // Rewrite entry 2 and recompute the legacy hashes, then relink the rekey entry.
    let all = all_entries(s);
    let mut prev = all[0].hash.clone();
    let mut sql = String::new();
    for r in &all[1..5] {
        let mut ev = r.event.clone();
        if r.seq == 2 {
            ev.detail = "rewritten".into();
        }
        let hash = chain_hash(&prev, &canonical(r.seq, &ev));
        sql.push_str(&format!(
            "UPDATE audit_log SET detail = {}, prev_hash = {}, hash = {} WHERE seq = {};\n",
            sql_text(&ev.detail),
            sql_text(&prev),
            sql_text(&hash),
            r.seq
        ));
        prev = hash;
    }
    sql.push_str(&format!("UPDATE audit_log SET prev_hash = {} WHERE seq = 6;", sql_text(&prev)));
    db.raw().exec(&sql);
    let problem = s.verify_audit().unwrap().problem.expect("the rewrite is found");
    assert_eq!(problem.seq, 6, "the rekey entry no longer matches: {}", problem.message);
    assert!(problem.message.contains("altered"), "{}", problem.message);
}

/// (c) Verification works on a store opened read-only, which cannot write at all.
fn audit_verify_read_only(db: &TestDb) {
    eight_entries(&db.store);
    let (n, head) = db.store.audit_head().unwrap();
    let ro = db.open_read_only();
    let report = ro.verify_audit_against(&AuditExpectation { entries: Some(n), head: Some(head.clone()) }).unwrap();
    assert_eq!((report.problem, report.entries, report.kept_head_seq), (None, 8, Some(8)));
    assert!(ro.audit(&event("audit.verify", "audit", "chain")).is_err(), "a read-only store refuses writes");
    assert!(ro.put_settings(&[("org.name", "x")], None).is_err());
    assert_eq!(ro.audit_head().unwrap(), (n, head.clone()));
    assert_eq!(db.store.audit_head().unwrap(), (n, head), "nothing was written");
    // A legacy chain is not keyed by a read-only store.
    let other = db.fresh();
    legacy_chain(&other, 2);
    let ro = other.open_read_only();
    assert!(ro.key_audit_chain(&steward_core::audit::format_time(jiff::Timestamp::now())).is_err());
    let report = ro.verify_audit().unwrap();
    assert_eq!((report.problem, report.keyed, report.entries), (None, false, 2));
    assert_eq!(head_seq(&other.store), 2);
}

// Concurrent writers never fork the chain

fn concurrent_audit_appends(db: &TestDb) {
    const THREADS: usize = 4;
    const PER_THREAD: usize = 50;
    let other = db.reopen();
    let stores = [&db.store, &other];
    let start = head_seq(&db.store);

    let mut seqs: Vec<i64> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let store = stores[t % stores.len()];
                scope.spawn(move || {
                    (0..PER_THREAD)
                        .map(|i| {
                            let mut ev = event("subject.view", "subject", &Uuid::new_v4().to_string());
                            ev.detail = format!("writer {t} entry {i}");
                            store.audit(&ev).expect("concurrent append").seq
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("writer thread")).collect()
    });

    let total = (THREADS * PER_THREAD) as i64;
    seqs.sort_unstable();
    assert_eq!(seqs, ((start + 1)..=(start + total)).collect::<Vec<_>>(), "every append got its own seq");
    assert_eq!(head_seq(&db.store), start + total);
    assert_eq!(db.store.audit_head().unwrap(), other.audit_head().unwrap());
    assert_clean(&db.store);
    assert_clean(&other);
}
