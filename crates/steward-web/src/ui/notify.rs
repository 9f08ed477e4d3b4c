//! Email, reminders and calendars: the email settings page (SMTP relay, reminder days
//! and time, a test message, the scheduled jobs' latest runs), each person's calendar
//! feed page, and the feed itself at `/calendar/{secret}.ics` (no session: calendar
//! apps cannot sign in, so the secret in the address is the key).

use crate::state::AppState;
use crate::session::{CsrfForm, SignedIn, redirect};
use crate::ui::form::{Choice, EmptyForm, FormErrors, Outcome, answer};
use crate::ui::kit::{PageContext, error_page, page, render, run, sentence, uk_time};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use steward_app::AppError;
use steward_app::mail::{MailInput, check_mail};
use steward_core::Permission;
use steward_app::JobRunRow;

/// The routes of this module.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/settings/email", get(email_page).post(save_email))
        .route("/settings/email/test", post(test_email))
        .route("/account/calendar", get(calendar_page).post(create_feed))
        .route("/account/calendar/revoke", post(revoke_feed))
        .route("/calendar/{file}", get(feed))
}

const SECURITY: [Choice; 3] = [
    Choice { value: "starttls", label: "STARTTLS", hint: "Usually port 587. Most mail services." },
    Choice { value: "tls", label: "TLS from the start", hint: "Usually port 465." },
    Choice {
        value: "none",
        label: "None",
        hint: "Only for a mail relay on this machine or your own network (port 25).",
    },
];

/// The email settings form, as sent.
#[derive(Clone, Default, Deserialize)]
#[serde(default)]
pub struct EmailForm {
    host: String,
    port: String,
    security: String,
    username: String,
    password: String,
    clear_password: Option<String>,
    from: String,
    base_url: String,
    reminder_days: String,
    reminder_time: String,
}

impl From<&EmailForm> for MailInput {
    fn from(f: &EmailForm) -> Self {
        MailInput {
            host: f.host.clone(),
            port: f.port.clone(),
            security: f.security.clone(),
            username: f.username.clone(),
            password: f.password.clone(),
            clear_password: f.clear_password.is_some(),
            from: f.from.clone(),
            base_url: f.base_url.clone(),
            reminder_days: f.reminder_days.clone(),
            reminder_time: f.reminder_time.clone(),
        }
    }
}

fn label(field: &str) -> &'static str {
    match field {
        "host" => "Mail server",
        "port" => "Port",
        "security" => "Connection security",
        "username" => "User name",
        "password" => "Password",
        "from" => "Send from",
        "base_url" => "Steward's web address",
        "reminder_days" => "Remind this many days before",
        "reminder_time" => "Time of the daily run",
        "to" => "Send the test to",
        _ => "This field",
    }
}

/// A job run as shown.
struct RunLine {
    job: String,
    run_on: String,
    cause: String,
    started_at: String,
    outcome: String,
    counts: String,
    message: String,
}

impl From<JobRunRow> for RunLine {
    fn from(r: JobRunRow) -> Self {
        let counts = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&r.counts)
            .map(|m| m.iter().map(|(k, v)| format!("{} {v}", k.replace('_', " "))).collect::<Vec<_>>().join(", "))
            .unwrap_or_default();
        RunLine {
            job: r.job,
            run_on: r.run_on,
            cause: r.cause.replace('_', " "),
            started_at: uk_time(&r.started_at),
            outcome: r.outcome,
            counts,
            message: r.message,
        }
    }
}

#[derive(Template)]
#[template(path = "pages/email_settings.html")]
struct EmailPage {
    page: PageContext,
    errors: FormErrors,
    form: EmailForm,
    password_set: bool,
    security: [Choice; 3],
    runs: Vec<RunLine>,
    test_to: String,
    /// The mail server comes from the server's configuration.
    from_config: bool,
}

/// `?saved=1` or `?sent=1` after an action.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Done {
    saved: String,
    sent: String,
    revoked: String,
}

fn load_email_page(
    app: &steward_app::App,
    session: &steward_app::auth::SessionInfo,
) -> steward_app::AppResult<(PageContext, EmailForm, bool, Vec<RunLine>, bool)> {
    let s = app.mail_settings(&session.ctx)?;
    let from_config = s.from_config;
    let runs = app.job_runs(&session.ctx, 10)?.into_iter().map(RunLine::from).collect();
    let form = EmailForm {
        host: s.host,
        port: s.port.to_string(),
        security: s.security.as_str().into(),
        username: s.username,
        password: String::new(),
        clear_password: None,
        from: s.from,
        base_url: s.base_url,
        reminder_days: s.reminder_days.iter().map(i64::to_string).collect::<Vec<_>>().join(", "),
        reminder_time: s.reminder_time,
    };
    Ok((page(app, session, "settings"), form, s.password_set, runs, from_config))
}

async fn email_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    q: Result<Query<Done>, QueryRejection>,
) -> Response {
    let app = s.app.clone();
    let done = q.map(|Query(q)| q).unwrap_or_default();
    let test_to = session.user.email.clone();
    match run(move || load_email_page(&app, &session)).await {
        Ok((mut page, form, password_set, runs, from_config)) => {
            if done.saved == "1" {
                page.flash = Some("Email settings saved".into());
            } else if done.sent == "1" {
                page.flash = Some("Test message sent: check the mailbox".into());
            }
            render(&EmailPage {
                page,
                errors: FormErrors::new(),
                form,
                password_set,
                security: SECURITY,
                runs,
                test_to,
                from_config,
            })
        }
        Err(r) => r,
    }
}

