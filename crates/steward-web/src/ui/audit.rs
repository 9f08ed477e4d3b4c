//! The audit log page: entries newest first, filtered by who, what, object and dates
//! (ids, never personal data, so the filters may sit in the address), paged backwards
//! by sequence number, and a button that recomputes the whole hash chain.

use crate::state::AppState;
use crate::session::{CsrfForm, SignedIn};
use crate::ui::form::{EmptyForm, FormErrors};
use crate::ui::kit::{PageContext, actor_names, error_page, page, render_status, run, thousands, uk_time, who};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use steward_app::auth::SessionInfo;
use steward_app::{App, AppResult, AuditFilter, VerifyReport};
use steward_core::Permission;
use steward_core::audit::{Action, ObjectType, format_time};

/// Entries per page.
pub const PAGE_SIZE: usize = 50;

/// `GET /audit` and `POST /audit/verify`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/audit", get(audit_page)).route("/audit/verify", post(verify))
}

/// What an audit entry records, in plain English (the core's one table of actions).
pub use steward_core::audit::action_label;

/// The action filter's choices: every action Steward records, grouped by what it is
/// about, each group and action in the order people read them.
fn action_groups() -> Vec<OptGroup> {
    ObjectType::ALL
        .iter()
        .filter_map(|&t| {
            let mut options: Vec<Opt> = Action::ALL
                .iter()
                .filter(|a| a.object_type() == t)
                .map(|a| Opt { value: a.as_str().to_string(), label: a.label().to_string() })
                .collect();
            options.sort_by(|a, b| a.label.cmp(&b.label));
            (!options.is_empty()).then(|| OptGroup { label: t.label().to_string(), options })
        })
        .collect()
}

/// The filters, as sent in the address. Every value is an id or a fixed name.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    actor: String,
    action: String,
    object_type: String,
    object_id: String,
    from: String,
    to: String,
    before: String,
}

