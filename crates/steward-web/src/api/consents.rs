//! The consent ledger (record a consent, list a person's, read one, withdraw one and learn
//! in the same answer what stops) and the privacy notices each person received.

use crate::api::kit::Authed;
use crate::error::{ApiError, ErrorBody, JsonObject, blocking};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use steward_app::consents::{ConsentView, NoticeReceiptView, WithdrawnConsent};
use steward_core::consent::{NewConsent, NewNoticeReceipt, Withdrawal};
use utoipa::{IntoParams, OpenApi, ToSchema};

/// The routes, relative to `/api/v1`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/consents", post(record_consent).get(list_consents))
        .route("/consents/{id}", get(get_consent))
        .route("/consents/{id}/withdraw", post(withdraw_consent))
        .route("/subjects/{id}/notices", post(record_notice_receipt).get(list_notice_receipts))
}

/// Whose consents to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ConsentQuery {
    /// The person (required).
    pub subject_id: String,
}

/// A person's consents.
#[derive(Serialize, ToSchema)]
pub struct ConsentList {
    /// Oldest given first.
    pub consents: Vec<ConsentView>,
}

/// Record a person's consent to one consent purpose of a processing activity. The
/// activity must be in use and the purpose rest on consent (UK GDPR Art 6(1)(a)); the day
/// (not in the future), the method and the evidence of the person's positive act are
/// required: consent is never defaulted (Art 4(11), Art 7(1)). The evidence and wording
/// are encrypted with the person's key.
#[utoipa::path(post, path = "/api/v1/consents", tag = "consents", request_body = NewConsent, security(("bearer" = [])),
    responses((status = 201, body = ConsentView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 410, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record_consent(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    body: JsonObject<NewConsent>,
) -> Result<(StatusCode, Json<ConsentView>), ApiError> {
    let JsonObject(input) = body;
    let app = s.app.clone();
    Ok((StatusCode::CREATED, Json(blocking(move || app.record_consent(&ctx, input)).await?)))
}

/// A person's consents, oldest given first, each withdrawn one with what stopped
/// (audited as a view).
#[utoipa::path(get, path = "/api/v1/consents", tag = "consents", params(ConsentQuery), security(("bearer" = [])),
    responses((status = 200, body = ConsentList), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 410, body = ErrorBody)))]
pub async fn list_consents(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    q: Result<Query<ConsentQuery>, QueryRejection>,
) -> Result<Json<ConsentList>, ApiError> {
    let Query(q) = q?;
    let app = s.app.clone();
    Ok(Json(ConsentList { consents: blocking(move || app.consents(&ctx, &q.subject_id)).await? }))
}

/// One consent (audited as a view).
#[utoipa::path(get, path = "/api/v1/consents/{id}", tag = "consents", security(("bearer" = [])),
    params(("id" = String, Path, description = "Consent id")),
    responses((status = 200, body = ConsentView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_consent(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
) -> Result<Json<ConsentView>, ApiError> {
    let app = s.app.clone();
    Ok(Json(blocking(move || app.consent(&ctx, &id)).await?))
}

/// Withdraw a consent (UK GDPR Art 7(3)): `{"on": "YYYY-MM-DD", "method": "…"}`. The
/// answer holds the consent and, in the same answer, `stopped`: every activity purpose
/// that relied on it (`activity_id`, `purpose`). A consent already withdrawn is refused
/// (409), saying when.
#[utoipa::path(post, path = "/api/v1/consents/{id}/withdraw", tag = "consents", request_body = Withdrawal,
    security(("bearer" = [])), params(("id" = String, Path, description = "Consent id")),
    responses((status = 200, body = WithdrawnConsent), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn withdraw_consent(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
    body: JsonObject<Withdrawal>,
) -> Result<Json<WithdrawnConsent>, ApiError> {
    let JsonObject(w) = body;
    let app = s.app.clone();
    Ok(Json(blocking(move || app.withdraw_consent(&ctx, &id, w)).await?))
}

/// The privacy notices a person received.
#[derive(Serialize, ToSchema)]
pub struct NoticeReceiptList {
    /// Oldest first.
    pub receipts: Vec<NoticeReceiptView>,
}

/// Record that a person received a privacy notice version, when and how (UK GDPR Art 13,
/// Art 14, Art 5(2)).
#[utoipa::path(post, path = "/api/v1/subjects/{id}/notices", tag = "consents", request_body = NewNoticeReceipt,
    security(("bearer" = [])), params(("id" = String, Path, description = "Subject id")),
    responses((status = 201, body = NoticeReceiptView), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 410, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn record_notice_receipt(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
    body: JsonObject<NewNoticeReceipt>,
) -> Result<(StatusCode, Json<NoticeReceiptView>), ApiError> {
    let JsonObject(input) = body;
    let app = s.app.clone();
    Ok((StatusCode::CREATED, Json(blocking(move || app.record_notice_receipt(&ctx, &id, input)).await?)))
}

/// The privacy notices a person received, oldest first (audited as a view).
#[utoipa::path(get, path = "/api/v1/subjects/{id}/notices", tag = "consents", security(("bearer" = [])),
    params(("id" = String, Path, description = "Subject id")),
    responses((status = 200, body = NoticeReceiptList), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn list_notice_receipts(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
) -> Result<Json<NoticeReceiptList>, ApiError> {
    let app = s.app.clone();
    Ok(Json(NoticeReceiptList { receipts: blocking(move || app.notice_receipts(&ctx, &id)).await? }))
}

/// The OpenAPI description of this area.
#[derive(OpenApi)]
#[openapi(
    paths(record_consent, list_consents, get_consent, withdraw_consent, record_notice_receipt, list_notice_receipts),
    tags((name = "consents", description = "The consent ledger and the privacy notices each person received"))
)]
pub struct Doc;
