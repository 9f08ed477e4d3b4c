//! The forms posted from a request's page: recording an event, ticking a checklist step,
//! logging a search, assigning the request, and an erasure request's tasks. Each answers
//! with the request's page again, with every problem on its field, when it is refused.

use super::detail::{RequestPage, build};
use super::erasure::TaskForm;
use super::event_forms::{event_error, read_event};
use super::search_log::SearchForm;
use crate::session::CsrfForm;
use crate::state::AppState;
use crate::ui::form::{FormErrors, Outcome, Pairs, answer};
use crate::ui::kit::{refusal, run, sentence};
use axum::extract::{Path, State};
use axum::response::Response;
use steward_app::auth::SessionInfo;
use steward_app::{App, AppError, AppResult};
use steward_core::Permission;
use steward_core::request::EventKind;

/// The request's page again with `errors`, after `fill` puts back what was typed.
fn again(
    app: &App,
    session: &SessionInfo,
    id: &str,
    errors: FormErrors,
    fill: impl FnOnce(&mut RequestPage),
) -> AppResult<Outcome> {
    let mut p = build(app, session, id, errors)?;
    fill(&mut p);
    Ok(Outcome::refused(&p))
}

/// `POST /requests/{id}/events`: record what happened, from the form of that event.
pub(super) async fn record(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let pairs = f.form;
    let result = run(move || {
        app.require(&session.ctx, Permission::SubjectUpdate, "request", &id)?;
        let refused = |errors: FormErrors| {
            again(&app, &session, &id, errors, |p| {
                // Keep what was typed in the form that was sent.
                let kind = pairs.value("kind");
                if let Some(ef) = p.forms.iter_mut().find(|ef| ef.kind == kind) {
                    ef.on = pairs.date(&ef.date_id);
                    ef.reason = pairs.value(&format!("{kind}-reason")).into();
                    ef.note = pairs.value(&format!("{kind}-note")).into();
                    ef.outcome = pairs.value(&format!("{kind}-outcome")).into();
                    ef.ground = pairs.value(&format!("{kind}-ground")).into();
                }
            })
        };
        let request_kind = app.request_outline(&session.ctx, &id)?.kind;
        let event = match read_event(&pairs, request_kind) {
            Ok(e) => e,
            Err(errors) => return refused(errors),
        };
        let kind = event.kind;
        match app.record_request_event(&session.ctx, &id, event) {
            Ok(_) => Ok(Outcome::done(format!("/requests/{id}?done={kind}"))),
            Err(AppError::Invalid(fe)) => {
                let (field, message) = event_error(kind, &fe.field, &fe.message);
                refused(FormErrors::one(field, message))
            }
            // Approving erasure is the data protection officer's decision.
            Err(AppError::Forbidden(_)) if kind == EventKind::Decision => refused(FormErrors::one(
                format!("{kind}-outcome"),
                "Only the data protection officer can approve erasure. Ask them to record this decision",
            )),
            // A legal hold, or anything else the current state forbids, said on the form.
            Err(e) => {
                let message = refusal(e)?;
                let field = if kind == EventKind::Decision { format!("{kind}-outcome") } else { format!("{kind}-on") };
                refused(FormErrors::one(field, message))
            }
        }
    })
    .await;
    answer(result)
}

/// `POST /requests/{id}/steps/{step}` with `done=true|false`.
pub(super) async fn set_step(
    State(s): State<AppState>,
    Path((id, step)): Path<(String, String)>,
    f: CsrfForm<Pairs>,
) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let done = f.form.value("done") == "true";
    let result = run(move || {
        app.set_request_step(&session.ctx, &id, &step, done)?;
        Ok(Outcome::done(format!("/requests/{id}?done=step")))
    })
    .await;
    answer(result)
}

