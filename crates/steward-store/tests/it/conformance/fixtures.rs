//! Fixtures shared by the conformance scenarios: fictional people, sealed rows as the
//! application layer builds them, audit events, and snapshots of everything a store holds.

use super::*;

pub(super) struct Person {
    pub(super) name: &'static str,
    pub(super) email: &'static str,
    pub(super) postcode: &'static str,
}

/// Fictional people; the first two share a household (and a postcode).
pub(super) const PEOPLE: &[Person] = &[
    Person { name: "Olivia Bennett", email: "olivia.bennett@example.org", postcode: "LS6 2AB" },
    Person { name: "Harry Patel", email: "harry.patel@example.co.uk", postcode: "LS6 2AB" },
    Person { name: "Amelia Hughes", email: "amelia.hughes@example.net", postcode: "CF10 1EP" },
    Person { name: "George O'Connor", email: "g.oconnor@example.org", postcode: "BT7 1NN" },
    Person { name: "Isla Campbell", email: "isla.campbell@example.org", postcode: "EH1 1YZ" },
];

/// A fixed, fictional master key so blind-index hashes are stable within a run.
pub(super) fn keyring() -> Keyring {
    MasterKey::parse("5f0c3e6a9b1d2f4e7a8c0b1d3e5f7a9c2b4d6e8f0a1c3e5b7d9f1a2c4e6b8d0f")
        .expect("test master key")
        .keyring()
}

/// The audit chain's key under the fixed test master key.
pub(super) fn audit_key() -> steward_crypto::AuditKey {
    keyring().audit_key()
}

pub(super) fn email_hash(email: &str) -> [u8; 16] {
    keyring().blind_index("email", &email.to_lowercase())
}

pub(super) fn postcode_hash(postcode: &str) -> [u8; 16] {
    keyring().blind_index("postcode", &postcode.replace(' ', "").to_uppercase())
}

pub(super) fn name_hash(name: &str) -> [u8; 16] {
    keyring().blind_index("name", &name.to_lowercase())
}

/// A timestamp in March 2026 in the stored format.
pub(super) fn at(day: u32, hour: u32) -> String {
    format!("2026-03-{day:02}T{hour:02}:00:00.000000Z")
}

/// A sealed subject row for `p`, as the application layer would build it.
pub(super) fn sealed_row(p: &Person, created_at: &str, categories: &[&str]) -> SubjectRow {
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

pub(super) fn event(action: &str, object_type: &str, object_id: &str) -> AuditEvent {
    AuditEvent {
        at: steward_core::audit::format_time(jiff::Timestamp::now()),
        actor: "cli".into(),
        action: action.into(),
        object_type: object_type.into(),
        object_id: object_id.into(),
        request_id: String::new(),
        outcome: "success".into(),
        detail: String::new(),
    }
}

pub(super) fn created(id: &str) -> AuditEvent {
    event("subject.create", "subject", id)
}

pub(super) fn tombstone_for(id: &str, erased_at: &str) -> Tombstone {
    Tombstone {
        subject_id: id.to_string(),
        erased_at: erased_at.to_string(),
        reason: "erasure_request".into(),
        actor: "user:3f2b9c1e".into(),
        request_ref: Some("DSR-2026-0042".into()),
    }
}

pub(super) fn link(from: &SubjectRow, to: &SubjectRow, kind: &str, created_at: &str) -> LinkRow {
    LinkRow { from_id: from.id.clone(), to_id: to.id.clone(), kind: kind.into(), created_at: created_at.into() }
}

pub(super) fn insert(s: &Store, rows: &[SubjectRow]) {
    let events: Vec<AuditEvent> = rows.iter().map(|r| created(&r.id)).collect();
    s.insert_subjects(rows, &events).expect("insert subjects");
}

pub(super) fn found(s: &Store, id: &str) -> SubjectRow {
    match s.subject(id).expect("subject lookup") {
        SubjectLookup::Found(r) => r,
        other => panic!("subject {id} should be present, got {other:?}"),
    }
}

pub(super) fn head_seq(s: &Store) -> i64 {
    s.audit_head().expect("audit head").0
}

pub(super) fn counts(pairs: &[(&str, i64)]) -> BTreeMap<String, i64> {
    pairs.iter().map(|(k, v)| ((*k).to_string(), *v)).collect()
}

pub(super) fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

pub(super) fn assert_clean(s: &Store) {
    let (seq, hash) = s.audit_head().expect("audit head");
    let report = s.verify_audit().expect("verify");
    assert_eq!(report.problem, None, "the audit log should verify");
    assert_eq!(report.entries, seq);
    assert_eq!(report.head_hash, hash);
}

/// Everything observable through the port, for before/after comparisons.
#[derive(Debug, PartialEq)]
pub(super) struct Snapshot {
    pub(super) subjects: Vec<SubjectRow>,
    pub(super) links: BTreeMap<String, Vec<LinkRow>>,
    pub(super) counts: BTreeMap<String, i64>,
    pub(super) tombstones: Vec<Tombstone>,
    pub(super) tokens: Vec<TokenRow>,
    pub(super) settings: Vec<(String, String)>,
    pub(super) submissions: Vec<SubmissionRow>,
    pub(super) requests: Vec<(RequestRow, Vec<RequestEventRow>)>,
    pub(super) audit_head: (i64, String),
}

pub(super) fn all_subject_ids(s: &Store) -> Vec<String> {
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

pub(super) fn snapshot(s: &Store) -> Snapshot {
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
pub(super) fn all_submissions(s: &Store) -> Vec<SubmissionRow> {
    s.submissions(None, None, 0, 500)
        .expect("list submissions")
        .iter()
        .map(|summary| s.submission(&summary.id).expect("submission").expect("listed submission exists"))
        .collect()
}

/// Every request with its events, in the store's list order.
pub(super) fn all_requests(s: &Store) -> Vec<(RequestRow, Vec<RequestEventRow>)> {
    s.requests(&RequestFilter { limit: 1000, ..Default::default() })
        .expect("list requests")
        .iter()
        .map(|q| s.request(&q.id).expect("request").expect("listed request exists"))
        .collect()
}

pub(super) fn export_all(s: &Store) -> Vec<BackupItem> {
    let mut items = Vec::new();
    let n = s
        .export(&steward_core::audit::format_time(jiff::Timestamp::now()), &mut |item| {
            items.push(item);
            Ok(())
        })
        .expect("export");
    assert_eq!(n, items.len() as u64, "export reports the number of lines written");
    items
}

pub(super) fn import_all(
    s: &Store,
    items: Vec<BackupItem>,
) -> Result<steward_store::backup::ImportSummary, StoreError> {
    s.import(&mut items.into_iter().map(Ok))
}
