//! The service's health (no token needed): whether Steward and its database are up and
//! whether it can write.

use crate::error::{ApiError, ErrorBody, blocking};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::routing::get;
use serde::Serialize;
use steward_app::BackendKind;
use utoipa::{OpenApi, ToSchema};

/// The routes, relative to `/api/v1`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/health", get(health))
}

/// Health of the service.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`, or `degraded` when Steward cannot write what it must keep (see `problems`):
    /// reads still work, changes fail with `503 storage_unavailable`.
    #[schema(example = "ok")]
    pub status: &'static str,
    /// `sqlite` or `postgres`.
    pub database: BackendKind,
    /// Schema version.
    pub schema_version: i64,
    /// Steward's version.
    pub version: &'static str,
    /// What is wrong when `degraded`, with what to do; no personal data. Empty when `ok`.
    pub problems: Vec<steward_app::health::HealthProblem>,
}

/// Whether Steward and its database are up, and whether it can write: `degraded` (still
/// 200) when the latest database write failed for storage reasons (disk full, read-only,
/// I/O error) and none has succeeded since, or when a small probe write to the data
/// directory fails. Needs no token.
#[utoipa::path(get, path = "/api/v1/health", tag = "service", responses((status = 200, body = Health), (status = 503, body = ErrorBody)))]
pub async fn health(State(s): State<AppState>) -> Result<Json<Health>, ApiError> {
    let app = s.app.clone();
    let report = blocking(move || app.health()).await?;
    let steward_app::health::HealthReport { database, schema_version, problems } = report;
    let status = if problems.is_empty() { "ok" } else { "degraded" };
    Ok(Json(Health { status, database, schema_version, version: env!("CARGO_PKG_VERSION"), problems }))
}

/// The OpenAPI description of this area.
#[derive(OpenApi)]
#[openapi(paths(health), tags((name = "service", description = "Service status")))]
pub struct Doc;
