//! Links between people (parent and child, one household) and who may open a
//! subject's record (the caseworkers the DPO gives it to).

use super::detail::{Shown, gone, show};
use crate::session::CsrfForm;
use crate::state::AppState;
use crate::ui::form::{EmptyForm, FormErrors, Outcome, answer};
use crate::ui::kit::{refusal, run};
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use steward_app::AppError;
use steward_core::Permission;
use steward_core::subject::LinkKind;

/// The assignment form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AssignForm {
    user_id: String,
}

pub(super) async fn assign(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<AssignForm>) -> Response {
    let app = s.app.clone();
    let ctx = f.session.ctx;
    let result = run(move || {
        app.assign_subject(&ctx, &id, &f.form.user_id)?;
        Ok(Outcome::done(format!("/subjects/{id}?done=assigned")))
    })
    .await;
    answer(result)
}

pub(super) async fn unassign(
    State(s): State<AppState>,
    Path((id, user)): Path<(String, String)>,
    f: CsrfForm<EmptyForm>,
) -> Response {
    let app = s.app.clone();
    let ctx = f.session.ctx;
    let result = run(move || {
        app.unassign_subject(&ctx, &id, &user)?;
        Ok(Outcome::done(format!("/subjects/{id}?done=unassigned")))
    })
    .await;
    answer(result)
}

/// The link form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LinkForm {
    other_id: String,
    kind: String,
}

pub(super) async fn add_link(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<LinkForm>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let form = f.form;
    let result = run(move || {
        let ctx = &session.ctx;
        app.require(ctx, Permission::SubjectUpdate, "subject", &id)?;
        let other = form.other_id.trim().to_string();
        let mut errors = FormErrors::new();
        if other.is_empty() {
            errors.add("other_id", "Enter the id of the other person (shown on their page)");
        } else if other.chars().count() > 64 || !other.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            errors.add("other_id", "Enter an id like the one at the bottom of each subject's page");
        }
        let kind = match form.kind.as_str() {
            "parent" => Some((id.clone(), other.clone(), LinkKind::ParentOf)),
            "child" => Some((other.clone(), id.clone(), LinkKind::ParentOf)),
            "household" => Some((id.clone(), other.clone(), LinkKind::Household)),
            _ => {
                errors.add("kind", "Choose how they are linked");
                None
            }
        };
        if let (Some((from, to, kind)), true) = (kind, errors.is_empty()) {
            match app.link_subjects(ctx, &from, &to, kind) {
                Ok(()) => return Ok(Outcome::done(format!("/subjects/{id}?done=linked"))),
                Err(AppError::Invalid(_)) => errors.add("other_id", "A person cannot be linked to themselves"),
                Err(AppError::NotFound(_)) => errors.add("other_id", "There is no subject with that id"),
                Err(AppError::Gone(t)) if t.subject_id == other => {
                    errors.add("other_id", "That person's data was erased, so they cannot be linked")
                }
                Err(e @ AppError::Restricted(_)) => errors.add("other_id", refusal(e)?),
                Err(AppError::Conflict(_) | AppError::Constraint(_)) => {
                    errors.add("other_id", "They are already linked in that way")
                }
                Err(e) => return Err(e),
            }
        }
        Ok(match show(&app, &session, &id, errors, (form.other_id, form.kind))? {
            Shown::Page(p) => Outcome::refused(p.as_ref()),
            Shown::Gone(g) => Outcome::Page(gone(&g)),
        })
    })
    .await;
    answer(result)
}
