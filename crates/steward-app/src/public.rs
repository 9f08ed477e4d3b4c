//! Rights requests and complaints from the public form (no sign-in): validation,
//! anti-automation (a honeypot field, a signed render-time token, rate limits per
//! client), sealed storage under a fresh data key per submission, and the inbox
//! operations staff use afterwards.
//!
//! UK GDPR Articles 12 and 15–22 give people their rights; the Data Protection Act
//! 2018 s164A (from 19 June 2026) requires making complaints easy and acknowledging
//! them within 30 days.

use crate::AppError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use steward_core::FieldError;
use steward_store::StoreError;

mod form;
mod inbox;

/// Most characters in the details box.
pub const MAX_DETAILS: usize = 5_000;
/// A form sent sooner than this after it was shown is refused (people take longer).
pub const MIN_FORM_SECONDS: i64 = 3;
/// A form sent later than this after it was shown is refused (its token has expired).
pub const MAX_FORM_SECONDS: i64 = 2 * 60 * 60;
/// Submissions allowed per client in [`SHORT_WINDOW_SECONDS`].
pub const SHORT_WINDOW_MAX: i64 = 5;
/// The short rate-limit window: ten minutes.
pub const SHORT_WINDOW_SECONDS: i64 = 10 * 60;
/// Submissions allowed per client in [`DAY_WINDOW_SECONDS`].
pub const DAY_WINDOW_MAX: i64 = 20;
/// The long rate-limit window: a day.
pub const DAY_WINDOW_SECONDS: i64 = 24 * 60 * 60;
/// Submissions per inbox page.
pub const PAGE_SIZE: usize = 25;

/// Purpose string of form-token signatures.
const FORM_PURPOSE: &str = "public form";
/// Prefix of this form's rate-limit buckets.
const BUCKET_PREFIX: &str = "public-form:";
/// Letters and digits of references: no 0/O, 1/I/L or U, so they can be read out.
const REFERENCE_ALPHABET: &[u8; 30] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A request or a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubmissionKind {
    /// A request to use a data protection right.
    Request,
    /// A complaint about how the organisation handles personal data (DPA 2018 s164A).
    Complaint,
}

impl SubmissionKind {
    /// Stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            SubmissionKind::Request => "request",
            SubmissionKind::Complaint => "complaint",
        }
    }

    /// Name for people.
    pub fn label(self) -> &'static str {
        match self {
            SubmissionKind::Request => "Request",
            SubmissionKind::Complaint => "Complaint",
        }
    }

    /// Letters that start its references (`SR-…` for requests, `CP-…` for complaints).
    pub fn reference_prefix(self) -> &'static str {
        match self {
            SubmissionKind::Request => "SR",
            SubmissionKind::Complaint => "CP",
        }
    }

    /// From the machine name.
    pub fn parse(s: &str) -> Option<Self> {
        [SubmissionKind::Request, SubmissionKind::Complaint].into_iter().find(|k| k.as_str() == s)
    }

    /// The date by which the organisation must act on something received on
    /// `received`: a request is answered within one calendar month (UK GDPR Art 12(3);
    /// the last day of the next month when it has no matching day), a complaint
    /// acknowledged within 30 days (DPA 2018 s164A).
    pub fn due_by(self, received: jiff::civil::Date) -> jiff::civil::Date {
        let span = match self {
            SubmissionKind::Request => jiff::Span::new().months(1),
            SubmissionKind::Complaint => jiff::Span::new().days(30),
        };
        received.checked_add(span).unwrap_or(received)
    }
}

/// The data protection rights a request can be about, in plain English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Right {
    /// Art 15.
    Access,
    /// Art 16.
    Rectification,
    /// Art 17.
    Erasure,
    /// Art 18.
    Restriction,
    /// Art 20.
    Portability,
    /// Art 21(1).
    Objection,
    /// Art 21(2)–(3).
    DirectMarketing,
    /// Art 22.
    AutomatedDecision,
    /// Art 7(3).
    WithdrawConsent,
    /// The person is not sure which right applies.
    NotSure,
}

impl Right {
    /// Every right, in the order the form shows them.
    pub const ALL: [Right; 10] = [
        Right::Access,
        Right::Rectification,
        Right::Erasure,
        Right::Restriction,
        Right::Portability,
        Right::Objection,
        Right::DirectMarketing,
        Right::AutomatedDecision,
        Right::WithdrawConsent,
        Right::NotSure,
    ];

