//! The compliance check: every rule across the registers, run over what is in force
//! today, each gap found reported as a [`Finding`] naming the entry by its title, the law
//! it falls short of, and what to do about it. The rules are pure functions of a
//! [`ComplianceInput`] the app fills from the store; the same input always gives the same
//! findings, in the same order.
//!
//! **Severity.** A finding is an [`Severity::Error`] when the processing may be unlawful
//! as it stands: an activity without an Art 6(1) lawful basis, special-category data
//! without the conditions Art 9(2) and DPA 2018 Schedule 1 ask for, a processor without an
//! Art 28(3) contract or a sub-processor without the controller's Art 28(2) written
//! authorisation, a transfer outside the UK without a Chapter V mechanism, staff whose
//! data-protection training has lapsed while their role gives them access to
//! special-category data (Art 32(4)), and an ICO registration whose renewal date has
//! passed (the fee is unpaid). Everything else is a [`Severity::Warning`]: a record that
//! is incomplete (Art 30) or a review, renewal or fee falling due, which accountability
//! (Art 5(2), Art 24(1)) asks to be put right but which does not by itself make the
//! processing unlawful. `steward check` exits 1 when any finding is an error.
//!
//! Sources: UK GDPR Art 5(2) (accountability), Art 24(1), Art 30; each rule's doc comment
//! cites its own.

mod activities;
mod registers;
mod words;
pub use words::thousands;

#[cfg(test)]
mod tests;

use crate::register::activity::Activity;
use crate::register::entry::Entry;
use crate::register::organisation::Organisation;
use crate::register::policy::Policy;
use crate::register::processor::Processor;
use crate::register::sharing::SharingAgreement;
use crate::register::training::Training;
use crate::register::transfer::Transfer;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use words::{category_matches, long_date};

/// How serious a finding is (see the module's notes for how each rule is classed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The processing may be unlawful as it stands: put right first.
    Error,
    /// A gap in the record or a review falling due.
    Warning,
}

impl Severity {
    /// The code (`error`, `warning`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// The rules of the check, in the order findings are listed within a severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// An activity with a purpose without an Art 6(1) lawful basis.
    ActivityWithoutLawfulBasis,
    /// Special-category or criminal-offence data without the conditions the law asks for.
    #[serde(rename = "art9_without_schedule1")]
    Art9WithoutSchedule1,
    /// A processor without an Art 28(3) contract in place.
    ProcessorWithoutContract,
    /// A sub-processor without the controller's written authorisation (Art 28(2)).
    SubProcessorWithoutConsent,
    /// A transfer outside the UK without a Chapter V mechanism.
    TransferWithoutMechanism,
    /// Staff whose training lapsed while their role gives access to special-category data.
    TrainingLapsedWithSpecialAccess,
    /// An organisation's ICO registration due for renewal, or past it.
    IcoRegistrationDue,
    /// A column of the Art 30 record the ICO marks as required is empty.
    RequiredColumnEmpty,
    /// An activity with no retention rule of the schedule in force.
    ActivityWithoutRetention,
    /// An activity with no system in use holding its data.
    ActivityWithoutSystem,
    /// People held in a category no activity covers.
    SubjectsWithoutActivity,
    /// A data sharing agreement past its review date.
    SharingReviewOverdue,
    /// A policy past its review date.
    PolicyReviewOverdue,
    /// A consent past its renewal date.
    ConsentRenewalOverdue,
}

impl Rule {
    /// Every rule, in listing order.
    pub const ALL: [Rule; 14] = [
        Rule::ActivityWithoutLawfulBasis,
        Rule::Art9WithoutSchedule1,
        Rule::ProcessorWithoutContract,
        Rule::SubProcessorWithoutConsent,
        Rule::TransferWithoutMechanism,
        Rule::TrainingLapsedWithSpecialAccess,
        Rule::IcoRegistrationDue,
        Rule::RequiredColumnEmpty,
        Rule::ActivityWithoutRetention,
        Rule::ActivityWithoutSystem,
        Rule::SubjectsWithoutActivity,
        Rule::SharingReviewOverdue,
        Rule::PolicyReviewOverdue,
        Rule::ConsentRenewalOverdue,
    ];

