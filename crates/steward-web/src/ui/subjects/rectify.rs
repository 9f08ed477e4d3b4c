//! Correcting a subject's record under a rectification request (UK GDPR Art 16): the
//! subject form, filled in, saved against the request (the audit entry names the
//! fields and the request, never the values). Allowed while processing is restricted.

use super::detail::{display_name, gone, gone_page, load};
use super::subject_form::{FormPage, SubjectForm, save_changes};
use crate::session::{CsrfForm, SignedIn};
use crate::state::AppState;
use crate::ui::form::{FormErrors, Outcome, Pairs, answer};
use crate::ui::kit::{PageContext, actor_names, page, render, run};
use axum::extract::{Path, State};
use axum::response::Response;
use steward_app::auth::SessionInfo;
use steward_app::{App, AppError, AppResult};
use steward_core::request::{RequestKind, RequestStatus};
use steward_core::{FieldError, Permission};

/// The request being answered and its subject, or why a correction cannot be made
/// under it (a page for people).
fn rectification_of(app: &App, session: &SessionInfo, request_id: &str) -> AppResult<(String, String)> {
    let r = app.request_outline(&session.ctx, request_id)?;
    if r.kind != RequestKind::Rectification {
        return Err(AppError::Invalid(FieldError::new("kind", "only a rectification request corrects a record")));
    }
    if r.status == RequestStatus::Closed {
        return Err(AppError::Invalid(FieldError::new("kind", "the request is closed")));
    }
    let Some(subject) = r.subject_id else {
        return Err(AppError::Invalid(FieldError::new(
            "kind",
            "the request is not linked to anyone on record, so there is no record to correct",
        )));
    };
    Ok((r.reference, subject))
}

fn rectify_form(
    page: PageContext,
    errors: FormErrors,
    form: SubjectForm,
    request_id: &str,
    reference: &str,
    name: &str,
) -> FormPage {
    let mut p = FormPage::new(page, errors, form, None);
    p.heading = format!("Correct {name}'s record");
    p.action = format!("/requests/{request_id}/rectify");
    p.cancel = format!("/requests/{request_id}");
    p.submit = "Save the correction";
    p.notice = Some(format!(
        "You are correcting this record under rectification request {reference}. The change is recorded in the \
         audit log against that request: which details changed, never the old or new values. Corrections are \
         allowed even while processing is restricted."
    ));
    p
}

/// `GET /requests/{id}/rectify`: the subject form, filled in, for correcting the record.
pub(super) async fn rectify_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let app = s.app.clone();
    let loaded = run(move || {
        app.require(&session.ctx, Permission::SubjectUpdate, "request", &id)?;
        let (reference, subject) = rectification_of(&app, &session, &id)?;
        let page = page(&app, &session, "requests");
        match load(&app, &session, &subject)? {
            Ok(v) => {
                let name = display_name(&v);
                Ok(Ok(rectify_form(page, FormErrors::new(), SubjectForm::from_view(&v), &id, &reference, &name)))
            }
            Err(t) => Ok(Err(gone_page(page, t, &actor_names(&app, &session.ctx)?))),
        }
    })
    .await;
    match loaded {
        Ok(Ok(p)) => render(&p),
        Ok(Err(g)) => gone(&g),
        Err(r) => r,
    }
}

/// `POST /requests/{id}/rectify`: correct the record; the change is recorded against
/// the request.
pub(super) async fn rectify(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let form = SubjectForm::from_pairs(&f.form).special_from_pairs(&f.form, session.ctx.special_category);
    let result = run(move || {
        let ctx = &session.ctx;
        app.require(ctx, Permission::SubjectUpdate, "request", &id)?;
        let (reference, subject) = rectification_of(&app, &session, &id)?;
        let page = page(&app, &session, "requests");
        let current = match load(&app, &session, &subject)? {
            Ok(v) => v,
            Err(t) => return Ok(Outcome::Page(gone(&gone_page(page, t, &actor_names(&app, &session.ctx)?)))),
        };
        let name = display_name(&current);
        save_changes(
            form,
            &current,
            |patch| app.rectify_subject(ctx, &id, patch).map(|_| ()),
            |errors, form| Outcome::refused(&rectify_form(page, errors, form, &id, &reference, &name)),
            |done| format!("/requests/{id}?done={}", if done == "saved" { "rectified" } else { done }),
            app.today(),
        )
    })
    .await;
    answer(result)
}
