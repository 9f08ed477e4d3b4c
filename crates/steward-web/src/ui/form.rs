//! The form kit every page's forms use: a posted form as its name–value pairs
//! ([`Pairs`]), dates typed as day, month and year ([`DateParts`]), every problem of a
//! form collected to be shown at once ([`FormErrors`]: each check adds its problem and
//! carries on), the choices of radios and selects (and the options made at run time:
//! record types, systems), the `?done=` message after a change,
//! one outcome for every form handler ([`Outcome`]), and opening a multipart upload
//! whose first part is the anti-forgery token.

use crate::session::decode_form;
use crate::state::AppState;
use crate::ui::kit::{render, render_status, run, sentence};
use axum::extract::multipart::Multipart;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use serde::Deserialize;
use steward_app::auth::SessionInfo;
use steward_app::retention::ScheduleInfo;
use steward_app::{App, AppResult};
use steward_core::FieldError;

// ---------------------------------------------------------------------------------
// Problems
// ---------------------------------------------------------------------------------

/// Problems with a submitted form, in the order of the form's fields: each is the id of
/// the field at fault (the error summary links to `#id`) and a message for people. A
/// form is checked whole: every check adds its problem and the next check still runs,
/// so people see every problem at once.
#[derive(Debug, Clone, Default)]
pub struct FormErrors {
    items: Vec<(String, String)>,
}

impl FormErrors {
    /// No problems.
    pub fn new() -> Self {
        Self::default()
    }

    /// One problem with field `field_id`.
    pub fn one(field_id: impl Into<String>, message: impl Into<String>) -> Self {
        let mut e = Self::new();
        e.add(field_id, message);
        e
    }

    /// Add a problem with field `field_id`.
    pub fn add(&mut self, field_id: impl Into<String>, message: impl Into<String>) {
        self.items.push((field_id.into(), message.into()));
    }

    /// Add every problem of `other`, after these.
    pub fn extend(&mut self, other: FormErrors) {
        self.items.extend(other.items);
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Every problem, in order, as (field id, message).
    pub fn items(&self) -> &[(String, String)] {
        &self.items
    }

    /// The first message for `field_id`, shown beside the field.
    pub fn get(&self, field_id: &str) -> Option<&str> {
        self.items.iter().find(|(f, _)| f == field_id).map(|(_, m)| m.as_str())
    }

    /// Whether `field_id` has a problem.
    pub fn has(&self, field_id: &str) -> bool {
        self.get(field_id).is_some()
    }
}

impl From<Vec<FieldError>> for FormErrors {
    fn from(errors: Vec<FieldError>) -> Self {
        Self { items: errors.into_iter().map(|e| (e.field, e.message)).collect() }
    }
}

// ---------------------------------------------------------------------------------
// What was sent
// ---------------------------------------------------------------------------------

/// A form body (or query) as its name–value pairs, in the order sent; repeated names
/// (checkboxes) are kept.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct Pairs(pub Vec<(String, String)>);

impl Pairs {
    /// The first value named `name`, or `""`.
    pub fn value(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
    }

    /// The first value named `name`, trimmed.
    pub fn trimmed(&self, name: &str) -> &str {
        self.value(name).trim()
    }

    /// Whether a field named `name` was sent at all.
    pub fn sent(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }

    /// Whether a field named `name` was sent with something in it (a ticked box).
    pub fn ticked(&self, name: &str) -> bool {
        !self.value(name).is_empty()
    }

