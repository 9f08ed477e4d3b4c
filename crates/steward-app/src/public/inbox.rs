//! The inbox staff work submissions from: listing, opening (audited), changing status
//! and assigning, a caseworker seeing only what is assigned to them (need to know, UK
//! GDPR Art 5(1)(f)).

use super::{
    PAGE_SIZE, Sealed, SubmissionKind, SubmissionListItem, SubmissionPage, SubmissionStatus, SubmissionView, aad,
    uk_date,
};
use crate::{App, AppError, AppResult, Context};
use std::collections::BTreeMap;
use steward_core::Permission;
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_store::StoreError;

/// The UK date a submission stored at `stored` was received (`today` if unreadable).
fn received_on(stored: &str, today: jiff::civil::Date) -> jiff::civil::Date {
    stored.parse::<jiff::Timestamp>().map_or(today, uk_date)
}

impl App {
    /// One page (from 1) of the inbox, newest first: references, kinds, statuses and
    /// dates, no personal data. A caseworker (in person or by token) sees only the
    /// submissions assigned to them (need to know, UK GDPR Art 5(1)(f)).
    pub fn list_submissions(&self, ctx: &Context, page: usize) -> AppResult<SubmissionPage> {
        self.require(ctx, Permission::SubjectRead, ObjectType::Submission, "")?;
        let assignee = ctx.need_to_know_key();
        let mut counts: BTreeMap<String, i64> =
            SubmissionStatus::ALL.iter().map(|s| (s.as_str().to_string(), 0)).collect();
        counts.extend(self.store.submission_counts(assignee)?);
        let total: i64 = counts.values().sum();
        let pages = usize::try_from(total).unwrap_or(0).div_ceil(PAGE_SIZE).max(1);
        let page = page.clamp(1, pages);
        let rows = self.store.submissions(None, assignee, (page - 1) * PAGE_SIZE, PAGE_SIZE)?;
        let mut items = Vec::with_capacity(rows.len());
        let today = self.today();
        for r in rows {
            let (Some(kind), Some(status)) = (SubmissionKind::parse(&r.kind), SubmissionStatus::parse(&r.status))
            else {
                return Err(AppError::Store(StoreError::Corrupt(format!(
                    "submission {} has an unknown kind or status",
                    r.id
                ))));
            };
            let received_on = received_on(&r.submitted_at, today);
            items.push(SubmissionListItem {
                id: r.id,
                reference: r.reference,
                kind,
                status,
                submitted_at: r.submitted_at,
                received_on,
                due_by: kind.due_by(received_on),
                assigned_to: r.assigned_to,
            });
        }
        Ok(SubmissionPage { items, page, pages, total, counts })
    }

    /// A submission with its personal data. Every view is audited before it is returned.
    pub fn get_submission(&self, ctx: &Context, id: &str) -> AppResult<SubmissionView> {
        self.require(ctx, Permission::SubjectRead, ObjectType::Submission, id)?;
        let row = self.submission_for(ctx, id)?;
        let (Some(wrapped), Some(data)) = (&row.wrapped_key, &row.data) else {
            return Err(AppError::NotFound(format!("the personal data of submission {id}")));
        };
        let key = self.keys.unwrap_key(wrapped, &aad(&row.id))?;
        let plain = key.open(aad(&row.id).as_bytes(), data)?;
        let s: Sealed = serde_json::from_slice(&plain).map_err(|_| AppError::Undecryptable)?;
        let (Some(kind), Some(status)) = (SubmissionKind::parse(&row.kind), SubmissionStatus::parse(&row.status))
        else {
            return Err(AppError::Store(StoreError::Corrupt(format!("submission {id} has an unknown kind or status"))));
        };
        self.store.audit(&self.event(ctx, Action::SubmissionView, id, Outcome::Success, ""))?;
        let received_on = received_on(&row.submitted_at, self.today());
        Ok(SubmissionView {
            assigned_to: row.assigned_to,
            id: row.id,
            reference: row.reference,
            kind,
            status,
            submitted_at: row.submitted_at,
            received_on,
            due_by: kind.due_by(received_on),
            right: s.right,
            name: s.name,
            email: s.email,
            phone: s.phone,
            address: s.address,
            on_behalf: s.on_behalf,
            subject_name: s.subject_name,
            relationship: s.relationship,
            details: s.details,
        })
    }

    /// Mark a submission new, acknowledged or closed (audited with the new status).
    pub fn set_submission_status(&self, ctx: &Context, id: &str, status: SubmissionStatus) -> AppResult<()> {
        self.require(ctx, Permission::SubjectUpdate, ObjectType::Submission, id)?;
        self.submission_for(ctx, id)?;
        let ev = self.event(ctx, Action::SubmissionStatus, id, Outcome::Success, format!("status={}", status.as_str()));
        self.store.set_submission_status(id, status.as_str(), &ev)?;
        Ok(())
    }

    /// Submission `id`, if `ctx` may open it: the DPO any, a caseworker only one
    /// assigned to them (refusals audited as `submission.need_to_know`).
    fn submission_for(&self, ctx: &Context, id: &str) -> AppResult<steward_store::SubmissionRow> {
        let row = self.store.submission(id)?.ok_or_else(|| AppError::NotFound(format!("submission {id}")))?;
        if let Some(key) = ctx.need_to_know_key()
            && row.assigned_to.as_deref() != Some(key)
        {
            self.store.audit(&self.event(ctx, Action::SubmissionNeedToKnow, id, Outcome::Denied, ""))?;
            return Err(AppError::Forbidden(ctx.role));
        }
        Ok(row)
    }

    /// Give a submission to a caseworker (or to a caseworker token that acts for the
    /// organisation), or take it back with `None` (the DPO; audited with ids only).
    pub fn assign_submission(&self, ctx: &Context, id: &str, assignee: Option<&str>) -> AppResult<()> {
        self.require(ctx, Permission::AssignCases, ObjectType::Submission, id)?;
        if let Some(a) = assignee {
            self.check_case_assignee(a, "assigned_to")?;
        }
        let detail = format!("assigned_to={}", assignee.unwrap_or("nobody"));
        let ev = self.event(ctx, Action::SubmissionAssign, id, Outcome::Success, detail);
        Ok(self.store.assign_submission(id, assignee, &ev)?)
    }
}
