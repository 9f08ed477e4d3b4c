//! The consent ledger and the record of privacy notices given: what a person agreed to
//! (one consent purpose of one processing activity), when, how and on what evidence, with
//! the wording and the notice version they were shown; its withdrawal, and what processing
//! stops with it; and which privacy notice version each person received, when and how.
//!
//! Sources: UK GDPR Art 4(11) (consent is a freely given, specific, informed and
//! unambiguous indication, by a statement or a clear affirmative action), Art 6(1)(a)
//! (consent as a lawful basis, for one or more specific purposes), Art 7(1) (the
//! controller must be able to demonstrate that the person consented), Art 7(3) (consent
//! may be withdrawn at any time, as easily as it was given; processing before the
//! withdrawal stays lawful), Art 13(1)-(2) and Art 14 (the information given, the privacy
//! notice) and Art 5(2) (accountability: showing what people were told); ICO guidance
//! "Consent" (keep records of who consented, when, how, and what they were told; refresh
//! consent at appropriate intervals; no pre-ticked boxes or consent by default) and
//! "The right to be informed".

use crate::FieldError;
use crate::register::activity::{Activity, Purpose};
use crate::register::lawful_basis::LawfulBasis;
use crate::register::{MAX_NAME, text};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Longest description of the evidence of consent accepted (characters).
pub const MAX_EVIDENCE: usize = 5_000;

/// Longest consent wording accepted (characters).
pub const MAX_WORDING: usize = 10_000;

/// Months after which a policy may ask people to renew their consent. Offered by the
/// pages as a suggestion only: a consent has no renewal date unless one is given (ICO
/// "Consent": review consents and refresh them if anything changes; many organisations
/// refresh every two years).
pub const SUGGESTED_RENEWAL_MONTHS: u32 = 24;

/// How a person gave (or withdrew) consent: each a positive act that can be evidenced
/// (UK GDPR Art 4(11), Art 7(1)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsentMethod {
    /// A signed paper form or letter.
    Written,
    /// An online form the person submitted (an unticked box they ticked).
    OnlineForm,
    /// Said aloud, in a call or meeting that was recorded or noted at the time.
    VerbalRecorded,
    /// An email from the person.
    Email,
    /// Another positive act, described in the evidence.
    Other,
}

impl ConsentMethod {
    /// Every method, in the order the pages list them.
    pub const ALL: [ConsentMethod; 5] = [
        ConsentMethod::Written,
        ConsentMethod::OnlineForm,
        ConsentMethod::VerbalRecorded,
        ConsentMethod::Email,
        ConsentMethod::Other,
    ];

    /// The code the API uses (`online_form`).
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentMethod::Written => "written",
            ConsentMethod::OnlineForm => "online_form",
            ConsentMethod::VerbalRecorded => "verbal_recorded",
            ConsentMethod::Email => "email",
            ConsentMethod::Other => "other",
        }
    }

    /// The method a code names, if any.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == code.trim())
    }

    /// In words, to follow "given" or "withdrawn": "in writing".
    pub fn label(self) -> &'static str {
        match self {
            ConsentMethod::Written => "in writing",
            ConsentMethod::OnlineForm => "on an online form",
            ConsentMethod::VerbalRecorded => "in words, recorded at the time",
            ConsentMethod::Email => "by email",
            ConsentMethod::Other => "another way",
        }
    }
}

/// How a privacy notice reached a person (UK GDPR Art 12(1), 13, 14: the information is
/// provided to them, in writing or by other means).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeMethod {
    /// Sent by email.
    Email,
    /// Sent by post.
    Post,
    /// Handed over in person.
    InPerson,
    /// Shown on a website or online form.
    Online,
    /// Read out on the telephone.
    Phone,
    /// Another way.
    Other,
}

impl NoticeMethod {
    /// Every method, in the order the pages list them.
    pub const ALL: [NoticeMethod; 6] = [
        NoticeMethod::Email,
        NoticeMethod::Post,
        NoticeMethod::InPerson,
        NoticeMethod::Online,
        NoticeMethod::Phone,
        NoticeMethod::Other,
    ];

