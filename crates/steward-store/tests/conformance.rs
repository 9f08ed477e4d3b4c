//! Storage conformance suite: every scenario runs against SQLite and, when
//! `STEWARD_TEST_POSTGRES_URL` is set, against PostgreSQL, so both backends behave alike.
//!
//! Each scenario is a function taking a [`TestDb`] (a fresh database with a [`Store`]
//! open on it, plus helpers to reopen it, reach it through a raw connection, or make
//! another fresh database of the same backend). The `conformance!` macro turns each
//! scenario into two tests, `sqlite_<scenario>` and `postgres_<scenario>`.
//!
//! All personal data below is fictional.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use steward_core::audit::{AuditEvent, AuditRecord, GENESIS_HASH, canonical};
use steward_crypto::{DataKey, Keyring, MasterKey, chain_hash};
use steward_store::{
    AuditExpectation, AuditFilter, BackendKind, BackupItem, LinkRow, ProblemKind, REKEY_ACTION, RequestEventRow,
    RequestFilter, RequestRow, Store, StoreError, SubjectLookup, SubjectRow, SubmissionRow, SubmissionSummary,
    TokenRow, Tombstone, schema,
};
use uuid::Uuid;

const PG_URL_VAR: &str = "STEWARD_TEST_POSTGRES_URL";

// ---------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------

/// Where a test database lives. Dropping it removes it (the temporary directory, or
/// the PostgreSQL schema).
enum Place {
    Sqlite { _dir: tempfile::TempDir, path: PathBuf },
    Postgres { url: String, schema: String },
}

impl Drop for Place {
    fn drop(&mut self) {
        if let Place::Postgres { url, schema } = self {
            match postgres::Client::connect(url, postgres::NoTls) {
                Ok(mut c) => {
                    if let Err(e) = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE")) {
                        eprintln!("warning: could not drop test schema {schema}: {e}");
                    }
                }
                Err(e) => eprintln!("warning: could not connect to drop test schema {schema}: {e}"),
            }
        }
    }
}

/// A fresh database with a store open on it. Fields drop in order: the store (and its
/// connections) first, then the place.
struct TestDb {
    store: Store,
    place: Place,
}

impl TestDb {
    fn sqlite() -> Self {
        let dir = tempfile::TempDir::new().expect("temporary directory");
        let path = dir.path().join("steward.db");
        let store = Store::open_sqlite(&path).expect("open SQLite store").with_audit_key(audit_key());
        Self { store, place: Place::Sqlite { _dir: dir, path } }
    }

    fn postgres(url: &str) -> Self {
        let schema = format!("t_{}", Uuid::new_v4().simple());
        let place = Place::Postgres { url: url.to_string(), schema: schema.clone() };
        let store =
            Store::open_postgres(url, Some(&schema)).expect("open PostgreSQL store").with_audit_key(audit_key());
        Self { store, place }
    }

    /// Another fresh, empty database of the same backend.
    fn fresh(&self) -> Self {
        match &self.place {
            Place::Sqlite { .. } => Self::sqlite(),
            Place::Postgres { url, .. } => Self::postgres(url),
        }
    }

    /// Open a second, independent store on the same database.
    fn try_reopen(&self) -> Result<Store, StoreError> {
        match &self.place {
            Place::Sqlite { path, .. } => Store::open_sqlite(path),
            Place::Postgres { url, schema } => Store::open_postgres(url, Some(schema)),
        }
        .map(|s| s.with_audit_key(audit_key()))
    }

    /// Open the same database read-only (nothing migrated, nothing writable).
    fn open_read_only(&self) -> Store {
        match &self.place {
            Place::Sqlite { path, .. } => Store::open_sqlite_read_only(path),
            Place::Postgres { url, schema } => Store::open_postgres_read_only(url, Some(schema)),
        }
        .expect("open read-only")
        .with_audit_key(audit_key())
    }

    fn reopen(&self) -> Store {
        match self.try_reopen() {
            Ok(s) => s,
            Err(e) => panic!("reopening the database failed: {e:?}"),
        }
    }

    /// A raw connection to the same database, bypassing the store (for tampering).
    fn raw(&self) -> Raw {
        match &self.place {
            Place::Sqlite { path, .. } => {
                let c = rusqlite::Connection::open(path).expect("raw SQLite connection");
                c.busy_timeout(std::time::Duration::from_secs(10)).expect("busy timeout");
                Raw::Sqlite(c)
            }
            Place::Postgres { url, schema } => {
                let mut c = postgres::Client::connect(url, postgres::NoTls).expect("raw PostgreSQL connection");
                c.batch_execute(&format!("SET search_path TO {schema}")).expect("search_path");
                Raw::Postgres(Box::new(c))
            }
        }
    }
}

enum Raw {
    Sqlite(rusqlite::Connection),
    Postgres(Box<postgres::Client>),
}

impl Raw {
    fn exec(&mut self, sql: &str) {
        match self {
            Raw::Sqlite(c) => c.execute_batch(sql).expect("raw SQLite statement"),
            Raw::Postgres(c) => c.batch_execute(sql).expect("raw PostgreSQL statement"),
        }
    }

    /// Run a `SELECT COUNT(*) …` and return the count.
    fn count(&mut self, sql: &str) -> i64 {
        match self {
            Raw::Sqlite(c) => c.query_row(sql, [], |r| r.get::<_, i64>(0)).expect("raw SQLite count"),
            Raw::Postgres(c) => c.query_one(sql, &[]).expect("raw PostgreSQL count").get::<_, i64>(0),
        }
    }
}

fn run_sqlite(scenario: fn(&TestDb)) {
    let db = TestDb::sqlite();
    assert_eq!(db.store.kind(), BackendKind::Sqlite);
    scenario(&db);
}

fn postgres_url() -> Option<String> {
    std::env::var(PG_URL_VAR).ok().filter(|u| !u.trim().is_empty())
}

fn run_postgres(scenario: fn(&TestDb)) {
    let Some(url) = postgres_url() else {
        eprintln!("NOTICE: {PG_URL_VAR} not set; PostgreSQL conformance skipped");
        return;
    };
    let db = TestDb::postgres(&url);
    assert_eq!(db.store.kind(), BackendKind::Postgres);
    scenario(&db);
}

macro_rules! conformance {
    ($($scenario:ident => $sqlite:ident, $postgres:ident;)*) => {
        $(
            #[test]
            fn $sqlite() {
                run_sqlite($scenario);
            }

            #[test]
            fn $postgres() {
                run_postgres($scenario);
            }
        )*
    };
}