    /// Every value named `name`, in order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The date typed into the day, month and year boxes of the date field `id`.
    pub fn date(&self, id: &str) -> DateParts {
        DateParts {
            day: self.value(id).into(),
            month: self.value(&format!("{id}-month")).into(),
            year: self.value(&format!("{id}-year")).into(),
        }
    }
}

impl FromIterator<(String, String)> for Pairs {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

/// A form with nothing but its anti-forgery token.
#[derive(Debug, Default, Deserialize)]
pub struct EmptyForm {}

// ---------------------------------------------------------------------------------
// Dates typed as day, month and year
// ---------------------------------------------------------------------------------

/// Which example a date's problems give: a recent day (`5 1 2026`) or a date of birth
/// (`27 3 1985`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Example {
    /// A day of the last few years.
    Recent,
    /// A date of birth.
    Birth,
}

/// A date typed as day, month and year (the GOV.UK pattern, `templates/pages/_date.html`):
/// the day box's id is the field's id, the others `id-month` and `id-year`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DateParts {
    /// The day, as typed.
    pub day: String,
    /// The month, as typed.
    pub month: String,
    /// The year, as typed.
    pub year: String,
}

impl DateParts {
    /// The boxes filled in with `d`.
    pub fn of(d: Date) -> Self {
        Self { day: d.day().to_string(), month: d.month().to_string(), year: d.year().to_string() }
    }

    /// The boxes filled in with `d`, or blank.
    pub fn of_opt(d: Option<Date>) -> Self {
        d.map(Self::of).unwrap_or_default()
    }

    /// Whether all three boxes are blank.
    pub fn is_blank(&self) -> bool {
        self.day.is_empty() && self.month.is_empty() && self.year.is_empty()
    }

