//! The record of processing activities: one entry per activity, holding every column of
//! the ICO's Article 30 controller template (and a processor's record, Art 30(2)), with
//! its purposes and their lawful bases, the special-category and criminal-offence data
//! with their conditions, and links to the systems, processors, transfers, sharing
//! agreements, privacy notices and retention rules it uses.
//!
//! Sources: UK GDPR Art 30(1) (controller record), Art 30(2) (processor record), Art 6,
//! Art 9, Art 10, Art 13(1)-(2) and 14 (what people are told, filled from this record);
//! DPA 2018 Schedule 1 Part 4 (the appropriate policy document and what the record must
//! say about it); ICO "Documentation" guidance and its controller template; NHS England
//! "National data opt-out operational policy guidance" (which activities must apply it).

use super::entry::{Entry, Link, LinkTarget, RegisterKind, field, ids, links, words};
use super::lawful_basis::{self, LawfulBasis, PurposeInput, Right, SpecialInput};
use super::{MAX_NAME, MAX_NOTE};
use crate::FieldError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Whose record an activity is in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// The organisation decides why and how (Art 30(1)).
    #[default]
    Controller,
    /// The organisation processes for another controller (Art 30(2)).
    Processor,
}

/// Whether a DPIA is needed for an activity (ICO template column 21).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DpiaRequired {
    /// Not yet screened.
    #[default]
    NotAssessed,
    /// Screened: a DPIA is required (Art 35(1), (3)).
    Yes,
    /// Screened: not required.
    No,
}

/// One purpose of an activity and its Art 6(1) basis.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Purpose {
    /// What the processing is for.
    pub purpose: String,
    /// `consent`, `contract`, `legal_obligation`, `vital_interests`, `public_task`,
    /// `legitimate_interests` or `recognised_legitimate_interest`.
    pub lawful_basis: String,
    /// For legitimate interests: the interest pursued (Art 13(1)(d)).
    #[serde(default)]
    pub legitimate_interest: String,
    /// For legitimate interests: where the legitimate interests assessment is.
    #[serde(default)]
    pub lia_link: String,
    /// For consent: the consent purpose people agree to (recorded in the consent ledger).
    #[serde(default)]
    pub consent_purpose: String,
}

/// One kind of special-category or criminal-offence data an activity uses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpecialData {
    /// One of the ten keys of a subject's `special_category` (`health`,
    /// `criminal_offence`).
    pub category: String,
    /// The Art 9(2) condition, a letter `a`–`j` (none for criminal-offence data).
    #[serde(default)]
    pub art9_condition: String,
    /// The DPA 2018 Schedule 1 condition (`part1_para2`, `part2_para18`), where needed.
    #[serde(default)]
    pub schedule1_condition: String,
    /// Whether the appropriate policy document Schedule 1 asks for is in place.
    #[serde(default)]
    pub policy_document: bool,
}

