//! Steward's storage port: coarse, atomic operations over the vault, the audit chain,
//! tokens and settings, run unchanged on SQLite or PostgreSQL.
//!
//! Every operation is one transaction: a failure leaves nothing half-written.
//! Audit entries are appended inside the same transaction as the change they record.

pub mod backup;
pub mod jobs;
pub mod packs;
pub mod postgres;
pub mod public;
pub mod requests;
pub mod retention;
pub mod schema;
pub mod sql;
pub mod sqlite;
pub mod suppression;

mod audit;
mod clock;
mod subjects;
mod tokens;
mod users;

pub use audit::{AuditExpectation, AuditFilter, ProblemKind, REKEY_ACTION, VerifyProblem, VerifyReport};
pub use backup::BackupItem;
pub use clock::Clock;
pub use jobs::{CalendarFeedRow, JobRunRow, ReminderSendRow};
pub use packs::{DocumentRow, NoteRow, PackItemRow, PackRow, SubjectRecords};
pub use public::{SubmissionRow, SubmissionSummary};
pub use requests::{RequestEventRow, RequestFilter, RequestRow};
pub use retention::{DisposalFilter, DisposalRow, RecordFilter, RecordRow, ScheduleRow, StaleRecord};
pub use subjects::{AccessRow, LinkRow, SubjectLookup, SubjectRow, SubjectSummary, Tombstone};
pub use suppression::SuppressionRow;
pub use tokens::TokenRow;
pub use users::{SessionRow, UserRow};

use serde::{Deserialize, Serialize};
use sql::{Backend, KeyedTx, Mode, Tx, Val};
use std::path::Path;
use steward_core::audit::{AuditEvent, AuditRecord};
use steward_crypto::AuditKey;

/// Errors from storage. Messages never contain personal data.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The thing asked for does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// The subject was erased; the tombstone says when.
    #[error("erased")]
    Gone(Box<Tombstone>),
    /// The change conflicts with what is stored, as the store's own rules say (a stale
    /// version, a name already taken, something done once only): the message says what,
    /// in words for people.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database itself refused the change: a uniqueness, foreign-key, check or
    /// not-null constraint (a duplicate id, a missing reference). The message names the
    /// constraint, never a value.
    #[error("constraint: {0}")]
    Constraint(String),
    /// The database cannot be reached, opened or is busy.
    #[error("{0}")]
    Unavailable(String),
    /// Stored data is not in the expected shape.
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    /// The database is newer than this build.
    #[error("the database has schema version {found}, newer than this Steward knows ({known}); upgrade Steward")]
    TooNew {
        /// Version in the database.
        found: i64,
        /// Newest version known here.
        known: i64,
    },
    /// A backup file could not be read.
    #[error("the backup is not usable: {0}")]
    BadBackup(String),
    /// The storage under the database failed: the disk is full, the file or file
    /// system is read-only, the disk reported an error, or the file cannot be opened.
    /// Nothing in the failed transaction was kept.
    #[error("{0}")]
    Storage(StorageFault),
    /// The database this installation used is not there (a deleted SQLite file, an
    /// empty PostgreSQL database): opening refuses rather than start a new, empty one.
    #[error("{0} does not exist or holds no Steward database")]
    Missing(String),
    /// Any other database error.
    #[error("{0}")]
    Backend(String),
}

/// What went wrong with the storage under the database, in terms an operator can act
/// on. Raised for SQLite's `SQLITE_FULL`, `SQLITE_READONLY`, `SQLITE_IOERR` and
/// `SQLITE_CANTOPEN`, and PostgreSQL's SQLSTATE 53100 (disk full), 25006 (read-only
/// transaction) and 58030 (I/O error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StorageFault {
    /// No space left on the disk (or the database reached its size limit).
    #[serde(rename = "disk_full")]
    Full,
    /// The database file, its directory or the file system is read-only.
    ReadOnly,
    /// The disk or file system reported an input/output error.
    #[serde(rename = "io_error")]
    Io,
    /// The database file cannot be opened.
    CannotOpen,
}