conformance! {
    migrations => sqlite_migrations, postgres_migrations;
    subjects => sqlite_subjects, postgres_subjects;
    update_subject => sqlite_update_subject, postgres_update_subject;
    erase_subject => sqlite_erase_subject, postgres_erase_subject;
    failed_insert_is_atomic => sqlite_failed_insert_is_atomic, postgres_failed_insert_is_atomic;
    audit_chain => sqlite_audit_chain, postgres_audit_chain;
    audit_tamper_altered => sqlite_audit_tamper_altered, postgres_audit_tamper_altered;
    audit_tamper_deleted_middle => sqlite_audit_tamper_deleted_middle, postgres_audit_tamper_deleted_middle;
    audit_tamper_swapped => sqlite_audit_tamper_swapped, postgres_audit_tamper_swapped;
    audit_tamper_deleted_last => sqlite_audit_tamper_deleted_last, postgres_audit_tamper_deleted_last;
    audit_tamper_head => sqlite_audit_tamper_head, postgres_audit_tamper_head;
    concurrent_audit_appends => sqlite_concurrent_audit_appends, postgres_concurrent_audit_appends;
    audit_entries_are_keyed => sqlite_audit_entries_are_keyed, postgres_audit_entries_are_keyed;
    audit_rewrite_with_plain_hashes => sqlite_audit_rewrite_with_plain_hashes, postgres_audit_rewrite_with_plain_hashes;
    audit_cut_short_against_kept_head => sqlite_audit_cut_short_against_kept_head, postgres_audit_cut_short_against_kept_head;
    audit_downgrade_to_plain_chain => sqlite_audit_downgrade_to_plain_chain, postgres_audit_downgrade_to_plain_chain;
    audit_legacy_chain_is_keyed_once => sqlite_audit_legacy_chain_is_keyed_once, postgres_audit_legacy_chain_is_keyed_once;
    audit_legacy_chain_keyed_by_first_append => sqlite_audit_legacy_chain_keyed_by_first_append, postgres_audit_legacy_chain_keyed_by_first_append;
    audit_legacy_part_cannot_be_rewritten => sqlite_audit_legacy_part_cannot_be_rewritten, postgres_audit_legacy_part_cannot_be_rewritten;
    audit_verify_read_only => sqlite_audit_verify_read_only, postgres_audit_verify_read_only;
    tokens => sqlite_tokens, postgres_tokens;
    settings => sqlite_settings, postgres_settings;
    backup_round_trip => sqlite_backup_round_trip, postgres_backup_round_trip;
    backup_bad_import_changes_nothing => sqlite_backup_bad_import_changes_nothing, postgres_backup_bad_import_changes_nothing;
    backup_export_is_a_snapshot => sqlite_backup_export_is_a_snapshot, postgres_backup_export_is_a_snapshot;
    restore_then_reapply_erasure => sqlite_restore_then_reapply_erasure, postgres_restore_then_reapply_erasure;
    links => sqlite_links, postgres_links;
    public_submissions => sqlite_public_submissions, postgres_public_submissions;
    rate_limits => sqlite_rate_limits, postgres_rate_limits;
    concurrent_rate_limit_hits => sqlite_concurrent_rate_limit_hits, postgres_concurrent_rate_limit_hits;
    users_and_sessions => sqlite_users_and_sessions, postgres_users_and_sessions;
    requests_insert_and_read => sqlite_requests_insert_and_read, postgres_requests_insert_and_read;
    request_references => sqlite_request_references, postgres_request_references;
    concurrent_request_references => sqlite_concurrent_request_references, postgres_concurrent_request_references;
    request_events => sqlite_request_events, postgres_request_events;
    stale_request_event => sqlite_stale_request_event, postgres_stale_request_event;
    list_requests => sqlite_list_requests, postgres_list_requests;
    request_about_erased_subject => sqlite_request_about_erased_subject, postgres_request_about_erased_subject;
    backup_requests_round_trip => sqlite_backup_requests_round_trip, postgres_backup_requests_round_trip;
    backup_truncated_keeps_requests => sqlite_backup_truncated_keeps_requests, postgres_backup_truncated_keeps_requests;
    suppressions => sqlite_suppressions, postgres_suppressions;
    request_facts => sqlite_request_facts, postgres_request_facts;
    job_leases => sqlite_job_leases, postgres_job_leases;
    concurrent_job_leases => sqlite_concurrent_job_leases, postgres_concurrent_job_leases;
    job_runs_reminders_and_feeds => sqlite_job_runs_reminders_and_feeds, postgres_job_runs_reminders_and_feeds;
}

// ---------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------

struct Person {
    name: &'static str,
    email: &'static str,
    postcode: &'static str,
}

/// Fictional people; the first two share a household (and a postcode).
const PEOPLE: &[Person] = &[
    Person { name: "Olivia Bennett", email: "olivia.bennett@example.org", postcode: "LS6 2AB" },
    Person { name: "Harry Patel", email: "harry.patel@example.co.uk", postcode: "LS6 2AB" },
    Person { name: "Amelia Hughes", email: "amelia.hughes@example.net", postcode: "CF10 1EP" },
    Person { name: "George O'Connor", email: "g.oconnor@example.org", postcode: "BT7 1NN" },
    Person { name: "Isla Campbell", email: "isla.campbell@example.org", postcode: "EH1 1YZ" },
];

/// A fixed, fictional master key so blind-index hashes are stable within a run.
fn keyring() -> Keyring {
    MasterKey::parse("5f0c3e6a9b1d2f4e7a8c0b1d3e5f7a9c2b4d6e8f0a1c3e5b7d9f1a2c4e6b8d0f")
        .expect("test master key")
        .keyring()
}

/// The audit chain's key under the fixed test master key.
fn audit_key() -> steward_crypto::AuditKey {
    keyring().audit_key()
}

fn email_hash(email: &str) -> [u8; 16] {
    keyring().blind_index("email", &email.to_lowercase())
}

fn postcode_hash(postcode: &str) -> [u8; 16] {
    keyring().blind_index("postcode", &postcode.replace(' ', "").to_uppercase())
}

fn name_hash(name: &str) -> [u8; 16] {
    keyring().blind_index("name", &name.to_lowercase())
}

/// A timestamp in March 2026 in the stored format.
fn at(day: u32, hour: u32) -> String {
    format!("2026-03-{day:02}T{hour:02}:00:00.000000Z")
}

