//! The record of processing as a table, laid out as the ICO's Article 30 controller
//! template: the controller, DPO and representative contacts on top, then one row per
//! purpose of each activity under the template's 30 column headings in its order (the
//! activity's own cells repeated on each of its rows), followed by the columns Steward
//! needs to read the table back (the activity's name, the links the template has no
//! column for). And the reverse: a table read back into activities, its columns matched
//! by heading in any order, every problem named by row and column heading.
//!
//! Cells are neutralised against formula injection on the way out (OWASP "CSV
//! Injection": a cell beginning `=`, `+`, `-`, `@`, tab or carriage return gets a leading
//! `'`), and exactly that added quote is taken off on the way in.
//!
//! Sources: UK GDPR Art 30(1) (what the controller's record holds) and Art 30(2) (a
//! processor's record); DPA 2018 Schedule 1 para 41 (what the record says about
//! processing under Schedule 1); the ICO's "Documentation template for controllers"
//! (sheet "Template": contact block, then the headings of row 9, columns A to AD, in
//! this order; green headings required by Art 30 or Schedule 1, blue optional).

use super::activity::{Activity, DpiaRequired, Purpose, RecordKind, SpecialData};
use super::entry::Entry;
use super::lawful_basis::{ART9_CONDITIONS, LawfulBasis, SCHEDULE1_CONDITIONS};
use super::organisation::Organisation;
use crate::FieldError;
use crate::subject::SpecialCategory;
use std::collections::{BTreeSet, HashMap};

/// A column of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Col {
    /// 1 Business function.
    BusinessFunction,
    /// 2 Purpose of processing (one row per purpose).
    Purpose,
    /// 3 Name and contact details of joint controller.
    JointController,
    /// 4 Categories of individuals.
    SubjectCategories,
    /// 5 Categories of personal data.
    DataCategories,
    /// 6 Categories of recipients.
    Recipients,
    /// 7 Link to contract with processor: the processors, by name.
    Processors,
    /// 8 Third countries or international organisations: the transfers, by name.
    Transfers,
    /// 9 Safeguards for exceptional transfers.
    ExceptionalSafeguards,
    /// 10 Retention schedule: the record types of the schedule in force, by name.
    Retention,
    /// 11 Technical and organisational security measures.
    Security,
    /// 12 Article 6 lawful basis (per purpose).
    LawfulBasis,
    /// 13 Article 9 condition, per kind of special-category data.
    Art9,
    /// 14 Legitimate interests (per purpose).
    LegitimateInterest,
    /// 15 Link to the legitimate interests assessment (per purpose).
    LiaLink,
    /// 16 Rights available (worked out from the bases; not read back).
    Rights,
    /// 17 Automated decision-making, including profiling.
    Automated,
    /// 18 Source of the personal data.
    Source,
    /// 19 Link to record of consent: the consent purpose (per purpose).
    Consent,
    /// 20 Location of personal data: the systems by name, then any other location.
    Location,
    /// 21 DPIA required?
    DpiaRequired,
    /// 22 DPIA progress.
    DpiaProgress,
    /// 23 Link to DPIA.
    DpiaLink,
    /// 24 Has a personal data breach occurred? (not held yet; not read back)
    BreachOccurred,
    /// 25 Link to record of the breach (not held yet; not read back).
    BreachLink,
    /// 26 DPA 2018 Schedule 1 condition, per kind of data.
    Schedule1,
    /// 27 Article 6 lawful basis, in the special-category section (per purpose; read
    /// back only where column 12 is blank).
    SpecialLawfulBasis,
    /// 28 Link to retention and erasure policy document.
    RetentionPolicy,
    /// 29 Retained and erased in accordance with the policy document?
    RetainedPerPolicy,
    /// 30 Reasons for not adhering to the policy document.
    NotRetainedReason,
    /// Steward: the activity's name (rows with the same name are one activity).
    Name,
    /// Steward: controller's or processor's record.
    Record,
    /// Steward: the organisations of this installation that are its controllers.
    Controllers,
    /// Steward: for a processor's record, the controllers it acts for.
    ProcessingFor,
    /// Steward: the kinds of special-category and criminal-offence data.
    SpecialCategories,
    /// Steward: the kinds of data with an appropriate policy document in place.
    PolicyDocument,
    /// Steward: the data sharing agreements, by name.
    SharingAgreements,
    /// Steward: the privacy notices, by name.
    Notices,
    /// Steward: whether the national data opt-out applies.
    OptOut,
    /// Steward: notes.
    Notes,
}

/// One column: its heading, the ICO's group, and how it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Which column.
    pub col: Col,
    /// The heading, word for word as the ICO template has it (Steward's own columns
    /// after the template's 30).
    pub heading: &'static str,
    /// The ICO's group of columns ("Article 30 record", "Privacy notices", …), or
    /// "Steward" for the columns Steward adds.
    pub group: &'static str,
    /// The ICO marks it required (green): Art 30(1) or DPA 2018 Schedule 1 para 41.
    pub required_by_law: bool,
    /// One value per purpose (per row) rather than per activity.
    pub per_purpose: bool,
    /// Read back on import (false for what is worked out or not held).
    pub read: bool,
}

const fn c(col: Col, heading: &'static str, group: &'static str, required_by_law: bool) -> Column {
    Column { col, heading, group, required_by_law, per_purpose: false, read: true }
}

const fn per_purpose(col: Col, heading: &'static str, group: &'static str, required_by_law: bool) -> Column {
    Column { col, heading, group, required_by_law, per_purpose: true, read: true }
}

const fn shown(col: Col, heading: &'static str, group: &'static str, required_by_law: bool) -> Column {
    Column { col, heading, group, required_by_law, per_purpose: false, read: false }
}

