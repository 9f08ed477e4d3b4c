//! Retention rules: a small language that gives each record type its destroy-by date from the record's facts.
//!
//! A rule is an expression over a record's **events** (named dated facts such as `left`
//! or `support_ended`), its **flags** (facts without dates such as
//! `safeguarding_allegation`) and its subject (`date_of_birth`, `state_pension_age`):
//!
//! | Syntax                         | Meaning                                                     |
//! |--------------------------------|-------------------------------------------------------------|
//! | `6 years after left`           | a period (days, months or years) after an event              |
//! | `age 25`                       | the day the subject turns 25                                  |
//! | `state_pension_age`            | the day the subject reaches state pension age ([`crate::pension`]) |
//! | `at validated`                 | on the day of the event itself                                |
//! | `max(a, b, …)`                 | whichever is longer (the latest date)                         |
//! | `min(a, b, …)`                 | whichever is shorter (the earliest date)                      |
//! | `permanent`                    | never destroyed                                               |
//! | `same_as(staff-personnel-file)`| the base rule of another record type                          |
//! | `RULE + 5 years if FLAG`       | a consent extension: adds the period when the flag holds      |
//!
//! Periods are added with `jiff`, calendar-correct: a day of the month that does not
//! exist in the target month falls back to the month's last day (29 Feb + 1 year → 28 Feb).
//!
//! Rules are parsed with `winnow` (ADR 0009) into [`Rule`], checked against the known
//! events and flags, and evaluated against [`Facts`] into a [`Value`] with a plain-English
//! explanation. Record types, exceptions and cross-cutting modifiers live in
//! [`schedule`].

mod parse;
pub mod schedule;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use jiff::Span;
use jiff::civil::Date;

pub use parse::{check_flag, parse_period, parse_rule};
pub use schedule::{Applied, Outcome, RecordType, Schedule, ScheduleError, ScheduleErrors};

/// The events (dated facts) a rule may name, with the phrase used in explanations.
pub const EVENTS: &[(&str, &str)] = &[
    ("started", "starting"),
    ("left", "leaving"),
    ("support_ended", "the end of support"),
    ("decision", "the decision"),
    ("issued", "issue"),
    ("validated", "validation"),
    ("accident", "the accident"),
    ("last_entry", "the last entry"),
    ("expired", "expiry"),
    ("created", "creation"),
    ("allegation", "the allegation"),
    ("proceedings_ended", "the end of legal proceedings"),
    ("received", "receipt"),
    ("closed", "closure"),
    ("disclosed", "the disclosure"),
    ("superseded", "being superseded"),
];

/// The flags (facts without dates) a rule or exception may name.
pub const FLAGS: &[&str] = &[
    "safeguarding_allegation",
    "dbs_issues",
    "referred_to_childrens_services",
    "concern_not_referred",
    "legal_proceedings",
    "reference_consent",
    "retention_consent",
];

/// The plain-English phrase for an event, e.g. `left` → "leaving".
pub fn event_phrase(event: &str) -> &str {
    EVENTS.iter().find(|(name, _)| *name == event).map_or(event, |(_, phrase)| phrase)
}

fn is_event(name: &str) -> bool {
    EVENTS.iter().any(|(n, _)| *n == name)
}

fn is_flag(name: &str) -> bool {
    FLAGS.contains(&name)
}

/// "15 Mar 2024".
pub fn format_date(d: Date) -> String {
    jiff::fmt::strtime::format("%-d %b %Y", d).unwrap_or_else(|_| d.to_string())
}

/// The unit of a [`Period`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Calendar days.
    Days,
    /// Calendar months.
    Months,
    /// Calendar years.
    Years,
}

/// A length of time: `6 years`, `12 months`, `30 days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Period {
    /// How many units.
    pub count: u32,
    /// Which unit.
    pub unit: Unit,
}

/// The longest period a rule may state in each unit (200 years), so every date stays in range.
const MAX_YEARS: u32 = 200;

impl Period {
    /// The period as a `jiff` span.
    pub fn span(self) -> Span {
        let n = i64::from(self.count);
        match self.unit {
            Unit::Days => Span::new().days(n),
            Unit::Months => Span::new().months(n),
            Unit::Years => Span::new().years(n),
        }
    }

    /// `date` plus this period, calendar-correct (month ends fall back to the last day).
    pub fn after(self, date: Date) -> Option<Date> {
        date.checked_add(self.span()).ok()
    }

