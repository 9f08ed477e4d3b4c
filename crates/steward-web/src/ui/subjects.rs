//! The subjects pages: search (a POST, so search terms never appear in an address),
//! adding and changing a subject, a subject's page (every view audited by the
//! application), links between people, and erasure with a confirmation that says
//! exactly what will be destroyed.

use crate::AppState;
use crate::session::{CsrfForm, SignedIn, redirect};
use crate::ui::auth::page;
use crate::ui::pages::{actor_names, field_label, run, sentence, uk_time, uk_today, who};
use crate::ui::{Choice, FormErrors, PageContext, SelectOption, long_date, render, render_status};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use std::collections::BTreeSet;
use steward_app::auth::SessionInfo;
use steward_app::erasure::{NewHold, RestrictionGround};
use steward_app::subjects::{ERASURE_REASONS, ErasurePreview};
use steward_app::{App, AppError, AppResult, SearchQuery, SubjectHit, SubjectView};
use steward_core::subject::{
    Address, Category, Identifiers, LinkKind, NewSubject, SpecialCategory, SubjectPatch, limits,
};
use steward_core::{CoreError, FieldError, Permission, normalise};
use steward_store::Tombstone;

/// The subjects routes, with restriction of processing, legal holds, and correcting a
/// record under a rectification request (`/requests/{id}/rectify`, which reuses the
/// subject form).
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/subjects", get(search_page).post(create))
        .route("/subjects/search", get(|| async { redirect("/subjects") }).post(search))
        .route("/subjects/new", get(new_page))
        .route("/subjects/{id}", get(subject_page))
        .route("/subjects/{id}/edit", get(edit_page).post(edit))
        .route("/subjects/{id}/links", post(add_link))
        .route("/subjects/{id}/erase", get(erase_page).post(erase))
        .route("/subjects/{id}/access", post(assign))
        .route("/subjects/{id}/access/{user}/remove", post(unassign))
        .route("/subjects/{id}/restrict", post(restrict))
        .route("/subjects/{id}/restriction/lift", post(lift_restriction))
        .route("/subjects/{id}/holds", post(place_hold))
        .route("/subjects/{id}/holds/{hold}/lift", post(lift_hold))
        .route("/requests/{id}/rectify", get(rectify_page).post(rectify))
}

/// The assignment form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AssignForm {
    user_id: String,
}

async fn assign(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<AssignForm>) -> Response {
    let app = s.app.clone();
    let ctx = f.session.ctx;
    let target = id.clone();
    match run(move || app.assign_subject(&ctx, &id, &f.form.user_id)).await {
        Ok(()) => redirect(&format!("/subjects/{target}?done=assigned")),
        Err(r) => r,
    }
}

async fn unassign(
    State(s): State<AppState>,
    Path((id, user)): Path<(String, String)>,
    f: CsrfForm<crate::ui::auth::EmptyForm>,
) -> Response {
    let app = s.app.clone();
    let ctx = f.session.ctx;
    let target = id.clone();
    match run(move || app.unassign_subject(&ctx, &id, &user)).await {
        Ok(()) => redirect(&format!("/subjects/{target}?done=unassigned")),
        Err(r) => r,
    }
}

/// A form body as its name–value pairs (repeated names, such as the categories, kept).
type Pairs = Vec<(String, String)>;

fn value<'a>(pairs: &'a Pairs, name: &str) -> &'a str {
    pairs.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

/// Read a date typed as day, month and year. All blank is no date.
fn parse_date(day: &str, month: &str, year: &str) -> Result<Option<jiff::civil::Date>, &'static str> {
    let (d, m, y) = (day.trim(), month.trim(), year.trim());
    if d.is_empty() && m.is_empty() && y.is_empty() {
        return Ok(None);
    }
    if d.is_empty() || m.is_empty() || y.is_empty() {
        return Err("must include a day, a month and a year");
    }
    if y.len() != 4 {
        return Err("must have a year of four digits, for example 1985");
    }
    let (Ok(d), Ok(m), Ok(y)) = (d.parse::<i8>(), m.parse::<i8>(), y.parse::<i16>()) else {
        return Err("must be a real date, for example 27 3 1985");
    };
    jiff::civil::Date::new(y, m, d).map(Some).map_err(|_| "must be a real date, for example 27 3 1985")
}

/// The lines of a text box that hold something, trimmed.
fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
}

fn opt(text: &str) -> Option<String> {
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

// ---------------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------------

/// The search form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SearchForm {
    q: String,
    surname: String,
    search_dob: String,
    #[serde(rename = "search_dob-month")]
    search_dob_month: String,
    #[serde(rename = "search_dob-year")]
    search_dob_year: String,
}

/// What a search box's text looks like, most likely first: every way worth trying,
/// with the name of each for people.
pub fn plan(text: &str) -> Vec<(&'static str, SearchQuery)> {
    let t = text.trim();
    let reference = || ("reference", SearchQuery { reference: Some(t.to_string()), ..SearchQuery::default() });
    if t.contains('@') {
        return vec![("email address", SearchQuery { email: Some(t.to_string()), ..SearchQuery::default() })];
    }
    let compact: String = t.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    let digits = t.chars().filter(char::is_ascii_digit).count();
    if normalise::nhs_number("q", &compact).is_ok() {
        return vec![("NHS number", SearchQuery { nhs_number: Some(compact), ..SearchQuery::default() }), reference()];
    }
    if normalise::ni_number("q", t).is_ok() {
        return vec![
            ("National Insurance number", SearchQuery { ni_number: Some(t.to_string()), ..SearchQuery::default() }),
            reference(),
        ];
    }
    let phone_like = digits >= 10 && t.chars().all(|c| c.is_ascii_digit() || " +()-.".contains(c));
    if phone_like && normalise::phone("q", t).is_ok() {
        return vec![
            ("phone number", SearchQuery { phone: Some(t.to_string()), ..SearchQuery::default() }),
            reference(),
        ];
    }
    if digits > 0 {
        return vec![reference()];
    }
    vec![("name", SearchQuery { name: Some(t.to_string()), ..SearchQuery::default() })]
}

struct HitRow {
    id: String,
    name: String,
    date_of_birth: String,
    postcode: String,
    categories: String,
}

fn hit_row(h: SubjectHit) -> HitRow {
    HitRow {
        id: h.id,
        name: h.name,
        date_of_birth: h.date_of_birth.map(long_date).unwrap_or_default(),
        postcode: h.postcode.unwrap_or_default(),
        categories: h.categories.iter().map(|c| c.label()).collect::<Vec<_>>().join(", "),
    }
}

