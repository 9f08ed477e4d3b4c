//! The notes and documents sections of a subject's page: adding a case note, uploading a
//! document (multipart form with the CSRF token as a field) and downloading one.

use crate::AppState;
use crate::session::{CsrfForm, SignedIn, decode_form, redirect};
use crate::ui::pages::{actor_names, run, uk_time, who};
use crate::ui::subjects::{Shown, gone, show};
use crate::ui::{FormErrors, error_page, render_status};
use axum::extract::multipart::Multipart;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use steward_app::auth::SessionInfo;
use steward_app::records::{MAX_DOCUMENT_BYTES, NOTE_CATEGORIES, NewNote};
use steward_app::{App, AppError, AppResult};
use steward_core::Permission;

/// `POST /subjects/{id}/notes`, `POST /subjects/{id}/documents` and
/// `GET /subjects/{id}/documents/{doc}`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/subjects/{id}/notes", post(add_note))
        .route("/subjects/{id}/documents", post(upload))
        .route("/subjects/{id}/documents/{doc}", get(download))
}

/// One note as the page shows it.
pub struct NoteLine {
    /// Category label.
    pub category: &'static str,
    /// The text.
    pub text: String,
    /// Where it came from.
    pub source: String,
    /// When, for people.
    pub when: String,
    /// Who wrote it.
    pub by: String,
}

/// One document as the page shows it.
pub struct DocumentLine {
    /// Id, for the download link.
    pub id: String,
    /// File name.
    pub filename: String,
    /// Size for people.
    pub size: String,
    /// Where it came from.
    pub source: String,
    /// When uploaded, for people.
    pub when: String,
}

/// The notes and documents of a subject, for the subject page.
#[derive(Default)]
pub struct SubjectRecords {
    /// Whether the viewer may add notes and documents.
    pub can_add: bool,
    /// Notes, newest first.
    pub notes: Vec<NoteLine>,
    /// Documents, newest first.
    pub documents: Vec<DocumentLine>,
    /// Categories for the form: code and label.
    pub categories: Vec<(&'static str, &'static str)>,
    /// The note form's text, kept after an error.
    pub note_text: String,
    /// The largest document, for people.
    pub max_size: String,
}

/// A size for people: bytes, KB or MB.
pub(crate) fn size_label(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} bytes"),
        b if b < 1024 * 1024 => format!("{:.0} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / 1_048_576.0),
    }
}

/// Read a subject's notes and documents for their page (each read is audited).
pub fn load(app: &App, session: &SessionInfo, id: &str) -> AppResult<SubjectRecords> {
    let names = actor_names(app, &session.ctx)?;
    let (notes, documents) = app.case_file(&session.ctx, id)?;
    let mut notes: Vec<NoteLine> = notes
        .into_iter()
        .map(|n| NoteLine {
            category: NOTE_CATEGORIES.iter().find(|(c, _)| *c == n.category).map_or("Note", |(_, l)| *l),
            text: n.text,
            source: n.source,
            when: uk_time(&n.created_at),
            by: who(&names, &n.created_by),
        })
        .collect();
    notes.reverse();
    let mut documents: Vec<DocumentLine> = documents
        .into_iter()
        .map(|d| DocumentLine {
            id: d.id,
            filename: d.filename,
            size: size_label(d.size),
            source: d.source,
            when: uk_time(&d.created_at),
        })
        .collect();
    documents.reverse();
    Ok(SubjectRecords {
        can_add: session.user.role.can(Permission::SubjectUpdate),
        notes,
        documents,
        categories: NOTE_CATEGORIES.to_vec(),
        note_text: String::new(),
        max_size: size_label(MAX_DOCUMENT_BYTES as i64),
    })
}

/// The add-note form.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct NoteForm {
    note_text: String,
    note_category: String,
    note_source: String,
}

