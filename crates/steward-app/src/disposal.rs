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

use crate::retention::HoldIndex;
use crate::{App, AppError, AppResult, Context};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use steward_core::audit::{Action, AuditEvent, ObjectType, Outcome};
use steward_core::retention::schedule::DISPOSAL_METHODS;
use steward_core::{FieldError, Permission};
use steward_store::{DisposalFilter, DisposalRow, RecordRow};
use utoipa::ToSchema;

pub use crate::job_catalogue::DISPOSALS;
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

/// Due records read and written per transaction by the sweep.
const SWEEP_PAGE: usize = 10_000;

impl App {
    /// The daily sweep (job `disposals`): finish any pending recompute, release held
    /// disposals whose holds are all lifted, stop open ones a hold now covers, and turn
    /// each record past its date into a disposal — held, awaiting approval, or (vault
    /// records of an automatic type) destroyed at once. One transaction; idempotent on
    /// the same day. Standing holds are read once; only due records are read.
    pub fn run_disposal_sweep(&self, ctx: &Context, today: Date) -> AppResult<SweepReport> {
        self.require(ctx, Permission::ManageHolds, ObjectType::Disposal, "")?;
        let mut report = SweepReport::default();
        let Some((_, schedule)) = self.active_schedule()? else { return Ok(report) };
        // (a) A schedule change's recompute may have been cut short: finish it (only the
        // record types it changed; nothing to read when none is pending).
        let pending = self.store.setting(crate::retention::PENDING_RECOMPUTE)?.unwrap_or_default();
        if !pending.is_empty() {
            let types: Vec<String> = pending.split(',').map(String::from).collect();
            let types = if pending == "*" { None } else { Some(types.as_slice()) };
            report.recomputed = self.recompute_records(ctx, types)?;
            self.store.put_settings(&[(crate::retention::PENDING_RECOMPUTE, "")], None)?;
        }
        let holds = HoldIndex::new(&self.store.standing_holds()?);
        let day = today.to_string();
        let now = self.now_text();
        let mut new = Vec::new();
        let mut changed = Vec::new();
        let mut records: Vec<RecordRow> = Vec::new();
        let mut documents = Vec::new();
        let mut shreds = Vec::new();
        let mut events: Vec<AuditEvent> = Vec::new();
        // (b) Held disposals whose holds are lifted; open ones a hold now covers.
        let open = self.store.disposals(&DisposalFilter {
            statuses: vec!["held".into(), "awaiting_approval".into(), "task".into()],
            ..DisposalFilter::default()
        })?;
        let mut open_held: HashSet<String> = HashSet::new();
        for mut d in open {
            // With no standing hold, only held disposals change (they are all released).
            if d.status != "held" && holds.is_empty() {
                continue;
            }
            let Some(mut rec) = self.store.record(&d.record_id)? else { continue };
            let covering = holds.covering(&rec);
            if d.status == "held" {
                if covering.is_empty() {
                    d.status = "released".into();
                    d.done_on = Some(day.clone());
                    d.done_by = Some(RELEASED_BY.into());
                    events.push(self.event(
                        ctx,
                        Action::DisposalReleased,
                        &d.id,
                        Outcome::Success,
                        format!(
                            "record={} type={} hold={}",
                            d.record_id,
                            d.record_type,
                            d.hold_id.as_deref().unwrap_or("")
                        ),
                    ));
                    if rec.status == "disposing" {
                        rec.status = "kept".into();
                        rec.updated_at = now.clone();
                        records.push(rec);
                    }
                    changed.push(d);
                    report.released += 1;
                } else {
                    open_held.insert(d.record_id.clone());
                }
            } else if let Some(h) = covering.first() {
                d.status = "held".into();
                d.hold_id = Some(h.clone());
                events.push(self.event(
                    ctx,
                    Action::DisposalHeld,
                    &d.id,
                    Outcome::Success,
                    format!("record={} type={} hold={h}", d.record_id, d.record_type),
                ));
                open_held.insert(d.record_id.clone());
                changed.push(d);
                report.newly_held += 1;
            }
        }
        // Records released above (the only ones in `records` so far) are due again
        // today, unless their date moved: they are handled with the others below.
        let (again, stay): (Vec<RecordRow>, Vec<RecordRow>) = std::mem::take(&mut records)
            .into_iter()
            .partition(|r| !r.permanent && r.destroy_on.as_deref().is_some_and(|d| d <= day.as_str()));
        records = stay;
        let mut due = again;
        // (c) Each record past its date, a page at a time (each page its own transaction,
        // so a backlog of any size is swept in bounded memory).
        let mut after: Option<(String, String)> = None;
        let mut first_page = true;
        loop {
            let page =
                self.store.records_due_page(&day, after.as_ref().map(|(d, i)| (d.as_str(), i.as_str())), SWEEP_PAGE)?;
            let last_page = page.len() < SWEEP_PAGE;
            if let Some(last) = page.last() {
                after = Some((last.destroy_on.clone().unwrap_or_default(), last.id.clone()));
            }
            due.extend(page);
            for mut r in std::mem::take(&mut due) {
                if r.permanent || r.destroy_on.is_none() {
                    continue;
                }
                report.due += 1;
                let rt = schedule.record_type(&r.record_type);
                let mut d = DisposalRow {
                    id: uuid::Uuid::now_v7().to_string(),
                    record_id: r.id.clone(),
                    record_type: r.record_type.clone(),
                    subject_ref: r.subject_id.clone().unwrap_or_default(),
                    rule: r.rule.clone(),
                    due_on: r.destroy_on.clone().unwrap_or_default(),
                    found_on: day.clone(),
                    storage: r.storage.clone(),
                    status: "awaiting_approval".into(),
                    hold_id: None,
                    method: Some(default_method(&r, rt.and_then(|t| t.method.as_deref()))),
                    assignee: None,
                    task_due_on: None,
                    approved_by: None,
                    approved_at: None,
                    done_on: None,
                    done_by: None,
                    note: String::new(),
                    created_at: now.clone(),
                };
                let covering = holds.covering(&r);
                r.updated_at = now.clone();
                if let Some(h) = covering.first() {
                    if open_held.contains(&r.id) {
                        continue;
                    }
                    d.status = "held".into();
                    d.hold_id = Some(h.clone());
                    r.status = "disposing".into();
                    report.held += 1;
                    events.push(self.event(
                        ctx,
                        Action::DisposalHeld,
                        &d.id,
                        Outcome::Success,
                        format!("record={} type={} hold={h}", r.id, r.record_type),
                    ));
                } else if r.storage == "vault" && rt.is_some_and(|t| t.automatic_disposal) {
                    d.status = "done".into();
                    d.method = Some("crypto_shred".into());
                    d.done_on = Some(day.clone());
                    d.done_by = Some(AUTOMATIC.into());
                    d.approved_by = Some(AUTOMATIC.into());
                    d.approved_at = Some(now.clone());
                    if let (Some(doc), Some(s)) = (&r.document_id, &r.subject_id) {
                        // Journalled with the change, so a restore of an older backup
                        // destroys it again.
                        shreds.extend(self.document_destruction(&r));
                        documents.push((doc.clone(), s.clone()));
                    }
                    r.status = "destroyed".into();
                    r.destroyed_on = Some(day.clone());
                    report.destroyed += 1;
                    events.push(self.event(
                        ctx,
                        Action::DisposalDone,
                        &d.id,
                        Outcome::Success,
                        format!("record={} type={} method=crypto_shred automatic=true", r.id, r.record_type),
                    ));
                } else {
                    // Both vault and external records wait for the DPO's approval; the task
                    // is to be done by the end of the month it was found in.
                    if r.storage != "vault" {
                        d.task_due_on = Some(today.last_of_month().to_string());
                    }
                    r.status = "disposing".into();
                    report.awaiting_approval += 1;
                    events.push(self.event(
                        ctx,
                        Action::DisposalDue,
                        &d.id,
                        Outcome::Success,
                        format!("record={} type={} storage={}", r.id, r.record_type, r.storage),
                    ));
                }
                new.push(d);
                records.push(r);
            }
            if !last_page || !first_page {
                if !new.is_empty() || !changed.is_empty() || !records.is_empty() {
                    self.journalled(&shreds, || {
                        Ok(self.store.apply_sweep(&new, &changed, &records, &documents, &events)?)
                    })?;
                }
                new.clear();
                changed.clear();
                records.clear();
                documents.clear();
                shreds.clear();
                events.clear();
            }
            first_page = false;
            if last_page {
                break;
            }
        }
        if report.due + report.released + report.newly_held > 0 || !events.is_empty() {
            events.push(self.event(
                ctx,
                Action::DisposalSweep,
                "",
                Outcome::Success,
                format!(
                    "due={} held={} released={} awaiting_approval={} destroyed={}",
                    report.due, report.held, report.released, report.awaiting_approval, report.destroyed
                ),
            ));
            self.journalled(&shreds, || Ok(self.store.apply_sweep(&new, &changed, &records, &documents, &events)?))?;
        }
        Ok(report)
    }

