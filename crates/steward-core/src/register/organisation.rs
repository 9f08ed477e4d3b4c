//! The register of organisations: each controller in the installation (one, or the members
//! of a group), with its ICO registration and renewal date, its contact details, its data
//! protection officer and any UK representative, as the Article 30 record's heading and the
//! ICO breach report ask for them.
//!
//! Sources: the Data Protection (Charges and Information) Regulations 2018 (SI 2018/480:
//! a controller pays the ICO's data protection fee for each 12-month charge period, reg 2,
//! and gives the information reg 3 asks for; the ICO lists each fee payer under a
//! registration number); UK GDPR Art 30(1)(a) (the controller's and
//! DPO's name and contact details in the record), Arts 37-39 (the data protection officer),
//! Art 27 (a representative in the UK, for controllers established outside it).

use super::dates::days_until;
use super::entry::{Entry, Link, LinkTarget, RegisterKind, field};
use super::{MAX_NAME, MAX_NOTE};
use crate::{CoreError, FieldError, normalise};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How many days before the renewal date the ICO fee counts as due: the ICO writes to
/// remind fee payers ahead of their renewal, and Steward flags it 30 days out so the fee is
/// paid before the registration lapses (Data Protection (Charges and Information)
/// Regulations 2018, reg 2: the fee is payable for each charge period).
pub const ICO_RENEWAL_WARNING_DAYS: i64 = 30;

/// Length of an ICO registration number (`Z1234567`, `ZA123456`).
pub const ICO_REGISTRATION_LEN: usize = 8;

/// An organisation (controller) as recorded, and as the API receives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// Name, as registered with the ICO ("Northgate Housing Association").
    pub name: String,
    /// The ICO registration number: eight letters and digits, upper case (`Z1234567`,
    /// `ZA123456`), from the ICO's register of fee payers. Stored in upper case.
    #[serde(default)]
    pub ico_registration_number: String,
    /// When the ICO registration (the annual data protection fee) is next due for renewal.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub ico_renewal_on: Option<Date>,
    /// Postal address (Art 30(1)(a)).
    #[serde(default)]
    pub address: String,
    /// Email address for data protection matters; stored in lower case.
    #[serde(default)]
    pub email: String,
    /// Telephone number; stored in international form (`+441632960123`).
    #[serde(default)]
    pub telephone: String,
    /// Name of the data protection officer, if one is designated (Art 37).
    #[serde(default)]
    pub dpo_name: String,
    /// How to contact the DPO, as published and given to the ICO (Art 37(7)).
    #[serde(default)]
    pub dpo_contact: String,
    /// The representative in the UK and how to contact them (Art 27); usually empty for
    /// an organisation established in the UK.
    #[serde(default)]
    pub representative: String,
    /// Another organisation of the group this one belongs to (its parent), if any.
    #[serde(default)]
    pub parent_id: String,
    /// Sector, as the ICO breach report asks for it ("Housing", "Charitable and voluntary").
    #[serde(default)]
    pub sector: String,
    /// Notes.
    #[serde(default)]
    pub notes: String,
}

/// What follows from an organisation's entries rather than being typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OrganisationDerived {
    /// The ICO registration is due for renewal: the renewal date is within
    /// [`ICO_RENEWAL_WARNING_DAYS`] days or has passed (Data Protection (Charges and
    /// Information) Regulations 2018, reg 2). False when no renewal date is recorded.
    pub ico_registration_due: bool,
    /// Days until the renewal date (negative once it has passed); none if not recorded.
    pub ico_renewal_in_days: Option<i64>,
}

/// An ICO registration number tidied (trimmed, upper case), or the problem: eight letters
/// and digits. The check is loose on purpose: the ICO has issued `Z` and seven digits and
/// two letters and six digits (`ZA123456`), and may issue other forms.
fn ico_registration_number(value: &str) -> Result<String, FieldError> {
    let v = value.trim().to_ascii_uppercase();
    if v.is_empty() {
        return Ok(v);
    }
    if v.chars().count() != ICO_REGISTRATION_LEN || !v.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(FieldError::new(
            "ico_registration_number",
            "is not an ICO registration number: eight letters and digits, such as ZA123456, as shown on the \
             ICO's register of fee payers (Data Protection (Charges and Information) Regulations 2018)",
        ));
    }
    Ok(v)
}

/// An optional contact detail normalised by `check`, any problem pushed to `errors`.
fn contact(
    value: &str,
    check: impl Fn(&str) -> Result<String, CoreError>,
    errors: &mut Vec<FieldError>,
    fallback: &str,
) -> String {
    if value.trim().is_empty() {
        return String::new();
    }
    match check(value) {
        Ok(v) => v,
        Err(CoreError::Invalid(e)) => {
            errors.push(e);
            String::new()
        }
        Err(_) => {
            errors.push(FieldError::new(fallback, "is not valid"));
            String::new()
        }
    }
}

impl Entry for Organisation {
    const KIND: RegisterKind = RegisterKind::Organisation;
    type Derived = OrganisationDerived;

