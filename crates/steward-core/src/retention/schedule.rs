//! The retention schedule as a versioned TOML file: record types, their exceptions and cross-cutting modifiers.
//!
//! ```toml
//! version = 1
//! name = "Family-support charity"
//!
//! [[applies_to_all]]
//! when = "retention_consent"
//! extend = "5 years"
//!
//! [[applies_to_all]]
//! when = "legal_proceedings"
//! later_of = "7 years after proceedings_ended"
//!
//! [[record_type]]
//! id = "volunteer-file"
//! name = "Volunteer files"
//! rule = "2 years after left"
//! exceptions = [
//!   { when = "safeguarding_allegation", rule = "10 years after left" },
//!   { when = "reference_consent", rule = "5 years after left" },
//! ]
//! source = "Volunteers' records should be retained for two years. …"
//! ```
//!
//! Evaluation: the first exception whose flag holds replaces the base rule; then each
//! `applies_to_all` modifier whose flag holds is applied in the order written
//! (`extend` adds a period; `later_of` takes the later of the date so far and its rule).
//! Loading checks everything and reports every problem with the record type and field.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use jiff::civil::Date;
use serde::Deserialize;

use super::{
    FactError, Facts, Period, Rule, Value, check_flag, evaluate, extend, format_date, parse_period, parse_rule,
};

/// The only schedule file version this Steward reads.
pub const VERSION: u32 = 1;

/// The shipped templates: (name, TOML text).
pub const TEMPLATES: &[(&str, &str)] = &[
    ("family-support-charity", include_str!("../../templates/retention/family-support-charity.toml")),
    ("generic", include_str!("../../templates/retention/generic.toml")),
];

/// The TOML text of a shipped template, by name.
pub fn template(name: &str) -> Option<&'static str> {
    TEMPLATES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSchedule {
    version: u32,
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    review_before_use: bool,
    #[serde(default)]
    applies_to_all: Vec<FileModifier>,
    #[serde(default)]
    record_type: Vec<FileRecordType>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileModifier {
    when: String,
    #[serde(default)]
    extend: Option<String>,
    #[serde(default)]
    later_of: Option<String>,
    #[serde(default)]
    source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRecordType {
    id: String,
    name: String,
    rule: String,
    #[serde(default)]
    exceptions: Vec<FileException>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    review_before_use: bool,
    #[serde(default)]
    disposal: Option<String>,
    #[serde(default)]
    method: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileException {
    when: String,
    rule: String,
    #[serde(default)]
    source: Option<String>,
}

/// An exception: when the flag holds, the rule replaces the record type's base rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    /// The flag that triggers it.
    pub when: String,
    /// The rule that applies instead.
    pub rule: Rule,
    /// The policy wording it comes from.
    pub source: Option<String>,
}

/// A modifier applied to every record type when its flag holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Modifier {
    /// Add a period (e.g. `retention_consent`: 5 more years).
    Extend {
        /// The flag.
        when: String,
        /// The period added.
        period: Period,
        /// The policy wording it comes from.
        source: Option<String>,
    },
    /// The later of the date so far and this rule (e.g. `legal_proceedings`: 7 years after `proceedings_ended`).
    LaterOf {
        /// The flag.
        when: String,
        /// The rule whose date is compared.
        rule: Rule,
        /// The policy wording it comes from.
        source: Option<String>,
    },
}

impl Modifier {
    /// The flag that triggers the modifier.
    pub fn when(&self) -> &str {
        match self {
            Modifier::Extend { when, .. } | Modifier::LaterOf { when, .. } => when,
        }
    }
}

/// One kind of record and how long it is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordType {
    /// Stable id, e.g. `volunteer-file`.
    pub id: String,
    /// Name for people, e.g. "Volunteer files".
    pub name: String,
    /// The base rule.
    pub rule: Rule,
    /// Exceptions, the first whose flag holds wins.
    pub exceptions: Vec<Exception>,
    /// The policy wording the rule comes from.
    pub source: Option<String>,
    /// The rule is a suggestion that the organisation should check before relying on it.
    pub review_before_use: bool,
    /// Records of this type held in Steward's vault are destroyed by the daily sweep
    /// without waiting for the DPO's approval of the month's list (`disposal =
    /// "automatic"`; the default is `"approval"`).
    pub automatic_disposal: bool,
    /// How records of this type kept outside Steward are usually destroyed (one of
    /// [`DISPOSAL_METHODS`]); a disposal task starts with it.
    pub method: Option<String>,
}