/// A processing activity as recorded (and as the API receives it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    /// Name, unique in the register ("Tenancy management").
    pub name: String,
    /// Controller's record (default) or a record of processing done for others.
    #[serde(default)]
    pub record: RecordKind,
    /// The business function (column 1: "Housing management").
    #[serde(default)]
    pub business_function: String,
    /// Organisations in this installation that are its controllers (none: the only one).
    #[serde(default)]
    pub controller_ids: Vec<String>,
    /// Name and contact details of any joint controller (column 3).
    #[serde(default)]
    pub joint_controller: String,
    /// For a processor's record: the controllers it acts for, with contact details.
    #[serde(default)]
    pub processing_for: String,
    /// Categories of people (column 4: "Tenants", "Staff").
    #[serde(default)]
    pub subject_categories: Vec<String>,
    /// Categories of personal data (column 5: "Contact details", "Rent account").
    #[serde(default)]
    pub data_categories: Vec<String>,
    /// Categories of recipients (column 6).
    #[serde(default)]
    pub recipients: Vec<String>,
    /// The purposes, each with its lawful basis (columns 2, 12, 14, 15).
    #[serde(default)]
    pub purposes: Vec<Purpose>,
    /// Special-category and criminal-offence data with their conditions (columns 13, 26).
    #[serde(default)]
    pub special_category: Vec<SpecialData>,
    /// Systems holding the data (column 20, location).
    #[serde(default)]
    pub system_ids: Vec<String>,
    /// Processors handling it (column 7, link to contract).
    #[serde(default)]
    pub processor_ids: Vec<String>,
    /// Transfers outside the UK (columns 8, 9).
    #[serde(default)]
    pub transfer_ids: Vec<String>,
    /// Data sharing agreements it relies on (recipients).
    #[serde(default)]
    pub sharing_agreement_ids: Vec<String>,
    /// Privacy notice versions that tell people about it.
    #[serde(default)]
    pub notice_ids: Vec<String>,
    /// Record types of the retention schedule in force that govern it (column 10).
    #[serde(default)]
    pub retention_record_types: Vec<String>,
    /// Safeguards for exceptional transfers (column 9), where an Art 49 derogation is used.
    #[serde(default)]
    pub exceptional_transfer_safeguards: String,
    /// General description of the technical and organisational security measures (column 11).
    #[serde(default)]
    pub security_measures: String,
    /// Automated decision-making, including profiling (column 17); empty if none.
    #[serde(default)]
    pub automated_decisions: String,
    /// Where the data comes from (column 18).
    #[serde(default)]
    pub source: String,
    /// Where the data is (column 20), beyond the linked systems.
    #[serde(default)]
    pub location: String,
    /// Whether a DPIA is required (column 21).
    #[serde(default)]
    pub dpia_required: DpiaRequired,
    /// DPIA progress (column 22).
    #[serde(default)]
    pub dpia_progress: String,
    /// Where the DPIA is (column 23).
    #[serde(default)]
    pub dpia_link: String,
    /// Where the retention and erasure policy document is (column 28).
    #[serde(default)]
    pub retention_policy_link: String,
    /// Whether the data is retained and erased as that policy says (column 29).
    #[serde(default)]
    pub retained_per_policy: Option<bool>,
    /// Why not, if it is not (column 30).
    #[serde(default)]
    pub not_retained_reason: String,
    /// Health and care: confidential patient information used beyond individual care, so
    /// the national data opt-out applies.
    #[serde(default)]
    pub national_data_opt_out: bool,
    /// Notes.
    #[serde(default)]
    pub notes: String,
}

/// What follows from an activity's entries rather than being typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ActivityDerived {
    /// The rights people have over this processing, from its lawful bases (UK GDPR
    /// Arts 7(3), 15-22; ICO "A guide to individual rights").
    pub rights: Vec<Right>,
}

impl Activity {
    /// The Art 6(1) bases of its purposes that parse.
    pub fn bases(&self) -> Vec<LawfulBasis> {
        let mut out: Vec<LawfulBasis> = Vec::new();
        for p in &self.purposes {
            if let Some(b) = LawfulBasis::parse(p.lawful_basis.trim())
                && !out.contains(&b)
            {
                out.push(b);
            }
        }
        out
    }
}

impl Entry for Activity {
    const KIND: RegisterKind = RegisterKind::Activity;
    type Derived = ActivityDerived;

    fn derive(&self, _today: jiff::civil::Date) -> ActivityDerived {
        ActivityDerived { rights: lawful_basis::rights(&self.bases()) }
    }

