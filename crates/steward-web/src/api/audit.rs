//! The hash-chained audit log: browsing it with filters, its head, and a check of the
//! whole chain.

use crate::api::kit::Authed;
use crate::error::{ApiError, ErrorBody, blocking};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use steward_app::{AuditFilter, VerifyReport};
use steward_core::audit::AuditRecord;
use utoipa::{IntoParams, OpenApi, ToSchema};

/// The routes, relative to `/api/v1`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/audit", get(audit_entries))
        .route("/audit/head", get(audit_head))
        .route("/audit/verify", post(audit_verify))
}

/// Filters for the audit log.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Actor (`token:<id>`, `user:<id>`, `cli`, `system`).
    pub actor: Option<String>,
    /// Action (`subject.view`), or a prefix ending in `.` (`subject.`).
    pub action: Option<String>,
    /// Object type.
    pub object_type: Option<String>,
    /// Object id.
    pub object_id: Option<String>,
    /// From this time: an RFC 3339 timestamp (`2026-01-05T09:00:00Z`) or a date
    /// (`2026-01-05`, from midnight UK time).
    pub since: Option<String>,
    /// Before this time, written the same way.
    pub until: Option<String>,
    /// Entries before this sequence number (paging).
    #[param(minimum = 1)]
    pub before: Option<i64>,
    /// At most this many (default 100, at most 500).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
}

/// Most audit entries on one page.
pub const MAX_AUDIT_LIMIT: usize = 500;

/// An audit filter's time as the log stores it, from an RFC 3339 timestamp or a date
/// (midnight at its start, UK time); anything else is a 422 naming `field`.
fn audit_time(field: &'static str, value: Option<String>) -> Result<Option<String>, steward_app::AppError> {
    let Some(v) = value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty()) else { return Ok(None) };
    let invalid = || {
        steward_app::AppError::Invalid(steward_core::FieldError::new(
            field,
            "must be a date (2026-01-05) or an RFC 3339 timestamp (2026-01-05T09:00:00Z)",
        ))
    };
    let at = match v.parse::<jiff::Timestamp>() {
        Ok(t) => t,
        Err(_) => {
            let day: jiff::civil::Date = v.parse().map_err(|_| invalid())?;
            let uk = jiff::tz::TimeZone::get("Europe/London").map_err(|_| invalid())?;
            day.to_zoned(uk).map_err(|_| invalid())?.timestamp()
        }
    };
    Ok(Some(steward_core::audit::format_time(at)))
}

/// Audit entries.
#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    /// Entries, newest first.
    #[schema(value_type = Vec<Object>)]
    pub entries: Vec<AuditRecord>,
}

/// Browse the audit log, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery), security(("bearer" = [])),
    responses((status = 200, body = AuditPage), (status = 403, body = ErrorBody)))]
pub async fn audit_entries(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    q: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Json<AuditPage>, ApiError> {
    let Query(q) = q?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=MAX_AUDIT_LIMIT).contains(&limit) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!("must be a number from 1 to {MAX_AUDIT_LIMIT}"),
        )
        .field("limit"));
    }
    if q.before.is_some_and(|b| b < 1) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "must be a sequence number (1 or more)",
        )
        .field("before"));
    }
    let since = audit_time("since", q.since)?;
    let until = audit_time("until", q.until)?;
    if let (Some(s), Some(u)) = (&since, &until)
        && u <= s
    {
        return Err(
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "must be later than since").field("until")
        );
    }
    let filter = AuditFilter {
        actor: q.actor,
        action: q.action,
        object_type: q.object_type,
        object_id: q.object_id,
        since,
        until,
        before_seq: q.before,
        limit,
    };
    let app = s.app.clone();
    let entries = blocking(move || app.audit_entries(&ctx, &filter)).await?;
    Ok(Json(AuditPage { entries }))
}

/// The audit chain's length and head hash.
#[derive(Serialize, ToSchema)]
pub struct AuditHead {
    /// Entries.
    pub count: i64,
    /// Hash of the newest entry (hex): an HMAC-SHA-256 under the audit key, or SHA-256
    /// for a log written by an older Steward and not yet keyed.
    pub hash: String,
}

/// Length and head hash of the audit chain, for an auditor to keep elsewhere.
#[utoipa::path(get, path = "/api/v1/audit/head", tag = "audit", security(("bearer" = [])),
    responses((status = 200, body = AuditHead), (status = 403, body = ErrorBody)))]
pub async fn audit_head(State(s): State<AppState>, Authed(ctx): Authed) -> Result<Json<AuditHead>, ApiError> {
    let app = s.app.clone();
    let (count, hash) = blocking(move || app.audit_head(&ctx)).await?;
    Ok(Json(AuditHead { count, hash }))
}

/// Recompute the whole audit chain and report the first entry altered, removed or reordered.
#[utoipa::path(post, path = "/api/v1/audit/verify", tag = "audit", security(("bearer" = [])),
    responses((status = 200, body = Object, description = "entries, head_hash, problem (null when intact), legacy_entries (written before the log was keyed) and keyed"), (status = 403, body = ErrorBody)))]
pub async fn audit_verify(State(s): State<AppState>, Authed(ctx): Authed) -> Result<Json<VerifyReport>, ApiError> {
    let app = s.app.clone();
    Ok(Json(blocking(move || app.verify_audit(&ctx)).await?))
}

/// The OpenAPI description of this area.
#[derive(OpenApi)]
#[openapi(
    paths(audit_entries, audit_head, audit_verify),
    tags((name = "audit", description = "The hash-chained audit log"))
)]
pub struct Doc;
