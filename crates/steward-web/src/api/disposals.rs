//! Disposals: the disposals the daily sweep found, the DPO's approval of a month's list, tasks assigned and confirmed, and
//! the destruction certificate as JSON or CSV. Sources: UK GDPR Art 5(1)(e) and 5(2);
//! ICO guidance on storage limitation.

use crate::api::kit::Authed;
use crate::error::{ApiError, ErrorBody, JsonObject, blocking};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use steward_app::AppError;
use steward_app::disposal::{
    Approval, ApprovalOutcome, Assignment, Confirmation, Disposal, DisposalCertificate, DisposalQuery,
};
use steward_core::FieldError;
use utoipa::{IntoParams, OpenApi, ToSchema};

/// The routes, relative to `/api/v1`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/disposals", get(list_disposals))
        .route("/disposals/approve", post(approve))
        .route("/disposals/certificate", get(certificate))
        .route("/disposals/{id}", get(get_disposal))
        .route("/disposals/{id}/assign", post(assign))
        .route("/disposals/{id}/confirm", post(confirm))
}

/// A list of disposals.
#[derive(Serialize, ToSchema)]
pub struct DisposalList {
    /// By due date.
    pub disposals: Vec<Disposal>,
}

/// Disposals the daily sweep found, filtered by due date, status or record.
#[utoipa::path(get, path = "/api/v1/disposals", tag = "disposals", params(DisposalQuery), security(("bearer" = [])),
    responses((status = 200, body = DisposalList), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn list_disposals(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    q: Result<Query<DisposalQuery>, QueryRejection>,
) -> Result<Json<DisposalList>, ApiError> {
    let Query(q) = q?;
    let app = s.app.clone();
    Ok(Json(DisposalList { disposals: blocking(move || app.disposals(&ctx, &q)).await? }))
}

/// One disposal.
#[utoipa::path(get, path = "/api/v1/disposals/{id}", tag = "disposals", security(("bearer" = [])),
    params(("id" = String, Path, description = "Disposal id")),
    responses((status = 200, body = Disposal), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_disposal(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
) -> Result<Json<Disposal>, ApiError> {
    let app = s.app.clone();
    Ok(Json(blocking(move || app.disposal(&ctx, &id)).await?))
}

/// Approve a month's disposal list (`{"month":"2026-11"}`: everything awaiting approval
/// due by the month's end) or chosen disposals (`{"ids":[…]}`), as the DPO. Vault
/// documents are crypto-shredded at once; records kept elsewhere become tasks. Records a
/// legal hold now covers are held instead, never destroyed.
#[utoipa::path(post, path = "/api/v1/disposals/approve", tag = "disposals", request_body = Approval,
    security(("bearer" = [])),
    responses((status = 200, body = ApprovalOutcome), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn approve(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    body: JsonObject<Approval>,
) -> Result<Json<ApprovalOutcome>, ApiError> {
    let JsonObject(a) = body;
    let app = s.app.clone();
    Ok(Json(blocking(move || app.approve_disposals(&ctx, &a)).await?))
}

/// Say who is to destroy a task's record, how and by when (administrator or DPO).
#[utoipa::path(post, path = "/api/v1/disposals/{id}/assign", tag = "disposals", request_body = Assignment,
    security(("bearer" = [])), params(("id" = String, Path, description = "Disposal id")),
    responses((status = 200, body = Disposal), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn assign(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
    body: JsonObject<Assignment>,
) -> Result<Json<Disposal>, ApiError> {
    let JsonObject(a) = body;
    let app = s.app.clone();
    Ok(Json(blocking(move || app.assign_disposal(&ctx, &id, &a)).await?))
}

/// Confirm a task's record destroyed (its assignee, an administrator or the DPO). Once:
/// a second confirmation is refused with 409.
#[utoipa::path(post, path = "/api/v1/disposals/{id}/confirm", tag = "disposals", request_body = Confirmation,
    security(("bearer" = [])), params(("id" = String, Path, description = "Disposal id")),
    responses((status = 200, body = Disposal), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn confirm(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
    body: JsonObject<Confirmation>,
) -> Result<Json<Disposal>, ApiError> {
    let JsonObject(c) = body;
    let app = s.app.clone();
    Ok(Json(blocking(move || app.confirm_disposal(&ctx, &id, &c)).await?))
}

/// The certificate's period and format.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CertificateQuery {
    /// First day (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Last day (`YYYY-MM-DD`).
    pub to: Option<String>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

/// Parse a required date query parameter, naming it when missing or malformed.
pub fn date_param(field: &str, v: Option<&str>) -> Result<jiff::civil::Date, AppError> {
    let v = v
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| AppError::Invalid(FieldError::new(field, "is required (YYYY-MM-DD)")))?;
    v.parse().map_err(|_| AppError::Invalid(FieldError::new(field, "must be a date as YYYY-MM-DD")))
}

/// The destruction certificate for a period: each record destroyed (type, subject id,
/// rule, date due, date done, method, by whom) and those a legal hold kept. Holds no
/// personal data; auditors may read it. `format=csv` gives a spreadsheet.
#[utoipa::path(get, path = "/api/v1/disposals/certificate", tag = "disposals", params(CertificateQuery),
    security(("bearer" = [])),
    responses((status = 200, body = DisposalCertificate), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn certificate(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    q: Result<Query<CertificateQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = q?;
    let csv = match q.format.as_deref().unwrap_or("json") {
        "json" => false,
        "csv" => true,
        _ => return Err(AppError::Invalid(FieldError::new("format", "must be json or csv")).into()),
    };
    let from = date_param("from", q.from.as_deref())?;
    let to = date_param("to", q.to.as_deref())?;
    let app = s.app.clone();
    let cert = blocking(move || app.disposal_certificate(&ctx, from, to)).await?;
    if !csv {
        return Ok(Json(cert).into_response());
    }
    let body = steward_app::disposal::certificate_csv(&cert)?;
    let name = format!("attachment; filename=\"destruction-certificate-{from}-to-{to}.csv\"");
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, name)],
        body,
    )
        .into_response())
}

/// The OpenAPI description of this area.
#[derive(OpenApi)]
#[openapi(
    paths(list_disposals, get_disposal, approve, assign, confirm, certificate),
    tags((name = "disposals", description = "Records past their retention date: approval, destruction and certificates"))
)]
pub struct Doc;
