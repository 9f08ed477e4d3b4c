//! Whether Steward can still write what it must keep: the outcome of the latest
//! database write, and a small write to the data directory (where the erasure journal
//! lives). Read by `/api/v1/health`; holds no personal data.

use crate::App;
use serde::Serialize;
use std::io::Write;
use steward_store::StorageFault;
use utoipa::ToSchema;

/// Name of the file the probe rewrites in the data directory.
pub const PROBE_FILE: &str = ".steward-health-probe";

/// Bytes the probe writes: enough to need a fresh block on a full disk.
const PROBE_BYTES: usize = 4096;

/// Something that keeps Steward from working normally.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct HealthProblem {
    /// Where: `database` (the latest write to it failed) or `data_directory` (the probe
    /// write there failed; erasures cannot be journalled).
    pub component: &'static str,
    /// What: `disk_full`, `read_only`, `io_error` or `cannot_open`.
    pub reason: StorageFault,
    /// What to do, for the person running the server.
    pub message: &'static str,
    /// Since when (RFC 3339), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
}

/// What `/api/v1/health` reports: the database kind, its schema version (0 when it
/// could not be read) and any storage problems.
#[derive(Debug, Clone)]
pub struct HealthReport {
    /// `sqlite` or `postgres`.
    pub database: steward_store::BackendKind,
    /// The schema version, or 0 when it could not be read.
    pub schema_version: i64,
    /// Problems with the storage; empty when all is well.
    pub problems: Vec<HealthProblem>,
}

impl App {
    /// The health report (no permission needed: it holds no personal data). A database
    /// that cannot be read for storage reasons is one of the problems, not an error.
    pub fn health(&self) -> crate::AppResult<HealthReport> {
        let mut problems = self.storage_problems();
        let schema_version = match self.store.schema_version() {
            Ok(v) => v,
            Err(steward_store::StoreError::Storage(fault)) => {
                problems.push(HealthProblem {
                    component: "database",
                    reason: fault,
                    message: fault.advice(),
                    since: None,
                });
                0
            }
            Err(e) => return Err(e.into()),
        };
        Ok(HealthReport { database: self.store.kind(), schema_version, problems })
    }

    /// Problems with the storage now: the latest database write if it failed for
    /// storage reasons (and none has succeeded since), and a probe write of a small
    /// file in the data directory, flushed to disk. Empty when all is well. The probe
    /// does not write to the database, so health checks add nothing to it.
    pub fn storage_problems(&self) -> Vec<HealthProblem> {
        let mut out = Vec::new();
        if let Some(f) = self.store.last_storage_failure() {
            out.push(HealthProblem {
                component: "database",
                reason: f.fault,
                message: f.fault.advice(),
                since: Some(f.at),
            });
        }
        if let Some(dir) = self.journal.path().parent()
            && let Err(fault) = probe(&dir.join(PROBE_FILE))
        {
            out.push(HealthProblem {
                component: "data_directory",
                reason: fault,
                message: match fault {
                    StorageFault::Full => {
                        "Steward cannot write to its data directory: the disk is full, so erasures cannot be \
                         recorded. Free some space."
                    }
                    StorageFault::ReadOnly | StorageFault::CannotOpen => {
                        "Steward cannot write to its data directory: it is read-only, so erasures cannot be \
                         recorded. Fix the permissions or remount the disk read-write."
                    }
                    StorageFault::Io => {
                        "Steward cannot write to its data directory: the disk reported an error, so erasures \
                         cannot be recorded. Check the disk."
                    }
                },
                since: None,
            });
        }
        out
    }
}

/// Rewrite `path` with [`PROBE_BYTES`] bytes and flush it (truncating first, so a full
/// disk must find a free block).
fn probe(path: &std::path::Path) -> Result<(), StorageFault> {
    let result = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
        .and_then(|mut f| f.write_all(&[0u8; PROBE_BYTES]).and_then(|()| f.sync_all()));
    result.map_err(|e| match e.kind() {
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => StorageFault::Full,
        std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied => StorageFault::ReadOnly,
        std::io::ErrorKind::NotFound => StorageFault::CannotOpen,
        _ => StorageFault::Io,
    })
}
