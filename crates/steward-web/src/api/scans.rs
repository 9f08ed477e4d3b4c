//! Searching files for a request's subject: upload mailboxes, documents and archives to
//! search, list the searches, open one with its hits and proposed redactions, and
//! record the reviewer's choices (into the response pack; accept or reject each
//! redaction).

use crate::api::kit::Authed;
use crate::error::{ApiError, ErrorBody, JsonObject, blocking};
use crate::state::AppState;
use axum::Json;
use crate::files::{SCAN_BODY_LIMIT, read_scan_upload};
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Serialize;
use steward_app::scans::{ScanDocumentReview, ScanDocumentView, ScanSummary, ScanView};
use utoipa::{OpenApi, ToSchema};

/// The routes, relative to `/api/v1`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route(
            "/requests/{id}/scans",
            post(run_scan).get(list_scans).layer(axum::extract::DefaultBodyLimit::max(SCAN_BODY_LIMIT)),
        )
        .route("/requests/{id}/scans/{scan}", get(get_scan))
        .route("/requests/{id}/scans/{scan}/documents/{doc}", post(review_document))
}

/// Search files for the subject of a request, as `multipart/form-data`: one `file` part
/// per file (mailboxes: mbox, .eml; documents: DOCX, XLSX, ODT, ODS, PDF, HTML, CSV,
/// text; ZIP archives, searched inside), and `system_id` (from the register) or `system`
/// (in words) saying where they came from. Up to 50 files and 48 MB together.
///
/// The subject's details come from the people register. The search records itself in
/// the request's search log; documents where the subject was found are kept, sealed
/// under their key, with other people's data proposed for redaction.
#[utoipa::path(post, path = "/api/v1/requests/{id}/scans", tag = "requests", security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    request_body(content_type = "multipart/form-data", description = "`file` parts, and `system_id` or `system`"),
    responses((status = 201, body = ScanSummary), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 410, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn run_scan(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<ScanSummary>), ApiError> {
    // The request first, so nobody learns anything from how a body they may not send is answered.
    let (app, c, rid) = (s.app.clone(), ctx.clone(), id.clone());
    blocking(move || app.check_request_scan(&c, &rid)).await?;
    let mp = mp.map_err(|_| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the files as multipart/form-data",
        )
    })?;
    let scan = read_scan_upload(mp).await?;
    let app = s.app.clone();
    let summary = blocking(move || app.run_request_scan(&ctx, &id, scan)).await?;
    Ok((StatusCode::CREATED, Json(summary)))
}

/// A request's searches of files.
#[derive(Serialize, ToSchema)]
pub struct ScanList {
    /// Oldest first.
    pub scans: Vec<ScanSummary>,
}

/// The searches of files run for a request: counts and review progress only.
#[utoipa::path(get, path = "/api/v1/requests/{id}/scans", tag = "requests", security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses((status = 200, body = ScanList), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_scans(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
) -> Result<Json<ScanList>, ApiError> {
    let app = s.app.clone();
    Ok(Json(ScanList { scans: blocking(move || app.request_scans(&ctx, &id)).await? }))
}

/// One search in full: files, what was skipped and why, and each document where the
/// subject was found with the hits, the proposed redactions with their decisions and the
/// redacted text (audited as a view).
#[utoipa::path(get, path = "/api/v1/requests/{id}/scans/{scan}", tag = "requests", security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id"), ("scan" = String, Path, description = "Search id")),
    responses((status = 200, body = ScanView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 410, body = ErrorBody)))]
pub async fn get_scan(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path((id, scan)): Path<(String, String)>,
) -> Result<Json<ScanView>, ApiError> {
    let app = s.app.clone();
    Ok(Json(blocking(move || app.request_scan(&ctx, &id, &scan)).await?))
}

/// Record a reviewer's choices on one document: `included` (into the response pack or
/// not), `all` (one decision for every proposal) and `decisions` (`accept` redacts,
/// `reject` discloses, per proposal index). A pack is not built while a chosen document
/// has an undecided proposal.
#[utoipa::path(post, path = "/api/v1/requests/{id}/scans/{scan}/documents/{doc}", tag = "requests",
    request_body = ScanDocumentReview, security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id"), ("scan" = String, Path, description = "Search id"),
        ("doc" = String, Path, description = "Document id")),
    responses((status = 200, body = ScanDocumentView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 410, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn review_document(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path((id, scan, doc)): Path<(String, String, String)>,
    body: JsonObject<ScanDocumentReview>,
) -> Result<Json<ScanDocumentView>, ApiError> {
    let JsonObject(review) = body;
    let app = s.app.clone();
    Ok(Json(blocking(move || app.review_scan_document(&ctx, &id, &scan, &doc, review)).await?))
}

/// The OpenAPI description of this area.
#[derive(OpenApi)]
#[openapi(paths(run_scan, list_scans, get_scan, review_document))]
pub struct Doc;
