//! The embedded SQLite backend: one writer connection taking the write lock up front,
//! a small pool of readers, WAL journal, `secure_delete` so erased bytes are zeroed.

use crate::sql::{Backend, Cell, Dialect, Mode, Row, Tx, Val};
use crate::{StorageFault, StoreError};
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags, ToSql, TransactionBehavior};
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// PRAGMAs every connection runs: durability (WAL with full sync), zeroing of deleted
/// content (`secure_delete`, so shredded ciphertexts do not linger in free pages),
/// and a busy timeout so a second process waits rather than fails.
const PRAGMAS: &str = "PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
PRAGMA secure_delete = ON;
PRAGMA foreign_keys = ON;
PRAGMA busy_timeout = 10000;
PRAGMA temp_store = MEMORY;";

/// The writer keeps a larger page cache: bulk inserts into the blind index touch
/// pages all over its B-tree, and a small cache spills them to disk mid-transaction.
/// Its large sorts (building an index over millions of records) spill to a temporary
/// file instead of memory, so memory stays bounded; they hold no personal data (that is
/// sealed before it reaches SQL).
const WRITER_PRAGMAS: &str = "PRAGMA cache_size = -262144;
PRAGMA temp_store = FILE;";

/// The writer's page cache, as set by [`WRITER_PRAGMAS`] (a negative size is KiB).
pub(crate) const WRITER_CACHE: &str = "PRAGMA cache_size = -262144";

/// SQLite database file with its connections.
pub struct SqliteBackend {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: r2d2::Pool<SqliteConnectionManager>,
}

impl SqliteBackend {
    /// Open the database at `path`, creating it when `create` is true; otherwise a
    /// missing file is [`StoreError::Missing`] and nothing is created.
    pub fn open(path: &Path, create: bool) -> Result<Self, StoreError> {
        let mut flags =
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        } else if !path.exists() {
            return Err(StoreError::Missing(format!("the SQLite database {}", path.display())));
        }
        let writer = Connection::open_with_flags(path, flags).map_err(|e| map_err(&e))?;
        writer.execute_batch(PRAGMAS).map_err(|e| map_err(&e))?;
        writer.execute_batch(WRITER_PRAGMAS).map_err(|e| map_err(&e))?;
        writer.set_prepared_statement_cache_capacity(128);
        // Readers never create the file: one deleted under a running server is an error,
        // not a new, empty database.
        let reader_flags = flags - OpenFlags::SQLITE_OPEN_CREATE;
        let manager =
            SqliteConnectionManager::file(path).with_flags(reader_flags).with_init(|c| c.execute_batch(PRAGMAS));
        let readers = r2d2::Pool::builder()
            .max_size(8)
            .min_idle(Some(0))
            .build(manager)
            .map_err(|e| StoreError::Unavailable(format!("could not open the SQLite database: {e}")))?;
        Ok(Self { path: path.to_path_buf(), writer: Mutex::new(writer), readers })
    }

    /// Open the existing database at `path` for reading only: every connection is
    /// opened read-only, so nothing can be written, and nothing is created beside it
    /// when it can be avoided. With a write-ahead log present (a server has it open, or
    /// stopped uncleanly) the log is read through SQLite's shared-memory index, which
    /// SQLite may need to create; without one the file is opened as immutable, so
    /// a copy in a read-only directory can be checked.
    pub fn open_read_only(path: &Path) -> Result<Self, StoreError> {
        if !path.is_file() {
            return Err(StoreError::Unavailable(format!("there is no database file at {}", path.display())));
        }
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        let params = if Path::new(&wal).exists() { "mode=ro" } else { "mode=ro&immutable=1" };
        let uri = format!("file:{}?{params}", uri_path(path));
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let cannot = |e: &rusqlite::Error| {
            StoreError::Unavailable(format!(
                "cannot open {} read-only: {e} (if it has a write-ahead log, steward.db-wal, its directory must be writable, or stop the server first)",
                path.display()
            ))
        };
        let writer = Connection::open_with_flags(&uri, flags).map_err(|e| cannot(&e))?;
        writer.execute_batch(READ_ONLY_PRAGMAS).map_err(|e| cannot(&e))?;
        let manager =
            SqliteConnectionManager::file(&uri).with_flags(flags).with_init(|c| c.execute_batch(READ_ONLY_PRAGMAS));
        let readers = r2d2::Pool::builder()
            .max_size(2)
            .min_idle(Some(0))
            .build(manager)
            .map_err(|e| StoreError::Unavailable(format!("could not open the SQLite database read-only: {e}")))?;
        Ok(Self { path: path.to_path_buf(), writer: Mutex::new(writer), readers })
    }
}

/// PRAGMAs of a read-only connection: none that would change the file.
const READ_ONLY_PRAGMAS: &str = "PRAGMA query_only = ON;
PRAGMA busy_timeout = 10000;
PRAGMA temp_store = MEMORY;";

/// `path` as the path part of an SQLite `file:` URI: bytes other than unreserved
/// characters and `/` percent-encoded, so `?`, `#` and `%` in a name stay part of it.
fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for &b in path.as_os_str().as_encoded_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

struct SqliteTx<'a>(rusqlite::Transaction<'a>);

/// Rewrite `$1, $2, …` as `?1, ?2, …`. SQLite reads `$1` as a *named* parameter and
/// numbers named parameters in order of first appearance, so `SET a = $2 WHERE id = $1`
/// would bind the values swapped; `?N` binds to position N as written.
fn numbered(sql: &str) -> Cow<'_, str> {
    if !sql.contains('$') {
        return Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len());
    let mut in_literal = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            in_literal = !in_literal;
        }
        if c == '$' && !in_literal && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

