//! The hash-chained audit log: appending inside a caller's transaction without ever
//! forking the chain, reading it back, and verifying it end to end.

use crate::sql::{Dialect, Row, Tx, Val};
use crate::{Store, StoreError};
use serde::Serialize;
use steward_core::audit::{AuditEvent, AuditRecord, GENESIS_HASH, canonical};
use steward_crypto::chain_hash;

const COLUMNS: &str = "seq, at, actor, action, object_type, object_id, request_id, outcome, detail, prev_hash, hash";

/// Append `events` in order at the head of the chain, inside `tx`.
///
/// The head row is read under a lock (PostgreSQL `FOR UPDATE`; SQLite write
/// transactions are exclusive from their start), so two writers — threads or whole
/// server processes — can never both extend the same head.
pub(crate) fn append_in(tx: &mut dyn Tx, events: &[AuditEvent]) -> Result<Vec<AuditRecord>, StoreError> {
    let lock = if tx.dialect() == Dialect::Postgres { " FOR UPDATE" } else { "" };
    let head = tx.query(&format!("SELECT seq, hash FROM audit_head WHERE id = 1{lock}"), &[])?;
    let head = head.first().ok_or_else(|| StoreError::Corrupt("the audit head row is missing".into()))?;
    let (mut seq, mut prev) = (head.int(0)?, head.text(1)?);
    let mut out = Vec::with_capacity(events.len());
    for ev in events {
        seq += 1;
        let hash = chain_hash(&prev, &canonical(seq, ev));
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
                Val::Text(&prev),
                Val::Text(&hash),
            ],
        )?;
        out.push(AuditRecord { seq, event: ev.clone(), prev_hash: std::mem::replace(&mut prev, hash.clone()), hash });
    }
    tx.exec("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1", &[Val::Int(seq), Val::Text(&prev)])?;
    Ok(out)
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

/// The first problem `audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyProblem {
    /// Sequence number of the first entry that is wrong or missing.
    pub seq: i64,
    /// What is wrong with it.
    pub message: String,
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
    pub fn verify_audit(&self) -> Result<VerifyReport, StoreError> {
        const PAGE: i64 = 10_000;
        let (head_seq, head_hash) = self.audit_head()?;
        let mut expected_seq = 1i64;
        let mut prev = GENESIS_HASH.to_string();
        let fail = |seq: i64, message: String, prev: &str, entries: i64| VerifyReport {
            entries,
            head_hash: prev.to_string(),
            problem: Some(VerifyProblem { seq, message }),
        };
        loop {
            let page: Vec<AuditRecord> = self.read(|tx| {
                tx.query(
                    &format!("SELECT {COLUMNS} FROM audit_log WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT {PAGE}"),
                    &[Val::Int(expected_seq), Val::Int(head_seq)],
                )?
                .iter()
                .map(record)
                .collect()
            })?;
            if page.is_empty() {
                break;
            }
            for r in &page {
                if r.seq != expected_seq {
                    return Ok(fail(
                        expected_seq,
                        format!("entry {expected_seq} is missing (the next entry present is {})", r.seq),
                        &prev,
                        expected_seq - 1,
                    ));
                }
                if r.prev_hash != prev {
                    return Ok(fail(
                        r.seq,
                        format!(
                            "entry {} does not follow entry {}: its previous-hash link is wrong (entries removed, inserted or reordered)",
                            r.seq,
                            r.seq - 1
                        ),
                        &prev,
                        expected_seq - 1,
                    ));
                }
                let recomputed = chain_hash(&prev, &canonical(r.seq, &r.event));
                if recomputed != r.hash {
                    return Ok(fail(
                        r.seq,
                        format!("entry {} was altered: its contents no longer match its hash", r.seq),
                        &prev,
                        expected_seq - 1,
                    ));
                }
                prev = recomputed;
                expected_seq += 1;
            }
        }
        let checked = expected_seq - 1;
        if checked != head_seq {
            return Ok(fail(
                checked + 1,
                format!("entries {} to {head_seq} are missing (the head records {head_seq} entries)", checked + 1),
                &prev,
                checked,
            ));
        }
        if prev != head_hash {
            return Ok(fail(head_seq, format!("the stored head hash does not match entry {head_seq}"), &prev, checked));
        }
        Ok(VerifyReport { entries: checked, head_hash: prev, problem: None })
    }
}
