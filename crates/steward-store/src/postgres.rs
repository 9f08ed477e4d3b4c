//! The PostgreSQL backend for teams and larger estates: a connection pool, one
//! transaction per operation, the audit head row locked so concurrent servers
//! never fork the chain.

use crate::sql::{Backend, Cell, Dialect, Mode, Row, Tx, Val};
use crate::{StorageFault, StoreError};
use postgres::types::{ToSql, Type};
use r2d2_postgres::{PostgresConnectionManager, postgres::NoTls};
use std::str::FromStr;

/// A PostgreSQL database reached through a connection pool.
pub struct PostgresBackend {
    pool: r2d2::Pool<PostgresConnectionManager<NoTls>>,
    describe: String,
}

impl PostgresBackend {
    /// Connect to `url` (`postgres://user@host/db`). With `schema`, every connection
    /// uses that schema (created if missing): tests use this to stay apart.
    pub fn open(url: &str, schema: Option<&str>) -> Result<Self, StoreError> {
        Self::connect(url, schema, false)
    }

    /// Connect to `url` for reading only: every transaction is read-only (the
    /// `default_transaction_read_only` setting of each connection) and a missing schema
    /// is not created.
    pub fn open_read_only(url: &str, schema: Option<&str>) -> Result<Self, StoreError> {
        Self::connect(url, schema, true)
    }

    fn connect(url: &str, schema: Option<&str>, read_only: bool) -> Result<Self, StoreError> {
        let mut config = postgres::Config::from_str(url)
            .map_err(|e| StoreError::Unavailable(format!("the PostgreSQL URL is not valid: {e}")))?;
        let describe = format!(
            "PostgreSQL database {} on {}",
            config.get_dbname().unwrap_or("(default)"),
            config
                .get_hosts()
                .first()
                .map(|h| match h {
                    postgres::config::Host::Tcp(s) => s.clone(),
                    postgres::config::Host::Unix(p) => p.display().to_string(),
                })
                .unwrap_or_else(|| "localhost".into())
        );
        let mut options = Vec::new();
        if let Some(s) = schema {
            if !s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                return Err(StoreError::Unavailable("schema names may hold only letters, digits and _".into()));
            }
            if !read_only {
                let mut client = config
                    .connect(NoTls)
                    .map_err(|e| StoreError::Unavailable(format!("cannot connect to PostgreSQL: {e}")))?;
                client.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {s}")).map_err(|e| map_err(&e))?;
            }
            options.push(format!("-c search_path={s}"));
        }
        if read_only {
            options.push("-c default_transaction_read_only=on".to_string());
        }
        if !options.is_empty() {
            config.options(&options.join(" "));
        }
        config.connect_timeout(std::time::Duration::from_secs(10));
        let manager = PostgresConnectionManager::new(config, NoTls);
        let pool = r2d2::Pool::builder()
            .max_size(16)
            .min_idle(Some(1))
            .connection_timeout(std::time::Duration::from_secs(15))
            .build(manager)
            .map_err(|e| StoreError::Unavailable(format!("cannot connect to PostgreSQL: {e}")))?;
        Ok(Self { pool, describe })
    }
}

struct PgTx<'a>(postgres::Transaction<'a>);

fn bind<'a>(params: &'a [Val<'a>]) -> Vec<Box<dyn ToSql + Sync + 'a>> {
    params
        .iter()
        .map(|p| -> Box<dyn ToSql + Sync + 'a> {
            match *p {
                Val::Text(s) => Box::new(s),
                Val::OptText(s) => Box::new(s),
                Val::Int(n) => Box::new(n),
                Val::Blob(b) => Box::new(b),
                Val::OptBlob(b) => Box::new(b),
            }
        })
        .collect()
}

