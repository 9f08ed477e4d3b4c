//! The register of systems and processors that hold personal data: one row each, named
//! uniquely, with who to ask and whether every subject is there. Erasure tasks, searches
//! and scans name these rows; nothing here is personal data.

use crate::audit::append_in;
use crate::erasure::changed_audited;
use crate::sql::{Row, Tx, Val};
use crate::{Store, StoreError};
use serde::{Deserialize, Serialize};
use steward_core::audit::AuditEvent;

/// A system or processor that may hold subjects' personal data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemRow {
    /// Random id (UUID).
    pub id: String,
    /// Name, unique (e.g. "Housing management system", "Payroll bureau").
    pub name: String,
    /// `system` (run by the organisation) or `processor` (run for it by another body).
    pub kind: String,
    /// Whether every subject's data is there, so every erasure needs a task for it.
    pub holds_all_subjects: bool,
    /// Who to ask (a team or the processor's contact point).
    pub contact: String,
    /// Notes.
    pub notes: String,
    /// Created (RFC 3339).
    pub created_at: String,
    /// When retired, if it has been (kept for the history).
    pub retired_at: Option<String>,
    /// Who is responsible for it (blank if not recorded; absent from older backups).
    #[serde(default)]
    pub owner: String,
    /// Where it runs or where the paper is kept.
    #[serde(default)]
    pub location: String,
    /// The ISO 3166-1 alpha-2 code of the country it is hosted in, or blank.
    #[serde(default)]
    pub hosting_country: String,
    /// The id of the processor-register entry that supplies it, or blank.
    #[serde(default)]
    pub processor_id: String,
    /// Its technical and organisational security measures.
    #[serde(default)]
    pub security_measures: String,
}

const SYSTEM_COLUMNS: &str = "id, name, kind, holds_all_subjects, contact, notes, created_at, retired_at, owner, \
                              location, hosting_country, processor_id, security_measures";

fn system(r: &Row) -> Result<SystemRow, StoreError> {
    Ok(SystemRow {
        id: r.text(0)?,
        name: r.text(1)?,
        kind: r.text(2)?,
        holds_all_subjects: r.int(3)? != 0,
        contact: r.text(4)?,
        notes: r.text(5)?,
        created_at: r.text(6)?,
        retired_at: r.opt_text(7)?,
        owner: r.text(8)?,
        location: r.text(9)?,
        hosting_country: r.text(10)?,
        processor_id: r.text(11)?,
        security_measures: r.text(12)?,
    })
}

pub(crate) fn insert_system_row(tx: &mut dyn Tx, s: &SystemRow) -> Result<(), StoreError> {
    tx.exec(
        &format!(
            "INSERT INTO systems ({SYSTEM_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
        ),
        &[
            Val::Text(&s.id),
            Val::Text(&s.name),
            Val::Text(&s.kind),
            Val::Int(i64::from(s.holds_all_subjects)),
            Val::Text(&s.contact),
            Val::Text(&s.notes),
            Val::Text(&s.created_at),
            Val::OptText(s.retired_at.as_deref()),
            Val::Text(&s.owner),
            Val::Text(&s.location),
            Val::Text(&s.hosting_country),
            Val::Text(&s.processor_id),
            Val::Text(&s.security_measures),
        ],
    )?;
    Ok(())
}

pub(crate) fn all_systems(tx: &mut dyn Tx) -> Result<Vec<SystemRow>, StoreError> {
    tx.query(&format!("SELECT {SYSTEM_COLUMNS} FROM systems ORDER BY name"), &[])?.iter().map(system).collect()
}

impl Store {
    /// Add a system or processor, with `event` audited. A name already used is refused
    /// as [`StoreError::Conflict`].
    pub fn insert_system(&self, s: &SystemRow, event: &AuditEvent) -> Result<(), StoreError> {
        self.write(|tx| {
            if !tx.query("SELECT id FROM systems WHERE name = $1", &[Val::Text(&s.name)])?.is_empty() {
                return Err(StoreError::Conflict(format!("a system is already named {:?}", s.name)));
            }
            insert_system_row(tx, s)?;
            append_in(tx, std::slice::from_ref(event))?;
            Ok(())
        })
    }

    /// Replace a system's fields (name, kind, flag, contact, notes, retired, owner,
    /// location, hosting country, supplier, security measures), with `event` audited. Returns false when there is no such system.
    pub fn update_system(&self, s: &SystemRow, event: &AuditEvent) -> Result<bool, StoreError> {
        self.write(|tx| {
            let clash = tx.query(
                "SELECT id FROM systems WHERE name = $1 AND id <> $2",
                &[Val::Text(&s.name), Val::Text(&s.id)],
            )?;
            if !clash.is_empty() {
                return Err(StoreError::Conflict(format!("a system is already named {:?}", s.name)));
            }
            changed_audited(
                tx,
                "UPDATE systems SET name = $2, kind = $3, holds_all_subjects = $4, contact = $5, notes = $6, \
                 retired_at = $7, owner = $8, location = $9, hosting_country = $10, processor_id = $11, \
                 security_measures = $12 WHERE id = $1",
                &[
                    Val::Text(&s.id),
                    Val::Text(&s.name),
                    Val::Text(&s.kind),
                    Val::Int(i64::from(s.holds_all_subjects)),
                    Val::Text(&s.contact),
                    Val::Text(&s.notes),
                    Val::OptText(s.retired_at.as_deref()),
                    Val::Text(&s.owner),
                    Val::Text(&s.location),
                    Val::Text(&s.hosting_country),
                    Val::Text(&s.processor_id),
                    Val::Text(&s.security_measures),
                ],
                event,
            )
        })
    }

    /// One system.
    pub fn system(&self, id: &str) -> Result<Option<SystemRow>, StoreError> {
        self.read(|tx| {
            tx.query(&format!("SELECT {SYSTEM_COLUMNS} FROM systems WHERE id = $1"), &[Val::Text(id)])?
                .first()
                .map(system)
                .transpose()
        })
    }

    /// Every system, by name (retired ones included).
    pub fn systems(&self) -> Result<Vec<SystemRow>, StoreError> {
        self.read(all_systems)
    }

    /// Ids of the systems a search logged for any request about `subject_id` found
    /// something in (hits above zero).
    pub fn systems_with_hits(&self, subject_id: &str) -> Result<Vec<String>, StoreError> {
        self.read(|tx| {
            tx.query(
                "SELECT DISTINCT s.system_id FROM request_searches s JOIN requests r ON r.id = s.request_id \
                 WHERE r.subject_id = $1 AND s.hits > 0 AND s.system_id IS NOT NULL ORDER BY s.system_id",
                &[Val::Text(subject_id)],
            )?
            .iter()
            .map(|r| r.text(0))
            .collect()
        })
    }
}
