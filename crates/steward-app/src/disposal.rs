//! Disposal: the daily sweep that finds records past their destroy-by date, legal holds
//! that stop it, the DPO's approval of the month's list, destruction in Steward's vault
//! (crypto-shredding) or as a task for records kept elsewhere, confirmation by whoever
//! destroyed them, and the destruction certificate for auditors.
//!
//! Sources: UK GDPR Art 5(1)(e) (storage limitation: personal data kept no longer than
//! necessary), Art 5(2) (accountability: each disposal is evidenced, by whom and when),
//! ICO guidance "Principle (e): Storage limitation" (review and securely delete or
//! anonymise data at the end of the retention period; a legal hold or litigation keeps
//! it), and the family-support charity's policy Appendix 1 (records are listed monthly
//! and destroyed with the DPO's agreement).
//!
//! Approval: every disposal the sweep finds waits for the DPO's approval of the month's
//! list, whether the record is in Steward's vault or kept elsewhere, because destruction
//! cannot be undone and the DPO signs off the whole list at once. On approval, vault
//! documents are crypto-shredded at once and records kept elsewhere become tasks (with a
//! method and a date) for someone to destroy and confirm. The exception is a record type
//! whose schedule entry says `disposal = "automatic"`: its vault records are destroyed by
//! the sweep itself. Legal holds are checked again at approval and at confirmation.

use crate::{AppError, AppResult};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use steward_core::FieldError;
use steward_core::retention::schedule::DISPOSAL_METHODS;
use steward_store::{DisposalRow, RecordRow};
use utoipa::ToSchema;

pub use crate::job_catalogue::DISPOSALS;

mod approval;
mod certificate;
mod sweep;

pub use certificate::certificate_csv;
/// Who the sweep records as having destroyed a record under an automatic rule.
pub const AUTOMATIC: &str = "system (automatic rule)";
/// Who the sweep records as having released a held disposal.
pub const RELEASED_BY: &str = "system (hold lifted)";
/// Longest assignee or note text accepted (characters).
pub const MAX_TEXT: usize = 500;
/// Every disposal status.
pub const STATUSES: &[&str] = &["held", "released", "awaiting_approval", "task", "done", "cancelled"];

fn invalid(field: &str, msg: impl Into<String>) -> AppError {
    AppError::Invalid(FieldError::new(field, msg))
}

fn text(field: &str, value: &str, required: bool) -> AppResult<String> {
    let v = value.trim();
    if required && v.is_empty() {
        return Err(invalid(field, "is required"));
    }
    if v.chars().count() > MAX_TEXT {
        return Err(invalid(field, format!("must be at most {MAX_TEXT} characters")));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(invalid(field, "must not contain control characters"));
    }
    Ok(v.to_string())
}

/// Parse `YYYY-MM` into its first and last days, naming `field` when it is not one.
pub fn month_bounds(field: &str, month: &str) -> AppResult<(Date, Date)> {
    let m = month.trim();
    let ok = m.len() == 7 && m.as_bytes()[4] == b'-';
    let first: Date = if ok { format!("{m}-01").parse().ok() } else { None }
        .ok_or_else(|| invalid(field, "must be a month as YYYY-MM, e.g. 2026-11"))?;
    Ok((first, first.last_of_month()))
}

fn method_label(m: &str) -> String {
    DISPOSAL_METHODS.iter().find(|(id, _)| *id == m).map_or_else(|| m.to_string(), |(_, l)| (*l).to_string())
}

/// A disposal, for reading: what was found due, and what became of it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Disposal {
    /// Id.
    pub id: String,
    /// The record.
    pub record_id: String,
    /// Its record type id.
    pub record_type: String,
    /// The subject's id (a pseudonymous reference, not personal data), or empty.
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
    /// The hold that stopped it (`held`, `released`).
    pub hold_id: Option<String>,
    /// How it is (to be) destroyed (see the schedule's disposal methods).
    pub method: Option<String>,
    /// The method in words.
    pub method_label: Option<String>,
    /// Who is to do it (a user id or a team).
    pub assignee: Option<String>,
    /// When the task is to be done by.
    pub task_due_on: Option<String>,
    /// Who approved it.
    pub approved_by: Option<String>,
    /// When approved (RFC 3339).
    pub approved_at: Option<String>,
    /// The day it was done (for `released` and `cancelled`, the day that was decided).
    pub done_on: Option<String>,
    /// Who did it.
    pub done_by: Option<String>,
    /// Notes.
    pub note: String,
    /// Created (RFC 3339).
    pub created_at: String,
}

impl From<DisposalRow> for Disposal {
    fn from(d: DisposalRow) -> Self {
        Self {
            method_label: d.method.as_deref().map(method_label),
            id: d.id,
            record_id: d.record_id,
            record_type: d.record_type,
            subject_ref: d.subject_ref,
            rule: d.rule,
            due_on: d.due_on,
            found_on: d.found_on,
            storage: d.storage,
            status: d.status,
            hold_id: d.hold_id,
            method: d.method,
            assignee: d.assignee,
            task_due_on: d.task_due_on,
            approved_by: d.approved_by,
            approved_at: d.approved_at,
            done_on: d.done_on,
            done_by: d.done_by,
            note: d.note,
            created_at: d.created_at,
        }
    }
}

/// Filters for the disposal list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DisposalQuery {
    /// Only disposals due on or before this day (`YYYY-MM-DD`).
    pub due_before: Option<String>,
    /// Only disposals with this status (`held`, `released`, `awaiting_approval`, `task`,
    /// `done`, `cancelled`); several may be comma-separated.
    pub status: Option<String>,
    /// Only disposals of this record.
    pub record_id: Option<String>,
}

