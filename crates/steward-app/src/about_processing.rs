//! "About your personal data": the information UK GDPR Art 15(1)(a)-(h) and 15(2)
//! require in a subject access response, taken from the record of processing for the
//! categories of people the subject belongs to, for the response cover letter and the
//! response pack's index.

use std::collections::BTreeSet;

use serde::Serialize;
use steward_core::register::activity::Activity;
use steward_core::register::country;
use steward_core::register::lawful_basis::Right;
use steward_core::register::transfer::{Transfer, TransferMechanism};
use steward_core::subject::Category;
use utoipa::ToSchema;

use crate::{App, AppResult};

/// What the record of processing says about one person's data, each list in words and
/// without repeats. Empty lists mean the register does not say yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct ProcessingFacts {
    /// The processing activities that cover the person's categories, by name.
    pub activities: Vec<String>,
    /// Why the data is used (Art 15(1)(a)).
    pub purposes: Vec<String>,
    /// The kinds of personal data (Art 15(1)(b)).
    pub data_categories: Vec<String>,
    /// Recipients or kinds of recipient (Art 15(1)(c)).
    pub recipients: Vec<String>,
    /// How long each kind of record is kept, or how that is decided (Art 15(1)(d)).
    pub retention: Vec<String>,
    /// Where the data came from when not from the person (Art 15(1)(g)).
    pub sources: Vec<String>,
    /// Automated decisions, with the logic and effects (Art 15(1)(h)); empty when none.
    pub automated_decisions: Vec<String>,
    /// Transfers outside the UK and their safeguards (Art 15(2)).
    pub transfers: Vec<String>,
    /// The rights the person has over this processing (Art 15(1)(e), derived from the
    /// lawful bases: ICO "A guide to individual rights").
    pub rights: Vec<String>,
}

impl ProcessingFacts {
    /// Whether the register says everything a response needs: purposes, kinds of
    /// data, recipients, retention and sources.
    pub fn complete(&self) -> bool {
        !(self.purposes.is_empty()
            || self.data_categories.is_empty()
            || self.recipients.is_empty()
            || self.retention.is_empty()
            || self.sources.is_empty())
    }
}

/// Words that mean "no automated decisions" in the register's column.
fn says_none(text: &str) -> bool {
    let t = text.trim().trim_end_matches('.').to_lowercase();
    t.is_empty() || matches!(t.as_str(), "none" | "no" | "n/a" | "not applicable")
}

/// The rights a response letter lists, as things the person can ask for.
fn right_words(r: Right) -> Option<&'static str> {
    match r {
        Right::Rectification => Some("to correct your personal data"),
        Right::Erasure => Some("to erase it"),
        Right::Restriction => Some("to restrict how we use it"),
        Right::Portability => Some("to give it to you, or to another organisation, in a portable format"),
        Right::Object => Some("to stop using it (to object)"),
        Right::WithdrawConsent => Some("to withdraw your consent at any time"),
        Right::BeInformed | Right::Access => None,
    }
}

/// A transfer's safeguard in words (Art 15(2): "the appropriate safeguards").
fn safeguard(m: Option<TransferMechanism>) -> &'static str {
    match m {
        Some(TransferMechanism::UkAdequacy) => "the country is covered by UK adequacy regulations",
        Some(TransferMechanism::Idta) => "protected by the ICO's International Data Transfer Agreement",
        Some(TransferMechanism::UkAddendum) => "protected by the UK Addendum to the EU standard contractual clauses",
        Some(TransferMechanism::BindingCorporateRules) => "protected by binding corporate rules approved by the ICO",
        Some(TransferMechanism::Art49Derogation) => "made under an exception for a specific situation (Article 49)",
        None => "safeguards to be confirmed",
    }
}

fn push(list: &mut Vec<String>, seen: &mut BTreeSet<String>, item: &str) {
    let item = item.trim();
    if !item.is_empty() && seen.insert(item.to_lowercase()) {
        list.push(item.to_string());
    }
}

impl App {
    /// The Art 15 facts for a person in `categories`, from the activities in force whose
    /// categories of data subjects name one of them. No permission check: callers (the
    /// letters, the response pack) have checked theirs.
    pub(crate) fn processing_facts(&self, categories: &[Category]) -> AppResult<ProcessingFacts> {
        let activities: Vec<_> = self
            .entries_in_force::<Activity>(None, false)?
            .into_iter()
            .filter(|a| a.entry.subject_categories.iter().any(|w| categories.iter().any(|c| c.named_by(w))))
            .collect();
        let mut facts = ProcessingFacts::default();
        if activities.is_empty() {
            return Ok(facts);
        }
        let schedule = self.active_schedule()?.map(|(_, s)| s);
        let transfers = self.entries_in_force::<Transfer>(None, false)?;
        let mut seen: [BTreeSet<String>; 8] = Default::default();
        let mut rights = BTreeSet::new();
        for a in &activities {
            let e = &a.entry;
            push(&mut facts.activities, &mut seen[0], &e.name);
            for p in &e.purposes {
                push(&mut facts.purposes, &mut seen[1], &p.purpose);
            }
            for d in &e.data_categories {
                push(&mut facts.data_categories, &mut seen[2], d);
            }
            for r in &e.recipients {
                push(&mut facts.recipients, &mut seen[3], r);
            }
            for t in &e.retention_record_types {
                let words = schedule.as_deref().and_then(|s| {
                    let rt = s.record_type(t)?;
                    let name_of = |id: &str| s.record_type(id).map_or_else(|| id.replace('-', " "), |r| r.name.clone());
                    Some(format!("{}: {}", rt.name, rt.rule.phrase(&name_of)))
                });
                if let Some(w) = words {
                    push(&mut facts.retention, &mut seen[4], &w);
                }
            }
            push(&mut facts.sources, &mut seen[5], &e.source);
            if !says_none(&e.automated_decisions) {
                push(&mut facts.automated_decisions, &mut seen[6], &e.automated_decisions);
            }
            for t in transfers.iter().filter(|t| e.transfer_ids.contains(&t.id) || t.entry.activity_ids.contains(&a.id))
            {
                let place = country::name(&t.entry.destination_country).unwrap_or("another country");
                let line = format!("{} in {place}: {}", t.entry.recipient, safeguard(t.entry.mechanism));
                push(&mut facts.transfers, &mut seen[7], &line);
            }
            rights.extend(a.derived.rights.iter().copied());
        }
        let order = [
            Right::Rectification,
            Right::Erasure,
            Right::Restriction,
            Right::Portability,
            Right::Object,
            Right::WithdrawConsent,
        ];
        facts.rights =
            order.into_iter().filter(|r| rights.contains(r)).filter_map(right_words).map(String::from).collect();
        Ok(facts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn none_in_any_usual_words_means_no_automated_decisions() {
        for t in ["", "None", "none.", "N/A", " no ", "Not applicable"] {
            assert!(says_none(t), "{t}");
        }
        assert!(!says_none("Rent arrears scoring ranks cases for a caseworker to review"));
    }

    #[test]
    fn the_rights_read_as_requests_and_access_is_not_repeated() {
        assert_eq!(right_words(Right::Access), None);
        assert_eq!(right_words(Right::Erasure), Some("to erase it"));
    }
}