#[derive(Template)]
#[template(path = "pages/subjects.html")]
struct SearchPage {
    page: PageContext,
    errors: FormErrors,
    form: SearchForm,
    searched_by: Option<&'static str>,
    results: Vec<HitRow>,
    can_create: bool,
}

async fn search_page(State(s): State<AppState>, SignedIn(session): SignedIn) -> Response {
    let app = s.app.clone();
    let can_create = session.user.role.can(Permission::SubjectCreate);
    let loaded = run(move || {
        app.require(&session.ctx, Permission::SubjectRead, "subject", "")?;
        Ok(page(&app, &session, "subjects"))
    })
    .await;
    match loaded {
        Ok(page) => render(&SearchPage {
            page,
            errors: FormErrors::new(),
            form: SearchForm::default(),
            searched_by: None,
            results: Vec::new(),
            can_create,
        }),
        Err(r) => r,
    }
}

/// Check the form and decide what to search for, or say what is wrong.
fn search_plan(form: &SearchForm) -> Result<Vec<(&'static str, SearchQuery)>, FormErrors> {
    let mut errors = FormErrors::new();
    let q = form.q.trim();
    let surname = form.surname.trim();
    let dob = parse_date(&form.search_dob, &form.search_dob_month, &form.search_dob_year);
    let pair_given = !surname.is_empty() || !matches!(dob, Ok(None));
    if !q.is_empty() && pair_given {
        errors.add("q", "Search by one thing at a time: either the box, or surname and date of birth");
        return Err(errors);
    }
    if !q.is_empty() {
        if q.chars().count() > 200 {
            errors.add("q", "Enter 200 characters or fewer");
            return Err(errors);
        }
        return Ok(plan(q));
    }
    if !pair_given {
        errors.add("q", "Enter a name, email address, phone number, NI or NHS number, or reference");
        return Err(errors);
    }
    if surname.is_empty() {
        errors.add("surname", "Enter a surname to search with the date of birth");
    }
    match dob {
        Ok(Some(d)) if errors.is_empty() => {
            return Ok(vec![(
                "surname and date of birth",
                SearchQuery { surname: Some(surname.to_string()), date_of_birth: Some(d), ..SearchQuery::default() },
            )]);
        }
        Ok(Some(_)) => {}
        Ok(None) => errors.add("search_dob", "Enter a date of birth to search with the surname"),
        Err(m) => errors.add("search_dob", sentence("Date of birth", m)),
    }
    Err(errors)
}

async fn search(State(s): State<AppState>, f: CsrfForm<SearchForm>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let form = f.form;
    let can_create = session.user.role.can(Permission::SubjectCreate);
    let result = run(move || {
        app.require(&session.ctx, Permission::SubjectRead, "subject", "")?;
        let page = page(&app, &session, "subjects");
        let plan = match search_plan(&form) {
            Ok(p) => p,
            Err(errors) => return Ok((page, form, errors, None, Vec::new())),
        };
        // Try each reading of the text until one finds someone. With no one found,
        // report the first reading that worked; with none working, its problem.
        let mut errors = FormErrors::new();
        let mut used = None;
        let mut first_empty = None;
        let mut first_problem = None;
        let mut hits = Vec::new();
        for (label, query) in &plan {
            match app.search_subjects(&session.ctx, query) {
                Ok(found) if !found.is_empty() => {
                    used = Some(*label);
                    hits = found;
                    break;
                }
                Ok(_) => {
                    first_empty.get_or_insert(*label);
                }
                Err(AppError::Invalid(fe)) => {
                    first_problem.get_or_insert((*label, fe));
                }
                Err(e) => return Err(e),
            }
        }
        let used = used.or(first_empty);
        if let (None, Some((label, fe))) = (used, first_problem) {
            let field = if form.q.trim().is_empty() { "surname" } else { "q" };
            errors.add(field, sentence(&format!("The {label}"), &fe.message));
        }
        Ok((page, form, errors, used, hits))
    })
    .await;
    match result {
        Ok((page, form, errors, searched_by, hits)) => {
            let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            render_status(
                status,
                &SearchPage {
                    page,
                    errors,
                    form,
                    searched_by,
                    results: hits.into_iter().map(hit_row).collect(),
                    can_create,
                },
            )
        }
        Err(r) => r,
    }
}

// ---------------------------------------------------------------------------------
// The subject form (adding and changing)
// ---------------------------------------------------------------------------------

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
struct SubjectForm {
    given_name: String,
    family_name: String,
    other_names: String,
    dob_day: String,
    dob_month: String,
    dob_year: String,
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
    fn with_special(mut self, may_see: bool, current: Option<&SpecialCategory>) -> Self {
        self.special = may_see.then(|| SpecialField::all(current));
        self
    }

    /// The special-category boxes as posted, kept only for someone who may see them.
    fn special_from_pairs(mut self, p: &Pairs, may_see: bool) -> Self {
        self.special = may_see.then(|| {
            let mut fields = SpecialField::all(None);
            for f in &mut fields {
                f.value = value(p, &f.id).into();
            }
            fields
        });
        self
    }

    fn from_pairs(p: &Pairs) -> Self {
        let mut addresses: Vec<(String, String)> = Vec::new();
        for (k, v) in p {
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
            given_name: value(p, "given_name").into(),
            family_name: value(p, "family_name").into(),
            other_names: value(p, "other_names").into(),
            dob_day: value(p, "date_of_birth").into(),
            dob_month: value(p, "date_of_birth-month").into(),
            dob_year: value(p, "date_of_birth-year").into(),
            emails: value(p, "emails").into(),
            phones: value(p, "phones").into(),
            addresses,
            ni_number: value(p, "ni_number").into(),
            nhs_number: value(p, "nhs_number").into(),
            tenancy_number: value(p, "tenancy_number").into(),
            customer_number: value(p, "customer_number").into(),
            employee_number: value(p, "employee_number").into(),
            volunteer_number: value(p, "volunteer_number").into(),
            categories: p.iter().filter(|(k, _)| k == "categories").map(|(_, v)| v.clone()).collect(),
            notes: value(p, "notes").into(),
            special: None,
        }
    }

