//! Rights requests and complaints from the public form (no sign-in): validation,
//! anti-automation (a honeypot field, a signed render-time token, rate limits per
//! client), sealed storage under a fresh data key per submission, and the inbox
//! operations staff use afterwards.
//!
//! UK GDPR Articles 12 and 15–22 give people their rights; the Data Protection Act
//! 2018 s164A (from 19 June 2026) requires making complaints easy and acknowledging
//! them within 30 days.

use crate::{App, AppError, AppResult, Context};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use steward_core::audit::{AuditEvent, Outcome, format_time};
use steward_core::{FieldError, Permission, normalise};
use steward_crypto::DataKey;
use steward_store::{StoreError, SubmissionRow};

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
/// database is missing).
pub fn uk_date(t: jiff::Timestamp) -> jiff::civil::Date {
    let tz = jiff::tz::TimeZone::get("Europe/London").unwrap_or_else(|_| jiff::tz::TimeZone::system());
    t.to_zoned(tz).date()
}

fn received_on(stored: &str) -> jiff::civil::Date {
    stored.parse::<jiff::Timestamp>().map(uk_date).unwrap_or_else(|_| uk_date(jiff::Timestamp::now()))
}

/// A single line: control characters become spaces, runs of spaces collapse, trimmed.
fn one_line(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// Several lines: `\r\n` and `\r` become `\n`, other control characters (bar tabs) are
/// dropped, surrounding blank space trimmed.
fn multi_line(s: &str) -> String {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    let kept: String = s.chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect();
    kept.trim().to_string()
}

fn non_empty(s: String) -> Option<String> {
    if s.is_empty() { None } else { Some(s) }
}

/// Check the answers; all problems at once, in the order of the form.
fn validate(input: &PublicInput) -> Result<(SubmissionKind, Sealed), Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut err = |field: &str, message: &str| errors.push(FieldError::new(field, message));
    let kind = SubmissionKind::parse(input.kind.trim());
    if kind.is_none() {
        err("kind", "Select whether you are making a request or a complaint");
    }
    let right = match kind {
        Some(SubmissionKind::Request) => {
            let r = Right::parse(input.right.trim());
            if r.is_none() {
                err("right", "Select what you would like us to do");
            }
            r
        }
        _ => None,
    };
    let name = one_line(&input.name);
    if name.is_empty() {
        err("name", "Enter your full name");
    } else if name.chars().count() > 200 {
        err("name", "Your name must be 200 characters or fewer");
    }
    let email = one_line(&input.email);
    let phone = one_line(&input.phone);
    let address = multi_line(&input.address);
    if email.is_empty() && phone.is_empty() && address.is_empty() {
        err("email", "Enter an email address, a phone number or a postal address so that we can reply to you");
    }
    if !email.is_empty() && normalise::email("email", &email).is_err() {
        err("email", "Enter an email address in the correct format, like name@example.com");
    }
    if !phone.is_empty() && normalise::phone("phone", &phone).is_err() {
        err("phone", "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192");
    }
    if address.chars().count() > 1_000 {
        err("address", "The address must be 1,000 characters or fewer");
    }
    let subject_name = one_line(&input.subject_name);
    let relationship = one_line(&input.relationship);
    let on_behalf = match input.on_behalf.trim() {
        "yes" => true,
        "no" => false,
        // Not answered: a name for the other person says enough.
        _ => !subject_name.is_empty(),
    };
    if on_behalf {
        if subject_name.is_empty() {
            err("subject_name", "Enter the full name of the person you are acting for");
        } else if subject_name.chars().count() > 200 {
            err("subject_name", "Their name must be 200 characters or fewer");
        }
        if relationship.is_empty() {
            err("relationship", "Enter how you are connected to them, for example parent, carer or solicitor");
        } else if relationship.chars().count() > 100 {
            err("relationship", "Your relationship to them must be 100 characters or fewer");
        }
    }
    let details = multi_line(&input.details);
    let n = details.chars().count();
    if details.is_empty() {
        err(
            "details",
            match kind {
                Some(SubmissionKind::Complaint) => "Enter the details of your complaint",
                _ => "Enter the details of your request",
            },
        );
    } else if n > MAX_DETAILS {
        errors.push(FieldError::new(
            "details",
            format!("Details must be 5,000 characters or fewer – you have entered {}", group_thousands(n)),
        ));
    }
    match kind {
        Some(kind) if errors.is_empty() => Ok((
            kind,
            Sealed {
                right,
                name,
                email: non_empty(email.to_lowercase()),
                phone: non_empty(phone),
                address: non_empty(address),
                on_behalf,
                subject_name: if on_behalf { non_empty(subject_name) } else { None },
                relationship: if on_behalf { non_empty(relationship) } else { None },
                details,
            },
        )),
        _ => Err(errors),
    }
}

