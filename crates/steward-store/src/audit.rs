//! The keyed, hash-chained audit log: appending inside a caller's transaction without
//! ever forking the chain, re-keying a chain written before Steward keyed it, reading
//! it back, and verifying it end to end (and against a head kept elsewhere) without
//! writing anything.
//!
//! Each entry's hash is an HMAC-SHA-256 under the audit key (derived from the master
//! key, never stored in the database) over the previous hash and the entry's canonical
//! encoding, so that someone who can only write to the database cannot rewrite entries
//! and recompute a consistent chain (OWASP ASVS 5.0 16.4.2). Chains written by an older
//! Steward carry plain SHA-256 hashes; the first append with the key verifies them and
//! records an [`REKEY_ACTION`] entry whose MAC covers their head (ADR 0014).

use crate::sql::{Dialect, Row, Tx, Val};
use crate::{Store, StoreError};
use serde::Serialize;
use steward_core::audit::{AuditEvent, AuditRecord, GENESIS_HASH, canonical};
use steward_crypto::{AuditKey, chain_hash};

const COLUMNS: &str = "seq, at, actor, action, object_type, object_id, request_id, outcome, detail, prev_hash, hash";

/// Entries read per page while verifying: memory stays bounded whatever the log's size.
const PAGE: i64 = 10_000;

/// Action of the entry that keys a chain written before Steward keyed its audit log.
/// Its detail names how many entries came before it and their head hash
/// (`legacy_entries=N legacy_head=HASH legacy_check=intact`), and its MAC covers both.
pub const REKEY_ACTION: &str = "audit.rekey";

fn no_key() -> StoreError {
    StoreError::Unavailable(
        "the audit log cannot be written or checked without the audit key (open the store through the application)"
            .into(),
    )
}

/// Append `events` in order at the head of the chain, inside `tx`, each hashed with the
/// store's audit key. A chain written before Steward keyed it is first verified and
/// keyed by a [`REKEY_ACTION`] entry, in the same transaction, at the time of the first
/// event (with no events there is nothing to append, and the keying waits).
///
/// The head row is read under a lock (PostgreSQL `FOR UPDATE`; SQLite write
/// transactions are exclusive from their start), so two writers — threads or whole
/// server processes — can never both extend the same head.
pub(crate) fn append_in(tx: &mut dyn Tx, events: &[AuditEvent]) -> Result<Vec<AuditRecord>, StoreError> {
    let key = tx.audit_key().cloned().ok_or_else(no_key)?;
    let (mut seq, mut prev) = locked_head(tx)?;
    if let Some(first) = events.first()
        && !head_is_keyed(tx, &key, seq, &prev)?
    {
        let rekey = rekey_in(tx, &key, seq, &prev, &first.at)?;
        (seq, prev) = (rekey.seq, rekey.hash);
    }
    let mut out = Vec::with_capacity(events.len());
    for ev in events {
        seq += 1;
        let hash = key.chain_mac(&prev, &canonical(seq, ev));
        insert_entry(tx, seq, ev, &prev, &hash)?;
        out.push(AuditRecord { seq, event: ev.clone(), prev_hash: std::mem::replace(&mut prev, hash.clone()), hash });
    }
    tx.exec("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1", &[Val::Int(seq), Val::Text(&prev)])?;
    Ok(out)
}

/// The head row (count, hash), locked against other writers until `tx` ends.
fn locked_head(tx: &mut dyn Tx) -> Result<(i64, String), StoreError> {
    let lock = if tx.dialect() == Dialect::Postgres { " FOR UPDATE" } else { "" };
    let head = tx.query(&format!("SELECT seq, hash FROM audit_head WHERE id = 1{lock}"), &[])?;
    let head = head.first().ok_or_else(|| StoreError::Corrupt("the audit head row is missing".into()))?;
    Ok((head.int(0)?, head.text(1)?))
}

/// Every entry, in order, one at a time (a backup).
pub(crate) fn for_each_entry(
    tx: &mut dyn Tx,
    f: &mut dyn FnMut(AuditRecord) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    tx.for_each(&format!("SELECT {COLUMNS} FROM audit_log ORDER BY seq"), &[], &mut |r| f(record(&r)?))
}

/// Add one entry as it is (a restore, into an emptied log; the head row is the caller's).
pub(crate) fn insert_audit_row(tx: &mut dyn Tx, r: &AuditRecord) -> Result<(), StoreError> {
    insert_entry(tx, r.seq, &r.event, &r.prev_hash, &r.hash)
}

