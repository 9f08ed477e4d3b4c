//! Rights requests and complaints: one row per request (with its due dates, recomputed
//! by the caller on every event so lists sort by them) and its events in order.
//! No personal data is held here beyond the subject's id; audit entries carry ids only.

use crate::audit::append_in;
use crate::sql::{Row, Tx, Val};
use crate::{Store, StoreError};
use serde::{Deserialize, Serialize};
use steward_core::audit::AuditEvent;

/// A request as stored. Dates are `YYYY-MM-DD`; names are the core's machine names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestRow {
    /// Random id (UUID).
    pub id: String,
    /// Reference for people (`REQ-2026-000123`).
    pub reference: String,
    /// Request kind.
    pub kind: String,
    /// The subject it is about, when known.
    pub subject_id: Option<String>,
    /// `subject` or `representative`.
    pub made_by: String,
    /// How it arrived.
    pub channel: String,
    /// UK region whose bank holidays apply.
    pub region: String,
    /// Day received.
    pub received_on: String,
    /// Status.
    pub status: String,
    /// Statutory due date.
    pub statutory_due_on: String,
    /// Policy due date.
    pub policy_due_on: String,
    /// The nearer of the two.
    pub due_on: String,
    /// Created.
    pub created_at: String,
    /// Last changed.
    pub updated_at: String,
    /// The user working it.
    pub assigned_to: Option<String>,
    /// The representative who made it and their authority, sealed (schema version 7 on).
    #[serde(default)]
    pub representative: Option<Vec<u8>>,
}

/// One event of a request as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestEventRow {
    /// Random id (UUID).
    pub id: String,
    /// The request.
    pub request_id: String,
    /// Position, from 1.
    pub seq: i64,
    /// Event kind.
    pub kind: String,
    /// The day it happened.
    pub on_date: String,
    /// Details (reason, outcome) as JSON.
    pub detail_json: String,
    /// Who recorded it.
    pub actor: String,
    /// When recorded.
    pub created_at: String,
}

/// Filters for listing requests; combined with AND.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    /// Only this status.
    pub status: Option<String>,
    /// Only requests due before this day (`YYYY-MM-DD`).
    pub due_before: Option<String>,
    /// At most this many (capped at 1000).
    pub limit: usize,
}

pub(crate) const COLUMNS: &str = "id, reference, kind, subject_id, made_by, channel, region, received_on, status, \
    statutory_due_on, policy_due_on, due_on, created_at, updated_at, assigned_to, representative";
const EVENT_COLUMNS: &str = "id, request_id, seq, kind, on_date, detail_json, actor, created_at";

pub(crate) fn request(r: &Row) -> Result<RequestRow, StoreError> {
    Ok(RequestRow {
        id: r.text(0)?,
        reference: r.text(1)?,
        kind: r.text(2)?,
        subject_id: r.opt_text(3)?,
        made_by: r.text(4)?,
        channel: r.text(5)?,
        region: r.text(6)?,
        received_on: r.text(7)?,
        status: r.text(8)?,
        statutory_due_on: r.text(9)?,
        policy_due_on: r.text(10)?,
        due_on: r.text(11)?,
        created_at: r.text(12)?,
        updated_at: r.text(13)?,
        assigned_to: r.opt_text(14)?,
        representative: r.opt_blob(15)?,
    })
}

fn event(r: &Row) -> Result<RequestEventRow, StoreError> {
    Ok(RequestEventRow {
        id: r.text(0)?,
        request_id: r.text(1)?,
        seq: r.int(2)?,
        kind: r.text(3)?,
        on_date: r.text(4)?,
        detail_json: r.text(5)?,
        actor: r.text(6)?,
        created_at: r.text(7)?,
    })
}