    fn derive(&self, today: Date) -> OrganisationDerived {
        let days = self.ico_renewal_on.map(|d| days_until(today, d));
        OrganisationDerived {
            ico_registration_due: days.is_some_and(|d| d <= ICO_RENEWAL_WARNING_DAYS),
            ico_renewal_in_days: days,
        }
    }

    fn validate(self) -> Result<Self, Vec<FieldError>> {
        let mut e = Vec::new();
        let name = field("name", &self.name, MAX_NAME, true, &mut e);
        let ico_registration_number = ico_registration_number(&self.ico_registration_number).unwrap_or_else(|f| {
            e.push(f);
            String::new()
        });
        let out = Organisation {
            name,
            ico_registration_number,
            ico_renewal_on: self.ico_renewal_on,
            address: field("address", &self.address, MAX_NOTE, false, &mut e),
            email: contact(&self.email, |v| normalise::email("email", v), &mut e, "email"),
            telephone: contact(&self.telephone, |v| normalise::phone("telephone", v), &mut e, "telephone"),
            dpo_name: field("dpo_name", &self.dpo_name, MAX_NAME, false, &mut e),
            dpo_contact: field("dpo_contact", &self.dpo_contact, MAX_NOTE, false, &mut e),
            representative: field("representative", &self.representative, MAX_NOTE, false, &mut e),
            parent_id: self.parent_id.trim().to_string(),
            sector: field("sector", &self.sector, MAX_NAME, false, &mut e),
            notes: field("notes", &self.notes, MAX_NOTE, false, &mut e),
        };
        if out.parent_id.len() > 64 {
            e.push(FieldError::new("parent_id", "is not the id of an organisation"));
        }
        if e.is_empty() { Ok(out) } else { Err(e) }
    }

    fn title(&self) -> &str {
        &self.name
    }

    fn links(&self) -> Vec<Link> {
        let id = self.parent_id.trim();
        if id.is_empty() {
            return Vec::new();
        }
        vec![Link {
            field: "parent_id".into(),
            target: LinkTarget::Register(RegisterKind::Organisation),
            id: id.to_string(),
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn northgate() -> Organisation {
        Organisation {
            name: " Northgate Housing Association ".into(),
            ico_registration_number: "za123456".into(),
            ico_renewal_on: Some(date(2026, 12, 31)),
            email: "DPO@Northgate.example".into(),
            telephone: "01632 960123".into(),
            dpo_name: "Priya Shah".into(),
            sector: "Housing".into(),
            ..Organisation::default()
        }
    }

    #[test]
    fn an_organisation_is_tidied_into_the_icos_forms() {
        let o = northgate().validate().unwrap();
        assert_eq!(o.name, "Northgate Housing Association");
        assert_eq!(o.ico_registration_number, "ZA123456");
        assert_eq!(o.email, "dpo@northgate.example");
        assert_eq!(o.telephone, "+441632960123");
        assert!(Organisation { ico_registration_number: "Z1234567".into(), ..northgate() }.validate().is_ok());
    }

    #[test]
    fn a_bad_registration_number_email_and_blank_name_are_refused_together() {
        let o = Organisation {
            name: " ".into(),
            ico_registration_number: "Z12-4567".into(),
            email: "not an email".into(),
            ..northgate()
        };
        let e = o.validate().unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "ico_registration_number", "email"]);
        assert!(e[1].message.contains("Data Protection (Charges and Information) Regulations 2018"));
        assert!(!e[1].message.contains("Z12-4567"), "the value is never repeated");
        let short = Organisation { ico_registration_number: "Z123456".into(), ..northgate() };
        assert_eq!(short.validate().unwrap_err()[0].field, "ico_registration_number");
    }

    #[test]
    fn the_fee_is_due_from_30_days_before_renewal() {
        let o = northgate();
        let d = o.derive(date(2026, 12, 7));
        assert_eq!(d, OrganisationDerived { ico_registration_due: true, ico_renewal_in_days: Some(24) });
        let d = o.derive(date(2026, 12, 1));
        assert_eq!((d.ico_registration_due, d.ico_renewal_in_days), (true, Some(30)));
        let d = o.derive(date(2026, 11, 30));
        assert_eq!((d.ico_registration_due, d.ico_renewal_in_days), (false, Some(31)));
        let d = o.derive(date(2027, 1, 2));
        assert_eq!((d.ico_registration_due, d.ico_renewal_in_days), (true, Some(-2)));
        let none = Organisation { ico_renewal_on: None, ..o }.derive(date(2026, 12, 7));
        assert_eq!(none, OrganisationDerived::default());
    }

    #[test]
    fn the_parent_is_a_link_to_another_organisation() {
        let o = Organisation { parent_id: " grp-1 ".into(), ..northgate() };
        let l = o.links();
        assert_eq!(l.len(), 1);
        assert_eq!(
            (l[0].field.as_str(), l[0].target, l[0].id.as_str()),
            ("parent_id", LinkTarget::Register(RegisterKind::Organisation), "grp-1")
        );
        assert!(northgate().links().is_empty());
        assert!(serde_json::from_str::<Organisation>(r#"{"name":"x","vat":"1"}"#).is_err());
    }
}