fn insert_entry(tx: &mut dyn Tx, seq: i64, ev: &AuditEvent, prev: &str, hash: &str) -> Result<(), StoreError> {
    tx.exec(
        "INSERT INTO audit_log (seq, at, actor, action, object_type, object_id, request_id, outcome, detail, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        &[
            Val::Int(seq),
            Val::Text(&ev.at),
            Val::Text(&ev.actor),
            Val::Text(&ev.action),
            Val::Text(&ev.object_type),
            Val::Text(&ev.object_id),
            Val::Text(&ev.request_id),
            Val::Text(&ev.outcome),
            Val::Text(&ev.detail),
            Val::Text(prev),
            Val::Text(hash),
        ],
    )?;
    Ok(())
}

/// Whether the chain ending at (`seq`, `hash`) is keyed: it is empty, or its newest
/// entry is present, is the head, and carries a MAC under `key`. A chain written by an
/// older Steward (plain SHA-256) is not; nor is one whose newest entry was tampered
/// with, which re-keying then reports (and verification keeps reporting).
fn head_is_keyed(tx: &mut dyn Tx, key: &AuditKey, seq: i64, hash: &str) -> Result<bool, StoreError> {
    if seq == 0 {
        return Ok(true);
    }
    let rows = tx.query(&format!("SELECT {COLUMNS} FROM audit_log WHERE seq = $1"), &[Val::Int(seq)])?;
    let Some(row) = rows.first() else { return Ok(false) };
    let r = record(row)?;
    Ok(r.hash == hash && key.verify_chain_mac(&r.prev_hash, &canonical(r.seq, &r.event), &r.hash))
}

/// Key the chain ending at (`seq`, `hash`): verify it as it was written (plain SHA-256),
/// then append the [`REKEY_ACTION`] entry, keyed, whose detail names the number of
/// entries before it, their head and the result of the check. The head row is left to
/// the caller. The entry is dated `at`.
fn rekey_in(tx: &mut dyn Tx, key: &AuditKey, seq: i64, hash: &str, at: &str) -> Result<AuditRecord, StoreError> {
    let report = walk(
        &mut |from, to| {
            tx.query(
                &format!("SELECT {COLUMNS} FROM audit_log WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT {PAGE}"),
                &[Val::Int(from), Val::Int(to)],
            )?
            .iter()
            .map(record)
            .collect()
        },
        key,
        (seq, hash),
        &AuditExpectation::default(),
    )?;
    let check = match &report.problem {
        None => "intact".to_string(),
        Some(p) => format!("broken_at={}", p.seq),
    };
    let outcome = if report.problem.is_none() { "success" } else { "failure" };
    let ev = AuditEvent {
        at: at.to_string(),
        actor: "system".into(),
        action: REKEY_ACTION.into(),
        object_type: "audit".into(),
        object_id: "chain".into(),
        request_id: String::new(),
        outcome: outcome.into(),
        detail: format!("legacy_entries={seq} legacy_head={hash} legacy_check={check}"),
    };
    let rekey_seq = seq + 1;
    let mac = key.chain_mac(hash, &canonical(rekey_seq, &ev));
    insert_entry(tx, rekey_seq, &ev, hash, &mac)?;
    if let Some(p) = &report.problem {
        tracing::warn!(
            legacy_entries = seq,
            first_problem = p.seq,
            "the audit log was keyed, but its older entries do not verify"
        );
    } else {
        tracing::info!(
            legacy_entries = seq,
            "the audit log was keyed: its older entries verified and are now covered by the key"
        );
    }
    Ok(AuditRecord { seq: rekey_seq, event: ev, prev_hash: hash.to_string(), hash: mac })
}

