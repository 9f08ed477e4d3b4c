//! Logical backups: every table as a stream of typed JSON lines that either backend
//! can write and read, so a backup also moves data between SQLite and PostgreSQL.
//!
//! Ciphertexts stay sealed and data keys stay wrapped: a backup is unreadable
//! without the master key, which it never contains.

use crate::audit::record;
use crate::public::{SubmissionRow, insert_submission_row, submission};
use crate::requests::{RequestEventRow, RequestRow, all_events, all_requests, insert_event_row, insert_request_row};
use crate::sql::{Tx, Val};
use crate::subjects::{AccessRow, HASH_LEN, LinkRow, SubjectRow, Tombstone, insert_subject_row, rebuild_stats};
use crate::suppression::{SuppressionRow, all_suppressions, insert_suppression_row};
use crate::tokens::{TokenRow, insert_token_row, token};
use crate::users::UserRow;
use crate::{Store, StoreError, schema};
use base64::Engine as _;
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
    System(crate::erasure::SystemRow),
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
    /// Write every row to `sink`, one item at a time, from one consistent snapshot.
    pub fn export(&self, sink: &mut dyn FnMut(BackupItem) -> Result<(), StoreError>) -> Result<u64, StoreError> {
        let schema_version = self.schema_version()?;
        self.read(|tx| {
            let mut lines = 0u64;
            let mut emit = |item: BackupItem, lines: &mut u64| -> Result<(), StoreError> {
                *lines += 1;
                sink(item)
            };
            let head = tx.query("SELECT seq, hash FROM audit_head WHERE id = 1", &[])?;
            let head = head.first().ok_or_else(|| StoreError::Corrupt("the audit head row is missing".into()))?;
            emit(
                BackupItem::Header {
                    format: FORMAT.into(),
                    version: FORMAT_VERSION,
                    schema_version,
                    created_at: crate::now(),
                    audit_seq: head.int(0)?,
                    audit_hash: head.text(1)?,
                },
                &mut lines,
            )?;
            let mut items: Vec<BackupItem> = Vec::new();
            for r in tx.query("SELECT key, value FROM settings ORDER BY key", &[])? {
                items.push(BackupItem::Setting { key: r.text(0)?, value: r.text(1)? });
            }
            for r in tx.query("SELECT subject_id, erased_at, reason, actor, request_ref FROM tombstones ORDER BY subject_id", &[])? {
                items.push(BackupItem::Tombstone(Tombstone {
                    subject_id: r.text(0)?,
                    erased_at: r.text(1)?,
                    reason: r.text(2)?,
                    actor: r.text(3)?,
                    request_ref: r.opt_text(4)?,
                }));
            }
            for r in tx.query(&format!("SELECT {} FROM api_tokens ORDER BY id", crate::tokens::COLUMNS), &[])? {
                items.push(BackupItem::Token(token(&r)?));
            }
            for item in items.drain(..) {
                emit(item, &mut lines)?;
            }
            tx.for_each(
                "SELECT id, created_at, updated_at, categories, wrapped_key, data, index_hashes FROM subjects ORDER BY num",
                &[],
                &mut |r| {
                    emit(
                        BackupItem::Subject {
                            id: r.text(0)?,
                            created_at: r.text(1)?,
                            updated_at: r.text(2)?,
                            categories: r.text(3)?.split(',').filter(|c| !c.is_empty()).map(str::to_string).collect(),
                            wrapped_key: b64(&r.blob(4)?),
                            data: b64(&r.blob(5)?),
                            index_hashes: b64(&r.blob(6)?),
                        },
                        &mut lines,
                    )
                },
            )?;
            for r in tx.query("SELECT from_id, to_id, kind, created_at FROM subject_links ORDER BY from_id, to_id", &[])? {
                emit(
                    BackupItem::Link(LinkRow {
                        from_id: r.text(0)?,
                        to_id: r.text(1)?,
                        kind: r.text(2)?,
                        created_at: r.text(3)?,
                    }),
                    &mut lines,
                )?;
            }
            tx.for_each(
                &format!("SELECT {} FROM public_submissions ORDER BY submitted_at, id", crate::public::COLUMNS),
                &[],
                &mut |r| {
                    let s = submission(&r)?;
                    emit(
                        BackupItem::Submission {
                            id: s.id,
                            reference: s.reference,
                            kind: s.kind,
                            status: s.status,
                            submitted_at: s.submitted_at,
                            wrapped_key: s.wrapped_key.as_deref().map(b64),
                            data: s.data.as_deref().map(b64),
                            assigned_to: s.assigned_to,
                        },
                        &mut lines,
                    )
                },
            )?;
            for r in tx.query("SELECT subject_id, user_id, reason, granted_at FROM subject_access ORDER BY subject_id, user_id", &[])? {
                emit(BackupItem::Access(crate::subjects::access_row(&r)?), &mut lines)?;
            }
            for u in crate::users::all_users(tx)? {
                emit(BackupItem::User(Box::new(u.into())), &mut lines)?;
            }
            for q in all_requests(tx)? {
                emit(BackupItem::Request(q), &mut lines)?;
            }
            for e in all_events(tx)? {
                emit(BackupItem::RequestEvent(e), &mut lines)?;
            }
            for r in crate::checklists::all_steps(tx)? {
                emit(BackupItem::RequestStep(r), &mut lines)?;
            }
            for r in crate::checklists::all_searches(tx)? {
                emit(BackupItem::RequestSearch(r), &mut lines)?;
            }
            for r in crate::erasure::all_systems(tx)? {
                emit(BackupItem::System(r), &mut lines)?;
            }
            for r in crate::erasure::all_tasks(tx)? {
                emit(BackupItem::ErasureTask(r), &mut lines)?;
            }
            for r in crate::erasure::all_holds(tx)? {
                emit(BackupItem::Hold(r), &mut lines)?;
            }
            for r in crate::erasure::all_restrictions(tx)? {
                emit(BackupItem::Restriction(r), &mut lines)?;
            }
            for r in all_suppressions(tx)? {
                emit(BackupItem::Suppression(r), &mut lines)?;
            }
            crate::packs::export_records(tx, &mut |item| emit(item, &mut lines))?;
            crate::retention::export_records(tx, &mut |item| emit(item, &mut lines))?;
            crate::scans::export_records(tx, &mut |item| emit(item, &mut lines))?;
            for r in crate::jobs::all_runs(tx)? {
                emit(BackupItem::JobRun(r), &mut lines)?;
            }
            for r in crate::jobs::all_sends(tx)? {
                emit(BackupItem::ReminderSend(r), &mut lines)?;
            }
            for r in crate::jobs::all_feeds(tx)? {
                emit(BackupItem::CalendarFeed(r), &mut lines)?;
            }
            tx.for_each(
                "SELECT seq, at, actor, action, object_type, object_id, request_id, outcome, detail, prev_hash, hash FROM audit_log ORDER BY seq",
                &[],
                &mut |r| emit(BackupItem::Audit(record(&r)?), &mut lines),
            )?;
            emit(BackupItem::End { lines }, &mut lines)?;
            Ok(lines)
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

/// What a backup file holds, found by reading it through without writing anything.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BackupFacts {
    /// When it was taken.
    pub created_at: String,
    /// The schema version of the database it came from.
    pub schema_version: i64,
    /// Lines, the end marker included.
    pub lines: u64,
    /// Subjects in it.
    pub subjects: u64,
    /// The check value of the master key it was made with, if recorded.
    pub master_key_check: Option<String>,
}

/// Read a whole backup and check its shape as [`Store::import`] would, writing nothing:
/// the header, no second header, the end marker and its line count, nothing after it,
/// and the audit entries agreeing with the header. A truncated file, or one that is not
/// a backup, is [`StoreError::BadBackup`] naming the line.
pub fn inspect(items: &mut dyn Iterator<Item = Result<BackupItem, StoreError>>) -> Result<BackupFacts, StoreError> {
    let Some(first) = items.next() else {
        return Err(StoreError::BadBackup("the file is empty".into()));
    };
    let (created_at, schema_version, header_audit) = check_header(first?)?;
    let mut facts = BackupFacts { created_at, schema_version, ..BackupFacts::default() };
    let mut framing = Framing::new(header_audit);
    for (item, lines) in items.zip(1u64..) {
        let item = item?;
        framing.check(&item, lines)?;
        match item {
            BackupItem::Setting { key, value } if key == KEY_CHECK_SETTING => facts.master_key_check = Some(value),
            BackupItem::Subject { .. } => facts.subjects += 1,
            _ => {}
        }
    }
    facts.lines = framing.finish()?.1;
    Ok(facts)
}

/// The framing every reader of a backup checks, line by line after the header: no
/// second header, the end marker's count, nothing after it, and the last audit entry
/// agreeing with the header's head.
struct Framing {
    header_audit: (i64, String),
    last_audit: (i64, String),
    /// Lines read when the end marker came.
    ended_at: Option<u64>,
}

impl Framing {
    fn new(header_audit: (i64, String)) -> Self {
        Self { header_audit, last_audit: (0, steward_core::audit::GENESIS_HASH.to_string()), ended_at: None }
    }

    /// Check `item`, the `lines`-th line after the header.
    fn check(&mut self, item: &BackupItem, lines: u64) -> Result<(), StoreError> {
        if self.ended_at.is_some() {
            return Err(StoreError::BadBackup("there is data after the end marker".into()));
        }
        match item {
            BackupItem::Header { .. } => {
                return Err(StoreError::BadBackup(format!("a second header at line {}", lines + 1)));
            }
            BackupItem::Audit(a) => self.last_audit = (a.seq, a.hash.clone()),
            BackupItem::End { lines: n } => {
                if *n != lines {
                    return Err(StoreError::BadBackup(format!(
                        "the end marker counts {n} lines but {lines} were read"
                    )));
                }
                self.ended_at = Some(lines);
            }
            _ => {}
        }
        Ok(())
    }

    /// After the last line: the file was complete and its audit entries match the
    /// header. Returns the audit head and the number of lines read, header included.
    fn finish(self) -> Result<((i64, String), u64), StoreError> {
        let Some(lines) = self.ended_at else {
            return Err(StoreError::BadBackup("the file is truncated (no end marker)".into()));
        };
        if self.last_audit != self.header_audit {
            return Err(StoreError::BadBackup(format!(
                "the header records {} audit entries but the last audit line is entry {}",
                self.header_audit.0, self.last_audit.0
            )));
        }
        Ok((self.last_audit, lines + 1))
    }
}

/// Check a backup's first line: its creation time, schema version and audit head.
fn check_header(first: BackupItem) -> Result<(String, i64, (i64, String)), StoreError> {
    match first {
        BackupItem::Header { format, version, schema_version, created_at, audit_seq, audit_hash } => {
            if format != FORMAT {
                return Err(StoreError::BadBackup(format!("not a Steward backup (format '{format}')")));
            }
            if version != FORMAT_VERSION {
                return Err(StoreError::BadBackup(format!(
                    "backup format version {version} is not supported (expected {FORMAT_VERSION})"
                )));
            }
            if schema_version > schema::latest_version() {
                return Err(StoreError::BadBackup(format!(
                    "the backup has schema version {schema_version}, newer than this Steward ({})",
                    schema::latest_version()
                )));
            }
            Ok((created_at, schema_version, (audit_seq, audit_hash)))
        }
        _ => Err(StoreError::BadBackup("the first line is not a backup header".into())),
    }
}

/// A user account in a backup.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserBackup {
    /// Id.
    pub id: String,
    /// Sign-in email.
    pub email: String,
    /// Name.
    pub display_name: String,
    /// Role.
    pub role: String,
    /// Argon2id PHC string.
    pub password_hash: Option<String>,
    /// Sealed TOTP secret, base64.
    pub totp_secret: Option<String>,
    /// Sealed pending TOTP secret, base64.
    pub totp_pending: Option<String>,
    /// Two-factor on.
    pub totp_enabled: bool,
    /// Hashes of unused recovery codes.
    pub recovery_codes: Vec<String>,
    /// Failed sign-ins in a row.
    pub failed_logins: i64,
    /// Locked until.
    pub locked_until: Option<String>,
    /// Hash of an open invitation.
    pub invite_hash: Option<String>,
    /// Invitation expiry.
    pub invite_expires_at: Option<String>,
    /// Training valid until.
    pub training_valid_until: Option<String>,
    /// Created.
    pub created_at: String,
    /// Disabled.
    pub disabled_at: Option<String>,
    /// The newest TOTP time step already used.
    #[serde(default)]
    pub totp_last_step: i64,
}

impl From<UserRow> for UserBackup {
    fn from(u: UserRow) -> Self {
        Self {
            id: u.id,
            email: u.email,
            display_name: u.display_name,
            role: u.role,
            password_hash: u.password_hash,
            totp_secret: u.totp_secret.as_deref().map(b64),
            totp_pending: u.totp_pending.as_deref().map(b64),
            totp_enabled: u.totp_enabled,
            recovery_codes: u.recovery_codes,
            failed_logins: u.failed_logins,
            locked_until: u.locked_until,
            invite_hash: u.invite_hash,
            invite_expires_at: u.invite_expires_at,
            training_valid_until: u.training_valid_until,
            created_at: u.created_at,
            disabled_at: u.disabled_at,
            totp_last_step: u.totp_last_step,
        }
    }
}

impl UserBackup {
    fn into_row(self) -> Result<UserRow, StoreError> {
        Ok(UserRow {
            id: self.id,
            email: self.email,
            display_name: self.display_name,
            role: self.role,
            password_hash: self.password_hash,
            totp_secret: self.totp_secret.map(|s| unb64(&s, "totp_secret")).transpose()?,
            totp_pending: self.totp_pending.map(|s| unb64(&s, "totp_pending")).transpose()?,
            totp_enabled: self.totp_enabled,
            recovery_codes: self.recovery_codes,
            failed_logins: self.failed_logins,
            locked_until: self.locked_until,
            invite_hash: self.invite_hash,
            invite_expires_at: self.invite_expires_at,
            training_valid_until: self.training_valid_until,
            created_at: self.created_at,
            disabled_at: self.disabled_at,
            totp_last_step: self.totp_last_step,
        })
    }
}

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
    for table in [
        "subject_index",
        "subject_links",
        "subjects",
        "subject_stats",
        "tombstones",
        "api_tokens",
        "public_submissions",
        "sessions",
        "users",
        "subject_access",
        "request_events",
        "request_steps",
        "request_searches",
        "requests",
        "audit_log",
        "settings",
        "suppressions",
        "systems",
        "erasure_tasks",
        "legal_holds",
        "restrictions",
        "job_leases",
        "job_runs",
        "reminder_sends",
        "calendar_feeds",
    ]
    .into_iter()
    .chain(crate::packs::TABLES)
    .chain(crate::retention::TABLES)
    .chain(crate::scans::TABLES)
    {
        tx.exec(&format!("DELETE FROM {table}"), &[])?;
    }
    let mut framing = Framing::new(header_audit);
    for (item, lines) in items.zip(1u64..) {
        let item = item?;
        framing.check(&item, lines)?;
        match item {
            BackupItem::Header { .. } | BackupItem::End { .. } => {}
            BackupItem::Setting { key, value } => {
                tx.exec("INSERT INTO settings (key, value) VALUES ($1, $2)", &[Val::Text(&key), Val::Text(&value)])?;
            }
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
            BackupItem::Link(l) => {
                tx.exec(
                    "INSERT INTO subject_links (from_id, to_id, kind, created_at) VALUES ($1, $2, $3, $4)",
                    &[Val::Text(&l.from_id), Val::Text(&l.to_id), Val::Text(&l.kind), Val::Text(&l.created_at)],
                )?;
            }
            BackupItem::Tombstone(t) => {
                tx.exec(
                    "INSERT INTO tombstones (subject_id, erased_at, reason, actor, request_ref) VALUES ($1, $2, $3, $4, $5)",
                    &[
                        Val::Text(&t.subject_id),
                        Val::Text(&t.erased_at),
                        Val::Text(&t.reason),
                        Val::Text(&t.actor),
                        Val::OptText(t.request_ref.as_deref()),
                    ],
                )?;
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
            BackupItem::Access(a) => {
                tx.exec(
                    "INSERT INTO subject_access (subject_id, user_id, reason, granted_at) VALUES ($1, $2, $3, $4)",
                    &[Val::Text(&a.subject_id), Val::Text(&a.user_id), Val::Text(&a.reason), Val::Text(&a.granted_at)],
                )?;
            }
            BackupItem::Request(q) => {
                insert_request_row(tx, &q)?;
                summary.requests += 1;
            }
            BackupItem::RequestEvent(e) => insert_event_row(tx, &e)?,
            BackupItem::RequestStep(r) => crate::checklists::insert_step_row(tx, &r)?,
            BackupItem::RequestSearch(r) => crate::checklists::insert_search_row(tx, &r)?,
            BackupItem::System(r) => crate::erasure::insert_system_row(tx, &r)?,
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
            BackupItem::JobRun(r) => crate::jobs::insert_run_row(tx, &r)?,
            BackupItem::ReminderSend(r) => crate::jobs::insert_send_row(tx, &r)?,
            BackupItem::CalendarFeed(r) => crate::jobs::insert_feed_row(tx, &r)?,
            BackupItem::Audit(a) => {
                let e = &a.event;
                tx.exec(
                    "INSERT INTO audit_log (seq, at, actor, action, object_type, object_id, request_id, outcome, detail, prev_hash, hash) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                    &[
                        Val::Int(a.seq),
                        Val::Text(&e.at),
                        Val::Text(&e.actor),
                        Val::Text(&e.action),
                        Val::Text(&e.object_type),
                        Val::Text(&e.object_id),
                        Val::Text(&e.request_id),
                        Val::Text(&e.outcome),
                        Val::Text(&e.detail),
                        Val::Text(&a.prev_hash),
                        Val::Text(&a.hash),
                    ],
                )?;
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