impl StorageFault {
    /// A stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            StorageFault::Full => "disk_full",
            StorageFault::ReadOnly => "read_only",
            StorageFault::Io => "io_error",
            StorageFault::CannotOpen => "cannot_open",
        }
    }

    /// What happened and what to do, for the person running the server. Names no data.
    pub fn advice(self) -> &'static str {
        match self {
            StorageFault::Full => {
                "Steward cannot write to its database: the disk is full. Free some space, then try again; \
                 nothing was changed."
            }
            StorageFault::ReadOnly => {
                "Steward cannot write to its database: the database or its disk is read-only. Fix the \
                 permissions (or remount the disk read-write), then try again; nothing was changed."
            }
            StorageFault::Io => {
                "Steward cannot read or write its database: the disk reported an error. Check the disk and the \
                 server's log, then try again; nothing was changed."
            }
            StorageFault::CannotOpen => {
                "Steward cannot open its database file: check that it exists and that Steward may read and \
                 write it and its directory, then try again; nothing was changed."
            }
        }
    }
}

impl std::fmt::Display for StorageFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.advice())
    }
}

/// The latest write that failed because of the storage, until a write succeeds again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StorageFailure {
    /// What went wrong.
    pub fault: StorageFault,
    /// When (RFC 3339), by the caller's clock ([`Store::with_clock`]); empty without one.
    pub at: String,
}

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    /// Embedded SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// The storage port.
pub struct Store {
    db: Box<dyn Backend>,
    /// The latest write that failed for storage reasons, cleared by a write that
    /// commits (for the health check).
    last_failure: std::sync::Mutex<Option<StorageFailure>>,
    /// The key of the audit chain's MACs (never the master key): appending to the audit
    /// log and checking its keyed entries need it.
    audit_key: Option<AuditKey>,
    /// The caller's clock, for the one time the store notes on its own: when a write
    /// failed for storage reasons ([`Store::with_clock`]).
    clock: Option<Clock>,
}

/// Whether opening may create a new, empty database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Create the database (and its schema) if it is not there: `steward init`.
    Create,
    /// The database must already exist: [`StoreError::Missing`] otherwise.
    Existing,
}

impl Store {
    fn new(db: Box<dyn Backend>) -> Self {
        Self { db, last_failure: std::sync::Mutex::new(None), audit_key: None, clock: None }
    }

    /// Open the SQLite database at `path` (creating it if needed) and bring its schema
    /// up to date.
    pub fn open_sqlite(path: &Path) -> Result<Self, StoreError> {
        Self::open_sqlite_with(path, OpenMode::Create)
    }

    /// Open the SQLite database at `path` and bring its schema up to date; with
    /// [`OpenMode::Existing`], a missing file is [`StoreError::Missing`] and nothing is
    /// created.
    pub fn open_sqlite_with(path: &Path, mode: OpenMode) -> Result<Self, StoreError> {
        let s = Self::new(Box::new(sqlite::SqliteBackend::open(path, mode == OpenMode::Create)?));
        s.migrate()?;
        Ok(s)
    }

    /// Connect to PostgreSQL at `url` (optionally inside `schema`) and migrate.
    pub fn open_postgres(url: &str, schema: Option<&str>) -> Result<Self, StoreError> {
        Self::open_postgres_with(url, schema, OpenMode::Create)
    }

    /// Connect to PostgreSQL at `url` (optionally inside `schema`) and migrate; with
    /// [`OpenMode::Existing`], a database without Steward's tables is
    /// [`StoreError::Missing`] and nothing is created in it.
    pub fn open_postgres_with(url: &str, schema: Option<&str>, mode: OpenMode) -> Result<Self, StoreError> {
        let s = Self::new(Box::new(postgres::PostgresBackend::open(url, schema)?));
        if mode == OpenMode::Existing && !s.has_schema()? {
            return Err(StoreError::Missing(s.describe()));
        }
        s.migrate()?;
        Ok(s)
    }

    /// Whether Steward's schema is there (its migrations table exists).
    fn has_schema(&self) -> Result<bool, StoreError> {
        self.read(|tx| {
            let sql = match tx.dialect() {
                sql::Dialect::Postgres => {
                    "SELECT COUNT(*) FROM information_schema.tables \
                     WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
                }
                sql::Dialect::Sqlite => {
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
                }
            };
            Ok(tx.query(sql, &[])?.first().map(|r| r.int(0)).transpose()?.unwrap_or(0) > 0)
        })
    }

    /// The latest write that failed because of the storage (disk full, read-only,
    /// I/O error), unless a write has succeeded since. For the health check.
    pub fn last_storage_failure(&self) -> Option<StorageFailure> {
        self.last_failure.lock().map(|g| g.clone()).unwrap_or(None)
    }

