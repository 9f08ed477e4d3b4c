//! Rights requests and complaints: logging them, recording what happens, and showing
//! each with its statutory and policy due dates (see `steward_core::request`).
//! Audit entries carry ids and event kinds only, never personal data.

use crate::{App, AppError, AppResult, Context};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use steward_core::audit::Outcome;
use steward_core::calendar::Calendar;
use steward_core::request::{
    Assessment, Channel, DecisionOutcome, DueBasis, EventKind, MadeBy, PolicyTarget, RequestEvent, RequestKind,
    RequestStatus, assess,
};
use steward_core::{FieldError, Permission, Region, Role};
use steward_store::{RequestEventRow, RequestFilter, RequestRow, SubjectLookup};
use utoipa::ToSchema;

/// A request to log.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRequest {
    /// What is asked for.
    pub kind: RequestKind,
    /// The day it was received (`YYYY-MM-DD`), not in the future.
    #[schema(value_type = String, format = Date)]
    pub received_on: Date,
    /// The subject it is about, when already on record.
    #[serde(default)]
    pub subject_id: Option<String>,
    /// How it arrived.
    pub channel: Channel,
    /// Whose bank holidays apply; the organisation's region when absent.
    #[serde(default)]
    pub region: Option<Region>,
    /// Who made it (default `subject`).
    #[serde(default)]
    pub made_by: MadeBy,
    /// The user to work it.
    #[serde(default)]
    pub assigned_to: Option<String>,
}

/// One recorded event.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EventView {
    /// Position, from 1.
    pub seq: i64,
    /// What happened, when, and any reason or outcome.
    #[serde(flatten)]
    pub event: RequestEvent,
    /// Who recorded it.
    pub actor: String,
    /// When recorded (RFC 3339).
    pub created_at: String,
}

/// A request with its dates.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RequestView {
    /// Id.
    pub id: String,
    /// Reference for people.
    pub reference: String,
    /// Kind.
    pub kind: RequestKind,
    /// The subject, when known.
    pub subject_id: Option<String>,
    /// Who made it.
    pub made_by: MadeBy,
    /// How it arrived.
    pub channel: Channel,
    /// Whose bank holidays apply.
    pub region: Region,
    /// Day received.
    #[schema(value_type = String, format = Date)]
    pub received_on: Date,
    /// Where it stands.
    pub status: RequestStatus,
    /// The statutory due date.
    #[schema(value_type = String, format = Date)]
    pub statutory_due_on: Date,
    /// The organisation's policy due date.
    #[schema(value_type = String, format = Date)]
    pub policy_due_on: Date,
    /// The nearer of the two.
    #[schema(value_type = String, format = Date)]
    pub due_on: Date,
    /// Which one `due_on` is.
    pub due_basis: DueBasis,
    /// The policy target applied (`30d`, `72h`).
    pub policy_target: String,
    /// Last day to tell the requester of an extension (the un-extended statutory date).
    #[schema(value_type = String, format = Date)]
    pub extension_notice_by: Date,
    /// How the statutory date was worked out, step by step.
    pub explanation: Vec<String>,
    /// The user working it.
    pub assigned_to: Option<String>,
    /// Events, in order (empty in lists).
    pub events: Vec<EventView>,
    /// Created (RFC 3339).
    pub created_at: String,
    /// Last changed (RFC 3339).
    pub updated_at: String,
}

/// Filters for listing requests.
#[derive(Debug, Clone, Default)]
pub struct RequestQuery {
    /// Only this status.
    pub status: Option<RequestStatus>,
    /// Only those due before this day.
    pub due_before: Option<Date>,
}

/// Today in the UK (Europe/London), for "received in the future"; the system's own
/// zone if the time-zone database lacks it.
pub fn uk_today() -> Date {
    let now = jiff::Zoned::now();
    now.in_tz("Europe/London").map_or_else(|_| now.date(), |z| z.date())
}

/// Setting key of the policy target for `kind` (`30d` or `72h`).
pub fn policy_setting_key(kind: RequestKind) -> String {
    format!("policy_target.{kind}")
}

fn corrupt(what: &str) -> AppError {
    AppError::Store(steward_store::StoreError::Corrupt(format!("a stored request has a bad {what}")))
}

fn parse<T: std::str::FromStr>(s: &str, what: &str) -> AppResult<T> {
    s.parse().map_err(|_| corrupt(what))
}

#[derive(Serialize, Deserialize, Default)]
struct Detail {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    outcome: Option<steward_core::request::DecisionOutcome>,
}

fn to_event(e: &RequestEventRow) -> AppResult<RequestEvent> {
    let d: Detail = serde_json::from_str(&e.detail_json).map_err(|_| corrupt("event detail"))?;
    Ok(RequestEvent {
        kind: parse(&e.kind, "event kind")?,
        on: parse(&e.on_date, "event date")?,
        reason: d.reason,
        outcome: d.outcome,
    })
}

