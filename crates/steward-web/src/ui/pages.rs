//! The signed-in pages: the dashboard at `/`, and the routes of the subjects, audit
//! log, settings and requests-inbox pages (in their own modules), with what they share:
//! running application calls off the async threads, turning application errors into
//! friendly pages, times as people in the UK read them, and who did what in the audit
//! log in plain English.

use crate::AppState;
use crate::session::SignedIn;
use crate::ui::auth::page;
use crate::ui::{PageContext, error_page, render};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use std::collections::HashMap;
use steward_app::auth::SessionInfo;
use steward_app::{App, AppError, AppResult};
use steward_core::Permission;
use steward_core::subject::Category;
use steward_store::{AuditFilter, StoreError};

/// Every signed-in page's routes: the dashboard, subjects, audit log, settings and inbox.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/", get(dashboard))
        .merge(super::subjects::routes())
        .merge(super::audit::routes())
        .merge(super::settings::routes())
        .merge(super::checklists::routes())
        .merge(super::inbox::routes())
        .merge(super::systems::routes())
        .merge(super::retention::routes())
}

/// Run a blocking application call on the blocking pool; its error becomes a page.
pub async fn run<T, F>(f: F) -> Result<T, Response>
where
    F: FnOnce() -> AppResult<T> + Send + 'static,
    T: Send + 'static,
{
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(failure_page(e)),
        Err(_) => {
            tracing::error!("a page handler stopped unexpectedly");
            Err(error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sorry, there is a problem with the service",
                "Try again later. The error has been logged.",
            ))
        }
    }
}

/// The page for a role that may not use a page (`403`).
pub fn forbidden_page() -> Response {
    error_page(
        StatusCode::FORBIDDEN,
        "You cannot use this page",
        "Your role does not allow it. Ask your data protection officer if you need access.",
    )
}

/// The page for an id that matches nothing (`404`).
pub fn not_found_page() -> Response {
    error_page(StatusCode::NOT_FOUND, "Page not found", "There is nothing here. It may have been removed.")
}

/// The page for an application error. Messages never contain personal data (the
/// application's errors name fields, never values).
pub fn failure_page(e: AppError) -> Response {
    match e {
        AppError::Forbidden(_) => forbidden_page(),
        AppError::NotFound(_) => not_found_page(),
        AppError::Gone(t) => error_page(
            StatusCode::GONE,
            "This person's data was erased",
            &format!("It was erased on {}. Nothing about them can be shown.", uk_time(&t.erased_at)),
        ),
        AppError::Invalid(f) => error_page(
            StatusCode::BAD_REQUEST,
            "There is a problem with what was sent",
            &sentence(&field_label(&f.field), &f.message),
        ),
        AppError::Unknown(_) => error_page(
            StatusCode::BAD_REQUEST,
            "There is a problem with what was sent",
            "One of the choices was not one of the options offered. Go back and choose again.",
        ),
        AppError::Conflict(m) => error_page(StatusCode::CONFLICT, "This cannot be done now", &conflict_message(&m)),
        AppError::RateLimited => {
            error_page(StatusCode::TOO_MANY_REQUESTS, "Too many attempts", "Wait ten minutes and try again.")
        }
        AppError::SignInFailed => error_page(
            StatusCode::UNAUTHORIZED,
            "You are not signed in",
            "Your session has ended. Sign in again to carry on.",
        ),
        AppError::Store(StoreError::Unavailable(m)) => {
            tracing::warn!(error = %m, "storage unavailable");
            error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Sorry, the service is unavailable",
                "The database is busy or cannot be reached. Try again in a few minutes.",
            )
        }
        AppError::Storage(fault) => {
            tracing::warn!(fault = fault.as_str(), "a page failed on storage");
            error_page(StatusCode::SERVICE_UNAVAILABLE, "Steward cannot save anything at the moment", fault.advice())
        }
        other => {
            tracing::error!(error = %other, "a page failed");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sorry, there is a problem with the service",
                "Try again later. The error has been logged.",
            )
        }
    }
}

