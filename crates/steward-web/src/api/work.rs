//! Working a request and what its outcome does: checklist steps, the search log,
//! assignment, rectification, erasure tasks and certificates, legal holds, restrictions,
//! and the request checklists.

use crate::api::kit::Authed;
use crate::api::requests::RequestDetail;
use crate::error::{ApiError, ErrorBody, JsonObject, blocking};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use steward_app::SubjectView;
use steward_app::checklists::{ChecklistView, NewSearch, SearchView};
use steward_app::erasure::{
    ErasureCertificate, ErasureTask, Hold, NewHold, Restriction, RestrictionGround, TaskConfirmation,
};
use steward_core::subject::SubjectPatch;
use utoipa::{IntoParams, OpenApi, ToSchema};

/// The routes, relative to `/api/v1`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/requests/{id}/steps", get(list_steps))
        .route("/requests/{id}/steps/{step}", post(set_step))
        .route("/requests/{id}/searches", get(list_searches).post(add_search))
        .route("/requests/{id}/assignee", axum::routing::put(assign))
        .route("/requests/{id}/rectification", post(rectify))
        .route("/requests/{id}/erasure-tasks", get(list_tasks).post(add_task))
        .route("/requests/{id}/erasure-tasks/{task}", post(confirm_task))
        .route("/requests/{id}/erasure-certificate", get(certificate))
        .route("/holds", get(list_holds).post(place_hold))
        .route("/holds/{id}", axum::routing::delete(lift_hold))
        .route("/subjects/{id}/restriction", get(get_restriction).put(restrict).delete(lift_restriction))
        .route("/checklists", get(list_checklists))
        .route("/checklists/{kind}", axum::routing::put(set_checklist).delete(reset_checklist))
}

/// Every kind's checklist.
#[derive(Serialize, ToSchema)]
pub struct ChecklistList {
    /// One per request kind.
    pub checklists: Vec<ChecklistView>,
}

/// A new step list.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChecklistText {
    /// One `ID|Title` or `ID|Title|Description` per line.
    pub text: String,
}

fn request_kind(kind: &str) -> Result<steward_core::request::RequestKind, steward_app::AppError> {
    kind.parse().map_err(steward_app::AppError::Unknown)
}

/// The step list each kind of request is worked through.
#[utoipa::path(get, path = "/api/v1/checklists", tag = "requests", security(("bearer" = [])),
    responses((status = 200, body = ChecklistList), (status = 403, body = ErrorBody)))]
pub async fn list_checklists(State(s): State<AppState>, Authed(ctx): Authed) -> Result<Json<ChecklistList>, ApiError> {
    let app = s.app.clone();
    Ok(Json(ChecklistList { checklists: blocking(move || app.checklists(&ctx)).await? }))
}

