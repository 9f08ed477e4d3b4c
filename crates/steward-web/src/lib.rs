//! Steward's HTTP layer: the server-rendered web UI with its sessions, and the JSON
//! API under `/api/v1` with its OpenAPI document and bearer-token authentication.

pub mod api;
pub mod assets;
pub mod error;
pub mod files;
pub mod session;
pub mod state;
pub mod ui;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use std::sync::Arc;
use steward_app::App;

pub use error::{ApiError, blocking};
pub use state::{AppState, BODY_LIMIT};

/// The whole HTTP application, with `Secure` session cookies.
pub fn router(app: Arc<App>) -> Router {
    router_with(app, true)
}

/// The whole HTTP application; `cookie_secure: false` only for plain-HTTP deployments.
pub fn router_with(app: Arc<App>, cookie_secure: bool) -> Router {
    let state = AppState { app, cookie_secure };
    let api = api::routes()
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(steward_app::record_import::MAX_IMPORT_BYTES))
        .layer(axum::middleware::from_fn(limit_api_bodies))
        .layer(axum::middleware::map_response(json_error_bodies));
    Router::new()
        .nest("/api/v1", api)
        // The browsable API page, reading the document served at /api/v1/openapi.json.
        .merge(utoipa_swagger_ui::SwaggerUi::new(API_DOCS).config(
            // No badge fetched from validator.swagger.io: the page talks to this server only.
            utoipa_swagger_ui::Config::from("/api/v1/openapi.json").validator_url("none"),
        ))
        .route("/api/v1/{*rest}", axum::routing::any(api::kit::not_found))
        .route("/api/{*rest}", axum::routing::any(api::kit::not_found))
        .merge(assets::routes())
        .merge(ui::routes())
        .fallback(page_not_found)
        .layer(axum::middleware::from_fn(same_origin_forms))
        .layer(axum::middleware::from_fn(api_headers))
        .with_state(state)
}

/// Where the browsable API page (Swagger UI) is served.
pub const API_DOCS: &str = "/api/v1/docs";

/// The browsable API page's content security policy: the vendored Swagger UI loads its
/// scripts, styles and the OpenAPI document from this server only, and its icons are
/// `data:` images; its React components set `style` attributes, hence
/// `style-src 'unsafe-inline'` (styles only: no inline script runs). Never framed
/// (OWASP ASVS 5.0 V3.4.3 CSP, V3.4.6 frame-ancestors).
pub const API_DOCS_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'none'; frame-ancestors 'none'; \
    base-uri 'none'; object-src 'none'";

/// The content security policy of every other API response: JSON and files, never a
/// page, so nothing may load or frame them (OWASP ASVS 5.0 V3.4.3, V3.4.6).
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// Headers on every response under `/api/`: never cached, since API answers carry
/// personal data, and never sniffed as another type (OWASP ASVS 5.0 V14.3.2
/// anti-caching, V3.4.4 `nosniff`), with a content security policy that forbids
/// framing: [`API_CSP`], or [`API_DOCS_CSP`] with `X-Frame-Options: DENY` for the
/// Swagger UI page.
async fn api_headers(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let path = req.uri().path();
    let api = path.starts_with("/api/") || path == "/api";
    let docs = path == API_DOCS || path.starts_with(&format!("{API_DOCS}/"));
    let mut resp = next.run(req).await;
    if api {
        let h = resp.headers_mut();
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        if docs {
            h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(API_DOCS_CSP));
            h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
        } else {
            h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(API_CSP));
        }
    }
    resp
}

async fn page_not_found() -> axum::response::Response {
    ui::kit::error_page(
        axum::http::StatusCode::NOT_FOUND,
        "Page not found",
        "If you typed the web address, check it is correct.",
    )
}

/// Refuse a state-changing browser request sent from another site: when `Origin` (or,
/// failing that, `Referer`) is present it must name this host. Defence in depth beside
/// the CSRF tokens (OWASP CSRF Prevention Cheat Sheet, "verifying origin"). The API
/// is exempt: it authenticates with bearer tokens, never cookies.
async fn same_origin_forms(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::http::{Method, header};
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method && !req.uri().path().starts_with("/api/") {
        let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
        let source = req
            .headers()
            .get(header::ORIGIN)
            .or_else(|| req.headers().get(header::REFERER))
            .and_then(|h| h.to_str().ok())
            .filter(|o| *o != "null");
        if let Some(source) = source {
            let authority = source.split("://").nth(1).unwrap_or("").split('/').next().unwrap_or("");
            if authority != host {
                return ui::kit::error_page(
                    axum::http::StatusCode::FORBIDDEN,
                    "This form came from another website",
                    "For your security it was not accepted. Open Steward directly and try again.",
                );
            }
        }
    }
    next.run(req).await
}

/// Cap every API request body: [`BODY_LIMIT`] × 4 in all (each route's extractors
/// allow less, see `DefaultBodyLimit`), and the file limits for the records import and the
/// record of processing's import. A
/// declared length over the cap is refused at once; a longer body fails when read.
async fn limit_api_bodies(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    let import = req.uri().path().ends_with(api::import::IMPORT_PATH);
    let ropa = req.uri().path().ends_with(api::ropa::IMPORT_PATH);
    let scan = files::is_scan_upload(req.method(), req.uri().path());
    let limit = if import {
        steward_app::record_import::MAX_IMPORT_BYTES
    } else if ropa {
        steward_app::ropa::MAX_ROPA_IMPORT_BYTES
    } else if scan {
        files::SCAN_BODY_LIMIT
    } else {
        BODY_LIMIT * 4
    };
    let declared = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return if import {
            api::import::too_large().into_response()
        } else if ropa {
            api::ropa::too_large().into_response()
        } else if scan {
            files::scan_too_large().into_response()
        } else {
            // Rewritten as the API's JSON error by `json_error_bodies`.
            axum::http::StatusCode::PAYLOAD_TOO_LARGE.into_response()
        };
    }
    let req = req.map(|b| axum::body::Body::new(http_body_util::Limited::new(b, limit)));
    next.run(req).await
}

async fn json_error_bodies(resp: axum::response::Response) -> axum::response::Response {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    let is_json = resp
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let err = match resp.status() {
        _ if is_json => return resp,
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!(
                "the body is larger than the limit of {BODY_LIMIT} bytes ({} bytes for a document)",
                steward_app::records::MAX_DOCUMENT_BYTES
            ),
        ),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "this endpoint does not accept that method; see /api/v1/openapi.json",
        ),
        _ => return resp,
    };
    let (mut parts, _) = resp.into_parts();
    let json = err.into_response();
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    parts.headers.extend(json.headers().clone());
    axum::response::Response::from_parts(parts, json.into_body())
}

/// Serve `router` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Arc<App>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, app, true, shutdown).await
}

/// Serve with the cookie setting given (see [`router_with`]).
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    app: Arc<App>,
    cookie_secure: bool,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router_with(app, cookie_secure).into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