/// Whether `r` is the entry that keys a chain of `legacy` entries ending in `legacy_head`.
fn is_rekey(r: &AuditRecord, legacy: i64, legacy_head: &str) -> bool {
    let field = |name: &str| {
        r.event.detail.split_whitespace().find_map(|kv| kv.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
    };
    r.event.action == REKEY_ACTION
        && field("legacy_entries") == Some(legacy.to_string().as_str())
        && field("legacy_head") == Some(legacy_head)
}

pub(crate) fn record(r: &Row) -> Result<AuditRecord, StoreError> {
    Ok(AuditRecord {
        seq: r.int(0)?,
        event: AuditEvent {
            at: r.text(1)?,
            actor: r.text(2)?,
            action: r.text(3)?,
            object_type: r.text(4)?,
            object_id: r.text(5)?,
            request_id: r.text(6)?,
            outcome: r.text(7)?,
            detail: r.text(8)?,
        },
        prev_hash: r.text(9)?,
        hash: r.text(10)?,
    })
}

/// Filters for browsing the audit log; all optional, combined with AND.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Exact actor (`user:…`, `token:…`, `cli`, `system`).
    pub actor: Option<String>,
    /// Action, or a prefix ending in `.` (`subject.` for every subject action).
    pub action: Option<String>,
    /// Object type.
    pub object_type: Option<String>,
    /// Object id.
    pub object_id: Option<String>,
    /// Only entries at or after this time (RFC 3339 prefix, e.g. `2026-11-01`).
    pub since: Option<String>,
    /// Only entries before this time.
    pub until: Option<String>,
    /// Only entries with a smaller sequence number (paging backwards).
    pub before_seq: Option<i64>,
    /// Most entries to return (capped at 500).
    pub limit: usize,
}

/// What a problem was found against: the chain itself, or a head kept earlier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// An entry was altered, removed or reordered, or the head row does not match.
    Chain,
    /// The chain is consistent but does not contain the head kept earlier: it was cut
    /// short, or rewritten by someone holding the key.
    KeptHead,
}

/// The first problem `audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyProblem {
    /// Sequence number of the first entry that is wrong or missing (0 when no single
    /// entry can be named: a head kept earlier that no entry has).
    pub seq: i64,
    /// What is wrong with it.
    pub message: String,
    /// Whether the chain itself or the comparison with a kept head failed.
    pub kind: ProblemKind,
}

/// Result of recomputing the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// Entries checked.
    pub entries: i64,
    /// The head hash the chain ends in (as recomputed, or as stored when broken).
    pub head_hash: String,
    /// The first problem, if any.
    pub problem: Option<VerifyProblem>,
    /// Entries 1 to this number carry plain SHA-256 hashes, written before Steward
    /// keyed its audit log; every later entry carries a MAC under the audit key. Zero
    /// for a chain keyed from its start.
    pub legacy_entries: i64,
    /// Whether the newest entry is covered by the audit key (true for an empty chain).
    /// False for a chain written entirely by an older Steward and not yet keyed: only
    /// a head kept earlier can show it was not rewritten.
    pub keyed: bool,
    /// With a head kept earlier: the entry whose hash it is.
    pub kept_head_seq: Option<i64>,
}

/// What an auditor kept earlier (from `steward audit head` or the daily email), to
/// check the log has not been cut short or rewritten since.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditExpectation {
    /// The number of entries then: the log must have at least as many now.
    pub entries: Option<i64>,
    /// The head hash then (hex, case ignored): with `entries`, entry `entries` must
    /// have it; alone, some entry must.
    pub head: Option<String>,
}

