//! Reading a backup through without writing anything: its header, and the framing
//! every reader checks (no second header, the end marker's count, nothing after it, the
//! audit head).

use super::{BackupItem, FORMAT, FORMAT_VERSION, KEY_CHECK_SETTING};
use crate::{StoreError, schema};
use serde::Serialize;

/// What a backup file holds, found by reading it through without writing anything.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BackupFacts {
    /// When it was taken.
    pub created_at: String,
    /// The schema version of the database it came from.
    pub schema_version: i64,
    /// Lines, the end marker included.
    pub lines: u64,
    /// Subjects in it.
    pub subjects: u64,
    /// The check value of the master key it was made with, if recorded.
    pub master_key_check: Option<String>,
}

/// Read a whole backup and check its shape as [`Store::import`] would, writing nothing:
/// the header, no second header, the end marker and its line count, nothing after it,
/// and the audit entries agreeing with the header. A truncated file, or one that is not
/// a backup, is [`StoreError::BadBackup`] naming the line.
pub fn inspect(items: &mut dyn Iterator<Item = Result<BackupItem, StoreError>>) -> Result<BackupFacts, StoreError> {
    let Some(first) = items.next() else {
        return Err(StoreError::BadBackup("the file is empty".into()));
    };
    let (created_at, schema_version, header_audit) = check_header(first?)?;
    let mut facts = BackupFacts { created_at, schema_version, ..BackupFacts::default() };
    let mut framing = Framing::new(header_audit);
    for (item, lines) in items.zip(1u64..) {
        let item = item?;
        framing.check(&item, lines)?;
        match item {
            BackupItem::Setting { key, value } if key == KEY_CHECK_SETTING => facts.master_key_check = Some(value),
            BackupItem::Subject { .. } => facts.subjects += 1,
            _ => {}
        }
    }
    facts.lines = framing.finish()?.1;
    Ok(facts)
}

/// The framing every reader of a backup checks, line by line after the header: no
/// second header, the end marker's count, nothing after it, and the last audit entry
/// agreeing with the header's head.
pub(super) struct Framing {
    header_audit: (i64, String),
    last_audit: (i64, String),
    /// Lines read when the end marker came.
    ended_at: Option<u64>,
}

impl Framing {
    pub(super) fn new(header_audit: (i64, String)) -> Self {
        Self { header_audit, last_audit: (0, steward_core::audit::GENESIS_HASH.to_string()), ended_at: None }
    }

    /// Check `item`, the `lines`-th line after the header.
    pub(super) fn check(&mut self, item: &BackupItem, lines: u64) -> Result<(), StoreError> {
        if self.ended_at.is_some() {
            return Err(StoreError::BadBackup("there is data after the end marker".into()));
        }
        match item {
            BackupItem::Header { .. } => {
                return Err(StoreError::BadBackup(format!("a second header at line {}", lines + 1)));
            }
            BackupItem::Audit(a) => self.last_audit = (a.seq, a.hash.clone()),
            BackupItem::End { lines: n } => {
                if *n != lines {
                    return Err(StoreError::BadBackup(format!(
                        "the end marker counts {n} lines but {lines} were read"
                    )));
                }
                self.ended_at = Some(lines);
            }
            _ => {}
        }
        Ok(())
    }

    /// After the last line: the file was complete and its audit entries match the
    /// header. Returns the audit head and the number of lines read, header included.
    pub(super) fn finish(self) -> Result<((i64, String), u64), StoreError> {
        let Some(lines) = self.ended_at else {
            return Err(StoreError::BadBackup("the file is truncated (no end marker)".into()));
        };
        if self.last_audit != self.header_audit {
            return Err(StoreError::BadBackup(format!(
                "the header records {} audit entries but the last audit line is entry {}",
                self.header_audit.0, self.last_audit.0
            )));
        }
        Ok((self.last_audit, lines + 1))
    }
}

/// Check a backup's first line: its creation time, schema version and audit head.
pub(super) fn check_header(first: BackupItem) -> Result<(String, i64, (i64, String)), StoreError> {
    match first {
        BackupItem::Header { format, version, schema_version, created_at, audit_seq, audit_hash } => {
            if format != FORMAT {
                return Err(StoreError::BadBackup(format!("not a Steward backup (format '{format}')")));
            }
            if version != FORMAT_VERSION {
                return Err(StoreError::BadBackup(format!(
                    "backup format version {version} is not supported (expected {FORMAT_VERSION})"
                )));
            }
            if schema_version > schema::latest_version() {
                return Err(StoreError::BadBackup(format!(
                    "the backup has schema version {schema_version}, newer than this Steward ({})",
                    schema::latest_version()
                )));
            }
            Ok((created_at, schema_version, (audit_seq, audit_hash)))
        }
        _ => Err(StoreError::BadBackup("the first line is not a backup header".into())),
    }
}