    /// The rule's name (`activity_without_lawful_basis`), as findings carry it.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::ActivityWithoutLawfulBasis => "activity_without_lawful_basis",
            Rule::Art9WithoutSchedule1 => "art9_without_schedule1",
            Rule::ProcessorWithoutContract => "processor_without_contract",
            Rule::SubProcessorWithoutConsent => "sub_processor_without_consent",
            Rule::TransferWithoutMechanism => "transfer_without_mechanism",
            Rule::TrainingLapsedWithSpecialAccess => "training_lapsed_with_special_access",
            Rule::IcoRegistrationDue => "ico_registration_due",
            Rule::RequiredColumnEmpty => "required_column_empty",
            Rule::ActivityWithoutRetention => "activity_without_retention",
            Rule::ActivityWithoutSystem => "activity_without_system",
            Rule::SubjectsWithoutActivity => "subjects_without_activity",
            Rule::SharingReviewOverdue => "sharing_review_overdue",
            Rule::PolicyReviewOverdue => "policy_review_overdue",
            Rule::ConsentRenewalOverdue => "consent_renewal_overdue",
        }
    }

    /// The rule in words, as a heading for its findings.
    pub fn label(self) -> &'static str {
        match self {
            Rule::ActivityWithoutLawfulBasis => "Processing without a lawful basis",
            Rule::Art9WithoutSchedule1 => "Special-category data without its conditions",
            Rule::ProcessorWithoutContract => "Processors without a contract",
            Rule::SubProcessorWithoutConsent => "Sub-processors without your written authorisation",
            Rule::TransferWithoutMechanism => "Transfers outside the UK without a safeguard",
            Rule::TrainingLapsedWithSpecialAccess => "Training lapsed for staff with special-category access",
            Rule::IcoRegistrationDue => "ICO registration due",
            Rule::RequiredColumnEmpty => "Required columns of the record left empty",
            Rule::ActivityWithoutRetention => "Activities without a retention rule",
            Rule::ActivityWithoutSystem => "Activities without a system",
            Rule::SubjectsWithoutActivity => "People held with no activity covering them",
            Rule::SharingReviewOverdue => "Data sharing agreements overdue for review",
            Rule::PolicyReviewOverdue => "Policies overdue for review",
            Rule::ConsentRenewalOverdue => "Consents overdue for renewal",
        }
    }
}

/// What a finding is about, as its `object_type` names it: a register's code
/// (`activity`, `processor`…), or one of these.
pub mod object {
    /// A member of staff (a user account): `object_id` is the user's id.
    pub const USER: &str = "user";
    /// A category of people held: `object_id` is the category's key (`former_tenant`).
    pub const SUBJECT_CATEGORY: &str = "subject_category";
    /// A consent in the consent ledger: `object_id` is the consent's id.
    pub const CONSENT: &str = "consent";
}

/// One gap the check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// `error` (the processing may be unlawful as it stands) or `warning`.
    pub severity: Severity,
    /// The rule that found it (`processor_without_contract`).
    pub rule: Rule,
    /// What is wrong, in plain English, naming the entry by its title.
    pub message: String,
    /// The law or guidance it falls short of ("UK GDPR Art 28(3)").
    pub citation: String,
    /// What it is about: a register's code (`activity`, `processor`, `transfer`…),
    /// `user`, `subject_category` or `consent`.
    pub object_type: String,
    /// Which one: the entry's id (a category's key for `subject_category`).
    pub object_id: String,
    /// What to do about it.
    pub fix: String,
}

/// An entry of a register in force, with what follows from it as of the check's day.
#[derive(Debug, Clone)]
pub struct InForce<E: Entry> {
    /// The entry's id.
    pub id: String,
    /// Its fields.
    pub entry: E,
    /// What follows from them.
    pub derived: E::Derived,
}

impl<E: Entry> InForce<E> {
    /// The entry `id`, its derived facts worked out as of `today`.
    pub fn new(id: impl Into<String>, entry: E, today: Date) -> Self {
        let derived = entry.derive(today);
        Self { id: id.into(), entry, derived }
    }
}

/// A system in use on the register of systems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemFact {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
}

/// How many people are held in one category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryCount {
    /// The category's key (`former_tenant`).
    pub key: String,
    /// The category in words ("Former tenant"), as people and activities name it.
    pub label: String,
    /// How many people are in it.
    pub count: i64,
}

/// A member of staff whose role gives access to special-category data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffFact {
    /// The user's id.
    pub id: String,
    /// Their name.
    pub name: String,
    /// The "data-protection training valid until" date on their account, if any.
    pub training_valid_until: Option<Date>,
}

