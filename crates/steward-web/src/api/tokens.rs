//! API tokens: listing, creating (the secret shown once) and revoking them.

use crate::api::kit::Authed;
use crate::error::{ApiError, ErrorBody, JsonObject, blocking};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use serde::{Deserialize, Serialize};
use steward_app::tokens::TokenInfo;
use steward_core::Role;
use utoipa::{OpenApi, ToSchema};

/// The routes, relative to `/api/v1`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/tokens", get(list_tokens).post(create_token)).route("/tokens/{id}", delete(revoke_token))
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

/// The OpenAPI description of this area.
#[derive(OpenApi)]
#[openapi(
    paths(list_tokens, create_token, revoke_token),
    tags((name = "access", description = "API tokens"))
)]
pub struct Doc;