/// How a record can be destroyed, with words for people.
pub const DISPOSAL_METHODS: &[(&str, &str)] = &[
    ("crypto_shred", "Crypto-shredded in Steward's vault"),
    ("shredding", "Cross-cut shredding (paper)"),
    ("secure_deletion", "Secure deletion (electronic)"),
    ("return_to_commissioner", "Returned to the commissioning body"),
    ("confidential_waste", "Confidential waste collection (certified)"),
];

/// A loaded, checked retention schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// The file's version (always [`VERSION`]).
    pub version: u32,
    /// The schedule's name.
    pub name: String,
    /// A description for people.
    pub description: Option<String>,
    /// Every rule of this schedule should be reviewed before use.
    pub review_before_use: bool,
    /// Modifiers applied to every record type.
    pub applies_to_all: Vec<Modifier>,
    /// The record types, in file order.
    pub record_types: Vec<RecordType>,
}

/// One problem in a schedule file, naming the record type (if any) and the field.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ScheduleError {
    /// The record type's id, when the problem is inside one.
    pub record_type: Option<String>,
    /// The field, e.g. `rule`, `exceptions[1].when`, `applies_to_all[0].later_of`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.record_type {
            Some(id) => write!(f, "record type '{id}', {}: {}", self.field, self.message),
            None => write!(f, "{}: {}", self.field, self.message),
        }
    }
}

/// Every problem found in a schedule file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ScheduleErrors(pub Vec<ScheduleError>);

impl fmt::Display for ScheduleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

fn err(record_type: Option<&str>, field: impl Into<String>, message: impl Into<String>) -> ScheduleError {
    ScheduleError { record_type: record_type.map(str::to_string), field: field.into(), message: message.into() }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Which part of a record type's schedule applied.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Applied {
    /// The base rule.
    Base,
    /// The exception triggered by this flag.
    Exception {
        /// The flag.
        when: String,
    },
}

/// A record's destroy-by date and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Outcome {
    /// The record type's id.
    pub record_type: String,
    /// The destroy-by date; `None` when permanent or not yet computable.
    pub destroy_on: Option<Date>,
    /// Never destroyed.
    pub permanent: bool,
    /// Facts still needed, e.g. `event left`, `date_of_birth`.
    pub missing: Vec<String>,
    /// The base rule or the exception that applied.
    pub applied: Applied,
    /// The text of the rule that applied.
    pub rule: String,
    /// The flags of the `applies_to_all` modifiers that were applied (their flag held).
    pub modifiers: Vec<String>,
    /// Plain English, e.g. "6 years after leaving (15 Mar 2024) → 15 Mar 2030".
    pub explanation: String,
    /// The record type's rule should be reviewed before it is relied on.
    pub review_before_use: bool,
}

/// Why a record could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvaluateError {
    /// The schedule has no such record type.
    #[error("unknown record type '{0}'")]
    UnknownRecordType(String),
    /// The record's facts are impossible or unknown.
    #[error("{0}")]
    Facts(#[from] FactError),
}

