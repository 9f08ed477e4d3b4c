//! The vault of data subjects: recording, searching, reading, changing and erasing a
//! subject (crypto-shredding), links between subjects, and the counts by category.

use crate::api::kit::Authed;
use crate::error::{ApiError, ErrorBody, JsonObject, blocking};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use steward_app::subjects::ErasurePreview;
use steward_app::{SearchQuery, SubjectHit, SubjectView, Tombstone};
use steward_core::subject::{LinkKind, NewSubject, SubjectPatch};
use utoipa::{IntoParams, OpenApi, ToSchema};

/// The routes, relative to `/api/v1`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/subjects", post(create_subject).get(search_subjects))
        .route("/subjects/{id}", get(get_subject).patch(update_subject).delete(erase_subject))
        .route("/subjects/{id}/erasure-preview", get(erasure_preview))
        .route("/subjects/{id}/links", post(add_link))
        .route("/subjects/{id}/links/{other}", delete(remove_link))
        .route("/stats/subjects", get(subject_stats))
}

/// Record a new data subject. Personal fields are encrypted with the subject's own key.
#[utoipa::path(post, path = "/api/v1/subjects", tag = "subjects", request_body = NewSubject,
    security(("bearer" = [])),
    responses((status = 201, body = SubjectView), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_subject(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    body: JsonObject<NewSubject>,
) -> Result<(StatusCode, Json<SubjectView>), ApiError> {
    let JsonObject(input) = body;
    let app = s.app.clone();
    let view = blocking(move || app.create_subject(&ctx, input)).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Search results.
#[derive(Serialize, ToSchema)]
pub struct SearchResults {
    /// Matching subjects (at most 50), by name.
    pub subjects: Vec<SubjectHit>,
}

/// Find subjects by exactly one of: email, phone, NI number, NHS number, name (prefix
/// of 3+ letters on the last word), reference, or surname with date of birth.
#[utoipa::path(get, path = "/api/v1/subjects", tag = "subjects", params(SearchQuery), security(("bearer" = [])),
    responses((status = 200, body = SearchResults), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn search_subjects(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    q: Result<Query<SearchQuery>, QueryRejection>,
) -> Result<Json<SearchResults>, ApiError> {
    let Query(q) = q?;
    let app = s.app.clone();
    let subjects = blocking(move || app.search_subjects(&ctx, &q)).await?;
    Ok(Json(SearchResults { subjects }))
}

/// Read a subject's personal data. Every read is recorded in the audit log.
#[utoipa::path(get, path = "/api/v1/subjects/{id}", tag = "subjects", security(("bearer" = [])),
    params(("id" = String, Path, description = "Subject id")),
    responses((status = 200, body = SubjectView), (status = 404, body = ErrorBody), (status = 410, body = ErrorBody, description = "Erased: the body carries the tombstone")))]
pub async fn get_subject(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
) -> Result<Json<SubjectView>, ApiError> {
    let app = s.app.clone();
    Ok(Json(blocking(move || app.get_subject(&ctx, &id)).await?))
}

/// Change a subject: fields given replace the stored ones; `null` clears notes or date of birth.
#[utoipa::path(patch, path = "/api/v1/subjects/{id}", tag = "subjects", request_body = SubjectPatch, security(("bearer" = [])),
    params(("id" = String, Path, description = "Subject id")),
    responses((status = 200, body = SubjectView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 410, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_subject(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
    body: JsonObject<SubjectPatch>,
) -> Result<Json<SubjectView>, ApiError> {
    let JsonObject(patch) = body;
    let app = s.app.clone();
    Ok(Json(blocking(move || app.update_subject(&ctx, &id, patch)).await?))
}

/// Why a subject is being erased.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EraseParams {
    /// Reason code: `erasure_request` (default), `retention_expired`, `created_in_error`, `duplicate` or `other`.
    pub reason: Option<String>,
    /// Reference of the rights request or decision (letters, digits, - _ / .).
    pub request_ref: Option<String>,
}

/// Erase a subject by crypto-shredding: their data key, encrypted data, look-up
/// entries and links are destroyed. Answers with the tombstone that remains.
#[utoipa::path(delete, path = "/api/v1/subjects/{id}", tag = "subjects", params(("id" = String, Path, description = "Subject id"), EraseParams),
    security(("bearer" = [])),
    responses((status = 200, body = Tombstone), (status = 404, body = ErrorBody), (status = 410, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn erase_subject(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
    q: Result<Query<EraseParams>, QueryRejection>,
) -> Result<Json<Tombstone>, ApiError> {
    let Query(p) = q?;
    let app = s.app.clone();
    let reason = p.reason.unwrap_or_else(|| "erasure_request".into());
    Ok(Json(blocking(move || app.erase_subject(&ctx, &id, &reason, p.request_ref.as_deref())).await?))
}

/// What an erasure would destroy (counts only), for a confirmation step.
#[utoipa::path(get, path = "/api/v1/subjects/{id}/erasure-preview", tag = "subjects", security(("bearer" = [])),
    params(("id" = String, Path, description = "Subject id")),
    responses((status = 200, body = ErasurePreview), (status = 404, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn erasure_preview(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
) -> Result<Json<ErasurePreview>, ApiError> {
    let app = s.app.clone();
    Ok(Json(blocking(move || app.erasure_preview(&ctx, &id)).await?))
}

/// A link to create from the subject in the path.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLink {
    /// The other subject.
    pub subject_id: String,
    /// `parent_of` (the path subject is the parent) or `household`.
    pub kind: LinkKind,
}

/// Link two subjects (parent and child, or one household).
#[utoipa::path(post, path = "/api/v1/subjects/{id}/links", tag = "subjects", request_body = NewLink, security(("bearer" = [])),
    params(("id" = String, Path, description = "Subject id")),
    responses((status = 201, description = "Linked"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_link(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
    body: JsonObject<NewLink>,
) -> Result<StatusCode, ApiError> {
    let JsonObject(l) = body;
    let app = s.app.clone();
    blocking(move || app.link_subjects(&ctx, &id, &l.subject_id, l.kind)).await?;
    Ok(StatusCode::CREATED)
}

/// Which link to remove.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LinkKindParam {
    /// `parent_of` or `household`.
    pub kind: LinkKind,
}

/// Remove a link.
#[utoipa::path(delete, path = "/api/v1/subjects/{id}/links/{other}", tag = "subjects", security(("bearer" = [])),
    params(("id" = String, Path, description = "Subject id"), ("other" = String, Path, description = "Other subject id"), LinkKindParam),
    responses((status = 204, description = "Removed"), (status = 404, body = ErrorBody)))]
pub async fn remove_link(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path((id, other)): Path<(String, String)>,
    q: Result<Query<LinkKindParam>, QueryRejection>,
) -> Result<StatusCode, ApiError> {
    let Query(k) = q?;
    let app = s.app.clone();
    blocking(move || app.unlink_subjects(&ctx, &id, &other, k.kind)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Subject counts, which hold no personal data.
#[derive(Serialize, ToSchema)]
pub struct SubjectStats {
    /// All subjects.
    pub total: i64,
    /// Per category.
    pub by_category: BTreeMap<String, i64>,
}

/// How many subjects there are, by category.
#[utoipa::path(get, path = "/api/v1/stats/subjects", tag = "subjects", security(("bearer" = [])),
    responses((status = 200, body = SubjectStats), (status = 403, body = ErrorBody)))]
pub async fn subject_stats(State(s): State<AppState>, Authed(ctx): Authed) -> Result<Json<SubjectStats>, ApiError> {
    let app = s.app.clone();
    let mut by_category = blocking(move || app.subject_category_counts(&ctx)).await?;
    let total = by_category.remove("*").unwrap_or(0);
    Ok(Json(SubjectStats { total, by_category }))
}

/// The OpenAPI description of this area.
#[derive(OpenApi)]
#[openapi(
    paths(create_subject, search_subjects, get_subject, update_subject, erase_subject, erasure_preview, add_link,
        remove_link, subject_stats),
    tags((name = "subjects", description = "The vault of data subjects"))
)]
pub struct Doc;
