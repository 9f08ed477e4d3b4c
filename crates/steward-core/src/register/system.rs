//! The register of systems and processors that hold personal data: what an entry is and
//! the rules it must meet. Erasure (Art 17, Art 19: every recipient is told), searches
//! for a subject access request (Art 15) and processors' instructions (Art 28(3)(a) and
//! (g): a processor acts only on instructions and deletes on request) all name entries
//! of this register; Art 30(1) records which systems and processors hold what.
//!
//! Each entry also says who is responsible for it, where it runs (or where the paper is
//! kept), the country it is hosted in, the processor that supplies it and the security
//! measures protecting it: the ICO's record of processing template asks for the location
//! of the data and "a general description of technical and organisational security
//! measures" (UK GDPR Art 30(1)(g), Art 32(1)), and a system hosted outside the UK is a
//! transfer (UK GDPR Chapter V, Art 44).

use super::{MAX_NAME, MAX_NOTE, country, text};
use crate::FieldError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Whether a register entry is the organisation's own system or a processor's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SystemKind {
    /// A system the organisation runs (case management, shared drive, email).
    System,
    /// A processor acting on the organisation's instructions (Art 28).
    Processor,
}

impl SystemKind {
    /// Machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            SystemKind::System => "system",
            SystemKind::Processor => "processor",
        }
    }

    /// The kind a machine name names, if any.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "system" => Some(SystemKind::System),
            "processor" => Some(SystemKind::Processor),
            _ => None,
        }
    }
}

/// Longest id of a linked entry accepted (bytes): ids are UUIDs.
const MAX_ID: usize = 64;

/// A system or processor to add, or the new values of one.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSystem {
    /// Name, unique.
    pub name: String,
    /// `system` or `processor`.
    pub kind: SystemKind,
    /// Whether every subject's data is there (every erasure then gets a task for it).
    #[serde(default)]
    pub holds_all_subjects: bool,
    /// Who to ask: a team, or the processor's contact point.
    #[serde(default)]
    pub contact: String,
    /// Notes.
    #[serde(default)]
    pub notes: String,
    /// Retire it (kept for history, no new tasks or searches); un-retire with `false`.
    #[serde(default)]
    pub retired: bool,
    /// Who is responsible for it: a person's role or a team ("Head of Housing").
    #[serde(default)]
    pub owner: String,
    /// Where it runs, or where the paper is kept ("Microsoft Azure UK South",
    /// "Cabinet 3, head office").
    #[serde(default)]
    pub location: String,
    /// The country it is hosted in: the two-letter ISO 3166-1 code (`GB` for the United
    /// Kingdom); blank if not recorded. Hosting outside the UK is a restricted transfer
    /// (UK GDPR Art 44).
    #[serde(default)]
    pub hosting_country: String,
    /// The supplier: the id of an entry in use on the register of processors (Art 28);
    /// blank if the organisation runs it itself.
    #[serde(default)]
    pub processor_id: String,
    /// The technical and organisational security measures protecting it (Art 30(1)(g),
    /// Art 32(1)): "Encrypted at rest, multi-factor sign-in, daily backups".
    #[serde(default)]
    pub security_measures: String,
}