/// One consent of the consent ledger, as far as the check needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentFact {
    /// The consent's id.
    pub id: String,
    /// The processing activity it was given for (its id; empty if not known).
    pub activity_id: String,
    /// When it is to be renewed, if a renewal date is set.
    pub renew_on: Option<Date>,
    /// Whether it has been withdrawn (a withdrawn consent is not renewed).
    pub withdrawn: bool,
}

/// Everything the check looks at: the entries of every register in force today with
/// their derived facts, the systems in use, the record types of the retention schedule in
/// force, how many people are held in each category, the staff whose role gives access to
/// special-category data, the consent ledger, and today's date.
#[derive(Debug, Clone)]
pub struct ComplianceInput {
    /// The day of the check (UK).
    pub today: Date,
    /// The record of processing.
    pub activities: Vec<InForce<Activity>>,
    /// Organisations (controllers).
    pub organisations: Vec<InForce<Organisation>>,
    /// Processors.
    pub processors: Vec<InForce<Processor>>,
    /// Data sharing agreements.
    pub sharing_agreements: Vec<InForce<SharingAgreement>>,
    /// International transfers.
    pub transfers: Vec<InForce<Transfer>>,
    /// Policies.
    pub policies: Vec<InForce<Policy>>,
    /// Training records.
    pub training: Vec<InForce<Training>>,
    /// Systems in use.
    pub systems: Vec<SystemFact>,
    /// The keys of the record types of the retention schedule in force (none without one).
    pub retention_record_types: Vec<String>,
    /// People held, by category (categories with nobody in them may be left out).
    pub subject_categories: Vec<CategoryCount>,
    /// Staff whose role gives access to special-category data (active accounts only).
    pub special_access_staff: Vec<StaffFact>,
    /// The consent ledger.
    pub consents: Vec<ConsentFact>,
}

impl ComplianceInput {
    /// An empty installation, as of `today`.
    pub fn new(today: Date) -> Self {
        Self {
            today,
            activities: Vec::new(),
            organisations: Vec::new(),
            processors: Vec::new(),
            sharing_agreements: Vec::new(),
            transfers: Vec::new(),
            policies: Vec::new(),
            training: Vec::new(),
            systems: Vec::new(),
            retention_record_types: Vec::new(),
            subject_categories: Vec::new(),
            special_access_staff: Vec::new(),
            consents: Vec::new(),
        }
    }
}

/// Run every rule over `input`: the findings, errors first, then by rule (the order of
/// [`Rule::ALL`]), then by message and the entry's id, so the same input always gives the
/// same list.
pub fn check(input: &ComplianceInput) -> Vec<Finding> {
    let mut out = Vec::new();
    out.extend(activities::activity_without_lawful_basis(input));
    out.extend(activities::activity_without_retention(input));
    out.extend(activities::activity_without_system(input));
    out.extend(activities::required_column_empty(input));
    out.extend(activities::art9_without_schedule1(input));
    out.extend(activities::subjects_without_activity(input));
    out.extend(registers::processor_without_contract(input));
    out.extend(registers::sub_processor_without_consent(input));
    out.extend(registers::transfer_without_mechanism(input));
    out.extend(registers::sharing_review_overdue(input));
    out.extend(registers::policy_review_overdue(input));
    out.extend(registers::consent_renewal_overdue(input));
    out.extend(registers::training_lapsed_with_special_access(input));
    out.extend(registers::ico_registration_due(input));
    sort(&mut out);
    out
}

/// Put findings in the check's order (see [`check`]).
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (a.severity, a.rule, &a.message, &a.object_id).cmp(&(b.severity, b.rule, &b.message, &b.object_id))
    });
}

/// How many errors and warnings there are among `findings`.
pub fn counts(findings: &[Finding]) -> (usize, usize) {
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    (errors, findings.len() - errors)
}

pub use activities::{
    activity_without_lawful_basis, activity_without_retention, activity_without_system, art9_without_schedule1,
    required_column_empty, subjects_without_activity,
};
pub use registers::{
    Lapse, consent_renewal_overdue, ico_registration_due, policy_review_overdue, processor_without_contract,
    sharing_review_overdue, staff_training_lapse, sub_processor_without_consent, training_lapsed_with_special_access,
    transfer_without_mechanism,
};

/// A finding of `rule` about `object_type`/`object_id`.
fn finding(
    severity: Severity,
    rule: Rule,
    object_type: &str,
    object_id: &str,
    message: String,
    citation: &str,
    fix: String,
) -> Finding {
    Finding {
        severity,
        rule,
        message,
        citation: citation.to_string(),
        object_type: object_type.to_string(),
        object_id: object_id.to_string(),
        fix,
    }
}