/// `12345` as `12,345`.
fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A new random reference: prefix, year, six characters from [`REFERENCE_ALPHABET`].
fn new_reference(kind: SubmissionKind, year: i16) -> AppResult<String> {
    let mut out = format!("{}-{year}-", kind.reference_prefix());
    let mut buf = [0u8; 16];
    let mut taken = 0;
    while taken < 6 {
        steward_crypto::random_bytes(&mut buf)?;
        // 240 = 8 × 30: drop bytes above it so every character is equally likely.
        for b in buf.iter().filter(|b| **b < 240) {
            if taken == 6 {
                break;
            }
            out.push(char::from(REFERENCE_ALPHABET[usize::from(*b) % REFERENCE_ALPHABET.len()]));
            taken += 1;
        }
    }
    Ok(out)
}

fn public_event(action: &str, object_id: &str, detail: String) -> AuditEvent {
    AuditEvent {
        at: format_time(jiff::Timestamp::now()),
        actor: "public".into(),
        action: action.into(),
        object_type: "submission".into(),
        object_id: object_id.into(),
        request_id: uuid::Uuid::new_v4().to_string(),
        outcome: Outcome::Success.as_str().into(),
        detail,
    }
}

impl App {
    /// A token for a public form shown now: the time, signed. Put it in the form.
    pub fn public_form_token(&self) -> String {
        self.public_form_token_at(jiff::Timestamp::now())
    }

    /// A token for a public form shown at `shown_at`: `<seconds>.<nonce>.<signature>`,
    /// the nonce random so that every form shown is told apart from every other, even
    /// in the same second, and can be sent only once.
    pub fn public_form_token_at(&self, shown_at: jiff::Timestamp) -> String {
        let payload = format!("{}.{}", shown_at.as_second(), uuid::Uuid::new_v4().simple());
        let sig = self.keys.sign(FORM_PURPOSE, &payload);
        format!("{payload}.{sig}")
    }

