//! The rules over the other registers: processors and their contracts and
//! sub-processors, transfers outside the UK, data sharing agreements, policies, consents,
//! staff training and the organisations' ICO registration.
//!
//! Sources: UK GDPR Art 7, Art 24(1), Art 28(2)-(3), Art 32(4), Art 39(1)(b), Chapter V;
//! the ICO Data sharing code of practice; the Data Protection (Charges and Information)
//! Regulations 2018. Each rule cites its own.

use super::words::{country_in_words, long_date};
use super::{ComplianceInput, Finding, InForce, Rule, Severity, StaffFact, finding, object};
use crate::register::country;
use crate::register::entry::RegisterKind;
use crate::register::processor::{SubProcessor, SubProcessorConsentEvent};
use crate::register::training::{Training, special_access_lapsed_on};
use crate::register::transfer::TransferMechanism;
use jiff::civil::Date;

/// **processor_without_contract** (error): a processor with no Art 28 contract in place
/// today: none signed, signed with a date still to come, not recorded as holding the
/// terms Art 28(3) requires, or past its end date. Processing by a processor is governed
/// by a contract holding those terms (UK GDPR Art 28(3); ICO "Contracts and liabilities
/// between controllers and processors").
pub fn processor_without_contract(input: &ComplianceInput) -> Vec<Finding> {
    let today = input.today;
    let mut out = Vec::new();
    for p in input.processors.iter().filter(|p| !p.derived.contract_in_place) {
        let name = &p.entry.name;
        let c = &p.entry.contract;
        let mut why: Vec<String> = Vec::new();
        match c.signed_on {
            None => why.push("no signed contract is recorded".into()),
            Some(d) if d > today => why.push(format!("its contract is not signed until {}", long_date(d))),
            Some(_) => {}
        }
        if c.signed_on.is_some() && !c.art28_terms {
            why.push("its contract is not recorded as holding the terms Art 28(3) requires".into());
        }
        if let Some(d) = c.expires_on.filter(|d| *d < today) {
            why.push(format!("its contract ended on {}", long_date(d)));
        }
        if why.is_empty() {
            why.push("no contract is in place".into());
        }
        out.push(finding(
            Severity::Error,
            Rule::ProcessorWithoutContract,
            RegisterKind::Processor.as_str(),
            &p.id,
            format!("“{name}” processes personal data for you, but {}.", why.join(", and ")),
            "UK GDPR Art 28(3); ICO guidance “Contracts and liabilities between controllers and processors”",
            format!(
                "Put a written contract with “{name}” in place holding the Art 28(3) terms (instructions, \
                 confidentiality, security, sub-processors, help with rights and breaches, deletion or return, \
                 audits), then record its dates on the processor's entry."
            ),
        ));
    }
    out
}

/// The latest event recorded about a sub-processor, if any (by date, the last listed
/// among events of the same day).
fn latest_event(s: &SubProcessor) -> Option<SubProcessorConsentEvent> {
    s.consent
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.on.map(|on| (on, i, c.event)))
        .max_by_key(|(on, i, _)| (*on, *i))
        .map(|(_, _, e)| e)
}

/// **sub_processor_without_consent** (error): a sub-processor a processor engages without
/// the controller's written authorisation on record: nothing recorded, only the
/// processor's request, or an objection as the latest word. A processor shall not engage
/// another processor without the controller's prior specific or general written
/// authorisation (UK GDPR Art 28(2)). An error, as for a processor without a contract:
/// the sub-processor handles the data without the authorisation the law requires.
pub fn sub_processor_without_consent(input: &ComplianceInput) -> Vec<Finding> {
    let mut out = Vec::new();
    for p in &input.processors {
        let name = &p.entry.name;
        for s in p.entry.sub_processors.iter().filter(|s| !s.consented()) {
            let sub = s.name.trim();
            let state = match latest_event(s) {
                None => "and no written authorisation from you is recorded",
                Some(SubProcessorConsentEvent::Asked) => {
                    "and your written authorisation is not recorded (it was asked for, with no answer on record)"
                }
                Some(SubProcessorConsentEvent::Objected) => "though you objected to it",
                Some(SubProcessorConsentEvent::Consented) => continue,
            };
            out.push(finding(
                Severity::Error,
                Rule::SubProcessorWithoutConsent,
                RegisterKind::Processor.as_str(),
                &p.id,
                format!("“{name}” uses the sub-processor “{sub}”, {state}."),
                "UK GDPR Art 28(2)",
                format!(
                    "Decide whether “{name}” may use “{sub}”: record your written authorisation on the processor's \
                     entry, or, if you object, make sure “{name}” stops using it."
                ),
            ));
        }
    }
    out
}

