//! Subjects: insert, get, look-up, paging and counts; updates that replace index entries
//! (stale writes refused); erasure by crypto-shredding; a failing operation leaving
//! nothing behind; and links between people.

use super::*;

on_both_backends!(subjects, update_subject, erase_subject, failed_insert_is_atomic, links);

// Subjects: insert, get, look-up, paging, counts

fn subjects(db: &TestDb) {
    let s = &db.store;
    assert_eq!(s.category_counts().unwrap(), BTreeMap::new());
    assert!(s.list_subjects(None, 10).unwrap().is_empty());

    let rows = vec![
        sealed_row(&PEOPLE[0], &at(1, 9), &["tenant"]),
        sealed_row(&PEOPLE[1], &at(2, 9), &["tenant", "volunteer"]),
        // Same creation time as the previous one: the id breaks the tie when paging.
        sealed_row(&PEOPLE[2], &at(2, 9), &["staff"]),
        sealed_row(&PEOPLE[3], &at(3, 9), &["volunteer"]),
        sealed_row(&PEOPLE[4], &at(4, 9), &[]),
    ];
    let head0 = head_seq(s);
    insert(s, &rows[..2]);
    insert(s, &rows[2..]);
    assert_eq!(head_seq(s), head0 + 5, "one audit entry per created subject");

    for r in &rows {
        assert_eq!(found(s, &r.id), *r, "subject {} reads back byte for byte", r.id);
    }
    assert!(matches!(s.subject(&Uuid::new_v4().to_string()).unwrap(), SubjectLookup::NotFound));

    // Blind-index look-ups.
    assert_eq!(s.find_by_index(&email_hash(PEOPLE[2].email), 10).unwrap(), vec![rows[2].id.clone()]);
    assert_eq!(s.find_by_index(&name_hash(PEOPLE[3].name), 10).unwrap(), vec![rows[3].id.clone()]);
    let household = vec![rows[0].id.clone(), rows[1].id.clone()];
    assert_eq!(s.find_by_index(&postcode_hash("LS6 2AB"), 10).unwrap(), household, "oldest first");
    assert_eq!(
        s.find_by_index(&postcode_hash("LS6 2AB"), 1).unwrap(),
        vec![household[0].clone()],
        "the limit is respected"
    );
    assert!(s.find_by_index(&email_hash("nobody@example.org"), 10).unwrap().is_empty());
    assert!(s.find_by_index(&[0u8; 16], 10).unwrap().is_empty());

    // Several by id: in the order asked, unknown ids skipped.
    let got = s.subjects_by_ids(&[rows[3].id.clone(), Uuid::new_v4().to_string(), rows[0].id.clone()]).unwrap();
    assert_eq!(got, vec![rows[3].clone(), rows[0].clone()]);
    assert!(s.subjects_by_ids(&[]).unwrap().is_empty());

    // Paging newest first with the (created_at, id) cursor.
    let mut expected: Vec<&SubjectRow> = rows.iter().collect();
    expected.sort_by(|a, b| (&b.created_at, &b.id).cmp(&(&a.created_at, &a.id)));
    let mut seen = Vec::new();
    let mut page_sizes = Vec::new();
    let mut cursor: Option<(String, String)> = None;
    loop {
        let page = s.list_subjects(cursor.as_ref().map(|(a, i)| (a.as_str(), i.as_str())), 2).unwrap();
        if page.is_empty() {
            break;
        }
        page_sizes.push(page.len());
        for p in &page {
            let r = rows.iter().find(|r| r.id == p.id).expect("listed subject exists");
            assert_eq!(p.created_at, r.created_at);
            assert_eq!(p.categories, r.categories);
        }
        let last = page.last().unwrap();
        cursor = Some((last.created_at.clone(), last.id.clone()));
        seen.extend(page.into_iter().map(|p| p.id));
    }
    assert_eq!(page_sizes, vec![2, 2, 1]);
    assert_eq!(seen, expected.iter().map(|r| r.id.clone()).collect::<Vec<_>>());

    // Category counts, with '*' for everyone.
    assert_eq!(s.category_counts().unwrap(), counts(&[("*", 5), ("tenant", 2), ("volunteer", 2), ("staff", 1)]));

    // Counts follow an update (Harry stops volunteering, becomes staff)…
    let mut harry = rows[1].clone();
    harry.categories = vec!["tenant".into(), "staff".into()];
    harry.updated_at = at(5, 10);
    s.update_subject(&harry, &rows[1].updated_at, &event("subject.update", "subject", &harry.id)).unwrap();
    assert_eq!(s.category_counts().unwrap(), counts(&[("*", 5), ("tenant", 2), ("volunteer", 1), ("staff", 2)]));

    // …and an erasure (George, the last volunteer, is erased: the category disappears).
    s.erase_subject(&tombstone_for(&rows[3].id, &at(6, 11)), &event("subject.erase", "subject", &rows[3].id)).unwrap();
    assert_eq!(s.category_counts().unwrap(), counts(&[("*", 4), ("tenant", 2), ("staff", 2)]));
    assert_eq!(all_subject_ids(s).len(), 4);
}

