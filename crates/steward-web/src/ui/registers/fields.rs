//! Turning a register's field list into a form's controls, a posted form back into an
//! entry, and an entry into the lines of its page, in words: one set of code for every
//! versioned register, driven by [`super::spec`].

use super::spec::{Field, Source, Widget};
use crate::ui::form::{DateParts, Example, FormErrors, Pairs, SelectOption};
use crate::ui::kit::{long_date, sentence};
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};

/// One control of a register's form, in order (fieldsets open and close around rows).
pub enum Control {
    /// A line or box of text.
    Text {
        /// Its id and name.
        id: String,
        /// Its label.
        label: String,
        /// Its hint.
        hint: String,
        /// What it holds.
        value: String,
        /// Several lines.
        long: bool,
    },
    /// A date typed as day, month and year.
    Date {
        /// The day box's id.
        id: String,
        /// The legend.
        label: String,
        /// Its hint.
        hint: String,
        /// What it holds.
        date: DateParts,
    },
    /// A tick box.
    Check {
        /// Its id and name.
        id: String,
        /// Its label.
        label: String,
        /// Its hint.
        hint: String,
        /// Ticked.
        checked: bool,
    },
    /// A list to choose one from.
    Select {
        /// Its id and name.
        id: String,
        /// Its label.
        label: String,
        /// Its hint.
        hint: String,
        /// The options.
        options: Vec<SelectOption>,
        /// The chosen value.
        selected: String,
    },
    /// Tick boxes to choose any number from.
    Ticks {
        /// The first box's id; every box's name.
        id: String,
        /// The legend.
        label: String,
        /// Its hint.
        hint: String,
        /// Value, label and whether ticked.
        options: Vec<(String, String, bool)>,
    },
    /// A group of fields begins.
    Open {
        /// Its legend.
        legend: String,
        /// Its hint.
        hint: String,
    },
    /// The group ends.
    Close,
}

/// The names of things an entry may link to, and the choices a picker offers.
#[derive(Default)]
pub struct Lookup {
    /// Choices in use per source (id, name).
    pub choices: HashMap<&'static str, Vec<(String, String)>>,
    /// Every name by id (retired entries too), with the page it is on.
    pub names: HashMap<String, (String, String)>,
}

fn source_key(s: Source) -> &'static str {
    match s {
        Source::Register(k) => k.as_str(),
        Source::System => "system",
        Source::RecordType => "record_type",
        Source::User => "user",
    }
}

impl Lookup {
    /// The choices of `source`.
    pub fn choices(&self, s: Source) -> &[(String, String)] {
        self.choices.get(source_key(s)).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Record the choices of `source`.
    pub fn set(&mut self, s: Source, choices: Vec<(String, String)>) {
        self.choices.insert(source_key(s), choices);
    }
}

fn child(prefix: &str, key: &str) -> String {
    if prefix.is_empty() { key.to_string() } else { format!("{prefix}.{key}") }
}

fn is_blank(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.iter().all(is_blank),
        Value::Object(o) => o.values().all(is_blank),
        _ => false,
    }
}

