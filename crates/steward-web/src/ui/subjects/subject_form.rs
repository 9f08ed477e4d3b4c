//! The subject form, for adding a subject, changing one and correcting one under a
//! rectification request: names, date of birth, contact details, addresses (a block
//! each), identifiers, categories, notes and, for those who may see it,
//! special-category data; reading it back with every problem, and what changed.

use crate::ui::form::{DateParts, Example, FormErrors, Outcome, Pairs};
use crate::ui::kit::{PageContext, field_label, refusal, sentence};
use askama::Template;
use std::collections::BTreeSet;
use steward_app::{AppError, AppResult, SubjectView};
use steward_core::subject::{
    Address, Category, Identifiers, NewSubject, SpecialCategory, SubjectPatch, limits,
};
use steward_core::{CoreError, FieldError, normalise};

/// One address block of the form; its fields are `address-N-lines` and `address-N-postcode`.
struct AddressBlock {
    number: usize,
    lines_id: String,
    postcode_id: String,
    lines: String,
    postcode: String,
}

impl AddressBlock {
    fn new(i: usize, lines: String, postcode: String) -> Self {
        Self {
            number: i + 1,
            lines_id: format!("address-{i}-lines"),
            postcode_id: format!("address-{i}-postcode"),
            lines,
            postcode,
        }
    }
}

/// A category checkbox.
struct CategoryBox {
    id: String,
    value: &'static str,
    label: &'static str,
    checked: bool,
}

/// The subject form's values, as typed.
#[derive(Default)]
pub(super) struct SubjectForm {
    given_name: String,
    family_name: String,
    other_names: String,
    dob: DateParts,
    emails: String,
    phones: String,
    addresses: Vec<(String, String)>,
    ni_number: String,
    nhs_number: String,
    tenancy_number: String,
    customer_number: String,
    employee_number: String,
    volunteer_number: String,
    categories: Vec<String>,
    notes: String,
    /// The special-category boxes (UK GDPR Art 9, Art 10), in the order of
    /// [`SpecialCategory::HEADINGS`]; `None` when the person may not see them, so the
    /// form neither shows nor sends them.
    special: Option<Vec<SpecialField>>,
}

/// One special-category box on the subject form.
#[derive(Clone)]
struct SpecialField {
    id: String,
    key: &'static str,
    label: &'static str,
    value: String,
}

impl SpecialField {
    /// The boxes for `sc` (empty boxes for none).
    fn all(sc: Option<&SpecialCategory>) -> Vec<SpecialField> {
        let blank = SpecialCategory::default();
        sc.unwrap_or(&blank)
            .entries()
            .into_iter()
            .map(|(key, label, value)| SpecialField {
                id: format!("special_category-{key}"),
                key,
                label,
                value: value.to_string(),
            })
            .collect()
    }
}

impl SubjectForm {
    /// Show (with their current values) or drop the special-category boxes: only
    /// someone who may see special-category data gets them.
    pub(super) fn with_special(mut self, may_see: bool, current: Option<&SpecialCategory>) -> Self {
        self.special = may_see.then(|| SpecialField::all(current));
        self
    }

    /// The special-category boxes as posted, kept only for someone who may see them.
    pub(super) fn special_from_pairs(mut self, p: &Pairs, may_see: bool) -> Self {
        self.special = may_see.then(|| {
            let mut fields = SpecialField::all(None);
            for f in &mut fields {
                f.value = p.value(&f.id).into();
            }
            fields
        });
        self
    }

    pub(super) fn from_pairs(p: &Pairs) -> Self {
        let mut addresses: Vec<(String, String)> = Vec::new();
        for (k, v) in &p.0 {
            let Some(rest) = k.strip_prefix("address-") else { continue };
            let Some((n, part)) = rest.split_once('-') else { continue };
            let Ok(n) = n.parse::<usize>() else { continue };
            if n >= limits::LIST {
                continue;
            }
            if addresses.len() <= n {
                addresses.resize(n + 1, (String::new(), String::new()));
            }
            match part {
                "lines" => addresses[n].0 = v.clone(),
                "postcode" => addresses[n].1 = v.clone(),
                _ => {}
            }
        }
        Self {
            given_name: p.value("given_name").into(),
            family_name: p.value("family_name").into(),
            other_names: p.value("other_names").into(),
            dob: p.date("date_of_birth"),
            emails: p.value("emails").into(),
            phones: p.value("phones").into(),
            addresses,
            ni_number: p.value("ni_number").into(),
            nhs_number: p.value("nhs_number").into(),
            tenancy_number: p.value("tenancy_number").into(),
            customer_number: p.value("customer_number").into(),
            employee_number: p.value("employee_number").into(),
            volunteer_number: p.value("volunteer_number").into(),
            categories: p.all("categories").map(str::to_string).collect(),
            notes: p.value("notes").into(),
            special: None,
        }
    }

