//! Disposal pages: the month's disposal list (records falling due, those a legal hold
//! keeps, the list awaiting the DPO's approval, tasks to assign and confirm, and what was
//! destroyed), and the printable destruction certificate with its CSV download.
//! Sources: UK GDPR Art 5(1)(e) (storage limitation) and Art 5(2) (accountability); ICO
//! guidance "Principle (e): Storage limitation".

use crate::state::AppState;
use crate::session::{CsrfForm, SignedIn};
use crate::ui::form::{FormErrors, Outcome, Pairs, answer, flash};
use crate::ui::kit::{CLASH, PageContext, failure_page, page, render, render_status, run, sentence, uk_time};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jiff::civil::Date;
use serde::Deserialize;
use steward_app::disposal::{Approval, Assignment, Confirmation, Disposal, DisposalQuery, month_bounds};
use steward_app::retention::RecordQuery;
use steward_app::{App, AppError, AppResult};
use steward_core::Permission;
use steward_core::retention::schedule::DISPOSAL_METHODS;

/// `GET /disposals`, `POST /disposals/approve`, `POST /disposals/{id}/assign`,
/// `POST /disposals/{id}/confirm` and `GET /disposals/certificate`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/disposals", get(list))
        .route("/disposals/approve", post(approve))
        .route("/disposals/certificate", get(certificate))
        .route("/disposals/{id}/assign", post(assign))
        .route("/disposals/{id}/confirm", post(confirm))
}

fn day(d: &str) -> String {
    d.parse::<Date>().map_or_else(|_| d.to_string(), |d| d.strftime("%-d %b %Y").to_string())
}

fn opt_day(d: Option<&str>) -> String {
    d.map(day).unwrap_or_default()
}

/// A method choice for the forms.
struct MethodChoice {
    value: &'static str,
    label: &'static str,
}

/// A record falling due this month that the sweep has not reached yet.
struct DueLine {
    record_id: String,
    record_type: String,
    reference: String,
    due: String,
    held: bool,
}

/// A disposal, for the tables.
struct Line {
    id: String,
    short_id: String,
    record_id: String,
    record_type: String,
    subject_ref: String,
    rule: String,
    due: String,
    found: String,
    storage: &'static str,
    status: String,
    hold_id: String,
    method: String,
    method_value: String,
    assignee: String,
    task_due: String,
    task_due_value: String,
    late: bool,
    done: String,
    done_by: String,
}

fn line(d: Disposal, today: &str) -> Line {
    Line {
        short_id: d.id.chars().rev().take(8).collect::<Vec<_>>().into_iter().rev().collect(),
        record_id: d.record_id,
        record_type: d.record_type,
        subject_ref: d.subject_ref,
        rule: d.rule,
        due: day(&d.due_on),
        found: day(&d.found_on),
        storage: if d.storage == "vault" { "Steward's vault" } else { "Kept elsewhere" },
        status: d.status.replace('_', " "),
        hold_id: d.hold_id.unwrap_or_default(),
        method: d.method_label.unwrap_or_default(),
        method_value: d.method.unwrap_or_default(),
        assignee: d.assignee.unwrap_or_default(),
        late: d.task_due_on.as_deref().is_some_and(|t| t < today),
        task_due: opt_day(d.task_due_on.as_deref()),
        task_due_value: d.task_due_on.unwrap_or_default(),
        done: opt_day(d.done_on.as_deref()),
        done_by: d.done_by.unwrap_or_default(),
        id: d.id,
    }
}

#[derive(Template)]
#[template(path = "pages/disposals.html")]
struct ListPage {
    page: PageContext,
    errors: FormErrors,
    month: String,
    month_label: String,
    first: String,
    last: String,
    today: String,
    summary: steward_app::disposal::DisposalSummary,
    due: Vec<DueLine>,
    due_total: u64,
    awaiting: Vec<Line>,
    tasks: Vec<Line>,
    held: Vec<Line>,
    done: Vec<Line>,
    can_approve: bool,
    can_assign: bool,
    /// Confirming a task done: administrators and the DPO (and the task's assignee).
    can_confirm: bool,
    actor: String,
    methods: Vec<MethodChoice>,
}

