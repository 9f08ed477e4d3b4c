//! The retention schedule and the records inventory: the schedule in force, its
//! versions, checking and saving it; records with their computed destroy-by dates, and
//! changes to their facts.

use crate::api::kit::Authed;
use crate::error::{ApiError, ErrorBody, JsonObject, blocking};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use steward_app::retention::{
    NewRecord, Record, RecordPage, RecordPatch, RecordQuery, ScheduleInfo, ScheduleSaved, ScheduleVersion,
};
use utoipa::{OpenApi, ToSchema};

/// The routes, relative to `/api/v1`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/records", get(list_records).post(create_record))
        .route("/records/{id}", get(get_record).patch(update_record))
        .route("/retention/schedule", get(get_schedule).put(save_schedule))
        .route("/retention/schedule/check", post(check_schedule))
        .route("/retention/schedule/template", post(use_template))
        .route("/retention/schedule/versions", get(list_versions))
        .route("/retention/templates", get(list_templates))
}

/// A page of the inventory, filtered.
#[utoipa::path(get, path = "/api/v1/records", tag = "retention", params(RecordQuery), security(("bearer" = [])),
    responses((status = 200, body = RecordPage), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn list_records(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    q: Result<Query<RecordQuery>, QueryRejection>,
) -> Result<Json<RecordPage>, ApiError> {
    let Query(q) = q?;
    let app = s.app.clone();
    Ok(Json(blocking(move || app.records(&ctx, &q)).await?))
}

/// Add a record; answers with its destroy-by date (`null` when permanent or not yet
/// computable), the rule, the explanation and the facts still missing.
#[utoipa::path(post, path = "/api/v1/records", tag = "retention", request_body = NewRecord, security(("bearer" = [])),
    responses((status = 201, body = Record), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create_record(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    body: JsonObject<NewRecord>,
) -> Result<(StatusCode, Json<Record>), ApiError> {
    let JsonObject(n) = body;
    let app = s.app.clone();
    Ok((StatusCode::CREATED, Json(blocking(move || app.create_record(&ctx, n)).await?)))
}

/// One record.
#[utoipa::path(get, path = "/api/v1/records/{id}", tag = "retention", security(("bearer" = [])),
    params(("id" = String, Path, description = "Record id")),
    responses((status = 200, body = Record), (status = 404, body = ErrorBody)))]
pub async fn get_record(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
) -> Result<Json<Record>, ApiError> {
    let app = s.app.clone();
    Ok(Json(blocking(move || app.record(&ctx, &id)).await?))
}

/// Change a record's events (merged; `null` removes one), flags (replaced), reference,
/// location or type; answers with the recomputed date and explanation.
#[utoipa::path(patch, path = "/api/v1/records/{id}", tag = "retention", request_body = RecordPatch,
    security(("bearer" = [])), params(("id" = String, Path, description = "Record id")),
    responses((status = 200, body = Record), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update_record(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
    body: JsonObject<RecordPatch>,
) -> Result<Json<Record>, ApiError> {
    let JsonObject(p) = body;
    let app = s.app.clone();
    Ok(Json(blocking(move || app.update_record(&ctx, &id, p)).await?))
}

/// The retention schedule in force (404 when none has been chosen).
#[utoipa::path(get, path = "/api/v1/retention/schedule", tag = "retention", security(("bearer" = [])),
    responses((status = 200, body = ScheduleInfo), (status = 404, body = ErrorBody)))]
pub async fn get_schedule(State(s): State<AppState>, Authed(ctx): Authed) -> Result<Json<ScheduleInfo>, ApiError> {
    let app = s.app.clone();
    let info = blocking(move || app.schedule_info(&ctx)).await?;
    info.map(Json).ok_or_else(|| steward_app::AppError::NotFound("retention schedule".into()).into())
}

/// A schedule's TOML text.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleText {
    /// The whole schedule file (see the templates).
    pub toml: String,
}

