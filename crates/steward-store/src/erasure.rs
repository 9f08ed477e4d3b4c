//! Erasure tasks for each system or processor on the register ([`crate::systems`]),
//! legal holds and restrictions of processing (schema version 7). Nothing here is personal data: subjects appear by id
//! only, and reasons are organisational codes or short notes staff are told to keep
//! free of names.

use crate::audit::append_in;
use crate::sql::{Row, Tx, Val};
use crate::{Store, StoreError};
use serde::{Deserialize, Serialize};
use steward_core::audit::AuditEvent;

/// One erasure task: a system or processor that must erase a subject's data, tracked to
/// confirmation (UK GDPR Art 17 and 19).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErasureTaskRow {
    /// Random id (UUID).
    pub id: String,
    /// The erasure request.
    pub request_id: String,
    /// The subject (id only; it stays after erasure as the tombstone's id).
    pub subject_id: String,
    /// The system or processor.
    pub system_id: String,
    /// `pending`, `erased`, `not_held` or `refused`.
    pub status: String,
    /// Created (RFC 3339).
    pub created_at: String,
    /// Who created it.
    pub created_by: String,
    /// The day the outcome was confirmed (`YYYY-MM-DD`).
    pub confirmed_on: Option<String>,
    /// Who recorded the confirmation.
    pub confirmed_by: Option<String>,
    /// How it was confirmed (e.g. "processor's written confirmation 14 May"), no names.
    pub note: String,
}

/// A legal hold: while it stands nothing it covers may be erased or disposed of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoldRow {
    /// Random id (UUID).
    pub id: String,
    /// What it covers: `subject` (more scopes come with the records inventory).
    pub scope: String,
    /// The id of what it covers.
    pub target: String,
    /// Why (e.g. "County court claim 2026"), no names.
    pub reason: String,
    /// Who approved it.
    pub approved_by: String,
    /// Who placed it.
    pub placed_by: String,
    /// When placed (RFC 3339).
    pub placed_at: String,
    /// When lifted.
    pub lifted_at: Option<String>,
    /// Who lifted it.
    pub lifted_by: Option<String>,
    /// Why it was lifted.
    pub lift_reason: Option<String>,
}

/// A restriction of processing on a subject (UK GDPR Art 18).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestrictionRow {
    /// The subject.
    pub subject_id: String,
    /// The restriction request it came from, if any.
    pub request_id: Option<String>,
    /// The Art 18(1) ground, as a code.
    pub ground: String,
    /// Who placed it.
    pub placed_by: String,
    /// When placed (RFC 3339).
    pub placed_at: String,
}

const TASK_COLUMNS: &str =
    "id, request_id, subject_id, system_id, status, created_at, created_by, confirmed_on, confirmed_by, note";
const HOLD_COLUMNS: &str =
    "id, scope, target, reason, approved_by, placed_by, placed_at, lifted_at, lifted_by, lift_reason";
const RESTRICTION_COLUMNS: &str = "subject_id, request_id, ground, placed_by, placed_at";

fn task(r: &Row) -> Result<ErasureTaskRow, StoreError> {
    Ok(ErasureTaskRow {
        id: r.text(0)?,
        request_id: r.text(1)?,
        subject_id: r.text(2)?,
        system_id: r.text(3)?,
        status: r.text(4)?,
        created_at: r.text(5)?,
        created_by: r.text(6)?,
        confirmed_on: r.opt_text(7)?,
        confirmed_by: r.opt_text(8)?,
        note: r.text(9)?,
    })
}

fn hold(r: &Row) -> Result<HoldRow, StoreError> {
    Ok(HoldRow {
        id: r.text(0)?,
        scope: r.text(1)?,
        target: r.text(2)?,
        reason: r.text(3)?,
        approved_by: r.text(4)?,
        placed_by: r.text(5)?,
        placed_at: r.text(6)?,
        lifted_at: r.opt_text(7)?,
        lifted_by: r.opt_text(8)?,
        lift_reason: r.opt_text(9)?,
    })
}

fn restriction(r: &Row) -> Result<RestrictionRow, StoreError> {
    Ok(RestrictionRow {
        subject_id: r.text(0)?,
        request_id: r.opt_text(1)?,
        ground: r.text(2)?,
        placed_by: r.text(3)?,
        placed_at: r.text(4)?,
    })
}

