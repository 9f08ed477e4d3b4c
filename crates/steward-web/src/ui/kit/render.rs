//! The one place templates become responses: every page's headers, rendering with a
//! status, the short message page, and the error page that cannot itself fail.
//! Templates are in `crates/steward-web/templates` (askama, compiled into the binary,
//! HTML-escaped by default).

use super::layout::PageContext;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_pages_escape() {
        let r = error_page(StatusCode::BAD_REQUEST, "<b>", "a & b");
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    }
}
