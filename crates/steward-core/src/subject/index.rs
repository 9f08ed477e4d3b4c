//! The blind-index terms a subject is found by (email, phone, reference, surname with
//! date of birth…), each kind keyed apart so equal values of different kinds never
//! collide; the values themselves are never stored.

use super::PersonalData;
use crate::normalise;
use jiff::civil::Date;
use std::collections::BTreeSet;

/// What a blind-index entry stands for. Each kind is keyed separately so that equal
/// values of different kinds never collide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IndexKind {
    /// A normalised email address.
    Email,
    /// An E.164 phone number.
    Phone,
    /// A National Insurance number.
    NiNumber,
    /// An NHS number.
    NhsNumber,
    /// Folded family name and date of birth.
    SurnameDob,
    /// A whole folded name (given + family, or an alias).
    FullName,
    /// A prefix of one folded name token.
    NamePrefix,
    /// An organisation reference (tenancy, customer, employee, volunteer number).
    Reference,
}

impl IndexKind {
    /// Stable tag mixed into the keyed hash and stored beside it.
    pub fn tag(self) -> &'static str {
        match self {
            IndexKind::Email => "email",
            IndexKind::Phone => "phone",
            IndexKind::NiNumber => "ni",
            IndexKind::NhsNumber => "nhs",
            IndexKind::SurnameDob => "surname_dob",
            IndexKind::FullName => "full_name",
            IndexKind::NamePrefix => "name_prefix",
            IndexKind::Reference => "reference",
        }
    }
}

/// The term for a surname + date of birth look-up.
pub fn surname_dob_term(family_name: &str, dob: Date) -> String {
    format!("{}|{}", normalise::fold_name(family_name), dob)
}

/// The term for a reference number look-up: upper case, spaces and dashes removed.
pub fn reference_term(raw: &str) -> String {
    raw.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_uppercase).collect()
}

/// Every (kind, normalised term) pair a subject is findable by, de-duplicated.
pub fn index_terms(p: &PersonalData) -> Vec<(IndexKind, String)> {
    let mut out: BTreeSet<(IndexKind, String)> = BTreeSet::new();
    for e in &p.emails {
        out.insert((IndexKind::Email, e.clone()));
    }
    for ph in &p.phones {
        out.insert((IndexKind::Phone, ph.clone()));
    }
    if let Some(ni) = &p.identifiers.ni_number {
        out.insert((IndexKind::NiNumber, ni.clone()));
    }
    if let Some(nhs) = &p.identifiers.nhs_number {
        out.insert((IndexKind::NhsNumber, nhs.clone()));
    }
    let ids = &p.identifiers;
    for r in
        [&ids.tenancy_number, &ids.customer_number, &ids.employee_number, &ids.volunteer_number].into_iter().flatten()
    {
        out.insert((IndexKind::Reference, reference_term(r)));
    }
    if let Some(dob) = p.date_of_birth
        && !p.family_name.is_empty()
    {
        out.insert((IndexKind::SurnameDob, surname_dob_term(&p.family_name, dob)));
    }
    let full = normalise::fold_name(&format!("{} {}", p.given_name, p.family_name));
    let mut names = vec![full];
    names.extend(p.other_names.iter().map(|n| normalise::fold_name(n)));
    for name in names {
        if name.is_empty() {
            continue;
        }
        for token in name.split(' ') {
            for prefix in normalise::token_prefixes(token) {
                out.insert((IndexKind::NamePrefix, prefix));
            }
        }
        out.insert((IndexKind::FullName, name));
    }
    out.into_iter().collect()
}
