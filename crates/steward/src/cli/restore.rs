//! `steward restore`: put a backup in place without ever leaving a data directory that
//! nothing can open. The backup is read through and checked against the master key
//! before anything is touched; a server on the directory makes it refuse; a SQLite
//! database is built beside the live one and swapped in by an atomic rename only when
//! complete, and the database it replaces is kept. See docs/adr/0013-safe-restore.md.

use super::Failure;
use crate::config::{self, Config, DB_FILE, JOURNAL_FILE, Overrides};
use crate::datadir;
use std::path::{Path, PathBuf};
use steward_app::{App, AppError, Context};
use steward_crypto::MasterKey;
use steward_store::{OpenMode, Store, StoreError};

/// What `steward restore` was asked to do.
pub struct Restore {
    /// The data directory to restore into (created when `master_key_file` is given).
    pub data_dir: PathBuf,
    /// The backup file.
    pub from: PathBuf,
    /// The master key of the installation the backup came from, installed into the data
    /// directory: restoring onto a new machine.
    pub master_key_file: Option<PathBuf>,
    /// PostgreSQL URL, for a new data directory (written to its configuration) or
    /// overriding the configured one.
    pub database_url: Option<String>,
}

/// Run the restore and print what it did.
pub fn run(r: &Restore) -> Result<(), Failure> {
    let dir = &r.data_dir;
    let initialised = dir.join(config::CONFIG_FILE).exists();
    if r.master_key_file.is_none() {
        if !dir.is_dir() {
            return Err(Failure(
                format!(
                    "the data directory {} does not exist. To restore onto a new machine, give the old \
                     installation's key: steward restore --data-dir {} --from {} --master-key-file OLD_MASTER_KEY",
                    dir.display(),
                    dir.display(),
                    r.from.display()
                ),
                1,
            ));
        }
        if !initialised {
            return Err(Failure(
                format!(
                    "{} is not a Steward data directory (no {}). To restore into it, give the old installation's \
                     key with --master-key-file",
                    dir.display(),
                    config::CONFIG_FILE
                ),
                1,
            ));
        }
    }
    let flags = Overrides { database_url: r.database_url.clone(), ..Default::default() };
    let config = Config::load(dir, &flags)?;
    if let Some(url) = &config.database_url
        && !(url.starts_with("postgres://") || url.starts_with("postgresql://"))
    {
        return Err(Failure("database_url must start with postgres:// or postgresql://".into(), 1));
    }

    // 1. The key, and the backup checked against it: nothing is written before this.
    let key = match &r.master_key_file {
        Some(path) => read_key_file(path)?,
        None => super::open::master_key(&config, dir)?,
    };
    let from_env = std::env::var("STEWARD_MASTER_KEY").is_ok();
    if from_env && r.master_key_file.is_some() {
        let env_key = super::open::master_key(&config, dir)?;
        if env_key.keyring().key_check() != key.keyring().key_check() {
            return Err(Failure(
                "STEWARD_MASTER_KEY is set to a different key from --master-key-file; unset one of them".into(),
                1,
            ));
        }
    }
    let facts = steward_app::backup::inspect_backup(&r.from)
        .map_err(|e| Failure(format!("{} cannot be restored: {e}", r.from.display()), 1))?;
    match facts.master_key_check.as_deref() {
        Some(check) if check == key.keyring().key_check() => {}
        Some(_) => {
            let hint = if r.master_key_file.is_some() {
                "the key given with --master-key-file is not the one it was made with".to_string()
            } else {
                format!(
                    "To restore it, use the master key of the installation it came from, into a new directory: \
                     steward restore --data-dir NEW_DIR --from {} --master-key-file OLD_MASTER_KEY",
                    r.from.display()
                )
            };
            return Err(Failure(
                format!(
                    "{} was made by another installation: its master key is not this data directory's, so nothing \
                     in it could be read here. Nothing was changed. {hint}",
                    r.from.display()
                ),
                1,
            ));
        }
        None => {
            return Err(Failure(
                format!(
                    "{} does not record the master key it was made with, so it cannot be checked; nothing was changed",
                    r.from.display()
                ),
                1,
            ));
        }
    }

    // 2. A new key only where it cannot orphan a database.
    let key_path = config.key_path(dir);
    let install_key = match &r.master_key_file {
        Some(_) if from_env => false,
        Some(_) => match std::fs::read_to_string(&key_path) {
            Ok(text) => match MasterKey::parse(&text) {
                Ok(existing) if existing.keyring().key_check() == key.keyring().key_check() => false,
                _ if has_database(dir, &config)? => {
                    return Err(Failure(
                        format!(
                            "{} already has a different master key and a database of its own: installing the \
                             backup's key would leave that database unreadable. Nothing was changed. Restore into \
                             a new, empty directory instead (no `steward init` needed): steward restore --data-dir \
                             NEW_DIR --from {} --master-key-file KEY",
                            dir.display(),
                            r.from.display()
                        ),
                        1,
                    ));
                }
                _ => true,
            },
            Err(_) => true,
        },
        None => false,
    };

    // 3. No server, and no other command, on the directory while the database changes.
    if !dir.is_dir() {
        std::fs::create_dir_all(dir).map_err(|e| Failure(format!("cannot create {}: {e}", dir.display()), 1))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
        }
    }
    let _lock = datadir::hold_exclusive(dir).map_err(|m| Failure(m, 1))?;
    let stamp = jiff::Timestamp::now().strftime("%Y%m%dT%H%M%SZ").to_string();
    if install_key {
        if key_path.exists() {
            let aside = key_path.with_file_name(format!("master.key.before-restore-{stamp}"));
            std::fs::rename(&key_path, &aside)
                .map_err(|e| Failure(format!("cannot move {} aside: {e}", key_path.display()), 1))?;
            println!("The master key that was here is kept as {}.", aside.display());
        }
        super::init::write_private(&key_path, &format!("{}\n", key.to_hex()))?;
    }
    if !initialised {
        super::init::write_private(&dir.join(config::CONFIG_FILE), &config.to_toml()?)?;
    }
    datadir::write_marker(dir).map_err(|m| Failure(m, 1))?;

    // 4. The restore itself.
    let journal = dir.join(JOURNAL_FILE);
    let (summary, kept) = match &config.database_url {
        None => restore_sqlite(dir, &key, &journal, &r.from, &stamp)?,
        Some(url) => restore_postgres(url, dir, &key, &journal, &r.from, &stamp)?,
    };
    println!(
        "Restored {} subjects, {} tombstones and {} audit entries from a backup taken {}; re-applied {} later erasures.",
        summary.imported.subjects,
        summary.imported.tombstones,
        summary.imported.audit_entries,
        summary.imported.backup_created_at,
        summary.erasures_reapplied
    );
    if let Some(kept) = kept {
        println!("The database it replaced is kept as {} (delete it once you are satisfied).", kept.display());
    }
    Ok(())
}

