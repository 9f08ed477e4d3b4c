//! The versioned registers (record of processing, organisations, processors, sharing
//! agreements, transfers, privacy notices, policies, training): every change to an entry
//! is a new row, so the register can be read as it stood at any past moment. Entries are
//! JSON documents whose shape and rules belong to `steward_core::register`; this module
//! only keeps them, in order, with who changed them and when.

use crate::audit::append_in;
use crate::sql::{Row, Tx, Val};
use crate::{Store, StoreError};
use serde::{Deserialize, Serialize};
use steward_core::audit::AuditEvent;

/// One version of a register entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryRow {
    /// The register (`activity`, `processor`).
    pub kind: String,
    /// Random id (UUID), the same for every version of the entry.
    pub id: String,
    /// 1 for the first version, one more for each change.
    pub version: i64,
    /// The entry's name, for uniqueness and lists.
    pub title: String,
    /// The entry as a JSON document.
    pub body: String,
    /// Whether this version retired the entry (kept for history, no longer in use).
    pub retired: bool,
    /// When this version was saved (RFC 3339 UTC).
    pub changed_at: String,
    /// Who saved it (the actor, as in the audit log).
    pub changed_by: String,
}

const COLUMNS: &str = "kind, id, version, title, body, retired, changed_at, changed_by";

fn entry(r: &Row) -> Result<EntryRow, StoreError> {
    Ok(EntryRow {
        kind: r.text(0)?,
        id: r.text(1)?,
        version: r.int(2)?,
        title: r.text(3)?,
        body: r.text(4)?,
        retired: r.int(5)? != 0,
        changed_at: r.text(6)?,
        changed_by: r.text(7)?,
    })
}

pub(crate) fn insert_entry_row(tx: &mut dyn Tx, e: &EntryRow) -> Result<(), StoreError> {
    tx.exec(
        &format!("INSERT INTO register_versions ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"),
        &[
            Val::Text(&e.kind),
            Val::Text(&e.id),
            Val::Int(e.version),
            Val::Text(&e.title),
            Val::Text(&e.body),
            Val::Int(i64::from(e.retired)),
            Val::Text(&e.changed_at),
            Val::Text(&e.changed_by),
        ],
    )?;
    Ok(())
}

pub(crate) fn all_entry_rows(tx: &mut dyn Tx) -> Result<Vec<EntryRow>, StoreError> {
    tx.query(&format!("SELECT {COLUMNS} FROM register_versions ORDER BY kind, id, version"), &[])?
        .iter()
        .map(entry)
        .collect()
}

/// The latest version of each entry of `kind` saved before `until` (every
/// version when `None`), retired ones included, by title.
fn latest(tx: &mut dyn Tx, kind: &str, until: Option<&str>) -> Result<Vec<EntryRow>, StoreError> {
    let until = until.unwrap_or("9999");
    tx.query(
        &format!(
            "SELECT {COLUMNS} FROM register_versions v WHERE kind = $1 AND changed_at < $2 AND version = \
             (SELECT MAX(version) FROM register_versions w WHERE w.kind = v.kind AND w.id = v.id \
             AND w.changed_at < $2) ORDER BY title, id"
        ),
        &[Val::Text(kind), Val::Text(until)],
    )?
    .iter()
    .map(entry)
    .collect()
}

/// Check and insert one version (see [`Store::save_entry`]).
fn save_in(tx: &mut dyn Tx, row: &EntryRow, unique_title: bool) -> Result<(), StoreError> {
    let current = tx
        .query(
            "SELECT COALESCE(MAX(version), 0) FROM register_versions WHERE kind = $1 AND id = $2",
            &[Val::Text(&row.kind), Val::Text(&row.id)],
        )?
        .first()
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(0);
    if current + 1 != row.version {
        return Err(StoreError::Conflict(
            "this entry was changed by someone else meanwhile: open it again to see their change".into(),
        ));
    }
    if unique_title && !row.retired {
        // Only entries whose latest version bears the same title (ignoring case) are read,
        // so a save costs the same however long the register's history.
        let clash = !tx
            .query(
                "SELECT v.id FROM register_versions v WHERE v.kind = $1 AND v.id <> $2 AND v.retired = $3 \
                 AND LOWER(v.title) = LOWER($4) AND v.version = (SELECT MAX(w.version) FROM register_versions w \
                 WHERE w.kind = v.kind AND w.id = v.id) LIMIT 1",
                &[Val::Text(&row.kind), Val::Text(&row.id), Val::Int(0), Val::Text(&row.title)],
            )?
            .is_empty();
        if clash {
            return Err(StoreError::Conflict("another entry in use on this register has this name".into()));
        }
    }
    insert_entry_row(tx, row)
}

impl Store {
    /// Save a new version of an entry, with `event` audited in the same transaction.
    /// `row.version` must be one more than the entry's latest (1 for a new entry):
    /// otherwise someone else changed it first, refused as [`StoreError::Conflict`]. When
    /// `unique_title`, another entry of the register in use with the same title
    /// (ignoring case) is refused as [`StoreError::Conflict`] too.
    pub fn save_entry(&self, row: &EntryRow, unique_title: bool, event: &AuditEvent) -> Result<(), StoreError> {
        self.write(|tx| {
            save_in(tx, row, unique_title)?;
            append_in(tx, std::slice::from_ref(event))?;
            Ok(())
        })
    }

    /// Save new versions of several entries (an import) and `events`, all in one
    /// transaction or none: each row is checked as [`Store::save_entry`] checks it,
    /// titles kept unique.
    pub fn save_entries(&self, rows: &[EntryRow], events: &[AuditEvent]) -> Result<(), StoreError> {
        self.write(|tx| {
            for row in rows {
                save_in(tx, row, true)?;
            }
            append_in(tx, events)?;
            Ok(())
        })
    }

    /// Every entry of the register `kind` as it stood just before `until` (RFC 3339; now when
    /// `None`), each at its latest version then, retired ones included, by title.
    pub fn entries(&self, kind: &str, until: Option<&str>) -> Result<Vec<EntryRow>, StoreError> {
        self.read(|tx| latest(tx, kind, until))
    }

    /// The latest version of one entry.
    pub fn entry(&self, kind: &str, id: &str) -> Result<Option<EntryRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!(
                    "SELECT {COLUMNS} FROM register_versions WHERE kind = $1 AND id = $2 ORDER BY version DESC LIMIT 1"
                ),
                &[Val::Text(kind), Val::Text(id)],
            )?
            .first()
            .map(entry)
            .transpose()
        })
    }

    /// Every version of one entry, oldest first.
    pub fn entry_history(&self, kind: &str, id: &str) -> Result<Vec<EntryRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!("SELECT {COLUMNS} FROM register_versions WHERE kind = $1 AND id = $2 ORDER BY version"),
                &[Val::Text(kind), Val::Text(id)],
            )?
            .iter()
            .map(entry)
            .collect()
        })
    }
}
