//! The retention schedule as policy that runs: the schedule's saved versions (editable,
//! audited, mirrored to the data directory's file), the records inventory with each
//! record's destroy-by date and why, recomputation when facts or the schedule change,
//! and legal holds on records, subjects and record types.
//!
//! Sources: UK GDPR Art 5(1)(e) (storage limitation: kept no longer than necessary),
//! Art 5(2) (accountability: the schedule and every disposal are evidenced), ICO guidance
//! "Principle (e): Storage limitation" (a retention schedule with periods, reviewed, and
//! data securely deleted at the end), and Appendix 1 of the family-support charity's
//! policy for the template periods (see docs/adr/0009-retention-rules.md).

use crate::{AppError, AppResult};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use steward_core::FieldError;
use steward_core::retention::{Schedule, format_date};
use steward_store::{HoldRow, RecordRow};
use utoipa::ToSchema;

mod records;
mod schedule;

/// The schedule's file in the data directory.
pub const SCHEDULE_FILE: &str = "retention-schedule.toml";
/// Longest reference or location text accepted (characters).
pub const MAX_LABEL: usize = 200;
/// Largest schedule accepted (bytes).
pub const MAX_SCHEDULE: usize = 512 * 1024;
/// Setting naming the record types whose recompute a schedule change started and has
/// not finished (`*` for all, else comma-separated; empty when none is pending).
pub const PENDING_RECOMPUTE: &str = "retention.pending_recompute";
/// Records to recompute from which the destroy-by index is rebuilt rather than updated.
const BULK_RECOMPUTE: u64 = 500_000;
/// Records recomputed per transaction when the schedule changes.
const RECOMPUTE_PAGE: usize = 20_000;

/// Where a record is kept: free text (a cabinet, a folder), a registered system, or both.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum LocationInput {
    /// Words only, e.g. "Head office, cabinet 3, drawer 2".
    Text(String),
    /// A registered system (by id or by name), with optional detail (a folder, a drawer).
    System {
        /// The system's id (see `/api/v1/systems`).
        #[serde(default)]
        system_id: Option<String>,
        /// The system's name, when its id is not given.
        #[serde(default)]
        system: Option<String>,
        /// Where within it, or where on paper (also accepted as `text` or `description`).
        #[serde(default, alias = "text", alias = "description")]
        detail: String,
    },
}

/// A record to add to the inventory.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRecord {
    /// The subject it is about (their date of birth feeds age rules).
    #[serde(default)]
    pub subject_id: Option<String>,
    /// Other subjects it is about (a family file's other members).
    #[serde(default)]
    pub other_subject_ids: Vec<String>,
    /// The schedule's record type id, e.g. `volunteer-file`.
    pub record_type: String,
    /// The organisation's own reference for it, e.g. "VOL-0042" (no names).
    #[serde(default)]
    pub reference: String,
    /// Dated facts, e.g. `{"left": "2024-03-15"}`.
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, String>)]
    pub events: BTreeMap<String, Date>,
    /// Facts without dates, e.g. `["reference_consent"]`.
    #[serde(default)]
    pub flags: Vec<String>,
    /// Where it is kept.
    #[serde(default)]
    pub location: Option<LocationInput>,
    /// A document in Steward's vault (in the subject's file) that this record is; such
    /// records are destroyed by Steward itself.
    #[serde(default)]
    pub document_id: Option<String>,
}

/// Changes to a record: events are merged (a `null` date removes one), flags replaced.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordPatch {
    /// Events to set (a date) or remove (`null`).
    #[serde(default)]
    #[schema(value_type = Option<BTreeMap<String, Option<String>>>)]
    pub events: Option<BTreeMap<String, Option<Date>>>,
    /// The full new set of flags.
    #[serde(default)]
    pub flags: Option<Vec<String>>,
    /// A new reference.
    #[serde(default)]
    pub reference: Option<String>,
    /// A new location.
    #[serde(default)]
    pub location: Option<LocationInput>,
    /// A new record type.
    #[serde(default)]
    pub record_type: Option<String>,
}

/// Where a record is kept, for display.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Location {
    /// The registered system, if any.
    pub system_id: Option<String>,
    /// Its name.
    pub system: Option<String>,
    /// Words.
    pub detail: String,
}