const A30: &str = "Article 30 record";
const NOTICES: &str = "Privacy notices";
const SCHED1: &str = "DPA 2018 special category or criminal offence data";
const STEWARD: &str = "Steward";

/// How many columns the ICO template has.
pub const ICO_COLUMNS: usize = 30;

/// Every column in order: the ICO template's 30 (its headings word for word, grouped
/// as it groups them; required where Art 30(1)(b)-(g) or Schedule 1 para 41 asks for
/// the fact), then Steward's own.
pub const COLUMNS: [Column; 40] = [
    c(Col::BusinessFunction, "Business function", A30, false),
    per_purpose(Col::Purpose, "Purpose of processing", A30, true),
    c(Col::JointController, "Name and contact details of joint controller (if applicable)", A30, true),
    c(Col::SubjectCategories, "Categories of individuals", A30, true),
    c(Col::DataCategories, "Categories of personal data", A30, true),
    c(Col::Recipients, "Categories of recipients", A30, true),
    c(Col::Processors, "Link to contract with processor", A30, false),
    c(
        Col::Transfers,
        "Names of third countries or international organisations that personal data are transferred to (if applicable)",
        A30,
        true,
    ),
    c(
        Col::ExceptionalSafeguards,
        "Safeguards for exceptional transfers of personal data to third countries or international organisations (if \
         applicable)",
        A30,
        true,
    ),
    c(Col::Retention, "Retention schedule (if possible)", A30, true),
    c(Col::Security, "General description of technical and organisational security measures (if possible)", A30, true),
    per_purpose(Col::LawfulBasis, "Article 6 lawful basis for processing personal data", NOTICES, false),
    c(Col::Art9, "Article 9 condition for processing special category data", NOTICES, false),
    per_purpose(Col::LegitimateInterest, "Legitimate interests for the processing (if applicable)", NOTICES, false),
    per_purpose(Col::LiaLink, "Link to record of legitimate interests assessment (if applicable)", NOTICES, false),
    shown(Col::Rights, "Rights available to individuals", NOTICES, false),
    c(Col::Automated, "Existence of automated decision-making, including profiling (if applicable)", NOTICES, false),
    c(Col::Source, "The source of the personal data (if applicable)", NOTICES, false),
    per_purpose(Col::Consent, "Link to record of consent", "Consent", false),
    c(Col::Location, "Location of personal data", "Access requests", false),
    c(Col::DpiaRequired, "Data Protection Impact Assessment required?", "DPIAs", false),
    c(Col::DpiaProgress, "Data Protection Impact Assessment progress", "DPIAs", false),
    c(Col::DpiaLink, "Link to Data Protection Impact Assessment", "DPIAs", false),
    shown(Col::BreachOccurred, "Has a personal data breach occurred?", "Breaches", false),
    shown(Col::BreachLink, "Link to record of personal data breach", "Breaches", false),
    c(Col::Schedule1, "Data Protection Act 2018 Schedule 1 Condition for processing", SCHED1, true),
    Column {
        col: Col::SpecialLawfulBasis,
        heading: "GDPR Article 6 lawful basis for processing",
        group: SCHED1,
        required_by_law: true,
        per_purpose: true,
        read: true,
    },
    c(Col::RetentionPolicy, "Link to retention and erasure policy document", SCHED1, false),
    c(
        Col::RetainedPerPolicy,
        "Is personal data retained and erased in accordance with the policy document?",
        SCHED1,
        true,
    ),
    c(Col::NotRetainedReason, "Reasons for not adhering to policy document (if applicable)", SCHED1, true),
    c(Col::Name, "Processing activity", STEWARD, false),
    c(Col::Record, "Record (controller or processor)", STEWARD, false),
    c(Col::Controllers, "Controllers in this organisation", STEWARD, false),
    c(Col::ProcessingFor, "Controllers the processing is carried out for (processor's record)", STEWARD, false),
    c(Col::SpecialCategories, "Special category or criminal offence data", STEWARD, false),
    c(Col::PolicyDocument, "Appropriate policy document in place for", STEWARD, false),
    c(Col::SharingAgreements, "Data sharing agreements", STEWARD, false),
    c(Col::Notices, "Privacy notices", STEWARD, false),
    c(Col::OptOut, "National data opt-out applies?", STEWARD, false),
    c(Col::Notes, "Notes", STEWARD, false),
];

/// The columns a file must have to be read back: the activity's name, and each
/// purpose with its basis.
pub const IMPORT_REQUIRED: [Col; 3] = [Col::Name, Col::Purpose, Col::LawfulBasis];

impl Col {
    /// Its column.
    pub fn column(self) -> &'static Column {
        // Every Col has exactly one entry (tested).
        COLUMNS.iter().find(|c| c.col == self).unwrap_or(&COLUMNS[0])
    }

    /// Its heading.
    pub fn heading(self) -> &'static str {
        self.column().heading
    }
}

/// The kinds of entry a table names rather than holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LinkKind {
    /// Systems (column 20).
    System,
    /// Processors (column 7).
    Processor,
    /// International transfers (column 8).
    Transfer,
    /// Record types of the retention schedule in force (column 10).
    RecordType,
    /// Privacy notices.
    Notice,
    /// Data sharing agreements.
    SharingAgreement,
    /// Organisations of this installation (the controllers).
    Organisation,
}

impl LinkKind {
    fn noun(self) -> &'static str {
        match self {
            LinkKind::System => "system on the register of systems",
            LinkKind::Processor => "processor on the register",
            LinkKind::Transfer => "international transfer on the register",
            LinkKind::RecordType => "record type of the retention schedule in force",
            LinkKind::Notice => "privacy notice on the register",
            LinkKind::SharingAgreement => "data sharing agreement on the register",
            LinkKind::Organisation => "organisation on the register",
        }
    }
}

