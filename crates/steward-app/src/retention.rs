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

use crate::{App, AppError, AppResult, Context};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_core::retention::{Facts, Schedule, format_date};
use steward_core::{FieldError, Permission};
use steward_store::{HoldRow, RecordFilter, RecordRow, SubjectLookup};
use utoipa::ToSchema;

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

impl App {
    /// The schedule in force and its version, parsed once per version.
    pub fn active_schedule(&self) -> AppResult<Option<(i64, Arc<Schedule>)>> {
        let Some(row) = self.store.current_schedule()? else { return Ok(None) };
        let mut cache = self.schedule_cache.lock().map_err(|_| AppError::Io("schedule cache poisoned".into()))?;
        if let Some((v, s)) = cache.as_ref()
            && *v == row.version
        {
            return Ok(Some((*v, s.clone())));
        }
        let parsed = Schedule::from_toml(&row.toml)
            .map_err(|e| AppError::Store(steward_store::StoreError::Corrupt(format!("saved schedule: {e}"))))?;
        let parsed = Arc::new(parsed);
        *cache = Some((row.version, parsed.clone()));
        Ok(Some((row.version, parsed)))
    }

    pub(crate) fn require_schedule(&self) -> AppResult<(i64, Arc<Schedule>)> {
        self.active_schedule()?.ok_or_else(|| {
            AppError::Conflict(
                "no retention schedule is in force: choose a template (steward init --template, or Retention → \
                 Schedule) first"
                    .into(),
            )
        })
    }

    /// The schedule in force, for reading.
    pub fn schedule_info(&self, ctx: &Context) -> AppResult<Option<ScheduleInfo>> {
        self.require(ctx, Permission::ReadRegisters, ObjectType::RetentionSchedule, "")?;
        let Some(row) = self.store.current_schedule()? else { return Ok(None) };
        let (_, s) = self.require_schedule()?;
        Ok(Some(ScheduleInfo {
            version: row.version,
            name: s.name.clone(),
            description: s.description.clone(),
            source: row.source,
            saved_at: row.saved_at,
            saved_by: row.saved_by,
            applies_to_all: s
                .applies_to_all
                .iter()
                .map(|m| {
                    let what = match m {
                        steward_core::retention::schedule::Modifier::Extend { period, .. } => {
                            format!("adds {period}")
                        }
                        steward_core::retention::schedule::Modifier::LaterOf { rule, .. } => {
                            format!("the later of the rule's date and {rule}")
                        }
                    };
                    (m.when().to_string(), what)
                })
                .collect(),
            record_types: s
                .record_types
                .iter()
                .map(|rt| RecordTypeInfo {
                    id: rt.id.clone(),
                    name: rt.name.clone(),
                    rule: rt.rule.to_string(),
                    exceptions: rt.exceptions.iter().map(|e| (e.when.clone(), e.rule.to_string())).collect(),
                    source: rt.source.clone(),
                    review_before_use: rt.review_before_use,
                    automatic_disposal: rt.automatic_disposal,
                    method: rt.method.clone(),
                })
                .collect(),
            toml: row.toml,
        }))
    }

    /// Every saved version, newest first.
    pub fn schedule_versions(&self, ctx: &Context) -> AppResult<Vec<ScheduleVersion>> {
        self.require(ctx, Permission::ReadRegisters, ObjectType::RetentionSchedule, "")?;
        Ok(self
            .store
            .schedule_versions()?
            .into_iter()
            .map(|r| ScheduleVersion {
                version: r.version,
                name: r.name,
                source: r.source,
                saved_at: r.saved_at,
                saved_by: r.saved_by,
            })
            .collect())
    }

    /// Where the schedule is mirrored as a file (the data directory's), once known.
    pub fn set_schedule_file(&self, path: PathBuf) {
        let _ = self.schedule_file.set(path);
    }