impl Schedule {
    /// Parse and check a schedule file; every problem is reported.
    pub fn from_toml(text: &str) -> Result<Self, ScheduleErrors> {
        let file: FileSchedule =
            toml::from_str(text).map_err(|e| ScheduleErrors(vec![err(None, "file", e.message().to_string())]))?;
        let mut errors = Vec::new();
        if file.version != VERSION {
            errors.push(err(
                None,
                "version",
                format!("unsupported version {}; this Steward reads version {VERSION}", file.version),
            ));
        }
        if file.name.trim().is_empty() {
            errors.push(err(None, "name", "must not be empty"));
        }
        let mut applies_to_all = Vec::new();
        let mut seen_mod = BTreeSet::new();
        for (i, m) in file.applies_to_all.iter().enumerate() {
            let field = |f: &str| format!("applies_to_all[{i}].{f}");
            if let Err(e) = check_flag(&m.when) {
                errors.push(err(None, field("when"), e.message));
                continue;
            }
            if !seen_mod.insert(m.when.clone()) {
                errors.push(err(None, field("when"), format!("a modifier for '{}' is already given", m.when)));
            }
            match (&m.extend, &m.later_of) {
                (Some(p), None) => match parse_period(p) {
                    Ok(period) => {
                        applies_to_all.push(Modifier::Extend { when: m.when.clone(), period, source: m.source.clone() })
                    }
                    Err(e) => errors.push(err(None, field("extend"), e.message)),
                },
                (None, Some(r)) => match parse_rule(r) {
                    Ok(rule) if !rule.references().is_empty() => {
                        errors.push(err(None, field("later_of"), "same_as(…) cannot be used in applies_to_all"))
                    }
                    Ok(rule) => {
                        applies_to_all.push(Modifier::LaterOf { when: m.when.clone(), rule, source: m.source.clone() })
                    }
                    Err(e) => errors.push(err(None, field("later_of"), e.message)),
                },
                _ => errors.push(err(
                    None,
                    format!("applies_to_all[{i}]"),
                    "give exactly one of `extend` (a period) or `later_of` (a rule)",
                )),
            }
        }
        let mut record_types = Vec::new();
        let mut ids = BTreeSet::new();
        for (i, rt) in file.record_type.iter().enumerate() {
            let id = rt.id.as_str();
            if !valid_id(id) {
                errors.push(err(
                    None,
                    format!("record_type[{i}].id"),
                    format!(
                        "'{id}' is not a valid id (lower-case letters, digits and hyphens, starting with a letter)"
                    ),
                ));
            } else if !ids.insert(id.to_string()) {
                errors.push(err(Some(id), "id", "the id is used by an earlier record type"));
            }
            if rt.name.trim().is_empty() {
                errors.push(err(Some(id), "name", "must not be empty"));
            }
            let rule = match parse_rule(&rt.rule) {
                Ok(r) => Some(r),
                Err(e) => {
                    errors.push(err(Some(id), "rule", e.message));
                    None
                }
            };
            let mut exceptions = Vec::new();
            let mut flags = BTreeSet::new();
            for (j, ex) in rt.exceptions.iter().enumerate() {
                if let Err(e) = check_flag(&ex.when) {
                    errors.push(err(Some(id), format!("exceptions[{j}].when"), e.message));
                } else if !flags.insert(ex.when.clone()) {
                    errors.push(err(
                        Some(id),
                        format!("exceptions[{j}].when"),
                        format!("an earlier exception already uses '{}'", ex.when),
                    ));
                }
                match parse_rule(&ex.rule) {
                    Ok(r) => exceptions.push(Exception { when: ex.when.clone(), rule: r, source: ex.source.clone() }),
                    Err(e) => errors.push(err(Some(id), format!("exceptions[{j}].rule"), e.message)),
                }
            }
            let automatic_disposal = match rt.disposal.as_deref() {
                None | Some("approval") => false,
                Some("automatic") => true,
                Some(other) => {
                    errors.push(err(
                        Some(id),
                        "disposal",
                        format!("unknown disposal '{other}'; use \"approval\" or \"automatic\""),
                    ));
                    false
                }
            };
            if let Some(m) = rt.method.as_deref()
                && !DISPOSAL_METHODS.iter().any(|(k, _)| *k == m)
            {
                let known: Vec<&str> = DISPOSAL_METHODS.iter().map(|(k, _)| *k).collect();
                errors.push(err(Some(id), "method", format!("unknown method '{m}'; use one of {}", known.join(", "))));
            }
            if let Some(rule) = rule {
                record_types.push(RecordType {
                    id: rt.id.clone(),
                    name: rt.name.clone(),
                    rule,
                    exceptions,
                    source: rt.source.clone(),
                    review_before_use: rt.review_before_use || file.review_before_use,
                    automatic_disposal,
                    method: rt.method.clone(),
                });
            }
        }
        check_references(&record_types, &ids, &mut errors);
        if !errors.is_empty() {
            return Err(ScheduleErrors(errors));
        }
        Ok(Schedule {
            version: file.version,
            name: file.name,
            description: file.description,
            review_before_use: file.review_before_use,
            applies_to_all,
            record_types,
        })
    }

    /// A shipped template by name, loaded and checked.
    pub fn template(name: &str) -> Option<Result<Self, ScheduleErrors>> {
        template(name).map(Self::from_toml)
    }

    /// The record type with this id.
    pub fn record_type(&self, id: &str) -> Option<&RecordType> {
        self.record_types.iter().find(|r| r.id == id)
    }

