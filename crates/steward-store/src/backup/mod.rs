//! Logical backups: every table as a stream of typed JSON lines that either backend
//! can write and read, so a backup also moves data between SQLite and PostgreSQL.
//!
//! Ciphertexts stay sealed and data keys stay wrapped: a backup is unreadable
//! without the master key, which it never contains.
//!
//! Which tables a backup holds, in what order, and what a restore does with the others
//! is one list, [`TABLES`]; each table's rows are read and written next to its other
//! SQL (`all_*` and `insert_*_row` functions of its module).

mod check;
#[cfg(test)]
mod tests;
mod users;

pub use check::{BackupFacts, inspect};
pub use users::UserBackup;

use crate::audit::insert_audit_row;
use crate::public::{SubmissionRow, insert_submission_row};
use crate::requests::{RequestEventRow, RequestRow, insert_event_row, insert_request_row};
use crate::sql::{Tx, Val};
use crate::subjects::{
    AccessRow, HASH_LEN, LinkRow, SubjectRow, Tombstone, insert_access_row, insert_link_row, insert_subject_row,
    insert_tombstone_row, rebuild_stats,
};
use crate::suppression::{SuppressionRow, insert_suppression_row};
use crate::tokens::{TokenRow, insert_token_row};
use crate::{Store, StoreError};
use crate::{checklists, consents, erasure, jobs, packs, public, requests, retention, scans, subjects, systems};
use base64::Engine as _;
use check::{Framing, check_header};
use serde::{Deserialize, Serialize};
use steward_core::audit::AuditRecord;

/// Format name written in every backup header.
pub const FORMAT: &str = "steward-backup";
/// Version of the backup format.
pub const FORMAT_VERSION: u32 = 1;

