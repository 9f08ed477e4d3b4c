//! Subjects' case notes and documents, the exemptions catalogue, the review of a
//! request's response pack and the packs themselves.

use crate::api::kit::Authed;
use crate::error::{ApiError, ErrorBody, JsonObject, blocking};
use crate::state::AppState;
use axum::Json;
use crate::files::{attachment, pack_download, read_upload};
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde::Serialize;
use steward_app::packs::{BuiltPack, PackDecision, PackInfo, PackItemReview, PackReview};
use steward_app::records::{DocumentInfo, NewNote, NoteView};
use steward_core::exemption::{EXEMPTIONS, Exemption};
use utoipa::{OpenApi, ToSchema};

/// The routes, relative to `/api/v1`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/exemptions", get(list_exemptions))
        .route("/subjects/{id}/notes", post(add_note).get(list_notes))
        .route(
            "/subjects/{id}/documents",
            post(upload_document)
                .get(list_documents)
                .layer(axum::extract::DefaultBodyLimit::max(crate::state::BODY_LIMIT * 4)),
        )
        .route("/subjects/{id}/documents/{doc}", get(get_document))
        .route("/requests/{id}/pack-items", get(pack_review).post(set_pack_item))
        .route("/requests/{id}/pack-items/{item}", delete(clear_pack_item))
        .route("/requests/{id}/pack", post(build_pack))
        .route("/requests/{id}/packs", get(list_packs))
        .route("/requests/{id}/packs/{pack}", get(download_pack))
}

/// The exemptions catalogue.
#[derive(Serialize, ToSchema)]
pub struct ExemptionList {
    /// Every exemption, in the order of the Act.
    pub exemptions: &'static [Exemption],
}

/// The exemptions from the right of access a reviewer may apply (DPA 2018 Sch 2 and 3),
/// with citations and plain-language explanations. No personal data.
#[utoipa::path(get, path = "/api/v1/exemptions", tag = "requests", security(("bearer" = [])),
    responses((status = 200, body = ExemptionList)))]
pub async fn list_exemptions(Authed(_ctx): Authed) -> Json<ExemptionList> {
    Json(ExemptionList { exemptions: EXEMPTIONS })
}

/// A subject's case notes.
#[derive(Serialize, ToSchema)]
pub struct NoteList {
    /// Oldest first.
    pub notes: Vec<NoteView>,
}

/// Add a case note to a subject; its text and source are encrypted with the subject's key.
#[utoipa::path(post, path = "/api/v1/subjects/{id}/notes", tag = "subjects", request_body = NewNote, security(("bearer" = [])),
    params(("id" = String, Path, description = "Subject id")),
    responses((status = 201, body = NoteView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 410, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_note(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
    body: JsonObject<NewNote>,
) -> Result<(StatusCode, Json<NoteView>), ApiError> {
    let JsonObject(input) = body;
    let app = s.app.clone();
    let note = blocking(move || app.add_note(&ctx, &id, input)).await?;
    Ok((StatusCode::CREATED, Json(note)))
}

/// A subject's case notes, oldest first (audited as a view).
#[utoipa::path(get, path = "/api/v1/subjects/{id}/notes", tag = "subjects", security(("bearer" = [])),
    params(("id" = String, Path, description = "Subject id")),
    responses((status = 200, body = NoteList), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 410, body = ErrorBody)))]
pub async fn list_notes(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
) -> Result<Json<NoteList>, ApiError> {
    let app = s.app.clone();
    Ok(Json(NoteList { notes: blocking(move || app.notes(&ctx, &id)).await? }))
}

/// A subject's documents.
#[derive(Serialize, ToSchema)]
pub struct DocumentList {
    /// Oldest first, without contents.
    pub documents: Vec<DocumentInfo>,
}

/// Upload a document about a subject as `multipart/form-data` with the file in a part
/// named `file` (its file name is sanitised) and, optionally, a `source` part saying where
/// it came from. At most 1,000,000 bytes. Encrypted with the subject's key.
#[utoipa::path(post, path = "/api/v1/subjects/{id}/documents", tag = "subjects", security(("bearer" = [])),
    params(("id" = String, Path, description = "Subject id")),
    request_body(content_type = "multipart/form-data", description = "A `file` part and an optional `source` part"),
    responses((status = 201, body = DocumentInfo), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 410, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn upload_document(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<DocumentInfo>), ApiError> {
    // Permission, need to know and the subject first, so nobody learns anything from
    // how a body they may not send is answered.
    let (app, c, sid) = (s.app.clone(), ctx.clone(), id.clone());
    blocking(move || app.check_document_upload(&c, &sid)).await?;
    let mp = mp.map_err(|_| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the document as multipart/form-data",
        )
    })?;
    let doc = read_upload(mp).await?;
    let app = s.app.clone();
    let info = blocking(move || app.add_document(&ctx, &id, doc)).await?;
    Ok((StatusCode::CREATED, Json(info)))
}

