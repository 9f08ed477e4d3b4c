//! The server-rendered web UI: what every page's layout needs, form errors, and the
//! one place templates become responses. Templates are in `crates/steward-web/templates`
//! (askama, compiled into the binary, HTML-escaped by default).

pub mod admin;
pub mod audit;
pub mod auth;
pub mod checklists;
pub mod disposals;
pub mod inbox;
pub mod letters;
pub mod notify;
pub mod packs;
pub mod pages;
pub mod public;
pub mod records;
pub mod requests;
pub mod retention;
pub mod scans;
pub mod settings;
pub mod statistics;
pub mod subjects;
pub mod systems;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use steward_core::FieldError;

/// What every page's layout needs.
#[derive(Clone)]
pub struct PageContext {
    /// The organisation's name, shown in the header.
    pub org_name: String,
    /// The signed-in user, if any; `None` on public pages.
    pub user: Option<UserBadge>,
    /// The session's anti-forgery token, sent back as `_csrf` by every form.
    pub csrf: String,
    /// Which navigation item is current: `dashboard`, `subjects`, `audit`, `inbox`,
    /// `users`, `settings`, `tokens`, `requests`, `systems`, `records`, `retention`, `holds`,
    /// `disposals` (or anything else for none).
    pub nav: &'static str,
    /// A one-off message shown at the top of the page ("Status changed").
    pub flash: Option<String>,
}

/// The signed-in user as the layout shows them, with what their role lets them see.
#[derive(Clone)]
pub struct UserBadge {
    /// Name shown in the header.
    pub display_name: String,
    /// Role, for people ("Data protection officer").
    pub role_label: String,
    /// Show the Subjects link.
    pub can_see_subjects: bool,
    /// Show the Audit log link.
    pub can_see_audit: bool,
    /// Show Users, Settings and API tokens.
    pub is_admin: bool,
    /// Show Statistics.
    pub can_see_statistics: bool,
    /// Show Letters (the DPO edits the letters' wording).
    pub can_edit_letters: bool,
    /// Show Systems and processors.
    pub can_see_registers: bool,
}

impl std::fmt::Debug for PageContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageContext").field("nav", &self.nav).field("user", &self.user).finish_non_exhaustive()
    }
}

impl std::fmt::Debug for UserBadge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserBadge").field("role_label", &self.role_label).finish_non_exhaustive()
    }
}

impl PageContext {
    /// The context of a page anyone may see: no user, no session.
    pub fn public(org_name: String) -> Self {
        Self { org_name, user: None, csrf: String::new(), nav: "", flash: None }
    }
}

/// Problems with a submitted form, in the order of the form's fields: each is the id of
/// the field at fault (the error summary links to `#id`) and a message for people.
#[derive(Debug, Clone, Default)]
pub struct FormErrors {
    items: Vec<(String, String)>,
}

impl FormErrors {
    /// No problems.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a problem with field `field_id`.
    pub fn add(&mut self, field_id: impl Into<String>, message: impl Into<String>) {
        self.items.push((field_id.into(), message.into()));
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

/// A page with a heading, paragraphs and an optional link: confirmations, refusals
/// and other short messages (`templates/message.html`).
#[derive(askama::Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    /// Layout.
    pub page: PageContext,
    /// The `h1` and title.
    pub heading: String,
    /// Paragraphs.
    pub paragraphs: Vec<String>,
    /// A link (href, text) under them.
    pub link: Option<(String, String)>,
}

/// Headers every HTML page carries: never cached (pages may hold personal data), not
/// framed, no inline script or style, forms and links to this site only.
fn page_headers(resp: &mut Response) {
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ),
    );
}

/// Render `t` as a `200 OK` HTML page, or a plain `500` page if rendering fails (logged
/// by template name only, never with the page's data).
pub fn render<T: askama::Template>(t: &T) -> Response {
    render_status(StatusCode::OK, t)
}

/// Render `t` as an HTML page with `status` (`422` for a form with errors…).
pub fn render_status<T: askama::Template>(status: StatusCode, t: &T) -> Response {
    match t.render() {
        Ok(html) => {
            let mut resp = (status, html).into_response();
            page_headers(&mut resp);
            resp
        }
        Err(_) => {
            tracing::error!(template = std::any::type_name::<T>(), "a page could not be rendered");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sorry, there is a problem with the service",
                "Try again later.",
            )
        }
    }
}

/// A minimal page for errors, built without templates so it cannot itself fail.
/// `title` and `message` are fixed text from the caller and are escaped anyway.
pub fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let t = MessagePage {
        page: PageContext::public("Steward".into()),
        heading: title.into(),
        paragraphs: vec![message.into()],
        link: Some(("/".into(), "Go to the start page".into())),
    };
    let html = askama::Template::render(&t).unwrap_or_else(|_| {
        "<!doctype html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Error – Steward</title></head>\
         <body><main id=\"main\"><h1>Sorry, there is a problem</h1></main></body></html>"
            .to_string()
    });
    let mut resp = (status, html).into_response();
    page_headers(&mut resp);
    resp
}

/// A date as people in the UK write it: `3 October 2026`.
pub fn long_date(d: jiff::civil::Date) -> String {
    d.strftime("%-d %B %Y").to_string()
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
    }

    #[test]
    fn error_pages_escape_and_dates_read_naturally() {
        let r = error_page(StatusCode::BAD_REQUEST, "<b>", "a & b");
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert_eq!(long_date(jiff::civil::date(2026, 10, 3)), "3 October 2026");
    }
}
