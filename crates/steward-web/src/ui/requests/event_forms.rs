//! The forms that record what happened to a request: one per event that may come next
//! (from [`steward_core::request_flow::next_events`]), reading one back with every
//! problem of it, and placing the application's refusal of an event on its field.

use super::words::grounds_for;
use crate::ui::form::{DateParts, FormErrors, Pairs, SelectOption};
use crate::ui::kit::{long_date, sentence};
use jiff::civil::Date;
use steward_app::requests::RequestView;
use steward_core::request::{DecisionOutcome, EventKind, RefusalGround, RequestEvent, RequestKind};

/// A form to record one kind of event.
pub(super) struct EventForm {
    /// The event kind's machine name, also the prefix of the form's field ids.
    pub(super) kind: &'static str,
    pub(super) heading: &'static str,
    pub(super) hint: String,
    pub(super) button: &'static str,
    pub(super) date_id: String,
    /// The date typed (today's at first).
    pub(super) on: DateParts,
    /// The id of the reason box, for extensions and decisions.
    pub(super) reason_id: Option<String>,
    pub(super) reason_label: &'static str,
    pub(super) reason_hint: &'static str,
    pub(super) reason: String,
    /// The id of the box for what was asked for or received (identity, clarification).
    pub(super) note_id: Option<String>,
    pub(super) note_label: &'static str,
    pub(super) note: String,
    /// The id of the outcome radios, for decisions.
    pub(super) outcome_id: Option<String>,
    pub(super) outcome: String,
    /// The id of the refusal-ground select, for decisions on rights requests.
    pub(super) ground_id: Option<String>,
    pub(super) ground: String,
    /// The grounds this kind of request may be refused on.
    pub(super) grounds: Vec<SelectOption>,
}

/// Whether an event's form has a box for what was asked for or received.
fn has_note(kind: EventKind) -> bool {
    matches!(
        kind,
        EventKind::IdentityRequested
            | EventKind::IdentityReceived
            | EventKind::ClarificationAsked
            | EventKind::ClarificationReceived
    )
}

pub(super) fn event_form(kind: EventKind, r: &RequestView, today: Date) -> EventForm {
    let k = kind.as_str();
    let (heading, hint, button) = match kind {
        EventKind::IdentityRequested => {
            ("Proof of identity asked for", String::new(), "Record that proof of identity was asked for")
        }
        EventKind::IdentityReceived => (
            "Proof of identity received",
            "The one-month clock starts again, whole, from this day.".into(),
            "Record proof of identity received",
        ),
        EventKind::ClarificationAsked => (
            "Clarification asked for",
            "The clock pauses until the answer arrives.".into(),
            "Record that clarification was asked for",
        ),
        EventKind::ClarificationReceived => (
            "Clarification received",
            "The clock runs again; the days it was paused are added.".into(),
            "Record clarification received",
        ),
        EventKind::Extended => (
            "Extend the time limit by two months",
            format!(
                "Only for complex or numerous requests. You must tell the requester, with your reasons, by {}.",
                long_date(r.extension_notice_by)
            ),
            "Record the extension",
        ),
        EventKind::Decision => (
            "Decision",
            if r.kind == RequestKind::Complaint {
                "If the complaint is not upheld in full, give the reasons.".into()
            } else {
                "If you refuse or partly grant it, choose the ground and give the reasons: the requester must be told \
                 them and of their right to complain to the Information Commissioner's Office (ICO)."
                    .into()
            },
            "Record the decision",
        ),
        EventKind::ResponseSent => ("Response sent", String::new(), "Record the response as sent"),
        EventKind::Closed => ("Close the request", String::new(), "Close the request"),
    };
    EventForm {
        kind: k,
        heading,
        hint,
        button,
        date_id: format!("{k}-on"),
        on: DateParts::of(today),
        reason_id: matches!(kind, EventKind::Extended | EventKind::Decision).then(|| format!("{k}-reason")),
        reason_label: if kind == EventKind::Decision { "Reasons" } else { "Reasons for the extension" },
        reason_hint: if kind == EventKind::Decision {
            "Needed when the request is refused or partly granted. The requester must be told these."
        } else {
            "The requester must be told these."
        },
        reason: String::new(),
        note_id: has_note(kind).then(|| format!("{k}-note")),
        note_label: match kind {
            EventKind::IdentityRequested => "What was asked for (optional)",
            EventKind::ClarificationAsked => "What they were asked to clarify (optional)",
            _ => "What was received (optional)",
        },
        note: String::new(),
        outcome_id: (kind == EventKind::Decision).then(|| format!("{k}-outcome")),
        outcome: String::new(),
        ground_id: (kind == EventKind::Decision && r.kind != RequestKind::Complaint).then(|| format!("{k}-ground")),
        ground: String::new(),
        grounds: grounds_for(r.kind),
    }
}