    fn validate(self) -> Result<Self, Vec<FieldError>> {
        let mut e = Vec::new();
        let mut purposes = Vec::new();
        for (i, p) in self.purposes.iter().enumerate() {
            let at = |f: &str| format!("purposes[{i}].{f}");
            purposes.push(Purpose {
                purpose: field(&at("purpose"), &p.purpose, MAX_NOTE, false, &mut e),
                lawful_basis: p.lawful_basis.trim().to_string(),
                legitimate_interest: field(&at("legitimate_interest"), &p.legitimate_interest, MAX_NOTE, false, &mut e),
                lia_link: field(&at("lia_link"), &p.lia_link, MAX_NOTE, false, &mut e),
                consent_purpose: field(&at("consent_purpose"), &p.consent_purpose, MAX_NAME, false, &mut e),
            });
        }
        let special: Vec<SpecialData> = self
            .special_category
            .iter()
            .map(|s| SpecialData {
                category: s.category.trim().to_string(),
                art9_condition: s.art9_condition.trim().to_string(),
                schedule1_condition: s.schedule1_condition.trim().to_string(),
                policy_document: s.policy_document,
            })
            .collect();
        for (i, s) in special.iter().enumerate() {
            if special[..i].iter().any(|o| o.category == s.category) {
                e.push(FieldError::new(
                    format!("special_category[{i}].category"),
                    "is listed twice: give each kind of data once, with its conditions",
                ));
            }
        }
        // Art 30(2): a processor's record holds no lawful basis (the controller's choice).
        let purpose_inputs: Vec<PurposeInput> = purposes
            .iter()
            .map(|p| PurposeInput {
                purpose: p.purpose.clone(),
                lawful_basis: p.lawful_basis.clone(),
                legitimate_interest: p.legitimate_interest.clone(),
                consent_purpose: p.consent_purpose.clone(),
            })
            .collect();
        let special_inputs: Vec<SpecialInput> = special
            .iter()
            .map(|s| SpecialInput {
                category: s.category.clone(),
                art9_condition: s.art9_condition.clone(),
                schedule1_condition: s.schedule1_condition.clone(),
                policy_document: s.policy_document,
            })
            .collect();
        let law = lawful_basis::check(&purpose_inputs, &special_inputs);
        match self.record {
            RecordKind::Controller => e.extend(law),
            RecordKind::Processor => e.extend(law.into_iter().filter(|f| f.field != "purposes")),
        }
        let out = Activity {
            name: field("name", &self.name, MAX_NAME, true, &mut e),
            record: self.record,
            business_function: field("business_function", &self.business_function, MAX_NAME, false, &mut e),
            controller_ids: ids("controller_ids", &self.controller_ids, &mut e),
            joint_controller: field("joint_controller", &self.joint_controller, MAX_NOTE, false, &mut e),
            processing_for: field("processing_for", &self.processing_for, MAX_NOTE, false, &mut e),
            subject_categories: words("subject_categories", &self.subject_categories, &mut e),
            data_categories: words("data_categories", &self.data_categories, &mut e),
            recipients: words("recipients", &self.recipients, &mut e),
            purposes,
            special_category: special,
            system_ids: ids("system_ids", &self.system_ids, &mut e),
            processor_ids: ids("processor_ids", &self.processor_ids, &mut e),
            transfer_ids: ids("transfer_ids", &self.transfer_ids, &mut e),
            sharing_agreement_ids: ids("sharing_agreement_ids", &self.sharing_agreement_ids, &mut e),
            notice_ids: ids("notice_ids", &self.notice_ids, &mut e),
            retention_record_types: ids("retention_record_types", &self.retention_record_types, &mut e),
            exceptional_transfer_safeguards: field(
                "exceptional_transfer_safeguards",
                &self.exceptional_transfer_safeguards,
                MAX_NOTE,
                false,
                &mut e,
            ),
            security_measures: field("security_measures", &self.security_measures, MAX_NOTE, false, &mut e),
            automated_decisions: field("automated_decisions", &self.automated_decisions, MAX_NOTE, false, &mut e),
            source: field("source", &self.source, MAX_NOTE, false, &mut e),
            location: field("location", &self.location, MAX_NOTE, false, &mut e),
            dpia_required: self.dpia_required,
            dpia_progress: field("dpia_progress", &self.dpia_progress, MAX_NOTE, false, &mut e),
            dpia_link: field("dpia_link", &self.dpia_link, MAX_NOTE, false, &mut e),
            retention_policy_link: field("retention_policy_link", &self.retention_policy_link, MAX_NOTE, false, &mut e),
            retained_per_policy: self.retained_per_policy,
            not_retained_reason: field("not_retained_reason", &self.not_retained_reason, MAX_NOTE, false, &mut e),
            national_data_opt_out: self.national_data_opt_out,
            notes: field("notes", &self.notes, MAX_NOTE, false, &mut e),
        };
        if out.retained_per_policy == Some(false) && out.not_retained_reason.is_empty() {
            e.push(FieldError::new(
                "not_retained_reason",
                "say why the data is not retained and erased as the policy document says (DPA 2018 Schedule 1 \
                 para 41(c))",
            ));
        }
        if e.is_empty() { Ok(out) } else { Err(e) }
    }

    fn title(&self) -> &str {
        &self.name
    }

    fn links(&self) -> Vec<Link> {
        let reg = |k| LinkTarget::Register(k);
        let mut out = links("controller_ids", &self.controller_ids, reg(RegisterKind::Organisation));
        out.extend(links("system_ids", &self.system_ids, LinkTarget::System));
        out.extend(links("processor_ids", &self.processor_ids, reg(RegisterKind::Processor)));
        out.extend(links("transfer_ids", &self.transfer_ids, reg(RegisterKind::Transfer)));
        out.extend(links("sharing_agreement_ids", &self.sharing_agreement_ids, reg(RegisterKind::SharingAgreement)));
        out.extend(links("notice_ids", &self.notice_ids, reg(RegisterKind::Notice)));
        out.extend(links("retention_record_types", &self.retention_record_types, LinkTarget::RecordType));
        out
    }
}

#[cfg(test)]
mod tests;
