//! The JSON API under `/api/v1`: handlers, authentication, and the OpenAPI document
//! generated from them.

use crate::error::{ApiError, ErrorBody, JsonObject};
use crate::packs_api as pk;
use crate::{AppState, blocking};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{delete, get, post, put};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use steward_app::requests::{NewRequest, RequestQuery, RequestView};
use steward_app::subjects::ErasurePreview;
use steward_app::suppression::{NewSuppression, SuppressionAdded, SuppressionQuery, SuppressionStatus};
use steward_app::tokens::TokenInfo;
use steward_app::{Context, SearchQuery, SubjectHit, SubjectView};
use steward_core::Role;
use steward_core::audit::AuditRecord;
use steward_core::request::{RequestEvent, RequestStatus};
use steward_core::subject::{LinkKind, NewSubject, SubjectPatch};
use steward_store::{AuditFilter, Tombstone, VerifyReport};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};

/// The routes under `/api/v1`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/health", get(health))
        .route("/openapi.json", get(openapi_json))
        .route("/subjects", post(create_subject).get(search_subjects))
        .route("/subjects/{id}", get(get_subject).patch(update_subject).delete(erase_subject))
        .route("/subjects/{id}/erasure-preview", get(erasure_preview))
        .route("/subjects/{id}/links", post(add_link))
        .route("/subjects/{id}/links/{other}", delete(remove_link))
        .route("/stats/subjects", get(subject_stats))
        .route("/audit", get(audit_entries))
        .route("/audit/head", get(audit_head))
        .route("/audit/verify", post(audit_verify))
        .route("/tokens", get(list_tokens).post(create_token))
        .route("/tokens/{id}", delete(revoke_token))
        .route("/requests", post(create_request).get(list_requests))
        .route("/requests/{id}", get(get_request))
        .route("/requests/{id}/events", post(record_request_event))
        .route("/suppression", get(check_suppression).post(add_suppression))
        .merge(crate::api_work::routes())
        .merge(crate::api_records::routes())
        .merge(crate::api_disposals::routes())
        .merge(crate::api_import::routes())
        .merge(crate::api_scans::routes())
        .route("/letters", get(crate::api_letters::list_letters))
        .route("/letters/{name}", put(crate::api_letters::update_letter).delete(crate::api_letters::restore_letter))
        .route("/requests/{id}/letters/{name}", post(crate::api_letters::render_letter))
        .route("/statistics", get(crate::api_statistics::statistics))
        .route("/exemptions", get(pk::list_exemptions))
        .route("/subjects/{id}/notes", post(pk::add_note).get(pk::list_notes))
        .route(
            "/subjects/{id}/documents",
            post(pk::upload_document)
                .get(pk::list_documents)
                .layer(axum::extract::DefaultBodyLimit::max(crate::BODY_LIMIT * 4)),
        )
        .route("/subjects/{id}/documents/{doc}", get(pk::get_document))
        .route("/requests/{id}/pack-items", get(pk::pack_review).post(pk::set_pack_item))
        .route("/requests/{id}/pack-items/{item}", delete(pk::clear_pack_item))
        .route("/requests/{id}/pack", post(pk::build_pack))
        .route("/requests/{id}/packs", get(pk::list_packs))
        .route("/requests/{id}/packs/{pack}", get(pk::download_pack))
        .fallback(not_found)
}

/// The authenticated caller, from `Authorization: Bearer <token>`.
pub struct Authed(pub Context);

impl FromRequestParts<AppState> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(|t| t.trim().to_string())
            .ok_or_else(ApiError::unauthorised)?;
        let request_id = uuid::Uuid::new_v4().to_string();
        let app = state.app.clone();
        blocking(move || app.authenticate_token(&token, &request_id))
            .await?
            .map(Authed)
            .ok_or_else(ApiError::unauthorised)
    }
}

/// Any unknown path or method.
pub async fn not_found() -> ApiError {
    ApiError::no_route()
}

/// Health of the service.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`, or `degraded` when Steward cannot write what it must keep (see `problems`):
    /// reads still work, changes fail with `503 storage_unavailable`.
    #[schema(example = "ok")]
    pub status: &'static str,
    /// `sqlite` or `postgres`.
    pub database: steward_store::BackendKind,
    /// Schema version.
    pub schema_version: i64,
    /// Steward's version.
    pub version: &'static str,
    /// What is wrong when `degraded`, with what to do; no personal data. Empty when `ok`.
    pub problems: Vec<steward_app::health::HealthProblem>,
}

