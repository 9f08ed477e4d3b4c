//! What erasure and restriction requests do beyond the request itself: the register of
//! systems and processors (plain named rows for now), erasure tasks tracked to
//! confirmation, erasure certificates, legal holds that stop erasure, and restrictions
//! of processing that stop changes and exports.
//!
//! Sources: UK GDPR Art 17 (erasure, and Art 17(3) grounds to refuse), Art 18 (restriction:
//! the data may be stored but not otherwise processed; the subject is told before it is
//! lifted, Art 18(3)), Art 19 (each recipient is told of an erasure or restriction unless
//! impossible or disproportionate), Art 28 (processors act only on instructions, so
//! they are asked to erase and confirm), ICO guidance "Right to erasure" and "Right to
//! restrict processing".

use crate::{App, AppError, AppResult, Context};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_core::{FieldError, Permission};
use steward_store::{HoldRow, RestrictionRow, SubjectLookup};
use utoipa::ToSchema;

mod tasks;

pub use crate::systems::System;
pub use steward_core::register::MAX_NAME as MAX_SYSTEM_NAME;
pub use steward_core::register::system::{NewSystem, SystemKind};

/// Longest free text (contact, notes, reasons) accepted (characters).
pub const MAX_NOTE: usize = 2000;

/// The outcome of an erasure task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Waiting for confirmation.
    Pending,
    /// Erased, and confirmed.
    Erased,
    /// The system or processor held nothing about the subject.
    NotHeld,
    /// Not erased there, for a reason given (e.g. a legal obligation to keep it).
    Refused,
}

impl TaskStatus {
    /// Machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Pending => "pending",
            TaskStatus::Erased => "erased",
            TaskStatus::NotHeld => "not_held",
            TaskStatus::Refused => "refused",
        }
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            TaskStatus::Pending => "Waiting for confirmation",
            TaskStatus::Erased => "Erased",
            TaskStatus::NotHeld => "Nothing held",
            TaskStatus::Refused => "Not erased",
        }
    }

    fn parse(s: &str) -> AppResult<Self> {
        [TaskStatus::Pending, TaskStatus::Erased, TaskStatus::NotHeld, TaskStatus::Refused]
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| AppError::Store(steward_store::StoreError::Corrupt("erasure task status".into())))
    }
}

/// An erasure task with its system's name.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ErasureTask {
    /// Id.
    pub id: String,
    /// The system or processor.
    pub system_id: String,
    /// Its name.
    pub system_name: String,
    /// `system` or `processor`.
    pub system_kind: SystemKind,
    /// Who to ask.
    pub contact: String,
    /// Where it stands.
    pub status: TaskStatus,
    /// Created (RFC 3339).
    pub created_at: String,
    /// The day the outcome was confirmed.
    #[schema(value_type = Option<String>, format = Date)]
    pub confirmed_on: Option<Date>,
    /// Who recorded it.
    pub confirmed_by: Option<String>,
    /// How it was confirmed.
    pub note: String,
}

/// A task's confirmation.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskConfirmation {
    /// `erased`, `not_held` or `refused`.
    pub status: TaskStatus,
    /// The day confirmed (`YYYY-MM-DD`), not in the future.
    #[schema(value_type = String, format = Date)]
    pub confirmed_on: Date,
    /// How it was confirmed (required for `refused`: why not). No names.
    #[serde(default)]
    pub note: String,
}

/// A legal hold to place: on a subject, a record of the inventory or a whole record
/// type (give exactly one of `subject_id`, `record_id`, `record_type`).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewHold {
    /// The subject held: nothing about them is erased or disposed of.
    #[serde(default)]
    pub subject_id: Option<String>,
    /// The record held.
    #[serde(default)]
    pub record_id: Option<String>,
    /// The record type held: no record of it is disposed of.
    #[serde(default)]
    pub record_type: Option<String>,
    /// Why (e.g. "County court claim 2026/114"); no names.
    pub reason: String,
    /// Who approved it (name or role).
    pub approved_by: String,
}

/// A legal hold.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Hold {
    /// Id.
    pub id: String,
    /// What it covers: `subject`, `record` or `record_type`.
    pub scope: String,
    /// The id of what it covers.
    pub target: String,
    /// Why.
    pub reason: String,
    /// Who approved it.
    pub approved_by: String,
    /// Who placed it.
    pub placed_by: String,
    /// When placed (RFC 3339).
    pub placed_at: String,
    /// When lifted.
    pub lifted_at: Option<String>,
    /// Who lifted it.
    pub lifted_by: Option<String>,
    /// Why it was lifted.
    pub lift_reason: Option<String>,
}