/// Save a new version of the schedule (DPO or administrator): every record whose rule
/// changed is recomputed, and the change is audited.
#[utoipa::path(put, path = "/api/v1/retention/schedule", tag = "retention", request_body = ScheduleText,
    security(("bearer" = [])),
    responses((status = 200, body = ScheduleSaved), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn save_schedule(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    body: JsonObject<ScheduleText>,
) -> Result<Json<ScheduleSaved>, ApiError> {
    let JsonObject(t) = body;
    let app = s.app.clone();
    Ok(Json(blocking(move || app.save_schedule(&ctx, &t.toml, "api")).await?))
}

/// One problem found in a schedule.
#[derive(Serialize, ToSchema)]
pub struct ScheduleProblem {
    /// The record type it is in, if any.
    pub record_type: Option<String>,
    /// The field (`rule`, `exceptions[0].when`, …).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// The result of checking a schedule.
#[derive(Serialize, ToSchema)]
pub struct ScheduleCheck {
    /// Whether it can be saved.
    pub valid: bool,
    /// Its record types, when valid.
    pub record_types: usize,
    /// Every problem, when not.
    pub problems: Vec<ScheduleProblem>,
}

/// Check a schedule without saving it; every problem is named by record type and field.
#[utoipa::path(post, path = "/api/v1/retention/schedule/check", tag = "retention", request_body = ScheduleText,
    security(("bearer" = [])), responses((status = 200, body = ScheduleCheck), (status = 422, body = ErrorBody)))]
pub async fn check_schedule(Authed(_ctx): Authed, body: JsonObject<ScheduleText>) -> Json<ScheduleCheck> {
    let JsonObject(t) = body;
    Json(match steward_core::retention::Schedule::from_toml(&t.toml) {
        Ok(s) => ScheduleCheck { valid: true, record_types: s.record_types.len(), problems: Vec::new() },
        Err(e) => ScheduleCheck {
            valid: false,
            record_types: 0,
            problems: e
                .0
                .into_iter()
                .map(|p| ScheduleProblem { record_type: p.record_type, field: p.field, message: p.message })
                .collect(),
        },
    })
}

/// A template to put in force.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateChoice {
    /// `family-support-charity` or `generic`.
    pub template: String,
}

/// Put a shipped template in force as a new schedule version.
#[utoipa::path(post, path = "/api/v1/retention/schedule/template", tag = "retention", request_body = TemplateChoice,
    security(("bearer" = [])),
    responses((status = 200, body = ScheduleSaved), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn use_template(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    body: JsonObject<TemplateChoice>,
) -> Result<Json<ScheduleSaved>, ApiError> {
    let JsonObject(t) = body;
    let app = s.app.clone();
    Ok(Json(blocking(move || app.use_schedule_template(&ctx, &t.template)).await?))
}

/// Saved versions of the schedule.
#[derive(Serialize, ToSchema)]
pub struct VersionList {
    /// Newest first.
    pub versions: Vec<ScheduleVersion>,
}

/// Every saved version of the schedule, newest first.
#[utoipa::path(get, path = "/api/v1/retention/schedule/versions", tag = "retention", security(("bearer" = [])),
    responses((status = 200, body = VersionList)))]
pub async fn list_versions(State(s): State<AppState>, Authed(ctx): Authed) -> Result<Json<VersionList>, ApiError> {
    let app = s.app.clone();
    Ok(Json(VersionList { versions: blocking(move || app.schedule_versions(&ctx)).await? }))
}

/// A shipped template.
#[derive(Serialize, ToSchema)]
pub struct TemplateInfo {
    /// Its name, for `steward init --template` and the template endpoint.
    pub name: String,
    /// The TOML text.
    pub toml: String,
}

/// The shipped templates.
#[derive(Serialize, ToSchema)]
pub struct TemplateList {
    /// Each template.
    pub templates: Vec<TemplateInfo>,
}

/// The schedule templates shipped with Steward.
#[utoipa::path(get, path = "/api/v1/retention/templates", tag = "retention", security(("bearer" = [])),
    responses((status = 200, body = TemplateList)))]
pub async fn list_templates(Authed(_ctx): Authed) -> Json<TemplateList> {
    Json(TemplateList {
        templates: steward_core::retention::schedule::TEMPLATES
            .iter()
            .map(|(n, t)| TemplateInfo { name: (*n).to_string(), toml: (*t).to_string() })
            .collect(),
    })
}

/// The OpenAPI description of this area.
#[derive(OpenApi)]
#[openapi(
    paths(list_records, create_record, get_record, update_record, get_schedule, save_schedule, check_schedule,
        use_template, list_versions, list_templates),
    tags((name = "retention", description = "The retention schedule and the records inventory"))
)]
pub struct Doc;
