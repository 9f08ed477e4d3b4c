//! A fresh, empty database for one test: a SQLite file in a temporary directory, or a
//! PostgreSQL schema of its own (dropped when the test ends) beside a temporary
//! directory for the files a test needs (the erasure journal, backups).

use crate::postgres_db::PgSchema;
use std::path::{Path, PathBuf};
use steward_store::{BackendKind, OpenMode, Store, StoreError};

/// A fresh database of one backend, and a temporary directory. Dropping it removes both
/// (the PostgreSQL schema first); close every store opened on it before.
pub struct Database {
    pg: Option<PgSchema>,
    dir: tempfile::TempDir,
}

impl Database {
    /// A fresh database of `backend`; `None` for PostgreSQL when
    /// `STEWARD_TEST_POSTGRES_URL` is not set (and a panic instead under CI; see
    /// [`crate::postgres_url`]).
    pub fn new(backend: BackendKind) -> Option<Self> {
        match backend {
            BackendKind::Sqlite => Some(Self::sqlite()),
            BackendKind::Postgres => crate::postgres_url().map(|url| Self::postgres(&url)),
        }
    }

    /// A fresh SQLite database (not created until a store opens it).
    pub fn sqlite() -> Self {
        Self { pg: None, dir: tempdir() }
    }

    /// A fresh schema on the PostgreSQL server at `url` (created when a store opens it).
    pub fn postgres(url: &str) -> Self {
        Self { pg: Some(PgSchema::new(url)), dir: tempdir() }
    }

    /// Another fresh, empty database of the same backend (and server).
    pub fn fresh(&self) -> Self {
        match &self.pg {
            None => Self::sqlite(),
            Some(pg) => Self::postgres(&pg.url),
        }
    }

    /// Which backend it is.
    pub fn backend(&self) -> BackendKind {
        if self.pg.is_some() { BackendKind::Postgres } else { BackendKind::Sqlite }
    }

    /// The temporary directory that goes with it (for journals, backups and such).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the temporary directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Where the erasure journal of an application opened here lives.
    pub fn journal_path(&self) -> PathBuf {
        self.path("erasures.jsonl")
    }

    /// The SQLite file, for a SQLite database.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        self.pg.is_none().then(|| self.path("steward.db"))
    }

    /// The PostgreSQL schema, for a PostgreSQL database.
    pub fn pg(&self) -> Option<&PgSchema> {
        self.pg.as_ref()
    }

    /// Open a store on it, creating and migrating the database if needed.
    pub fn open(&self) -> Store {
        match self.try_open() {
            Ok(s) => s,
            Err(e) => panic!("opening the test database failed: {e:?}"),
        }
    }

    /// Open a store on it, creating and migrating the database if needed.
    pub fn try_open(&self) -> Result<Store, StoreError> {
        self.open_with(OpenMode::Create)
    }

    /// Open a store on it in `mode`.
    pub fn open_with(&self, mode: OpenMode) -> Result<Store, StoreError> {
        match &self.pg {
            None => Store::open_sqlite_with(&self.path("steward.db"), mode),
            Some(pg) => Store::open_postgres_with(&pg.url, Some(&pg.name), mode),
        }
    }

    /// Open it read-only (nothing migrated, nothing writable).
    pub fn open_read_only(&self) -> Result<Store, StoreError> {
        match &self.pg {
            None => Store::open_sqlite_read_only(&self.path("steward.db")),
            Some(pg) => Store::open_postgres_read_only(&pg.url, Some(&pg.name)),
        }
    }

    /// A raw connection to it, bypassing the store (to look underneath or to tamper).
    pub fn raw(&self) -> Raw {
        match &self.pg {
            None => {
                let c = rusqlite::Connection::open(self.path("steward.db")).expect("raw SQLite connection");
                c.busy_timeout(std::time::Duration::from_secs(10)).expect("busy timeout");
                Raw::Sqlite(c)
            }
            Some(pg) => Raw::Postgres(Box::new(pg.client())),
        }
    }

    /// Everything the database holds, as bytes, to check that something is not stored in
    /// clear: for SQLite the database file and its write-ahead log as they are on disk;
    /// for PostgreSQL every row of every table of the schema as text, with each `bytea`
    /// value (written `\x…` in hexadecimal) decoded to its bytes as well.
    pub fn raw_contents(&self) -> Vec<u8> {
        match &self.pg {
            None => {
                let mut all = Vec::new();
                for name in ["steward.db", "steward.db-wal"] {
                    if let Ok(b) = std::fs::read(self.path(name)) {
                        all.extend(b);
                    }
                }
                all
            }
            Some(pg) => pg.contents(),
        }
    }
}

fn tempdir() -> tempfile::TempDir {
    tempfile::TempDir::new().expect("temporary directory")
}

/// A raw connection to a test database.
pub enum Raw {
    /// To the SQLite file.
    Sqlite(rusqlite::Connection),
    /// To the PostgreSQL server, with the test's schema as its search path.
    Postgres(Box<postgres::Client>),
}

impl Raw {
    /// Run statements (separated by `;`), panicking if one fails.
    pub fn exec(&mut self, sql: &str) {
        match self {
            Raw::Sqlite(c) => c.execute_batch(sql).expect("raw SQLite statement"),
            Raw::Postgres(c) => c.batch_execute(sql).expect("raw PostgreSQL statement"),
        }
    }

    /// Run a `SELECT COUNT(*) …` and return the count.
    pub fn count(&mut self, sql: &str) -> i64 {
        match self {
            Raw::Sqlite(c) => c.query_row(sql, [], |r| r.get::<_, i64>(0)).expect("raw SQLite count"),
            Raw::Postgres(c) => c.query_one(sql, &[]).expect("raw PostgreSQL count").get::<_, i64>(0),
        }
    }
}

#[cfg(feature = "app")]
impl Database {
    /// An application opened on a new store here, as the binary opens it, with a new
    /// master key and the journal in the temporary directory.
    pub fn open_app(&self) -> steward_app::App {
        self.open_app_with(&steward_crypto::MasterKey::generate().expect("master key"))
    }

    /// An application opened on a new store here with `key`.
    pub fn open_app_with(&self, key: &steward_crypto::MasterKey) -> steward_app::App {
        steward_app::App::open(self.open(), key, &self.journal_path()).expect("open the application")
    }
}
