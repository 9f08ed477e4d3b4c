//! A subject's page: their details (every view audited by the application), the people
//! linked to them, who may open their record, the restriction of processing and legal
//! holds, and their case notes and documents; the `410` page of an erased person.

use super::case_file::{self, SubjectRecords};
use super::consents::{self, ConsentSection};
use crate::session::SignedIn;
use crate::state::AppState;
use crate::ui::form::{Choice, DateParts, FormErrors, Outcome, SelectOption, flash};
use crate::ui::holds::{Change, HoldForm, HoldHost, HoldLine, Typed, hold_lines};
use crate::ui::kit::{PageContext, actor_names, long_date, page, render, render_status, run, uk_time , who};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use std::collections::HashMap;
use steward_app::auth::SessionInfo;
use steward_app::erasure::{NewHold, RestrictionGround};
use steward_app::subjects::ERASURE_REASONS;
use steward_app::{App, AppError, AppResult, SubjectView, Tombstone};
use steward_core::{Permission, normalise};

/// The message after a change (`?done=`).
const DONE: &[(&str, &str)] = &[
    ("created", "Subject added"),
    ("saved", "Changes saved"),
    ("unchanged", "Nothing was changed"),
    ("linked", "Link added"),
    ("assigned", "Access given"),
    ("restricted", "Processing restricted"),
    ("restriction_lifted", "Restriction lifted"),
    ("hold_placed", "Legal hold placed"),
    ("hold_lifted", "Legal hold lifted"),
    ("unassigned", "Access removed"),
    ("noted", "Note added"),
    ("uploaded", "Document added"),
    ("consent_recorded", "Consent recorded"),
    ("consent_withdrawn", "Consent withdrawn"),
    ("notice_recorded", "Privacy notice recorded"),
];

/// A subject page's query: the message after a change, and the consent just withdrawn
/// (whose stopped processing the message names).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct SubjectQuery {
    done: String,
    consent: String,
}


/// The display name of a subject: given and family name, or a placeholder.
pub(super) fn display_name(v: &SubjectView) -> String {
    let n = format!("{} {}", v.given_name, v.family_name);
    let n = n.trim();
    if n.is_empty() { "(no name)".into() } else { n.to_string() }
}

/// Load a subject for a page, turning an erasure into its `410` page.
pub(super) fn load(app: &App, session: &SessionInfo, id: &str) -> AppResult<Result<SubjectView, Tombstone>> {
    match app.get_subject(&session.ctx, id) {
        Ok(v) => Ok(Ok(v)),
        Err(AppError::Gone(t)) => Ok(Err(*t)),
        Err(e) => Err(e),
    }
}


/// How someone linked to this subject relates to them.
struct LinkRow {
    id: String,
    name: String,
    relation: &'static str,
}

/// The ways of linking, from this subject's point of view.
const LINK_KINDS: [Choice; 3] = [
    Choice { value: "parent", label: "This person is their parent", hint: "Or has parental responsibility for them." },
    Choice { value: "child", label: "This person is their child", hint: "" },
    Choice { value: "household", label: "They live in the same household", hint: "" },
];

#[derive(Template)]
#[template(path = "pages/subject.html")]
pub(super) struct SubjectPage {
    page: PageContext,
    errors: FormErrors,
    s: SubjectView,
    name: String,
    date_of_birth: String,
    addresses: Vec<String>,
    nhs_number: String,
    categories: String,
    created: String,
    updated: String,
    links: Vec<LinkRow>,
    can_edit: bool,
    can_erase: bool,
    can_log_request: bool,
    link_other: String,
    link_kind: String,
    link_kinds: [Choice; 3],
    can_assign: bool,
    access: Vec<AccessView>,
    caseworkers: Vec<(String, String)>,
    /// Case notes and documents (see [`super::case_file`]).
    pub(super) records: SubjectRecords,
    /// The restriction of processing, when there is one.
    restriction: Option<RestrictionLine>,
    /// Whether the caller may restrict (anyone who may change the record).
    can_restrict: bool,
    /// Whether the caller may place and lift legal holds and lift restrictions (the DPO).
    can_manage_holds: bool,
    restriction_grounds: Vec<SelectOption>,
    pub(super) restrict_ground: String,
    /// The day the person was told the restriction will be lifted, as typed.
    pub(super) informed: DateParts,
    pub(super) holds: Vec<HoldLine>,
    lifted_holds: Vec<HoldLine>,
    /// The place-a-hold form, as typed.
    pub(super) hold: HoldForm,
    /// Consents and privacy notices received (see [`super::consents`]).
    pub(super) consents: ConsentSection,
}

