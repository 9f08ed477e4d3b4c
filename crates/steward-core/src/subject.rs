//! Data subjects: the people an organisation holds data about, their validation,
//! and the normalised terms their blind indexes are built from.

use crate::{CoreError, normalise};
use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize};
use std::{collections::BTreeSet, fmt, str::FromStr};
use utoipa::ToSchema;

mod index;

pub use index::{IndexKind, index_terms, reference_term, surname_dob_term};

/// The kind of relationship an organisation has with a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Current tenant.
    Tenant,
    /// Former tenant.
    FormerTenant,
    /// Applicant (housing, employment or volunteering).
    Applicant,
    /// Person receiving a service.
    ServiceUser,
    /// Member of a service user's family.
    FamilyMember,
    /// Child (under 18).
    Child,
    /// Employee.
    Employee,
    /// Former employee.
    FormerEmployee,
    /// Volunteer.
    Volunteer,
    /// Trustee.
    Trustee,
    /// Board member.
    BoardMember,
    /// Contact at a supplier.
    SupplierContact,
    /// Anyone else.
    Other,
}

impl Category {
    /// Every category, in display order.
    pub const ALL: [Category; 13] = [
        Category::Tenant,
        Category::FormerTenant,
        Category::Applicant,
        Category::ServiceUser,
        Category::FamilyMember,
        Category::Child,
        Category::Employee,
        Category::FormerEmployee,
        Category::Volunteer,
        Category::Trustee,
        Category::BoardMember,
        Category::SupplierContact,
        Category::Other,
    ];

    /// Stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Tenant => "tenant",
            Category::FormerTenant => "former_tenant",
            Category::Applicant => "applicant",
            Category::ServiceUser => "service_user",
            Category::FamilyMember => "family_member",
            Category::Child => "child",
            Category::Employee => "employee",
            Category::FormerEmployee => "former_employee",
            Category::Volunteer => "volunteer",
            Category::Trustee => "trustee",
            Category::BoardMember => "board_member",
            Category::SupplierContact => "supplier_contact",
            Category::Other => "other",
        }
    }

    /// Name for people.
    pub fn label(self) -> &'static str {
        match self {
            Category::Tenant => "Tenant",
            Category::FormerTenant => "Former tenant",
            Category::Applicant => "Applicant",
            Category::ServiceUser => "Service user",
            Category::FamilyMember => "Family member",
            Category::Child => "Child",
            Category::Employee => "Employee",
            Category::FormerEmployee => "Former employee",
            Category::Volunteer => "Volunteer",
            Category::Trustee => "Trustee",
            Category::BoardMember => "Board member",
            Category::SupplierContact => "Supplier contact",
            Category::Other => "Other",
        }
    }
}

impl Category {
    /// Whether a register's word for a category of people ("Tenants", "former tenants",
    /// "Children", "service_user") names this category: case, spaces, `_` and `-` are
    /// ignored and a plural last word counts as its singular. The record of processing
    /// describes categories of data subjects in its own words (UK GDPR Art 30(1)(c)).
    pub fn named_by(self, word: &str) -> bool {
        normal_category(word) == normal_category(self.label())
    }
}

/// A category word in one form: lower case, single spaces, the last word singular.
fn normal_category(word: &str) -> String {
    let lower = word.to_lowercase().replace(['_', '-'], " ");
    let mut words: Vec<&str> = lower.split_whitespace().collect();
    let last = words.pop().unwrap_or_default();
    let single = match last {
        "children" => "child".to_string(),
        "people" => "person".to_string(),
        "staff" => "employee".to_string(),
        w if w.len() > 4 && w.ends_with("ies") => format!("{}y", &w[..w.len() - 3]),
        w if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") => w[..w.len() - 1].to_string(),
        w => w.to_string(),
    };
    words.push(&single);
    words.join(" ")
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::ALL.into_iter().find(|c| c.as_str() == s).ok_or_else(|| CoreError::Unknown {
            kind: "category",
            value: s.chars().take(40).collect(),
            expected: Category::ALL.map(Category::as_str).join(", "),
        })
    }
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// Address lines, first line first (house and street, locality, town).
    #[serde(default)]
    pub lines: Vec<String>,
    /// UK postcode, normalised to `IP1 1AA`.
    #[serde(default)]
    pub postcode: Option<String>,
}

