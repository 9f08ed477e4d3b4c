//! Erasure tasks: one for each system an approved erasure must reach, tracked until
//! someone confirms it (processors act on instructions, UK GDPR Art 28; recipients are
//! told, Art 19), and the erasure certificate that evidences them (Art 5(2)).

use super::{ErasureCertificate, ErasureTask, MAX_NOTE, System, SystemKind, TaskConfirmation, TaskStatus, text_field};
use crate::{App, AppError, AppResult, Context};
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_core::{FieldError, Permission};
use steward_store::{ErasureTaskRow, SubjectLookup};

impl App {
    /// Erasure tasks for a request, with their systems' names.
    pub fn erasure_tasks(&self, ctx: &Context, request_id: &str) -> AppResult<Vec<ErasureTask>> {
        self.require(ctx, Permission::SubjectRead, ObjectType::Request, request_id)?;
        self.load_request_for(ctx, request_id)?;
        self.task_views(request_id)
    }

    fn task_views(&self, request_id: &str) -> AppResult<Vec<ErasureTask>> {
        let systems = self.store.systems()?;
        self.store
            .erasure_tasks(request_id)?
            .into_iter()
            .map(|t| {
                let sys = systems.iter().find(|s| s.id == t.system_id).cloned().map(System::from_row).transpose()?;
                Ok(ErasureTask {
                    system_name: sys.as_ref().map_or_else(|| "(removed)".into(), |s| s.name.clone()),
                    system_kind: sys.as_ref().map_or(SystemKind::System, |s| s.kind),
                    contact: sys.map(|s| s.contact).unwrap_or_default(),
                    status: TaskStatus::parse(&t.status)?,
                    confirmed_on: t
                        .confirmed_on
                        .as_deref()
                        .map(str::parse)
                        .transpose()
                        .map_err(|_| AppError::Store(steward_store::StoreError::Corrupt("erasure task date".into())))?,
                    id: t.id,
                    system_id: t.system_id,
                    created_at: t.created_at,
                    confirmed_by: t.confirmed_by,
                    note: t.note,
                })
            })
            .collect()
    }

    /// Create a pending task for each of `system_ids` not already tasked on the request.
    pub(crate) fn create_erasure_tasks(
        &self,
        ctx: &Context,
        request_id: &str,
        subject_id: &str,
        system_ids: &[String],
    ) -> AppResult<usize> {
        let existing: Vec<String> = self.store.erasure_tasks(request_id)?.into_iter().map(|t| t.system_id).collect();
        let now = self.now_text();
        let mut rows = Vec::new();
        for id in system_ids {
            if existing.contains(id) || rows.iter().any(|r: &ErasureTaskRow| &r.system_id == id) {
                continue;
            }
            rows.push(ErasureTaskRow {
                id: uuid::Uuid::now_v7().to_string(),
                request_id: request_id.into(),
                subject_id: subject_id.into(),
                system_id: id.clone(),
                status: TaskStatus::Pending.as_str().into(),
                created_at: now.clone(),
                created_by: ctx.actor.clone(),
                confirmed_on: None,
                confirmed_by: None,
                note: String::new(),
            });
        }
        if rows.is_empty() {
            return Ok(0);
        }
        let ev = self.event(ctx, Action::ErasureTasks, request_id, Outcome::Success, format!("tasks={}", rows.len()));
        self.store.insert_erasure_tasks(&rows, &ev)?;
        Ok(rows.len())
    }

    /// The systems an approved erasure must reach: every active system marked as holding
    /// every subject, and every active one a logged search found the subject in.
    pub(crate) fn systems_to_erase(&self, subject_id: &str) -> AppResult<Vec<String>> {
        let hits = self.store.systems_with_hits(subject_id)?;
        Ok(self
            .store
            .systems()?
            .into_iter()
            .filter(|s| s.retired_at.is_none() && (s.holds_all_subjects || hits.contains(&s.id)))
            .map(|s| s.id)
            .collect())
    }

    /// Add a task for one more system on an erasure request (e.g. a recipient found later).
    pub fn add_erasure_task(&self, ctx: &Context, request_id: &str, system_id: &str) -> AppResult<Vec<ErasureTask>> {
        self.require(ctx, Permission::SubjectUpdate, ObjectType::Request, request_id)?;
        let q = self.request_row_for(ctx, request_id)?;
        if q.kind != "erasure" {
            return Err(AppError::Invalid(FieldError::new("kind", "erasure tasks belong to erasure requests")));
        }
        let Some(subject) = q.subject_id else {
            return Err(AppError::Invalid(FieldError::new("subject_id", "the request names no subject")));
        };
        match self.store.system(system_id)? {
            Some(s) if s.retired_at.is_none() => {}
            Some(_) => return Err(AppError::Invalid(FieldError::new("system_id", "names a retired system"))),
            None => return Err(AppError::Invalid(FieldError::new("system_id", "names no system on the register"))),
        }
        if self.create_erasure_tasks(ctx, request_id, &subject, &[system_id.to_string()])? == 0 {
            return Err(AppError::Conflict("that system already has a task on this request".into()));
        }
        self.task_views(request_id)
    }