/// Read a master key from `path` (as written by `steward init`).
fn read_key_file(path: &Path) -> Result<MasterKey, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure(format!("cannot read the master key {}: {e}", path.display()), 1))?;
    MasterKey::parse(&text).map_err(|e| Failure(format!("{}: {e}", path.display()), 1))
}

/// Whether the data directory's database exists (and, for PostgreSQL, holds Steward's
/// tables). Opens nothing for SQLite.
fn has_database(dir: &Path, config: &Config) -> Result<bool, Failure> {
    match &config.database_url {
        None => Ok(dir.join(DB_FILE).exists()),
        Some(url) => match Store::open_postgres_with(url, None, OpenMode::Existing) {
            Ok(_) => Ok(true),
            Err(StoreError::Missing(_)) => Ok(false),
            Err(e) => Err(Failure(e.to_string(), 1)),
        },
    }
}

/// Settle the erasure journal against the database being replaced, when it opens with
/// `key`: erasures it left pending are then known to have been made or not.
fn settle_against_live(store: Store, key: &MasterKey, journal: &Path) {
    match App::open(store, key, journal) {
        Ok(app) => {
            if let Err(e) = app.store().checkpoint() {
                tracing::warn!(error = %e, "could not fold the write-ahead log of the database being replaced");
            }
        }
        Err(e) => tracing::warn!(
            error = %e,
            "the database being replaced does not open with this key; erasures it left pending are re-applied"
        ),
    }
}

