//! Legal holds, in one place: the register of holds of every scope (a person, a record,
//! a record type) at `/holds`, and placing and lifting a hold from the page of what it
//! covers (a subject's page, a record's page). While a hold stands nothing it covers is
//! erased or disposed of; placing and lifting are the data protection officer's, and
//! audited by the application.
//!
//! A page that shows holds is a [`HoldHost`]: it says how its form names what the hold
//! covers, how to show itself again with the form's problems, and where to go once done;
//! the handlers here ([`place`], [`lift`]) do the rest, the same for every page.

use crate::session::{CsrfForm, SignedIn};
use crate::state::AppState;
use crate::ui::form::{Choice, DoneQuery, FormErrors, Outcome, Pairs, SelectOption, answer, type_options};
use crate::ui::kit::{PageContext, actor_names, page, refusal, render, run, sentence, uk_time, who};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use std::collections::HashMap;
use steward_app::auth::SessionInfo;
use steward_app::erasure::NewHold;
use steward_app::{App, AppError, AppResult};
use steward_core::Permission;

/// `GET /holds`, `POST /holds` and `POST /holds/{id}/lift`. Subjects' and records'
/// pages route their own hold forms to [`place`] and [`lift`].
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/holds", get(holds_page).post(place_on_register)).route("/holds/{id}/lift", post(lift_on_register))
}

// ---------------------------------------------------------------------------------
// Holds as pages show them
// ---------------------------------------------------------------------------------

/// A legal hold, standing or lifted, as the pages show it.
pub struct HoldLine {
    /// The hold's id.
    pub id: String,
    /// What it covers, in words (on the register of holds).
    pub what: String,
    /// The page of what it covers (on the register of holds).
    pub href: String,
    /// Why it was placed.
    pub reason: String,
    /// Who approved it, as typed.
    pub approved_by: String,
    /// When it was placed, for people.
    pub placed: String,
    /// Who placed it.
    pub by: String,
    /// When it was lifted, for people; empty while it stands.
    pub lifted: String,
    /// Who lifted it; empty while it stands (or when not known).
    pub lifted_by: String,
    /// Why it was lifted.
    pub lift_reason: String,
    /// The id of its lift form's reason box, and what was typed there.
    pub lift_id: String,
    /// What was typed into its lift form.
    pub typed: String,
    /// Whether it still stands.
    pub standing: bool,
}

