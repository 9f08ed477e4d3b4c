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
        .with_state(state)
}

/// Serve `router` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Arc<App>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(app)).with_graceful_shutdown(shutdown).await
}
