//! The rights-requests pages: the list of requests, nearest due date first (the status
//! filter is the only thing in the address, never personal data), logging a request,
//! and one request with its due dates, its timeline and forms to record what happened
//! next (the application refuses events out of order, shown in the error summary).

use crate::AppState;
use crate::session::{CsrfForm, SignedIn, redirect};
use crate::ui::auth::page;
use crate::ui::pages::{actor_names, assignee_name, run, sentence, uk_time, uk_today, who};
use crate::ui::{Choice, FormErrors, MessagePage, PageContext, SelectOption, long_date, render, render_status};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use jiff::civil::Date;
use serde::Deserialize;
use steward_app::auth::SessionInfo;
use steward_app::checklists::{NewSearch, SearchView};
use steward_app::erasure::{ErasureCertificate, ErasureTask, SystemKind, TaskConfirmation, TaskStatus};
use steward_app::requests::{Capacity, NewRequest, Representative, RequestQuery, RequestView};
use steward_app::{App, AppError, AppResult};
use steward_core::request::{
    Channel, DecisionOutcome, DueBasis, EventKind, MadeBy, RefusalGround, RequestEvent, RequestKind, RequestStatus,
};
use steward_core::{Permission, Region};

/// `GET /requests`, `POST /requests`, `GET /requests/new`, `GET /requests/{id}`,
/// `POST /requests/{id}/events`, `POST /requests/{id}/steps/{step}`,
/// `POST /requests/{id}/searches`, `POST /requests/{id}/assign`, erasure tasks
/// (`POST /requests/{id}/tasks`, `POST /requests/{id}/tasks/{task}`) and the erasure
/// certificate (`GET /requests/{id}/certificate`).
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/requests", get(list).post(create))
        .route("/requests/new", get(new_page))
        .route("/requests/{id}", get(show))
        .route("/requests/{id}/events", post(record))
        .route("/requests/{id}/steps/{step}", post(set_step))
        .route("/requests/{id}/searches", post(add_search))
        .route("/requests/{id}/assign", post(assign))
        .route("/requests/{id}/tasks", post(add_task))
        .route("/requests/{id}/tasks/{task}", post(confirm_task))
        .route("/requests/{id}/certificate", get(certificate))
}

// ---------------------------------------------------------------------------------
// Words for people
// ---------------------------------------------------------------------------------

/// The kinds, for the radios, each with a one-line explanation.
const KINDS: [Choice; 10] = [
    Choice {
        value: "access",
        label: "Subject access",
        hint: "They want a copy of the personal data you hold about them.",
    },
    Choice {
        value: "rectification",
        label: "Correction",
        hint: "They say something you hold about them is wrong or incomplete.",
    },
    Choice { value: "erasure", label: "Erasure", hint: "They want you to delete their personal data." },
    Choice {
        value: "restriction",
        label: "Restriction",
        hint: "They want you to stop using their data for now, but keep it.",
    },
    Choice {
        value: "portability",
        label: "Data portability",
        hint: "They want their data in a form they can give to another organisation.",
    },
    Choice { value: "objection", label: "Objection", hint: "They object to how you use their data." },
    Choice {
        value: "objection_direct_marketing",
        label: "Objection to direct marketing",
        hint: "They want you to stop sending them marketing. You must always stop.",
    },
    Choice {
        value: "automated_decision_review",
        label: "Review of an automated decision",
        hint: "They want a person to look again at a decision made by a computer alone.",
    },
    Choice {
        value: "withdraw_consent",
        label: "Withdrawal of consent",
        hint: "They no longer agree to something they agreed to before.",
    },
    Choice {
        value: "complaint",
        label: "Complaint",
        hint: "They are unhappy with how you handled their personal data.",
    },
];

const CHANNELS: [Choice; 6] = [
    Choice { value: "email", label: "Email", hint: "" },
    Choice { value: "letter", label: "Letter", hint: "" },
    Choice { value: "phone", label: "Telephone", hint: "" },
    Choice { value: "web_form", label: "Web form", hint: "" },
    Choice { value: "in_person", label: "In person", hint: "" },
    Choice { value: "social_media", label: "Social media", hint: "" },
];

const MADE_BY: [Choice; 2] = [
    Choice { value: "subject", label: "The person themselves", hint: "" },
    Choice {
        value: "representative",
        label: "Someone acting for them",
        hint: "For example a solicitor, a parent or an advocate.",
    },
];

const REGIONS: [Choice; 3] = [
    Choice { value: "england-and-wales", label: "England and Wales", hint: "" },
    Choice { value: "scotland", label: "Scotland", hint: "" },
    Choice { value: "northern-ireland", label: "Northern Ireland", hint: "" },
];

const OUTCOMES: [Choice; 3] = [
    Choice { value: "granted", label: "Granted in full", hint: "" },
    Choice { value: "partly_granted", label: "Partly granted", hint: "Some of it was given or done, some was not." },
    Choice { value: "refused", label: "Refused", hint: "Manifestly unfounded or excessive, or an exemption applies." },
];

const STATUS_FILTERS: [Choice; 3] = [
    Choice { value: "open", label: "Not closed", hint: "" },
    Choice { value: "closed", label: "Closed", hint: "" },
    Choice { value: "all", label: "All", hint: "" },
];

/// A kind of request in plain English.
pub fn kind_label(k: RequestKind) -> &'static str {
    KINDS.iter().find(|c| c.value == k.as_str()).map_or("Request", |c| c.label)
}

fn channel_label(c: Channel) -> &'static str {
    CHANNELS.iter().find(|x| x.value == c.as_str()).map_or("Other", |x| x.label)
}

/// A status in plain English.
pub fn status_label(s: RequestStatus) -> &'static str {
    match s {
        RequestStatus::Open => "Open",
        RequestStatus::AwaitingIdentity => "Waiting for proof of identity",
        RequestStatus::AwaitingClarification => "Waiting for clarification (clock paused)",
        RequestStatus::Extended => "Extended",
        RequestStatus::Decided => "Decided, response not sent",
        RequestStatus::Responded => "Response sent",
        RequestStatus::Closed => "Closed",
    }
}

fn status_class(s: RequestStatus) -> &'static str {
    match s {
        RequestStatus::Closed | RequestStatus::Responded => "tag--closed",
        RequestStatus::AwaitingIdentity | RequestStatus::AwaitingClarification => "tag--acknowledged",
        _ => "tag--new",
    }
}

/// `text`, then what was asked for or received, when recorded.
fn with_note(text: &str, e: &RequestEvent) -> String {
    match e.note.as_deref().filter(|n| !n.trim().is_empty()) {
        Some(n) => format!("{text}: {n}"),
        None => text.to_string(),
    }
}

/// Whether an event's form has a box for what was asked for or received.
fn has_note(kind: EventKind) -> bool {
    matches!(
        kind,
        EventKind::IdentityRequested
            | EventKind::IdentityReceived
            | EventKind::ClarificationAsked
            | EventKind::ClarificationReceived
    )
}