    /// The `disposals` job: the sweep as of `today`, as counts.
    pub(crate) fn run_disposals_job(&self, today: Date) -> AppResult<crate::job_catalogue::JobReport> {
        let r = self.run_disposal_sweep(&Context::system(), today)?;
        let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        Ok(crate::job_catalogue::JobReport {
            counts: vec![
                ("recomputed".into(), n(r.recomputed)),
                ("due".into(), n(r.due)),
                ("held".into(), n(r.held + r.newly_held)),
                ("released".into(), n(r.released)),
                ("awaiting_approval".into(), n(r.awaiting_approval)),
                ("destroyed".into(), n(r.destroyed)),
            ],
            problem: None,
        })
    }

    /// Disposals, filtered, by due date.
    pub fn disposals(&self, ctx: &Context, q: &DisposalQuery) -> AppResult<Vec<Disposal>> {
        self.require(ctx, Permission::ReadRegisters, ObjectType::Disposal, "")?;
        let mut f = DisposalFilter::default();
        if let Some(d) = q.due_before.as_deref().filter(|d| !d.trim().is_empty()) {
            f.due_before = Some(parse_date("due_before", d)?.to_string());
        }
        if let Some(s) = q.status.as_deref().filter(|s| !s.trim().is_empty()) {
            for s in s.split(',').map(str::trim) {
                if !STATUSES.contains(&s) {
                    return Err(invalid("status", format!("must be one of {}", STATUSES.join(", "))));
                }
                f.statuses.push(s.to_string());
            }
        }
        f.record_id = q.record_id.clone().filter(|r| !r.trim().is_empty());
        Ok(self.store.disposals(&f)?.into_iter().map(Disposal::from).collect())
    }