/// Replace the step list new requests of a kind get (requests already logged keep theirs).
#[utoipa::path(put, path = "/api/v1/checklists/{kind}", tag = "requests", request_body = ChecklistText,
    security(("bearer" = [])), params(("kind" = String, Path, description = "Request kind, e.g. access")),
    responses((status = 200, body = ChecklistView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_checklist(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(kind): Path<String>,
    body: JsonObject<ChecklistText>,
) -> Result<Json<ChecklistView>, ApiError> {
    let JsonObject(t) = body;
    let app = s.app.clone();
    Ok(Json(blocking(move || app.set_checklist(&ctx, request_kind(&kind)?, &t.text)).await?))
}

/// Go back to Steward's default list for a kind.
#[utoipa::path(delete, path = "/api/v1/checklists/{kind}", tag = "requests", security(("bearer" = [])),
    params(("kind" = String, Path, description = "Request kind, e.g. access")),
    responses((status = 200, body = ChecklistView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reset_checklist(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(kind): Path<String>,
) -> Result<Json<ChecklistView>, ApiError> {
    let app = s.app.clone();
    Ok(Json(blocking(move || app.reset_checklist(&ctx, request_kind(&kind)?)).await?))
}

/// One checklist step.
#[derive(Serialize, ToSchema)]
pub struct StepView {
    /// Step id (e.g. `A`).
    pub step_id: String,
    /// What to do.
    pub title: String,
    /// When done (RFC 3339), if done.
    pub done_at: Option<String>,
    /// Who did it.
    pub done_by: Option<String>,
}

/// A request's checklist.
#[derive(Serialize, ToSchema)]
pub struct StepList {
    /// Steps in order.
    pub steps: Vec<StepView>,
}

/// Mark a step done or not done.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepUpdate {
    /// Done (`true`) or not done.
    pub done: bool,
}

fn steps(rows: Vec<steward_app::StepRow>) -> StepList {
    StepList {
        steps: rows
            .into_iter()
            .map(|s| StepView { step_id: s.step_id, title: s.title, done_at: s.done_at, done_by: s.done_by })
            .collect(),
    }
}

/// A request's checklist, with who did each step and when.
#[utoipa::path(get, path = "/api/v1/requests/{id}/steps", tag = "requests", security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses((status = 200, body = StepList), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_steps(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
) -> Result<Json<StepList>, ApiError> {
    let app = s.app.clone();
    Ok(Json(steps(blocking(move || app.request_steps(&ctx, &id)).await?)))
}

/// Mark a checklist step done (by the caller, now) or not done.
#[utoipa::path(post, path = "/api/v1/requests/{id}/steps/{step}", tag = "requests", request_body = StepUpdate,
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id"), ("step" = String, Path, description = "Step id")),
    responses((status = 200, body = StepList), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn set_step(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path((id, step)): Path<(String, String)>,
    body: JsonObject<StepUpdate>,
) -> Result<Json<StepList>, ApiError> {
    let JsonObject(u) = body;
    let app = s.app.clone();
    Ok(Json(steps(blocking(move || app.set_request_step(&ctx, &id, &step, u.done)).await?)))
}

/// A request's search log.
#[derive(Serialize, ToSchema)]
pub struct SearchList {
    /// Entries, oldest first.
    pub searches: Vec<SearchView>,
}

/// The search log of a request: each system searched, by whom, when, the terms and hits,
/// and each processor asked with its answer.
#[utoipa::path(get, path = "/api/v1/requests/{id}/searches", tag = "requests", security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses((status = 200, body = SearchList), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_searches(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
) -> Result<Json<SearchList>, ApiError> {
    let app = s.app.clone();
    Ok(Json(SearchList { searches: blocking(move || app.request_searches(&ctx, &id)).await? }))
}

/// Log a search (or a processor asked). Give `system_id` from the register, or `system`
/// in words.
#[utoipa::path(post, path = "/api/v1/requests/{id}/searches", tag = "requests", request_body = NewSearch,
    security(("bearer" = [])), params(("id" = String, Path, description = "Request id")),
    responses((status = 201, body = SearchView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn add_search(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
    body: JsonObject<NewSearch>,
) -> Result<(StatusCode, Json<SearchView>), ApiError> {
    let JsonObject(n) = body;
    let app = s.app.clone();
    Ok((StatusCode::CREATED, Json(blocking(move || app.add_request_search(&ctx, &id, n)).await?)))
}

/// Who works a request.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Assignee {
    /// The user, a caseworker token that acts for the organisation (`token:<id>`), or
    /// `null` to unassign.
    pub user_id: Option<String>,
}

/// Assign a request to a user (a caseworker also gets access to its subject), or unassign.
#[utoipa::path(put, path = "/api/v1/requests/{id}/assignee", tag = "requests", request_body = Assignee,
    security(("bearer" = [])), params(("id" = String, Path, description = "Request id")),
    responses((status = 200, body = RequestDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn assign(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
    body: JsonObject<Assignee>,
) -> Result<Json<RequestDetail>, ApiError> {
    let JsonObject(a) = body;
    let app = s.app.clone();
    Ok(Json(blocking(move || app.assign_request(&ctx, &id, a.user_id.as_deref())).await?.into()))
}

/// Correct the subject's record under a rectification request (UK GDPR Art 16). The
/// audit entry names the fields and the request, never the values. Allowed while
/// processing is restricted.
#[utoipa::path(post, path = "/api/v1/requests/{id}/rectification", tag = "requests", request_body = SubjectPatch,
    security(("bearer" = [])), params(("id" = String, Path, description = "Rectification request id")),
    responses((status = 200, body = SubjectView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 410, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn rectify(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
    body: JsonObject<SubjectPatch>,
) -> Result<Json<SubjectView>, ApiError> {
    let JsonObject(p) = body;
    let app = s.app.clone();
    Ok(Json(blocking(move || app.rectify_subject(&ctx, &id, p)).await?))
}

/// Erasure tasks of a request.
#[derive(Serialize, ToSchema)]
pub struct TaskList {
    /// Tasks, oldest first.
    pub tasks: Vec<ErasureTask>,
}

/// A system to add a task for.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTask {
    /// The system or processor, from the register.
    pub system_id: String,
}

/// The erasure tasks of an erasure request: one per system and processor that holds the
/// subject's data, each tracked to confirmation (UK GDPR Art 19).
#[utoipa::path(get, path = "/api/v1/requests/{id}/erasure-tasks", tag = "erasure", security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses((status = 200, body = TaskList), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_tasks(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
) -> Result<Json<TaskList>, ApiError> {
    let app = s.app.clone();
    Ok(Json(TaskList { tasks: blocking(move || app.erasure_tasks(&ctx, &id)).await? }))
}

/// Add a task for one more system or processor (a recipient found later).
#[utoipa::path(post, path = "/api/v1/requests/{id}/erasure-tasks", tag = "erasure", request_body = NewTask,
    security(("bearer" = [])), params(("id" = String, Path, description = "Request id")),
    responses((status = 201, body = TaskList), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_task(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
    body: JsonObject<NewTask>,
) -> Result<(StatusCode, Json<TaskList>), ApiError> {
    let JsonObject(t) = body;
    let app = s.app.clone();
    let tasks = blocking(move || app.add_erasure_task(&ctx, &id, &t.system_id)).await?;
    Ok((StatusCode::CREATED, Json(TaskList { tasks })))
}

/// Record a task's outcome: `erased`, `not_held` or `refused` (with why), and the day.
#[utoipa::path(post, path = "/api/v1/requests/{id}/erasure-tasks/{task}", tag = "erasure",
    request_body = TaskConfirmation, security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id"), ("task" = String, Path, description = "Task id")),
    responses((status = 200, body = TaskList), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn confirm_task(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path((id, task)): Path<(String, String)>,
    body: JsonObject<TaskConfirmation>,
) -> Result<Json<TaskList>, ApiError> {
    let JsonObject(c) = body;
    let app = s.app.clone();
    Ok(Json(TaskList { tasks: blocking(move || app.confirm_erasure_task(&ctx, &id, &task, c)).await? }))
}

/// The erasure certificate: what was erased where and when (no personal data).
#[utoipa::path(get, path = "/api/v1/requests/{id}/erasure-certificate", tag = "erasure", security(("bearer" = [])),
    params(("id" = String, Path, description = "Erasure request id")),
    responses((status = 200, body = ErasureCertificate), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Erasure not approved yet"), (status = 422, body = ErrorBody)))]
pub async fn certificate(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
) -> Result<Json<ErasureCertificate>, ApiError> {
    let app = s.app.clone();
    Ok(Json(blocking(move || app.erasure_certificate(&ctx, &id)).await?))
}

/// Filters for listing holds.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HoldQuery {
    /// Only holds on this subject (otherwise holds of every scope).
    pub subject_id: Option<String>,
    /// Include lifted holds (default `false`).
    #[serde(default)]
    pub include_lifted: bool,
}

/// Legal holds.
#[derive(Serialize, ToSchema)]
pub struct HoldList {
    /// Newest first.
    pub holds: Vec<Hold>,
}

/// Legal holds (standing ones unless `include_lifted`).
#[utoipa::path(get, path = "/api/v1/holds", tag = "holds", params(HoldQuery), security(("bearer" = [])),
    responses((status = 200, body = HoldList), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_holds(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    q: Result<Query<HoldQuery>, QueryRejection>,
) -> Result<Json<HoldList>, ApiError> {
    let Query(q) = q?;
    let app = s.app.clone();
    let holds = blocking(move || app.holds(&ctx, q.subject_id.as_deref(), q.include_lifted)).await?;
    Ok(Json(HoldList { holds }))
}

/// Place a legal hold (DPO) on a subject, a record or a whole record type: while it
/// stands nothing it covers is erased or disposed of.
#[utoipa::path(post, path = "/api/v1/holds", tag = "holds", request_body = NewHold, security(("bearer" = [])),
    responses((status = 201, body = Hold), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn place_hold(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    body: JsonObject<NewHold>,
) -> Result<(StatusCode, Json<Hold>), ApiError> {
    let JsonObject(h) = body;
    let app = s.app.clone();
    Ok((StatusCode::CREATED, Json(blocking(move || app.place_hold(&ctx, h)).await?)))
}

/// Why a hold is lifted.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LiftHold {
    /// Why (e.g. "Claim settled").
    pub reason: String,
}

/// Lift a legal hold (DPO), with the reason; audited.
#[utoipa::path(delete, path = "/api/v1/holds/{id}", tag = "holds", request_body = LiftHold, security(("bearer" = [])),
    params(("id" = String, Path, description = "Hold id")),
    responses((status = 200, body = Hold), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn lift_hold(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
    body: JsonObject<LiftHold>,
) -> Result<Json<Hold>, ApiError> {
    let JsonObject(l) = body;
    let app = s.app.clone();
    Ok(Json(blocking(move || app.lift_hold(&ctx, &id, &l.reason)).await?))
}

/// A subject's restriction, if any.
#[derive(Serialize, ToSchema)]
pub struct RestrictionStatus {
    /// Whether processing is restricted.
    pub restricted: bool,
    /// The restriction, when there is one.
    pub restriction: Option<Restriction>,
}

/// Whether processing of a subject is restricted (UK GDPR Art 18), and why.
#[utoipa::path(get, path = "/api/v1/subjects/{id}/restriction", tag = "subjects", security(("bearer" = [])),
    params(("id" = String, Path, description = "Subject id")),
    responses((status = 200, body = RestrictionStatus), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_restriction(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
) -> Result<Json<RestrictionStatus>, ApiError> {
    let app = s.app.clone();
    let restriction = blocking(move || {
        app.require(&ctx, steward_core::Permission::SubjectRead, "subject", &id)?;
        app.require_need_to_know(&ctx, &id)?;
        app.restriction(&id)
    })
    .await?;
    Ok(Json(RestrictionStatus { restricted: restriction.is_some(), restriction }))
}

/// Restrict processing.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRestriction {
    /// The Art 18(1) ground.
    pub ground: RestrictionGround,
    /// The restriction request it answers, if any.
    #[serde(default)]
    pub request_id: Option<String>,
}

/// Restrict processing of a subject: changes, links and exports are refused until lifted.
#[utoipa::path(put, path = "/api/v1/subjects/{id}/restriction", tag = "subjects", request_body = NewRestriction,
    security(("bearer" = [])), params(("id" = String, Path, description = "Subject id")),
    responses((status = 200, body = RestrictionStatus), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn restrict(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
    body: JsonObject<NewRestriction>,
) -> Result<Json<RestrictionStatus>, ApiError> {
    let JsonObject(r) = body;
    let app = s.app.clone();
    let restriction = blocking(move || app.restrict_subject(&ctx, &id, r.ground, r.request_id.as_deref())).await?;
    Ok(Json(RestrictionStatus { restricted: true, restriction: Some(restriction) }))
}

/// Lifting a restriction.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LiftRestriction {
    /// The day the subject was told it would be lifted (Art 18(3)).
    #[schema(value_type = String, format = Date)]
    pub informed_on: jiff::civil::Date,
}

/// Lift a restriction (DPO), after telling the subject (UK GDPR Art 18(3)).
#[utoipa::path(delete, path = "/api/v1/subjects/{id}/restriction", tag = "subjects", request_body = LiftRestriction,
    security(("bearer" = [])), params(("id" = String, Path, description = "Subject id")),
    responses((status = 200, body = RestrictionStatus), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn lift_restriction(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
    body: JsonObject<LiftRestriction>,
) -> Result<Json<RestrictionStatus>, ApiError> {
    let JsonObject(l) = body;
    let app = s.app.clone();
    blocking(move || app.lift_restriction(&ctx, &id, l.informed_on)).await?;
    Ok(Json(RestrictionStatus { restricted: false, restriction: None }))
}

/// The OpenAPI description of this area.
#[derive(OpenApi)]
#[openapi(
    paths(list_steps, set_step, list_searches, add_search, assign, rectify, list_tasks, add_task, confirm_task,
        certificate, list_holds, place_hold, lift_hold,
        get_restriction, restrict, lift_restriction, list_checklists, set_checklist, reset_checklist),
    tags((name = "erasure", description = "Erasure tasks per system and processor, and erasure certificates"),
        (name = "holds", description = "Legal holds: nothing they cover is erased or disposed of"))
)]
pub struct Doc;