fn list_page(
    app: &App,
    session: &steward_app::auth::SessionInfo,
    month: &str,
    errors: FormErrors,
) -> AppResult<ListPage> {
    let ctx = &session.ctx;
    let today = app.today();
    let (first, last) = month_bounds("month", month)?;
    let summary = app.disposal_summary(ctx, today)?;
    let page_of = app.records(
        ctx,
        &RecordQuery {
            due_month: Some(first.strftime("%Y-%m").to_string()),
            status: Some("kept".into()),
            limit: Some(200),
            ..RecordQuery::default()
        },
    );
    // Without a schedule in force there is no inventory to show.
    let (due, due_total) = match page_of {
        Ok(p) => (
            p.records
                .into_iter()
                .map(|r| DueLine {
                    due: r.destroy_on.map(|d| d.strftime("%-d %b %Y").to_string()).unwrap_or_default(),
                    record_id: r.id,
                    record_type: r.record_type_name,
                    reference: r.reference,
                    held: r.held,
                })
                .collect(),
            p.total,
        ),
        Err(AppError::Conflict(_)) => (Vec::new(), 0),
        Err(e) => return Err(e),
    };
    let last_s = last.to_string();
    let first_s = first.to_string();
    let today_s = today.to_string();
    let by = |status: &str| -> AppResult<Vec<Disposal>> {
        app.disposals(ctx, &DisposalQuery { status: Some(status.into()), ..DisposalQuery::default() })
    };
    let awaiting =
        by("awaiting_approval")?.into_iter().filter(|d| d.due_on <= last_s).map(|d| line(d, &today_s)).collect();
    let tasks = by("task")?.into_iter().map(|d| line(d, &today_s)).collect();
    let held = by("held")?.into_iter().map(|d| line(d, &today_s)).collect();
    let done = app
        .disposals(ctx, &DisposalQuery { status: Some("done,released,cancelled".into()), ..DisposalQuery::default() })?
        .into_iter()
        .filter(|d| d.done_on.as_deref().is_some_and(|o| o >= first_s.as_str() && o <= last_s.as_str()))
        .map(|d| line(d, &today_s))
        .collect();
    Ok(ListPage {
        page: page(app, session, "disposals"),
        errors,
        month: first.strftime("%Y-%m").to_string(),
        month_label: first.strftime("%B %Y").to_string(),
        first: first_s,
        last: last_s,
        today: today_s,
        summary,
        due,
        due_total,
        awaiting,
        tasks,
        held,
        done,
        can_approve: session.user.role.can(Permission::ManageHolds),
        can_assign: session.user.role.can(Permission::ManageRetention),
        can_confirm: session.user.role.can(Permission::ManageRegisters),
        actor: ctx.actor.clone(),
        methods: DISPOSAL_METHODS.iter().map(|(value, label)| MethodChoice { value, label }).collect(),
    })
}

/// `?month=YYYY-MM&done=…`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    month: String,
    done: String,
}

/// The message after each change.
const DONE: &[(&str, &str)] = &[
    ("approved", "The disposal list was approved"),
    ("assigned", "The task was assigned"),
    ("confirmed", "The disposal was confirmed and the record marked destroyed"),
];

fn this_month(app: &App) -> String {
    app.today().strftime("%Y-%m").to_string()
}

async fn list(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let app = s.app.clone();
    let result = run(move || {
        let (month, errors, status) = if q.month.trim().is_empty() {
            (this_month(&app), FormErrors::new(), StatusCode::OK)
        } else if month_bounds("month", &q.month).is_ok() {
            (q.month.trim().to_string(), FormErrors::new(), StatusCode::OK)
        } else {
            let mut e = FormErrors::new();
            e.add("month", "Month must be a month as YYYY-MM, for example 2026-11");
            (this_month(&app), e, StatusCode::BAD_REQUEST)
        };
        let mut p = list_page(&app, &session, &month, errors)?;
        p.page.flash = flash(&q.done, DONE);
        Ok((status, p))
    })
    .await;
    match result {
        Ok((status, p)) => render_status(status, &p),
        Err(r) => r,
    }
}

/// Re-show the list with a form's problem on field `field_id`, or the failure page.
fn refused(
    app: &App,
    session: &steward_app::auth::SessionInfo,
    month: &str,
    field_id: &str,
    label: &str,
    e: AppError,
) -> AppResult<ListPage> {
    let message = match e {
        AppError::Invalid(fe) => sentence(label, &fe.message),
        AppError::Conflict(m) => m,
        AppError::Constraint(_) => CLASH.into(),
        other => return Err(other),
    };
    let mut errors = FormErrors::new();
    errors.add(field_id, message);
    list_page(app, session, month, errors)
}

fn form_month(app: &App, pairs: &Pairs) -> String {
    let m = pairs.trimmed("month");
    if month_bounds("month", m).is_ok() { m.to_string() } else { this_month(app) }
}

async fn approve(State(s): State<AppState>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let month = form_month(&s.app, &f.form);
    let result = run(move || {
        let approval = Approval { month: Some(month.clone()), ids: None };
        match app.approve_disposals(&session.ctx, &approval) {
            Ok(_) => Ok(Outcome::done(format!("/disposals?month={month}&done=approved"))),
            Err(e @ (AppError::Invalid(_) | AppError::Conflict(_) | AppError::Constraint(_))) => {
                Ok(Outcome::refused(&refused(&app, &session, &month, "approve", "The approval", e)?))
            }
            Err(e) => Err(e),
        }
    })
    .await;
    answer(result)
}

