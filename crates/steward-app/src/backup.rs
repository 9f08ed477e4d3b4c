//! Backups and restores: a logical dump of the database to a file, and a restore
//! that re-applies every erasure recorded in the journal since the backup was taken.

use crate::{App, AppError, AppResult, Context};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use steward_core::Permission;
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_store::{BackupItem, StoreError};

/// What a backup wrote.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BackupSummary {
    /// Lines written.
    pub lines: u64,
    /// Bytes written.
    pub bytes: u64,
}

/// What a restore did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RestoreSummary {
    /// Counts from the backup.
    #[serde(flatten)]
    pub imported: steward_store::backup::ImportSummary,
    /// Erasures from the journal that the backup predated and were applied again.
    pub erasures_reapplied: u64,
}

impl App {
    /// Write a backup of everything to `out` (created with owner-only permissions;
    /// written to a temporary file first, so a failure leaves no partial backup).
    pub fn backup(&self, ctx: &Context, out: &Path) -> AppResult<BackupSummary> {
        self.require(ctx, Permission::ManageSettings, ObjectType::Backup, "")?;
        let summary = write_backup(&self.store, out, self.now())?;
        self.store.audit(&self.event(
            ctx,
            Action::BackupExport,
            "",
            Outcome::Success,
            format!("lines={}", summary.lines),
        ))?;
        Ok(summary)
    }

    /// Replace the database with the backup in `from`, then re-apply every erasure in
    /// the journal, so nobody erased after the backup was taken becomes readable again.
    ///
    /// The whole file is read and checked first (its shape, its end marker, and that it
    /// was made with this installation's master key): a truncated backup, a file that is
    /// not a backup, or one from another installation is refused before anything is
    /// written. The import is one transaction that checks the key again before it
    /// commits. Erasures still pending in the journal are applied (the database they
    /// were made in is being replaced, so whether they took effect there cannot matter).
    pub fn restore(&self, ctx: &Context, from: &Path) -> AppResult<RestoreSummary> {
        self.require(ctx, Permission::ManageSettings, ObjectType::Backup, "")?;
        let facts = inspect_backup(from)?;
        if facts.master_key_check.as_deref() != Some(self.keys.key_check()) {
            return Err(StoreError::BadBackup(steward_store::backup::ANOTHER_KEY.into()).into());
        }
        let imported = self.store.import_checked(&mut backup_lines(from)?, Some(self.keys.key_check()))?;
        self.store.audit(&self.event(
            ctx,
            Action::BackupRestore,
            "",
            Outcome::Success,
            format!("backup_created_at={} subjects={}", imported.backup_created_at, imported.subjects),
        ))?;
        let erasures_reapplied = self.reapply_journal(ctx, true)?;
        self.store.ensure_due_index()?;
        Ok(RestoreSummary { imported, erasures_reapplied })
    }

    /// Settle every erasure left pending in the journal by whether this database shows
    /// it: a subject with the journal's tombstone, or a document no longer there, took
    /// effect (committed); anything else never happened (abandoned). A settlement that
    /// cannot be written (a full disk) is left for the next start.
    pub(crate) fn settle_pending_erasures(&self) -> AppResult<()> {
        for r in self.journal.read_all()? {
            let Some(id) = r.pending else { continue };
            let outcome = if self.took_effect(&r.entry)? {
                crate::journal::Outcome::Committed
            } else {
                crate::journal::Outcome::Abandoned
            };
            tracing::info!(erasure = %r.entry.describe(), ?outcome, "settled an erasure left pending");
            self.journal.settle_or_log(&id, outcome);
        }
        Ok(())
    }

