//! The rules over the record of processing: each activity's lawful basis, retention rule,
//! systems, the columns of the ICO's Article 30 template it must fill, the conditions its
//! special-category and criminal-offence data need, and the categories of people held
//! that no activity covers.
//!
//! Sources: UK GDPR Art 6(1), Art 9(2), Art 10, Art 30(1)-(2); DPA 2018 s10 and
//! Schedule 1 (Part 4, para 41: what the record says about Schedule 1 processing); ICO
//! "Documentation" guidance and its Article 30 controller template (uk-rules §3, §8).

use super::words::{category_matches, thousands};
use super::{ComplianceInput, Finding, InForce, Rule, Severity, finding, object};
use crate::register::activity::{Activity, RecordKind};
use crate::register::entry::RegisterKind;
use crate::register::lawful_basis::{Art9Condition, CRIMINAL_OFFENCE, LawfulBasis, Schedule1Condition};
use crate::register::transfer::TransferMechanism;
use crate::subject::SpecialCategory;

/// The object type of an activity's findings (its register's code).
fn activity_kind() -> &'static str {
    RegisterKind::Activity.as_str()
}

fn controller(a: &InForce<Activity>) -> bool {
    a.entry.record == RecordKind::Controller
}

/// The name of a special-category key in words ("Health"), or the key if unknown.
fn special_label(key: &str) -> String {
    SpecialCategory::HEADINGS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or_else(|| key.replace('_', " "), |(_, label)| (*label).to_string())
}

/// **activity_without_lawful_basis** (error): an activity of the controller's record with
/// no purpose, or a purpose whose Art 6(1) lawful basis is missing or not one of the
/// bases. Processing is lawful only on one of the Art 6(1) bases (UK GDPR Art 6(1), as
/// amended by the Data (Use and Access) Act 2025 to add (ea) recognised legitimate
/// interests), and the record names it (ICO template column 12). A processor's record
/// (Art 30(2)) holds none: the basis is the controller's choice, so it is not checked.
pub fn activity_without_lawful_basis(input: &ComplianceInput) -> Vec<Finding> {
    let mut out = Vec::new();
    for a in input.activities.iter().filter(|a| controller(a)) {
        let name = &a.entry.name;
        let lacking: Vec<&str> = a
            .entry
            .purposes
            .iter()
            .filter(|p| LawfulBasis::parse(p.lawful_basis.trim()).is_none())
            .map(|p| p.purpose.trim())
            .collect();
        let message = if a.entry.purposes.is_empty() {
            format!("“{name}” records no purpose, so it has no lawful basis.")
        } else if lacking.is_empty() {
            continue;
        } else {
            let named: Vec<String> = lacking
                .iter()
                .map(|p| if p.is_empty() { "one without a description".into() } else { format!("“{p}”") })
                .collect();
            format!(
                "“{name}” has {} without a lawful basis: {}.",
                if lacking.len() == 1 { "a purpose".to_string() } else { format!("{} purposes", lacking.len()) },
                named.join(", ")
            )
        };
        out.push(finding(
            Severity::Error,
            Rule::ActivityWithoutLawfulBasis,
            activity_kind(),
            &a.id,
            message,
            "UK GDPR Art 6(1); Art 30(1)(b); ICO Article 30 template column 12",
            format!(
                "Open “{name}” and give each purpose its Art 6(1) lawful basis: consent, contract, legal \
                 obligation, vital interests, public task, legitimate interests or recognised legitimate interest. \
                 If none applies, stop the processing."
            ),
        ));
    }
    out
}

/// **activity_without_retention** (warning): an activity of the controller's record that
/// names no record type of the retention schedule, or names one the schedule in force no
/// longer has. Personal data is kept no longer than necessary (UK GDPR Art 5(1)(e)) and
/// the record gives, where possible, the time limits for erasure (Art 30(1)(f); ICO
/// template column 10). A warning: Art 30(1)(f) asks for the limits "where possible".
pub fn activity_without_retention(input: &ComplianceInput) -> Vec<Finding> {
    let mut out = Vec::new();
    for a in input.activities.iter().filter(|a| controller(a)) {
        let name = &a.entry.name;
        let types: Vec<&str> =
            a.entry.retention_record_types.iter().map(|t| t.trim()).filter(|t| !t.is_empty()).collect();
        let missing = types.iter().filter(|t| !input.retention_record_types.iter().any(|k| k == *t)).count();
        let message = if types.is_empty() {
            format!(
                "“{name}” names no record type of the retention schedule, so nothing says how long its data is kept."
            )
        } else if missing > 0 {
            format!(
                "“{name}” names {} the retention schedule in force does not have, so nothing says how long that \
                 data is kept.",
                if missing == 1 { "a record type".to_string() } else { format!("{missing} record types") }
            )
        } else {
            continue;
        };
        out.push(finding(
            Severity::Warning,
            Rule::ActivityWithoutRetention,
            activity_kind(),
            &a.id,
            message,
            "UK GDPR Art 5(1)(e); Art 30(1)(f); ICO Article 30 template column 10",
            format!(
                "Open “{name}” and choose the record types of the retention schedule in force that govern its \
                 data; if none fits, add one to the schedule first."
            ),
        ));
    }
    out
}