    /// The code the API uses (`in_person`).
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeMethod::Email => "email",
            NoticeMethod::Post => "post",
            NoticeMethod::InPerson => "in_person",
            NoticeMethod::Online => "online",
            NoticeMethod::Phone => "phone",
            NoticeMethod::Other => "other",
        }
    }

    /// The method a code names, if any.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == code.trim())
    }

    /// In words, to follow "received": "by email".
    pub fn label(self) -> &'static str {
        match self {
            NoticeMethod::Email => "by email",
            NoticeMethod::Post => "by post",
            NoticeMethod::InPerson => "in person",
            NoticeMethod::Online => "online",
            NoticeMethod::Phone => "on the telephone",
            NoticeMethod::Other => "another way",
        }
    }
}

/// A consent to record, as the API receives it. Nothing is assumed: the date, the method
/// and the evidence of the person's positive act must all be given (Art 4(11), Art 7(1)).
#[derive(Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewConsent {
    /// The person who consented.
    pub subject_id: String,
    /// The processing activity (record of processing) the consent is for.
    pub activity_id: String,
    /// The consent purpose agreed to: one of the activity's purposes whose lawful basis is
    /// consent, by its consent purpose or its purpose.
    pub purpose: String,
    /// The day consent was given (`YYYY-MM-DD`, not in the future).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub given_on: Option<Date>,
    /// How: `written`, `online_form`, `verbal_recorded`, `email` or `other`.
    #[serde(default)]
    pub method: Option<ConsentMethod>,
    /// The evidence of the person's positive act (where the signed form is, the form
    /// submission's reference, the call recording). Encrypted with the person's key.
    #[serde(default)]
    pub evidence: String,
    /// The words the person agreed to, as shown to them.
    #[serde(default)]
    pub wording: String,
    /// The privacy notice version they were shown (an entry of the notices register).
    #[serde(default)]
    pub notice_id: Option<String>,
    /// When to ask again, if the organisation renews consent (no default).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub renew_on: Option<Date>,
}

impl std::fmt::Debug for NewConsent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewConsent")
            .field("subject_id", &self.subject_id)
            .field("activity_id", &self.activity_id)
            .finish_non_exhaustive()
    }
}

/// A consent that passed [`NewConsent::validate`]: text trimmed, the purpose as the
/// activity names it.
#[derive(Clone, PartialEq, Eq)]
pub struct ValidConsent {
    /// The person.
    pub subject_id: String,
    /// The activity.
    pub activity_id: String,
    /// The consent purpose, as the activity's record names it.
    pub purpose: String,
    /// When given.
    pub given_on: Date,
    /// How.
    pub method: ConsentMethod,
    /// The evidence.
    pub evidence: String,
    /// The wording shown.
    pub wording: String,
    /// The notice version shown.
    pub notice_id: Option<String>,
    /// When to ask again.
    pub renew_on: Option<Date>,
}

impl std::fmt::Debug for ValidConsent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ValidConsent")
            .field("activity_id", &self.activity_id)
            .field("purpose", &self.purpose)
            .finish_non_exhaustive()
    }
}

/// Whether activity purpose `p` rests on consent (UK GDPR Art 6(1)(a)).
pub fn rests_on_consent(p: &Purpose) -> bool {
    LawfulBasis::parse(p.lawful_basis.trim()) == Some(LawfulBasis::Consent)
}

/// The consent purpose of activity purpose `p`: what people agree to, as the consent
/// ledger names it (its `consent_purpose`, or its purpose where that is blank).
pub fn consent_purpose_of(p: &Purpose) -> &str {
    let c = p.consent_purpose.trim();
    if c.is_empty() { p.purpose.trim() } else { c }
}

/// Whether `purpose` (as typed) names activity purpose `p`: its consent purpose or its
/// purpose, ignoring case and surrounding spaces.
fn names(p: &Purpose, purpose: &str) -> bool {
    let purpose = purpose.trim();
    !purpose.is_empty()
        && (p.consent_purpose.trim().eq_ignore_ascii_case(purpose) || p.purpose.trim().eq_ignore_ascii_case(purpose))
}