    /// One disposal.
    pub fn disposal(&self, ctx: &Context, id: &str) -> AppResult<Disposal> {
        self.require(ctx, Permission::ReadRegisters, ObjectType::Disposal, id)?;
        Ok(self.store.disposal(id)?.ok_or_else(|| AppError::NotFound(format!("disposal {id}")))?.into())
    }

    /// The DPO approves disposals (a month's list, or chosen ids). Holds and dates are
    /// checked again: a held record is not destroyed, one no longer due is cancelled.
    /// Vault records are crypto-shredded now; records kept elsewhere become tasks.
    pub fn approve_disposals(&self, ctx: &Context, approval: &Approval) -> AppResult<ApprovalOutcome> {
        self.require(ctx, Permission::ManageHolds, ObjectType::Disposal, "")?;
        let today = self.today();
        let list = match (&approval.month, &approval.ids) {
            (Some(m), None) => {
                let (_, last) = month_bounds("month", m)?;
                self.store.disposals(&DisposalFilter {
                    statuses: vec!["awaiting_approval".into()],
                    due_before: Some(last.to_string()),
                    ..DisposalFilter::default()
                })?
            }
            (None, Some(ids)) if !ids.is_empty() => {
                if ids.len() > 10_000 {
                    return Err(invalid("ids", "at most 10000 at once"));
                }
                let mut out = Vec::new();
                for id in ids {
                    match self.store.disposal(id)? {
                        Some(d) => out.push(d),
                        None => return Err(invalid("ids", "names a disposal that does not exist")),
                    }
                }
                out
            }
            _ => return Err(invalid("month", "give either month (YYYY-MM) or a non-empty ids list")),
        };
        let holds = HoldIndex::new(&self.store.standing_holds()?);
        let now = self.now_text();
        let day = today.to_string();
        let mut out = ApprovalOutcome::default();
        for mut d in list {
            if d.status != "awaiting_approval" {
                out.skipped.push(d.id);
                continue;
            }
            let Some(mut rec) = self.store.record(&d.record_id)? else {
                out.skipped.push(d.id);
                continue;
            };
            rec.updated_at = now.clone();
            let covering = holds.covering(&rec);
            let (ok, counter) = if let Some(h) = covering.first() {
                d.status = "held".into();
                d.hold_id = Some(h.clone());
                let ev = self.event(
                    ctx,
                    Action::DisposalHeld,
                    &d.id,
                    Outcome::Success,
                    format!("record={} type={} hold={h} at=approval", d.record_id, d.record_type),
                );
                (self.store.update_disposal(&d, "awaiting_approval", None, &[ev])?, &mut out.held)
            } else if rec.permanent || rec.destroy_on.as_deref().is_none_or(|on| on > day.as_str()) {
                d.status = "cancelled".into();
                d.done_on = Some(day.clone());
                d.done_by = Some(ctx.actor.clone());
                d.note = "no longer due: the record's destroy-by date changed".into();
                rec.status = "kept".into();
                let ev = self.event(
                    ctx,
                    Action::DisposalCancelled,
                    &d.id,
                    Outcome::Success,
                    format!("record={} type={} reason=date_changed", d.record_id, d.record_type),
                );
                (self.store.update_disposal(&d, "awaiting_approval", Some(&rec), &[ev])?, &mut out.cancelled)
            } else if d.storage == "vault" {
                d.status = "done".into();
                d.method = Some("crypto_shred".into());
                d.approved_by = Some(ctx.actor.clone());
                d.approved_at = Some(now.clone());
                d.done_on = Some(day.clone());
                d.done_by = Some(ctx.actor.clone());
                rec.status = "destroyed".into();
                rec.destroyed_on = Some(day.clone());
                let evs = [
                    self.event(
                        ctx,
                        Action::DisposalApprove,
                        &d.id,
                        Outcome::Success,
                        format!("record={} type={}", d.record_id, d.record_type),
                    ),
                    self.event(
                        ctx,
                        Action::DisposalDone,
                        &d.id,
                        Outcome::Success,
                        format!("record={} type={} method=crypto_shred", d.record_id, d.record_type),
                    ),
                ];
                // Journalled with the change, so a restore of an older backup destroys it again.
                let shreds: Vec<_> = self.document_destruction(&rec).into_iter().collect();
                let destroyed =
                    self.journalled(&shreds, || Ok(self.store.destroy_vault_document(&d, &rec, &evs)?))?;
                (destroyed.unwrap_or(true), &mut out.destroyed)
            } else {
                d.status = "task".into();
                d.approved_by = Some(ctx.actor.clone());
                d.approved_at = Some(now.clone());
                if d.task_due_on.as_deref().is_none_or(|t| t < day.as_str()) {
                    d.task_due_on = Some(today.last_of_month().to_string());
                }
                let ev = self.event(
                    ctx,
                    Action::DisposalApprove,
                    &d.id,
                    Outcome::Success,
                    format!("record={} type={} task=true", d.record_id, d.record_type),
                );
                (self.store.update_disposal(&d, "awaiting_approval", None, &[ev])?, &mut out.tasks)
            };
            if ok {
                *counter += 1;
            } else {
                out.skipped.push(d.id);
            }
        }
        Ok(out)
    }