/// A restriction of processing, for the banner.
struct RestrictionLine {
    ground: &'static str,
    since: String,
    by: String,
    /// The restriction request it came from.
    request_id: Option<String>,
}

/// A caseworker's access to the subject, for the DPO.
struct AccessView {
    user_id: String,
    name: String,
    reason: &'static str,
}

fn subject_page_for(
    page: PageContext,
    errors: FormErrors,
    s: SubjectView,
    names: Vec<(String, String)>,
    session: &SessionInfo,
    link: (String, String),
) -> SubjectPage {
    let role = session.user.role;
    let links = s
        .links
        .iter()
        .map(|l| LinkRow {
            id: l.subject_id.clone(),
            name: names
                .iter()
                .find(|(id, _)| *id == l.subject_id)
                .map_or_else(|| l.subject_id.clone(), |(_, n)| n.clone()),
            relation: match l.relation.as_str() {
                "child" => "Their child",
                "parent" => "Their parent",
                _ => "Same household",
            },
        })
        .collect();
    SubjectPage {
        page,
        errors,
        name: display_name(&s),
        date_of_birth: s.date_of_birth.map(long_date).unwrap_or_default(),
        addresses: s
            .addresses
            .iter()
            .map(|a| a.lines.iter().cloned().chain(a.postcode.clone()).collect::<Vec<_>>().join("\n"))
            .collect(),
        nhs_number: s.identifiers.nhs_number.as_deref().map(normalise::nhs_display).unwrap_or_default(),
        categories: s.categories.iter().map(|c| c.label()).collect::<Vec<_>>().join(", "),
        created: uk_time(&s.created_at),
        updated: uk_time(&s.updated_at),
        links,
        can_edit: role.can(Permission::SubjectUpdate),
        can_erase: role.can(Permission::SubjectErase),
        can_log_request: role.can(Permission::SubjectCreate),
        link_other: link.0,
        link_kind: link.1,
        link_kinds: LINK_KINDS,
        can_assign: role.can(Permission::AssignCases),
        access: Vec::new(),
        caseworkers: Vec::new(),
        restriction: None,
        can_restrict: role.can(Permission::SubjectUpdate),
        can_manage_holds: role.can(Permission::ManageHolds),
        restriction_grounds: std::iter::once(SelectOption::new("", "Choose a ground"))
            .chain(RestrictionGround::ALL.iter().map(|g| SelectOption::new(g.as_str(), g.label())))
            .collect(),
        restrict_ground: String::new(),
        informed: DateParts::default(),
        holds: Vec::new(),
        lifted_holds: Vec::new(),
        hold: HoldForm::covering("subject"),
        records: SubjectRecords::default(),
        consents: ConsentSection::default(),
        s,
    }
}

#[derive(Template)]
#[template(path = "pages/gone.html")]
pub(super) struct GonePage {
    page: PageContext,
    t: Tombstone,
    erased_at: String,
    reason: String,
    by: String,
}

pub(super) fn reason_label(code: &str) -> String {
    ERASURE_REASONS.iter().find(|(c, _)| *c == code).map_or_else(|| code.to_string(), |(_, l)| (*l).to_string())
}

/// The `410 Gone` page of an erased subject.
pub(super) fn gone_page(page: PageContext, t: Tombstone, names: &HashMap<String, String>) -> Box<GonePage> {
    Box::new(GonePage {
        page,
        erased_at: uk_time(&t.erased_at),
        reason: reason_label(&t.reason),
        by: who(names, &t.actor),
        t,
    })
}

/// Answer with the `410 Gone` page.
pub(super) fn gone(p: &GonePage) -> Response {
    render_status(StatusCode::GONE, p)
}

pub(super) enum Shown {
    Page(Box<SubjectPage>),
    Gone(Box<GonePage>),
}

