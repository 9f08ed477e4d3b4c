//! What every API area shares: the bearer-token caller ([`Authed`]) and the answer to a
//! path or method the API does not have. Imports no area.

use crate::error::{ApiError, blocking};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use steward_app::Context;

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