async fn save_email(State(s): State<AppState>, f: CsrfForm<EmailForm>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let form = f.form;
    let result = run(move || {
        app.require(&session.ctx, Permission::ManageSettings, "settings", "email")?;
        let input = MailInput::from(&form);
        let errors = match check_mail(&input) {
            Ok(_) => match app.set_mail_settings(&session.ctx, &input) {
                Ok(()) => return Ok(Outcome::done("/settings/email?saved=1")),
                Err(AppError::Invalid(fe)) => vec![fe],
                Err(e) => return Err(e),
            },
            Err(problems) => problems,
        };
        let mut fe = FormErrors::new();
        for p in errors {
            fe.add(p.field.clone(), sentence(label(&p.field), &p.message));
        }
        let (page, _, password_set, runs, from_config) = load_email_page(&app, &session)?;
        let test_to = session.user.email.clone();
        // The password typed is never sent back into the page.
        let form = EmailForm { password: String::new(), ..form };
        Ok(Outcome::refused(&EmailPage {
            page,
            errors: fe,
            form,
            password_set,
            security: SECURITY,
            runs,
            test_to,
            from_config,
        }))
    })
    .await;
    answer(result)
}

/// The test form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TestForm {
    to: String,
}

async fn test_email(State(s): State<AppState>, f: CsrfForm<TestForm>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let to = f.form.to;
    let result = run(move || {
        app.require(&session.ctx, Permission::ManageSettings, "settings", "email")?;
        let problem = match app.send_test_email(&session.ctx, &to) {
            Ok(()) => return Ok(Outcome::done("/settings/email?sent=1")),
            Err(AppError::Invalid(fe)) => (fe.field.clone(), sentence(label(&fe.field), &fe.message)),
            Err(AppError::Mail(m)) => ("to".to_string(), format!("The test message was not sent: {m}")),
            Err(e) => return Err(e),
        };
        let errors = FormErrors::one(problem.0, problem.1);
        let (page, form, password_set, runs, from_config) = load_email_page(&app, &session)?;
        Ok(Outcome::refused(&EmailPage {
            page,
            errors,
            form,
            password_set,
            security: SECURITY,
            runs,
            test_to: to,
            from_config,
        }))
    })
    .await;
    answer(result)
}

#[derive(Template)]
#[template(path = "auth/calendar.html")]
struct CalendarPage {
    page: PageContext,
    created: Option<String>,
    new_url: Option<String>,
}

/// Where Steward is reached: the base address setting, or the request's `Host`.
fn site(base: &str, headers: &HeaderMap) -> String {
    if !base.is_empty() {
        return base.to_string();
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let host: String =
        host.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')).collect();
    format!("http://{host}")
}

async fn calendar_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    q: Result<Query<Done>, QueryRejection>,
) -> Response {
    let app = s.app.clone();
    let revoked = q.is_ok_and(|Query(q)| q.revoked == "1");
    match run(move || Ok((page(&app, &session, "account"), app.calendar_feed_created(&session.ctx)?))).await {
        Ok((mut page, created)) => {
            if revoked {
                page.flash = Some("Calendar address turned off".into());
            }
            let created = created.map(|c| uk_time(&c));
            render(&CalendarPage { page, created, new_url: None })
        }
        Err(r) => r,
    }
}

async fn create_feed(State(s): State<AppState>, headers: HeaderMap, f: CsrfForm<EmptyForm>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let result = run(move || {
        let secret = app.create_calendar_feed(&session.ctx)?;
        let base = app.mail_settings_unchecked()?.base_url;
        let created = app.calendar_feed_created(&session.ctx)?;
        Ok((page(&app, &session, "account"), secret, base, created))
    })
    .await;
    match result {
        Ok((page, secret, base, created)) => {
            let url = format!("{}/calendar/{secret}.ics", site(&base, &headers));
            let created = created.map(|c| uk_time(&c));
            render(&CalendarPage { page, created, new_url: Some(url) })
        }
        Err(r) => r,
    }
}

async fn revoke_feed(State(s): State<AppState>, f: CsrfForm<EmptyForm>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    match run(move || app.revoke_calendar_feed(&session.ctx)).await {
        Ok(_) => redirect("/account/calendar?revoked=1"),
        Err(r) => r,
    }
}

async fn feed(State(s): State<AppState>, Path(file): Path<String>) -> Response {
    let not_found =
        || error_page(StatusCode::NOT_FOUND, "Page not found", "This calendar address is not known or was turned off.");
    let Some(secret) = file.strip_suffix(".ics").map(str::to_string) else { return not_found() };
    let app = s.app.clone();
    let request_id = uuid::Uuid::new_v4().to_string();
    match run(move || app.calendar_feed(&secret, &request_id)).await {
        Ok(Some(ics)) => {
            let mut resp = (StatusCode::OK, ics).into_response();
            let h = resp.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/calendar; charset=utf-8"));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
            h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
            resp
        }
        Ok(None) => not_found(),
        Err(r) => r,
    }
}
