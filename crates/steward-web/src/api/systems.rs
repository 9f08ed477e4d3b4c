//! The register of systems and processors through the API: list, read, add and change
//! entries (reading needs the registers permission, changing needs to manage them). Each
//! entry comes with the activities of the record of processing that use it.

use crate::api::kit::Authed;
use crate::error::{ApiError, ErrorBody, JsonObject, blocking};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use serde::Serialize;
use steward_app::systems::SystemView;
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
    /// By name, retired ones included, each with the activities using it.
    pub systems: Vec<SystemView>,
}

/// Every system and processor on the register.
#[utoipa::path(get, path = "/api/v1/systems", tag = "registers", security(("bearer" = [])),
    responses((status = 200, body = SystemList), (status = 403, body = ErrorBody)))]
pub async fn list_systems(State(s): State<AppState>, Authed(ctx): Authed) -> Result<Json<SystemList>, ApiError> {
    let app = s.app.clone();
    Ok(Json(SystemList { systems: blocking(move || app.system_views(&ctx)).await? }))
}

/// Add a system or processor. A `processor_id` that is not a processor in use on the
/// register of processors, or a `hosting_country` that is not an ISO 3166-1 code, is
/// refused with 422 naming the field.
#[utoipa::path(post, path = "/api/v1/systems", tag = "registers", request_body = NewSystem, security(("bearer" = [])),
    responses((status = 201, body = SystemView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_system(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    body: JsonObject<NewSystem>,
) -> Result<(StatusCode, Json<SystemView>), ApiError> {
    let JsonObject(n) = body;
    let app = s.app.clone();
    let view = blocking(move || {
        let id = app.create_system(&ctx, n)?.id;
        app.system_view(&ctx, &id)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// One system or processor, with the activities of the record of processing using it.
#[utoipa::path(get, path = "/api/v1/systems/{id}", tag = "registers", security(("bearer" = [])),
    params(("id" = String, Path, description = "System id")),
    responses((status = 200, body = SystemView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_system(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
) -> Result<Json<SystemView>, ApiError> {
    let app = s.app.clone();
    Ok(Json(blocking(move || app.system_view(&ctx, &id)).await?))
}

/// Replace a system's details (retire it with `"retired": true`).
#[utoipa::path(put, path = "/api/v1/systems/{id}", tag = "registers", request_body = NewSystem,
    security(("bearer" = [])), params(("id" = String, Path, description = "System id")),
    responses((status = 200, body = SystemView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update_system(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
    body: JsonObject<NewSystem>,
) -> Result<Json<SystemView>, ApiError> {
    let JsonObject(n) = body;
    let app = s.app.clone();
    Ok(Json(
        blocking(move || {
            app.update_system(&ctx, &id, n)?;
            app.system_view(&ctx, &id)
        })
        .await?,
    ))
}

/// The OpenAPI description of this area.
#[derive(OpenApi)]
#[openapi(
    paths(list_systems, create_system, get_system, update_system),
    tags((name = "registers", description = "Systems and processors that hold personal data"))
)]
pub struct Doc;
