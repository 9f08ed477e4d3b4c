//! A record's facts on its forms: a date box for each event the schedule's rules count
//! from (those the record's type uses first), a checkbox for each flag, reading them back
//! with every problem, and placing the application's refusal on its field.

use super::words::{event_label, flag_label};
use crate::ui::form::{DateParts, Example, FormErrors, Pairs};
use crate::ui::kit::sentence;
use jiff::civil::Date;
use std::collections::BTreeMap;
use steward_app::AppError;
use steward_core::retention::{EVENTS, FLAGS};

/// One event's date boxes.
pub(crate) struct EventField {
    /// The day box's id (`event-NAME`).
    pub(crate) id: String,
    /// The event, for people.
    pub(crate) label: String,
    /// The date as typed or stored.
    pub(crate) date: DateParts,
}

/// One flag's checkbox.
pub(crate) struct FlagField {
    /// The box's id (the first is `flags`, so error links land on it).
    pub(crate) id: String,
    /// The flag's name, sent as the value.
    pub(crate) name: &'static str,
    /// The flag, for people.
    pub(crate) label: String,
    /// Whether it is ticked.
    pub(crate) checked: bool,
}

fn event_id(name: &str) -> String {
    format!("event-{name}")
}

/// The event boxes as typed, or from `events`.
fn event_fields(p: Option<&Pairs>, events: &BTreeMap<String, Date>) -> Vec<(&'static str, EventField)> {
    EVENTS
        .iter()
        .map(|(name, _)| {
            let id = event_id(name);
            let date = match p {
                Some(p) => p.date(&id),
                None => DateParts::of_opt(events.get(*name).copied()),
            };
            (*name, EventField { label: event_label(name), id, date })
        })
        .collect()
}

/// The event boxes (as typed, or from `events`) split into those the type uses (or that
/// hold a date) and the others.
pub(crate) fn event_boxes(
    p: Option<&Pairs>,
    events: &BTreeMap<String, Date>,
    used: &[&str],
) -> (Vec<EventField>, Vec<EventField>) {
    let (a, b): (Vec<_>, Vec<_>) =
        event_fields(p, events).into_iter().partition(|(name, f)| used.contains(name) || !f.date.is_blank());
    (a.into_iter().map(|(_, f)| f).collect(), b.into_iter().map(|(_, f)| f).collect())
}

/// The flag checkboxes, with `checked` ticked.
pub(crate) fn flag_fields(checked: &[String]) -> Vec<FlagField> {
    FLAGS
        .iter()
        .enumerate()
        .map(|(i, name)| FlagField {
            id: if i == 0 { "flags".into() } else { format!("flags-{name}") },
            name,
            label: flag_label(name),
            checked: checked.iter().any(|c| c == name),
        })
        .collect()
}

/// Every event's date as typed (`None` for blank), with problems on their boxes (an
/// event whose date is not a date is left out).
pub(crate) fn typed_events(p: &Pairs, errors: &mut FormErrors) -> BTreeMap<String, Option<Date>> {
    let mut out = BTreeMap::new();
    for (name, _) in EVENTS {
        let id = event_id(name);
        match p.date(&id).parse(Example::Recent) {
            Ok(d) => {
                out.insert((*name).to_string(), d);
            }
            Err(m) => errors.add(id, sentence(&format!("The date {}", event_label(name).to_lowercase()), m)),
        }
    }
    out
}

/// The flags ticked (known ones only).
pub(crate) fn typed_flags(p: &Pairs) -> Vec<String> {
    p.all("flags").filter(|v| FLAGS.contains(v)).map(str::to_string).collect()
}

/// An application refusal of a record form, on its field.
pub(crate) fn record_errors(e: AppError) -> Result<FormErrors, AppError> {
    match e {
        AppError::Invalid(fe) => {
            let (id, label) = match fe.field.as_str() {
                "record_type" => ("record_type", "The record type"),
                "reference" => ("reference", "The reference"),
                "subject_id" => ("subject_id", "The person's id"),
                "location.system_id" => ("system_id", "The system"),
                "location" | "location.detail" => ("location_detail", "Where it is kept"),
                "events" => ("events", "The dates"),
                "flags" => ("flags", "The facts"),
                _ => ("reference", "This answer"),
            };
            Ok(FormErrors::one(id, sentence(label, &fe.message)))
        }
        other => Err(other),
    }
}
