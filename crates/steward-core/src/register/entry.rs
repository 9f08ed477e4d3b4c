//! What every versioned register entry shares: the registers kept as documents (the
//! record of processing, organisations, processors, sharing agreements, transfers,
//! privacy notices, policies and training), the trait each entry type implements, and
//! the checks on lists, links and dates they all use. Every change to an entry is kept
//! as a new version, so a register can be shown as it stood on any past date.
//!
//! Sources: UK GDPR Art 5(2) (accountability: the controller must be able to show
//! compliance, so past states are kept) and Art 30(1), 30(3)-(4) (the record is kept in
//! writing and made available to the Commissioner on request).

use super::{MAX_NAME, text};
use crate::{FieldError, Permission};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A register kept as versioned documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegisterKind {
    /// Organisations in the installation (a single controller, or a group).
    Organisation,
    /// The record of processing activities (Art 30).
    Activity,
    /// Processors and their sub-processors (Art 28).
    Processor,
    /// Data sharing agreements with other controllers.
    SharingAgreement,
    /// Transfers outside the UK (Chapter V).
    Transfer,
    /// Privacy notice versions (Art 13, 14).
    Notice,
    /// Policies with their review dates (Art 24(2)).
    Policy,
    /// Staff training records (Art 39(1)(b)).
    Training,
    /// Personal data breaches and near misses (Art 33(5)).
    Breach,
    /// Requests from third parties to disclose someone's data, and the decisions.
    Disclosure,
    /// Data protection impact assessments (Art 35).
    Dpia,
}

impl RegisterKind {
    /// Every kind, in the order the menu lists them.
    pub const ALL: [RegisterKind; 11] = [
        RegisterKind::Activity,
        RegisterKind::Organisation,
        RegisterKind::Processor,
        RegisterKind::SharingAgreement,
        RegisterKind::Transfer,
        RegisterKind::Notice,
        RegisterKind::Policy,
        RegisterKind::Training,
        RegisterKind::Breach,
        RegisterKind::Disclosure,
        RegisterKind::Dpia,
    ];

    /// The code stored with each entry and used as the audit object type (`activity`).
    pub fn as_str(self) -> &'static str {
        match self {
            RegisterKind::Organisation => "organisation",
            RegisterKind::Activity => "activity",
            RegisterKind::Processor => "processor",
            RegisterKind::SharingAgreement => "sharing_agreement",
            RegisterKind::Transfer => "transfer",
            RegisterKind::Notice => "notice",
            RegisterKind::Policy => "policy",
            RegisterKind::Training => "training",
            RegisterKind::Breach => "breach",
            RegisterKind::Disclosure => "disclosure",
            RegisterKind::Dpia => "dpia",
        }
    }

    /// The kind stored as `code`, if any.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == code)
    }

    /// The path segment of its API and pages (`activities`, `sharing-agreements`).
    pub fn path(self) -> &'static str {
        match self {
            RegisterKind::Organisation => "organisations",
            RegisterKind::Activity => "activities",
            RegisterKind::Processor => "processors",
            RegisterKind::SharingAgreement => "sharing-agreements",
            RegisterKind::Transfer => "transfers",
            RegisterKind::Notice => "notices",
            RegisterKind::Policy => "policies",
            RegisterKind::Training => "training",
            RegisterKind::Breach => "breaches",
            RegisterKind::Disclosure => "disclosures",
            RegisterKind::Dpia => "dpias",
        }
    }

    /// Who may read the register: the registers of the organisation's own processing and
    /// the DPIAs are read by everyone who reads registers; breaches by those who read the
    /// incident registers; disclosures, which are about people, by those who record them
    /// (and caseworkers only for the people they may open).
    pub fn read_permission(self) -> Permission {
        match self {
            RegisterKind::Breach => Permission::ReadIncidents,
            RegisterKind::Disclosure => Permission::RecordDisclosures,
            _ => Permission::ReadRegisters,
        }
    }

    /// One entry, in words ("processing activity").
    pub fn noun(self) -> &'static str {
        match self {
            RegisterKind::Organisation => "organisation",
            RegisterKind::Activity => "processing activity",
            RegisterKind::Processor => "processor",
            RegisterKind::SharingAgreement => "data sharing agreement",
            RegisterKind::Transfer => "international transfer",
            RegisterKind::Notice => "privacy notice",
            RegisterKind::Policy => "policy",
            RegisterKind::Training => "training record",
            RegisterKind::Breach => "breach",
            RegisterKind::Disclosure => "disclosure request",
            RegisterKind::Dpia => "DPIA",
        }
    }

    /// The register's title ("Record of processing").
    pub fn title(self) -> &'static str {
        match self {
            RegisterKind::Organisation => "Organisations",
            RegisterKind::Activity => "Record of processing",
            RegisterKind::Processor => "Processors",
            RegisterKind::SharingAgreement => "Data sharing agreements",
            RegisterKind::Transfer => "International transfers",
            RegisterKind::Notice => "Privacy notices",
            RegisterKind::Policy => "Policies",
            RegisterKind::Training => "Training",
            RegisterKind::Breach => "Breaches",
            RegisterKind::Disclosure => "Disclosures to third parties",
            RegisterKind::Dpia => "Data protection impact assessments",
        }
    }
}

/// What a link in an entry points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkTarget {
    /// An entry of a versioned register.
    Register(RegisterKind),
    /// A system in the register of systems.
    System,
    /// A record type of the retention schedule in force (by its key).
    RecordType,
    /// A user (staff member).
    User,
    /// A person on record (a data subject).
    Subject,
}