fn event_label(e: &RequestEvent) -> String {
    match e.kind {
        EventKind::IdentityRequested => with_note("Proof of identity asked for", e),
        EventKind::IdentityReceived => with_note("Proof of identity received (the clock started again)", e),
        EventKind::ClarificationAsked => with_note("Clarification asked for (the clock paused)", e),
        EventKind::ClarificationReceived => with_note("Clarification received (the clock ran again)", e),
        EventKind::Extended => match &e.reason {
            Some(r) => format!("Time limit extended by two months. Reason: {r}"),
            None => "Time limit extended by two months".into(),
        },
        EventKind::Decision => {
            let mut out = match e.outcome {
                Some(DecisionOutcome::Granted) => "Decided: granted in full".to_string(),
                Some(DecisionOutcome::PartlyGranted) => "Decided: partly granted".into(),
                Some(DecisionOutcome::Refused) => "Decided: refused".into(),
                None => "Decided".into(),
            };
            if let Some(g) = e.ground {
                out.push_str(&format!(". Ground: {} ({})", g.label(), g.citation()));
            }
            if let Some(r) = e.reason.as_deref().filter(|r| !r.trim().is_empty()) {
                out.push_str(&format!(". Reasons: {r}"));
            }
            out
        }
        EventKind::ResponseSent => "Response sent".into(),
        EventKind::Closed => "Closed".into(),
    }
}

fn days(n: i64) -> String {
    if n == 1 { "1 day".into() } else { format!("{n} days") }
}

/// How a due date stands today, in words: (tag text, tag class, text beside it).
/// Nothing for requests already answered.
fn due_words(status: RequestStatus, due: Date, today: Date) -> Option<(&'static str, &'static str, String)> {
    if matches!(status, RequestStatus::Responded | RequestStatus::Closed) {
        return None;
    }
    let left = i64::from((due - today).get_days());
    Some(match left {
        n if n < 0 => ("Overdue", "tag--late", format!("by {}", days(-n))),
        0 => ("Due today", "tag--late", String::new()),
        n if n <= 7 => ("Due soon", "tag--soon", format!("{} left", days(n))),
        n => ("On time", "tag--new", format!("{} left", days(n))),
    })
}

/// A date typed as day, month and year; all blank is no date.
fn parse_date(day: &str, month: &str, year: &str) -> Result<Option<Date>, &'static str> {
    let (d, m, y) = (day.trim(), month.trim(), year.trim());
    if d.is_empty() && m.is_empty() && y.is_empty() {
        return Ok(None);
    }
    if d.is_empty() || m.is_empty() || y.is_empty() {
        return Err("must include a day, a month and a year");
    }
    if y.len() != 4 {
        return Err("must have a year of four digits, for example 2026");
    }
    let (Ok(d), Ok(m), Ok(y)) = (d.parse::<i8>(), m.parse::<i8>(), y.parse::<i16>()) else {
        return Err("must be a real date, for example 5 1 2026");
    };
    Date::new(y, m, d).map(Some).map_err(|_| "must be a real date, for example 5 1 2026")
}

type Pairs = Vec<(String, String)>;

fn value<'a>(pairs: &'a Pairs, name: &str) -> &'a str {
    pairs.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

// ---------------------------------------------------------------------------------
// The list
// ---------------------------------------------------------------------------------

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

async fn list(
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
    let today = uk_today();
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

// ---------------------------------------------------------------------------------
// Logging a request
// ---------------------------------------------------------------------------------

/// What was typed into the new-request form.
#[derive(Debug, Clone, Default)]
struct NewForm {
    kind: String,
    day: String,
    month: String,
    year: String,
    channel: String,
    made_by: String,
    region: String,
    subject_id: String,
    rep_name: String,
    rep_capacity: String,
    rep_evidence: String,
}

/// Capacities a representative may act in, for the select.
const CAPACITIES: [Choice; 6] = [
    Choice { value: "solicitor", label: "Solicitor or legal representative", hint: "" },
    Choice { value: "parent_or_guardian", label: "Parent or guardian of a child", hint: "" },
    Choice { value: "attorney", label: "Attorney (power of attorney) or court-appointed deputy", hint: "" },
    Choice { value: "advocate", label: "Advocate, support worker or advice agency", hint: "" },
    Choice { value: "relative_or_friend", label: "Relative or friend with written authority", hint: "" },
    Choice { value: "other", label: "Someone else with written authority", hint: "" },
];

impl NewForm {
    fn from_pairs(p: &Pairs) -> Self {
        Self {
            kind: value(p, "kind").into(),
            day: value(p, "received_on").into(),
            month: value(p, "received_on-month").into(),
            year: value(p, "received_on-year").into(),
            channel: value(p, "channel").into(),
            made_by: value(p, "made_by").into(),
            region: value(p, "region").into(),
            subject_id: value(p, "subject_id").trim().into(),
            rep_name: value(p, "rep_name").trim().into(),
            rep_capacity: value(p, "rep_capacity").into(),
            rep_evidence: value(p, "rep_evidence").trim().into(),
        }
    }

    fn to_new(&self) -> Result<NewRequest, FormErrors> {
        let mut errors = FormErrors::new();
        let kind = self.kind.parse::<RequestKind>().ok();
        if kind.is_none() {
            errors.add("kind", "Choose what the request is for");
        }
        let received = match parse_date(&self.day, &self.month, &self.year) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                errors.add("received_on", "Enter the date the request was received");
                None
            }
            Err(m) => {
                errors.add("received_on", sentence("The date received", m));
                None
            }
        };
        let channel = self.channel.parse::<Channel>().ok();
        if channel.is_none() {
            errors.add("channel", "Choose how the request arrived");
        }
        let made_by = self.made_by.parse::<MadeBy>().ok();
        if made_by.is_none() {
            errors.add("made_by", "Choose who made the request");
        }
        let region = self.region.parse::<Region>().ok();
        if region.is_none() {
            errors.add("region", "Choose whose bank holidays apply");
        }
        let representative = if made_by == Some(MadeBy::Representative) {
            if self.rep_name.is_empty() {
                errors.add("rep_name", "Enter the name of the person acting for the subject");
            }
            let capacity =
                serde_json::from_value::<Capacity>(serde_json::Value::String(self.rep_capacity.clone())).ok();
            if capacity.is_none() {
                errors.add("rep_capacity", "Choose in what capacity they act");
            }
            if self.rep_evidence.is_empty() {
                errors
                    .add("rep_evidence", "Say what evidence of their authority they gave, or that it is still awaited");
            }
            capacity.map(|capacity| Representative {
                name: self.rep_name.clone(),
                capacity,
                evidence: self.rep_evidence.clone(),
                evidence_received_on: None,
            })
        } else {
            None
        };
        match (kind, received, channel, made_by, region) {
            (Some(kind), Some(received_on), Some(channel), Some(made_by), Some(region)) if errors.is_empty() => {
                Ok(NewRequest {
                    kind,
                    received_on,
                    subject_id: Some(self.subject_id.clone()).filter(|s| !s.is_empty()),
                    channel,
                    region: Some(region),
                    made_by,
                    assigned_to: None,
                    representative,
                })
            }
            _ => Err(errors),
        }
    }
}

#[derive(Template)]
#[template(path = "pages/request_form.html")]
struct NewPage {
    page: PageContext,
    errors: FormErrors,
    form: NewForm,
    kinds: [Choice; 10],
    channels: [Choice; 6],
    made_by: [Choice; 2],
    regions: [Choice; 3],
    capacities: [Choice; 6],
}

fn new_form_page(page: PageContext, errors: FormErrors, form: NewForm) -> NewPage {
    NewPage {
        page,
        errors,
        form,
        kinds: KINDS,
        channels: CHANNELS,
        made_by: MADE_BY,
        regions: REGIONS,
        capacities: CAPACITIES,
    }
}

/// `?subject=<id>` of the new-request page (an id, never personal data).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewQuery {
    subject: String,
}

