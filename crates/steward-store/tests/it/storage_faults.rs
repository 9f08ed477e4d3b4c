//! Storage the database cannot use: a missing database is refused rather than created
//! when it must already exist, storage failures are the typed `StoreError::Storage`
//! (and remembered until a write succeeds), and an import refuses a backup made with
//! another master key without changing anything. SQLite always; PostgreSQL when
//! `STEWARD_TEST_POSTGRES_URL` is set (and under CI, which fails without it).

use steward_store::{BackupItem, OpenMode, StorageFault, Store, StoreError};
use steward_testkit::{PgSchema, postgres_url};

#[test]
fn a_missing_sqlite_database_is_not_created_when_it_must_exist() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("steward.db");
    match Store::open_sqlite_with(&path, OpenMode::Existing) {
        Err(StoreError::Missing(what)) => assert!(what.contains("steward.db"), "{what}"),
        Err(e) => panic!("expected Missing, got {e}"),
        Ok(_) => panic!("expected Missing, got a store"),
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no file was created");
    drop(Store::open_sqlite_with(&path, OpenMode::Create).unwrap());
    Store::open_sqlite_with(&path, OpenMode::Existing).unwrap();
}

#[test]
fn an_empty_postgresql_database_is_not_given_a_schema_when_it_must_exist() {
    let Some(url) = postgres_url() else { return };
    let schema = PgSchema::new(&url);
    assert!(matches!(
        Store::open_postgres_with(&url, Some(&schema.name), OpenMode::Existing),
        Err(StoreError::Missing(_))
    ));
    assert_eq!(schema.tables(), 0, "no table was created");
    drop(Store::open_postgres_with(&url, Some(&schema.name), OpenMode::Create).unwrap());
    Store::open_postgres_with(&url, Some(&schema.name), OpenMode::Existing).unwrap();
}

/// Writes fail with `fault`; the failure is remembered until a write succeeds.
fn failing_writes_are_typed_and_remembered(store: &Store, fault: StorageFault, repair: &dyn Fn()) {
    assert_eq!(store.last_storage_failure(), None);
    match store.put_settings(&[("org_name", "Riverside Vale Homes")], None) {
        Err(StoreError::Storage(f)) => assert_eq!(f, fault),
        other => panic!("expected a storage failure, got {other:?}"),
    }
    let failure = store.last_storage_failure().expect("remembered");
    assert_eq!(failure.fault, fault);
    assert!(store.setting("org_name").unwrap().is_none(), "nothing was written");
    repair();
    store.put_settings(&[("org_name", "Riverside Vale Homes")], None).unwrap();
    assert_eq!(store.last_storage_failure(), None, "a write that commits clears it");
}

#[test]
fn sqlite_read_only_and_full_storage_are_typed() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_sqlite(&dir.path().join("steward.db")).unwrap();
    store.restrict_sqlite_writer(None, true).unwrap();
    failing_writes_are_typed_and_remembered(&store, StorageFault::ReadOnly, &|| {
        store.restrict_sqlite_writer(None, false).unwrap()
    });
    // A capped file: a write that needs a new page fails as on a full disk.
    store.restrict_sqlite_writer(Some(1), false).unwrap();
    let big = "x".repeat(64 * 1024);
    match store.put_settings(&[("filler", big.as_str())], None) {
        Err(StoreError::Storage(StorageFault::Full)) => {}
        other => panic!("expected a full disk, got {other:?}"),
    }
}

#[test]
fn postgresql_disk_full_and_read_only_are_typed() {
    let Some(url) = postgres_url() else { return };
    let schema = PgSchema::new(&url);
    let store = Store::open_postgres(&url, Some(&schema.name)).unwrap();
    for (code, fault) in [("53100", StorageFault::Full), ("25006", StorageFault::ReadOnly)] {
        let s = &schema.name;
        schema.exec(&format!(
            "DELETE FROM {s}.settings WHERE key = 'org_name'; \
             CREATE OR REPLACE FUNCTION {s}.fail() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'simulated' USING ERRCODE = '{code}'; END $$; \
             CREATE TRIGGER fail BEFORE INSERT OR UPDATE ON {s}.settings FOR EACH ROW EXECUTE FUNCTION {s}.fail();"
        ));
        failing_writes_are_typed_and_remembered(&store, fault, &|| {
            schema.exec(&format!("DROP TRIGGER fail ON {s}.settings"))
        });
    }
}

fn import_of_a_foreign_backup_changes_nothing(source: &Store, target: &Store) {
    source.put_settings(&[("master_key_check", "theirs")], None).unwrap();
    target.put_settings(&[("master_key_check", "ours"), ("org_name", "Little Acorns")], None).unwrap();
    let mut items: Vec<BackupItem> = Vec::new();
    source
        .export(&steward_core::audit::format_time(jiff::Timestamp::now()), &mut |item| {
            items.push(item);
            Ok(())
        })
        .unwrap();
    let mut iter = items.clone().into_iter().map(Ok);
    match target.import_checked(&mut iter, Some("ours")) {
        Err(StoreError::BadBackup(m)) => assert!(m.contains("another installation"), "{m}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(target.setting("master_key_check").unwrap().as_deref(), Some("ours"));
    assert_eq!(target.setting("org_name").unwrap().as_deref(), Some("Little Acorns"), "nothing was replaced");
    let facts = steward_store::backup::inspect(&mut items.into_iter().map(Ok)).unwrap();
    assert_eq!(facts.master_key_check.as_deref(), Some("theirs"));
}

#[test]
fn sqlite_an_import_refuses_a_backup_with_another_key() {
    let dir = tempfile::tempdir().unwrap();
    let a = Store::open_sqlite(&dir.path().join("a.db")).unwrap();
    let b = Store::open_sqlite(&dir.path().join("b.db")).unwrap();
    import_of_a_foreign_backup_changes_nothing(&a, &b);
}

#[test]
fn postgresql_an_import_refuses_a_backup_with_another_key() {
    let Some(url) = postgres_url() else { return };
    let (sa, sb) = (PgSchema::new(&url), PgSchema::new(&url));
    let a = Store::open_postgres(&url, Some(&sa.name)).unwrap();
    let b = Store::open_postgres(&url, Some(&sb.name)).unwrap();
    import_of_a_foreign_backup_changes_nothing(&a, &b);
}
