//! Backups and restores: a logical dump of the database to a file, and a restore
//! that re-applies every erasure recorded in the journal since the backup was taken.

use crate::{App, AppError, AppResult, Context};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use steward_core::Permission;
use steward_core::audit::Outcome;
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
        self.require(ctx, Permission::ManageSettings, "backup", "")?;
        let tmp = out.with_extension("partial");
        let file = create_private(&tmp)?;
        let mut w = BufWriter::new(file);
        let mut bytes = 0u64;
        let result = self.store.export(&mut |item| {
            let mut line = serde_json::to_vec(&item)
                .map_err(|e| StoreError::Backend(format!("cannot encode backup line: {e}")))?;
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
        self.store.audit(&ctx.event("backup.export", "backup", "", Outcome::Success, format!("lines={lines}")))?;
        Ok(BackupSummary { lines, bytes })
    }

    /// Replace the database with the backup in `from`, then re-apply every erasure in
    /// the journal, so nobody erased after the backup was taken becomes readable again.
    pub fn restore(&self, ctx: &Context, from: &Path) -> AppResult<RestoreSummary> {
        self.require(ctx, Permission::ManageSettings, "backup", "")?;
        let f =
            File::open(from).map_err(|e| AppError::Io(format!("cannot open the backup {}: {e}", from.display())))?;
        let mut n = 0usize;
        let mut lines = BufReader::new(f).lines().map(move |l| {
            n += 1;
            let l = l.map_err(|e| StoreError::BadBackup(format!("cannot read line {n}: {e}")))?;
            serde_json::from_str::<BackupItem>(&l).map_err(|e| {
                StoreError::BadBackup(format!("line {n} is not a backup record: {}", describe_json_error(&e)))
            })
        });
        let imported = self.store.import(&mut lines)?;
        // The key check was restored with the settings; a backup from another
        // installation (another master key) cannot be read here.
        if let Some(check) = self.store.setting("master_key_check")?
            && check != self.keys.key_check()
        {
            return Err(AppError::WrongMasterKey);
        }
        self.store.audit(&ctx.event(
            "backup.restore",
            "backup",
            "",
            Outcome::Success,
            format!("backup_created_at={} subjects={}", imported.backup_created_at, imported.subjects),
        ))?;
        let erasures_reapplied = self.reapply_journal(ctx)?;
        Ok(RestoreSummary { imported, erasures_reapplied })
    }

    /// Apply every journal erasure the database does not already reflect.
    pub(crate) fn reapply_journal(&self, ctx: &Context) -> AppResult<u64> {
        let mut n = 0;
        for entry in self.journal.read_all()? {
            let changed = match entry {
                crate::journal::Entry::Subject(t) => {
                    let ev = ctx.event(
                        "subject.erase_reapplied",
                        "subject",
                        &t.subject_id,
                        Outcome::Success,
                        format!("erased_at={}", t.erased_at),
                    );
                    self.store.reapply_erasure(&t, &ev)?
                }
                crate::journal::Entry::Document(d) => {
                    let ev = ctx.event(
                        "document.destroy_reapplied",
                        "record",
                        &d.record_id,
                        Outcome::Success,
                        format!("destroyed_at={}", d.destroyed_at),
                    );
                    self.store.reapply_document_destruction(&d.subject_id, &d.document_id, &ev)?
                }
            };
            if changed {
                n += 1;
            }
        }
        Ok(n)
    }
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
