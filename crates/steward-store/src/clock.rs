//! Where the store's times come from: its caller. The store reads no clock of its own;
//! every time it writes is a parameter (a backup's `created_at`, the audit chain's
//! keying time, a rate-limit hit's time), the time of the audit event or row it is given
//! (a saved schedule version), or the caller's [`Clock`] (when a write failed for
//! storage reasons). Only the migrations' `applied_at` is the database's own record, in
//! the database's clock, since the store opens before any caller's time exists.

/// A clock handed to the store by its caller ([`crate::Store::with_clock`]).
pub type Clock = std::sync::Arc<dyn steward_core::time::Clock>;

#[cfg(test)]
mod tests {
    use super::Clock;
    use crate::{Store, StoreError};
    use steward_core::audit::{AuditEvent, format_time};

    fn at(secs: i64) -> jiff::Timestamp {
        jiff::Timestamp::from_second(1_780_000_000 + secs).expect("timestamp")
    }

    fn event(when: &str) -> AuditEvent {
        AuditEvent {
            at: when.into(),
            actor: "cli".into(),
            action: "retention.schedule.save".into(),
            object_type: "schedule".into(),
            object_id: String::new(),
            request_id: String::new(),
            outcome: "success".into(),
            detail: String::new(),
        }
    }

    fn store(dir: &tempfile::TempDir) -> Store {
        let key = steward_crypto::MasterKey::generate().expect("key");
        Store::open_sqlite(&dir.path().join("steward.db")).expect("sqlite").with_audit_key(key.keyring().audit_key())
    }

    #[test]
    fn a_storage_failure_is_dated_by_the_callers_clock() {
        let dir = tempfile::tempdir().expect("tmp");
        let clock: Clock = std::sync::Arc::new(steward_core::time::FixedClock::at(at(42)));
        let store = store(&dir).with_clock(clock);
        store.restrict_sqlite_writer(None, true).expect("read-only");
        assert!(matches!(store.put_settings(&[("org_name", "Little Acorns")], None), Err(StoreError::Storage(_))));
        assert_eq!(store.last_storage_failure().expect("remembered").at, format_time(at(42)));
    }

    #[test]
    fn a_backup_and_a_schedule_version_carry_the_callers_times() {
        let dir = tempfile::tempdir().expect("tmp");
        let store = store(&dir);
        let saved = format_time(at(7));
        store.save_schedule("generic", "name = \"generic\"", "api", "cli", &event(&saved)).expect("saved");
        assert_eq!(store.current_schedule().expect("read").expect("one").saved_at, saved);
        let mut header = None;
        store
            .export(&format_time(at(9)), &mut |item| {
                if let crate::BackupItem::Header { created_at, .. } = &item {
                    header = Some(created_at.clone());
                }
                Ok(())
            })
            .expect("export");
        assert_eq!(header.as_deref(), Some(format_time(at(9)).as_str()));
    }

    #[test]
    fn migrations_are_dated_in_the_stored_time_format() {
        let dir = tempfile::tempdir().expect("tmp");
        let store = store(&dir);
        let times = store
            .read(|tx| tx.query("SELECT applied_at FROM schema_migrations", &[])?.iter().map(|r| r.text(0)).collect())
            .expect("times");
        let times: Vec<String> = times;
        assert!(!times.is_empty());
        for t in times {
            let parsed: jiff::Timestamp = t.parse().expect("a timestamp");
            assert_eq!(format_time(parsed), t, "stored as format_time writes it");
        }
    }
}