/// `POST /requests/{id}/searches`: add an entry to the search log.
pub(super) async fn add_search(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let form = SearchForm::from_pairs(&f.form);
    let result = run(move || {
        app.require(&session.ctx, Permission::SubjectUpdate, "request", &id)?;
        let refused = |errors: FormErrors| again(&app, &session, &id, errors, |p| p.search = form.clone());
        let input = match form.to_new() {
            Ok(i) => i,
            Err(errors) => return refused(errors),
        };
        match app.add_request_search(&session.ctx, &id, input) {
            Ok(_) => Ok(Outcome::done(format!("/requests/{id}?done=search"))),
            Err(AppError::Invalid(fe)) => {
                let (field, what) = match fe.field.as_str() {
                    "hits" => ("search-hits", "The number of items found"),
                    "system_id" => ("search-system-id", "The system chosen"),
                    "searched_on" => ("search-on", "The date searched"),
                    _ => ("search-system", "The system"),
                };
                refused(FormErrors::one(field, sentence(what, &fe.message)))
            }
            Err(e) => Err(e),
        }
    })
    .await;
    answer(result)
}

/// `POST /requests/{id}/assign` with `assigned_to` (a user id, or empty for nobody).
pub(super) async fn assign(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let user = f.form.trimmed("assigned_to").to_string();
    let result = run(move || {
        app.require(&session.ctx, Permission::AssignCases, "request", &id)?;
        let who = Some(user.as_str()).filter(|u| !u.is_empty());
        match app.assign_request(&session.ctx, &id, who) {
            Ok(_) => Ok(Outcome::done(format!("/requests/{id}?done=assigned"))),
            Err(AppError::Invalid(fe)) => {
                let errors = FormErrors::one("assigned_to", sentence("The person chosen", &fe.message));
                again(&app, &session, &id, errors, |p| p.assignee = user.clone())
            }
            Err(e) => Err(e),
        }
    })
    .await;
    answer(result)
}

/// `POST /requests/{id}/tasks` with `task-system`: tell one more system or processor.
pub(super) async fn add_task(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let system = f.form.trimmed("task-system").to_string();
    let result = run(move || {
        app.require(&session.ctx, Permission::SubjectUpdate, "request", &id)?;
        let message = if system.is_empty() {
            "Choose the system or processor to ask".to_string()
        } else {
            match app.add_erasure_task(&session.ctx, &id, &system) {
                Ok(_) => return Ok(Outcome::done(format!("/requests/{id}?done=task_added"))),
                Err(AppError::Invalid(fe)) => sentence("The system chosen", &fe.message),
                Err(e) => refusal(e)?,
            }
        };
        again(&app, &session, &id, FormErrors::one("task-system", message), |p| {
            if let Some(e) = p.erasure.as_mut() {
                e.add = system.clone();
            }
        })
    })
    .await;
    answer(result)
}

/// `POST /requests/{id}/tasks/{task}`: record what a system or processor confirmed.
pub(super) async fn confirm_task(
    State(s): State<AppState>,
    Path((id, task)): Path<(String, String)>,
    f: CsrfForm<Pairs>,
) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let form = TaskForm::from_pairs(&f.form, &task);
    let result = run(move || {
        app.require(&session.ctx, Permission::SubjectUpdate, "request", &id)?;
        let errors = match form.check() {
            Err(errors) => errors,
            Ok(c) => match app.confirm_erasure_task(&session.ctx, &id, &task, c) {
                Ok(_) => return Ok(Outcome::done(format!("/requests/{id}?done=task_confirmed"))),
                Err(AppError::Invalid(fe)) => {
                    let (field, what) = match fe.field.as_str() {
                        "confirmed_on" => (form.on_id.clone(), "The date confirmed"),
                        "note" => (form.note_id.clone(), "The note"),
                        _ => (form.status_id.clone(), "The outcome"),
                    };
                    FormErrors::one(field, sentence(what, &fe.message))
                }
                Err(AppError::NotFound(_)) => FormErrors::one(
                    form.status_id.clone(),
                    "This task was already confirmed, or is not on this request",
                ),
                Err(e) => return Err(e),
            },
        };
        again(&app, &session, &id, errors, |p| {
            if let Some(line) = p.erasure.as_mut().and_then(|e| e.tasks.iter_mut().find(|t| t.id == task)) {
                form.fill(line);
            }
        })
    })
    .await;
    answer(result)
}