/// The readable names of linked entries, supplied by the caller (the table holds names,
/// never ids). An id may have several names: the first is written on export, any of
/// them is understood on import ("Acme Cloud (United States)" and "Acme Cloud").
#[derive(Debug, Clone, Default)]
pub struct Names {
    by_kind: HashMap<LinkKind, Vec<(String, String)>>,
}

impl Names {
    /// Add a name for an id of `kind` (the first added for an id is the one written).
    pub fn add(&mut self, kind: LinkKind, id: impl Into<String>, name: impl Into<String>) {
        self.by_kind.entry(kind).or_default().push((id.into(), name.into()));
    }

    /// The name written for an id (the id itself if unknown, so nothing is lost).
    pub fn name(&self, kind: LinkKind, id: &str) -> String {
        self.by_kind
            .get(&kind)
            .and_then(|v| v.iter().find(|(i, _)| i == id))
            .map_or_else(|| id.to_string(), |(_, n)| n.clone())
    }

    /// The id a name stands for: `Ok(None)` for no match, `Err` when it names two.
    fn id(&self, kind: LinkKind, name: &str) -> Result<Option<String>, ()> {
        let want = fold(name);
        let mut found: Option<&str> = None;
        for (id, n) in self.by_kind.get(&kind).into_iter().flatten() {
            if fold(n) == want {
                match found {
                    Some(f) if f != id => return Err(()),
                    _ => found = Some(id),
                }
            }
        }
        Ok(found.map(str::to_string))
    }
}

/// Text folded for matching: trimmed, inner runs of white space as one space, lower case.
fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The separator of a list in one cell.
pub const LIST_SEPARATOR: &str = "; ";

/// Whether a cell would be taken for a formula by a spreadsheet: it begins (after any
/// quotes Steward added) with `=`, `+`, `-`, `@`, a tab or a carriage return (OWASP
/// "CSV Injection").
fn looks_like_formula(s: &str) -> bool {
    matches!(s.trim_start_matches('\'').chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'))
}

/// A cell made safe to open in a spreadsheet: a leading `'` before a cell that begins
/// with `=`, `+`, `-`, `@`, tab or carriage return (or with quotes and then one of
/// them, so that [`restore`] gives back exactly the original).
pub fn neutralise(cell: &str) -> String {
    if looks_like_formula(cell) { format!("'{cell}") } else { cell.to_string() }
}

/// A cell as it was before [`neutralise`]: exactly the one added quote taken off.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if looks_like_formula(rest) => rest,
        _ => cell,
    }
}

/// One of the table's problems: the spreadsheet row (1 is the first), the column heading,
/// and what is wrong (never the cell's value).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = RopaProblem)]
pub struct Problem {
    /// Spreadsheet row number (the first row of the file is 1).
    pub row: u64,
    /// The column's heading, or empty for the whole row or file.
    pub column: String,
    /// What is wrong and what to do.
    pub message: String,
}

impl Problem {
    fn new(row: u64, column: impl Into<String>, message: impl Into<String>) -> Self {
        Self { row, column: column.into(), message: message.into() }
    }

    fn at(row: u64, col: Col, message: impl Into<String>) -> Self {
        Self::new(row, col.heading(), message)
    }
}

/// The heading of the contact block's columns (the template's rows 1-6).
pub const CONTACT_HEADINGS: [&str; 6] = ["", "Name", "Address", "Email", "Telephone", "Other contact details"];