    /// Stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            Right::Access => "access",
            Right::Rectification => "rectification",
            Right::Erasure => "erasure",
            Right::Restriction => "restriction",
            Right::Portability => "portability",
            Right::Objection => "objection",
            Right::DirectMarketing => "direct_marketing",
            Right::AutomatedDecision => "automated_decision",
            Right::WithdrawConsent => "withdraw_consent",
            Right::NotSure => "not_sure",
        }
    }

    /// What the person wants, in their words.
    pub fn label(self) -> &'static str {
        match self {
            Right::Access => "Get a copy of the information you hold about me",
            Right::Rectification => "Correct information about me that is wrong or incomplete",
            Right::Erasure => "Delete information about me",
            Right::Restriction => "Limit how you use information about me",
            Right::Portability => "Get my information in a form I can take to another organisation",
            Right::Objection => "Object to how you use information about me",
            Right::DirectMarketing => "Stop sending me marketing",
            Right::AutomatedDecision => "Have a person review a decision made about me by computer",
            Right::WithdrawConsent => "Withdraw my consent",
            Right::NotSure => "I am not sure",
        }
    }

    /// A short explanation shown under the choice.
    pub fn hint(self) -> &'static str {
        match self {
            Right::Access => {
                "Known as a subject access request. You will get a copy of your personal information, what we use it for, who we share it with and how long we keep it."
            }
            Right::Rectification => "Tell us what is wrong and what it should say.",
            Right::Erasure => {
                "Also called the right to be forgotten. It applies in some situations, for example when we no longer need the information."
            }
            Right::Restriction => {
                "We keep your information but stop using it, for example while we check whether it is accurate."
            }
            Right::Portability => {
                "For information you gave us, in a common computer format, sent to you or straight to another organisation."
            }
            Right::Objection => {
                "If we use your information because it is in our or someone else's interests, you can ask us to stop."
            }
            Right::DirectMarketing => "You can ask at any time, and we must stop using your information for marketing.",
            Right::AutomatedDecision => {
                "If a decision with a serious effect on you was made by a computer with no person involved."
            }
            Right::WithdrawConsent => {
                "Where we use your information only because you agreed to it, you can change your mind at any time."
            }
            Right::NotSure => "Tell us what you want in your own words and we will work out which right applies.",
        }
    }

    /// The legal basis of the right, for staff.
    pub fn legal_basis(self) -> &'static str {
        match self {
            Right::Access => "UK GDPR Article 15",
            Right::Rectification => "UK GDPR Article 16",
            Right::Erasure => "UK GDPR Article 17",
            Right::Restriction => "UK GDPR Article 18",
            Right::Portability => "UK GDPR Article 20",
            Right::Objection => "UK GDPR Article 21(1)",
            Right::DirectMarketing => "UK GDPR Article 21(2) and (3)",
            Right::AutomatedDecision => "UK GDPR Article 22",
            Right::WithdrawConsent => "UK GDPR Article 7(3)",
            Right::NotSure => "To be decided",
        }
    }

    /// From the machine name.
    pub fn parse(s: &str) -> Option<Self> {
        Right::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Where a submission is in its handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubmissionStatus {
    /// Not yet looked at.
    New,
    /// The sender has been told it was received.
    Acknowledged,
    /// Dealt with.
    Closed,
}

impl SubmissionStatus {
    /// Every status.
    pub const ALL: [SubmissionStatus; 3] =
        [SubmissionStatus::New, SubmissionStatus::Acknowledged, SubmissionStatus::Closed];

    /// Stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            SubmissionStatus::New => "new",
            SubmissionStatus::Acknowledged => "acknowledged",
            SubmissionStatus::Closed => "closed",
        }
    }

    /// Name for people.
    pub fn label(self) -> &'static str {
        match self {
            SubmissionStatus::New => "New",
            SubmissionStatus::Acknowledged => "Acknowledged",
            SubmissionStatus::Closed => "Closed",
        }
    }

    /// From the machine name.
    pub fn parse(s: &str) -> Option<Self> {
        SubmissionStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// What was typed into the public form, exactly as sent (every field optional text).
#[derive(Clone, Default, Deserialize)]
#[serde(default)]
pub struct PublicInput {
    /// `request` or `complaint`.
    pub kind: String,
    /// For a request: a [`Right`] machine name.
    pub right: String,
    /// The sender's full name.
    pub name: String,
    /// Email address (one of email, phone and address is needed).
    pub email: String,
    /// Phone number.
    pub phone: String,
    /// Postal address.
    pub address: String,
    /// `yes` when acting for someone else.
    pub on_behalf: String,
    /// The name of the person acted for.
    pub subject_name: String,
    /// The sender's relationship to them.
    pub relationship: String,
    /// What the request or complaint is about.
    pub details: String,
    /// The honeypot: hidden from people, so anything in it was typed by a machine.
    pub website: String,
    /// The signed time the form was shown ([`App::public_form_token`]).
    pub form_token: String,
}

impl std::fmt::Debug for PublicInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublicInput").field("kind", &self.kind).finish_non_exhaustive()
    }
}