pub(crate) fn insert_task_row(tx: &mut dyn Tx, t: &ErasureTaskRow) -> Result<(), StoreError> {
    tx.exec(
        &format!("INSERT INTO erasure_tasks ({TASK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"),
        &[
            Val::Text(&t.id),
            Val::Text(&t.request_id),
            Val::Text(&t.subject_id),
            Val::Text(&t.system_id),
            Val::Text(&t.status),
            Val::Text(&t.created_at),
            Val::Text(&t.created_by),
            Val::OptText(t.confirmed_on.as_deref()),
            Val::OptText(t.confirmed_by.as_deref()),
            Val::Text(&t.note),
        ],
    )?;
    Ok(())
}

pub(crate) fn insert_hold_row(tx: &mut dyn Tx, h: &HoldRow) -> Result<(), StoreError> {
    tx.exec(
        &format!("INSERT INTO legal_holds ({HOLD_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"),
        &[
            Val::Text(&h.id),
            Val::Text(&h.scope),
            Val::Text(&h.target),
            Val::Text(&h.reason),
            Val::Text(&h.approved_by),
            Val::Text(&h.placed_by),
            Val::Text(&h.placed_at),
            Val::OptText(h.lifted_at.as_deref()),
            Val::OptText(h.lifted_by.as_deref()),
            Val::OptText(h.lift_reason.as_deref()),
        ],
    )?;
    Ok(())
}

pub(crate) fn insert_restriction_row(tx: &mut dyn Tx, r: &RestrictionRow) -> Result<(), StoreError> {
    tx.exec(
        &format!("INSERT INTO restrictions ({RESTRICTION_COLUMNS}) VALUES ($1, $2, $3, $4, $5)"),
        &[
            Val::Text(&r.subject_id),
            Val::OptText(r.request_id.as_deref()),
            Val::Text(&r.ground),
            Val::Text(&r.placed_by),
            Val::Text(&r.placed_at),
        ],
    )?;
    Ok(())
}

