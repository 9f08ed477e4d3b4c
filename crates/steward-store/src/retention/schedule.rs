//! Saved versions of the retention schedule.

use super::ScheduleRow;
use super::rows::{SCHEDULE_COLUMNS, insert_schedule_row, schedule};
use crate::audit::append_in;
use crate::{Store, StoreError};
use steward_core::audit::AuditEvent;

impl Store {
    /// The newest saved schedule, if any.
    pub fn current_schedule(&self) -> Result<Option<ScheduleRow>, StoreError> {
        self.read(|tx| {
            tx.query(&format!("SELECT {SCHEDULE_COLUMNS} FROM retention_schedules ORDER BY version DESC LIMIT 1"), &[])?
                .first()
                .map(schedule)
                .transpose()
        })
    }

    /// Every saved schedule version, newest first (without the text when `summary`).
    pub fn schedule_versions(&self) -> Result<Vec<ScheduleRow>, StoreError> {
        self.read(|tx| {
            tx.query(&format!("SELECT {SCHEDULE_COLUMNS} FROM retention_schedules ORDER BY version DESC"), &[])?
                .iter()
                .map(schedule)
                .collect()
        })
    }

    /// Save a new schedule version (its number is the next after the newest), with
    /// `event` audited; the version is saved at the event's time. Returns the version
    /// number.
    pub fn save_schedule(
        &self,
        name: &str,
        toml: &str,
        source: &str,
        saved_by: &str,
        event: &AuditEvent,
    ) -> Result<i64, StoreError> {
        self.write(|tx| {
            let next = tx.query("SELECT COALESCE(MAX(version), 0) FROM retention_schedules", &[])?;
            let version = next.first().map(|r| r.int(0)).transpose()?.unwrap_or(0) + 1;
            insert_schedule_row(
                tx,
                &ScheduleRow {
                    version,
                    name: name.into(),
                    toml: toml.into(),
                    source: source.into(),
                    saved_at: event.at.clone(),
                    saved_by: saved_by.into(),
                },
            )?;
            let mut ev = event.clone();
            ev.detail = format!("{} version={version}", ev.detail).trim().to_string();
            append_in(tx, std::slice::from_ref(&ev))?;
            Ok(version)
        })
    }
}