/// A record in the inventory, with its destroy-by date and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Record {
    /// Id.
    pub id: String,
    /// Record type id.
    pub record_type: String,
    /// Record type name.
    pub record_type_name: String,
    /// The organisation's reference.
    pub reference: String,
    /// The subject, if any.
    pub subject_id: Option<String>,
    /// Other subjects.
    pub other_subject_ids: Vec<String>,
    /// Where it is kept.
    pub location: Location,
    /// `external` or `vault`.
    pub storage: String,
    /// The vault document, for `vault` records.
    pub document_id: Option<String>,
    /// Events.
    #[schema(value_type = BTreeMap<String, String>)]
    pub events: BTreeMap<String, Date>,
    /// Flags.
    pub flags: Vec<String>,
    /// The destroy-by date; `null` when permanent or not yet computable.
    #[schema(value_type = Option<String>, format = Date)]
    pub destroy_on: Option<Date>,
    /// The month to mark on the file ("Mar 2030"), as the policy asks.
    pub destroy_month: Option<String>,
    /// Kept permanently.
    pub permanent: bool,
    /// The rule that applied, as written in the schedule.
    pub rule: String,
    /// Plain English: how the date was reached.
    pub explanation: String,
    /// Facts still needed for a date.
    pub missing: Vec<String>,
    /// A legal hold covers it: it is not destroyed while one stands.
    pub held: bool,
    /// The standing holds that cover it.
    pub holds: Vec<String>,
    /// `kept`, `disposing` or `destroyed`.
    pub status: String,
    /// The schedule version the date was computed under.
    pub schedule_version: i64,
    /// Created (RFC 3339).
    pub created_at: String,
    /// Last changed (RFC 3339).
    pub updated_at: String,
    /// The day it was destroyed.
    pub destroyed_on: Option<String>,
}

/// Filters for the inventory.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RecordQuery {
    /// Only this record type.
    pub record_type: Option<String>,
    /// Only records kept in this system.
    pub system_id: Option<String>,
    /// Only records whose location mentions this.
    pub location: Option<String>,
    /// Only records about this subject.
    pub subject_id: Option<String>,
    /// Only records due on or before this day.
    #[param(value_type = Option<String>, format = Date)]
    pub due_before: Option<Date>,
    /// Only records due in this month (`YYYY-MM`).
    pub due_month: Option<String>,
    /// Only records a legal hold covers.
    #[serde(default)]
    pub held: bool,
    /// Only records still missing a fact.
    #[serde(default)]
    pub missing: bool,
    /// Only records with this status (`kept`, `disposing`, `destroyed`).
    pub status: Option<String>,
    /// Page size (default 100, at most 1000).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<usize>,
    /// Rows skipped (default 0, at most 1,000,000).
    #[param(minimum = 0, maximum = 1_000_000)]
    pub offset: Option<usize>,
}

/// Most records on one page of the inventory.
pub const MAX_RECORD_LIMIT: usize = 1000;

/// Most records skipped to reach a page: far beyond any inventory, small enough for
/// every database (a larger number is refused, naming `offset`, rather than failing
/// in the query; OWASP ASVS 5.0 V1.4.2 range checks against integer overflow).
pub const MAX_RECORD_OFFSET: usize = 1_000_000;

/// A page of the inventory.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecordPage {
    /// The records.
    pub records: Vec<Record>,
    /// How many match in all.
    pub total: u64,
}

/// One record type of the schedule, for reading.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecordTypeInfo {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// The base rule.
    pub rule: String,
    /// Exceptions, first matching flag wins: (flag, rule).
    pub exceptions: Vec<(String, String)>,
    /// The policy wording.
    pub source: Option<String>,
    /// Marked "review before use".
    pub review_before_use: bool,
    /// Vault records are destroyed without approval.
    pub automatic_disposal: bool,
    /// Usual disposal method.
    pub method: Option<String>,
}

/// The schedule in force.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScheduleInfo {
    /// Version number.
    pub version: i64,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Where it came from (`template:NAME`, `file`, `ui`, `api`).
    pub source: String,
    /// When saved.
    pub saved_at: String,
    /// Who saved it.
    pub saved_by: String,
    /// Rules on every record type: (flag, what it does).
    pub applies_to_all: Vec<(String, String)>,
    /// Record types.
    pub record_types: Vec<RecordTypeInfo>,
    /// The TOML text.
    pub toml: String,
}

