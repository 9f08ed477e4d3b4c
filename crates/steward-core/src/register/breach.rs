//! The breach register: every personal data breach and near miss, with the ICO's 72-hour
//! clock and the organisation's internal clock, the assessment of risk and the decisions
//! (report to the ICO, tell the people affected) each with its reason, the reports sent in
//! phases, who else was told, the actions taken and the lessons learned.
//!
//! Sources: UK GDPR Art 33(1) (notify the Commissioner within 72 hours of awareness unless
//! the breach is unlikely to result in a risk; a later notification gives the reasons for
//! the delay), Art 33(3) (what a notification describes), Art 33(4) (information in
//! phases), Art 33(5) (document every breach, its effects and the remedial action), Art 34
//! (tell the people affected of a high risk, unless Art 34(3) applies); ICO "Personal data
//! breaches: a guide" and its self-assessment and online report form (uk-rules §2, §8).

use super::entry::{Entry, Link, LinkTarget, MAX_ITEMS, RegisterKind, field, ids, links};
use super::incident::{Env, hours_until, ico_deadline, internal_deadline};
use super::{MAX_NAME, MAX_NOTE};
use crate::{FieldError, Permission};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A breach, or a near miss (caught before any personal data was affected).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BreachKind {
    /// A personal data breach (Art 4(12)).
    #[default]
    Breach,
    /// A near miss: recorded to learn from it; no clock runs.
    NearMiss,
}

/// Yes, no or not known (the ICO form's "cyber incident?").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum YesNoUnknown {
    /// Yes.
    Yes,
    /// No.
    No,
    /// Not known yet.
    #[default]
    Unknown,
}

/// The words for `value`'s serialised code among `choices` (code, words); blank if none.
pub fn choice_words<T: Serialize>(value: &T, choices: &[(&'static str, &'static str)]) -> &'static str {
    let code = serde_json::to_value(value).ok();
    let code = code.as_ref().and_then(|v| v.as_str()).unwrap_or_default();
    choices.iter().find(|(c, _)| *c == code).map_or("", |(_, w)| w)
}

/// The kinds of personal data the ICO's breach report form lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DataCategory {
    /// Racial or ethnic origin.
    RacialOrEthnicOrigin,
    /// Political opinions.
    PoliticalOpinions,
    /// Religious or philosophical beliefs.
    ReligiousOrPhilosophicalBeliefs,
    /// Trade union membership.
    TradeUnionMembership,
    /// Sex life.
    SexLife,
    /// Sexual orientation.
    SexualOrientation,
    /// Gender reassignment.
    GenderReassignment,
    /// Health.
    Health,
    /// Basic personal identifiers (name, contact details).
    BasicIdentifiers,
    /// Identification data (usernames, passwords).
    IdentificationData,
    /// Economic or financial data.
    EconomicOrFinancial,
    /// Official documents (driving licences, passports).
    OfficialDocuments,
    /// Location data.
    Location,
    /// Genetic or biometric data.
    GeneticOrBiometric,
    /// Criminal convictions or offences.
    CriminalConvictions,
    /// Not yet known.
    NotYetKnown,
    /// Other.
    Other,
}

impl DataCategory {
    /// Every category's code with its words on the ICO's form, in the form's order.
    pub const CHOICES: [(&'static str, &'static str); 17] = [
        ("racial_or_ethnic_origin", "Racial or ethnic origin"),
        ("political_opinions", "Political opinions"),
        ("religious_or_philosophical_beliefs", "Religious or philosophical beliefs"),
        ("trade_union_membership", "Trade union membership"),
        ("sex_life", "Sex life"),
        ("sexual_orientation", "Sexual orientation"),
        ("gender_reassignment", "Gender reassignment"),
        ("health", "Health"),
        ("basic_identifiers", "Basic personal identifiers"),
        ("identification_data", "Identification data"),
        ("economic_or_financial", "Economic or financial data"),
        ("official_documents", "Official documents"),
        ("location", "Location data"),
        ("genetic_or_biometric", "Genetic or biometric data"),
        ("criminal_convictions", "Criminal convictions or offences"),
        ("not_yet_known", "Not yet known"),
        ("other", "Other"),
    ];

    /// Its words on the form.
    pub fn words(self) -> &'static str {
        choice_words(&self, &Self::CHOICES)
    }
}

