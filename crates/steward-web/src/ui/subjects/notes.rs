//! Adding to a subject's case file from their page: a case note, or a document
//! (multipart form with the CSRF token as its first part), and downloading a document.

use super::detail::again;
use crate::files::{attachment, read_upload};
use crate::session::{CsrfForm, SignedIn, redirect};
use crate::state::AppState;
use crate::ui::form::{FormErrors, Outcome, answer, open_upload};
use crate::ui::kit::{error_page, failure_page, run, sentence, size_label};
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use steward_app::AppError;
use steward_app::records::{MAX_DOCUMENT_BYTES, NewNote};

/// The add-note form.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct NoteForm {
    note_text: String,
    note_category: String,
    note_source: String,
}

pub(super) async fn add_note(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<NoteForm>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let form = f.form;
    let result = run(move || {
        let input = NewNote {
            text: form.note_text.clone(),
            category: Some(form.note_category.clone()),
            source: Some(form.note_source.clone()),
        };
        let mut errors = FormErrors::new();
        match app.add_note(&session.ctx, &id, input) {
            Ok(_) => return Ok(Outcome::done(format!("/subjects/{id}?done=noted#notes"))),
            Err(AppError::Invalid(f)) => {
                let field = match f.field.as_str() {
                    "category" => "note_category",
                    "source" => "note_source",
                    _ => "note_text",
                };
                errors.add(field, sentence("The note", &f.message));
            }
            Err(e) => return Err(e),
        }
        again(&app, &session, &id, errors, |p| p.records.note_text = form.note_text)
    })
    .await;
    answer(result)
}

fn upload_problem(status: StatusCode, message: &str) -> Response {
    error_page(status, "The document was not added", message)
}

pub(super) async fn upload(
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
    let doc = match read_upload(mp).await {
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
            upload_problem(StatusCode::UNPROCESSABLE_ENTITY, &sentence("The file", &f.message))
        }
        Ok(Err(e)) => failure_page(e),
        Err(_) => upload_problem(StatusCode::INTERNAL_SERVER_ERROR, "Try again later. The error has been logged."),
    }
}

pub(super) async fn download(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path((id, doc)): Path<(String, String)>,
) -> Response {
    let app = s.app.clone();
    match run(move || app.document(&session.ctx, &id, &doc)).await {
        Ok((info, bytes)) => attachment(&info.filename, &info.media_type, bytes),
        Err(r) => r,
    }
}
