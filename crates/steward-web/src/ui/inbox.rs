//! The requests inbox: what members of the public sent through the request form,
//! newest first (references, kinds, dates and statuses only), one submission with its
//! personal data (every view audited by the application), and its status.

use crate::state::AppState;
use crate::session::{CsrfForm, SignedIn};
use crate::ui::form::{Choice, FormErrors, Outcome, SelectOption, answer};
use crate::ui::kit::{PageContext, error_page, failure_page, long_date, page, render, run, thousands, uk_time};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use steward_app::AppError;
use steward_app::public::{SubmissionKind, SubmissionStatus, SubmissionView};
use steward_core::{Permission, Role};

/// `GET /inbox`, `GET /inbox/{id}`, `POST /inbox/{id}/status` and `POST /inbox/{id}/assign`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/inbox", get(inbox))
        .route("/inbox/{id}", get(submission))
        .route("/inbox/{id}/status", post(set_status))
        .route("/inbox/{id}/assign", post(assign))
}

/// The statuses, for the radios.
const STATUSES: [Choice; 3] = [
    Choice { value: "new", label: "New", hint: "Nobody has replied yet." },
    Choice { value: "acknowledged", label: "Acknowledged", hint: "The sender has been told it was received." },
    Choice { value: "closed", label: "Closed", hint: "It has been dealt with." },
];

/// The page for a role that may not open the inbox, saying why.
fn inbox_refused(role: Role) -> Response {
    let message = if role == Role::Staff {
        "Staff see only what they logged themselves. The requests inbox holds the personal details members of the public send in, so only caseworkers and the data protection officer can open it. If someone gives you a request, log it or pass it to your data protection officer."
    } else {
        "The requests inbox holds the personal details members of the public send in, so only caseworkers and the data protection officer can open it."
    };
    error_page(StatusCode::FORBIDDEN, "You cannot open the requests inbox", message)
}

fn failed(role: Role, e: AppError) -> Response {
    match e {
        AppError::Forbidden(_) => inbox_refused(role),
        other => failure_page(other),
    }
}

/// Runs an application call, mapping its error to the inbox's pages.
async fn run_inbox<T, F>(role: Role, f: F) -> Result<T, Response>
where
    F: FnOnce() -> steward_app::AppResult<T> + Send + 'static,
    T: Send + 'static,
{
    match run(move || Ok(f())).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(failed(role, e)),
        Err(r) => Err(r),
    }
}

/// `?page=` of the inbox.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PageQuery {
    page: Option<usize>,
}

fn status_class(s: SubmissionStatus) -> &'static str {
    match s {
        SubmissionStatus::New => "tag--new",
        SubmissionStatus::Acknowledged => "tag--acknowledged",
        SubmissionStatus::Closed => "tag--closed",
    }
}

struct Row {
    id: String,
    reference: String,
    kind: &'static str,
    received: String,
    due_by: String,
    status: &'static str,
    status_class: &'static str,
}

#[derive(Template)]
#[template(path = "pages/inbox.html")]
struct InboxPage {
    page: PageContext,
    rows: Vec<Row>,
    total: String,
    new: String,
    acknowledged: String,
    closed: String,
    page_no: usize,
    pages: usize,
}

