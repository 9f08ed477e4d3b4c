//! The dashboard at `/`: what needs attention (requests due, the inbox, setting-up
//! tasks), subjects by category, the retention panel and recent activity, each shown to
//! the roles that may see it.

use crate::session::SignedIn;
use crate::state::AppState;
use crate::ui::audit::action_label;
use crate::ui::kit::{PageContext, actor_names, long_date, page, render, run, thousands, uk_time , who};
use crate::ui::requests::list::due_soon;
use crate::ui::requests::words::kind_label;
use crate::ui::retention::panel::{RetentionPanel, dashboard_panel};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use steward_app::auth::SessionInfo;
use steward_app::{App, AppResult, AuditFilter};
use steward_core::Permission;
use steward_core::subject::Category;

/// `GET /`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/", get(dashboard))
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

/// The compliance check in brief: counts linking to the page, and who lapsed.
struct ComplianceBox {
    errors: usize,
    warnings: usize,
    /// Staff with special-category access whose training lapsed: name, and when.
    lapsed: Vec<(String, String)>,
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
    retention: Option<RetentionPanel>,
    compliance: Option<ComplianceBox>,
    incidents: IncidentsBox,
}

/// What waits in the incident registers: breach clocks (red under 12 hours), disclosures
/// awaiting the DPO's approval, DPIAs awaiting advice, the ICO or a review.
struct IncidentsBox {
    /// Breach summary, its page, the ICO deadline in words, hours left, and whether that
    /// is under 12 (or passed).
    clocks: Vec<(String, String, String, i64, bool)>,
    /// Who asked, and the disclosure's page.
    approvals: Vec<(String, String)>,
    /// Title, page and where it stands.
    dpias: Vec<(String, String, String)>,
}

impl IncidentsBox {
    fn is_empty(&self) -> bool {
        self.clocks.is_empty() && self.approvals.is_empty() && self.dpias.is_empty()
    }
}

fn incidents(app: &App, session: &SessionInfo) -> AppResult<IncidentsBox> {
    let s = app.incident_summary(&session.ctx)?;
    Ok(IncidentsBox {
        clocks: s
            .breach_clocks
            .into_iter()
            .map(|c| (c.summary, format!("/breaches/{}", c.id), c.deadline, c.hours_left, c.hours_left < 12))
            .collect(),
        approvals: s.disclosures_awaiting_approval.into_iter().map(|(id, who)| (who, format!("/disclosures/{id}"))).collect(),
        dpias: s.dpias_waiting.into_iter().map(|(id, title, status)| (title, format!("/dpias/{id}"), status)).collect(),
    })
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
    let today = app.today();
    let due = due_soon(app, session, today)?;
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
                d if d < today => format!("OVERDUE: was due {}", long_date(d)),
                d if d == today => "due today".to_string(),
                d => format!("due {}", long_date(d)),
            };
            (
                format!("/requests/{}", r.id),
                format!("{}, {} – {when}", r.reference, kind_label(r.kind)),
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

/// The compliance check's counts and the staff whose training lapsed, for roles that may
/// read the registers (not audited: the page it links to runs the check).
fn compliance(app: &App, session: &SessionInfo) -> AppResult<Option<ComplianceBox>> {
    if !session.user.role.can(Permission::ReadRegisters) {
        return Ok(None);
    }
    let c = app.compliance_summary(&session.ctx)?;
    let lapsed = c.lapsed_staff.into_iter().map(|s| (s.name, long_date(s.lapsed_on))).collect();
    Ok(Some(ComplianceBox { errors: c.errors, warnings: c.warnings, lapsed }))
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
                what: action_label(&r.event.action, &r.event.outcome),
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
        let retention = dashboard_panel(&app, &session)?;
        let compliance = compliance(&app, &session)?;
        let incidents = incidents(&app, &session)?;
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
            compliance,
            incidents,
        })
    })
    .await;
    match built {
        Ok(p) => render(&p),
        Err(r) => r,
    }
}