impl AuditQuery {
    /// The filters as a query string without paging (empty values left out).
    fn filters_query(&self) -> String {
        let pairs: Vec<(&str, &str)> = [
            ("actor", self.actor.as_str()),
            ("action", self.action.as_str()),
            ("object_type", self.object_type.as_str()),
            ("object_id", self.object_id.as_str()),
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }

    fn is_filtered(&self) -> bool {
        !self.filters_query().is_empty()
    }
}

/// An option of a select.
struct Opt {
    value: String,
    label: String,
}

/// A group of choices in a list (`<optgroup>`).
struct OptGroup {
    label: String,
    options: Vec<Opt>,
}

struct EntryRow {
    seq: i64,
    when: String,
    who: String,
    actor: String,
    what: String,
    outcome: &'static str,
    outcome_class: &'static str,
    object_type: String,
    object_id: String,
    object_href: Option<String>,
    detail: String,
}

/// The result of a check of the chain, for the panel.
struct VerifyView {
    intact: bool,
    entries: String,
    head_hash: String,
    problem_seq: i64,
    problem: String,
    /// Entries written before the log was keyed (0 when keyed from the start).
    legacy_entries: i64,
    /// Whether the newest entry is covered by the audit key.
    keyed: bool,
}

#[derive(Template)]
#[template(path = "pages/audit.html")]
struct AuditPage {
    page: PageContext,
    errors: FormErrors,
    q: AuditQuery,
    actors: Vec<Opt>,
    actions: Vec<Opt>,
    action_groups: Vec<OptGroup>,
    object_types: Vec<Opt>,
    rows: Vec<EntryRow>,
    filtered: bool,
    newer_href: Option<String>,
    older_href: Option<String>,
    verify: Option<VerifyView>,
}

fn uk_midnight(d: jiff::civil::Date) -> Option<String> {
    let tz = jiff::tz::TimeZone::get("Europe/London").unwrap_or_else(|_| jiff::tz::TimeZone::system());
    d.to_zoned(tz).ok().map(|z| format_time(z.timestamp()))
}

/// Turn the query into a store filter, listing every problem with it.
fn filter_of(q: &AuditQuery) -> Result<AuditFilter, FormErrors> {
    let mut errors = FormErrors::new();
    let text = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    let date = |v: &str, id: &str, errors: &mut FormErrors| -> Option<jiff::civil::Date> {
        let v = v.trim();
        if v.is_empty() {
            return None;
        }
        match v.parse::<jiff::civil::Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                errors.add(id, "Enter a real date, for example 2026-11-23");
                None
            }
        }
    };
    let from = date(&q.from, "from", &mut errors);
    let to = date(&q.to, "to", &mut errors);
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        errors.add("to", "The ‘to’ date must be the same as or after the ‘from’ date");
    }
    let before = match q.before.trim() {
        "" => None,
        b => match b.parse::<i64>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                errors.add("filters", "The page asked for does not exist; start from the newest entries");
                None
            }
        },
    };
    for (value, id) in
        [(&q.actor, "actor"), (&q.action, "action"), (&q.object_type, "object_type"), (&q.object_id, "object_id")]
    {
        if value.chars().count() > 200 || value.chars().any(char::is_control) {
            errors.add(id, "Enter at most 200 characters");
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(AuditFilter {
        actor: text(&q.actor),
        action: text(&q.action),
        object_type: text(&q.object_type),
        object_id: text(&q.object_id),
        since: from.and_then(uk_midnight),
        until: to.and_then(|t| t.tomorrow().ok()).and_then(uk_midnight),
        before_seq: before,
        limit: PAGE_SIZE + 1,
    })
}

fn options(pairs: impl IntoIterator<Item = (String, String)>, selected: &str, any: &str) -> Vec<Opt> {
    let mut out = vec![Opt { value: String::new(), label: any.to_string() }];
    out.extend(pairs.into_iter().map(|(value, label)| Opt { value, label }));
    if !selected.is_empty() && !out.iter().any(|o| o.value == selected) {
        // Keep a value that came from a link (a token, a removed user) selectable.
        out.push(Opt { value: selected.to_string(), label: selected.to_string() });
    }
    out
}

fn build(
    app: &App,
    session: &SessionInfo,
    q: AuditQuery,
    verify: Option<VerifyReport>,
) -> AppResult<(StatusCode, AuditPage)> {
    // The permission is checked (and a refusal audited) before anything is shown.
    app.require(&session.ctx, Permission::AuditRead, "audit", "log")?;
    let names = actor_names(app, &session.ctx)?;
    let role = session.user.role;
    let (status, errors, mut records) = match filter_of(&q) {
        Ok(filter) => (StatusCode::OK, FormErrors::new(), app.audit_entries(&session.ctx, &filter)?),
        Err(errors) => (StatusCode::BAD_REQUEST, errors, Vec::new()),
    };
    let has_older = records.len() > PAGE_SIZE;
    records.truncate(PAGE_SIZE);
    let filters = q.filters_query();
    let with = |extra: String| {
        let joined =
            [filters.as_str(), extra.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join("&");
        if joined.is_empty() { "/audit".to_string() } else { format!("/audit?{joined}") }
    };
    let older_href = match (has_older, records.last()) {
        (true, Some(last)) => Some(with(format!("before={}", last.seq))),
        _ => None,
    };
    let newer_href = (!q.before.trim().is_empty()).then(|| with(String::new()));
    let rows = records
        .into_iter()
        .map(|r| {
            let e = r.event;
            let object_href = match e.object_type.as_str() {
                _ if e.object_id.is_empty() => None,
                "subject" if role.can(Permission::SubjectRead) => Some(format!("/subjects/{}", e.object_id)),
                "submission" if role.can(Permission::SubjectRead) => Some(format!("/inbox/{}", e.object_id)),
                "user" if role.can(Permission::ManageAccess) => Some(format!("/users/{}", e.object_id)),
                _ => None,
            };
            let (outcome, outcome_class) = match e.outcome.as_str() {
                "success" => ("Done", "tag--closed"),
                "denied" => ("Refused", "tag--overdue"),
                _ => ("Failed", "tag--overdue"),
            };
            EntryRow {
                seq: r.seq,
                when: uk_time(&e.at),
                who: who(&names, &e.actor),
                what: action_label(&e.action, &e.outcome),
                outcome,
                outcome_class,
                object_type: e.object_type,
                object_id: e.object_id,
                object_href,
                detail: e.detail,
                actor: e.actor,
            }
        })
        .collect();
    let mut people: Vec<(String, String)> = names.into_iter().collect();
    people.sort_by(|a, b| a.1.cmp(&b.1));
    people.extend([
        ("cli".to_string(), "Command line".to_string()),
        ("system".to_string(), "Steward (automatic)".to_string()),
        ("public".to_string(), "Member of the public (web form)".to_string()),
    ]);
    let actors = options(people, &q.actor, "Anyone");
    let action_groups = action_groups();
    let listed = action_groups.iter().flat_map(|g| g.options.iter()).any(|o| o.value == q.action);
    let actions = options(std::iter::empty(), if listed { "" } else { &q.action }, "Anything");
    let object_types = options(
        ObjectType::ALL.iter().map(|t| (t.as_str().to_string(), t.label().to_string())),
        &q.object_type,
        "Any kind",
    );
    let verify = verify.map(|v| VerifyView {
        intact: v.problem.is_none(),
        entries: thousands(v.entries),
        head_hash: v.head_hash,
        problem_seq: v.problem.as_ref().map_or(0, |p| p.seq),
        problem: v.problem.map(|p| p.message).unwrap_or_default(),
        legacy_entries: v.legacy_entries,
        keyed: v.keyed,
    });
    let filtered = q.is_filtered();
    Ok((
        status,
        AuditPage {
            page: page(app, session, "audit"),
            errors,
            q,
            actors,
            actions,
            action_groups,
            object_types,
            rows,
            filtered,
            newer_href,
            older_href,
            verify,
        },
    ))
}

async fn audit_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    q: Result<Query<AuditQuery>, QueryRejection>,
) -> Response {
    let Ok(Query(q)) = q else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "The filters could not be read",
            "Go back to the audit log and choose the filters again.",
        );
    };
    let app = s.app.clone();
    match run(move || build(&app, &session, q, None)).await {
        Ok((status, p)) => render_status(status, &p),
        Err(r) => r,
    }
}

