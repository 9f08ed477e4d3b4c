//! The backup's list of tables held against the tables the migrations create, on SQLite
//! and on PostgreSQL: a new table must be named there, with how a backup treats it.

use super::{TABLES, Treatment};
use crate::Store;
use crate::sql::Dialect;
use std::collections::BTreeSet;

/// The tables of the migrated schema `store` opened.
fn schema_tables(store: &Store) -> BTreeSet<String> {
    store
        .read(|tx| {
            let sql = match tx.dialect() {
                Dialect::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                Dialect::Postgres => {
                    "SELECT table_name FROM information_schema.tables \
                     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
                }
            };
            tx.query(sql, &[])?.iter().map(|r| r.text(0)).collect()
        })
        .expect("the schema's tables")
}

/// Fails naming every table the schema has and the list lacks, and the reverse.
fn assert_listed(store: &Store, what: &str) {
    let schema = schema_tables(store);
    let listed: BTreeSet<String> = TABLES.iter().map(|t| t.name.to_string()).collect();
    assert_eq!(listed.len(), TABLES.len(), "backup::TABLES names a table twice");
    let unlisted: Vec<&String> = schema.difference(&listed).collect();
    assert!(
        unlisted.is_empty(),
        "{what}: tables the schema has that backup::TABLES does not name (add each, backed up or not, and why): {unlisted:?}"
    );
    let missing: Vec<&String> = listed.difference(&schema).collect();
    assert!(missing.is_empty(), "{what}: tables backup::TABLES names that the schema lacks: {missing:?}");
}

#[test]
fn the_list_names_every_table_of_the_sqlite_schema_and_no_other() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = Store::open_sqlite(&dir.path().join("steward.db")).expect("sqlite");
    assert_listed(&store, "SQLite");
}

#[test]
fn the_list_names_every_table_of_the_postgresql_schema_and_no_other() {
    let Ok(url) = std::env::var("STEWARD_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but STEWARD_TEST_POSTGRES_URL is not: the PostgreSQL schema must be checked in CI"
        );
        eprintln!("NOTICE: STEWARD_TEST_POSTGRES_URL not set; the PostgreSQL table list check is skipped");
        return;
    };
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    let store = Store::open_postgres(&url, Some(&schema)).expect("postgres");
    let tables = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| assert_listed(&store, "PostgreSQL")));
    store
        .write(|tx| {
            tx.exec(&format!("DROP SCHEMA {schema} CASCADE"), &[])?;
            Ok(())
        })
        .expect("drop the test schema");
    drop(store);
    if let Err(panic) = tables {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn only_the_tables_a_backup_holds_have_an_exporter_and_each_says_why_not() {
    for t in TABLES {
        match t.treatment {
            Treatment::BackedUp(_) => {}
            Treatment::Rebuilt(why) | Treatment::Reset(why) | Treatment::Emptied(why) | Treatment::Kept(why) => {
                assert!(!why.is_empty(), "{}: no reason given", t.name);
            }
        }
    }
    // Tables whose rows are recreated from other lines are emptied; the audit head's
    // single row is updated in place, never deleted.
    let head = TABLES.iter().find(|t| t.name == "audit_head").expect("audit_head");
    assert!(!head.treatment.emptied_by_restore());
}