impl App {
    /// The policy target for `kind`: the setting `policy_target.<kind>` when set, else the default.
    pub fn policy_target(&self, kind: RequestKind) -> AppResult<PolicyTarget> {
        match self.store.setting(&policy_setting_key(kind))? {
            Some(v) if !v.trim().is_empty() => Ok(v.parse()?),
            _ => Ok(kind.default_policy_target()),
        }
    }

    fn assess_row(
        &self,
        q: &RequestRow,
        events: &[RequestEvent],
        today: Date,
    ) -> AppResult<(Assessment, PolicyTarget)> {
        let kind: RequestKind = parse(&q.kind, "kind")?;
        let region: Region = parse(&q.region, "region")?;
        let policy = self.policy_target(kind)?;
        let received: Date = parse(&q.received_on, "received date")?;
        Ok((assess(kind, received, events, &Calendar::new(region), policy, today)?, policy))
    }

    pub(crate) fn request_view(
        &self,
        q: RequestRow,
        rows: &[RequestEventRow],
        with_events: bool,
    ) -> AppResult<RequestView> {
        let events = rows.iter().map(to_event).collect::<AppResult<Vec<_>>>()?;
        // Events were checked against the day they were recorded; re-check with no upper bound.
        let (a, policy) = self.assess_row(&q, &events, Date::MAX)?;
        let views = if with_events {
            rows.iter()
                .zip(events)
                .map(|(r, event)| EventView {
                    seq: r.seq,
                    event,
                    actor: r.actor.clone(),
                    created_at: r.created_at.clone(),
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok(RequestView {
            kind: parse(&q.kind, "kind")?,
            made_by: parse(&q.made_by, "requester")?,
            channel: parse(&q.channel, "channel")?,
            region: parse(&q.region, "region")?,
            received_on: parse(&q.received_on, "received date")?,
            status: a.status,
            statutory_due_on: a.statutory_due_on,
            policy_due_on: a.policy_due_on,
            due_on: a.due_on,
            due_basis: a.due_basis,
            policy_target: policy.to_string(),
            extension_notice_by: a.extension_notice_by,
            explanation: a.explanation,
            events: views,
            id: q.id,
            reference: q.reference,
            subject_id: q.subject_id,
            assigned_to: q.assigned_to,
            created_at: q.created_at,
            updated_at: q.updated_at,
        })
    }

    /// Whether `ctx` may see request `q`: a caseworker signed in as a person only when it
    /// is assigned to them or about a subject they may open (need to know); others by role.
    fn may_see_request(&self, ctx: &Context, q: &RequestRow) -> AppResult<bool> {
        if ctx.role != Role::Caseworker {
            return Ok(true);
        }
        let Some(user) = ctx.actor.strip_prefix("user:") else { return Ok(true) };
        if q.assigned_to.as_deref() == Some(user) {
            return Ok(true);
        }
        match &q.subject_id {
            Some(s) => self.may_open_subject(ctx, s),
            None => Ok(false),
        }
    }

    pub(crate) fn load_request_for(&self, ctx: &Context, id: &str) -> AppResult<()> {
        self.load_request(ctx, id).map(|_| ())
    }

    pub(crate) fn load_request(&self, ctx: &Context, id: &str) -> AppResult<(RequestRow, Vec<RequestEventRow>)> {
        let (q, events) = self.store.request(id)?.ok_or_else(|| AppError::NotFound(format!("request {id}")))?;
        if !self.may_see_request(ctx, &q)? {
            self.store.audit(&ctx.event("request.need_to_know", "request", id, Outcome::Denied, ""))?;
            return Err(AppError::NotFound(format!("request {id}")));
        }
        Ok((q, events))
    }

    /// Log a new request (staff may). The subject, when given, must exist.
    pub fn create_request(&self, ctx: &Context, input: NewRequest) -> AppResult<RequestView> {
        self.require(ctx, Permission::SubjectCreate, "request", "")?;
        if let Some(s) = &input.subject_id {
            match self.store.subject(s)? {
                SubjectLookup::Found(_) => {}
                SubjectLookup::Erased(_) => {
                    return Err(AppError::Invalid(FieldError::new("subject_id", "names an erased subject")));
                }
                SubjectLookup::NotFound => {
                    return Err(AppError::Invalid(FieldError::new("subject_id", "names no subject on record")));
                }
            }
        }
        if let Some(u) = &input.assigned_to
            && self.store.user(u)?.is_none()
        {
            return Err(AppError::Invalid(FieldError::new("assigned_to", "names no user")));
        }
        let region = match input.region {
            Some(r) => r,
            None => self.org_settings()?.region,
        };
        let policy = self.policy_target(input.kind)?;
        let a = assess(input.kind, input.received_on, &[], &Calendar::new(region), policy, uk_today())?;
        let now = steward_store::now();
        let mut row = RequestRow {
            id: uuid::Uuid::now_v7().to_string(),
            reference: String::new(),
            kind: input.kind.as_str().into(),
            subject_id: input.subject_id,
            made_by: input.made_by.as_str().into(),
            channel: input.channel.as_str().into(),
            region: region.as_str().into(),
            received_on: input.received_on.to_string(),
            status: a.status.as_str().into(),
            statutory_due_on: a.statutory_due_on.to_string(),
            policy_due_on: a.policy_due_on.to_string(),
            due_on: a.due_on.to_string(),
            created_at: now.clone(),
            updated_at: now,
            assigned_to: input.assigned_to,
        };
        let ev = ctx.event("request.create", "request", &row.id, Outcome::Success, format!("kind={}", input.kind));
        row.reference = self.store.insert_request(&row, &ev)?;
        self.create_request_steps(&row.id, input.kind)?;
        self.request_view(row, &[], true)
    }

    /// Record what happened to a request; its status and due dates follow.
    pub fn record_request_event(&self, ctx: &Context, id: &str, event: RequestEvent) -> AppResult<RequestView> {
        self.require(ctx, Permission::SubjectUpdate, "request", id)?;
        let (q, rows) = self.load_request(ctx, id)?;
        let mut events = rows.iter().map(to_event).collect::<AppResult<Vec<_>>>()?;
        let kind: EventKind = event.kind;
        events.push(event.clone());
        let (a, _) = self.assess_row(&q, &events, uk_today())?;
        let detail = Detail { reason: event.reason.clone(), outcome: event.outcome };
        let now = steward_store::now();
        let row = RequestEventRow {
            id: uuid::Uuid::now_v7().to_string(),
            request_id: q.id.clone(),
            seq: rows.last().map_or(0, |r| r.seq) + 1,
            kind: kind.as_str().into(),
            on_date: event.on.to_string(),
            detail_json: serde_json::to_string(&detail)
                .map_err(|e| AppError::Io(format!("cannot encode event: {e}")))?,
            actor: ctx.actor.clone(),
            created_at: now.clone(),
        };
        let updated = RequestRow {
            status: a.status.as_str().into(),
            statutory_due_on: a.statutory_due_on.to_string(),
            policy_due_on: a.policy_due_on.to_string(),
            due_on: a.due_on.to_string(),
            updated_at: now,
            ..q
        };
        // A granted objection to direct marketing is absolute (Art 21(3)): the subject's
        // contacts go on the suppression list before the decision is recorded, so a
        // failure leaves the request undecided rather than the objection unhonoured.
        if updated.kind == RequestKind::ObjectionDirectMarketing.as_str()
            && kind == EventKind::Decision
            && event.outcome == Some(DecisionOutcome::Granted)
            && let Some(subject) = &updated.subject_id
        {
            let rows = self.subject_suppression_rows(subject, Some(id), "objection_granted")?;
            let detail = format!("reason=objection_granted request={id} identifiers={}", rows.len());
            let sev = ctx.event("suppression.add", "subject", subject, Outcome::Success, detail);
            self.store.add_suppressions(&rows, &sev)?;
        }
        let ev = ctx.event("request.event", "request", id, Outcome::Success, format!("kind={kind} seq={}", row.seq));
        self.store.append_request_event(&row, &updated, &ev)?;
        let (q, rows) = self.load_request(ctx, id)?;
        self.request_view(q, &rows, true)
    }

    /// One request with its events (audited as a view).
    pub fn get_request(&self, ctx: &Context, id: &str) -> AppResult<RequestView> {
        self.require(ctx, Permission::SubjectRead, "request", id)?;
        let (q, rows) = self.load_request(ctx, id)?;
        self.store.audit(&ctx.event("request.view", "request", id, Outcome::Success, ""))?;
        self.request_view(q, &rows, true)
    }

    /// Requests the caller may see, nearest due date first (at most 500).
    pub fn list_requests(&self, ctx: &Context, query: &RequestQuery) -> AppResult<Vec<RequestView>> {
        self.require(ctx, Permission::SubjectRead, "request", "")?;
        let filter = RequestFilter {
            status: query.status.map(|s| s.as_str().to_string()),
            due_before: query.due_before.map(|d| d.to_string()),
            limit: 500,
        };
        let mut out = Vec::new();
        for q in self.store.requests(&filter)? {
            if self.may_see_request(ctx, &q)? {
                out.push(self.request_view(q, &[], false)?);
            }
        }
        Ok(out)
    }
}
