//! Data-subject rights requests and complaints: their kinds, channels, status, the
//! events that happen to them, and the pure fold from a request's received date and
//! events to its statutory due date, its policy due date and the nearer of the two.
//!
//! Sources:
//!
//! * UK GDPR Art 12(3) (one month, extendable by two further months for complex or
//!   numerous requests, the requester told within the first month) and Art 12A (the clock
//!   starts when proof of identity arrives; clarification pauses), as amended by the Data
//!   (Use and Access) Act 2025; ICO guidance "Right of access", "How long do we have to
//!   comply?", which applies the same time limit to every right in Arts 15 to 22. The
//!   statutory date itself is worked out by [`crate::clock::RequestClock`].
//! * Withdrawal of consent (Art 7(3)) has no time limit of its own in the UK GDPR; it is
//!   tracked here on the same one-month clock as the other rights, the stricter reading.
//! * Complaints about the handling of personal data: DPA 2018 s164A (inserted by DUAA 2025)
//!   requires an acknowledgement within 30 days of receipt; that is the complaint's
//!   statutory due date here. Extensions, identity checks and clarification pauses are
//!   rights-request rules and do not apply to complaints.
//! * Policy targets are the organisation's own (its seed policies: access 30 calendar days;
//!   objection to direct marketing 72 hours; complaint acknowledgement 30 days); where
//!   stricter than the law they decide the date staff work to ([`Assessment::due_on`]).

use crate::CoreError;
use crate::calendar::Calendar;
use crate::clock::{Clarification, RequestClock};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};
use utoipa::ToSchema;

macro_rules! names {
    ($ty:ident, $what:literal, $($variant:ident => $name:literal),* $(,)?) => {
        impl $ty {
            /// Every value, in display order.
            pub const ALL: &[$ty] = &[$($ty::$variant),*];

            /// The stable machine name (snake_case).
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $name),* }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $ty {
            type Err = CoreError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| CoreError::Unknown {
                    kind: $what,
                    value: s.to_string(),
                    expected: [$($name),*].join(", "),
                })
            }
        }
    };
}

/// What the requester asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// Right of access (UK GDPR Art 15).
    Access,
    /// Rectification (Art 16).
    Rectification,
    /// Erasure (Art 17).
    Erasure,
    /// Restriction of processing (Art 18).
    Restriction,
    /// Data portability (Art 20).
    Portability,
    /// Objection to processing (Art 21(1)).
    Objection,
    /// Objection to direct marketing (Art 21(2)-(3)): an absolute right.
    ObjectionDirectMarketing,
    /// Review of a decision based solely on automated processing (Art 22, Arts 22A-22D).
    AutomatedDecisionReview,
    /// Withdrawal of consent (Art 7(3)).
    WithdrawConsent,
    /// A complaint about the organisation's handling of personal data (DPA 2018 s164A).
    Complaint,
}

names!(RequestKind, "request kind",
    Access => "access", Rectification => "rectification", Erasure => "erasure",
    Restriction => "restriction", Portability => "portability", Objection => "objection",
    ObjectionDirectMarketing => "objection_direct_marketing",
    AutomatedDecisionReview => "automated_decision_review", WithdrawConsent => "withdraw_consent",
    Complaint => "complaint",
);

impl RequestKind {
    /// The organisation's default internal target for this kind (see the module notes):
    /// access 30 calendar days, objection to direct marketing 72 hours, complaint
    /// acknowledgement 30 days; the other rights 30 calendar days, as access.
    pub fn default_policy_target(self) -> PolicyTarget {
        match self {
            RequestKind::ObjectionDirectMarketing => PolicyTarget::Hours(72),
            _ => PolicyTarget::CalendarDays(30),
        }
    }
}

/// How the request reached the organisation (a request is valid through any channel;
/// ICO "Right of access": "a request can be made verbally or in writing").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Email.
    Email,
    /// Letter.
    Letter,
    /// Telephone.
    Phone,
    /// A web form.
    WebForm,
    /// In person.
    InPerson,
    /// Social media.
    SocialMedia,
}

names!(Channel, "channel",
    Email => "email", Letter => "letter", Phone => "phone", WebForm => "web_form",
    InPerson => "in_person", SocialMedia => "social_media",
);

/// Who made the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum MadeBy {
    /// The data subject themselves.
    #[default]
    Subject,
    /// Someone acting for them (a solicitor, a parent, an advocate).
    Representative,
}

names!(MadeBy, "requester", Subject => "subject", Representative => "representative");

/// Where a request stands, derived from its events by [`assess`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// Received, being worked.
    Open,
    /// Proof of identity asked for and not yet received.
    AwaitingIdentity,
    /// Clarification asked for and not yet received (the clock is paused).
    AwaitingClarification,
    /// The time limit was extended by two months.
    Extended,
    /// Decided, response not yet sent.
    Decided,
    /// The response was sent.
    Responded,
    /// Closed.
    Closed,
}