async fn verify(State(s): State<AppState>, f: CsrfForm<EmptyForm>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let result = run(move || {
        let report = app.verify_audit(&session.ctx)?;
        build(&app, &session, AuditQuery::default(), Some(report))
    })
    .await;
    match result {
        Ok((status, p)) => render_status(status, &p),
        Err(r) => r,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_read_as_plain_english() {
        assert_eq!(action_label("subject.view", "success"), "Viewed a subject");
        assert_eq!(action_label("subject.erase", "success"), "Erased a subject");
        assert_eq!(action_label("user.sign_in", "denied"), "Failed to sign in");
        assert_eq!(action_label("subject.subjectread", "denied"), "Was refused: tried to see someone's personal data");
        assert_eq!(action_label("something.new", "success"), "something.new");
    }

    #[test]
    fn every_refused_permission_reads_as_plain_english() {
        for p in Permission::ALL {
            let action = steward_app::denied_action("subject", p);
            let label = action_label(&action, "denied");
            assert!(label.starts_with("Was refused: tried to "), "{action}: {label}");
            assert!(!label.contains('_') && !label.contains("their role does not allow"), "{action}: {label}");
        }
        assert_eq!(
            action_label("retention_schedule.denied_manage_retention", "denied"),
            "Was refused: tried to change the retention schedule or assign a disposal"
        );
        assert_eq!(
            action_label("subject.denied_nothing_known", "denied"),
            "Was refused: tried to do something their role does not allow"
        );
        assert_eq!(action_label("something.new", "success"), "something.new");
    }

    #[test]
    fn a_broken_chain_is_reported_in_words() {
        let page = AuditPage {
            page: PageContext::public("Org".into()),
            errors: FormErrors::new(),
            q: AuditQuery::default(),
            actors: Vec::new(),
            actions: Vec::new(),
            action_groups: Vec::new(),
            object_types: Vec::new(),
            rows: Vec::new(),
            filtered: false,
            newer_href: None,
            older_href: None,
            verify: Some(VerifyView {
                intact: false,
                entries: "41".into(),
                head_hash: "ab".into(),
                problem_seq: 42,
                problem: "entry 42 was altered: its contents no longer match its hash".into(),
                legacy_entries: 0,
                keyed: true,
            }),
        };
        let html = page.render().expect("renders");
        assert!(html.contains("<h2>The audit log has been tampered with</h2>"));
        assert!(html.contains("The first problem is at entry 42: entry 42 was altered"));
        assert!(html.contains("41 entries before it were checked"));
        assert!(!html.contains("The audit log is intact"));
    }

    #[test]
    fn bad_filters_are_reported_by_field() {
        let q = AuditQuery { from: "2026-13-01".into(), before: "x".into(), ..AuditQuery::default() };
        let e = filter_of(&q).expect_err("invalid");
        assert!(e.has("from") && e.has("filters"));
        let q = AuditQuery { from: "2026-11-02".into(), to: "2026-11-01".into(), ..AuditQuery::default() };
        assert!(filter_of(&q).expect_err("reversed").has("to"));
        let q = AuditQuery { from: "2026-07-01".into(), to: "2026-07-01".into(), ..AuditQuery::default() };
        let f = filter_of(&q).expect("valid");
        assert_eq!(f.since.as_deref().map(|s| &s[..13]), Some("2026-06-30T23"));
        assert_eq!(f.until.as_deref().map(|s| &s[..13]), Some("2026-07-01T23"));
    }
}
