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
use crate::clock::RequestClock;
use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};
use utoipa::ToSchema;

mod assess;

pub use assess::assess;

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

#[cfg(test)]
mod tests;
