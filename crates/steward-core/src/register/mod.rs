//! What every register (systems, processors, and the accountability registers to come)
//! shares: the checks on the free text its entries carry. Each register's own entry
//! type and rules live in a module of its own beside this one.
//!
//! Sources: UK GDPR Art 5(2) (accountability: the controller shows compliance, so the
//! registers must hold what it did and why) and Art 30 (records of processing activities).

pub mod activity;
pub mod adequacy;
pub mod breach;
pub mod country;
pub mod dates;
pub mod disclosure;
pub mod dpia;
pub mod entry;
pub mod incident;
pub mod lawful_basis;
pub mod notice;
pub mod organisation;
pub mod policy;
pub mod processor;
pub mod ropa;
pub mod sharing;
pub mod system;
pub mod training;
pub mod transfer;

use crate::FieldError;

/// Longest name of a register entry accepted (characters).
pub const MAX_NAME: usize = 120;
/// Longest free text (contact, notes, reasons) accepted (characters).
pub const MAX_NOTE: usize = 2000;

/// A register's free-text field, trimmed: `required` fields may not be blank; none may
/// be longer than `max` characters or hold control characters other than line breaks
/// and tabs. The problem is named by `field`, never repeating the value.
pub fn text(field: &str, value: &str, max: usize, required: bool) -> Result<String, FieldError> {
    let v = value.trim();
    if required && v.is_empty() {
        return Err(FieldError::new(field, "is required"));
    }
    if v.chars().count() > max {
        return Err(FieldError::new(field, format!("must be at most {max} characters")));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(FieldError::new(field, "must not contain control characters"));
    }
    Ok(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_bounded_and_free_of_control_characters() {
        assert_eq!(text("name", "  Payroll bureau ", MAX_NAME, true).unwrap(), "Payroll bureau");
        assert_eq!(text("name", "   ", MAX_NAME, true).unwrap_err().field, "name");
        assert_eq!(text("notes", "", MAX_NOTE, false).unwrap(), "");
        assert!(text("notes", &"x".repeat(MAX_NOTE + 1), MAX_NOTE, false).is_err());
        assert!(text("notes", &"x".repeat(MAX_NOTE), MAX_NOTE, false).is_ok());
        assert!(text("contact", "HR\u{7}team", MAX_NOTE, false).is_err());
        assert_eq!(text("notes", "Line one\nLine two\tend", MAX_NOTE, false).unwrap(), "Line one\nLine two\tend");
        let e = text("name", "Secret\u{0}Name", MAX_NAME, true).unwrap_err();
        assert!(!e.message.contains("Secret"), "the value is never repeated");
    }
}
