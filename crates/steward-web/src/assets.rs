//! Static assets of the web UI — the stylesheet and htmx with its licence — compiled
//! into the binary, so Steward needs no CDN and no build step beyond cargo.

use crate::state::AppState;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// Steward's stylesheet.
pub const STEWARD_CSS: &[u8] = include_bytes!("../static/steward.css");
/// htmx, minified, vendored from the `htmx.org` npm package.
pub const HTMX_JS: &[u8] = include_bytes!("../static/htmx.min.js");
/// htmx's licence (Zero-Clause BSD).
pub const HTMX_LICENSE: &[u8] = include_bytes!("../static/htmx.LICENSE.txt");

/// How long browsers may reuse an asset without asking again.
const CACHE: &str = "public, max-age=3600";

fn asset(content_type: &'static str, body: &'static [u8]) -> Response {
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    resp
}

async fn css() -> Response {
    asset("text/css; charset=utf-8", STEWARD_CSS)
}

async fn htmx() -> Response {
    asset("text/javascript; charset=utf-8", HTMX_JS)
}

async fn htmx_licence() -> Response {
    asset("text/plain; charset=utf-8", HTMX_LICENSE)
}

/// `GET /static/steward.css`, `/static/htmx.min.js` and `/static/htmx.LICENSE.txt`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/static/steward.css", get(css))
        .route("/static/htmx.min.js", get(htmx))
        .route("/static/htmx.LICENSE.txt", get(htmx_licence))
}