/// Insert a request row as it is (restores and new requests).
pub(crate) fn insert_request_row(tx: &mut dyn Tx, q: &RequestRow) -> Result<(), StoreError> {
    tx.exec(
        &format!(
            "INSERT INTO requests ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
        ),
        &[
            Val::Text(&q.id),
            Val::Text(&q.reference),
            Val::Text(&q.kind),
            Val::OptText(q.subject_id.as_deref()),
            Val::Text(&q.made_by),
            Val::Text(&q.channel),
            Val::Text(&q.region),
            Val::Text(&q.received_on),
            Val::Text(&q.status),
            Val::Text(&q.statutory_due_on),
            Val::Text(&q.policy_due_on),
            Val::Text(&q.due_on),
            Val::Text(&q.created_at),
            Val::Text(&q.updated_at),
            Val::OptText(q.assigned_to.as_deref()),
            Val::OptBlob(q.representative.as_deref()),
        ],
    )?;
    Ok(())
}

/// Insert an event row as it is.
pub(crate) fn insert_event_row(tx: &mut dyn Tx, e: &RequestEventRow) -> Result<(), StoreError> {
    tx.exec(
        &format!("INSERT INTO request_events ({EVENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"),
        &[
            Val::Text(&e.id),
            Val::Text(&e.request_id),
            Val::Int(e.seq),
            Val::Text(&e.kind),
            Val::Text(&e.on_date),
            Val::Text(&e.detail_json),
            Val::Text(&e.actor),
            Val::Text(&e.created_at),
        ],
    )?;
    Ok(())
}

/// Every request, for backups.
pub(crate) fn all_requests(tx: &mut dyn Tx) -> Result<Vec<RequestRow>, StoreError> {
    tx.query(&format!("SELECT {COLUMNS} FROM requests ORDER BY created_at, id"), &[])?.iter().map(request).collect()
}

/// Every request event, for backups.
/// Every request about subject `subject_id`, oldest first.
pub(crate) fn requests_of_subject(tx: &mut dyn Tx, subject_id: &str) -> Result<Vec<RequestRow>, StoreError> {
    tx.query(
        &format!("SELECT {COLUMNS} FROM requests WHERE subject_id = $1 ORDER BY created_at, id"),
        &[Val::Text(subject_id)],
    )?
    .iter()
    .map(request)
    .collect()
}

pub(crate) fn all_events(tx: &mut dyn Tx) -> Result<Vec<RequestEventRow>, StoreError> {
    tx.query(&format!("SELECT {EVENT_COLUMNS} FROM request_events ORDER BY request_id, seq"), &[])?
        .iter()
        .map(event)
        .collect()
}

fn get_request(tx: &mut dyn Tx, id: &str) -> Result<Option<RequestRow>, StoreError> {
    tx.query(&format!("SELECT {COLUMNS} FROM requests WHERE id = $1"), &[Val::Text(id)])?
        .first()
        .map(request)
        .transpose()
}

pub(crate) fn events_of(tx: &mut dyn Tx, id: &str) -> Result<Vec<RequestEventRow>, StoreError> {
    tx.query(
        &format!("SELECT {EVENT_COLUMNS} FROM request_events WHERE request_id = $1 ORDER BY seq"),
        &[Val::Text(id)],
    )?
    .iter()
    .map(event)
    .collect()
}

impl Store {
    /// Insert a new request with its audit entry. The reference is given the next number
    /// of the year of `q.created_at` (`REQ-2026-000001`, …) inside the transaction, and
    /// returned; whatever `q.reference` held is ignored.
    pub fn insert_request(&self, q: &RequestRow, event: &AuditEvent) -> Result<String, StoreError> {
        let year: String = q.created_at.chars().take(4).collect();
        let prefix = format!("REQ-{year}-");
        self.write(|tx| {
            // Audit first: it locks the audit head row (PostgreSQL `FOR UPDATE`), so
            // concurrent inserts number one at a time and each sees the others' references.
            append_in(tx, std::slice::from_ref(event))?;
            let rows = tx.query(
                "SELECT COALESCE(MAX(reference), '') FROM requests WHERE reference LIKE $1",
                &[Val::Text(&format!("{prefix}%"))],
            )?;
            let last = rows.first().map(|r| r.text(0)).transpose()?.unwrap_or_default();
            let n = last.strip_prefix(&prefix).and_then(|d| d.parse::<u64>().ok()).unwrap_or(0) + 1;
            let row = RequestRow { reference: format!("{prefix}{n:06}"), ..q.clone() };
            insert_request_row(tx, &row)?;
            Ok(row.reference)
        })
    }