async fn new_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    q: Result<Query<NewQuery>, QueryRejection>,
) -> Response {
    let subject = q.map(|Query(q)| q.subject).unwrap_or_default();
    let app = s.app.clone();
    let loaded = run(move || {
        app.require(&session.ctx, Permission::SubjectCreate, "request", "")?;
        let org = app.org_settings()?;
        Ok((page(&app, &session, "requests"), org.region))
    })
    .await;
    match loaded {
        Ok((page, region)) => {
            let form = NewForm {
                channel: "email".into(),
                made_by: "subject".into(),
                region: region.as_str().into(),
                subject_id: subject.trim().chars().filter(|c| c.is_ascii_hexdigit() || *c == '-').collect(),
                ..NewForm::default()
            };
            render(&new_form_page(page, FormErrors::new(), form))
        }
        Err(r) => r,
    }
}

/// An application refusal of the new-request form, on its field.
fn new_error(field: &str, message: &str) -> (String, String) {
    let (id, label) = match field {
        "kind" => ("kind", "What the request is for"),
        "received_on" => ("received_on", "The date received"),
        "channel" => ("channel", "How it arrived"),
        "region" => ("region", "The region"),
        "made_by" => ("made_by", "Who made it"),
        "subject_id" => ("subject_id", "The subject's record id"),
        "representative.name" => ("rep_name", "The representative's name"),
        "representative.evidence" => ("rep_evidence", "The evidence of authority"),
        _ => ("kind", "This request"),
    };
    (id.to_string(), sentence(label, message))
}

enum Created {
    Done(String),
    /// Logged by a role that may not open requests: say so, with the reference.
    Logged(Box<MessagePage>),
    Failed(Box<NewPage>),
}

async fn create(State(s): State<AppState>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let form = NewForm::from_pairs(&f.form);
    let result = run(move || {
        app.require(&session.ctx, Permission::SubjectCreate, "request", "")?;
        let failed =
            |errors| Created::Failed(Box::new(new_form_page(page(&app, &session, "requests"), errors, form.clone())));
        let input = match form.to_new() {
            Ok(v) => v,
            Err(errors) => return Ok(failed(errors)),
        };
        match app.create_request(&session.ctx, input) {
            Ok(v) if session.user.role.can(Permission::SubjectRead) => Ok(Created::Done(v.id)),
            Ok(v) => Ok(Created::Logged(Box::new(MessagePage {
                page: page(&app, &session, "requests"),
                heading: "Request logged".into(),
                paragraphs: vec![
                    format!("Its reference is {}. Give this reference if anyone asks about it.", v.reference),
                    "Your data protection officer and caseworkers can now see it and its due date.".into(),
                ],
                link: Some(("/requests/new".into(), "Log another request".into())),
            }))),
            Err(AppError::Invalid(fe)) => {
                let (id, message) = new_error(&fe.field, &fe.message);
                let mut errors = FormErrors::new();
                errors.add(id, message);
                Ok(failed(errors))
            }
            Err(e) => Err(e),
        }
    })
    .await;
    match result {
        Ok(Created::Done(id)) => redirect(&format!("/requests/{id}?done=created")),
        Ok(Created::Logged(p)) => render(p.as_ref()),
        Ok(Created::Failed(p)) => render_status(StatusCode::UNPROCESSABLE_ENTITY, p.as_ref()),
        Err(r) => r,
    }
}

// ---------------------------------------------------------------------------------
// One request
// ---------------------------------------------------------------------------------

struct TimelineRow {
    on: String,
    what: String,
    by: String,
}

/// A form to record one kind of event.
struct EventForm {
    /// The event kind's machine name, also the prefix of the form's field ids.
    kind: &'static str,
    heading: &'static str,
    hint: String,
    button: &'static str,
    date_id: String,
    day: String,
    month: String,
    year: String,
    /// The id of the reason box, for extensions and decisions.
    reason_id: Option<String>,
    reason_label: &'static str,
    reason_hint: &'static str,
    reason: String,
    /// The id of the box for what was asked for or received (identity, clarification).
    note_id: Option<String>,
    note_label: &'static str,
    note: String,
    /// The id of the outcome radios, for decisions.
    outcome_id: Option<String>,
    outcome: String,
    /// The id of the refusal-ground select, for decisions on rights requests.
    ground_id: Option<String>,
    ground: String,
    /// The grounds this kind of request may be refused on.
    grounds: Vec<SelectOption>,
}

#[derive(Template)]
#[template(path = "pages/request.html")]
struct RequestPage {
    page: PageContext,
    errors: FormErrors,
    r: RequestView,
    kind: &'static str,
    channel: &'static str,
    made_by: &'static str,
    region: &'static str,
    status: &'static str,
    status_class: &'static str,
    received: String,
    statutory_due: String,
    policy_due: String,
    policy_target: String,
    nearer: String,
    due_tag: Option<(&'static str, &'static str, String)>,
    extension_notice: Option<String>,
    timeline: Vec<TimelineRow>,
    forms: Vec<EventForm>,
    outcomes: [Choice; 3],
    can_record: bool,
    steps: Vec<StepLine>,
    searches: Vec<SearchLine>,
    search: SearchForm,
    /// Searches of uploaded files run from this request.
    scans: Vec<ScanLine>,
    /// Whether files may be searched here (a subject is linked and the caller may record).
    can_scan: bool,
    /// Active systems and processors on the register, for the search log.
    systems: Vec<SelectOption>,
    /// Who the request is assigned to, in words.
    assigned: String,
    /// Whether the caller may assign it (and the users it may go to).
    can_assign: bool,
    assignees: Vec<SelectOption>,
    assignee: String,
    /// The subject's restriction of processing, in words, when restricted.
    restriction: Option<String>,
    /// Whether to say so when there is none (restriction requests).
    show_restriction: bool,
    /// The erasure tasks section of an erasure request.
    erasure: Option<ErasureSection>,
    /// Whether to offer "Correct the record" (open rectification requests about a subject).
    can_rectify: bool,
    task_outcomes: [Choice; 3],
}

/// An erasure request's tasks: one per system or processor told to erase (Art 19).
struct ErasureSection {
    /// Whether erasure was approved (the certificate exists).
    approved: bool,
    tasks: Vec<TaskLine>,
    /// Active register entries without a task yet.
    addable: Vec<SelectOption>,
    /// The entry chosen in the add form.
    add: String,
}

/// One erasure task, with its confirmation form when pending.
struct TaskLine {
    id: String,
    system: String,
    kind: &'static str,
    contact: String,
    status: &'static str,
    status_class: &'static str,
    pending: bool,
    /// "On DATE, recorded by NAME", once confirmed.
    confirmed: String,
    note: String,
    // The confirmation form's fields (ids are `task-ID-status`, `task-ID-on`, `task-ID-note`).
    status_id: String,
    on_id: String,
    note_id: String,
    chosen: String,
    day: String,
    month: String,
    year: String,
    typed_note: String,
}

/// One step of the request's checklist.
struct StepLine {
    id: String,
    title: String,
    description: String,
    /// "Done by NAME on DATE", when done.
    done: Option<String>,
}

/// One entry of the search log, for the table.
struct SearchLine {
    system: String,
    on: String,
    by: String,
    terms: String,
    hits: i64,
    processor: bool,
    answer: String,
}

/// One search of files, for the list.
struct ScanLine {
    id: String,
    when: String,
    by: String,
    documents: i64,
    found: i64,
    third_party: i64,
    skipped: i64,
    included: i64,
    undecided: i64,
}

