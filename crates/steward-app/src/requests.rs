//! Rights requests and complaints: logging them, recording what happens, and showing
//! each with its statutory and policy due dates (see `steward_core::request`).
//! Audit entries carry ids and event kinds only, never personal data.

use crate::{App, AppError, AppResult, Context};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_core::calendar::Calendar;
use steward_core::request::{
    Assessment, Channel, DecisionOutcome, DueBasis, EventKind, MadeBy, PolicyTarget, RequestEvent, RequestKind,
    RequestStatus, assess,
};
use steward_core::time::{Clock, SystemClock};
use steward_core::{FieldError, Permission, Region};
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
    /// Who made it on the subject's behalf, and their authority (required when `made_by`
    /// is `representative`).
    #[serde(default)]
    pub representative: Option<Representative>,
}

/// The capacity in which someone acts for the subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Capacity {
    /// A solicitor or other legal representative.
    Solicitor,
    /// A parent or guardian of a child (ICO: consider whether the child is mature enough
    /// to act for themselves, usually from about 12).
    ParentOrGuardian,
    /// An attorney under a lasting or enduring power of attorney, or a deputy appointed
    /// by the Court of Protection.
    Attorney,
    /// An advocate, support worker or advice agency.
    Advocate,
    /// A relative or friend acting with written authority.
    RelativeOrFriend,
    /// Someone else acting with written authority.
    Other,
}

impl Capacity {
    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            Capacity::Solicitor => "Solicitor or legal representative",
            Capacity::ParentOrGuardian => "Parent or guardian",
            Capacity::Attorney => "Attorney or court-appointed deputy",
            Capacity::Advocate => "Advocate, support worker or advice agency",
            Capacity::RelativeOrFriend => "Relative or friend with written authority",
            Capacity::Other => "Someone else with written authority",
        }
    }
}

/// Someone making a request for the subject. ICO "Right of access": a request may be made
/// through a third party; the controller must be satisfied that they are entitled to act
/// (written authority, a power of attorney, parental responsibility) before disclosing.
/// Sealed at rest: it names a person.
#[derive(Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Representative {
    /// Their name.
    pub name: String,
    /// In what capacity they act.
    pub capacity: Capacity,
    /// The evidence of authority given (e.g. "signed letter of authority dated 2 March").
    pub evidence: String,
    /// The day the evidence was received, when it has been.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub evidence_received_on: Option<Date>,
}

impl std::fmt::Debug for Representative {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Representative").field("capacity", &self.capacity).finish_non_exhaustive()
    }
}

/// Longest representative name and evidence accepted (characters).
const MAX_REPRESENTATIVE: usize = 500;