    /// The date typed; all blank is no date. The problem continues a sentence
    /// ("must include a day, a month and a year").
    pub fn parse(&self, example: Example) -> Result<Option<Date>, &'static str> {
        let (d, m, y) = (self.day.trim(), self.month.trim(), self.year.trim());
        if d.is_empty() && m.is_empty() && y.is_empty() {
            return Ok(None);
        }
        if d.is_empty() || m.is_empty() || y.is_empty() {
            return Err("must include a day, a month and a year");
        }
        let (four_digits, real) = match example {
            Example::Recent => {
                ("must have a year of four digits, for example 2026", "must be a real date, for example 5 1 2026")
            }
            Example::Birth => {
                ("must have a year of four digits, for example 1985", "must be a real date, for example 27 3 1985")
            }
        };
        if y.len() != 4 {
            return Err(four_digits);
        }
        let (Ok(d), Ok(m), Ok(y)) = (d.parse::<i8>(), m.parse::<i8>(), y.parse::<i16>()) else {
            return Err(real);
        };
        Date::new(y, m, d).map(Some).map_err(|_| real)
    }

    /// The date typed into field `id`, which must be given: a problem on `id` when it is
    /// blank (`missing`) or not a date (`label` and what is wrong), and `None`.
    pub fn required(&self, errors: &mut FormErrors, id: &str, label: &str, missing: &str) -> Option<Date> {
        match self.parse(Example::Recent) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                errors.add(id, missing);
                None
            }
            Err(m) => {
                errors.add(id, sentence(label, m));
                None
            }
        }
    }

    /// The date typed into field `id`, which may be blank: a problem on `id` when it is
    /// not a date.
    pub fn optional(&self, errors: &mut FormErrors, id: &str, label: &str, example: Example) -> Option<Date> {
        match self.parse(example) {
            Ok(d) => d,
            Err(m) => {
                errors.add(id, sentence(label, m));
                None
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// Choices
// ---------------------------------------------------------------------------------

/// One option of a set of radios or a select.
#[derive(Debug, Clone, Copy)]
pub struct Choice {
    /// The value sent.
    pub value: &'static str,
    /// The label shown.
    pub label: &'static str,
    /// A hint under the label (empty for none).
    pub hint: &'static str,
}

/// One option of a select whose options are made at run time (systems, users, grounds).
#[derive(Debug, Clone)]
pub struct SelectOption {
    /// The value sent.
    pub value: String,
    /// The label shown.
    pub label: String,
}

impl SelectOption {
    /// An option.
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Self {
        Self { value: value.into(), label: label.into() }
    }
}

/// The schedule's record types as options, after `first` (none chosen).
pub fn type_options(info: Option<&ScheduleInfo>, first: &str) -> Vec<SelectOption> {
    let mut out = vec![SelectOption::new("", first)];
    if let Some(i) = info {
        out.extend(i.record_types.iter().map(|t| SelectOption::new(t.id.clone(), t.name.clone())));
    }
    out
}

/// The active systems on the register as options, after `first` (none chosen).
pub fn system_options(app: &App, session: &SessionInfo, first: &str) -> AppResult<Vec<SelectOption>> {
    let mut out = vec![SelectOption::new("", first)];
    out.extend(
        app.systems(&session.ctx)?
            .into_iter()
            .filter(|s| s.retired_at.is_none())
            .map(|s| SelectOption::new(s.id, s.name)),
    );
    Ok(out)
}

/// The regions of the UK whose bank holidays differ, for radios.
pub const REGIONS: [Choice; 3] = [
    Choice { value: "england-and-wales", label: "England and Wales", hint: "" },
    Choice { value: "scotland", label: "Scotland", hint: "" },
    Choice { value: "northern-ireland", label: "Northern Ireland", hint: "" },
];

// ---------------------------------------------------------------------------------
// After a change
// ---------------------------------------------------------------------------------

/// `?done=` after a change, for the message at the top of the page it leads to (a
/// fixed code, never personal data).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DoneQuery {
    /// What was done.
    pub done: String,
}

impl DoneQuery {
    /// The message for what was done, from `messages` (code, message); `None` for an
    /// unknown code or none.
    pub fn flash(&self, messages: &[(&str, &str)]) -> Option<String> {
        flash(&self.done, messages)
    }
}

/// The message for `done` from `messages` (code, message).
pub fn flash(done: &str, messages: &[(&str, &str)]) -> Option<String> {
    messages.iter().find(|(code, _)| *code == done).map(|(_, text)| (*text).to_string())
}

/// What a form handler answers.
pub enum Outcome {
    /// Done: `303 See Other` to this address (with its `?done=`).
    Done(String),
    /// This answer as it is: the form again with its problems (`422`), a confirmation,
    /// the erased person's page (`410`)…
    Page(Response),
}

impl Outcome {
    /// Done: go to `to`.
    pub fn done(to: impl Into<String>) -> Self {
        Outcome::Done(to.into())
    }

    /// The form again with its problems: `page` with `422 Unprocessable Content`.
    pub fn refused<T: askama::Template>(page: &T) -> Self {
        Outcome::Page(render_status(StatusCode::UNPROCESSABLE_ENTITY, page))
    }

    /// `page` with `200 OK` (a confirmation).
    pub fn show<T: askama::Template>(page: &T) -> Self {
        Outcome::Page(render(page))
    }
}

impl IntoResponse for Outcome {
    fn into_response(self) -> Response {
        match self {
            Outcome::Done(to) => crate::session::redirect(&to),
            Outcome::Page(r) => r,
        }
    }
}

/// The answer to a form: its outcome, or the page of what went wrong.
pub fn answer(result: Result<Outcome, Response>) -> Response {
    result.map_or_else(|r| r, IntoResponse::into_response)
}

// ---------------------------------------------------------------------------------
// Uploads
// ---------------------------------------------------------------------------------

/// The CSRF field of a multipart form (sent first by the page's form).
#[derive(Deserialize)]
struct CsrfOnly {}

/// Opens a multipart upload form whose first part is the CSRF token, once the token is
/// good and `check` (the caller's permission) passes. Only a form post with a valid
/// token, from someone allowed, is told what is wrong with it: a post that is not
/// multipart gets `problem(400, missing)`.
pub async fn open_upload<F>(
    s: &AppState,
    csrf: &str,
    req: Request,
    check: F,
    problem: fn(StatusCode, &str) -> Response,
    missing: &str,
) -> Result<Multipart, Response>
where
    F: FnOnce() -> steward_app::AppResult<()> + Send + 'static,
{
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !is_multipart {
        let bytes = match axum::body::Bytes::from_request(req, s).await {
            Ok(b) => b,
            Err(_) => return Err(problem(StatusCode::PAYLOAD_TOO_LARGE, "The form is too large.")),
        };
        decode_form::<CsrfOnly>(&bytes, csrf)?;
        run(check).await?;
        return Err(problem(StatusCode::BAD_REQUEST, missing));
    }
    let mut mp = match Multipart::from_request(req, s).await {
        Ok(mp) => mp,
        Err(_) => return Err(problem(StatusCode::BAD_REQUEST, "The form could not be read.")),
    };
    // The first part must be the CSRF token.
    let token = match mp.next_field().await {
        Ok(Some(f)) if f.name() == Some("_csrf") => f.text().await.unwrap_or_default(),
        _ => String::new(),
    };
    let form = serde_urlencoded::to_string([("_csrf", token.as_str())]).unwrap_or_default();
    decode_form::<CsrfOnly>(form.as_bytes(), csrf)?;
    run(check).await?;
    Ok(mp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_errors_keep_order_and_find_the_first_per_field() {
        let mut e = FormErrors::new();
        assert!(e.is_empty());
        e.add("name", "Enter your full name");
        e.add("email", "Enter an email address");
        e.add("name", "second");
        assert_eq!(e.len(), 3);
        assert_eq!(e.get("name"), Some("Enter your full name"));
        assert!(e.has("email") && !e.has("phone"));
        assert_eq!(e.items()[1].0, "email");
        let from: FormErrors = vec![FieldError::new("details", "Too long")].into();
        assert_eq!(from.get("details"), Some("Too long"));
        e.extend(from);
        assert_eq!(e.len(), 4);
    }

    #[test]
    fn dates_are_read_from_three_boxes() {
        let parts = |d: &str, m: &str, y: &str| DateParts { day: d.into(), month: m.into(), year: y.into() };
        assert_eq!(parts("", " ", "").parse(Example::Birth), Ok(None));
        assert_eq!(parts("27", "3", "1985").parse(Example::Birth), Ok(Some(jiff::civil::date(1985, 3, 27))));
        assert!(parts("31", "2", "1985").parse(Example::Birth).is_err());
        assert!(parts("1", "", "1985").parse(Example::Birth).is_err());
        assert!(parts("1", "2", "85").parse(Example::Birth).is_err_and(|m| m.contains("1985")));
        assert!(parts("x", "2", "2026").parse(Example::Recent).is_err_and(|m| m.contains("5 1 2026")));
        let pairs: Pairs = [("on", "5"), ("on-month", "1"), ("on-year", "2026")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut errors = FormErrors::new();
        assert_eq!(
            pairs.date("on").required(&mut errors, "on", "The date", "Enter it"),
            Some(jiff::civil::date(2026, 1, 5))
        );
        assert_eq!(pairs.date("off").required(&mut errors, "off", "The date", "Enter it"), None);
        assert_eq!(DateParts::of(jiff::civil::date(2026, 1, 5)), pairs.date("on"));
        assert_eq!(errors.get("off"), Some("Enter it"));
    }

    #[test]
    fn pairs_keep_repeats_and_flash_reads_a_table() {
        let pairs: Pairs =
            [("c", "a"), ("c", "b"), ("t", " x ")].into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        assert_eq!(pairs.all("c").collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(pairs.trimmed("t"), "x");
        assert!(pairs.sent("t") && !pairs.sent("u") && !pairs.ticked("u"));
        let table = [("saved", "Changes saved")];
        assert_eq!(flash("saved", &table).as_deref(), Some("Changes saved"));
        assert_eq!(DoneQuery { done: "nope".into() }.flash(&table), None);
    }
}