/// The kinds of people the ICO's breach report form lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PeopleCategory {
    /// Employees.
    Employees,
    /// Users.
    Users,
    /// Subscribers.
    Subscribers,
    /// Students.
    Students,
    /// Customers or prospective customers (tenants, residents, clients).
    Customers,
    /// Patients.
    Patients,
    /// Children.
    Children,
    /// Vulnerable adults.
    VulnerableAdults,
    /// Not yet known.
    NotYetKnown,
    /// Other.
    Other,
}

impl PeopleCategory {
    /// Every category's code with its words on the ICO's form.
    pub const CHOICES: [(&'static str, &'static str); 10] = [
        ("employees", "Employees"),
        ("users", "Users"),
        ("subscribers", "Subscribers"),
        ("students", "Students"),
        ("customers", "Customers or prospective customers"),
        ("patients", "Patients"),
        ("children", "Children"),
        ("vulnerable_adults", "Vulnerable adults"),
        ("not_yet_known", "Not yet known"),
        ("other", "Other"),
    ];

    /// Its words on the form.
    pub fn words(self) -> &'static str {
        choice_words(&self, &Self::CHOICES)
    }
}

/// How likely the people affected are to suffer significant consequences (the ICO form's
/// scale).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Likelihood {
    /// Very unlikely.
    VeryUnlikely,
    /// Unlikely.
    Unlikely,
    /// Neither likely nor unlikely.
    Neutral,
    /// Likely.
    Likely,
    /// Very likely.
    VeryLikely,
}

/// How severe the consequences would be (ICO self-assessment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsequenceSeverity {
    /// Minimal: inconvenience people overcome without difficulty.
    Minimal,
    /// Significant: consequences people overcome with some difficulty.
    Significant,
    /// Severe: significant or irreversible consequences (distress, financial loss,
    /// discrimination, physical harm).
    Severe,
}

/// The risk to people that the assessment points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BreachRisk {
    /// Unlikely to result in a risk: record it, no report (Art 33(1)).
    Unlikely,
    /// A risk: report to the ICO within 72 hours (Art 33(1)).
    Risk,
    /// A high risk: report, and tell the people affected (Art 34(1)).
    High,
}

impl BreachRisk {
    /// The risk from likelihood and severity, as Steward suggests it (the decision stays the
    /// DPO's): unlikely when consequences are unlikely or minimal; high when they are likely
    /// and severe, or very likely and significant; a risk otherwise. ICO "Personal data
    /// breaches: a guide" ("assess both the severity of the potential or actual impact on
    /// individuals … and the likelihood of this occurring").
    pub fn assess(likelihood: Likelihood, severity: ConsequenceSeverity) -> BreachRisk {
        use Likelihood::*;
        match (likelihood, severity) {
            (VeryUnlikely | Unlikely, _) | (_, ConsequenceSeverity::Minimal) => BreachRisk::Unlikely,
            (Likely | VeryLikely, ConsequenceSeverity::Severe) | (VeryLikely, ConsequenceSeverity::Significant) => {
                BreachRisk::High
            }
            _ => BreachRisk::Risk,
        }
    }
}

/// Why the people affected need not be told of a high risk (Art 34(3)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Art34Exception {
    /// Art 34(3)(a): the data was unintelligible to anyone not authorised (encrypted).
    Unintelligible,
    /// Art 34(3)(b): later measures mean the high risk is no longer likely.
    RiskRemoved,
    /// Art 34(3)(c): telling each would take disproportionate effort; a public
    /// communication is made instead.
    DisproportionateEffort,
}

/// The phase of a report to the ICO (Art 33(4)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportPhase {
    /// The first report.
    #[default]
    Initial,
    /// A follow-up, quoting the ICO's case reference.
    FollowUp,
}

/// One report sent to the ICO.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IcoReport {
    /// Initial or follow-up.
    #[serde(default)]
    pub phase: ReportPhase,
    /// When it was sent (RFC 3339; required).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sent_at: Option<Timestamp>,
    /// The ICO's case reference (required for a follow-up).
    #[serde(default)]
    pub ico_reference: String,
    /// Any ICO officer already spoken to.
    #[serde(default)]
    pub ico_officer: String,
    /// What this report added.
    #[serde(default)]
    pub notes: String,
}