    pub(super) fn from_view(v: &SubjectView) -> Self {
        let ids = &v.identifiers;
        let text = |o: &Option<String>| o.clone().unwrap_or_default();
        Self {
            given_name: v.given_name.clone(),
            family_name: v.family_name.clone(),
            other_names: v.other_names.join("\n"),
            dob: DateParts::of_opt(v.date_of_birth),
            emails: v.emails.join("\n"),
            phones: v.phones.join("\n"),
            addresses: v.addresses.iter().map(|a| (a.lines.join("\n"), text(&a.postcode))).collect(),
            ni_number: text(&ids.ni_number),
            nhs_number: ids.nhs_number.as_deref().map(normalise::nhs_display).unwrap_or_default(),
            tenancy_number: text(&ids.tenancy_number),
            customer_number: text(&ids.customer_number),
            employee_number: text(&ids.employee_number),
            volunteer_number: text(&ids.volunteer_number),
            categories: v.categories.iter().map(|c| c.as_str().to_string()).collect(),
            notes: text(&v.notes),
            special: None,
        }
        .with_special(!v.special_category_withheld, v.special_category.as_ref())
    }

    /// Whether more than one address block holds something.
    fn several_addresses(&self) -> bool {
        self.addresses.iter().filter(|(l, p)| !l.trim().is_empty() || !p.trim().is_empty()).count() > 1
    }

    /// The subject to give the application, with the form block of each address it
    /// holds (blank blocks are left out), or every problem found: those of the form
    /// itself, and then the first the rules find in the rest, so that people see them
    /// together.
    pub(super) fn to_new(&self, today: jiff::civil::Date) -> Result<(NewSubject, Vec<usize>), FormErrors> {
        let mut errors = FormErrors::new();
        let date_of_birth = self.dob.optional(&mut errors, "date_of_birth", "Date of birth", Example::Birth);
        let mut categories = Vec::new();
        for c in &self.categories {
            match c.parse::<Category>() {
                Ok(c) => categories.push(c),
                Err(_) => {
                    errors.add("categories", "Choose categories from the list");
                    break;
                }
            }
        }
        let mut blocks = Vec::new();
        let mut addresses = Vec::new();
        for (i, (l, pc)) in self.addresses.iter().enumerate() {
            if l.trim().is_empty() && pc.trim().is_empty() {
                continue;
            }
            blocks.push(i);
            addresses.push(Address { lines: lines(l), postcode: opt(pc) });
        }
        let subject = NewSubject {
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            other_names: lines(&self.other_names),
            date_of_birth,
            emails: lines(&self.emails),
            phones: lines(&self.phones),
            addresses,
            identifiers: Identifiers {
                ni_number: opt(&self.ni_number),
                nhs_number: opt(&self.nhs_number),
                tenancy_number: opt(&self.tenancy_number),
                customer_number: opt(&self.customer_number),
                employee_number: opt(&self.employee_number),
                volunteer_number: opt(&self.volunteer_number),
            },
            categories,
            notes: opt(&self.notes),
            special_category: self.special.as_ref().map(|fields| {
                let mut sc = SpecialCategory::default();
                for f in fields {
                    sc.set(f.key, opt(&f.value));
                }
                sc
            }),
        };
        if errors.is_empty() {
            return Ok((subject, blocks));
        }
        // Check the rest as well, so one round trip shows what else needs changing.
        if let Err(CoreError::Invalid(fe)) = subject.validate(today) {
            let (id, message) = form_error(&fe, &blocks, self.several_addresses());
            if !errors.has(&id) {
                errors.add(id, message);
            }
        }
        Err(errors)
    }
}