/// Read an event form about a request of `request_kind`: its kind is `kind`; its fields
/// are prefixed by the kind.
pub(super) fn read_event(p: &Pairs, request_kind: RequestKind) -> Result<RequestEvent, FormErrors> {
    let mut errors = FormErrors::new();
    let Ok(kind) = p.value("kind").parse::<EventKind>() else {
        errors.add("events", "Choose what happened, using one of the forms below");
        return Err(errors);
    };
    let k = kind.as_str();
    let date_id = format!("{k}-on");
    let on = p.date(&date_id).required(&mut errors, &date_id, "The date", "Enter the date it happened");
    let reason = match kind {
        EventKind::Extended => {
            let r = p.trimmed(&format!("{k}-reason"));
            if r.is_empty() {
                errors
                    .add(format!("{k}-reason"), "Give the reasons for the extension: the requester must be told them");
            }
            Some(r.to_string())
        }
        EventKind::Decision => Some(p.trimmed(&format!("{k}-reason")).to_string()).filter(|r| !r.is_empty()),
        _ => None,
    };
    let outcome = if kind == EventKind::Decision {
        let o = match p.value(&format!("{k}-outcome")) {
            "granted" => Some(DecisionOutcome::Granted),
            "partly_granted" => Some(DecisionOutcome::PartlyGranted),
            "refused" => Some(DecisionOutcome::Refused),
            _ => None,
        };
        if o.is_none() {
            errors.add(format!("{k}-outcome"), "Choose whether the request was granted, partly granted or refused");
        }
        o
    } else {
        None
    };
    let complaint = request_kind == RequestKind::Complaint;
    let refusing = matches!(outcome, Some(DecisionOutcome::Refused | DecisionOutcome::PartlyGranted));
    // A ground is only for refusals: one left chosen on a granted request is ignored.
    let ground = if kind == EventKind::Decision && refusing && !complaint {
        match p.value(&format!("{k}-ground")) {
            "" => None,
            g => match g.parse::<RefusalGround>() {
                Ok(g) if g.applies_to(request_kind) => Some(g),
                _ => {
                    errors.add(format!("{k}-ground"), "Choose a ground of refusal from the list");
                    None
                }
            },
        }
    } else {
        None
    };
    if kind == EventKind::Decision && refusing {
        if outcome == Some(DecisionOutcome::Refused) && !complaint && ground.is_none() && !errors.has("decision-ground")
        {
            errors.add(format!("{k}-ground"), "Choose the ground of refusal");
        }
        if reason.is_none() {
            errors.add(
                format!("{k}-reason"),
                "Give the reasons: the requester must be told why, and of their right to complain to the ICO",
            );
        }
    }
    match on {
        Some(on) if errors.is_empty() => {
            let note = if has_note(kind) {
                Some(p.trimmed(&format!("{k}-note")).to_string()).filter(|n| !n.is_empty())
            } else {
                None
            };
            Ok(RequestEvent { kind, on, reason, outcome, ground, note })
        }
        _ => Err(errors),
    }
}

/// An application refusal of an event, on the field of that event's form.
pub(super) fn event_error(kind: EventKind, field: &str, message: &str) -> (String, String) {
    let k = kind.as_str();
    match field {
        "reason" => (format!("{k}-reason"), sentence("The reason", message)),
        "note" => (format!("{k}-note"), sentence("The note", message)),
        "outcome" | "subject_id" => (format!("{k}-outcome"), sentence("The outcome", message)),
        "ground" => (format!("{k}-ground"), sentence("The ground of refusal", message)),
        "on" => (format!("{k}-on"), sentence("The date", message)),
        _ => (format!("{k}-on"), sentence("This", message)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_read_their_ground_and_reasons() {
        let pairs = |v: &[(&str, &str)]| v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Pairs>();
        let base =
            [("kind", "decision"), ("decision-on", "5"), ("decision-on-month", "1"), ("decision-on-year", "2026")];
        let mut refused = base.to_vec();
        refused.push(("decision-outcome", "refused"));
        let errors = read_event(&pairs(&refused), RequestKind::Access).expect_err("no ground, no reason");
        assert!(errors.has("decision-ground") && errors.has("decision-reason"));
        // A complaint has no ground; a granted request ignores one left chosen.
        refused.push(("decision-reason", "Not upheld: the letter was sent correctly."));
        let complaint = read_event(&pairs(&refused), RequestKind::Complaint).expect("a complaint needs no ground");
        assert_eq!(complaint.ground, None);
        let mut granted = base.to_vec();
        granted.extend([("decision-outcome", "granted"), ("decision-ground", "manifestly_excessive")]);
        assert_eq!(read_event(&pairs(&granted), RequestKind::Access).expect("granted").ground, None);
        refused.push(("decision-ground", "manifestly_excessive"));
        let e = read_event(&pairs(&refused), RequestKind::Access).expect("refused with ground and reasons");
        assert_eq!(e.ground, Some(RefusalGround::ManifestlyExcessive));
        assert!(e.reason.is_some());
    }

    #[test]
    fn every_problem_of_an_event_is_reported_at_once() {
        let pairs = |v: &[(&str, &str)]| v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Pairs>();
        let e = read_event(&pairs(&[("kind", "extended"), ("extended-on-year", "26")]), RequestKind::Access)
            .expect_err("bad date and no reasons");
        assert!(e.has("extended-on") && e.has("extended-reason"), "{e:?}");
    }
}