    fn check(self) -> Result<Self, String> {
        let limit = match self.unit {
            Unit::Days => MAX_YEARS * 366,
            Unit::Months => MAX_YEARS * 12,
            Unit::Years => MAX_YEARS,
        };
        if self.count > limit {
            return Err(format!("bad number: {self} is longer than the longest allowed period ({MAX_YEARS} years)"));
        }
        Ok(self)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = match (self.unit, self.count) {
            (Unit::Days, 1) => "day",
            (Unit::Days, _) => "days",
            (Unit::Months, 1) => "month",
            (Unit::Months, _) => "months",
            (Unit::Years, 1) => "year",
            (Unit::Years, _) => "years",
        };
        write!(f, "{} {word}", self.count)
    }
}

/// A parsed and checked retention rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// Never destroyed.
    Permanent,
    /// The day the subject reaches state pension age.
    StatePensionAge,
    /// The day the subject reaches this age.
    Age(u32),
    /// The day of the event itself.
    At(String),
    /// A period after an event.
    After(Period, String),
    /// Whichever is longer (the latest date; permanent if any side is).
    Max(Vec<Rule>),
    /// Whichever is shorter (the earliest date; permanent only if every side is).
    Min(Vec<Rule>),
    /// The base rule of another record type.
    SameAs(String),
    /// The rule, plus a period when the flag holds (a consent extension).
    Extend(Box<Rule>, Period, String),
}

impl Rule {
    /// The rule in plain English for a letter or notice ("6 years after leaving"), as
    /// Art 13(2)(a) and Art 15(1)(d) ask: the period, or the criteria used to decide it.
    /// `name_of` turns another record type's id into its name.
    pub fn phrase(&self, name_of: &dyn Fn(&str) -> String) -> String {
        let list = |rules: &[Rule]| rules.iter().map(|r| r.phrase(name_of)).collect::<Vec<_>>().join(" or ");
        match self {
            Rule::Permanent => "permanently".into(),
            Rule::StatePensionAge => "until the person reaches State Pension age".into(),
            Rule::Age(n) => format!("until the person is {n}"),
            Rule::At(e) => format!("until {}", event_phrase(e)),
            Rule::After(p, e) => format!("{p} after {}", event_phrase(e)),
            Rule::Max(rs) => format!("whichever is longer of {}", list(rs)),
            Rule::Min(rs) => format!("whichever is shorter of {}", list(rs)),
            Rule::SameAs(id) => format!("as long as {}", name_of(id).to_lowercase()),
            Rule::Extend(base, p, flag) => {
                format!("{}, and {p} longer where {}", base.phrase(name_of), flag.replace('_', " "))
            }
        }
    }
}

/// Why a rule's text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RuleError {
    /// Plain-English description, naming the unknown word or the position of the syntax error.
    pub message: String,
}

impl RuleError {
    fn new(message: impl Into<String>) -> Self {
        Self { message: message.into() }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn list(f: &mut fmt::Formatter<'_>, name: &str, rules: &[Rule]) -> fmt::Result {
            write!(f, "{name}(")?;
            for (i, r) in rules.iter().enumerate() {
                if i > 0 {
                    write!(f, ", ")?;
                }
                write!(f, "{r}")?;
            }
            write!(f, ")")
        }
        match self {
            Rule::Permanent => write!(f, "permanent"),
            Rule::StatePensionAge => write!(f, "state_pension_age"),
            Rule::Age(n) => write!(f, "age {n}"),
            Rule::At(e) => write!(f, "at {e}"),
            Rule::After(p, e) => write!(f, "{p} after {e}"),
            Rule::Max(r) => list(f, "max", r),
            Rule::Min(r) => list(f, "min", r),
            Rule::SameAs(id) => write!(f, "same_as({id})"),
            Rule::Extend(base, p, flag) => write!(f, "{base} + {p} if {flag}"),
        }
    }
}

impl Rule {
    /// The record type ids this rule refers to through `same_as`.
    pub fn references(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_refs(&mut out);
        out
    }

    fn collect_refs<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Rule::SameAs(id) => out.push(id),
            Rule::Max(r) | Rule::Min(r) => r.iter().for_each(|x| x.collect_refs(out)),
            Rule::Extend(b, _, _) => b.collect_refs(out),
            _ => {}
        }
    }
}