/// A subject's documents: names, types, sizes and hashes (audited as a view).
#[utoipa::path(get, path = "/api/v1/subjects/{id}/documents", tag = "subjects", security(("bearer" = [])),
    params(("id" = String, Path, description = "Subject id")),
    responses((status = 200, body = DocumentList), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 410, body = ErrorBody)))]
pub async fn list_documents(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
) -> Result<Json<DocumentList>, ApiError> {
    let app = s.app.clone();
    Ok(Json(DocumentList { documents: blocking(move || app.documents(&ctx, &id)).await? }))
}

/// Download one document (audited). Served as an attachment; types that could run in a
/// browser are served as `application/octet-stream`.
#[utoipa::path(get, path = "/api/v1/subjects/{id}/documents/{doc}", tag = "subjects", security(("bearer" = [])),
    params(("id" = String, Path, description = "Subject id"), ("doc" = String, Path, description = "Document id")),
    responses((status = 200, description = "The file", content_type = "application/octet-stream"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn get_document(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path((id, doc)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let app = s.app.clone();
    let (info, bytes) = blocking(move || app.document(&ctx, &id, &doc)).await?;
    Ok(attachment(&info.filename, &info.media_type, bytes))
}

/// What the response pack of an access or portability request will hold: every item of
/// its subject, with the decisions to withhold made so far (audited as a view).
#[utoipa::path(get, path = "/api/v1/requests/{id}/pack-items", tag = "requests", security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses((status = 200, body = PackReview), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 410, body = ErrorBody), (status = 422, body = ErrorBody, description = "Not an access or portability request, or no subject")))]
pub async fn pack_review(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
) -> Result<Json<PackReview>, ApiError> {
    let app = s.app.clone();
    Ok(Json(blocking(move || app.pack_review(&ctx, &id)).await?))
}

/// Withhold an item, or some of its fields, from the pack under an exemption (replaces
/// any earlier decision on the item).
#[utoipa::path(post, path = "/api/v1/requests/{id}/pack-items", tag = "requests", request_body = PackDecision, security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses((status = 200, body = PackItemReview), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 410, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_pack_item(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
    body: JsonObject<PackDecision>,
) -> Result<Json<PackItemReview>, ApiError> {
    let JsonObject(d) = body;
    let app = s.app.clone();
    Ok(Json(blocking(move || app.set_pack_decision(&ctx, &id, d)).await?))
}

/// Undo a decision: the item goes into the pack in full.
#[utoipa::path(delete, path = "/api/v1/requests/{id}/pack-items/{item}", tag = "requests", security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id"), ("item" = String, Path, description = "Item key, e.g. `note:<id>`")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn clear_pack_item(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path((id, item)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let app = s.app.clone();
    blocking(move || app.clear_pack_decision(&ctx, &id, &item)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Build the response pack: a zip (AES-256) of `data.json`, `data.csv`, `index.html` and
/// the documents, with withheld items listed with their exemption. The answer carries the
/// passphrase this once: Steward keeps no copy. Give it to the requester separately.
#[utoipa::path(post, path = "/api/v1/requests/{id}/pack", tag = "requests", security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses((status = 201, body = BuiltPack), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 410, body = ErrorBody), (status = 422, body = ErrorBody, description = "Not an access or portability request, or no subject")))]
pub async fn build_pack(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let app = s.app.clone();
    let pack = blocking(move || app.build_pack(&ctx, &id)).await?;
    let mut resp = (StatusCode::CREATED, Json(pack)).into_response();
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

/// The packs built for a request.
#[derive(Serialize, ToSchema)]
pub struct PackList {
    /// Newest first.
    pub packs: Vec<PackInfo>,
}

/// The packs built for a request (no passphrases: they are never kept).
#[utoipa::path(get, path = "/api/v1/requests/{id}/packs", tag = "requests", security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses((status = 200, body = PackList), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_packs(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path(id): Path<String>,
) -> Result<Json<PackList>, ApiError> {
    let app = s.app.clone();
    Ok(Json(PackList { packs: blocking(move || app.packs(&ctx, &id)).await? }))
}

/// Download a built pack, the encrypted zip (audited).
#[utoipa::path(get, path = "/api/v1/requests/{id}/packs/{pack}", tag = "requests", security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id"), ("pack" = String, Path, description = "Pack id")),
    responses((status = 200, description = "The encrypted zip", content_type = "application/zip"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn download_pack(
    State(s): State<AppState>,
    Authed(ctx): Authed,
    Path((id, pack)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let app = s.app.clone();
    let (info, zip) = blocking(move || app.download_pack(&ctx, &id, &pack)).await?;
    Ok(pack_download(&info, zip))
}

/// The OpenAPI description of this area.
#[derive(OpenApi)]
#[openapi(paths(
    list_exemptions,
    add_note,
    list_notes,
    upload_document,
    list_documents,
    get_document,
    pack_review,
    set_pack_item,
    clear_pack_item,
    build_pack,
    list_packs,
    download_pack
))]
pub struct Doc;