/// What a refusal because of the current state says to people: the application's own
/// message (restrictions, legal holds, work already done; never personal data), or a
/// general one for a database constraint.
pub fn conflict_message(m: &str) -> String {
    if m.trim().is_empty() || m.contains("constraint") {
        return "Your change was not saved because it clashes with what is already recorded. Go back, reload the \
                page to see the latest version, and try again."
            .into();
    }
    let mut out = sentence("This", m);
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

/// A field's name for people, from the application's field path (`emails[1]`,
/// `identifiers.nhs_number`, `addresses[0].postcode`).
pub fn field_label(path: &str) -> String {
    let (base, index) = match path.split_once('[') {
        Some((b, rest)) => (b, rest.split(']').next().and_then(|n| n.parse::<usize>().ok())),
        None => (path, None),
    };
    let nth = |one: &str, all: &str| match index {
        Some(i) => format!("{one} {}", i + 1),
        None => all.to_string(),
    };
    let last = path.rsplit('.').next().unwrap_or(path);
    if let Some(key) = path.strip_prefix("special_category.")
        && let Some((_, label)) = steward_core::subject::SpecialCategory::HEADINGS.iter().find(|(k, _)| *k == key)
    {
        return (*label).into();
    }
    match base.rsplit('.').next().unwrap_or(base) {
        "special_category" => "Special-category data".into(),
        "given_name" => "Given name".into(),
        "family_name" => "Family name".into(),
        "other_names" => nth("Other name", "Other names"),
        "date_of_birth" => "Date of birth".into(),
        "emails" => nth("Email address", "Email addresses"),
        "phones" => nth("Phone number", "Phone numbers"),
        "addresses" if last == "postcode" => "Postcode".into(),
        "addresses" if index.is_some() => "Address".into(),
        "addresses" => "Addresses".into(),
        "ni_number" => "National Insurance number".into(),
        "nhs_number" => "NHS number".into(),
        "tenancy_number" => "Tenancy number".into(),
        "customer_number" => "Customer number".into(),
        "employee_number" => "Employee number".into(),
        "volunteer_number" => "Volunteer number".into(),
        "categories" => "Categories".into(),
        "notes" => "Notes".into(),
        "reason" => "Reason".into(),
        "request_ref" => "Request reference".into(),
        "subject_id" => "The other person".into(),
        "org_name" => "Organisation name".into(),
        "dpo_name" => "Data protection officer's name".into(),
        "dpo_email" => "Data protection officer's email address".into(),
        "region" => "Region".into(),
        "email" => "Email address".into(),
        "phone" => "Phone number".into(),
        "ni_number_search" => "National Insurance number".into(),
        "name" => "Name".into(),
        "surname" => "Surname".into(),
        "reference" => "Reference".into(),
        _ => "This answer".into(),
    }
}

/// Join a field's label and an application message into one sentence: messages that
/// continue a sentence ("is not an email address") follow the label; others stand alone.
pub fn sentence(label: &str, message: &str) -> String {
    let m = message.trim();
    let continues =
        ["is ", "has ", "must ", "needs ", "contains ", "give ", "should ", "names "].iter().any(|p| m.starts_with(p));
    if continues {
        format!("{label} {m}")
    } else {
        let mut chars = m.chars();
        match chars.next() {
            Some(c) => c.to_uppercase().chain(chars).collect(),
            None => format!("{label} is not right"),
        }
    }
}

/// A stored time (RFC 3339) as people in the UK read it: `3 Oct 2026, 14:05` in UK time.
pub fn uk_time(stored: &str) -> String {
    let Ok(t) = stored.parse::<jiff::Timestamp>() else { return stored.to_string() };
    let tz = jiff::tz::TimeZone::get("Europe/London").unwrap_or_else(|_| jiff::tz::TimeZone::system());
    t.to_zoned(tz).strftime("%-d %b %Y, %H:%M").to_string()
}

/// Today's date in the UK.
pub fn uk_today() -> jiff::civil::Date {
    steward_app::public::uk_date(jiff::Timestamp::now())
}

/// Names for the actors in the audit log and on records: `user:<id>` → the user's
/// name, `token:<id>` → the token's name (see [`App::actor_names`]).
pub fn actor_names(app: &App, ctx: &steward_app::Context) -> AppResult<HashMap<String, String>> {
    app.actor_names(ctx)
}

/// Who a case is assigned to, for people: a user id, or `token:<id>` for an
/// organisation's caseworker token.
pub fn assignee_name(names: &HashMap<String, String>, key: &str) -> String {
    if key.starts_with("token:") { who(names, key) } else { who(names, &format!("user:{key}")) }
}

/// Who an audit actor is, for people.
pub fn who(names: &HashMap<String, String>, actor: &str) -> String {
    if let Some(n) = names.get(actor) {
        return n.clone();
    }
    match actor {
        "cli" => "Command line".into(),
        "system" => "Steward (automatic)".into(),
        "public" => "Member of the public (web form)".into(),
        a if a.starts_with("user:") => "A removed account".into(),
        a if a.starts_with("token:") => "A removed API token".into(),
        a => a.to_string(),
    }
}

/// One thing needing attention on the dashboard.
#[derive(Debug, Clone)]
pub struct AttentionItem {
    /// What needs doing, as a short sentence.
    pub title: String,
    /// Why it matters.
    pub detail: String,
    /// Where to do it.
    pub href: String,
    /// The link's text.
    pub link_text: String,
    /// Particular things to open, (href, text), listed under the detail.
    pub links: Vec<(String, String)>,
}

/// A row of the subjects-by-category table.
struct CategoryRow {
    label: &'static str,
    count: String,
}

/// A row of the recent-activity table.
struct ActivityRow {
    when: String,
    who: String,
    what: String,
}

#[derive(Template)]
#[template(path = "pages/dashboard.html")]
struct DashboardPage {
    page: PageContext,
    attention: Vec<AttentionItem>,
    can_add_subject: bool,
    show_statistics: bool,
    total_subjects: String,
    categories: Vec<CategoryRow>,
    show_activity: bool,
    activity: Vec<ActivityRow>,
    retention: Option<super::retention::RetentionPanel>,
}

/// A whole number with thousands separators: `1,000,000`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Setting-up tasks not yet done, each shown only to roles that can do it.
fn setup_tasks(app: &App, session: &SessionInfo) -> AppResult<Vec<AttentionItem>> {
    let role = session.user.role;
    let mut items = Vec::new();
    if role.can(Permission::ManageSettings) {
        let org = app.org_settings()?;
        if org.org_name.trim().is_empty() {
            items.push(AttentionItem {
                title: "Add your organisation's name".into(),
                detail: "It is shown on every page and on the public request form.".into(),
                href: "/settings#org_name".into(),
                link_text: "Set the organisation's name".into(),
                links: Vec::new(),
            });
        }
        if org.dpo_name.is_none() || org.dpo_email.is_none() {
            items.push(AttentionItem {
                title: "Add your data protection officer's contact details".into(),
                detail: "People and the ICO need to know who to contact about data protection.".into(),
                href: "/settings#dpo_name".into(),
                link_text: "Add the DPO's name and email address".into(),
                links: Vec::new(),
            });
        }
        if !org.region_confirmed {
            items.push(AttentionItem {
                title: "Confirm which part of the UK you are in".into(),
                detail: "Deadlines skip bank holidays, which differ between England and Wales, Scotland and Northern Ireland.".into(),
                href: "/settings#region".into(),
                link_text: "Confirm your region".into(),
                links: Vec::new(),
            });
        }
    }
    if role.can(Permission::ManageAccess) {
        let users: Vec<_> = app.list_users(&session.ctx)?.into_iter().filter(|(u, _)| !u.disabled).collect();
        if users.len() < 2 {
            items.push(AttentionItem {
                title: "Invite a colleague".into(),
                detail: "With only one account, nobody else can cover when that person is away.".into(),
                href: "/users/new".into(),
                link_text: "Invite a user".into(),
                links: Vec::new(),
            });
        }
        if !users.iter().any(|(u, _)| u.totp_enabled) {
            items.push(AttentionItem {
                title: "Nobody uses two-factor sign-in yet".into(),
                detail: "A code from a phone app as well as a password stops most account break-ins.".into(),
                href: "/users".into(),
                link_text: "Check who has two-factor sign-in".into(),
                links: Vec::new(),
            });
        }
    }
    Ok(items)
}

/// Requests and complaints from the public form not yet acknowledged.
fn inbox_tasks(app: &App, session: &SessionInfo) -> AppResult<Vec<AttentionItem>> {
    if !session.user.role.can(Permission::SubjectRead) {
        return Ok(Vec::new());
    }
    let inbox = app.list_submissions(&session.ctx, 1)?;
    let new = inbox.counts.get("new").copied().unwrap_or(0);
    if new == 0 {
        return Ok(Vec::new());
    }
    let title = if new == 1 {
        "1 new request or complaint has not been acknowledged".to_string()
    } else {
        format!("{} new requests or complaints have not been acknowledged", thousands(new))
    };
    Ok(vec![AttentionItem {
        title,
        detail: "Requests must be answered within one month and complaints acknowledged within 30 days.".into(),
        href: "/inbox".into(),
        link_text: "Go to the requests inbox".into(),
        links: Vec::new(),
    }])
}

/// How many of the nearest requests the dashboard names.
const NEAREST_REQUESTS: usize = 5;

/// Requests overdue or due within seven days (only those still needing work; the
/// store is asked for requests due before a date, status by status, never all).
fn request_tasks(app: &App, session: &SessionInfo) -> AppResult<Vec<AttentionItem>> {
    if !session.user.role.can(Permission::SubjectRead) {
        return Ok(Vec::new());
    }
    let today = uk_today();
    let due = super::requests::due_soon(app, session, today)?;
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let overdue = due.iter().filter(|r| r.due_on < today).count();
    let soon = due.len() - overdue;
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 { format!("1 {one}") } else { format!("{} {many}", thousands(n as i64)) }
    };
    let title = match (overdue, soon) {
        (0, s) => format!("{} due within 7 days", plural(s, "request is", "requests are")),
        (o, 0) => format!("{} overdue", plural(o, "request is", "requests are")),
        (o, s) => format!("{} overdue and {} due within 7 days", plural(o, "request is", "requests are"), s),
    };
    let links = due
        .iter()
        .take(NEAREST_REQUESTS)
        .map(|r| {
            let when = match r.due_on {
                d if d < today => format!("OVERDUE: was due {}", super::long_date(d)),
                d if d == today => "due today".to_string(),
                d => format!("due {}", super::long_date(d)),
            };
            (
                format!("/requests/{}", r.id),
                format!("{}, {} – {when}", r.reference, super::requests::kind_label(r.kind)),
            )
        })
        .collect();
    Ok(vec![AttentionItem {
        title,
        detail: "The due date is the nearer of the legal time limit and your own policy target.".into(),
        href: "/requests".into(),
        link_text: "See all requests".into(),
        links,
    }])
}