impl From<HoldRow> for Hold {
    fn from(h: HoldRow) -> Self {
        Self {
            id: h.id,
            scope: h.scope,
            target: h.target,
            reason: h.reason,
            approved_by: h.approved_by,
            placed_by: h.placed_by,
            placed_at: h.placed_at,
            lifted_at: h.lifted_at,
            lifted_by: h.lifted_by,
            lift_reason: h.lift_reason,
        }
    }
}

/// Why processing of a subject is restricted (UK GDPR Art 18(1)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RestrictionGround {
    /// The subject contests the accuracy of the data, while it is checked (Art 18(1)(a)).
    AccuracyContested,
    /// The processing is unlawful and the subject asks for restriction, not erasure (18(1)(b)).
    UnlawfulProcessing,
    /// The organisation no longer needs the data but the subject needs it for legal
    /// claims (18(1)(c)).
    SubjectsLegalClaims,
    /// The subject objected under Art 21(1), while the grounds are weighed (18(1)(d)).
    ObjectionPending,
    /// Granted on a restriction request (Art 18(1): the request states which ground).
    #[serde(rename = "restriction_request")]
    AtRequest,
}

impl RestrictionGround {
    /// Every ground.
    pub const ALL: [RestrictionGround; 5] = [
        RestrictionGround::AccuracyContested,
        RestrictionGround::UnlawfulProcessing,
        RestrictionGround::SubjectsLegalClaims,
        RestrictionGround::ObjectionPending,
        RestrictionGround::AtRequest,
    ];

    /// Machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            RestrictionGround::AccuracyContested => "accuracy_contested",
            RestrictionGround::UnlawfulProcessing => "unlawful_processing",
            RestrictionGround::SubjectsLegalClaims => "subjects_legal_claims",
            RestrictionGround::ObjectionPending => "objection_pending",
            RestrictionGround::AtRequest => "restriction_request",
        }
    }

    /// Words for people, with the source.
    pub fn label(self) -> &'static str {
        match self {
            RestrictionGround::AccuracyContested => "Accuracy contested, being checked (Art 18(1)(a))",
            RestrictionGround::UnlawfulProcessing => {
                "Unlawful processing; restriction asked instead of erasure (Art 18(1)(b))"
            }
            RestrictionGround::SubjectsLegalClaims => "Needed by the subject for legal claims (Art 18(1)(c))",
            RestrictionGround::ObjectionPending => "Objection being considered (Art 18(1)(d))",
            RestrictionGround::AtRequest => "Restriction request granted (Art 18(1))",
        }
    }

    /// The ground for a machine name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == s)
    }
}

/// A restriction of processing.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Restriction {
    /// The subject.
    pub subject_id: String,
    /// The restriction request it came from, if any.
    pub request_id: Option<String>,
    /// Why.
    pub ground: RestrictionGround,
    /// Who placed it.
    pub placed_by: String,
    /// When (RFC 3339).
    pub placed_at: String,
}

/// Evidence that a subject's data was erased, and where: the answer to an erasure
/// request. Holds no personal data: the subject appears by id and the request by
/// reference.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ErasureCertificate {
    /// The request.
    pub request_id: String,
    /// Its reference.
    pub reference: String,
    /// The subject's id (now a tombstone).
    pub subject_id: Option<String>,
    /// Day the request was received.
    #[schema(value_type = String, format = Date)]
    pub received_on: Date,
    /// Day erasure was approved.
    #[schema(value_type = Option<String>, format = Date)]
    pub approved_on: Option<Date>,
    /// Who approved it.
    pub approved_by: Option<String>,
    /// When Steward's own copy was destroyed (RFC 3339), by crypto-shredding.
    pub erased_in_steward_at: Option<String>,
    /// Who erased it in Steward.
    pub erased_in_steward_by: Option<String>,
    /// Each system and processor, with its outcome.
    pub tasks: Vec<ErasureTask>,
    /// Contact identifiers kept on the suppression list as keyed hashes, so marketing
    /// never resumes.
    pub suppressed_identifiers: usize,
    /// Whether every task is confirmed.
    pub complete: bool,
    /// When this certificate was produced (RFC 3339).
    pub issued_at: String,
    /// The audit log's head when produced: entries and hash, for verification.
    pub audit_seq: i64,
    /// The head hash.
    pub audit_hash: String,
}

pub(crate) fn text_field(field: &str, value: &str, max: usize, required: bool) -> AppResult<String> {
    let v = value.trim();
    if required && v.is_empty() {
        return Err(AppError::Invalid(FieldError::new(field, "is required")));
    }
    if v.chars().count() > max {
        return Err(AppError::Invalid(FieldError::new(field, format!("must be at most {max} characters"))));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(AppError::Invalid(FieldError::new(field, "must not contain control characters")));
    }
    Ok(v.to_string())
}

