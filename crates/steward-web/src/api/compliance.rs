//! The compliance check through the API: every rule across the registers, each gap a
//! finding with its severity, rule, message, citation, entry and fix, and the counts of
//! errors and warnings.

use crate::api::kit::Authed;
use crate::error::{ApiError, ErrorBody, blocking};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::routing::get;
use steward_app::compliance::ComplianceReport;
use utoipa::OpenApi;

/// The routes, relative to `/api/v1`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/compliance", get(compliance))
}

/// Run the compliance check over the registers as they stand today: the findings (errors
/// first, then by rule), with how many are errors and warnings. Audited as a run of the
/// check, with the counts only.
#[utoipa::path(get, path = "/api/v1/compliance", tag = "compliance", security(("bearer" = [])),
    responses((status = 200, body = ComplianceReport), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn compliance(State(s): State<AppState>, Authed(ctx): Authed) -> Result<Json<ComplianceReport>, ApiError> {
    let app = s.app.clone();
    let findings = blocking(move || app.compliance_check(&ctx)).await?;
    Ok(Json(ComplianceReport::new(findings)))
}

/// The OpenAPI description of this area.
#[derive(OpenApi)]
#[openapi(
    paths(compliance),
    tags((name = "compliance", description = "The compliance check: the gaps across the registers, with the law and the fix"))
)]
pub struct Doc;