/// A sealed subject row for `p`, as the application layer would build it.
fn sealed_row(p: &Person, created_at: &str, categories: &[&str]) -> SubjectRow {
    let ring = keyring();
    let id = Uuid::new_v4().to_string();
    let dk = DataKey::generate().expect("data key");
    let plain = format!(r#"{{"name":"{}","email":"{}","postcode":"{}"}}"#, p.name, p.email, p.postcode);
    SubjectRow {
        wrapped_key: ring.wrap(&dk, &id).expect("wrap"),
        data: dk.seal(id.as_bytes(), plain.as_bytes()).expect("seal"),
        id,
        created_at: created_at.to_string(),
        updated_at: created_at.to_string(),
        categories: categories.iter().map(|c| (*c).to_string()).collect(),
        index_hashes: vec![email_hash(p.email), postcode_hash(p.postcode), name_hash(p.name)],
    }
}

fn event(action: &str, object_type: &str, object_id: &str) -> AuditEvent {
    AuditEvent {
        at: steward_store::now(),
        actor: "cli".into(),
        action: action.into(),
        object_type: object_type.into(),
        object_id: object_id.into(),
        request_id: String::new(),
        outcome: "success".into(),
        detail: String::new(),
    }
}

fn created(id: &str) -> AuditEvent {
    event("subject.create", "subject", id)
}

fn tombstone_for(id: &str, erased_at: &str) -> Tombstone {
    Tombstone {
        subject_id: id.to_string(),
        erased_at: erased_at.to_string(),
        reason: "erasure_request".into(),
        actor: "user:3f2b9c1e".into(),
        request_ref: Some("DSR-2026-0042".into()),
    }
}

fn link(from: &SubjectRow, to: &SubjectRow, kind: &str, created_at: &str) -> LinkRow {
    LinkRow { from_id: from.id.clone(), to_id: to.id.clone(), kind: kind.into(), created_at: created_at.into() }
}

fn insert(s: &Store, rows: &[SubjectRow]) {
    let events: Vec<AuditEvent> = rows.iter().map(|r| created(&r.id)).collect();
    s.insert_subjects(rows, &events).expect("insert subjects");
}

fn found(s: &Store, id: &str) -> SubjectRow {
    match s.subject(id).expect("subject lookup") {
        SubjectLookup::Found(r) => r,
        other => panic!("subject {id} should be present, got {other:?}"),
    }
}

fn head_seq(s: &Store) -> i64 {
    s.audit_head().expect("audit head").0
}

fn counts(pairs: &[(&str, i64)]) -> BTreeMap<String, i64> {
    pairs.iter().map(|(k, v)| ((*k).to_string(), *v)).collect()
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

fn assert_clean(s: &Store) {
    let (seq, hash) = s.audit_head().expect("audit head");
    let report = s.verify_audit().expect("verify");
    assert_eq!(report.problem, None, "the audit log should verify");
    assert_eq!(report.entries, seq);
    assert_eq!(report.head_hash, hash);
}

/// Everything observable through the port, for before/after comparisons.
#[derive(Debug, PartialEq)]
struct Snapshot {
    subjects: Vec<SubjectRow>,
    links: BTreeMap<String, Vec<LinkRow>>,
    counts: BTreeMap<String, i64>,
    tombstones: Vec<Tombstone>,
    tokens: Vec<TokenRow>,
    settings: Vec<(String, String)>,
    submissions: Vec<SubmissionRow>,
    requests: Vec<(RequestRow, Vec<RequestEventRow>)>,
    audit_head: (i64, String),
}

fn all_subject_ids(s: &Store) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor: Option<(String, String)> = None;
    loop {
        let page = s.list_subjects(cursor.as_ref().map(|(a, i)| (a.as_str(), i.as_str())), 500).expect("list subjects");
        let Some(last) = page.last() else { break };
        cursor = Some((last.created_at.clone(), last.id.clone()));
        ids.extend(page.into_iter().map(|p| p.id));
    }
    ids
}

fn snapshot(s: &Store) -> Snapshot {
    let ids = all_subject_ids(s);
    let subjects = s.subjects_by_ids(&ids).expect("subjects by ids");
    let links = ids.iter().map(|id| (id.clone(), s.links_of(id).expect("links"))).collect();
    Snapshot {
        subjects,
        links,
        counts: s.category_counts().expect("counts"),
        tombstones: s.tombstones().expect("tombstones"),
        tokens: s.tokens().expect("tokens"),
        settings: s.settings().expect("settings"),
        submissions: all_submissions(s),
        requests: all_requests(s),
        audit_head: s.audit_head().expect("audit head"),
    }
}

/// Every public submission, newest first, in full.
fn all_submissions(s: &Store) -> Vec<SubmissionRow> {
    s.submissions(None, None, 0, 500)
        .expect("list submissions")
        .iter()
        .map(|summary| s.submission(&summary.id).expect("submission").expect("listed submission exists"))
        .collect()
}

/// Every request with its events, in the store's list order.
fn all_requests(s: &Store) -> Vec<(RequestRow, Vec<RequestEventRow>)> {
    s.requests(&RequestFilter { limit: 1000, ..Default::default() })
        .expect("list requests")
        .iter()
        .map(|q| s.request(&q.id).expect("request").expect("listed request exists"))
        .collect()
}

fn export_all(s: &Store) -> Vec<BackupItem> {
    let mut items = Vec::new();
    let n = s
        .export(&mut |item| {
            items.push(item);
            Ok(())
        })
        .expect("export");
    assert_eq!(n, items.len() as u64, "export reports the number of lines written");
    items
}

fn import_all(s: &Store, items: Vec<BackupItem>) -> Result<steward_store::backup::ImportSummary, StoreError> {
    s.import(&mut items.into_iter().map(Ok))
}

// ---------------------------------------------------------------------------------
// 1. Migrations
// ---------------------------------------------------------------------------------

fn migrations(db: &TestDb) {
    let s = &db.store;
    assert!(schema::latest_version() >= 1);
    assert_eq!(s.schema_version().unwrap(), schema::latest_version());

    let row = sealed_row(&PEOPLE[0], &at(1, 9), &["tenant"]);
    insert(s, std::slice::from_ref(&row));
    s.put_settings(&[("org.name", "Riverside Housing Association")], None).unwrap();

    // A second store on the same database: migrations are not re-applied, data is shared.
    let again = db.reopen();
    assert_eq!(again.kind(), s.kind());
    assert_eq!(again.schema_version().unwrap(), schema::latest_version());
    assert_eq!(found(&again, &row.id), row);
    assert_eq!(again.audit_head().unwrap(), s.audit_head().unwrap());
    assert_eq!(again.setting("org.name").unwrap().as_deref(), Some("Riverside Housing Association"));
    drop(again);
    let mut raw = db.raw();
    assert_eq!(
        raw.count("SELECT COUNT(*) FROM schema_migrations"),
        schema::MIGRATIONS.len() as i64,
        "each migration is recorded exactly once"
    );

    // A third open after the second was closed is still fine.
    let third = db.reopen();
    assert_eq!(third.schema_version().unwrap(), schema::latest_version());
    drop(third);

    // A database migrated by a newer Steward is refused rather than damaged.
    let newer = schema::latest_version() + 1;
    raw.exec(&format!(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES ({newer}, 'from a newer build', '2027-01-01T00:00:00.000000Z')"
    ));
    match db.try_reopen() {
        Err(StoreError::TooNew { found, known }) => {
            assert_eq!(found, newer);
            assert_eq!(known, schema::latest_version());
        }
        Err(e) => panic!("expected TooNew, got {e:?}"),
        Ok(_) => panic!("a database newer than this build must be refused"),
    }
}

// ---------------------------------------------------------------------------------
// 2. Subjects: insert, get, look-up, paging, counts
// ---------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------
// 3. Updates replace index entries; stale writes are refused
// ---------------------------------------------------------------------------------

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
        other => panic!("a stale update must be a Conflict, got {other:?}"),
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

// ---------------------------------------------------------------------------------
// 4. Erasure by crypto-shredding
// ---------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------
// 5. A failing operation leaves nothing behind
// ---------------------------------------------------------------------------------

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
        other => panic!("a duplicate id must be a Conflict, got {other:?}"),
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
        other => panic!("an id clash must be a Conflict, got {other:?}"),
    }
    assert!(matches!(s.subject(&fresh.id).unwrap(), SubjectLookup::NotFound));
    assert_eq!(found(s, &existing.id), existing);
    assert_eq!(raw.count("SELECT COUNT(*) FROM subject_index"), index_rows);
    assert_eq!(snapshot(s), before);
    assert_clean(s);
}