/// What was typed into the search-log form.
#[derive(Debug, Clone, Default)]
struct SearchForm {
    /// The register entry chosen (`other` or empty: typed in `system`).
    system_id: String,
    /// Whether the form had the register select (there are active entries).
    with_register: bool,
    system: String,
    day: String,
    month: String,
    year: String,
    terms: String,
    hits: String,
    processor: bool,
    answer: String,
}

/// The grounds a request of `kind` may be refused on, for the select: none chosen
/// first, then each ground in plain words with its legal source.
fn grounds_for(kind: RequestKind) -> Vec<SelectOption> {
    let mut out = vec![SelectOption::new("", "No ground: not refused")];
    out.extend(
        RefusalGround::for_kind(kind)
            .into_iter()
            .map(|g| SelectOption::new(g.as_str(), format!("{} ({})", g.label(), g.citation()))),
    );
    out
}

/// A register entry's kind, in words.
fn system_kind_label(k: SystemKind) -> &'static str {
    match k {
        SystemKind::System => "Our system",
        SystemKind::Processor => "Processor",
    }
}

fn task_status_class(s: TaskStatus) -> &'static str {
    match s {
        TaskStatus::Pending => "tag--soon",
        TaskStatus::Erased | TaskStatus::NotHeld => "tag--closed",
        TaskStatus::Refused => "tag--late",
    }
}

/// The outcomes a task can be confirmed with.
const TASK_OUTCOMES: [Choice; 3] = [
    Choice { value: "erased", label: "Erased", hint: "They confirmed the person's data was erased." },
    Choice { value: "not_held", label: "Nothing held", hint: "They confirmed they held nothing about the person." },
    Choice {
        value: "refused",
        label: "Not erased",
        hint: "They kept it, for example to meet a legal obligation. Say why in the note.",
    },
];

fn task_line(t: ErasureTask, names: &std::collections::HashMap<String, String>, today: Date) -> TaskLine {
    let confirmed = match (&t.confirmed_on, &t.confirmed_by) {
        (Some(on), Some(by)) => format!("{}, recorded by {}", long_date(*on), who(names, by)),
        (Some(on), None) => long_date(*on),
        _ => String::new(),
    };
    TaskLine {
        status_id: format!("task-{}-status", t.id),
        on_id: format!("task-{}-on", t.id),
        note_id: format!("task-{}-note", t.id),
        chosen: String::new(),
        day: today.day().to_string(),
        month: today.month().to_string(),
        year: today.year().to_string(),
        typed_note: String::new(),
        system: t.system_name,
        kind: system_kind_label(t.system_kind),
        contact: t.contact,
        status: t.status.label(),
        status_class: task_status_class(t.status),
        pending: t.status == TaskStatus::Pending,
        confirmed,
        note: t.note,
        id: t.id,
    }
}

fn policy_words(target: &str) -> String {
    let (n, unit) = target.split_at(target.len().saturating_sub(1));
    match unit {
        "h" => format!("{n} hours"),
        "d" => format!("{n} calendar days"),
        _ => target.to_string(),
    }
}

/// What can be recorded next, in the order things usually happen.
fn next_events(r: &RequestView) -> Vec<EventKind> {
    let has = |k: EventKind| r.events.iter().any(|e| e.event.kind == k);
    if r.status == RequestStatus::Closed {
        return Vec::new();
    }
    let complaint = r.kind == RequestKind::Complaint;
    let awaiting = r.status == RequestStatus::AwaitingClarification;
    let mut out = Vec::new();
    if !complaint {
        let clarified = has(EventKind::ClarificationAsked);
        if !has(EventKind::IdentityReceived) && !clarified {
            if !has(EventKind::IdentityRequested) {
                out.push(EventKind::IdentityRequested);
            }
            out.push(EventKind::IdentityReceived);
        }
        if awaiting {
            out.push(EventKind::ClarificationReceived);
        } else {
            out.push(EventKind::ClarificationAsked);
        }
        if !has(EventKind::Extended) {
            out.push(EventKind::Extended);
        }
    }
    if !has(EventKind::Decision) {
        out.push(EventKind::Decision);
    }
    if !has(EventKind::ResponseSent) {
        out.push(EventKind::ResponseSent);
    } else if !awaiting {
        out.push(EventKind::Closed);
    }
    out
}

fn event_form(kind: EventKind, r: &RequestView, today: Date) -> EventForm {
    let k = kind.as_str();
    let (heading, hint, button) = match kind {
        EventKind::IdentityRequested => {
            ("Proof of identity asked for", String::new(), "Record that proof of identity was asked for")
        }
        EventKind::IdentityReceived => (
            "Proof of identity received",
            "The one-month clock starts again, whole, from this day.".into(),
            "Record proof of identity received",
        ),
        EventKind::ClarificationAsked => (
            "Clarification asked for",
            "The clock pauses until the answer arrives.".into(),
            "Record that clarification was asked for",
        ),
        EventKind::ClarificationReceived => (
            "Clarification received",
            "The clock runs again; the days it was paused are added.".into(),
            "Record clarification received",
        ),
        EventKind::Extended => (
            "Extend the time limit by two months",
            format!(
                "Only for complex or numerous requests. You must tell the requester, with your reasons, by {}.",
                long_date(r.extension_notice_by)
            ),
            "Record the extension",
        ),
        EventKind::Decision => (
            "Decision",
            if r.kind == RequestKind::Complaint {
                "If the complaint is not upheld in full, give the reasons.".into()
            } else {
                "If you refuse or partly grant it, choose the ground and give the reasons: the requester must be told \
                 them and of their right to complain to the Information Commissioner's Office (ICO)."
                    .into()
            },
            "Record the decision",
        ),
        EventKind::ResponseSent => ("Response sent", String::new(), "Record the response as sent"),
        EventKind::Closed => ("Close the request", String::new(), "Close the request"),
    };
    EventForm {
        kind: k,
        heading,
        hint,
        button,
        date_id: format!("{k}-on"),
        day: today.day().to_string(),
        month: today.month().to_string(),
        year: today.year().to_string(),
        reason_id: matches!(kind, EventKind::Extended | EventKind::Decision).then(|| format!("{k}-reason")),
        reason_label: if kind == EventKind::Decision { "Reasons" } else { "Reasons for the extension" },
        reason_hint: if kind == EventKind::Decision {
            "Needed when the request is refused or partly granted. The requester must be told these."
        } else {
            "The requester must be told these."
        },
        reason: String::new(),
        note_id: has_note(kind).then(|| format!("{k}-note")),
        note_label: match kind {
            EventKind::IdentityRequested => "What was asked for (optional)",
            EventKind::ClarificationAsked => "What they were asked to clarify (optional)",
            _ => "What was received (optional)",
        },
        note: String::new(),
        outcome_id: (kind == EventKind::Decision).then(|| format!("{k}-outcome")),
        outcome: String::new(),
        ground_id: (kind == EventKind::Decision && r.kind != RequestKind::Complaint).then(|| format!("{k}-ground")),
        ground: String::new(),
        grounds: grounds_for(r.kind),
    }
}