/// "What needs attention", in order: each later feature (requests due, breach clocks,
/// disposals due) adds its own function here.
fn attention(app: &App, session: &SessionInfo) -> AppResult<Vec<AttentionItem>> {
    let mut items = request_tasks(app, session)?;
    items.extend(inbox_tasks(app, session)?);
    items.extend(setup_tasks(app, session)?);
    Ok(items)
}

/// Subjects by category from the running counts (never a scan of subjects).
fn statistics(app: &App, session: &SessionInfo) -> AppResult<Option<(String, Vec<CategoryRow>)>> {
    if !session.user.role.can(Permission::ReadStatistics) {
        return Ok(None);
    }
    let counts = app.subject_category_counts(&session.ctx)?;
    let total = counts.get("*").copied().unwrap_or(0);
    let rows = Category::ALL
        .iter()
        .map(|c| CategoryRow { label: c.label(), count: thousands(counts.get(c.as_str()).copied().unwrap_or(0)) })
        .collect();
    let in_all = if total == 1 { "1 person in all".to_string() } else { format!("{} people in all", thousands(total)) };
    Ok(Some((in_all, rows)))
}

/// The last ten audit entries, for roles that may read the audit log.
fn recent_activity(app: &App, session: &SessionInfo) -> AppResult<Option<Vec<ActivityRow>>> {
    if !session.user.role.can(Permission::AuditRead) {
        return Ok(None);
    }
    let entries = app.audit_entries(&session.ctx, &AuditFilter { limit: 10, ..AuditFilter::default() })?;
    let names = actor_names(app, &session.ctx)?;
    Ok(Some(
        entries
            .into_iter()
            .map(|r| ActivityRow {
                when: uk_time(&r.event.at),
                who: who(&names, &r.event.actor),
                what: super::audit::action_label(&r.event.action, &r.event.outcome),
            })
            .collect(),
    ))
}