/// The entry a posted form describes, as a JSON document for the entry's type, and the
/// problems the form alone shows (dates and numbers that are not).
pub fn read(fields: &[Field], pairs: &Pairs, prefix: &str, errors: &mut FormErrors) -> Map<String, Value> {
    let mut out = Map::new();
    for f in fields {
        let id = child(prefix, f.key);
        let value = match f.widget {
            Widget::Text | Widget::Long => Some(Value::String(pairs.value(&id).to_string())),
            Widget::Check => Some(Value::Bool(pairs.ticked(&id))),
            Widget::YesNo => match pairs.value(&id) {
                "yes" => Some(Value::Bool(true)),
                "no" => Some(Value::Bool(false)),
                _ => None,
            },
            Widget::Number => match pairs.trimmed(&id) {
                "" => None,
                n => match n.parse::<u32>() {
                    Ok(n) => Some(Value::from(n)),
                    Err(_) => {
                        errors.add(&id, sentence(f.label, "must be a whole number, for example 36"));
                        None
                    }
                },
            },
            Widget::Date => match pairs.date(&id).parse(Example::Recent) {
                Ok(Some(d)) => Some(Value::String(d.to_string())),
                Ok(None) => None,
                Err(m) => {
                    errors.add(&id, sentence(f.label, m));
                    None
                }
            },
            Widget::DateTime => {
                let time_id = format!("{id}.time");
                match (pairs.date(&id).parse(Example::Recent), pairs.trimmed(&time_id)) {
                    (Ok(None), "") => None,
                    (Ok(None), _) => {
                        errors.add(&id, sentence(f.label, "needs the day as well as the time"));
                        None
                    }
                    (Ok(Some(d)), t) => match uk_instant(d, t) {
                        Some(ts) => Some(Value::String(ts.to_string())),
                        None => {
                            errors.add(&time_id, sentence(f.label, "needs a time of day written like 16:00"));
                            None
                        }
                    },
                    (Err(m), _) => {
                        errors.add(&id, sentence(f.label, m));
                        None
                    }
                }
            }
            Widget::Many(_) => Some(Value::Array(pairs.all(&id).filter(|v| !v.is_empty()).map(Value::from).collect())),
            Widget::Choice(_) | Widget::PickOne(_) => match pairs.trimmed(&id) {
                "" => None,
                v => Some(Value::String(v.to_string())),
            },
            Widget::Words => Some(Value::Array(
                pairs.value(&id).lines().map(str::trim).filter(|l| !l.is_empty()).map(Value::from).collect(),
            )),
            Widget::Pick(_) => Some(Value::Array(pairs.all(&id).filter(|v| !v.is_empty()).map(Value::from).collect())),
            Widget::Group(sub, _) => {
                let open = format!("{id}[");
                let rows: BTreeSet<usize> = pairs
                    .0
                    .iter()
                    .filter_map(|(k, _)| k.strip_prefix(&open)?.split_once(']')?.0.parse().ok())
                    .filter(|n| *n < 200)
                    .collect();
                let items: Vec<Value> = rows
                    .into_iter()
                    .map(|i| Value::Object(read(sub, pairs, &format!("{id}[{i}]"), errors)))
                    .filter(|v| !is_blank(v))
                    .collect();
                Some(Value::Array(items))
            }
            Widget::Object(sub) => Some(Value::Object(read(sub, pairs, &id, errors))),
        };
        if let Some(v) = value {
            out.insert(f.key.to_string(), v);
        }
    }
    out
}

