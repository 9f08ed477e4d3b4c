//! The retention inventory (schema version 10): versions of the retention schedule,
//! the records an organisation keeps with their computed destroy-by dates, and the
//! disposals the daily sweep finds. Nothing here is personal data: subjects appear by
//! id, references and locations are organisational labels staff are told to keep free
//! of names, and facts are event dates and flags about a pseudonymous record.

use crate::audit::append_in;
use crate::sql::{LIKE_ESCAPE, Row, Tx, Val, like_escape};
use crate::{Store, StoreError};
use serde::{Deserialize, Serialize};
use steward_core::audit::AuditEvent;

/// One saved version of the retention schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleRow {
    /// 1, 2, 3 … in order of saving.
    pub version: i64,
    /// The schedule's own name.
    pub name: String,
    /// The TOML text.
    pub toml: String,
    /// Where it came from: `template:NAME`, `file`, `ui` or `api`.
    pub source: String,
    /// When saved (RFC 3339).
    pub saved_at: String,
    /// Who saved it.
    pub saved_by: String,
}

/// A record the organisation keeps, with what its retention rule made of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordRow {
    /// Random id (UUID).
    pub id: String,
    /// The schedule's record type id (`volunteer-file`).
    pub record_type: String,
    /// The organisation's own reference or label for it (no names).
    pub reference: String,
    /// The subject it is about, if one (their birth date feeds age rules).
    pub subject_id: Option<String>,
    /// Other subjects it is about, comma-separated ids.
    pub other_subjects: String,
    /// The system it is kept in, if a registered one.
    pub system_id: Option<String>,
    /// Where it is, in words (a cabinet, a shared drive folder).
    pub location: String,
    /// `external` (kept outside Steward) or `vault` (a document in Steward's vault).
    pub storage: String,
    /// The document in Steward's vault, for `vault` records.
    pub document_id: Option<String>,
    /// Events and flags, as JSON (`{"events":{"left":"2024-03-15"},"flags":[…]}`).
    pub facts: String,
    /// The destroy-by date (`YYYY-MM-DD`), when computable and not permanent.
    pub destroy_on: Option<String>,
    /// Kept permanently.
    pub permanent: bool,
    /// Facts still needed, comma-separated.
    pub missing: String,
    /// The rule applied, as written in the schedule.
    pub rule: String,
    /// Plain-English explanation of the date.
    pub explanation: String,
    /// The schedule version the date was computed under.
    pub schedule_version: i64,
    /// `kept`, `disposing` (a disposal is open) or `destroyed`.
    pub status: String,
    /// Created (RFC 3339).
    pub created_at: String,
    /// Who created it.
    pub created_by: String,
    /// Last changed (RFC 3339).
    pub updated_at: String,
    /// The day it was destroyed.
    pub destroyed_on: Option<String>,
}

/// One disposal: a record found past its date by the daily sweep, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisposalRow {
    /// Random id (UUID).
    pub id: String,
    /// The record.
    pub record_id: String,
    /// Its type.
    pub record_type: String,
    /// Its subject's id (a pseudonymous reference, not personal data), or empty.
    pub subject_ref: String,
    /// The rule that made it due.
    pub rule: String,
    /// The destroy-by date.
    pub due_on: String,
    /// The day the sweep found it.
    pub found_on: String,
    /// `external` or `vault`.
    pub storage: String,
    /// `held`, `released`, `awaiting_approval`, `task`, `done` or `cancelled`.
    pub status: String,
    /// The hold that stopped it, for `held` and `released`.
    pub hold_id: Option<String>,
    /// How it is (to be) destroyed: `crypto_shred`, `shredding`, `secure_deletion`,
    /// `return_to_commissioner`.
    pub method: Option<String>,
    /// Who is to do it (a user id or a team), for tasks.
    pub assignee: Option<String>,
    /// When the task is to be done by.
    pub task_due_on: Option<String>,
    /// Who approved the disposal.
    pub approved_by: Option<String>,
    /// When approved (RFC 3339).
    pub approved_at: Option<String>,
    /// The day it was done.
    pub done_on: Option<String>,
    /// Who did it.
    pub done_by: Option<String>,
    /// Notes (how it was confirmed; no names).
    pub note: String,
    /// Created (RFC 3339).
    pub created_at: String,
}