    /// The destroy-by date of a record of type `record_type` with these facts, and why.
    pub fn evaluate(&self, record_type: &str, facts: &Facts) -> Result<Outcome, EvaluateError> {
        let rt =
            self.record_type(record_type).ok_or_else(|| EvaluateError::UnknownRecordType(record_type.to_string()))?;
        facts.check()?;
        let (applied, rule) = match rt.exceptions.iter().find(|e| facts.has(&e.when)) {
            Some(e) => (Applied::Exception { when: e.when.clone() }, &e.rule),
            None => (Applied::Base, &rt.rule),
        };
        let resolve = |id: &str| self.record_type(id).map(|r| r.rule.clone());
        let mut value = evaluate(rule, facts, &resolve);
        let mut explanation = value.explanation();
        let mut modifiers = Vec::new();
        for m in &self.applies_to_all {
            if !facts.has(m.when()) {
                continue;
            }
            match m {
                Modifier::Extend { when, period, .. } => {
                    if let Value::Date { .. } = value {
                        value = extend(value, *period, when);
                        explanation = value.explanation();
                        modifiers.push(when.clone());
                    }
                }
                Modifier::LaterOf { when, rule, .. } => {
                    let other = evaluate(rule, facts, &resolve);
                    modifiers.push(when.clone());
                    value = match (value, other) {
                        (Value::Permanent { detail }, _) => Value::Permanent { detail },
                        (Value::Missing(mut a), Value::Missing(b)) => {
                            for x in b {
                                if !a.contains(&x) {
                                    a.push(x);
                                }
                            }
                            Value::Missing(a)
                        }
                        (Value::Missing(a), _) => Value::Missing(a),
                        (_, Value::Missing(b)) => Value::Missing(b),
                        (_, Value::Permanent { detail }) => Value::Permanent { detail },
                        (Value::Date { date: a, .. }, Value::Date { date: b, label: bl, .. }) => {
                            let later = a.max(b);
                            let detail = format!(
                                "{explanation}; because of {}, the later of that and {bl} ({})",
                                when.replace('_', " "),
                                format_date(b)
                            );
                            Value::Date { date: later, label: format!("the later of the rule and {bl}"), detail }
                        }
                    };
                    explanation = value.explanation();
                }
            }
        }
        if matches!(rule, Rule::Permanent) {
            explanation = format!("kept permanently under the rule for {}", rt.name);
        }
        let (destroy_on, permanent, missing) = match &value {
            Value::Date { date, .. } => (Some(*date), false, Vec::new()),
            Value::Permanent { .. } => (None, true, Vec::new()),
            Value::Missing(m) => (None, false, m.clone()),
        };
        Ok(Outcome {
            record_type: rt.id.clone(),
            destroy_on,
            permanent,
            missing,
            applied,
            rule: rule.to_string(),
            modifiers,
            explanation,
            review_before_use: rt.review_before_use,
        })
    }
}

/// Unknown `same_as` targets and cycles between record types.
fn check_references(record_types: &[RecordType], ids: &BTreeSet<String>, errors: &mut Vec<ScheduleError>) {
    let mut graph: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for rt in record_types {
        let mut refs = rt.rule.references();
        for (j, ex) in rt.exceptions.iter().enumerate() {
            for r in ex.rule.references() {
                if !ids.contains(r) {
                    errors.push(err(
                        Some(&rt.id),
                        format!("exceptions[{j}].rule"),
                        format!("same_as names unknown record type '{r}'"),
                    ));
                }
            }
        }
        refs.retain(|r| {
            let known = ids.contains(*r);
            if !known {
                errors.push(err(Some(&rt.id), "rule", format!("same_as names unknown record type '{r}'")));
            }
            known
        });
        graph.insert(&rt.id, refs);
    }
    // Depth-first search for a cycle through base rules (same_as follows base rules only).
    let mut done: BTreeSet<&str> = BTreeSet::new();
    for start in graph.keys() {
        let mut path: Vec<&str> = Vec::new();
        if let Some(cycle) = find_cycle(start, &graph, &mut path, &mut done) {
            errors.push(err(Some(cycle[0]), "rule", format!("same_as forms a cycle: {}", cycle.join(" → "))));
            return;
        }
    }
}

fn find_cycle<'a>(
    node: &'a str,
    graph: &BTreeMap<&'a str, Vec<&'a str>>,
    path: &mut Vec<&'a str>,
    done: &mut BTreeSet<&'a str>,
) -> Option<Vec<&'a str>> {
    if let Some(pos) = path.iter().position(|n| *n == node) {
        let mut cycle: Vec<&str> = path[pos..].to_vec();
        cycle.push(node);
        return Some(cycle);
    }
    if done.contains(node) {
        return None;
    }
    path.push(node);
    for next in graph.get(node).map(Vec::as_slice).unwrap_or(&[]) {
        if let Some(c) = find_cycle(next, graph, path, done) {
            return Some(c);
        }
    }
    path.pop();
    done.insert(node);
    None
}