// ---------------------------------------------------------------------------------
// 6. The audit chain
// ---------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------
// 6b. A keyed chain: rewrites without the key, cut-short logs, legacy chains (ADR 0014)
// ---------------------------------------------------------------------------------

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
    let keyless = match &db.place {
        Place::Sqlite { path, .. } => Store::open_sqlite(path),
        Place::Postgres { url, schema } => Store::open_postgres(url, Some(schema)),
    }
    .unwrap();
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

    let rekey = s.key_audit_chain().unwrap().expect("a legacy chain is keyed");
    assert_eq!(rekey.seq, 6);
    assert_eq!(rekey.event.action, REKEY_ACTION);
    assert_eq!(rekey.prev_hash, legacy_head);
    assert_eq!(rekey.event.outcome, "success");
    assert_eq!(rekey.event.detail, format!("legacy_entries=5 legacy_head={legacy_head} legacy_check=intact"));
    assert!(s.key_audit_chain().unwrap().is_none(), "only once");
    assert!(db.reopen().key_audit_chain().unwrap().is_none(), "also from another store");

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
    let rekey = other.store.key_audit_chain().unwrap().expect("keyed");
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
    s.key_audit_chain().unwrap();
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
    assert!(ro.key_audit_chain().is_err());
    let report = ro.verify_audit().unwrap();
    assert_eq!((report.problem, report.keyed, report.entries), (None, false, 2));
    assert_eq!(head_seq(&other.store), 2);
}

// ---------------------------------------------------------------------------------
// 7. Concurrent writers never fork the chain
// ---------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------
// 8. API tokens
// ---------------------------------------------------------------------------------

fn tokens(db: &TestDb) {
    let s = &db.store;
    let secret = steward_crypto::new_token().unwrap();
    let crm = TokenRow {
        id: Uuid::new_v4().to_string(),
        name: "Housing CRM integration".into(),
        role: "integration".into(),
        token_hash: steward_crypto::token_hash(&secret),
        created_at: at(1, 9),
        revoked_at: None,
        user_id: Some("user-dana".into()),
        special_category: true,
    };
    let head0 = head_seq(s);
    s.insert_token(&crm, &event("token.create", "token", &crm.id)).unwrap();
    assert_eq!(head_seq(s), head0 + 1);
    assert_eq!(s.token_by_hash(&crm.token_hash).unwrap(), Some(crm.clone()));
    assert_eq!(s.token_by_hash(&steward_crypto::token_hash("stw_not-a-real-token")).unwrap(), None);

    let payroll = TokenRow {
        id: Uuid::new_v4().to_string(),
        name: "Payroll export".into(),
        role: "reader".into(),
        token_hash: steward_crypto::token_hash(&steward_crypto::new_token().unwrap()),
        created_at: at(2, 9),
        revoked_at: None,
        user_id: None,
        special_category: false,
    };
    s.insert_token(&payroll, &event("token.create", "token", &payroll.id)).unwrap();
    assert_eq!(s.tokens().unwrap(), vec![payroll.clone(), crm.clone()], "newest first");
    assert_eq!(s.token(&crm.id).unwrap(), Some(crm.clone()), "owner and special-category flag kept");
    assert_eq!(s.token("no-such-token").unwrap(), None);

    // Revoke: no longer usable, still listed, audited once.
    let head1 = head_seq(s);
    s.revoke_token(&crm.id, &at(3, 9), &event("token.revoke", "token", &crm.id)).unwrap();
    assert_eq!(head_seq(s), head1 + 1);
    assert_eq!(s.token_by_hash(&crm.token_hash).unwrap(), None);
    let listed = s.tokens().unwrap();
    assert_eq!(listed[1].revoked_at.as_deref(), Some(at(3, 9).as_str()));
    assert_eq!(listed[0], payroll);
    match s.revoke_token(&crm.id, &at(4, 9), &event("token.revoke", "token", &crm.id)) {
        Err(StoreError::NotFound(_)) => {}
        other => panic!("revoking twice must be NotFound, got {other:?}"),
    }
    match s.revoke_token("no-such-token", &at(4, 9), &event("token.revoke", "token", "no-such-token")) {
        Err(StoreError::NotFound(_)) => {}
        other => panic!("revoking an unknown token must be NotFound, got {other:?}"),
    }
    assert_eq!(head_seq(s), head1 + 1);
    assert_eq!(s.tokens().unwrap()[1].revoked_at.as_deref(), Some(at(3, 9).as_str()));

    // Token hashes are unique, revoked or not; ids too.
    let head2 = head_seq(s);
    for dup in [
        TokenRow { id: Uuid::new_v4().to_string(), token_hash: payroll.token_hash.clone(), ..payroll.clone() },
        TokenRow { id: Uuid::new_v4().to_string(), token_hash: crm.token_hash.clone(), ..crm.clone() },
        TokenRow { token_hash: steward_crypto::token_hash("stw_another"), ..payroll.clone() },
    ] {
        match s.insert_token(&dup, &event("token.create", "token", &dup.id)) {
            Err(StoreError::Constraint(_)) => {}
            other => panic!("a duplicate token must be a Conflict, got {other:?}"),
        }
    }
    assert_eq!(s.tokens().unwrap().len(), 2);
    assert_eq!(head_seq(s), head2, "refused inserts are not audited");
    assert_clean(s);
}

// ---------------------------------------------------------------------------------
// 9. Settings
// ---------------------------------------------------------------------------------