    /// Say who is to destroy a task's record, how and by when (DPO only:
    /// `ManageRetention`).
    pub fn assign_disposal(&self, ctx: &Context, id: &str, a: &Assignment) -> AppResult<Disposal> {
        self.require(ctx, Permission::ManageRetention, ObjectType::Disposal, id)?;
        let mut d = self.store.disposal(id)?.ok_or_else(|| AppError::NotFound(format!("disposal {id}")))?;
        if d.status != "task" {
            return Err(AppError::Conflict(format!(
                "only an approved disposal task can be assigned; this one is {}",
                d.status.replace('_', " ")
            )));
        }
        d.assignee = Some(text("assignee", &a.assignee, true)?);
        if let Some(m) = a.method.as_deref().filter(|m| !m.trim().is_empty()) {
            d.method = Some(check_method("method", m, &d.storage)?);
        }
        if let Some(due) = a.due_on.as_deref().filter(|v| !v.trim().is_empty()) {
            let due = parse_date("due_on", due)?;
            if due.to_string() < d.found_on {
                return Err(invalid("due_on", "is before the day the disposal was found due"));
            }
            d.task_due_on = Some(due.to_string());
        }
        let ev = self.event(
            ctx,
            Action::DisposalAssign,
            id,
            Outcome::Success,
            format!("method={}", d.method.as_deref().unwrap_or("")),
        );
        if !self.store.update_disposal(&d, "task", None, &[ev])? {
            return Err(AppError::Conflict("the disposal changed meanwhile; reload it".into()));
        }
        Ok(d.into())
    }

