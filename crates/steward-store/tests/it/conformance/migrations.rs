//! Migrations: applied once, shared by every store on the database, and a database
//! migrated by a newer build refused.

use super::*;

on_both_backends!(migrations);

// Migrations

fn migrations(db: &TestDb) {
    let s = &db.store;
    assert!(schema::latest_version() >= 1);
    assert_eq!(s.schema_version().unwrap(), schema::latest_version());

    let row = sealed_row(&PEOPLE[0], &at(1, 9), &["tenant"]);
    insert(s, std::slice::from_ref(&row));
    s.put_settings(&[("org.name", "Riverside Housing Association")], None).unwrap();

    // A second store on the same database: migrations are not re-applied, data is shared.
    let again = db.reopen();
    assert_eq!(again.kind(), s.kind());
    assert_eq!(again.schema_version().unwrap(), schema::latest_version());
    assert_eq!(found(&again, &row.id), row);
    assert_eq!(again.audit_head().unwrap(), s.audit_head().unwrap());
    assert_eq!(again.setting("org.name").unwrap().as_deref(), Some("Riverside Housing Association"));
    drop(again);
    let mut raw = db.raw();
    assert_eq!(
        raw.count("SELECT COUNT(*) FROM schema_migrations"),
        schema::MIGRATIONS.len() as i64,
        "each migration is recorded exactly once"
    );

    // A third open after the second was closed is still fine.
    let third = db.reopen();
    assert_eq!(third.schema_version().unwrap(), schema::latest_version());
    drop(third);

    // A database migrated by a newer Steward is refused rather than damaged.
    let newer = schema::latest_version() + 1;
    raw.exec(&format!(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES ({newer}, 'from a newer build', '2027-01-01T00:00:00.000000Z')"
    ));
    match db.try_reopen() {
        Err(StoreError::TooNew { found, known }) => {
            assert_eq!(found, newer);
            assert_eq!(known, schema::latest_version());
        }
        Err(e) => panic!("expected TooNew, got {e:?}"),
        Ok(_) => panic!("a database newer than this build must be refused"),
    }
}
