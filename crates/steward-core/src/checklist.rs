//! Checklists of steps for working a request, one list per request kind.
//!
//! The access list is the organisation's "Subject Access Request Checklist and Log"
//! (data protection policy, Appendix 3), steps A–M, shortened to one line each with a
//! one-sentence plain-English description. The other lists follow the ICO's guidance on
//! each individual right (<https://ico.org.uk/for-organisations/uk-gdpr-guidance-and-resources/individual-rights/>)
//! and the UK GDPR articles named on each step. An organisation may replace a kind's list
//! with the setting `checklist.<kind>`: one `ID|Title` or `ID|Title|Description` per
//! line (see [`parse_override`]).

use crate::FieldError;
use crate::request::RequestKind;
use serde::{Deserialize, Serialize};

/// One step of a checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Step {
    /// Short id, unique in its list (`A`, `B`, … for access).
    pub id: String,
    /// One-line title.
    pub title: String,
    /// One sentence of plain English (empty for organisation-defined steps).
    pub description: String,
}

fn list(items: &[(&str, &str, &str)]) -> Vec<Step> {
    items.iter().map(|(id, t, d)| Step { id: (*id).into(), title: (*t).into(), description: (*d).into() }).collect()
}

/// The default steps for `kind`.
pub fn default_steps(kind: RequestKind) -> Vec<Step> {
    match kind {
        // Source: data protection policy, Appendix 3 – Subject Access Request Checklist and Log, steps A–M.
        RequestKind::Access => list(&[
            (
                "A",
                "Request received",
                "An individual asks for their personal data; the one-month time limit starts here.",
            ),
            ("B", "Data protection lead informed", "Tell the data protection lead about the request."),
            (
                "C",
                "Subject access form sent (if appropriate)",
                "Send the form to ask for proof of identity and to clarify what data is wanted; time runs from proof of identity.",
            ),
            ("D", "Subject access form returned", "Record when the completed form comes back."),
            (
                "E",
                "Break the request into strands",
                "The data protection lead and senior staff decide what to search for to satisfy the request.",
            ),
            (
                "F",
                "Locate the data",
                "Use the DPIA or record of processing to find where, by whom and how the data is held (which systems).",
            ),
            (
                "G",
                "Conduct searches and log them",
                "Search mailboxes, saved files, HR/finance and data systems, client files, paper records and ask staff, keeping a log of every search.",
            ),
            (
                "H",
                "Collate the data",
                "Gather the data from all sources into secure electronic folders, printing if needed, in date or source order.",
            ),
            (
                "I",
                "Analyse, apply exemptions and redact",
                "Remove duplicates and unrelated material, decide on exemptions, seek authority and redact other people's information.",
            ),
            (
                "J",
                "Format the data",
                "Scan hard copy back in, label and number every file, and consider encryption, passwords and back-up.",
            ),
            (
                "K",
                "Final check and authorisation",
                "The chair or data protection lead authorises release and approves the response letter.",
            ),
            (
                "L",
                "Agree how to transfer the data",
                "Ask the subject how they want to receive the data and weigh the risks of post, email, shared folders or USB sticks.",
            ),
            (
                "M",
                "Provide the data",
                "Supply the information, explain any exemptions applied, and tell the subject of their right to reply.",
            ),
        ]),
        // Source: UK GDPR Art 12(6), 17, 19; ICO guidance on the right to erasure.
        RequestKind::Erasure => list(&[
            ("verify", "Verify identity", "Confirm who is asking before acting (Art 12(6))."),
            (
                "exemptions",
                "Check exemptions and legal holds",
                "Check whether an exemption, legal obligation or legal hold means some data must be kept (Art 17(3)).",
            ),
            ("decide", "Decide", "Decide what will be erased and record why anything is kept."),
            ("erase", "Erase in Steward", "Erase the subject's record in Steward, leaving only a tombstone."),
            (
                "notify",
                "Tell every system and processor",
                "Tell every other system and processor holding the data to erase it too (Art 19).",
            ),
            (
                "respond",
                "Respond",
                "Tell the requester what was erased, anything kept and why, and their right to complain.",
            ),
        ]),
        // Source: UK GDPR Art 16, 19; ICO guidance on the right to rectification.
        RequestKind::Rectification => list(&[
            ("verify", "Verify identity", "Confirm who is asking before acting (Art 12(6))."),
            (
                "check",
                "Check accuracy",
                "Check whether the data is inaccurate or incomplete, restricting its use meanwhile if asked.",
            ),
            ("correct", "Correct the record", "Correct or complete the data in Steward, or record why it is accurate."),
            ("notify", "Tell recipients", "Tell everyone the data was disclosed to about the correction (Art 19)."),
            ("respond", "Respond", "Tell the requester what was done, or why not, and their right to complain."),
        ]),
        // Source: UK GDPR Art 18, 19; ICO guidance on the right to restrict processing.
        RequestKind::Restriction => list(&[
            ("verify", "Verify identity", "Confirm who is asking before acting (Art 12(6))."),
            (
                "grounds",
                "Check the grounds",
                "Check which Art 18(1) ground applies (accuracy contested, unlawful, needed for claims, objection pending).",
            ),
            (
                "restrict",
                "Restrict processing",
                "Mark the data so it is only stored, not otherwise used, while restricted.",
            ),
            ("notify", "Tell recipients", "Tell everyone the data was disclosed to about the restriction (Art 19)."),
            ("respond", "Respond", "Confirm the restriction and say you will tell them before lifting it (Art 18(3))."),
        ]),
        // Source: UK GDPR Art 20; ICO guidance on the right to data portability.
        RequestKind::Portability => list(&[
            ("verify", "Verify identity", "Confirm who is asking before acting (Art 12(6))."),
            (
                "scope",
                "Check scope",
                "Check the data was provided by the subject and is processed by consent or contract, by automated means.",
            ),
            ("export", "Export the data", "Produce the data in a structured, commonly used, machine-readable format."),
            (
                "transfer",
                "Send or transmit",
                "Send it to the subject, or directly to another controller where asked and feasible.",
            ),
            ("respond", "Respond", "Confirm what was provided, or why not, and their right to complain."),
        ]),
        // Source: UK GDPR Art 21(1); ICO guidance on the right to object.
        RequestKind::Objection => list(&[
            ("verify", "Verify identity", "Confirm who is asking before acting (Art 12(6))."),
            (
                "assess",
                "Assess the objection",
                "Weigh compelling legitimate grounds against the subject's interests, or legal claims.",
            ),
            (
                "stop",
                "Stop processing",
                "Stop the processing objected to unless the grounds to continue are compelling.",
            ),
            ("respond", "Respond", "Tell the requester the outcome, the reasons, and their right to complain."),
        ]),
        // Source: UK GDPR Art 21(2)-(3); PECR; organisation policy (72-hour target).
        RequestKind::ObjectionDirectMarketing => list(&[
            (
                "suppress",
                "Suppress within 72 hours",
                "Add the person to the suppression list and stop all direct marketing within 72 hours; this right is absolute.",
            ),
            (
                "notify",
                "Tell marketing processors",
                "Tell any mailing house or processor sending marketing for you to stop.",
            ),
            ("confirm", "Confirm", "Confirm to the person that marketing has stopped."),
        ]),
        // Source: UK GDPR Art 22; DPA 2018 ss 50, 96 and Arts 22A-22D.
        RequestKind::AutomatedDecisionReview => list(&[
            ("verify", "Verify identity", "Confirm who is asking before acting (Art 12(6))."),
            (
                "review",
                "Human review",
                "Have a person with authority reconsider the decision, taking the subject's view into account.",
            ),
            ("respond", "Respond", "Tell the requester the outcome of the review and their right to complain."),
        ]),
        // Source: UK GDPR Art 7(3).
        RequestKind::WithdrawConsent => list(&[
            ("record", "Record the withdrawal", "Record that consent was withdrawn and when."),
            (
                "stop",
                "Stop processing based on consent",
                "Stop every use that relied on the consent, telling any processor.",
            ),
            ("confirm", "Confirm", "Confirm to the person that their consent was withdrawn."),
        ]),
        // Source: DPA 2018 s164A (complaints to controllers), in force 19 June 2026 via the Data (Use and Access) Act 2025.
        RequestKind::Complaint => list(&[
            ("acknowledge", "Acknowledge within 30 days", "Acknowledge the complaint within 30 days of receiving it."),
            ("investigate", "Investigate", "Take appropriate steps to look into the complaint without undue delay."),
            ("outcome", "Tell the outcome", "Tell the complainant the outcome and their right to complain to the ICO."),
        ]),
    }
}