/// **activity_without_system** (warning): an activity, of either record, linked to no
/// system in use on the register of systems. Without knowing where the data is, it cannot
/// be found to answer an access request or erased (UK GDPR Art 15, Art 17), nor its
/// security described (Art 30(1)(g)); the ICO template's column 20 records its location.
pub fn activity_without_system(input: &ComplianceInput) -> Vec<Finding> {
    let mut out = Vec::new();
    for a in &input.activities {
        let name = &a.entry.name;
        let linked: Vec<&str> = a.entry.system_ids.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
        if linked.iter().any(|id| input.systems.iter().any(|s| s.id == *id)) {
            continue;
        }
        let message = if linked.is_empty() {
            format!("“{name}” names no system holding its data, so nobody knows where to look for it.")
        } else {
            format!("“{name}” names only systems no longer in use, so nobody knows where its data is now.")
        };
        out.push(finding(
            Severity::Warning,
            Rule::ActivityWithoutSystem,
            activity_kind(),
            &a.id,
            message,
            "UK GDPR Art 5(2), Art 15 and Art 17; ICO Article 30 template column 20 (location of personal data)",
            format!(
                "Open “{name}” and choose the systems that hold its data; add a system to the register of \
                 systems first if it is not there."
            ),
        ));
    }
    out
}

/// One column of the ICO template the record must fill, and the law that requires it.
struct Column {
    number: u8,
    words: &'static str,
    citation: &'static str,
}

const PURPOSE: Column = Column { number: 2, words: "Purpose of processing", citation: "UK GDPR Art 30(1)(b)" };
const INDIVIDUALS: Column = Column { number: 4, words: "Categories of individuals", citation: "UK GDPR Art 30(1)(c)" };
const DATA: Column = Column { number: 5, words: "Categories of personal data", citation: "UK GDPR Art 30(1)(c)" };
const RECIPIENTS: Column = Column { number: 6, words: "Categories of recipients", citation: "UK GDPR Art 30(1)(d)" };
const SAFEGUARDS: Column =
    Column { number: 9, words: "Safeguards for exceptional transfers", citation: "UK GDPR Art 30(1)(e) and Art 49(6)" };
const SECURITY: Column = Column {
    number: 11,
    words: "General description of technical and organisational security measures",
    citation: "UK GDPR Art 30(1)(g)",
};
const RETAINED: Column = Column {
    number: 29,
    words: "Retained and erased in accordance with the policy document?",
    citation: "DPA 2018 Schedule 1 para 41(c)",
};
const REASONS: Column = Column {
    number: 30,
    words: "Reasons for not adhering to the policy document",
    citation: "DPA 2018 Schedule 1 para 41(c)",
};
const PROCESSED_FOR: Column =
    Column { number: 0, words: "Controllers the processing is carried out for", citation: "UK GDPR Art 30(2)(a)" };
const PROCESSOR_PURPOSE: Column =
    Column { number: 2, words: "Categories of processing carried out", citation: "UK GDPR Art 30(2)(b)" };
const PROCESSOR_SAFEGUARDS: Column =
    Column { number: 9, words: "Safeguards for exceptional transfers", citation: "UK GDPR Art 30(2)(c) and Art 49(6)" };
const PROCESSOR_SECURITY: Column = Column {
    number: 11,
    words: "General description of technical and organisational security measures",
    citation: "UK GDPR Art 30(2)(d)",
};