async fn assign(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let month = form_month(&s.app, &f.form);
    let a = Assignment {
        assignee: f.form.value("assignee").into(),
        method: Some(f.form.value("method").to_string()).filter(|m| !m.is_empty()),
        due_on: Some(f.form.value("due_on").to_string()).filter(|m| !m.is_empty()),
    };
    let result = run(move || match app.assign_disposal(&session.ctx, &id, &a) {
        Ok(_) => Ok(Outcome::done(format!("/disposals?month={month}&done=assigned"))),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_) | AppError::Constraint(_))) => {
            let field = match &e {
                AppError::Invalid(fe) if fe.field == "method" => "method",
                AppError::Invalid(fe) if fe.field == "due_on" => "due_on",
                _ => "assignee",
            };
            let label = match field {
                "method" => "The method",
                "due_on" => "The date",
                _ => "Who will do it",
            };
            Ok(Outcome::refused(&refused(&app, &session, &month, &format!("{field}-{id}"), label, e)?))
        }
        Err(e) => Err(e),
    })
    .await;
    answer(result)
}

async fn confirm(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let month = form_month(&s.app, &f.form);
    let c = Confirmation {
        done_on: f.form.value("done_on").into(),
        method: Some(f.form.value("method").to_string()).filter(|m| !m.is_empty()),
        note: f.form.value("note").into(),
    };
    let result = run(move || match app.confirm_disposal(&session.ctx, &id, &c) {
        Ok(_) => Ok(Outcome::done(format!("/disposals?month={month}&done=confirmed"))),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_) | AppError::Constraint(_))) => {
            let field = match &e {
                AppError::Invalid(fe) if fe.field == "method" => "confirm-method",
                AppError::Invalid(fe) if fe.field == "note" => "note",
                _ => "done_on",
            };
            let label = match field {
                "confirm-method" => "The method",
                "note" => "The note",
                _ => "The day it was destroyed",
            };
            Ok(Outcome::refused(&refused(&app, &session, &month, &format!("{field}-{id}"), label, e)?))
        }
        Err(e) => Err(e),
    })
    .await;
    answer(result)
}

/// A certificate line, for the page.
struct CertLine {
    record_id: String,
    record_type: String,
    subject_ref: String,
    rule: String,
    due: String,
    done: String,
    method: String,
    done_by: String,
    status: String,
    hold_id: String,
}

#[derive(Template)]
#[template(path = "pages/disposal_certificate.html")]
struct CertificatePage {
    page: PageContext,
    from: String,
    to: String,
    from_label: String,
    to_label: String,
    c: steward_app::disposal::DisposalCertificate,
    lines: Vec<CertLine>,
    issued_at: String,
    csv_href: String,
}

/// `?from=YYYY-MM-DD&to=YYYY-MM-DD&format=csv`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CertificateQuery {
    from: String,
    to: String,
    format: String,
}

fn parse_day(field: &str, v: &str, default: Date) -> AppResult<Date> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(default);
    }
    v.parse().map_err(|_| AppError::Invalid(steward_core::FieldError::new(field, "must be a date as YYYY-MM-DD")))
}

async fn certificate(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    q: Result<Query<CertificateQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let today = s.app.today();
    let (from, to) = match (parse_day("from", &q.from, today.first_of_month()), parse_day("to", &q.to, today)) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => return failure_page(e),
    };
    let csv = match q.format.as_str() {
        "" | "html" => false,
        "csv" => true,
        _ => {
            return failure_page(AppError::Invalid(steward_core::FieldError::new("format", "must be html or csv")));
        }
    };
    let app = s.app.clone();
    let result = run(move || {
        let c = app.disposal_certificate(&session.ctx, from, to)?;
        if csv {
            return Ok(Err(steward_app::disposal::certificate_csv(&c)?));
        }
        let lines = c
            .entries
            .iter()
            .map(|e| CertLine {
                record_id: e.record_id.clone(),
                record_type: e.record_type.clone(),
                subject_ref: e.subject_ref.clone(),
                rule: e.rule.clone(),
                due: day(&e.due_on),
                done: opt_day(e.done_on.as_deref()),
                method: e
                    .method
                    .as_deref()
                    .map(|m| DISPOSAL_METHODS.iter().find(|(id, _)| *id == m).map_or(m, |(_, l)| l).to_string())
                    .unwrap_or_default(),
                done_by: e.done_by.clone().unwrap_or_default(),
                status: match e.status.as_str() {
                    "done" => "Destroyed".into(),
                    "held" => "Kept: legal hold".into(),
                    "released" => "Hold lifted".into(),
                    "cancelled" => "Cancelled: no longer due".into(),
                    other => other.to_string(),
                },
                hold_id: e.hold_id.clone().unwrap_or_default(),
            })
            .collect();
        Ok(Ok(CertificatePage {
            page: page(&app, &session, "disposals"),
            from: from.to_string(),
            to: to.to_string(),
            from_label: from.strftime("%-d %B %Y").to_string(),
            to_label: to.strftime("%-d %B %Y").to_string(),
            issued_at: uk_time(&c.issued_at),
            csv_href: format!("/disposals/certificate?from={from}&to={to}&format=csv"),
            c,
            lines,
        }))
    })
    .await;
    match result {
        Ok(Ok(p)) => render(&p),
        Ok(Err(body)) => {
            let name = format!("attachment; filename=\"destruction-certificate-{from}-to-{to}.csv\"");
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, name)],
                body,
            )
                .into_response()
        }
        Err(r) => r,
    }
}
