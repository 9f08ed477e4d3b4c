//! The incident registers' own operations beside their register areas: the DPO's approval
//! of a disclosure decided out of hours, a breach's report laid out as the ICO's online
//! form, a DPIA as a document, and the organisation's settings (the breach clock and
//! working hours among them).

use crate::api::kit::Authed;
use crate::error::{ApiError, ErrorBody, JsonObject, blocking};
use crate::files::attachment;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use steward_app::registers::Stored;
use steward_core::Region;
use steward_core::register::disclosure::{ApprovalState, Disclosure, DisclosureDerived};
use steward_core::register::incident::{InternalClock, WorkingHours};
use utoipa::{OpenApi, ToSchema};

/// The routes, relative to `/api/v1`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/disclosures/{id}/approval", post(approve))
        .route("/breaches/{id}/ico-report", get(ico_report))
        .route("/dpias/{id}/document", get(dpia_document))
        .route("/settings", get(settings).patch(patch_settings))
}

/// The DPO's decision on a disclosure decided out of hours.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalBody {
    /// `approved` or `rejected`.
    pub outcome: ApprovalState,
    /// The DPO's note (required when rejected).
    #[serde(default)]
    pub note: String,
}

/// Approve (or not) a disclosure decided out of hours (DPO only). The answer is the
/// disclosure with `retrospective_approval` now `approved` or `rejected`. A decision made
/// in working hours needs no approval (409).
#[utoipa::path(post, path = "/api/v1/disclosures/{id}/approval", tag = "disclosures",
    params(("id" = String, Path, description = "The disclosure's id")), request_body = ApprovalBody,
    security(("bearer" = [])),
    responses((status = 200, body = Stored<Disclosure, DisclosureDerived>), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn approve(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
    JsonObject(body): JsonObject<ApprovalBody>,
) -> Result<Json<Stored<Disclosure, DisclosureDerived>>, ApiError> {
    let app = s.app.clone();
    Ok(Json(blocking(move || app.disclosure_approve(&ctx, &id, body.outcome, &body.note)).await?))
}

/// A breach laid out as the six parts of the ICO's online report form (about the report,
/// what happened, the data, the people, staff and measures, the organisation), as UTF-8
/// text to paste from or attach. Audited.
#[utoipa::path(get, path = "/api/v1/breaches/{id}/ico-report", tag = "breaches",
    params(("id" = String, Path, description = "The breach's id")), security(("bearer" = [])),
    responses((status = 200, content_type = "text/plain", body = String), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn ico_report(State(s): State<AppState>, Authed(ctx): Authed, Path(id): Path<String>) -> Result<Response, ApiError> {
    let app = s.app.clone();
    let text = blocking(move || app.breach_ico_report(&ctx, &id)).await?;
    Ok(attachment("breach-report-for-the-ico.txt", "text/plain", text.into_bytes()))
}

/// A DPIA as a document following the ICO template's seven steps, as UTF-8 text. Audited.
#[utoipa::path(get, path = "/api/v1/dpias/{id}/document", tag = "DPIAs",
    params(("id" = String, Path, description = "The DPIA's id")), security(("bearer" = [])),
    responses((status = 200, content_type = "text/plain", body = String), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn dpia_document(State(s): State<AppState>, Authed(ctx): Authed, Path(id): Path<String>) -> Result<Response, ApiError> {
    let app = s.app.clone();
    let text = blocking(move || app.dpia_document(&ctx, &id)).await?;
    Ok(attachment("dpia.txt", "text/plain", text.into_bytes()))
}

/// The organisation's settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct Settings {
    /// The organisation's name.
    pub org_name: String,
    /// Its part of the UK, whose bank holidays deadlines skip (`england-and-wales`,
    /// `scotland`, `northern-ireland`).
    #[schema(value_type = String)]
    pub region: Region,
    /// How soon a breach must reach the DPO: `{"hours": 6}` or `{"working_days": 1}`.
    pub breach_internal_clock: InternalClock,
    /// Working hours, Monday to Friday, bank holidays excluded: a disclosure decided
    /// outside them is approved by the DPO afterwards.
    pub working_hours: WorkingHours,
}

/// A change to the settings: only the fields given change.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsPatch {
    /// The organisation's name.
    #[serde(default)]
    pub org_name: Option<String>,
    /// Its part of the UK.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub region: Option<Region>,
    /// `{"hours": N}` (1–72) or `{"working_days": N}` (1–10).
    #[serde(default)]
    pub breach_internal_clock: Option<InternalClock>,
    /// `{"start": "09:00", "end": "17:00"}`.
    #[serde(default)]
    pub working_hours: Option<WorkingHours>,
}

fn read_settings(app: &steward_app::App) -> Result<Settings, steward_app::AppError> {
    let org = app.org_settings()?;
    let inc = app.incident_settings()?;
    Ok(Settings {
        org_name: org.org_name,
        region: org.region,
        breach_internal_clock: inc.breach_internal_clock,
        working_hours: inc.working_hours,
    })
}

/// The organisation's settings: its name and region, the breach clock and working hours.
#[utoipa::path(get, path = "/api/v1/settings", tag = "settings", security(("bearer" = [])),
    responses((status = 200, body = Settings), (status = 403, body = ErrorBody)))]
pub async fn settings(State(s): State<AppState>, Authed(ctx): Authed) -> Result<Json<Settings>, ApiError> {
    let app = s.app.clone();
    Ok(Json(
        blocking(move || {
            app.require(&ctx, steward_core::Permission::ReadStatistics, "settings", "organisation")?;
            read_settings(&app)
        })
        .await?,
    ))
}

/// Change settings (administrators and the DPO): only the fields given change; each is
/// checked (an internal clock of 1–72 hours or 1–10 working days; working hours ending
/// after they start). Audited with the fields changed.
#[utoipa::path(patch, path = "/api/v1/settings", tag = "settings", request_body = SettingsPatch,
    security(("bearer" = [])),
    responses((status = 200, body = Settings), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn patch_settings(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    JsonObject(body): JsonObject<SettingsPatch>,
) -> Result<(StatusCode, Json<Settings>), ApiError> {
    let app = s.app.clone();
    let out = blocking(move || {
        app.update_settings(&ctx, body.org_name.as_deref(), body.region, body.breach_internal_clock, body.working_hours)?;
        read_settings(&app)
    })
    .await?;
    Ok((StatusCode::OK, Json(out)))
}

/// The OpenAPI description of this area.
#[derive(OpenApi)]
#[openapi(
    paths(approve, ico_report, dpia_document, settings, patch_settings),
    components(schemas(ApprovalBody, Settings, SettingsPatch)),
    tags((name = "settings", description = "The organisation's settings"))
)]
pub struct Doc;
