//! The list of requests, nearest due date first (the status filter is the only thing
//! in the address, never personal data), and the requests due soon that the dashboard
//! names.

use super::words::{STATUS_FILTERS, due_words, kind_label, status_class, status_label};
use crate::session::SignedIn;
use crate::state::AppState;
use crate::ui::form::Choice;
use crate::ui::kit::{PageContext, long_date, page, render, run};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use jiff::civil::Date;
use serde::Deserialize;
use steward_app::auth::SessionInfo;
use steward_app::requests::{RequestQuery, RequestView};
use steward_app::{App, AppResult};
use steward_core::Permission;
use steward_core::request::RequestStatus;

/// `?status=` of the list: `open` (the default), `closed` or `all`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    status: String,
}

struct Row {
    id: String,
    reference: String,
    kind: &'static str,
    received: String,
    due: String,
    due_tag: Option<(&'static str, &'static str, String)>,
    status: &'static str,
    status_class: &'static str,
}

#[derive(Template)]
#[template(path = "pages/requests.html")]
struct ListPage {
    page: PageContext,
    rows: Vec<Row>,
    filter: &'static str,
    filters: [Choice; 3],
    can_create: bool,
}

/// The statuses that still need work (everything but responded and closed).
const ACTIVE: [RequestStatus; 5] = [
    RequestStatus::Open,
    RequestStatus::AwaitingIdentity,
    RequestStatus::AwaitingClarification,
    RequestStatus::Extended,
    RequestStatus::Decided,
];

/// Requests with any of `statuses` (due before `due_before` when given), nearest due
/// first. One small query per status, so old closed requests never crowd out open ones.
pub fn requests_with(
    app: &App,
    session: &SessionInfo,
    statuses: &[RequestStatus],
    due_before: Option<Date>,
) -> AppResult<Vec<RequestView>> {
    let mut out = Vec::new();
    for s in statuses {
        out.extend(app.list_requests(&session.ctx, &RequestQuery { status: Some(*s), due_before })?);
    }
    out.sort_by(|a, b| (a.due_on, &a.reference).cmp(&(b.due_on, &b.reference)));
    Ok(out)
}

/// Requests needing work that are overdue or due within a week, nearest first.
pub fn due_soon(app: &App, session: &SessionInfo, today: Date) -> AppResult<Vec<RequestView>> {
    let horizon = today.checked_add(jiff::Span::new().days(8)).unwrap_or(Date::MAX);
    requests_with(app, session, &ACTIVE, Some(horizon))
}

pub(super) async fn list(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let status = q.map(|Query(q)| q.status).unwrap_or_default();
    let filter: &'static str = match status.as_str() {
        "closed" => "closed",
        "all" => "all",
        _ => "open",
    };
    let app = s.app.clone();
    let today = app.today();
    let can_create = session.user.role.can(Permission::SubjectCreate);
    let loaded = run(move || {
        app.require(&session.ctx, Permission::SubjectRead, "request", "")?;
        let views = match filter {
            "closed" => requests_with(&app, &session, &[RequestStatus::Closed], None)?,
            "all" => app.list_requests(&session.ctx, &RequestQuery::default())?,
            _ => {
                let mut open = ACTIVE.to_vec();
                open.push(RequestStatus::Responded);
                requests_with(&app, &session, &open, None)?
            }
        };
        Ok((page(&app, &session, "requests"), views))
    })
    .await;
    let (page, views) = match loaded {
        Ok(v) => v,
        Err(r) => return r,
    };
    let rows = views
        .into_iter()
        .map(|v| Row {
            due_tag: due_words(v.status, v.due_on, today),
            due: long_date(v.due_on),
            received: long_date(v.received_on),
            kind: kind_label(v.kind),
            status: status_label(v.status),
            status_class: status_class(v.status),
            id: v.id,
            reference: v.reference,
        })
        .collect();
    render(&ListPage { page, rows, filter, filters: STATUS_FILTERS, can_create })
}