/// Who else was told.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeTo {
    /// The people affected (Art 34).
    #[default]
    Individuals,
    /// A partner under a data sharing agreement.
    SharingPartner,
    /// Another regulator or a federation (named in settings).
    Regulator,
    /// The police.
    Police,
    /// Anyone else (a bank, an insurer).
    Other,
}

/// One notification about the breach.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BreachNotice {
    /// Who was told.
    #[serde(default)]
    pub to: NoticeTo,
    /// Their name ("Westshire County Council"; for individuals, how many or which group).
    #[serde(default)]
    pub name: String,
    /// For a sharing partner: the agreement (it says what they must be told).
    #[serde(default)]
    pub sharing_agreement_id: Option<String>,
    /// When they were told.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub on: Option<Date>,
    /// How (letter, email, phone).
    #[serde(default)]
    pub how: String,
}

/// An action to contain the breach or stop it happening again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BreachAction {
    /// What is to be done (required).
    pub action: String,
    /// Who owns it.
    #[serde(default)]
    pub owner: String,
    /// When it is due.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub due_on: Option<Date>,
    /// When it was done.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub done_on: Option<Date>,
}

/// A breach or near miss as recorded, and as the API receives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Breach {
    /// Breach or near miss.
    #[serde(default)]
    pub kind: BreachKind,
    /// What happened (required), without naming the people affected.
    pub summary: String,
    /// How it was found.
    #[serde(default)]
    pub how_found: String,
    /// When it happened (RFC 3339), if known.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub occurred_at: Option<Timestamp>,
    /// When the organisation became aware of it (RFC 3339; required): the clocks start here.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub aware_at: Option<Timestamp>,
    /// Was it a cyber incident?
    #[serde(default)]
    pub cyber_incident: YesNoUnknown,
    /// Systems involved (the register of systems).
    #[serde(default)]
    pub system_ids: Vec<String>,
    /// Processing activities involved (the record of processing).
    #[serde(default)]
    pub activity_ids: Vec<String>,
    /// Data sharing agreements whose data is involved.
    #[serde(default)]
    pub sharing_agreement_ids: Vec<String>,
    /// Kinds of data involved (the ICO's list).
    #[serde(default)]
    pub data_categories: Vec<DataCategory>,
    /// Approximate number of people affected.
    #[serde(default)]
    pub people_affected: Option<u64>,
    /// Approximate number of records affected.
    #[serde(default)]
    pub records_affected: Option<u64>,
    /// Kinds of people affected (the ICO's list).
    #[serde(default)]
    pub people_categories: Vec<PeopleCategory>,
    /// The data was encrypted or otherwise unintelligible to whoever got it.
    #[serde(default)]
    pub encrypted: bool,
    /// What has been done to contain it and limit the harm.
    #[serde(default)]
    pub containment: String,
    /// Staff involved and the data protection training they had.
    #[serde(default)]
    pub staff_involved: String,
    /// Measures in place before it happened.
    #[serde(default)]
    pub measures_before: String,
    /// Steps to stop it happening again.
    #[serde(default)]
    pub prevent_recurrence: String,
    /// Was personal data involved? (ICO self-assessment, first question.)
    #[serde(default)]
    pub personal_data_involved: Option<bool>,
    /// How likely significant consequences are.
    #[serde(default)]
    pub likelihood: Option<Likelihood>,
    /// How severe they would be.
    #[serde(default)]
    pub severity: Option<ConsequenceSeverity>,
    /// The consequences people may suffer.
    #[serde(default)]
    pub potential_consequences: String,
    /// The decision to report to the ICO (Art 33(1)); none while it is open.
    #[serde(default)]
    pub report_to_ico: Option<bool>,
    /// Why (required with the decision; for not reporting, Art 33(5)).
    #[serde(default)]
    pub report_to_ico_reason: String,
    /// The reasons a report was (or will be) made after 72 hours (Art 33(1)).
    #[serde(default)]
    pub delay_reasons: String,
    /// The decision to tell the people affected (Art 34); none while it is open.
    #[serde(default)]
    pub tell_individuals: Option<bool>,
    /// Why (required with the decision).
    #[serde(default)]
    pub tell_individuals_reason: String,
    /// Where a high risk is not told: which Art 34(3) exception applies.
    #[serde(default)]
    pub art34_exception: Option<Art34Exception>,
    /// Reports sent to the ICO, in phases (Art 33(4)).
    #[serde(default)]
    pub reports: Vec<IcoReport>,
    /// Who else was told.
    #[serde(default)]
    pub notifications: Vec<BreachNotice>,
    /// Actions, with owners and due dates.
    #[serde(default)]
    pub actions: Vec<BreachAction>,
    /// What was learned.
    #[serde(default)]
    pub lessons_learned: String,
    /// When it was closed.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub closed_on: Option<Date>,
}

