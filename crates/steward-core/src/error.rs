//! Errors raised by the pure rules: validation failures that name the field at fault.

use std::fmt;

/// One problem with one field of some input, safe to show to the person who sent it.
///
/// The message never repeats the value that was given, so that personal data
/// does not leak into logs or error responses.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// Dotted path of the field, e.g. `identifiers.nhs_number` or `emails[1]`.
    pub field: String,
    /// Plain-English description of what is wrong.
    pub message: String,
}

impl FieldError {
    /// Build an error for `field` with `message`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Errors from the core rules.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CoreError {
    /// Input failed validation; the first problem is named.
    #[error("invalid {0}")]
    Invalid(FieldError),
    /// A name that does not denote any known value (a role, a region, a category…).
    #[error("unknown {kind} '{value}'; expected one of: {expected}")]
    Unknown {
        /// What kind of name it was.
        kind: &'static str,
        /// The name given (never personal data: these are fixed vocabularies).
        value: String,
        /// The accepted names.
        expected: String,
    },
}

impl CoreError {
    /// Shorthand for an [`CoreError::Invalid`] error.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid(FieldError::new(field, message))
    }
}
