//! One record of the inventory: its destroy-by date and why, its facts (changed by
//! those who keep the registers; the date is worked out again), and the legal holds on
//! it with the form to place one (see [`crate::ui::holds`]).

use super::facts::{EventField, FlagField, event_boxes, flag_fields, record_errors, typed_events, typed_flags};
use super::words::{line, type_uses};
use crate::session::{CsrfForm, SignedIn};
use crate::state::AppState;
use crate::ui::form::{Choice, DoneQuery, FormErrors, Outcome, Pairs, answer};
use crate::ui::holds::{Change, HoldForm, HoldHost, HoldLine, Typed, hold_lines};
use crate::ui::kit::{PageContext, actor_names, page, refusal, render, run, uk_time};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use std::collections::BTreeMap;
use steward_app::auth::SessionInfo;
use steward_app::erasure::NewHold;
use steward_app::retention::RecordPatch;
use steward_app::{App, AppError, AppResult};
use steward_core::Permission;

/// The record as its page shows it.
struct RecordView {
    id: String,
    reference: String,
    type_name: String,
    location: String,
    month: String,
    date: String,
    rule: String,
    explanation: String,
    missing: String,
    held: bool,
    hold_count: usize,
    status: &'static str,
    destroyed: bool,
    subject_id: String,
    created: String,
    updated: String,
    scope_hint: String,
}

const HOLD_SCOPES: [Choice; 2] = [
    Choice { value: "record", label: "This record only", hint: "" },
    Choice {
        value: "record_type",
        label: "Every record of this type",
        hint: "For example while a claim about how these records were handled is open.",
    },
];

#[derive(Template)]
#[template(path = "pages/record.html")]
struct RecordPage {
    page: PageContext,
    errors: FormErrors,
    r: RecordView,
    used: Vec<EventField>,
    other: Vec<EventField>,
    flags: Vec<FlagField>,
    can_edit: bool,
    can_see_holds: bool,
    holds: Vec<HoldLine>,
    can_manage_holds: bool,
    scopes: [Choice; 2],
    /// The place-a-hold form, as typed.
    hold: HoldForm,
}

fn record_for(
    app: &App,
    session: &SessionInfo,
    id: &str,
    errors: FormErrors,
    typed: Option<&Pairs>,
) -> AppResult<RecordPage> {
    let r = app.record(&session.ctx, id)?;
    let info = app.schedule_info(&session.ctx)?;
    let (used, _) = type_uses(info.as_ref(), &r.record_type);
    let (used, other) = event_boxes(typed, &r.events, &used);
    let flags = flag_fields(&typed.map(typed_flags).unwrap_or_else(|| r.flags.clone()));
    let can_see_holds = session.user.role.can(Permission::SubjectRead);
    let holds = if can_see_holds && r.held {
        let names = actor_names(app, &session.ctx)?;
        hold_lines(app, session, &names, None, false)?.into_iter().filter(|h| r.holds.contains(&h.id)).collect()
    } else {
        Vec::new()
    };
    let l = line(&r);
    Ok(RecordPage {
        page: page(app, session, "records"),
        errors,
        r: RecordView {
            id: r.id.clone(),
            reference: l.reference,
            type_name: r.record_type_name.clone(),
            location: l.location,
            month: l.month,
            date: l.date,
            rule: r.rule.clone(),
            explanation: r.explanation.clone(),
            missing: l.missing,
            held: r.held,
            hold_count: r.holds.len(),
            status: l.status,
            destroyed: r.status == "destroyed",
            subject_id: r.subject_id.clone().unwrap_or_default(),
            created: uk_time(&r.created_at),
            updated: uk_time(&r.updated_at),
            scope_hint: format!("This record's type is {}.", r.record_type_name),
        },
        used,
        other,
        flags,
        can_edit: session.user.role.can(Permission::ManageRegisters) && r.status != "destroyed",
        can_see_holds,
        holds,
        can_manage_holds: session.user.role.can(Permission::ManageHolds) && r.status != "destroyed",
        scopes: HOLD_SCOPES,
        hold: HoldForm::covering("record"),
    })
}

