//! The register of data sharing agreements: each arrangement to share personal data with
//! other controllers (a council, the police, a health trust), with the parties, the purpose,
//! the data shared, the lawful basis, the DPO's approval, what each party does in a breach,
//! and when the agreement is next reviewed.
//!
//! Sources: the ICO "Data sharing code of practice" (2021), a statutory code under DPA 2018
//! s121 that courts and the ICO take into account (s127): its sections "Data sharing
//! agreements" (parties, purpose, data, lawful basis, breach and review arrangements) and
//! "Accountability" (review the sharing regularly); UK GDPR Art 6(1) (a lawful basis for
//! the disclosure), Art 5(2) (showing compliance), Art 30(1)(d) (recipients in the record).

use super::dates::{days_until, passed};
use super::entry::{Entry, Link, LinkTarget, RegisterKind, field, ids, links, words};
use super::lawful_basis::LawfulBasis;
use super::{MAX_NAME, MAX_NOTE};
use crate::FieldError;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A data sharing agreement as recorded, and as the API receives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SharingAgreement {
    /// Title, unique in the register ("Anti-social behaviour information sharing protocol").
    pub title: String,
    /// The other parties to it (at least one): "Northgate City Council", "Northshire Police".
    pub parties: Vec<String>,
    /// What the sharing is for (required; Art 5(1)(b)).
    pub purpose: String,
    /// The categories of personal data shared ("Tenancy details", "Incident reports").
    #[serde(default)]
    pub data_shared: Vec<String>,
    /// The Art 6(1) basis for the sharing: `consent`, `contract`, `legal_obligation`,
    /// `vital_interests`, `public_task`, `legitimate_interests` or
    /// `recognised_legitimate_interest` (required).
    pub lawful_basis: String,
    /// When it was signed.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub signed_on: Option<Date>,
    /// Who approved it for the data protection officer (name and role).
    #[serde(default)]
    pub approved_by_dpo: String,
    /// When it was approved.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub approved_on: Option<Date>,
    /// When it is next to be reviewed.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub review_on: Option<Date>,
    /// What each party must do, and whom it must tell, if there is a breach.
    #[serde(default)]
    pub breach_duties: String,
    /// Where the signed agreement is: a link or a reference.
    #[serde(default)]
    pub document: String,
    /// The processing activities whose data is shared under it.
    #[serde(default)]
    pub activity_ids: Vec<String>,
    /// Notes.
    #[serde(default)]
    pub notes: String,
}

/// What follows from a sharing agreement's entries rather than being typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SharingAgreementDerived {
    /// The review date has passed (ICO Data sharing code of practice: review the sharing
    /// regularly).
    pub review_overdue: bool,
    /// Days until the review date (negative once it has passed); none if not recorded.
    pub review_in_days: Option<i64>,
}

impl Entry for SharingAgreement {
    const KIND: RegisterKind = RegisterKind::SharingAgreement;
    type Derived = SharingAgreementDerived;

    fn derive(&self, today: Date) -> SharingAgreementDerived {
        SharingAgreementDerived {
            review_overdue: passed(today, self.review_on),
            review_in_days: self.review_on.map(|d| days_until(today, d)),
        }
    }