/// The contact block: for each organisation, its controller, DPO and representative
/// rows (UK GDPR Art 30(1)(a): the name and contact details of the controller, any
/// representative and the DPO).
fn contact_rows(orgs: &[Organisation]) -> Vec<Vec<String>> {
    let mut out = vec![
        vec!["Record of processing activities (UK GDPR Article 30)".to_string()],
        CONTACT_HEADINGS.iter().map(|s| s.to_string()).collect(),
    ];
    if orgs.is_empty() {
        out.push(vec!["Controller".into()]);
    }
    for o in orgs {
        out.push(vec![
            "Controller".into(),
            o.name.clone(),
            o.address.clone(),
            o.email.clone(),
            o.telephone.clone(),
            if o.ico_registration_number.is_empty() {
                String::new()
            } else {
                format!("ICO registration number {}", o.ico_registration_number)
            },
        ]);
        out.push(vec![
            "Data Protection Officer".into(),
            o.dpo_name.clone(),
            String::new(),
            String::new(),
            String::new(),
            o.dpo_contact.clone(),
        ]);
        out.push(vec![
            "Representative".into(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            o.representative.clone(),
        ]);
    }
    out.push(Vec::new());
    out
}

fn yes_no(b: bool) -> String {
    if b { "Yes" } else { "No" }.into()
}

fn category_heading(key: &str) -> String {
    SpecialCategory::HEADINGS.iter().find(|(k, _)| *k == key).map_or_else(|| key.to_string(), |(_, h)| h.to_string())
}

fn basis_label(code: &str) -> String {
    LawfulBasis::parse(code).map_or_else(|| code.to_string(), |b| b.label().to_string())
}

fn join(items: impl IntoIterator<Item = String>) -> String {
    items.into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(LIST_SEPARATOR)
}

/// The cells of one row (one purpose of an activity; `purpose` none for an activity
/// without purposes), in the order of [`COLUMNS`].
fn row_cells(a: &Activity, purpose: Option<&Purpose>, names: &Names) -> Vec<String> {
    let link = |kind: LinkKind, ids: &[String]| join(ids.iter().map(|id| names.name(kind, id)));
    let has_special = !a.special_category.is_empty();
    let rights = a.derive(jiff::civil::date(2000, 1, 1)).rights;
    COLUMNS
        .iter()
        .map(|col| match col.col {
            Col::BusinessFunction => a.business_function.clone(),
            Col::Purpose => purpose.map(|p| p.purpose.clone()).unwrap_or_default(),
            Col::JointController => a.joint_controller.clone(),
            Col::SubjectCategories => join(a.subject_categories.iter().cloned()),
            Col::DataCategories => join(a.data_categories.iter().cloned()),
            Col::Recipients => join(a.recipients.iter().cloned()),
            Col::Processors => link(LinkKind::Processor, &a.processor_ids),
            Col::Transfers => link(LinkKind::Transfer, &a.transfer_ids),
            Col::ExceptionalSafeguards => a.exceptional_transfer_safeguards.clone(),
            Col::Retention => link(LinkKind::RecordType, &a.retention_record_types),
            Col::Security => a.security_measures.clone(),
            Col::LawfulBasis => purpose.map(|p| basis_label(&p.lawful_basis)).unwrap_or_default(),
            Col::Art9 => join(a.special_category.iter().filter(|s| !s.art9_condition.is_empty()).map(|s| {
                let words = ART9_CONDITIONS
                    .iter()
                    .find(|(l, _)| *l == s.art9_condition)
                    .map_or_else(|| s.art9_condition.clone(), |(_, w)| w.to_string());
                format!("{}: {words}", category_heading(&s.category))
            })),
            Col::LegitimateInterest => purpose.map(|p| p.legitimate_interest.clone()).unwrap_or_default(),
            Col::LiaLink => purpose.map(|p| p.lia_link.clone()).unwrap_or_default(),
            Col::Rights => {
                if a.record == RecordKind::Processor {
                    String::new()
                } else {
                    join(rights.iter().map(|r| r.label().to_string()))
                }
            }
            Col::Automated => a.automated_decisions.clone(),
            Col::Source => a.source.clone(),
            Col::Consent => purpose.map(|p| p.consent_purpose.clone()).unwrap_or_default(),
            Col::Location => {
                let mut items: Vec<String> = a.system_ids.iter().map(|id| names.name(LinkKind::System, id)).collect();
                items.push(a.location.clone());
                join(items)
            }
            Col::DpiaRequired => match a.dpia_required {
                DpiaRequired::Yes => "Yes".into(),
                DpiaRequired::No => "No".into(),
                DpiaRequired::NotAssessed => "Not assessed".into(),
            },
            Col::DpiaProgress => a.dpia_progress.clone(),
            Col::DpiaLink => a.dpia_link.clone(),
            Col::BreachOccurred | Col::BreachLink => String::new(),
            Col::Schedule1 => join(a.special_category.iter().filter(|s| !s.schedule1_condition.is_empty()).map(|s| {
                let words = SCHEDULE1_CONDITIONS
                    .iter()
                    .find(|(code, _)| *code == s.schedule1_condition)
                    .map_or_else(|| s.schedule1_condition.clone(), |(_, w)| w.to_string());
                format!("{}: {words}", category_heading(&s.category))
            })),
            Col::SpecialLawfulBasis if has_special => purpose.map(|p| basis_label(&p.lawful_basis)).unwrap_or_default(),
            Col::SpecialLawfulBasis => String::new(),
            Col::RetentionPolicy => a.retention_policy_link.clone(),
            Col::RetainedPerPolicy => a.retained_per_policy.map(yes_no).unwrap_or_default(),
            Col::NotRetainedReason => a.not_retained_reason.clone(),
            Col::Name => a.name.clone(),
            Col::Record => match a.record {
                RecordKind::Controller => "Controller".into(),
                RecordKind::Processor => "Processor".into(),
            },
            Col::Controllers => link(LinkKind::Organisation, &a.controller_ids),
            Col::ProcessingFor => a.processing_for.clone(),
            Col::SpecialCategories => join(a.special_category.iter().map(|s| category_heading(&s.category))),
            Col::PolicyDocument => {
                join(a.special_category.iter().filter(|s| s.policy_document).map(|s| category_heading(&s.category)))
            }
            Col::SharingAgreements => link(LinkKind::SharingAgreement, &a.sharing_agreement_ids),
            Col::Notices => link(LinkKind::Notice, &a.notice_ids),
            Col::OptOut => yes_no(a.national_data_opt_out),
            Col::Notes => a.notes.clone(),
        })
        .collect()
}

/// The whole table: the contact block, the heading row, then one row per purpose of
/// each activity in the order given, every cell neutralised ([`neutralise`]).
pub fn export(activities: &[Activity], organisations: &[Organisation], names: &Names) -> Vec<Vec<String>> {
    let mut rows = contact_rows(organisations);
    rows.push(COLUMNS.iter().map(|c| c.heading.to_string()).collect());
    for a in activities {
        if a.purposes.is_empty() {
            rows.push(row_cells(a, None, names));
        }
        for p in &a.purposes {
            rows.push(row_cells(a, Some(p), names));
        }
    }
    rows.into_iter().map(|r| r.iter().map(|c| neutralise(c)).collect()).collect()
}

/// An activity read from the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The activity as the table gives it.
    pub activity: Activity,
    /// The columns the table has (the others keep an existing activity's values).
    pub present: BTreeSet<Col>,
    /// The spreadsheet row of each purpose (the first row of the activity when it has none).
    pub rows: Vec<u64>,
}

impl Parsed {
    /// The first row of the activity.
    pub fn first_row(&self) -> u64 {
        self.rows.first().copied().unwrap_or(0)
    }