/// One link an entry makes, checked to exist before the entry is saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The field that holds it (`system_ids[1]`).
    pub field: String,
    /// What it points at.
    pub target: LinkTarget,
    /// The id (or record type key).
    pub id: String,
}

/// An entry of a versioned register: the document the API receives and stores.
pub trait Entry: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {
    /// Its register.
    const KIND: RegisterKind;

    /// Whether two entries in use may not share a title (an activity's or a policy's
    /// name); training records repeat their course for every person who takes it.
    const UNIQUE_TITLE: bool = true;

    /// What follows from the entry rather than being typed (the rights an activity's
    /// bases give, a policy's next review date), returned beside its fields.
    type Derived: Serialize + Default + Clone + Send + Sync + 'static;

    /// Who may add an entry (anyone signed in may report a breach).
    const CREATE: Permission = Permission::ManageRegisters;

    /// Who may change or retire an entry.
    const CHANGE: Permission = Permission::ManageRegisters;

    /// Who may change the part of an entry [`Entry::guarded`] returns (the DPO's approval of a
    /// disclosure decided out of hours).
    const GUARD: Permission = Permission::ManageRegisters;

    /// Work out what follows from the entry, as of `today`.
    fn derive(&self, today: jiff::civil::Date) -> Self::Derived;

    /// Work out what follows from the entry with the organisation's calendar, settings and
    /// this instant (the incident clocks); by default as of the day alone.
    fn derive_at(&self, env: &super::incident::Env) -> Self::Derived {
        self.derive(env.today)
    }

    /// The person on record the entry is about, if any: a caseworker then sees it only with
    /// a need to know that person.
    fn subject(&self) -> Option<&str> {
        None
    }

    /// The part of the entry only [`Entry::GUARD`] may change, if it is set.
    fn guarded(&self) -> Option<serde_json::Value> {
        None
    }

    /// The entry tidied (text trimmed), or every problem at once, each naming its field
    /// and, where a law applies, the article.
    fn validate(self) -> Result<Self, Vec<FieldError>>;

    /// Its name on pages and in lists.
    fn title(&self) -> &str;

    /// The entries, systems, record types and users it links to.
    fn links(&self) -> Vec<Link> {
        Vec::new()
    }
}

/// Nothing follows from the entry beyond its fields.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct NoDerived {}

/// Most items a list of words or links may hold.
pub const MAX_ITEMS: usize = 100;

/// Tidy a list of words (categories, parties): each trimmed, bounded and free of
/// control characters, blanks and repeats dropped, at most [`MAX_ITEMS`].
pub fn words(field: &str, values: &[String], errors: &mut Vec<FieldError>) -> Vec<String> {
    if values.len() > MAX_ITEMS {
        errors.push(FieldError::new(field, format!("must hold at most {MAX_ITEMS} items")));
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match text(&format!("{field}[{i}]"), v, MAX_NAME, false) {
            Ok(v) if v.is_empty() => {}
            Ok(v) => {
                if !out.iter().any(|o| o.eq_ignore_ascii_case(&v)) {
                    out.push(v);
                }
            }
            Err(e) => errors.push(e),
        }
    }
    out
}

/// Tidy one free-text field into `errors`.
pub fn field(field: &str, value: &str, max: usize, required: bool, errors: &mut Vec<FieldError>) -> String {
    text(field, value, max, required).unwrap_or_else(|e| {
        errors.push(e);
        String::new()
    })
}

/// The links of a list of ids (`system_ids`), blanks and repeats dropped.
pub fn links(field: &str, ids: &[String], target: LinkTarget) -> Vec<Link> {
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let id = id.trim();
        if id.is_empty() || seen.contains(&id) {
            continue;
        }
        seen.push(id);
        out.push(Link { field: format!("{field}[{i}]"), target, id: id.to_string() });
    }
    out
}

/// A list of ids tidied: trimmed, blanks and repeats dropped, at most [`MAX_ITEMS`].
pub fn ids(field: &str, values: &[String], errors: &mut Vec<FieldError>) -> Vec<String> {
    if values.len() > MAX_ITEMS {
        errors.push(FieldError::new(field, format!("must hold at most {MAX_ITEMS} items")));
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    for v in values {
        let v = v.trim();
        if !v.is_empty() && v.len() <= 64 && !out.iter().any(|o| o == v) {
            out.push(v.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_have_distinct_paths() {
        for k in RegisterKind::ALL {
            assert_eq!(RegisterKind::parse(k.as_str()), Some(k));
            assert_eq!(RegisterKind::ALL.iter().filter(|o| o.path() == k.path()).count(), 1);
        }
    }

    #[test]
    fn words_are_tidied_and_bounded() {
        let mut e = Vec::new();
        let w = words("subject_categories", &[" Tenants ".into(), "".into(), "tenants".into(), "Staff".into()], &mut e);
        assert_eq!(w, ["Tenants", "Staff"]);
        assert!(e.is_empty());
        words("x", &vec!["a".to_string(); MAX_ITEMS + 1], &mut e);
        assert_eq!(e[0].field, "x");
    }

    #[test]
    fn links_drop_blanks_and_repeats() {
        let l = links("system_ids", &["a".into(), " ".into(), "a".into(), "b".into()], LinkTarget::System);
        assert_eq!(l.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(l[1].field, "system_ids[3]");
    }
}