    /// Confirm a task done, by whoever destroyed the record (its assignee, or an
    /// administrator or DPO): the record is marked destroyed. Once only.
    pub fn confirm_disposal(&self, ctx: &Context, id: &str, c: &Confirmation) -> AppResult<Disposal> {
        let mut d = self.store.disposal(id)?;
        let is_assignee = d.as_ref().is_some_and(|d| d.assignee.as_deref() == Some(ctx.actor.as_str()));
        if !is_assignee {
            self.require(ctx, Permission::ManageRegisters, ObjectType::Disposal, id)?;
        }
        let Some(mut row) = d.take() else { return Err(AppError::NotFound(format!("disposal {id}"))) };
        match row.status.as_str() {
            "task" => {}
            "done" => return Err(AppError::Conflict("this disposal was already confirmed".into())),
            "awaiting_approval" => {
                return Err(AppError::Conflict("this disposal is waiting for the DPO's approval".into()));
            }
            "held" => return Err(AppError::Conflict("a legal hold covers this record: do not destroy it".into())),
            other => return Err(AppError::Conflict(format!("this disposal is {other}; there is nothing to confirm"))),
        }
        let done_on = parse_date("done_on", &c.done_on)?;
        if done_on > self.today() {
            return Err(invalid("done_on", "is in the future"));
        }
        if done_on.to_string() < row.found_on {
            return Err(invalid("done_on", "is before the day the disposal was found due"));
        }
        if let Some(m) = c.method.as_deref().filter(|m| !m.trim().is_empty()) {
            row.method = Some(check_method("method", m, &row.storage)?);
        }
        let note = text("note", &c.note, false)?;
        let mut rec = self
            .store
            .record(&row.record_id)?
            .ok_or_else(|| AppError::NotFound(format!("record {}", row.record_id)))?;
        if !HoldIndex::new(&self.store.standing_holds()?).covering(&rec).is_empty() {
            return Err(AppError::Conflict(
                "a legal hold now covers this record: it must not be destroyed; tell the DPO".into(),
            ));
        }
        row.status = "done".into();
        row.done_on = Some(done_on.to_string());
        row.done_by = Some(ctx.actor.clone());
        row.note = note;
        rec.status = "destroyed".into();
        rec.destroyed_on = Some(done_on.to_string());
        rec.updated_at = self.now_text();
        let ev = self.event(
            ctx,
            Action::DisposalDone,
            id,
            Outcome::Success,
            format!("record={} type={} method={}", row.record_id, row.record_type, row.method.as_deref().unwrap_or("")),
        );
        if !self.store.update_disposal(&row, "task", Some(&rec), &[ev])? {
            return Err(AppError::Conflict("this disposal was already confirmed".into()));
        }
        Ok(row.into())
    }