/// The SQLite file `path` with `suffix` appended to its name.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(std::ffi::OsStr::to_os_string).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// Build the restored database at `steward.db.restoring-STAMP`, flush it, keep the live
/// one as `steward.db.before-restore-STAMP` (a hard link, so `steward.db` never goes
/// missing) and rename the new one over it.
fn restore_sqlite(
    dir: &Path,
    key: &MasterKey,
    journal: &Path,
    from: &Path,
    stamp: &str,
) -> Result<(steward_app::backup::RestoreSummary, Option<PathBuf>), Failure> {
    let db = dir.join(DB_FILE);
    if db.exists() {
        match Store::open_sqlite_with(&db, OpenMode::Existing) {
            Ok(store) => settle_against_live(store, key, journal),
            Err(e) => tracing::warn!(error = %e, "the database being replaced does not open"),
        }
    }
    let building = dir.join(format!("{DB_FILE}.restoring-{stamp}"));
    let clean = |p: &Path| {
        for f in [p.to_path_buf(), sibling(p, "-wal"), sibling(p, "-shm"), sibling(p, "-journal")] {
            let _ = std::fs::remove_file(f);
        }
    };
    clean(&building);
    let built = (|| -> Result<steward_app::backup::RestoreSummary, AppError> {
        let app = App::open_for_restore(Store::open_sqlite(&building)?, key, journal)?;
        let summary = app.restore(&Context::cli(), from)?;
        app.store().checkpoint()?;
        Ok(summary)
    })();
    let summary = match built {
        Ok(s) => s,
        Err(e) => {
            clean(&building);
            return Err(Failure(format!("the restore failed and nothing was changed: {e}"), 1));
        }
    };
    // Every connection is closed: the new file is whole, with no write-ahead log.
    let flushed = std::fs::File::open(&building).and_then(|f| f.sync_all());
    if let Err(e) = flushed {
        clean(&building);
        return Err(Failure(format!("cannot flush the restored database to disk; nothing was changed: {e}"), 1));
    }
    let mut kept = None;
    if db.exists() {
        let keep = dir.join(format!("{}{stamp}", datadir::KEPT_PREFIX));
        // A log or index left by a crash belongs to the old file: it goes with it, or it
        // would be replayed into the new one.
        for suffix in ["-wal", "-shm"] {
            let old = sibling(&db, suffix);
            if old.exists() {
                std::fs::rename(&old, sibling(&keep, suffix))
                    .map_err(|e| Failure(format!("cannot move {} aside: {e}", old.display()), 1))?;
            }
        }
        if std::fs::hard_link(&db, &keep).is_err() {
            std::fs::rename(&db, &keep).map_err(|e| Failure(format!("cannot keep {}: {e}", db.display()), 1))?;
        }
        kept = Some(keep);
    }
    std::fs::rename(&building, &db).map_err(|e| {
        Failure(format!("cannot move the restored database into place ({e}); it is at {}", building.display()), 1)
    })?;
    datadir::sync_dir(dir).map_err(|e| Failure(format!("cannot flush {}: {e}", dir.display()), 1))?;
    Ok((summary, kept))
}

/// PostgreSQL: keep a dump of the live database in the data directory, then import
/// the backup in one transaction (which checks the key before it commits).
fn restore_postgres(
    url: &str,
    dir: &Path,
    key: &MasterKey,
    journal: &Path,
    from: &Path,
    stamp: &str,
) -> Result<(steward_app::backup::RestoreSummary, Option<PathBuf>), Failure> {
    let mut kept = None;
    match Store::open_postgres_with(url, None, OpenMode::Existing) {
        Ok(store) => {
            let keep = dir.join(format!("{}{stamp}.jsonl", datadir::KEPT_PREFIX));
            steward_app::backup::write_backup(&store, &keep, jiff::Timestamp::now()).map_err(|e| {
                Failure(format!("cannot keep a copy of the database being replaced, so nothing was changed: {e}"), 1)
            })?;
            kept = Some(keep);
            settle_against_live(store, key, journal);
        }
        Err(StoreError::Missing(_)) => {}
        Err(e) => return Err(Failure(e.to_string(), 1)),
    }
    let store = Store::open_postgres(url, None)?;
    let app = App::open_for_restore(store, key, journal).map_err(|e| match e {
        AppError::WrongMasterKey => Failure(
            format!(
                "the PostgreSQL database was made with another master key than this data directory's; nothing was \
                 changed. Restore into a new, empty database instead (steward restore --data-dir NEW_DIR \
                 --database-url URL --from {} --master-key-file KEY)",
                from.display()
            ),
            1,
        ),
        other => Failure(other.to_string(), 1),
    })?;
    // The import is one transaction: if it fails, nothing changed; if a later step
    // (re-applying erasures) fails, Steward applies them again when it next starts.
    let summary = app.restore(&Context::cli(), from).map_err(|e| Failure(format!("the restore failed: {e}"), 1))?;
    // PostgreSQL's blocking client must not be dropped inside a runtime; here there is none.
    drop(app);
    Ok((summary, kept))
}