fn b64(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

fn unb64(s: &str, what: &str) -> Result<Vec<u8>, StoreError> {
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .map_err(|_| StoreError::BadBackup(format!("{what} is not valid base64")))
}

/// One line of a backup.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum BackupItem {
    /// First line.
    Header {
        /// Always [`FORMAT`].
        format: String,
        /// [`FORMAT_VERSION`].
        version: u32,
        /// Schema version of the database it came from.
        schema_version: i64,
        /// When taken.
        created_at: String,
        /// Audit entries at the time.
        audit_seq: i64,
        /// Audit head hash at the time.
        audit_hash: String,
    },
    /// A setting.
    Setting {
        /// Key.
        key: String,
        /// Value.
        value: String,
    },
    /// A subject, still sealed.
    Subject {
        /// Id.
        id: String,
        /// Created.
        created_at: String,
        /// Updated.
        updated_at: String,
        /// Categories.
        categories: Vec<String>,
        /// Wrapped data key, base64.
        wrapped_key: String,
        /// Sealed data, base64.
        data: String,
        /// Blind-index hashes, base64 of their concatenation.
        index_hashes: String,
    },
    /// A link.
    Link(LinkRow),
    /// A tombstone.
    Tombstone(Tombstone),
    /// A token.
    Token(TokenRow),
    /// A request or complaint from the public form, still sealed.
    Submission {
        /// Id.
        id: String,
        /// Reference given to the sender.
        reference: String,
        /// `request` or `complaint`.
        kind: String,
        /// Status.
        status: String,
        /// When it arrived.
        submitted_at: String,
        /// Wrapped data key, base64 (absent once destroyed).
        wrapped_key: Option<String>,
        /// Sealed data, base64 (absent once destroyed).
        data: Option<String>,
        /// The caseworker it is assigned to.
        #[serde(default)]
        assigned_to: Option<String>,
    },
    /// A user's access to a subject.
    Access(AccessRow),
    /// A user account (passwords and recovery codes as hashes, the TOTP secret
    /// sealed). Sessions are never backed up: after a restore everyone signs in again.
    User(Box<UserBackup>),
    /// A rights request or complaint (schema version 4 on).
    Request(RequestRow),
    /// One event of a request.
    RequestEvent(RequestEventRow),
    /// A suppression-list entry: a keyed hash, never the identifier (schema version 5 on).
    Suppression(SuppressionRow),
    /// A checklist step of a request (schema version 6 on).
    RequestStep(crate::checklists::StepRow),
    /// A search-log entry of a request, terms and answer still sealed (schema version 6 on).
    RequestSearch(crate::checklists::SearchRow),
    /// A system or processor on the register (schema version 7 on).
    System(crate::systems::SystemRow),
    /// One version of an entry of a versioned register.
    RegisterEntry(crate::registers::EntryRow),
    /// An erasure task (schema version 7 on).
    ErasureTask(crate::erasure::ErasureTaskRow),
    /// A legal hold (schema version 7 on).
    Hold(crate::erasure::HoldRow),
    /// A restriction of processing (schema version 7 on).
    Restriction(crate::erasure::RestrictionRow),
    /// A case note, still sealed (schema version 8 on).
    SubjectNote(crate::packs::NoteRow),
    /// A document, still sealed (schema version 8 on).
    SubjectDocument(crate::packs::DocumentRow),
    /// A reviewer's decision on an item of a response pack (schema version 8 on).
    PackItem(crate::packs::PackItemRow),
    /// A built response pack, still sealed (schema version 8 on).
    ResponsePack(crate::packs::PackRow),
    /// A saved version of the retention schedule.
    RetentionSchedule(crate::retention::ScheduleRow),
    /// A record in the retention inventory.
    RetentionRecord(Box<crate::retention::RecordRow>),
    /// A disposal found by the sweep.
    Disposal(Box<crate::retention::DisposalRow>),
    /// A scan of files run from a request (schema version 11 on).
    RequestScan(Box<crate::scans::ScanRow>),
    /// A document of such a scan, still sealed (schema version 11 on).
    RequestScanDocument(Box<crate::scans::ScanDocumentRow>),
    /// A consent of the ledger, its evidence still sealed (schema version 14 on).
    Consent(Box<crate::consents::ConsentRow>),
    /// A record that a person received a privacy notice (schema version 14 on).
    NoticeReceipt(crate::consents::NoticeReceiptRow),
    /// A run of a scheduled job (schema version 9 on).
    JobRun(crate::jobs::JobRunRow),
    /// A reminder email recorded as sent (schema version 9 on).
    ReminderSend(crate::jobs::ReminderSendRow),
    /// A user's calendar feed, its secret as a hash (schema version 9 on).
    CalendarFeed(crate::jobs::CalendarFeedRow),
    /// An audit entry.
    Audit(AuditRecord),
    /// Last line: how many lines came before it, to detect truncation.
    End {
        /// Lines before this one, header included.
        lines: u64,
    },
}

impl Store {
    /// Write every row to `sink`, one item at a time, from one consistent snapshot: the
    /// header (dated `created_at`), the tables of [`TABLES`] a backup holds, in its order,
    /// and the end marker.
    pub fn export(
        &self,
        created_at: &str,
        sink: &mut dyn FnMut(BackupItem) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        let schema_version = self.schema_version()?;
        self.read(|tx| {
            let mut lines = 0u64;
            let mut emit = |item: BackupItem| -> Result<(), StoreError> {
                lines += 1;
                sink(item)
            };
            let head = tx.query("SELECT seq, hash FROM audit_head WHERE id = 1", &[])?;
            let head = head.first().ok_or_else(|| StoreError::Corrupt("the audit head row is missing".into()))?;
            emit(BackupItem::Header {
                format: FORMAT.into(),
                version: FORMAT_VERSION,
                schema_version,
                created_at: created_at.to_string(),
                audit_seq: head.int(0)?,
                audit_hash: head.text(1)?,
            })?;
            for table in TABLES {
                if let Treatment::BackedUp(export) = table.treatment {
                    export(tx, &mut emit)?;
                }
            }
            // The end marker counts every line before it.
            sink(BackupItem::End { lines })?;
            Ok(lines + 1)
        })
    }

    /// Replace everything in this database with the backup read from `items`, in one
    /// transaction: a damaged or truncated backup changes nothing.
    pub fn import(
        &self,
        items: &mut dyn Iterator<Item = Result<BackupItem, StoreError>>,
    ) -> Result<ImportSummary, StoreError> {
        self.import_checked(items, None)
    }

