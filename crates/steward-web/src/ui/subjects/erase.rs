//! Erasing a subject by crypto-shredding, with a confirmation that says exactly what
//! will be destroyed and asks why; the tombstone that remains is shown after.

use super::detail::{GonePage, display_name, gone, gone_page, load, reason_label};
use crate::session::{CsrfForm, SignedIn};
use crate::state::AppState;
use crate::ui::form::{Choice, FormErrors, Outcome, answer};
use crate::ui::kit::{
    PageContext, actor_names, field_label, page, refusal, render, run, sentence, thousands, uk_time, who,
};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use steward_app::auth::SessionInfo;
use steward_app::subjects::{ERASURE_REASONS, ErasurePreview};
use steward_app::{App, AppError, AppResult, Tombstone};
use steward_core::Permission;

#[derive(Template)]
#[template(path = "pages/erase.html")]
struct ErasePage {
    page: PageContext,
    errors: FormErrors,
    id: String,
    name: String,
    preview: ErasurePreview,
    bytes: String,
    reasons: Vec<Choice>,
    reason: String,
    request_ref: String,
}

fn reasons() -> Vec<Choice> {
    ERASURE_REASONS.iter().map(|(value, label)| Choice { value, label, hint: "" }).collect()
}

/// The form of the erasure page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EraseForm {
    reason: String,
    request_ref: String,
}

enum Erasing {
    Confirm(Box<ErasePage>),
    Gone(Box<GonePage>),
}

fn erase_confirmation(
    app: &App,
    session: &SessionInfo,
    id: &str,
    errors: FormErrors,
    form: EraseForm,
) -> AppResult<Erasing> {
    let page = page(app, session, "subjects");
    let preview = match app.erasure_preview(&session.ctx, id) {
        Ok(p) => p,
        Err(AppError::Gone(t)) => return Ok(Erasing::Gone(gone_page(page, *t, &actor_names(app, &session.ctx)?))),
        Err(e) => return Err(e),
    };
    let v = match load(app, session, id)? {
        Ok(v) => v,
        Err(t) => return Ok(Erasing::Gone(gone_page(page, t, &actor_names(app, &session.ctx)?))),
    };
    Ok(Erasing::Confirm(Box::new(ErasePage {
        page,
        errors,
        id: v.id.clone(),
        name: display_name(&v),
        bytes: thousands(i64::try_from(preview.encrypted_bytes).unwrap_or(i64::MAX)),
        preview,
        reasons: reasons(),
        reason: form.reason,
        request_ref: form.request_ref,
    })))
}

pub(super) async fn erase_page(State(s): State<AppState>, SignedIn(session): SignedIn, Path(id): Path<String>) -> Response {
    let app = s.app.clone();
    match run(move || erase_confirmation(&app, &session, &id, FormErrors::new(), EraseForm::default())).await {
        Ok(Erasing::Confirm(p)) => render(p.as_ref()),
        Ok(Erasing::Gone(g)) => gone(&g),
        Err(r) => r,
    }
}

#[derive(Template)]
#[template(path = "pages/erased.html")]
struct ErasedPage {
    page: PageContext,
    t: Tombstone,
    erased_at: String,
    reason: String,
    by: String,
}

pub(super) async fn erase(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<EraseForm>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let form = f.form;
    let result = run(move || {
        let ctx = &session.ctx;
        app.require(ctx, Permission::SubjectErase, "subject", &id)?;
        let mut errors = FormErrors::new();
        if !ERASURE_REASONS.iter().any(|(c, _)| *c == form.reason) {
            errors.add("reason", "Choose why this person's data is being erased");
        } else {
            match app.erase_subject(ctx, &id, &form.reason, Some(form.request_ref.as_str())) {
                Ok(t) => {
                    let names = actor_names(&app, &session.ctx)?;
                    return Ok(Outcome::show(&ErasedPage {
                        page: page(&app, &session, "subjects"),
                        erased_at: uk_time(&t.erased_at),
                        reason: reason_label(&t.reason),
                        by: who(&names, &t.actor),
                        t,
                    }));
                }
                Err(AppError::Invalid(fe)) => {
                    let field = if fe.field == "request_ref" { "request_ref" } else { "reason" };
                    errors.add(field, sentence(&field_label(&fe.field), &fe.message));
                }
                // A legal hold: said on the form, with who approved it and when.
                Err(AppError::Gone(t)) => {
                    let g = gone_page(page(&app, &session, "subjects"), *t, &actor_names(&app, &session.ctx)?);
                    return Ok(Outcome::Page(gone(&g)));
                }
                Err(e) => errors.add("reason", refusal(e)?),
            }
        }
        Ok(match erase_confirmation(&app, &session, &id, errors, form)? {
            Erasing::Confirm(p) => Outcome::refused(p.as_ref()),
            Erasing::Gone(g) => Outcome::Page(gone(&g)),
        })
    })
    .await;
    answer(result)
}