/// The holds on `subject` (every hold when `None`), lifted ones too when
/// `include_lifted`, newest first. Only the register of every hold says what each
/// covers.
pub fn hold_lines(
    app: &App,
    session: &SessionInfo,
    names: &HashMap<String, String>,
    subject: Option<&str>,
    include_lifted: bool,
) -> AppResult<Vec<HoldLine>> {
    let holds = app.holds(&session.ctx, subject, include_lifted)?;
    let info = if subject.is_none() { app.schedule_info(&session.ctx)? } else { None };
    let mut out = Vec::new();
    for h in holds {
        let (what, href) = match (subject, h.scope.as_str()) {
            (Some(_), _) => (String::new(), String::new()),
            (None, "record") => {
                let what = match app.record(&session.ctx, &h.target) {
                    Ok(r) if !r.reference.is_empty() => format!("Record {} ({})", r.reference, r.record_type_name),
                    Ok(r) => format!("A record ({})", r.record_type_name),
                    Err(_) => "A record".to_string(),
                };
                (what, format!("/records/{}", h.target))
            }
            (None, "record_type") => {
                let name = info
                    .as_ref()
                    .and_then(|i| i.record_types.iter().find(|t| t.id == h.target))
                    .map_or_else(|| h.target.clone(), |t| t.name.clone());
                (
                    format!("Every record of type {name}"),
                    format!(
                        "/records?{}",
                        serde_urlencoded::to_string([("record_type", &h.target)]).unwrap_or_default()
                    ),
                )
            }
            (None, _) => ("A person (their whole file)".to_string(), format!("/subjects/{}", h.target)),
        };
        out.push(HoldLine {
            lift_id: format!("hold-{}-reason", h.id),
            what,
            href,
            reason: h.reason,
            approved_by: h.approved_by,
            placed: uk_time(&h.placed_at),
            by: who(names, &h.placed_by),
            lifted: h.lifted_at.as_deref().map(uk_time).unwrap_or_default(),
            lifted_by: h.lifted_by.as_deref().map(|b| who(names, b)).unwrap_or_default(),
            lift_reason: h.lift_reason.unwrap_or_default(),
            typed: String::new(),
            standing: h.lifted_at.is_none(),
            id: h.id,
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------
// The forms
// ---------------------------------------------------------------------------------

/// What was typed into a place-a-hold form: `hold-scope` (`subject`, `record` or
/// `record_type`; a page that covers one thing has no choice), `hold-subject`,
/// `hold-record`, `hold-type`, `hold-reason` and `hold-approved-by`.
#[derive(Debug, Clone, Default)]
pub struct HoldForm {
    /// What the hold covers.
    pub scope: String,
    /// The person's id.
    pub subject: String,
    /// The record's id.
    pub record: String,
    /// The record type.
    pub record_type: String,
    /// Why.
    pub reason: String,
    /// Who approved it.
    pub approved_by: String,
}

impl HoldForm {
    /// A blank form covering `scope`.
    pub fn covering(scope: &str) -> Self {
        Self { scope: scope.into(), ..Self::default() }
    }

    /// The form as posted.
    pub fn from_pairs(p: &Pairs) -> Self {
        Self {
            scope: p.value("hold-scope").to_string(),
            subject: p.trimmed("hold-subject").to_string(),
            record: p.trimmed("hold-record").to_string(),
            record_type: p.trimmed("hold-type").to_string(),
            reason: p.trimmed("hold-reason").to_string(),
            approved_by: p.trimmed("hold-approved-by").to_string(),
        }
    }

    /// The reason and approver must be given: problems on `hold-reason` and
    /// `hold-approved-by`.
    fn check_basics(&self, errors: &mut FormErrors) {
        if self.reason.is_empty() {
            errors.add("hold-reason", "Give the reason for the hold, for example the claim or investigation");
        }
        if self.approved_by.is_empty() {
            errors.add("hold-approved-by", "Enter who approved the hold, by name or role");
        }
    }
}

/// What was typed into a hold form, to put back when the page is shown again.
pub enum Typed {
    /// The place-a-hold form.
    Place(HoldForm),
    /// The lift form of hold `hold`, with its reason.
    Lift {
        /// The hold.
        hold: String,
        /// The reason typed.
        reason: String,
    },
}

/// Which change a hold form made, for the address it leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A hold was placed.
    Placed,
    /// A hold was lifted.
    Lifted,
}

/// A page that shows holds with forms to place and lift them.
pub trait HoldHost: Send + 'static {
    /// The audit object id of the permission check, for the page of `id`.
    fn checked(id: &str) -> String;

    /// The hold the form asks for on the page of `id` (without its reason and
    /// approver), or `None` with the problem added to `errors`.
    fn target(app: &App, session: &SessionInfo, id: &str, form: &HoldForm, errors: &mut FormErrors)
    -> AppResult<Option<NewHold>>;

    /// Where a refusal of `field` (with its `label`) lands on this page, which may lack
    /// that field.
    fn remap(field: &'static str, label: &'static str) -> (&'static str, &'static str) {
        (field, label)
    }

    /// Before lifting `hold` from the page of `id`: that it is one the page shows.
    fn check_lift(_app: &App, _session: &SessionInfo, _id: &str, _hold: &str) -> AppResult<()> {
        Ok(())
    }

    /// The page of `id` again, with the form's problems and what was typed.
    fn again(app: &App, session: &SessionInfo, id: &str, errors: FormErrors, typed: Typed) -> AppResult<Outcome>;

    /// Where to go once the change is made.
    fn done(id: &str, change: Change) -> String;
}

/// An application refusal of a hold, on its field of `H`'s page.
fn refused<H: HoldHost>(e: AppError) -> AppResult<FormErrors> {
    match e {
        AppError::Invalid(fe) => {
            let (field, what) = match fe.field.as_str() {
                "approved_by" => ("hold-approved-by", "Who approved it"),
                "subject_id" => ("hold-subject", "The person's id"),
                "record_id" => ("hold-record", "The record's id"),
                "record_type" => ("hold-type", "The record type"),
                _ => ("hold-reason", "The reason"),
            };
            let (field, what) = H::remap(field, what);
            Ok(FormErrors::one(field, sentence(what, &fe.message)))
        }
        other => Ok(FormErrors::one(H::remap("hold-reason", "The reason").0, refusal(other)?)),
    }
}

/// Place a hold from `H`'s page of `id`: every problem of the form at once.
async fn place_with<H: HoldHost>(s: AppState, id: String, form: HoldForm, session: SessionInfo) -> Response {
    let app = s.app.clone();
    let result = run(move || {
        app.require(&session.ctx, Permission::ManageHolds, "hold", &H::checked(&id))?;
        let mut errors = FormErrors::new();
        let target = H::target(&app, &session, &id, &form, &mut errors)?;
        form.check_basics(&mut errors);
        if let Some(target) = target
            && errors.is_empty()
        {
            let input = NewHold { reason: form.reason.clone(), approved_by: form.approved_by.clone(), ..target };
            match app.place_hold(&session.ctx, input) {
                Ok(_) => return Ok(Outcome::done(H::done(&id, Change::Placed))),
                Err(e) => errors.extend(refused::<H>(e)?),
            }
        }
        H::again(&app, &session, &id, errors, Typed::Place(form))
    })
    .await;
    answer(result)
}

/// Lift `hold` from `H`'s page of `id`, with the reason typed in `hold-HOLD-reason`.
async fn lift_with<H: HoldHost>(s: AppState, id: String, hold: String, form: Pairs, session: SessionInfo) -> Response {
    let app = s.app.clone();
    let field = format!("hold-{hold}-reason");
    let reason = form.trimmed(&field).to_string();
    let result = run(move || {
        app.require(&session.ctx, Permission::ManageHolds, "hold", &hold)?;
        H::check_lift(&app, &session, &id, &hold)?;
        let message = if reason.is_empty() {
            "Give the reason the hold is lifted, for example that the claim was settled".to_string()
        } else {
            match app.lift_hold(&session.ctx, &hold, &reason) {
                Ok(_) => return Ok(Outcome::done(H::done(&id, Change::Lifted))),
                Err(AppError::Invalid(fe)) => sentence("The reason", &fe.message),
                Err(e) => refusal(e)?,
            }
        };
        H::again(&app, &session, &id, FormErrors::one(field, message), Typed::Lift { hold, reason })
    })
    .await;
    answer(result)
}

/// `POST …/{id}/holds` on `H`'s page: place a hold on what the page shows.
pub async fn place<H: HoldHost>(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<Pairs>) -> Response {
    let form = HoldForm::from_pairs(&f.form);
    place_with::<H>(s, id, form, f.session).await
}

/// `POST …/{id}/holds/{hold}/lift` on `H`'s page.
pub async fn lift<H: HoldHost>(
    State(s): State<AppState>,
    Path((id, hold)): Path<(String, String)>,
    f: CsrfForm<Pairs>,
) -> Response {
    lift_with::<H>(s, id, hold, f.form, f.session).await
}

// ---------------------------------------------------------------------------------
// The register of every hold
// ---------------------------------------------------------------------------------

const SCOPES: [Choice; 3] = [
    Choice { value: "subject", label: "A person", hint: "Nothing about them is erased or disposed of." },
    Choice { value: "record", label: "One record", hint: "That record is not disposed of." },
    Choice { value: "record_type", label: "A record type", hint: "No record of that type is disposed of." },
];

/// The message after a change.
const DONE: &[(&str, &str)] = &[("held", "Legal hold placed"), ("lifted", "Legal hold lifted")];

#[derive(Template)]
#[template(path = "pages/holds.html")]
struct HoldsPage {
    page: PageContext,
    errors: FormErrors,
    standing: Vec<HoldLine>,
    lifted: Vec<HoldLine>,
    can_manage: bool,
    scopes: [Choice; 3],
    types: Vec<SelectOption>,
    form: HoldForm,
}

fn holds_for(app: &App, session: &SessionInfo, errors: FormErrors, form: HoldForm) -> AppResult<HoldsPage> {
    let names = actor_names(app, &session.ctx)?;
    let (standing, lifted): (Vec<_>, Vec<_>) =
        hold_lines(app, session, &names, None, true)?.into_iter().partition(|h| h.standing);
    let info = app.schedule_info(&session.ctx)?;
    Ok(HoldsPage {
        page: page(app, session, "holds"),
        errors,
        standing,
        lifted,
        can_manage: session.user.role.can(Permission::ManageHolds),
        scopes: SCOPES,
        types: type_options(info.as_ref(), "Choose a record type"),
        form,
    })
}

async fn holds_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    q: Result<Query<DoneQuery>, QueryRejection>,
) -> Response {
    let done = q.map(|Query(q)| q).unwrap_or_default();
    let app = s.app.clone();
    match run(move || holds_for(&app, &session, FormErrors::new(), HoldForm::covering("subject"))).await {
        Ok(mut p) => {
            p.page.flash = done.flash(DONE);
            render(&p)
        }
        Err(r) => r,
    }
}

/// The register of holds as a page that places and lifts them: a hold of any scope.
struct Register;

impl HoldHost for Register {
    fn checked(_id: &str) -> String {
        String::new()
    }

    fn target(
        _app: &App,
        _session: &SessionInfo,
        _id: &str,
        form: &HoldForm,
        errors: &mut FormErrors,
    ) -> AppResult<Option<NewHold>> {
        let some = |v: &str| Some(v.to_string());
        Ok(match form.scope.as_str() {
            "subject" if form.subject.is_empty() => {
                errors.add("hold-subject", "Enter the person's id, from their page");
                None
            }
            "subject" => Some(NewHold { subject_id: some(&form.subject), ..Default::default() }),
            "record" if form.record.is_empty() => {
                errors.add("hold-record", "Enter the record's id, from its page");
                None
            }
            "record" => Some(NewHold { record_id: some(&form.record), ..Default::default() }),
            "record_type" if form.record_type.is_empty() => {
                errors.add("hold-type", "Choose the record type to hold");
                None
            }
            "record_type" => Some(NewHold { record_type: some(&form.record_type), ..Default::default() }),
            _ => {
                errors.add("hold-scope", "Choose what the hold covers");
                None
            }
        })
    }

    fn again(app: &App, session: &SessionInfo, _id: &str, errors: FormErrors, typed: Typed) -> AppResult<Outcome> {
        match typed {
            Typed::Place(form) => Ok(Outcome::refused(&holds_for(app, session, errors, form)?)),
            Typed::Lift { hold, reason } => {
                let mut p = holds_for(app, session, errors, HoldForm::covering("subject"))?;
                if let Some(h) = p.standing.iter_mut().find(|h| h.id == hold) {
                    h.typed = reason;
                }
                Ok(Outcome::refused(&p))
            }
        }
    }

    fn done(_id: &str, change: Change) -> String {
        match change {
            Change::Placed => "/holds?done=held".into(),
            Change::Lifted => "/holds?done=lifted".into(),
        }
    }
}

/// `POST /holds`: place a hold of any scope (the DPO).
async fn place_on_register(State(s): State<AppState>, f: CsrfForm<Pairs>) -> Response {
    let form = HoldForm::from_pairs(&f.form);
    place_with::<Register>(s, String::new(), form, f.session).await
}

/// `POST /holds/{id}/lift` with `hold-ID-reason` (the DPO).
async fn lift_on_register(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<Pairs>) -> Response {
    lift_with::<Register>(s, String::new(), id, f.form, f.session).await
}
