//! Discovery and redaction: walks files and archives, extracts their text with its
//! location (line, page, sheet and cell, message), finds one data subject's data and
//! everyone else's personal data, and proposes redactions of the others. No database
//! and no network: a library with a thin command line (`steward scan`).
//!
//! The pipeline: [`walk`] yields inputs (files, archive entries, mail parts) with limits
//! on size, depth and compression ratio; [`extract`] turns each into [`Segment`]s of
//! text; [`detect`] finds personal data of any person in a segment; [`profile`] matches
//! the subject's own identifiers; [`redact`] writes redacted copies and a log.

pub mod detect;
pub mod extract;
mod limits;
pub mod profile;
pub mod redact;
pub mod walk;

use serde::{Deserialize, Serialize};

/// Where in a source a piece of text came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Location {
    /// A plain-text file: `start` of the segment is a byte offset into the file.
    Text {
        /// 1-based line of the segment's first byte.
        line: u64,
    },
    /// A page of a PDF (1-based).
    Page {
        /// Page number.
        page: u32,
    },
    /// A spreadsheet or CSV cell.
    Cell {
        /// Sheet name (none for CSV/TSV).
        sheet: Option<String>,
        /// 1-based row.
        row: u64,
        /// 1-based column.
        col: u64,
    },
    /// A mail message's header or body part.
    Message {
        /// The Message-ID, when the message has one.
        message_id: Option<String>,
        /// `header:From`, `body`, `part 2`, `attachment: name.docx` …
        part: String,
    },
    /// A paragraph or other block of a document (DOCX, ODT, HTML, JSON).
    Block {
        /// 1-based index of the block.
        index: u64,
    },
}

/// A run of extracted text with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    /// The text.
    pub text: String,
    /// Where it came from.
    pub location: Location,
    /// For plain-text files, the byte offset of `text` in the file, so that detections
    /// can be reported as byte offsets into the file.
    pub file_offset: Option<u64>,
}

/// Why an input was not scanned (it is always reported, never silently dropped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum Skip {
    /// A format Steward does not read.
    #[error("unsupported format: {0}")]
    Unsupported(String),
    /// Encrypted (a password-protected ZIP, PDF or Office file).
    #[error("encrypted")]
    Encrypted,
    /// Larger than the limit.
    #[error("too large: {0}")]
    TooLarge(String),
    /// An archive that expands too much (a zip bomb) or nests too deeply.
    #[error("archive limit: {0}")]
    ArchiveLimit(String),
    /// Damaged or not what its name says (binary named `.txt`, a broken PDF).
    #[error("unreadable: {0}")]
    Unreadable(String),
    /// The file system refused (permissions, a symlink loop).
    #[error("cannot open: {0}")]
    Io(String),
}

/// One input after extraction: a file, an archive entry, a message or an attachment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// The path as given, with `!` before each archive entry or attachment inside it
    /// (`mail.mbox!<id@example>!report.docx`).
    pub source: String,
    /// The format read (`text`, `html`, `eml`, `mbox`, `csv`, `docx`, `xlsx`, `pdf`, …).
    pub format: String,
    /// Bytes of the input as stored (before extraction).
    pub bytes: u64,
    /// Its text, piece by piece, with locations.
    pub segments: Vec<Segment>,
}

/// What the walk yields for each input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Item {
    /// Text extracted.
    Document(Document),
    /// Not scanned, and why.
    Skipped {
        /// The path as given (with `!` inside archives).
        source: String,
        /// Why.
        skip: Skip,
    },
}

/// Kinds of personal data, named as Microsoft Presidio names them where it has a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Entity {
    /// A person's name.
    #[serde(rename = "PERSON")]
    Person,
    /// An email address.
    #[serde(rename = "EMAIL_ADDRESS")]
    EmailAddress,
    /// A phone number (any UK format, or international).
    #[serde(rename = "PHONE_NUMBER")]
    PhoneNumber,
    /// An NHS number (10 digits, mod-11 check).
    #[serde(rename = "UK_NHS")]
    UkNhs,
    /// A National Insurance number (valid prefixes).
    #[serde(rename = "UK_NINO")]
    UkNino,
    /// A UK postcode.
    #[serde(rename = "UK_POSTCODE")]
    UkPostcode,
    /// A street address line.
    #[serde(rename = "LOCATION")]
    Address,
    /// A date of birth (a date with birth context).
    #[serde(rename = "DATE_OF_BIRTH")]
    DateOfBirth,
    /// A payment card number (Luhn).
    #[serde(rename = "CREDIT_CARD")]
    CreditCard,
    /// An IBAN (mod-97).
    #[serde(rename = "IBAN_CODE")]
    IbanCode,
    /// A UK sort code with an account number.
    #[serde(rename = "UK_BANK_ACCOUNT")]
    UkBankAccount,
    /// A UK passport number.
    #[serde(rename = "UK_PASSPORT")]
    UkPassport,
    /// A UK driving licence number.
    #[serde(rename = "UK_DRIVING_LICENCE")]
    UkDrivingLicence,
    /// A UK vehicle registration.
    #[serde(rename = "UK_VEHICLE_REGISTRATION")]
    UkVehicleRegistration,
    /// A reference number from the subject's profile (tenancy, customer, employee).
    #[serde(rename = "REFERENCE")]
    Reference,
    /// Words suggesting special-category data (health, ethnicity, religion, sexuality,
    /// criminal offences): flagged for a person to review, never redacted automatically.
    #[serde(rename = "SPECIAL_CATEGORY")]
    SpecialCategory,
}

/// One finding in a segment's text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    /// What it is.
    pub entity: Entity,
    /// Byte offset of its start in the segment's text.
    pub start: usize,
    /// Byte offset just past its end.
    pub end: usize,
    /// The matched text.
    pub text: String,
    /// How sure, from 0 to 1.
    pub confidence: f32,
    /// Why (which rule, which check passed, which context word).
    pub why: String,
}
