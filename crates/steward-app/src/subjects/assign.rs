//! Need to know (UK GDPR Art 5(1)(c), 5(1)(f); Art 32(4)): which subjects' cases are
//! assigned to whom, a caseworker seeing only theirs, and refusals audited without
//! saying whether the subject exists.

use crate::{App, AppError, AppResult, Context};
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_core::{FieldError, Permission, Role};
use steward_store::AccessRow;

impl App {
    /// Need to know (UK GDPR Art 5(1)(c) data minimisation and 5(1)(f) confidentiality;
    /// Art 32(4)): a caseworker — signed in, or through a token — sees only the subjects
    /// the DPO assigned to them or that they recorded themselves (see
    /// [`Context::need_to_know_key`]). Refusals are audited and do not reveal whether the
    /// subject exists.
    pub fn require_need_to_know(&self, ctx: &Context, id: &str) -> AppResult<()> {
        let Some(user) = ctx.need_to_know_key() else { return Ok(()) };
        if self.store.has_subject_access(id, user)? {
            return Ok(());
        }
        self.store.audit(&self.event(ctx, Action::SubjectNeedToKnow, id, Outcome::Denied, ""))?;
        Err(AppError::Forbidden(ctx.role))
    }

    /// Whether `ctx` may open subject `id` (for deciding what to show, without auditing).
    pub fn may_open_subject(&self, ctx: &Context, id: &str) -> AppResult<bool> {
        Ok(match ctx.need_to_know_key() {
            Some(user) => self.store.has_subject_access(id, user)?,
            None => ctx.role.can(Permission::SubjectRead),
        })
    }

    /// Record that the caseworker who created subjects may see them.
    pub(super) fn grant_to_creator(&self, ctx: &Context, ids: &[String]) -> AppResult<()> {
        let Some(user) = ctx.need_to_know_key() else { return Ok(()) };
        for id in ids {
            let row = AccessRow {
                subject_id: id.clone(),
                user_id: user.into(),
                reason: "created".into(),
                granted_at: self.now_text(),
            };
            self.store.grant_subject_access(&row, None)?;
        }
        Ok(())
    }

    /// Check that `key` can be given cases: an active caseworker's user id, or
    /// `token:<id>` for a live caseworker token that acts for the organisation (a
    /// person's token sees its owner's cases instead). `field` names the input.
    pub(crate) fn check_case_assignee(&self, key: &str, field: &str) -> AppResult<()> {
        let ok = match key.strip_prefix("token:") {
            Some(token_id) => self
                .store
                .token(token_id)?
                .is_some_and(|t| t.role == Role::Caseworker.as_str() && t.revoked_at.is_none() && t.user_id.is_none()),
            None => {
                self.store.user(key)?.is_some_and(|u| u.role == Role::Caseworker.as_str() && u.disabled_at.is_none())
            }
        };
        if ok { Ok(()) } else { Err(AppError::Invalid(FieldError::new(field, "choose an active caseworker"))) }
    }

    /// Who cases can be given to (the DPO only): active caseworkers (their user id) and
    /// caseworker tokens that act for the organisation (`token:<id>`), as pairs of key
    /// and the name people read, caseworkers first, each group by name.
    pub fn case_assignees(&self, ctx: &Context) -> AppResult<Vec<(String, String)>> {
        self.require(ctx, Permission::AssignCases, ObjectType::User, "")?;
        let mut people: Vec<(String, String)> = self
            .store
            .users()?
            .into_iter()
            .filter(|u| u.role == Role::Caseworker.as_str() && u.disabled_at.is_none())
            .map(|u| (u.id, u.display_name))
            .collect();
        people.sort_by(|a, b| a.1.cmp(&b.1));
        let mut tokens: Vec<(String, String)> = self
            .store
            .tokens()?
            .into_iter()
            .filter(|t| t.user_id.is_none() && t.revoked_at.is_none() && t.role == Role::Caseworker.as_str())
            .map(|t| (format!("token:{}", t.id), format!("{} (API token)", t.name)))
            .collect();
        tokens.sort_by(|a, b| a.1.cmp(&b.1));
        people.extend(tokens);
        Ok(people)
    }

    /// Give a caseworker (or an organisation's caseworker token, `token:<id>`) access to
    /// a subject (DPO only; audited).
    pub fn assign_subject(&self, ctx: &Context, subject_id: &str, user_id: &str) -> AppResult<()> {
        self.require(ctx, Permission::AssignCases, ObjectType::Subject, subject_id)?;
        self.check_case_assignee(user_id, "user_id")?;
        self.load(subject_id)?;
        let row = AccessRow {
            subject_id: subject_id.into(),
            user_id: user_id.into(),
            reason: "assigned".into(),
            granted_at: self.now_text(),
        };
        let ev = self.event(ctx, Action::SubjectAssign, subject_id, Outcome::Success, format!("user={user_id}"));
        Ok(self.store.grant_subject_access(&row, Some(&ev))?)
    }

    /// Give a caseworker access to the subject of a request assigned to them (audited).
    /// Other roles see subjects by role, so nothing is recorded for them.
    pub(crate) fn grant_subject_for_request(&self, subject_id: &str, user_id: &str, reference: &str) -> AppResult<()> {
        let caseworker = if user_id.starts_with("token:") {
            self.check_case_assignee(user_id, "assigned_to").is_ok()
        } else {
            self.store.user(user_id)?.is_some_and(|u| u.role == Role::Caseworker.as_str())
        };
        if !caseworker || self.store.has_subject_access(subject_id, user_id)? {
            return Ok(());
        }
        let row = AccessRow {
            subject_id: subject_id.into(),
            user_id: user_id.into(),
            reason: format!("request {reference}"),
            granted_at: self.now_text(),
        };
        let ev = self.event(
            &Context::system(),
            Action::SubjectAssign,
            subject_id,
            Outcome::Success,
            format!("user={user_id} via=request"),
        );
        Ok(self.store.grant_subject_access(&row, Some(&ev))?)
    }

    /// Take a caseworker's access to a subject away (DPO only; audited).
    pub fn unassign_subject(&self, ctx: &Context, subject_id: &str, user_id: &str) -> AppResult<()> {
        self.require(ctx, Permission::AssignCases, ObjectType::Subject, subject_id)?;
        let ev = self.event(ctx, Action::SubjectUnassign, subject_id, Outcome::Success, format!("user={user_id}"));
        Ok(self.store.revoke_subject_access(subject_id, user_id, &ev)?)
    }

    /// Who else may see a subject, with their names (DPO only).
    pub fn subject_access_list(&self, ctx: &Context, subject_id: &str) -> AppResult<Vec<(AccessRow, String)>> {
        self.require(ctx, Permission::AssignCases, ObjectType::Subject, subject_id)?;
        let mut out = Vec::new();
        for a in self.store.subject_access(subject_id)? {
            let name = match a.user_id.strip_prefix("token:") {
                Some(t) => self
                    .store
                    .token(t)?
                    .map_or_else(|| "A removed API token".into(), |t| format!("{} (API token)", t.name)),
                None => self.store.user(&a.user_id)?.map_or_else(|| "A removed account".into(), |u| u.display_name),
            };
            out.push((a, name));
        }
        Ok(out)
    }
}
