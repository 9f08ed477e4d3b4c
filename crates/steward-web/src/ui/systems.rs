//! The register of systems and processors: where the organisation's personal data is
//! held (its own systems, and processors acting for it). Searches are logged against
//! these entries and approved erasures make a task for each one that holds the person's
//! data. Everyone signed in may read it; administrators and the DPO change it.

use crate::state::AppState;
use crate::session::{CsrfForm, SignedIn};
use crate::ui::form::{Choice, DoneQuery, FormErrors, Outcome, Pairs, answer};
use crate::ui::kit::{PageContext, page, render, run, sentence, uk_time};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use steward_app::AppError;
use steward_app::systems::System;
use steward_core::register::system::{NewSystem, SystemKind};
use steward_core::Permission;

/// `GET /systems`, `POST /systems`, `GET /systems/{id}` and `POST /systems/{id}`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/systems", get(list).post(create)).route("/systems/{id}", get(edit_page).post(update))
}

const KINDS: [Choice; 2] = [
    Choice {
        value: "system",
        label: "Our own system",
        hint: "For example the housing management system, a shared drive or a mailbox.",
    },
    Choice {
        value: "processor",
        label: "A processor",
        hint: "Another organisation handling the data for you, for example a payroll bureau or mailing house.",
    },
];

/// What was typed into the system form.
#[derive(Debug, Clone, Default)]
struct SystemForm {
    name: String,
    kind: String,
    holds_all: bool,
    contact: String,
    notes: String,
    retired: bool,
}

impl SystemForm {
    fn from_pairs(p: &Pairs) -> Self {
        Self {
            name: p.trimmed("name").into(),
            kind: p.value("kind").into(),
            holds_all: p.ticked("holds_all_subjects"),
            contact: p.value("contact").into(),
            notes: p.value("notes").into(),
            retired: p.ticked("retired"),
        }
    }

    fn from_system(s: &System) -> Self {
        Self {
            name: s.name.clone(),
            kind: s.kind.as_str().into(),
            holds_all: s.holds_all_subjects,
            contact: s.contact.clone(),
            notes: s.notes.clone(),
            retired: s.retired_at.is_some(),
        }
    }

    fn to_new(&self) -> Result<NewSystem, FormErrors> {
        let mut errors = FormErrors::new();
        if self.name.is_empty() {
            errors.add("name", "Enter the name of the system or processor");
        }
        let kind = match self.kind.as_str() {
            "system" => Some(SystemKind::System),
            "processor" => Some(SystemKind::Processor),
            _ => {
                errors.add("kind", "Choose whether it is your own system or a processor");
                None
            }
        };
        match kind {
            Some(kind) if errors.is_empty() => Ok(NewSystem {
                name: self.name.clone(),
                kind,
                holds_all_subjects: self.holds_all,
                contact: self.contact.clone(),
                notes: self.notes.clone(),
                retired: self.retired,
            }),
            _ => Err(errors),
        }
    }
}

/// An application refusal of the form, on its field.
fn form_errors(e: AppError) -> Result<FormErrors, AppError> {
    match e {
        AppError::Invalid(fe) => {
            let (id, label) = match fe.field.as_str() {
                "contact" => ("contact", "Who to ask"),
                "notes" => ("notes", "The notes"),
                _ => ("name", "The name"),
            };
            Ok(FormErrors::one(id, sentence(label, &fe.message)))
        }
        other => Err(other),
    }
}

/// One entry, for the table.
struct Line {
    id: String,
    name: String,
    kind: &'static str,
    holds_all: bool,
    contact: String,
    retired: String,
}

#[derive(Template)]
#[template(path = "pages/systems.html")]
struct ListPage {
    page: PageContext,
    errors: FormErrors,
    active: Vec<Line>,
    retired: Vec<Line>,
    can_manage: bool,
    form: SystemForm,
    kinds: [Choice; 2],
}

/// A register entry's kind, in words.
pub fn kind_label(k: SystemKind) -> &'static str {
    match k {
        SystemKind::System => "Our system",
        SystemKind::Processor => "Processor",
    }
}

