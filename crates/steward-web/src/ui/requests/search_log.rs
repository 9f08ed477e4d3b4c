//! The working parts of a request's page: its checklist steps, its search log (each
//! system searched, and each processor asked) with the form that adds to it, and the
//! searches of uploaded files run from it.

use crate::ui::form::{DateParts, FormErrors, Pairs};
use jiff::civil::Date;
use steward_app::checklists::NewSearch;

/// One step of the request's checklist.
pub(super) struct StepLine {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) description: String,
    /// "Done by NAME on DATE", when done.
    pub(super) done: Option<String>,
}

/// One entry of the search log, for the table.
pub(super) struct SearchLine {
    pub(super) system: String,
    pub(super) on: String,
    pub(super) by: String,
    pub(super) terms: String,
    pub(super) hits: i64,
    pub(super) processor: bool,
    pub(super) answer: String,
}

/// One search of files, for the list.
pub(super) struct ScanLine {
    pub(super) id: String,
    pub(super) when: String,
    pub(super) by: String,
    pub(super) documents: i64,
    pub(super) found: i64,
    pub(super) third_party: i64,
    pub(super) skipped: i64,
    pub(super) included: i64,
    pub(super) undecided: i64,
}

/// What was typed into the search-log form.
#[derive(Debug, Clone, Default)]
pub(super) struct SearchForm {
    /// The register entry chosen (`other` or empty: typed in `system`).
    pub(super) system_id: String,
    /// Whether the form had the register select (there are active entries).
    pub(super) with_register: bool,
    pub(super) system: String,
    pub(super) on: DateParts,
    pub(super) terms: String,
    pub(super) hits: String,
    pub(super) processor: bool,
    pub(super) answer: String,
}

impl SearchForm {
    /// The search-log form as posted.
    pub(super) fn from_pairs(p: &Pairs) -> Self {
        Self {
            system_id: p.trimmed("search-system-id").into(),
            with_register: p.sent("search-system-id"),
            system: p.trimmed("search-system").into(),
            on: p.date("search-on"),
            terms: p.value("search-terms").into(),
            hits: p.trimmed("search-hits").into(),
            processor: p.ticked("search-processor"),
            answer: p.value("search-answer").into(),
        }
    }

    /// A blank form dated `today`.
    pub(super) fn blank(today: Date) -> Self {
        Self { on: DateParts::of(today), ..Self::default() }
    }

    /// The entry to log, or every problem with the form.
    pub(super) fn to_new(&self) -> Result<NewSearch, FormErrors> {
        let mut errors = FormErrors::new();
        let from_register = !self.system_id.is_empty() && self.system_id != "other";
        if from_register {
            // The register entry names it.
        } else if self.system.is_empty() {
            if self.with_register && self.system_id.is_empty() {
                errors.add("search-system-id", "Choose the system you searched, or choose Other and type its name");
            } else {
                errors.add("search-system", "Enter the system you searched");
            }
        } else if self.system.chars().count() > 200 {
            errors.add("search-system", "The system must be 200 characters or fewer");
        }
        let on = self.on.required(&mut errors, "search-on", "The date searched", "Enter the date you searched");
        if self.terms.trim().is_empty() {
            errors.add("search-terms", "Enter the search terms you used");
        }
        let hits = match self.hits.parse::<i64>() {
            Ok(n) if n >= 0 => Some(n),
            _ => {
                errors.add("search-hits", "Enter the number of items found, as a whole number, for example 0 or 12");
                None
            }
        };
        match (on, hits) {
            (Some(searched_on), Some(hits)) if errors.is_empty() => Ok(NewSearch {
                system_id: from_register.then(|| self.system_id.clone()),
                system: if from_register { String::new() } else { self.system.clone() },
                searched_on,
                terms: self.terms.trim().to_string(),
                hits,
                processor: self.processor,
                answer: Some(self.answer.trim().to_string()).filter(|a| !a.is_empty()),
            }),
            _ => Err(errors),
        }
    }
}
