//! Logging a request: the form (what it is for, when and how it arrived, who made it,
//! whose bank holidays apply, the subject's record and any representative) and its
//! handler, which collects every problem of the form before answering.

use super::words::{CHANNELS, KINDS, MADE_BY};
use crate::session::{CsrfForm, SignedIn};
use crate::state::AppState;
use crate::ui::form::{Choice, DateParts, FormErrors, Outcome, Pairs, REGIONS, answer};
use crate::ui::kit::{MessagePage, PageContext, page, render, run, sentence};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use steward_app::AppError;
use steward_app::requests::{Capacity, NewRequest, Representative};
use steward_core::request::{Channel, MadeBy, RequestKind};
use steward_core::{Permission, Region};

/// What was typed into the new-request form.
#[derive(Debug, Clone, Default)]
struct NewForm {
    kind: String,
    received: DateParts,
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
            kind: p.value("kind").into(),
            received: p.date("received_on"),
            channel: p.value("channel").into(),
            made_by: p.value("made_by").into(),
            region: p.value("region").into(),
            subject_id: p.trimmed("subject_id").into(),
            rep_name: p.trimmed("rep_name").into(),
            rep_capacity: p.value("rep_capacity").into(),
            rep_evidence: p.trimmed("rep_evidence").into(),
        }
    }

    fn to_new(&self) -> Result<NewRequest, FormErrors> {
        let mut errors = FormErrors::new();
        let kind = self.kind.parse::<RequestKind>().ok();
        if kind.is_none() {
            errors.add("kind", "Choose what the request is for");
        }
        let received = self.received.required(
            &mut errors,
            "received_on",
            "The date received",
            "Enter the date the request was received",
        );
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

pub(super) async fn new_page(
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

pub(super) async fn create(State(s): State<AppState>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let form = NewForm::from_pairs(&f.form);
    let result = run(move || {
        app.require(&session.ctx, Permission::SubjectCreate, "request", "")?;
        let failed = |errors| Outcome::refused(&new_form_page(page(&app, &session, "requests"), errors, form.clone()));
        let input = match form.to_new() {
            Ok(v) => v,
            Err(errors) => return Ok(failed(errors)),
        };
        match app.create_request(&session.ctx, input) {
            Ok(v) if session.user.role.can(Permission::SubjectRead) => {
                Ok(Outcome::done(format!("/requests/{}?done=created", v.id)))
            }
            // Logged by a role that may not open requests: say so, with the reference.
            Ok(v) => Ok(Outcome::show(&MessagePage {
                page: page(&app, &session, "requests"),
                heading: "Request logged".into(),
                paragraphs: vec![
                    format!("Its reference is {}. Give this reference if anyone asks about it.", v.reference),
                    "Your data protection officer and caseworkers can now see it and its due date.".into(),
                ],
                link: Some(("/requests/new".into(), "Log another request".into())),
            })),
            Err(AppError::Invalid(fe)) => {
                let (id, message) = new_error(&fe.field, &fe.message);
                Ok(failed(FormErrors::one(id, message)))
            }
            Err(e) => Err(e),
        }
    })
    .await;
    answer(result)
}
