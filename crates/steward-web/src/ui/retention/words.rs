//! Words for people about retention: events, flags, statuses and rules in plain
//! English, a record as the pages show it, and the options of the record type and
//! system selects.

use crate::ui::kit::long_date;
use steward_app::retention::{Record, ScheduleInfo};
use steward_core::retention::EVENTS;

/// What an event is called on forms ("Support ended").
pub fn event_label(name: &str) -> String {
    let label = match name {
        "started" => "Started",
        "left" => "Left",
        "support_ended" => "Support ended",
        "decision" => "Decision made",
        "issued" => "Issued",
        "validated" => "Validated",
        "accident" => "Accident happened",
        "last_entry" => "Last entry made",
        "expired" => "Expired",
        "created" => "Created",
        "allegation" => "Allegation made",
        "proceedings_ended" => "Legal proceedings ended",
        "received" => "Received",
        "closed" => "Closed",
        "disclosed" => "Disclosed",
        "superseded" => "Superseded",
        "date_of_birth" => "The person's date of birth",
        other => return humanise(other),
    };
    label.to_string()
}

/// What a flag is called on forms.
pub fn flag_label(name: &str) -> String {
    let label = match name {
        "safeguarding_allegation" => "There was a safeguarding allegation",
        "dbs_issues" => "The DBS check raised issues",
        "referred_to_childrens_services" => "The case was referred to children's services",
        "concern_not_referred" => "A concern was recorded but not referred to children's services",
        "legal_proceedings" => "Legal proceedings are possible or under way",
        "reference_consent" => "The person consented to keeping it for references",
        "retention_consent" => "The person consented to keeping it for longer",
        other => return humanise(other),
    };
    label.to_string()
}

/// A machine name (`family-support-charity`, `new_thing`) as words.
pub fn humanise(name: &str) -> String {
    let words = name.replace(['_', '-'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A record's status in words.
pub fn status_label(status: &str) -> &'static str {
    match status {
        "kept" => "Kept",
        "disposing" => "Awaiting disposal",
        "destroyed" => "Destroyed",
        _ => "Unknown",
    }
}

/// The statuses a record may have, for the filter (the first is any).
pub const STATUSES: [(&str, &str); 4] =
    [("", "Any status"), ("kept", "Kept"), ("disposing", "Awaiting disposal"), ("destroyed", "Destroyed")];

/// The words of a rule (`12 months after support_ended`), to tell which events it uses.
pub fn words(rule: &str) -> impl Iterator<Item = &str> {
    rule.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).filter(|w| !w.is_empty())
}

/// The events a record type's rules count from, in the order of `EVENTS`, and whether
/// any rule needs the person's date of birth.
pub fn type_uses(schedule: Option<&ScheduleInfo>, record_type: &str) -> (Vec<&'static str>, bool) {
    let Some(s) = schedule else { return (Vec::new(), false) };
    let Some(t) = s.record_types.iter().find(|t| t.id == record_type) else { return (Vec::new(), false) };
    let mut text = t.rule.clone();
    for (_, r) in &t.exceptions {
        text.push(' ');
        text.push_str(r);
    }
    let used = EVENTS.iter().map(|(n, _)| *n).filter(|n| words(&text).any(|w| w == *n)).collect();
    let birth = words(&text).any(|w| w == "age" || w == "state_pension_age");
    (used, birth)
}

/// One record, for the table.
pub(crate) struct RecordLine {
    pub(crate) id: String,
    pub(crate) reference: String,
    pub(crate) type_name: String,
    pub(crate) location: String,
    pub(crate) month: String,
    pub(crate) date: String,
    pub(crate) held: bool,
    pub(crate) missing: String,
    pub(crate) status: &'static str,
}

fn location_text(r: &Record) -> String {
    let parts: Vec<&str> = [r.location.system.as_deref().unwrap_or(""), r.location.detail.as_str()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect();
    parts.join(", ")
}

fn missing_text(r: &Record) -> String {
    let what = |m: &String| {
        let name = m.strip_prefix("event ").unwrap_or(m);
        let label = event_label(name);
        if name == "date_of_birth" { label.to_lowercase() } else { format!("the date {}", label.to_lowercase()) }
    };
    r.missing.iter().map(what).collect::<Vec<_>>().join(", ")
}

/// A record as the inventory and its page show it.
pub(crate) fn line(r: &Record) -> RecordLine {
    let (month, date) = match (r.permanent, r.destroy_on) {
        (true, _) => ("Permanent".to_string(), "Kept permanently".to_string()),
        (false, Some(d)) => (r.destroy_month.clone().unwrap_or_default(), long_date(d)),
        (false, None) => ("Not known yet".to_string(), String::new()),
    };
    RecordLine {
        id: r.id.clone(),
        reference: if r.reference.is_empty() { "(no reference)".into() } else { r.reference.clone() },
        type_name: r.record_type_name.clone(),
        location: location_text(r),
        month,
        date,
        held: r.held,
        missing: missing_text(r),
        status: status_label(&r.status),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_for_events_flags_and_rules_read_naturally() {
        assert_eq!(event_label("support_ended"), "Support ended");
        assert_eq!(event_label("date_of_birth"), "The person's date of birth");
        assert_eq!(event_label("new_thing"), "New thing");
        assert_eq!(flag_label("dbs_issues"), "The DBS check raised issues");
        assert_eq!(humanise("family-support-charity"), "Family support charity");
        let w: Vec<&str> = words("max(state_pension_age, 10 years after allegation)").collect();
        assert!(w.contains(&"state_pension_age") && w.contains(&"allegation"));
    }
}