    /// Record a task's outcome (once).
    pub fn confirm_erasure_task(
        &self,
        ctx: &Context,
        request_id: &str,
        task_id: &str,
        c: TaskConfirmation,
    ) -> AppResult<Vec<ErasureTask>> {
        self.require(ctx, Permission::SubjectUpdate, ObjectType::Request, request_id)?;
        self.request_row_for(ctx, request_id)?;
        if c.status == TaskStatus::Pending {
            return Err(AppError::Invalid(FieldError::new("status", "must be erased, not_held or refused")));
        }
        if c.confirmed_on > self.today() {
            return Err(AppError::Invalid(FieldError::new("confirmed_on", "is in the future")));
        }
        let note = text_field("note", &c.note, MAX_NOTE, c.status == TaskStatus::Refused)?;
        let ev = self.event(
            ctx,
            Action::ErasureConfirm,
            request_id,
            Outcome::Success,
            format!("task={task_id} status={}", c.status.as_str()),
        );
        let update = ErasureTaskRow {
            id: task_id.into(),
            request_id: request_id.into(),
            subject_id: String::new(),
            system_id: String::new(),
            status: c.status.as_str().into(),
            created_at: String::new(),
            created_by: String::new(),
            confirmed_on: Some(c.confirmed_on.to_string()),
            confirmed_by: Some(ctx.actor.clone()),
            note,
        };
        if !self.store.confirm_erasure_task(&update, &ev)? {
            return Err(AppError::NotFound(format!("pending erasure task {task_id}")));
        }
        self.task_views(request_id)
    }

    /// The erasure certificate of an erasure request: what was erased where and when.
    /// Available once erasure was approved; `complete` says whether every task is confirmed.
    /// It holds no personal data, so auditors (who read the audit log) may see it too.
    pub fn erasure_certificate(&self, ctx: &Context, request_id: &str) -> AppResult<ErasureCertificate> {
        if !ctx.role.can(Permission::AuditRead) {
            self.require(ctx, Permission::SubjectRead, ObjectType::Request, request_id)?;
        }
        let view = self.get_request_quiet(ctx, request_id)?;
        if view.kind != steward_core::request::RequestKind::Erasure {
            return Err(AppError::Invalid(FieldError::new("kind", "erasure certificates belong to erasure requests")));
        }
        let approval = view.events.iter().find(|e| {
            e.event.kind == steward_core::request::EventKind::Decision
                && matches!(
                    e.event.outcome,
                    Some(
                        steward_core::request::DecisionOutcome::Granted
                            | steward_core::request::DecisionOutcome::PartlyGranted
                    )
                )
        });
        let Some(approval) = approval else {
            return Err(AppError::Conflict("erasure has not been approved on this request".into()));
        };
        let tomb = match &view.subject_id {
            Some(s) => match self.store.subject(s)? {
                SubjectLookup::Erased(t) => Some(t),
                _ => None,
            },
            None => None,
        };
        let tasks = self.task_views(request_id)?;
        let suppressed =
            self.store.suppressions()?.iter().filter(|r| r.request_id.as_deref() == Some(request_id)).count();
        let (audit_seq, audit_hash) = self.store.audit_head()?;
        let complete = tasks.iter().all(|t| t.status != TaskStatus::Pending)
            && (tomb.is_some()
                || approval.event.outcome == Some(steward_core::request::DecisionOutcome::PartlyGranted));
        self.store.audit(&self.event(ctx, Action::ErasureCertificate, request_id, Outcome::Success, ""))?;
        Ok(ErasureCertificate {
            request_id: view.id,
            reference: view.reference,
            subject_id: view.subject_id,
            received_on: view.received_on,
            approved_on: Some(approval.event.on),
            approved_by: Some(approval.actor.clone()),
            erased_in_steward_at: tomb.as_ref().map(|t| t.erased_at.clone()),
            erased_in_steward_by: tomb.map(|t| t.actor),
            tasks,
            suppressed_identifiers: suppressed,
            complete,
            issued_at: self.now_text(),
            audit_seq,
            audit_hash,
        })
    }
}