/// The required columns `a` leaves empty, in column order.
fn empty_columns(input: &ComplianceInput, a: &Activity) -> Vec<&'static Column> {
    let blank = |s: &str| s.trim().is_empty();
    let purposes_blank = a.purposes.iter().any(|p| blank(&p.purpose));
    // Column 9: a linked transfer relies on an Art 49 derogation (an exceptional transfer).
    let exceptional = a.transfer_ids.iter().any(|id| {
        input
            .transfers
            .iter()
            .any(|t| t.id == id.trim() && t.entry.mechanism == Some(TransferMechanism::Art49Derogation))
    });
    let safeguards_missing = exceptional && blank(&a.exceptional_transfer_safeguards);
    let mut out: Vec<&'static Column> = Vec::new();
    match a.record {
        RecordKind::Controller => {
            if purposes_blank {
                out.push(&PURPOSE);
            }
            if a.subject_categories.is_empty() {
                out.push(&INDIVIDUALS);
            }
            if a.data_categories.is_empty() {
                out.push(&DATA);
            }
            if a.recipients.is_empty() {
                out.push(&RECIPIENTS);
            }
            if safeguards_missing {
                out.push(&SAFEGUARDS);
            }
            if blank(&a.security_measures) {
                out.push(&SECURITY);
            }
            // Schedule 1 Part 4 para 41: processing under a condition that needs an
            // appropriate policy document is recorded with the policy's retention.
            let needs_policy = a
                .special_category
                .iter()
                .filter_map(|s| Schedule1Condition::parse(&s.schedule1_condition))
                .any(Schedule1Condition::needs_policy_document);
            if needs_policy {
                match a.retained_per_policy {
                    None => out.push(&RETAINED),
                    Some(false) if blank(&a.not_retained_reason) => out.push(&REASONS),
                    _ => {}
                }
            }
        }
        RecordKind::Processor => {
            if blank(&a.processing_for) {
                out.push(&PROCESSED_FOR);
            }
            if a.purposes.is_empty() || purposes_blank {
                out.push(&PROCESSOR_PURPOSE);
            }
            if safeguards_missing {
                out.push(&PROCESSOR_SAFEGUARDS);
            }
            if blank(&a.security_measures) {
                out.push(&PROCESSOR_SECURITY);
            }
        }
    }
    out
}

/// **required_column_empty** (warning): one finding for each column of the record an
/// activity leaves empty that the ICO's Article 30 template marks as required, that is,
/// required by Art 30 or by DPA 2018 Schedule 1 (uk-rules §8). For the controller's
/// record: purpose (column 2, Art 30(1)(b)), categories of individuals and of personal
/// data (4, 5; Art 30(1)(c)), categories of recipients (6; Art 30(1)(d)), safeguards for
/// exceptional transfers when a linked transfer relies on an Art 49 derogation (9;
/// Art 30(1)(e), Art 49(6)), the security measures (11; Art 30(1)(g)), and, for data
/// processed under a Schedule 1 condition that needs an appropriate policy document,
/// whether data is retained and erased as that policy says, and why not (29, 30;
/// Schedule 1 para 41(c)). For a processor's record
/// (Art 30(2)): the controllers it acts for, the categories of processing, the
/// exceptional transfers' safeguards and the security measures. The lawful basis,
/// retention rule and Schedule 1 condition columns (12, 10, 26) have rules of their own.
/// Columns neither Art 30 nor Schedule 1 requires are not checked: the business function,
/// a joint controller where there is none, the privacy-notice, consent, DPIA and breach
/// columns, and the link to the retention policy document (column 28: para 41 asks
/// whether the policy is followed, not where it is). A warning: the record is incomplete,
/// which does not by itself make the processing unlawful.
pub fn required_column_empty(input: &ComplianceInput) -> Vec<Finding> {
    let mut out = Vec::new();
    for a in &input.activities {
        let name = &a.entry.name;
        for c in empty_columns(input, &a.entry) {
            let column = if c.number == 0 {
                format!("“{}”", c.words)
            } else {
                format!("“{}” (column {} of the ICO template)", c.words, c.number)
            };
            out.push(finding(
                Severity::Warning,
                Rule::RequiredColumnEmpty,
                activity_kind(),
                &a.id,
                format!("“{name}” leaves {column} empty, which the record of processing must fill."),
                c.citation,
                format!("Open “{name}” and fill in “{}”.", c.words),
            ));
        }
    }
    out
}