    fn note_write(&self, result: &Result<(), StoreError>) {
        let Ok(mut last) = self.last_failure.lock() else { return };
        match result {
            Ok(()) => *last = None,
            Err(StoreError::Storage(fault)) => {
                tracing::warn!(fault = fault.as_str(), "a database write failed: {}", fault.advice());
                // The time comes from the caller's clock; without one it is unknown (empty).
                let at = self.clock.as_ref().map(|c| steward_core::audit::format_time(c.now())).unwrap_or_default();
                *last = Some(StorageFailure { fault: *fault, at });
            }
            Err(_) => {}
        }
    }

    /// Restrict the SQLite writer, to exercise storage failures without filling a disk
    /// or remounting one: `max_pages` caps the file (`PRAGMA max_page_count`; a write
    /// that would grow it fails with `SQLITE_FULL`, as on a full disk; `None` lifts the
    /// cap) and `read_only` refuses every write (`PRAGMA query_only`, `SQLITE_READONLY`).
    /// PostgreSQL has no such switch: [`StoreError::Backend`].
    pub fn restrict_sqlite_writer(&self, max_pages: Option<u64>, read_only: bool) -> Result<(), StoreError> {
        self.db.restrict_writer(max_pages, read_only)
    }

    /// Open the SQLite database at `path` for reading only, to check it (a copy, or a
    /// live server's database): nothing is migrated, created or written, and any
    /// attempt to write fails. The file must exist.
    pub fn open_sqlite_read_only(path: &Path) -> Result<Self, StoreError> {
        let s = Self::new(Box::new(sqlite::SqliteBackend::open_read_only(path)?));
        s.check_readable_version()?;
        Ok(s)
    }

    /// Connect to PostgreSQL at `url` (optionally inside `schema`) for reading only:
    /// every transaction is read-only (`default_transaction_read_only`), nothing is
    /// migrated or created.
    pub fn open_postgres_read_only(url: &str, schema: Option<&str>) -> Result<Self, StoreError> {
        let s = Self::new(Box::new(postgres::PostgresBackend::open_read_only(url, schema)?));
        s.check_readable_version()?;
        Ok(s)
    }

    /// Hand the store the audit chain's key ([`steward_crypto::Keyring::audit_key`]),
    /// derived from the master key for that purpose alone. Without it nothing can be
    /// appended to the audit log.
    pub fn with_audit_key(mut self, key: AuditKey) -> Self {
        self.audit_key = Some(key);
        self
    }