/// Setting key of the override list for `kind`.
pub fn setting_key(kind: RequestKind) -> String {
    format!("checklist.{kind}")
}

/// Parse an override list: one `ID|Title` or `ID|Title|Description` per line (blank
/// lines ignored). Ids are 1–16 letters, digits, `-` or `_`, unique; titles are 1–200
/// characters, descriptions at most 500. Errors name the line.
pub fn parse_override(text: &str) -> Result<Vec<Step>, Vec<FieldError>> {
    let mut steps: Vec<Step> = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some((id, title)) = line.split_once('|') else {
            errors.push(FieldError::new("checklist", format!("line {n}: expected ID|Title")));
            continue;
        };
        let (title, description) = match title.split_once('|') {
            Some((t, d)) => (t, d.trim()),
            None => (title, ""),
        };
        let (id, title) = (id.trim(), title.trim());
        if description.chars().count() > 500 {
            errors.push(FieldError::new(
                "checklist",
                format!("line {n}: the description must be at most 500 characters"),
            ));
        }
        if id.is_empty() || id.len() > 16 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            errors.push(FieldError::new(
                "checklist",
                format!("line {n}: the id must be 1 to 16 letters, digits, - or _"),
            ));
        } else if steps.iter().any(|s| s.id == id) {
            errors.push(FieldError::new("checklist", format!("line {n}: the id {id} is used twice")));
        }
        if title.is_empty() || title.chars().count() > 200 {
            errors.push(FieldError::new("checklist", format!("line {n}: the title must be 1 to 200 characters")));
        }
        steps.push(Step { id: id.into(), title: title.into(), description: description.into() });
    }
    if steps.is_empty() && errors.is_empty() {
        errors.push(FieldError::new("checklist", "line 1: the list has no steps"));
    }
    if steps.len() > 60 {
        errors.push(FieldError::new("checklist", "a list may have at most 60 steps"));
    }
    if errors.is_empty() { Ok(steps) } else { Err(errors) }
}