/// Run one change; when it touched a row, audit `event` in the same transaction.
/// Returns whether anything changed (a refused change is not audited).
pub(crate) fn changed_audited(
    tx: &mut dyn Tx,
    sql: &str,
    params: &[Val<'_>],
    event: &AuditEvent,
) -> Result<bool, StoreError> {
    let n = tx.exec(sql, params)?;
    if n > 0 {
        append_in(tx, std::slice::from_ref(event))?;
    }
    Ok(n > 0)
}

pub(crate) fn all_tasks(tx: &mut dyn Tx) -> Result<Vec<ErasureTaskRow>, StoreError> {
    tx.query(&format!("SELECT {TASK_COLUMNS} FROM erasure_tasks ORDER BY created_at, id"), &[])?
        .iter()
        .map(task)
        .collect()
}

pub(crate) fn all_holds(tx: &mut dyn Tx) -> Result<Vec<HoldRow>, StoreError> {
    tx.query(&format!("SELECT {HOLD_COLUMNS} FROM legal_holds ORDER BY placed_at, id"), &[])?.iter().map(hold).collect()
}

pub(crate) fn all_restrictions(tx: &mut dyn Tx) -> Result<Vec<RestrictionRow>, StoreError> {
    tx.query(&format!("SELECT {RESTRICTION_COLUMNS} FROM restrictions ORDER BY subject_id"), &[])?
        .iter()
        .map(restriction)
        .collect()
}

impl Store {
    /// Add erasure tasks with `event` audited, in one transaction.
    pub fn insert_erasure_tasks(&self, tasks: &[ErasureTaskRow], event: &AuditEvent) -> Result<(), StoreError> {
        self.write(|tx| {
            for t in tasks {
                insert_task_row(tx, t)?;
            }
            append_in(tx, std::slice::from_ref(event))?;
            Ok(())
        })
    }

    /// A request's erasure tasks, oldest first.
    pub fn erasure_tasks(&self, request_id: &str) -> Result<Vec<ErasureTaskRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!("SELECT {TASK_COLUMNS} FROM erasure_tasks WHERE request_id = $1 ORDER BY created_at, id"),
                &[Val::Text(request_id)],
            )?
            .iter()
            .map(task)
            .collect()
        })
    }

    /// Record a task's outcome (only while it is pending): `t` carries the task's id, its
    /// request, and the new status, day, person and note. With `event` audited. Returns
    /// false when there is no pending task with that id on that request.
    pub fn confirm_erasure_task(&self, t: &ErasureTaskRow, event: &AuditEvent) -> Result<bool, StoreError> {
        self.write(|tx| {
            changed_audited(
                tx,
                "UPDATE erasure_tasks SET status = $3, confirmed_on = $4, confirmed_by = $5, note = $6 \
                 WHERE id = $1 AND request_id = $2 AND status = 'pending'",
                &[
                    Val::Text(&t.id),
                    Val::Text(&t.request_id),
                    Val::Text(&t.status),
                    Val::OptText(t.confirmed_on.as_deref()),
                    Val::OptText(t.confirmed_by.as_deref()),
                    Val::Text(&t.note),
                ],
                event,
            )
        })
    }

    /// Place a hold, with `event` audited.
    pub fn insert_hold(&self, h: &HoldRow, event: &AuditEvent) -> Result<(), StoreError> {
        self.write(|tx| {
            insert_hold_row(tx, h)?;
            append_in(tx, std::slice::from_ref(event))?;
            Ok(())
        })
    }

    /// One hold.
    pub fn hold(&self, id: &str) -> Result<Option<HoldRow>, StoreError> {
        self.read(|tx| {
            tx.query(&format!("SELECT {HOLD_COLUMNS} FROM legal_holds WHERE id = $1"), &[Val::Text(id)])?
                .first()
                .map(hold)
                .transpose()
        })
    }

    /// Holds on `scope`/`target` (all of them when `target` is `None`), newest first;
    /// only those standing unless `include_lifted`.
    pub fn holds(&self, scope: &str, target: Option<&str>, include_lifted: bool) -> Result<Vec<HoldRow>, StoreError> {
        self.read(|tx| {
            let lifted = if include_lifted { "" } else { " AND lifted_at IS NULL" };
            let rows = match target {
                Some(t) => tx.query(
                    &format!(
                        "SELECT {HOLD_COLUMNS} FROM legal_holds WHERE scope = $1 AND target = $2{lifted} \
                         ORDER BY placed_at DESC, id"
                    ),
                    &[Val::Text(scope), Val::Text(t)],
                )?,
                None => tx.query(
                    &format!(
                        "SELECT {HOLD_COLUMNS} FROM legal_holds WHERE scope = $1{lifted} ORDER BY placed_at DESC, id"
                    ),
                    &[Val::Text(scope)],
                )?,
            };
            rows.iter().map(hold).collect()
        })
    }

    /// Lift a standing hold, with `event` audited. Returns false when there is no standing
    /// hold with that id.
    pub fn lift_hold(
        &self,
        id: &str,
        at: &str,
        by: &str,
        reason: &str,
        event: &AuditEvent,
    ) -> Result<bool, StoreError> {
        self.write(|tx| {
            changed_audited(
                tx,
                "UPDATE legal_holds SET lifted_at = $2, lifted_by = $3, lift_reason = $4 \
                 WHERE id = $1 AND lifted_at IS NULL",
                &[Val::Text(id), Val::Text(at), Val::Text(by), Val::Text(reason)],
                event,
            )
        })
    }

    /// Restrict processing of a subject, with `event` audited; a subject already
    /// restricted keeps its first restriction. Returns whether it was new.
    pub fn insert_restriction(&self, r: &RestrictionRow, event: &AuditEvent) -> Result<bool, StoreError> {
        self.write(|tx| {
            if !tx
                .query("SELECT subject_id FROM restrictions WHERE subject_id = $1", &[Val::Text(&r.subject_id)])?
                .is_empty()
            {
                return Ok(false);
            }
            insert_restriction_row(tx, r)?;
            append_in(tx, std::slice::from_ref(event))?;
            Ok(true)
        })
    }

    /// The restriction on a subject, if any.
    pub fn restriction(&self, subject_id: &str) -> Result<Option<RestrictionRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!("SELECT {RESTRICTION_COLUMNS} FROM restrictions WHERE subject_id = $1"),
                &[Val::Text(subject_id)],
            )?
            .first()
            .map(restriction)
            .transpose()
        })
    }

    /// Lift a subject's restriction, with `event` audited. Returns false when there was none.
    pub fn lift_restriction(&self, subject_id: &str, event: &AuditEvent) -> Result<bool, StoreError> {
        self.write(|tx| {
            changed_audited(tx, "DELETE FROM restrictions WHERE subject_id = $1", &[Val::Text(subject_id)], event)
        })
    }
}