    /// [`Store::import`], refusing (inside the same transaction, so nothing changes) a
    /// backup whose master-key check value is not `key_check`: a backup made by another
    /// installation could not be read with this one's key.
    pub fn import_checked(
        &self,
        items: &mut dyn Iterator<Item = Result<BackupItem, StoreError>>,
        key_check: Option<&str>,
    ) -> Result<ImportSummary, StoreError> {
        let mut items = Some(items);
        self.write(|tx| {
            let items = items.take().ok_or_else(|| StoreError::Backend("import ran twice".into()))?;
            let summary = import_in(tx, items)?;
            if let Some(expected) = key_check {
                let rows = tx.query("SELECT value FROM settings WHERE key = $1", &[Val::Text(KEY_CHECK_SETTING)])?;
                let found = rows.first().map(|r| r.text(0)).transpose()?;
                if found.as_deref() != Some(expected) {
                    return Err(StoreError::BadBackup(ANOTHER_KEY.into()));
                }
            }
            Ok(summary)
        })
    }
}

/// The setting that holds the master key's check value.
pub const KEY_CHECK_SETTING: &str = "master_key_check";

/// Why a backup from another installation is refused.
pub const ANOTHER_KEY: &str =
    "it was made by another installation: its master key is not this data directory's master key";

/// What a restore brought back.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportSummary {
    /// When the backup was taken.
    pub backup_created_at: String,
    /// Subjects restored.
    pub subjects: u64,
    /// Tombstones restored.
    pub tombstones: u64,
    /// Requests and complaints from the public form restored.
    pub submissions: u64,
    /// Rights requests and complaints restored.
    pub requests: u64,
    /// Audit entries restored.
    pub audit_entries: u64,
}