/// External identifiers a person is known by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Identifiers {
    /// National Insurance number, normalised `AB123456C`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ni_number: Option<String>,
    /// NHS number, ten digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nhs_number: Option<String>,
    /// Tenancy reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenancy_number: Option<String>,
    /// Customer reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_number: Option<String>,
    /// Employee number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_number: Option<String>,
    /// Volunteer number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volunteer_number: Option<String>,
}

/// Special-category data (UK GDPR Art 9(1)) and personal data relating to criminal
/// convictions and offences (Art 10), as free text under each heading. Sealed with the
/// rest of the subject's personal data; shown only to someone whose role grants it and
/// whose data-protection training is current (Art 9(2)(b) with DPA 2018 Sch 1 para 1
/// and Part 4 "appropriate policy document"; Art 32(4)). Every key is optional; an
/// unknown key is refused.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpecialCategory {
    /// Racial or ethnic origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub racial_or_ethnic_origin: Option<String>,
    /// Political opinions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub political_opinions: Option<String>,
    /// Religious or philosophical beliefs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub religious_or_philosophical_beliefs: Option<String>,
    /// Trade union membership.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trade_union_membership: Option<String>,
    /// Genetic data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub genetic: Option<String>,
    /// Biometric data used to identify the person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biometric: Option<String>,
    /// Data concerning health.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<String>,
    /// Data concerning sex life.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex_life: Option<String>,
    /// Sexual orientation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sexual_orientation: Option<String>,
    /// Criminal convictions and offences or related security measures (Art 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criminal_offence: Option<String>,
}

/// Debug output never shows special-category data.
impl fmt::Debug for SpecialCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SpecialCategory { .. redacted .. }")
    }
}

impl SpecialCategory {
    /// The headings in the order of Art 9(1), then Art 10: the JSON key and the name
    /// people read.
    pub const HEADINGS: [(&'static str, &'static str); 10] = [
        ("racial_or_ethnic_origin", "Racial or ethnic origin"),
        ("political_opinions", "Political opinions"),
        ("religious_or_philosophical_beliefs", "Religious or philosophical beliefs"),
        ("trade_union_membership", "Trade union membership"),
        ("genetic", "Genetic data"),
        ("biometric", "Biometric data (used to identify them)"),
        ("health", "Health"),
        ("sex_life", "Sex life"),
        ("sexual_orientation", "Sexual orientation"),
        ("criminal_offence", "Criminal convictions and offences"),
    ];

    fn slots(&self) -> [&Option<String>; 10] {
        [
            &self.racial_or_ethnic_origin,
            &self.political_opinions,
            &self.religious_or_philosophical_beliefs,
            &self.trade_union_membership,
            &self.genetic,
            &self.biometric,
            &self.health,
            &self.sex_life,
            &self.sexual_orientation,
            &self.criminal_offence,
        ]
    }

    fn slots_mut(&mut self) -> [&mut Option<String>; 10] {
        [
            &mut self.racial_or_ethnic_origin,
            &mut self.political_opinions,
            &mut self.religious_or_philosophical_beliefs,
            &mut self.trade_union_membership,
            &mut self.genetic,
            &mut self.biometric,
            &mut self.health,
            &mut self.sex_life,
            &mut self.sexual_orientation,
            &mut self.criminal_offence,
        ]
    }

    /// Each heading with its key, name and text (empty when none is recorded).
    pub fn entries(&self) -> Vec<(&'static str, &'static str, &str)> {
        Self::HEADINGS
            .iter()
            .zip(self.slots())
            .map(|((key, label), v)| (*key, *label, v.as_deref().unwrap_or("")))
            .collect()
    }

    /// Set the text under `key` (one of [`SpecialCategory::HEADINGS`]); `false` for an
    /// unknown key.
    pub fn set(&mut self, key: &str, value: Option<String>) -> bool {
        match Self::HEADINGS.iter().position(|(k, _)| *k == key) {
            Some(i) => {
                let slots = self.slots_mut();
                *slots[i] = value;
                true
            }
            None => false,
        }
    }

    /// Whether nothing is recorded under any heading.
    pub fn is_empty(&self) -> bool {
        self.slots().iter().all(|v| v.is_none())
    }