fn read_row(r: &postgres::Row) -> Result<Row, StoreError> {
    let mut cells = Vec::with_capacity(r.len());
    for (i, col) in r.columns().iter().enumerate() {
        let t = col.type_();
        let cell = if *t == Type::INT8 {
            r.try_get::<_, Option<i64>>(i).map(|v| v.map_or(Cell::Null, Cell::Int))
        } else if *t == Type::INT4 {
            r.try_get::<_, Option<i32>>(i).map(|v| v.map_or(Cell::Null, |n| Cell::Int(n.into())))
        } else if *t == Type::INT2 {
            r.try_get::<_, Option<i16>>(i).map(|v| v.map_or(Cell::Null, |n| Cell::Int(n.into())))
        } else if *t == Type::BYTEA {
            r.try_get::<_, Option<Vec<u8>>>(i).map(|v| v.map_or(Cell::Null, Cell::Blob))
        } else {
            r.try_get::<_, Option<String>>(i).map(|v| v.map_or(Cell::Null, Cell::Text))
        };
        cells.push(cell.map_err(|e| StoreError::Corrupt(format!("column {i}: {e}")))?);
    }
    Ok(Row(cells))
}

impl Tx for PgTx<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn exec(&mut self, sql: &str, params: &[Val<'_>]) -> Result<u64, StoreError> {
        let boxed = bind(params);
        let refs: Vec<&(dyn ToSql + Sync)> = boxed.iter().map(|b| b.as_ref() as &(dyn ToSql + Sync)).collect();
        self.0.execute(sql, &refs).map_err(|e| map_err(&e))
    }

    fn query(&mut self, sql: &str, params: &[Val<'_>]) -> Result<Vec<Row>, StoreError> {
        let boxed = bind(params);
        let refs: Vec<&(dyn ToSql + Sync)> = boxed.iter().map(|b| b.as_ref() as &(dyn ToSql + Sync)).collect();
        let rows = self.0.query(sql, &refs).map_err(|e| map_err(&e))?;
        rows.iter().map(read_row).collect()
    }
}

impl Backend for PostgresBackend {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn run(&self, mode: Mode, f: &mut dyn FnMut(&mut dyn Tx) -> Result<(), StoreError>) -> Result<(), StoreError> {
        let mut client =
            self.pool.get().map_err(|e| StoreError::Unavailable(format!("no PostgreSQL connection available: {e}")))?;
        let mut builder = client.build_transaction();
        if mode == Mode::Read {
            // One snapshot for the whole read (as SQLite gives): multi-statement reads
            // such as exports must not see rows committed while they run.
            builder = builder.read_only(true).isolation_level(postgres::IsolationLevel::RepeatableRead);
        }
        let tx = builder.start().map_err(|e| map_err(&e))?;
        let mut t = PgTx(tx);
        f(&mut t)?;
        t.0.commit().map_err(|e| map_err(&e))
    }

    fn describe(&self) -> String {
        self.describe.clone()
    }
}

/// Map a PostgreSQL error. Only the primary message is kept: PostgreSQL puts the
/// offending values in the DETAIL field, which is dropped so no value leaks.
fn map_err(e: &postgres::Error) -> StoreError {
    if let Some(db) = e.as_db_error() {
        let code = db.code().code();
        let msg = format!("{} (SQLSTATE {code})", db.message());
        return match code {
            "23505" | "23503" | "23514" | "23502" => StoreError::Constraint(msg),
            "40001" | "40P01" | "55P03" => StoreError::Unavailable(format!("the database is busy; try again: {msg}")),
            "53100" => storage(StorageFault::Full, &msg),
            "25006" => storage(StorageFault::ReadOnly, &msg),
            "58030" => storage(StorageFault::Io, &msg),
            _ => StoreError::Backend(format!("PostgreSQL: {msg}")),
        };
    }
    if e.is_closed() {
        return StoreError::Unavailable("the PostgreSQL connection closed".into());
    }
    StoreError::Unavailable(format!("PostgreSQL: {e}"))
}

/// A storage failure, with PostgreSQL's own message in the log for the operator (the
/// primary message names no values).
fn storage(fault: StorageFault, msg: &str) -> StoreError {
    tracing::warn!(fault = fault.as_str(), "PostgreSQL: {msg}");
    StoreError::Storage(fault)
}
