//! The erasure journal: an append-only file of tombstones kept beside the master key,
//! outside the database and outside its backups, so that restoring an older copy of
//! the data cannot bring an erased person back (see docs/adr/0003).
//!
//! An erasure is first written as pending, then made in the database, then settled as
//! committed or abandoned; a pending one left by a crash or a failed disk is settled
//! when Steward next starts, by looking at whether the database change took effect. So
//! an erasure that failed is never re-applied later, and one that took effect is never
//! lost (see docs/adr/0013-safe-restore.md).

use crate::{AppError, AppResult};
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use steward_store::Tombstone;

/// A document in Steward's vault destroyed at the end of its retention period: kept in
/// the journal so that restoring an older backup destroys it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentShred {
    /// The document.
    pub document_id: String,
    /// Its subject.
    pub subject_id: String,
    /// The inventory record it was.
    pub record_id: String,
    /// When destroyed (RFC 3339).
    pub destroyed_at: String,
}

/// An erasure or destruction: what a line of the journal records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Entry {
    /// A vault document destroyed (tried first: its fields are distinct).
    Document(DocumentShred),
    /// A subject erased.
    Subject(Tombstone),
}

impl Entry {
    /// A short, data-free description for logs: the kind and the id.
    pub fn describe(&self) -> String {
        match self {
            Entry::Document(d) => format!("document {}", d.document_id),
            Entry::Subject(t) => format!("subject {}", t.subject_id),
        }
    }
}

/// An erasure about to be made: written (and flushed) before the database is changed,
/// so that a crash after the database commits cannot lose it. It counts only once
/// settled as committed, or once found to have taken effect (see [`Journal::read_all`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PendingLine {
    /// The intent's id, which its settling line names.
    pending: String,
    /// What is to be erased.
    entry: Entry,
}

/// How a pending erasure ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The database change committed: the erasure took effect.
    Committed,
    /// The database change did not happen: the erasure never took effect and is not
    /// re-applied by a restore.
    Abandoned,
}

/// The end of a pending erasure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettledLine {
    /// The intent's id.
    settled: String,
    /// How it ended.
    outcome: Outcome,
}

/// One line of the file. Lines written before erasures were settled hold a bare entry,
/// which counts as committed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
enum Line {
    Pending(PendingLine),
    Settled(SettledLine),
    Entry(Entry),
}

/// An erasure in the journal, with whether it is known to have taken effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// What was erased.
    pub entry: Entry,
    /// `None` once committed (or written before intents existed); the intent's id while
    /// it is still pending: its database change may or may not have committed.
    pub pending: Option<String>,
}

/// The journal file.
pub struct Journal {
    path: PathBuf,
}

/// A journal failure: a full or read-only disk is a storage failure an operator can
/// act on; anything else names the file.
fn io_error(what: &str, path: &Path, e: &std::io::Error) -> AppError {
    match e.kind() {
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
            AppError::Storage(steward_store::StorageFault::Full)
        }
        std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied => {
            AppError::Storage(steward_store::StorageFault::ReadOnly)
        }
        _ => AppError::Io(format!("cannot {what} the erasure journal {}: {e}", path.display())),
    }
}

impl Journal {
    /// A journal at `path` (created on first append).
    pub fn new(path: PathBuf) -> Self {
        Self { path }
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Record that `entry` is about to be erased, flushed to disk before returning; the
    /// intent's id, for [`Journal::settle`].
    pub fn begin(&self, entry: &Entry) -> AppResult<String> {
        let id = uuid::Uuid::new_v4().to_string();
        self.append_line(&Line::Pending(PendingLine { pending: id.clone(), entry: entry.clone() }))?;
        Ok(id)
    }

    /// Record how the intent `id` ended, flushed to disk before returning.
    pub fn settle(&self, id: &str, outcome: Outcome) -> AppResult<()> {
        self.append_line(&Line::Settled(SettledLine { settled: id.into(), outcome }))
    }

    /// Settle `id`, logging (not returning) a failure: an unsettled intent is settled
    /// when Steward next starts, by looking at the database.
    pub fn settle_or_log(&self, id: &str, outcome: Outcome) {
        if let Err(e) = self.settle(id, outcome) {
            tracing::warn!(error = %e, intent = id, "an erasure could not be settled in the journal yet");
        }
    }

    fn append_line(&self, entry: &Line) -> AppResult<()> {
        let mut line =
            serde_json::to_vec(entry).map_err(|e| AppError::Io(format!("cannot encode a journal entry: {e}")))?;
        line.push(b'\n');
        let mut opts = OpenOptions::new();
        opts.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&self.path).map_err(|e| io_error("open", &self.path, &e))?;
        f.write_all(&line).and_then(|()| f.sync_all()).map_err(|e| io_error("write", &self.path, &e))
    }

    /// Every erasure recorded, oldest first: committed ones, and pending ones not yet
    /// settled (marked so); abandoned ones are left out. A final line cut short by a
    /// crash is ignored; any other unreadable line is an error naming its line number.
    pub fn read_all(&self) -> AppResult<Vec<Recorded>> {
        let f = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io_error("read", &self.path, &e)),
        };
        let lines: Vec<String> =
            BufReader::new(f).lines().collect::<Result<_, _>>().map_err(|e| io_error("read", &self.path, &e))?;
        let mut out: Vec<Recorded> = Vec::with_capacity(lines.len());
        let last = lines.len().saturating_sub(1);
        for (i, line) in lines.iter().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Line>(line) {
                Ok(Line::Entry(entry)) => out.push(Recorded { entry, pending: None }),
                Ok(Line::Pending(p)) => out.push(Recorded { entry: p.entry, pending: Some(p.pending) }),
                Ok(Line::Settled(s)) => {
                    let at = out.iter().rposition(|r| r.pending.as_deref() == Some(s.settled.as_str()));
                    match (at, s.outcome) {
                        (Some(i), Outcome::Committed) => out[i].pending = None,
                        (Some(i), Outcome::Abandoned) => {
                            out.remove(i);
                        }
                        (None, _) => {}
                    }
                }
                Err(_) if i == last => break,
                Err(_) => {
                    return Err(AppError::Io(format!(
                        "the erasure journal {} is damaged at line {}",
                        self.path.display(),
                        i + 1
                    )));
                }
            }
        }
        Ok(out)
    }
}