    /// Save a new schedule (DPO only: `ManageRetention`): checked first (every problem named by
    /// record type and field), refused if it drops a record type records still use,
    /// audited, mirrored to the data directory's file, and every record whose rule
    /// changed is recomputed.
    pub fn save_schedule(&self, ctx: &Context, toml: &str, source: &str) -> AppResult<ScheduleSaved> {
        self.require(ctx, Permission::ManageRetention, ObjectType::RetentionSchedule, "")?;
        if toml.len() > MAX_SCHEDULE {
            return Err(invalid("schedule", format!("is larger than {} KiB", MAX_SCHEDULE / 1024)));
        }
        let new = Schedule::from_toml(toml).map_err(|e| AppError::Invalid(schedule_problems(&e)))?;
        let old = self.active_schedule()?;
        let mut changed = Vec::new();
        let all;
        if let Some((_, old)) = &old {
            if old.as_ref() == &new {
                return Err(AppError::Conflict("the schedule is unchanged".into()));
            }
            for rt in &old.record_types {
                if new.record_type(&rt.id).is_none() {
                    let n = self.store.count_records_of_type(&rt.id)?;
                    if n > 0 {
                        return Err(invalid(
                            "schedule",
                            format!(
                                "record type '{}' is left out, but {n} record(s) in the inventory use it; keep it \
                                 or change those records' type first",
                                rt.id
                            ),
                        ));
                    }
                }
            }
            all = all_fingerprint(old) != all_fingerprint(&new);
            for rt in &new.record_types {
                let before = old.record_type(&rt.id).map(type_fingerprint);
                if all || before.as_deref() != Some(type_fingerprint(rt).as_str()) {
                    changed.push(rt.id.clone());
                }
            }
        } else {
            all = true;
        }
        let detail = format!("source={source} name_len={} changed_types={}", new.name.len(), changed.len());
        let ev = self.event(ctx, Action::RetentionScheduleSave, "", Outcome::Success, detail);
        // Noted first, so that a recompute cut short is finished by the daily sweep.
        let pending = if all { "*".to_string() } else { changed.join(",") };
        self.store.put_settings(&[(PENDING_RECOMPUTE, &pending)], None)?;
        let version = self.store.save_schedule(&new.name, toml, source, &ctx.actor, &ev)?;
        self.mirror_schedule_file(toml);
        let types = if all { None } else { Some(changed.as_slice()) };
        let recomputed = self.recompute_records(ctx, types)?;
        self.store.put_settings(&[(PENDING_RECOMPUTE, "")], None)?;
        let changed_types = if all { new.record_types.iter().map(|r| r.id.clone()).collect() } else { changed };
        Ok(ScheduleSaved { version, changed_types, recomputed })
    }

    /// Put template `name` in force.
    pub fn use_schedule_template(&self, ctx: &Context, name: &str) -> AppResult<ScheduleSaved> {
        let text = steward_core::retention::schedule::template(name).ok_or_else(|| {
            let names: Vec<&str> = steward_core::retention::schedule::TEMPLATES.iter().map(|(n, _)| *n).collect();
            invalid("template", format!("no template is named {name:?}; the templates are {}", names.join(", ")))
        })?;
        self.save_schedule(ctx, text, &format!("template:{name}"))
    }

    fn mirror_schedule_file(&self, toml: &str) {
        let Some(path) = self.schedule_file.get() else { return };
        let tmp = path.with_extension("toml.new");
        let written = std::fs::write(&tmp, toml).and_then(|()| std::fs::rename(&tmp, path));
        if let Err(e) = written {
            tracing::warn!(error = %e, "could not mirror the retention schedule to the data directory");
        }
    }

