//! The register of systems and processors that hold personal data: what an entry is and
//! the rules it must meet. Erasure (Art 17, Art 19: every recipient is told), searches
//! for a subject access request (Art 15) and processors' instructions (Art 28(3)(a) and
//! (g): a processor acts only on instructions and deletes on request) all name entries
//! of this register; Art 30(1) records which systems and processors hold what.

use super::{MAX_NAME, MAX_NOTE, text};
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
}

impl NewSystem {
    /// The entry checked and tidied: a name (required, at most [`MAX_NAME`] characters),
    /// contact and notes (at most [`MAX_NOTE`]), none with control characters. The first
    /// problem is named by its field.
    pub fn validate(self) -> Result<NewSystem, FieldError> {
        Ok(NewSystem {
            name: text("name", &self.name, MAX_NAME, true)?,
            contact: text("contact", &self.contact, MAX_NOTE, false)?,
            notes: text("notes", &self.notes, MAX_NOTE, false)?,
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
        }
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