/// Filters for listing records.
#[derive(Debug, Clone, Default)]
pub struct RecordFilter {
    /// Only this record type.
    pub record_type: Option<String>,
    /// Only records in this system.
    pub system_id: Option<String>,
    /// Only records whose location contains this text.
    pub location: Option<String>,
    /// Only records about this subject (first or other).
    pub subject_id: Option<String>,
    /// Only with a destroy-by date on or after this day.
    pub due_from: Option<String>,
    /// Only with a destroy-by date on or before this day.
    pub due_to: Option<String>,
    /// Only records still missing a fact.
    pub missing: bool,
    /// Only records with this status.
    pub status: Option<String>,
    /// Only records covered by these holds.
    pub held: Option<HeldSets>,
    /// Most rows returned.
    pub limit: usize,
    /// Rows skipped.
    pub offset: usize,
}

/// What standing holds cover: records by id, record types, subjects.
#[derive(Debug, Clone, Default)]
pub struct HeldSets {
    /// Held records.
    pub ids: Vec<String>,
    /// Held record types.
    pub types: Vec<String>,
    /// Held subjects.
    pub subjects: Vec<String>,
}

/// What a recompute reads and writes of a record: its facts and computed fields only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleRecord {
    /// Id.
    pub id: String,
    /// Record type id.
    pub record_type: String,
    /// The subject, if any.
    pub subject_id: Option<String>,
    /// Events and flags, as JSON.
    pub facts: String,
    /// The destroy-by date.
    pub destroy_on: Option<String>,
    /// Kept permanently.
    pub permanent: bool,
    /// Facts still needed, comma-separated.
    pub missing: String,
    /// The rule applied.
    pub rule: String,
    /// Plain-English explanation.
    pub explanation: String,
}

/// Filters for listing disposals.
#[derive(Debug, Clone, Default)]
pub struct DisposalFilter {
    /// Only these statuses (any when empty).
    pub statuses: Vec<String>,
    /// Only due on or before this day.
    pub due_before: Option<String>,
    /// Only done on or after this day.
    pub done_from: Option<String>,
    /// Only done on or before this day.
    pub done_to: Option<String>,
    /// Only for this record.
    pub record_id: Option<String>,
}

/// The columns of `retention_records`, in [`RecordRow`] order.
pub const RECORD_COLUMNS: &str = "id, record_type, reference, subject_id, other_subjects, system_id, location, \
    storage, document_id, facts, destroy_on, permanent, missing, rule, explanation, schedule_version, status, \
    created_at, created_by, updated_at, destroyed_on";
const DISPOSAL_COLUMNS: &str = "id, record_id, record_type, subject_ref, rule, due_on, found_on, storage, status, \
    hold_id, method, assignee, task_due_on, approved_by, approved_at, done_on, done_by, note, created_at";
const SCHEDULE_COLUMNS: &str = "version, name, toml, source, saved_at, saved_by";

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
fn take_text(r: &mut Row, i: usize) -> Result<String, StoreError> {
    match r.0.get_mut(i) {
        Some(crate::sql::Cell::Text(s)) => Ok(std::mem::take(s)),
        _ => r.text(i),
    }
}

/// Column `i` as optional text, moved out of the row.
fn take_opt_text(r: &mut Row, i: usize) -> Result<Option<String>, StoreError> {
    match r.0.get_mut(i) {
        Some(crate::sql::Cell::Text(s)) => Ok(Some(std::mem::take(s))),
        _ => r.opt_text(i),
    }
}