    /// At start: mirror the schedule to `path`, or take the file's schedule when it was
    /// edited by hand (it must be valid: the server refuses to start otherwise).
    pub fn sync_schedule_file(&self, path: &Path) -> AppResult<()> {
        self.set_schedule_file(path.to_path_buf());
        let current = self.store.current_schedule()?;
        match std::fs::read_to_string(path) {
            Ok(text) => {
                if current.as_ref().is_some_and(|c| c.toml == text) {
                    return Ok(());
                }
                match self.save_schedule(&Context::system(), &text, "file") {
                    Ok(_) | Err(AppError::Conflict(_)) if current.is_some() => {
                        // Unchanged in meaning (only comments or spacing differ): keep the
                        // saved text and rewrite the file to match it.
                        if let Some(c) = self.store.current_schedule()? {
                            self.mirror_schedule_file(&c.toml);
                        }
                        Ok(())
                    }
                    Ok(_) => Ok(()),
                    Err(e) => Err(e),
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(c) = current {
                    self.mirror_schedule_file(&c.toml);
                }
                Ok(())
            }
            Err(e) => Err(AppError::Io(format!("cannot read {}: {e}", path.display()))),
        }
    }

    /// Recompute the dates of records of `types` (all when `None`) under the schedule in
    /// force, page by page; returns how many were recomputed. Resumable: records already
    /// computed under this version are skipped.
    pub fn recompute_records(&self, ctx: &Context, types: Option<&[String]>) -> AppResult<u64> {
        let Some((version, schedule)) = self.active_schedule()? else { return Ok(0) };
        // Two stages on two threads: one reads and evaluates page after page while the
        // other writes the previous page, so evaluation and SQLite's writes overlap.
        type Page = (Vec<steward_store::retention::StaleRecord>, Vec<String>);
        let (tx, rx) = std::sync::mpsc::sync_channel::<AppResult<Page>>(2);
        let mut total = 0u64;
        // Rewriting most dates of a large inventory: rebuild the destroy-by index once at
        // the end instead of moving every entry in it. Whether most dates move is judged
        // from the first page (a typical change moves few, and then the index stays).
        let large = types.is_none() && self.store.count_stale(version)? >= BULK_RECOMPUTE;
        let mut bulk = false;
        std::thread::scope(|scope| -> AppResult<()> {
            let schedule = &schedule;
            scope.spawn(move || {
                if let Err(e) = self.evaluate_stale_pages(schedule, version, types, &tx) {
                    let _ = tx.send(Err(e));
                }
            });
            for page in rx {
                let (changed, unchanged) = page?;
                if large && total == 0 && changed.len() > unchanged.len() {
                    self.store.drop_due_index()?;
                    bulk = true;
                }
                total += (changed.len() + unchanged.len()) as u64;
                self.store.save_recomputed(&changed, &unchanged, version)?;
            }
            Ok(())
        })
        .and_then(|()| if bulk { self.store.ensure_due_index().map_err(AppError::from) } else { Ok(()) })
        .or_else(|e| {
            // Whatever failed, the index is put back.
            if bulk {
                self.store.ensure_due_index()?;
            }
            Err(e)
        })?;
        if total > 0 {
            self.store.audit(&self.event(
                ctx,
                Action::RetentionRecompute,
                "",
                Outcome::Success,
                format!("version={version} records={total}"),
            ))?;
        }
        Ok(total)
    }

    /// Read every record still computed under an older version than `version`, page by
    /// page, and send each page's records whose outcome moved (in full) and those whose
    /// did not (ids only).
    fn evaluate_stale_pages(
        &self,
        schedule: &Schedule,
        version: i64,
        types: Option<&[String]>,
        tx: &std::sync::mpsc::SyncSender<AppResult<(Vec<steward_store::retention::StaleRecord>, Vec<String>)>>,
    ) -> AppResult<()> {
        let mut after = String::new();
        let mut births: HashMap<String, Option<Date>> = HashMap::new();
        let mut needs_birth: HashMap<String, bool> = HashMap::new();
        loop {
            let page = self.store.records_stale_facts(types, version, &after, RECOMPUTE_PAGE)?;
            let Some(last) = page.last() else { return Ok(()) };
            after = last.id.clone();
            // Only records whose outcome moved are rewritten in full; the rest only get
            // the new version (most records, when a schedule change touches a rare flag).
            let mut changed = Vec::new();
            let mut unchanged = Vec::new();
            for mut r in page {
                let facts: StoredFacts = serde_json::from_str(&r.facts).unwrap_or_default();
                let needs = match needs_birth.get(&r.record_type) {
                    Some(n) => *n,
                    None => {
                        let n = self.rule_needs_birth(schedule, &r.record_type);
                        needs_birth.insert(r.record_type.clone(), n);
                        n
                    }
                };
                let dob = match &r.subject_id {
                    Some(s) if needs => match births.get(s) {
                        Some(d) => *d,
                        None => {
                            let d = self.birth_date(s)?;
                            births.insert(s.clone(), d);
                            d
                        }
                    },
                    _ => None,
                };
                let f = Facts { events: facts.events, flags: facts.flags, date_of_birth: dob };
                // Facts were checked on entry; evaluate without re-refusing (a record
                // whose type vanished keeps its old date).
                let Ok(o) = schedule.evaluate(&r.record_type, &f) else {
                    unchanged.push(r.id);
                    continue;
                };
                let destroy_on = o.destroy_on.map(|d| d.to_string());
                let missing = o.missing.join(",");
                let explanation = without_birth_date(&o.explanation, dob);
                if destroy_on == r.destroy_on
                    && o.permanent == r.permanent
                    && missing == r.missing
                    && o.rule == r.rule
                    && explanation == r.explanation
                {
                    unchanged.push(r.id);
                } else {
                    r.destroy_on = destroy_on;
                    r.permanent = o.permanent;
                    r.missing = missing;
                    r.rule = o.rule;
                    r.explanation = explanation;
                    changed.push(r);
                }
            }
            if tx.send(Ok((changed, unchanged))).is_err() {
                // The writer stopped on an error of its own, which it reports.
                return Ok(());
            }
        }
    }

    fn rule_needs_birth(&self, schedule: &Schedule, record_type: &str) -> bool {
        let Some(rt) = schedule.record_type(record_type) else { return false };
        let mentions = |s: String| s.contains("age") || s.contains("same_as");
        mentions(rt.rule.to_string())
            || rt.exceptions.iter().any(|e| mentions(e.rule.to_string()))
            || schedule.applies_to_all.iter().any(|m| mentions(format!("{m:?}")))
    }

    /// A subject's date of birth from the vault (not shown to anyone, so not a view).
    fn birth_date(&self, subject_id: &str) -> AppResult<Option<Date>> {
        match self.store.subject(subject_id)? {
            SubjectLookup::Found(row) => Ok(self.open_row(&row)?.date_of_birth),
            _ => Ok(None),
        }
    }

    /// A subject's standing (and date of birth), looked up once per `lookups`.
    fn lookup_subject(&self, id: &str, lookups: &mut Lookups) -> AppResult<SubjectState> {
        if let Some(s) = lookups.subjects.get(id) {
            return Ok(*s);
        }
        let state = match self.store.subject(id)? {
            SubjectLookup::Found(row) => SubjectState::Found(self.open_row(&row)?.date_of_birth),
            SubjectLookup::Erased(_) => SubjectState::Erased,
            SubjectLookup::NotFound => SubjectState::Missing,
        };
        lookups.subjects.insert(id.to_string(), state);
        Ok(state)
    }

    fn check_subject(&self, field: &str, id: &str, lookups: &mut Lookups) -> AppResult<Option<Date>> {
        match self.lookup_subject(id, lookups)? {
            SubjectState::Found(dob) => Ok(dob),
            SubjectState::Erased => Err(invalid(field, "names an erased subject")),
            SubjectState::Missing => Err(invalid(field, "names no subject on record")),
        }
    }

    fn resolve_location(&self, loc: Option<&LocationInput>) -> AppResult<(Option<String>, String)> {
        self.resolve_location_with(loc, &mut Lookups::default())
    }

    fn resolve_location_with(
        &self,
        loc: Option<&LocationInput>,
        lookups: &mut Lookups,
    ) -> AppResult<(Option<String>, String)> {
        match loc {
            None => Ok((None, String::new())),
            Some(LocationInput::Text(t)) => Ok((None, label("location", t)?)),
            Some(LocationInput::System { system_id, system, detail }) => {
                let detail = label("location.detail", detail)?;
                let by_name = match (system_id.as_deref().map(str::trim), system.as_deref().map(str::trim)) {
                    (None | Some(""), Some(name)) if !name.is_empty() => Some(
                        self.store
                            .systems()?
                            .into_iter()
                            .find(|s| s.name.eq_ignore_ascii_case(name))
                            .map(|s| s.id)
                            .ok_or_else(|| invalid("location.system", "names no system in the register"))?,
                    ),
                    _ => None,
                };
                let system_id = match by_name.as_deref().or(system_id.as_deref()).map(str::trim) {
                    None | Some("") => None,
                    Some(id) => {
                        let known = match lookups.systems.get(id) {
                            Some(k) => *k,
                            None => {
                                let k = self.store.system(id)?.is_some();
                                lookups.systems.insert(id.to_string(), k);
                                k
                            }
                        };
                        if !known {
                            return Err(invalid("location.system_id", "names no system in the register"));
                        }
                        Some(id.to_string())
                    }
                };
                Ok((system_id, detail))
            }
        }
    }

    /// Check and compute a new record without saving it (the import's dry run uses this).
    pub(crate) fn prepare_record(
        &self,
        ctx: &Context,
        schedule: &Schedule,
        version: i64,
        input: &NewRecord,
    ) -> AppResult<RecordRow> {
        self.prepare_record_with(ctx, schedule, version, input, &mut Lookups::default())
    }

    /// [`App::prepare_record`] with subjects and systems looked up once across many
    /// records (an import).
    pub(crate) fn prepare_record_with(
        &self,
        ctx: &Context,
        schedule: &Schedule,
        version: i64,
        input: &NewRecord,
        lookups: &mut Lookups,
    ) -> AppResult<RecordRow> {
        let record_type = input.record_type.trim();
        if record_type.is_empty() {
            return Err(invalid("record_type", "is required"));
        }
        if schedule.record_type(record_type).is_none() {
            return Err(invalid(
                "record_type",
                format!("'{record_type}' is not a record type of the schedule in force ({})", schedule.name),
            ));
        }
        let dob = match &input.subject_id {
            Some(s) => self.check_subject("subject_id", s, lookups)?,
            None => None,
        };
        let mut others = Vec::new();
        for (i, s) in input.other_subject_ids.iter().enumerate() {
            self.check_subject(&format!("other_subject_ids[{i}]"), s, lookups)?;
            if Some(s) != input.subject_id.as_ref() && !others.contains(s) {
                others.push(s.clone());
            }
        }
        let (system_id, location) = self.resolve_location_with(input.location.as_ref(), lookups)?;
        let (storage, document_id) = match &input.document_id {
            None => ("external", None),
            Some(doc) => {
                let subject = input
                    .subject_id
                    .as_deref()
                    .ok_or_else(|| invalid("document_id", "a vault document needs the subject_id it belongs to"))?;
                if !self.store.document_exists(subject, doc)? {
                    return Err(invalid("document_id", "names no document in that subject's file"));
                }
                ("vault", Some(doc.clone()))
            }
        };
        let flags: BTreeSet<String> = input.flags.iter().map(|f| f.trim().to_string()).collect();
        let mut row = RecordRow {
            id: uuid::Uuid::now_v7().to_string(),
            record_type: record_type.to_string(),
            reference: label("reference", &input.reference)?,
            subject_id: input.subject_id.clone(),
            other_subjects: others.join(","),
            system_id,
            location,
            storage: storage.into(),
            document_id,
            facts: String::new(),
            destroy_on: None,
            permanent: false,
            missing: String::new(),
            rule: String::new(),
            explanation: String::new(),
            schedule_version: version,
            status: "kept".into(),
            created_at: self.now_text(),
            created_by: ctx.actor.clone(),
            updated_at: self.now_text(),
            destroyed_on: None,
        };
        self.compute(schedule, &mut row, input.events.clone(), flags, dob)?;
        Ok(row)
    }

    /// Evaluate `row` with these facts and store them and the outcome in it.
    fn compute(
        &self,
        schedule: &Schedule,
        row: &mut RecordRow,
        events: BTreeMap<String, Date>,
        flags: BTreeSet<String>,
        dob: Option<Date>,
    ) -> AppResult<()> {
        let facts = Facts { events, flags, date_of_birth: dob };
        let o = schedule.evaluate(&row.record_type, &facts).map_err(|e| match e {
            steward_core::retention::schedule::EvaluateError::UnknownRecordType(t) => {
                invalid("record_type", format!("'{t}' is not a record type of the schedule in force"))
            }
            steward_core::retention::schedule::EvaluateError::Facts(f) => {
                let field = match &f {
                    steward_core::retention::FactError::UnknownFlag(_) => "flags",
                    _ => "events",
                };
                // The birth date itself is not repeated in the message.
                let msg = match (&f, dob) {
                    (steward_core::retention::FactError::BeforeBirth { event, on, .. }, Some(_)) => {
                        format!("event {event} ({on}) is before the subject's date of birth")
                    }
                    _ => f.to_string(),
                };
                invalid(field, msg)
            }
        })?;
        row.facts = serde_json::to_string(&StoredFacts { events: facts.events, flags: facts.flags })
            .map_err(|e| AppError::Io(format!("cannot encode facts: {e}")))?;
        row.destroy_on = o.destroy_on.map(|d| d.to_string());
        row.permanent = o.permanent;
        row.missing = o.missing.join(",");
        row.rule = o.rule;
        row.explanation = without_birth_date(&o.explanation, dob);
        Ok(())
    }

    /// Add a record to the inventory; its destroy-by date is computed at once.
    pub fn create_record(&self, ctx: &Context, input: NewRecord) -> AppResult<Record> {
        self.require(ctx, Permission::ManageRegisters, ObjectType::Record, "")?;
        let (version, schedule) = self.require_schedule()?;
        let row = self.prepare_record(ctx, &schedule, version, &input)?;
        let ev = self.event(
            ctx,
            Action::RecordCreate,
            &row.id,
            Outcome::Success,
            format!("type={} storage={}", row.record_type, row.storage),
        );
        self.store.insert_records(std::slice::from_ref(&row), &[ev])?;
        self.record_view(&schedule, row, &HoldIndex::new(&self.store.standing_holds()?))
    }

    /// One record.
    pub fn record(&self, ctx: &Context, id: &str) -> AppResult<Record> {
        self.require(ctx, Permission::ReadRegisters, ObjectType::Record, id)?;
        let row = self.store.record(id)?.ok_or_else(|| AppError::NotFound(format!("record {id}")))?;
        let (_, schedule) = self.require_schedule()?;
        self.record_view(&schedule, row, &HoldIndex::new(&self.store.standing_holds()?))
    }

    /// Change a record's facts, reference, location or type; the date is recomputed.
    pub fn update_record(&self, ctx: &Context, id: &str, patch: RecordPatch) -> AppResult<Record> {
        self.require(ctx, Permission::ManageRegisters, ObjectType::Record, id)?;
        let (version, schedule) = self.require_schedule()?;
        let mut row = self.store.record(id)?.ok_or_else(|| AppError::NotFound(format!("record {id}")))?;
        if row.status == "destroyed" {
            return Err(AppError::Conflict("the record was destroyed; it cannot be changed".into()));
        }
        let stored: StoredFacts = serde_json::from_str(&row.facts).unwrap_or_default();
        let mut events = stored.events;
        if let Some(changes) = patch.events {
            for (k, v) in changes {
                match v {
                    Some(d) => {
                        events.insert(k, d);
                    }
                    None => {
                        events.remove(&k);
                    }
                }
            }
        }
        let flags = match patch.flags {
            Some(f) => f.iter().map(|f| f.trim().to_string()).collect(),
            None => stored.flags,
        };
        if let Some(t) = patch.record_type {
            let t = t.trim().to_string();
            if schedule.record_type(&t).is_none() {
                return Err(invalid("record_type", format!("'{t}' is not a record type of the schedule in force")));
            }
            row.record_type = t;
        }
        if let Some(r) = patch.reference {
            row.reference = label("reference", &r)?;
        }
        if let Some(loc) = patch.location {
            let (system_id, detail) = self.resolve_location(Some(&loc))?;
            row.system_id = system_id;
            row.location = detail;
        }
        let before = (row.destroy_on.clone(), row.permanent);
        let dob = match &row.subject_id {
            Some(s) => self.birth_date(s)?,
            None => None,
        };
        self.compute(&schedule, &mut row, events, flags, dob)?;
        row.schedule_version = version;
        row.updated_at = self.now_text();
        let moved = before != (row.destroy_on.clone(), row.permanent);
        let ev = self.event(
            ctx,
            Action::RecordUpdate,
            id,
            Outcome::Success,
            format!("type={} date_changed={moved}", row.record_type),
        );
        if !self.store.update_record(&row, &ev)? {
            return Err(AppError::NotFound(format!("record {id}")));
        }
        self.record_view(&schedule, row, &HoldIndex::new(&self.store.standing_holds()?))
    }

    /// The inventory, filtered.
    pub fn records(&self, ctx: &Context, q: &RecordQuery) -> AppResult<RecordPage> {
        self.require(ctx, Permission::ReadRegisters, ObjectType::Record, "")?;
        let (_, schedule) = self.require_schedule()?;
        let holds = self.store.standing_holds()?;
        let mut f = RecordFilter {
            record_type: q.record_type.clone(),
            system_id: q.system_id.clone(),
            location: q.location.clone().filter(|l| !l.trim().is_empty()),
            subject_id: q.subject_id.clone(),
            due_to: q.due_before.map(|d| d.to_string()),
            missing: q.missing,
            status: q.status.clone(),
            limit: match q.limit {
                None => 100,
                Some(n) if (1..=MAX_RECORD_LIMIT).contains(&n) => n,
                Some(_) => return Err(invalid("limit", format!("must be a number from 1 to {MAX_RECORD_LIMIT}"))),
            },
            offset: match q.offset {
                None => 0,
                Some(n) if n <= MAX_RECORD_OFFSET => n,
                Some(_) => return Err(invalid("offset", format!("must be a number from 0 to {MAX_RECORD_OFFSET}"))),
            },
            ..RecordFilter::default()
        };
        if let Some(m) = q.due_month.as_deref().filter(|m| !m.is_empty()) {
            let first: Date = format!("{m}-01").parse().map_err(|_| invalid("due_month", "must be YYYY-MM"))?;
            let last = first.last_of_month();
            f.due_from = Some(first.to_string());
            f.due_to = Some(match q.due_before {
                Some(d) if d < last => d.to_string(),
                _ => last.to_string(),
            });
        }
        if q.held {
            let mut held = steward_store::retention::HeldSets::default();
            for h in &holds {
                match h.scope.as_str() {
                    "record" => held.ids.push(h.target.clone()),
                    "record_type" => held.types.push(h.target.clone()),
                    _ => held.subjects.push(h.target.clone()),
                }
            }
            f.held = Some(held);
        }
        let (rows, total) = self.store.records(&f)?;
        let ix = HoldIndex::new(&holds);
        let records = rows.into_iter().map(|r| self.record_view(&schedule, r, &ix)).collect::<AppResult<_>>()?;
        Ok(RecordPage { records, total })
    }

    /// The erasure-journal entry for destroying a vault record's document (none for a
    /// record kept elsewhere), so a restore of an older backup destroys it again (ADR
    /// 0003's guarantee, for retention disposals). Made with [`App::journalled`].
    pub(crate) fn document_destruction(&self, record: &RecordRow) -> Option<crate::journal::Entry> {
        let (Some(document_id), Some(subject_id)) = (&record.document_id, &record.subject_id) else {
            return None;
        };
        Some(crate::journal::Entry::Document(crate::journal::DocumentShred {
            document_id: document_id.clone(),
            subject_id: subject_id.clone(),
            record_id: record.id.clone(),
            destroyed_at: self.now_text(),
        }))
    }

    pub(crate) fn record_view(&self, schedule: &Schedule, r: RecordRow, holds: &HoldIndex) -> AppResult<Record> {
        let facts: StoredFacts = serde_json::from_str(&r.facts).unwrap_or_default();
        let destroy_on: Option<Date> = r.destroy_on.as_deref().and_then(|d| d.parse().ok());
        let system = match &r.system_id {
            Some(id) => self.store.system(id)?.map(|s| s.name),
            None => None,
        };
        let covering = holds.covering(&r);
        Ok(Record {
            record_type_name: schedule
                .record_type(&r.record_type)
                .map_or_else(|| r.record_type.clone(), |t| t.name.clone()),
            location: Location { system_id: r.system_id.clone(), system, detail: r.location.clone() },
            other_subject_ids: r.other_subjects.split(',').filter(|s| !s.is_empty()).map(String::from).collect(),
            events: facts.events,
            flags: facts.flags.into_iter().collect(),
            destroy_month: destroy_on.map(|d| d.strftime("%b %Y").to_string()),
            destroy_on,
            missing: r.missing.split(',').filter(|s| !s.is_empty()).map(String::from).collect(),
            held: !covering.is_empty(),
            holds: covering,
            id: r.id,
            record_type: r.record_type,
            reference: r.reference,
            subject_id: r.subject_id,
            storage: r.storage,
            document_id: r.document_id,
            permanent: r.permanent,
            rule: r.rule,
            explanation: r.explanation,
            status: r.status,
            schedule_version: r.schedule_version,
            created_at: r.created_at,
            updated_at: r.updated_at,
            destroyed_on: r.destroyed_on,
        })
    }
}
