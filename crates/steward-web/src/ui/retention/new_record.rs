//! Adding a record to the inventory: choosing its type (whose rules say which dates
//! matter), then its reference, person, place and facts, every problem shown at once.

use super::facts::{EventField, FlagField, event_boxes, flag_fields, record_errors, typed_events, typed_flags};
use super::words::type_uses;
use crate::session::{CsrfForm, SignedIn};
use crate::state::AppState;
use crate::ui::form::{FormErrors, Outcome, Pairs, SelectOption, answer, system_options, type_options};
use crate::ui::kit::{PageContext, page, render, render_status, run};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use std::collections::BTreeMap;
use steward_app::auth::SessionInfo;
use steward_app::retention::{LocationInput, NewRecord};
use steward_app::{App, AppResult};
use steward_core::Permission;

#[derive(Template)]
#[template(path = "pages/record_form.html")]
struct NewRecordPage {
    page: PageContext,
    errors: FormErrors,
    has_schedule: bool,
    chosen: bool,
    types: Vec<SelectOption>,
    record_type: String,
    type_hint: String,
    subject_hint: &'static str,
    reference: String,
    subject_id: String,
    systems: Vec<SelectOption>,
    system_id: String,
    detail: String,
    used: Vec<EventField>,
    other: Vec<EventField>,
    flags: Vec<FlagField>,
}

fn new_record_for(
    app: &App,
    session: &SessionInfo,
    errors: FormErrors,
    record_type: &str,
    typed: Option<&Pairs>,
) -> AppResult<NewRecordPage> {
    let info = app.schedule_info(&session.ctx)?;
    let chosen_type = info.as_ref().and_then(|i| i.record_types.iter().find(|t| t.id == record_type));
    let type_rule = chosen_type.map(|t| t.rule.clone()).unwrap_or_default();
    let chosen = chosen_type.is_some() || typed.is_some();
    let (used, needs_birth) = type_uses(info.as_ref(), record_type);
    let (used, other) = event_boxes(typed, &BTreeMap::new(), &used);
    let field = |name: &str| typed.map(|p| p.value(name).to_string()).unwrap_or_default();
    Ok(NewRecordPage {
        page: page(app, session, "records"),
        errors,
        has_schedule: info.is_some(),
        chosen,
        types: type_options(info.as_ref(), "Choose a record type"),
        record_type: record_type.to_string(),
        type_hint: if type_rule.is_empty() { String::new() } else { format!("Its rule: {type_rule}") },
        subject_hint: if needs_birth {
            "This type's rule counts from the person's age, so link the record to them. The id is on their page."
        } else {
            "Link the record to the person it is about. The id is on their page."
        },
        reference: field("reference"),
        subject_id: field("subject_id"),
        systems: system_options(app, session, "Not in a registered system")?,
        system_id: field("system_id"),
        detail: field("location_detail"),
        used,
        other,
        flags: flag_fields(&typed.map(typed_flags).unwrap_or_default()),
    })
}

/// `?record_type=` after choosing the type.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewQuery {
    record_type: String,
}

pub(super) async fn new_record_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    q: Result<Query<NewQuery>, QueryRejection>,
) -> Response {
    let record_type = q.map(|Query(q)| q.record_type).unwrap_or_default();
    let app = s.app.clone();
    let built = run(move || {
        app.require(&session.ctx, Permission::ManageRegisters, "record", "")?;
        let mut errors = FormErrors::new();
        let p = new_record_for(&app, &session, FormErrors::new(), &record_type, None)?;
        if !record_type.is_empty() && !p.chosen {
            errors.add("record_type", "Choose one of the record types of the schedule");
            return Ok(NewRecordPage { errors, ..p });
        }
        Ok(p)
    })
    .await;
    match built {
        Ok(p) if p.errors.is_empty() => render(&p),
        Ok(p) => render_status(StatusCode::UNPROCESSABLE_ENTITY, &p),
        Err(r) => r,
    }
}

/// `POST /records`: add a record to the inventory.
pub(super) async fn create_record(State(s): State<AppState>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let p = f.form;
    let result = run(move || {
        app.require(&session.ctx, Permission::ManageRegisters, "record", "")?;
        let record_type = p.trimmed("record_type").to_string();
        let mut errors = FormErrors::new();
        if record_type.is_empty() {
            errors.add("record_type", "Choose the record type");
        }
        let events = typed_events(&p, &mut errors);
        if errors.is_empty() {
            let subject = p.trimmed("subject_id");
            let system_id = p.trimmed("system_id");
            let detail = p.trimmed("location_detail");
            let location = match (system_id.is_empty(), detail.is_empty()) {
                (true, true) => None,
                (true, false) => Some(LocationInput::Text(detail.to_string())),
                (false, _) => Some(LocationInput::System {
                    system_id: Some(system_id.to_string()),
                    system: None,
                    detail: detail.to_string(),
                }),
            };
            let input = NewRecord {
                subject_id: Some(subject.to_string()).filter(|s| !s.is_empty()),
                record_type: record_type.clone(),
                reference: p.value("reference").to_string(),
                events: events.into_iter().filter_map(|(k, v)| v.map(|d| (k, d))).collect(),
                flags: typed_flags(&p),
                location,
                ..NewRecord::default()
            };
            match app.create_record(&session.ctx, input) {
                Ok(r) => return Ok(Outcome::done(format!("/records/{}?done=added", r.id))),
                Err(e) => errors = record_errors(e)?,
            }
        }
        Ok(Outcome::refused(&new_record_for(&app, &session, errors, &record_type, Some(&p))?))
    })
    .await;
    answer(result)
}
