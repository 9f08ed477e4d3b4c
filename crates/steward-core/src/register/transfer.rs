//! The register of international transfers: each flow of personal data to a recipient
//! outside the UK, with the country, the mechanism that makes it lawful, and the transfer
//! risk assessment that documents it. A transfer relying on UK adequacy must go to a
//! country the UK's own adequacy regulations cover ([`super::adequacy`]); EU adequacy
//! decisions and the EU standard contractual clauses alone are not UK mechanisms.
//!
//! Sources: UK GDPR Chapter V (Art 44, recast as Art 44A by the Data (Use and Access) Act
//! 2025: a transfer only with adequacy, safeguards or a derogation; Art 46, safeguards: the IDTA and the UK Addendum issued under DPA 2018
//! s119A; Art 47, binding corporate rules; Art 49(1) and 49(6), derogations for specific
//! situations and their record); DPA 2018 s17A (adequacy regulations; UK GDPR Art 45A
//! since the Data (Use and Access) Act 2025); Art 30(1)(e) (the record names the third
//! countries); ICO guidance "International transfers" and its transfer risk assessment
//! tool.

use super::adequacy;
use super::country;
use super::entry::{Entry, Link, LinkTarget, RegisterKind, field, ids, links};
use super::{MAX_NAME, MAX_NOTE};
use crate::FieldError;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What makes a transfer lawful (UK GDPR Art 44, Art 44A as the Data (Use and Access) Act
/// 2025 recasts it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TransferMechanism {
    /// The country is covered by UK adequacy regulations (DPA 2018 s17A; UK GDPR Art 45A).
    UkAdequacy,
    /// The ICO's International Data Transfer Agreement (Art 46(2)(d); DPA 2018 s119A).
    Idta,
    /// The ICO's International Data Transfer Addendum to the EU standard contractual
    /// clauses (Art 46(2)(d); DPA 2018 s119A).
    UkAddendum,
    /// Binding corporate rules approved by the ICO (Art 46(2)(b), Art 47).
    BindingCorporateRules,
    /// A derogation for a specific situation, for occasional transfers (Art 49(1)).
    Art49Derogation,
}

impl TransferMechanism {
    /// Whether the ICO expects a transfer risk assessment for it: the IDTA and the UK
    /// Addendum (ICO guidance "Transfer risk assessments"; UK GDPR Art 46(1A) as the Data
    /// (Use and Access) Act 2025 puts it: the exporter considers the data protection test).
    pub fn expects_tra(self) -> bool {
        matches!(self, TransferMechanism::Idta | TransferMechanism::UkAddendum)
    }
}

/// An international transfer as recorded, and as the API receives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    /// Where the data goes: the two-letter ISO 3166-1 code (`US`, `IN`), stored in upper
    /// case; not `GB` (Art 30(1)(e)).
    pub destination_country: String,
    /// Who receives it ("Acme Payroll Inc.").
    pub recipient: String,
    /// What makes it lawful; none while that is still being settled.
    #[serde(default)]
    pub mechanism: Option<TransferMechanism>,
    /// For an Art 49 derogation: which one applies and why, as documented (Art 49(1), (6)).
    #[serde(default)]
    pub derogation_reason: String,
    /// Where the transfer risk assessment is.
    #[serde(default)]
    pub tra_link: String,
    /// When the transfer risk assessment was done (expected for an IDTA or the Addendum).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub tra_on: Option<Date>,
    /// The processor that makes the transfer or receives the data, if any.
    #[serde(default)]
    pub processor_id: String,
    /// The processing activities whose data goes (Art 30(1)(e)).
    #[serde(default)]
    pub activity_ids: Vec<String>,
    /// Notes.
    #[serde(default)]
    pub notes: String,
}

/// What follows from a transfer's entries rather than being typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TransferDerived {
    /// The destination is covered by UK adequacy regulations, in whole or in part
    /// ([`adequacy::find`] gives the limit, such as the UK Extension for the United States).
    pub adequate: bool,
    /// The mechanism is an IDTA or the UK Addendum and no transfer risk assessment date is
    /// recorded (ICO guidance "Transfer risk assessments").
    pub needs_tra: bool,
}

impl Entry for Transfer {
    const KIND: RegisterKind = RegisterKind::Transfer;
    type Derived = TransferDerived;

    fn derive(&self, _today: Date) -> TransferDerived {
        let code = self.destination_country.trim().to_ascii_uppercase();
        TransferDerived {
            adequate: adequacy::covered(&code),
            needs_tra: self.mechanism.is_some_and(TransferMechanism::expects_tra) && self.tra_on.is_none(),
        }
    }

    fn validate(self) -> Result<Self, Vec<FieldError>> {
        let mut e = Vec::new();
        let destination_country = country::code("destination_country", &self.destination_country, &mut e);
        if self.destination_country.trim().is_empty() {
            e.push(FieldError::new(
                "destination_country",
                "give the country the data goes to: the record names each third country (UK GDPR Art 30(1)(e))",
            ));
        } else if destination_country == country::UK {
            e.push(FieldError::new(
                "destination_country",
                "data kept in the United Kingdom is not an international transfer (UK GDPR Chapter V): record \
                 only data sent to a recipient outside the UK",
            ));
        }
        let out = Transfer {
            destination_country,
            recipient: field("recipient", &self.recipient, MAX_NAME, true, &mut e),
            mechanism: self.mechanism,
            derogation_reason: field("derogation_reason", &self.derogation_reason, MAX_NOTE, false, &mut e),
            tra_link: field("tra_link", &self.tra_link, MAX_NOTE, false, &mut e),
            tra_on: self.tra_on,
            processor_id: self.processor_id.trim().to_string(),
            activity_ids: ids("activity_ids", &self.activity_ids, &mut e),
            notes: field("notes", &self.notes, MAX_NOTE, false, &mut e),
        };
        if out.processor_id.len() > 64 {
            e.push(FieldError::new("processor_id", "is not the id of a processor"));
        }
        let known_abroad = !out.destination_country.is_empty() && out.destination_country != country::UK;
        if out.mechanism == Some(TransferMechanism::UkAdequacy)
            && known_abroad
            && !adequacy::covered(&out.destination_country)
        {
            e.push(FieldError::new(
                "mechanism",
                "the destination country is not covered by UK adequacy regulations (DPA 2018 s17A; UK GDPR \
                 Art 45A): use the IDTA or the UK Addendum (Art 46), binding corporate rules (Art 47), or, for \
                 an occasional transfer, an Art 49 derogation",
            ));
        }
        if out.mechanism == Some(TransferMechanism::Art49Derogation) && out.derogation_reason.is_empty() {
            e.push(FieldError::new(
                "derogation_reason",
                "say which Art 49(1) derogation applies (such as explicit consent, a contract with the person, \
                 or vital interests) and why this transfer needs it; the reasons must be documented (UK GDPR \
                 Art 49(1) and 49(6))",
            ));
        }
        if e.is_empty() { Ok(out) } else { Err(e) }
    }

    fn title(&self) -> &str {
        &self.recipient
    }

    fn links(&self) -> Vec<Link> {
        let mut out = Vec::new();
        let processor = self.processor_id.trim();
        if !processor.is_empty() {
            out.push(Link {
                field: "processor_id".into(),
                target: LinkTarget::Register(RegisterKind::Processor),
                id: processor.to_string(),
            });
        }
        out.extend(links("activity_ids", &self.activity_ids, LinkTarget::Register(RegisterKind::Activity)));
        out
    }
}

#[cfg(test)]
mod tests;
