//! Searching for a subject: one box read as an email address, an NHS, NI or phone
//! number, a reference or a name (each reading tried until one finds someone), or a
//! surname with a date of birth. A POST, so search terms never appear in an address.

use crate::session::{CsrfForm, SignedIn, redirect};
use crate::state::AppState;
use crate::ui::form::{DateParts, Example, FormErrors};
use crate::ui::kit::{PageContext, long_date, page, render, render_status, run, sentence};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use steward_app::{AppError, SearchQuery, SubjectHit};
use steward_core::{Permission, normalise};

/// `GET /subjects/search` goes back to the search page (results are only ever the
/// answer to the POST).
pub(super) async fn back_to_search() -> Response {
    redirect("/subjects")
}

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

impl SearchForm {
    /// The date of birth typed.
    fn dob(&self) -> DateParts {
        DateParts {
            day: self.search_dob.clone(),
            month: self.search_dob_month.clone(),
            year: self.search_dob_year.clone(),
        }
    }
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

pub(super) async fn search_page(State(s): State<AppState>, SignedIn(session): SignedIn) -> Response {
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
    let dob = form.dob().parse(Example::Birth);
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

pub(super) async fn search(State(s): State<AppState>, f: CsrfForm<SearchForm>) -> Response {
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
