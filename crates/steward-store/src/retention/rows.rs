//! The rows of the retention tables: their columns, reading them, writing them, and
//! writing them out as backup lines.

use super::{DisposalRow, RecordRow, ScheduleRow};
use crate::StoreError;
use crate::sql::{Row, Tx, Val};

/// The columns of `retention_records`, in [`RecordRow`] order.
pub const RECORD_COLUMNS: &str = "id, record_type, reference, subject_id, other_subjects, system_id, location, \
    storage, document_id, facts, destroy_on, permanent, missing, rule, explanation, schedule_version, status, \
    created_at, created_by, updated_at, destroyed_on";
pub(super) const DISPOSAL_COLUMNS: &str = "id, record_id, record_type, subject_ref, rule, due_on, found_on, storage, status, \
    hold_id, method, assignee, task_due_on, approved_by, approved_at, done_on, done_by, note, created_at";
pub(super) const SCHEDULE_COLUMNS: &str = "version, name, toml, source, saved_at, saved_by";

/// Read a [`RecordRow`] from a row of [`RECORD_COLUMNS`].
pub fn record_from_row(r: &Row) -> Result<RecordRow, StoreError> {
    Ok(RecordRow {
        id: r.text(0)?,
        record_type: r.text(1)?,
        reference: r.text(2)?,
        subject_id: r.opt_text(3)?,
        other_subjects: r.text(4)?,
        system_id: r.opt_text(5)?,
        location: r.text(6)?,
        storage: r.text(7)?,
        document_id: r.opt_text(8)?,
        facts: r.text(9)?,
        destroy_on: r.opt_text(10)?,
        permanent: r.int(11)? != 0,
        missing: r.text(12)?,
        rule: r.text(13)?,
        explanation: r.text(14)?,
        schedule_version: r.int(15)?,
        status: r.text(16)?,
        created_at: r.text(17)?,
        created_by: r.text(18)?,
        updated_at: r.text(19)?,
        destroyed_on: r.opt_text(20)?,
    })
}

/// Column `i` as text, moved out of the row.
pub(super) fn take_text(r: &mut Row, i: usize) -> Result<String, StoreError> {
    match r.0.get_mut(i) {
        Some(crate::sql::Cell::Text(s)) => Ok(std::mem::take(s)),
        _ => r.text(i),
    }
}

/// Column `i` as optional text, moved out of the row.
pub(super) fn take_opt_text(r: &mut Row, i: usize) -> Result<Option<String>, StoreError> {
    match r.0.get_mut(i) {
        Some(crate::sql::Cell::Text(s)) => Ok(Some(std::mem::take(s))),
        _ => r.opt_text(i),
    }
}

pub(super) fn disposal(r: &Row) -> Result<DisposalRow, StoreError> {
    Ok(DisposalRow {
        id: r.text(0)?,
        record_id: r.text(1)?,
        record_type: r.text(2)?,
        subject_ref: r.text(3)?,
        rule: r.text(4)?,
        due_on: r.text(5)?,
        found_on: r.text(6)?,
        storage: r.text(7)?,
        status: r.text(8)?,
        hold_id: r.opt_text(9)?,
        method: r.opt_text(10)?,
        assignee: r.opt_text(11)?,
        task_due_on: r.opt_text(12)?,
        approved_by: r.opt_text(13)?,
        approved_at: r.opt_text(14)?,
        done_on: r.opt_text(15)?,
        done_by: r.opt_text(16)?,
        note: r.text(17)?,
        created_at: r.text(18)?,
    })
}

pub(super) fn schedule(r: &Row) -> Result<ScheduleRow, StoreError> {
    Ok(ScheduleRow {
        version: r.int(0)?,
        name: r.text(1)?,
        toml: r.text(2)?,
        source: r.text(3)?,
        saved_at: r.text(4)?,
        saved_by: r.text(5)?,
    })
}

pub(crate) fn insert_record_row(tx: &mut dyn Tx, r: &RecordRow) -> Result<(), StoreError> {
    tx.exec(
        &format!(
            "INSERT INTO retention_records ({RECORD_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
             $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)"
        ),
        &[
            Val::Text(&r.id),
            Val::Text(&r.record_type),
            Val::Text(&r.reference),
            Val::OptText(r.subject_id.as_deref()),
            Val::Text(&r.other_subjects),
            Val::OptText(r.system_id.as_deref()),
            Val::Text(&r.location),
            Val::Text(&r.storage),
            Val::OptText(r.document_id.as_deref()),
            Val::Text(&r.facts),
            Val::OptText(r.destroy_on.as_deref()),
            Val::Int(i64::from(r.permanent)),
            Val::Text(&r.missing),
            Val::Text(&r.rule),
            Val::Text(&r.explanation),
            Val::Int(r.schedule_version),
            Val::Text(&r.status),
            Val::Text(&r.created_at),
            Val::Text(&r.created_by),
            Val::Text(&r.updated_at),
            Val::OptText(r.destroyed_on.as_deref()),
        ],
    )?;
    Ok(())
}

