//! The letters pages: the DPO's list of letter templates, the editor (the wording, the
//! variables it may use with their meanings, and a preview against a fictional
//! requester), and a letter rendered for one request, ready to print or copy (viewing
//! it shows the requester's name and address, so it is audited).

use crate::state::AppState;
use crate::session::{CsrfForm, SignedIn};
use crate::ui::form::{DoneQuery, FormErrors, Outcome, answer};
use crate::ui::kit::{PageContext, page, render, run, sentence};
use crate::ui::requests::words::kind_label;
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use steward_app::letters::{LetterKind, LetterTemplate, VARIABLES, Variable};
use steward_app::{AppError, AppResult};
use steward_core::Permission;

/// `GET /letters`, `GET` and `POST /letters/{name}`, `GET /requests/{id}/letters/{name}`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/letters", get(list))
        .route("/letters/{name}", get(edit).post(save))
        .route("/requests/{id}/letters/{name}", get(for_request))
}

/// The letters, as links on a request's page: (machine name, title).
pub const LETTER_LINKS: [(&str, &str); 6] = [
    ("acknowledgement", "Acknowledgement"),
    ("identity_request", "Request for proof of identity"),
    ("clarification_request", "Request for clarification"),
    ("extension_notice", "Extension notice"),
    ("refusal", "Refusal"),
    ("response_cover", "Response cover letter"),
];

/// The letters that fit a request of `kind`: a complaint is acknowledged and answered
/// (DPA 2018 s164A); identity checks, clarification, extensions and refusals are
/// rights-request steps.
pub fn letters_for(kind: &steward_core::request::RequestKind) -> Vec<(&'static str, &'static str)> {
    let complaint = *kind == steward_core::request::RequestKind::Complaint;
    LETTER_LINKS
        .into_iter()
        .filter(|(name, _)| !complaint || matches!(*name, "acknowledgement" | "response_cover"))
        .collect()
}

/// The letter a request most likely needs next, from where it stands: an
/// acknowledgement for a new one, the identity or clarification request while one is
/// awaited, the extension notice once extended, and the refusal or the response cover
/// letter once decided.
pub fn suggested(r: &steward_app::requests::RequestView) -> &'static str {
    use steward_core::request::{DecisionOutcome, EventKind, RequestStatus};
    let refused = r
        .events
        .iter()
        .any(|e| e.event.kind == EventKind::Decision && e.event.outcome == Some(DecisionOutcome::Refused));
    match r.status {
        RequestStatus::AwaitingIdentity => "identity_request",
        RequestStatus::AwaitingClarification => "clarification_request",
        RequestStatus::Extended => "extension_notice",
        RequestStatus::Decided | RequestStatus::Responded | RequestStatus::Closed if refused => "refusal",
        RequestStatus::Decided | RequestStatus::Responded | RequestStatus::Closed => "response_cover",
        RequestStatus::Open => {
            if r.events.is_empty() {
                "acknowledgement"
            } else {
                ""
            }
        }
    }
}

fn kind_of(name: &str) -> AppResult<LetterKind> {
    name.parse().map_err(|_| AppError::NotFound("letter".into()))
}

#[derive(Template)]
#[template(path = "pages/letters.html")]
struct ListPage {
    page: PageContext,
    letters: Vec<LetterTemplate>,
}

async fn list(State(s): State<AppState>, SignedIn(session): SignedIn) -> Response {
    let app = s.app.clone();
    match run(move || {
        app.require(&session.ctx, Permission::ManageLetters, "letter", "")?;
        Ok(ListPage { letters: app.letters(&session.ctx)?, page: page(&app, &session, "letters") })
    })
    .await
    {
        Ok(p) => render(&p),
        Err(r) => r,
    }
}

#[derive(Template)]
#[template(path = "pages/letter_edit.html")]
struct EditPage {
    page: PageContext,
    errors: FormErrors,
    letter: LetterTemplate,
    text: String,
    preview: Option<String>,
    variables: &'static [Variable],
}

/// The message after a change.
const DONE: &[(&str, &str)] = &[("saved", "Letter saved"), ("restored", "The default wording was restored")];

