//! The one list of the database's tables and what a backup does with each: the tables
//! it holds (in the order their lines are written) and, for every other table, why it
//! holds none of its rows and what a restore does with it. A test holds the list
//! against the tables the migrations create, on both databases.

use super::{BackupItem, b64};
use crate::sql::Tx;
use crate::{StoreError, checklists, erasure, jobs, packs, public, requests, retention, scans, subjects, systems};

/// Where an exporter sends each line of a backup.
pub type Emit<'a> = &'a mut dyn FnMut(BackupItem) -> Result<(), StoreError>;

/// Writes every row of one table as lines of a backup, in a stable order.
pub type Export = fn(&mut dyn Tx, Emit<'_>) -> Result<(), StoreError>;

/// What a backup does with one table.
#[derive(Clone, Copy)]
pub enum Treatment {
    /// Backed up: the exporter writes its rows; a restore empties the table and puts
    /// the rows back.
    BackedUp(Export),
    /// Not backed up: a restore empties it and builds it again from the lines it
    /// restores (the reason says from which).
    Rebuilt(&'static str),
    /// Not backed up: its one row is set by a restore from the lines it restores (the
    /// reason says how); never emptied.
    Reset(&'static str),
    /// Not backed up, and emptied by a restore (the reason says why).
    Emptied(&'static str),
    /// Not backed up, and left as it is by a restore (the reason says why).
    Kept(&'static str),
}

impl Treatment {
    /// Whether a restore deletes every row of the table before writing.
    pub fn emptied_by_restore(&self) -> bool {
        matches!(self, Treatment::BackedUp(_) | Treatment::Rebuilt(_) | Treatment::Emptied(_))
    }
}

/// One table of the schema and what a backup does with it.
#[derive(Clone, Copy)]
pub struct TableSpec {
    /// The table's name.
    pub name: &'static str,
    /// What a backup does with it.
    pub treatment: Treatment,
}

const fn backed_up(name: &'static str, export: Export) -> TableSpec {
    TableSpec { name, treatment: Treatment::BackedUp(export) }
}

const fn not_backed_up(name: &'static str, treatment: Treatment) -> TableSpec {
    TableSpec { name, treatment }
}

/// Send each of `rows` as a line made by `line`.
fn each<T>(rows: Vec<T>, line: impl Fn(T) -> BackupItem, emit: Emit<'_>) -> Result<(), StoreError> {
    rows.into_iter().try_for_each(|r| emit(line(r)))
}

/// Every table of the schema, in the order a backup writes the lines of those it holds.
pub const TABLES: &[TableSpec] = &[
    backed_up("settings", |tx, emit| {
        each(crate::all_settings(tx)?, |(key, value)| BackupItem::Setting { key, value }, emit)
    }),
    backed_up("tombstones", |tx, emit| each(subjects::all_tombstones(tx)?, BackupItem::Tombstone, emit)),
    backed_up("api_tokens", |tx, emit| each(crate::tokens::all_tokens(tx)?, BackupItem::Token, emit)),
    backed_up("subjects", export_subjects),
    not_backed_up(
        "subject_index",
        Treatment::Rebuilt("each subject line carries its blind-index hashes; they are written again with it"),
    ),
    not_backed_up("subject_stats", Treatment::Rebuilt("the category counts are counted again from the subjects")),
    backed_up("subject_links", |tx, emit| each(subjects::all_links(tx)?, BackupItem::Link, emit)),
    backed_up("public_submissions", export_submissions),
    backed_up("subject_access", |tx, emit| each(subjects::all_access(tx)?, BackupItem::Access, emit)),
    backed_up("users", |tx, emit| each(crate::users::all_users(tx)?, |u| BackupItem::User(Box::new(u.into())), emit)),
    not_backed_up("sessions", Treatment::Emptied("sign-ins do not outlive a restore: everyone signs in again")),
    backed_up("requests", |tx, emit| each(requests::all_requests(tx)?, BackupItem::Request, emit)),
    backed_up("request_events", |tx, emit| each(requests::all_events(tx)?, BackupItem::RequestEvent, emit)),
    backed_up("request_steps", |tx, emit| each(checklists::all_steps(tx)?, BackupItem::RequestStep, emit)),
    backed_up("request_searches", |tx, emit| each(checklists::all_searches(tx)?, BackupItem::RequestSearch, emit)),
    backed_up("systems", |tx, emit| each(systems::all_systems(tx)?, BackupItem::System, emit)),
    backed_up("erasure_tasks", |tx, emit| each(erasure::all_tasks(tx)?, BackupItem::ErasureTask, emit)),
    backed_up("legal_holds", |tx, emit| each(erasure::all_holds(tx)?, BackupItem::Hold, emit)),
    backed_up("restrictions", |tx, emit| each(erasure::all_restrictions(tx)?, BackupItem::Restriction, emit)),
    backed_up("suppressions", |tx, emit| {
        each(crate::suppression::all_suppressions(tx)?, BackupItem::Suppression, emit)
    }),
    backed_up("subject_notes", |tx, emit| packs::for_each_note(tx, &mut |r| emit(BackupItem::SubjectNote(r)))),
    backed_up("subject_documents", |tx, emit| {
        packs::for_each_document(tx, &mut |r| emit(BackupItem::SubjectDocument(r)))
    }),
    backed_up("request_pack_items", |tx, emit| packs::for_each_item(tx, &mut |r| emit(BackupItem::PackItem(r)))),
    backed_up("response_packs", |tx, emit| packs::for_each_pack(tx, &mut |r| emit(BackupItem::ResponsePack(r)))),
    backed_up("retention_schedules", |tx, emit| {
        retention::for_each_schedule(tx, &mut |r| emit(BackupItem::RetentionSchedule(r)))
    }),
    backed_up("retention_records", |tx, emit| {
        retention::for_each_record(tx, &mut |r| emit(BackupItem::RetentionRecord(Box::new(r))))
    }),
    backed_up("disposals", |tx, emit| {
        retention::for_each_disposal(tx, &mut |r| emit(BackupItem::Disposal(Box::new(r))))
    }),
    backed_up("request_scans", |tx, emit| {
        scans::for_each_scan(tx, &mut |r| emit(BackupItem::RequestScan(Box::new(r))))
    }),
    backed_up("request_scan_documents", |tx, emit| {
        scans::for_each_document(tx, &mut |r| emit(BackupItem::RequestScanDocument(Box::new(r))))
    }),
    not_backed_up(
        "job_leases",
        Treatment::Emptied("a lease belongs to a job running on the server the backup was taken from"),
    ),
    backed_up("job_runs", |tx, emit| each(jobs::all_runs(tx)?, BackupItem::JobRun, emit)),
    backed_up("reminder_sends", |tx, emit| each(jobs::all_sends(tx)?, BackupItem::ReminderSend, emit)),
    backed_up("calendar_feeds", |tx, emit| each(jobs::all_feeds(tx)?, BackupItem::CalendarFeed, emit)),
    backed_up("audit_log", |tx, emit| crate::audit::for_each_entry(tx, &mut |r| emit(BackupItem::Audit(r)))),
    not_backed_up("audit_head", Treatment::Reset("set to the last audit entry restored, which the header names too")),
    not_backed_up(
        "rate_limits",
        Treatment::Kept("recent hits counted by this server for its own limits: nothing worth restoring"),
    ),
    not_backed_up(
        "schema_migrations",
        Treatment::Kept("this database's own migration history; the header names the backup's schema version"),
    ),
];

/// Subjects, in the order they were added, still sealed (their blobs in base64).
fn export_subjects(tx: &mut dyn Tx, emit: Emit<'_>) -> Result<(), StoreError> {
    tx.for_each(
        "SELECT id, created_at, updated_at, categories, wrapped_key, data, index_hashes FROM subjects ORDER BY num",
        &[],
        &mut |r| {
            emit(BackupItem::Subject {
                id: r.text(0)?,
                created_at: r.text(1)?,
                updated_at: r.text(2)?,
                categories: r.text(3)?.split(',').filter(|c| !c.is_empty()).map(str::to_string).collect(),
                wrapped_key: b64(&r.blob(4)?),
                data: b64(&r.blob(5)?),
                index_hashes: b64(&r.blob(6)?),
            })
        },
    )
}

/// Requests and complaints from the public form, by arrival, still sealed.
fn export_submissions(tx: &mut dyn Tx, emit: Emit<'_>) -> Result<(), StoreError> {
    tx.for_each(
        &format!("SELECT {} FROM public_submissions ORDER BY submitted_at, id", public::COLUMNS),
        &[],
        &mut |r| {
            let s = public::submission(&r)?;
            emit(BackupItem::Submission {
                id: s.id,
                reference: s.reference,
                kind: s.kind,
                status: s.status,
                submitted_at: s.submitted_at,
                wrapped_key: s.wrapped_key.as_deref().map(b64),
                data: s.data.as_deref().map(b64),
                assigned_to: s.assigned_to,
            })
        },
    )
}