// Updates replace index entries; stale writes are refused

fn update_subject(db: &TestDb) {
    let s = &db.store;
    let row = sealed_row(&PEOPLE[0], &at(1, 9), &["tenant"]);
    let neighbour = sealed_row(&PEOPLE[1], &at(1, 10), &["tenant"]);
    insert(s, &[row.clone(), neighbour.clone()]);

    // Olivia changes her email address and becomes a volunteer too.
    let ring = keyring();
    let dk = DataKey::generate().unwrap();
    let mut new = row.clone();
    new.updated_at = at(2, 14);
    new.categories = vec!["tenant".into(), "volunteer".into()];
    new.wrapped_key = ring.wrap(&dk, &row.id).unwrap();
    new.data = dk.seal(row.id.as_bytes(), br#"{"name":"Olivia Bennett","email":"o.bennett@example.com"}"#).unwrap();
    new.index_hashes =
        vec![email_hash("o.bennett@example.com"), postcode_hash(PEOPLE[0].postcode), name_hash(PEOPLE[0].name)];
    let head0 = head_seq(s);
    s.update_subject(&new, &row.updated_at, &event("subject.update", "subject", &row.id)).unwrap();
    assert_eq!(head_seq(s), head0 + 1);

    assert_eq!(found(s, &row.id), new);
    assert!(s.find_by_index(&email_hash(PEOPLE[0].email), 10).unwrap().is_empty(), "the old email no longer finds her");
    assert_eq!(s.find_by_index(&email_hash("o.bennett@example.com"), 10).unwrap(), vec![row.id.clone()]);
    assert_eq!(
        sorted(s.find_by_index(&postcode_hash(PEOPLE[0].postcode), 10).unwrap()),
        sorted(vec![row.id.clone(), neighbour.id.clone()]),
        "an index entry kept across the update still works, and the neighbour's is untouched"
    );
    assert_eq!(s.category_counts().unwrap(), counts(&[("*", 2), ("tenant", 2), ("volunteer", 1)]));

    // A write based on the old version (stale updated_at) is refused and changes nothing.
    let before = snapshot(s);
    let mut stale = new.clone();
    stale.updated_at = at(3, 8);
    stale.categories = vec!["staff".into()];
    stale.data = vec![0xde, 0xad, 0xbe, 0xef];
    stale.index_hashes = vec![email_hash("olivia@example.net")];
    match s.update_subject(&stale, &row.updated_at, &event("subject.update", "subject", &row.id)) {
        Err(StoreError::Conflict(_)) => {}
        other => panic!("a stale update must be a Constraint error, got {other:?}"),
    }
    assert_eq!(snapshot(s), before, "a refused update changes nothing, audit included");
    assert!(s.find_by_index(&email_hash("olivia@example.net"), 10).unwrap().is_empty());
    assert_eq!(s.find_by_index(&email_hash("o.bennett@example.com"), 10).unwrap(), vec![row.id.clone()]);

    // The same change against the current version goes through.
    s.update_subject(&stale, &new.updated_at, &event("subject.update", "subject", &row.id)).unwrap();
    assert_eq!(found(s, &row.id), stale);
    assert_eq!(s.category_counts().unwrap(), counts(&[("*", 2), ("tenant", 1), ("staff", 1)]));

    // Unknown and erased subjects.
    let mut ghost = sealed_row(&PEOPLE[2], &at(1, 9), &["staff"]);
    let head1 = head_seq(s);
    match s.update_subject(&ghost, &ghost.updated_at, &event("subject.update", "subject", &ghost.id)) {
        Err(StoreError::NotFound(_)) => {}
        other => panic!("updating an unknown subject must be NotFound, got {other:?}"),
    }
    let t = tombstone_for(&neighbour.id, &at(4, 9));
    s.erase_subject(&t, &event("subject.erase", "subject", &neighbour.id)).unwrap();
    ghost.id = neighbour.id.clone();
    let head2 = head_seq(s);
    assert_eq!(head2, head1 + 1);
    match s.update_subject(&ghost, &neighbour.updated_at, &event("subject.update", "subject", &ghost.id)) {
        Err(StoreError::Gone(g)) => assert_eq!(*g, t),
        other => panic!("updating an erased subject must be Gone, got {other:?}"),
    }
    assert_eq!(head_seq(s), head2);
}

// Erasure by crypto-shredding

fn erase_subject(db: &TestDb) {
    let s = &db.store;
    let olivia = sealed_row(&PEOPLE[0], &at(1, 9), &["tenant"]);
    let harry = sealed_row(&PEOPLE[1], &at(1, 10), &["tenant"]);
    let amelia = sealed_row(&PEOPLE[2], &at(1, 11), &["staff"]);
    insert(s, &[olivia.clone(), harry.clone(), amelia.clone()]);
    s.add_link(&link(&olivia, &harry, "parent_of", &at(1, 12)), &event("subject.link", "subject", &olivia.id)).unwrap();
    s.add_link(&link(&amelia, &olivia, "household", &at(1, 13)), &event("subject.link", "subject", &amelia.id))
        .unwrap();

    let t = tombstone_for(&olivia.id, &at(2, 9));
    let head0 = head_seq(s);
    s.erase_subject(&t, &event("subject.erase", "subject", &olivia.id)).unwrap();
    assert_eq!(head_seq(s), head0 + 1, "the erasure is audited");

    match s.subject(&olivia.id).unwrap() {
        SubjectLookup::Erased(got) => assert_eq!(got, t),
        other => panic!("an erased subject must read as Erased, got {other:?}"),
    }
    assert_eq!(s.tombstone(&olivia.id).unwrap(), Some(t.clone()));
    assert_eq!(s.tombstones().unwrap(), vec![t.clone()]);

    // Index entries and links are gone; the neighbour's shared postcode entry is kept.
    assert!(s.find_by_index(&email_hash(PEOPLE[0].email), 10).unwrap().is_empty());
    assert!(s.find_by_index(&name_hash(PEOPLE[0].name), 10).unwrap().is_empty());
    assert_eq!(s.find_by_index(&postcode_hash(PEOPLE[0].postcode), 10).unwrap(), vec![harry.id.clone()]);
    assert!(s.links_of(&olivia.id).unwrap().is_empty());
    assert!(s.links_of(&harry.id).unwrap().is_empty());
    assert!(s.links_of(&amelia.id).unwrap().is_empty());
    let mut raw = db.raw();
    let oid = &olivia.id;
    assert_eq!(raw.count(&format!("SELECT COUNT(*) FROM subjects WHERE id = '{oid}'")), 0);
    assert_eq!(
        raw.count(&format!(
            "SELECT COUNT(*) FROM subject_index i JOIN subjects s ON s.num = i.num WHERE s.id = '{oid}'"
        )),
        0
    );
    assert_eq!(raw.count(&format!("SELECT COUNT(*) FROM subject_links WHERE from_id = '{oid}' OR to_id = '{oid}'")), 0);
    assert_eq!(s.subjects_by_ids(&[olivia.id.clone(), harry.id.clone()]).unwrap(), vec![harry.clone()]);
    assert_eq!(s.category_counts().unwrap(), counts(&[("*", 2), ("tenant", 1), ("staff", 1)]));

    // A second erasure is Gone, with the original tombstone, and changes nothing.
    let head1 = head_seq(s);
    match s.erase_subject(&tombstone_for(&olivia.id, &at(3, 9)), &event("subject.erase", "subject", &olivia.id)) {
        Err(StoreError::Gone(g)) => assert_eq!(*g, t),
        other => panic!("erasing twice must be Gone, got {other:?}"),
    }
    assert_eq!(s.tombstones().unwrap(), vec![t.clone()]);
    assert_eq!(head_seq(s), head1);

    // Erasing an unknown id is NotFound, with no tombstone and no audit entry.
    let unknown = Uuid::new_v4().to_string();
    match s.erase_subject(&tombstone_for(&unknown, &at(3, 9)), &event("subject.erase", "subject", &unknown)) {
        Err(StoreError::NotFound(_)) => {}
        other => panic!("erasing an unknown subject must be NotFound, got {other:?}"),
    }
    assert_eq!(s.tombstone(&unknown).unwrap(), None);
    assert!(matches!(s.subject(&unknown).unwrap(), SubjectLookup::NotFound));
    assert_eq!(s.tombstones().unwrap(), vec![t.clone()]);
    assert_eq!(head_seq(s), head1);

    // Re-applying an erasure: changes things once, then is a no-op.
    let ta = tombstone_for(&amelia.id, &at(4, 9));
    assert!(s.reapply_erasure(&ta, &event("subject.erase", "subject", &amelia.id)).unwrap());
    assert_eq!(head_seq(s), head1 + 1);
    assert!(matches!(s.subject(&amelia.id).unwrap(), SubjectLookup::Erased(ref g) if *g == ta));
    assert!(s.find_by_index(&email_hash(PEOPLE[2].email), 10).unwrap().is_empty());
    assert!(!s.reapply_erasure(&ta, &event("subject.erase", "subject", &amelia.id)).unwrap());
    assert_eq!(head_seq(s), head1 + 1, "a no-op re-application is not audited");
    // Re-applying an erasure already recorded here (Olivia) changes nothing either.
    assert!(!s.reapply_erasure(&t, &event("subject.erase", "subject", &olivia.id)).unwrap());
    assert_eq!(s.category_counts().unwrap(), counts(&[("*", 1), ("tenant", 1)]));
    assert_eq!(s.tombstones().unwrap().len(), 2);
    assert_clean(s);
}

// A failing operation leaves nothing behind

fn failed_insert_is_atomic(db: &TestDb) {
    let s = &db.store;
    let existing = sealed_row(&PEOPLE[4], &at(1, 9), &["staff"]);
    insert(s, std::slice::from_ref(&existing));
    let before = snapshot(s);
    let mut raw = db.raw();
    let index_rows = raw.count("SELECT COUNT(*) FROM subject_index");

    // Two rows with the same id in one call.
    let first = sealed_row(&PEOPLE[0], &at(2, 9), &["tenant"]);
    let mut second = sealed_row(&PEOPLE[1], &at(2, 9), &["volunteer"]);
    second.id = first.id.clone();
    match s.insert_subjects(&[first.clone(), second.clone()], &[created(&first.id), created(&second.id)]) {
        Err(StoreError::Constraint(_)) => {}
        other => panic!("a duplicate id must be a Constraint error, got {other:?}"),
    }
    assert!(matches!(s.subject(&first.id).unwrap(), SubjectLookup::NotFound));
    assert!(s.find_by_index(&email_hash(PEOPLE[0].email), 10).unwrap().is_empty());
    assert!(s.find_by_index(&email_hash(PEOPLE[1].email), 10).unwrap().is_empty());
    assert_eq!(raw.count("SELECT COUNT(*) FROM subject_index"), index_rows);
    assert_eq!(snapshot(s), before, "no rows, no stats and no audit entries");

    // A new row together with one clashing with an existing subject.
    let fresh = sealed_row(&PEOPLE[2], &at(3, 9), &["staff"]);
    let mut clash = sealed_row(&PEOPLE[3], &at(3, 9), &["tenant"]);
    clash.id = existing.id.clone();
    match s.insert_subjects(&[fresh.clone(), clash.clone()], &[created(&fresh.id), created(&clash.id)]) {
        Err(StoreError::Constraint(_)) => {}
        other => panic!("an id clash must be a Constraint error, got {other:?}"),
    }
    assert!(matches!(s.subject(&fresh.id).unwrap(), SubjectLookup::NotFound));
    assert_eq!(found(s, &existing.id), existing);
    assert_eq!(raw.count("SELECT COUNT(*) FROM subject_index"), index_rows);
    assert_eq!(snapshot(s), before);
    assert_clean(s);
}

// Links

fn links(db: &TestDb) {
    let s = &db.store;
    let mum = sealed_row(&PEOPLE[0], &at(1, 9), &["tenant"]);
    let son = sealed_row(&PEOPLE[1], &at(1, 10), &["tenant"]);
    let lodger = sealed_row(&PEOPLE[2], &at(1, 11), &["tenant"]);
    insert(s, &[mum.clone(), son.clone(), lodger.clone()]);
    let nobody = sealed_row(&PEOPLE[3], &at(1, 12), &[]);

    let head0 = head_seq(s);
    for l in [link(&mum, &nobody, "parent_of", &at(2, 9)), link(&nobody, &son, "parent_of", &at(2, 9))] {
        match s.add_link(&l, &event("subject.link", "subject", &l.from_id)) {
            Err(StoreError::NotFound(_)) => {}
            other => panic!("linking to an unknown subject must be NotFound, got {other:?}"),
        }
    }
    assert!(s.links_of(&mum.id).unwrap().is_empty());
    assert_eq!(head_seq(s), head0);

    let parent = link(&mum, &son, "parent_of", &at(2, 9));
    let house1 = link(&mum, &son, "household", &at(2, 10));
    let house2 = link(&lodger, &mum, "household", &at(2, 11));
    for l in [&parent, &house1, &house2] {
        s.add_link(l, &event("subject.link", "subject", &l.from_id)).unwrap();
    }
    assert_eq!(head_seq(s), head0 + 3);
    match s.add_link(&link(&mum, &son, "parent_of", &at(3, 9)), &event("subject.link", "subject", &mum.id)) {
        Err(StoreError::Conflict(_)) => {}
        other => panic!("a duplicate link must be a Constraint error, got {other:?}"),
    }
    assert_eq!(head_seq(s), head0 + 3);

    assert_eq!(s.links_of(&mum.id).unwrap(), vec![parent.clone(), house1.clone(), house2.clone()]);
    assert_eq!(s.links_of(&son.id).unwrap(), vec![parent.clone(), house1.clone()]);
    assert_eq!(s.links_of(&lodger.id).unwrap(), vec![house2.clone()]);

    s.remove_link(&mum.id, &son.id, "household", &event("subject.unlink", "subject", &mum.id)).unwrap();
    assert_eq!(head_seq(s), head0 + 4);
    assert_eq!(s.links_of(&son.id).unwrap(), vec![parent.clone()]);
    assert_eq!(s.links_of(&mum.id).unwrap(), vec![parent.clone(), house2.clone()]);
    match s.remove_link(&mum.id, &son.id, "household", &event("subject.unlink", "subject", &mum.id)) {
        Err(StoreError::NotFound(_)) => {}
        other => panic!("removing a missing link must be NotFound, got {other:?}"),
    }
    // Direction matters: the lodger→mum link is not a mum→lodger link.
    match s.remove_link(&mum.id, &lodger.id, "household", &event("subject.unlink", "subject", &mum.id)) {
        Err(StoreError::NotFound(_)) => {}
        other => panic!("removing a reversed link must be NotFound, got {other:?}"),
    }
    assert_eq!(head_seq(s), head0 + 4);
    assert_clean(s);
}