    /// The destruction certificate for `[from, to]`: every record destroyed, released
    /// from a hold or cancelled in the period, and those held now. Holds no personal
    /// data, so auditors may read it; producing it is audited.
    pub fn disposal_certificate(&self, ctx: &Context, from: Date, to: Date) -> AppResult<DisposalCertificate> {
        self.require(ctx, Permission::ReadRegisters, ObjectType::Disposal, "")?;
        if to < from {
            return Err(invalid("to", "is before from"));
        }
        let mut rows = self.store.disposals(&DisposalFilter {
            statuses: vec!["done".into(), "released".into(), "cancelled".into()],
            done_from: Some(from.to_string()),
            done_to: Some(to.to_string()),
            ..DisposalFilter::default()
        })?;
        rows.extend(
            self.store
                .disposals(&DisposalFilter { statuses: vec!["held".into()], ..DisposalFilter::default() })?
                .into_iter()
                .filter(|d| d.found_on <= to.to_string()),
        );
        rows.sort_by(|a, b| {
            a.done_on.as_deref().unwrap_or("9999").cmp(b.done_on.as_deref().unwrap_or("9999")).then(a.id.cmp(&b.id))
        });
        let count = |s: &str| rows.iter().filter(|d| d.status == s).count() as u64;
        let (destroyed, held, released) = (count("done"), count("held"), count("released"));
        let entries: Vec<CertificateEntry> = rows
            .into_iter()
            .map(|d| CertificateEntry {
                disposal_id: d.id,
                record_id: d.record_id,
                record_type: d.record_type,
                subject_ref: d.subject_ref,
                rule: d.rule,
                due_on: d.due_on,
                done_on: d.done_on,
                method: d.method,
                done_by: d.done_by,
                approved_by: d.approved_by,
                status: d.status,
                hold_id: d.hold_id,
            })
            .collect();
        self.store.audit(&self.event(
            ctx,
            Action::DisposalCertificate,
            "",
            Outcome::Success,
            format!("from={from} to={to} entries={}", entries.len()),
        ))?;
        let (audit_seq, audit_hash) = self.store.audit_head()?;
        Ok(DisposalCertificate {
            from: from.to_string(),
            to: to.to_string(),
            organisation: self.org_settings()?.org_name,
            entries,
            destroyed,
            held,
            released,
            issued_at: self.now_text(),
            issued_by: ctx.actor.clone(),
            audit_seq,
            audit_hash,
        })
    }

    /// Counts for the dashboard as of `today`.
    pub fn disposal_summary(&self, ctx: &Context, today: Date) -> AppResult<DisposalSummary> {
        self.require(ctx, Permission::ReadRegisters, ObjectType::Disposal, "")?;
        let (first, last) = (today.first_of_month(), today.last_of_month());
        let (due_this_month, overdue) = self.store.records_due_counts(&first.to_string(), &last.to_string())?;
        let open = self.store.disposals(&DisposalFilter {
            statuses: vec!["awaiting_approval".into(), "task".into(), "held".into()],
            ..DisposalFilter::default()
        })?;
        let day = today.to_string();
        let count = |f: &dyn Fn(&DisposalRow) -> bool| open.iter().filter(|d| f(d)).count() as u64;
        Ok(DisposalSummary {
            due_this_month,
            overdue,
            awaiting_approval: count(&|d| d.status == "awaiting_approval"),
            open_tasks: count(&|d| d.status == "task"),
            late_tasks: count(&|d| d.status == "task" && d.task_due_on.as_deref().is_some_and(|t| t < day.as_str())),
            held: count(&|d| d.status == "held"),
        })
    }
}

/// The certificate as CSV (one row per entry, a header first). Cells that a spreadsheet
/// would take for a formula are prefixed with `'`.
pub fn certificate_csv(c: &DisposalCertificate) -> AppResult<String> {
    fn cell(v: &str) -> String {
        if v.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{v}") } else { v.to_string() }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| AppError::Io(format!("cannot write CSV: {e}"));
    w.write_record([
        "disposal_id",
        "record_id",
        "record_type",
        "subject_ref",
        "rule",
        "due_on",
        "done_on",
        "method",
        "done_by",
        "approved_by",
        "status",
        "hold_id",
    ])
    .map_err(io)?;
    for e in &c.entries {
        let o = |v: &Option<String>| cell(v.as_deref().unwrap_or(""));
        w.write_record([
            cell(&e.disposal_id),
            cell(&e.record_id),
            cell(&e.record_type),
            cell(&e.subject_ref),
            cell(&e.rule),
            cell(&e.due_on),
            o(&e.done_on),
            o(&e.method),
            o(&e.done_by),
            o(&e.approved_by),
            cell(&e.status),
            o(&e.hold_id),
        ])
        .map_err(io)?;
    }
    let bytes = w.into_inner().map_err(|e| AppError::Io(format!("cannot write CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| AppError::Io(format!("cannot write CSV: {e}")))
}