/// Which disposals to approve: a month's list (everything awaiting approval due by the
/// month's end) or chosen ids.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// `YYYY-MM`.
    #[serde(default)]
    pub month: Option<String>,
    /// Disposal ids.
    #[serde(default)]
    pub ids: Option<Vec<String>>,
}

/// What approving did.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct ApprovalOutcome {
    /// Vault records crypto-shredded.
    pub destroyed: u64,
    /// Records kept elsewhere that became tasks.
    pub tasks: u64,
    /// Disposals stopped because a legal hold now covers them.
    pub held: u64,
    /// Disposals cancelled because the record's date moved (it is no longer due).
    pub cancelled: u64,
    /// Ids asked for that were not awaiting approval (already dealt with, or unknown).
    pub skipped: Vec<String>,
}

/// A task's assignment: who is to destroy it, how and by when.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    /// A user id (`user:…`) or a team or role ("Office manager"); no names of subjects.
    pub assignee: String,
    /// How (one of the schedule's disposal methods); unchanged when absent.
    #[serde(default)]
    pub method: Option<String>,
    /// Done by (`YYYY-MM-DD`); unchanged when absent.
    #[serde(default)]
    pub due_on: Option<String>,
}

/// Confirmation that a task's record was destroyed, by whoever destroyed it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Confirmation {
    /// The day it was destroyed (`YYYY-MM-DD`): not in the future, not before it was found due.
    pub done_on: String,
    /// How (one of the schedule's disposal methods); the task's method when absent.
    #[serde(default)]
    pub method: Option<String>,
    /// How it was done or evidenced (a shredding company's certificate number); no names.
    #[serde(default)]
    pub note: String,
}

/// What one sweep did (counts only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct SweepReport {
    /// Records recomputed first (after a schedule change).
    pub recomputed: u64,
    /// Records found due.
    pub due: u64,
    /// Of those, stopped by a legal hold.
    pub held: u64,
    /// Held disposals released because their holds were lifted.
    pub released: u64,
    /// Open disposals stopped because a hold now covers them.
    pub newly_held: u64,
    /// Waiting for the DPO's approval.
    pub awaiting_approval: u64,
    /// Destroyed at once under an automatic rule.
    pub destroyed: u64,
}

/// One line of the destruction certificate. Holds no personal data: the subject appears
/// by id only.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CertificateEntry {
    /// The disposal.
    pub disposal_id: String,
    /// The record.
    pub record_id: String,
    /// Its record type.
    pub record_type: String,
    /// The subject's id, or empty.
    pub subject_ref: String,
    /// The rule that made it due.
    pub rule: String,
    /// The destroy-by date.
    pub due_on: String,
    /// The day destroyed (or released, or cancelled), if any.
    pub done_on: Option<String>,
    /// How.
    pub method: Option<String>,
    /// By whom.
    pub done_by: Option<String>,
    /// Who approved it.
    pub approved_by: Option<String>,
    /// `done`, `held`, `released` or `cancelled`.
    pub status: String,
    /// The hold, for `held` and `released`.
    pub hold_id: Option<String>,
}

/// Evidence of the records destroyed in a period, and of those a legal hold kept.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DisposalCertificate {
    /// First day of the period.
    pub from: String,
    /// Last day of the period.
    pub to: String,
    /// The organisation.
    pub organisation: String,
    /// Destroyed, released or cancelled in the period, and held at its end.
    pub entries: Vec<CertificateEntry>,
    /// Records destroyed.
    pub destroyed: u64,
    /// Held at the time of issue.
    pub held: u64,
    /// Released in the period.
    pub released: u64,
    /// When produced (RFC 3339).
    pub issued_at: String,
    /// Who produced it.
    pub issued_by: String,
    /// The audit log's head when produced: entries and hash, for verification.
    pub audit_seq: i64,
    /// The head hash.
    pub audit_hash: String,
}

/// Counts for the dashboard.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct DisposalSummary {
    /// Records whose destroy-by date falls in the current month, not yet destroyed.
    pub due_this_month: u64,
    /// Records past their date before this month, not yet destroyed.
    pub overdue: u64,
    /// Disposals waiting for the DPO's approval.
    pub awaiting_approval: u64,
    /// Tasks not yet confirmed.
    pub open_tasks: u64,
    /// Tasks past the day they were to be done by.
    pub late_tasks: u64,
    /// Disposals stopped by a legal hold.
    pub held: u64,
}

/// The method a disposal of `r` starts with.
fn default_method(r: &RecordRow, type_method: Option<&str>) -> String {
    if r.storage == "vault" {
        return "crypto_shred".into();
    }
    if let Some(m) = type_method
        && m != "crypto_shred"
    {
        return m.to_string();
    }
    if r.system_id.is_some() { "secure_deletion".into() } else { "shredding".into() }
}

fn check_method(field: &str, m: &str, storage: &str) -> AppResult<String> {
    let m = m.trim();
    if !DISPOSAL_METHODS.iter().any(|(id, _)| *id == m) {
        let known: Vec<&str> = DISPOSAL_METHODS.iter().map(|(id, _)| *id).collect();
        return Err(invalid(field, format!("must be one of {}", known.join(", "))));
    }
    if m == "crypto_shred" && storage != "vault" {
        return Err(invalid(field, "crypto_shred is only for records in Steward's vault"));
    }
    Ok(m.to_string())
}

fn parse_date(field: &str, v: &str) -> AppResult<Date> {
    v.trim().parse().map_err(|_| invalid(field, "must be a date as YYYY-MM-DD"))
}