/// What saving a schedule did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScheduleSaved {
    /// The new version.
    pub version: i64,
    /// Record types whose rules changed (all, when a rule on every type changed).
    pub changed_types: Vec<String>,
    /// Records whose dates were recomputed.
    pub recomputed: u64,
}

/// A schedule version in the history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScheduleVersion {
    /// Version number.
    pub version: i64,
    /// Name.
    pub name: String,
    /// Source.
    pub source: String,
    /// When saved.
    pub saved_at: String,
    /// Who saved it.
    pub saved_by: String,
}

#[derive(Serialize, Deserialize, Default)]
struct StoredFacts {
    #[serde(default)]
    events: BTreeMap<String, Date>,
    #[serde(default)]
    flags: BTreeSet<String>,
}

fn invalid(field: &str, msg: impl Into<String>) -> AppError {
    AppError::Invalid(FieldError::new(field, msg))
}

fn label(field: &str, value: &str) -> AppResult<String> {
    let v = value.trim();
    if v.chars().count() > MAX_LABEL {
        return Err(invalid(field, format!("must be at most {MAX_LABEL} characters")));
    }
    if v.chars().any(char::is_control) {
        return Err(invalid(field, "must not contain control characters"));
    }
    Ok(v.to_string())
}

/// Schedule problems as one field error naming each (record type, field, message).
pub fn schedule_problems(errors: &steward_core::retention::ScheduleErrors) -> FieldError {
    FieldError::new("schedule", errors.to_string())
}

/// The plain-text explanation with the subject's date of birth taken out (it is
/// stored and listed, and a birth date is personal data).
fn without_birth_date(explanation: &str, dob: Option<Date>) -> String {
    match dob {
        Some(d) => explanation.replace(&format!("born {}", format_date(d)), "date of birth on file"),
        None => explanation.to_string(),
    }
}

/// A record type's rules as a comparable text, to tell which types a new schedule changes.
fn type_fingerprint(rt: &steward_core::retention::RecordType) -> String {
    let ex: Vec<String> = rt.exceptions.iter().map(|e| format!("{}={}", e.when, e.rule)).collect();
    format!("{}|{}", rt.rule, ex.join(";"))
}

fn all_fingerprint(s: &Schedule) -> String {
    format!("{:?}", s.applies_to_all)
}

/// What an import knows of a subject once looked up.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SubjectState {
    /// On record, with their date of birth if known.
    Found(Option<Date>),
    /// Erased.
    Erased,
    /// No such subject.
    Missing,
}

/// Subjects and systems already looked up, so checking many records asks the database
/// (and decrypts a subject) once per subject rather than once per record.
#[derive(Debug, Default)]
pub(crate) struct Lookups {
    subjects: HashMap<String, SubjectState>,
    systems: HashMap<String, bool>,
}

/// Standing holds indexed for quick checks.
#[derive(Debug, Default, Clone)]
pub struct HoldIndex {
    by_record: HashMap<String, Vec<String>>,
    by_type: HashMap<String, Vec<String>>,
    by_subject: HashMap<String, Vec<String>>,
}

impl HoldIndex {
    /// Index `holds` (standing ones) by what they cover.
    pub fn new(holds: &[HoldRow]) -> Self {
        let mut ix = Self::default();
        for h in holds.iter().filter(|h| h.lifted_at.is_none()) {
            let map = match h.scope.as_str() {
                "record" => &mut ix.by_record,
                "record_type" => &mut ix.by_type,
                _ => &mut ix.by_subject,
            };
            map.entry(h.target.clone()).or_default().push(h.id.clone());
        }
        ix
    }

    /// The ids of standing holds covering a record.
    pub fn covering(&self, r: &RecordRow) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(v) = self.by_record.get(&r.id) {
            out.extend(v.iter().cloned());
        }
        if let Some(v) = self.by_type.get(&r.record_type) {
            out.extend(v.iter().cloned());
        }
        for s in r.subject_id.iter().map(String::as_str).chain(r.other_subjects.split(',').filter(|s| !s.is_empty())) {
            if let Some(v) = self.by_subject.get(s) {
                out.extend(v.iter().cloned());
            }
        }
        out
    }

    /// Whether nothing is held at all.
    pub fn is_empty(&self) -> bool {
        self.by_record.is_empty() && self.by_type.is_empty() && self.by_subject.is_empty()
    }
}
