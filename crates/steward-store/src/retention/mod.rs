//! The retention inventory (schema version 10): versions of the retention schedule,
//! the records an organisation keeps with their computed destroy-by dates, and the
//! disposals the daily sweep finds. Nothing here is personal data: subjects appear by
//! id, references and locations are organisational labels staff are told to keep free
//! of names, and facts are event dates and flags about a pseudonymous record.
//!
//! `schedule` holds the saved versions, `records` the inventory, `disposals` what the
//! sweep finds; the rows of all three, as read and written, are in `rows`.

mod disposals;
mod records;
mod rows;
mod schedule;

pub use rows::{RECORD_COLUMNS, record_from_row};
pub(crate) use rows::{
    for_each_disposal, for_each_record, for_each_schedule, insert_disposal_row, insert_record_row, insert_schedule_row,
};
use serde::{Deserialize, Serialize};

/// One saved version of the retention schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleRow {
    /// 1, 2, 3 … in order of saving.
    pub version: i64,
    /// The schedule's own name.
    pub name: String,
    /// The TOML text.
    pub toml: String,
    /// Where it came from: `template:NAME`, `file`, `ui` or `api`.
    pub source: String,
    /// When saved (RFC 3339).
    pub saved_at: String,
    /// Who saved it.
    pub saved_by: String,
}

/// A record the organisation keeps, with what its retention rule made of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordRow {
    /// Random id (UUID).
    pub id: String,
    /// The schedule's record type id (`volunteer-file`).
    pub record_type: String,
    /// The organisation's own reference or label for it (no names).
    pub reference: String,
    /// The subject it is about, if one (their birth date feeds age rules).
    pub subject_id: Option<String>,
    /// Other subjects it is about, comma-separated ids.
    pub other_subjects: String,
    /// The system it is kept in, if a registered one.
    pub system_id: Option<String>,
    /// Where it is, in words (a cabinet, a shared drive folder).
    pub location: String,
    /// `external` (kept outside Steward) or `vault` (a document in Steward's vault).
    pub storage: String,
    /// The document in Steward's vault, for `vault` records.
    pub document_id: Option<String>,
    /// Events and flags, as JSON (`{"events":{"left":"2024-03-15"},"flags":[…]}`).
    pub facts: String,
    /// The destroy-by date (`YYYY-MM-DD`), when computable and not permanent.
    pub destroy_on: Option<String>,
    /// Kept permanently.
    pub permanent: bool,
    /// Facts still needed, comma-separated.
    pub missing: String,
    /// The rule applied, as written in the schedule.
    pub rule: String,
    /// Plain-English explanation of the date.
    pub explanation: String,
    /// The schedule version the date was computed under.
    pub schedule_version: i64,
    /// `kept`, `disposing` (a disposal is open) or `destroyed`.
    pub status: String,
    /// Created (RFC 3339).
    pub created_at: String,
    /// Who created it.
    pub created_by: String,
    /// Last changed (RFC 3339).
    pub updated_at: String,
    /// The day it was destroyed.
    pub destroyed_on: Option<String>,
}

/// One disposal: a record found past its date by the daily sweep, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisposalRow {
    /// Random id (UUID).
    pub id: String,
    /// The record.
    pub record_id: String,
    /// Its type.
    pub record_type: String,
    /// Its subject's id (a pseudonymous reference, not personal data), or empty.
    pub subject_ref: String,
    /// The rule that made it due.
    pub rule: String,
    /// The destroy-by date.
    pub due_on: String,
    /// The day the sweep found it.
    pub found_on: String,
    /// `external` or `vault`.
    pub storage: String,
    /// `held`, `released`, `awaiting_approval`, `task`, `done` or `cancelled`.
    pub status: String,
    /// The hold that stopped it, for `held` and `released`.
    pub hold_id: Option<String>,
    /// How it is (to be) destroyed: `crypto_shred`, `shredding`, `secure_deletion`,
    /// `return_to_commissioner`.
    pub method: Option<String>,
    /// Who is to do it (a user id or a team), for tasks.
    pub assignee: Option<String>,
    /// When the task is to be done by.
    pub task_due_on: Option<String>,
    /// Who approved the disposal.
    pub approved_by: Option<String>,
    /// When approved (RFC 3339).
    pub approved_at: Option<String>,
    /// The day it was done.
    pub done_on: Option<String>,
    /// Who did it.
    pub done_by: Option<String>,
    /// Notes (how it was confirmed; no names).
    pub note: String,
    /// Created (RFC 3339).
    pub created_at: String,
}

/// Filters for listing records.
#[derive(Debug, Clone, Default)]
pub struct RecordFilter {
    /// Only this record type.
    pub record_type: Option<String>,
    /// Only records in this system.
    pub system_id: Option<String>,
    /// Only records whose location contains this text.
    pub location: Option<String>,
    /// Only records about this subject (first or other).
    pub subject_id: Option<String>,
    /// Only with a destroy-by date on or after this day.
    pub due_from: Option<String>,
    /// Only with a destroy-by date on or before this day.
    pub due_to: Option<String>,
    /// Only records still missing a fact.
    pub missing: bool,
    /// Only records with this status.
    pub status: Option<String>,
    /// Only records covered by these holds.
    pub held: Option<HeldSets>,
    /// Most rows returned.
    pub limit: usize,
    /// Rows skipped.
    pub offset: usize,
}

/// What standing holds cover: records by id, record types, subjects.
#[derive(Debug, Clone, Default)]
pub struct HeldSets {
    /// Held records.
    pub ids: Vec<String>,
    /// Held record types.
    pub types: Vec<String>,
    /// Held subjects.
    pub subjects: Vec<String>,
}

/// What a recompute reads and writes of a record: its facts and computed fields only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleRecord {
    /// Id.
    pub id: String,
    /// Record type id.
    pub record_type: String,
    /// The subject, if any.
    pub subject_id: Option<String>,
    /// Events and flags, as JSON.
    pub facts: String,
    /// The destroy-by date.
    pub destroy_on: Option<String>,
    /// Kept permanently.
    pub permanent: bool,
    /// Facts still needed, comma-separated.
    pub missing: String,
    /// The rule applied.
    pub rule: String,
    /// Plain-English explanation.
    pub explanation: String,
}

/// Filters for listing disposals.
#[derive(Debug, Clone, Default)]
pub struct DisposalFilter {
    /// Only these statuses (any when empty).
    pub statuses: Vec<String>,
    /// Only due on or before this day.
    pub due_before: Option<String>,
    /// Only done on or after this day.
    pub done_from: Option<String>,
    /// Only done on or before this day.
    pub done_to: Option<String>,
    /// Only for this record.
    pub record_id: Option<String>,
}