async fn inbox(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> Response {
    let Ok(Query(q)) = q else {
        return error_page(StatusCode::BAD_REQUEST, "Page not found", "Go back to the first page of the inbox.");
    };
    let app = s.app.clone();
    let role = session.user.role;
    let loaded = run_inbox(role, move || {
        let list = app.list_submissions(&session.ctx, q.page.unwrap_or(1))?;
        Ok((page(&app, &session, "inbox"), list))
    })
    .await;
    let (page, list) = match loaded {
        Ok(v) => v,
        Err(r) => return r,
    };
    let count = |k: &str| thousands(list.counts.get(k).copied().unwrap_or(0));
    render(&InboxPage {
        page,
        total: thousands(list.total),
        new: count("new"),
        acknowledged: count("acknowledged"),
        closed: count("closed"),
        page_no: list.page,
        pages: list.pages,
        rows: list
            .items
            .into_iter()
            .map(|i| Row {
                id: i.id,
                reference: i.reference,
                kind: i.kind.label(),
                received: uk_time(&i.submitted_at),
                due_by: long_date(i.due_by),
                status: i.status.label(),
                status_class: status_class(i.status),
            })
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "pages/submission.html")]
struct SubmissionPage {
    page: PageContext,
    errors: FormErrors,
    s: SubmissionView,
    kind: &'static str,
    is_complaint: bool,
    right: String,
    received: String,
    due_by: String,
    due_label: &'static str,
    status: &'static str,
    status_class: &'static str,
    status_value: &'static str,
    can_change: bool,
    statuses: [Choice; 3],
    /// Who it is assigned to, in words.
    assigned: String,
    /// For the DPO: who it can be given to (empty for anyone else).
    assignees: Vec<SelectOption>,
}

/// The submission page for `session`: with the assignment form for the DPO.
fn submission_page_for(
    app: &steward_app::App,
    session: &steward_app::auth::SessionInfo,
    page: PageContext,
    errors: FormErrors,
    s: SubmissionView,
) -> steward_app::AppResult<SubmissionPage> {
    let can_change = session.user.role.can(Permission::SubjectUpdate);
    let mut p = submission_page(page, errors, s, can_change);
    if session.user.role.can(Permission::AssignCases) {
        let people = app.case_assignees(&session.ctx)?;
        p.assigned = match &p.s.assigned_to {
            Some(a) => people
                .iter()
                .find(|(k, _)| k == a)
                .map_or_else(|| "Someone no longer active".into(), |(_, n)| n.clone()),
            None => "Nobody yet (only the data protection officer can open it)".into(),
        };
        p.assignees = std::iter::once(SelectOption::new("", "Nobody"))
            .chain(people.into_iter().map(|(k, n)| SelectOption::new(k, n)))
            .collect();
    } else {
        p.assigned = "You".into();
    }
    Ok(p)
}

fn submission_page(page: PageContext, errors: FormErrors, s: SubmissionView, can_change: bool) -> SubmissionPage {
    SubmissionPage {
        assigned: String::new(),
        assignees: Vec::new(),
        page,
        errors,
        kind: s.kind.label(),
        is_complaint: s.kind == SubmissionKind::Complaint,
        right: s.right.map(|r| format!("{} ({})", r.label(), r.legal_basis())).unwrap_or_default(),
        received: uk_time(&s.submitted_at),
        due_by: long_date(s.due_by),
        due_label: if s.kind == SubmissionKind::Complaint { "Acknowledge by" } else { "Answer by" },
        status: s.status.label(),
        status_class: status_class(s.status),
        status_value: s.status.as_str(),
        can_change,
        statuses: STATUSES,
        s,
    }
}

/// `?saved=1` after the status changed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SavedQuery {
    saved: String,
}

async fn submission(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    q: Result<Query<SavedQuery>, QueryRejection>,
) -> Response {
    let saved = q.map(|Query(q)| q.saved).unwrap_or_default();
    let app = s.app.clone();
    let role = session.user.role;
    let loaded = run_inbox(role, move || {
        let view = app.get_submission(&session.ctx, &id)?;
        let mut page = page(&app, &session, "inbox");
        match saved.as_str() {
            "1" => page.flash = Some(format!("Status changed to ‘{}’", view.status.label())),
            "assigned" => page.flash = Some("Assignment saved".into()),
            _ => {}
        }
        submission_page_for(&app, &session, page, FormErrors::new(), view)
    })
    .await;
    match loaded {
        Ok(p) => render(&p),
        Err(r) => r,
    }
}

/// The status form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StatusForm {
    status: String,
}

async fn set_status(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<StatusForm>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let role = session.user.role;
    let result = run_inbox(role, move || {
        let Some(status) = SubmissionStatus::parse(&f.form.status) else {
            // Check the permission first, so a role that may not change it is told so.
            app.require(&session.ctx, Permission::SubjectUpdate, "submission", &id)?;
            let view = app.get_submission(&session.ctx, &id)?;
            let errors = FormErrors::one("status", "Choose the new status");
            let p = submission_page_for(&app, &session, page(&app, &session, "inbox"), errors, view)?;
            return Ok(Outcome::refused(&p));
        };
        app.set_submission_status(&session.ctx, &id, status)?;
        Ok(Outcome::done(format!("/inbox/{id}?saved=1")))
    })
    .await;
    answer(result)
}

/// The assignment form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AssignForm {
    assigned_to: String,
}

/// `POST /inbox/{id}/assign`: the DPO gives a submission to a caseworker (who may then
/// open it) or takes it back.
async fn assign(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<AssignForm>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let role = session.user.role;
    let result = run_inbox(role, move || {
        let who = f.form.assigned_to.trim();
        match app.assign_submission(&session.ctx, &id, (!who.is_empty()).then_some(who)) {
            Ok(()) => Ok(Outcome::done(format!("/inbox/{id}?saved=assigned"))),
            Err(AppError::Invalid(fe)) => {
                let view = app.get_submission(&session.ctx, &id)?;
                let errors = FormErrors::one("assigned_to", fe.message);
                let p = submission_page_for(&app, &session, page(&app, &session, "inbox"), errors, view)?;
                Ok(Outcome::refused(&p))
            }
            Err(e) => Err(e),
        }
    })
    .await;
    answer(result)
}