fn disposal(r: &Row) -> Result<DisposalRow, StoreError> {
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

fn schedule(r: &Row) -> Result<ScheduleRow, StoreError> {
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

fn update_record_in(tx: &mut dyn Tx, r: &RecordRow) -> Result<u64, StoreError> {
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

fn update_disposal_in(tx: &mut dyn Tx, d: &DisposalRow) -> Result<u64, StoreError> {
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

/// Every row of this module's tables, for backups, in a stable order.
pub(crate) fn export_records(
    tx: &mut dyn Tx,
    emit: &mut dyn FnMut(crate::BackupItem) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    use crate::BackupItem;
    tx.for_each(&format!("SELECT {SCHEDULE_COLUMNS} FROM retention_schedules ORDER BY version"), &[], &mut |r| {
        emit(BackupItem::RetentionSchedule(schedule(&r)?))
    })?;
    tx.for_each(&format!("SELECT {RECORD_COLUMNS} FROM retention_records ORDER BY id"), &[], &mut |r| {
        emit(BackupItem::RetentionRecord(Box::new(record_from_row(&r)?)))
    })?;
    tx.for_each(&format!("SELECT {DISPOSAL_COLUMNS} FROM disposals ORDER BY id"), &[], &mut |r| {
        emit(BackupItem::Disposal(Box::new(disposal(&r)?)))
    })
}

/// The tables of this module, for emptying before a restore.
pub(crate) const TABLES: [&str; 3] = ["retention_schedules", "retention_records", "disposals"];

/// The `LIKE` patterns of a filter, built from its values with the wildcards escaped
/// (see [`like_escape`]) so that `%` or `_` in a location or an id matches only itself.
struct LikePatterns {
    /// `%<location, lower case>%`.
    location: Option<String>,
    /// `%,<subject id>,%`, for the other subjects a record names.
    subject: Option<String>,
    /// The same for every subject under a standing hold.
    held_subjects: Vec<String>,
}

impl LikePatterns {
    fn of(f: &RecordFilter) -> Self {
        let listed = |id: &str| format!("%,{},%", like_escape(id));
        Self {
            location: f.location.as_ref().map(|l| format!("%{}%", like_escape(&l.to_lowercase()))),
            subject: f.subject_id.as_deref().map(listed),
            held_subjects: f.held.as_ref().map(|h| h.subjects.iter().map(|s| listed(s)).collect()).unwrap_or_default(),
        }
    }
}

fn push_filter<'a>(f: &'a RecordFilter, like: &'a LikePatterns, clauses: &mut Vec<String>, params: &mut Vec<Val<'a>>) {
    fn add<'a>(clause: &str, v: Val<'a>, params: &mut Vec<Val<'a>>, clauses: &mut Vec<String>) {
        params.push(v);
        clauses.push(clause.replace('?', &format!("${}", params.len())));
    }
    if let Some(t) = &f.record_type {
        add("record_type = ?", Val::Text(t), params, clauses);
    }
    if let Some(s) = &f.system_id {
        add("system_id = ?", Val::Text(s), params, clauses);
    }
    if let (Some(s), Some(pattern)) = (&f.subject_id, &like.subject) {
        params.push(Val::Text(s));
        params.push(Val::Text(pattern));
        let n = params.len();
        clauses.push(format!("(subject_id = ${} OR ',' || other_subjects || ',' LIKE ${n} {LIKE_ESCAPE})", n - 1));
    }
    if let Some(d) = &f.due_from {
        add("destroy_on >= ?", Val::Text(d), params, clauses);
    }
    if let Some(d) = &f.due_to {
        add("destroy_on <= ?", Val::Text(d), params, clauses);
    }
    if let Some(s) = &f.status {
        add("status = ?", Val::Text(s), params, clauses);
    }
    if f.missing {
        clauses.push("missing <> ''".into());
    }
    if let Some(pattern) = &like.location {
        add(&format!("LOWER(location) LIKE ? {LIKE_ESCAPE}"), Val::Text(pattern), params, clauses);
    }
    if let Some(held) = &f.held {
        let mut ors = Vec::new();
        for (col, list) in [("id", &held.ids), ("record_type", &held.types), ("subject_id", &held.subjects)] {
            if list.is_empty() {
                continue;
            }
            let mut marks = Vec::new();
            for v in list {
                params.push(Val::Text(v));
                marks.push(format!("${}", params.len()));
            }
            ors.push(format!("{col} IN ({})", marks.join(", ")));
        }
        for pattern in &like.held_subjects {
            params.push(Val::Text(pattern));
            ors.push(format!("',' || other_subjects || ',' LIKE ${} {LIKE_ESCAPE}", params.len()));
        }
        if ors.is_empty() {
            clauses.push("1 = 0".into());
        } else {
            clauses.push(format!("({})", ors.join(" OR ")));
        }
    }
}

impl Store {
    /// The newest saved schedule, if any.
    pub fn current_schedule(&self) -> Result<Option<ScheduleRow>, StoreError> {
        self.read(|tx| {
            tx.query(&format!("SELECT {SCHEDULE_COLUMNS} FROM retention_schedules ORDER BY version DESC LIMIT 1"), &[])?
                .first()
                .map(schedule)
                .transpose()
        })
    }

    /// Every saved schedule version, newest first (without the text when `summary`).
    pub fn schedule_versions(&self) -> Result<Vec<ScheduleRow>, StoreError> {
        self.read(|tx| {
            tx.query(&format!("SELECT {SCHEDULE_COLUMNS} FROM retention_schedules ORDER BY version DESC"), &[])?
                .iter()
                .map(schedule)
                .collect()
        })
    }

    /// Save a new schedule version (its number is the next after the newest), with
    /// `event` audited. Returns the version number.
    pub fn save_schedule(
        &self,
        name: &str,
        toml: &str,
        source: &str,
        saved_by: &str,
        event: &AuditEvent,
    ) -> Result<i64, StoreError> {
        self.write(|tx| {
            let next = tx.query("SELECT COALESCE(MAX(version), 0) FROM retention_schedules", &[])?;
            let version = next.first().map(|r| r.int(0)).transpose()?.unwrap_or(0) + 1;
            insert_schedule_row(
                tx,
                &ScheduleRow {
                    version,
                    name: name.into(),
                    toml: toml.into(),
                    source: source.into(),
                    saved_at: crate::now(),
                    saved_by: saved_by.into(),
                },
            )?;
            let mut ev = event.clone();
            ev.detail = format!("{} version={version}", ev.detail).trim().to_string();
            append_in(tx, std::slice::from_ref(&ev))?;
            Ok(version)
        })
    }

    /// Add records, with `events` audited, all in one transaction (an import is all or
    /// nothing).
    pub fn insert_records(&self, rows: &[RecordRow], events: &[AuditEvent]) -> Result<(), StoreError> {
        self.write(|tx| {
            for r in rows {
                insert_record_row(tx, r)?;
            }
            append_in(tx, events)?;
            Ok(())
        })
    }

    /// One record.
    pub fn record(&self, id: &str) -> Result<Option<RecordRow>, StoreError> {
        self.read(|tx| {
            tx.query(&format!("SELECT {RECORD_COLUMNS} FROM retention_records WHERE id = $1"), &[Val::Text(id)])?
                .first()
                .map(record_from_row)
                .transpose()
        })
    }

    /// Replace a record's fields, with `event` audited. Returns false when there is no
    /// such record.
    pub fn update_record(&self, r: &RecordRow, event: &AuditEvent) -> Result<bool, StoreError> {
        self.write(|tx| {
            let n = update_record_in(tx, r)?;
            if n > 0 {
                append_in(tx, std::slice::from_ref(event))?;
            }
            Ok(n > 0)
        })
    }

    /// Records matching `f`, by destroy-by date (undated last) then id, and how many
    /// match in all.
    pub fn records(&self, f: &RecordFilter) -> Result<(Vec<RecordRow>, u64), StoreError> {
        self.read(|tx| {
            let mut clauses = Vec::new();
            let mut params = Vec::new();
            let like = LikePatterns::of(f);
            push_filter(f, &like, &mut clauses, &mut params);
            let filter = if clauses.is_empty() { String::new() } else { format!(" WHERE {}", clauses.join(" AND ")) };
            let total = tx.query(&format!("SELECT COUNT(*) FROM retention_records{filter}"), &params)?;
            let total = total.first().map(|r| r.int(0)).transpose()?.unwrap_or(0);
            let limit = if f.limit == 0 { 100 } else { f.limit };
            let rows = tx.query(
                &format!(
                    "SELECT {RECORD_COLUMNS} FROM retention_records{filter} ORDER BY CASE WHEN destroy_on IS NULL \
                     THEN 1 ELSE 0 END, destroy_on, id LIMIT {limit} OFFSET {}",
                    f.offset
                ),
                &params,
            )?;
            Ok((rows.iter().map(record_from_row).collect::<Result<Vec<_>, _>>()?, u64::try_from(total).unwrap_or(0)))
        })
    }

    /// Kept records whose destroy-by date is on or before `day` (the sweep's query; the
    /// `(status, destroy_on)` index makes it a range scan).
    pub fn records_due(&self, day: &str) -> Result<Vec<RecordRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!(
                    "SELECT {RECORD_COLUMNS} FROM retention_records WHERE status = 'kept' AND destroy_on <= $1 \
                     ORDER BY destroy_on, id"
                ),
                &[Val::Text(day)],
            )?
            .iter()
            .map(record_from_row)
            .collect()
        })
    }

    /// Drop the destroy-by index before rewriting most of the inventory's dates (every
    /// row's index entry would move: building it again once is far cheaper).
    pub fn drop_due_index(&self) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.exec("DROP INDEX IF EXISTS retention_records_due", &[])?;
            Ok(())
        })
    }

    /// Build the destroy-by index if it is missing (after a bulk recompute, or at start
    /// if one was cut short).
    pub fn ensure_due_index(&self) -> Result<(), StoreError> {
        self.write(|tx| {
            let sqlite = tx.dialect() == crate::sql::Dialect::Sqlite;
            if sqlite {
                // SQLite's sorter holds up to a cache's worth in memory before it spills to
                // a file: a small cache keeps building the index over millions of rows
                // within bounded memory.
                tx.exec("PRAGMA cache_size = -32768", &[])?;
            }
            let built = tx.exec(
                "CREATE INDEX IF NOT EXISTS retention_records_due ON retention_records (status, destroy_on, id)",
                &[],
            );
            if sqlite {
                tx.exec(crate::sqlite::WRITER_CACHE, &[])?;
            }
            built?;
            Ok(())
        })
    }

    /// How many records are computed under a schedule version older than `version`.
    pub fn count_stale(&self, version: i64) -> Result<u64, StoreError> {
        self.read(|tx| {
            let r = tx.query(
                "SELECT COUNT(*) FROM retention_records WHERE schedule_version < $1 AND status <> 'destroyed'",
                &[Val::Int(version)],
            )?;
            Ok(u64::try_from(r.first().map(|r| r.int(0)).transpose()?.unwrap_or(0)).unwrap_or(0))
        })
    }

    /// Up to `limit` kept records due on or before `day`, in (destroy-by date, id) order
    /// after `after`: the pages the sweep walks.
    pub fn records_due_page(
        &self,
        day: &str,
        after: Option<(&str, &str)>,
        limit: usize,
    ) -> Result<Vec<RecordRow>, StoreError> {
        self.read(|tx| {
            let rows = match after {
                None => tx.query(
                    &format!(
                        "SELECT {RECORD_COLUMNS} FROM retention_records WHERE status = 'kept' AND destroy_on <= $1 \
                         ORDER BY destroy_on, id LIMIT {limit}"
                    ),
                    &[Val::Text(day)],
                )?,
                Some((d, id)) => tx.query(
                    &format!(
                        "SELECT {RECORD_COLUMNS} FROM retention_records WHERE status = 'kept' AND destroy_on <= $1 \
                         AND (destroy_on > $2 OR (destroy_on = $2 AND id > $3)) ORDER BY destroy_on, id LIMIT {limit}"
                    ),
                    &[Val::Text(day), Val::Text(d), Val::Text(id)],
                )?,
            };
            rows.iter().map(record_from_row).collect()
        })
    }

    /// Like [`Store::records_stale`], reading only what a recompute needs (a tenth of the
    /// columns, moved rather than copied out of the rows).
    pub fn records_stale_facts(
        &self,
        types: Option<&[String]>,
        version: i64,
        after: &str,
        limit: usize,
    ) -> Result<Vec<StaleRecord>, StoreError> {
        self.read(|tx| {
            let mut params = vec![Val::Int(version), Val::Text(after)];
            let mut type_clause = String::new();
            if let Some(types) = types {
                if types.is_empty() {
                    return Ok(Vec::new());
                }
                let mut marks = Vec::new();
                for t in types {
                    params.push(Val::Text(t));
                    marks.push(format!("${}", params.len()));
                }
                type_clause = format!(" AND record_type IN ({})", marks.join(", "));
            }
            let mut out = Vec::with_capacity(limit);
            tx.for_each(
                &format!(
                    "SELECT id, record_type, subject_id, facts, destroy_on, permanent, missing, rule, explanation \
                     FROM retention_records WHERE schedule_version < $1 AND id > $2 AND status <> 'destroyed'\
                     {type_clause} ORDER BY id LIMIT {limit}"
                ),
                &params,
                &mut |mut r| {
                    out.push(StaleRecord {
                        id: take_text(&mut r, 0)?,
                        record_type: take_text(&mut r, 1)?,
                        subject_id: take_opt_text(&mut r, 2)?,
                        facts: take_text(&mut r, 3)?,
                        destroy_on: take_opt_text(&mut r, 4)?,
                        permanent: r.int(5)? != 0,
                        missing: take_text(&mut r, 6)?,
                        rule: take_text(&mut r, 7)?,
                        explanation: take_text(&mut r, 8)?,
                    });
                    Ok(())
                },
            )?;
            Ok(out)
        })
    }

    /// Write a recompute's page in one transaction: the new computed fields of `changed`,
    /// and only the schedule version of `unchanged` (their dates stand), so a schedule
    /// change that moves few dates rewrites few index entries.
    pub fn save_recomputed(
        &self,
        changed: &[StaleRecord],
        unchanged: &[String],
        version: i64,
    ) -> Result<(), StoreError> {
        const CHUNK: usize = 500;
        self.write(|tx| {
            for r in changed {
                tx.exec(
                    "UPDATE retention_records SET destroy_on = $2, permanent = $3, missing = $4, rule = $5, \
                     explanation = $6, schedule_version = $7 WHERE id = $1",
                    &[
                        Val::Text(&r.id),
                        Val::OptText(r.destroy_on.as_deref()),
                        Val::Int(i64::from(r.permanent)),
                        Val::Text(&r.missing),
                        Val::Text(&r.rule),
                        Val::Text(&r.explanation),
                        Val::Int(version),
                    ],
                )?;
            }
            for ids in unchanged.chunks(CHUNK) {
                let mut params = vec![Val::Int(version)];
                let marks: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 2)).collect();
                params.extend(ids.iter().map(|id| Val::Text(id)));
                tx.exec(
                    &format!("UPDATE retention_records SET schedule_version = $1 WHERE id IN ({})", marks.join(", ")),
                    &params,
                )?;
            }
            Ok(())
        })
    }

    /// Records of a type still kept (not destroyed), for refusing to drop a type in use.
    pub fn count_records_of_type(&self, record_type: &str) -> Result<u64, StoreError> {
        self.read(|tx| {
            let r = tx.query(
                "SELECT COUNT(*) FROM retention_records WHERE record_type = $1 AND status <> 'destroyed'",
                &[Val::Text(record_type)],
            )?;
            Ok(u64::try_from(r.first().map(|r| r.int(0)).transpose()?.unwrap_or(0)).unwrap_or(0))
        })
    }

    /// Counts of kept records with a destroy-by date in `[from, to]`, and before `from`
    /// (overdue), for the dashboard.
    pub fn records_due_counts(&self, from: &str, to: &str) -> Result<(u64, u64), StoreError> {
        self.read(|tx| {
            let due = tx.query(
                "SELECT COUNT(*) FROM retention_records WHERE status IN ('kept', 'disposing') AND destroy_on >= $1 \
                 AND destroy_on <= $2",
                &[Val::Text(from), Val::Text(to)],
            )?;
            let overdue = tx.query(
                "SELECT COUNT(*) FROM retention_records WHERE status IN ('kept', 'disposing') AND destroy_on < $1",
                &[Val::Text(from)],
            )?;
            let n = |rows: Vec<Row>| -> Result<u64, StoreError> {
                Ok(u64::try_from(rows.first().map(|r| r.int(0)).transpose()?.unwrap_or(0)).unwrap_or(0))
            };
            Ok((n(due)?, n(overdue)?))
        })
    }

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