/// The purposes of `activity` that rest on consent and that `purpose` names: those a
/// consent to `purpose` covers (Art 6(1)(a): consent is given for specific purposes).
pub fn relying_purposes<'a>(activity: &'a Activity, purpose: &str) -> Vec<&'a Purpose> {
    activity.purposes.iter().filter(|p| rests_on_consent(p) && names(p, purpose)).collect()
}

/// The consent purposes of `activity`, once each, in its order.
pub fn consent_purposes(activity: &Activity) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in activity.purposes.iter().filter(|p| rests_on_consent(p)) {
        let c = consent_purpose_of(p);
        if !c.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(c)) {
            out.push(c.to_string());
        }
    }
    out
}

/// A date the record needs, or its problem for `field`.
fn needed(field: &str, date: Option<Date>, message: &str, e: &mut Vec<FieldError>) -> Option<Date> {
    if date.is_none() {
        e.push(FieldError::new(field, message));
    }
    date
}

/// One free-text field, trimmed and bounded, its problem added to `e`.
fn words(field: &str, value: &str, max: usize, required: bool, e: &mut Vec<FieldError>) -> String {
    text(field, value, max, required).unwrap_or_else(|err| {
        e.push(err);
        String::new()
    })
}

impl NewConsent {
    /// Check a consent before it is recorded, as of `today`, against `activity` (the
    /// entry of the record of processing `activity_id` names, if it is in use). Every
    /// problem is returned at once, each naming its field and the law:
    ///
    /// - the activity must exist and have a purpose, named by `purpose`, whose lawful basis
    ///   is consent (Art 6(1)(a); Art 7 and ICO "Consent": consent is specific to a
    ///   purpose, so it is recorded against one);
    /// - the date is required and not in the future (Art 7(1): record consent that was
    ///   given, not consent expected);
    /// - the method and the evidence of the person's positive act are required: consent is
    ///   never assumed or defaulted (Art 4(11); Art 7(1) the controller must be able to
    ///   demonstrate it; ICO "Consent": no pre-ticked boxes);
    /// - a renewal date, if given, comes after the day consent was given.
    pub fn validate(self, today: Date, activity: Option<&Activity>) -> Result<ValidConsent, Vec<FieldError>> {
        let mut e = Vec::new();
        let subject_id = words("subject_id", &self.subject_id, MAX_NAME, true, &mut e);
        let activity_id = words("activity_id", &self.activity_id, MAX_NAME, true, &mut e);
        let typed = words("purpose", &self.purpose, MAX_NAME, true, &mut e);
        let mut purpose = String::new();
        if !activity_id.is_empty() {
            match activity {
                None => e.push(FieldError::new(
                    "activity_id",
                    "names no processing activity in use on the record of processing",
                )),
                Some(a) if !typed.is_empty() => match relying_purposes(a, &typed).first() {
                    Some(p) => purpose = consent_purpose_of(p).to_string(),
                    None => e.push(FieldError::new("purpose", purpose_problem(a, &typed))),
                },
                Some(_) => {}
            }
        }
        let given_on = needed(
            "given_on",
            self.given_on,
            "give the day the person consented: the controller must be able to show when consent was given \
             (UK GDPR Art 7(1))",
            &mut e,
        );
        if let Some(d) = given_on
            && d > today
        {
            e.push(FieldError::new(
                "given_on",
                "is in the future: record consent once the person has given it (UK GDPR Art 4(11), Art 7(1))",
            ));
        }
        if self.method.is_none() {
            e.push(FieldError::new(
                "method",
                "say how the person gave consent (written, online_form, verbal_recorded, email or other): consent \
                 needs a positive act that can be shown (UK GDPR Art 4(11), Art 7(1))",
            ));
        }
        let evidence = words("evidence", &self.evidence, MAX_EVIDENCE, false, &mut e);
        if evidence.is_empty() && !e.iter().any(|f| f.field == "evidence") {
            e.push(FieldError::new(
                "evidence",
                "describe the evidence of the person's positive act (the signed form, the online form's \
                 submission, the recorded call): consent is never assumed or defaulted (UK GDPR Art 4(11), \
                 Art 7(1); ICO guidance on consent)",
            ));
        }
        let wording = words("wording", &self.wording, MAX_WORDING, false, &mut e);
        let notice_id = self.notice_id.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_string);
        if let Some(n) = &notice_id
            && text("notice_id", n, MAX_NAME, false).is_err()
        {
            e.push(FieldError::new("notice_id", "is not the id of a privacy notice"));
        }
        if let (Some(renew), Some(given)) = (self.renew_on, given_on)
            && renew <= given
        {
            e.push(FieldError::new("renew_on", "must come after the day consent was given"));
        }
        match (e.is_empty(), given_on, self.method) {
            (true, Some(given_on), Some(method)) => Ok(ValidConsent {
                subject_id,
                activity_id,
                purpose,
                given_on,
                method,
                evidence,
                wording,
                notice_id,
                renew_on: self.renew_on,
            }),
            _ => Err(e),
        }
    }
}