    /// The row and column heading a validation problem of the activity belongs to
    /// (its field path, `purposes[1].lawful_basis`, mapped back).
    pub fn locate(&self, e: &FieldError) -> Problem {
        let first = self.first_row();
        let f = e.field.as_str();
        let top = f.split(['[', '.']).next().unwrap_or(f);
        let index = f.split_once('[').and_then(|(_, r)| r.split_once(']')).and_then(|(i, _)| i.parse::<usize>().ok());
        let sub = f.rsplit_once('.').map(|(_, s)| s).unwrap_or("");
        let (row, col) = match top {
            "purposes" => {
                let row = index.and_then(|i| self.rows.get(i).copied()).unwrap_or(first);
                let col = match sub {
                    "lawful_basis" => Col::LawfulBasis,
                    "legitimate_interest" => Col::LegitimateInterest,
                    "lia_link" => Col::LiaLink,
                    "consent_purpose" => Col::Consent,
                    _ => Col::Purpose,
                };
                (row, col)
            }
            "special_category" => (
                first,
                match sub {
                    "art9_condition" => Col::Art9,
                    "schedule1_condition" => Col::Schedule1,
                    "policy_document" => Col::PolicyDocument,
                    _ => Col::SpecialCategories,
                },
            ),
            "name" => (first, Col::Name),
            "business_function" => (first, Col::BusinessFunction),
            "controller_ids" => (first, Col::Controllers),
            "joint_controller" => (first, Col::JointController),
            "processing_for" => (first, Col::ProcessingFor),
            "subject_categories" => (first, Col::SubjectCategories),
            "data_categories" => (first, Col::DataCategories),
            "recipients" => (first, Col::Recipients),
            "system_ids" | "location" => (first, Col::Location),
            "processor_ids" => (first, Col::Processors),
            "transfer_ids" => (first, Col::Transfers),
            "sharing_agreement_ids" => (first, Col::SharingAgreements),
            "notice_ids" => (first, Col::Notices),
            "retention_record_types" => (first, Col::Retention),
            "exceptional_transfer_safeguards" => (first, Col::ExceptionalSafeguards),
            "security_measures" => (first, Col::Security),
            "automated_decisions" => (first, Col::Automated),
            "source" => (first, Col::Source),
            "dpia_progress" => (first, Col::DpiaProgress),
            "dpia_link" => (first, Col::DpiaLink),
            "retention_policy_link" => (first, Col::RetentionPolicy),
            "retained_per_policy" => (first, Col::RetainedPerPolicy),
            "not_retained_reason" => (first, Col::NotRetainedReason),
            "notes" => (first, Col::Notes),
            _ => return Problem::new(first, "", e.message.clone()),
        };
        Problem::at(row, col, e.message.clone())
    }
}

/// The items of a list cell: split at `;` and line breaks, trimmed, blanks dropped.
fn items(cell: &str) -> Vec<String> {
    cell.split([';', '\n']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// A lawful basis as written in a cell: its code (`legal_obligation`), its words with
/// or without the article ("Legal obligation (Art 6(1)(c))", "legal obligation") or the
/// article alone ("Art 6(1)(c)", "6(1)(ea)"). Anything else is passed on as written,
/// for [`Activity::validate`] to refuse.
pub fn parse_basis(cell: &str) -> String {
    let t = fold(cell);
    if t.is_empty() {
        return String::new();
    }
    for b in LawfulBasis::ALL {
        let label = b.label().to_lowercase();
        let words = label.split(" (").next().unwrap_or(&label).to_string();
        let code_words = b.as_str().replace('_', " ");
        if t == b.as_str() || t == label || t == words || t == code_words {
            return b.as_str().to_string();
        }
    }
    let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let compact = compact.trim_start_matches("article").trim_start_matches("art");
    if let Some(letter) = compact.strip_prefix("6(1)(").and_then(|r| r.strip_suffix(')')) {
        let i = match letter {
            "a" => Some(0),
            "b" => Some(1),
            "c" => Some(2),
            "d" => Some(3),
            "e" => Some(4),
            "f" => Some(5),
            "ea" => Some(6),
            _ => None,
        };
        if let Some(i) = i {
            return LawfulBasis::ALL[i].as_str().to_string();
        }
    }
    cell.trim().to_string()
}

/// An Art 9(2) condition as written after its category: `h`, `(h)`, "(h) Health or
/// social care", "Art 9(2)(h)". Anything else is passed on as written, for
/// [`Activity::validate`] to refuse (naming the letters a to j).
fn parse_art9(text: &str) -> String {
    let t = text.trim().to_lowercase();
    let mut rest = t.as_str();
    for prefix in ["article", "art"] {
        if let Some(r) = rest.strip_prefix(prefix) {
            rest = r.trim_start();
            break;
        }
    }
    rest = rest.strip_prefix("9(2)").map_or(rest, str::trim_start);
    let letter = match rest.strip_prefix('(') {
        Some(r) => r.split(')').next().unwrap_or(""),
        None => rest.split(|c: char| !c.is_ascii_alphanumeric()).next().unwrap_or(""),
    };
    if letter.len() == 1 { letter.to_string() } else { text.trim().to_string() }
}

/// A Schedule 1 condition as written after its category: `part1_para2`, "Part 1 para 2",
/// "Part 1 para 2: Health or social care purposes". Anything else is passed on as
/// written, for [`Activity::validate`] to refuse.
fn parse_schedule1(text: &str) -> String {
    let compact: String = text.to_lowercase().chars().filter(|c| !c.is_whitespace() && *c != '_').collect();
    let parse = || -> Option<String> {
        let r = compact.strip_prefix("part")?;
        let part: String = r.chars().take_while(char::is_ascii_digit).collect();
        let r = r[part.len()..].strip_prefix("paragraph").or_else(|| r[part.len()..].strip_prefix("para"))?;
        let para: String = r.chars().take_while(char::is_ascii_digit).collect();
        let after = &r[para.len()..];
        if part.is_empty() || para.is_empty() || !(after.is_empty() || after.starts_with(':')) {
            return None;
        }
        Some(format!("part{part}_para{para}"))
    };
    parse().unwrap_or_else(|| text.trim().to_string())
}

/// A kind of special-category data named by its key or its words ("health", "Health",
/// "Criminal convictions and offences"), as its key.
fn category_key(name: &str) -> Option<&'static str> {
    let f = fold(name);
    SpecialCategory::HEADINGS
        .iter()
        .find(|(k, h)| {
            let h = h.to_lowercase();
            f == *k || f == k.replace('_', " ") || f == h || f == h.split(" (").next().unwrap_or(&h)
        })
        .map(|(k, _)| *k)
}

/// Yes, no or blank.
fn parse_yes_no(cell: &str) -> Result<Option<bool>, ()> {
    match fold(cell).as_str() {
        "" => Ok(None),
        "yes" | "y" | "true" => Ok(Some(true)),
        "no" | "n" | "false" => Ok(Some(false)),
        _ => Err(()),
    }
}

/// The table's header: the first row naming "Processing activity" or "Purpose of
/// processing" (rows above it are the contact block).
fn header_row(rows: &[Vec<String>]) -> Option<usize> {
    let marks = [fold(Col::Name.heading()), fold(Col::Purpose.heading())];
    rows.iter().position(|r| r.iter().any(|c| marks.contains(&fold(restore(c)))))
}

/// The cells of one data row, by column.
struct RowCells<'a> {
    cells: HashMap<Col, &'a str>,
}