fn request_page(
    page: PageContext,
    errors: FormErrors,
    r: RequestView,
    names: &std::collections::HashMap<String, String>,
    can_record: bool,
    today: Date,
) -> RequestPage {
    let gap = i64::from((r.statutory_due_on - r.policy_due_on).get_days()).abs();
    let nearer = if r.statutory_due_on == r.policy_due_on {
        "Both dates are the same day.".to_string()
    } else {
        match r.due_basis {
            DueBasis::Policy => {
                format!("Your policy date is nearer, by {}. Work to {}.", days(gap), long_date(r.policy_due_on))
            }
            DueBasis::Statutory => {
                format!("The statutory date is nearer, by {}. Work to {}.", days(gap), long_date(r.statutory_due_on))
            }
        }
    };
    let extended = r.events.iter().any(|e| e.event.kind == EventKind::Extended);
    let extension_notice = (r.kind != RequestKind::Complaint
        && !extended
        && !matches!(r.status, RequestStatus::Responded | RequestStatus::Closed)
        && today <= r.extension_notice_by)
        .then(|| long_date(r.extension_notice_by));
    let timeline = r
        .events
        .iter()
        .map(|e| TimelineRow { on: long_date(e.event.on), what: event_label(&e.event), by: who(names, &e.actor) })
        .collect();
    let forms =
        if can_record { next_events(&r).into_iter().map(|k| event_form(k, &r, today)).collect() } else { Vec::new() };
    RequestPage {
        page,
        errors,
        kind: kind_label(r.kind),
        channel: channel_label(r.channel),
        made_by: if r.made_by == MadeBy::Representative { "Someone acting for them" } else { "The person themselves" },
        region: r.region.label(),
        status: status_label(r.status),
        status_class: status_class(r.status),
        received: long_date(r.received_on),
        statutory_due: long_date(r.statutory_due_on),
        policy_due: long_date(r.policy_due_on),
        policy_target: policy_words(&r.policy_target),
        nearer,
        due_tag: due_words(r.status, r.due_on, today),
        extension_notice,
        timeline,
        forms,
        outcomes: OUTCOMES,
        can_record,
        steps: Vec::new(),
        searches: Vec::new(),
        scans: Vec::new(),
        can_scan: false,
        systems: Vec::new(),
        assigned: r.assigned_to.as_deref().map_or_else(|| "Nobody".into(), |u| assignee_name(names, u)),
        can_assign: false,
        assignees: Vec::new(),
        assignee: r.assigned_to.clone().unwrap_or_default(),
        restriction: None,
        show_restriction: r.kind == RequestKind::Restriction,
        erasure: None,
        task_outcomes: TASK_OUTCOMES,
        can_rectify: can_record
            && r.kind == RequestKind::Rectification
            && r.subject_id.is_some()
            && r.status != RequestStatus::Closed,
        search: SearchForm {
            day: today.day().to_string(),
            month: today.month().to_string(),
            year: today.year().to_string(),
            ..SearchForm::default()
        },
        r,
    }
}

/// The day part of a stored timestamp, in words (as stored when it is not a date).
fn day_of(stamp: &str) -> String {
    stamp.get(..10).and_then(|d| d.parse::<Date>().ok()).map_or_else(|| stamp.to_string(), long_date)
}

/// `?done=` after something was recorded.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DoneQuery {
    done: String,
}

fn flash(done: &str) -> Option<String> {
    let text = match done {
        "created" => "Request logged",
        "identity_requested" => "Recorded: proof of identity asked for",
        "identity_received" => "Recorded: proof of identity received",
        "clarification_asked" => "Recorded: clarification asked for",
        "clarification_received" => "Recorded: clarification received",
        "extended" => "Recorded: time limit extended",
        "decision" => "Recorded: decision",
        "response_sent" => "Recorded: response sent",
        "closed" => "Request closed",
        "step" => "Checklist updated",
        "search" => "Search recorded",
        "assigned" => "Assignment saved",
        "task_added" => "Erasure task added",
        "task_confirmed" => "Erasure task confirmed",
        "unchanged" => "Nothing was changed",
        "rectified" => "Record corrected. The change is recorded in the audit log against this request",
        _ => return None,
    };
    Some(text.to_string())
}

fn build(app: &App, session: &SessionInfo, id: &str, errors: FormErrors) -> AppResult<RequestPage> {
    let view = app.get_request(&session.ctx, id)?;
    let names = actor_names(app, &session.ctx)?;
    let can_record = session.user.role.can(Permission::SubjectUpdate);
    let kind = view.kind;
    let mut p = request_page(page(app, session, "requests"), errors, view, &names, can_record, uk_today());
    let described = app.checklist(kind).unwrap_or_default();
    p.steps = app
        .request_steps(&session.ctx, id)?
        .into_iter()
        .map(|s| StepLine {
            description: described
                .iter()
                .find(|d| d.id == s.step_id)
                .map(|d| d.description.clone())
                .unwrap_or_default(),
            done: s.done_at.as_deref().map(|at| {
                format!(
                    "Done by {} on {}",
                    s.done_by.as_deref().map_or_else(|| "someone".into(), |b| who(&names, b)),
                    day_of(at)
                )
            }),
            id: s.step_id,
            title: s.title,
        })
        .collect();
    let systems = app.systems(&session.ctx)?;
    let active: Vec<_> = systems.iter().filter(|s| s.retired_at.is_none()).collect();
    p.systems = active
        .iter()
        .map(|s| {
            let label = match s.kind {
                SystemKind::Processor => format!("{} (processor)", s.name),
                SystemKind::System => s.name.clone(),
            };
            SelectOption::new(s.id.clone(), label)
        })
        .collect();
    if session.user.role.can(Permission::AssignCases) {
        p.can_assign = true;
        p.assignees = vec![SelectOption::new("", "Nobody")];
        p.assignees.extend(
            app.list_users(&session.ctx)?
                .into_iter()
                .filter(|(u, _)| !u.disabled && u.role.can(Permission::SubjectUpdate))
                .map(|(u, _)| SelectOption::new(u.id, format!("{} ({})", u.display_name, u.role.label()))),
        );
    }
    if let Some(subject) = &p.r.subject_id {
        p.restriction = app.restriction(subject)?.map(|r| {
            format!(
                "Processing of this person's data is restricted since {} ({}). Their record cannot be changed, \
                 linked or exported until the data protection officer lifts the restriction.",
                day_of(&r.placed_at),
                r.ground.label()
            )
        });
    }
    if kind == RequestKind::Erasure {
        let today = uk_today();
        let approved = p.r.events.iter().any(|e| {
            e.event.kind == EventKind::Decision
                && matches!(e.event.outcome, Some(DecisionOutcome::Granted | DecisionOutcome::PartlyGranted))
        });
        let tasks = app.erasure_tasks(&session.ctx, id)?;
        let addable = active
            .iter()
            .filter(|s| !tasks.iter().any(|t| t.system_id == s.id))
            .map(|s| SelectOption::new(s.id.clone(), s.name.clone()))
            .collect();
        p.erasure = Some(ErasureSection {
            approved,
            tasks: tasks.into_iter().map(|t| task_line(t, &names, today)).collect(),
            addable,
            add: String::new(),
        });
    }
    p.can_scan = can_record && p.r.subject_id.is_some();
    p.scans = app
        .request_scans(&session.ctx, id)?
        .into_iter()
        .map(|v| ScanLine {
            when: uk_time(&v.created_at),
            by: who(&names, &v.created_by),
            documents: v.documents,
            found: v.found_documents,
            third_party: v.third_party,
            skipped: v.skipped,
            included: v.included_documents,
            undecided: v.undecided,
            id: v.id,
        })
        .collect();
    p.searches = app
        .request_searches(&session.ctx, id)?
        .into_iter()
        .map(|v: SearchView| SearchLine {
            on: v.searched_on.parse::<Date>().map_or(v.searched_on.clone(), long_date),
            by: who(&names, &v.searched_by),
            system: v.system,
            terms: v.terms,
            hits: v.hits,
            processor: v.processor,
            answer: v.answer.unwrap_or_default(),
        })
        .collect();
    Ok(p)
}