impl NewSystem {
    /// The entry checked and tidied: a name (required, at most [`MAX_NAME`] characters),
    /// an owner (at most [`MAX_NAME`]), contact, notes, location and security measures (at
    /// most [`MAX_NOTE`]), none with control characters; the hosting country an assigned
    /// ISO 3166-1 code (upper-cased); the processor's id no longer than an id. The first
    /// problem is named by its field. Whether the processor is on the register is checked
    /// where the register is read.
    pub fn validate(self) -> Result<NewSystem, FieldError> {
        let name = text("name", &self.name, MAX_NAME, true)?;
        let contact = text("contact", &self.contact, MAX_NOTE, false)?;
        let notes = text("notes", &self.notes, MAX_NOTE, false)?;
        let owner = text("owner", &self.owner, MAX_NAME, false)?;
        let location = text("location", &self.location, MAX_NOTE, false)?;
        let mut errors = Vec::new();
        let hosting_country = country::code("hosting_country", &self.hosting_country, &mut errors);
        if let Some(e) = errors.into_iter().next() {
            return Err(e);
        }
        let processor_id = self.processor_id.trim().to_string();
        if processor_id.len() > MAX_ID || processor_id.chars().any(char::is_control) {
            return Err(FieldError::new("processor_id", "is not the id of a processor on the register"));
        }
        let security_measures = text("security_measures", &self.security_measures, MAX_NOTE, false)?;
        Ok(NewSystem {
            name,
            contact,
            notes,
            owner,
            location,
            hosting_country,
            processor_id,
            security_measures,
            ..self
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str) -> NewSystem {
        NewSystem {
            name: name.into(),
            kind: SystemKind::Processor,
            holds_all_subjects: false,
            contact: " payroll@bureau.example ".into(),
            notes: String::new(),
            retired: false,
            owner: String::new(),
            location: String::new(),
            hosting_country: String::new(),
            processor_id: String::new(),
            security_measures: String::new(),
        }
    }

    #[test]
    fn where_it_runs_and_who_supplies_it_are_tidied_and_checked() {
        let mut e = entry("Payroll system");
        e.owner = " Head of Finance ".into();
        e.location = " Supplier's data centre, Leeds ".into();
        e.hosting_country = " gb".into();
        e.processor_id = " 0190a1b2-0000-7000-8000-000000000001 ".into();
        e.security_measures = "Encrypted at rest; multi-factor sign-in".into();
        let v = e.clone().validate().unwrap();
        assert_eq!(v.owner, "Head of Finance");
        assert_eq!(v.location, "Supplier's data centre, Leeds");
        assert_eq!(v.hosting_country, "GB");
        assert_eq!(v.processor_id, "0190a1b2-0000-7000-8000-000000000001");
        assert_eq!(country::name(&v.hosting_country), Some("United Kingdom"));

        // Worked example: "UK" is not the ISO 3166-1 code of the United Kingdom (GB is),
        // so the country is refused, named by its field and pointing at the standard.
        let bad = NewSystem { hosting_country: "UK".into(), ..e.clone() }.validate().unwrap_err();
        assert_eq!(bad.field, "hosting_country");
        assert!(bad.message.contains("ISO 3166-1"), "{}", bad.message);
        let bad = NewSystem { hosting_country: "Narnia".into(), ..e.clone() }.validate().unwrap_err();
        assert_eq!(bad.field, "hosting_country");
        assert!(!bad.message.contains("Narnia"), "the value is never repeated");

        // Blank is allowed: not every entry has a country or a supplier recorded yet.
        let blank = NewSystem { hosting_country: " ".into(), processor_id: String::new(), ..e.clone() };
        let v = blank.validate().unwrap();
        assert_eq!((v.hosting_country.as_str(), v.processor_id.as_str()), ("", ""));

        let long_id = NewSystem { processor_id: "x".repeat(MAX_ID + 1), ..e.clone() };
        assert_eq!(long_id.validate().unwrap_err().field, "processor_id");
        let owner = NewSystem { owner: "o".repeat(MAX_NAME + 1), ..e.clone() };
        assert_eq!(owner.validate().unwrap_err().field, "owner");
        let measures = NewSystem { security_measures: "bad\u{0}".into(), ..e };
        assert_eq!(measures.validate().unwrap_err().field, "security_measures");
    }

    #[test]
    fn older_clients_without_the_new_fields_are_read() {
        let v: NewSystem = serde_json::from_str(r#"{"name": "Shared drive", "kind": "system"}"#).unwrap();
        assert_eq!((v.owner.as_str(), v.hosting_country.as_str(), v.processor_id.as_str()), ("", "", ""));
    }

    #[test]
    fn an_entry_is_tidied_and_checked() {
        let v = entry("  Northgate Payroll Bureau ").validate().unwrap();
        assert_eq!((v.name.as_str(), v.contact.as_str()), ("Northgate Payroll Bureau", "payroll@bureau.example"));
        assert_eq!(entry("").validate().unwrap_err().field, "name");
        assert_eq!(entry(&"n".repeat(MAX_NAME + 1)).validate().unwrap_err().field, "name");
        let mut notes = entry("Shared drive");
        notes.notes = "x".repeat(MAX_NOTE + 1);
        assert_eq!(notes.validate().unwrap_err().field, "notes");
    }

    #[test]
    fn kinds_read_back() {
        for k in [SystemKind::System, SystemKind::Processor] {
            assert_eq!(SystemKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(SystemKind::parse("controller"), None);
    }
}
