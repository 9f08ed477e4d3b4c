//! What each versioned register's pages show and ask: its fields in order, each with its
//! label, hint and kind of control, and the facts worked out from an entry. The pages,
//! forms and history of every register are drawn from these lists.

use steward_core::register::breach::{DataCategory, PeopleCategory};
use steward_core::register::country::COUNTRIES;
use steward_core::register::disclosure::DisclosureBasis;
use steward_core::register::entry::RegisterKind;
use steward_core::register::lawful_basis::{ART9_CONDITIONS, BASES, SCHEDULE1_CONDITIONS};
use steward_core::subject::SpecialCategory;

/// Where a picker's choices come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Entries in use of a versioned register.
    Register(RegisterKind),
    /// Systems in use.
    System,
    /// Record types of the retention schedule in force.
    RecordType,
    /// People with an account.
    User,
}

/// How a field is asked for and shown.
#[derive(Debug, Clone, Copy)]
pub enum Widget {
    /// One line of text.
    Text,
    /// Several lines of text.
    Long,
    /// A date (day, month, year).
    Date,
    /// A date and a time of day, UK time (an instant, RFC 3339 in the entry).
    DateTime,
    /// Any number of fixed options (value, words), ticked.
    Many(&'static [(&'static str, &'static str)]),
    /// A whole number.
    Number,
    /// Yes or no.
    Check,
    /// Yes, no or not known.
    YesNo,
    /// One of fixed options (value, words).
    Choice(&'static [(&'static str, &'static str)]),
    /// A list of words, one per line.
    Words,
    /// Any number of entries from a source, ticked.
    Pick(Source),
    /// One entry from a source, or none.
    PickOne(Source),
    /// Rows of the given fields (purposes, sub-processors).
    Group(&'static [Field], &'static str),
    /// A set of fields kept together (a processor's contract).
    Object(&'static [Field]),
}

/// One field of an entry.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Its name in the entry (`business_function`).
    pub key: &'static str,
    /// Its label.
    pub label: &'static str,
    /// A hint under the label.
    pub hint: &'static str,
    /// How it is asked for.
    pub widget: Widget,
}

const fn f(key: &'static str, label: &'static str, hint: &'static str, widget: Widget) -> Field {
    Field { key, label, hint, widget }
}

/// A register's pages.
pub struct Spec {
    /// Which register.
    pub kind: RegisterKind,
    /// What the register is, for the top of its page.
    pub intro: &'static str,
    /// Its fields, in order.
    pub fields: &'static [Field],
    /// Fields shown as columns of the list, after the name.
    pub columns: &'static [&'static str],
    /// Facts worked out from an entry (key of the derived value, label).
    pub derived: &'static [(&'static str, &'static str)],
}

const RECORD: &[(&str, &str)] = &[
    ("controller", "We decide why and how (controller)"),
    ("processor", "We process it for another organisation (processor)"),
];
const DPIA: &[(&str, &str)] =
    &[("not_assessed", "Not yet screened"), ("yes", "Yes, a DPIA is required"), ("no", "No, not required")];
const MECHANISMS: &[(&str, &str)] = &[
    ("uk_adequacy", "UK adequacy regulations (DPA 2018 s17A)"),
    ("idta", "International Data Transfer Agreement (IDTA)"),
    ("uk_addendum", "UK Addendum to the EU standard contractual clauses"),
    ("binding_corporate_rules", "Binding corporate rules"),
    ("art49_derogation", "An exception for a specific situation (Art 49)"),
];
const CONSENT_EVENTS: &[(&str, &str)] =
    &[("asked", "We were asked"), ("objected", "We objected"), ("consented", "We consented in writing")];

const PURPOSE: &[Field] = &[
    f("purpose", "Purpose", "What the processing is for.", Widget::Text),
    f("lawful_basis", "Lawful basis", "", Widget::Choice(BASES)),
    f("legitimate_interest", "Legitimate interest", "For legitimate interests: the interest pursued.", Widget::Text),
    f("lia_link", "Legitimate interests assessment", "Where the assessment is kept.", Widget::Text),
    f("consent_purpose", "Consent purpose", "For consent: what people agree to, as the consent record names it.", Widget::Text),
];
const SPECIAL: &[Field] = &[
    f("category", "Kind of data", "", Widget::Choice(&SpecialCategory::HEADINGS)),
    f("art9_condition", "Article 9 condition", "Not needed for criminal-offence data.", Widget::Choice(ART9_CONDITIONS)),
    f("schedule1_condition", "Schedule 1 condition", "Needed with Art 9(2)(b), (g), (h), (i) or (j) and for criminal-offence data.", Widget::Choice(SCHEDULE1_CONDITIONS)),
    f("policy_document", "An appropriate policy document is in place", "", Widget::Check),
];

/// The record of processing's fields, in the ICO template's order where it has them.
const ACTIVITY_FIELDS: &[Field] = &[
    f("name", "Name", "As people in your organisation call it, for example Tenancy management.", Widget::Text),
    f("record", "Whose record", "", Widget::Choice(RECORD)),
    f("business_function", "Business function", "For example Housing management.", Widget::Text),
    f("controller_ids", "Controllers", "Leave all unticked when your organisation is the only one.", Widget::Pick(Source::Register(RegisterKind::Organisation))),
    f("joint_controller", "Joint controller", "Name and contact details, if another organisation decides with you.", Widget::Long),
    f("processing_for", "Processing for", "For a processor's record: the controllers you act for, with contact details.", Widget::Long),
    f("subject_categories", "Categories of people", "One per line, for example Tenants.", Widget::Words),
    f("data_categories", "Categories of personal data", "One per line, for example Contact details.", Widget::Words),
    f("recipients", "Categories of recipients", "One per line, for example Repairs contractors.", Widget::Words),
    f("purposes", "Purposes and lawful bases", "", Widget::Group(PURPOSE, "Purpose")),
    f("special_category", "Special-category and criminal-offence data", "", Widget::Group(SPECIAL, "Kind of data")),
    f("system_ids", "Systems holding the data", "", Widget::Pick(Source::System)),
    f("processor_ids", "Processors", "", Widget::Pick(Source::Register(RegisterKind::Processor))),
    f("transfer_ids", "Transfers outside the UK", "", Widget::Pick(Source::Register(RegisterKind::Transfer))),
    f("exceptional_transfer_safeguards", "Safeguards for exceptional transfers", "", Widget::Long),
    f("sharing_agreement_ids", "Data sharing agreements", "", Widget::Pick(Source::Register(RegisterKind::SharingAgreement))),
    f("notice_ids", "Privacy notices that tell people", "", Widget::Pick(Source::Register(RegisterKind::Notice))),
    f("retention_record_types", "Retention rules", "Record types of the retention schedule in force.", Widget::Pick(Source::RecordType)),
    f("security_measures", "Security measures", "A general description of the technical and organisational measures.", Widget::Long),
    f("automated_decisions", "Automated decision-making", "Leave blank if there is none.", Widget::Long),
    f("source", "Where the data comes from", "", Widget::Long),
    f("location", "Where the data is", "Beyond the systems ticked above, for example paper files at the area office.", Widget::Long),
    f("dpia_required", "DPIA required?", "", Widget::Choice(DPIA)),
    f("dpia_progress", "DPIA progress", "", Widget::Text),
    f("dpia_link", "Link to the DPIA", "", Widget::Text),
    f("retention_policy_link", "Retention and erasure policy document", "", Widget::Text),
    f("retained_per_policy", "Retained and erased as that policy says?", "", Widget::YesNo),
    f("not_retained_reason", "Why not", "", Widget::Long),
    f("national_data_opt_out", "The national data opt-out applies", "Health and care: confidential patient information used beyond individual care.", Widget::Check),
    f("notes", "Notes", "", Widget::Long),
];

const ORGANISATION: &[Field] = &[
    f("name", "Name", "", Widget::Text),
    f("ico_registration_number", "ICO registration number", "As on the ICO's register of fee payers, for example ZA123456.", Widget::Text),
    f("ico_renewal_on", "ICO registration renewal date", "", Widget::Date),
    f("address", "Address", "", Widget::Long),
    f("email", "Email", "", Widget::Text),
    f("telephone", "Telephone", "", Widget::Text),
    f("dpo_name", "Data protection officer", "", Widget::Text),
    f("dpo_contact", "DPO's contact details", "", Widget::Long),
    f("representative", "Representative", "Only for an organisation outside the UK (Art 27).", Widget::Long),
    f("parent_id", "Part of", "The parent organisation, if this one belongs to a group.", Widget::PickOne(Source::Register(RegisterKind::Organisation))),
    f("sector", "Sector", "For example Housing association or Charity.", Widget::Text),
    f("notes", "Notes", "", Widget::Long),
];

const CONSENT_EVENT: &[Field] = &[
    f("event", "What happened", "", Widget::Choice(CONSENT_EVENTS)),
    f("on", "On", "", Widget::Date),
    f("by", "By", "Who asked, objected or consented.", Widget::Text),
    f("document", "Document", "Where the letter or email is kept.", Widget::Text),
];
const SUB_PROCESSOR: &[Field] = &[
    f("name", "Name", "", Widget::Text),
    f("service", "What they do", "", Widget::Text),
    f("country", "Country", "", Widget::Choice(&COUNTRIES)),
    f("consent", "Our written consent (Art 28(2))", "", Widget::Group(CONSENT_EVENT, "Event")),
];
const CONTRACT: &[Field] = &[
    f("signed_on", "Signed on", "", Widget::Date),
    f("expires_on", "Ends on", "", Widget::Date),
    f("document", "Contract document", "Where the signed contract is kept.", Widget::Text),
    f("art28_terms", "It has the terms Article 28(3) requires", "", Widget::Check),
    f("breach_notice_hours", "Hours they have to tell us of a breach", "", Widget::Number),
];
const PROCESSOR: &[Field] = &[
    f("name", "Name", "", Widget::Text),
    f("contact", "Contact", "", Widget::Long),
    f("services", "What they do for us", "", Widget::Long),
    f("country", "Country", "", Widget::Choice(&COUNTRIES)),
    f("contract", "Contract", "", Widget::Object(CONTRACT)),
    f("security_assurances", "Security assurances", "For example ISO 27001 or Cyber Essentials Plus.", Widget::Long),
    f("review_on", "Next review", "", Widget::Date),
    f("system_ids", "Systems they run for us", "", Widget::Pick(Source::System)),
    f("sub_processors", "Sub-processors", "", Widget::Group(SUB_PROCESSOR, "Sub-processor")),
    f("notes", "Notes", "", Widget::Long),
];

const SHARING: &[Field] = &[
    f("title", "Title", "", Widget::Text),
    f("parties", "Other parties", "One organisation per line.", Widget::Words),
    f("purpose", "Purpose", "", Widget::Long),
    f("data_shared", "Data shared", "One category per line.", Widget::Words),
    f("lawful_basis", "Lawful basis", "", Widget::Choice(BASES)),
    f("signed_on", "Signed on", "", Widget::Date),
    f("approved_by_dpo", "Approved by (DPO)", "", Widget::Text),
    f("approved_on", "Approved on", "", Widget::Date),
    f("review_on", "Next review", "", Widget::Date),
    f("breach_duties", "What each party must do in a breach", "", Widget::Long),
    f("document", "Agreement document", "", Widget::Text),
    f("activity_ids", "Processing activities", "", Widget::Pick(Source::Register(RegisterKind::Activity))),
    f("notes", "Notes", "", Widget::Long),
];

const TRANSFER: &[Field] = &[
    f("recipient", "Recipient", "", Widget::Text),
    f("destination_country", "Country", "", Widget::Choice(&COUNTRIES)),
    f("mechanism", "Safeguard", "", Widget::Choice(MECHANISMS)),
    f("derogation_reason", "Why an exception applies", "For an Art 49 exception: which one, and why.", Widget::Long),
    f("tra_link", "Transfer risk assessment", "Where it is kept.", Widget::Text),
    f("tra_on", "Assessed on", "", Widget::Date),
    f("processor_id", "Processor", "", Widget::PickOne(Source::Register(RegisterKind::Processor))),
    f("activity_ids", "Processing activities", "", Widget::Pick(Source::Register(RegisterKind::Activity))),
    f("notes", "Notes", "", Widget::Long),
];

const NOTICE: &[Field] = &[
    f("title", "Title", "For example Privacy notice for tenants.", Widget::Text),
    f("version_label", "Version", "For example 3.1.", Widget::Text),
    f("audience", "Who it is for", "", Widget::Text),
    f("effective_on", "In effect from", "", Widget::Date),
    f("text", "The notice", "", Widget::Long),
    f("url", "Where it is published", "", Widget::Text),
    f("notes", "Notes", "", Widget::Long),
];

const POLICY: &[Field] = &[
    f("title", "Title", "", Widget::Text),
    f("owner", "Owner", "", Widget::Text),
    f("approved_on", "Approved on", "", Widget::Date),
    f("review_every_months", "Review every (months)", "For example 36 for every three years.", Widget::Number),
    f("document", "Document", "Where the approved policy is kept.", Widget::Text),
    f("shared_with_group", "Shared with the group", "", Widget::Check),
    f("notes", "Notes", "", Widget::Long),
];

const TRAINING: &[Field] = &[
    f("user_id", "Who", "", Widget::PickOne(Source::User)),
    f("course", "Course", "", Widget::Text),
    f("completed_on", "Completed on", "", Widget::Date),
    f("expires_on", "Expires on", "", Widget::Date),
    f("special_category_access", "This training allows access to special-category data", "", Widget::Check),
    f("notes", "Notes", "", Widget::Long),
];

const BREACH_KINDS: &[(&str, &str)] = &[("breach", "A breach"), ("near_miss", "A near miss (no personal data affected)")];
const YES_NO_UNKNOWN: &[(&str, &str)] = &[("yes", "Yes"), ("no", "No"), ("unknown", "Don't know")];
const LIKELIHOOD: &[(&str, &str)] = &[
    ("very_unlikely", "Very unlikely"),
    ("unlikely", "Unlikely"),
    ("neutral", "Neither likely nor unlikely"),
    ("likely", "Likely"),
    ("very_likely", "Very likely"),
];
const SEVERITY: &[(&str, &str)] =
    &[("minimal", "Minimal"), ("significant", "Significant"), ("severe", "Severe")];
const ART34: &[(&str, &str)] = &[
    ("unintelligible", "The data was unintelligible, for example encrypted (Art 34(3)(a))"),
    ("risk_removed", "Later measures removed the high risk (Art 34(3)(b))"),
    ("disproportionate_effort", "Telling each person would take disproportionate effort: a public notice instead (Art 34(3)(c))"),
];
const PHASES: &[(&str, &str)] = &[("initial", "Initial report"), ("follow_up", "Follow-up report")];
const NOTICE_TO: &[(&str, &str)] = &[
    ("individuals", "The people affected"),
    ("sharing_partner", "A partner under a data sharing agreement"),
    ("regulator", "Another regulator or a federation"),
    ("police", "The police"),
    ("other", "Someone else"),
];
const REPORT: &[Field] = &[
    f("phase", "Phase", "", Widget::Choice(PHASES)),
    f("sent_at", "Sent", "", Widget::DateTime),
    f("ico_reference", "ICO case reference", "Required for a follow-up report.", Widget::Text),
    f("ico_officer", "ICO officer spoken to", "", Widget::Text),
    f("notes", "What it added", "", Widget::Long),
];
const BREACH_NOTICE: &[Field] = &[
    f("to", "Who", "", Widget::Choice(NOTICE_TO)),
    f("name", "Name", "", Widget::Text),
    f("sharing_agreement_id", "Data sharing agreement", "For a partner: the agreement says what they must be told.", Widget::PickOne(Source::Register(RegisterKind::SharingAgreement))),
    f("on", "Told on", "", Widget::Date),
    f("how", "How", "Letter, email, phone.", Widget::Text),
];
const BREACH_ACTION: &[Field] = &[
    f("action", "Action", "", Widget::Text),
    f("owner", "Owner", "", Widget::Text),
    f("due_on", "Due", "", Widget::Date),
    f("done_on", "Done", "", Widget::Date),
];
const BREACH: &[Field] = &[
    f("kind", "Breach or near miss", "", Widget::Choice(BREACH_KINDS)),
    f("summary", "What happened", "Describe what happened without naming the people affected.", Widget::Long),
    f("how_found", "How it was found", "", Widget::Long),
    f("occurred_at", "When it happened", "Leave blank if not known.", Widget::DateTime),
    f("aware_at", "When we became aware of it", "The ICO's 72 hours start here.", Widget::DateTime),
    f("cyber_incident", "Cyber incident?", "", Widget::Choice(YES_NO_UNKNOWN)),
    f("system_ids", "Systems involved", "", Widget::Pick(Source::System)),
    f("activity_ids", "Processing activities involved", "", Widget::Pick(Source::Register(RegisterKind::Activity))),
    f("sharing_agreement_ids", "Data shared under these agreements", "", Widget::Pick(Source::Register(RegisterKind::SharingAgreement))),
    f("data_categories", "Kinds of data", "As the ICO's form lists them.", Widget::Many(&DataCategory::CHOICES)),
    f("people_affected", "About how many people", "", Widget::Number),
    f("records_affected", "About how many records", "", Widget::Number),
    f("people_categories", "Kinds of people", "", Widget::Many(&PeopleCategory::CHOICES)),
    f("encrypted", "The data was encrypted or otherwise unintelligible", "", Widget::Check),
    f("containment", "What has been done to contain it", "", Widget::Long),
    f("staff_involved", "Staff involved and their training", "", Widget::Long),
    f("measures_before", "Measures in place before", "", Widget::Long),
    f("prevent_recurrence", "Steps to stop it happening again", "", Widget::Long),
    f("personal_data_involved", "Personal data involved?", "", Widget::YesNo),
    f("likelihood", "How likely are significant consequences", "", Widget::Choice(LIKELIHOOD)),
    f("severity", "How severe would they be", "", Widget::Choice(SEVERITY)),
    f("potential_consequences", "Possible consequences for people", "", Widget::Long),
    f("report_to_ico", "Report to the ICO?", "The DPO's decision (Art 33(1)).", Widget::YesNo),
    f("report_to_ico_reason", "Why", "Required with the decision; for not reporting, Art 33(5).", Widget::Long),
    f("delay_reasons", "Reasons for reporting after 72 hours", "Art 33(1).", Widget::Long),
    f("tell_individuals", "Tell the people affected?", "Art 34.", Widget::YesNo),
    f("tell_individuals_reason", "Why", "", Widget::Long),
    f("art34_exception", "Exception for not telling them", "Only where the risk is high.", Widget::Choice(ART34)),
    f("reports", "Reports to the ICO", "", Widget::Group(REPORT, "Report")),
    f("notifications", "Who else was told", "", Widget::Group(BREACH_NOTICE, "Notification")),
    f("actions", "Actions", "", Widget::Group(BREACH_ACTION, "Action")),
    f("lessons_learned", "Lessons learned", "", Widget::Long),
    f("closed_on", "Closed on", "", Widget::Date),
];

const DECISIONS: &[(&str, &str)] =
    &[("disclose", "Disclose"), ("partly", "Disclose part of it"), ("refuse", "Refuse")];
const TOLD: &[(&str, &str)] =
    &[("told", "They have been told"), ("will_be_told", "They will be told"), ("not_told", "They will not be told")];
const APPROVAL: &[(&str, &str)] = &[("approved", "Approved"), ("rejected", "Not approved")];
const APPROVAL_FIELDS: &[Field] = &[
    f("outcome", "Outcome", "", Widget::Choice(APPROVAL)),
    f("by", "By", "", Widget::Text),
    f("on", "On", "", Widget::Date),
    f("note", "Note", "Required when not approved.", Widget::Long),
];
const DISCLOSURE: &[Field] = &[
    f("requester_organisation", "Organisation asking", "For example Westshire Police.", Widget::Text),
    f("requester_officer", "Officer or worker", "Name and role or collar number.", Widget::Text),
    f("identity_checked", "How their identity was checked", "For example called back through the switchboard.", Widget::Long),
    f("request_summary", "What was asked for, and why", "", Widget::Long),
    f("requested_at", "Asked", "", Widget::DateTime),
    f("in_writing", "The request was made in writing", "", Widget::Check),
    f("basis", "Basis or exemption", "", Widget::Choice(&DisclosureBasis::CHOICES)),
    f("sharing_agreement_id", "Data sharing agreement", "When an agreement covers it.", Widget::PickOne(Source::Register(RegisterKind::SharingAgreement))),
    f("decision", "Decision", "", Widget::Choice(DECISIONS)),
    f("justification", "Justification", "Not needed when a sharing agreement covers it.", Widget::Long),
    f("decided_by", "Decided by", "", Widget::Text),
    f("decided_at", "Decided", "Decisions outside working hours are approved by the DPO afterwards.", Widget::DateTime),
    f("data_sent", "What was sent", "", Widget::Long),
    f("sent_how", "How it was sent", "", Widget::Text),
    f("subject_told", "Is the person told", "", Widget::Choice(TOLD)),
    f("subject_not_told_reason", "Why not", "", Widget::Long),
    f("approval", "DPO's approval afterwards", "For decisions made out of hours.", Widget::Object(APPROVAL_FIELDS)),
    f("notes", "Notes", "", Widget::Long),
];

const RISK_LIKELIHOOD: &[(&str, &str)] =
    &[("remote", "Remote"), ("possible", "Reasonable possibility"), ("probable", "More likely than not")];
const RISK_SEVERITY: &[(&str, &str)] =
    &[("minimal", "Minimal impact"), ("significant", "Some impact"), ("severe", "Serious harm")];
const EFFECT: &[(&str, &str)] = &[("eliminated", "Eliminated"), ("reduced", "Reduced"), ("accepted", "Accepted")];
const LEVEL: &[(&str, &str)] = &[("low", "Low"), ("medium", "Medium"), ("high", "High")];
const RISK: &[Field] = &[
    f("description", "Risk", "The source of the risk and its possible harm.", Widget::Long),
    f("likelihood", "Likelihood", "", Widget::Choice(RISK_LIKELIHOOD)),
    f("severity", "Severity", "", Widget::Choice(RISK_SEVERITY)),
];
const MEASURE: &[Field] = &[
    f("risk", "For the risk", "", Widget::Text),
    f("measure", "Measure", "", Widget::Long),
    f("effect", "Effect on the risk", "", Widget::Choice(EFFECT)),
    f("residual_risk", "Risk left", "", Widget::Choice(LEVEL)),
    f("approved", "Approved", "", Widget::Check),
];
const CONSULTATION: &[Field] = &[
    f("sent_on", "Sent to the ICO on", "", Widget::Date),
    f("answered_on", "The ICO answered on", "", Widget::Date),
    f("outcome", "What the ICO said", "", Widget::Long),
];
macro_rules! screening_fields {
    ($($key:literal => $label:literal,)*) => {
        const SCREENING: &[Field] = &[$(f($key, $label, "", Widget::YesNo),)*];
    };
}
screening_fields! {
    "profiling_with_significant_effects" => "Systematic and extensive profiling, or automated decisions with significant effects",
    "large_scale_special_category" => "Special-category or criminal offence data on a large scale",
    "public_monitoring" => "Monitoring publicly accessible places on a large scale",
    "new_technologies" => "New technologies",
    "denial_of_service" => "Profiling or special-category data used to decide access to a service, opportunity or benefit",
    "large_scale_profiling" => "Profiling on a large scale",
    "biometric_or_genetic" => "Biometric or genetic data",
    "data_matching" => "Combining, comparing or matching data from several sources",
    "invisible_processing" => "Processing without giving the privacy notice directly to the person",
    "tracking" => "Tracking people's location or behaviour",
    "targeting_children" => "Children's data for profiling, automated decisions or marketing, or online services for children",
    "risk_of_physical_harm" => "A breach could put someone's physical health or safety at risk",
    "evaluation_or_scoring" => "Evaluation or scoring (consider)",
    "automated_decisions" => "Automated decisions with significant effects (consider)",
    "systematic_monitoring" => "Systematic monitoring (consider)",
    "sensitive_data" => "Sensitive or highly personal data (consider)",
    "large_scale" => "Processing on a large scale (consider)",
    "vulnerable_people" => "Data of vulnerable people (consider)",
    "innovative_technology" => "Innovative technological or organisational solutions (consider)",
    "prevents_rights" => "Prevents people exercising a right or using a service (consider)",
}
const DPIA_FIELDS: &[Field] = &[
    f("title", "Title", "The project or change assessed.", Widget::Text),
    f("activity_ids", "Processing activities covered", "", Widget::Pick(Source::Register(RegisterKind::Activity))),
    f("screening", "Step 1: screening questions", "The first twelve always need a DPIA; two or more of the others usually do.", Widget::Object(SCREENING)),
    f("need", "Step 1: the need for a DPIA", "", Widget::Long),
    f("nature", "Step 2: nature of the processing", "", Widget::Long),
    f("scope", "Step 2: scope", "", Widget::Long),
    f("context", "Step 2: context", "", Widget::Long),
    f("purposes", "Step 2: purposes", "", Widget::Long),
    f("consultation", "Step 3: consultation", "", Widget::Long),
    f("necessity", "Step 4: necessity and proportionality", "", Widget::Long),
    f("risks", "Step 5: risks", "", Widget::Group(RISK, "Risk")),
    f("measures", "Step 6: measures", "", Widget::Group(MEASURE, "Measure")),
    f("high_risk_found_on", "High risk found on", "The DPO is to be told within 5 working days.", Widget::Date),
    f("dpo_notified_on", "DPO told on", "", Widget::Date),
    f("measures_approved_by", "Step 7: measures approved by", "", Widget::Text),
    f("residual_risk_approved_by", "Step 7: residual risks approved by", "", Widget::Text),
    f("dpo_advice", "Step 7: DPO's advice", "", Widget::Long),
    f("dpo_advice_accepted", "DPO's advice accepted?", "", Widget::YesNo),
    f("overruled_reason", "If overruled: why, and by whom", "", Widget::Long),
    f("consultation_reviewed_by", "Consultation responses reviewed by", "", Widget::Text),
    f("kept_under_review_by", "Kept under review by", "", Widget::Text),
    f("signed_off_on", "Signed off on", "", Widget::Date),
    f("review_on", "Next review", "", Widget::Date),
    f("ico_consultation", "Prior consultation with the ICO", "Needed when the residual risk is high (Art 36).", Widget::Object(CONSULTATION)),
    f("notes", "Notes", "", Widget::Long),
];

/// The pages of register `kind`.
pub fn spec(kind: RegisterKind) -> Spec {
    match kind {
        RegisterKind::Activity => Spec {
            kind,
            intro: "What your organisation does with personal data, activity by activity: why, on what lawful \
                    basis, about whom, who receives it, where it is held and how long it is kept (UK GDPR Art 30).",
            fields: ACTIVITY_FIELDS,
            columns: &["business_function", "subject_categories"],
            derived: &[("rights", "Rights people have")],
        },
        RegisterKind::Organisation => Spec {
            kind,
            intro: "The organisation that decides what happens to the personal data (the controller), with its ICO \
                    registration and data protection officer.",
            fields: ORGANISATION,
            columns: &["ico_registration_number", "dpo_name"],
            derived: &[("ico_registration_due", "ICO registration due for renewal")],
        },
        RegisterKind::Processor => Spec {
            kind,
            intro: "Organisations that handle personal data on your instructions, their contracts (Art 28(3)) and \
                    the sub-processors you have agreed to in writing (Art 28(2)).",
            fields: PROCESSOR,
            columns: &["services"],
            derived: &[
                ("contract_in_place", "Contract in place"),
                ("review_overdue", "Review overdue"),
                ("sub_processors_without_consent", "Sub-processors without our written consent"),
            ],
        },
        RegisterKind::SharingAgreement => Spec {
            kind,
            intro: "Agreements to share personal data with other organisations, approved by the DPO and reviewed \
                    on time (ICO data sharing code of practice).",
            fields: SHARING,
            columns: &["parties", "review_on"],
            derived: &[("review_overdue", "Review overdue")],
        },
        RegisterKind::Transfer => Spec {
            kind,
            intro: "Personal data sent outside the UK, and the safeguard that makes each transfer lawful (UK GDPR \
                    Chapter V).",
            fields: TRANSFER,
            columns: &["destination_country", "mechanism"],
            derived: &[("adequate", "Country covered by UK adequacy regulations"), ("needs_tra", "Transfer risk assessment still needed")],
        },
        RegisterKind::Notice => Spec {
            kind,
            intro: "Each version of your privacy notices, and when it took effect (UK GDPR Art 13 and 14).",
            fields: NOTICE,
            columns: &["version_label", "effective_on"],
            derived: &[("in_effect", "In effect")],
        },
        RegisterKind::Policy => Spec {
            kind,
            intro: "Your data protection policies, who owns them, when they were approved and when they are due \
                    for review (UK GDPR Art 24(2)).",
            fields: POLICY,
            columns: &["owner", "approved_on"],
            derived: &[("next_review_on", "Next review"), ("review_overdue", "Review overdue")],
        },
        RegisterKind::Training => Spec {
            kind,
            intro: "Data protection training your staff have done, and when it runs out. Lapsed training stops \
                    access to special-category data at once.",
            fields: TRAINING,
            columns: &["user_id", "expires_on"],
            derived: &[("lapsed", "Lapsed")],
        },
        RegisterKind::Breach => Spec {
            kind,
            intro: "Every personal data breach and near miss, with the ICO's 72-hour clock and your own, the \
                    decision to report and to tell people with its reasons, and what was done (UK GDPR Art 33 and 34).",
            fields: BREACH,
            columns: &["aware_at"],
            derived: &[
                ("status", "Where it stands"),
                ("ico_deadline_at", "ICO deadline (72 hours)"),
                ("internal_deadline_at", "Our deadline for telling the DPO"),
                ("hours_to_ico_deadline", "Hours left"),
                ("suggested_risk", "Risk the assessment points to"),
                ("late", "Late"),
            ],
        },
        RegisterKind::Disclosure => Spec {
            kind,
            intro: "Requests from the police, councils, social workers, regulators and others to disclose someone's \
                    data: who asked, on what basis, what was decided and why. Decisions made out of hours are \
                    approved by the DPO afterwards.",
            fields: DISCLOSURE,
            columns: &["requested_at", "decision"],
            derived: &[
                ("status", "Where it stands"),
                ("out_of_hours", "Decided out of hours"),
                ("retrospective_approval", "DPO's approval afterwards"),
            ],
        },
        RegisterKind::Dpia => Spec {
            kind,
            intro: "Data protection impact assessments: whether one is needed, the risks and measures, the DPO's \
                    advice, and the ICO consulted when a high risk remains (UK GDPR Art 35 and 36).",
            fields: DPIA_FIELDS,
            columns: &["review_on"],
            derived: &[
                ("status", "Where it stands"),
                ("required_reason", "Is a DPIA required"),
                ("overall_risk", "Overall risk"),
                ("residual_risk", "Risk left after the measures"),
                ("dpo_notify_by", "DPO to be told by"),
                ("ico_consultation_required", "ICO to be consulted first"),
                ("ico_response_due_on", "ICO's answer due"),
                ("review_overdue", "Review overdue"),
            ],
        },
    }
}