impl ToSql for Val<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match *self {
            Val::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Val::OptText(Some(s)) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Val::OptText(None) => ToSqlOutput::Borrowed(ValueRef::Null),
            Val::Int(n) => ToSqlOutput::Borrowed(ValueRef::Integer(n)),
            Val::Blob(b) | Val::OptBlob(Some(b)) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
            Val::OptBlob(None) => ToSqlOutput::Borrowed(ValueRef::Null),
        })
    }
}

fn read_row(r: &rusqlite::Row<'_>, n: usize) -> rusqlite::Result<Row> {
    let mut cells = Vec::with_capacity(n);
    for i in 0..n {
        cells.push(match r.get_ref(i)? {
            ValueRef::Null => Cell::Null,
            ValueRef::Integer(v) => Cell::Int(v),
            ValueRef::Real(v) => Cell::Int(v as i64),
            ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Cell::Blob(b.to_vec()),
        });
    }
    Ok(Row(cells))
}

impl Tx for SqliteTx<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn exec(&mut self, sql: &str, params: &[Val<'_>]) -> Result<u64, StoreError> {
        let sql = numbered(sql);
        let mut st = self.0.prepare_cached(&sql).map_err(|e| map_err(&e))?;
        let n = st.execute(rusqlite::params_from_iter(params.iter())).map_err(|e| map_err(&e))?;
        Ok(n as u64)
    }

    fn query(&mut self, sql: &str, params: &[Val<'_>]) -> Result<Vec<Row>, StoreError> {
        let mut out = Vec::new();
        self.for_each(sql, params, &mut |r| {
            out.push(r);
            Ok(())
        })?;
        Ok(out)
    }

    fn for_each(
        &mut self,
        sql: &str,
        params: &[Val<'_>],
        f: &mut dyn FnMut(Row) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let sql = numbered(sql);
        let mut st = self.0.prepare_cached(&sql).map_err(|e| map_err(&e))?;
        let n = st.column_count();
        let mut rows = st.query(rusqlite::params_from_iter(params.iter())).map_err(|e| map_err(&e))?;
        while let Some(r) = rows.next().map_err(|e| map_err(&e))? {
            f(read_row(r, n).map_err(|e| map_err(&e))?)?;
        }
        Ok(())
    }
}

fn run_on(
    conn: &mut Connection,
    behaviour: TransactionBehavior,
    f: &mut dyn FnMut(&mut dyn Tx) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(behaviour).map_err(|e| map_err(&e))?;
    let mut t = SqliteTx(tx);
    f(&mut t)?;
    t.0.commit().map_err(|e| map_err(&e))
}

impl Backend for SqliteBackend {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn run(&self, mode: Mode, f: &mut dyn FnMut(&mut dyn Tx) -> Result<(), StoreError>) -> Result<(), StoreError> {
        match mode {
            Mode::Write => {
                let mut conn = self.writer.lock().map_err(|_| {
                    StoreError::Unavailable("the database writer was poisoned by an earlier failure".into())
                })?;
                run_on(&mut conn, TransactionBehavior::Immediate, f)
            }
            Mode::Read => {
                let mut conn = self
                    .readers
                    .get()
                    .map_err(|e| StoreError::Unavailable(format!("no database connection available: {e}")))?;
                run_on(&mut conn, TransactionBehavior::Deferred, f)
            }
        }
    }

    fn checkpoint(&self) -> Result<(), StoreError> {
        let conn = self
            .writer
            .lock()
            .map_err(|_| StoreError::Unavailable("the database writer was poisoned by an earlier failure".into()))?;
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").map_err(|e| map_err(&e))
    }

    fn describe(&self) -> String {
        format!("SQLite database {}", self.path.display())
    }

    fn restrict_writer(&self, max_pages: Option<u64>, read_only: bool) -> Result<(), StoreError> {
        let conn = self
            .writer
            .lock()
            .map_err(|_| StoreError::Unavailable("the database writer was poisoned by an earlier failure".into()))?;
        // SQLite's own ceiling when no cap is wanted.
        let pages = max_pages.unwrap_or(4_294_967_294);
        conn.execute_batch(&format!(
            "PRAGMA max_page_count = {pages}; PRAGMA query_only = {};",
            if read_only { "ON" } else { "OFF" }
        ))
        .map_err(|e| map_err(&e))
    }
}

/// Map a SQLite error to a [`StoreError`]. Messages name constraints, never values.
fn map_err(e: &rusqlite::Error) -> StoreError {
    match e {
        rusqlite::Error::SqliteFailure(f, msg) => match f.code {
            rusqlite::ErrorCode::ConstraintViolation => {
                StoreError::Constraint(msg.clone().unwrap_or_else(|| "constraint violated".into()))
            }
            rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked => {
                StoreError::Unavailable("the database is busy; try again".into())
            }
            rusqlite::ErrorCode::NotADatabase => {
                StoreError::Unavailable("the file is not a SQLite database (or is damaged)".into())
            }
            rusqlite::ErrorCode::DiskFull => StoreError::Storage(StorageFault::Full),
            rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::PermissionDenied => {
                StoreError::Storage(StorageFault::ReadOnly)
            }
            rusqlite::ErrorCode::SystemIoFailure => StoreError::Storage(StorageFault::Io),
            rusqlite::ErrorCode::CannotOpen => StoreError::Storage(StorageFault::CannotOpen),
            _ => StoreError::Backend(format!("SQLite: {e}")),
        },
        other => StoreError::Backend(format!("SQLite: {other}")),
    }
}
