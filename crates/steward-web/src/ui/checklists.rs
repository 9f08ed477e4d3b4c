//! The checklists page: the steps each kind of request is worked through (the seed
//! policy's subject access checklist A–M by default), which an organisation may reword,
//! reorder, add to or restore. Requests already logged keep the steps they started with.

use crate::state::AppState;
use crate::session::{CsrfForm, SignedIn};
use crate::ui::form::{FormErrors, Outcome, Pairs, answer};
use crate::ui::requests::words::kind_label;
use crate::ui::kit::{PageContext, page, render, run};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use steward_app::AppError;
use steward_app::checklists::ChecklistView;
use steward_core::request::RequestKind;

/// `GET /settings/checklists` and `POST /settings/checklists/{kind}`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/settings/checklists", get(list)).route("/settings/checklists/{kind}", post(save))
}

/// One kind's list on the page.
struct Row {
    kind: &'static str,
    label: &'static str,
    customised: bool,
    steps: usize,
    /// The text in the box: the saved list, or what was typed when it was refused.
    text: String,
}

#[derive(Template)]
#[template(path = "pages/checklists.html")]
struct ChecklistsPage {
    page: PageContext,
    errors: FormErrors,
    rows: Vec<Row>,
}

fn rows(lists: Vec<ChecklistView>) -> Vec<Row> {
    lists
        .into_iter()
        .map(|c| Row {
            kind: c.kind.as_str(),
            label: kind_label(c.kind),
            customised: c.customised,
            steps: c.steps.len(),
            text: c.text,
        })
        .collect()
}

/// `?saved=<kind>` after a change.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SavedQuery {
    saved: String,
}

async fn list(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    q: Result<Query<SavedQuery>, QueryRejection>,
) -> Response {
    let saved = q.map(|Query(q)| q.saved).unwrap_or_default();
    let app = s.app.clone();
    let loaded = run(move || {
        let lists = app.checklists(&session.ctx)?;
        Ok((page(&app, &session, "settings"), lists))
    })
    .await;
    match loaded {
        Ok((mut page, lists)) => {
            if let Ok(kind) = saved.parse::<RequestKind>() {
                page.flash = Some(format!("Checklist for {} saved", kind_label(kind).to_lowercase()));
            }
            render(&ChecklistsPage { page, errors: FormErrors::new(), rows: rows(lists) })
        }
        Err(r) => r,
    }
}

/// The form: `action=save` with `text-<kind>`, or `action=reset`.
async fn save(State(s): State<AppState>, Path(kind): Path<String>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let action = f.form.value("action").to_string();
    let text = f.form.value(&format!("text-{kind}")).to_string();
    let result = run(move || {
        let Ok(kind) = kind.parse::<RequestKind>() else {
            return Err(AppError::NotFound(format!("checklist {kind}")));
        };
        let outcome = if action == "reset" {
            app.reset_checklist(&session.ctx, kind)
        } else {
            app.set_checklist(&session.ctx, kind, &text)
        };
        match outcome {
            Ok(_) => Ok(Outcome::done(format!("/settings/checklists?saved={kind}"))),
            Err(AppError::Invalid(fe)) => {
                let errors = FormErrors::one(format!("text-{}", kind.as_str()), format!("The checklist: {}", fe.message));
                let mut rows = rows(app.checklists(&session.ctx)?);
                if let Some(r) = rows.iter_mut().find(|r| r.kind == kind.as_str()) {
                    r.text = text.clone();
                }
                Ok(Outcome::refused(&ChecklistsPage { page: page(&app, &session, "settings"), errors, rows }))
            }
            Err(e) => Err(e),
        }
    })
    .await;
    answer(result)
}