    /// Trimmed, checked text under each heading (blank text is none); `None` when
    /// nothing is left. Values are never echoed in errors.
    pub fn validate(&self) -> Result<Option<SpecialCategory>, CoreError> {
        let mut out = SpecialCategory::default();
        for (((key, _), v), slot) in Self::HEADINGS.iter().zip(self.slots()).zip(out.slots_mut()) {
            if let Some(text) = v {
                let t = check_text(&format!("special_category.{key}"), text, limits::SPECIAL_CATEGORY)?;
                *slot = (!t.is_empty()).then_some(t);
            }
        }
        Ok((!out.is_empty()).then_some(out))
    }
}

/// Everything personal about a subject: this whole value is encrypted at rest with
/// the subject's own data key and never stored in plaintext.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PersonalData {
    /// Given name(s).
    #[serde(default)]
    pub given_name: String,
    /// Family name.
    #[serde(default)]
    pub family_name: String,
    /// Aliases, former and other names.
    #[serde(default)]
    pub other_names: Vec<String>,
    /// Date of birth.
    #[serde(default)]
    pub date_of_birth: Option<Date>,
    /// Email addresses, normalised.
    #[serde(default)]
    pub emails: Vec<String>,
    /// Phone numbers, E.164.
    #[serde(default)]
    pub phones: Vec<String>,
    /// Postal addresses.
    #[serde(default)]
    pub addresses: Vec<Address>,
    /// External identifiers.
    #[serde(default)]
    pub identifiers: Identifiers,
    /// Free notes.
    #[serde(default)]
    pub notes: Option<String>,
    /// Special-category and criminal-offence data, if any is recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub special_category: Option<SpecialCategory>,
}

/// Debug output never shows personal data.
impl fmt::Debug for PersonalData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PersonalData { .. redacted .. }")
    }
}

impl PersonalData {
    /// The name people see: given and family name joined, or a placeholder.
    pub fn display_name(&self) -> String {
        let n = format!("{} {}", self.given_name, self.family_name);
        let n = n.trim();
        if n.is_empty() { "(no name)".into() } else { n.to_string() }
    }
}

/// A subject as given by a caller when creating one (API, UI or import).
#[derive(Clone, Serialize, Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSubject {
    /// Given name(s).
    #[serde(default)]
    pub given_name: String,
    /// Family name.
    #[serde(default)]
    pub family_name: String,
    /// Aliases, former and other names.
    #[serde(default)]
    pub other_names: Vec<String>,
    /// Date of birth, `YYYY-MM-DD`.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub date_of_birth: Option<Date>,
    /// Email addresses.
    #[serde(default)]
    pub emails: Vec<String>,
    /// Phone numbers in any UK or international format.
    #[serde(default)]
    pub phones: Vec<String>,
    /// Postal addresses.
    #[serde(default)]
    pub addresses: Vec<Address>,
    /// External identifiers.
    #[serde(default)]
    pub identifiers: Identifiers,
    /// Categories of data subject.
    #[serde(default)]
    pub categories: Vec<Category>,
    /// Free notes.
    #[serde(default)]
    pub notes: Option<String>,
    /// Special-category and criminal-offence data (UK GDPR Art 9(1), Art 10).
    #[serde(default)]
    pub special_category: Option<SpecialCategory>,
}

impl fmt::Debug for NewSubject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewSubject { .. redacted .. }")
    }
}

/// Changes to a subject: each field given replaces the stored value; `null` clears
/// a field that may be empty.
#[derive(Clone, Serialize, Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectPatch {
    /// New given name.
    #[serde(default)]
    pub given_name: Option<String>,
    /// New family name.
    #[serde(default)]
    pub family_name: Option<String>,
    /// New list of other names.
    #[serde(default)]
    pub other_names: Option<Vec<String>>,
    /// New date of birth, or `null` to clear it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub date_of_birth: Option<Option<Date>>,
    /// New email list.
    #[serde(default)]
    pub emails: Option<Vec<String>>,
    /// New phone list.
    #[serde(default)]
    pub phones: Option<Vec<String>>,
    /// New address list.
    #[serde(default)]
    pub addresses: Option<Vec<Address>>,
    /// New identifiers (replaces them all).
    #[serde(default)]
    pub identifiers: Option<Identifiers>,
    /// New categories.
    #[serde(default)]
    pub categories: Option<Vec<Category>>,
    /// New notes, or `null` to clear them.
    #[serde(default, deserialize_with = "double_option")]
    pub notes: Option<Option<String>>,
    /// New special-category data (replaces it all), or `null` to clear it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<SpecialCategory>)]
    pub special_category: Option<Option<SpecialCategory>>,
}

