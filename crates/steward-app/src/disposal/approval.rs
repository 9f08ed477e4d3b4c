//! Disposals listed for the DPO: approving the month's list (vault documents
//! crypto-shredded at once, records kept elsewhere becoming tasks), assigning those
//! tasks, and confirming destruction, with legal holds checked again at each step
//! (UK GDPR Art 5(1)(e), Art 5(2) accountability).

use super::{
    Approval, ApprovalOutcome, Assignment, Confirmation, Disposal, DisposalQuery, STATUSES, check_method, invalid,
    month_bounds, parse_date, text,
};
use crate::retention::HoldIndex;
use crate::{App, AppError, AppResult, Context};
use steward_core::Permission;
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_store::DisposalFilter;

impl App {
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
}