/// Walk the chain from entry 1 to the head (`seq`, `hash`), reading pages through
/// `fetch(from, to)`, and report the first problem. Entries before the chain was keyed
/// must carry plain SHA-256 hashes; the first keyed entry after them must be the
/// [`REKEY_ACTION`] entry naming them; every entry from there on must carry a MAC
/// under `key`.
fn walk(
    fetch: &mut dyn FnMut(i64, i64) -> Result<Vec<AuditRecord>, StoreError>,
    key: &AuditKey,
    (head_seq, head_hash): (i64, &str),
    expect: &AuditExpectation,
) -> Result<VerifyReport, StoreError> {
    let mut expected_seq = 1i64;
    let mut prev = GENESIS_HASH.to_string();
    let mut keyed_from: Option<i64> = None;
    let want_head = expect.head.as_ref().map(|h| h.trim().to_ascii_lowercase());
    let mut kept_head_seq: Option<i64> = None;
    let mut hash_at_kept_count: Option<String> = (expect.entries == Some(0)).then(|| GENESIS_HASH.to_string());
    let report = |checked: i64, prev: &str, keyed_from: Option<i64>, problem: Option<VerifyProblem>| VerifyReport {
        entries: checked,
        head_hash: prev.to_string(),
        problem,
        legacy_entries: keyed_from.map_or(checked, |k| k - 1),
        keyed: checked == 0 || keyed_from.is_some(),
        kept_head_seq: None,
    };
    let chain = |seq: i64, message: String| Some(VerifyProblem { seq, message, kind: ProblemKind::Chain });
    loop {
        let page = fetch(expected_seq, head_seq)?;
        if page.is_empty() {
            break;
        }
        for r in &page {
            let checked = expected_seq - 1;
            if r.seq != expected_seq {
                let msg = format!("entry {expected_seq} is missing (the next entry present is {})", r.seq);
                return Ok(report(checked, &prev, keyed_from, chain(expected_seq, msg)));
            }
            if r.prev_hash != prev {
                let msg = format!(
                    "entry {} does not follow entry {}: its previous-hash link is wrong (entries removed, inserted or reordered)",
                    r.seq,
                    r.seq - 1
                );
                return Ok(report(checked, &prev, keyed_from, chain(r.seq, msg)));
            }
            let encoded = canonical(r.seq, &r.event);
            let altered = || format!("entry {} was altered: its contents no longer match its hash", r.seq);
            if keyed_from.is_some() {
                if !key.verify_chain_mac(&prev, &encoded, &r.hash) {
                    return Ok(report(checked, &prev, keyed_from, chain(r.seq, altered())));
                }
            } else if chain_hash(&prev, &encoded) != r.hash {
                if !key.verify_chain_mac(&prev, &encoded, &r.hash) {
                    return Ok(report(checked, &prev, keyed_from, chain(r.seq, altered())));
                }
                // The first keyed entry: after older, unkeyed entries it must be the
                // entry that keyed them.
                if checked > 0 && !is_rekey(r, checked, &prev) {
                    let msg = format!(
                        "entry {} is keyed but does not record the keying of the {checked} entries before it",
                        r.seq
                    );
                    return Ok(report(checked, &prev, keyed_from, chain(r.seq, msg)));
                }
                keyed_from = Some(r.seq);
            }
            if kept_head_seq.is_none() && want_head.as_deref() == Some(r.hash.as_str()) {
                kept_head_seq = Some(r.seq);
            }
            if expect.entries == Some(r.seq) {
                hash_at_kept_count = Some(r.hash.clone());
            }
            prev.clone_from(&r.hash);
            expected_seq += 1;
        }
    }
    let checked = expected_seq - 1;
    if checked != head_seq {
        let msg = format!("entries {} to {head_seq} are missing (the head records {head_seq} entries)", checked + 1);
        return Ok(report(checked, &prev, keyed_from, chain(checked + 1, msg)));
    }
    if prev != head_hash {
        let msg = format!("the stored head hash does not match entry {head_seq}");
        return Ok(report(checked, &prev, keyed_from, chain(head_seq, msg)));
    }
    let kept = |seq: i64, message: String| Some(VerifyProblem { seq, message, kind: ProblemKind::KeptHead });
    let mut out = report(checked, &prev, keyed_from, None);
    match (expect.entries, want_head) {
        (Some(n), _) if n < 0 => {
            out.problem = kept(0, "the number of entries kept earlier cannot be negative".into());
        }
        (Some(n), _) if n > checked => {
            out.problem = kept(
                checked + 1,
                format!("the log is shorter than the head kept earlier: {checked} entries now, {n} expected"),
            );
        }
        (Some(n), Some(h)) => {
            if hash_at_kept_count.as_deref() == Some(h.as_str()) {
                out.kept_head_seq = Some(n);
            } else {
                out.problem =
                    kept(n, format!("entry {n}'s hash differs from the head kept earlier (the log was rewritten)"));
            }
        }
        (None, Some(_)) => match kept_head_seq {
            Some(seq) => out.kept_head_seq = Some(seq),
            None => {
                out.problem = kept(
                    0,
                    "no entry's hash is the head kept earlier: the log was cut short or rewritten since it was kept"
                        .into(),
                );
            }
        },
        (_, None) => {}
    }
    Ok(out)
}

impl Store {
    /// The number of entries and the head hash, for an auditor to keep elsewhere.
    pub fn audit_head(&self) -> Result<(i64, String), StoreError> {
        self.read(|tx| {
            let rows = tx.query("SELECT seq, hash FROM audit_head WHERE id = 1", &[])?;
            let r = rows.first().ok_or_else(|| StoreError::Corrupt("the audit head row is missing".into()))?;
            Ok((r.int(0)?, r.text(1)?))
        })
    }