async fn dashboard(State(s): State<AppState>, SignedIn(session): SignedIn) -> Response {
    let app = s.app.clone();
    let built = run(move || {
        let attention = attention(&app, &session)?;
        let stats = statistics(&app, &session)?;
        let activity = recent_activity(&app, &session)?;
        let retention = super::retention::dashboard_panel(&app, &session)?;
        let show_statistics = stats.is_some();
        let (total_subjects, categories) = stats.unwrap_or_default();
        Ok(DashboardPage {
            page: page(&app, &session, "dashboard"),
            attention,
            can_add_subject: session.user.role.can(Permission::SubjectCreate),
            show_statistics,
            total_subjects,
            categories,
            show_activity: activity.is_some(),
            activity: activity.unwrap_or_default(),
            retention,
        })
    })
    .await;
    match built {
        Ok(p) => render(&p),
        Err(r) => r,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_for_the_current_state_are_explained() {
        assert_eq!(conflict_message("a legal hold stands on this subject"), "A legal hold stands on this subject.");
        assert!(conflict_message("UNIQUE constraint failed: systems.name").starts_with("Your change was not saved"));
        assert!(conflict_message("").starts_with("Your change was not saved"));
        assert_eq!(sentence("The person chosen", "names no user"), "The person chosen names no user");
    }

    #[test]
    fn numbers_and_messages_read_naturally() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(-12_345), "-12,345");
        assert_eq!(field_label("emails[1]"), "Email address 2");
        assert_eq!(field_label("identifiers.nhs_number"), "NHS number");
        assert_eq!(field_label("addresses[0].postcode"), "Postcode");
        assert_eq!(sentence("Email address 2", "is not an email address"), "Email address 2 is not an email address");
        assert_eq!(
            sentence("Family name", "a given name or a family name is required"),
            "A given name or a family name is required"
        );
        assert_eq!(uk_time("2026-07-01T12:00:00Z"), "1 Jul 2026, 13:00");
        assert_eq!(uk_time("not a time"), "not a time");
    }
}