    /// A request and its events in order, if it exists.
    pub fn request(&self, id: &str) -> Result<Option<(RequestRow, Vec<RequestEventRow>)>, StoreError> {
        self.read(|tx| {
            let Some(q) = get_request(tx, id)? else { return Ok(None) };
            let events = events_of(tx, id)?;
            Ok(Some((q, events)))
        })
    }

    /// Append `e` to its request and store the request's new status and due dates
    /// (`updated`), with an audit entry, in one transaction. `e.seq` must be one more than
    /// the last event's: otherwise someone else recorded an event since the caller read
    /// the request, and the change is refused as a conflict.
    pub fn append_request_event(
        &self,
        e: &RequestEventRow,
        updated: &RequestRow,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            if get_request(tx, &e.request_id)?.is_none() {
                return Err(StoreError::NotFound(format!("request {}", e.request_id)));
            }
            let rows = tx.query(
                "SELECT COALESCE(MAX(seq), 0) FROM request_events WHERE request_id = $1",
                &[Val::Text(&e.request_id)],
            )?;
            let last = rows.first().map_or(Ok(0), |r| r.int(0))?;
            if e.seq != last + 1 {
                return Err(StoreError::Conflict(
                    "another event was recorded on this request since it was read; reload and try again".into(),
                ));
            }
            insert_event_row(tx, e)?;
            tx.exec(
                "UPDATE requests SET status = $2, statutory_due_on = $3, policy_due_on = $4, due_on = $5, updated_at = $6 WHERE id = $1",
                &[
                    Val::Text(&e.request_id),
                    Val::Text(&updated.status),
                    Val::Text(&updated.statutory_due_on),
                    Val::Text(&updated.policy_due_on),
                    Val::Text(&updated.due_on),
                    Val::Text(&updated.updated_at),
                ],
            )?;
            append_in(tx, std::slice::from_ref(audit))?;
            Ok(())
        })
    }

    /// Requests matching `filter`, nearest due date first (then by reference).
    pub fn requests(&self, filter: &RequestFilter) -> Result<Vec<RequestRow>, StoreError> {
        let mut clauses = Vec::new();
        let mut params: Vec<&str> = Vec::new();
        if let Some(s) = &filter.status {
            params.push(s);
            clauses.push(format!("status = ${}", params.len()));
        }
        if let Some(d) = &filter.due_before {
            params.push(d);
            clauses.push(format!("due_on < ${}", params.len()));
        }
        let mut sql = format!("SELECT {COLUMNS} FROM requests");
        if !clauses.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&clauses.join(" AND "));
        }
        sql.push_str(&format!(" ORDER BY due_on, reference LIMIT {}", filter.limit.clamp(1, 1000)));
        self.read(|tx| {
            let vals: Vec<Val<'_>> = params.iter().map(|p| Val::Text(p)).collect();
            tx.query(&sql, &vals)?.iter().map(request).collect()
        })
    }

    /// Set (or clear) who works a request, with `event` audited. Returns false when there
    /// is no such request.
    pub fn assign_request(
        &self,
        id: &str,
        user_id: Option<&str>,
        updated_at: &str,
        event: &AuditEvent,
    ) -> Result<bool, StoreError> {
        self.write(|tx| {
            let n = tx.exec(
                "UPDATE requests SET assigned_to = $2, updated_at = $3 WHERE id = $1",
                &[Val::Text(id), Val::OptText(user_id), Val::Text(updated_at)],
            )?;
            if n > 0 {
                append_in(tx, std::slice::from_ref(event))?;
            }
            Ok(n > 0)
        })
    }
}
