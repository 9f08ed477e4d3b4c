//! The record of processing exported for the ICO (`GET /activities/export`: the ICO's
//! spreadsheet, CSV, or JSON with everything linked) and imported back
//! (`POST /activities/import`: the spreadsheet or CSV as the body, with a dry run, all or
//! nothing). Static paths, so they never clash with `/activities/{id}`.

use crate::api::kit::Authed;
use crate::error::{ApiError, ErrorBody, ErrorDetail, blocking};
use crate::files::{attachment, over_limit};
use crate::state::AppState;
use axum::Json;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use steward_app::ropa::{MAX_ROPA_IMPORT_BYTES, RopaDocument, RopaFormat, RopaImportReport};
use steward_core::Permission;
use utoipa::{IntoParams, OpenApi, ToSchema};

/// The path of the import, relative to `/api/v1` (its body limit is the file limit).
pub const IMPORT_PATH: &str = "/activities/import";

/// The routes, relative to `/api/v1`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/activities/export", get(export_ropa)).route("/activities/import", post(import_ropa))
}

/// Which format to export.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `xlsx` (the ICO's spreadsheet), `csv` or `json` (everything linked, in full).
    pub format: String,
}

/// How to import.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// `true`: check every row and write nothing; `false` (the default): import.
    #[serde(default)]
    pub dry_run: bool,
    /// `xlsx` or `csv`; when left out, taken from `Content-Type`, else from the file itself.
    pub format: Option<String>,
}

/// A file with problems: nothing was imported.
#[derive(Debug, Serialize, ToSchema)]
pub struct RopaImportRefused {
    /// `invalid`, with how many problems.
    pub error: ErrorDetail,
    /// The report, every problem by row and column heading (absent when the file itself
    /// cannot be read: then the body is an ErrorBody).
    #[schema(required = false)]
    pub report: RopaImportReport,
}

/// 413 for a file over the limit.
pub fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!("the file is larger than the limit of {} MB for a record of processing", MAX_ROPA_IMPORT_BYTES / 1_048_576),
    )
    .field("file")
}

fn format_param(value: &str, allow_json: bool) -> Result<RopaFormat, ApiError> {
    match RopaFormat::parse(value) {
        Some(RopaFormat::Json) if !allow_json => None,
        other => other,
    }
    .ok_or_else(|| {
        let choices = if allow_json { "xlsx, csv or json" } else { "xlsx or csv" };
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", format!("must be {choices}")).field("format")
    })
}

/// The record of processing as a file: `xlsx` the ICO's controller template (the
/// controller, DPO and representative contacts on top, then one row per purpose of each
/// activity under the template's 30 headings in order, then Steward's own columns),
/// `csv` the same table, `json` every activity with its controllers, systems,
/// processors, transfers, retention rules in force, notices and sharing agreements in
/// full. Cells that a spreadsheet would take for a formula start with `'`. Audited.
#[utoipa::path(get, path = "/api/v1/activities/export", tag = "record of processing", params(ExportQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "The file, as an attachment",
            content((String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (RopaDocument = "application/json"))),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn export_ropa(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    q: Result<Query<ExportQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = q?;
    let format = format_param(&q.format, true)?;
    let app = s.app.clone();
    let file = blocking(move || app.export_ropa(&ctx, format)).await?;
    let mut resp = attachment(&file.filename, format.media_type(), file.bytes);
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(format.media_type()));
    Ok(resp)
}

/// The format of an import: the `format` parameter, else `Content-Type`, else the
/// file's first bytes (an XLSX file is a zip).
fn import_format(q: Option<&str>, headers: &HeaderMap, bytes: &[u8]) -> Result<RopaFormat, ApiError> {
    if let Some(f) = q {
        return format_param(f, false);
    }
    let media = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let media = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match media.as_str() {
        "text/csv" | "application/csv" | "text/plain" => Ok(RopaFormat::Csv),
        m if m == RopaFormat::Xlsx.media_type() => Ok(RopaFormat::Xlsx),
        "" | "application/octet-stream" | "application/vnd.ms-excel" => {
            Ok(if bytes.starts_with(b"PK\x03\x04") { RopaFormat::Xlsx } else { RopaFormat::Csv })
        }
        _ => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the spreadsheet (XLSX) or CSV file itself as the body, with its Content-Type or ?format=",
        )),
    }
}

/// Import the record of processing from the spreadsheet (XLSX) or CSV file sent as the
/// body, laid out as the export lays it out: the heading row found below the contact
/// block, columns matched by heading in any order (columns left out keep an activity's
/// current values), rows grouped into activities by "Processing activity", linked
/// entries named as the export names them. An activity already on the register (by
/// name) is changed, any other added. At most 10 MB. With `dry_run=true` nothing is
/// written (200); otherwise every change is made in one transaction (201) — or, if any
/// row has a problem, none is, and the answer is 422 listing each problem by row and
/// column heading.
#[utoipa::path(post, path = "/api/v1/activities/import", tag = "record of processing", params(ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "The CSV or XLSX file"),
    security(("bearer" = [])),
    responses((status = 200, body = RopaImportReport, description = "Dry run of a file without problems: what would change"),
        (status = 201, body = RopaImportReport, description = "Imported"),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, body = RopaImportRefused, description = "Problems by row and column (nothing imported), or a \
            file that cannot be read (not XLSX, not UTF-8) as an ErrorBody")))]
pub async fn import_ropa(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    q: Result<Query<ImportQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let Query(q) = q?;
    let app = s.app.clone();
    let check = ctx.clone();
    blocking(move || app.require(&check, Permission::ManageRegisters, "activity", "")).await?;
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    if declared.is_some_and(|n: usize| n > MAX_ROPA_IMPORT_BYTES) {
        return Err(too_large());
    }
    let bytes = axum::body::to_bytes(body, MAX_ROPA_IMPORT_BYTES).await.map_err(|e| {
        if over_limit(&e) {
            too_large()
        } else {
            ApiError::new(StatusCode::BAD_REQUEST, "bad_request", "the body could not be read")
        }
    })?;
    let format = import_format(q.format.as_deref(), &headers, &bytes)?;
    let dry_run = q.dry_run;
    let app = s.app.clone();
    let report = blocking(move || app.import_ropa(&ctx, &bytes, format, dry_run)).await?;
    if !report.problems.is_empty() {
        let message = format!(
            "the file has {} problems; nothing was imported (see report.problems, by row and column)",
            report.problems.len()
        );
        let error = ErrorDetail { code: "invalid", message, field: Some("file".into()), problems: Vec::new() };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(RopaImportRefused { error, report })).into_response());
    }
    let status = if report.imported { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(report)).into_response())
}

/// The OpenAPI description of this area.
#[derive(OpenApi)]
#[openapi(paths(export_ropa, import_ropa), components(schemas(RopaImportReport, RopaImportRefused, RopaDocument)))]
pub struct Doc;
