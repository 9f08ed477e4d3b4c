//! The checklists page: the steps each kind of request is worked through (the seed
//! policy's subject access checklist A–M by default), which an organisation may reword,
//! reorder, add to or restore. Requests already logged keep the steps they started with.

use crate::AppState;
use crate::session::{CsrfForm, SignedIn, redirect};
use crate::ui::auth::page;
use crate::ui::pages::run;
use crate::ui::requests::kind_label;
use crate::ui::{FormErrors, PageContext, render, render_status};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
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

enum Saved {
    Done,
    Failed(Box<ChecklistsPage>),
}

/// The form: `action=save` with `text-<kind>`, or `action=reset`.
async fn save(
    State(s): State<AppState>,
    Path(kind): Path<String>,
    f: CsrfForm<std::collections::HashMap<String, String>>,
) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let action = f.form.get("action").cloned().unwrap_or_default();
    let text = f.form.get(&format!("text-{kind}")).cloned().unwrap_or_default();
    let target = kind.clone();
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
            Ok(_) => Ok(Saved::Done),
            Err(AppError::Invalid(fe)) => {
                let mut errors = FormErrors::new();
                errors.add(format!("text-{}", kind.as_str()), format!("The checklist: {}", fe.message));
                let mut rows = rows(app.checklists(&session.ctx)?);
                if let Some(r) = rows.iter_mut().find(|r| r.kind == kind.as_str()) {
                    r.text = text.clone();
                }
                Ok(Saved::Failed(Box::new(ChecklistsPage { page: page(&app, &session, "settings"), errors, rows })))
            }
            Err(e) => Err(e),
        }
    })
    .await;
    match result {
        Ok(Saved::Done) => redirect(&format!("/settings/checklists?saved={target}")),
        Ok(Saved::Failed(p)) => render_status(StatusCode::UNPROCESSABLE_ENTITY, p.as_ref()),
        Err(r) => r,
    }
}