/// The form field (its id) and the message for people for an application error about
/// field `path` (`emails[1]`, `identifiers.nhs_number`, `addresses[0].postcode`).
/// `blocks` maps the application's address index to the form's address block.
fn form_error(fe: &FieldError, blocks: &[usize], several_addresses: bool) -> (String, String) {
    let path = fe.field.as_str();
    let base = path.split(['[', '.']).next().unwrap_or(path);
    let id = match base {
        "given_name" | "family_name" | "other_names" | "date_of_birth" | "emails" | "phones" | "categories"
        | "notes" => base.to_string(),
        "special_category" => match path.strip_prefix("special_category.") {
            Some(key) => format!("special_category-{key}"),
            None => "special_category-racial_or_ethnic_origin".to_string(),
        },
        "identifiers" => path.rsplit('.').next().unwrap_or("ni_number").to_string(),
        "addresses" => {
            let index =
                path.strip_prefix("addresses[").and_then(|r| r.split(']').next()).and_then(|n| n.parse::<usize>().ok());
            let block = index.and_then(|i| blocks.get(i).copied()).unwrap_or(0);
            let label = if several_addresses { format!("Address {}", block + 1) } else { "The address".to_string() };
            return if path.ends_with(".postcode") {
                let label = if several_addresses {
                    format!("The postcode of address {}", block + 1)
                } else {
                    "Postcode".to_string()
                };
                (format!("address-{block}-postcode"), sentence(&label, &fe.message))
            } else {
                (format!("address-{block}-lines"), sentence(&label, &fe.message))
            };
        }
        _ => "given_name".to_string(),
    };
    (id, sentence(&field_label(path), &fe.message))
}

/// The application's refusal of the subject form, on its field.
pub(super) fn errors_of(fe: &FieldError, blocks: &[usize], form: &SubjectForm) -> FormErrors {
    let (id, message) = form_error(fe, blocks, form.several_addresses());
    FormErrors::one(id, message)
}

#[derive(Template)]
#[template(path = "pages/subject_form.html")]
pub(super) struct FormPage {
    page: PageContext,
    errors: FormErrors,
    pub(super) heading: String,
    pub(super) action: String,
    pub(super) submit: &'static str,
    pub(super) cancel: String,
    form: SubjectForm,
    addresses: Vec<AddressBlock>,
    categories: Vec<CategoryBox>,
    /// A notice under the heading (correcting under a request, a restriction).
    pub(super) notice: Option<String>,
}

impl FormPage {
    /// The form page: adding a subject, or changing the one `editing` names (id, name).
    pub(super) fn new(page: PageContext, errors: FormErrors, form: SubjectForm, editing: Option<(&str, &str)>) -> Self {
        let mut blocks: Vec<AddressBlock> =
            form.addresses.iter().enumerate().map(|(i, (l, p))| AddressBlock::new(i, l.clone(), p.clone())).collect();
        // Always one empty block to add an address in (up to the limit).
        let has_blank = blocks.last().is_some_and(|b| b.lines.trim().is_empty() && b.postcode.trim().is_empty());
        if !has_blank && blocks.len() < limits::LIST {
            blocks.push(AddressBlock::new(blocks.len(), String::new(), String::new()));
        }
        let categories = Category::ALL
            .iter()
            .enumerate()
            .map(|(i, c)| CategoryBox {
                id: if i == 0 { "categories".into() } else { format!("categories-{}", c.as_str()) },
                value: c.as_str(),
                label: c.label(),
                checked: form.categories.iter().any(|v| v == c.as_str()),
            })
            .collect();
        let (heading, action, submit, cancel) = match editing {
            Some((id, name)) => (
                format!("Change {name}'s details"),
                format!("/subjects/{id}/edit"),
                "Save changes",
                format!("/subjects/{id}"),
            ),
            None => ("Add a subject".to_string(), "/subjects".to_string(), "Add subject", "/subjects".to_string()),
        };
        Self { page, errors, heading, action, submit, cancel, form, addresses: blocks, categories, notice: None }
    }
}