/// The facts known about one record: its events, its flags and its subject's date of birth.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Facts {
    /// Dated facts by event name, e.g. `left` → 2024-03-15.
    #[serde(default)]
    pub events: BTreeMap<String, Date>,
    /// Facts without dates, e.g. `safeguarding_allegation`.
    #[serde(default)]
    pub flags: BTreeSet<String>,
    /// The subject's date of birth, when the record has a subject and it is known.
    #[serde(default)]
    pub date_of_birth: Option<Date>,
}

impl Facts {
    /// Whether the flag holds.
    pub fn has(&self, flag: &str) -> bool {
        self.flags.contains(flag)
    }

    /// Refuse facts that cannot be true or that name nothing Steward knows: unknown event
    /// or flag names, events before the subject's birth, `left` before `started`,
    /// `proceedings_ended` before `allegation`.
    pub fn check(&self) -> Result<(), FactError> {
        for name in self.events.keys() {
            if !is_event(name) {
                return Err(FactError::UnknownEvent(name.clone()));
            }
        }
        for name in &self.flags {
            if !is_flag(name) {
                return Err(FactError::UnknownFlag(name.clone()));
            }
        }
        if let Some(born) = self.date_of_birth {
            for (name, &on) in &self.events {
                if on < born {
                    return Err(FactError::BeforeBirth {
                        event: name.clone(),
                        on: format_date(on),
                        born: format_date(born),
                    });
                }
            }
        }
        for (earlier, later) in [("started", "left"), ("allegation", "proceedings_ended")] {
            if let (Some(&a), Some(&b)) = (self.events.get(earlier), self.events.get(later))
                && b < a
            {
                return Err(FactError::OutOfOrder {
                    earlier: earlier.to_string(),
                    earlier_on: format_date(a),
                    later: later.to_string(),
                    later_on: format_date(b),
                });
            }
        }
        Ok(())
    }
}

/// Facts that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FactError {
    /// An event name no rule knows.
    #[error("unknown event '{0}'")]
    UnknownEvent(String),
    /// A flag name no rule knows.
    #[error("unknown flag '{0}'")]
    UnknownFlag(String),
    /// An event dated before the subject was born.
    #[error("event {event} ({on}) is before the subject's date of birth ({born})")]
    BeforeBirth {
        /// The event.
        event: String,
        /// Its date, "15 Mar 2024".
        on: String,
        /// The date of birth.
        born: String,
    },
    /// Two events in the wrong order, e.g. `left` before `started`.
    #[error("event {later} ({later_on}) is before event {earlier} ({earlier_on})")]
    OutOfOrder {
        /// The event that must come first.
        earlier: String,
        /// Its date.
        earlier_on: String,
        /// The event that must come later.
        later: String,
        /// Its date.
        later_on: String,
    },
}

/// The result of evaluating a rule against facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A destroy-by date.
    Date {
        /// The date.
        date: Date,
        /// Short name, e.g. "10 years after the allegation".
        label: String,
        /// The reasoning up to the date, e.g. "6 years after leaving (15 Mar 2024)".
        detail: String,
    },
    /// Never destroyed.
    Permanent {
        /// Why, in words.
        detail: String,
    },
    /// Not computable yet: the facts still needed, e.g. `event left`, `date_of_birth`.
    Missing(Vec<String>),
}

impl Value {
    /// The explanation of this value in one line.
    pub fn explanation(&self) -> String {
        match self {
            Value::Date { date, detail, .. } => format!("{detail} → {}", format_date(*date)),
            Value::Permanent { detail } => detail.clone(),
            Value::Missing(m) => {
                let needs: Vec<String> = m.iter().map(|x| missing_phrase(x)).collect();
                format!("no destroy-by date yet: needs {}", needs.join(" and "))
            }
        }
    }

    fn short(&self) -> String {
        match self {
            Value::Date { date, label, .. } => format!("{label} ({})", format_date(*date)),
            Value::Permanent { .. } => "permanently".to_string(),
            Value::Missing(m) => format!("unknown (missing {})", m.join(", ")),
        }
    }
}

/// "event left" → "the date of leaving"; "date_of_birth" → "the subject's date of birth".
fn missing_phrase(fact: &str) -> String {
    match fact.strip_prefix("event ") {
        Some(e) if is_event(e) => format!("the date of {} ({fact})", event_phrase(e)),
        _ if fact == "date_of_birth" => "the subject's date of birth (date_of_birth)".to_string(),
        _ => fact.to_string(),
    }
}

fn missing_union(values: &[Value]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        if let Value::Missing(m) = v {
            for x in m {
                if !out.contains(x) {
                    out.push(x.clone());
                }
            }
        }
    }
    out
}

