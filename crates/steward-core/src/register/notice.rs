//! The register of privacy notices: each version of a notice, with its audience, the day
//! it takes effect and its full text, so the organisation can show what people were told
//! on any past date.
//!
//! Sources: UK GDPR Art 12(1) (information in a concise, transparent, intelligible and
//! easily accessible form, in clear and plain language), Art 13 (what people are told when
//! data is collected from them), Art 14 (when it is not), Art 5(2) (showing what was said);
//! ICO guidance "The right to be informed" (keep a record of the versions of notices).

use super::dates::required;
use super::entry::{Entry, RegisterKind, field};
use super::{MAX_NAME, MAX_NOTE};
use crate::FieldError;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Longest notice text accepted (characters).
pub const MAX_NOTICE_TEXT: usize = 50_000;

/// Longest version label accepted (characters).
pub const MAX_VERSION: usize = 20;

/// A privacy notice version as recorded, and as the API receives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    /// Title ("Privacy notice for tenants").
    pub title: String,
    /// Version label ("3.1"), required.
    pub version_label: String,
    /// Who it is for ("Tenants", "Job applicants").
    #[serde(default)]
    pub audience: String,
    /// The day this version takes effect (required).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub effective_on: Option<Date>,
    /// The notice itself, as published (required; at most [`MAX_NOTICE_TEXT`] characters).
    pub text: String,
    /// Where it is published.
    #[serde(default)]
    pub url: String,
    /// Notes (what changed from the last version).
    #[serde(default)]
    pub notes: String,
}

/// What follows from a notice's entries rather than being typed. Whether a version is the
/// current one depends on the other versions, so it is worked out by the register, not here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct NoticeDerived {
    /// The version has taken effect: its effective date is today or earlier.
    pub in_effect: bool,
}

impl Entry for Notice {
    const KIND: RegisterKind = RegisterKind::Notice;
    type Derived = NoticeDerived;

    fn derive(&self, today: Date) -> NoticeDerived {
        NoticeDerived { in_effect: self.effective_on.is_some_and(|d| d <= today) }
    }

    fn validate(self) -> Result<Self, Vec<FieldError>> {
        let mut e = Vec::new();
        let out = Notice {
            title: field("title", &self.title, MAX_NAME, true, &mut e),
            version_label: field("version_label", &self.version_label, MAX_VERSION, true, &mut e),
            audience: field("audience", &self.audience, MAX_NAME, false, &mut e),
            effective_on: self.effective_on,
            text: field("text", &self.text, MAX_NOTICE_TEXT, false, &mut e),
            url: field("url", &self.url, MAX_NOTE, false, &mut e),
            notes: field("notes", &self.notes, MAX_NOTE, false, &mut e),
        };
        required(
            "effective_on",
            out.effective_on,
            "give the day this version takes effect, so it is known what people were told and when (UK GDPR \
             Art 5(2), Arts 13-14)",
            &mut e,
        );
        if out.text.is_empty() && !e.iter().any(|f| f.field == "text") {
            e.push(FieldError::new(
                "text",
                "give the notice's full text as published: the information Art 13 and Art 14 require (UK GDPR \
                 Art 12(1))",
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

    fn tenants() -> Notice {
        Notice {
            title: "Privacy notice for tenants".into(),
            version_label: " 3.1 ".into(),
            audience: "Tenants".into(),
            effective_on: Some(date(2026, 12, 14)),
            text: "Who we are\n\nNorthgate Housing Association is the controller of...".into(),
            url: "https://northgate.example/privacy/tenants".into(),
            ..Notice::default()
        }
    }

    #[test]
    fn a_version_is_in_effect_from_its_effective_date() {
        let n = tenants().validate().unwrap();
        assert_eq!(n.version_label, "3.1");
        assert!(!n.derive(date(2026, 12, 7)).in_effect);
        assert!(n.derive(date(2026, 12, 14)).in_effect);
        assert!(n.derive(date(2027, 1, 1)).in_effect);
        assert!(!Notice { effective_on: None, ..n }.derive(date(2027, 1, 1)).in_effect);
    }

    #[test]
    fn no_date_and_no_text_are_refused_naming_the_articles() {
        let e = Notice { effective_on: None, text: "  ".into(), ..tenants() }.validate().unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["effective_on", "text"]);
        assert!(e[0].message.contains("Arts 13-14"), "{}", e[0].message);
        assert!(e[1].message.contains("Art 12(1)"), "{}", e[1].message);
    }

    #[test]
    fn the_text_may_be_long_but_not_unbounded_and_the_version_is_required() {
        let long = Notice { text: "x".repeat(MAX_NOTICE_TEXT), ..tenants() };
        assert!(long.validate().is_ok());
        let e = Notice { text: "x".repeat(MAX_NOTICE_TEXT + 1), version_label: String::new(), ..tenants() }
            .validate()
            .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["version_label", "text"]);
        assert!(serde_json::from_str::<Notice>(r#"{"title":"x","version_label":"1","text":"t","lang":"en"}"#).is_err());
    }
}