impl RowCells<'_> {
    fn get(&self, col: Col) -> &str {
        self.cells.get(&col).copied().unwrap_or("")
    }
}

/// Read a table back into activities: the heading row found below the contact block,
/// columns matched by heading in any order (unknown or repeated headings and missing
/// required ones reported), rows grouped into activities by the name in "Processing
/// activity", names of linked entries resolved through `names`. Every problem is
/// returned at once, each with its row and column heading; validation against the law
/// ([`Activity::validate`]) is the caller's next step, with [`Parsed::locate`].
pub fn parse(rows: &[Vec<String>], names: &Names) -> (Vec<Parsed>, Vec<Problem>) {
    let mut problems = Vec::new();
    let Some(h) = header_row(rows) else {
        problems.push(Problem::new(
            1,
            Col::Name.heading(),
            format!(
                "no heading row found: the file needs a row of column headings including “{}” and “{}”, as Steward \
                 exports it",
                Col::Name.heading(),
                Col::Purpose.heading()
            ),
        ));
        return (Vec::new(), problems);
    };
    let header_line = h as u64 + 1;
    // Columns by position.
    let mut by_pos: Vec<Option<Col>> = Vec::new();
    let mut present = BTreeSet::new();
    for cell in &rows[h] {
        let heading = restore(cell);
        let f = fold(heading);
        if f.is_empty() {
            by_pos.push(None);
            continue;
        }
        match COLUMNS.iter().find(|c| fold(c.heading) == f) {
            Some(col) if present.contains(&col.col) => {
                problems.push(Problem::new(header_line, col.heading, "this column heading appears twice: keep one"));
                by_pos.push(None);
            }
            Some(col) => {
                present.insert(col.col);
                by_pos.push(Some(col.col));
            }
            None => {
                problems.push(Problem::new(
                    header_line,
                    heading.trim(),
                    "is not a column of the record of processing: use the headings Steward exports (in any order), or \
                     remove the column",
                ));
                by_pos.push(None);
            }
        }
    }
    for col in IMPORT_REQUIRED {
        if !present.contains(&col) {
            problems.push(Problem::at(header_line, col, "this required column is missing: add it with its heading"));
        }
    }
    if !problems.is_empty() {
        return (Vec::new(), problems);
    }
    let present_read: BTreeSet<Col> = present.iter().copied().filter(|c| c.column().read).collect();

    // Group rows by activity name, in order of first appearance.
    struct Group<'a> {
        key: String,
        rows: Vec<(u64, RowCells<'a>)>,
    }
    let mut groups: Vec<Group> = Vec::new();
    for (i, r) in rows.iter().enumerate().skip(h + 1) {
        let line = i as u64 + 1;
        let mut cells = HashMap::new();
        for (pos, cell) in r.iter().enumerate() {
            match by_pos.get(pos).copied().flatten() {
                Some(col) => {
                    cells.insert(col, restore(cell));
                }
                None if !cell.trim().is_empty() => problems.push(Problem::new(
                    line,
                    "",
                    format!("cell {} has no column heading: remove it or give its column a heading", pos + 1),
                )),
                None => {}
            }
        }
        if cells.values().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cells = RowCells { cells };
        let key = fold(cells.get(Col::Name));
        if key.is_empty() {
            problems.push(Problem::at(
                line,
                Col::Name,
                "is required: name the processing activity this row belongs to",
            ));
            continue;
        }
        if let Some(last) = groups.last_mut()
            && last.key == key
        {
            last.rows.push((line, cells));
            continue;
        }
        if let Some(g) = groups.iter().find(|g| g.key == key) {
            problems.push(Problem::at(
                line,
                Col::Name,
                format!(
                    "repeats the activity that starts on row {}: keep all the rows of one activity together (one row \
                     per purpose), or give a different activity a different name",
                    g.rows[0].0
                ),
            ));
            continue;
        }
        groups.push(Group { key, rows: vec![(line, cells)] });
    }

    let mut out = Vec::new();
    for g in &groups {
        let (first_line, first) = (&g.rows[0].0, &g.rows[0].1);
        // Activity-level cells: the first row's, later rows blank or the same.
        for (line, r) in &g.rows[1..] {
            for col in &present_read {
                if col.column().per_purpose || *col == Col::Name {
                    continue;
                }
                let v = r.get(*col);
                if !v.trim().is_empty() && fold(v) != fold(first.get(*col)) {
                    problems.push(Problem::at(
                        *line,
                        *col,
                        format!(
                            "differs from row {first_line} of the same activity: this column holds one value for the \
                             whole activity, so give it the same value on every row (or leave it blank after the \
                             first)"
                        ),
                    ));
                }
            }
        }
        let (activity, rows_of_purposes) = build(first, *first_line, &g.rows, names, &present_read, &mut problems);
        out.push(Parsed { activity, present: present_read.clone(), rows: rows_of_purposes });
    }
    (out, problems)
}

