//! Storage conformance suite: every scenario runs against SQLite and, when
//! `STEWARD_TEST_POSTGRES_URL` is set, against PostgreSQL, so both backends behave alike
//! (under CI a missing URL fails the PostgreSQL half instead of skipping it).
//!
//! Each scenario is a function taking a [`TestDb`] (a fresh database with a [`Store`]
//! open on it, plus helpers to reopen it, reach it through a raw connection, or make
//! another fresh database of the same backend). `on_both_backends!` turns each scenario
//! of a module into two tests, `<module>::sqlite::<scenario>` and
//! `<module>::postgres::<scenario>`. One module per area of the store.
//!
//! All personal data below is fictional.

use std::collections::BTreeMap;
use steward_core::audit::{AuditEvent, AuditRecord, GENESIS_HASH, canonical};
use steward_crypto::{DataKey, Keyring, MasterKey, chain_hash};
use steward_store::{
    AuditExpectation, AuditFilter, BackendKind, BackupItem, LinkRow, ProblemKind, REKEY_ACTION, RequestEventRow,
    RequestFilter, RequestRow, Store, StoreError, SubjectLookup, SubjectRow, SubmissionRow, SubmissionSummary,
    TokenRow, Tombstone, schema,
};
use steward_testkit::{Database, Fixture, Raw, on_both_backends};
use uuid::Uuid;

mod fixtures;
use fixtures::*;

mod accounts;
mod audit;
mod backup;
mod consents;
mod erasure;
mod jobs;
mod migrations;
mod packs;
mod public;
mod requests;
mod retention;
mod scans;
mod subjects;
mod suppression;
mod systems;

/// A fresh database with a store open on it (keyed with the test audit key). Fields
/// drop in order: the store (and its connections) first, then the database.
pub(super) struct TestDb {
    pub(super) store: Store,
    db: Database,
}

impl Fixture for TestDb {
    fn open(db: Database) -> Self {
        let store = db.open().with_audit_key(audit_key());
        assert_eq!(store.kind(), db.backend());
        Self { store, db }
    }
}

impl TestDb {
    /// Another fresh, empty database of the same backend.
    fn fresh(&self) -> Self {
        Self::open(self.db.fresh())
    }

    /// Open a second, independent store on the same database.
    fn try_reopen(&self) -> Result<Store, StoreError> {
        self.db.try_open().map(|s| s.with_audit_key(audit_key()))
    }

    /// Open the same database read-only (nothing migrated, nothing writable).
    fn open_read_only(&self) -> Store {
        self.db.open_read_only().expect("open read-only").with_audit_key(audit_key())
    }

    fn reopen(&self) -> Store {
        match self.try_reopen() {
            Ok(s) => s,
            Err(e) => panic!("reopening the database failed: {e:?}"),
        }
    }

    /// A store on the same database without the audit key.
    fn keyless(&self) -> Store {
        self.db.open()
    }

    /// A raw connection to the same database, bypassing the store (for tampering).
    fn raw(&self) -> Raw {
        self.db.raw()
    }
}
