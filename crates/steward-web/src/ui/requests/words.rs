//! Words for people about requests: kinds, channels, statuses and events in plain
//! English, due dates in words, and the choices of the requests' forms.

use crate::ui::form::{Choice, SelectOption};
use jiff::civil::Date;
use steward_core::request::{Channel, DecisionOutcome, EventKind, RefusalGround, RequestEvent, RequestKind, RequestStatus};

/// The kinds, for the radios, each with a one-line explanation.
pub const KINDS: [Choice; 10] = [
    Choice {
        value: "access",
        label: "Subject access",
        hint: "They want a copy of the personal data you hold about them.",
    },
    Choice {
        value: "rectification",
        label: "Correction",
        hint: "They say something you hold about them is wrong or incomplete.",
    },
    Choice { value: "erasure", label: "Erasure", hint: "They want you to delete their personal data." },
    Choice {
        value: "restriction",
        label: "Restriction",
        hint: "They want you to stop using their data for now, but keep it.",
    },
    Choice {
        value: "portability",
        label: "Data portability",
        hint: "They want their data in a form they can give to another organisation.",
    },
    Choice { value: "objection", label: "Objection", hint: "They object to how you use their data." },
    Choice {
        value: "objection_direct_marketing",
        label: "Objection to direct marketing",
        hint: "They want you to stop sending them marketing. You must always stop.",
    },
    Choice {
        value: "automated_decision_review",
        label: "Review of an automated decision",
        hint: "They want a person to look again at a decision made by a computer alone.",
    },
    Choice {
        value: "withdraw_consent",
        label: "Withdrawal of consent",
        hint: "They no longer agree to something they agreed to before.",
    },
    Choice {
        value: "complaint",
        label: "Complaint",
        hint: "They are unhappy with how you handled their personal data.",
    },
];

/// How a request arrived, for the radios.
pub const CHANNELS: [Choice; 6] = [
    Choice { value: "email", label: "Email", hint: "" },
    Choice { value: "letter", label: "Letter", hint: "" },
    Choice { value: "phone", label: "Telephone", hint: "" },
    Choice { value: "web_form", label: "Web form", hint: "" },
    Choice { value: "in_person", label: "In person", hint: "" },
    Choice { value: "social_media", label: "Social media", hint: "" },
];

/// Who made a request, for the radios.
pub const MADE_BY: [Choice; 2] = [
    Choice { value: "subject", label: "The person themselves", hint: "" },
    Choice {
        value: "representative",
        label: "Someone acting for them",
        hint: "For example a solicitor, a parent or an advocate.",
    },
];

/// The outcomes of a decision, for the radios.
pub const OUTCOMES: [Choice; 3] = [
    Choice { value: "granted", label: "Granted in full", hint: "" },
    Choice { value: "partly_granted", label: "Partly granted", hint: "Some of it was given or done, some was not." },
    Choice { value: "refused", label: "Refused", hint: "Manifestly unfounded or excessive, or an exemption applies." },
];

/// The filters of the list of requests.
pub const STATUS_FILTERS: [Choice; 3] = [
    Choice { value: "open", label: "Not closed", hint: "" },
    Choice { value: "closed", label: "Closed", hint: "" },
    Choice { value: "all", label: "All", hint: "" },
];

/// A kind of request in plain English.
pub fn kind_label(k: RequestKind) -> &'static str {
    KINDS.iter().find(|c| c.value == k.as_str()).map_or("Request", |c| c.label)
}

/// How a request arrived, in plain English.
pub fn channel_label(c: Channel) -> &'static str {
    CHANNELS.iter().find(|x| x.value == c.as_str()).map_or("Other", |x| x.label)
}

/// A status in plain English.
pub fn status_label(s: RequestStatus) -> &'static str {
    match s {
        RequestStatus::Open => "Open",
        RequestStatus::AwaitingIdentity => "Waiting for proof of identity",
        RequestStatus::AwaitingClarification => "Waiting for clarification (clock paused)",
        RequestStatus::Extended => "Extended",
        RequestStatus::Decided => "Decided, response not sent",
        RequestStatus::Responded => "Response sent",
        RequestStatus::Closed => "Closed",
    }
}

/// The tag class of a status.
pub fn status_class(s: RequestStatus) -> &'static str {
    match s {
        RequestStatus::Closed | RequestStatus::Responded => "tag--closed",
        RequestStatus::AwaitingIdentity | RequestStatus::AwaitingClarification => "tag--acknowledged",
        _ => "tag--new",
    }
}

/// `text`, then what was asked for or received, when recorded.
fn with_note(text: &str, e: &RequestEvent) -> String {
    match e.note.as_deref().filter(|n| !n.trim().is_empty()) {
        Some(n) => format!("{text}: {n}"),
        None => text.to_string(),
    }
}