pub(crate) fn insert_disposal_row(tx: &mut dyn Tx, d: &DisposalRow) -> Result<(), StoreError> {
    tx.exec(
        &format!(
            "INSERT INTO disposals ({DISPOSAL_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
             $13, $14, $15, $16, $17, $18, $19)"
        ),
        &[
            Val::Text(&d.id),
            Val::Text(&d.record_id),
            Val::Text(&d.record_type),
            Val::Text(&d.subject_ref),
            Val::Text(&d.rule),
            Val::Text(&d.due_on),
            Val::Text(&d.found_on),
            Val::Text(&d.storage),
            Val::Text(&d.status),
            Val::OptText(d.hold_id.as_deref()),
            Val::OptText(d.method.as_deref()),
            Val::OptText(d.assignee.as_deref()),
            Val::OptText(d.task_due_on.as_deref()),
            Val::OptText(d.approved_by.as_deref()),
            Val::OptText(d.approved_at.as_deref()),
            Val::OptText(d.done_on.as_deref()),
            Val::OptText(d.done_by.as_deref()),
            Val::Text(&d.note),
            Val::Text(&d.created_at),
        ],
    )?;
    Ok(())
}

pub(crate) fn insert_schedule_row(tx: &mut dyn Tx, s: &ScheduleRow) -> Result<(), StoreError> {
    tx.exec(
        &format!("INSERT INTO retention_schedules ({SCHEDULE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"),
        &[
            Val::Int(s.version),
            Val::Text(&s.name),
            Val::Text(&s.toml),
            Val::Text(&s.source),
            Val::Text(&s.saved_at),
            Val::Text(&s.saved_by),
        ],
    )?;
    Ok(())
}

pub(super) fn update_record_in(tx: &mut dyn Tx, r: &RecordRow) -> Result<u64, StoreError> {
    tx.exec(
        "UPDATE retention_records SET record_type = $2, reference = $3, subject_id = $4, other_subjects = $5, \
         system_id = $6, location = $7, storage = $8, document_id = $9, facts = $10, destroy_on = $11, \
         permanent = $12, missing = $13, rule = $14, explanation = $15, schedule_version = $16, status = $17, \
         updated_at = $18, destroyed_on = $19 WHERE id = $1",
        &[
            Val::Text(&r.id),
            Val::Text(&r.record_type),
            Val::Text(&r.reference),
            Val::OptText(r.subject_id.as_deref()),
            Val::Text(&r.other_subjects),
            Val::OptText(r.system_id.as_deref()),
            Val::Text(&r.location),
            Val::Text(&r.storage),
            Val::OptText(r.document_id.as_deref()),
            Val::Text(&r.facts),
            Val::OptText(r.destroy_on.as_deref()),
            Val::Int(i64::from(r.permanent)),
            Val::Text(&r.missing),
            Val::Text(&r.rule),
            Val::Text(&r.explanation),
            Val::Int(r.schedule_version),
            Val::Text(&r.status),
            Val::Text(&r.updated_at),
            Val::OptText(r.destroyed_on.as_deref()),
        ],
    )
}

pub(super) fn update_disposal_in(tx: &mut dyn Tx, d: &DisposalRow) -> Result<u64, StoreError> {
    tx.exec(
        "UPDATE disposals SET status = $2, hold_id = $3, method = $4, assignee = $5, task_due_on = $6, \
         approved_by = $7, approved_at = $8, done_on = $9, done_by = $10, note = $11 WHERE id = $1",
        &[
            Val::Text(&d.id),
            Val::Text(&d.status),
            Val::OptText(d.hold_id.as_deref()),
            Val::OptText(d.method.as_deref()),
            Val::OptText(d.assignee.as_deref()),
            Val::OptText(d.task_due_on.as_deref()),
            Val::OptText(d.approved_by.as_deref()),
            Val::OptText(d.approved_at.as_deref()),
            Val::OptText(d.done_on.as_deref()),
            Val::OptText(d.done_by.as_deref()),
            Val::Text(&d.note),
        ],
    )
}

/// Every saved schedule version, oldest first, one at a time (a backup).
pub(crate) fn for_each_schedule(
    tx: &mut dyn Tx,
    f: &mut dyn FnMut(ScheduleRow) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    tx.for_each(&format!("SELECT {SCHEDULE_COLUMNS} FROM retention_schedules ORDER BY version"), &[], &mut |r| {
        f(schedule(&r)?)
    })
}

/// Every record of the inventory, by id, one at a time (a backup).
pub(crate) fn for_each_record(
    tx: &mut dyn Tx,
    f: &mut dyn FnMut(RecordRow) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    tx.for_each(&format!("SELECT {RECORD_COLUMNS} FROM retention_records ORDER BY id"), &[], &mut |r| {
        f(record_from_row(&r)?)
    })
}

/// Every disposal, by id, one at a time (a backup).
pub(crate) fn for_each_disposal(
    tx: &mut dyn Tx,
    f: &mut dyn FnMut(DisposalRow) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    tx.for_each(&format!("SELECT {DISPOSAL_COLUMNS} FROM disposals ORDER BY id"), &[], &mut |r| f(disposal(&r)?))
}
