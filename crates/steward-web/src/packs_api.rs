//! API handlers for subjects' case notes and documents, the exemptions catalogue, the
//! review of a request's response pack and the packs themselves (routes in `api.rs`).

use crate::api::Authed;
use crate::error::{ApiError, ErrorBody, JsonObject};
use crate::{AppState, blocking};
use axum::Json;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use steward_app::packs::{BuiltPack, PackDecision, PackInfo, PackItemReview, PackReview};
use steward_app::records::{DocumentInfo, MAX_DOCUMENT_BYTES, NewDocument, NewNote, NoteView};
use steward_core::exemption::{EXEMPTIONS, Exemption};
use utoipa::ToSchema;

/// Media types a document may be served as; anything else is served as
/// `application/octet-stream`, so an uploaded web page or script never runs in Steward's origin.
const SAFE_TYPES: [&str; 12] = [
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "text/plain",
    "text/csv",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
];

/// A download response: attachment, never sniffed, never run.
pub fn attachment(filename: &str, media_type: &str, bytes: Vec<u8>) -> Response {
    let media_type = if SAFE_TYPES.contains(&media_type) { media_type } else { "application/octet-stream" };
    let ascii: String =
        filename.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' { c } else { '_' }).collect();
    let mut resp = (StatusCode::OK, bytes).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(media_type).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{ascii}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox; default-src 'none'"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
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

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!("the document is larger than the limit of {MAX_DOCUMENT_BYTES} bytes"),
    )
    .field("file")
}

/// Read the `file` part (and an optional `source` part) of a document upload.
pub async fn read_upload(mut mp: Multipart) -> Result<NewDocument, ApiError> {
    let bad = |m: &str| ApiError::new(StatusCode::BAD_REQUEST, "bad_request", m.to_string());
    let mut doc: Option<NewDocument> = None;
    let mut source = None;
    let limit_or = |e: axum::extract::multipart::MultipartError, m: &str| {
        // The body limit shows either as multer's own status or as a length-limit error
        // somewhere down the chain of sources.
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
        let mut over = e.status() == StatusCode::PAYLOAD_TOO_LARGE;
        while let Some(err) = source {
            over |= err.is::<http_body_util::LengthLimitError>();
            source = err.source();
        }
        if over { too_large() } else { bad(m) }
    };
    while let Some(mut field) =
        mp.next_field().await.map_err(|e| limit_or(e, "the body is not readable multipart/form-data"))?
    {
        match field.name() {
            Some("file") => {
                let filename = field.file_name().unwrap_or("").to_string();
                let media_type = field.content_type().map(str::to_string);
                let mut content = Vec::new();
                while let Some(chunk) =
                    field.chunk().await.map_err(|e| limit_or(e, "the file part could not be read"))?
                {
                    if content.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                        return Err(too_large());
                    }
                    content.extend_from_slice(&chunk);
                }
                doc = Some(NewDocument { filename, media_type, source: None, content });
            }
            Some("source") => {
                let text = field.text().await.map_err(|_| bad("the source part could not be read"))?;
                source = Some(text);
            }
            _ => {}
        }
    }
    let mut doc = doc.ok_or_else(|| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "send the document as a part named file")
            .field("file")
    })?;
    doc.source = source;
    Ok(doc)
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

/// The download response of a pack.
pub fn pack_download(info: &PackInfo, zip: Vec<u8>) -> Response {
    let mut resp = attachment(&format!("response-pack-{}.zip", info.id), "application/pdf", zip);
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/zip"));
    resp
}