/// What follows from a breach rather than being typed: its clocks and where it stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BreachDerived {
    /// 72 real hours after awareness (Art 33(1)); none for a near miss.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ico_deadline_at: Option<Timestamp>,
    /// The organisation's internal deadline for telling its DPO.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub internal_deadline_at: Option<Timestamp>,
    /// Whole hours left until the ICO deadline while the decision (or the report decided on)
    /// is outstanding; negative once passed; none once done.
    pub hours_to_ico_deadline: Option<i64>,
    /// The decision whether to report is still to be made.
    pub decision_open: bool,
    /// When the first report reached the ICO.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub reported_at: Option<Timestamp>,
    /// Reported after the 72 hours, or due to be and not yet reported with the time gone.
    pub late: bool,
    /// The risk the assessment points to, as Steward suggests it.
    pub suggested_risk: Option<BreachRisk>,
    /// Where it stands, in words.
    pub status: String,
}

impl Breach {
    /// The first initial report's time.
    pub fn first_report(&self) -> Option<Timestamp> {
        self.reports.iter().filter_map(|r| r.sent_at).min()
    }

    /// The ICO deadline, if the clock runs (a breach with an awareness time).
    pub fn ico_deadline(&self) -> Option<Timestamp> {
        if self.kind == BreachKind::NearMiss {
            return None;
        }
        self.aware_at.and_then(ico_deadline)
    }
}

impl Entry for Breach {
    const KIND: RegisterKind = RegisterKind::Breach;
    const UNIQUE_TITLE: bool = false;
    const CREATE: Permission = Permission::ReportBreach;
    const CHANGE: Permission = Permission::ManageIncidents;
    type Derived = BreachDerived;

    fn derive(&self, today: Date) -> BreachDerived {
        self.derive_at(&Env::on(today))
    }

    fn derive_at(&self, env: &Env) -> BreachDerived {
        let near_miss = self.kind == BreachKind::NearMiss;
        let deadline = self.ico_deadline();
        let reported_at = self.first_report();
        let no_data = self.personal_data_involved == Some(false);
        let decision_open = !near_miss && !no_data && self.report_to_ico.is_none();
        let awaiting_report = self.report_to_ico == Some(true) && reported_at.is_none();
        let outstanding = (decision_open || awaiting_report) && self.closed_on.is_none();
        let late = match (deadline, reported_at) {
            (Some(d), Some(r)) => r > d,
            (Some(d), None) => outstanding && env.now > d,
            _ => false,
        };
        let status = if self.closed_on.is_some() {
            "Closed"
        } else if near_miss {
            "Near miss"
        } else if no_data {
            "No personal data involved"
        } else if decision_open {
            "Decision open"
        } else if awaiting_report {
            "To be reported to the ICO"
        } else if reported_at.is_some() {
            "Reported to the ICO"
        } else {
            "Not reportable"
        };
        BreachDerived {
            ico_deadline_at: deadline,
            internal_deadline_at: if near_miss {
                None
            } else {
                self.aware_at.and_then(|a| internal_deadline(a, env.incidents.breach_internal_clock, &env.calendar))
            },
            hours_to_ico_deadline: deadline.filter(|_| outstanding).map(|d| hours_until(env.now, d)),
            decision_open,
            reported_at,
            late,
            suggested_risk: match (self.likelihood, self.severity) {
                (Some(l), Some(s)) => Some(BreachRisk::assess(l, s)),
                _ => None,
            },
            status: status.into(),
        }
    }