    /// Entries matching `filter`, newest first.
    pub fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditRecord>, StoreError> {
        let mut clauses: Vec<String> = Vec::new();
        let mut params: Vec<String> = Vec::new();
        let mut add = |clause: &str, value: &str| {
            params.push(value.to_string());
            clauses.push(clause.replace('?', &format!("${}", params.len())));
        };
        if let Some(a) = &filter.actor {
            add("actor = ?", a);
        }
        if let Some(a) = &filter.action {
            if a.ends_with('.') {
                add("action LIKE ?", &format!("{}%", a.replace(['%', '_'], "")));
            } else {
                add("action = ?", a);
            }
        }
        if let Some(t) = &filter.object_type {
            add("object_type = ?", t);
        }
        if let Some(o) = &filter.object_id {
            add("object_id = ?", o);
        }
        if let Some(s) = &filter.since {
            add("at >= ?", s);
        }
        if let Some(u) = &filter.until {
            add("at < ?", u);
        }
        let mut sql = format!("SELECT {COLUMNS} FROM audit_log");
        let before = filter.before_seq.unwrap_or(i64::MAX);
        clauses.push(format!("seq < ${}", params.len() + 1));
        sql.push_str(" WHERE ");
        sql.push_str(&clauses.join(" AND "));
        let limit = filter.limit.clamp(1, 500);
        sql.push_str(&format!(" ORDER BY seq DESC LIMIT {limit}"));
        self.read(|tx| {
            let mut vals: Vec<crate::sql::Val<'_>> = params.iter().map(|p| Val::Text(p)).collect();
            vals.push(Val::Int(before));
            tx.query(&sql, &vals)?.iter().map(record).collect()
        })
    }

    /// Recompute the whole chain, page by page, and report the first entry that was
    /// altered, removed or reordered. Memory stays bounded whatever the log's size.
    /// Nothing is written: this works on a store opened read-only.
    pub fn verify_audit(&self) -> Result<VerifyReport, StoreError> {
        self.verify_audit_against(&AuditExpectation::default())
    }

    /// [`Store::verify_audit`], then compare the chain with a head kept earlier: the
    /// log must not be shorter, and the entry kept must still have the hash kept.
    pub fn verify_audit_against(&self, expect: &AuditExpectation) -> Result<VerifyReport, StoreError> {
        let key = self.audit_key.as_ref().ok_or_else(no_key)?;
        let (head_seq, head_hash) = self.audit_head()?;
        walk(
            &mut |from, to| {
                self.read(|tx| {
                    tx.query(
                        &format!(
                            "SELECT {COLUMNS} FROM audit_log WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT {PAGE}"
                        ),
                        &[Val::Int(from), Val::Int(to)],
                    )?
                    .iter()
                    .map(record)
                    .collect()
                })
            },
            key,
            (head_seq, &head_hash),
            expect,
        )
    }

    /// Key a chain written before Steward keyed its audit log: verify it as it was
    /// written (plain SHA-256) and append the [`REKEY_ACTION`] entry, whose MAC covers
    /// its head. Returns that entry, or `None` when the chain is already keyed (or
    /// empty). Appending does the same on its own; the application calls this on open
    /// so that the change happens once, at a known time: `at`, the entry's time.
    pub fn key_audit_chain(&self, at: &str) -> Result<Option<AuditRecord>, StoreError> {
        let key = self.audit_key.clone().ok_or_else(no_key)?;
        let keyed = self.read(|tx| {
            let rows = tx.query("SELECT seq, hash FROM audit_head WHERE id = 1", &[])?;
            let r = rows.first().ok_or_else(|| StoreError::Corrupt("the audit head row is missing".into()))?;
            head_is_keyed(tx, &key, r.int(0)?, &r.text(1)?)
        })?;
        if keyed {
            return Ok(None);
        }
        self.write(|tx| {
            let (seq, hash) = locked_head(tx)?;
            // Another process may have keyed it meanwhile.
            if head_is_keyed(tx, &key, seq, &hash)? {
                return Ok(None);
            }
            let rec = rekey_in(tx, &key, seq, &hash, at)?;
            tx.exec(
                "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1",
                &[Val::Int(rec.seq), Val::Text(&rec.hash)],
            )?;
            Ok(Some(rec))
        })
    }
}