    /// Check a form token's signature and age; `Ok` carries its signature, which names
    /// the token when it is used up.
    fn check_form_token<'t>(&self, token: &'t str, now: jiff::Timestamp) -> Result<&'t str, SubmitError> {
        let Some((payload, sig)) = token.trim().rsplit_once('.') else {
            return Err(SubmitError::Expired);
        };
        let Some((secs, nonce)) = payload.split_once('.') else {
            return Err(SubmitError::Expired);
        };
        let Ok(shown) = secs.parse::<i64>() else {
            return Err(SubmitError::Expired);
        };
        if nonce.is_empty() || !self.keys.verify(FORM_PURPOSE, payload, sig) {
            return Err(SubmitError::Expired);
        }
        let age = now.as_second() - shown;
        if age < MIN_FORM_SECONDS {
            Err(SubmitError::TooFast)
        } else if age > MAX_FORM_SECONDS {
            Err(SubmitError::Expired)
        } else {
            Ok(sig)
        }
    }

    /// Use up the form token signed `sig`: the first use is allowed, any other within
    /// the token's lifetime is [`SubmitError::AlreadySent`]. Recorded as a one-hit
    /// rate-limit window (one transaction, so two sends at once cannot both pass),
    /// purged with the others (OWASP ASVS 5.0 V2.3.4: nothing is booked twice, V2.4.1
    /// anti-automation).
    fn use_form_token(&self, sig: &str) -> Result<(), SubmitError> {
        let bucket = format!("{BUCKET_PREFIX}sent:{sig}");
        if self.store.hit_rate_limit(&bucket, MAX_FORM_SECONDS + 60, 1)? {
            Ok(())
        } else {
            Err(SubmitError::AlreadySent)
        }
    }

    /// Count a submission from `client_key` against both windows.
    fn check_rate(&self, client_key: &str) -> Result<(), SubmitError> {
        // Buckets are named by a keyed hash of the client (an IP address is personal data).
        let client = self.keys.sign("rate-limit bucket", client_key);
        for (name, window, max) in
            [("10m", SHORT_WINDOW_SECONDS, SHORT_WINDOW_MAX), ("day", DAY_WINDOW_SECONDS, DAY_WINDOW_MAX)]
        {
            if !self.store.hit_rate_limit(&format!("{BUCKET_PREFIX}{name}:{client}"), window, max)? {
                return Err(SubmitError::RateLimited { retry_after_secs: window });
            }
        }
        Ok(())
    }

    /// Accept a request or complaint from the public form, sent by `client_key` (the
    /// peer's IP address, or `unknown`).
    ///
    /// If the honeypot field is filled the sender is a machine: it is answered with a
    /// receipt like any other, and nothing is stored or audited. Otherwise the form
    /// token must be between [`MIN_FORM_SECONDS`] and [`MAX_FORM_SECONDS`] old and not
    /// used before, the answers valid, and the client within its rate limits. The personal data is sealed
    /// under a fresh data key; the audit entry (actor `public`) names only the kind.
    pub fn submit(&self, input: PublicInput, client_key: &str) -> Result<Receipt, SubmitError> {
        let now = jiff::Timestamp::now();
        let received_on = uk_date(now);
        if !input.website.trim().is_empty() {
            tracing::info!("public form: the honeypot field was filled; nothing stored");
            let kind = SubmissionKind::parse(input.kind.trim()).unwrap_or(SubmissionKind::Request);
            return Ok(Receipt {
                reference: new_reference(kind, received_on.year())?,
                kind,
                received_at: format_time(now),
                received_on,
                due_by: kind.due_by(received_on),
            });
        }
        let token = self.check_form_token(&input.form_token, now)?;
        let (kind, sealed) = validate(&input).map_err(SubmitError::Invalid)?;
        // Used up only once the answers are right, so a form sent back for corrections
        // can be sent again; a duplicate is refused before it counts against the rate.
        self.use_form_token(token)?;
        self.check_rate(client_key)?;

        let id = uuid::Uuid::now_v7().to_string();
        let key = DataKey::generate().map_err(AppError::from)?;
        let json = serde_json::to_vec(&sealed).map_err(|e| AppError::Io(format!("cannot encode submission: {e}")))?;
        let mut row = SubmissionRow {
            reference: String::new(),
            kind: kind.as_str().into(),
            status: SubmissionStatus::New.as_str().into(),
            submitted_at: format_time(now),
            wrapped_key: Some(self.keys.wrap(&key, &aad(&id)).map_err(AppError::from)?),
            data: Some(key.seal(aad(&id).as_bytes(), &json).map_err(AppError::from)?),
            id,
            assigned_to: None,
        };
        let event = public_event("submission.create", &row.id, format!("kind={}", kind.as_str()));
        // References are random; on the rare clash with an existing one, draw again.
        let mut attempts = 0;
        loop {
            row.reference = new_reference(kind, received_on.year())?;
            match self.store.insert_submission(&row, &event) {
                Ok(()) => break,
                Err(StoreError::Constraint(_)) if attempts < 5 => attempts += 1,
                Err(e) => return Err(e.into()),
            }
        }
        let cutoff = format_time(now - jiff::SignedDuration::from_secs(2 * DAY_WINDOW_SECONDS));
        if let Err(e) = self.store.purge_rate_limits(BUCKET_PREFIX, &cutoff) {
            tracing::warn!(error = %e, "could not purge old rate-limit windows");
        }
        Ok(Receipt {
            reference: row.reference,
            kind,
            received_at: row.submitted_at,
            received_on,
            due_by: kind.due_by(received_on),
        })
    }

    /// One page (from 1) of the inbox, newest first: references, kinds, statuses and
    /// dates, no personal data. A caseworker (in person or by token) sees only the
    /// submissions assigned to them (need to know, UK GDPR Art 5(1)(f)).
    pub fn list_submissions(&self, ctx: &Context, page: usize) -> AppResult<SubmissionPage> {
        self.require(ctx, Permission::SubjectRead, "submission", "")?;
        let assignee = ctx.need_to_know_key();
        let mut counts: BTreeMap<String, i64> =
            SubmissionStatus::ALL.iter().map(|s| (s.as_str().to_string(), 0)).collect();
        counts.extend(self.store.submission_counts(assignee)?);
        let total: i64 = counts.values().sum();
        let pages = usize::try_from(total).unwrap_or(0).div_ceil(PAGE_SIZE).max(1);
        let page = page.clamp(1, pages);
        let rows = self.store.submissions(None, assignee, (page - 1) * PAGE_SIZE, PAGE_SIZE)?;
        let mut items = Vec::with_capacity(rows.len());
        for r in rows {
            let (Some(kind), Some(status)) = (SubmissionKind::parse(&r.kind), SubmissionStatus::parse(&r.status))
            else {
                return Err(AppError::Store(StoreError::Corrupt(format!(
                    "submission {} has an unknown kind or status",
                    r.id
                ))));
            };
            let received_on = received_on(&r.submitted_at);
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
        self.require(ctx, Permission::SubjectRead, "submission", id)?;
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
        self.store.audit(&ctx.event("submission.view", "submission", id, Outcome::Success, ""))?;
        let received_on = received_on(&row.submitted_at);
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
        self.require(ctx, Permission::SubjectUpdate, "submission", id)?;
        self.submission_for(ctx, id)?;
        let ev =
            ctx.event("submission.status", "submission", id, Outcome::Success, format!("status={}", status.as_str()));
        self.store.set_submission_status(id, status.as_str(), &ev)?;
        Ok(())
    }
}