/// **transfer_without_mechanism** (error): a transfer outside the UK with no mechanism
/// recorded, relying on UK adequacy for a country the UK's adequacy regulations do not
/// (or no longer) cover, or relying on an Art 49 derogation without its documented
/// reason. A transfer is lawful only under adequacy regulations (DPA 2018 s17A; UK GDPR
/// Art 45A), appropriate safeguards (Art 46: the IDTA, the UK Addendum, binding corporate
/// rules, Art 47) or, for occasional transfers, an Art 49 derogation whose reasons are
/// documented (Art 49(1), 49(6)); UK GDPR Chapter V (Art 44A).
pub fn transfer_without_mechanism(input: &ComplianceInput) -> Vec<Finding> {
    let mut out = Vec::new();
    for t in &input.transfers {
        let recipient = &t.entry.recipient;
        let code = t.entry.destination_country.trim().to_ascii_uppercase();
        let place = country::name(&code).map_or_else(|| "a country outside the UK".to_string(), country_in_words);
        let (message, fix) = match t.entry.mechanism {
            None => (
                format!("Personal data goes to “{recipient}” in {place} with no transfer mechanism recorded."),
                format!(
                    "Settle what makes the transfer to “{recipient}” lawful (UK adequacy, the IDTA, the UK Addendum, \
                     binding corporate rules or, for an occasional transfer, an Art 49 derogation) and record it; \
                     stop the transfer until then."
                ),
            ),
            Some(TransferMechanism::UkAdequacy) if !t.derived.adequate => (
                format!(
                    "The transfer to “{recipient}” relies on UK adequacy, but {place} is not covered by UK adequacy \
                     regulations."
                ),
                format!(
                    "Put the IDTA or the UK Addendum (with a transfer risk assessment) or binding corporate rules in \
                     place for the transfer to “{recipient}”, and record it."
                ),
            ),
            Some(TransferMechanism::Art49Derogation) if t.entry.derogation_reason.trim().is_empty() => (
                format!(
                    "The transfer to “{recipient}” in {place} relies on an Art 49 derogation without the reason \
                     for it documented."
                ),
                format!(
                    "Record which Art 49(1) derogation the transfer to “{recipient}” relies on and why, or use a \
                     safeguard under Art 46 instead."
                ),
            ),
            Some(_) => continue,
        };
        out.push(finding(
            Severity::Error,
            Rule::TransferWithoutMechanism,
            RegisterKind::Transfer.as_str(),
            &t.id,
            message,
            "UK GDPR Art 44A, 45A, 46, 47 and 49; DPA 2018 s17A",
            fix,
        ));
    }
    out
}

/// **sharing_review_overdue** (warning): a data sharing agreement whose review date has
/// passed. The ICO's Data sharing code of practice (a statutory code, DPA 2018 s121)
/// asks for sharing to be reviewed regularly, and the agreement to say when.
pub fn sharing_review_overdue(input: &ComplianceInput) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in input.sharing_agreements.iter().filter(|s| s.derived.review_overdue) {
        let title = &s.entry.title;
        let due = s.entry.review_on.map(long_date).unwrap_or_default();
        out.push(finding(
            Severity::Warning,
            Rule::SharingReviewOverdue,
            RegisterKind::SharingAgreement.as_str(),
            &s.id,
            format!("The data sharing agreement “{title}” was due for review on {due}."),
            "ICO Data sharing code of practice (DPA 2018 s121), “Data sharing agreements” and “Accountability”",
            format!(
                "Review “{title}” with the other parties: is the sharing still needed, lawful and as agreed? Then \
                 record the next review date."
            ),
        ));
    }
    out
}

