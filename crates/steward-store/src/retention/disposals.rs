//! Disposals the daily sweep finds, and destroying what they are about.

use super::rows::{DISPOSAL_COLUMNS, disposal, insert_disposal_row, update_disposal_in, update_record_in};
use super::{DisposalFilter, DisposalRow, RecordRow};
use crate::audit::append_in;
use crate::sql::Val;
use crate::{Store, StoreError};
use steward_core::audit::AuditEvent;

impl Store {
    /// Apply a sweep's findings in one transaction: new disposals, changed disposals,
    /// changed records, vault documents destroyed at once under an automatic rule
    /// (`(document id, subject id)` pairs), and their audit entries.
    pub fn apply_sweep(
        &self,
        new: &[DisposalRow],
        changed: &[DisposalRow],
        records: &[RecordRow],
        documents: &[(String, String)],
        events: &[AuditEvent],
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            for (doc, subject) in documents {
                tx.exec(
                    "DELETE FROM subject_documents WHERE id = $1 AND subject_id = $2",
                    &[Val::Text(doc), Val::Text(subject)],
                )?;
            }
            for d in new {
                insert_disposal_row(tx, d)?;
            }
            for d in changed {
                update_disposal_in(tx, d)?;
            }
            for r in records {
                update_record_in(tx, r)?;
            }
            append_in(tx, events)?;
            Ok(())
        })
    }

    /// One disposal.
    pub fn disposal(&self, id: &str) -> Result<Option<DisposalRow>, StoreError> {
        self.read(|tx| {
            tx.query(&format!("SELECT {DISPOSAL_COLUMNS} FROM disposals WHERE id = $1"), &[Val::Text(id)])?
                .first()
                .map(disposal)
                .transpose()
        })
    }

    /// Disposals matching `f`, by due date then id.
    pub fn disposals(&self, f: &DisposalFilter) -> Result<Vec<DisposalRow>, StoreError> {
        self.read(|tx| {
            let mut clauses = Vec::new();
            let mut params: Vec<Val<'_>> = Vec::new();
            if !f.statuses.is_empty() {
                let mut marks = Vec::new();
                for s in &f.statuses {
                    params.push(Val::Text(s));
                    marks.push(format!("${}", params.len()));
                }
                clauses.push(format!("status IN ({})", marks.join(", ")));
            }
            for (col, op, v) in [
                ("due_on", "<=", &f.due_before),
                ("done_on", ">=", &f.done_from),
                ("done_on", "<=", &f.done_to),
                ("record_id", "=", &f.record_id),
            ] {
                if let Some(v) = v {
                    params.push(Val::Text(v));
                    clauses.push(format!("{col} {op} ${}", params.len()));
                }
            }
            let filter = if clauses.is_empty() { String::new() } else { format!(" WHERE {}", clauses.join(" AND ")) };
            tx.query(&format!("SELECT {DISPOSAL_COLUMNS} FROM disposals{filter} ORDER BY due_on, id"), &params)?
                .iter()
                .map(disposal)
                .collect()
        })
    }

    /// Change a disposal and (optionally) its record together, with `events` audited.
    /// Returns false when the disposal's status is no longer `expect_status` (someone
    /// else got there first); nothing is changed then.
    pub fn update_disposal(
        &self,
        d: &DisposalRow,
        expect_status: &str,
        record: Option<&RecordRow>,
        events: &[AuditEvent],
    ) -> Result<bool, StoreError> {
        self.write(|tx| {
            let now = tx.query("SELECT status FROM disposals WHERE id = $1", &[Val::Text(&d.id)])?;
            match now.first() {
                Some(r) if r.text(0)? == expect_status => {}
                _ => return Ok(false),
            }
            update_disposal_in(tx, d)?;
            if let Some(r) = record {
                update_record_in(tx, r)?;
            }
            append_in(tx, events)?;
            Ok(true)
        })
    }

    /// Destroy a vault record's document: its sealed rows are deleted with the record
    /// marked destroyed and the disposal done, in one transaction.
    pub fn destroy_vault_document(
        &self,
        d: &DisposalRow,
        record: &RecordRow,
        events: &[AuditEvent],
    ) -> Result<bool, StoreError> {
        self.write(|tx| {
            let now = tx.query("SELECT status FROM disposals WHERE id = $1", &[Val::Text(&d.id)])?;
            match now.first() {
                Some(r) if r.text(0)? == "awaiting_approval" => {}
                _ => return Ok(false),
            }
            if let (Some(doc), Some(subject)) = (&record.document_id, &record.subject_id) {
                tx.exec(
                    "DELETE FROM subject_documents WHERE id = $1 AND subject_id = $2",
                    &[Val::Text(doc), Val::Text(subject)],
                )?;
            }
            update_disposal_in(tx, d)?;
            update_record_in(tx, record)?;
            append_in(tx, events)?;
            Ok(true)
        })
    }

    /// Whether subject `subject_id`'s file holds document `id`.
    pub fn document_exists(&self, subject_id: &str, id: &str) -> Result<bool, StoreError> {
        self.read(|tx| {
            Ok(!tx
                .query(
                    "SELECT id FROM subject_documents WHERE id = $1 AND subject_id = $2",
                    &[Val::Text(id), Val::Text(subject_id)],
                )?
                .is_empty())
        })
    }

    /// Delete a destroyed vault document again if a restored copy brought it back (the
    /// erasure journal's replay). Returns whether anything changed; audits only then.
    pub fn reapply_document_destruction(
        &self,
        subject_id: &str,
        document_id: &str,
        event: &AuditEvent,
    ) -> Result<bool, StoreError> {
        self.write(|tx| {
            let n = tx.exec(
                "DELETE FROM subject_documents WHERE id = $1 AND subject_id = $2",
                &[Val::Text(document_id), Val::Text(subject_id)],
            )?;
            if n > 0 {
                append_in(tx, std::slice::from_ref(event))?;
            }
            Ok(n > 0)
        })
    }

    /// Every standing legal hold, of any scope.
    pub fn standing_holds(&self) -> Result<Vec<crate::erasure::HoldRow>, StoreError> {
        self.read(|tx| Ok(crate::erasure::all_holds(tx)?.into_iter().filter(|h| h.lifted_at.is_none()).collect()))
    }
}