names!(RequestStatus, "status",
    Open => "open", AwaitingIdentity => "awaiting_identity",
    AwaitingClarification => "awaiting_clarification", Extended => "extended",
    Decided => "decided", Responded => "responded", Closed => "closed",
);

/// What happened to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// Proof of identity (or a fee, where allowed) asked for.
    IdentityRequested,
    /// Proof of identity (or the fee) received: the clock starts again, whole (Art 12A).
    IdentityReceived,
    /// Clarification asked for: the clock pauses (Art 12A).
    ClarificationAsked,
    /// Clarification received: the clock runs again.
    ClarificationReceived,
    /// Time limit extended by two further months (Art 12(3)); needs a reason.
    Extended,
    /// The request was decided; needs an outcome.
    Decision,
    /// The response was sent to the requester.
    ResponseSent,
    /// The case was closed.
    Closed,
}

names!(EventKind, "event kind",
    IdentityRequested => "identity_requested", IdentityReceived => "identity_received",
    ClarificationAsked => "clarification_asked", ClarificationReceived => "clarification_received",
    Extended => "extended", Decision => "decision", ResponseSent => "response_sent", Closed => "closed",
);

/// The outcome of a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionOutcome {
    /// Granted in full.
    Granted,
    /// Granted in part.
    PartlyGranted,
    /// Refused (manifestly unfounded or excessive, or an exemption applies).
    Refused,
}

/// Why a request is refused in whole or part. Each ground names its source; which
/// grounds a kind of request may be refused on is [`RefusalGround::applies_to`].
///
/// Sources: UK GDPR Art 12(5) (manifestly unfounded or excessive, any right); Art 17(3)
/// (erasure: freedom of expression, legal obligation or public task, public health,
/// archiving and research, legal claims); Art 21(1) (general objection: compelling
/// legitimate grounds, legal claims); Art 18(2) and 21(1) legal claims; Art 20(1)
/// (portability only covers data provided by the subject and processed by automated
/// means on consent or contract); Art 22(2) (automated decisions necessary for a
/// contract, authorised by law, or with explicit consent); Art 12(2) and 11(2) (the
/// requester not identified); DPA 2018 Schedules 2 to 4 (exemptions, see the response
/// pack's exemption list). The right to object to direct marketing is absolute
/// (Art 21(3)): only the Art 12(5) grounds and identity may refuse it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RefusalGround {
    /// Manifestly unfounded (Art 12(5)).
    ManifestlyUnfounded,
    /// Manifestly excessive (Art 12(5)).
    ManifestlyExcessive,
    /// The requester's identity could not be confirmed (Art 12(2), 12(6)).
    IdentityNotConfirmed,
    /// An exemption in DPA 2018 Schedules 2 to 4 applies.
    Exemption,
    /// The right does not apply to this processing (e.g. portability beyond Art 20(1),
    /// erasure where no Art 17(1) ground holds).
    RightDoesNotApply,
    /// Needed to comply with a legal obligation or perform a public task (Art 17(3)(b)).
    LegalObligation,
    /// Needed for reasons of public interest in public health (Art 17(3)(c)).
    PublicHealth,
    /// Archiving, research or statistics (Art 17(3)(d)).
    ArchivingResearch,
    /// Freedom of expression and information (Art 17(3)(a)).
    FreedomOfExpression,
    /// Needed to establish, exercise or defend legal claims (Art 17(3)(e), 18(2), 21(1)).
    LegalClaims,
    /// Compelling legitimate grounds that override the subject's interests (Art 21(1)).
    CompellingLegitimateGrounds,
    /// The automated decision is necessary for a contract, authorised by law, or based on
    /// explicit consent (Art 22(2)).
    AutomatedDecisionPermitted,
}

names!(RefusalGround, "refusal ground",
    ManifestlyUnfounded => "manifestly_unfounded", ManifestlyExcessive => "manifestly_excessive",
    IdentityNotConfirmed => "identity_not_confirmed", Exemption => "exemption",
    RightDoesNotApply => "right_does_not_apply", LegalObligation => "legal_obligation",
    PublicHealth => "public_health", ArchivingResearch => "archiving_research",
    FreedomOfExpression => "freedom_of_expression", LegalClaims => "legal_claims",
    CompellingLegitimateGrounds => "compelling_legitimate_grounds",
    AutomatedDecisionPermitted => "automated_decision_permitted",
);

