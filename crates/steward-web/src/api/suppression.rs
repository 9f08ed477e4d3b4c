//! The direct-marketing suppression list (UK GDPR Art 21(3)): checking an address or
//! number, and adding to it.

use crate::api::kit::Authed;
use crate::error::{ApiError, ErrorBody, JsonObject, blocking};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use steward_app::suppression::{NewSuppression, SuppressionAdded, SuppressionQuery, SuppressionStatus};
use utoipa::OpenApi;

/// The routes, relative to `/api/v1`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/suppression", get(check_suppression).post(add_suppression))
}

/// Whether marketing to one email address or phone number (any UK format) is forbidden
/// because of an objection to direct marketing, and since when. Give exactly one.
#[utoipa::path(get, path = "/api/v1/suppression", tag = "suppression", params(SuppressionQuery), security(("bearer" = [])),
    responses((status = 200, body = SuppressionStatus), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn check_suppression(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    q: Result<Query<SuppressionQuery>, QueryRejection>,
) -> Result<Json<SuppressionStatus>, ApiError> {
    let Query(q) = q?;
    let app = s.app.clone();
    Ok(Json(blocking(move || app.is_suppressed(&ctx, &q)).await?))
}

/// Add email addresses and phone numbers to the suppression list directly (DPO only),
/// e.g. for an objection received by phone. Only keyed hashes are stored; entries are
/// never removed, not even when the subject is erased.
#[utoipa::path(post, path = "/api/v1/suppression", tag = "suppression", request_body = NewSuppression, security(("bearer" = [])),
    responses((status = 201, body = SuppressionAdded), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn add_suppression(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    body: JsonObject<NewSuppression>,
) -> Result<(StatusCode, Json<SuppressionAdded>), ApiError> {
    let JsonObject(input) = body;
    let app = s.app.clone();
    let added = blocking(move || app.suppress_identifiers(&ctx, &input.emails, &input.phones, &input.reason)).await?;
    Ok((StatusCode::CREATED, Json(added)))
}

/// The OpenAPI description of this area.
#[derive(OpenApi)]
#[openapi(
    paths(check_suppression, add_suppression),
    tags((name = "suppression", description = "The direct-marketing suppression list (UK GDPR Art 21(3))"))
)]
pub struct Doc;
