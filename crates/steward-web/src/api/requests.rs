//! Rights requests and complaints: logging one, the list, one request with its events
//! and what may be recorded next, and recording what happened.

use crate::api::kit::Authed;
use crate::error::{ApiError, ErrorBody, JsonObject, blocking};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use steward_app::requests::{NewRequest, RequestQuery, RequestView};
use steward_core::request::{EventKind, RequestEvent, RequestStatus};
use steward_core::request_flow::next_events;
use utoipa::{IntoParams, OpenApi, ToSchema};

/// The routes, relative to `/api/v1`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/requests", post(create_request).get(list_requests))
        .route("/requests/{id}", get(get_request))
        .route("/requests/{id}/events", post(record_request_event))
}

/// One request as the API shows it: the request view, and the events that may be
/// recorded next.
#[derive(Serialize, ToSchema)]
pub struct RequestDetail {
    /// The request, its events and its due dates.
    #[serde(flatten)]
    pub request: RequestView,
    /// The events that may be recorded next, in the order things usually happen (event
    /// kind codes, e.g. `identity_requested`, `decision`); empty once closed. Recording
    /// one is still checked against the request's history.
    pub next_events: Vec<EventKind>,
}

impl From<RequestView> for RequestDetail {
    fn from(request: RequestView) -> Self {
        let recorded: Vec<EventKind> = request.events.iter().map(|e| e.event.kind).collect();
        let next_events = next_events(request.kind, request.status, &recorded);
        Self { request, next_events }
    }
}

/// Log a rights request or complaint. The answer carries its statutory due date, the
/// organisation's policy due date and the nearer of the two (`due_on`).
#[utoipa::path(post, path = "/api/v1/requests", tag = "requests", request_body = NewRequest, security(("bearer" = [])),
    responses((status = 201, body = RequestDetail), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "Invalid input, e.g. received in the future; `field` names it")))]
pub async fn create_request(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    body: JsonObject<NewRequest>,
) -> Result<(StatusCode, Json<RequestDetail>), ApiError> {
    let JsonObject(input) = body;
    let app = s.app.clone();
    let view = blocking(move || app.create_request(&ctx, input)).await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// Filters for the list of requests.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RequestListQuery {
    /// Only this status (`open`, `awaiting_identity`, …, `closed`).
    pub status: Option<RequestStatus>,
    /// Only those due before this day (`YYYY-MM-DD`).
    #[param(value_type = Option<String>, format = Date)]
    pub due_before: Option<jiff::civil::Date>,
}

/// Requests.
#[derive(Serialize, ToSchema)]
pub struct RequestList {
    /// Nearest due date first (at most 500); events are left out.
    pub requests: Vec<RequestView>,
}

/// The requests the caller may see, nearest due date first.
#[utoipa::path(get, path = "/api/v1/requests", tag = "requests", params(RequestListQuery), security(("bearer" = [])),
    responses((status = 200, body = RequestList), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_requests(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    q: Result<Query<RequestListQuery>, QueryRejection>,
) -> Result<Json<RequestList>, ApiError> {
    let Query(q) = q?;
    let query = RequestQuery { status: q.status, due_before: q.due_before };
    let app = s.app.clone();
    let requests = blocking(move || app.list_requests(&ctx, &query)).await?;
    Ok(Json(RequestList { requests }))
}

/// One request with its events, how its due date was worked out, and what may be recorded next.
#[utoipa::path(get, path = "/api/v1/requests/{id}", tag = "requests", security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses((status = 200, body = RequestDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_request(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
) -> Result<Json<RequestDetail>, ApiError> {
    let app = s.app.clone();
    Ok(Json(blocking(move || app.get_request(&ctx, &id)).await?.into()))
}

/// Record what happened to a request (identity asked for or received, clarification
/// asked for or received, extension with its reason, decision with its outcome, response
/// sent, closed). Its status and due dates follow. An event that does not fit the
/// request's history (out of order, an extension after the first month, closing with
/// steps open) is refused with 422 naming the field at fault, like any other invalid input.
#[utoipa::path(post, path = "/api/v1/requests/{id}/events", tag = "requests", request_body = RequestEvent, security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses((status = 200, body = RequestDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Another event was recorded at the same time"), (status = 422, body = ErrorBody)))]
pub async fn record_request_event(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
    body: JsonObject<RequestEvent>,
) -> Result<Json<RequestDetail>, ApiError> {
    let JsonObject(event) = body;
    let app = s.app.clone();
    Ok(Json(blocking(move || app.record_request_event(&ctx, &id, event)).await?.into()))
}

/// The OpenAPI description of this area.
#[derive(OpenApi)]
#[openapi(
    paths(create_request, list_requests, get_request, record_request_event),
    tags((name = "requests", description = "Rights requests and complaints, with their due dates"))
)]
pub struct Doc;
