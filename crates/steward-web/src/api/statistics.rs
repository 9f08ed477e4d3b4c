//! The statistics API: the board's figures about rights requests (counts, medians and
//! shares on time; no personal data).

use crate::api::kit::Authed;
use crate::error::{ApiError, ErrorBody, blocking};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::routing::get;
use serde::Deserialize;
use steward_app::statistics::{Statistics, StatisticsQuery};
use utoipa::{IntoParams, OpenApi};

/// The routes, relative to `/api/v1`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/statistics", get(statistics))
}

/// Which figures.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatisticsParams {
    /// Year of the annual figures (default: the current one); without `from`/`to`, the
    /// monthly figures are that year's months (default: the last 12 months).
    pub year: Option<i16>,
    /// Month the organisation's year starts, 1 to 12 (default 1, the calendar year).
    pub year_start: Option<i8>,
    /// First month of the monthly figures, `YYYY-MM` (with `to`; at most 60 months).
    pub from: Option<String>,
    /// Last month of the monthly figures, `YYYY-MM`.
    pub to: Option<String>,
}

/// Rights requests for the board: received by kind, responded, median days to respond
/// (calendar days from receipt to response; the mean of the two middle values for an
/// even count), and the share answered on time by the statutory date and by the
/// working due date (the nearer of the statutory date and the organisation's target),
/// per month and for a year; and how many are open and overdue today.
#[utoipa::path(get, path = "/api/v1/statistics", tag = "statistics", params(StatisticsParams), security(("bearer" = [])),
    responses((status = 200, body = Statistics), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn statistics(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    q: Result<Query<StatisticsParams>, QueryRejection>,
) -> Result<Json<Statistics>, ApiError> {
    let Query(p) = q?;
    let query = StatisticsQuery { year: p.year, year_start: p.year_start, from: p.from, to: p.to };
    let app = s.app.clone();
    let today = app.today();
    Ok(Json(blocking(move || app.request_statistics(&ctx, &query, today)).await?))
}

/// The OpenAPI description of this area.
#[derive(OpenApi)]
#[openapi(
    paths(statistics),
    tags((name = "statistics", description = "Figures about rights requests for the board"))
)]
pub struct Doc;