/// **policy_review_overdue** (warning): a policy whose next review date (its approval plus
/// its review interval) has passed. Measures, policies among them, are reviewed and
/// updated where necessary (UK GDPR Art 24(1)-(2)); the appropriate policy document is kept
/// under review (DPA 2018 Schedule 1 para 40).
pub fn policy_review_overdue(input: &ComplianceInput) -> Vec<Finding> {
    let mut out = Vec::new();
    for p in input.policies.iter().filter(|p| p.derived.review_overdue) {
        let title = &p.entry.title;
        let due = p.derived.next_review_on.map(long_date).unwrap_or_default();
        out.push(finding(
            Severity::Warning,
            Rule::PolicyReviewOverdue,
            RegisterKind::Policy.as_str(),
            &p.id,
            format!("The policy “{title}” was due for review on {due}."),
            "UK GDPR Art 24(1)-(2); DPA 2018 Schedule 1 para 40",
            format!("Review “{title}”, have it approved, and record the new approval date."),
        ));
    }
    out
}

/// **consent_renewal_overdue** (warning): a consent, not withdrawn, whose renewal date has
/// passed. Consent must remain a valid, informed indication of the person's wishes, and
/// the controller must be able to show it (UK GDPR Art 4(11), Art 7(1)); the ICO's consent
/// guidance asks for consent to be refreshed at appropriate intervals.
pub fn consent_renewal_overdue(input: &ComplianceInput) -> Vec<Finding> {
    let today = input.today;
    let mut out = Vec::new();
    for c in input.consents.iter().filter(|c| !c.withdrawn) {
        let Some(due) = c.renew_on.filter(|d| *d < today) else { continue };
        let what = match input.activities.iter().find(|a| a.id == c.activity_id) {
            Some(a) => format!("A consent to “{}”", a.entry.name),
            None => "A consent in the consent ledger".to_string(),
        };
        out.push(finding(
            Severity::Warning,
            Rule::ConsentRenewalOverdue,
            object::CONSENT,
            &c.id,
            format!("{what} was due for renewal on {}.", long_date(due)),
            "UK GDPR Art 4(11) and Art 7(1); ICO guidance on consent (“refresh consent”)",
            "Ask the person to renew their consent and record their answer; stop the processing that relies on it \
             if they do not."
                .to_string(),
        ));
    }
    out
}

/// Why `staff`'s data-protection training counts as lapsed, if it does.
#[derive(Debug, Clone, Copy)]
pub enum Lapse<'a> {
    /// Their latest course giving special-category access on the Training register
    /// expired on the date given (the day after, it lapsed).
    Course(&'a InForce<Training>, Date),
    /// No such course is recorded, and the "training valid until" date on their account
    /// has passed.
    Account(Date),
}

impl Lapse<'_> {
    /// The date the training ran out.
    pub fn on(self) -> Date {
        match self {
            Lapse::Course(_, d) | Lapse::Account(d) => d,
        }
    }
}

/// Whether, and why, `staff`'s data-protection training has lapsed: from the Training
/// register, their courses giving special-category access once the latest expiry among
/// them has passed ([`special_access_lapsed_on`]; the course returned is the one with that
/// expiry); for someone with no such course recorded, the "training valid until" date on
/// their account once it has passed. `None` when it has not lapsed, or when nothing was
/// ever recorded (never trained is not lapsed).
pub fn staff_training_lapse<'a>(input: &'a ComplianceInput, staff: &StaffFact) -> Option<Lapse<'a>> {
    let theirs: Vec<&InForce<Training>> =
        input.training.iter().filter(|t| t.entry.user_id.trim() == staff.id).collect();
    if theirs.iter().any(|t| t.entry.special_category_access) {
        let on = special_access_lapsed_on(input.today, theirs.iter().map(|t| &t.entry))?;
        let course = theirs.iter().find(|t| t.entry.special_category_access && t.entry.expires_on == Some(on))?;
        return Some(Lapse::Course(course, on));
    }
    staff.training_valid_until.filter(|d| *d < input.today).map(Lapse::Account)
}