/// Build a subject's page (the view is audited by the application).
pub(super) fn show(
    app: &App,
    session: &SessionInfo,
    id: &str,
    errors: FormErrors,
    link: (String, String),
) -> AppResult<Shown> {
    let page = page(app, session, "subjects");
    match load(app, session, id)? {
        Ok(v) => {
            let ids: Vec<String> = v.links.iter().map(|l| l.subject_id.clone()).collect();
            let names = app.linked_names(&session.ctx, id, &ids)?;
            let mut p = subject_page_for(page, errors, v, names, session, link);
            let actors = actor_names(app, &session.ctx)?;
            p.restriction = app.restriction(id)?.map(|r| RestrictionLine {
                ground: r.ground.label(),
                since: uk_time(&r.placed_at),
                by: who(&actors, &r.placed_by),
                request_id: r.request_id,
            });
            p.informed = DateParts::of(app.today());
            let (standing, lifted): (Vec<HoldLine>, Vec<HoldLine>) =
                hold_lines(app, session, &actors, Some(id), true)?.into_iter().partition(|h| h.standing);
            (p.holds, p.lifted_holds) = (standing, lifted);
            p.records = case_file::load(app, session, id)?;
            p.consents = consents::load(app, session, id)?;
            if p.can_assign {
                let access = app.subject_access_list(&session.ctx, id)?;
                p.caseworkers = app
                    .case_assignees(&session.ctx)?
                    .into_iter()
                    .filter(|(key, _)| !access.iter().any(|(a, _)| &a.user_id == key))
                    .collect();
                p.access = access
                    .into_iter()
                    .map(|(a, name)| AccessView {
                        reason: if a.reason == "created" { "recorded them" } else { "assigned" },
                        user_id: a.user_id,
                        name,
                    })
                    .collect();
            }
            Ok(Shown::Page(Box::new(p)))
        }
        Err(t) => Ok(Shown::Gone(gone_page(page, t, &actor_names(app, &session.ctx)?))),
    }
}

pub(super) async fn subject_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    q: Result<Query<SubjectQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let app = s.app.clone();
    match run(move || show(&app, &session, &id, FormErrors::new(), (String::new(), String::new()))).await {
        Ok(Shown::Page(mut p)) => {
            p.page.flash = flash(&q.done, DONE);
            if q.done == "consent_withdrawn"
                && let Some(l) = p.consents.lines.iter().find(|l| l.id == q.consent)
            {
                p.page.flash = Some(if l.stopped.is_empty() {
                    "Consent withdrawn. Nothing else relied on it.".to_string()
                } else {
                    format!("Consent withdrawn. Stopped: {}.", l.stopped.join("; "))
                });
            }
            render(p.as_ref())
        }
        Ok(Shown::Gone(g)) => gone(&g),
        Err(r) => r,
    }
}

/// A subject's page answering a form on it with problems (`422`), after `fill` puts
/// back what was typed; the `410` page if the person was erased meanwhile.
pub(super) fn again(
    app: &App,
    session: &SessionInfo,
    id: &str,
    errors: FormErrors,
    fill: impl FnOnce(&mut SubjectPage),
) -> AppResult<Outcome> {
    Ok(match show(app, session, id, errors, (String::new(), String::new()))? {
        Shown::Page(mut p) => {
            fill(&mut p);
            Outcome::refused(p.as_ref())
        }
        Shown::Gone(g) => Outcome::Page(gone(&g)),
    })
}

/// A subject's page as a page that places and lifts holds on the person.
pub(super) struct SubjectHolds;

impl HoldHost for SubjectHolds {
    fn checked(id: &str) -> String {
        id.to_string()
    }

    fn target(
        _app: &App,
        _session: &SessionInfo,
        id: &str,
        _form: &HoldForm,
        _errors: &mut FormErrors,
    ) -> AppResult<Option<NewHold>> {
        Ok(Some(NewHold { subject_id: Some(id.to_string()), ..Default::default() }))
    }

    /// The page has the reason and approver boxes only: any other refusal lands on the
    /// reason.
    fn remap(field: &'static str, label: &'static str) -> (&'static str, &'static str) {
        match field {
            "hold-approved-by" | "hold-reason" => (field, label),
            "hold-subject" => ("hold-reason", "This person"),
            _ => ("hold-reason", label),
        }
    }

    fn check_lift(app: &App, session: &SessionInfo, id: &str, hold: &str) -> AppResult<()> {
        let on_subject = app.holds(&session.ctx, Some(id), true)?.iter().any(|h| h.id == hold);
        if on_subject { Ok(()) } else { Err(AppError::NotFound(format!("hold {hold}"))) }
    }

    fn again(app: &App, session: &SessionInfo, id: &str, errors: FormErrors, typed: Typed) -> AppResult<Outcome> {
        again(app, session, id, errors, |p| match typed {
            Typed::Place(form) => p.hold = form,
            Typed::Lift { hold, reason } => {
                if let Some(h) = p.holds.iter_mut().find(|h| h.id == hold) {
                    h.typed = reason;
                }
            }
        })
    }

    fn done(id: &str, change: Change) -> String {
        match change {
            Change::Placed => format!("/subjects/{id}?done=hold_placed"),
            Change::Lifted => format!("/subjects/{id}?done=hold_lifted"),
        }
    }
}