impl RefusalGround {
    /// The legal source, as cited to the requester.
    pub fn citation(self) -> &'static str {
        use RefusalGround::*;
        match self {
            ManifestlyUnfounded | ManifestlyExcessive => "UK GDPR Art 12(5)",
            IdentityNotConfirmed => "UK GDPR Art 12(2) and 12(6)",
            Exemption => "DPA 2018 Schedules 2 to 4",
            RightDoesNotApply => "UK GDPR Arts 17(1), 18(1), 20(1), 21(1) and 22(1)",
            LegalObligation => "UK GDPR Art 17(3)(b)",
            PublicHealth => "UK GDPR Art 17(3)(c)",
            ArchivingResearch => "UK GDPR Art 17(3)(d)",
            FreedomOfExpression => "UK GDPR Art 17(3)(a)",
            LegalClaims => "UK GDPR Arts 17(3)(e), 18(2) and 21(1)",
            CompellingLegitimateGrounds => "UK GDPR Art 21(1)",
            AutomatedDecisionPermitted => "UK GDPR Art 22(2)",
        }
    }

    /// A plain-English description for staff and letters.
    pub fn label(self) -> &'static str {
        use RefusalGround::*;
        match self {
            ManifestlyUnfounded => "The request is manifestly unfounded",
            ManifestlyExcessive => "The request is manifestly excessive",
            IdentityNotConfirmed => "We could not confirm the requester's identity",
            Exemption => "An exemption in the Data Protection Act 2018 applies",
            RightDoesNotApply => "The right does not apply to this processing",
            LegalObligation => "We must keep the data to meet a legal obligation or carry out a public task",
            PublicHealth => "The data is needed for public health reasons",
            ArchivingResearch => "The data is needed for archiving, research or statistics",
            FreedomOfExpression => "The data is needed for freedom of expression and information",
            LegalClaims => "The data is needed to establish, exercise or defend legal claims",
            CompellingLegitimateGrounds => "Compelling legitimate grounds override the objection",
            AutomatedDecisionPermitted => {
                "The automated decision is necessary for a contract, authorised by law or based on explicit consent"
            }
        }
    }

    /// Whether a request of `kind` may be refused on this ground (see the type's notes).
    /// Complaints are not refused on grounds: their outcome is upheld or not.
    pub fn applies_to(self, kind: RequestKind) -> bool {
        use RefusalGround::*;
        use RequestKind as K;
        match self {
            ManifestlyUnfounded | ManifestlyExcessive | IdentityNotConfirmed => kind != K::Complaint,
            Exemption => matches!(
                kind,
                K::Access | K::Portability | K::Rectification | K::Erasure | K::Restriction | K::Objection
            ),
            RightDoesNotApply => {
                matches!(kind, K::Erasure | K::Restriction | K::Portability | K::Objection | K::AutomatedDecisionReview)
            }
            LegalObligation | PublicHealth | ArchivingResearch | FreedomOfExpression => kind == K::Erasure,
            LegalClaims => matches!(kind, K::Erasure | K::Restriction | K::Objection),
            CompellingLegitimateGrounds => kind == K::Objection,
            AutomatedDecisionPermitted => kind == K::AutomatedDecisionReview,
        }
    }

    /// The grounds a request of `kind` may be refused on, in display order.
    pub fn for_kind(kind: RequestKind) -> Vec<RefusalGround> {
        Self::ALL.iter().copied().filter(|g| g.applies_to(kind)).collect()
    }
}

/// One event of a request, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestEvent {
    /// What happened.
    pub kind: EventKind,
    /// The day it happened (`YYYY-MM-DD`).
    #[schema(value_type = String, format = Date)]
    pub on: Date,
    /// Why: required for `extended` (the requester must be told the reasons, Art 12(3))
    /// and for a decision that refuses in whole or part (Art 12(4)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The outcome (required for `decision`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<DecisionOutcome>,
    /// The ground of a refusal (required when a rights request is refused; optional when
    /// partly granted; never when granted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ground: Option<RefusalGround>,
    /// What was asked for or received, for identity checks and clarification (e.g.
    /// "photo ID and a recent utility bill"; "which years of repair records").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Longest reason accepted (characters).
pub const MAX_REASON: usize = 2000;

/// An organisation's internal target for answering one kind of request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PolicyTarget {
    /// This many calendar days after the clock starts.
    CalendarDays(u32),
    /// This many hours from the start (00:00) of the day the clock starts.
    Hours(u32),
}

impl PolicyTarget {
    /// The policy due date for a clock that starts on `start`.
    ///
    /// Calendar days: `start` + n days (30 days from 3 September is 3 October).
    ///
    /// Hours: a simplification, as only the date of receipt is recorded and not the
    /// time: the hours are counted from the start (00:00) of the day the clock starts, and
    /// the due date is the day in which they run out, so 72 hours from Monday 00:00 run out
    /// at the end of Wednesday: due Wednesday (`start` + ceil(n / 24) - 1 days, and never
    /// before `start`). This is never later than counting from the real time of receipt.
    pub fn due_on(self, start: Date) -> Result<Date, CoreError> {
        let days = match self {
            PolicyTarget::CalendarDays(n) => i64::from(n),
            PolicyTarget::Hours(h) => (i64::from(h).max(1) + 23) / 24 - 1,
        };
        start.checked_add(days.days()).map_err(|_| CoreError::invalid("received_on", "is too late"))
    }
}

impl fmt::Display for PolicyTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyTarget::CalendarDays(n) => write!(f, "{n}d"),
            PolicyTarget::Hours(n) => write!(f, "{n}h"),
        }
    }
}