/// The personal data of a submission, sealed as one JSON document.
#[derive(Clone, Serialize, Deserialize)]
struct Sealed {
    right: Option<Right>,
    name: String,
    email: Option<String>,
    phone: Option<String>,
    address: Option<String>,
    on_behalf: bool,
    subject_name: Option<String>,
    relationship: Option<String>,
    details: String,
}

impl std::fmt::Debug for Sealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealed { .. redacted .. }")
    }
}

/// What the sender is told once a submission is accepted.
#[derive(Debug, Clone, Serialize)]
pub struct Receipt {
    /// The reference to quote (`SR-2026-4F7K9Q`).
    pub reference: String,
    /// Request or complaint.
    pub kind: SubmissionKind,
    /// When it arrived (stored timestamp).
    pub received_at: String,
    /// The UK date it arrived.
    pub received_on: jiff::civil::Date,
    /// By when it must be answered (request) or acknowledged (complaint).
    pub due_by: jiff::civil::Date,
}

/// Why a submission was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// Answers are missing or wrong; every problem is listed, in the order of the form.
    #[error("the form has {} problem(s)", .0.len())]
    Invalid(Vec<FieldError>),
    /// Sent within [`MIN_FORM_SECONDS`] of being shown: a person would not be so quick.
    #[error("the form was sent too quickly after it was shown")]
    TooFast,
    /// The form token is missing, not ours, or older than [`MAX_FORM_SECONDS`].
    #[error("the form has expired")]
    Expired,
    /// A form with this token was already sent: each form is sent once, so a second
    /// press of Send, a reload or a replay makes no duplicate.
    #[error("this form was already sent")]
    AlreadySent,
    /// Too many submissions from this client recently; try after `retry_after_secs`.
    #[error("too many submissions from this address; try again later")]
    RateLimited {
        /// Seconds to wait (the length of the window that is full).
        retry_after_secs: i64,
    },
    /// Anything else (storage, encryption).
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for SubmitError {
    fn from(e: StoreError) -> Self {
        SubmitError::App(e.into())
    }
}

/// A submission in the inbox list: no personal data.
#[derive(Debug, Clone, Serialize)]
pub struct SubmissionListItem {
    /// Id.
    pub id: String,
    /// Reference.
    pub reference: String,
    /// Request or complaint.
    pub kind: SubmissionKind,
    /// Status.
    pub status: SubmissionStatus,
    /// When it arrived (stored timestamp).
    pub submitted_at: String,
    /// The UK date it arrived.
    pub received_on: jiff::civil::Date,
    /// By when it must be answered (request) or acknowledged (complaint).
    pub due_by: jiff::civil::Date,
    /// The caseworker (user id, or `token:<id>`) it is assigned to.
    pub assigned_to: Option<String>,
}

/// One page of the inbox.
#[derive(Debug, Clone, Serialize)]
pub struct SubmissionPage {
    /// Submissions on this page, newest first.
    pub items: Vec<SubmissionListItem>,
    /// This page, from 1.
    pub page: usize,
    /// Number of pages (at least 1).
    pub pages: usize,
    /// Submissions in all.
    pub total: i64,
    /// Submissions per status (`new`, `acknowledged`, `closed`), zero included.
    pub counts: BTreeMap<String, i64>,
}

/// A submission with its personal data, for staff allowed to read it.
#[derive(Clone, Serialize)]
pub struct SubmissionView {
    /// Id.
    pub id: String,
    /// The caseworker (user id, or `token:<id>`) it is assigned to.
    pub assigned_to: Option<String>,
    /// Reference.
    pub reference: String,
    /// Request or complaint.
    pub kind: SubmissionKind,
    /// Status.
    pub status: SubmissionStatus,
    /// When it arrived (stored timestamp).
    pub submitted_at: String,
    /// The UK date it arrived.
    pub received_on: jiff::civil::Date,
    /// By when it must be answered (request) or acknowledged (complaint).
    pub due_by: jiff::civil::Date,
    /// For a request: the right asked for.
    pub right: Option<Right>,
    /// The sender's name.
    pub name: String,
    /// Email address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// Whether the sender acts for someone else.
    pub on_behalf: bool,
    /// The person acted for.
    pub subject_name: Option<String>,
    /// The sender's relationship to them.
    pub relationship: Option<String>,
    /// What it is about.
    pub details: String,
}

impl std::fmt::Debug for SubmissionView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubmissionView")
            .field("id", &self.id)
            .field("reference", &self.reference)
            .finish_non_exhaustive()
    }
}

fn aad(id: &str) -> String {
    format!("submission:{id}")
}

/// The date in the United Kingdom at `t` (the system time zone if the time-zone
/// database is missing). Prefer [`App::today`] for today's date.
pub fn uk_date(t: jiff::Timestamp) -> jiff::civil::Date {
    steward_core::time::uk_date(t)
}
