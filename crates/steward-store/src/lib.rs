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
mod subjects;
mod tokens;
mod users;

pub use audit::{AuditExpectation, AuditFilter, ProblemKind, REKEY_ACTION, VerifyProblem, VerifyReport};
pub use backup::BackupItem;
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
    /// A uniqueness or integrity constraint refused the change.
    #[error("conflict: {0}")]
    Conflict(String),
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
    /// Any other database error.
    #[error("{0}")]
    Backend(String),
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
    /// The key of the audit chain's MACs (never the master key): appending to the audit
    /// log and checking its keyed entries need it.
    audit_key: Option<AuditKey>,
}

impl Store {
    /// Open the SQLite database at `path` and bring its schema up to date.
    pub fn open_sqlite(path: &Path) -> Result<Self, StoreError> {
        let s = Self { db: Box::new(sqlite::SqliteBackend::open(path)?), audit_key: None };
        s.migrate()?;
        Ok(s)
    }

    /// Connect to PostgreSQL at `url` (optionally inside `schema`) and migrate.
    pub fn open_postgres(url: &str, schema: Option<&str>) -> Result<Self, StoreError> {
        let s = Self { db: Box::new(postgres::PostgresBackend::open(url, schema)?), audit_key: None };
        s.migrate()?;
        Ok(s)
    }

    /// Open the SQLite database at `path` for reading only, to check it (a copy, or a
    /// live server's database): nothing is migrated, created or written, and any
    /// attempt to write fails. The file must exist.
    pub fn open_sqlite_read_only(path: &Path) -> Result<Self, StoreError> {
        let s = Self { db: Box::new(sqlite::SqliteBackend::open_read_only(path)?), audit_key: None };
        s.check_readable_version()?;
        Ok(s)
    }

    /// Connect to PostgreSQL at `url` (optionally inside `schema`) for reading only:
    /// every transaction is read-only (`default_transaction_read_only`), nothing is
    /// migrated or created.
    pub fn open_postgres_read_only(url: &str, schema: Option<&str>) -> Result<Self, StoreError> {
        let s = Self { db: Box::new(postgres::PostgresBackend::open_read_only(url, schema)?), audit_key: None };
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
        self.db.run(Mode::Write, &mut |tx| {
            out = Some(f(&mut KeyedTx { inner: tx, key })?);
            Ok(())
        })?;
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
                tx.exec(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                    &[Val::Int(m.version), Val::Text(m.name), Val::Text(&now())],
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
        self.read(|tx| {
            tx.query("SELECT key, value FROM settings ORDER BY key", &[])?
                .iter()
                .map(|r| Ok((r.text(0)?, r.text(1)?)))
                .collect()
        })
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
        self.db.checkpoint()
    }

    /// Append one entry to the audit log on its own.
    pub fn audit(&self, event: &AuditEvent) -> Result<AuditRecord, StoreError> {
        self.write(|tx| {
            let mut recs = audit::append_in(tx, std::slice::from_ref(event))?;
            recs.pop().ok_or_else(|| StoreError::Backend("no audit record written".into()))
        })
    }
}

fn upsert_setting(tx: &mut dyn Tx, key: &str, value: &str) -> Result<(), StoreError> {
    tx.exec(
        "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        &[Val::Text(key), Val::Text(value)],
    )?;
    Ok(())
}

/// The current time as stored in timestamp columns.
pub fn now() -> String {
    steward_core::audit::format_time(jiff::Timestamp::now())
}

pub mod checklists;
pub use checklists::{SearchRow, StepRow};
pub mod erasure;
pub use erasure::{ErasureTaskRow, HoldRow, RestrictionRow, SystemRow};
pub mod scans;
pub use scans::{ScanDocumentRow, ScanRow};
pub mod statistics;
pub use statistics::RequestFactRow;