/// The index in `special` of the kind of data `name` names (added if new), or a problem.
fn kind_of(
    special: &mut Vec<SpecialData>,
    name: &str,
    col: Col,
    line: u64,
    problems: &mut Vec<Problem>,
) -> Option<usize> {
    let Some(key) = category_key(name) else {
        problems.push(Problem::at(
            line,
            col,
            "names a kind of data that is not special-category or criminal-offence data: use Racial or ethnic \
             origin, Political opinions, Religious or philosophical beliefs, Trade union membership, Genetic data, \
             Biometric data, Health, Sex life, Sexual orientation or Criminal convictions and offences",
        ));
        return None;
    };
    Some(special.iter().position(|s| s.category == key).unwrap_or_else(|| {
        special.push(SpecialData { category: key.to_string(), ..SpecialData::default() });
        special.len() - 1
    }))
}

/// One activity from its rows.
fn build(
    first: &RowCells,
    line: u64,
    rows: &[(u64, RowCells)],
    names: &Names,
    present: &BTreeSet<Col>,
    problems: &mut Vec<Problem>,
) -> (Activity, Vec<u64>) {
    let text = |col: Col| first.get(col).trim().to_string();
    let list = |col: Col| items(first.get(col));
    let resolve = |col: Col, kind: LinkKind, problems: &mut Vec<Problem>| -> Vec<String> {
        let mut ids = Vec::new();
        for (n, item) in items(first.get(col)).iter().enumerate() {
            match names.id(kind, item) {
                Ok(Some(id)) => ids.push(id),
                Ok(None) => problems.push(Problem::at(
                    line,
                    col,
                    format!(
                        "item {} names no {}: add it there first, or check the spelling (items are separated by “;”)",
                        n + 1,
                        kind.noun()
                    ),
                )),
                Err(()) => problems.push(Problem::at(
                    line,
                    col,
                    format!("item {} names more than one {}: use the full name", n + 1, kind.noun()),
                )),
            }
        }
        ids
    };
    let mut a = Activity {
        name: text(Col::Name),
        business_function: text(Col::BusinessFunction),
        joint_controller: text(Col::JointController),
        processing_for: text(Col::ProcessingFor),
        subject_categories: list(Col::SubjectCategories),
        data_categories: list(Col::DataCategories),
        recipients: list(Col::Recipients),
        exceptional_transfer_safeguards: text(Col::ExceptionalSafeguards),
        security_measures: text(Col::Security),
        automated_decisions: text(Col::Automated),
        source: text(Col::Source),
        dpia_progress: text(Col::DpiaProgress),
        dpia_link: text(Col::DpiaLink),
        retention_policy_link: text(Col::RetentionPolicy),
        not_retained_reason: text(Col::NotRetainedReason),
        notes: text(Col::Notes),
        ..Activity::default()
    };
    a.processor_ids = resolve(Col::Processors, LinkKind::Processor, problems);
    a.transfer_ids = resolve(Col::Transfers, LinkKind::Transfer, problems);
    a.retention_record_types = resolve(Col::Retention, LinkKind::RecordType, problems);
    a.controller_ids = resolve(Col::Controllers, LinkKind::Organisation, problems);
    a.sharing_agreement_ids = resolve(Col::SharingAgreements, LinkKind::SharingAgreement, problems);
    a.notice_ids = resolve(Col::Notices, LinkKind::Notice, problems);
    // Location: leading items that name systems, then the rest as written.
    let location = first.get(Col::Location).trim();
    let mut rest = location;
    loop {
        let (item, after) = match rest.split_once(';') {
            Some((i, r)) => (i, r),
            None => (rest, ""),
        };
        if item.trim().is_empty() {
            break;
        }
        match names.id(LinkKind::System, item) {
            Ok(Some(id)) => {
                if !a.system_ids.contains(&id) {
                    a.system_ids.push(id);
                }
                rest = after.trim_start();
            }
            _ => break,
        }
    }
    a.location = rest.trim().to_string();
    a.record = match fold(first.get(Col::Record)).as_str() {
        "" | "controller" => RecordKind::Controller,
        "processor" => RecordKind::Processor,
        _ => {
            problems.push(Problem::at(line, Col::Record, "write Controller or Processor"));
            RecordKind::Controller
        }
    };
    a.dpia_required = match fold(first.get(Col::DpiaRequired)).as_str() {
        "" | "not assessed" | "not yet assessed" => DpiaRequired::NotAssessed,
        "yes" | "y" | "true" => DpiaRequired::Yes,
        "no" | "n" | "false" => DpiaRequired::No,
        _ => {
            problems.push(Problem::at(line, Col::DpiaRequired, "write Yes, No or Not assessed"));
            DpiaRequired::NotAssessed
        }
    };
    a.retained_per_policy = parse_yes_no(first.get(Col::RetainedPerPolicy)).unwrap_or_else(|()| {
        problems.push(Problem::at(line, Col::RetainedPerPolicy, "write Yes or No, or leave it blank"));
        None
    });
    a.national_data_opt_out = parse_yes_no(first.get(Col::OptOut)).unwrap_or_else(|()| {
        problems.push(Problem::at(line, Col::OptOut, "write Yes or No"));
        None
    }) == Some(true);

    // Special-category data: the kinds listed, and any named by their conditions.
    let mut special: Vec<SpecialData> = Vec::new();
    for item in items(first.get(Col::SpecialCategories)) {
        kind_of(&mut special, &item, Col::SpecialCategories, line, problems);
    }
    for (col, is_art9) in [(Col::Art9, true), (Col::Schedule1, false)] {
        for item in items(first.get(col)) {
            let Some((cat, cond)) = item.split_once(':') else {
                problems.push(Problem::at(
                    line,
                    col,
                    "write each condition after its kind of data and a colon, such as “Health: (h)”, separating \
                     kinds with “;”",
                ));
                continue;
            };
            if let Some(i) = kind_of(&mut special, cat, col, line, problems) {
                if is_art9 {
                    special[i].art9_condition = parse_art9(cond);
                } else {
                    special[i].schedule1_condition = parse_schedule1(cond);
                }
            }
        }
    }
    for item in items(first.get(Col::PolicyDocument)) {
        if let Some(i) = kind_of(&mut special, &item, Col::PolicyDocument, line, problems) {
            special[i].policy_document = true;
        }
    }
    a.special_category = special;

    // Purposes: one per row.
    let mut purpose_rows = Vec::new();
    for (row_line, r) in rows {
        let basis = if r.get(Col::LawfulBasis).trim().is_empty() && present.contains(&Col::SpecialLawfulBasis) {
            r.get(Col::SpecialLawfulBasis)
        } else {
            r.get(Col::LawfulBasis)
        };
        let p = Purpose {
            purpose: r.get(Col::Purpose).trim().to_string(),
            lawful_basis: parse_basis(basis),
            legitimate_interest: r.get(Col::LegitimateInterest).trim().to_string(),
            lia_link: r.get(Col::LiaLink).trim().to_string(),
            consent_purpose: r.get(Col::Consent).trim().to_string(),
        };
        if p == Purpose::default() {
            continue;
        }
        if let Some(i) = a.purposes.iter().position(|o| fold(&o.purpose) == fold(&p.purpose)) {
            problems.push(Problem::at(
                *row_line,
                Col::Purpose,
                format!("repeats the purpose on row {}: give each purpose of an activity once", purpose_rows[i]),
            ));
            continue;
        }
        a.purposes.push(p);
        purpose_rows.push(*row_line);
    }
    if purpose_rows.is_empty() {
        purpose_rows.push(line);
    }
    (a, purpose_rows)
}