fn text_of(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// The form's controls for an entry's document (blank for a new one), with one empty row
/// after each group's rows for adding another.
pub fn controls(fields: &[Field], doc: &Map<String, Value>, prefix: &str, lookup: &Lookup, out: &mut Vec<Control>) {
    for f in fields {
        let id = child(prefix, f.key);
        let v = doc.get(f.key);
        let (label, hint) = (f.label.to_string(), f.hint.to_string());
        match f.widget {
            Widget::Text => out.push(Control::Text { id, label, hint, value: text_of(v), long: false }),
            Widget::Number => out.push(Control::Text { id, label, hint, value: text_of(v), long: false }),
            Widget::Long => out.push(Control::Text { id, label, hint, value: text_of(v), long: true }),
            Widget::Date => {
                let date = text_of(v).parse::<jiff::civil::Date>().ok();
                out.push(Control::Date { id, label, hint, date: DateParts::of_opt(date) })
            }
            Widget::DateTime => {
                let at = text_of(v).parse::<jiff::Timestamp>().ok().map(|t| t.to_zoned(steward_core::time::uk_zone()));
                out.push(Control::Date {
                    id: id.clone(),
                    label: label.clone(),
                    hint,
                    date: DateParts::of_opt(at.as_ref().map(|z| z.date())),
                });
                out.push(Control::Text {
                    id: format!("{id}.time"),
                    label: format!("{label}: time (UK)"),
                    hint: "For example 16:00.".into(),
                    value: at.map(|z| z.strftime("%H:%M").to_string()).unwrap_or_default(),
                    long: false,
                })
            }
            Widget::Many(choices) => {
                let ticked: Vec<String> =
                    v.and_then(Value::as_array).map(|a| a.iter().map(|w| text_of(Some(w))).collect()).unwrap_or_default();
                let options = choices
                    .iter()
                    .map(|(v, l)| (v.to_string(), l.to_string(), ticked.iter().any(|t| t == v)))
                    .collect();
                out.push(Control::Ticks { id, label, hint, options })
            }
            Widget::Check => {
                out.push(Control::Check { id, label, hint, checked: v.and_then(Value::as_bool).unwrap_or(false) })
            }
            Widget::YesNo => {
                let selected = match v.and_then(Value::as_bool) {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "",
                };
                let options = vec![
                    SelectOption::new("", "Not known"),
                    SelectOption::new("yes", "Yes"),
                    SelectOption::new("no", "No"),
                ];
                out.push(Control::Select { id, label, hint, options, selected: selected.into() })
            }
            Widget::Choice(choices) => {
                let mut options = vec![SelectOption::new("", "Choose")];
                options.extend(choices.iter().map(|(v, l)| SelectOption::new(*v, *l)));
                out.push(Control::Select { id, label, hint, options, selected: text_of(v) })
            }
            Widget::PickOne(s) => {
                let mut options = vec![SelectOption::new("", "None")];
                options.extend(lookup.choices(s).iter().map(|(v, l)| SelectOption::new(v, l)));
                out.push(Control::Select { id, label, hint, options, selected: text_of(v) })
            }
            Widget::Words => {
                let value = v
                    .and_then(Value::as_array)
                    .map(|a| a.iter().map(|w| text_of(Some(w))).collect::<Vec<_>>().join("\n"))
                    .unwrap_or_default();
                out.push(Control::Text { id, label, hint, value, long: true })
            }
            Widget::Pick(s) => {
                let ticked: Vec<String> =
                    v.and_then(Value::as_array).map(|a| a.iter().map(|w| text_of(Some(w))).collect()).unwrap_or_default();
                let options =
                    lookup.choices(s).iter().map(|(v, l)| (v.clone(), l.clone(), ticked.contains(v))).collect();
                out.push(Control::Ticks { id, label, hint, options })
            }
            Widget::Group(sub, noun) => {
                let rows: Vec<Map<String, Value>> = v
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(|r| r.as_object().cloned()).collect())
                    .unwrap_or_default();
                out.push(Control::Open { legend: label, hint });
                for (i, row) in rows.iter().chain(std::iter::once(&Map::new())).enumerate() {
                    let legend = if i == rows.len() { format!("Add a {}", noun.to_lowercase()) } else { format!("{noun} {}", i + 1) };
                    out.push(Control::Open { legend, hint: String::new() });
                    controls(sub, row, &format!("{id}[{i}]"), lookup, out);
                    out.push(Control::Close);
                }
                out.push(Control::Close);
            }
            Widget::Object(sub) => {
                out.push(Control::Open { legend: label, hint });
                controls(sub, v.and_then(Value::as_object).unwrap_or(&Map::new()), &id, lookup, out);
                out.push(Control::Close);
            }
        }
    }
}

/// One thing shown on an entry's page, linked when it is another entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// In words.
    pub text: String,
    /// Its page, if it has one.
    pub href: String,
}

/// One line of an entry's page.
pub struct Line {
    /// The field's label.
    pub label: String,
    /// What it holds, in words (empty: nothing recorded).
    pub items: Vec<Item>,
}

fn word(text: impl Into<String>) -> Item {
    Item { text: text.into(), href: String::new() }
}