impl FromStr for PolicyTarget {
    type Err = CoreError;
    /// `30d` (calendar days) or `72h` (hours), between 1 and 3660 days or 87840 hours.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || CoreError::invalid("policy_target", "must be a number of days or hours, such as 30d or 72h");
        let s = s.trim();
        let (n, unit) = s.split_at(s.len().saturating_sub(1));
        let n: u32 = n.parse().map_err(|_| bad())?;
        match unit {
            "d" if (1..=3660).contains(&n) => Ok(PolicyTarget::CalendarDays(n)),
            "h" if (1..=87_840).contains(&n) => Ok(PolicyTarget::Hours(n)),
            _ => Err(bad()),
        }
    }
}

/// Which due date is the nearer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DueBasis {
    /// The statutory date (equal to or before the policy date).
    Statutory,
    /// The organisation's policy date.
    Policy,
}

/// Days a complaint must be acknowledged within (DPA 2018 s164A(3)(a) as inserted by DUAA 2025).
pub const COMPLAINT_ACKNOWLEDGE_DAYS: i64 = 30;

/// A request's state and dates, folded from its received date and events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    /// Where it stands.
    pub status: RequestStatus,
    /// The clock's inputs (received date, identity, closed pauses, extension).
    pub clock: RequestClock,
    /// The day the clock (re)started.
    pub start: Date,
    /// The statutory due date.
    pub statutory_due_on: Date,
    /// The un-extended statutory due date: the last day to tell the requester of an
    /// extension (Art 12(3)).
    pub extension_notice_by: Date,
    /// The policy due date.
    pub policy_due_on: Date,
    /// The nearer of the two.
    pub due_on: Date,
    /// Which one `due_on` is.
    pub due_basis: DueBasis,
    /// The statutory reasoning in plain English.
    pub explanation: Vec<String>,
}

fn refuse(field: &str, message: impl Into<String>) -> CoreError {
    CoreError::invalid(field, message)
}

/// A decision's outcome, ground and reason must fit together: a refusal in whole or part
/// gives its reasons (Art 12(4): the requester is told the reasons and the right to
/// complain); a refused rights request names a ground the kind may be refused on
/// ([`RefusalGround::applies_to`]); a full grant names none. Complaints are upheld
/// (`granted`), partly upheld or not upheld (`refused`), with reasons but no ground.
fn check_decision(kind: RequestKind, ev: &RequestEvent) -> Result<(), CoreError> {
    let Some(outcome) = ev.outcome else {
        return Err(refuse("outcome", "say whether the request was granted, partly granted or refused"));
    };
    let has_reason = ev.reason.as_deref().is_some_and(|r| !r.trim().is_empty());
    let complaint = kind == RequestKind::Complaint;
    match outcome {
        DecisionOutcome::Granted => {
            if ev.ground.is_some() {
                return Err(refuse("ground", "is only for refusals; a granted request has no ground of refusal"));
            }
        }
        DecisionOutcome::PartlyGranted | DecisionOutcome::Refused => {
            if !has_reason {
                return Err(refuse(
                    "reason",
                    "give the reasons: the requester must be told why, and of the right to complain to the ICO (Art 12(4))",
                ));
            }
            if complaint && ev.ground.is_some() {
                return Err(refuse("ground", "complaints are upheld or not; they have no ground of refusal"));
            }
            if !complaint && outcome == DecisionOutcome::Refused && ev.ground.is_none() {
                return Err(refuse("ground", "name the ground of refusal"));
            }
        }
    }
    if let Some(g) = ev.ground
        && !g.applies_to(kind)
    {
        let allowed: Vec<&str> = RefusalGround::for_kind(kind).iter().map(|g| g.as_str()).collect();
        return Err(refuse(
            "ground",
            format!("{g} is not a ground for refusing a {kind} request; the grounds are: {}", allowed.join(", ")),
        ));
    }
    Ok(())
}