fn check_representative(made_by: MadeBy, r: Option<Representative>, today: Date) -> AppResult<Option<Representative>> {
    match (made_by, r) {
        (MadeBy::Subject, None) => Ok(None),
        (MadeBy::Subject, Some(_)) => Err(AppError::Invalid(FieldError::new(
            "representative",
            "is only for requests made by a representative (set made_by to representative)",
        ))),
        (MadeBy::Representative, None) => Err(AppError::Invalid(FieldError::new(
            "representative",
            "give the representative's name, capacity and evidence of authority",
        ))),
        (MadeBy::Representative, Some(mut r)) => {
            r.name = r.name.trim().to_string();
            r.evidence = r.evidence.trim().to_string();
            if r.name.is_empty() || r.name.chars().count() > MAX_REPRESENTATIVE {
                return Err(AppError::Invalid(FieldError::new(
                    "representative.name",
                    format!("must be 1 to {MAX_REPRESENTATIVE} characters"),
                )));
            }
            if r.evidence.is_empty() || r.evidence.chars().count() > MAX_REPRESENTATIVE {
                return Err(AppError::Invalid(FieldError::new(
                    "representative.evidence",
                    format!("say what evidence of authority was given, in 1 to {MAX_REPRESENTATIVE} characters"),
                )));
            }
            if r.evidence_received_on.is_some_and(|d| d > today) {
                return Err(AppError::Invalid(FieldError::new(
                    "representative.evidence_received_on",
                    "is in the future",
                )));
            }
            Ok(Some(r))
        }
    }
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
    /// The representative and their authority (shown on one request, not in lists).
    pub representative: Option<Representative>,
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

/// Today in the UK (Europe/London) by the system clock; the system's own zone if the
/// time-zone database lacks it. Prefer [`App::today`], which reads the app's clock.
pub fn uk_today() -> Date {
    SystemClock.today()
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

/// An event's details as stored. Reasons and notes are free text staff type, which may
/// name people, so they are sealed under the keyring (base64) with the event's id as
/// associated data; outcome and ground are codes.
#[derive(Serialize, Deserialize, Default)]
struct Detail {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason_sealed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    outcome: Option<steward_core::request::DecisionOutcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ground: Option<steward_core::request::RefusalGround>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note_sealed: Option<String>,
}

fn representative_aad(id: &str) -> String {
    format!("request_representative:{id}")
}

fn event_aad(event_id: &str, field: &str) -> String {
    format!("request_event:{event_id}:{field}")
}

impl App {
    fn seal_text(&self, aad: &str, text: Option<&String>) -> AppResult<Option<String>> {
        use base64::Engine as _;
        text.map(|t| {
            let sealed = self.keys.seal_secret(aad, t.as_bytes()).map_err(AppError::from)?;
            Ok(base64::engine::general_purpose::STANDARD.encode(sealed))
        })
        .transpose()
    }

    fn open_text(&self, aad: &str, sealed: Option<&String>) -> AppResult<Option<String>> {
        use base64::Engine as _;
        sealed
            .map(|b| {
                let bytes = base64::engine::general_purpose::STANDARD.decode(b).map_err(|_| corrupt("event detail"))?;
                let plain = self.keys.open_secret(aad, &bytes).map_err(AppError::from)?;
                String::from_utf8(plain).map_err(|_| corrupt("event detail"))
            })
            .transpose()
    }

    fn to_event(&self, e: &RequestEventRow) -> AppResult<RequestEvent> {
        let d: Detail = serde_json::from_str(&e.detail_json).map_err(|_| corrupt("event detail"))?;
        Ok(RequestEvent {
            kind: parse(&e.kind, "event kind")?,
            on: parse(&e.on_date, "event date")?,
            reason: self.open_text(&event_aad(&e.id, "reason"), d.reason_sealed.as_ref())?,
            outcome: d.outcome,
            ground: d.ground,
            note: self.open_text(&event_aad(&e.id, "note"), d.note_sealed.as_ref())?,
        })
    }

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
        let events = rows.iter().map(|e| self.to_event(e)).collect::<AppResult<Vec<_>>>()?;
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
        let representative = match (&q.representative, with_events) {
            (Some(sealed), true) => {
                let json = self.keys.open_secret(&representative_aad(&q.id), sealed).map_err(AppError::from)?;
                Some(serde_json::from_slice(&json).map_err(|_| corrupt("representative"))?)
            }
            _ => None,
        };
        Ok(RequestView {
            representative,
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
        let Some(user) = ctx.need_to_know_key() else { return Ok(true) };
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
            self.store.audit(&self.event(ctx, Action::RequestNeedToKnow, id, Outcome::Denied, ""))?;
            return Err(AppError::NotFound(format!("request {id}")));
        }
        Ok((q, events))
    }

    /// Log a new request (staff may). The subject, when given, must exist.
    pub fn create_request(&self, ctx: &Context, input: NewRequest) -> AppResult<RequestView> {
        self.require(ctx, Permission::SubjectCreate, ObjectType::Request, "")?;
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
        if let Some(u) = &input.assigned_to {
            self.check_request_assignee(u)?;
        }
        let region = match input.region {
            Some(r) => r,
            None => self.org_settings()?.region,
        };
        let representative = check_representative(input.made_by, input.representative, self.today())?;
        let policy = self.policy_target(input.kind)?;
        let a = assess(input.kind, input.received_on, &[], &Calendar::new(region), policy, self.today())?;
        let now = self.now_text();
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
            representative: None,
        };
        if let Some(r) = &representative {
            let json = serde_json::to_vec(r).map_err(|e| AppError::Io(format!("cannot encode: {e}")))?;
            row.representative =
                Some(self.keys.seal_secret(&representative_aad(&row.id), &json).map_err(AppError::from)?);
        }
        let ev = self.event(ctx, Action::RequestCreate, &row.id, Outcome::Success, format!("kind={}", input.kind));
        row.reference = self.store.insert_request(&row, &ev)?;
        self.create_request_steps(&row.id, input.kind)?;
        self.request_view(row, &[], true)
    }

    /// Record what happened to a request; its status and due dates follow.
    pub fn record_request_event(&self, ctx: &Context, id: &str, event: RequestEvent) -> AppResult<RequestView> {
        self.require(ctx, Permission::SubjectUpdate, ObjectType::Request, id)?;
        let (q, rows) = self.load_request(ctx, id)?;
        let mut events = rows.iter().map(|e| self.to_event(e)).collect::<AppResult<Vec<_>>>()?;
        let kind: EventKind = event.kind;
        events.push(event.clone());
        let (a, _) = self.assess_row(&q, &events, self.today())?;
        let event_id = uuid::Uuid::now_v7().to_string();
        let detail = Detail {
            reason_sealed: self.seal_text(&event_aad(&event_id, "reason"), event.reason.as_ref())?,
            outcome: event.outcome,
            ground: event.ground,
            note_sealed: self.seal_text(&event_aad(&event_id, "note"), event.note.as_ref())?,
        };
        let now = self.now_text();
        let row = RequestEventRow {
            id: event_id,
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
        let request_kind: RequestKind = parse(&updated.kind, "kind")?;
        if kind == EventKind::Closed {
            self.ensure_closable(request_kind, id)?;
        }
        let granted = kind == EventKind::Decision && event.outcome == Some(DecisionOutcome::Granted);
        let approved = kind == EventKind::Decision
            && matches!(event.outcome, Some(DecisionOutcome::Granted | DecisionOutcome::PartlyGranted));
        // A granted objection to direct marketing is absolute (Art 21(3)): the subject's
        // contacts go on the suppression list before the decision is recorded, so a
        // failure leaves the request undecided rather than the objection unhonoured.
        if request_kind == RequestKind::ObjectionDirectMarketing
            && granted
            && let Some(subject) = &updated.subject_id
        {
            let rows = self.subject_suppression_rows(subject, Some(id), "objection_granted")?;
            let detail = format!("reason=objection_granted request={id} identifiers={}", rows.len());
            let sev = self.event(ctx, Action::SuppressionAdd, subject, Outcome::Success, detail);
            self.store.add_suppressions(&rows, &sev)?;
        }
        // Approving erasure (Art 17) is the DPO's decision; a legal hold stops it, and the
        // subject's contacts are read for the suppression list while they still can be.
        let mut erase: Option<(String, Vec<steward_store::SuppressionRow>)> = None;
        if request_kind == RequestKind::Erasure && approved {
            self.require(ctx, Permission::SubjectErase, ObjectType::Request, id)?;
            let Some(subject) = updated.subject_id.clone() else {
                return Err(AppError::Invalid(FieldError::new(
                    "subject_id",
                    "link the request to the subject on record before approving erasure",
                )));
            };
            self.ensure_no_hold(&subject)?;
            let rows = match self.store.subject(&subject)? {
                SubjectLookup::Found(_) if granted => self.subject_suppression_rows(&subject, Some(id), "erased")?,
                _ => Vec::new(),
            };
            erase = Some((subject, rows));
        }
        if request_kind == RequestKind::Restriction && granted && updated.subject_id.is_none() {
            return Err(AppError::Invalid(FieldError::new(
                "subject_id",
                "link the request to the subject on record before granting restriction",
            )));
        }
        let ev = self.event(ctx, Action::RequestEvent, id, Outcome::Success, format!("kind={kind} seq={}", row.seq));
        self.store.append_request_event(&row, &updated, &ev)?;
        if let Some((subject, rows)) = erase {
            if granted && matches!(self.store.subject(&subject)?, SubjectLookup::Found(_)) {
                self.erase_subject(ctx, &subject, "erasure_request", Some(&updated.reference))?;
            }
            if !rows.is_empty() {
                let detail = format!("reason=erased request={id} identifiers={}", rows.len());
                let sev = self.event(ctx, Action::SuppressionAdd, &subject, Outcome::Success, detail);
                self.store.add_suppressions(&rows, &sev)?;
            }
            let systems = self.systems_to_erase(&subject)?;
            self.create_erasure_tasks(ctx, id, &subject, &systems)?;
        }
        if request_kind == RequestKind::Restriction
            && granted
            && let Some(subject) = &updated.subject_id
            && self.store.restriction(subject)?.is_none()
        {
            self.restrict_subject(ctx, subject, crate::erasure::RestrictionGround::AtRequest, Some(id))?;
        }
        let (q, rows) = self.load_request(ctx, id)?;
        self.request_view(q, &rows, true)
    }

    /// A request may close only when every checklist step is done and, for erasure, every
    /// system and processor has confirmed (Art 19: erasure is communicated to each
    /// recipient and tracked to its end).
    fn ensure_closable(&self, kind: RequestKind, id: &str) -> AppResult<()> {
        let open = self.open_steps(id)?;
        if !open.is_empty() {
            let shown: Vec<&str> = open.iter().take(5).map(String::as_str).collect();
            let more = if open.len() > 5 { format!(" and {} more", open.len() - 5) } else { String::new() };
            return Err(AppError::Invalid(FieldError::new(
                "kind",
                format!(
                    "{} checklist step(s) are still open ({}{more}); finish them before closing the request",
                    open.len(),
                    shown.join("; ")
                ),
            )));
        }
        if kind == RequestKind::Erasure {
            let pending = self.store.erasure_tasks(id)?.iter().filter(|t| t.status == "pending").count();
            if pending > 0 {
                return Err(AppError::Invalid(FieldError::new(
                    "kind",
                    format!("{pending} erasure task(s) still await confirmation; record each outcome before closing"),
                )));
            }
        }
        Ok(())
    }

    /// Check who a request may be given to: an active account, or a caseworker token that
    /// acts for the organisation (`token:<id>`, see [`App::check_case_assignee`]).
    fn check_request_assignee(&self, key: &str) -> AppResult<()> {
        if key.starts_with("token:") {
            return self.check_case_assignee(key, "assigned_to");
        }
        match self.store.user(key)? {
            None => Err(AppError::Invalid(FieldError::new("assigned_to", "names no user"))),
            Some(u) if u.disabled_at.is_some() => {
                Err(AppError::Invalid(FieldError::new("assigned_to", "names a disabled account")))
            }
            Some(_) => Ok(()),
        }
    }

    /// Assign a request to a user (or unassign with `None`); a caseworker assigned also
    /// gets access to the request's subject (need to know follows the work).
    pub fn assign_request(&self, ctx: &Context, id: &str, user_id: Option<&str>) -> AppResult<RequestView> {
        self.require(ctx, Permission::AssignCases, ObjectType::Request, id)?;
        let (q, _) = self.load_request(ctx, id)?;
        if let Some(u) = user_id {
            self.check_request_assignee(u)?;
        }
        let ev =
            self.event(ctx, Action::RequestAssign, id, Outcome::Success, format!("user={}", user_id.unwrap_or("-")));
        self.store.assign_request(id, user_id, &self.now_text(), &ev)?;
        if let (Some(u), Some(subject)) = (user_id, &q.subject_id)
            && matches!(self.store.subject(subject)?, SubjectLookup::Found(_))
        {
            self.grant_subject_for_request(subject, u, &q.reference)?;
        }
        let (q, rows) = self.load_request(ctx, id)?;
        self.request_view(q, &rows, true)
    }

    /// A request's kind, status and dates, without its events or representative: what
    /// forms need to decide what to offer. Not recorded as a view (it shows no personal
    /// data); need to know still applies.
    pub fn request_outline(&self, ctx: &Context, id: &str) -> AppResult<RequestView> {
        self.require(ctx, Permission::SubjectRead, ObjectType::Request, id)?;
        let (q, rows) = self.load_request(ctx, id)?;
        self.request_view(q, &rows, false)
    }

    /// The stored row of a request the caller may see.
    pub(crate) fn request_row_for(&self, ctx: &Context, id: &str) -> AppResult<RequestRow> {
        self.load_request(ctx, id).map(|(q, _)| q)
    }

    /// A request with its events, without recording a view (for derived documents that
    /// audit themselves).
    pub(crate) fn get_request_quiet(&self, ctx: &Context, id: &str) -> AppResult<RequestView> {
        let (q, rows) = self.load_request(ctx, id)?;
        self.request_view(q, &rows, true)
    }

    /// One request with its events (audited as a view).
    pub fn get_request(&self, ctx: &Context, id: &str) -> AppResult<RequestView> {
        self.require(ctx, Permission::SubjectRead, ObjectType::Request, id)?;
        let (q, rows) = self.load_request(ctx, id)?;
        self.store.audit(&self.event(ctx, Action::RequestView, id, Outcome::Success, ""))?;
        self.request_view(q, &rows, true)
    }

    /// Requests the caller may see, nearest due date first (at most 500).
    pub fn list_requests(&self, ctx: &Context, query: &RequestQuery) -> AppResult<Vec<RequestView>> {
        self.require(ctx, Permission::SubjectRead, ObjectType::Request, "")?;
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