fn settings(db: &TestDb) {
    let s = &db.store;
    assert!(s.settings().unwrap().is_empty());
    assert_eq!(s.setting("org.name").unwrap(), None);

    // First-run set-up: no event, nothing audited.
    s.put_settings(
        &[
            ("org.name", "Riverside Housing Association"),
            ("retention.months", "72"),
            ("dpo.email", "dpo@riverside-housing.example"),
        ],
        None,
    )
    .unwrap();
    assert_eq!(head_seq(s), 0);
    let expect = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = pairs.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
        v.sort();
        v
    };
    assert_eq!(
        s.settings().unwrap(),
        expect(&[
            ("dpo.email", "dpo@riverside-housing.example"),
            ("org.name", "Riverside Housing Association"),
            ("retention.months", "72"),
        ])
    );

    // Upsert: one existing key replaced, one new key added, audited once.
    s.put_settings(
        &[("retention.months", "84"), ("audit.retention.years", "7")],
        Some(&event("settings.update", "settings", "")),
    )
    .unwrap();
    assert_eq!(head_seq(s), 1);
    assert_eq!(s.setting("retention.months").unwrap().as_deref(), Some("84"));
    let all = s.settings().unwrap();
    assert_eq!(
        all,
        expect(&[
            ("audit.retention.years", "7"),
            ("dpo.email", "dpo@riverside-housing.example"),
            ("org.name", "Riverside Housing Association"),
            ("retention.months", "84"),
        ])
    );
    assert!(all.windows(2).all(|w| w[0].0 < w[1].0), "sorted by key");
    assert_eq!(db.reopen().settings().unwrap(), all);
}

// ---------------------------------------------------------------------------------
// 10. Backups
// ---------------------------------------------------------------------------------

/// Fill a store with one of everything a backup carries. Returns the live subjects.
fn populate(s: &Store) -> Vec<SubjectRow> {
    let olivia = sealed_row(&PEOPLE[0], &at(1, 9), &["tenant"]);
    let harry = sealed_row(&PEOPLE[1], &at(1, 10), &["tenant", "volunteer"]);
    let amelia = sealed_row(&PEOPLE[2], &at(1, 11), &["staff"]);
    let george = sealed_row(&PEOPLE[3], &at(1, 12), &["volunteer"]);
    insert(s, &[olivia.clone(), harry.clone(), amelia.clone(), george.clone()]);
    s.add_link(&link(&olivia, &harry, "parent_of", &at(2, 9)), &event("subject.link", "subject", &olivia.id)).unwrap();
    s.add_link(&link(&harry, &amelia, "household", &at(2, 10)), &event("subject.link", "subject", &harry.id)).unwrap();
    s.erase_subject(&tombstone_for(&george.id, &at(3, 9)), &event("subject.erase", "subject", &george.id)).unwrap();
    s.insert_token(
        &TokenRow {
            id: Uuid::new_v4().to_string(),
            name: "Housing CRM integration".into(),
            role: "integration".into(),
            token_hash: steward_crypto::token_hash("stw_fictional-token-for-tests"),
            created_at: at(4, 9),
            revoked_at: None,
            user_id: Some("user-dana".into()),
            special_category: true,
        },
        &event("token.create", "token", "crm"),
    )
    .unwrap();
    s.put_settings(
        &[("org.name", "Riverside Housing Association"), ("retention.months", "72")],
        Some(&event("settings.update", "settings", "")),
    )
    .unwrap();
    s.audit(&event("subject.view", "subject", &olivia.id)).unwrap();
    for sub in [
        submission("SR-2026-4F7K9Q", "request", &at(5, 9), "Olivia Bennett wants a copy of her file"),
        SubmissionRow {
            wrapped_key: None,
            data: None,
            status: "closed".into(),
            assigned_to: Some("user-casey".into()),
            ..submission("CP-2026-Z2B8XM", "complaint", &at(5, 10), "")
        },
    ] {
        s.insert_submission(&sub, &public_event("submission.create", &sub.id)).unwrap();
    }
    vec![olivia, harry, amelia]
}

fn check_restored(source: &Store, target: &Store, live: &[SubjectRow]) {
    let want = snapshot(source);
    assert_eq!(snapshot(target), want);
    assert!(!want.subjects.is_empty() && !want.tombstones.is_empty() && !want.tokens.is_empty());
    assert!(want.submissions.iter().any(|s| s.data.is_some()) && want.submissions.iter().any(|s| s.data.is_none()));
    for r in live {
        assert_eq!(found(target, &r.id), *r);
        for h in &r.index_hashes {
            let ids = target.find_by_index(h, 10).unwrap();
            assert!(ids.contains(&r.id), "index look-up works after restore");
            assert_eq!(ids, source.find_by_index(h, 10).unwrap());
        }
    }
    for t in &want.tombstones {
        match target.subject(&t.subject_id).unwrap() {
            SubjectLookup::Erased(got) => assert_eq!(got, *t),
            other => panic!("restored tombstone should read as Erased, got {other:?}"),
        }
    }
    assert_eq!(target.audit_head().unwrap(), source.audit_head().unwrap());
    assert_clean(target);
    // The restored chain keeps growing from where it was.
    let rec = target.audit(&event("backup.restore", "backup", "")).unwrap();
    assert_eq!(rec.seq, want.audit_head.0 + 1);
    assert_eq!(rec.prev_hash, want.audit_head.1);
    assert_clean(target);
}

fn backup_round_trip(db: &TestDb) {
    let s = &db.store;
    let live = populate(s);
    let items = export_all(s);
    let (seq, hash) = s.audit_head().unwrap();

    match items.first() {
        Some(BackupItem::Header { format, version, schema_version, audit_seq, audit_hash, .. }) => {
            assert_eq!(format, steward_store::backup::FORMAT);
            assert_eq!(*version, steward_store::backup::FORMAT_VERSION);
            assert_eq!(*schema_version, schema::latest_version());
            assert_eq!((*audit_seq, audit_hash.clone()), (seq, hash));
        }
        other => panic!("the first item must be a header, got {other:?}"),
    }
    match items.last() {
        Some(BackupItem::End { lines }) => assert_eq!(*lines, items.len() as u64 - 1),
        other => panic!("the last item must be the end marker, got {other:?}"),
    }
    let audit_items = items.iter().filter(|i| matches!(i, BackupItem::Audit(_))).count() as i64;
    assert_eq!(audit_items, seq);

    // Through the on-disk form (JSON lines) and back.
    let text: Vec<String> = items.iter().map(|i| serde_json::to_string(i).unwrap()).collect();
    let parsed: Vec<BackupItem> = text.iter().map(|l| serde_json::from_str(l).unwrap()).collect();

    let target = db.fresh();
    let summary = import_all(&target.store, parsed.clone()).unwrap();
    assert_eq!(summary.subjects, live.len() as u64);
    assert_eq!(summary.tombstones, 1);
    assert_eq!(summary.submissions, 2);
    assert_eq!(items.iter().filter(|i| matches!(i, BackupItem::Submission { .. })).count(), 2);
    assert_eq!(summary.audit_entries, seq as u64);
    check_restored(s, &target.store, &live);

    // A PostgreSQL backup also restores into SQLite.
    if s.kind() == BackendKind::Postgres {
        let lite = TestDb::sqlite();
        import_all(&lite.store, parsed).unwrap();
        check_restored(s, &lite.store, &live);
    }
    // Exporting did not change the source.
    assert_eq!(s.audit_head().unwrap().0, seq);
}