impl App {
    /// Legal holds standing on a subject (the hook every erasure and disposal checks).
    pub fn subject_holds(&self, subject_id: &str) -> AppResult<Vec<Hold>> {
        Ok(self.store.holds("subject", Some(subject_id), false)?.into_iter().map(Hold::from).collect())
    }

    /// Refuse when a legal hold stands on the subject, or on a record about them or its
    /// record type: nothing a hold covers may be erased.
    pub fn ensure_no_hold(&self, subject_id: &str) -> AppResult<()> {
        if let Some(h) = self.subject_holds(subject_id)?.first() {
            let placed = h.placed_at.get(..10).unwrap_or(&h.placed_at);
            return Err(AppError::Conflict(format!(
                "a legal hold stands on this subject (placed {placed}, approved by {}): nothing about them may be \
                 erased until the hold is lifted",
                h.approved_by
            )));
        }
        let holds = self.store.standing_holds()?;
        if holds.iter().any(|h| h.scope != "subject") {
            let ix = crate::retention::HoldIndex::new(&holds);
            let f = steward_store::RecordFilter {
                subject_id: Some(subject_id.to_string()),
                limit: 10_000,
                ..Default::default()
            };
            let (records, _) = self.store.records(&f)?;
            if let Some(r) = records.iter().find(|r| r.status != "destroyed" && !ix.covering(r).is_empty()) {
                return Err(AppError::Conflict(format!(
                    "a legal hold covers a record about this subject (record {}, a {}): nothing about them may be \
                     erased until the hold is lifted",
                    r.id, r.record_type
                )));
            }
        }
        Ok(())
    }

    /// Holds (standing only, unless `include_lifted`), newest first: those on one subject,
    /// or every hold of every scope.
    pub fn holds(&self, ctx: &Context, subject_id: Option<&str>, include_lifted: bool) -> AppResult<Vec<Hold>> {
        self.require(ctx, Permission::SubjectRead, ObjectType::Hold, subject_id.unwrap_or(""))?;
        if let Some(s) = subject_id {
            self.require_need_to_know(ctx, s)?;
            return Ok(self.store.holds("subject", Some(s), include_lifted)?.into_iter().map(Hold::from).collect());
        }
        let mut all = Vec::new();
        for scope in ["subject", "record", "record_type"] {
            all.extend(self.store.holds(scope, None, include_lifted)?);
        }
        all.sort_by(|a, b| b.placed_at.cmp(&a.placed_at).then(a.id.cmp(&b.id)));
        Ok(all.into_iter().map(Hold::from).collect())
    }