/// An event of the timeline in plain English.
pub fn event_label(e: &RequestEvent) -> String {
    match e.kind {
        EventKind::IdentityRequested => with_note("Proof of identity asked for", e),
        EventKind::IdentityReceived => with_note("Proof of identity received (the clock started again)", e),
        EventKind::ClarificationAsked => with_note("Clarification asked for (the clock paused)", e),
        EventKind::ClarificationReceived => with_note("Clarification received (the clock ran again)", e),
        EventKind::Extended => match &e.reason {
            Some(r) => format!("Time limit extended by two months. Reason: {r}"),
            None => "Time limit extended by two months".into(),
        },
        EventKind::Decision => {
            let mut out = match e.outcome {
                Some(DecisionOutcome::Granted) => "Decided: granted in full".to_string(),
                Some(DecisionOutcome::PartlyGranted) => "Decided: partly granted".into(),
                Some(DecisionOutcome::Refused) => "Decided: refused".into(),
                None => "Decided".into(),
            };
            if let Some(g) = e.ground {
                out.push_str(&format!(". Ground: {} ({})", g.label(), g.citation()));
            }
            if let Some(r) = e.reason.as_deref().filter(|r| !r.trim().is_empty()) {
                out.push_str(&format!(". Reasons: {r}"));
            }
            out
        }
        EventKind::ResponseSent => "Response sent".into(),
        EventKind::Closed => "Closed".into(),
    }
}

/// A number of days, in words.
pub fn days(n: i64) -> String {
    if n == 1 { "1 day".into() } else { format!("{n} days") }
}

/// How a due date stands today, in words: (tag text, tag class, text beside it).
/// Nothing for requests already answered.
pub fn due_words(status: RequestStatus, due: Date, today: Date) -> Option<(&'static str, &'static str, String)> {
    if matches!(status, RequestStatus::Responded | RequestStatus::Closed) {
        return None;
    }
    let left = i64::from((due - today).get_days());
    Some(match left {
        n if n < 0 => ("Overdue", "tag--late", format!("by {}", days(-n))),
        0 => ("Due today", "tag--late", String::new()),
        n if n <= 7 => ("Due soon", "tag--soon", format!("{} left", days(n))),
        n => ("On time", "tag--new", format!("{} left", days(n))),
    })
}


/// The grounds a request of `kind` may be refused on, for the select: none chosen
/// first, then each ground in plain words with its legal source.
pub fn grounds_for(kind: RequestKind) -> Vec<SelectOption> {
    let mut out = vec![SelectOption::new("", "No ground: not refused")];
    out.extend(
        RefusalGround::for_kind(kind)
            .into_iter()
            .map(|g| SelectOption::new(g.as_str(), format!("{} ({})", g.label(), g.citation()))),
    );
    out
}


/// The organisation's target (`72h`, `30d`), in words.
pub fn policy_words(target: &str) -> String {
    let (n, unit) = target.split_at(target.len().saturating_sub(1));
    match unit {
        "h" => format!("{n} hours"),
        "d" => format!("{n} calendar days"),
        _ => target.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn due_dates_read_in_words() {
        let today = date(2026, 3, 10);
        let open = RequestStatus::Open;
        assert_eq!(due_words(open, date(2026, 3, 7), today).expect("open").0, "Overdue");
        assert_eq!(due_words(open, date(2026, 3, 7), today).expect("open").2, "by 3 days");
        assert_eq!(due_words(open, date(2026, 3, 9), today).expect("open").2, "by 1 day");
        assert_eq!(due_words(open, today, today).expect("open").0, "Due today");
        assert_eq!(due_words(open, date(2026, 3, 15), today).expect("open").2, "5 days left");
        assert_eq!(due_words(open, date(2026, 5, 15), today).expect("open").2, "66 days left");
        assert!(due_words(RequestStatus::Closed, date(2026, 3, 7), today).is_none());
    }

    #[test]
    fn every_kind_has_plain_words() {
        for k in RequestKind::ALL {
            assert_ne!(kind_label(*k), "Request", "{k}");
        }
        for c in Channel::ALL {
            assert_ne!(channel_label(*c), "Other", "{c}");
        }
        assert_eq!(kind_label(RequestKind::Access), "Subject access");
        assert_eq!(policy_words("72h"), "72 hours");
        let values = |k| grounds_for(k).into_iter().map(|o| o.value).collect::<Vec<_>>();
        assert_eq!(values(RequestKind::Access)[0], "", "no ground first");
        assert!(values(RequestKind::Erasure).contains(&"legal_obligation".to_string()));
        assert!(!values(RequestKind::Access).contains(&"legal_obligation".to_string()));
    }
}