/// A list as the override text [`parse_override`] reads (`ID|Title|Description`).
pub fn to_override(steps: &[Step]) -> String {
    steps
        .iter()
        .map(|s| {
            if s.description.is_empty() {
                format!("{}|{}", s.id, s.title)
            } else {
                format!("{}|{}|{}", s.id, s.title, s.description)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_round_trip_with_descriptions() {
        for kind in RequestKind::ALL {
            let steps = default_steps(*kind);
            assert_eq!(parse_override(&to_override(&steps)).expect("parses"), steps, "{kind}");
        }
        let e = parse_override("A|Log it|x\nA|Again").expect_err("duplicate");
        assert!(e[0].message.contains("line 2"), "{e:?}");
        let long = format!("A|Title|{}", "d".repeat(501));
        assert!(parse_override(&long).is_err());
    }

    #[test]
    fn access_list_is_the_seed_steps_a_to_m() {
        let ids: Vec<String> = default_steps(RequestKind::Access).into_iter().map(|s| s.id).collect();
        assert_eq!(ids.len(), 13);
        assert_eq!(ids.join(""), "ABCDEFGHIJKLM");
    }

    #[test]
    fn every_kind_has_steps_with_unique_ids() {
        for k in [
            RequestKind::Access,
            RequestKind::Rectification,
            RequestKind::Erasure,
            RequestKind::Restriction,
            RequestKind::Portability,
            RequestKind::Objection,
            RequestKind::ObjectionDirectMarketing,
            RequestKind::AutomatedDecisionReview,
            RequestKind::WithdrawConsent,
            RequestKind::Complaint,
        ] {
            let s = default_steps(k);
            assert!(!s.is_empty());
            let text: String = s.iter().map(|s| format!("{}|{}\n", s.id, s.title)).collect();
            assert_eq!(parse_override(&text).map(|v| v.len()), Ok(s.len()), "{k}");
        }
        assert!(default_steps(RequestKind::Erasure).iter().any(|s| s.description.contains("Art 19")));
    }

    #[test]
    fn override_errors_name_the_line() {
        let e = parse_override("A|One\n\nno bar here\nA|Again\nbad id!|x\nC|").unwrap_err();
        let msgs: Vec<&str> = e.iter().map(|e| e.message.as_str()).collect();
        assert!(msgs[0].starts_with("line 3:"), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.starts_with("line 4:") && m.contains("twice")));
        assert!(msgs.iter().any(|m| m.starts_with("line 5:")));
        assert!(msgs.iter().any(|m| m.starts_with("line 6:") && m.contains("title")));
        assert_eq!(parse_override("x|Do it\ny|Then this").unwrap().len(), 2);
        assert!(parse_override("  \n").is_err());
    }
}
