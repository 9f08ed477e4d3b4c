//! Importing the records inventory from a CSV file: a dry run that checks every row,
//! and the real import that adds every row or none. The body is the CSV file itself, up to
//! [`MAX_IMPORT_BYTES`](steward_app::record_import::MAX_IMPORT_BYTES).

use crate::api::kit::Authed;
use crate::error::{ApiError, ErrorBody, ErrorDetail, blocking};
use crate::files::over_limit;
use crate::state::AppState;
use axum::Json;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::{Deserialize, Serialize};
use steward_app::record_import::{ImportReport, MAX_IMPORT_BYTES};
use steward_core::Permission;
use utoipa::{IntoParams, OpenApi, ToSchema};

/// The path of the import, relative to `/api/v1` (its body limit is the file limit).
pub const IMPORT_PATH: &str = "/records/import";

/// The routes, relative to `/api/v1`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/records/import", post(import_records))
}

/// Whether to only check the file.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// `true`: check every row and write nothing; `false` (the default): import.
    #[serde(default)]
    pub dry_run: bool,
}

/// A file with problems: nothing was imported.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportRefused {
    /// `invalid`, with how many rows have problems.
    pub error: ErrorDetail,
    /// The report, with every problem by line and column (absent when the file itself
    /// cannot be read: then the body is an ErrorBody).
    #[schema(required = false)]
    pub report: ImportReport,
}

/// 413 for a file over the limit.
pub fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!(
            "the file is larger than the limit of {} MB for one import; split it into several files",
            MAX_IMPORT_BYTES / 1_048_576
        ),
    )
    .field("file")
}

/// Media types a CSV file arrives as (browsers and spreadsheets label it variously).
const CSV_TYPES: [&str; 5] =
    ["text/csv", "text/plain", "application/csv", "application/vnd.ms-excel", "application/octet-stream"];

/// Import records from a CSV file sent as the body (`Content-Type: text/csv`; UTF-8, a
/// byte-order mark allowed, CRLF or LF). The header row names the columns, in any order:
/// `record_type` (required), `reference`, `subject_id`, `other_subject_ids`
/// (`;`-separated), `location`, `system` (name or id), `flags` (`;`-separated) and one
/// `event:<name>` per event (`event:left`), dates as `YYYY-MM-DD` or `DD/MM/YYYY`. At most
/// 50 MB and 200,000 rows. Every row is checked; with `dry_run=true` nothing is written
/// (200), otherwise every row is added in one transaction (201) — or, if any row has a
/// problem, none is, and the answer is 422 listing each problem by line (the header is
/// line 1) and column.
#[utoipa::path(post, path = "/api/v1/records/import", tag = "retention", params(ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "The CSV file"),
    security(("bearer" = [])),
    responses((status = 200, body = ImportReport, description = "Dry run of a clean file: what would be imported"),
        (status = 201, body = ImportReport, description = "Every row imported"),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody, description = "No schedule in force"),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ImportRefused, description = "Rows with problems (nothing imported), or a file that \
            cannot be read (wrong columns, not UTF-8, too many rows) as an ErrorBody")))]
pub async fn import_records(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    q: Result<Query<ImportQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let Query(q) = q?;
    let app = s.app.clone();
    let check = ctx.clone();
    blocking(move || app.require(&check, Permission::ManageRegisters, "record", "")).await?;
    let media = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let media = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if !media.is_empty() && !CSV_TYPES.contains(&media.as_str()) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the CSV file itself as the body, with Content-Type: text/csv",
        ));
    }
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    if declared.is_some_and(|n: usize| n > MAX_IMPORT_BYTES) {
        return Err(too_large());
    }
    let bytes = axum::body::to_bytes(body, MAX_IMPORT_BYTES).await.map_err(|e| {
        if over_limit(&e) {
            too_large()
        } else {
            ApiError::new(StatusCode::BAD_REQUEST, "bad_request", "the body could not be read")
        }
    })?;
    let dry_run = q.dry_run;
    let app = s.app.clone();
    let report = blocking(move || app.import_records(&ctx, &bytes, dry_run)).await?;
    if report.error_count > 0 {
        let message = format!(
            "{} of {} rows have problems; nothing was imported (see report.errors, by line)",
            report.error_count, report.rows
        );
        let error = ErrorDetail { code: "invalid", message, field: Some("file".into()), problems: Vec::new() };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(ImportRefused { error, report })).into_response());
    }
    let status = if report.imported { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(report)).into_response())
}

/// The OpenAPI description of this area.
#[derive(OpenApi)]
#[openapi(paths(import_records), components(schemas(ImportReport, ImportRefused)),
    tags((name = "retention", description = "The records inventory and its retention schedule")))]
pub struct Doc;