/// Whether Steward and its database are up, and whether it can write: `degraded` (still
/// 200) when the latest database write failed for storage reasons (disk full, read-only,
/// I/O error) and none has succeeded since, or when a small probe write to the data
/// directory fails. Needs no token.
#[utoipa::path(get, path = "/api/v1/health", tag = "service", responses((status = 200, body = Health), (status = 503, body = ErrorBody)))]
pub async fn health(State(s): State<AppState>) -> Result<Json<Health>, ApiError> {
    let app = s.app.clone();
    let report = blocking(move || app.health()).await?;
    let steward_app::health::HealthReport { database, schema_version, problems } = report;
    let status = if problems.is_empty() { "ok" } else { "degraded" };
    Ok(Json(Health { status, database, schema_version, version: env!("CARGO_PKG_VERSION"), problems }))
}

/// The OpenAPI 3.1 document ([`crate::openapi::document`]).
pub async fn openapi_json() -> impl IntoResponse {
    Json(crate::openapi::document())
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

/// A token to create.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// What it is for.
    pub name: String,
    /// `admin`, `dpo`, `caseworker`, `staff` or `auditor`: within your own role (an
    /// administrator may create only `admin` or `auditor` tokens). The token acts for
    /// you and stops working if your account is disabled or loses the role.
    #[schema(value_type = String)]
    pub role: Role,
    /// Whether the token may see special-category data (health, ethnicity, religion,
    /// criminal offences…): only for a `dpo` or `caseworker` token, and only if you may
    /// see it yourself (your data-protection training is current).
    #[serde(default)]
    pub special_category: bool,
}

/// A created token: the secret is shown only here.
#[derive(Serialize, ToSchema)]
pub struct CreatedToken {
    /// The token.
    pub token: TokenInfo,
    /// The secret to send as `Authorization: Bearer …`.
    pub secret: String,
}

/// Tokens.
#[derive(Serialize, ToSchema)]
pub struct TokenList {
    /// Tokens, newest first.
    pub tokens: Vec<TokenInfo>,
}

/// Every API token (never their secrets).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "access", security(("bearer" = [])),
    responses((status = 200, body = TokenList), (status = 403, body = ErrorBody)))]
pub async fn list_tokens(State(s): State<AppState>, Authed(ctx): Authed) -> Result<Json<TokenList>, ApiError> {
    let app = s.app.clone();
    Ok(Json(TokenList { tokens: blocking(move || app.list_tokens(&ctx)).await? }))
}

/// Create an API token.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "access", request_body = NewToken, security(("bearer" = [])),
    responses((status = 201, body = CreatedToken), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_token(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    body: JsonObject<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let JsonObject(t) = body;
    let app = s.app.clone();
    let (token, secret) = blocking(move || {
        app.create_token_with(
            &ctx,
            steward_app::tokens::NewToken { name: &t.name, role: t.role, special_category: t.special_category },
        )
    })
    .await?;
    Ok((StatusCode::CREATED, Json(CreatedToken { token, secret })))
}

/// Revoke an API token.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "access", security(("bearer" = [])),
    params(("id" = String, Path, description = "Token id")),
    responses((status = 204, description = "Revoked"), (status = 404, body = ErrorBody)))]
pub async fn revoke_token(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let app = s.app.clone();
    blocking(move || app.revoke_token(&ctx, &id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI document of the API.
#[derive(OpenApi)]
#[openapi(
    info(title = "Steward API", description = "Data protection management: the encrypted subject vault, erasure, audit log and access tokens."),
    paths(health, create_subject, search_subjects, get_subject, update_subject, erase_subject, erasure_preview,
        add_link, remove_link, subject_stats, audit_entries, audit_head, audit_verify, list_tokens, create_token, revoke_token,
        create_request, list_requests, get_request, record_request_event, check_suppression, add_suppression,
        crate::api_letters::list_letters, crate::api_letters::update_letter, crate::api_letters::restore_letter,
        crate::api_letters::render_letter, crate::api_statistics::statistics,
        pk::list_exemptions, pk::add_note, pk::list_notes, pk::upload_document, pk::list_documents, pk::get_document,
        pk::pack_review, pk::set_pack_item, pk::clear_pack_item, pk::build_pack, pk::list_packs, pk::download_pack),
    components(schemas(ErrorBody, crate::error::ErrorDetail, Tombstone)),
    modifiers(&BearerAuth),
    tags((name = "subjects", description = "The vault of data subjects"), (name = "audit", description = "The hash-chained audit log"),
        (name = "access", description = "API tokens"), (name = "service", description = "Service status"),
        (name = "requests", description = "Rights requests and complaints, with their due dates"),
        (name = "suppression", description = "The direct-marketing suppression list (UK GDPR Art 21(3))"),
        (name = "letters", description = "Letters to requesters: templates the DPO may reword, rendered for a request"),
        (name = "statistics", description = "Figures about rights requests for the board"))
)]
pub struct ApiDoc;

/// Log a rights request or complaint. The answer carries its statutory due date, the
/// organisation's policy due date and the nearer of the two (`due_on`).
#[utoipa::path(post, path = "/api/v1/requests", tag = "requests", request_body = NewRequest, security(("bearer" = [])),
    responses((status = 201, body = RequestView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "Invalid input, e.g. received in the future; `field` names it")))]