impl fmt::Debug for SubjectPatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SubjectPatch { .. redacted .. }")
    }
}

fn double_option<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

impl SubjectPatch {
    /// The names of the fields this patch changes (for the audit log: names, never values).
    pub fn changed_fields(&self) -> Vec<&'static str> {
        let mut f = Vec::new();
        let pairs: [(&'static str, bool); 11] = [
            ("given_name", self.given_name.is_some()),
            ("family_name", self.family_name.is_some()),
            ("other_names", self.other_names.is_some()),
            ("date_of_birth", self.date_of_birth.is_some()),
            ("emails", self.emails.is_some()),
            ("phones", self.phones.is_some()),
            ("addresses", self.addresses.is_some()),
            ("identifiers", self.identifiers.is_some()),
            ("categories", self.categories.is_some()),
            ("notes", self.notes.is_some()),
            ("special_category", self.special_category.is_some()),
        ];
        for (name, set) in pairs {
            if set {
                f.push(name);
            }
        }
        f
    }

    /// Apply this patch to the current values, giving a full subject to validate again.
    pub fn apply(self, current: &PersonalData, categories: &[Category]) -> NewSubject {
        let c = current.clone();
        NewSubject {
            given_name: self.given_name.unwrap_or(c.given_name),
            family_name: self.family_name.unwrap_or(c.family_name),
            other_names: self.other_names.unwrap_or(c.other_names),
            date_of_birth: self.date_of_birth.unwrap_or(c.date_of_birth),
            emails: self.emails.unwrap_or(c.emails),
            phones: self.phones.unwrap_or(c.phones),
            addresses: self.addresses.unwrap_or(c.addresses),
            identifiers: self.identifiers.unwrap_or(c.identifiers),
            categories: self.categories.unwrap_or_else(|| categories.to_vec()),
            notes: self.notes.unwrap_or(c.notes),
            special_category: self.special_category.unwrap_or(c.special_category),
        }
    }
}

/// Limits on sizes, so that no single subject can exhaust memory or storage.
pub mod limits {
    /// Longest name, alias, address line or reference (characters).
    pub const TEXT: usize = 200;
    /// Longest notes (characters).
    pub const NOTES: usize = 20_000;
    /// Longest text under one special-category heading (characters).
    pub const SPECIAL_CATEGORY: usize = 5_000;
    /// Most entries in any list (emails, phones, other names, addresses, address lines).
    pub const LIST: usize = 20;
    /// Earliest plausible date of birth.
    pub const EARLIEST_BIRTH_YEAR: i16 = 1890;
}

fn check_text(field: &str, value: &str, max: usize) -> Result<String, CoreError> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(CoreError::invalid(field, format!("is too long (at most {max} characters)")));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(CoreError::invalid(field, "contains control characters"));
    }
    Ok(v.to_string())
}

fn check_list<T>(field: &str, list: &[T]) -> Result<(), CoreError> {
    if list.len() > limits::LIST {
        return Err(CoreError::invalid(field, format!("has too many entries (at most {})", limits::LIST)));
    }
    Ok(())
}

fn check_ref(field: &str, v: &Option<String>) -> Result<Option<String>, CoreError> {
    match v {
        None => Ok(None),
        Some(s) => {
            let s = check_text(field, s, 64)?;
            Ok(if s.is_empty() { None } else { Some(s) })
        }
    }
}

/// A validated subject: normalised personal data plus its categories.
#[derive(Clone, Debug)]
pub struct ValidSubject {
    /// The personal data, to be encrypted.
    pub personal: PersonalData,
    /// Categories, sorted and de-duplicated.
    pub categories: Vec<Category>,
}