fn list_page(
    app: &steward_app::App,
    session: &steward_app::auth::SessionInfo,
    errors: FormErrors,
    form: SystemForm,
) -> steward_app::AppResult<ListPage> {
    let (retired, active): (Vec<System>, Vec<System>) =
        app.systems(&session.ctx)?.into_iter().partition(|s| s.retired_at.is_some());
    let line = |s: System| Line {
        kind: kind_label(s.kind),
        holds_all: s.holds_all_subjects,
        contact: s.contact,
        retired: s.retired_at.as_deref().map(uk_time).unwrap_or_default(),
        id: s.id,
        name: s.name,
    };
    Ok(ListPage {
        page: page(app, session, "systems"),
        errors,
        active: active.into_iter().map(line).collect(),
        retired: retired.into_iter().map(line).collect(),
        can_manage: session.user.role.can(Permission::ManageRegisters),
        form,
        kinds: KINDS,
    })
}

/// The message after a change.
const DONE: &[(&str, &str)] = &[("added", "Added to the register"), ("saved", "Changes saved")];

async fn list(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    q: Result<Query<DoneQuery>, QueryRejection>,
) -> Response {
    let done = q.map(|Query(q)| q).unwrap_or_default();
    let app = s.app.clone();
    let form = SystemForm { kind: "system".into(), ..SystemForm::default() };
    match run(move || list_page(&app, &session, FormErrors::new(), form)).await {
        Ok(mut p) => {
            p.page.flash = done.flash(DONE);
            render(&p)
        }
        Err(r) => r,
    }
}

async fn create(State(s): State<AppState>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let form = SystemForm::from_pairs(&f.form);
    let result = run(move || {
        app.require(&session.ctx, Permission::ManageRegisters, "system", "")?;
        let errors = match form.to_new() {
            Ok(input) => match app.create_system(&session.ctx, input) {
                Ok(_) => return Ok(Outcome::done("/systems?done=added")),
                Err(e) => form_errors(e)?,
            },
            Err(errors) => errors,
        };
        Ok(Outcome::refused(&list_page(&app, &session, errors, form)?))
    })
    .await;
    answer(result)
}

#[derive(Template)]
#[template(path = "pages/system.html")]
struct EditPage {
    page: PageContext,
    errors: FormErrors,
    id: String,
    heading: String,
    created: String,
    can_manage: bool,
    form: SystemForm,
    kinds: [Choice; 2],
}

fn edit_for(
    app: &steward_app::App,
    session: &steward_app::auth::SessionInfo,
    id: &str,
    errors: FormErrors,
    form: Option<SystemForm>,
) -> steward_app::AppResult<EditPage> {
    let s = app.system(&session.ctx, id)?;
    Ok(EditPage {
        page: page(app, session, "systems"),
        errors,
        id: s.id.clone(),
        heading: s.name.clone(),
        created: uk_time(&s.created_at),
        can_manage: session.user.role.can(Permission::ManageRegisters),
        form: form.unwrap_or_else(|| SystemForm::from_system(&s)),
        kinds: KINDS,
    })
}

async fn edit_page(State(s): State<AppState>, SignedIn(session): SignedIn, Path(id): Path<String>) -> Response {
    let app = s.app.clone();
    match run(move || edit_for(&app, &session, &id, FormErrors::new(), None)).await {
        Ok(p) => render(&p),
        Err(r) => r,
    }
}

async fn update(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let form = SystemForm::from_pairs(&f.form);
    let result = run(move || {
        app.require(&session.ctx, Permission::ManageRegisters, "system", &id)?;
        let errors = match form.to_new() {
            Ok(input) => match app.update_system(&session.ctx, &id, input) {
                Ok(_) => return Ok(Outcome::done("/systems?done=saved")),
                Err(e) => form_errors(e)?,
            },
            Err(errors) => errors,
        };
        Ok(Outcome::refused(&edit_for(&app, &session, &id, errors, Some(form))?))
    })
    .await;
    answer(result)
}