    fn from_view(v: &SubjectView) -> Self {
        let ids = &v.identifiers;
        let text = |o: &Option<String>| o.clone().unwrap_or_default();
        Self {
            given_name: v.given_name.clone(),
            family_name: v.family_name.clone(),
            other_names: v.other_names.join("\n"),
            dob_day: v.date_of_birth.map(|d| d.day().to_string()).unwrap_or_default(),
            dob_month: v.date_of_birth.map(|d| d.month().to_string()).unwrap_or_default(),
            dob_year: v.date_of_birth.map(|d| d.year().to_string()).unwrap_or_default(),
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

    /// The subject to give the application, with the form block of each address it
    /// holds (blank blocks are left out), or the problems found before that.
    fn to_new(&self) -> Result<(NewSubject, Vec<usize>), FormErrors> {
        let mut errors = FormErrors::new();
        let date_of_birth = match parse_date(&self.dob_day, &self.dob_month, &self.dob_year) {
            Ok(d) => d,
            Err(m) => {
                errors.add("date_of_birth", sentence("Date of birth", m));
                None
            }
        };
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
        if !errors.is_empty() {
            return Err(errors);
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
        Ok((subject, blocks))
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

fn errors_of(fe: &FieldError, blocks: &[usize], form: &SubjectForm) -> FormErrors {
    let several = form.addresses.iter().filter(|(l, p)| !l.trim().is_empty() || !p.trim().is_empty()).count() > 1;
    let (id, message) = form_error(fe, blocks, several);
    let mut errors = FormErrors::new();
    errors.add(id, message);
    errors
}

#[derive(Template)]
#[template(path = "pages/subject_form.html")]
struct FormPage {
    page: PageContext,
    errors: FormErrors,
    heading: String,
    action: String,
    submit: &'static str,
    cancel: String,
    form: SubjectForm,
    addresses: Vec<AddressBlock>,
    categories: Vec<CategoryBox>,
    /// A notice under the heading (correcting under a request, a restriction).
    notice: Option<String>,
}

impl FormPage {
    fn new(page: PageContext, errors: FormErrors, form: SubjectForm, editing: Option<(&str, &str)>) -> Self {
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

async fn new_page(State(s): State<AppState>, SignedIn(session): SignedIn) -> Response {
    let app = s.app.clone();
    let loaded = run(move || {
        app.require(&session.ctx, Permission::SubjectCreate, "subject", "")?;
        Ok((page(&app, &session, "subjects"), session.ctx.special_category))
    })
    .await;
    match loaded {
        Ok((page, may_see)) => {
            render(&FormPage::new(page, FormErrors::new(), SubjectForm::default().with_special(may_see, None), None))
        }
        Err(r) => r,
    }
}

#[derive(Template)]
#[template(path = "pages/subject_added.html")]
struct AddedPage {
    page: PageContext,
    id: String,
}

enum Created {
    Done(String),
    Added(Box<AddedPage>),
    Failed(Box<FormPage>),
}

async fn create(State(s): State<AppState>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let form = SubjectForm::from_pairs(&f.form).special_from_pairs(&f.form, session.ctx.special_category);
    let result = run(move || {
        app.require(&session.ctx, Permission::SubjectCreate, "subject", "")?;
        let (input, blocks) = match form.to_new() {
            Ok(v) => v,
            Err(errors) => {
                return Ok(Created::Failed(Box::new(FormPage::new(
                    page(&app, &session, "subjects"),
                    errors,
                    form,
                    None,
                ))));
            }
        };
        match app.create_subject(&session.ctx, input) {
            Ok(v) if session.user.role.can(Permission::SubjectRead) => Ok(Created::Done(v.id)),
            Ok(v) => Ok(Created::Added(Box::new(AddedPage { page: page(&app, &session, "subjects"), id: v.id }))),
            Err(AppError::Invalid(fe)) => {
                let errors = errors_of(&fe, &blocks, &form);
                Ok(Created::Failed(Box::new(FormPage::new(page(&app, &session, "subjects"), errors, form, None))))
            }
            Err(e) => Err(e),
        }
    })
    .await;
    match result {
        Ok(Created::Done(id)) => redirect(&format!("/subjects/{id}?done=created")),
        Ok(Created::Added(p)) => render(p.as_ref()),
        Ok(Created::Failed(p)) => render_status(StatusCode::UNPROCESSABLE_ENTITY, p.as_ref()),
        Err(r) => r,
    }
}

/// The display name of a subject: given and family name, or a placeholder.
fn display_name(v: &SubjectView) -> String {
    let n = format!("{} {}", v.given_name, v.family_name);
    let n = n.trim();
    if n.is_empty() { "(no name)".into() } else { n.to_string() }
}

/// Load a subject for a page, turning an erasure into its `410` page.
fn load(app: &App, session: &SessionInfo, id: &str) -> AppResult<Result<SubjectView, Tombstone>> {
    match app.get_subject(&session.ctx, id) {
        Ok(v) => Ok(Ok(v)),
        Err(AppError::Gone(t)) => Ok(Err(*t)),
        Err(e) => Err(e),
    }
}

async fn edit_page(State(s): State<AppState>, SignedIn(session): SignedIn, Path(id): Path<String>) -> Response {
    let app = s.app.clone();
    let loaded = run(move || {
        app.require(&session.ctx, Permission::SubjectUpdate, "subject", &id)?;
        let v = load(&app, &session, &id)?;
        let restricted = app.restriction(&id)?.is_some();
        Ok((page(&app, &session, "subjects"), v.map(|v| (v, restricted)), actor_names(&app, &session.ctx)?))
    })
    .await;
    match loaded {
        Ok((page, Ok((v, restricted)), _)) => {
            let name = display_name(&v);
            let mut p = FormPage::new(page, FormErrors::new(), SubjectForm::from_view(&v), Some((&v.id, &name)));
            if restricted {
                p.notice = Some(
                    "Processing of this person's data is restricted, so changes will be refused. To correct their \
                     data under a rectification request, use \u{201c}Correct the record\u{201d} on that request."
                        .into(),
                );
            }
            render(&p)
        }
        Ok((page, Err(t), names)) => gone(&gone_page(page, t, &names)),
        Err(r) => r,
    }
}

/// The fields that differ between what is stored and what was sent (validated), as a patch.
fn diff(current: &SubjectView, new: NewSubject) -> Result<SubjectPatch, CoreError> {
    let sent_special = new.special_category.is_some();
    let v = new.validate(uk_today())?;
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

fn failed_edit(page: PageContext, errors: FormErrors, form: SubjectForm, id: &str, name: &str) -> Edited {
    Edited::Failed(Box::new(FormPage::new(page, errors, form, Some((id, name)))))
}

enum Edited {
    Saved(bool),
    Gone(Box<GonePage>),
    Failed(Box<FormPage>),
}

async fn edit(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let form = SubjectForm::from_pairs(&f.form).special_from_pairs(&f.form, session.ctx.special_category);
    let target = id.clone();
    let result = run(move || {
        let ctx = &session.ctx;
        app.require(ctx, Permission::SubjectUpdate, "subject", &id)?;
        let current = match load(&app, &session, &id)? {
            Ok(v) => v,
            Err(t) => {
                return Ok(Edited::Gone(gone_page(
                    page(&app, &session, "subjects"),
                    t,
                    &actor_names(&app, &session.ctx)?,
                )));
            }
        };
        let name = display_name(&current);
        let (input, blocks) = match form.to_new() {
            Ok(v) => v,
            Err(errors) => return Ok(failed_edit(page(&app, &session, "subjects"), errors, form, &id, &name)),
        };
        let patch = match diff(&current, input) {
            Ok(p) => p,
            Err(CoreError::Invalid(fe)) => {
                let errors = errors_of(&fe, &blocks, &form);
                return Ok(failed_edit(page(&app, &session, "subjects"), errors, form, &id, &name));
            }
            Err(e) => return Err(e.into()),
        };
        if patch.changed_fields().is_empty() {
            return Ok(Edited::Saved(false));
        }
        match app.update_subject(ctx, &id, patch) {
            Ok(_) => Ok(Edited::Saved(true)),
            Err(AppError::Invalid(fe)) => {
                let errors = errors_of(&fe, &blocks, &form);
                Ok(failed_edit(page(&app, &session, "subjects"), errors, form, &id, &name))
            }
            // Restricted processing (or a change made meanwhile): said on the form.
            Err(AppError::Conflict(m)) => {
                let mut errors = FormErrors::new();
                errors.add("given_name", crate::ui::pages::conflict_message(&m));
                Ok(failed_edit(page(&app, &session, "subjects"), errors, form, &id, &name))
            }
            Err(e) => Err(e),
        }
    })
    .await;
    match result {
        Ok(Edited::Saved(true)) => redirect(&format!("/subjects/{target}?done=saved")),
        Ok(Edited::Saved(false)) => redirect(&format!("/subjects/{target}?done=unchanged")),
        Ok(Edited::Gone(g)) => gone(&g),
        Ok(Edited::Failed(p)) => render_status(StatusCode::UNPROCESSABLE_ENTITY, p.as_ref()),
        Err(r) => r,
    }
}

// ---------------------------------------------------------------------------------
// A subject's page
// ---------------------------------------------------------------------------------

/// `?done=` after a change, for the message at the top of the subject's page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DoneQuery {
    done: String,
}

fn flash(done: &str) -> Option<String> {
    match done {
        "created" => Some("Subject added".into()),
        "saved" => Some("Changes saved".into()),
        "unchanged" => Some("Nothing was changed".into()),
        "linked" => Some("Link added".into()),
        "assigned" => Some("Access given".into()),
        "restricted" => Some("Processing restricted".into()),
        "restriction_lifted" => Some("Restriction lifted".into()),
        "hold_placed" => Some("Legal hold placed".into()),
        "hold_lifted" => Some("Legal hold lifted".into()),
        "unassigned" => Some("Access removed".into()),
        "noted" => Some("Note added".into()),
        "uploaded" => Some("Document added".into()),
        _ => None,
    }
}

/// How someone linked to this subject relates to them.
struct LinkRow {
    id: String,
    name: String,
    relation: &'static str,
}

/// The ways of linking, from this subject's point of view.
const LINK_KINDS: [Choice; 3] = [
    Choice { value: "parent", label: "This person is their parent", hint: "Or has parental responsibility for them." },
    Choice { value: "child", label: "This person is their child", hint: "" },
    Choice { value: "household", label: "They live in the same household", hint: "" },
];

#[derive(Template)]
#[template(path = "pages/subject.html")]
pub(crate) struct SubjectPage {
    page: PageContext,
    errors: FormErrors,
    s: SubjectView,
    name: String,
    date_of_birth: String,
    addresses: Vec<String>,
    nhs_number: String,
    categories: String,
    created: String,
    updated: String,
    links: Vec<LinkRow>,
    can_edit: bool,
    can_erase: bool,
    can_log_request: bool,
    link_other: String,
    link_kind: String,
    link_kinds: [Choice; 3],
    can_assign: bool,
    access: Vec<AccessView>,
    caseworkers: Vec<(String, String)>,
    /// Case notes and documents (see `ui::records`).
    pub(crate) records: crate::ui::records::SubjectRecords,
    /// The restriction of processing, when there is one.
    restriction: Option<RestrictionLine>,
    /// Whether the caller may restrict (anyone who may change the record).
    can_restrict: bool,
    /// Whether the caller may place and lift legal holds and lift restrictions (the DPO).
    can_manage_holds: bool,
    restriction_grounds: Vec<SelectOption>,
    restrict_ground: String,
    /// The day the person was told the restriction will be lifted, as typed.
    informed: (String, String, String),
    holds: Vec<HoldLine>,
    lifted_holds: Vec<HoldLine>,
    hold_reason: String,
    hold_approved_by: String,
}

/// A restriction of processing, for the banner.
struct RestrictionLine {
    ground: &'static str,
    since: String,
    by: String,
    /// The restriction request it came from.
    request_id: Option<String>,
}

/// A legal hold, standing or lifted.
struct HoldLine {
    id: String,
    reason: String,
    approved_by: String,
    placed: String,
    lifted: String,
    lift_reason: String,
    /// The id of its lift form's reason box, and what was typed there.
    lift_id: String,
    typed: String,
}

/// A caseworker's access to the subject, for the DPO.
struct AccessView {
    user_id: String,
    name: String,
    reason: &'static str,
}

fn subject_page_for(
    page: PageContext,
    errors: FormErrors,
    s: SubjectView,
    names: Vec<(String, String)>,
    session: &SessionInfo,
    link: (String, String),
) -> SubjectPage {
    let role = session.user.role;
    let links = s
        .links
        .iter()
        .map(|l| LinkRow {
            id: l.subject_id.clone(),
            name: names
                .iter()
                .find(|(id, _)| *id == l.subject_id)
                .map_or_else(|| l.subject_id.clone(), |(_, n)| n.clone()),
            relation: match l.relation.as_str() {
                "child" => "Their child",
                "parent" => "Their parent",
                _ => "Same household",
            },
        })
        .collect();
    SubjectPage {
        page,
        errors,
        name: display_name(&s),
        date_of_birth: s.date_of_birth.map(long_date).unwrap_or_default(),
        addresses: s
            .addresses
            .iter()
            .map(|a| a.lines.iter().cloned().chain(a.postcode.clone()).collect::<Vec<_>>().join("\n"))
            .collect(),
        nhs_number: s.identifiers.nhs_number.as_deref().map(normalise::nhs_display).unwrap_or_default(),
        categories: s.categories.iter().map(|c| c.label()).collect::<Vec<_>>().join(", "),
        created: uk_time(&s.created_at),
        updated: uk_time(&s.updated_at),
        links,
        can_edit: role.can(Permission::SubjectUpdate),
        can_erase: role.can(Permission::SubjectErase),
        can_log_request: role.can(Permission::SubjectCreate),
        link_other: link.0,
        link_kind: link.1,
        link_kinds: LINK_KINDS,
        can_assign: role.can(Permission::AssignCases),
        access: Vec::new(),
        caseworkers: Vec::new(),
        restriction: None,
        can_restrict: role.can(Permission::SubjectUpdate),
        can_manage_holds: role.can(Permission::ManageHolds),
        restriction_grounds: std::iter::once(SelectOption::new("", "Choose a ground"))
            .chain(RestrictionGround::ALL.iter().map(|g| SelectOption::new(g.as_str(), g.label())))
            .collect(),
        restrict_ground: String::new(),
        informed: (String::new(), String::new(), String::new()),
        holds: Vec::new(),
        lifted_holds: Vec::new(),
        hold_reason: String::new(),
        hold_approved_by: String::new(),
        records: crate::ui::records::SubjectRecords::default(),
        s,
    }
}

#[derive(Template)]
#[template(path = "pages/gone.html")]
pub(crate) struct GonePage {
    page: PageContext,
    t: Tombstone,
    erased_at: String,
    reason: String,
    by: String,
}

fn reason_label(code: &str) -> String {
    ERASURE_REASONS.iter().find(|(c, _)| *c == code).map_or_else(|| code.to_string(), |(_, l)| (*l).to_string())
}

/// The `410 Gone` page of an erased subject.
fn gone_page(page: PageContext, t: Tombstone, names: &std::collections::HashMap<String, String>) -> Box<GonePage> {
    Box::new(GonePage {
        page,
        erased_at: uk_time(&t.erased_at),
        reason: reason_label(&t.reason),
        by: who(names, &t.actor),
        t,
    })
}

/// Answer with the `410 Gone` page.
pub(crate) fn gone(p: &GonePage) -> Response {
    render_status(StatusCode::GONE, p)
}

pub(crate) enum Shown {
    Page(Box<SubjectPage>),
    Gone(Box<GonePage>),
}

/// Build a subject's page (the view is audited by the application).
pub(crate) fn show(
    app: &App,
    session: &SessionInfo,
    id: &str,
    errors: FormErrors,
    link: (String, String),
) -> AppResult<Shown> {
    let page = page(app, session, "subjects");
    match load(app, session, id)? {
        Ok(v) => {
            let ids: Vec<String> = v.links.iter().map(|l| l.subject_id.clone()).collect();
            let names = app.linked_names(&session.ctx, id, &ids)?;
            let mut p = subject_page_for(page, errors, v, names, session, link);
            let actors = actor_names(app, &session.ctx)?;
            p.restriction = app.restriction(id)?.map(|r| RestrictionLine {
                ground: r.ground.label(),
                since: uk_time(&r.placed_at),
                by: who(&actors, &r.placed_by),
                request_id: r.request_id,
            });
            let today = uk_today();
            p.informed = (today.day().to_string(), today.month().to_string(), today.year().to_string());
            for h in app.holds(&session.ctx, Some(id), true)? {
                let line = HoldLine {
                    placed: format!("{} by {}", uk_time(&h.placed_at), who(&actors, &h.placed_by)),
                    lifted: match (&h.lifted_at, &h.lifted_by) {
                        (Some(at), Some(by)) => format!("{} by {}", uk_time(at), who(&actors, by)),
                        (Some(at), None) => uk_time(at),
                        _ => String::new(),
                    },
                    lift_reason: h.lift_reason.clone().unwrap_or_default(),
                    lift_id: format!("hold-{}-reason", h.id),
                    typed: String::new(),
                    reason: h.reason,
                    approved_by: h.approved_by,
                    id: h.id,
                };
                if h.lifted_at.is_some() {
                    p.lifted_holds.push(line);
                } else {
                    p.holds.push(line);
                }
            }
            p.records = crate::ui::records::load(app, session, id)?;
            if p.can_assign {
                let access = app.subject_access_list(&session.ctx, id)?;
                p.caseworkers = app
                    .case_assignees(&session.ctx)?
                    .into_iter()
                    .filter(|(key, _)| !access.iter().any(|(a, _)| &a.user_id == key))
                    .collect();
                p.access = access
                    .into_iter()
                    .map(|(a, name)| AccessView {
                        reason: if a.reason == "created" { "recorded them" } else { "assigned" },
                        user_id: a.user_id,
                        name,
                    })
                    .collect();
            }
            Ok(Shown::Page(Box::new(p)))
        }
        Err(t) => Ok(Shown::Gone(gone_page(page, t, &actor_names(app, &session.ctx)?))),
    }
}

async fn subject_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    q: Result<Query<DoneQuery>, QueryRejection>,
) -> Response {
    let done = q.map(|Query(q)| q.done).unwrap_or_default();
    let app = s.app.clone();
    match run(move || show(&app, &session, &id, FormErrors::new(), (String::new(), String::new()))).await {
        Ok(Shown::Page(mut p)) => {
            p.page.flash = flash(&done);
            render(p.as_ref())
        }
        Ok(Shown::Gone(g)) => gone(&g),
        Err(r) => r,
    }
}

/// The link form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LinkForm {
    other_id: String,
    kind: String,
}

async fn add_link(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<LinkForm>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let form = f.form;
    let target = id.clone();
    let result = run(move || {
        let ctx = &session.ctx;
        app.require(ctx, Permission::SubjectUpdate, "subject", &id)?;
        let other = form.other_id.trim().to_string();
        let mut errors = FormErrors::new();
        if other.is_empty() {
            errors.add("other_id", "Enter the id of the other person (shown on their page)");
        } else if other.chars().count() > 64 || !other.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            errors.add("other_id", "Enter an id like the one at the bottom of each subject's page");
        }
        let kind = match form.kind.as_str() {
            "parent" => Some((id.clone(), other.clone(), LinkKind::ParentOf)),
            "child" => Some((other.clone(), id.clone(), LinkKind::ParentOf)),
            "household" => Some((id.clone(), other.clone(), LinkKind::Household)),
            _ => {
                errors.add("kind", "Choose how they are linked");
                None
            }
        };
        if let (Some((from, to, kind)), true) = (kind, errors.is_empty()) {
            match app.link_subjects(ctx, &from, &to, kind) {
                Ok(()) => return Ok(None),
                Err(AppError::Invalid(_)) => errors.add("other_id", "A person cannot be linked to themselves"),
                Err(AppError::NotFound(_)) => errors.add("other_id", "There is no subject with that id"),
                Err(AppError::Gone(t)) if t.subject_id == other => {
                    errors.add("other_id", "That person's data was erased, so they cannot be linked")
                }
                Err(AppError::Conflict(m)) if m.contains("restricted") => {
                    errors.add("other_id", crate::ui::pages::conflict_message(&m))
                }
                Err(AppError::Conflict(_)) => errors.add("other_id", "They are already linked in that way"),
                Err(e) => return Err(e),
            }
        }
        Ok(Some(show(&app, &session, &id, errors, (form.other_id, form.kind))?))
    })
    .await;
    match result {
        Ok(None) => redirect(&format!("/subjects/{target}?done=linked")),
        Ok(Some(Shown::Page(p))) => render_status(StatusCode::UNPROCESSABLE_ENTITY, p.as_ref()),
        Ok(Some(Shown::Gone(g))) => gone(&g),
        Err(r) => r,
    }
}

// ---------------------------------------------------------------------------------
// Erasure
// ---------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "pages/erase.html")]
struct ErasePage {
    page: PageContext,
    errors: FormErrors,
    id: String,
    name: String,
    preview: ErasurePreview,
    bytes: String,
    reasons: Vec<Choice>,
    reason: String,
    request_ref: String,
}

fn reasons() -> Vec<Choice> {
    ERASURE_REASONS.iter().map(|(value, label)| Choice { value, label, hint: "" }).collect()
}

/// The form of the erasure page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EraseForm {
    reason: String,
    request_ref: String,
}

enum Erasing {
    Confirm(Box<ErasePage>),
    Gone(Box<GonePage>),
}

fn erase_confirmation(
    app: &App,
    session: &SessionInfo,
    id: &str,
    errors: FormErrors,
    form: EraseForm,
) -> AppResult<Erasing> {
    let page = page(app, session, "subjects");
    let preview = match app.erasure_preview(&session.ctx, id) {
        Ok(p) => p,
        Err(AppError::Gone(t)) => return Ok(Erasing::Gone(gone_page(page, *t, &actor_names(app, &session.ctx)?))),
        Err(e) => return Err(e),
    };
    let v = match load(app, session, id)? {
        Ok(v) => v,
        Err(t) => return Ok(Erasing::Gone(gone_page(page, t, &actor_names(app, &session.ctx)?))),
    };
    Ok(Erasing::Confirm(Box::new(ErasePage {
        page,
        errors,
        id: v.id.clone(),
        name: display_name(&v),
        bytes: crate::ui::pages::thousands(i64::try_from(preview.encrypted_bytes).unwrap_or(i64::MAX)),
        preview,
        reasons: reasons(),
        reason: form.reason,
        request_ref: form.request_ref,
    })))
}

async fn erase_page(State(s): State<AppState>, SignedIn(session): SignedIn, Path(id): Path<String>) -> Response {
    let app = s.app.clone();
    match run(move || erase_confirmation(&app, &session, &id, FormErrors::new(), EraseForm::default())).await {
        Ok(Erasing::Confirm(p)) => render(p.as_ref()),
        Ok(Erasing::Gone(g)) => gone(&g),
        Err(r) => r,
    }
}

#[derive(Template)]
#[template(path = "pages/erased.html")]
struct ErasedPage {
    page: PageContext,
    t: Tombstone,
    erased_at: String,
    reason: String,
    by: String,
}

enum Erased {
    Done(Box<ErasedPage>),
    Again(Erasing),
}

async fn erase(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<EraseForm>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let form = f.form;
    let result = run(move || {
        let ctx = &session.ctx;
        app.require(ctx, Permission::SubjectErase, "subject", &id)?;
        let mut errors = FormErrors::new();
        if !ERASURE_REASONS.iter().any(|(c, _)| *c == form.reason) {
            errors.add("reason", "Choose why this person's data is being erased");
        } else {
            match app.erase_subject(ctx, &id, &form.reason, Some(form.request_ref.as_str())) {
                Ok(t) => {
                    let names = actor_names(&app, &session.ctx)?;
                    return Ok(Erased::Done(Box::new(ErasedPage {
                        page: page(&app, &session, "subjects"),
                        erased_at: uk_time(&t.erased_at),
                        reason: reason_label(&t.reason),
                        by: who(&names, &t.actor),
                        t,
                    })));
                }
                Err(AppError::Invalid(fe)) => {
                    let field = if fe.field == "request_ref" { "request_ref" } else { "reason" };
                    errors.add(field, sentence(&field_label(&fe.field), &fe.message));
                }
                // A legal hold: said on the form, with who approved it and when.
                Err(AppError::Conflict(m)) => errors.add("reason", crate::ui::pages::conflict_message(&m)),
                Err(AppError::Gone(t)) => {
                    return Ok(Erased::Again(Erasing::Gone(gone_page(
                        page(&app, &session, "subjects"),
                        *t,
                        &actor_names(&app, &session.ctx)?,
                    ))));
                }
                Err(e) => return Err(e),
            }
        }
        Ok(Erased::Again(erase_confirmation(&app, &session, &id, errors, form)?))
    })
    .await;
    match result {
        Ok(Erased::Done(p)) => render(p.as_ref()),
        Ok(Erased::Again(Erasing::Confirm(p))) => render_status(StatusCode::UNPROCESSABLE_ENTITY, p.as_ref()),
        Ok(Erased::Again(Erasing::Gone(g))) => gone(&g),
        Err(r) => r,
    }
}

// ---------------------------------------------------------------------------------
// Restriction of processing and legal holds
// ---------------------------------------------------------------------------------

/// A subject's page answering a form on it with problems (`422`), after `fill` puts
/// back what was typed.
fn refused_on_subject(
    app: &App,
    session: &SessionInfo,
    id: &str,
    errors: FormErrors,
    fill: impl FnOnce(&mut SubjectPage),
) -> AppResult<Option<Shown>> {
    match show(app, session, id, errors, (String::new(), String::new()))? {
        Shown::Page(mut p) => {
            fill(&mut p);
            Ok(Some(Shown::Page(p)))
        }
        g => Ok(Some(g)),
    }
}

fn after_subject_form(result: Result<Option<Shown>, Response>, id: &str, done: &str) -> Response {
    match result {
        Ok(None) => redirect(&format!("/subjects/{id}?done={done}")),
        Ok(Some(Shown::Page(p))) => render_status(StatusCode::UNPROCESSABLE_ENTITY, p.as_ref()),
        Ok(Some(Shown::Gone(g))) => gone(&g),
        Err(r) => r,
    }
}

/// `POST /subjects/{id}/restrict` with `ground`: restrict processing (Art 18).
async fn restrict(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let ground = value(&f.form, "ground").to_string();
    let target = id.clone();
    let result = run(move || {
        app.require(&session.ctx, Permission::SubjectUpdate, "subject", &id)?;
        let message = match RestrictionGround::parse(&ground) {
            None => "Choose why processing is restricted".to_string(),
            Some(g) => match app.restrict_subject(&session.ctx, &id, g, None) {
                Ok(_) => return Ok(None),
                Err(AppError::Conflict(m)) => crate::ui::pages::conflict_message(&m),
                Err(AppError::Gone(t)) => {
                    return Ok(Some(Shown::Gone(gone_page(
                        page(&app, &session, "subjects"),
                        *t,
                        &actor_names(&app, &session.ctx)?,
                    ))));
                }
                Err(e) => return Err(e),
            },
        };
        let mut errors = FormErrors::new();
        errors.add("ground", message);
        refused_on_subject(&app, &session, &id, errors, |p| p.restrict_ground = ground)
    })
    .await;
    after_subject_form(result, &target, "restricted")
}

/// `POST /subjects/{id}/restriction/lift` with the day the person was told (`informed_on`,
/// as day, month and year): Art 18(3) requires telling them before lifting.
async fn lift_restriction(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let typed = (
        value(&f.form, "informed_on").to_string(),
        value(&f.form, "informed_on-month").to_string(),
        value(&f.form, "informed_on-year").to_string(),
    );
    let target = id.clone();
    let result = run(move || {
        app.require(&session.ctx, Permission::ManageHolds, "subject", &id)?;
        let message = match parse_date(&typed.0, &typed.1, &typed.2) {
            Ok(None) => "Enter the date the person was told the restriction will be lifted".to_string(),
            Err(m) => sentence("The date they were told", m),
            Ok(Some(d)) => match app.lift_restriction(&session.ctx, &id, d) {
                Ok(()) => return Ok(None),
                Err(AppError::Invalid(fe)) => sentence("The date they were told", &fe.message),
                Err(AppError::NotFound(_)) => "Processing of this person's data is not restricted".to_string(),
                Err(e) => return Err(e),
            },
        };
        let mut errors = FormErrors::new();
        errors.add("informed_on", message);
        refused_on_subject(&app, &session, &id, errors, |p| p.informed = typed)
    })
    .await;
    after_subject_form(result, &target, "restriction_lifted")
}

/// `POST /subjects/{id}/holds` with `hold-reason` and `hold-approved-by` (the DPO).
async fn place_hold(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let reason = value(&f.form, "hold-reason").trim().to_string();
    let approved_by = value(&f.form, "hold-approved-by").trim().to_string();
    let target = id.clone();
    let result = run(move || {
        app.require(&session.ctx, Permission::ManageHolds, "hold", &id)?;
        let mut errors = FormErrors::new();
        if reason.is_empty() {
            errors.add("hold-reason", "Give the reason for the hold, for example the claim or investigation");
        }
        if approved_by.is_empty() {
            errors.add("hold-approved-by", "Enter who approved the hold, by name or role");
        }
        if errors.is_empty() {
            let input = NewHold {
                subject_id: Some(id.clone()),
                reason: reason.clone(),
                approved_by: approved_by.clone(),
                ..Default::default()
            };
            match app.place_hold(&session.ctx, input) {
                Ok(_) => return Ok(None),
                Err(AppError::Invalid(fe)) => {
                    let (field, what) = match fe.field.as_str() {
                        "approved_by" => ("hold-approved-by", "Who approved it"),
                        "subject_id" => ("hold-reason", "This person"),
                        _ => ("hold-reason", "The reason"),
                    };
                    errors.add(field, sentence(what, &fe.message));
                }
                Err(e) => return Err(e),
            }
        }
        refused_on_subject(&app, &session, &id, errors, |p| {
            p.hold_reason = reason;
            p.hold_approved_by = approved_by;
        })
    })
    .await;
    after_subject_form(result, &target, "hold_placed")
}

/// `POST /subjects/{id}/holds/{hold}/lift` with `hold-HOLD-reason` (the DPO).
async fn lift_hold(
    State(s): State<AppState>,
    Path((id, hold)): Path<(String, String)>,
    f: CsrfForm<Pairs>,
) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let field = format!("hold-{hold}-reason");
    let reason = value(&f.form, &field).trim().to_string();
    let target = id.clone();
    let result = run(move || {
        app.require(&session.ctx, Permission::ManageHolds, "hold", &hold)?;
        let on_subject = app.holds(&session.ctx, Some(&id), true)?.iter().any(|h| h.id == hold);
        if !on_subject {
            return Err(AppError::NotFound(format!("hold {hold}")));
        }
        let message = if reason.is_empty() {
            "Give the reason the hold is lifted, for example that the claim was settled".to_string()
        } else {
            match app.lift_hold(&session.ctx, &hold, &reason) {
                Ok(_) => return Ok(None),
                Err(AppError::Invalid(fe)) => sentence("The reason", &fe.message),
                Err(AppError::Conflict(m)) => crate::ui::pages::conflict_message(&m),
                Err(e) => return Err(e),
            }
        };
        let mut errors = FormErrors::new();
        errors.add(field.clone(), message);
        refused_on_subject(&app, &session, &id, errors, |p| {
            if let Some(h) = p.holds.iter_mut().find(|h| h.id == hold) {
                h.typed = reason;
            }
        })
    })
    .await;
    after_subject_form(result, &target, "hold_lifted")
}

// ---------------------------------------------------------------------------------
// Correcting a record under a rectification request
// ---------------------------------------------------------------------------------

/// The request being answered and its subject, or why a correction cannot be made
/// under it (a page for people).
fn rectification_of(app: &App, session: &SessionInfo, request_id: &str) -> AppResult<(String, String)> {
    let r = app.request_outline(&session.ctx, request_id)?;
    if r.kind != steward_core::request::RequestKind::Rectification {
        return Err(AppError::Invalid(FieldError::new("kind", "only a rectification request corrects a record")));
    }
    if r.status == steward_core::request::RequestStatus::Closed {
        return Err(AppError::Invalid(FieldError::new("kind", "the request is closed")));
    }
    let Some(subject) = r.subject_id else {
        return Err(AppError::Invalid(FieldError::new(
            "kind",
            "the request is not linked to anyone on record, so there is no record to correct",
        )));
    };
    Ok((r.reference, subject))
}

fn rectify_form(
    page: PageContext,
    errors: FormErrors,
    form: SubjectForm,
    request_id: &str,
    reference: &str,
    name: &str,
) -> FormPage {
    let mut p = FormPage::new(page, errors, form, None);
    p.heading = format!("Correct {name}'s record");
    p.action = format!("/requests/{request_id}/rectify");
    p.cancel = format!("/requests/{request_id}");
    p.submit = "Save the correction";
    p.notice = Some(format!(
        "You are correcting this record under rectification request {reference}. The change is recorded in the \
         audit log against that request: which details changed, never the old or new values. Corrections are \
         allowed even while processing is restricted."
    ));
    p
}

/// `GET /requests/{id}/rectify`: the subject form, filled in, for correcting the record.
async fn rectify_page(State(s): State<AppState>, SignedIn(session): SignedIn, Path(id): Path<String>) -> Response {
    let app = s.app.clone();
    let loaded = run(move || {
        app.require(&session.ctx, Permission::SubjectUpdate, "request", &id)?;
        let (reference, subject) = rectification_of(&app, &session, &id)?;
        let page = page(&app, &session, "requests");
        match load(&app, &session, &subject)? {
            Ok(v) => {
                let name = display_name(&v);
                Ok(Ok(rectify_form(page, FormErrors::new(), SubjectForm::from_view(&v), &id, &reference, &name)))
            }
            Err(t) => Ok(Err(gone_page(page, t, &actor_names(&app, &session.ctx)?))),
        }
    })
    .await;
    match loaded {
        Ok(Ok(p)) => render(&p),
        Ok(Err(g)) => gone(&g),
        Err(r) => r,
    }
}

/// `POST /requests/{id}/rectify`: correct the record; the change is recorded against
/// the request.
async fn rectify(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let form = SubjectForm::from_pairs(&f.form).special_from_pairs(&f.form, session.ctx.special_category);
    let target = id.clone();
    let result = run(move || {
        let ctx = &session.ctx;
        app.require(ctx, Permission::SubjectUpdate, "request", &id)?;
        let (reference, subject) = rectification_of(&app, &session, &id)?;
        let page = page(&app, &session, "requests");
        let current = match load(&app, &session, &subject)? {
            Ok(v) => v,
            Err(t) => return Ok(Edited::Gone(gone_page(page, t, &actor_names(&app, &session.ctx)?))),
        };
        let name = display_name(&current);
        let failed = |errors, form| Edited::Failed(Box::new(rectify_form(page, errors, form, &id, &reference, &name)));
        let (input, blocks) = match form.to_new() {
            Ok(v) => v,
            Err(errors) => return Ok(failed(errors, form)),
        };
        let patch = match diff(&current, input) {
            Ok(p) => p,
            Err(CoreError::Invalid(fe)) => {
                let errors = errors_of(&fe, &blocks, &form);
                return Ok(failed(errors, form));
            }
            Err(e) => return Err(e.into()),
        };
        if patch.changed_fields().is_empty() {
            return Ok(Edited::Saved(false));
        }
        match app.rectify_subject(ctx, &id, patch) {
            Ok(_) => Ok(Edited::Saved(true)),
            Err(AppError::Invalid(fe)) => {
                let errors = errors_of(&fe, &blocks, &form);
                Ok(failed(errors, form))
            }
            Err(AppError::Conflict(m)) => {
                let mut errors = FormErrors::new();
                errors.add("given_name", crate::ui::pages::conflict_message(&m));
                Ok(failed(errors, form))
            }
            Err(e) => Err(e),
        }
    })
    .await;
    match result {
        Ok(Edited::Saved(true)) => redirect(&format!("/requests/{target}?done=rectified")),
        Ok(Edited::Saved(false)) => redirect(&format!("/requests/{target}?done=unchanged")),
        Ok(Edited::Gone(g)) => gone(&g),
        Ok(Edited::Failed(p)) => render_status(StatusCode::UNPROCESSABLE_ENTITY, p.as_ref()),
        Err(r) => r,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<&'static str> {
        plan(text).into_iter().map(|(k, _)| k).collect()
    }

    #[test]
    fn what_was_typed_is_recognised() {
        assert_eq!(kinds("jane@example.org"), ["email address"]);
        assert_eq!(kinds("943 476 5919"), ["NHS number", "reference"]);
        assert_eq!(kinds("AB 12 34 56 C"), ["National Insurance number", "reference"]);
        assert_eq!(kinds("07700 900123"), ["phone number", "reference"]);
        assert_eq!(kinds("+44 7700 900123"), ["phone number", "reference"]);
        assert_eq!(kinds("T-004512"), ["reference"]);
        // Ten digits failing the NHS check digit could be a UK number without its 0.
        assert_eq!(kinds("9434765918"), ["phone number", "reference"]);
        assert_eq!(kinds("123456"), ["reference"]);
        assert_eq!(kinds("Jane Smith"), ["name"]);
        assert_eq!(kinds("O'Brien"), ["name"]);
    }

    #[test]
    fn dates_are_read_from_three_boxes() {
        assert_eq!(parse_date("", " ", ""), Ok(None));
        assert_eq!(parse_date("27", "3", "1985"), Ok(Some(jiff::civil::date(1985, 3, 27))));
        assert!(parse_date("31", "2", "1985").is_err());
        assert!(parse_date("1", "", "1985").is_err());
        assert!(parse_date("1", "2", "85").is_err());
        assert!(parse_date("x", "2", "1985").is_err());
    }

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
    fn search_needs_one_thing() {
        assert!(search_plan(&SearchForm::default()).expect_err("empty").has("q"));
        let both = SearchForm { q: "Smith".into(), surname: "Smith".into(), ..SearchForm::default() };
        assert!(search_plan(&both).expect_err("both").has("q"));
        let no_dob = SearchForm { surname: "Smith".into(), ..SearchForm::default() };
        assert!(search_plan(&no_dob).expect_err("no date").has("search_dob"));
        let pair = SearchForm {
            surname: "Smith".into(),
            search_dob: "31".into(),
            search_dob_month: "1".into(),
            search_dob_year: "1980".into(),
            ..SearchForm::default()
        };
        assert_eq!(search_plan(&pair).expect("valid")[0].0, "surname and date of birth");
    }
}