/// **training_lapsed_with_special_access** (error): a member of staff whose role gives
/// access to special-category data and whose data-protection training has lapsed (see
/// [`staff_training_lapse`]). The finding is about their lapsed course on the Training
/// register (or, with none recorded, their account). Anyone acting under the controller's
/// authority processes data only on its instructions (UK GDPR Art 32(4)); the DPO monitors
/// their training (Art 39(1)(b)); special-category data needs specialised, current
/// training (ICO Accountability framework, "Training and awareness"). Steward withholds
/// special-category data from them until it is renewed.
pub fn training_lapsed_with_special_access(input: &ComplianceInput) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in &input.special_access_staff {
        let Some(lapse) = staff_training_lapse(input, s) else { continue };
        let name = &s.name;
        let (object_type, object_id, training) = match lapse {
            Lapse::Course(c, _) => (
                RegisterKind::Training.as_str(),
                c.id.as_str(),
                format!("data-protection training “{}”", c.entry.course),
            ),
            Lapse::Account(_) => (object::USER, s.id.as_str(), "data-protection training".to_string()),
        };
        out.push(finding(
            Severity::Error,
            Rule::TrainingLapsedWithSpecialAccess,
            object_type,
            object_id,
            format!(
                "{name}'s {training} lapsed on {}, and their role gives them access to special-category data. \
                 Steward withholds that data from them until the training is renewed.",
                long_date(lapse.on())
            ),
            "UK GDPR Art 32(4) and Art 39(1)(b); ICO Accountability framework, “Training and awareness”",
            format!(
                "Book {name}'s refresher training and record it in the Training register when it is done; if \
                 they no longer need special-category data, change their role."
            ),
        ));
    }
    out
}

/// **ico_registration_due** (warning; error once the date has passed): an organisation
/// whose ICO registration renewal date is within 30 days or has passed. A controller pays
/// the data protection fee for each charge period (Data Protection (Charges and
/// Information) Regulations 2018, reg 2); not paying it is liable to a penalty (DPA 2018
/// s137, s155). Once the renewal date on record has passed, the fee is taken as unpaid:
/// an error until the new renewal date is recorded.
pub fn ico_registration_due(input: &ComplianceInput) -> Vec<Finding> {
    let mut out = Vec::new();
    for o in input.organisations.iter().filter(|o| o.derived.ico_registration_due) {
        let name = &o.entry.name;
        let Some(on) = o.entry.ico_renewal_on else { continue };
        let days = o.derived.ico_renewal_in_days.unwrap_or_default();
        let (severity, message) = if days < 0 {
            (
                Severity::Error,
                format!(
                    "The ICO registration of “{name}” was due for renewal on {}, and no later renewal date is \
                     recorded.",
                    long_date(on)
                ),
            )
        } else {
            let when = match days {
                0 => "today".to_string(),
                1 => "tomorrow".to_string(),
                d => format!("in {d} days"),
            };
            (
                Severity::Warning,
                format!("The ICO registration of “{name}” is due for renewal on {} ({when}).", long_date(on)),
            )
        };
        out.push(finding(
            severity,
            Rule::IcoRegistrationDue,
            RegisterKind::Organisation.as_str(),
            &o.id,
            message,
            "Data Protection (Charges and Information) Regulations 2018, reg 2; DPA 2018 s137",
            format!("Pay the data protection fee for “{name}” to the ICO and record the new renewal date."),
        ));
    }
    out
}
