//! A thin, backend-neutral layer over SQL transactions so that every storage
//! operation is written once and runs unchanged on SQLite and PostgreSQL.
//!
//! Statements use `$1, $2, …` placeholders, which both databases accept.

use crate::StoreError;

/// The SQL dialect of a backend, for the few statements that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Embedded SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// A parameter value bound to a statement.
#[derive(Debug, Clone, Copy)]
pub enum Val<'a> {
    /// Text.
    Text(&'a str),
    /// Text or SQL NULL.
    OptText(Option<&'a str>),
    /// 64-bit integer.
    Int(i64),
    /// Bytes (BLOB / BYTEA).
    Blob(&'a [u8]),
    /// Bytes or SQL NULL.
    OptBlob(Option<&'a [u8]>),
}

/// One column value read back.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// SQL NULL.
    Null,
    /// Text.
    Text(String),
    /// Integer.
    Int(i64),
    /// Bytes.
    Blob(Vec<u8>),
}

/// One result row.
#[derive(Debug, Clone)]
pub struct Row(pub Vec<Cell>);

impl Row {
    fn cell(&self, i: usize) -> Result<&Cell, StoreError> {
        self.0.get(i).ok_or_else(|| StoreError::Corrupt(format!("missing column {i}")))
    }

    /// Column `i` as text.
    pub fn text(&self, i: usize) -> Result<String, StoreError> {
        match self.cell(i)? {
            Cell::Text(s) => Ok(s.clone()),
            other => Err(StoreError::Corrupt(format!("column {i}: expected text, found {}", kind(other)))),
        }
    }

    /// Column `i` as optional text.
    pub fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError> {
        match self.cell(i)? {
            Cell::Null => Ok(None),
            Cell::Text(s) => Ok(Some(s.clone())),
            other => Err(StoreError::Corrupt(format!("column {i}: expected text, found {}", kind(other)))),
        }
    }

    /// Column `i` as an integer.
    pub fn int(&self, i: usize) -> Result<i64, StoreError> {
        match self.cell(i)? {
            Cell::Int(n) => Ok(*n),
            other => Err(StoreError::Corrupt(format!("column {i}: expected integer, found {}", kind(other)))),
        }
    }

    /// Column `i` as optional bytes.
    pub fn opt_blob(&self, i: usize) -> Result<Option<Vec<u8>>, StoreError> {
        match self.cell(i)? {
            Cell::Null => Ok(None),
            Cell::Blob(b) => Ok(Some(b.clone())),
            other => Err(StoreError::Corrupt(format!("column {i}: expected bytes, found {}", kind(other)))),
        }
    }

    /// Column `i` as bytes.
    pub fn blob(&self, i: usize) -> Result<Vec<u8>, StoreError> {
        match self.cell(i)? {
            Cell::Blob(b) => Ok(b.clone()),
            other => Err(StoreError::Corrupt(format!("column {i}: expected bytes, found {}", kind(other)))),
        }
    }
}

fn kind(c: &Cell) -> &'static str {
    match c {
        Cell::Null => "null",
        Cell::Text(_) => "text",
        Cell::Int(_) => "integer",
        Cell::Blob(_) => "bytes",
    }
}

/// An open transaction. Dropping it without [`Backend::run`] committing rolls it back.
pub trait Tx {
    /// The dialect, for statements that differ.
    fn dialect(&self) -> Dialect;
    /// Execute a statement, returning the number of rows changed.
    fn exec(&mut self, sql: &str, params: &[Val<'_>]) -> Result<u64, StoreError>;
    /// Run a query and collect its rows.
    fn query(&mut self, sql: &str, params: &[Val<'_>]) -> Result<Vec<Row>, StoreError>;
    /// Run a query and hand each row to `f` as it arrives (bounded memory for exports).
    fn for_each(
        &mut self,
        sql: &str,
        params: &[Val<'_>],
        f: &mut dyn FnMut(Row) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        for r in self.query(sql, params)? {
            f(r)?;
        }
        Ok(())
    }
    /// The key of the audit chain's MACs, when the store was given one
    /// ([`crate::Store::with_audit_key`]); appending to the audit log needs it.
    fn audit_key(&self) -> Option<&steward_crypto::AuditKey> {
        None
    }
}

/// A backend's transaction with the store's audit key beside it, so that every
/// statement runs unchanged and the audit log can reach the key.
pub(crate) struct KeyedTx<'t, 'k> {
    /// The backend's transaction.
    pub(crate) inner: &'t mut dyn Tx,
    /// The store's audit key.
    pub(crate) key: Option<&'k steward_crypto::AuditKey>,
}

impl Tx for KeyedTx<'_, '_> {
    fn dialect(&self) -> Dialect {
        self.inner.dialect()
    }

    fn exec(&mut self, sql: &str, params: &[Val<'_>]) -> Result<u64, StoreError> {
        self.inner.exec(sql, params)
    }

    fn query(&mut self, sql: &str, params: &[Val<'_>]) -> Result<Vec<Row>, StoreError> {
        self.inner.query(sql, params)
    }

    fn for_each(
        &mut self,
        sql: &str,
        params: &[Val<'_>],
        f: &mut dyn FnMut(Row) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.inner.for_each(sql, params, f)
    }

    fn audit_key(&self) -> Option<&steward_crypto::AuditKey> {
        self.key
    }
}

/// Whether a transaction writes (SQLite takes the write lock up front for these).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Read-only.
    Read,
    /// Reads and writes.
    Write,
}

/// A database a [`crate::Store`] runs transactions against.
pub trait Backend: Send + Sync {
    /// The dialect.
    fn dialect(&self) -> Dialect;
    /// Run `f` in one transaction, committing if it returns `Ok` and rolling back otherwise.
    fn run(&self, mode: Mode, f: &mut dyn FnMut(&mut dyn Tx) -> Result<(), StoreError>) -> Result<(), StoreError>;
    /// Fold the write-ahead log back into the database and truncate it (SQLite), so
    /// shredded bytes do not linger in the log and a bulk load leaves no large log behind.
    fn checkpoint(&self) -> Result<(), StoreError> {
        Ok(())
    }
    /// A short description for messages (never includes passwords).
    fn describe(&self) -> String;
    /// Cap the database's size and/or refuse writes (SQLite only; see
    /// [`crate::Store::restrict_sqlite_writer`]).
    fn restrict_writer(&self, _max_pages: Option<u64>, _read_only: bool) -> Result<(), StoreError> {
        Err(StoreError::Backend("only the SQLite writer can be restricted".into()))
    }
}

/// The `ESCAPE` clause that goes with [`like_escape`]: a backslash, written the same
/// way on SQLite and PostgreSQL (whose `standard_conforming_strings` has been on by
/// default since 9.1).
pub const LIKE_ESCAPE: &str = "ESCAPE '\\'";

/// `s` with the `LIKE` wildcards `%` and `_` (and the escape character `\` itself)
/// escaped, to match literally in a pattern followed by [`LIKE_ESCAPE`]. Input must
/// never widen a search: without this, `%` would match every row (OWASP ASVS 5.0
/// V1.2.4, queries protected against injection).
pub fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(super::like_escape("50%_off\\"), "50\\%\\_off\\\\");
        assert_eq!(super::like_escape("Head office"), "Head office");
    }
}
