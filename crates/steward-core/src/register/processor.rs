//! The register of processors: each organisation that processes personal data on the
//! controller's behalf, with its Art 28 contract (signed, in force, holding the Art 28(3)
//! terms, and how soon it must report a breach), its security assurances, its review date,
//! the systems it runs, and its sub-processors with the record of the controller being
//! asked, objecting or consenting to each.
//!
//! Sources: UK GDPR Art 28(1) (only processors giving sufficient guarantees), Art 28(2)
//! (no sub-processor without the controller's prior specific or general written
//! authorisation, and under general authorisation the controller is told of changes and
//! may object), Art 28(3) (the contract's terms), Art 28(4) (the same duties passed to
//! sub-processors), Art 33(2) (the processor tells the controller of a breach without undue
//! delay), Art 30(1)(d) and (e) (recipients and transfers in the record); ICO guidance
//! "Contracts and liabilities between controllers and processors".

use super::country;
use super::dates::{date_not_before, passed, required};
use super::entry::{Entry, Link, LinkTarget, MAX_ITEMS, RegisterKind, field, ids, links};
use super::{MAX_NAME, MAX_NOTE};
use crate::FieldError;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What happened about a sub-processor, as the controller records it (Art 28(2)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubProcessorConsentEvent {
    /// The processor asked for authorisation, or gave notice of the change under a general
    /// authorisation.
    #[default]
    Asked,
    /// The controller objected: the sub-processor may not be engaged (Art 28(2)).
    Objected,
    /// The controller gave its written authorisation (Art 28(2)).
    Consented,
}

/// One event in the record of a sub-processor's authorisation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentEvent {
    /// Asked, objected or consented.
    pub event: SubProcessorConsentEvent,
    /// When (required).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub on: Option<Date>,
    /// Who asked, objected or consented (required): a name and role.
    pub by: String,
    /// Where the written request, objection or authorisation is.
    #[serde(default)]
    pub document: String,
}

/// A sub-processor the processor engages (Art 28(2), (4)).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubProcessor {
    /// Name (required).
    pub name: String,
    /// What it does for the processor ("Cloud hosting").
    #[serde(default)]
    pub service: String,
    /// Where it processes the data: the two-letter ISO 3166-1 code; blank if not known.
    #[serde(default)]
    pub country: String,
    /// The record of its authorisation, oldest first (sorted by date when saved).
    #[serde(default)]
    pub consent: Vec<ConsentEvent>,
}

/// The contract with a processor (Art 28(3)).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    /// When it was signed.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub signed_on: Option<Date>,
    /// When it ends, if it has an end date.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub expires_on: Option<Date>,
    /// Where it is: a link or a reference.
    #[serde(default)]
    pub document: String,
    /// It holds the terms Art 28(3) requires (acting only on documented instructions,
    /// confidentiality, security, sub-processors, assistance with rights and breaches,
    /// deletion or return at the end, audits).
    #[serde(default)]
    pub art28_terms: bool,
    /// How many hours after becoming aware the processor must tell the controller of a
    /// breach (Art 33(2): without undue delay).
    #[serde(default)]
    pub breach_notice_hours: Option<u32>,
}

/// The country a processor is in when none is given: the United Kingdom.
fn country_gb() -> String {
    country::UK.to_string()
}

/// A processor as recorded, and as the API receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Processor {
    /// Name, unique in the register ("Northgate Payroll Bureau").
    pub name: String,
    /// Who to contact there, and how.
    #[serde(default)]
    pub contact: String,
    /// What they do for the organisation ("Payroll and pensions").
    #[serde(default)]
    pub services: String,
    /// Where they are: the two-letter ISO 3166-1 code, `GB` if not given.
    #[serde(default = "country_gb")]
    #[schema(default = "GB")]
    pub country: String,
    /// The Art 28 contract.
    #[serde(default)]
    pub contract: Contract,
    /// The guarantees they give (Art 28(1)): "ISO 27001, Cyber Essentials Plus".
    #[serde(default)]
    pub security_assurances: String,
    /// When the processor is next to be reviewed.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub review_on: Option<Date>,
    /// The systems in the register of systems they run or hold data in.
    #[serde(default)]
    pub system_ids: Vec<String>,
    /// Their sub-processors (Art 28(2), (4)).
    #[serde(default)]
    pub sub_processors: Vec<SubProcessor>,
    /// Notes.
    #[serde(default)]
    pub notes: String,
}

impl Default for Processor {
    /// An empty processor in the United Kingdom, as the API reads one with no fields given.
    fn default() -> Self {
        Processor {
            name: String::new(),
            contact: String::new(),
            services: String::new(),
            country: country_gb(),
            contract: Contract::default(),
            security_assurances: String::new(),
            review_on: None,
            system_ids: Vec::new(),
            sub_processors: Vec::new(),
            notes: String::new(),
        }
    }
}

/// What follows from a processor's entries rather than being typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProcessorDerived {
    /// The review date has passed (Art 28(1): the guarantees are kept under review).
    pub review_overdue: bool,
    /// A contract is in place: signed (on or before today), holding the Art 28(3) terms,
    /// and not past its end date (Art 28(3)).
    pub contract_in_place: bool,
    /// The sub-processors without the controller's authorisation: none recorded, or the
    /// latest event is not `consented` (Art 28(2)).
    pub sub_processors_without_consent: Vec<String>,
}