async fn show(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    q: Result<Query<DoneQuery>, QueryRejection>,
) -> Response {
    let done = q.map(|Query(q)| q.done).unwrap_or_default();
    let app = s.app.clone();
    match run(move || build(&app, &session, &id, FormErrors::new())).await {
        Ok(mut p) => {
            p.page.flash = flash(&done);
            render(&p)
        }
        Err(r) => r,
    }
}

/// Read an event form about a request of `request_kind`: its kind is `kind`; its fields
/// are prefixed by the kind.
fn read_event(p: &Pairs, request_kind: RequestKind) -> Result<RequestEvent, FormErrors> {
    let mut errors = FormErrors::new();
    let Ok(kind) = value(p, "kind").parse::<EventKind>() else {
        errors.add("events", "Choose what happened, using one of the forms below");
        return Err(errors);
    };
    let k = kind.as_str();
    let date_id = format!("{k}-on");
    let on = match parse_date(
        value(p, &date_id),
        value(p, &format!("{date_id}-month")),
        value(p, &format!("{date_id}-year")),
    ) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            errors.add(date_id.clone(), "Enter the date it happened");
            None
        }
        Err(m) => {
            errors.add(date_id.clone(), sentence("The date", m));
            None
        }
    };
    let reason = match kind {
        EventKind::Extended => {
            let r = value(p, &format!("{k}-reason")).trim();
            if r.is_empty() {
                errors
                    .add(format!("{k}-reason"), "Give the reasons for the extension: the requester must be told them");
            }
            Some(r.to_string())
        }
        EventKind::Decision => Some(value(p, &format!("{k}-reason")).trim().to_string()).filter(|r| !r.is_empty()),
        _ => None,
    };
    let outcome = if kind == EventKind::Decision {
        let o = match value(p, &format!("{k}-outcome")) {
            "granted" => Some(DecisionOutcome::Granted),
            "partly_granted" => Some(DecisionOutcome::PartlyGranted),
            "refused" => Some(DecisionOutcome::Refused),
            _ => None,
        };
        if o.is_none() {
            errors.add(format!("{k}-outcome"), "Choose whether the request was granted, partly granted or refused");
        }
        o
    } else {
        None
    };
    let complaint = request_kind == RequestKind::Complaint;
    let refusing = matches!(outcome, Some(DecisionOutcome::Refused | DecisionOutcome::PartlyGranted));
    // A ground is only for refusals: one left chosen on a granted request is ignored.
    let ground = if kind == EventKind::Decision && refusing && !complaint {
        match value(p, &format!("{k}-ground")) {
            "" => None,
            g => match g.parse::<RefusalGround>() {
                Ok(g) if g.applies_to(request_kind) => Some(g),
                _ => {
                    errors.add(format!("{k}-ground"), "Choose a ground of refusal from the list");
                    None
                }
            },
        }
    } else {
        None
    };
    if kind == EventKind::Decision && refusing {
        if outcome == Some(DecisionOutcome::Refused) && !complaint && ground.is_none() && !errors.has("decision-ground")
        {
            errors.add(format!("{k}-ground"), "Choose the ground of refusal");
        }
        if reason.is_none() {
            errors.add(
                format!("{k}-reason"),
                "Give the reasons: the requester must be told why, and of their right to complain to the ICO",
            );
        }
    }
    match on {
        Some(on) if errors.is_empty() => {
            let note = if has_note(kind) {
                Some(value(p, &format!("{k}-note")).trim().to_string()).filter(|n| !n.is_empty())
            } else {
                None
            };
            Ok(RequestEvent { kind, on, reason, outcome, ground, note })
        }
        _ => Err(errors),
    }
}

/// An application refusal of an event, on the field of that event's form.
fn event_error(kind: EventKind, field: &str, message: &str) -> (String, String) {
    let k = kind.as_str();
    match field {
        "reason" => (format!("{k}-reason"), sentence("The reason", message)),
        "note" => (format!("{k}-note"), sentence("The note", message)),
        "outcome" | "subject_id" => (format!("{k}-outcome"), sentence("The outcome", message)),
        "ground" => (format!("{k}-ground"), sentence("The ground of refusal", message)),
        "on" => (format!("{k}-on"), sentence("The date", message)),
        _ => (format!("{k}-on"), sentence("This", message)),
    }
}

enum Recorded {
    Done(EventKind),
    Failed(Box<RequestPage>),
}

async fn record(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let pairs = f.form;
    let target = id.clone();
    let result = run(move || {
        app.require(&session.ctx, Permission::SubjectUpdate, "request", &id)?;
        let refused = |errors: FormErrors, form: &Pairs| -> AppResult<Recorded> {
            let mut p = build(&app, &session, &id, errors)?;
            // Keep what was typed in the form that was sent.
            let kind = value(form, "kind");
            if let Some(ef) = p.forms.iter_mut().find(|ef| ef.kind == kind) {
                ef.day = value(form, &ef.date_id).into();
                ef.month = value(form, &format!("{}-month", ef.date_id)).into();
                ef.year = value(form, &format!("{}-year", ef.date_id)).into();
                ef.reason = value(form, &format!("{kind}-reason")).into();
                ef.note = value(form, &format!("{kind}-note")).into();
                ef.outcome = value(form, &format!("{kind}-outcome")).into();
                ef.ground = value(form, &format!("{kind}-ground")).into();
            }
            Ok(Recorded::Failed(Box::new(p)))
        };
        let request_kind = app.request_outline(&session.ctx, &id)?.kind;
        let event = match read_event(&pairs, request_kind) {
            Ok(e) => e,
            Err(errors) => return refused(errors, &pairs),
        };
        let kind = event.kind;
        match app.record_request_event(&session.ctx, &id, event) {
            Ok(_) => Ok(Recorded::Done(kind)),
            Err(AppError::Invalid(fe)) => {
                let (field, message) = event_error(kind, &fe.field, &fe.message);
                let mut errors = FormErrors::new();
                errors.add(field, message);
                refused(errors, &pairs)
            }
            // Approving erasure is the data protection officer's decision.
            Err(AppError::Forbidden(_)) if kind == EventKind::Decision => {
                let mut errors = FormErrors::new();
                errors.add(
                    format!("{kind}-outcome"),
                    "Only the data protection officer can approve erasure. Ask them to record this decision",
                );
                refused(errors, &pairs)
            }
            // A legal hold, or anything else the current state forbids, said on the form.
            Err(AppError::Conflict(m)) => {
                let mut errors = FormErrors::new();
                let field = if kind == EventKind::Decision { format!("{kind}-outcome") } else { format!("{kind}-on") };
                errors.add(field, crate::ui::pages::conflict_message(&m));
                refused(errors, &pairs)
            }
            Err(e) => Err(e),
        }
    })
    .await;
    match result {
        Ok(Recorded::Done(kind)) => redirect(&format!("/requests/{target}?done={kind}")),
        Ok(Recorded::Failed(p)) => render_status(StatusCode::UNPROCESSABLE_ENTITY, p.as_ref()),
        Err(r) => r,
    }
}