fn backup_bad_import_changes_nothing(db: &TestDb) {
    let source = db.fresh();
    populate(&source.store);
    let items = export_all(&source.store);

    // The target already holds other data.
    let s = &db.store;
    let isla = sealed_row(&PEOPLE[4], &at(5, 9), &["staff"]);
    insert(s, std::slice::from_ref(&isla));
    s.put_settings(&[("org.name", "Northgate Community Trust")], None).unwrap();
    s.audit(&event("auth.login", "user", "7a1d")).unwrap();
    let before = snapshot(s);

    let attempts: Vec<(&str, Vec<BackupItem>)> = vec![
        ("truncated (no end marker)", items[..items.len() - 1].to_vec()),
        (
            "a line missing in the middle",
            items.iter().enumerate().filter(|(i, _)| *i != items.len() / 2).map(|(_, it)| it.clone()).collect(),
        ),
        ("no header", items[1..].to_vec()),
        ("empty", Vec::new()),
        ("data after the end marker", {
            let mut v = items.clone();
            v.push(BackupItem::Setting { key: "org.name".into(), value: "Injected".into() });
            v
        }),
    ];
    for (what, attempt) in attempts {
        match import_all(s, attempt) {
            Err(StoreError::BadBackup(_)) => {}
            other => panic!("importing a backup that is {what} must be BadBackup, got {other:?}"),
        }
        assert_eq!(snapshot(s), before, "a refused import ({what}) leaves the database as it was");
        assert_eq!(found(s, &isla.id), isla);
        assert_eq!(s.find_by_index(&email_hash(PEOPLE[4].email), 10).unwrap(), vec![isla.id.clone()]);
        assert_clean(s);
    }

    // A failing item source also changes nothing.
    let mut failing = items
        .iter()
        .take(5)
        .cloned()
        .map(Ok)
        .chain(std::iter::once(Err(StoreError::BadBackup("line 6 is not JSON".into()))));
    match s.import(&mut failing) {
        Err(StoreError::BadBackup(_)) => {}
        other => panic!("a read error must abort the import, got {other:?}"),
    }
    assert_eq!(snapshot(s), before);

    // The intact backup still imports.
    import_all(s, items).unwrap();
    assert_eq!(snapshot(s), snapshot(&source.store));
    assert!(matches!(s.subject(&isla.id).unwrap(), SubjectLookup::NotFound));
}

fn backup_export_is_a_snapshot(db: &TestDb) {
    let s = &db.store;
    populate(s);
    let (seq, _) = s.audit_head().unwrap();
    let late = sealed_row(&PEOPLE[4], &at(6, 9), &["staff"]);
    let mut items = Vec::new();
    s.export(&mut |item| {
        if matches!(item, BackupItem::Header { .. }) {
            // Another writer commits while the export is running.
            insert(s, std::slice::from_ref(&late));
            s.audit(&event("subject.view", "subject", &late.id)).unwrap();
        }
        items.push(item);
        Ok(())
    })
    .unwrap();
    assert_eq!(head_seq(s), seq + 2, "the concurrent writes committed");
    let audit_items = items.iter().filter(|i| matches!(i, BackupItem::Audit(_))).count() as i64;
    assert_eq!(audit_items, seq, "the export holds exactly the audit entries its header announces");
    assert!(
        !items.iter().any(|i| matches!(i, BackupItem::Subject { id, .. } if *id == late.id)),
        "a subject created after the export began is not in it"
    );
    let target = db.fresh();
    import_all(&target.store, items).unwrap();
    assert_eq!(target.store.audit_head().unwrap().0, seq);
    assert_clean(&target.store);
}

fn restore_then_reapply_erasure(db: &TestDb) {
    let s = &db.store;
    let live = populate(s);
    let items = export_all(s);
    // Olivia is erased after the backup was taken…
    let t = tombstone_for(&live[0].id, &at(7, 9));
    s.erase_subject(&t, &event("subject.erase", "subject", &live[0].id)).unwrap();

    // …the backup is restored, so her sealed row comes back until the erasure is re-applied.
    let target = db.fresh();
    import_all(&target.store, items).unwrap();
    assert_eq!(found(&target.store, &live[0].id), live[0]);
    let ev = event("subject.erase", "subject", &live[0].id);
    assert!(target.store.reapply_erasure(&t, &ev).unwrap());
    assert!(!target.store.reapply_erasure(&t, &ev).unwrap());
    match target.store.subject(&live[0].id).unwrap() {
        SubjectLookup::Erased(got) => assert_eq!(got, t),
        other => panic!("expected Erased after re-applying, got {other:?}"),
    }
    assert!(target.store.find_by_index(&email_hash(PEOPLE[0].email), 10).unwrap().is_empty());
    assert!(target.store.links_of(&live[1].id).unwrap().iter().all(|l| l.from_id != live[0].id));
    assert_eq!(target.store.category_counts().unwrap(), s.category_counts().unwrap());
    assert_clean(&target.store);
}

// ---------------------------------------------------------------------------------
// 11. Links
// ---------------------------------------------------------------------------------

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
        other => panic!("a duplicate link must be a Conflict, got {other:?}"),
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

// ---------------------------------------------------------------------------------
// 12. Public submissions and rate limits
// ---------------------------------------------------------------------------------