/// Fold a request of `kind` received on `received` and its `events` (in the order they
/// were recorded) into its status and due dates, refusing an impossible history.
///
/// `today` bounds every date (nothing can be received or happen in the future). The
/// rules, each refused with the field at fault (`received_on`, `on`, `kind`, `reason`,
/// `outcome`) and a message saying why:
///
/// * events are recorded in date order, none before the request was received;
/// * nothing may follow `closed`, and `closed` needs a `response_sent` first and no
///   clarification still awaited;
/// * `identity_received` at most once; `clarification_received` only while one is
///   awaited; `clarification_asked` not while one is awaited;
/// * `extended` at most once, with a reason, on or before the un-extended due date (the
///   requester must be told within the first month, Art 12(3)); never for complaints;
/// * `decision` needs an outcome, at most once; `response_sent` at most once.
///
/// An open clarification pause does not move the due date until the answer arrives (the
/// number of days is not known yet); the status says the clock is paused.
pub fn assess(
    kind: RequestKind,
    received: Date,
    events: &[RequestEvent],
    calendar: &Calendar,
    policy: PolicyTarget,
    today: Date,
) -> Result<Assessment, CoreError> {
    if received > today {
        return Err(refuse("received_on", "is in the future; record a request on or after the day it arrives"));
    }
    let complaint = kind == RequestKind::Complaint;
    let mut clock = RequestClock::new(received);
    let mut last = received;
    let (mut identity_asked, mut decided, mut responded, mut closed) = (false, false, false, false);
    let mut awaiting: Option<Date> = None;
    for ev in events {
        if closed {
            return Err(refuse("kind", "the request is closed; nothing can be recorded after closing"));
        }
        if ev.on > today {
            return Err(refuse("on", "is in the future"));
        }
        if ev.on < received {
            return Err(refuse("on", "is before the request was received"));
        }
        if ev.on < last {
            return Err(refuse("on", format!("is before the last event recorded ({last}); record events in order")));
        }
        last = ev.on;
        if ev.reason.is_some() && !matches!(ev.kind, EventKind::Extended | EventKind::Decision) {
            return Err(refuse("reason", "is only for extensions and decisions"));
        }
        if ev.reason.as_deref().is_some_and(|r| r.chars().count() > MAX_REASON) {
            return Err(refuse("reason", format!("must be at most {MAX_REASON} characters")));
        }
        if ev.outcome.is_some() && ev.kind != EventKind::Decision {
            return Err(refuse("outcome", "is only for decisions"));
        }
        if ev.ground.is_some() && ev.kind != EventKind::Decision {
            return Err(refuse("ground", "is only for decisions"));
        }
        if ev.note.is_some()
            && !matches!(
                ev.kind,
                EventKind::IdentityRequested
                    | EventKind::IdentityReceived
                    | EventKind::ClarificationAsked
                    | EventKind::ClarificationReceived
            )
        {
            return Err(refuse("note", "is only for identity checks and clarification"));
        }
        if ev.note.as_deref().is_some_and(|r| r.chars().count() > MAX_REASON) {
            return Err(refuse("note", format!("must be at most {MAX_REASON} characters")));
        }
        let rights_only = matches!(
            ev.kind,
            EventKind::IdentityRequested
                | EventKind::IdentityReceived
                | EventKind::ClarificationAsked
                | EventKind::ClarificationReceived
                | EventKind::Extended
        );
        if complaint && rights_only {
            return Err(refuse(
                "kind",
                "identity checks, clarification pauses and extensions apply to rights requests, not complaints (DPA 2018 s164A)",
            ));
        }
        match ev.kind {
            EventKind::IdentityRequested => identity_asked = true,
            EventKind::IdentityReceived => {
                if clock.identity_received.is_some() {
                    return Err(refuse("kind", "proof of identity was already recorded as received"));
                }
                if !clock.clarifications.is_empty() || awaiting.is_some() {
                    return Err(refuse(
                        "kind",
                        "proof of identity must be recorded before any clarification (the clock restarts whole when it arrives)",
                    ));
                }
                clock.identity_received = Some(ev.on);
            }
            EventKind::ClarificationAsked => {
                if awaiting.is_some() {
                    return Err(refuse("kind", "a clarification is already awaited; record its answer first"));
                }
                awaiting = Some(ev.on);
            }
            EventKind::ClarificationReceived => {
                let Some(asked) = awaiting.take() else {
                    return Err(refuse("kind", "no clarification was asked for, so none can be received"));
                };
                clock.clarifications.push(Clarification { asked, answered: ev.on });
            }
            EventKind::Extended => {
                if clock.extended {
                    return Err(refuse("kind", "the time limit was already extended"));
                }
                if ev.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                    return Err(refuse(
                        "reason",
                        "give the reasons for the extension: the requester must be told them",
                    ));
                }
                let notice_by = clock.deadline(calendar)?.unextended_due;
                if ev.on > notice_by {
                    return Err(refuse(
                        "on",
                        format!(
                            "is after the first month ended on {notice_by}: an extension must be told to the requester within the first month (UK GDPR Art 12(3))"
                        ),
                    ));
                }
                clock.extended = true;
            }
            EventKind::Decision => {
                if decided {
                    return Err(refuse("kind", "a decision was already recorded"));
                }
                check_decision(kind, ev)?;
                decided = true;
            }
            EventKind::ResponseSent => {
                if responded {
                    return Err(refuse("kind", "the response was already recorded as sent"));
                }
                responded = true;
            }
            EventKind::Closed => {
                if awaiting.is_some() {
                    return Err(refuse("kind", "a clarification is still awaited; record its answer before closing"));
                }
                if !responded {
                    return Err(refuse("kind", "record the response as sent before closing the request"));
                }
                closed = true;
            }
        }
    }

    let (start, statutory_due_on, extension_notice_by, explanation) = if complaint {
        let due = received
            .checked_add(COMPLAINT_ACKNOWLEDGE_DAYS.days())
            .map_err(|_| refuse("received_on", "is too late"))?;
        let text = vec![
            format!("Complaint received on {}.", crate::clock::long(received)),
            format!("It must be acknowledged within {COMPLAINT_ACKNOWLEDGE_DAYS} days of receipt (DPA 2018 s164A)."),
            format!("Due date: {}.", crate::clock::long(due)),
        ];
        (received, due, due, text)
    } else {
        let d = clock.deadline(calendar)?;
        (d.start, d.due, d.extension_notice_by(), d.explain().to_vec())
    };
    let policy_due_on = policy.due_on(start)?;
    let (due_on, due_basis) = if policy_due_on < statutory_due_on {
        (policy_due_on, DueBasis::Policy)
    } else {
        (statutory_due_on, DueBasis::Statutory)
    };
    let status = if closed {
        RequestStatus::Closed
    } else if responded {
        RequestStatus::Responded
    } else if decided {
        RequestStatus::Decided
    } else if awaiting.is_some() {
        RequestStatus::AwaitingClarification
    } else if identity_asked && clock.identity_received.is_none() {
        RequestStatus::AwaitingIdentity
    } else if clock.extended {
        RequestStatus::Extended
    } else {
        RequestStatus::Open
    };
    Ok(Assessment {
        status,
        clock,
        start,
        statutory_due_on,
        extension_notice_by,
        policy_due_on,
        due_on,
        due_basis,
        explanation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const TODAY: Date = date(2030, 1, 1);

    fn ev(kind: EventKind, on: Date) -> RequestEvent {
        RequestEvent { kind, on, reason: None, outcome: None, ground: None, note: None }
    }

    fn run(kind: RequestKind, received: Date, events: &[RequestEvent]) -> Result<Assessment, CoreError> {
        assess(kind, received, events, &Calendar::default(), kind.default_policy_target(), TODAY)
    }

    fn field(r: Result<Assessment, CoreError>) -> String {
        match r {
            Err(CoreError::Invalid(f)) => f.field,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn worked_examples_beside_the_policy_target() {
        // uk-rules §1 (ICO): 3 Sep 2019 → 3 Oct 2019; policy 30 days → 3 Oct: the statutory date counts.
        let a = run(RequestKind::Access, date(2019, 9, 3), &[]).expect("valid");
        assert_eq!(
            (a.statutory_due_on, a.policy_due_on, a.due_on),
            (date(2019, 10, 3), date(2019, 10, 3), date(2019, 10, 3))
        );
        assert_eq!(a.due_basis, DueBasis::Statutory);
        // 31 Mar 2019 → 30 Apr 2019; 30 days → 30 Apr.
        let a = run(RequestKind::Access, date(2019, 3, 31), &[]).expect("valid");
        assert_eq!((a.statutory_due_on, a.policy_due_on), (date(2019, 4, 30), date(2019, 4, 30)));
        // 30 Jan 2019 → 28 Feb 2019; 30 days → 1 Mar, so the statutory date is the nearer.
        let a = run(RequestKind::Access, date(2019, 1, 30), &[]).expect("valid");
        assert_eq!(
            (a.statutory_due_on, a.policy_due_on, a.due_on),
            (date(2019, 2, 28), date(2019, 3, 1), date(2019, 2, 28))
        );
        assert_eq!(a.due_basis, DueBasis::Statutory);
        // 1 Jul 2019 → 1 Aug 2019 statutory; 30 days → 31 Jul, the policy date is the nearer.
        let a = run(RequestKind::Access, date(2019, 7, 1), &[]).expect("valid");
        assert_eq!(
            (a.statutory_due_on, a.policy_due_on, a.due_basis),
            (date(2019, 8, 1), date(2019, 7, 31), DueBasis::Policy)
        );
        assert_eq!(a.status, RequestStatus::Open);
    }

    #[test]
    fn hours_run_out_on_the_last_day_they_cover() {
        assert_eq!(PolicyTarget::Hours(72).due_on(date(2026, 3, 2)), Ok(date(2026, 3, 4)));
        assert_eq!(PolicyTarget::Hours(24).due_on(date(2026, 3, 2)), Ok(date(2026, 3, 2)));
        assert_eq!(PolicyTarget::Hours(25).due_on(date(2026, 3, 2)), Ok(date(2026, 3, 3)));
        let a = run(RequestKind::ObjectionDirectMarketing, date(2019, 9, 3), &[]).expect("valid");
        assert_eq!((a.policy_due_on, a.due_on, a.due_basis), (date(2019, 9, 5), date(2019, 9, 5), DueBasis::Policy));
    }

    #[test]
    fn policy_targets_parse() {
        assert_eq!("30d".parse(), Ok(PolicyTarget::CalendarDays(30)));
        assert_eq!("72h".parse(), Ok(PolicyTarget::Hours(72)));
        for bad in ["", "d", "0d", "30", "30w", "-3d"] {
            assert!(bad.parse::<PolicyTarget>().is_err(), "{bad}");
        }
        assert_eq!(PolicyTarget::Hours(72).to_string(), "72h");
    }

    #[test]
    fn complaints_are_acknowledged_within_30_days() {
        let a = run(RequestKind::Complaint, date(2026, 7, 1), &[]).expect("valid");
        assert_eq!(
            (a.statutory_due_on, a.policy_due_on, a.due_on),
            (date(2026, 7, 31), date(2026, 7, 31), date(2026, 7, 31))
        );
        let ext = RequestEvent { reason: Some("complex".into()), ..ev(EventKind::Extended, date(2026, 7, 2)) };
        assert_eq!(field(run(RequestKind::Complaint, date(2026, 7, 1), &[ext])), "kind");
    }

    #[test]
    fn identity_restarts_and_clarification_pauses() {
        let events = [ev(EventKind::IdentityRequested, date(2019, 9, 3))];
        let a = run(RequestKind::Access, date(2019, 9, 3), &events).expect("valid");
        assert_eq!(a.status, RequestStatus::AwaitingIdentity);
        let events =
            [ev(EventKind::IdentityRequested, date(2019, 9, 3)), ev(EventKind::IdentityReceived, date(2019, 9, 10))];
        let a = run(RequestKind::Access, date(2019, 9, 3), &events).expect("valid");
        assert_eq!(
            (a.status, a.statutory_due_on, a.policy_due_on),
            (RequestStatus::Open, date(2019, 10, 10), date(2019, 10, 10))
        );

        let asked = ev(EventKind::ClarificationAsked, date(2019, 9, 10));
        let a = run(RequestKind::Access, date(2019, 9, 3), std::slice::from_ref(&asked)).expect("valid");
        assert_eq!((a.status, a.statutory_due_on), (RequestStatus::AwaitingClarification, date(2019, 10, 3)));
        let events = [asked, ev(EventKind::ClarificationReceived, date(2019, 9, 12))];
        let a = run(RequestKind::Access, date(2019, 9, 3), &events).expect("valid");
        assert_eq!(
            (a.status, a.statutory_due_on),
            (RequestStatus::Open, date(2019, 10, 7)),
            "3 Oct + 3 days = Sun 6 Oct"
        );
    }

    #[test]
    fn extension_only_within_the_first_month() {
        let ext = |on| RequestEvent { reason: Some("numerous requests".into()), ..ev(EventKind::Extended, on) };
        let a = run(RequestKind::Access, date(2019, 9, 3), &[ext(date(2019, 10, 3))]).expect("on the last day");
        assert_eq!(
            (a.status, a.statutory_due_on, a.extension_notice_by),
            (RequestStatus::Extended, date(2019, 12, 3), date(2019, 10, 3))
        );
        assert_eq!(a.due_on, date(2019, 10, 3), "the policy date stays the nearer");
        assert_eq!(field(run(RequestKind::Access, date(2019, 9, 3), &[ext(date(2019, 10, 4))])), "on");
        let no_reason = ev(EventKind::Extended, date(2019, 9, 5));
        assert_eq!(field(run(RequestKind::Access, date(2019, 9, 3), &[no_reason])), "reason");
        assert_eq!(
            field(run(RequestKind::Access, date(2019, 9, 3), &[ext(date(2019, 9, 4)), ext(date(2019, 9, 5))])),
            "kind"
        );
    }

    #[test]
    fn out_of_order_histories_are_refused() {
        let r = date(2019, 9, 3);
        assert_eq!(field(run(RequestKind::Access, TODAY.tomorrow().expect("date"), &[])), "received_on");
        assert_eq!(field(run(RequestKind::Access, r, &[ev(EventKind::ResponseSent, date(2019, 9, 2))])), "on");
        let e = [ev(EventKind::ResponseSent, date(2019, 9, 9)), ev(EventKind::Decision, date(2019, 9, 8))];
        assert_eq!(field(run(RequestKind::Access, r, &e)), "on");
        assert_eq!(field(run(RequestKind::Access, r, &[ev(EventKind::ClarificationReceived, r)])), "kind");
        let e = [ev(EventKind::ClarificationAsked, r), ev(EventKind::ClarificationAsked, r)];
        assert_eq!(field(run(RequestKind::Access, r, &e)), "kind");
        assert_eq!(field(run(RequestKind::Access, r, &[ev(EventKind::Closed, r)])), "kind", "closing needs a response");
        let e = [ev(EventKind::ClarificationAsked, r), ev(EventKind::ResponseSent, r), ev(EventKind::Closed, r)];
        assert_eq!(field(run(RequestKind::Access, r, &e)), "kind", "closing with a clarification awaited");
        let e = [ev(EventKind::ResponseSent, r), ev(EventKind::Closed, r), ev(EventKind::Decision, r)];
        assert_eq!(field(run(RequestKind::Access, r, &e)), "kind", "nothing after closed");
        assert_eq!(field(run(RequestKind::Access, r, &[ev(EventKind::Decision, r)])), "outcome");
        assert_eq!(
            field(run(RequestKind::Access, r, &[ev(EventKind::Decision, TODAY.tomorrow().expect("date"))])),
            "on"
        );
    }

    #[test]
    fn a_full_history_ends_closed() {
        let r = date(2019, 9, 3);
        let e = [
            ev(EventKind::IdentityRequested, r),
            ev(EventKind::IdentityReceived, date(2019, 9, 4)),
            RequestEvent { outcome: Some(DecisionOutcome::Granted), ..ev(EventKind::Decision, date(2019, 9, 20)) },
            ev(EventKind::ResponseSent, date(2019, 9, 21)),
        ];
        assert_eq!(run(RequestKind::Access, r, &e[..3]).expect("valid").status, RequestStatus::Decided);
        assert_eq!(run(RequestKind::Access, r, &e).expect("valid").status, RequestStatus::Responded);
        let mut all = e.to_vec();
        all.push(ev(EventKind::Closed, date(2019, 9, 21)));
        assert_eq!(run(RequestKind::Access, r, &all).expect("valid").status, RequestStatus::Closed);
    }

    #[test]
    fn names_round_trip() {
        for k in RequestKind::ALL {
            assert_eq!(k.as_str().parse::<RequestKind>(), Ok(*k));
            assert_eq!(serde_json::to_value(k).expect("json"), serde_json::json!(k.as_str()));
        }
        for s in RequestStatus::ALL {
            assert_eq!(s.as_str().parse::<RequestStatus>(), Ok(*s));
            assert_eq!(serde_json::to_value(s).expect("json"), serde_json::json!(s.as_str()));
        }
        for c in Channel::ALL {
            assert_eq!(serde_json::to_value(c).expect("json"), serde_json::json!(c.as_str()));
        }
        for e in EventKind::ALL {
            assert_eq!(serde_json::to_value(e).expect("json"), serde_json::json!(e.as_str()));
        }
        assert!("parcel".parse::<RequestKind>().is_err());
    }

    fn decision(outcome: DecisionOutcome, ground: Option<RefusalGround>, reason: Option<&str>) -> RequestEvent {
        RequestEvent {
            outcome: Some(outcome),
            ground,
            reason: reason.map(str::to_string),
            ..ev(EventKind::Decision, date(2026, 3, 10))
        }
    }

    #[test]
    fn refusals_need_reasons_and_a_ground_the_kind_allows() {
        let r = date(2026, 3, 2);
        let d = |k, e: RequestEvent| run(k, r, &[e]);
        // Art 12(4): reasons for any refusal, in whole or part.
        let no_reason = decision(DecisionOutcome::Refused, Some(RefusalGround::ManifestlyExcessive), None);
        assert_eq!(field(d(RequestKind::Access, no_reason)), "reason");
        let blank = decision(DecisionOutcome::PartlyGranted, None, Some("  "));
        assert_eq!(field(d(RequestKind::Access, blank)), "reason");
        // A refused rights request names its ground.
        let no_ground = decision(DecisionOutcome::Refused, None, Some("third request this month"));
        assert_eq!(field(d(RequestKind::Access, no_ground)), "ground");
        let ok = decision(DecisionOutcome::Refused, Some(RefusalGround::ManifestlyExcessive), Some("repeats"));
        assert_eq!(d(RequestKind::Access, ok).expect("valid").status, RequestStatus::Decided);
        // Art 17(3)(b): a legal obligation refuses erasure, but not access.
        let legal = decision(DecisionOutcome::Refused, Some(RefusalGround::LegalObligation), Some("tenancy law"));
        assert!(d(RequestKind::Erasure, legal.clone()).is_ok());
        assert_eq!(field(d(RequestKind::Access, legal)), "ground");
        // Art 21(3): objection to direct marketing is absolute; no compelling grounds.
        let compelling =
            decision(DecisionOutcome::Refused, Some(RefusalGround::CompellingLegitimateGrounds), Some("needed"));
        assert_eq!(field(d(RequestKind::ObjectionDirectMarketing, compelling.clone())), "ground");
        assert!(d(RequestKind::Objection, compelling).is_ok());
        // A grant has no ground; complaints have reasons but no ground.
        let granted = decision(DecisionOutcome::Granted, Some(RefusalGround::Exemption), None);
        assert_eq!(field(d(RequestKind::Access, granted)), "ground");
        let not_upheld = decision(DecisionOutcome::Refused, None, Some("handled correctly"));
        assert!(d(RequestKind::Complaint, not_upheld).is_ok());
        let with_ground = decision(DecisionOutcome::Refused, Some(RefusalGround::Exemption), Some("x"));
        assert_eq!(field(d(RequestKind::Complaint, with_ground)), "ground");
        // Grounds only on decisions.
        let stray = RequestEvent { ground: Some(RefusalGround::Exemption), ..ev(EventKind::ResponseSent, r) };
        assert_eq!(field(d(RequestKind::Access, stray)), "ground");
    }

    #[test]
    fn every_rights_request_may_be_refused_as_manifestly_unfounded_and_has_grounds() {
        for k in RequestKind::ALL.iter().copied().filter(|k| *k != RequestKind::Complaint) {
            assert!(RefusalGround::ManifestlyUnfounded.applies_to(k), "{k}");
        }
        assert!(RefusalGround::for_kind(RequestKind::Complaint).is_empty());
        for g in RefusalGround::ALL {
            assert_eq!(g.as_str().parse::<RefusalGround>(), Ok(*g));
            assert!(g.citation().contains("Art") || g.citation().contains("DPA"));
        }
    }
}