fn out_of_range(what: &str) -> Value {
    Value::Missing(vec![format!("{what} (date out of range)")])
}

/// Evaluate a rule against facts. `resolve` gives the base rule of another record type
/// for `same_as`; the schedule guarantees there is no cycle.
pub fn evaluate(rule: &Rule, facts: &Facts, resolve: &dyn Fn(&str) -> Option<Rule>) -> Value {
    evaluate_depth(rule, facts, resolve, 0)
}

fn evaluate_depth(rule: &Rule, facts: &Facts, resolve: &dyn Fn(&str) -> Option<Rule>, depth: u32) -> Value {
    match rule {
        Rule::Permanent => Value::Permanent { detail: "kept permanently".to_string() },
        Rule::StatePensionAge => {
            let Some(born) = facts.date_of_birth else { return Value::Missing(vec!["date_of_birth".to_string()]) };
            match crate::pension::state_pension_age(born) {
                Some(spa) => Value::Date {
                    date: spa.date,
                    label: "state pension age".to_string(),
                    detail: format!("state pension age, {} (born {})", spa.age_text(), format_date(born)),
                },
                None => out_of_range("state_pension_age"),
            }
        }
        Rule::Age(n) => {
            let Some(born) = facts.date_of_birth else { return Value::Missing(vec!["date_of_birth".to_string()]) };
            match born.checked_add(Span::new().years(i64::from(*n))) {
                Ok(date) => Value::Date {
                    date,
                    label: format!("age {n}"),
                    detail: format!("until the subject turns {n} (born {})", format_date(born)),
                },
                Err(_) => out_of_range("date_of_birth"),
            }
        }
        Rule::At(e) => match facts.events.get(e) {
            Some(&date) => Value::Date {
                date,
                label: format!("at {}", event_phrase(e)),
                detail: format!("at {} ({})", event_phrase(e), format_date(date)),
            },
            None => Value::Missing(vec![format!("event {e}")]),
        },
        Rule::After(p, e) => match facts.events.get(e) {
            Some(&on) => match p.after(on) {
                Some(date) => Value::Date {
                    date,
                    label: format!("{p} after {}", event_phrase(e)),
                    detail: format!("{p} after {} ({})", event_phrase(e), format_date(on)),
                },
                None => out_of_range(&format!("event {e}")),
            },
            None => Value::Missing(vec![format!("event {e}")]),
        },
        Rule::Max(rules) | Rule::Min(rules) => {
            let is_max = matches!(rule, Rule::Max(_));
            let values: Vec<Value> = rules.iter().map(|r| evaluate_depth(r, facts, resolve, depth + 1)).collect();
            let sides: Vec<String> = values.iter().map(Value::short).collect();
            let heading = if is_max { "whichever is longer" } else { "whichever is shorter" };
            let detail = format!("{heading}: {}", sides.join(" or "));
            let any_permanent = values.iter().any(|v| matches!(v, Value::Permanent { .. }));
            if is_max && any_permanent {
                return Value::Permanent { detail: format!("{detail} → kept permanently") };
            }
            let missing = missing_union(&values);
            if !missing.is_empty() {
                return Value::Missing(missing);
            }
            let dates = values.iter().filter_map(|v| match v {
                Value::Date { date, .. } => Some(*date),
                _ => None,
            });
            let chosen = if is_max { dates.max() } else { dates.min() };
            match chosen {
                Some(date) => Value::Date { date, label: heading.to_string(), detail },
                None => Value::Permanent { detail: format!("{detail} → kept permanently") },
            }
        }
        Rule::SameAs(id) => match (depth < 32).then(|| resolve(id)).flatten() {
            Some(r) => evaluate_depth(&r, facts, resolve, depth + 1),
            None => Value::Missing(vec![format!("record type {id}")]),
        },
        Rule::Extend(base, p, flag) => {
            let v = evaluate_depth(base, facts, resolve, depth + 1);
            if !facts.has(flag) {
                return v;
            }
            extend(v, *p, flag)
        }
    }
}

/// Add `p` to a value because `flag` holds (permanent and missing values are unchanged).
pub fn extend(v: Value, p: Period, flag: &str) -> Value {
    match v {
        Value::Date { date, label, detail } => match p.after(date) {
            Some(later) => Value::Date {
                date: later,
                label: format!("{label} + {p}"),
                detail: format!("{detail} → {}, plus {p} because of {}", format_date(date), flag.replace('_', " ")),
            },
            None => out_of_range(flag),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests;