/// **art9_without_schedule1** (error): special-category or criminal-offence data an
/// activity of the controller's record uses without the conditions the law asks for.
/// Special-category data needs an Art 9(2) condition (UK GDPR Art 9(1)-(2)); conditions
/// (b), (g), (h), (i) and (j) are met only with a DPA 2018 Schedule 1 Part 1 or Part 2
/// condition as well (DPA 2018 s10(1)-(3)). Criminal-offence data needs a Schedule 1
/// condition of Part 1, 2 or 3 (UK GDPR Art 10; DPA 2018 s10(5)). One finding for each
/// kind of data that lacks one.
pub fn art9_without_schedule1(input: &ComplianceInput) -> Vec<Finding> {
    let mut out = Vec::new();
    for a in input.activities.iter().filter(|a| controller(a)) {
        let name = &a.entry.name;
        for s in &a.entry.special_category {
            let kind = special_label(s.category.trim());
            let sch = Schedule1Condition::parse(&s.schedule1_condition);
            let (message, citation, fix) = if s.category.trim() == CRIMINAL_OFFENCE {
                if sch.is_some_and(Schedule1Condition::covers_criminal_data) {
                    continue;
                }
                (
                    format!("“{name}” uses criminal-offence data without a Schedule 1 condition."),
                    "UK GDPR Art 10; DPA 2018 s10(5) and Schedule 1 Parts 1-3",
                    format!(
                        "Open “{name}” and give the DPA 2018 Schedule 1 condition (Part 1, 2 or 3) the \
                         criminal-offence data is processed under, or stop processing it."
                    ),
                )
            } else {
                match Art9Condition::parse(&s.art9_condition) {
                    None => (
                        format!("“{name}” uses special-category data ({kind}) without an Art 9(2) condition."),
                        "UK GDPR Art 9(1)-(2); DPA 2018 s10",
                        format!(
                            "Open “{name}” and give the Art 9(2) condition for its {} data, with the Schedule 1 \
                             condition where the condition needs one, or stop processing it.",
                            kind.to_lowercase()
                        ),
                    ),
                    Some(c) if c.needs_schedule1() && !sch.is_some_and(Schedule1Condition::covers_special_category) => {
                        (
                            format!(
                                "“{name}” relies on Art 9(2)({}) for special-category data ({kind}) without the \
                             Schedule 1 condition it needs.",
                                c.letter()
                            ),
                            "UK GDPR Art 9(2); DPA 2018 s10(1)-(3) and Schedule 1 Parts 1-2",
                            format!(
                                "Open “{name}” and give the DPA 2018 Schedule 1 condition (Part 1 or Part 2) the {} \
                             data is processed under; a Part 2 condition also needs an appropriate policy document.",
                                kind.to_lowercase()
                            ),
                        )
                    }
                    Some(_) => continue,
                }
            };
            out.push(finding(
                Severity::Error,
                Rule::Art9WithoutSchedule1,
                activity_kind(),
                &a.id,
                message,
                citation,
                fix,
            ));
        }
    }
    out
}

/// The catch-all category of people ("Other"): no activity can name it, so it is not
/// checked.
const OTHER: &str = "other";

/// **subjects_without_activity** (warning): a category of people Steward holds (with at
/// least one person in it) that no activity of the record names among its categories of
/// individuals. The record lists the categories of data subjects of every processing
/// (UK GDPR Art 30(1)(c)); people held under no recorded activity are processed without
/// a recorded purpose or basis (Art 5(1)(b), Art 5(2)). Categories match when their words
/// do, ignoring case and singular or plural ("Tenants" covers tenant). People held as
/// "Other" are not checked: that category says nothing an activity could name. A warning:
/// the gap may be only in the record.
pub fn subjects_without_activity(input: &ComplianceInput) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in input.subject_categories.iter().filter(|c| c.count > 0 && c.key != "*" && c.key != OTHER) {
        let covered = input.activities.iter().any(|a| {
            a.entry
                .subject_categories
                .iter()
                .any(|named| category_matches(named, &c.label) || category_matches(named, &c.key))
        });
        if covered {
            continue;
        }
        let people =
            if c.count == 1 { "1 person is".to_string() } else { format!("{} people are", thousands(c.count)) };
        out.push(finding(
            Severity::Warning,
            Rule::SubjectsWithoutActivity,
            object::SUBJECT_CATEGORY,
            &c.key,
            format!(
                "{people} held as “{}”, but no activity in the record of processing covers that category of people.",
                c.label
            ),
            "UK GDPR Art 30(1)(c); Art 5(1)(b) and 5(2)",
            format!(
                "Add “{}” to the categories of individuals of each activity that processes their data, or add \
                 the activity to the record of processing if it is missing.",
                c.label
            ),
        ));
    }
    out
}