/// The message after a change (`?done=`).
const DONE: &[(&str, &str)] = &[
    ("added", "Record added to the inventory"),
    ("saved", "Changes saved and the destroy-by date worked out again"),
    ("held", "Legal hold placed"),
    ("lifted", "Legal hold lifted"),
];

pub(super) async fn record_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    q: Result<Query<DoneQuery>, QueryRejection>,
) -> Response {
    let done = q.map(|Query(q)| q).unwrap_or_default();
    let app = s.app.clone();
    match run(move || record_for(&app, &session, &id, FormErrors::new(), None)).await {
        Ok(mut p) => {
            p.page.flash = done.flash(DONE);
            render(&p)
        }
        Err(r) => r,
    }
}

/// `POST /records/{id}`: change the record's dates and facts (only what changed is sent
/// on; a cleared date is removed).
pub(super) async fn update_record(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let p = f.form;
    let result = run(move || {
        app.require(&session.ctx, Permission::ManageRegisters, "record", &id)?;
        let current = app.record(&session.ctx, &id)?;
        let mut errors = FormErrors::new();
        let typed = typed_events(&p, &mut errors);
        if errors.is_empty() {
            let mut events = BTreeMap::new();
            for (name, d) in typed {
                match d {
                    Some(d) if current.events.get(&name) != Some(&d) => {
                        events.insert(name, Some(d));
                    }
                    None if current.events.contains_key(&name) => {
                        events.insert(name, None);
                    }
                    _ => {}
                }
            }
            let patch = RecordPatch { events: Some(events), flags: Some(typed_flags(&p)), ..RecordPatch::default() };
            match app.update_record(&session.ctx, &id, patch) {
                Ok(_) => return Ok(Outcome::done(format!("/records/{id}?done=saved"))),
                Err(e @ (AppError::Conflict(_) | AppError::Constraint(_) | AppError::Restricted(_))) => {
                    errors.add("events", refusal(e)?)
                }
                Err(e) => errors = record_errors(e)?,
            }
        }
        Ok(Outcome::refused(&record_for(&app, &session, &id, errors, Some(&p))?))
    })
    .await;
    answer(result)
}

/// A record's page as a page that places holds: on this record, or on every record of
/// its type (`hold-scope`). It has no boxes for another record or type, so refusals
/// about them land on the choice.
pub(super) struct RecordHolds;

impl HoldHost for RecordHolds {
    fn checked(_id: &str) -> String {
        String::new()
    }

    fn target(
        app: &App,
        session: &SessionInfo,
        id: &str,
        form: &HoldForm,
        errors: &mut FormErrors,
    ) -> AppResult<Option<NewHold>> {
        let record = app.record(&session.ctx, id)?;
        Ok(match form.scope.as_str() {
            "record" => Some(NewHold { record_id: Some(id.to_string()), ..Default::default() }),
            "record_type" => Some(NewHold { record_type: Some(record.record_type), ..Default::default() }),
            _ => {
                errors.add("hold-scope", "Choose whether to hold this record only or every record of its type");
                None
            }
        })
    }

    fn remap(field: &'static str, label: &'static str) -> (&'static str, &'static str) {
        match field {
            "hold-record" | "hold-type" => ("hold-scope", label),
            other => (other, label),
        }
    }

    fn again(app: &App, session: &SessionInfo, id: &str, errors: FormErrors, typed: Typed) -> AppResult<Outcome> {
        let mut p = record_for(app, session, id, errors, None)?;
        if let Typed::Place(form) = typed {
            p.hold = form;
        }
        Ok(Outcome::refused(&p))
    }

    fn done(id: &str, change: Change) -> String {
        match change {
            Change::Placed => format!("/records/{id}?done=held"),
            Change::Lifted => format!("/records/{id}?done=lifted"),
        }
    }
}