/// A submission sealed as the application layer would seal it (empty `plain`: none).
fn submission(reference: &str, kind: &str, submitted_at: &str, plain: &str) -> SubmissionRow {
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

fn public_event(action: &str, id: &str) -> AuditEvent {
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
            other => panic!("a duplicate submission must be a Conflict, got {other:?}"),
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
    assert!(s.hit_rate_limit("public-form:10m:now", 600, 5).unwrap());
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
                            match st.hit_rate_limit("public-form:race", 600, MAX) {
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
    assert!(!db.store.hit_rate_limit("public-form:race", 600, MAX).unwrap());
}

fn user_row(email: &str) -> steward_store::UserRow {
    steward_store::UserRow {
        id: Uuid::now_v7().to_string(),
        email: email.into(),
        display_name: "Dana Okafor".into(),
        role: "dpo".into(),
        password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into()),
        totp_secret: Some(vec![1, 2, 3]),
        totp_pending: None,
        totp_enabled: true,
        recovery_codes: vec!["aa".into(), "bb".into()],
        failed_logins: 0,
        locked_until: None,
        invite_hash: None,
        invite_expires_at: None,
        training_valid_until: Some("2027-03-31".into()),
        created_at: steward_store::now(),
        disabled_at: None,
        totp_last_step: 0,
    }
}

/// Users: unique emails, first-run creation only once, updates, sessions with
/// rotation; backups carry users but never sessions.
fn users_and_sessions(db: &TestDb) {
    let s = &db.store;
    let dana = user_row("dana.okafor@example.org");
    s.insert_first_user(&dana, &event("user.setup", "user", &dana.id)).unwrap();
    assert!(matches!(
        s.insert_first_user(&user_row("second@example.org"), &event("user.setup", "user", "x")),
        Err(StoreError::Conflict(_))
    ));
    let dup = user_row("dana.okafor@example.org");
    assert!(matches!(s.insert_user(&dup, &event("user.invite", "user", &dup.id)), Err(StoreError::Constraint(_))));
    assert_eq!(s.user_count().unwrap(), 1);
    let mut read = s.user_by_email("dana.okafor@example.org").unwrap().expect("found");
    assert!(read == dana, "reads back field for field");
    read.failed_logins = 3;
    read.totp_pending = Some(vec![9, 9]);
    s.save_user(&read, None).unwrap();
    assert!(s.user(&dana.id).unwrap().expect("user") == read);

    // A TOTP time step is spent once: the same or an older step is a replay.
    assert!(s.spend_totp_step(&dana.id, 59_000_000).unwrap());
    assert!(!s.spend_totp_step(&dana.id, 59_000_000).unwrap(), "the same step twice");
    assert!(!s.spend_totp_step(&dana.id, 58_999_999).unwrap(), "an older step");
    assert!(s.spend_totp_step(&dana.id, 59_000_001).unwrap());
    read = s.user(&dana.id).unwrap().expect("user");
    assert_eq!(read.totp_last_step, 59_000_001);

    let session = steward_store::SessionRow {
        token_hash: "a".repeat(64),
        user_id: dana.id.clone(),
        stage: "full".into(),
        csrf: "c".into(),
        created_at: steward_store::now(),
        last_seen_at: steward_store::now(),
        revoked_at: None,
    };
    s.insert_session(&session, None).unwrap();
    let rotated = steward_store::SessionRow { token_hash: "b".repeat(64), ..session.clone() };
    s.insert_session(&rotated, Some(&session.token_hash)).unwrap();
    assert!(s.session(&session.token_hash).unwrap().is_none(), "rotation ends the old session");
    assert!(s.session(&rotated.token_hash).unwrap().is_some());

    let items = export_all(s);
    let target = db.fresh();
    let mut iter = items.into_iter().map(Ok);
    target.store.import(&mut iter).unwrap();
    assert!(target.store.user(&dana.id).unwrap().expect("restored") == read);
    assert!(target.store.session(&rotated.token_hash).unwrap().is_none(), "sessions are not restored");

    assert_eq!(s.delete_user_sessions(&dana.id, &event("user.revoke_sessions", "user", &dana.id)).unwrap(), 1);
    assert!(s.session(&rotated.token_hash).unwrap().is_none());
}

// ---------------------------------------------------------------------------------
// 13. Rights requests and their events
// ---------------------------------------------------------------------------------

/// A request as the application layer would build it (the reference is filled in by
/// the store).
fn request_row(created_at: &str, received_on: &str, due_on: &str, subject_id: Option<&str>) -> RequestRow {
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

fn request_created(q: &RequestRow) -> AuditEvent {
    event("request.create", "request", &q.id)
}

/// Insert `q` and return it as stored (with its reference).
fn insert_request(s: &Store, q: &RequestRow) -> RequestRow {
    let reference = s.insert_request(q, &request_created(q)).expect("insert request");
    RequestRow { reference, ..q.clone() }
}

fn request_event(q: &RequestRow, seq: i64, kind: &str, on_date: &str, detail_json: &str) -> RequestEventRow {
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

fn event_recorded(q: &RequestRow, seq: i64) -> AuditEvent {
    AuditEvent { detail: format!("seq={seq}"), ..event("request.event", "request", &q.id) }
}

/// `q` with a new status and due dates, as the caller recomputes them on an event.
fn with_status(q: &RequestRow, status: &str, statutory: &str, policy: &str, updated_at: &str) -> RequestRow {
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
        other => panic!("a duplicate request id must be a Conflict, got {other:?}"),
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
        other => panic!("a stale event must be a Conflict, got {other:?}"),
    }
    // Neither may an event skip ahead or go back to the start.
    for seq in [4, 1, 0] {
        match s.append_request_event(&RequestEventRow { seq, ..stale.clone() }, &stale_update, &event_recorded(&q, seq))
        {
            Err(StoreError::Conflict(_)) => {}
            other => panic!("an event numbered {seq} after 2 must be a Conflict, got {other:?}"),
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
        let lite = TestDb::sqlite();
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

conformance! {
    request_steps_and_searches => sqlite_request_steps_and_searches, postgres_request_steps_and_searches;
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

// ---------------------------------------------------------------------------------
// Suppression list: add many at once (first entry kept), look up, erasure keeps
// entries, backups carry them
// ---------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------
// Systems and processors, erasure tasks, legal holds and restrictions
// ---------------------------------------------------------------------------------

conformance! {
    erasure_registers => sqlite_erasure_registers, postgres_erasure_registers;
}

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

// ---------------------------------------------------------------------------------
// Statistics: what the board's figures read
// ---------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------
// Case notes, documents and response packs
// ---------------------------------------------------------------------------------

conformance! {
    notes_documents_and_packs => sqlite_notes_documents_and_packs, postgres_notes_documents_and_packs;
}

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

// ---------------------------------------------------------------------------------
// Scheduled jobs: leases, runs, reminders sent, calendar feeds
// ---------------------------------------------------------------------------------

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

conformance! {
    retention_inventory => sqlite_retention_inventory, postgres_retention_inventory;
}

fn retention_inventory(db: &TestDb) {
    use steward_store::retention::StaleRecord;
    use steward_store::{DisposalFilter, DisposalRow, RecordFilter, RecordRow};
    let s = &db.store;
    let version = s
        .save_schedule(
            "Family support",
            "version = 1",
            "template:x",
            "cli",
            &event("retention.schedule.save", "retention_schedule", ""),
        )
        .unwrap();
    assert_eq!(version, 1);
    let record = |n: u32, due: Option<&str>| RecordRow {
        id: format!("rec-{n:03}"),
        record_type: "volunteer-file".into(),
        reference: format!("VOL-{n:03}"),
        subject_id: None,
        other_subjects: String::new(),
        system_id: None,
        location: "Cabinet 3".into(),
        storage: "external".into(),
        document_id: None,
        facts: r#"{"events":{"left":"2024-03-15"},"flags":[]}"#.into(),
        destroy_on: due.map(String::from),
        permanent: false,
        missing: String::new(),
        rule: "2 years after left".into(),
        explanation: "2 years after leaving".into(),
        schedule_version: 0,
        status: "kept".into(),
        created_at: at(1, 9),
        created_by: "cli".into(),
        updated_at: at(1, 9),
        destroyed_on: None,
    };
    let rows: Vec<RecordRow> = (0..25)
        .map(|n| record(n, Some(if n % 5 == 0 { "2026-01-10" } else { "2030-06-01" })))
        .chain([record(90, None)])
        .collect();
    s.insert_records(&rows, &[event("record.import", "record", "")]).unwrap();

    // The sweep's pages: keyset by (date, id) over kept records due by a day.
    let first = s.records_due_page("2026-02-01", None, 3).unwrap();
    assert_eq!(first.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["rec-000", "rec-005", "rec-010"]);
    let last = first.last().unwrap();
    let rest = s.records_due_page("2026-02-01", Some((last.destroy_on.as_deref().unwrap(), &last.id)), 3).unwrap();
    assert_eq!(rest.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["rec-015", "rec-020"]);

    // The destroy-by index can be dropped for a bulk rewrite and built again.
    s.drop_due_index().unwrap();
    assert_eq!(s.records_due("2026-02-01").unwrap().len(), 5, "still answered without the index");
    s.ensure_due_index().unwrap();
    s.ensure_due_index().unwrap();
    assert_eq!(s.count_stale(1).unwrap(), 26);

    // Recompute: pages of stale records; changed ones rewritten, the rest only re-versioned.
    let page: Vec<StaleRecord> = s.records_stale_facts(None, 1, "", 100).unwrap();
    assert_eq!(page.len(), 26);
    let mut moved = page[0].clone();
    moved.destroy_on = Some("2027-01-10".into());
    let others: Vec<String> = page[1..].iter().map(|r| r.id.clone()).collect();
    s.save_recomputed(&[moved], &others, 1).unwrap();
    assert_eq!(s.count_stale(1).unwrap(), 0);
    assert_eq!(s.record("rec-000").unwrap().unwrap().destroy_on.as_deref(), Some("2027-01-10"));
    let (found, total) =
        s.records(&RecordFilter { due_to: Some("2027-12-31".into()), limit: 10, ..Default::default() }).unwrap();
    assert_eq!((found.len(), total), (5, 5));

    // A disposal and its record change together, only from the status expected.
    let mut rec = s.record("rec-005").unwrap().unwrap();
    let d = DisposalRow {
        id: "disp-1".into(),
        record_id: rec.id.clone(),
        record_type: rec.record_type.clone(),
        subject_ref: String::new(),
        rule: rec.rule.clone(),
        due_on: "2026-01-10".into(),
        found_on: "2026-02-01".into(),
        storage: "external".into(),
        status: "awaiting_approval".into(),
        hold_id: None,
        method: Some("shredding".into()),
        assignee: None,
        task_due_on: Some("2026-02-28".into()),
        approved_by: None,
        approved_at: None,
        done_on: None,
        done_by: None,
        note: String::new(),
        created_at: at(2, 9),
    };
    rec.status = "disposing".into();
    s.apply_sweep(
        std::slice::from_ref(&d),
        &[],
        std::slice::from_ref(&rec),
        &[],
        &[event("disposal.due", "disposal", "disp-1")],
    )
    .unwrap();
    let task = DisposalRow { status: "task".into(), approved_by: Some("dpo".into()), ..d.clone() };
    assert!(
        s.update_disposal(&task, "awaiting_approval", None, &[event("disposal.approve", "disposal", "disp-1")])
            .unwrap()
    );
    assert!(!s.update_disposal(&task, "awaiting_approval", None, &[]).unwrap(), "only once");
    let listed = s.disposals(&DisposalFilter { statuses: vec!["task".into()], ..Default::default() }).unwrap();
    assert_eq!(listed, vec![task]);

    // Backups carry schedules, records and disposals.
    let items = export_all(s);
    let target = db.fresh();
    import_all(&target.store, items).unwrap();
    assert_eq!(target.store.current_schedule().unwrap().unwrap().version, 1);
    assert_eq!(target.store.record("rec-005").unwrap().unwrap().status, "disposing");
    assert_eq!(target.store.disposal("disp-1").unwrap().unwrap().status, "task");
    assert_clean(s);
}

conformance! {
    record_filters_match_wildcards_literally
        => sqlite_record_filters_match_wildcards_literally, postgres_record_filters_match_wildcards_literally;
}

/// `%`, `_` and `\` typed into a location or an id match only themselves: the store
/// escapes them in every `LIKE` pattern it builds from a filter.
fn record_filters_match_wildcards_literally(db: &TestDb) {
    use steward_store::retention::HeldSets;
    use steward_store::{RecordFilter, RecordRow};
    let s = &db.store;
    let record = |id: &str, location: &str, subject: Option<&str>, others: &str| RecordRow {
        id: id.into(),
        record_type: "volunteer-file".into(),
        reference: id.to_uppercase(),
        subject_id: subject.map(String::from),
        other_subjects: others.into(),
        system_id: None,
        location: location.into(),
        storage: "external".into(),
        document_id: None,
        facts: r#"{"events":{"left":"2024-03-15"},"flags":[]}"#.into(),
        destroy_on: Some("2030-06-01".into()),
        permanent: false,
        missing: String::new(),
        rule: "2 years after left".into(),
        explanation: "2 years after leaving".into(),
        schedule_version: 1,
        status: "kept".into(),
        created_at: at(1, 9),
        created_by: "cli".into(),
        updated_at: at(1, 9),
        destroyed_on: None,
    };
    let rows = vec![
        record("rec-1", "Cabinet 3", Some("subj-a"), ""),
        record("rec-2", "Shelf 50% full", None, "subj-a,subj-b"),
        record("rec-3", "Room_A", None, "subjXb"),
        record("rec-4", "Back\\office", None, ""),
    ];
    s.insert_records(&rows, &[event("record.import", "record", "")]).unwrap();
    let ids = |f: RecordFilter| -> Vec<String> {
        let (found, total) = s.records(&RecordFilter { limit: 50, ..f }).unwrap();
        assert_eq!(usize::try_from(total).unwrap(), found.len());
        found.into_iter().map(|r| r.id).collect()
    };
    let at_location = |l: &str| ids(RecordFilter { location: Some(l.into()), ..Default::default() });
    assert_eq!(at_location("%"), ["rec-2"], "% matches only a percent sign");
    assert_eq!(at_location("_"), ["rec-3"], "_ matches only an underscore");
    assert_eq!(at_location("\\"), ["rec-4"], "the escape character matches itself");
    assert_eq!(at_location("50% F"), ["rec-2"], "still a case-insensitive substring search");
    assert!(at_location("%%").is_empty());
    assert_eq!(at_location("cabinet"), ["rec-1"]);

    let about = |id: &str| sorted(ids(RecordFilter { subject_id: Some(id.into()), ..Default::default() }));
    assert_eq!(about("subj-a"), ["rec-1", "rec-2"]);
    assert_eq!(about("subj-b"), ["rec-2"]);
    assert!(about("%").is_empty(), "% is not every subject");
    assert!(about("subj_b").is_empty(), "_ is not any one character");

    let held = |subjects: &[&str]| {
        ids(RecordFilter {
            held: Some(HeldSets { subjects: subjects.iter().map(|s| s.to_string()).collect(), ..Default::default() }),
            ..Default::default()
        })
    };
    assert_eq!(held(&["subj-b"]), ["rec-2"]);
    assert!(held(&["subj_b", "%"]).is_empty());
    assert_clean(s);
}
