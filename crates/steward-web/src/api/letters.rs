//! The letters API: the templates in force, changing or restoring one (DPO only), and
//! a letter rendered for a request (audited, as it shows the requester's name and
//! address).

use crate::api::kit::Authed;
use crate::error::{ApiError, ErrorBody, JsonObject, blocking};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use serde::{Deserialize, Serialize};
use steward_app::letters::{LetterKind, LetterTemplate, RenderedLetter, VARIABLES, Variable};
use utoipa::{OpenApi, ToSchema};

/// The routes, relative to `/api/v1`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/letters", get(list_letters))
        .route("/letters/{name}", put(update_letter).delete(restore_letter))
        .route("/requests/{id}/letters/{name}", post(render_letter))
}

fn no_such_letter() -> ApiError {
    let names: Vec<&str> = LetterKind::ALL.iter().map(|k| k.as_str()).collect();
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("there is no such letter; letters are {}", names.join(", ")),
    )
}

/// The letter templates and the variables they may use.
#[derive(Serialize, ToSchema)]
pub struct LetterList {
    /// Every letter, in the order they are usually sent.
    pub letters: Vec<LetterTemplate>,
    /// The variables a template may use (`{{ name }}`), with what each holds.
    pub variables: Vec<Variable>,
}

/// The letter templates in force (Steward's default wording unless the DPO changed it).
#[utoipa::path(get, path = "/api/v1/letters", tag = "letters", security(("bearer" = [])),
    responses((status = 200, body = LetterList), (status = 403, body = ErrorBody)))]
pub async fn list_letters(State(s): State<AppState>, Authed(ctx): Authed) -> Result<Json<LetterList>, ApiError> {
    let app = s.app.clone();
    let letters = blocking(move || app.letters(&ctx)).await?;
    Ok(Json(LetterList { letters, variables: VARIABLES.to_vec() }))
}

/// New wording for a letter.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LetterText {
    /// The template: plain text with `{{ variable }}` and `{% if … %}…{% endif %}`.
    pub text: String,
}

/// Change a letter's wording (DPO only). Refused with 422 naming the line of a syntax
/// mistake, an unknown variable, or a text over 20,000 characters; nothing is saved then.
#[utoipa::path(put, path = "/api/v1/letters/{name}", tag = "letters", request_body = LetterText, security(("bearer" = [])),
    params(("name" = String, Path, description = "acknowledgement, identity_request, clarification_request, extension_notice, refusal or response_cover")),
    responses((status = 200, body = LetterTemplate), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update_letter(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(name): Path<String>,
    body: JsonObject<LetterText>,
) -> Result<Json<LetterTemplate>, ApiError> {
    let kind = name.parse::<LetterKind>().map_err(|_| no_such_letter())?;
    let JsonObject(t) = body;
    let app = s.app.clone();
    Ok(Json(blocking(move || app.save_letter(&ctx, kind, &t.text)).await?))
}

/// Go back to Steward's default wording for a letter (DPO only).
#[utoipa::path(delete, path = "/api/v1/letters/{name}", tag = "letters", security(("bearer" = [])),
    params(("name" = String, Path, description = "The letter")),
    responses((status = 200, body = LetterTemplate), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn restore_letter(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(name): Path<String>,
) -> Result<Json<LetterTemplate>, ApiError> {
    let kind = name.parse::<LetterKind>().map_err(|_| no_such_letter())?;
    let app = s.app.clone();
    Ok(Json(blocking(move || app.restore_letter(&ctx, kind)).await?))
}

/// A letter for a request, as plain text, with its dates and the requester's name and
/// address from their record. Recorded in the audit log as a view of personal data.
#[utoipa::path(post, path = "/api/v1/requests/{id}/letters/{name}", tag = "letters", security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id"), ("name" = String, Path, description = "The letter")),
    responses((status = 200, body = RenderedLetter), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "The letter's stored wording no longer renders")))]
pub async fn render_letter(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path((id, name)): Path<(String, String)>,
) -> Result<Json<RenderedLetter>, ApiError> {
    let kind = name.parse::<LetterKind>().map_err(|_| no_such_letter())?;
    let app = s.app.clone();
    Ok(Json(blocking(move || app.render_letter(&ctx, &id, kind)).await?))
}

/// The OpenAPI description of this area.
#[derive(OpenApi)]
#[openapi(
    paths(list_letters, update_letter, restore_letter, render_letter),
    tags((name = "letters", description = "Letters to requesters: templates the DPO may reword, rendered for a request"))
)]
pub struct Doc;
