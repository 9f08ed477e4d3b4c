//! Files in and out, for the API and the pages alike: downloads served as attachments
//! that never run in Steward's origin, and multipart uploads (a subject's document, the
//! files of a search) read within their limits.

use crate::error::ApiError;
use axum::extract::multipart::{Multipart, MultipartError};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use steward_app::packs::PackInfo;
use steward_app::records::{MAX_DOCUMENT_BYTES, NewDocument};
use steward_app::scans::{MAX_SCAN_BYTES, MAX_SCAN_FILES, NewScan, ScanFile};

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

/// The download response of a built response pack (the encrypted zip).
pub fn pack_download(info: &PackInfo, zip: Vec<u8>) -> Response {
    let mut resp = attachment(&format!("response-pack-{}.zip", info.id), "application/pdf", zip);
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/zip"));
    resp
}

/// Whether `err`, or an error it was caused by, is a body over its length limit.
pub fn over_limit(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    let mut over = false;
    while let Some(e) = source {
        over |= e.is::<http_body_util::LengthLimitError>();
        source = e.source();
    }
    over
}

/// `too_large` when a multipart error is the body limit (which shows either as multer's
/// own status or as a length-limit error down the chain of sources), else a `400` with
/// `message`.
fn limit_or(e: &MultipartError, message: &str, too_large: fn() -> ApiError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE || over_limit(e) {
        too_large()
    } else {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message.to_string())
    }
}

/// 413 for a document over [`MAX_DOCUMENT_BYTES`].
pub fn document_too_large() -> ApiError {
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
    while let Some(mut field) = mp
        .next_field()
        .await
        .map_err(|e| limit_or(&e, "the body is not readable multipart/form-data", document_too_large))?
    {
        match field.name() {
            Some("file") => {
                let filename = field.file_name().unwrap_or("").to_string();
                let media_type = field.content_type().map(str::to_string);
                let mut content = Vec::new();
                while let Some(chunk) = field
                    .chunk()
                    .await
                    .map_err(|e| limit_or(&e, "the file part could not be read", document_too_large))?
                {
                    if content.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                        return Err(document_too_large());
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

/// The largest body of a search upload: the files' limit and room for the form's parts.
pub const SCAN_BODY_LIMIT: usize = MAX_SCAN_BYTES as usize + 2 * 1024 * 1024;

/// Whether a request is a search upload (its body limit is [`SCAN_BODY_LIMIT`]).
pub fn is_scan_upload(method: &Method, path: &str) -> bool {
    method == Method::POST && path.contains("/requests/") && path.ends_with("/scans")
}

/// 413 for the files of a search over [`MAX_SCAN_BYTES`].
pub fn scan_too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!(
            "the files are larger than the limit of {} MB for one search; search them in several goes",
            MAX_SCAN_BYTES / 1_048_576
        ),
    )
    .field("file")
}

/// Read a search upload: `file` parts (one per file; repeat the part) and optional
/// `system_id` and `system` parts naming where the files came from. Other parts are
/// ignored.
pub async fn read_scan_upload(mut mp: Multipart) -> Result<NewScan, ApiError> {
    let mut scan = NewScan::default();
    let mut total = 0usize;
    while let Some(mut field) = mp
        .next_field()
        .await
        .map_err(|e| limit_or(&e, "the body is not readable multipart/form-data", scan_too_large))?
    {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("").to_string();
                let mut bytes = Vec::new();
                while let Some(chunk) =
                    field.chunk().await.map_err(|e| limit_or(&e, "a file part could not be read", scan_too_large))?
                {
                    total += chunk.len();
                    if total > MAX_SCAN_BYTES as usize {
                        return Err(scan_too_large());
                    }
                    bytes.extend_from_slice(&chunk);
                }
                // A browser sends an empty, nameless part when no file was chosen.
                if name.is_empty() && bytes.is_empty() {
                    continue;
                }
                if scan.files.len() == MAX_SCAN_FILES {
                    return Err(ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invalid",
                        format!("search at most {MAX_SCAN_FILES} files at once (put more in a zip archive)"),
                    )
                    .field("files"));
                }
                scan.files.push(ScanFile { name, bytes });
            }
            Some(part @ ("system_id" | "system")) => {
                let is_id = part == "system_id";
                let text = field
                    .text()
                    .await
                    .map_err(|e| limit_or(&e, "the system part could not be read", scan_too_large))?;
                if is_id {
                    scan.system_id = Some(text.trim().to_string()).filter(|s| !s.is_empty());
                } else {
                    scan.system = text;
                }
            }
            _ => {}
        }
    }
    Ok(scan)
}