/// An instant in words, UK time ("Friday 4 December 2026 at 16:00").
pub fn uk_words(t: jiff::Timestamp) -> String {
    t.to_zoned(steward_core::time::uk_zone()).strftime("%A %-d %B %Y at %H:%M").to_string()
}

/// The instant at `time` (`HH:MM`) on `day`, UK time; at a time the clocks skip, the
/// instant after the gap.
fn uk_instant(day: jiff::civil::Date, time: &str) -> Option<jiff::Timestamp> {
    let t = jiff::civil::Time::strptime("%H:%M", time.trim()).ok()?;
    day.to_datetime(t).to_zoned(steward_core::time::uk_zone()).ok().map(|z| z.timestamp())
}

fn choice_label(choices: &[(&str, &str)], v: &str) -> String {
    choices.iter().find(|(c, _)| *c == v).map_or_else(|| v.to_string(), |(_, l)| l.to_string())
}

/// A field's value in words.
pub fn shown(f: &Field, v: Option<&Value>, lookup: &Lookup) -> Vec<Item> {
    let name = |id: &str| match lookup.names.get(id) {
        Some((n, href)) => Item { text: n.clone(), href: href.clone() },
        None => word("(no longer on the register)"),
    };
    match f.widget {
        Widget::Text | Widget::Long | Widget::Number => {
            let t = text_of(v);
            if t.trim().is_empty() { vec![] } else { vec![word(t)] }
        }
        Widget::Date => text_of(v).parse::<jiff::civil::Date>().map(|d| vec![word(long_date(d))]).unwrap_or_default(),
        Widget::DateTime => text_of(v).parse::<jiff::Timestamp>().map(|t| vec![word(uk_words(t))]).unwrap_or_default(),
        Widget::Many(c) => v
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|w| word(choice_label(c, &text_of(Some(w))))).collect())
            .unwrap_or_default(),
        Widget::Check => vec![word(if v.and_then(Value::as_bool).unwrap_or(false) { "Yes" } else { "No" })],
        Widget::YesNo => match v.and_then(Value::as_bool) {
            Some(true) => vec![word("Yes")],
            Some(false) => vec![word("No")],
            None => vec![],
        },
        Widget::Choice(c) => {
            let t = text_of(v);
            if t.is_empty() { vec![] } else { vec![word(choice_label(c, &t))] }
        }
        Widget::PickOne(_) => {
            let t = text_of(v);
            if t.is_empty() { vec![] } else { vec![name(&t)] }
        }
        Widget::Words => v.and_then(Value::as_array).map(|a| a.iter().map(|w| word(text_of(Some(w)))).collect()).unwrap_or_default(),
        Widget::Pick(_) => v.and_then(Value::as_array).map(|a| a.iter().map(|w| name(&text_of(Some(w)))).collect()).unwrap_or_default(),
        Widget::Group(sub, _) => v
            .and_then(Value::as_array)
            .map(|rows| rows.iter().filter_map(Value::as_object).map(|row| word(row_words(sub, row, lookup))).collect())
            .unwrap_or_default(),
        Widget::Object(sub) => v.and_then(Value::as_object).map(|o| vec![word(row_words(sub, o, lookup))]).unwrap_or_default(),
    }
}

/// A row of a group in one sentence: its first field, then the others with their labels.
fn row_words(sub: &[Field], row: &Map<String, Value>, lookup: &Lookup) -> String {
    let mut parts = Vec::new();
    for (i, f) in sub.iter().enumerate() {
        let items = shown(f, row.get(f.key), lookup);
        if items.is_empty() || (matches!(f.widget, Widget::Check) && items[0].text == "No") {
            continue;
        }
        let text = items.iter().map(|i| i.text.as_str()).collect::<Vec<_>>().join(", ");
        if i == 0 {
            parts.push(text);
        } else if matches!(f.widget, Widget::Check) {
            parts.push(f.label.to_lowercase());
        } else {
            parts.push(format!("{}: {text}", f.label.to_lowercase()));
        }
    }
    parts.join("; ")
}

