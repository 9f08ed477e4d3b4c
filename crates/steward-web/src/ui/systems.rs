//! The register of systems and processors: where the organisation's personal data is
//! held (its own systems, and processors acting for it). Searches are logged against
//! these entries and approved erasures make a task for each one that holds the person's
//! data. Everyone signed in may read it; administrators and the DPO change it. Each entry
//! shows who owns it, where it runs, the country it is hosted in (by name), its supplier
//! from the register of processors, its security measures and the activities of the
//! record of processing that use it.

use crate::state::AppState;
use crate::session::{CsrfForm, SignedIn};
use crate::ui::form::{Choice, DoneQuery, FormErrors, Outcome, Pairs, SelectOption, answer};
use crate::ui::kit::{PageContext, page, render, run, sentence, uk_time};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use steward_app::AppError;
use steward_app::systems::{ActivityRef, System};
use steward_core::register::country::{self, COUNTRIES, UK};
use steward_core::register::entry::RegisterKind;
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
    owner: String,
    location: String,
    hosting_country: String,
    processor_id: String,
    security_measures: String,
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
            owner: p.value("owner").into(),
            location: p.value("location").into(),
            hosting_country: p.trimmed("hosting_country").into(),
            processor_id: p.trimmed("processor_id").into(),
            security_measures: p.value("security_measures").into(),
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
            owner: s.owner.clone(),
            location: s.location.clone(),
            hosting_country: s.hosting_country.clone(),
            processor_id: s.processor_id.clone(),
            security_measures: s.security_measures.clone(),
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
                owner: self.owner.clone(),
                location: self.location.clone(),
                hosting_country: self.hosting_country.clone(),
                processor_id: self.processor_id.clone(),
                security_measures: self.security_measures.clone(),
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
                "owner" => ("owner", "The owner"),
                "location" => ("location", "Where it runs"),
                "hosting_country" => ("hosting_country", "The country"),
                "processor_id" => ("processor_id", "The supplier"),
                "security_measures" => ("security_measures", "The security measures"),
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
    owner: String,
    country: String,
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
    countries: Vec<SelectOption>,
    processors: Vec<SelectOption>,
}

/// A register entry's kind, in words.
pub fn kind_label(k: SystemKind) -> &'static str {
    match k {
        SystemKind::System => "Our system",
        SystemKind::Processor => "Processor",
    }
}

/// The countries as options, by name: not recorded, then the United Kingdom, then the rest.
fn country_options() -> Vec<SelectOption> {
    let mut rest: Vec<&(&str, &str)> = COUNTRIES.iter().filter(|(c, _)| *c != UK).collect();
    rest.sort_by_key(|(_, n)| *n);
    let mut out = vec![SelectOption::new("", "Not recorded"), SelectOption::new(UK, country::name(UK).unwrap_or(UK))];
    out.extend(rest.into_iter().map(|(c, n)| SelectOption::new(*c, *n)));
    out
}

/// The processors in use as options, by name, after "None"; a retired one is offered
/// only when it is the supplier already recorded (`current`).
fn processor_options(
    app: &steward_app::App,
    session: &steward_app::auth::SessionInfo,
    current: &str,
) -> steward_app::AppResult<Vec<SelectOption>> {
    let mut out = vec![SelectOption::new("", "None: we run it ourselves")];
    for (id, name, retired) in app.register_titles(&session.ctx, RegisterKind::Processor)? {
        if !retired {
            out.push(SelectOption::new(id, name));
        } else if id == current {
            out.push(SelectOption::new(id, format!("{name} (retired)")));
        }
    }
    Ok(out)
}

/// A country's name, or "Not recorded".
fn country_words(code: &str) -> String {
    if code.is_empty() { "Not recorded".into() } else { country::name(code).unwrap_or("Not recorded").into() }
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
        owner: s.owner,
        country: if s.hosting_country.is_empty() { String::new() } else { country_words(&s.hosting_country) },
        retired: s.retired_at.as_deref().map(uk_time).unwrap_or_default(),
        id: s.id,
        name: s.name,
    };
    let processors = processor_options(app, session, &form.processor_id)?;
    Ok(ListPage {
        page: page(app, session, "systems"),
        errors,
        active: active.into_iter().map(line).collect(),
        retired: retired.into_iter().map(line).collect(),
        can_manage: session.user.role.can(Permission::ManageRegisters),
        form,
        kinds: KINDS,
        countries: country_options(),
        processors,
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
    countries: Vec<SelectOption>,
    processors: Vec<SelectOption>,
    /// The entry as saved (the form may hold refused changes).
    saved: SystemForm,
    /// The hosting country as saved, by name.
    country: String,
    /// The supplier as saved, by name, and its id for the link (blank if none).
    supplier: String,
    supplier_id: String,
    /// The activities of the record of processing using it.
    activities: Vec<ActivityRef>,
}

fn edit_for(
    app: &steward_app::App,
    session: &steward_app::auth::SessionInfo,
    id: &str,
    errors: FormErrors,
    form: Option<SystemForm>,
) -> steward_app::AppResult<EditPage> {
    let view = app.system_view(&session.ctx, id)?;
    let s = view.system;
    let saved = SystemForm::from_system(&s);
    let form = form.unwrap_or_else(|| saved.clone());
    let processors = processor_options(app, session, &form.processor_id)?;
    let supplier = if s.processor_id.is_empty() {
        String::new()
    } else {
        app.register_titles(&session.ctx, RegisterKind::Processor)?
            .into_iter()
            .find(|(pid, _, _)| *pid == s.processor_id)
            .map_or_else(|| "A processor no longer on the register".into(), |(_, name, _)| name)
    };
    Ok(EditPage {
        page: page(app, session, "systems"),
        errors,
        id: s.id.clone(),
        heading: s.name.clone(),
        created: uk_time(&s.created_at),
        can_manage: session.user.role.can(Permission::ManageRegisters),
        form,
        kinds: KINDS,
        countries: country_options(),
        processors,
        saved,
        country: country_words(&s.hosting_country),
        supplier,
        supplier_id: s.processor_id,
        activities: view.activities,
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