    /// Hand the store its caller's clock, for the time of a write that fails for storage
    /// reasons ([`Store::last_storage_failure`]); without one that time is left empty.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.set_clock(clock);
        self
    }

    /// Read the time of storage failures from `clock` from now on.
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = Some(clock);
    }

    /// A database opened read-only is not migrated: refuse one newer than this build
    /// (or that is not a Steward database at all).
    fn check_readable_version(&self) -> Result<(), StoreError> {
        let found = self.schema_version().map_err(|_| {
            StoreError::Unavailable("this is not a Steward database (it has no schema_migrations table)".into())
        })?;
        if found > schema::latest_version() {
            return Err(StoreError::TooNew { found, known: schema::latest_version() });
        }
        Ok(())
    }

    /// Which backend this is.
    pub fn kind(&self) -> BackendKind {
        match self.db.dialect() {
            sql::Dialect::Sqlite => BackendKind::Sqlite,
            sql::Dialect::Postgres => BackendKind::Postgres,
        }
    }

    /// Human description of where the data lives (no credentials).
    pub fn describe(&self) -> String {
        self.db.describe()
    }

    /// Run `f` in a read transaction and return its result.
    pub(crate) fn read<T>(&self, mut f: impl FnMut(&mut dyn Tx) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let mut out = None;
        let key = self.audit_key.as_ref();
        self.db.run(Mode::Read, &mut |tx| {
            out = Some(f(&mut KeyedTx { inner: tx, key })?);
            Ok(())
        })?;
        out.ok_or_else(|| StoreError::Backend("transaction produced no result".into()))
    }

    /// Run `f` in a write transaction and return its result.
    pub(crate) fn write<T>(&self, mut f: impl FnMut(&mut dyn Tx) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let mut out = None;
        let key = self.audit_key.as_ref();
        let result = self.db.run(Mode::Write, &mut |tx| {
            out = Some(f(&mut KeyedTx { inner: tx, key })?);
            Ok(())
        });
        self.note_write(&result);
        result?;
        out.ok_or_else(|| StoreError::Backend("transaction produced no result".into()))
    }

    /// Apply every migration not yet applied, each in its own transaction.
    fn migrate(&self) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.exec(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
                &[],
            )?;
            Ok(())
        })?;
        let applied = self.schema_version()?;
        if applied > schema::latest_version() {
            return Err(StoreError::TooNew { found: applied, known: schema::latest_version() });
        }
        for m in schema::MIGRATIONS.iter().filter(|m| m.version > applied) {
            let dialect = self.db.dialect();
            self.write(|tx| {
                // Re-check inside the transaction: another process may have migrated.
                let rows =
                    tx.query("SELECT version FROM schema_migrations WHERE version = $1", &[Val::Int(m.version)])?;
                if !rows.is_empty() {
                    return Ok(());
                }
                for stmt in m.statements(dialect) {
                    tx.exec(&stmt, &[])?;
                }
                // When it was applied is the database's own record, in its own clock (the
                // store has no caller's time while it opens), in the stored time format.
                let applied_at = match dialect {
                    sql::Dialect::Sqlite => "strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'",
                    sql::Dialect::Postgres => "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
                };
                tx.exec(
                    &format!("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, {applied_at})"),
                    &[Val::Int(m.version), Val::Text(m.name)],
                )?;
                Ok(())
            })?;
        }
        Ok(())
    }

    /// The schema version applied to this database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.read(|tx| {
            let rows = tx.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &[])?;
            rows.first().map_or(Ok(0), |r| r.int(0))
        })
    }

    /// One setting's value.
    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.read(|tx| {
            let rows = tx.query("SELECT value FROM settings WHERE key = $1", &[Val::Text(key)])?;
            rows.first().map(|r| r.text(0)).transpose()
        })
    }

    /// All settings, sorted by key.
    pub fn settings(&self) -> Result<Vec<(String, String)>, StoreError> {
        self.read(all_settings)
    }

    /// Set several settings at once, recording `event` in the audit log.
    /// With no event (first-run set-up before any actor exists) nothing is audited.
    pub fn put_settings(&self, pairs: &[(&str, &str)], event: Option<&AuditEvent>) -> Result<(), StoreError> {
        self.write(|tx| {
            for (k, v) in pairs {
                upsert_setting(tx, k, v)?;
            }
            if let Some(ev) = event {
                audit::append_in(tx, std::slice::from_ref(ev))?;
            }
            Ok(())
        })
    }

    /// Fold the write-ahead log into the database (after bulk loads).
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        let result = self.db.checkpoint();
        self.note_write(&result);
        result
    }

    /// Fold the write-ahead log after a change has committed: a failure is logged, not
    /// returned, so a committed change (an erasure) is never reported as failed. The
    /// next checkpoint folds the log instead.
    pub(crate) fn checkpoint_after_commit(&self) {
        if let Err(e) = self.checkpoint() {
            tracing::warn!(error = %e, "the write-ahead log could not be folded into the database yet");
        }
    }

    /// Append one entry to the audit log on its own.
    pub fn audit(&self, event: &AuditEvent) -> Result<AuditRecord, StoreError> {
        self.write(|tx| {
            let mut recs = audit::append_in(tx, std::slice::from_ref(event))?;
            recs.pop().ok_or_else(|| StoreError::Backend("no audit record written".into()))
        })
    }
}

/// Add one setting (a restore, into an emptied table).
pub(crate) fn insert_setting_row(tx: &mut dyn Tx, key: &str, value: &str) -> Result<(), StoreError> {
    tx.exec("INSERT INTO settings (key, value) VALUES ($1, $2)", &[Val::Text(key), Val::Text(value)])?;
    Ok(())
}

/// Every setting, sorted by key (a backup).
pub(crate) fn all_settings(tx: &mut dyn Tx) -> Result<Vec<(String, String)>, StoreError> {
    tx.query("SELECT key, value FROM settings ORDER BY key", &[])?
        .iter()
        .map(|r| Ok((r.text(0)?, r.text(1)?)))
        .collect()
}

fn upsert_setting(tx: &mut dyn Tx, key: &str, value: &str) -> Result<(), StoreError> {
    tx.exec(
        "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        &[Val::Text(key), Val::Text(value)],
    )?;
    Ok(())
}

pub mod checklists;
pub use checklists::{SearchRow, StepRow};
pub mod erasure;
pub use erasure::{ErasureTaskRow, HoldRow, RestrictionRow};
pub mod systems;
pub use systems::SystemRow;
pub mod registers;
pub use registers::EntryRow;
pub mod scans;
pub use scans::{ScanDocumentRow, ScanRow};
pub mod statistics;
pub use statistics::RequestFactRow;
pub mod consents;
pub use consents::{ConsentRenewal, ConsentRow, NoticeReceiptRow, WithdrawalRow};