/// The lines of an entry's page.
pub fn lines(fields: &[Field], doc: &Map<String, Value>, lookup: &Lookup) -> Vec<Line> {
    fields.iter().map(|f| Line { label: f.label.to_string(), items: shown(f, doc.get(f.key), lookup) }).collect()
}

/// The label of the field at `path` (`purposes[1].lawful_basis` → "Purpose 2: lawful
/// basis"), for a problem's message.
pub fn label_of(fields: &[Field], path: &str) -> String {
    let mut fields = fields;
    let mut words: Vec<String> = Vec::new();
    for part in path.split('.') {
        let (key, index) = match part.split_once('[') {
            Some((k, rest)) => (k, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        let Some(f) = fields.iter().find(|f| f.key == key) else { break };
        match (f.widget, index) {
            (Widget::Group(sub, noun), Some(i)) => {
                words.push(format!("{noun} {}", i + 1));
                fields = sub;
            }
            (Widget::Object(sub), _) => {
                words.push(f.label.to_string());
                fields = sub;
            }
            (_, Some(i)) => words.push(format!("{} (item {})", f.label, i + 1)),
            _ => words.push(f.label.to_string()),
        }
    }
    match words.split_last() {
        None => "This entry".into(),
        Some((last, [])) => format!("The {}", lower_first(last)),
        Some((last, before)) => format!("{}: {}", before.join(", "), lower_first(last)),
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) if !s.starts_with("DPIA") && !s.starts_with("ICO") && !s.starts_with("DPO") => {
            f.to_lowercase().collect::<String>() + c.as_str()
        }
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::spec::spec;
    use super::*;
    use steward_core::register::entry::RegisterKind;

    fn pairs(p: &[(&str, &str)]) -> Pairs {
        p.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn a_posted_form_becomes_an_activity() {
        let s = spec(RegisterKind::Activity);
        let mut errors = FormErrors::new();
        let doc = read(
            s.fields,
            &pairs(&[
                ("name", "Tenancy management"),
                ("subject_categories", "Tenants\r\n\r\nApplicants"),
                ("purposes[0].purpose", "Managing tenancies"),
                ("purposes[0].lawful_basis", "contract"),
                ("purposes[1].purpose", ""),
                ("purposes[1].lawful_basis", ""),
                ("system_ids", "s1"),
                ("system_ids", "s2"),
                ("retained_per_policy", "yes"),
                ("national_data_opt_out", "yes"),
            ]),
            "",
            &mut errors,
        );
        assert!(errors.is_empty());
        let a: steward_core::register::activity::Activity = serde_json::from_value(Value::Object(doc)).unwrap();
        assert_eq!(a.subject_categories, ["Tenants", "Applicants"]);
        assert_eq!(a.purposes.len(), 1, "the blank row is dropped");
        assert_eq!(a.system_ids, ["s1", "s2"]);
        assert_eq!(a.retained_per_policy, Some(true));
        assert!(a.national_data_opt_out);
    }

    #[test]
    fn dates_and_numbers_that_are_not_are_named() {
        let s = spec(RegisterKind::Policy);
        let mut errors = FormErrors::new();
        read(
            s.fields,
            &pairs(&[("title", "Data protection"), ("approved_on", "31"), ("approved_on-month", "2"), ("approved_on-year", "2026"), ("review_every_months", "three years")]),
            "",
            &mut errors,
        );
        assert!(errors.has("approved_on") && errors.has("review_every_months"));
    }

    #[test]
    fn a_problem_path_is_named_in_words() {
        let s = spec(RegisterKind::Activity);
        assert_eq!(label_of(s.fields, "purposes[1].lawful_basis"), "Purpose 2: lawful basis");
        assert_eq!(label_of(s.fields, "name"), "The name");
        let p = spec(RegisterKind::Processor);
        assert_eq!(label_of(p.fields, "sub_processors[0].consent[1].on"), "Sub-processor 1, Event 2: on");
    }
}
