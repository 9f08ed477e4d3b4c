//! The daily disposal sweep: finishing a recompute cut short, releasing held disposals
//! whose holds were lifted, stopping those a hold now covers, and listing records past
//! their destroy-by date (destroyed at once where the schedule says `automatic`), in
//! pages, one transaction each (UK GDPR Art 5(1)(e); a legal hold keeps data).

use super::{AUTOMATIC, RELEASED_BY, SweepReport, default_method};
use crate::retention::HoldIndex;
use crate::{App, AppResult, Context};
use jiff::civil::Date;
use std::collections::HashSet;
use steward_core::Permission;
use steward_core::audit::{Action, AuditEvent, ObjectType, Outcome};
use steward_store::{DisposalFilter, DisposalRow, RecordRow};

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
}
