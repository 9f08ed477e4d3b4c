//! The erasure journal's pending entries: an erasure is written as pending before the
//! database changes and settled by what the database shows, so one that took effect is
//! never lost (a later restore erases the person again) and one that never reached the
//! database is never applied later. On SQLite; all people are fictional.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use steward_app::journal::{Entry, Journal};
use steward_app::{App, Context};
use steward_core::subject::NewSubject;
use steward_crypto::MasterKey;
use steward_store::{Store, SubjectLookup, Tombstone};

struct Setup {
    dir: tempfile::TempDir,
    key: MasterKey,
}

impl Setup {
    fn new() -> Self {
        Self { dir: tempfile::tempdir().unwrap(), key: MasterKey::generate().unwrap() }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("steward.db")
    }

    fn journal_path(&self) -> PathBuf {
        self.dir.path().join("erasures.jsonl")
    }

    fn journal(&self) -> Journal {
        Journal::new(self.journal_path())
    }

    /// Steward starting on the data directory.
    fn open(&self) -> App {
        App::open(Store::open_sqlite(&self.db()).unwrap(), &self.key, &self.journal_path()).unwrap()
    }
}

fn person(app: &App, family: &str) -> String {
    let s = NewSubject {
        given_name: "Priya".into(),
        family_name: family.into(),
        emails: vec![format!("priya.{}@example.org", family.to_lowercase())],
        ..Default::default()
    };
    app.create_subject(&Context::cli(), s).unwrap().id
}

fn tombstone(id: &str) -> Tombstone {
    Tombstone {
        subject_id: id.into(),
        erased_at: steward_core::audit::format_time(jiff::Timestamp::now()),
        reason: "request".into(),
        actor: "cli".into(),
        request_ref: None,
    }
}

fn present(app: &App, id: &str) -> bool {
    matches!(app.store().subject(id).unwrap(), SubjectLookup::Found(_))
}

fn backup(app: &App, dir: &Path) -> PathBuf {
    let path = dir.join("backup.jsonl");
    app.backup(&Context::cli(), &path).unwrap();
    path
}

#[test]
fn an_erasure_left_pending_after_its_commit_is_settled_as_made_and_survives_a_restore() {
    let s = Setup::new();
    let app = s.open();
    let id = person(&app, "Raman");
    let older = backup(&app, s.dir.path());
    // The erasure commits, then the process dies before the journal is settled.
    let t = tombstone(&id);
    s.journal().begin(&Entry::Subject(t.clone())).unwrap();
    let ev =
        Context::cli().event(steward_core::audit::Action::SubjectErase, &id, steward_core::audit::Outcome::Success, "");
    app.store().erase_subject(&t, &ev).unwrap();
    drop(app);
    assert!(s.journal().read_all().unwrap()[0].pending.is_some());

    let app = s.open();
    let recorded = s.journal().read_all().unwrap();
    assert_eq!(recorded.len(), 1);
    assert!(recorded[0].pending.is_none(), "settled as committed on start");
    let restored = app.restore(&Context::cli(), &older).unwrap();
    assert_eq!(restored.erasures_reapplied, 1);
    assert!(!present(&app, &id), "the restore of an older backup erased them again");
}

#[test]
fn an_erasure_left_pending_that_never_reached_the_database_is_abandoned() {
    let s = Setup::new();
    let app = s.open();
    let id = person(&app, "Raman");
    let older = backup(&app, s.dir.path());
    // Written as pending, then the database change failed and the process died.
    s.journal().begin(&Entry::Subject(tombstone(&id))).unwrap();
    drop(app);

    let app = s.open();
    assert!(present(&app, &id), "not erased on start");
    assert!(s.journal().read_all().unwrap().is_empty(), "settled as abandoned");
    assert_eq!(app.restore(&Context::cli(), &older).unwrap().erasures_reapplied, 0);
    assert!(present(&app, &id), "nor by a restore");
}

#[test]
fn a_restore_into_a_new_database_applies_erasures_still_pending() {
    // The database they were made in is gone: whether they took effect there cannot be
    // known, so the restore erases (the person asked for it).
    let s = Setup::new();
    let app = s.open();
    let id = person(&app, "Raman");
    let older = backup(&app, s.dir.path());
    s.journal().begin(&Entry::Subject(tombstone(&id))).unwrap();
    drop(app);
    std::fs::remove_file(s.db()).unwrap();

    let fresh = s.dir.path().join("new.db");
    let app = App::open_for_restore(Store::open_sqlite(&fresh).unwrap(), &s.key, &s.journal_path()).unwrap();
    assert_eq!(app.restore(&Context::cli(), &older).unwrap().erasures_reapplied, 1);
    assert!(!present(&app, &id));
    assert!(s.journal().read_all().unwrap()[0].pending.is_none(), "settled as committed");
}

#[test]
fn journal_lines_written_before_pending_entries_still_count() {
    let s = Setup::new();
    let app = s.open();
    let id = person(&app, "Raman");
    drop(app);
    // An older Steward wrote each erasure as a bare tombstone line.
    let line = serde_json::to_string(&tombstone(&id)).unwrap();
    std::fs::write(s.journal_path(), format!("{line}\n")).unwrap();
    let app = s.open();
    assert!(!present(&app, &id), "re-applied on start");
}

#[test]
fn a_backup_from_another_installation_is_refused_and_changes_nothing() {
    let s = Setup::new();
    let app = s.open();
    let id = person(&app, "Raman");
    let other = Setup::new();
    let theirs = other.open();
    person(&theirs, "Okoye");
    let foreign = backup(&theirs, other.dir.path());
    let err = app.restore(&Context::cli(), &foreign).unwrap_err();
    assert!(err.to_string().contains("another installation"), "{err}");
    assert!(present(&app, &id), "nothing was replaced");
    assert_eq!(app.store().setting("master_key_check").unwrap().as_deref(), Some(app.key_check()));
}
