//! What every crate's tests share: a fresh database of either backend (SQLite in a
//! temporary directory, or a PostgreSQL schema dropped afterwards), a macro that runs
//! each scenario on both, and (with the `app` and `web` features) the application and
//! its whole router opened on such a database.
//!
//! PostgreSQL is used when `STEWARD_TEST_POSTGRES_URL` is set. When it is not, the
//! PostgreSQL half of each scenario is skipped with a one-line notice, except under CI
//! (`CI` set to anything), where it fails: a CI run never passes without PostgreSQL.
//!
//! ```ignore
//! use steward_testkit::{Database, on_both_backends};
//!
//! on_both_backends!(settings_round_trip);
//!
//! fn settings_round_trip(db: &Database) {
//!     let store = db.open();
//!     store.put_settings(&[("org_name", "Riverside Vale Homes")], None).unwrap();
//! }
//! ```
//! makes the tests `sqlite::settings_round_trip` and `postgres::settings_round_trip`.

// A harness reports a broken set-up by panicking, as the tests themselves do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod database;
mod postgres_db;
pub mod smtp_sink;
#[cfg(feature = "web")]
mod web;

pub use database::{Database, Raw};
pub use postgres_db::{PgDatabase, PgSchema, url_with_database};
pub use steward_store::BackendKind;
#[cfg(feature = "web")]
pub use web::{Answer, Web};

/// The environment variable naming the PostgreSQL server the tests may use.
pub const PG_URL_VAR: &str = "STEWARD_TEST_POSTGRES_URL";

/// The environment variable CI services set; when it is set, PostgreSQL is required.
pub const CI_VAR: &str = "CI";

fn non_empty(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The PostgreSQL URL the tests use (`STEWARD_TEST_POSTGRES_URL`). When it is not set,
/// the caller's PostgreSQL part is skipped (see [`skip_postgres`]: a notice, or under CI
/// a panic naming the variable) and this answers `None`.
pub fn postgres_url() -> Option<String> {
    if let Some(url) = non_empty(PG_URL_VAR) {
        return Some(url);
    }
    skip_postgres(&format!("{PG_URL_VAR} is not set"));
    None
}

/// Skip the PostgreSQL part of a test because of `reason`: locally a one-line notice;
/// under CI (`CI` set to anything) a panic, as a CI run must never pass without it.
pub fn skip_postgres(reason: &str) {
    if non_empty(CI_VAR).is_some() {
        panic!(
            "{reason}, but {CI_VAR} is set: in CI the PostgreSQL tests must run. Set {PG_URL_VAR} to a PostgreSQL \
             URL (postgres://user:password@host:port/database) whose role may create schemas and databases; \
             scripts/test.sh sets it."
        );
    }
    eprintln!("NOTICE: {reason}; the PostgreSQL part of this test skipped");
}

/// What a scenario runs against, made from a fresh [`Database`] it then owns. A
/// fixture should keep the database as its last field, so that everything open on it
/// (stores, the app) is closed before the database is removed.
pub trait Fixture: Sized {
    /// Build the fixture on `db`.
    fn open(db: Database) -> Self;
}

impl Fixture for Database {
    fn open(db: Database) -> Self {
        db
    }
}

/// Run `scenario` on a fresh fixture over a fresh database of `backend`. For
/// PostgreSQL without `STEWARD_TEST_POSTGRES_URL` this skips (or panics in CI; see
/// [`postgres_url`]).
pub fn run<F: Fixture>(backend: BackendKind, scenario: impl FnOnce(&F)) {
    let Some(db) = Database::new(backend) else { return };
    let fixture = F::open(db);
    scenario(&fixture);
}

/// Turn each scenario (a function taking `&F` for some [`Fixture`] `F`, such as
/// `&Database`) into two tests in the module where it is called: `sqlite::<scenario>`
/// and `postgres::<scenario>`. Call it once per module.
#[macro_export]
macro_rules! on_both_backends {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $scenario() {
                    $crate::run($crate::BackendKind::Sqlite, super::$scenario);
                }
            )*
        }

        mod postgres {
            $(
                #[test]
                fn $scenario() {
                    $crate::run($crate::BackendKind::Postgres, super::$scenario);
                }
            )*
        }
    };
}