async fn edit(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(name): Path<String>,
    q: Result<Query<DoneQuery>, QueryRejection>,
) -> Response {
    let done = q.map(|Query(q)| q).unwrap_or_default();
    let app = s.app.clone();
    match run(move || {
        app.require(&session.ctx, Permission::ManageLetters, "letter", &name)?;
        let letter = app.letter(&session.ctx, kind_of(&name)?)?;
        let mut errors = FormErrors::new();
        let preview = match app.preview_letter(&session.ctx, &letter.text) {
            Ok(p) => Some(p),
            Err(AppError::Invalid(f)) => {
                errors.add("text", sentence("The letter", &f.message));
                None
            }
            Err(e) => return Err(e),
        };
        let mut page = page(&app, &session, "letters");
        page.flash = done.flash(DONE);
        Ok(EditPage { page, errors, text: letter.text.clone(), letter, preview, variables: VARIABLES })
    })
    .await
    {
        Ok(p) => render(&p),
        Err(r) => r,
    }
}

/// The editor form, as sent.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct LetterForm {
    text: String,
    action: String,
}

async fn save(State(s): State<AppState>, Path(name): Path<String>, f: CsrfForm<LetterForm>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let form = f.form;
    let result = run(move || {
        let ctx = &session.ctx;
        app.require(ctx, Permission::ManageLetters, "letter", &name)?;
        let kind = kind_of(&name)?;
        let letter = app.letter(ctx, kind)?;
        let outcome = match form.action.as_str() {
            "restore" => app.restore_letter(ctx, kind).map(|_| Some("restored")),
            "save" => app.save_letter(ctx, kind, &form.text).map(|_| Some("saved")),
            _ => app.preview_letter(ctx, &form.text).map(|_| None),
        };
        let mut errors = FormErrors::new();
        let preview = match outcome {
            Ok(Some(done)) => return Ok(Outcome::done(format!("/letters/{kind}?done={done}"))),
            Ok(None) => Some(app.preview_letter(ctx, &form.text)?),
            Err(AppError::Invalid(f)) => {
                errors.add("text", sentence("The letter", &f.message));
                None
            }
            Err(e) => return Err(e),
        };
        let page = page(&app, &session, "letters");
        let p = EditPage { page, errors, letter, text: form.text, preview, variables: VARIABLES };
        // A preview shows the letter; a refusal shows the problem.
        Ok(if p.errors.is_empty() { Outcome::show(&p) } else { Outcome::refused(&p) })
    })
    .await;
    answer(result)
}

#[derive(Template)]
#[template(path = "pages/letter.html")]
struct LetterPage {
    page: PageContext,
    request_id: String,
    reference: String,
    request_kind: &'static str,
    title: &'static str,
    text: String,
    others: Vec<(&'static str, &'static str)>,
    current: &'static str,
}

async fn for_request(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path((id, name)): Path<(String, String)>,
) -> Response {
    let app = s.app.clone();
    match run(move || {
        let kind = kind_of(&name)?;
        let letter = app.render_letter(&session.ctx, &id, kind)?;
        Ok(LetterPage {
            page: page(&app, &session, "requests"),
            request_id: letter.request_id,
            reference: letter.reference,
            request_kind: kind_label(letter.request_kind),
            title: letter.title,
            text: letter.text,
            others: letters_for(&letter.request_kind),
            current: kind.as_str(),
        })
    })
    .await
    {
        Ok(p) => render(&p),
        Err(r) => r,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_page_links_every_letter() {
        let from_app: Vec<(&str, &str)> = LetterKind::ALL.iter().map(|k| (k.as_str(), k.title())).collect();
        assert_eq!(from_app, LETTER_LINKS);
        assert_eq!(letters_for(&steward_core::request::RequestKind::Access).len(), 6);
        let complaint: Vec<&str> =
            letters_for(&steward_core::request::RequestKind::Complaint).into_iter().map(|(n, _)| n).collect();
        assert_eq!(complaint, ["acknowledgement", "response_cover"]);
    }
}