impl App {
    /// Submission `id`, if `ctx` may open it: the DPO any, a caseworker only one
    /// assigned to them (refusals audited as `submission.need_to_know`).
    fn submission_for(&self, ctx: &Context, id: &str) -> AppResult<steward_store::SubmissionRow> {
        let row = self.store.submission(id)?.ok_or_else(|| AppError::NotFound(format!("submission {id}")))?;
        if let Some(key) = ctx.need_to_know_key()
            && row.assigned_to.as_deref() != Some(key)
        {
            self.store.audit(&ctx.event("submission.need_to_know", "submission", id, Outcome::Denied, ""))?;
            return Err(AppError::Forbidden(ctx.role));
        }
        Ok(row)
    }

    /// Give a submission to a caseworker (or to a caseworker token that acts for the
    /// organisation), or take it back with `None` (the DPO; audited with ids only).
    pub fn assign_submission(&self, ctx: &Context, id: &str, assignee: Option<&str>) -> AppResult<()> {
        self.require(ctx, Permission::AssignCases, "submission", id)?;
        if let Some(a) = assignee {
            self.check_case_assignee(a, "assigned_to")?;
        }
        let detail = format!("assigned_to={}", assignee.unwrap_or("nobody"));
        let ev = ctx.event("submission.assign", "submission", id, Outcome::Success, detail);
        Ok(self.store.assign_submission(id, assignee, &ev)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> PublicInput {
        PublicInput {
            kind: "request".into(),
            right: "access".into(),
            name: "  Siobhán   Ní Bhriain ".into(),
            email: "Siobhan@Example.ORG".into(),
            details: "Please send me\r\nmy tenancy file.\u{7}".into(),
            ..PublicInput::default()
        }
    }

    #[test]
    fn a_good_request_is_cleaned_up() {
        let (kind, s) = validate(&good()).expect("valid");
        assert_eq!(kind, SubmissionKind::Request);
        assert_eq!(s.right, Some(Right::Access));
        assert_eq!(s.name, "Siobhán Ní Bhriain");
        assert_eq!(s.email.as_deref(), Some("siobhan@example.org"));
        assert_eq!(s.details, "Please send me\nmy tenancy file.");
        assert!(!s.on_behalf && s.subject_name.is_none());
    }

    #[test]
    fn every_problem_is_reported_in_form_order() {
        let e = validate(&PublicInput { on_behalf: "yes".into(), ..PublicInput::default() }).expect_err("invalid");
        let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["kind", "name", "email", "subject_name", "relationship", "details"]);
        let e = validate(&PublicInput { right: "nonsense".into(), ..good() }).map(|_| ()).expect_err("a bad right");
        assert_eq!(e[0].field, "right");
        // A complaint needs no right.
        let complaint = PublicInput { kind: "complaint".into(), right: String::new(), ..good() };
        assert_eq!(validate(&complaint).expect("valid").1.right, None);
    }

    #[test]
    fn contact_details_are_checked() {
        let none = PublicInput { email: " ".into(), ..good() };
        assert_eq!(validate(&none).expect_err("no contact")[0].field, "email");
        let phone_only = PublicInput { email: String::new(), phone: "07700 900982".into(), ..good() };
        assert!(validate(&phone_only).is_ok());
        let post_only = PublicInput { email: String::new(), address: "1 High Street\nLeeds LS1 1AA".into(), ..good() };
        assert!(validate(&post_only).is_ok());
        let bad = PublicInput { email: "not an email".into(), phone: "12".into(), ..good() };
        let fields: Vec<String> = validate(&bad).expect_err("bad").into_iter().map(|f| f.field).collect();
        assert_eq!(fields, ["email", "phone"]);
    }

    #[test]
    fn acting_for_someone_else() {
        let implied = PublicInput { subject_name: "王芳".into(), relationship: "daughter".into(), ..good() };
        let s = validate(&implied).expect("valid").1;
        assert!(s.on_behalf);
        assert_eq!(s.subject_name.as_deref(), Some("王芳"));
        let said_no = PublicInput { on_behalf: "no".into(), subject_name: "Someone".into(), ..good() };
        assert_eq!(validate(&said_no).expect("valid").1.subject_name, None);
    }

    #[test]
    fn details_are_limited_in_characters_not_bytes() {
        let at_limit = PublicInput { details: "王".repeat(MAX_DETAILS), ..good() };
        assert!(validate(&at_limit).is_ok());
        let over = PublicInput { details: "a".repeat(MAX_DETAILS + 1), ..good() };
        let e = validate(&over).expect_err("too long");
        assert_eq!(e[0].field, "details");
        assert!(e[0].message.contains("5,001"), "{}", e[0].message);
    }

    #[test]
    fn references_use_the_unambiguous_alphabet() {
        let r = new_reference(SubmissionKind::Request, 2026).expect("rng");
        assert!(r.starts_with("SR-2026-") && r.len() == 14, "{r}");
        assert!(r[8..].bytes().all(|b| REFERENCE_ALPHABET.contains(&b)));
        assert!(new_reference(SubmissionKind::Complaint, 2026).expect("rng").starts_with("CP-2026-"));
        let many: std::collections::BTreeSet<String> =
            (0..200).map(|_| new_reference(SubmissionKind::Request, 2026).expect("rng")).collect();
        assert_eq!(many.len(), 200);
    }

    #[test]
    fn due_dates() {
        let d = |s: &str| s.parse::<jiff::civil::Date>().expect("date");
        assert_eq!(SubmissionKind::Request.due_by(d("2026-09-03")), d("2026-10-03"));
        assert_eq!(SubmissionKind::Request.due_by(d("2026-01-31")), d("2026-02-28"));
        assert_eq!(SubmissionKind::Complaint.due_by(d("2026-06-19")), d("2026-07-19"));
        assert_eq!(group_thousands(5001), "5,001");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1_234_567), "1,234,567");
    }
}