/// Why `typed` names no consent-based purpose of `a`, in words citing the law.
fn purpose_problem(a: &Activity, typed: &str) -> String {
    if let Some(p) = a.purposes.iter().find(|p| names(p, typed)) {
        let basis = LawfulBasis::parse(p.lawful_basis.trim()).map_or("another basis", |b| b.label());
        return format!(
            "this purpose of “{}” rests on {basis}, not consent: consent is recorded only for a purpose whose \
             lawful basis is consent (UK GDPR Art 6(1)(a))",
            a.name
        );
    }
    let offered = consent_purposes(a);
    if offered.is_empty() {
        format!(
            "“{}” has no purpose whose lawful basis is consent (UK GDPR Art 6(1)(a)): add one to the record of \
             processing first",
            a.name
        )
    } else {
        format!(
            "must be one of the consent purposes of “{}”: {} (consent is given for a specific purpose, UK GDPR \
             Art 6(1)(a), Art 7)",
            a.name,
            offered.join("; ")
        )
    }
}

/// The withdrawal of a consent, as the API receives it (Art 7(3)).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Withdrawal {
    /// The day the person withdrew consent (`YYYY-MM-DD`, not in the future).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub on: Option<Date>,
    /// How they withdrew it: `written`, `online_form`, `verbal_recorded`, `email` or `other`.
    #[serde(default)]
    pub method: Option<ConsentMethod>,
}

impl Withdrawal {
    /// Check a withdrawal of a consent given on `given_on`, as of `today`: the day is
    /// required, not in the future and not before consent was given, and how it was
    /// withdrawn is required (UK GDPR Art 7(3): the person may withdraw at any time; the
    /// record shows when, so processing stops from that day and what came before stays
    /// lawful).
    pub fn validate(self, today: Date, given_on: Date) -> Result<(Date, ConsentMethod), Vec<FieldError>> {
        let mut e = Vec::new();
        let on = needed(
            "on",
            self.on,
            "give the day the person withdrew consent: processing that relied on it stops from that day (UK \
             GDPR Art 7(3))",
            &mut e,
        );
        if let Some(d) = on {
            if d > today {
                e.push(FieldError::new("on", "is in the future: record a withdrawal once the person has made it"));
            } else if d < given_on {
                e.push(FieldError::new("on", "is before the day the consent was given"));
            }
        }
        if self.method.is_none() {
            e.push(FieldError::new(
                "method",
                "say how the person withdrew consent (written, online_form, verbal_recorded, email or other)",
            ));
        }
        match (e.is_empty(), on, self.method) {
            (true, Some(on), Some(method)) => Ok((on, method)),
            _ => Err(e),
        }
    }
}

/// A consent of the person the ledger already holds, as [`stopped_by`] weighs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldConsent<'a> {
    /// The activity it was recorded for.
    pub activity_id: &'a str,
    /// Its consent purpose.
    pub purpose: &'a str,
}