/// The fields that differ between what is stored and what was sent (validated), as a patch.
pub(super) fn diff(current: &SubjectView, new: NewSubject, today: jiff::civil::Date) -> Result<SubjectPatch, CoreError> {
    let sent_special = new.special_category.is_some();
    let v = new.validate(today)?;
    let p = v.personal;
    let mut patch = SubjectPatch::default();
    if p.given_name != current.given_name {
        patch.given_name = Some(p.given_name);
    }
    if p.family_name != current.family_name {
        patch.family_name = Some(p.family_name);
    }
    if p.other_names != current.other_names {
        patch.other_names = Some(p.other_names);
    }
    if p.date_of_birth != current.date_of_birth {
        patch.date_of_birth = Some(p.date_of_birth);
    }
    if p.emails != current.emails {
        patch.emails = Some(p.emails);
    }
    if p.phones != current.phones {
        patch.phones = Some(p.phones);
    }
    if p.addresses != current.addresses {
        patch.addresses = Some(p.addresses);
    }
    if p.identifiers != current.identifiers {
        patch.identifiers = Some(p.identifiers);
    }
    let now: BTreeSet<Category> = current.categories.iter().copied().collect();
    let sent: BTreeSet<Category> = v.categories.iter().copied().collect();
    if now != sent {
        patch.categories = Some(v.categories);
    }
    if p.notes != current.notes {
        patch.notes = Some(p.notes);
    }
    // Only someone shown the special-category data can change it.
    if sent_special && !current.special_category_withheld && p.special_category != current.special_category {
        patch.special_category = Some(p.special_category);
    }
    Ok(patch)
}

/// Save the form over `current`: the form again with every problem (`failed`), done
/// as `unchanged` when nothing differs, or `apply` with the changes (the application's
/// refusal put on its field, a refusal because of the current state on the first
/// field). `done` makes the address to go to from what was done.
pub(super) fn save_changes(
    form: SubjectForm,
    current: &SubjectView,
    apply: impl FnOnce(SubjectPatch) -> AppResult<()>,
    failed: impl FnOnce(FormErrors, SubjectForm) -> Outcome,
    done: impl Fn(&str) -> String,
    today: jiff::civil::Date,
) -> AppResult<Outcome> {
    let (input, blocks) = match form.to_new(today) {
        Ok(v) => v,
        Err(errors) => return Ok(failed(errors, form)),
    };
    let patch = match diff(current, input, today) {
        Ok(p) => p,
        Err(CoreError::Invalid(fe)) => return Ok(failed(errors_of(&fe, &blocks, &form), form)),
        Err(e) => return Err(e.into()),
    };
    if patch.changed_fields().is_empty() {
        return Ok(Outcome::done(done("unchanged")));
    }
    match apply(patch) {
        Ok(()) => Ok(Outcome::done(done("saved"))),
        Err(AppError::Invalid(fe)) => Ok(failed(errors_of(&fe, &blocks, &form), form)),
        // Restricted processing (or a change made meanwhile): said on the form.
        Err(e) => Ok(failed(FormErrors::one("given_name", refusal(e)?), form)),
    }
}

/// The lines of a text box that hold something, trimmed.
fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
}

fn opt(text: &str) -> Option<String> {
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn application_errors_land_on_their_fields() {
        let e = |f: &str| form_error(&FieldError::new(f, "is not valid"), &[0, 2], true);
        assert_eq!(e("emails[1]").0, "emails");
        assert_eq!(e("emails[1]").1, "Email address 2 is not valid");
        assert_eq!(e("identifiers.nhs_number").0, "nhs_number");
        assert_eq!(e("addresses[1].postcode").0, "address-2-postcode");
        assert_eq!(e("addresses[1].postcode").1, "The postcode of address 3 is not valid");
        assert_eq!(e("addresses[0].lines[2]").0, "address-0-lines");
        assert_eq!(e("other_names[0]").0, "other_names");
        assert_eq!(e("family_name").0, "family_name");
    }

    #[test]
    fn every_problem_of_the_form_is_reported_at_once() {
        let p: Pairs = [("date_of_birth", "31"), ("date_of_birth-month", "2"), ("date_of_birth-year", "1980")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let errors = SubjectForm::from_pairs(&p).to_new(jiff::civil::date(2026, 12, 7)).expect_err("no name and no such date");
        assert!(errors.has("date_of_birth"), "{errors:?}");
        assert!(errors.has("family_name"), "the name is missing too: {errors:?}");
    }
}
