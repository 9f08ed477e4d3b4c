//! The JSON API for searching files for a request's subject (under `/api/v1`, merged
//! into the main API): upload mailboxes, documents and archives to search, list the
//! searches, open one with its hits and proposed redactions, and record the reviewer's
//! choices (into the response pack; accept or reject each redaction).

use crate::api::Authed;
use crate::error::{ApiError, ErrorBody, JsonObject};
use crate::{AppState, blocking};
use axum::Json;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Serialize;
use steward_app::scans::{
    MAX_SCAN_BYTES, MAX_SCAN_FILES, NewScan, ScanDocumentReview, ScanDocumentView, ScanFile, ScanSummary, ScanView,
};
use utoipa::{OpenApi, ToSchema};

/// The largest body of a search upload: the files' limit and room for the form's parts.
pub const SCAN_BODY_LIMIT: usize = MAX_SCAN_BYTES as usize + 2 * 1024 * 1024;

/// Whether a request is a search upload (its body limit is [`SCAN_BODY_LIMIT`]).
pub fn is_scan_upload(method: &axum::http::Method, path: &str) -> bool {
    method == axum::http::Method::POST && path.contains("/requests/") && path.ends_with("/scans")
}

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

/// 413 for files over the limit.
pub fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!(
            "the files are larger than the limit of {} MB for one search; search them in several goes",
            MAX_SCAN_BYTES / 1_048_576
        ),
    )
    .field("file")
}

fn limit_or(e: MultipartError, message: &str) -> ApiError {
    // The body limit shows either as multer's own status or as a length-limit error
    // somewhere down the chain of sources.
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    let mut over = e.status() == StatusCode::PAYLOAD_TOO_LARGE;
    while let Some(err) = source {
        over |= err.is::<http_body_util::LengthLimitError>();
        source = err.source();
    }
    if over { too_large() } else { ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message.to_string()) }
}

/// Read a search upload: `file` parts (one per file; repeat the part) and optional
/// `system_id` and `system` parts naming where the files came from. Other parts are
/// ignored.
pub async fn read_scan_upload(mut mp: Multipart) -> Result<NewScan, ApiError> {
    let mut scan = NewScan::default();
    let mut total = 0usize;
    while let Some(mut field) =
        mp.next_field().await.map_err(|e| limit_or(e, "the body is not readable multipart/form-data"))?
    {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("").to_string();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|e| limit_or(e, "a file part could not be read"))? {
                    total += chunk.len();
                    if total > MAX_SCAN_BYTES as usize {
                        return Err(too_large());
                    }
                    bytes.extend_from_slice(&chunk);
                }
                // A browser sends an empty, nameless part when no file was chosen.
                if name.is_empty() && bytes.is_empty() {
                    continue;
                }
                if scan.files.len() == MAX_SCAN_FILES {
                    return Err(ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invalid",
                        format!("search at most {MAX_SCAN_FILES} files at once (put more in a zip archive)"),
                    )
                    .field("files"));
                }
                scan.files.push(ScanFile { name, bytes });
            }
            Some(part @ ("system_id" | "system")) => {
                let is_id = part == "system_id";
                let text = field.text().await.map_err(|e| limit_or(e, "the system part could not be read"))?;
                if is_id {
                    scan.system_id = Some(text.trim().to_string()).filter(|s| !s.is_empty());
                } else {
                    scan.system = text;
                }
            }
            _ => {}
        }
    }
    Ok(scan)
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

/// The OpenAPI document of these routes, merged into the API's.
#[derive(OpenApi)]
#[openapi(paths(run_scan, list_scans, get_scan, review_document))]
pub struct ScansDoc;
