//! Adding a subject and changing one: the subject form ([`super::subject_form`]) shown
//! blank or filled in, and saved with every problem on its field.

use super::detail::{display_name, gone, gone_page, load};
use super::subject_form::{FormPage, SubjectForm, errors_of, save_changes};
use crate::session::{CsrfForm, SignedIn};
use crate::state::AppState;
use crate::ui::form::{FormErrors, Outcome, Pairs, answer};
use crate::ui::kit::{PageContext, actor_names, page, render, run};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use steward_app::AppError;
use steward_core::Permission;

/// `GET /subjects/new`: the blank form.
pub(super) async fn new_page(State(s): State<AppState>, SignedIn(session): SignedIn) -> Response {
    let app = s.app.clone();
    let loaded = run(move || {
        app.require(&session.ctx, Permission::SubjectCreate, "subject", "")?;
        Ok((page(&app, &session, "subjects"), session.ctx.special_category))
    })
    .await;
    match loaded {
        Ok((page, may_see)) => {
            render(&FormPage::new(page, FormErrors::new(), SubjectForm::default().with_special(may_see, None), None))
        }
        Err(r) => r,
    }
}

/// What someone who may add people but not open them sees once they have added one.
#[derive(Template)]
#[template(path = "pages/subject_added.html")]
struct AddedPage {
    page: PageContext,
    id: String,
}

/// `POST /subjects`: add a subject.
pub(super) async fn create(State(s): State<AppState>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let form = SubjectForm::from_pairs(&f.form).special_from_pairs(&f.form, session.ctx.special_category);
    let result = run(move || {
        app.require(&session.ctx, Permission::SubjectCreate, "subject", "")?;
        let failed = |errors, form| Outcome::refused(&FormPage::new(page(&app, &session, "subjects"), errors, form, None));
        let (input, blocks) = match form.to_new(app.today()) {
            Ok(v) => v,
            Err(errors) => return Ok(failed(errors, form)),
        };
        match app.create_subject(&session.ctx, input) {
            Ok(v) if session.user.role.can(Permission::SubjectRead) => {
                Ok(Outcome::done(format!("/subjects/{}?done=created", v.id)))
            }
            Ok(v) => Ok(Outcome::show(&AddedPage { page: page(&app, &session, "subjects"), id: v.id })),
            Err(AppError::Invalid(fe)) => {
                let errors = errors_of(&fe, &blocks, &form);
                Ok(failed(errors, form))
            }
            Err(e) => Err(e),
        }
    })
    .await;
    answer(result)
}

/// `GET /subjects/{id}/edit`: the form filled in with what is stored.
pub(super) async fn edit_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let app = s.app.clone();
    let loaded = run(move || {
        app.require(&session.ctx, Permission::SubjectUpdate, "subject", &id)?;
        let v = load(&app, &session, &id)?;
        let restricted = app.restriction(&id)?.is_some();
        Ok((page(&app, &session, "subjects"), v.map(|v| (v, restricted)), actor_names(&app, &session.ctx)?))
    })
    .await;
    match loaded {
        Ok((page, Ok((v, restricted)), _)) => {
            let name = display_name(&v);
            let mut p = FormPage::new(page, FormErrors::new(), SubjectForm::from_view(&v), Some((&v.id, &name)));
            if restricted {
                p.notice = Some(
                    "Processing of this person's data is restricted, so changes will be refused. To correct their \
                     data under a rectification request, use \u{201c}Correct the record\u{201d} on that request."
                        .into(),
                );
            }
            render(&p)
        }
        Ok((page, Err(t), names)) => gone(&gone_page(page, t, &names)),
        Err(r) => r,
    }
}

/// `POST /subjects/{id}/edit`: save what changed.
pub(super) async fn edit(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let form = SubjectForm::from_pairs(&f.form).special_from_pairs(&f.form, session.ctx.special_category);
    let result = run(move || {
        let ctx = &session.ctx;
        app.require(ctx, Permission::SubjectUpdate, "subject", &id)?;
        let current = match load(&app, &session, &id)? {
            Ok(v) => v,
            Err(t) => {
                let g = gone_page(page(&app, &session, "subjects"), t, &actor_names(&app, &session.ctx)?);
                return Ok(Outcome::Page(gone(&g)));
            }
        };
        let name = display_name(&current);
        save_changes(
            form,
            &current,
            |patch| app.update_subject(ctx, &id, patch).map(|_| ()),
            |errors, form| {
                Outcome::refused(&FormPage::new(page(&app, &session, "subjects"), errors, form, Some((&id, &name))))
            },
            |done| format!("/subjects/{id}?done={done}"),
            app.today(),
        )
    })
    .await;
    answer(result)
}