    /// Place a legal hold on a subject, a record or a record type (DPO).
    pub fn place_hold(&self, ctx: &Context, input: NewHold) -> AppResult<Hold> {
        self.require(ctx, Permission::ManageHolds, ObjectType::Hold, "")?;
        let nonempty = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from);
        let (scope, target) =
            match (nonempty(&input.subject_id), nonempty(&input.record_id), nonempty(&input.record_type)) {
                (Some(s), None, None) => {
                    match self.store.subject(&s)? {
                        SubjectLookup::Found(_) => {}
                        SubjectLookup::Erased(_) => {
                            return Err(AppError::Invalid(FieldError::new("subject_id", "names an erased subject")));
                        }
                        SubjectLookup::NotFound => {
                            return Err(AppError::Invalid(FieldError::new("subject_id", "names no subject on record")));
                        }
                    }
                    ("subject", s)
                }
                (None, Some(r), None) => {
                    let rec = self.store.record(&r)?.ok_or_else(|| {
                        AppError::Invalid(FieldError::new("record_id", "names no record in the inventory"))
                    })?;
                    if rec.status == "destroyed" {
                        return Err(AppError::Invalid(FieldError::new(
                            "record_id",
                            "names a record already destroyed",
                        )));
                    }
                    ("record", r)
                }
                (None, None, Some(t)) => {
                    let known = self.active_schedule()?.is_some_and(|(_, s)| s.record_type(&t).is_some());
                    if !known {
                        return Err(AppError::Invalid(FieldError::new(
                            "record_type",
                            format!("'{t}' is not a record type of the schedule in force"),
                        )));
                    }
                    ("record_type", t)
                }
                _ => {
                    return Err(AppError::Invalid(FieldError::new(
                        "subject_id",
                        "give exactly one of subject_id, record_id or record_type",
                    )));
                }
            };
        let row = HoldRow {
            id: uuid::Uuid::now_v7().to_string(),
            scope: scope.into(),
            target: target.clone(),
            reason: text_field("reason", &input.reason, MAX_NOTE, true)?,
            approved_by: text_field("approved_by", &input.approved_by, MAX_SYSTEM_NAME, true)?,
            placed_by: ctx.actor.clone(),
            placed_at: self.now_text(),
            lifted_at: None,
            lifted_by: None,
            lift_reason: None,
        };
        let ev = self.event(ctx, Action::HoldPlace, &row.id, Outcome::Success, format!("{scope}={target}"));
        self.store.insert_hold(&row, &ev)?;
        Ok(row.into())
    }

    /// Lift a standing hold (DPO), with a reason.
    pub fn lift_hold(&self, ctx: &Context, id: &str, reason: &str) -> AppResult<Hold> {
        self.require(ctx, Permission::ManageHolds, ObjectType::Hold, id)?;
        let reason = text_field("reason", reason, MAX_NOTE, true)?;
        let h = self.store.hold(id)?.ok_or_else(|| AppError::NotFound(format!("hold {id}")))?;
        if h.lifted_at.is_some() {
            return Err(AppError::Conflict("the hold was already lifted".into()));
        }
        let ev = self.event(ctx, Action::HoldLift, id, Outcome::Success, format!("{}={}", h.scope, h.target));
        if !self.store.lift_hold(id, &self.now_text(), &ctx.actor, &reason, &ev)? {
            return Err(AppError::Conflict("the hold was already lifted".into()));
        }
        Ok(self.store.hold(id)?.ok_or_else(|| AppError::NotFound(format!("hold {id}")))?.into())
    }

    /// The restriction on a subject, if any.
    pub fn restriction(&self, subject_id: &str) -> AppResult<Option<Restriction>> {
        let Some(r) = self.store.restriction(subject_id)? else { return Ok(None) };
        let ground = RestrictionGround::parse(&r.ground)
            .ok_or_else(|| AppError::Store(steward_store::StoreError::Corrupt("restriction ground".into())))?;
        Ok(Some(Restriction {
            subject_id: r.subject_id,
            request_id: r.request_id,
            ground,
            placed_by: r.placed_by,
            placed_at: r.placed_at,
        }))
    }

    /// Refuse `action` on a restricted subject with the reason (Art 18(2): restricted data
    /// may be stored, not otherwise processed, without the subject's consent).
    pub fn ensure_not_restricted(&self, subject_id: &str, action: &str) -> AppResult<()> {
        if let Some(r) = self.restriction(subject_id)? {
            let since = r.placed_at.get(..10).unwrap_or(&r.placed_at);
            return Err(AppError::Restricted(format!(
                "processing of this subject is restricted since {since} ({}, UK GDPR Art 18): {action} is refused \
                 until the restriction is lifted",
                r.ground.label()
            )));
        }
        Ok(())
    }

    /// Restrict processing of a subject (anyone who may change the subject; restricting
    /// is the safe direction).
    pub fn restrict_subject(
        &self,
        ctx: &Context,
        subject_id: &str,
        ground: RestrictionGround,
        request_id: Option<&str>,
    ) -> AppResult<Restriction> {
        self.require(ctx, Permission::SubjectUpdate, ObjectType::Subject, subject_id)?;
        self.require_need_to_know(ctx, subject_id)?;
        self.load(subject_id)?;
        let row = RestrictionRow {
            subject_id: subject_id.into(),
            request_id: request_id.map(str::to_string),
            ground: ground.as_str().into(),
            placed_by: ctx.actor.clone(),
            placed_at: self.now_text(),
        };
        let detail = format!("ground={} request={}", ground.as_str(), request_id.unwrap_or("-"));
        let ev = self.event(ctx, Action::RestrictionPlace, subject_id, Outcome::Success, detail);
        if !self.store.insert_restriction(&row, &ev)? {
            return Err(AppError::Restricted("processing of this subject is already restricted".into()));
        }
        self.restriction(subject_id)?.ok_or_else(|| AppError::NotFound(format!("restriction {subject_id}")))
    }

    /// Lift a restriction (DPO). The subject must be told before it is lifted (Art 18(3)):
    /// `informed_on` is the day they were told.
    pub fn lift_restriction(&self, ctx: &Context, subject_id: &str, informed_on: Date) -> AppResult<()> {
        self.require(ctx, Permission::ManageHolds, ObjectType::Subject, subject_id)?;
        if informed_on > self.today() {
            return Err(AppError::Invalid(FieldError::new("informed_on", "is in the future")));
        }
        let ev = self.event(
            ctx,
            Action::RestrictionLift,
            subject_id,
            Outcome::Success,
            format!("informed_on={informed_on}"),
        );
        if !self.store.lift_restriction(subject_id, &ev)? {
            return Err(AppError::NotFound(format!("restriction on subject {subject_id}")));
        }
        Ok(())
    }
}