async fn add_note(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<NoteForm>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let form = f.form;
    let target = id.clone();
    let result = run(move || {
        let input = NewNote {
            text: form.note_text.clone(),
            category: Some(form.note_category.clone()),
            source: Some(form.note_source.clone()),
        };
        let mut errors = FormErrors::new();
        match app.add_note(&session.ctx, &id, input) {
            Ok(_) => return Ok(None),
            Err(AppError::Invalid(f)) => {
                let field = match f.field.as_str() {
                    "category" => "note_category",
                    "source" => "note_source",
                    _ => "note_text",
                };
                errors.add(field, crate::ui::pages::sentence("The note", &f.message));
            }
            Err(e) => return Err(e),
        }
        let shown = show(&app, &session, &id, errors, (String::new(), String::new()))?;
        Ok(Some(match shown {
            Shown::Page(mut p) => {
                p.records.note_text = form.note_text;
                Shown::Page(p)
            }
            other => other,
        }))
    })
    .await;
    match result {
        Ok(None) => redirect(&format!("/subjects/{target}?done=noted#notes")),
        Ok(Some(Shown::Page(p))) => render_status(StatusCode::UNPROCESSABLE_ENTITY, p.as_ref()),
        Ok(Some(Shown::Gone(g))) => gone(&g),
        Err(r) => r,
    }
}

fn upload_problem(status: StatusCode, message: &str) -> Response {
    error_page(status, "The document was not added", message)
}

/// The CSRF field of a multipart form (sent first by the page's form).
#[derive(Deserialize)]
struct CsrfOnly {}

/// Opens a multipart upload form whose first part is the CSRF token, once the token is
/// good and `check` (the caller's permission) passes. Only a form post with a valid
/// token, from someone allowed, is told what is wrong with it: a post that is not
/// multipart gets `problem(400, missing)`.
pub(crate) async fn open_upload<F>(
    s: &AppState,
    csrf: &str,
    req: Request,
    check: F,
    problem: fn(StatusCode, &str) -> Response,
    missing: &str,
) -> Result<Multipart, Response>
where
    F: FnOnce() -> steward_app::AppResult<()> + Send + 'static,
{
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !is_multipart {
        let bytes = match axum::body::Bytes::from_request(req, s).await {
            Ok(b) => b,
            Err(_) => return Err(problem(StatusCode::PAYLOAD_TOO_LARGE, "The form is too large.")),
        };
        decode_form::<CsrfOnly>(&bytes, csrf)?;
        run(check).await?;
        return Err(problem(StatusCode::BAD_REQUEST, missing));
    }
    let mut mp = match Multipart::from_request(req, s).await {
        Ok(mp) => mp,
        Err(_) => return Err(problem(StatusCode::BAD_REQUEST, "The form could not be read.")),
    };
    // The first part must be the CSRF token.
    let token = match mp.next_field().await {
        Ok(Some(f)) if f.name() == Some("_csrf") => f.text().await.unwrap_or_default(),
        _ => String::new(),
    };
    let form = serde_urlencoded::to_string([("_csrf", token.as_str())]).unwrap_or_default();
    decode_form::<CsrfOnly>(form.as_bytes(), csrf)?;
    run(check).await?;
    Ok(mp)
}

async fn upload(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    req: Request,
) -> Response {
    let (app, ctx, sid) = (s.app.clone(), session.ctx.clone(), id.clone());
    let check = move || app.check_document_upload(&ctx, &sid);
    let mp = match open_upload(&s, &session.csrf, req, check, upload_problem, "Choose a file to upload.").await {
        Ok(mp) => mp,
        Err(r) => return r,
    };
    let doc = match crate::packs_api::read_upload(mp).await {
        Ok(d) => d,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return upload_problem(
                StatusCode::PAYLOAD_TOO_LARGE,
                &format!("The file is too large: documents can be up to {}.", size_label(MAX_DOCUMENT_BYTES as i64)),
            );
        }
        Err(_) => return upload_problem(StatusCode::BAD_REQUEST, "Choose a file to upload."),
    };
    let app = s.app.clone();
    let target = id.clone();
    let ctx = session.ctx.clone();
    match tokio::task::spawn_blocking(move || app.add_document(&ctx, &id, doc)).await {
        Ok(Ok(_)) => redirect(&format!("/subjects/{target}?done=uploaded#documents")),
        Ok(Err(AppError::Invalid(f))) => {
            upload_problem(StatusCode::UNPROCESSABLE_ENTITY, &crate::ui::pages::sentence("The file", &f.message))
        }
        Ok(Err(e)) => crate::ui::pages::failure_page(e),
        Err(_) => upload_problem(StatusCode::INTERNAL_SERVER_ERROR, "Try again later. The error has been logged."),
    }
}

async fn download(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path((id, doc)): Path<(String, String)>,
) -> Response {
    let app = s.app.clone();
    match run(move || app.document(&session.ctx, &id, &doc)).await {
        Ok((info, bytes)) => crate::packs_api::attachment(&info.filename, &info.media_type, bytes),
        Err(r) => r,
    }
}