/// The activity an import gives, from an existing one: the columns the table has
/// replace the existing values, the others keep them (a purpose's legitimate interest,
/// assessment link and consent purpose are kept from the existing purpose of the same
/// words when their column is absent).
pub fn merge(existing: &Activity, parsed: &Parsed) -> Activity {
    let has = |c: Col| parsed.present.contains(&c);
    let new = &parsed.activity;
    let mut a = existing.clone();
    a.name = new.name.clone();
    macro_rules! take {
        ($($col:ident => $($field:ident),+);* $(;)?) => {
            $(if has(Col::$col) { $(a.$field = new.$field.clone();)+ })*
        };
    }
    take!(
        BusinessFunction => business_function;
        JointController => joint_controller;
        SubjectCategories => subject_categories;
        DataCategories => data_categories;
        Recipients => recipients;
        Processors => processor_ids;
        Transfers => transfer_ids;
        ExceptionalSafeguards => exceptional_transfer_safeguards;
        Retention => retention_record_types;
        Security => security_measures;
        Automated => automated_decisions;
        Source => source;
        Location => system_ids, location;
        DpiaRequired => dpia_required;
        DpiaProgress => dpia_progress;
        DpiaLink => dpia_link;
        RetentionPolicy => retention_policy_link;
        RetainedPerPolicy => retained_per_policy;
        NotRetainedReason => not_retained_reason;
        Record => record;
        Controllers => controller_ids;
        ProcessingFor => processing_for;
        SharingAgreements => sharing_agreement_ids;
        Notices => notice_ids;
        OptOut => national_data_opt_out;
        Notes => notes;
    );
    let special_cols = [Col::SpecialCategories, Col::Art9, Col::Schedule1, Col::PolicyDocument];
    if special_cols.iter().any(|c| has(*c)) {
        let mut special = new.special_category.clone();
        for s in &mut special {
            if let Some(old) = existing.special_category.iter().find(|o| o.category == s.category) {
                if !has(Col::Art9) {
                    s.art9_condition = old.art9_condition.clone();
                }
                if !has(Col::Schedule1) {
                    s.schedule1_condition = old.schedule1_condition.clone();
                }
                if !has(Col::PolicyDocument) {
                    s.policy_document = old.policy_document;
                }
            }
        }
        if !has(Col::SpecialCategories) {
            for old in &existing.special_category {
                if !special.iter().any(|s| s.category == old.category) {
                    special.push(old.clone());
                }
            }
        }
        a.special_category = special;
    }
    a.purposes = new
        .purposes
        .iter()
        .map(|p| {
            let old = existing.purposes.iter().find(|o| fold(&o.purpose) == fold(&p.purpose));
            let keep = |col: Col, new: &String, old: Option<&String>| {
                if has(col) { new.clone() } else { old.cloned().unwrap_or_default() }
            };
            Purpose {
                purpose: p.purpose.clone(),
                lawful_basis: p.lawful_basis.clone(),
                legitimate_interest: keep(
                    Col::LegitimateInterest,
                    &p.legitimate_interest,
                    old.map(|o| &o.legitimate_interest),
                ),
                lia_link: keep(Col::LiaLink, &p.lia_link, old.map(|o| &o.lia_link)),
                consent_purpose: keep(Col::Consent, &p.consent_purpose, old.map(|o| &o.consent_purpose)),
            }
        })
        .collect();
    a
}

#[cfg(test)]
mod tests;