/// `POST /requests/{id}/steps/{step}` with `done=true|false`.
async fn set_step(State(s): State<AppState>, Path((id, step)): Path<(String, String)>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let done = value(&f.form, "done") == "true";
    let target = id.clone();
    match run(move || app.set_request_step(&session.ctx, &id, &step, done)).await {
        Ok(_) => redirect(&format!("/requests/{target}?done=step")),
        Err(r) => r,
    }
}

impl SearchForm {
    fn from_pairs(p: &Pairs) -> Self {
        Self {
            system_id: value(p, "search-system-id").trim().into(),
            with_register: p.iter().any(|(k, _)| k == "search-system-id"),
            system: value(p, "search-system").trim().into(),
            day: value(p, "search-on").into(),
            month: value(p, "search-on-month").into(),
            year: value(p, "search-on-year").into(),
            terms: value(p, "search-terms").into(),
            hits: value(p, "search-hits").trim().into(),
            processor: !value(p, "search-processor").is_empty(),
            answer: value(p, "search-answer").into(),
        }
    }

    fn to_new(&self) -> Result<NewSearch, FormErrors> {
        let mut errors = FormErrors::new();
        let from_register = !self.system_id.is_empty() && self.system_id != "other";
        if from_register {
            // The register entry names it.
        } else if self.system.is_empty() {
            if self.with_register && self.system_id.is_empty() {
                errors.add("search-system-id", "Choose the system you searched, or choose Other and type its name");
            } else {
                errors.add("search-system", "Enter the system you searched");
            }
        } else if self.system.chars().count() > 200 {
            errors.add("search-system", "The system must be 200 characters or fewer");
        }
        let on = match parse_date(&self.day, &self.month, &self.year) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                errors.add("search-on", "Enter the date you searched");
                None
            }
            Err(m) => {
                errors.add("search-on", sentence("The date searched", m));
                None
            }
        };
        if self.terms.trim().is_empty() {
            errors.add("search-terms", "Enter the search terms you used");
        }
        let hits = match self.hits.parse::<i64>() {
            Ok(n) if n >= 0 => Some(n),
            _ => {
                errors.add("search-hits", "Enter the number of items found, as a whole number, for example 0 or 12");
                None
            }
        };
        match (on, hits) {
            (Some(searched_on), Some(hits)) if errors.is_empty() => Ok(NewSearch {
                system_id: from_register.then(|| self.system_id.clone()),
                system: if from_register { String::new() } else { self.system.clone() },
                searched_on,
                terms: self.terms.trim().to_string(),
                hits,
                processor: self.processor,
                answer: Some(self.answer.trim().to_string()).filter(|a| !a.is_empty()),
            }),
            _ => Err(errors),
        }
    }
}

enum Searched {
    Done,
    Failed(Box<RequestPage>),
}

/// `POST /requests/{id}/searches`: add an entry to the search log.
async fn add_search(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let form = SearchForm::from_pairs(&f.form);
    let target = id.clone();
    let result = run(move || {
        app.require(&session.ctx, Permission::SubjectUpdate, "request", &id)?;
        let refused = |errors: FormErrors| -> AppResult<Searched> {
            let mut p = build(&app, &session, &id, errors)?;
            p.search = form.clone();
            Ok(Searched::Failed(Box::new(p)))
        };
        let input = match form.to_new() {
            Ok(i) => i,
            Err(errors) => return refused(errors),
        };
        match app.add_request_search(&session.ctx, &id, input) {
            Ok(_) => Ok(Searched::Done),
            Err(AppError::Invalid(fe)) => {
                let mut errors = FormErrors::new();
                let (field, what) = match fe.field.as_str() {
                    "hits" => ("search-hits", "The number of items found"),
                    "system_id" => ("search-system-id", "The system chosen"),
                    "searched_on" => ("search-on", "The date searched"),
                    _ => ("search-system", "The system"),
                };
                errors.add(field, sentence(what, &fe.message));
                refused(errors)
            }
            Err(e) => Err(e),
        }
    })
    .await;
    match result {
        Ok(Searched::Done) => redirect(&format!("/requests/{target}?done=search")),
        Ok(Searched::Failed(p)) => render_status(StatusCode::UNPROCESSABLE_ENTITY, p.as_ref()),
        Err(r) => r,
    }
}

// ---------------------------------------------------------------------------------
// Assignment, erasure tasks and the erasure certificate
// ---------------------------------------------------------------------------------

/// A form that failed: its page, to answer `422` with.
enum Posted {
    Done(&'static str),
    Failed(Box<RequestPage>),
}

fn posted(result: Result<Posted, Response>, id: &str) -> Response {
    match result {
        Ok(Posted::Done(done)) => redirect(&format!("/requests/{id}?done={done}")),
        Ok(Posted::Failed(p)) => render_status(StatusCode::UNPROCESSABLE_ENTITY, p.as_ref()),
        Err(r) => r,
    }
}

/// `POST /requests/{id}/assign` with `assigned_to` (a user id, or empty for nobody).
async fn assign(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let user = value(&f.form, "assigned_to").trim().to_string();
    let target = id.clone();
    let result = run(move || {
        app.require(&session.ctx, Permission::AssignCases, "request", &id)?;
        let who = Some(user.as_str()).filter(|u| !u.is_empty());
        match app.assign_request(&session.ctx, &id, who) {
            Ok(_) => Ok(Posted::Done("assigned")),
            Err(AppError::Invalid(fe)) => {
                let mut errors = FormErrors::new();
                errors.add("assigned_to", sentence("The person chosen", &fe.message));
                let mut p = build(&app, &session, &id, errors)?;
                p.assignee = user;
                Ok(Posted::Failed(Box::new(p)))
            }
            Err(e) => Err(e),
        }
    })
    .await;
    posted(result, &target)
}

/// `POST /requests/{id}/tasks` with `task-system`: tell one more system or processor.
async fn add_task(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let system = value(&f.form, "task-system").trim().to_string();
    let target = id.clone();
    let result = run(move || {
        app.require(&session.ctx, Permission::SubjectUpdate, "request", &id)?;
        let message = if system.is_empty() {
            "Choose the system or processor to ask".to_string()
        } else {
            match app.add_erasure_task(&session.ctx, &id, &system) {
                Ok(_) => return Ok(Posted::Done("task_added")),
                Err(AppError::Invalid(fe)) => sentence("The system chosen", &fe.message),
                Err(AppError::Conflict(m)) => crate::ui::pages::conflict_message(&m),
                Err(e) => return Err(e),
            }
        };
        let mut errors = FormErrors::new();
        errors.add("task-system", message);
        let mut p = build(&app, &session, &id, errors)?;
        if let Some(e) = p.erasure.as_mut() {
            e.add = system;
        }
        Ok(Posted::Failed(Box::new(p)))
    })
    .await;
    posted(result, &target)
}

/// `POST /requests/{id}/tasks/{task}`: record what a system or processor confirmed.
async fn confirm_task(
    State(s): State<AppState>,
    Path((id, task)): Path<(String, String)>,
    f: CsrfForm<Pairs>,
) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let form = f.form;
    let target = id.clone();
    let result = run(move || {
        app.require(&session.ctx, Permission::SubjectUpdate, "request", &id)?;
        let status_id = format!("task-{task}-status");
        let on_id = format!("task-{task}-on");
        let note_id = format!("task-{task}-note");
        let chosen = value(&form, &status_id).to_string();
        let note = value(&form, &note_id).trim().to_string();
        let (day, month, year) = (
            value(&form, &on_id).to_string(),
            value(&form, &format!("{on_id}-month")).to_string(),
            value(&form, &format!("{on_id}-year")).to_string(),
        );
        let mut errors = FormErrors::new();
        let status = match chosen.as_str() {
            "erased" => Some(TaskStatus::Erased),
            "not_held" => Some(TaskStatus::NotHeld),
            "refused" => Some(TaskStatus::Refused),
            _ => {
                errors.add(status_id.clone(), "Choose what they confirmed: erased, nothing held or not erased");
                None
            }
        };
        let on = match parse_date(&day, &month, &year) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                errors.add(on_id.clone(), "Enter the date they confirmed it");
                None
            }
            Err(m) => {
                errors.add(on_id.clone(), sentence("The date confirmed", m));
                None
            }
        };
        if status == Some(TaskStatus::Refused) && note.is_empty() {
            errors.add(note_id.clone(), "Say why it was not erased, for example the law that requires them to keep it");
        }
        if let (Some(status), Some(confirmed_on), true) = (status, on, errors.is_empty()) {
            let c = TaskConfirmation { status, confirmed_on, note: note.clone() };
            match app.confirm_erasure_task(&session.ctx, &id, &task, c) {
                Ok(_) => return Ok(Posted::Done("task_confirmed")),
                Err(AppError::Invalid(fe)) => {
                    let (field, what) = match fe.field.as_str() {
                        "confirmed_on" => (on_id.clone(), "The date confirmed"),
                        "note" => (note_id.clone(), "The note"),
                        _ => (status_id.clone(), "The outcome"),
                    };
                    errors.add(field, sentence(what, &fe.message));
                }
                Err(AppError::NotFound(_)) => {
                    errors.add(status_id.clone(), "This task was already confirmed, or is not on this request")
                }
                Err(e) => return Err(e),
            }
        }
        let mut p = build(&app, &session, &id, errors)?;
        if let Some(line) = p.erasure.as_mut().and_then(|e| e.tasks.iter_mut().find(|t| t.id == task)) {
            line.chosen = chosen;
            line.day = day;
            line.month = month;
            line.year = year;
            line.typed_note = note;
        }
        Ok(Posted::Failed(Box::new(p)))
    })
    .await;
    posted(result, &target)
}

