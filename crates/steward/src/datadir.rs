//! The data directory's own bookkeeping: the lock that keeps a restore from running
//! under a live server, and the installation marker that shows a directory was
//! initialised, so a missing database is noticed rather than silently replaced.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The lock file: servers and commands hold it shared, a restore exclusively.
pub const LOCK_FILE: &str = "steward.lock";
/// The installation marker written by `steward init`.
pub const MARKER_FILE: &str = ".steward-installation";
/// Prefix of the databases a restore keeps (SQLite files; PostgreSQL dumps end `.jsonl`).
pub const KEPT_PREFIX: &str = "steward.db.before-restore-";

/// Locks held until the process ends (the lock is the open file).
static HELD: Mutex<Vec<File>> = Mutex::new(Vec::new());

fn open_lock(data_dir: &Path) -> std::io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(data_dir.join(LOCK_FILE))
}

/// Hold the data directory's lock shared until the process ends, so that no restore
/// replaces the database under this process. With `server`, the lock file also records
/// this process's id, for a refused restore to name. A restore in progress is an error;
/// a lock file that cannot be made (a read-only directory) is only a warning.
pub fn hold_shared(data_dir: &Path, server: bool) -> Result<(), String> {
    let mut file = match open_lock(data_dir) {
        Ok(f) => f,
        Err(e) => {
            tracing::warn!(error = %e, "cannot open the lock file {}; a restore could run unnoticed", LOCK_FILE);
            return Ok(());
        }
    };
    match file.try_lock_shared() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            return Err(format!(
                "a restore is running on the data directory {}; wait for it to finish, then try again",
                data_dir.display()
            ));
        }
        Err(TryLockError::Error(e)) => {
            tracing::warn!(error = %e, "cannot lock {}; a restore could run unnoticed", LOCK_FILE);
            return Ok(());
        }
    }
    if server {
        let pid = std::process::id();
        let written = file.set_len(0).and_then(|()| file.rewind()).and_then(|()| writeln!(file, "{pid}"));
        if let Err(e) = written {
            tracing::warn!(error = %e, "cannot record the server's process id in {}", LOCK_FILE);
        }
    }
    if let Ok(mut held) = HELD.lock() {
        held.push(file);
    }
    Ok(())
}

/// The data directory's lock, held exclusively: no server or other command is using the
/// directory while it is held. Dropped, it is released.
pub struct Exclusive {
    _file: File,
}

/// Take the data directory's lock exclusively, or say who holds it and how to stop them.
pub fn hold_exclusive(data_dir: &Path) -> Result<Exclusive, String> {
    let mut file =
        open_lock(data_dir).map_err(|e| format!("cannot open {}: {e}", data_dir.join(LOCK_FILE).display()))?;
    match file.try_lock() {
        Ok(()) => Ok(Exclusive { _file: file }),
        Err(TryLockError::WouldBlock) => {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            let pid = text.trim().parse::<u32>().ok().filter(|p| process_exists(*p));
            let who = match pid {
                Some(pid) => format!(
                    "a Steward server is running on this data directory (pid {pid}). Stop it first (for example \
                     `kill -TERM {pid}`, or `systemctl stop steward` if it runs as a service)"
                ),
                None => "a Steward server is running on this data directory, or another steward command is still \
                         working on it. Stop the server (or let the command finish) first"
                    .to_string(),
            };
            Err(format!(
                "{who}, then run the restore again. Nothing was changed: restoring under a live server would lose \
                 every change it acknowledged after the backup was taken."
            ))
        }
        Err(TryLockError::Error(e)) => Err(format!("cannot lock {}: {e}", data_dir.join(LOCK_FILE).display())),
    }
}

/// Whether process `pid` exists (Linux's /proc; elsewhere assumed so).
fn process_exists(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.is_dir() || proc.join(pid.to_string()).exists()
}

/// Write the installation marker (an id and when), unless one is there already.
pub fn write_marker(data_dir: &Path) -> Result<(), String> {
    let path = data_dir.join(MARKER_FILE);
    if path.exists() {
        return Ok(());
    }
    let text = format!(
        "# Written by `steward init`. Keep this file: it tells Steward that this directory holds an\n\
         # installation, so that a missing database is reported instead of replaced by an empty one.\n\
         installation_id = \"{}\"\ninitialised_at = \"{}\"\n",
        uuid::Uuid::new_v4(),
        steward_core::audit::format_time(jiff::Timestamp::now())
    );
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|()| f.sync_all()))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The installation id in the marker, if there is one.
pub fn installation_id(data_dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(data_dir.join(MARKER_FILE)).ok()?;
    text.lines().find_map(|l| l.strip_prefix("installation_id = ")).map(|v| v.trim().trim_matches('"').to_string())
}

/// What in `data_dir` shows an earlier installation: the marker, a non-empty erasure
/// journal, databases kept by earlier restores. Empty for a directory never used.
pub fn signs_of_installation(data_dir: &Path, journal: &Path) -> Vec<String> {
    let mut signs = Vec::new();
    if let Some(id) = installation_id(data_dir) {
        signs.push(format!("installation {id}"));
    } else if data_dir.join(MARKER_FILE).exists() {
        signs.push(format!("its {MARKER_FILE} file"));
    }
    if std::fs::metadata(journal).is_ok_and(|m| m.len() > 0) {
        signs.push("an erasure journal".into());
    }
    if !kept_databases(data_dir).is_empty() {
        signs.push("databases kept by earlier restores".into());
    }
    signs
}

/// The databases earlier restores kept in `data_dir`, oldest first.
pub fn kept_databases(data_dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(data_dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(KEPT_PREFIX) && !n.ends_with("-wal") && !n.ends_with("-shm"))
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Flush a directory's entries (renames in it) to disk.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn the_marker_is_written_once_and_read_back() {
        let dir = tempfile::tempdir().expect("tmp");
        write_marker(dir.path()).expect("write");
        let id = installation_id(dir.path()).expect("an id");
        assert_eq!(id.len(), 36, "{id}");
        write_marker(dir.path()).expect("again");
        assert_eq!(installation_id(dir.path()), Some(id), "kept, not replaced");
    }

    #[test]
    fn an_exclusive_lock_is_refused_while_a_shared_one_is_held_and_names_the_server() {
        let dir = tempfile::tempdir().expect("tmp");
        hold_shared(dir.path(), true).expect("shared");
        let err = hold_exclusive(dir.path()).err().expect("refused");
        assert!(err.contains(&format!("pid {}", std::process::id())), "{err}");
        assert!(err.contains("kill -TERM"), "{err}");
    }
}