impl NewSubject {
    /// Validate and normalise. `today` bounds the date of birth. The first problem found
    /// is returned, naming the field; values are never echoed.
    pub fn validate(self, today: Date) -> Result<ValidSubject, CoreError> {
        let given_name = check_text("given_name", &self.given_name, limits::TEXT)?;
        let family_name = check_text("family_name", &self.family_name, limits::TEXT)?;
        if given_name.is_empty() && family_name.is_empty() {
            return Err(CoreError::invalid("family_name", "a given name or a family name is required"));
        }
        check_list("other_names", &self.other_names)?;
        let mut other_names = Vec::new();
        for (i, n) in self.other_names.iter().enumerate() {
            let n = check_text(&format!("other_names[{i}]"), n, limits::TEXT)?;
            if !n.is_empty() && !other_names.contains(&n) {
                other_names.push(n);
            }
        }
        if let Some(dob) = self.date_of_birth {
            if dob > today {
                return Err(CoreError::invalid("date_of_birth", "is in the future"));
            }
            if dob.year() < limits::EARLIEST_BIRTH_YEAR {
                return Err(CoreError::invalid("date_of_birth", format!("is before {}", limits::EARLIEST_BIRTH_YEAR)));
            }
        }
        check_list("emails", &self.emails)?;
        let mut emails = Vec::new();
        for (i, e) in self.emails.iter().enumerate() {
            let e = normalise::email(&format!("emails[{i}]"), e)?;
            if !emails.contains(&e) {
                emails.push(e);
            }
        }
        check_list("phones", &self.phones)?;
        let mut phones = Vec::new();
        for (i, p) in self.phones.iter().enumerate() {
            let p = normalise::phone(&format!("phones[{i}]"), p)?;
            if !phones.contains(&p) {
                phones.push(p);
            }
        }
        check_list("addresses", &self.addresses)?;
        let mut addresses = Vec::new();
        for (i, a) in self.addresses.iter().enumerate() {
            check_list(&format!("addresses[{i}].lines"), &a.lines)?;
            let mut lines = Vec::new();
            for (j, l) in a.lines.iter().enumerate() {
                let l = check_text(&format!("addresses[{i}].lines[{j}]"), l, limits::TEXT)?;
                if !l.is_empty() {
                    lines.push(l);
                }
            }
            let postcode = match a.postcode.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(p) => Some(normalise::postcode(&format!("addresses[{i}].postcode"), p)?),
            };
            if lines.is_empty() && postcode.is_none() {
                return Err(CoreError::invalid(format!("addresses[{i}]"), "needs at least one line or a postcode"));
            }
            addresses.push(Address { lines, postcode });
        }
        let ids = &self.identifiers;
        let identifiers = Identifiers {
            ni_number: match ids.ni_number.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(v) => Some(normalise::ni_number("identifiers.ni_number", v)?),
            },
            nhs_number: match ids.nhs_number.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(v) => Some(normalise::nhs_number("identifiers.nhs_number", v)?),
            },
            tenancy_number: check_ref("identifiers.tenancy_number", &ids.tenancy_number)?,
            customer_number: check_ref("identifiers.customer_number", &ids.customer_number)?,
            employee_number: check_ref("identifiers.employee_number", &ids.employee_number)?,
            volunteer_number: check_ref("identifiers.volunteer_number", &ids.volunteer_number)?,
        };
        let notes = match &self.notes {
            None => None,
            Some(n) => {
                let n = check_text("notes", n, limits::NOTES)?;
                if n.is_empty() { None } else { Some(n) }
            }
        };
        let special_category = match &self.special_category {
            None => None,
            Some(sc) => sc.validate()?,
        };
        let categories: BTreeSet<Category> = self.categories.into_iter().collect();
        Ok(ValidSubject {
            personal: PersonalData {
                given_name,
                family_name,
                other_names,
                date_of_birth: self.date_of_birth,
                emails,
                phones,
                addresses,
                identifiers,
                notes,
                special_category,
            },
            categories: categories.into_iter().collect(),
        })
    }
}

/// How two subjects are related.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// The first subject is a parent (or person with parental responsibility) of the second.
    ParentOf,
    /// The two live in one household.
    Household,
}

impl LinkKind {
    /// Stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::ParentOf => "parent_of",
            LinkKind::Household => "household",
        }
    }
}

impl FromStr for LinkKind {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "parent_of" => Ok(LinkKind::ParentOf),
            "household" => Ok(LinkKind::Household),
            _ => Err(CoreError::Unknown {
                kind: "link kind",
                value: s.chars().take(40).collect(),
                expected: "parent_of, household".into(),
            }),
        }
    }
}

#[cfg(test)]
mod tests;
