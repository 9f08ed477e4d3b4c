//! One request: its due dates and how they were worked out, its timeline, the forms to
//! record what may happen next, its checklist, search log and searches of files, who it
//! is assigned to, the subject's restriction, and an erasure request's tasks.

use super::erasure::{ErasureSection, TASK_OUTCOMES, task_line};
use super::event_forms::{EventForm, event_form};
use super::search_log::{ScanLine, SearchForm, SearchLine, StepLine};
use super::words::{
    OUTCOMES, channel_label, days, due_words, event_label, kind_label, policy_words, status_class, status_label,
};
use crate::session::SignedIn;
use crate::state::AppState;
use crate::ui::form::{Choice, DoneQuery, FormErrors, SelectOption};
use crate::ui::kit::{
    PageContext, actor_names, assignee_name, day_of, long_date, page, render, run, uk_time , who,
};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use jiff::civil::Date;
use std::collections::HashMap;
use steward_app::auth::SessionInfo;
use steward_app::checklists::SearchView;
use steward_core::register::system::SystemKind;
use steward_app::requests::RequestView;
use steward_app::{App, AppResult};
use steward_core::Permission;
use steward_core::request::{DecisionOutcome, DueBasis, EventKind, MadeBy, RequestKind, RequestStatus};
use steward_core::request_flow::next_events;

pub(super) struct TimelineRow {
    on: String,
    what: String,
    by: String,
}

#[derive(Template)]
#[template(path = "pages/request.html")]
pub(super) struct RequestPage {
    pub(super) page: PageContext,
    pub(super) errors: FormErrors,
    pub(super) r: RequestView,
    pub(super) kind: &'static str,
    pub(super) channel: &'static str,
    pub(super) made_by: &'static str,
    pub(super) region: &'static str,
    pub(super) status: &'static str,
    pub(super) status_class: &'static str,
    pub(super) received: String,
    pub(super) statutory_due: String,
    pub(super) policy_due: String,
    pub(super) policy_target: String,
    pub(super) nearer: String,
    pub(super) due_tag: Option<(&'static str, &'static str, String)>,
    pub(super) extension_notice: Option<String>,
    pub(super) timeline: Vec<TimelineRow>,
    pub(super) forms: Vec<EventForm>,
    pub(super) outcomes: [Choice; 3],
    pub(super) can_record: bool,
    pub(super) steps: Vec<StepLine>,
    pub(super) searches: Vec<SearchLine>,
    pub(super) search: SearchForm,
    /// Searches of uploaded files run from this request.
    pub(super) scans: Vec<ScanLine>,
    /// Whether files may be searched here (a subject is linked and the caller may record).
    pub(super) can_scan: bool,
    /// Active systems and processors on the register, for the search log.
    pub(super) systems: Vec<SelectOption>,
    /// Who the request is assigned to, in words.
    pub(super) assigned: String,
    /// Whether the caller may assign it (and the users it may go to).
    pub(super) can_assign: bool,
    pub(super) assignees: Vec<SelectOption>,
    pub(super) assignee: String,
    /// The subject's restriction of processing, in words, when restricted.
    pub(super) restriction: Option<String>,
    /// Whether to say so when there is none (restriction requests).
    pub(super) show_restriction: bool,
    /// The erasure tasks section of an erasure request.
    pub(super) erasure: Option<ErasureSection>,
    /// Whether to offer "Correct the record" (open rectification requests about a subject).
    pub(super) can_rectify: bool,
    pub(super) task_outcomes: [Choice; 3],
}

fn request_page(
    page: PageContext,
    errors: FormErrors,
    r: RequestView,
    names: &HashMap<String, String>,
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
    let forms = if can_record {
        let recorded: Vec<EventKind> = r.events.iter().map(|e| e.event.kind).collect();
        next_events(r.kind, r.status, &recorded).into_iter().map(|k| event_form(k, &r, today)).collect()
    } else {
        Vec::new()
    };
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
        search: SearchForm::blank(today),
        r,
    }
}

/// The message after something was recorded (`?done=`).
const DONE: &[(&str, &str)] = &[
    ("created", "Request logged"),
    ("identity_requested", "Recorded: proof of identity asked for"),
    ("identity_received", "Recorded: proof of identity received"),
    ("clarification_asked", "Recorded: clarification asked for"),
    ("clarification_received", "Recorded: clarification received"),
    ("extended", "Recorded: time limit extended"),
    ("decision", "Recorded: decision"),
    ("response_sent", "Recorded: response sent"),
    ("closed", "Request closed"),
    ("step", "Checklist updated"),
    ("search", "Search recorded"),
    ("assigned", "Assignment saved"),
    ("task_added", "Erasure task added"),
    ("task_confirmed", "Erasure task confirmed"),
    ("unchanged", "Nothing was changed"),
    ("rectified", "Record corrected. The change is recorded in the audit log against this request"),
];

pub(super) fn build(app: &App, session: &SessionInfo, id: &str, errors: FormErrors) -> AppResult<RequestPage> {
    let view = app.get_request(&session.ctx, id)?;
    let names = actor_names(app, &session.ctx)?;
    let can_record = session.user.role.can(Permission::SubjectUpdate);
    let kind = view.kind;
    let mut p = request_page(page(app, session, "requests"), errors, view, &names, can_record, app.today());
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
        let today = app.today();
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

pub(super) async fn show(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    q: Result<Query<DoneQuery>, QueryRejection>,
) -> Response {
    let done = q.map(|Query(q)| q).unwrap_or_default();
    let app = s.app.clone();
    match run(move || build(&app, &session, &id, FormErrors::new())).await {
        Ok(mut p) => {
            p.page.flash = done.flash(DONE);
            render(&p)
        }
        Err(r) => r,
    }
}