    fn validate(self) -> Result<Self, Vec<FieldError>> {
        let mut e = Vec::new();
        let summary = field("summary", &self.summary, MAX_NOTE, true, &mut e);
        if self.aware_at.is_none() {
            e.push(FieldError::new(
                "aware_at",
                "give when the organisation became aware of it: the 72 hours run from then (UK GDPR Art 33(1))",
            ));
        }
        if let (Some(o), Some(a)) = (self.occurred_at, self.aware_at)
            && a < o
        {
            e.push(FieldError::new("aware_at", "cannot be before the breach happened (occurred_at)"));
        }
        let note = |name: &str, v: &str, e: &mut Vec<FieldError>| field(name, v, MAX_NOTE, false, e);
        if self.report_to_ico.is_some() && self.report_to_ico_reason.trim().is_empty() {
            let msg = if self.report_to_ico == Some(false) {
                "give the reason for not reporting to the ICO: it must be documented (UK GDPR Art 33(5))"
            } else {
                "give the reason for reporting to the ICO (the risk to people, UK GDPR Art 33(1))"
            };
            e.push(FieldError::new("report_to_ico_reason", msg));
        }
        if self.tell_individuals.is_some() && self.tell_individuals_reason.trim().is_empty() {
            e.push(FieldError::new(
                "tell_individuals_reason",
                "give the reason for the decision on telling the people affected (UK GDPR Art 34)",
            ));
        }
        let high = matches!((self.likelihood, self.severity), (Some(l), Some(s)) if BreachRisk::assess(l, s) == BreachRisk::High);
        if self.tell_individuals == Some(false) && high && self.art34_exception.is_none() {
            e.push(FieldError::new(
                "art34_exception",
                "the assessment shows a high risk: people must be told unless an exception in UK GDPR Art 34(3) \
                 applies (the data was unintelligible, the risk has been removed, or telling each would take \
                 disproportionate effort)",
            ));
        }
        if self.report_to_ico == Some(false) && !self.reports.is_empty() {
            e.push(FieldError::new("reports", "the decision was not to report to the ICO, yet reports are listed"));
        }
        if self.reports.len() > MAX_ITEMS {
            e.push(FieldError::new("reports", format!("must hold at most {MAX_ITEMS} items")));
        }
        let deadline = self.ico_deadline();
        let mut reports = Vec::new();
        for (i, r) in self.reports.iter().enumerate() {
            let p = format!("reports[{i}]");
            match r.sent_at {
                None => e.push(FieldError::new(format!("{p}.sent_at"), "give when the report was sent")),
                Some(s) if self.aware_at.is_some_and(|a| s < a) => e.push(FieldError::new(
                    format!("{p}.sent_at"),
                    "cannot be before the organisation became aware of the breach",
                )),
                Some(_) => {}
            }
            let reference = field(&format!("{p}.ico_reference"), &r.ico_reference, MAX_NAME, false, &mut e);
            if r.phase == ReportPhase::FollowUp && reference.is_empty() {
                e.push(FieldError::new(
                    format!("{p}.ico_reference"),
                    "a follow-up report quotes the ICO's case reference from the initial report (UK GDPR Art 33(4))",
                ));
            }
            reports.push(IcoReport {
                phase: r.phase,
                sent_at: r.sent_at,
                ico_reference: reference,
                ico_officer: field(&format!("{p}.ico_officer"), &r.ico_officer, MAX_NAME, false, &mut e),
                notes: note(&format!("{p}.notes"), &r.notes, &mut e),
            });
        }
        reports.sort_by_key(|r| r.sent_at);
        if let (Some(d), Some(first)) = (deadline, self.first_report())
            && first > d
            && self.delay_reasons.trim().is_empty()
        {
            e.push(FieldError::new(
                "delay_reasons",
                "the first report was sent more than 72 hours after awareness: give the reasons for the delay \
                 (UK GDPR Art 33(1))",
            ));
        }
        if self.closed_on.is_some() && self.kind == BreachKind::Breach && self.personal_data_involved != Some(false) {
            if self.report_to_ico.is_none() {
                e.push(FieldError::new(
                    "closed_on",
                    "decide whether to report to the ICO, with the reason, before closing (UK GDPR Art 33(5))",
                ));
            } else if self.report_to_ico == Some(true) && self.reports.is_empty() {
                e.push(FieldError::new("closed_on", "record the report sent to the ICO before closing"));
            }
        }
        if let (Some(c), Some(a)) = (self.closed_on, self.aware_at)
            && c < crate::time::uk_date(a)
        {
            e.push(FieldError::new("closed_on", "cannot be before the organisation became aware of the breach"));
        }
        let mut notifications = Vec::new();
        if self.notifications.len() > MAX_ITEMS {
            e.push(FieldError::new("notifications", format!("must hold at most {MAX_ITEMS} items")));
        }
        for (i, n) in self.notifications.iter().enumerate() {
            let p = format!("notifications[{i}]");
            let name = field(&format!("{p}.name"), &n.name, MAX_NAME, false, &mut e);
            let agreement = n.sharing_agreement_id.as_deref().map(str::trim).filter(|s| !s.is_empty());
            if n.to == NoticeTo::SharingPartner && agreement.is_none() && name.is_empty() {
                e.push(FieldError::new(
                    format!("{p}.sharing_agreement_id"),
                    "name the partner or choose the data sharing agreement",
                ));
            }
            notifications.push(BreachNotice {
                to: n.to,
                name,
                sharing_agreement_id: agreement.map(str::to_string),
                on: n.on,
                how: field(&format!("{p}.how"), &n.how, MAX_NAME, false, &mut e),
            });
        }
        let mut actions = Vec::new();
        if self.actions.len() > MAX_ITEMS {
            e.push(FieldError::new("actions", format!("must hold at most {MAX_ITEMS} items")));
        }
        for (i, a) in self.actions.iter().enumerate() {
            let p = format!("actions[{i}]");
            actions.push(BreachAction {
                action: field(&format!("{p}.action"), &a.action, MAX_NOTE, true, &mut e),
                owner: field(&format!("{p}.owner"), &a.owner, MAX_NAME, false, &mut e),
                due_on: a.due_on,
                done_on: a.done_on,
            });
        }
        let mut data_categories = self.data_categories.clone();
        data_categories.sort();
        data_categories.dedup();
        let mut people_categories = self.people_categories.clone();
        people_categories.sort();
        people_categories.dedup();
        let out = Breach {
            kind: self.kind,
            summary,
            how_found: note("how_found", &self.how_found, &mut e),
            occurred_at: self.occurred_at,
            aware_at: self.aware_at,
            cyber_incident: self.cyber_incident,
            system_ids: ids("system_ids", &self.system_ids, &mut e),
            activity_ids: ids("activity_ids", &self.activity_ids, &mut e),
            sharing_agreement_ids: ids("sharing_agreement_ids", &self.sharing_agreement_ids, &mut e),
            data_categories,
            people_affected: self.people_affected,
            records_affected: self.records_affected,
            people_categories,
            encrypted: self.encrypted,
            containment: note("containment", &self.containment, &mut e),
            staff_involved: note("staff_involved", &self.staff_involved, &mut e),
            measures_before: note("measures_before", &self.measures_before, &mut e),
            prevent_recurrence: note("prevent_recurrence", &self.prevent_recurrence, &mut e),
            personal_data_involved: self.personal_data_involved,
            likelihood: self.likelihood,
            severity: self.severity,
            potential_consequences: note("potential_consequences", &self.potential_consequences, &mut e),
            report_to_ico: self.report_to_ico,
            report_to_ico_reason: note("report_to_ico_reason", &self.report_to_ico_reason, &mut e),
            delay_reasons: note("delay_reasons", &self.delay_reasons, &mut e),
            tell_individuals: self.tell_individuals,
            tell_individuals_reason: note("tell_individuals_reason", &self.tell_individuals_reason, &mut e),
            art34_exception: self.art34_exception,
            reports,
            notifications,
            actions,
            lessons_learned: note("lessons_learned", &self.lessons_learned, &mut e),
            closed_on: self.closed_on,
        };
        if e.is_empty() { Ok(out) } else { Err(e) }
    }

    fn title(&self) -> &str {
        &self.summary
    }

    fn links(&self) -> Vec<Link> {
        let mut out = links("system_ids", &self.system_ids, LinkTarget::System);
        out.extend(links("activity_ids", &self.activity_ids, LinkTarget::Register(RegisterKind::Activity)));
        out.extend(links(
            "sharing_agreement_ids",
            &self.sharing_agreement_ids,
            LinkTarget::Register(RegisterKind::SharingAgreement),
        ));
        for (i, n) in self.notifications.iter().enumerate() {
            if let Some(id) = n.sharing_agreement_id.as_deref().filter(|s| !s.is_empty()) {
                out.push(Link {
                    field: format!("notifications[{i}].sharing_agreement_id"),
                    target: LinkTarget::Register(RegisterKind::SharingAgreement),
                    id: id.to_string(),
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests;
