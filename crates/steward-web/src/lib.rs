//! Steward's HTTP layer: the JSON API under `/api/v1` with its OpenAPI document,
//! bearer-token authentication, and the mapping of errors to statuses.

pub mod api;
pub mod error;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use std::sync::Arc;
use steward_app::App;

pub use error::ApiError;

/// Largest request body accepted, in bytes.
pub const BODY_LIMIT: usize = 256 * 1024;

/// Shared state of the server.
#[derive(Clone)]
pub struct AppState {
    /// The application.
    pub app: Arc<App>,
}

/// Run a blocking application call on the blocking pool and map its error.
pub async fn blocking<T, F>(f: F) -> Result<T, ApiError>
where
    F: FnOnce() -> Result<T, steward_app::AppError> + Send + 'static,
    T: Send + 'static,
{
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(ApiError::from),
        Err(_) => {
            tracing::error!("a request handler stopped unexpectedly");
            Err(ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "something went wrong on the server; the error has been logged",
            ))
        }
    }
}

/// The whole HTTP application.
pub fn router(app: Arc<App>) -> Router {
    let state = AppState { app };
    Router::new()
        .nest("/api/v1", api::routes())
        .route("/", axum::routing::get(api::home))
        .fallback(api::not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(BODY_LIMIT * 4))
        .layer(axum::middleware::map_response(json_error_bodies))
        .with_state(state)
}

/// The outer body limit (413) and the router's wrong-method answer (405) come with
/// plain-text or empty bodies; give them the JSON error body every other error has,
/// keeping their headers (such as `Allow`).
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
            format!("the body is larger than the limit of {BODY_LIMIT} bytes"),
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
    axum::serve(listener, router(app)).with_graceful_shutdown(shutdown).await
}