/// One system's line on the certificate.
struct CertificateLine {
    system: String,
    kind: &'static str,
    outcome: &'static str,
    on: String,
    note: String,
}

#[derive(Template)]
#[template(path = "pages/certificate.html")]
struct CertificatePage {
    page: PageContext,
    c: ErasureCertificate,
    received: String,
    approved_on: String,
    approved_by: String,
    erased_at: String,
    erased_by: String,
    issued_at: String,
    lines: Vec<CertificateLine>,
    pending: usize,
}

/// `GET /requests/{id}/certificate`: the erasure certificate, printable. It holds no
/// personal data: the person is erased, and appears only as the request's reference.
async fn certificate(State(s): State<AppState>, SignedIn(session): SignedIn, Path(id): Path<String>) -> Response {
    let app = s.app.clone();
    let loaded = run(move || {
        let c = app.erasure_certificate(&session.ctx, &id)?;
        let names = actor_names(&app, &session.ctx)?;
        Ok((page(&app, &session, "requests"), c, names))
    })
    .await;
    let (page, c, names) = match loaded {
        Ok(v) => v,
        Err(r) => return r,
    };
    let lines: Vec<CertificateLine> = c
        .tasks
        .iter()
        .map(|t| CertificateLine {
            system: t.system_name.clone(),
            kind: system_kind_label(t.system_kind),
            outcome: t.status.label(),
            on: t.confirmed_on.map(long_date).unwrap_or_else(|| "Not yet confirmed".into()),
            note: t.note.clone(),
        })
        .collect();
    render(&CertificatePage {
        page,
        received: long_date(c.received_on),
        approved_on: c.approved_on.map(long_date).unwrap_or_default(),
        approved_by: c.approved_by.as_deref().map(|a| who(&names, a)).unwrap_or_default(),
        erased_at: c.erased_in_steward_at.as_deref().map(crate::ui::pages::uk_time).unwrap_or_default(),
        erased_by: c.erased_in_steward_by.as_deref().map(|a| who(&names, a)).unwrap_or_default(),
        issued_at: crate::ui::pages::uk_time(&c.issued_at),
        pending: c.tasks.iter().filter(|t| t.status == TaskStatus::Pending).count(),
        lines,
        c,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn due_dates_read_in_words() {
        let today = date(2026, 3, 10);
        let open = RequestStatus::Open;
        assert_eq!(due_words(open, date(2026, 3, 7), today).expect("open").0, "Overdue");
        assert_eq!(due_words(open, date(2026, 3, 7), today).expect("open").2, "by 3 days");
        assert_eq!(due_words(open, date(2026, 3, 9), today).expect("open").2, "by 1 day");
        assert_eq!(due_words(open, today, today).expect("open").0, "Due today");
        assert_eq!(due_words(open, date(2026, 3, 15), today).expect("open").2, "5 days left");
        assert_eq!(due_words(open, date(2026, 5, 15), today).expect("open").2, "66 days left");
        assert!(due_words(RequestStatus::Closed, date(2026, 3, 7), today).is_none());
    }

    #[test]
    fn refusal_grounds_follow_the_kind_and_decisions_read_them() {
        let values = |k| grounds_for(k).into_iter().map(|o| o.value).collect::<Vec<_>>();
        assert_eq!(values(RequestKind::Access)[0], "", "no ground first");
        assert!(values(RequestKind::Erasure).contains(&"legal_obligation".to_string()));
        assert!(!values(RequestKind::Access).contains(&"legal_obligation".to_string()));
        let pairs = |v: &[(&str, &str)]| v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Pairs>();
        let base =
            [("kind", "decision"), ("decision-on", "5"), ("decision-on-month", "1"), ("decision-on-year", "2026")];
        let mut refused = base.to_vec();
        refused.push(("decision-outcome", "refused"));
        let errors = read_event(&pairs(&refused), RequestKind::Access).expect_err("no ground, no reason");
        assert!(errors.has("decision-ground") && errors.has("decision-reason"));
        // A complaint has no ground; a granted request ignores one left chosen.
        refused.push(("decision-reason", "Not upheld: the letter was sent correctly."));
        let complaint = read_event(&pairs(&refused), RequestKind::Complaint).expect("a complaint needs no ground");
        assert_eq!(complaint.ground, None);
        let mut granted = base.to_vec();
        granted.extend([("decision-outcome", "granted"), ("decision-ground", "manifestly_excessive")]);
        assert_eq!(read_event(&pairs(&granted), RequestKind::Access).expect("granted").ground, None);
        refused.push(("decision-ground", "manifestly_excessive"));
        let e = read_event(&pairs(&refused), RequestKind::Access).expect("refused with ground and reasons");
        assert_eq!(e.ground, Some(RefusalGround::ManifestlyExcessive));
        assert!(e.reason.is_some());
    }

    #[test]
    fn every_kind_has_plain_words() {
        for k in RequestKind::ALL {
            assert_ne!(kind_label(*k), "Request", "{k}");
        }
        for c in Channel::ALL {
            assert_ne!(channel_label(*c), "Other", "{c}");
        }
        assert_eq!(kind_label(RequestKind::Access), "Subject access");
        assert_eq!(policy_words("72h"), "72 hours");
    }
}