pub async fn create_request(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    body: JsonObject<NewRequest>,
) -> Result<(StatusCode, Json<RequestView>), ApiError> {
    let JsonObject(input) = body;
    let app = s.app.clone();
    let view = blocking(move || app.create_request(&ctx, input)).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Filters for the list of requests.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RequestListQuery {
    /// Only this status (`open`, `awaiting_identity`, …, `closed`).
    pub status: Option<RequestStatus>,
    /// Only those due before this day (`YYYY-MM-DD`).
    #[param(value_type = Option<String>, format = Date)]
    pub due_before: Option<jiff::civil::Date>,
}

/// Requests.
#[derive(Serialize, ToSchema)]
pub struct RequestList {
    /// Nearest due date first (at most 500); events are left out.
    pub requests: Vec<RequestView>,
}

/// The requests the caller may see, nearest due date first.
#[utoipa::path(get, path = "/api/v1/requests", tag = "requests", params(RequestListQuery), security(("bearer" = [])),
    responses((status = 200, body = RequestList), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_requests(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    q: Result<Query<RequestListQuery>, QueryRejection>,
) -> Result<Json<RequestList>, ApiError> {
    let Query(q) = q?;
    let query = RequestQuery { status: q.status, due_before: q.due_before };
    let app = s.app.clone();
    let requests = blocking(move || app.list_requests(&ctx, &query)).await?;
    Ok(Json(RequestList { requests }))
}

/// One request with its events and how its due date was worked out.
#[utoipa::path(get, path = "/api/v1/requests/{id}", tag = "requests", security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses((status = 200, body = RequestView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_request(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
) -> Result<Json<RequestView>, ApiError> {
    let app = s.app.clone();
    Ok(Json(blocking(move || app.get_request(&ctx, &id)).await?))
}

/// Record what happened to a request (identity asked for or received, clarification
/// asked for or received, extension with its reason, decision with its outcome, response
/// sent, closed). Its status and due dates follow. An event that does not fit the
/// request's history (out of order, an extension after the first month, closing with
/// steps open) is refused with 422 naming the field at fault, like any other invalid input.
#[utoipa::path(post, path = "/api/v1/requests/{id}/events", tag = "requests", request_body = RequestEvent, security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses((status = 200, body = RequestView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Another event was recorded at the same time"), (status = 422, body = ErrorBody)))]
pub async fn record_request_event(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
    body: JsonObject<RequestEvent>,
) -> Result<Json<RequestView>, ApiError> {
    let JsonObject(event) = body;
    let app = s.app.clone();
    Ok(Json(blocking(move || app.record_request_event(&ctx, &id, event)).await?))
}

/// Whether marketing to one email address or phone number (any UK format) is forbidden
/// because of an objection to direct marketing, and since when. Give exactly one.
#[utoipa::path(get, path = "/api/v1/suppression", tag = "suppression", params(SuppressionQuery), security(("bearer" = [])),
    responses((status = 200, body = SuppressionStatus), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn check_suppression(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    q: Result<Query<SuppressionQuery>, QueryRejection>,
) -> Result<Json<SuppressionStatus>, ApiError> {
    let Query(q) = q?;
    let app = s.app.clone();
    Ok(Json(blocking(move || app.is_suppressed(&ctx, &q)).await?))
}

/// Add email addresses and phone numbers to the suppression list directly (DPO only),
/// e.g. for an objection received by phone. Only keyed hashes are stored; entries are
/// never removed, not even when the subject is erased.
#[utoipa::path(post, path = "/api/v1/suppression", tag = "suppression", request_body = NewSuppression, security(("bearer" = [])),
    responses((status = 201, body = SuppressionAdded), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn add_suppression(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    body: JsonObject<NewSuppression>,
) -> Result<(StatusCode, Json<SuppressionAdded>), ApiError> {
    let JsonObject(input) = body;
    let app = s.app.clone();
    let added = blocking(move || app.suppress_identifiers(&ctx, &input.emails, &input.phones, &input.reason)).await?;
    Ok((StatusCode::CREATED, Json(added)))
}
