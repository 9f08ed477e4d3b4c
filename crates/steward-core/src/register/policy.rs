//! The register of policies: each data protection policy (data protection, retention,
//! information security, the appropriate policy document), who owns it, when it was
//! approved, how often it is reviewed, and so when its next review falls due.
//!
//! Sources: UK GDPR Art 24(1) (appropriate technical and organisational measures, reviewed
//! and updated where necessary) and Art 24(2) (data protection policies, where
//! proportionate); DPA 2018 Schedule 1 Part 4 paras 39-40 (the appropriate policy document is
//! kept and reviewed); ICO "Accountability framework" ("Policies and procedures": policies are
//! approved, reviewed at planned intervals and communicated).

use super::dates::{add_months, passed};
use super::entry::{Entry, RegisterKind, field};
use super::{MAX_NAME, MAX_NOTE};
use crate::FieldError;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The review interval when none is given: 36 months, as the housing policy sets it.
pub const DEFAULT_REVIEW_MONTHS: u32 = 36;

/// Longest review interval accepted: ten years.
pub const MAX_REVIEW_MONTHS: u32 = 120;

/// The review interval the API reads when none is given.
fn default_review_months() -> u32 {
    DEFAULT_REVIEW_MONTHS
}

/// A policy as recorded, and as the API receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Title ("Data protection policy").
    pub title: String,
    /// Who owns it (name or role).
    #[serde(default)]
    pub owner: String,
    /// When the current version was approved.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub approved_on: Option<Date>,
    /// How often it is reviewed, in calendar months: 1 to [`MAX_REVIEW_MONTHS`], 36 if not
    /// given.
    #[serde(default = "default_review_months")]
    #[schema(default = 36, minimum = 1, maximum = 120)]
    pub review_every_months: u32,
    /// Where it is: a link or a reference.
    #[serde(default)]
    pub document: String,
    /// The group's members share it (one policy for the group rather than one each).
    #[serde(default)]
    pub shared_with_group: bool,
    /// Notes.
    #[serde(default)]
    pub notes: String,
}

impl Default for Policy {
    /// An empty policy reviewed every [`DEFAULT_REVIEW_MONTHS`] months, as the API reads one
    /// with no fields given.
    fn default() -> Self {
        Policy {
            title: String::new(),
            owner: String::new(),
            approved_on: None,
            review_every_months: DEFAULT_REVIEW_MONTHS,
            document: String::new(),
            shared_with_group: false,
            notes: String::new(),
        }
    }
}

/// What follows from a policy's entries rather than being typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PolicyDerived {
    /// The approval date plus the review interval in calendar months; none if it has not
    /// been approved.
    #[schema(value_type = Option<String>, format = Date)]
    pub next_review_on: Option<Date>,
    /// The next review date has passed (UK GDPR Art 24(1): measures are reviewed and
    /// updated where necessary).
    pub review_overdue: bool,
}

impl Entry for Policy {
    const KIND: RegisterKind = RegisterKind::Policy;
    type Derived = PolicyDerived;

    fn derive(&self, today: Date) -> PolicyDerived {
        let next_review_on = self.approved_on.and_then(|d| add_months(d, self.review_every_months));
        PolicyDerived { next_review_on, review_overdue: passed(today, next_review_on) }
    }

    fn validate(self) -> Result<Self, Vec<FieldError>> {
        let mut e = Vec::new();
        let out = Policy {
            title: field("title", &self.title, MAX_NAME, true, &mut e),
            owner: field("owner", &self.owner, MAX_NAME, false, &mut e),
            approved_on: self.approved_on,
            review_every_months: self.review_every_months,
            document: field("document", &self.document, MAX_NOTE, false, &mut e),
            shared_with_group: self.shared_with_group,
            notes: field("notes", &self.notes, MAX_NOTE, false, &mut e),
        };
        if !(1..=MAX_REVIEW_MONTHS).contains(&out.review_every_months) {
            e.push(FieldError::new(
                "review_every_months",
                format!(
                    "must be from 1 to {MAX_REVIEW_MONTHS} months: a policy is reviewed at planned intervals (UK \
                     GDPR Art 24(1); ICO Accountability framework)"
                ),
            ));
        }
        if e.is_empty() { Ok(out) } else { Err(e) }
    }

    fn title(&self) -> &str {
        &self.title
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn data_protection() -> Policy {
        Policy {
            title: "Data protection policy".into(),
            owner: "Head of Governance".into(),
            approved_on: Some(date(2023, 12, 7)),
            ..Policy::default()
        }
    }

    #[test]
    fn the_next_review_is_36_calendar_months_after_approval_by_default() {
        let p = data_protection().validate().unwrap();
        assert_eq!(p.review_every_months, 36);
        let d = p.derive(date(2026, 12, 7));
        assert_eq!(d, PolicyDerived { next_review_on: Some(date(2026, 12, 7)), review_overdue: false });
        assert!(p.derive(date(2026, 12, 8)).review_overdue);
        let read: Policy = serde_json::from_str(r#"{"title":"x"}"#).unwrap();
        assert_eq!(read.review_every_months, DEFAULT_REVIEW_MONTHS);
    }

    #[test]
    fn months_are_calendar_months_from_a_month_end() {
        let p = Policy { approved_on: Some(date(2025, 8, 31)), review_every_months: 6, ..data_protection() };
        assert_eq!(p.derive(date(2026, 1, 1)).next_review_on, Some(date(2026, 2, 28)));
        let never = Policy { approved_on: None, ..data_protection() };
        assert_eq!(never.derive(date(2026, 12, 7)), PolicyDerived::default());
    }

    #[test]
    fn an_interval_outside_1_to_120_months_is_refused_naming_art_24() {
        for months in [0, 121] {
            let e =
                Policy { review_every_months: months, title: " ".into(), ..data_protection() }.validate().unwrap_err();
            let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, ["title", "review_every_months"]);
            assert!(e[1].message.contains("Art 24(1)"), "{}", e[1].message);
        }
        assert!(Policy { review_every_months: 120, ..data_protection() }.validate().is_ok());
    }
}