/// One purpose of one activity that stops when a consent is withdrawn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StoppedProcessing {
    /// The activity (record of processing).
    pub activity_id: String,
    /// Its name.
    pub activity_name: String,
    /// The purpose that stops: what the processing was for.
    pub purpose: String,
    /// The consent purpose it relied on.
    pub consent_purpose: String,
}

/// What stops when a person withdraws their consent to `purpose` (recorded for
/// `activity_id`): every purpose of the activities in use (`activities`, as id and entry)
/// whose lawful basis is consent and whose consent purpose is the one withdrawn (UK GDPR
/// Art 7(3), Art 17(1)(b): without another basis the processing has none left), except an
/// activity for which the person still holds another consent to the same purpose
/// (`still_held`: their consents not withdrawn). In the order of the activities given,
/// then of their purposes.
pub fn stopped_by(
    purpose: &str,
    activities: &[(&str, &Activity)],
    still_held: &[HeldConsent<'_>],
) -> Vec<StoppedProcessing> {
    let mut out = Vec::new();
    for (id, a) in activities {
        let covered = still_held.iter().any(|h| h.activity_id == *id && h.purpose.trim().eq_ignore_ascii_case(purpose));
        if covered {
            continue;
        }
        for p in a
            .purposes
            .iter()
            .filter(|p| rests_on_consent(p) && consent_purpose_of(p).eq_ignore_ascii_case(purpose.trim()))
        {
            let what = if p.purpose.trim().is_empty() { consent_purpose_of(p) } else { p.purpose.trim() };
            out.push(StoppedProcessing {
                activity_id: (*id).to_string(),
                activity_name: a.name.clone(),
                purpose: what.to_string(),
                consent_purpose: consent_purpose_of(p).to_string(),
            });
        }
    }
    out
}

/// Whether a consent with renewal date `renew_on` is due to be asked for again as of
/// `today`: the date has passed and the consent still stands (ICO "Consent": refresh
/// consent as the organisation's policy says; a withdrawn consent needs no renewal).
pub fn renewal_overdue(today: Date, renew_on: Option<Date>, withdrawn: bool) -> bool {
    !withdrawn && renew_on.is_some_and(|d| d < today)
}

/// A record that a person received a privacy notice version, as the API receives it
/// (UK GDPR Art 13(1), 14(3): the information is given at the time, and the controller
/// shows it was, Art 5(2)).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNoticeReceipt {
    /// The notice version (an entry of the privacy notices register).
    #[serde(default)]
    pub notice_id: String,
    /// The day they received it (`YYYY-MM-DD`, not in the future).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub received_on: Option<Date>,
    /// How: `email`, `post`, `in_person`, `online`, `phone` or `other`.
    #[serde(default)]
    pub method: Option<NoticeMethod>,
}

impl NewNoticeReceipt {
    /// Check a receipt as of `today`: the notice, the day (not in the future) and how it
    /// was given are all required, so the record shows what the person was told, when and
    /// how (Art 5(2), Art 13, Art 14). Returns the notice id, day and method.
    pub fn validate(self, today: Date) -> Result<(String, Date, NoticeMethod), Vec<FieldError>> {
        let mut e = Vec::new();
        let notice_id = words("notice_id", &self.notice_id, MAX_NAME, false, &mut e);
        if notice_id.is_empty() && !e.iter().any(|f| f.field == "notice_id") {
            e.push(FieldError::new("notice_id", "choose the privacy notice version the person received"));
        }
        let on = needed(
            "received_on",
            self.received_on,
            "give the day the person received the notice (UK GDPR Art 13(1), Art 14(3): information is given at \
             the time)",
            &mut e,
        );
        if let Some(d) = on
            && d > today
        {
            e.push(FieldError::new("received_on", "is in the future: record the notice once it has been given"));
        }
        if self.method.is_none() {
            e.push(FieldError::new(
                "method",
                "say how the notice was given (email, post, in_person, online, phone or other)",
            ));
        }
        match (e.is_empty(), on, self.method) {
            (true, Some(on), Some(method)) => Ok((notice_id, on, method)),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests;