fn import_in(
    tx: &mut dyn Tx,
    items: &mut dyn Iterator<Item = Result<BackupItem, StoreError>>,
) -> Result<ImportSummary, StoreError> {
    let mut summary = ImportSummary::default();
    let Some(first) = items.next() else {
        return Err(StoreError::BadBackup("the file is empty".into()));
    };
    let (created_at, _, header_audit) = check_header(first?)?;
    summary.backup_created_at = created_at;
    for table in TABLES.iter().filter(|t| t.treatment.emptied_by_restore()) {
        tx.exec(&format!("DELETE FROM {}", table.name), &[])?;
    }
    let mut framing = Framing::new(header_audit);
    for (item, lines) in items.zip(1u64..) {
        let item = item?;
        framing.check(&item, lines)?;
        match item {
            BackupItem::Header { .. } | BackupItem::End { .. } => {}
            BackupItem::Setting { key, value } => crate::insert_setting_row(tx, &key, &value)?,
            BackupItem::Subject { id, created_at, updated_at, categories, wrapped_key, data, index_hashes } => {
                let hashes = unb64(&index_hashes, "index_hashes")?;
                if hashes.len() % HASH_LEN != 0 {
                    return Err(StoreError::BadBackup(format!("line {}: index hashes have a bad length", lines + 1)));
                }
                let row = SubjectRow {
                    id,
                    created_at,
                    updated_at,
                    categories,
                    wrapped_key: unb64(&wrapped_key, "wrapped_key")?,
                    data: unb64(&data, "data")?,
                    index_hashes: hashes
                        .chunks_exact(HASH_LEN)
                        .map(|c| {
                            let mut a = [0u8; HASH_LEN];
                            a.copy_from_slice(c);
                            a
                        })
                        .collect(),
                };
                insert_subject_row(tx, &row)?;
                summary.subjects += 1;
            }
            BackupItem::Link(l) => insert_link_row(tx, &l)?,
            BackupItem::Tombstone(t) => {
                insert_tombstone_row(tx, &t)?;
                summary.tombstones += 1;
            }
            BackupItem::Token(t) => insert_token_row(tx, &t)?,
            BackupItem::Submission { id, reference, kind, status, submitted_at, wrapped_key, data, assigned_to } => {
                let row = SubmissionRow {
                    id,
                    reference,
                    kind,
                    status,
                    submitted_at,
                    wrapped_key: wrapped_key.map(|k| unb64(&k, "wrapped_key")).transpose()?,
                    data: data.map(|d| unb64(&d, "data")).transpose()?,
                    assigned_to,
                };
                insert_submission_row(tx, &row)?;
                summary.submissions += 1;
            }
            BackupItem::User(u) => crate::users::insert_user_row(tx, &u.into_row()?)?,
            BackupItem::Access(a) => insert_access_row(tx, &a)?,
            BackupItem::Request(q) => {
                insert_request_row(tx, &q)?;
                summary.requests += 1;
            }
            BackupItem::RequestEvent(e) => insert_event_row(tx, &e)?,
            BackupItem::RequestStep(r) => crate::checklists::insert_step_row(tx, &r)?,
            BackupItem::RequestSearch(r) => crate::checklists::insert_search_row(tx, &r)?,
            BackupItem::System(r) => crate::systems::insert_system_row(tx, &r)?,
            BackupItem::RegisterEntry(r) => crate::registers::insert_entry_row(tx, &r)?,
            BackupItem::ErasureTask(r) => crate::erasure::insert_task_row(tx, &r)?,
            BackupItem::Hold(r) => crate::erasure::insert_hold_row(tx, &r)?,
            BackupItem::Restriction(r) => crate::erasure::insert_restriction_row(tx, &r)?,
            BackupItem::Suppression(r) => {
                insert_suppression_row(tx, &r)?;
            }
            BackupItem::SubjectNote(n) => crate::packs::insert_note_row(tx, &n)?,
            BackupItem::SubjectDocument(d) => crate::packs::insert_document_row(tx, &d)?,
            BackupItem::PackItem(i) => crate::packs::insert_item_row(tx, &i)?,
            BackupItem::ResponsePack(p) => crate::packs::insert_pack_row(tx, &p)?,
            BackupItem::RetentionSchedule(s) => crate::retention::insert_schedule_row(tx, &s)?,
            BackupItem::RetentionRecord(r) => crate::retention::insert_record_row(tx, &r)?,
            BackupItem::Disposal(d) => crate::retention::insert_disposal_row(tx, &d)?,
            BackupItem::RequestScan(s) => crate::scans::insert_scan_row(tx, &s)?,
            BackupItem::RequestScanDocument(d) => crate::scans::insert_document_row(tx, &d)?,
            BackupItem::Consent(c) => crate::consents::insert_consent_row(tx, &c)?,
            BackupItem::NoticeReceipt(n) => crate::consents::insert_receipt_row(tx, &n)?,
            BackupItem::JobRun(r) => crate::jobs::insert_run_row(tx, &r)?,
            BackupItem::ReminderSend(r) => crate::jobs::insert_send_row(tx, &r)?,
            BackupItem::CalendarFeed(r) => crate::jobs::insert_feed_row(tx, &r)?,
            BackupItem::Audit(a) => {
                insert_audit_row(tx, &a)?;
                summary.audit_entries += 1;
            }
        }
    }
    let (last_audit, _) = framing.finish()?;
    tx.exec(
        "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1",
        &[Val::Int(last_audit.0), Val::Text(&last_audit.1)],
    )?;
    rebuild_stats(tx)?;
    Ok(summary)
}

// The one list of the database's tables and what a backup does with each: the tables
// it holds (in the order their lines are written) and, for every other table, why it
// holds none of its rows and what a restore does with it. A test holds the list
// against the tables the migrations create, on both databases. A new table adds its
// line here, its `BackupItem` variant above and its arm in `import_in`: one file.

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
    backed_up("register_versions", |tx, emit| {
        each(crate::registers::all_entry_rows(tx)?, BackupItem::RegisterEntry, emit)
    }),
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
    backed_up("consents", |tx, emit| consents::for_each_consent(tx, &mut |r| emit(BackupItem::Consent(Box::new(r))))),
    backed_up("notice_receipts", |tx, emit| {
        consents::for_each_receipt(tx, &mut |r| emit(BackupItem::NoticeReceipt(r)))
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