impl SubProcessor {
    /// Whether its latest event (by date; among events on the same day, the last listed) is
    /// `consented`. An objection after consent withdraws it (Art 28(2)).
    pub fn consented(&self) -> bool {
        self.consent
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.on.map(|on| (on, i, c.event)))
            .max_by_key(|(on, i, _)| (*on, *i))
            .is_some_and(|(_, _, event)| event == SubProcessorConsentEvent::Consented)
    }
}

/// A sub-processor tidied, its problems pushed to `e` under `sub_processors[i]`.
fn sub_processor(i: usize, s: &SubProcessor, e: &mut Vec<FieldError>) -> SubProcessor {
    let at = |f: &str| format!("sub_processors[{i}].{f}");
    if s.consent.len() > MAX_ITEMS {
        e.push(FieldError::new(at("consent"), format!("must hold at most {MAX_ITEMS} events")));
    }
    let mut consent: Vec<ConsentEvent> = Vec::new();
    for (j, c) in s.consent.iter().take(MAX_ITEMS).enumerate() {
        let at = |f: &str| format!("sub_processors[{i}].consent[{j}].{f}");
        required(
            &at("on"),
            c.on,
            "give the date: the record of authorisation shows when the controller was asked, objected or \
             consented (UK GDPR Art 28(2))",
            e,
        );
        consent.push(ConsentEvent {
            event: c.event,
            on: c.on,
            by: field(&at("by"), &c.by, MAX_NAME, true, e),
            document: field(&at("document"), &c.document, MAX_NOTE, false, e),
        });
    }
    // Oldest first; a stable sort keeps same-day events in the order given.
    consent.sort_by_key(|c| c.on);
    SubProcessor {
        name: field(&at("name"), &s.name, MAX_NAME, true, e),
        service: field(&at("service"), &s.service, MAX_NOTE, false, e),
        country: country::code(&at("country"), &s.country, e),
        consent,
    }
}

impl Entry for Processor {
    const KIND: RegisterKind = RegisterKind::Processor;
    type Derived = ProcessorDerived;

    fn derive(&self, today: Date) -> ProcessorDerived {
        let c = &self.contract;
        ProcessorDerived {
            review_overdue: passed(today, self.review_on),
            contract_in_place: c.signed_on.is_some_and(|d| d <= today) && c.art28_terms && !passed(today, c.expires_on),
            sub_processors_without_consent: self
                .sub_processors
                .iter()
                .filter(|s| !s.consented())
                .map(|s| s.name.trim().to_string())
                .collect(),
        }
    }

    fn validate(self) -> Result<Self, Vec<FieldError>> {
        let mut e = Vec::new();
        let name = field("name", &self.name, MAX_NAME, true, &mut e);
        let contact = field("contact", &self.contact, MAX_NOTE, false, &mut e);
        let services = field("services", &self.services, MAX_NOTE, false, &mut e);
        let country = match self.country.trim() {
            "" => country_gb(),
            c => country::code("country", c, &mut e),
        };
        let c = &self.contract;
        date_not_before(
            "contract.expires_on",
            c.expires_on,
            c.signed_on,
            "must not come before the date the contract was signed",
            &mut e,
        );
        let contract = Contract {
            signed_on: c.signed_on,
            expires_on: c.expires_on,
            document: field("contract.document", &c.document, MAX_NOTE, false, &mut e),
            art28_terms: c.art28_terms,
            breach_notice_hours: c.breach_notice_hours,
        };
        let security_assurances = field("security_assurances", &self.security_assurances, MAX_NOTE, false, &mut e);
        let system_ids = ids("system_ids", &self.system_ids, &mut e);
        let mut sub_processors: Vec<SubProcessor> = Vec::new();
        if self.sub_processors.len() > MAX_ITEMS {
            e.push(FieldError::new("sub_processors", format!("must hold at most {MAX_ITEMS} items")));
        }
        for (i, s) in self.sub_processors.iter().take(MAX_ITEMS).enumerate() {
            let s = sub_processor(i, s, &mut e);
            if !s.name.is_empty() && sub_processors.iter().any(|o| o.name.eq_ignore_ascii_case(&s.name)) {
                e.push(FieldError::new(
                    format!("sub_processors[{i}].name"),
                    "is listed twice: give each sub-processor once, with all its events",
                ));
            }
            sub_processors.push(s);
        }
        let out = Processor {
            name,
            contact,
            services,
            country,
            contract,
            security_assurances,
            review_on: self.review_on,
            system_ids,
            sub_processors,
            notes: field("notes", &self.notes, MAX_NOTE, false, &mut e),
        };
        if e.is_empty() { Ok(out) } else { Err(e) }
    }

    fn title(&self) -> &str {
        &self.name
    }

    fn links(&self) -> Vec<Link> {
        links("system_ids", &self.system_ids, LinkTarget::System)
    }
}

#[cfg(test)]
mod tests;