    fn validate(self) -> Result<Self, Vec<FieldError>> {
        let mut e = Vec::new();
        let title = field("title", &self.title, MAX_NAME, true, &mut e);
        let parties = words("parties", &self.parties, &mut e);
        if parties.is_empty() && !e.iter().any(|f| f.field.starts_with("parties")) {
            e.push(FieldError::new(
                "parties",
                "name at least one other organisation the data is shared with (ICO Data sharing code of practice, \
                 \"Data sharing agreements\"; UK GDPR Art 30(1)(d))",
            ));
        }
        let purpose = field("purpose", &self.purpose, MAX_NOTE, true, &mut e);
        let data_shared = words("data_shared", &self.data_shared, &mut e);
        let lawful_basis = self.lawful_basis.trim().to_string();
        match LawfulBasis::parse(&lawful_basis) {
            Some(_) => {}
            None if lawful_basis.is_empty() => e.push(FieldError::new(
                "lawful_basis",
                "choose the Art 6(1) lawful basis for the sharing: disclosing personal data without one is \
                 unlawful (UK GDPR Art 6(1))",
            )),
            None => e.push(FieldError::new(
                "lawful_basis",
                "is not a lawful basis: use consent, contract, legal_obligation, vital_interests, public_task, \
                 legitimate_interests or recognised_legitimate_interest (UK GDPR Art 6(1))",
            )),
        }
        let out = SharingAgreement {
            title,
            parties,
            purpose,
            data_shared,
            lawful_basis,
            signed_on: self.signed_on,
            approved_by_dpo: field("approved_by_dpo", &self.approved_by_dpo, MAX_NAME, false, &mut e),
            approved_on: self.approved_on,
            review_on: self.review_on,
            breach_duties: field("breach_duties", &self.breach_duties, MAX_NOTE, false, &mut e),
            document: field("document", &self.document, MAX_NOTE, false, &mut e),
            activity_ids: ids("activity_ids", &self.activity_ids, &mut e),
            notes: field("notes", &self.notes, MAX_NOTE, false, &mut e),
        };
        if out.approved_on.is_some()
            && out.approved_by_dpo.is_empty()
            && !e.iter().any(|f| f.field == "approved_by_dpo")
        {
            e.push(FieldError::new(
                "approved_by_dpo",
                "say who approved the agreement, since an approval date is given (UK GDPR Art 5(2), Art 39(1)(a))",
            ));
        }
        if e.is_empty() { Ok(out) } else { Err(e) }
    }

    fn title(&self) -> &str {
        &self.title
    }

    fn links(&self) -> Vec<Link> {
        links("activity_ids", &self.activity_ids, LinkTarget::Register(RegisterKind::Activity))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn asb_protocol() -> SharingAgreement {
        SharingAgreement {
            title: "Anti-social behaviour protocol".into(),
            parties: vec![" Northgate City Council ".into(), "Northshire Police".into()],
            purpose: "Preventing and tackling anti-social behaviour on our estates".into(),
            data_shared: vec!["Tenancy details".into(), "Incident reports".into()],
            lawful_basis: "public_task".into(),
            signed_on: Some(date(2024, 1, 15)),
            approved_by_dpo: "Priya Shah, DPO".into(),
            approved_on: Some(date(2024, 1, 10)),
            review_on: Some(date(2027, 1, 15)),
            activity_ids: vec!["act-asb".into()],
            ..SharingAgreement::default()
        }
    }

    #[test]
    fn a_protocol_with_parties_and_a_basis_is_accepted_and_its_review_counted_down() {
        let a = asb_protocol().validate().unwrap();
        assert_eq!(a.parties, ["Northgate City Council", "Northshire Police"]);
        assert_eq!(
            a.derive(date(2026, 12, 7)),
            SharingAgreementDerived { review_overdue: false, review_in_days: Some(39) }
        );
        assert_eq!(
            a.derive(date(2027, 1, 16)),
            SharingAgreementDerived { review_overdue: true, review_in_days: Some(-1) }
        );
        assert_eq!(a.links()[0].target, LinkTarget::Register(RegisterKind::Activity));
    }

    #[test]
    fn no_party_and_no_basis_are_refused_naming_the_code_and_art_6_1() {
        let a = SharingAgreement { parties: vec![" ".into()], lawful_basis: String::new(), ..asb_protocol() };
        let e = a.validate().unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["parties", "lawful_basis"]);
        assert!(e[0].message.contains("Data sharing code of practice"), "{}", e[0].message);
        assert!(e[1].message.contains("Art 6(1)"), "{}", e[1].message);
        let bad = SharingAgreement { lawful_basis: "because".into(), ..asb_protocol() };
        let e = bad.validate().unwrap_err();
        assert!(e[0].message.contains("Art 6(1)") && !e[0].message.contains("because"));
    }

    #[test]
    fn an_approval_date_needs_the_approver_and_the_purpose_is_required() {
        let a = SharingAgreement { approved_by_dpo: String::new(), purpose: " ".into(), ..asb_protocol() };
        let e = a.validate().unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["purpose", "approved_by_dpo"]);
        assert!(
            serde_json::from_str::<SharingAgreement>(
                r#"{"title":"x","parties":[],"purpose":"p","lawful_basis":"consent","dsa":1}"#
            )
            .is_err()
        );
    }
}
