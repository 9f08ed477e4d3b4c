//! The register of systems and processors through the API: list, read, add and change
//! entries (reading needs the registers permission, changing needs to manage them).

use crate::api::kit::Authed;
use crate::error::{ApiError, ErrorBody, JsonObject, blocking};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use serde::Serialize;
use steward_app::systems::System;
use steward_core::register::system::NewSystem;
use utoipa::{OpenApi, ToSchema};

/// The routes, relative to `/api/v1`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/systems", get(list_systems).post(create_system))
        .route("/systems/{id}", get(get_system).put(update_system))
}

/// The register of systems and processors.
#[derive(Serialize, ToSchema)]
pub struct SystemList {
    /// By name, retired ones included.
    pub systems: Vec<System>,
}

/// Every system and processor on the register.
#[utoipa::path(get, path = "/api/v1/systems", tag = "registers", security(("bearer" = [])),
    responses((status = 200, body = SystemList), (status = 403, body = ErrorBody)))]
pub async fn list_systems(State(s): State<AppState>, Authed(ctx): Authed) -> Result<Json<SystemList>, ApiError> {
    let app = s.app.clone();
    Ok(Json(SystemList { systems: blocking(move || app.systems(&ctx)).await? }))
}

/// Add a system or processor.
#[utoipa::path(post, path = "/api/v1/systems", tag = "registers", request_body = NewSystem, security(("bearer" = [])),
    responses((status = 201, body = System), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_system(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    body: JsonObject<NewSystem>,
) -> Result<(StatusCode, Json<System>), ApiError> {
    let JsonObject(n) = body;
    let app = s.app.clone();
    Ok((StatusCode::CREATED, Json(blocking(move || app.create_system(&ctx, n)).await?)))
}

/// One system or processor.
#[utoipa::path(get, path = "/api/v1/systems/{id}", tag = "registers", security(("bearer" = [])),
    params(("id" = String, Path, description = "System id")),
    responses((status = 200, body = System), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_system(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
) -> Result<Json<System>, ApiError> {
    let app = s.app.clone();
    Ok(Json(blocking(move || app.system(&ctx, &id)).await?))
}

/// Replace a system's details (retire it with `"retired": true`).
#[utoipa::path(put, path = "/api/v1/systems/{id}", tag = "registers", request_body = NewSystem,
    security(("bearer" = [])), params(("id" = String, Path, description = "System id")),
    responses((status = 200, body = System), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update_system(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
    body: JsonObject<NewSystem>,
) -> Result<Json<System>, ApiError> {
    let JsonObject(n) = body;
    let app = s.app.clone();
    Ok(Json(blocking(move || app.update_system(&ctx, &id, n)).await?))
}

/// The OpenAPI description of this area.
#[derive(OpenApi)]
#[openapi(
    paths(list_systems, create_system, get_system, update_system),
    tags((name = "registers", description = "Systems and processors that hold personal data"))
)]
pub struct Doc;
