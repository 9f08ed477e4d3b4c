//! The erasure journal: an append-only file of tombstones kept beside the master key,
//! outside the database and outside its backups, so that restoring an older copy of
//! the data cannot bring an erased person back (see docs/adr/0003).

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

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Entry {
    /// A vault document destroyed (tried first: its fields are distinct).
    Document(DocumentShred),
    /// A subject erased.
    Subject(Tombstone),
}

/// The journal file.
pub struct Journal {
    path: PathBuf,
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

    /// Append one tombstone and flush it to disk before returning.
    pub fn append(&self, t: &Tombstone) -> AppResult<()> {
        self.append_line(t)
    }

    /// Append one destroyed document and flush it to disk before returning.
    pub fn append_document(&self, d: &DocumentShred) -> AppResult<()> {
        self.append_line(d)
    }

    fn append_line(&self, entry: &impl Serialize) -> AppResult<()> {
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
        let mut f = opts
            .open(&self.path)
            .map_err(|e| AppError::Io(format!("cannot open the erasure journal {}: {e}", self.path.display())))?;
        f.write_all(&line)
            .and_then(|()| f.sync_all())
            .map_err(|e| AppError::Io(format!("cannot write the erasure journal {}: {e}", self.path.display())))
    }

    /// Every entry recorded, oldest first. A final line cut short by a crash is
    /// ignored; any other unreadable line is an error naming its line number.
    pub fn read_all(&self) -> AppResult<Vec<Entry>> {
        let f = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(AppError::Io(format!("cannot read the erasure journal {}: {e}", self.path.display())));
            }
        };
        let lines: Vec<String> = BufReader::new(f)
            .lines()
            .collect::<Result<_, _>>()
            .map_err(|e| AppError::Io(format!("cannot read the erasure journal {}: {e}", self.path.display())))?;
        let mut out = Vec::with_capacity(lines.len());
        let last = lines.len().saturating_sub(1);
        for (i, line) in lines.iter().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Entry>(line) {
                Ok(t) => out.push(t),
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