    /// Make the erasures `entries` by running `change` (their database change), with the
    /// journal kept right: each is written as pending first (so a crash after the
    /// database commits cannot lose it), then settled by what the database shows
    /// afterwards: committed if it took effect, abandoned if not (so a failed erasure is
    /// never re-applied later). `Some` with `change`'s value; `None` when `change`
    /// reported an error yet every erasure took effect (its commit's answer was lost):
    /// the caller must then report success, never a failure. A check that cannot be
    /// made leaves the entry pending, settled when Steward next starts.
    pub(crate) fn journalled<T>(
        &self,
        entries: &[crate::journal::Entry],
        change: impl FnOnce() -> AppResult<T>,
    ) -> AppResult<Option<T>> {
        let mut intents = Vec::with_capacity(entries.len());
        for entry in entries {
            intents.push(self.journal.begin(entry)?);
        }
        let result = change();
        let mut all_took_effect = !entries.is_empty();
        for (entry, id) in entries.iter().zip(&intents) {
            match self.took_effect(entry) {
                Ok(true) => self.journal.settle_or_log(id, crate::journal::Outcome::Committed),
                Ok(false) => {
                    all_took_effect = false;
                    self.journal.settle_or_log(id, crate::journal::Outcome::Abandoned);
                }
                Err(e) => {
                    all_took_effect = false;
                    tracing::warn!(error = %e, erasure = %entry.describe(), "left pending: settled at the next start");
                }
            }
        }
        match result {
            Ok(v) => Ok(Some(v)),
            Err(e) if all_took_effect => {
                tracing::warn!(error = %e, "an erasure reported an error but took effect");
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Whether the database shows the erasure `entry` as made.
    pub(crate) fn took_effect(&self, entry: &crate::journal::Entry) -> AppResult<bool> {
        Ok(match entry {
            crate::journal::Entry::Subject(t) => {
                self.store.tombstone(&t.subject_id)?.is_some_and(|found| found.erased_at == t.erased_at)
            }
            crate::journal::Entry::Document(d) => !self.store.document_exists(&d.subject_id, &d.document_id)?,
        })
    }

    /// Apply every journal erasure the database does not already reflect; pending ones
    /// too when `apply_pending` (after a restore), settling them as committed.
    pub(crate) fn reapply_journal(&self, ctx: &Context, apply_pending: bool) -> AppResult<u64> {
        let mut n = 0;
        for recorded in self.journal.read_all()? {
            if recorded.pending.is_some() && !apply_pending {
                continue;
            }
            let changed = match &recorded.entry {
                crate::journal::Entry::Subject(t) => {
                    let ev = self.event(
                        ctx,
                        Action::SubjectEraseReapplied,
                        &t.subject_id,
                        Outcome::Success,
                        format!("erased_at={}", t.erased_at),
                    );
                    self.store.reapply_erasure(t, &ev)?
                }
                crate::journal::Entry::Document(d) => {
                    let ev = self.event(
                        ctx,
                        Action::DocumentDestroyReapplied,
                        &d.record_id,
                        Outcome::Success,
                        format!("destroyed_at={}", d.destroyed_at),
                    );
                    self.store.reapply_document_destruction(&d.subject_id, &d.document_id, &ev)?
                }
            };
            if let Some(id) = &recorded.pending {
                self.journal.settle_or_log(id, crate::journal::Outcome::Committed);
            }
            if changed {
                n += 1;
            }
        }
        Ok(n)
    }
}

/// Write a backup of `store` to `out`, as [`App::backup`] does but without an
/// application (a restore keeps the database it replaces this way, even one that no
/// longer matches the master key), dated `created_at`. Not audited.
pub fn write_backup(store: &steward_store::Store, out: &Path, created_at: jiff::Timestamp) -> AppResult<BackupSummary> {
    let tmp = out.with_extension("partial");
    let file = create_private(&tmp)?;
    let mut w = BufWriter::new(file);
    let mut bytes = 0u64;
    let result = store.export(&steward_core::audit::format_time(created_at), &mut |item| {
        let mut line =
            serde_json::to_vec(&item).map_err(|e| StoreError::Backend(format!("cannot encode backup line: {e}")))?;
        line.push(b'\n');
        bytes += line.len() as u64;
        w.write_all(&line).map_err(|e| StoreError::Backend(format!("cannot write the backup: {e}")))
    });
    let finish = result.and_then(|lines| {
        w.flush()
            .and_then(|()| w.get_ref().sync_all())
            .map_err(|e| StoreError::Backend(format!("cannot write the backup: {e}")))?;
        Ok(lines)
    });
    let lines = match finish {
        Ok(l) => l,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e.into());
        }
    };
    std::fs::rename(&tmp, out)
        .map_err(|e| AppError::Io(format!("cannot move the backup into place at {}: {e}", out.display())))?;
    Ok(BackupSummary { lines, bytes })
}

/// Read the backup in `from` through and check it without writing anything (see
/// [`steward_store::backup::inspect`]): a truncated file, or one that is not a backup,
/// is refused naming the line.
pub fn inspect_backup(from: &Path) -> AppResult<steward_store::backup::BackupFacts> {
    Ok(steward_store::backup::inspect(&mut backup_lines(from)?)?)
}

/// The backup in `from`, one parsed line at a time.
fn backup_lines(from: &Path) -> AppResult<impl Iterator<Item = Result<BackupItem, StoreError>>> {
    let f = File::open(from).map_err(|e| AppError::Io(format!("cannot open the backup {}: {e}", from.display())))?;
    let mut n = 0usize;
    Ok(BufReader::new(f).lines().map(move |l| {
        n += 1;
        let l = l.map_err(|e| StoreError::BadBackup(format!("cannot read line {n}: {e}")))?;
        serde_json::from_str::<BackupItem>(&l).map_err(|e| {
            StoreError::BadBackup(format!(
                "line {n} is not a backup record ({}); is this a Steward backup file?",
                describe_json_error(&e)
            ))
        })
    }))
}

/// Serde's message names the line and column, never the value.
fn describe_json_error(e: &serde_json::Error) -> String {
    format!("{:?} error at column {}", e.classify(), e.column())
}

fn create_private(path: &Path) -> AppResult<File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path).map_err(|e| AppError::Io(format!("cannot create {}: {e}", path.display())))
}
