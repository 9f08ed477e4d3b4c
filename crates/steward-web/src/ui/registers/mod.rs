//! The pages of the versioned registers (record of processing, organisations, processors,
//! sharing agreements, transfers, privacy notices, policies, training), one set for all:
//! a register's list (now, or as it stood on a past date, and what changed between two
//! dates), an entry's page with its history, and the form to add or change one. Everyone
//! signed in who may read the registers sees them; those who manage them change them.

pub mod fields;
pub mod spec;

use crate::session::{CsrfForm, SignedIn};
use crate::state::AppState;
use crate::ui::form::{DateParts, DoneQuery, Example, FormErrors, Outcome, Pairs, answer};
use crate::ui::kit::{PageContext, long_date, page, render, run, sentence, uk_time};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use fields::{Control, Line, Lookup};
use serde_json::{Map, Value};
use spec::{Source, Spec, spec};
use steward_app::auth::SessionInfo;
use steward_app::registers::{RegisterDiff, StoredOf};
use steward_app::{App, AppError, AppResult};
use steward_core::register::activity::Activity;
use steward_core::register::entry::{Entry, RegisterKind};
use steward_core::register::lawful_basis::Right;
use steward_core::register::notice::Notice;
use steward_core::register::organisation::Organisation;
use steward_core::register::policy::Policy;
use steward_core::register::processor::Processor;
use steward_core::register::sharing::SharingAgreement;
use steward_core::register::breach::Breach;
use steward_core::register::disclosure::Disclosure;
use steward_core::register::dpia::Dpia;
use steward_core::register::training::Training;
use steward_core::register::transfer::Transfer;

/// Every register's pages.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .merge(pages::<Activity>())
        .merge(pages::<Organisation>())
        .merge(pages::<Processor>())
        .merge(pages::<SharingAgreement>())
        .merge(pages::<Transfer>())
        .merge(pages::<Notice>())
        .merge(pages::<Policy>())
        .merge(pages::<Training>())
        .merge(pages::<Breach>())
        .merge(pages::<Disclosure>())
        .merge(pages::<Dpia>())
}

/// `GET /{register}`, `GET /{register}/new`, `POST /{register}`, `GET /{register}/{id}`,
/// `GET /{register}/{id}/edit`, `POST /{register}/{id}` and `POST /{register}/{id}/retire`.
fn pages<E: Entry>() -> axum::Router<AppState> {
    let base = format!("/{}", E::KIND.path());
    axum::Router::new()
        .route(&base, get(list::<E>).post(create::<E>))
        .route(&format!("{base}/new"), get(new_page::<E>))
        .route(&format!("{base}/{{id}}"), get(entry_page::<E>).post(update::<E>))
        .route(&format!("{base}/{{id}}/edit"), get(edit_page::<E>))
        .route(&format!("{base}/{{id}}/retire"), post(retire::<E>))
}

/// The menu key of register `kind`'s pages.
fn nav(kind: RegisterKind) -> &'static str {
    kind.as_str()
}

/// What a register's pages need to name linked entries and offer choices.
fn lookup(app: &App, session: &SessionInfo) -> AppResult<Lookup> {
    let ctx = &session.ctx;
    let mut l = Lookup::default();
    for kind in RegisterKind::ALL {
        // Registers the person may not read (breaches, disclosures) are neither named nor offered.
        if !ctx.role.can(kind.read_permission()) {
            continue;
        }
        let titles = app.register_titles(ctx, kind)?;
        for (id, title, _) in &titles {
            l.names.insert(id.clone(), (title.clone(), format!("/{}/{id}", kind.path())));
        }
        l.set(Source::Register(kind), titles.into_iter().filter(|t| !t.2).map(|t| (t.0, t.1)).collect());
    }
    let systems = app.systems(ctx)?;
    for s in &systems {
        l.names.insert(s.id.clone(), (s.name.clone(), format!("/systems/{}", s.id)));
    }
    l.set(Source::System, systems.into_iter().filter(|s| s.retired_at.is_none()).map(|s| (s.id, s.name)).collect());
    if let Some((_, schedule)) = app.active_schedule()? {
        let types: Vec<(String, String)> = schedule.record_types.iter().map(|t| (t.id.clone(), t.name.clone())).collect();
        for (id, name) in &types {
            l.names.insert(id.clone(), (name.clone(), "/retention/schedule".into()));
        }
        l.set(Source::RecordType, types);
    }
    let mut users: Vec<(String, String)> = app
        .actor_names(ctx)?
        .into_iter()
        .filter_map(|(k, name)| k.strip_prefix("user:").map(|id| (id.to_string(), name)))
        .collect();
    users.sort_by(|a, b| a.1.cmp(&b.1));
    for (id, name) in &users {
        l.names.insert(id.clone(), (name.clone(), String::new()));
    }
    l.set(Source::User, users);
    Ok(l)
}

/// A fact worked out from an entry, in words (`None` when there is nothing to say).
fn derived_words(key: &str, v: &Value) -> Option<String> {
    match v {
        Value::Bool(b) => Some(if *b { "Yes" } else { "No" }.into()),
        Value::String(s) => Some(match (s.parse::<jiff::civil::Date>(), s.parse::<jiff::Timestamp>()) {
            (Ok(d), _) => long_date(d),
            (_, Ok(t)) => fields::uk_words(t),
            _ if s.chars().all(|c| c.is_ascii_lowercase() || c == '_') => {
                let words = s.replace('_', " ");
                let mut c = words.chars();
                c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
            }
            _ => s.clone(),
        }),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(a) if key == "rights" => Some(
            a.iter()
                .filter_map(|r| serde_json::from_value::<Right>(r.clone()).ok())
                .map(Right::label)
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Value::Array(a) if a.is_empty() => Some("None".into()),
        Value::Array(a) => Some(a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("; ")),
        _ => None,
    }
}

/// A warning a list shows beside an entry, from what was worked out.
fn warnings(derived: &Map<String, Value>) -> Vec<&'static str> {
    let flag = |k: &str| derived.get(k).and_then(Value::as_bool);
    let mut out = Vec::new();
    if flag("review_overdue") == Some(true) {
        out.push("Review overdue");
    }
    if flag("lapsed") == Some(true) {
        out.push("Lapsed");
    }
    if flag("ico_registration_due") == Some(true) {
        out.push("ICO registration due");
    }
    if flag("needs_tra") == Some(true) {
        out.push("Risk assessment needed");
    }
    if flag("contract_in_place") == Some(false) {
        out.push("No contract in place");
    }
    if derived.get("sub_processors_without_consent").and_then(Value::as_array).is_some_and(|a| !a.is_empty()) {
        out.push("Sub-processor without consent");
    }
    if flag("late") == Some(true) {
        out.push("Late");
    }
    if derived.get("hours_to_ico_deadline").and_then(Value::as_i64).is_some_and(|h| (0..12).contains(&h)) {
        out.push("Under 12 hours to the ICO deadline");
    }
    if flag("decision_open") == Some(true) {
        out.push("Decision open");
    }
    if derived.get("retrospective_approval").and_then(Value::as_str) == Some("pending") {
        out.push("Awaiting the DPO's approval");
    }
    if flag("ico_consultation_required") == Some(true) {
        out.push("ICO consultation needed");
    }
    out
}

fn doc_of<T: serde::Serialize>(t: &T) -> Map<String, Value> {
    match serde_json::to_value(t) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

/// One entry in a register's list.
struct Row {
    href: String,
    title: String,
    cells: Vec<String>,
    warnings: Vec<&'static str>,
    retired: bool,
}

/// A comparison of the register between two dates, in words.
struct DiffView {
    from: String,
    to: String,
    added: Vec<DiffRow>,
    removed: Vec<DiffRow>,
    changed: Vec<DiffRow>,
}

/// One line of a comparison between two dates.
struct DiffRow {
    href: String,
    title: String,
    fields: String,
}

#[derive(Template)]
#[template(path = "pages/register_list.html")]
struct ListPage {
    page: PageContext,
    title: &'static str,
    intro: &'static str,
    noun: &'static str,
    path: &'static str,
    headings: Vec<&'static str>,
    rows: Vec<Row>,
    can_manage: bool,
    errors: FormErrors,
    as_of: Option<String>,
    as_of_date: DateParts,
    from_date: DateParts,
    to_date: DateParts,
    diff: Option<DiffView>,
    include_retired: bool,
    /// The record of processing: its downloads, report and import are offered.
    ropa: bool,
}

fn field_labels(s: &Spec, keys: &[String]) -> String {
    keys.iter()
        .map(|k| s.fields.iter().find(|f| f.key == k).map_or_else(|| k.replace('_', " "), |f| f.label.to_string()))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn list<E: Entry>(
    State(st): State<AppState>,
    SignedIn(session): SignedIn,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    let app = st.app.clone();
    let q = Pairs(q);
    match run(move || list_page::<E>(&app, &session, &q)).await {
        Ok(p) => render(&p),
        Err(r) => r,
    }
}

fn list_page<E: Entry>(app: &App, session: &SessionInfo, q: &Pairs) -> AppResult<ListPage> {
    let s = spec(E::KIND);
    let mut errors = FormErrors::new();
    let as_of = q.date("as_of").optional(&mut errors, "as_of", "The date", Example::Recent);
    let from = q.date("from").optional(&mut errors, "from", "The first date", Example::Recent);
    let to = q.date("to").optional(&mut errors, "to", "The second date", Example::Recent);
    let include_retired = q.ticked("retired");
    let lookup = lookup(app, session)?;
    let entries: Vec<StoredOf<E>> = app.register_entries::<E>(&session.ctx, as_of, include_retired)?;
    let rows = entries
        .iter()
        .map(|e| {
            let doc = doc_of(&e.entry);
            let cells = s
                .columns
                .iter()
                .map(|k| {
                    let f = s.fields.iter().find(|f| f.key == *k);
                    f.map(|f| fields::shown(f, doc.get(*k), &lookup))
                        .unwrap_or_default()
                        .into_iter()
                        .map(|i| i.text)
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .collect();
            Row {
                href: format!("/{}/{}", E::KIND.path(), e.id),
                title: e.entry.title().to_string(),
                cells,
                warnings: if as_of.is_none() { warnings(&doc_of(&e.derived)) } else { vec![] },
                retired: e.retired,
            }
        })
        .collect();
    let diff = match (from, errors.is_empty()) {
        (Some(from), true) => {
            let to = to.unwrap_or_else(|| app.today());
            match app.register_diff::<E>(&session.ctx, from, to) {
                Ok(d) => Some(diff_rows(&s, d)),
                Err(AppError::Invalid(fe)) => {
                    errors.add("to", sentence("The second date", &fe.message));
                    None
                }
                Err(e) => return Err(e),
            }
        }
        _ => None,
    };
    Ok(ListPage {
        page: page(app, session, nav(E::KIND)),
        title: E::KIND.title(),
        intro: s.intro,
        noun: E::KIND.noun(),
        path: E::KIND.path(),
        headings: s.columns.iter().map(|k| s.fields.iter().find(|f| f.key == *k).map_or("", |f| f.label)).collect(),
        rows,
        can_manage: session.user.role.can(E::CREATE),
        errors,
        as_of: as_of.map(long_date),
        as_of_date: DateParts::of_opt(as_of),
        from_date: DateParts::of_opt(from),
        to_date: DateParts::of_opt(to),
        diff,
        include_retired,
        ropa: E::KIND == RegisterKind::Activity,
    })
}

fn diff_rows(s: &Spec, d: RegisterDiff) -> DiffView {
    let path = s.kind.path();
    let rows = |lines: Vec<steward_app::registers::DiffLine>| {
        lines
            .into_iter()
            .map(|l| DiffRow { href: format!("/{path}/{}", l.id), title: l.title, fields: field_labels(s, &l.fields) })
            .collect::<Vec<_>>()
    };
    DiffView {
        from: long_date(d.from),
        to: long_date(d.to),
        added: rows(d.added),
        removed: rows(d.removed),
        changed: rows(d.changed),
    }
}

/// One version in an entry's history.
struct HistoryRow {
    version: i64,
    when: String,
    who: String,
    what: String,
}

#[derive(Template)]
#[template(path = "pages/register_entry.html")]
struct EntryPage {
    page: PageContext,
    register: &'static str,
    path: &'static str,
    noun: &'static str,
    id: String,
    title: String,
    retired: bool,
    lines: Vec<Line>,
    facts: Vec<(&'static str, String)>,
    history: Vec<HistoryRow>,
    can_manage: bool,
}

async fn entry_page<E: Entry>(
    State(st): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Query(done): Query<DoneQuery>,
) -> Response {
    let app = st.app.clone();
    match run(move || {
        let s = spec(E::KIND);
        let e = app.register_entry::<E>(&session.ctx, &id)?;
        let lookup = lookup(&app, &session)?;
        let derived = doc_of(&e.derived);
        let history = app
            .register_history::<E>(&session.ctx, &id)?
            .into_iter()
            .rev()
            .map(|v| HistoryRow {
                version: v.version,
                when: uk_time(&v.changed_at),
                who: v.changed_by,
                what: if v.version == 1 {
                    "Added".into()
                } else if v.retired && v.changed_fields == ["retired"] {
                    "Retired".into()
                } else {
                    field_labels(&s, &v.changed_fields)
                },
            })
            .collect();
        let mut p = EntryPage {
            page: page(&app, &session, nav(E::KIND)),
            register: E::KIND.title(),
            path: E::KIND.path(),
            noun: E::KIND.noun(),
            title: e.entry.title().to_string(),
            retired: e.retired,
            lines: fields::lines(s.fields, &doc_of(&e.entry), &lookup),
            facts: s.derived.iter().filter_map(|(k, label)| Some((*label, derived_words(k, derived.get(*k)?)?))).collect(),
            history,
            can_manage: session.user.role.can(E::CHANGE),
            id: e.id,
        };
        p.page.flash = done.flash(DONE);
        Ok(p)
    })
    .await
    {
        Ok(p) => render(&p),
        Err(r) => r,
    }
}

/// The message after a change.
const DONE: &[(&str, &str)] =
    &[("added", "Added to the register"), ("saved", "Changes saved"), ("retired", "Retired: kept for the history")];

#[derive(Template)]
#[template(path = "pages/register_form.html")]
struct FormPage {
    page: PageContext,
    heading: String,
    action: String,
    back: String,
    version: i64,
    errors: FormErrors,
    controls: Vec<Control>,
}

fn form_page<E: Entry>(
    app: &App,
    session: &SessionInfo,
    id: Option<&str>,
    doc: Option<Map<String, Value>>,
    errors: FormErrors,
    version: Option<i64>,
) -> AppResult<FormPage> {
    app.require(&session.ctx, if id.is_some() { E::CHANGE } else { E::CREATE }, E::KIND.as_str(), id.unwrap_or(""))?;
    let s = spec(E::KIND);
    let lookup = lookup(app, session)?;
    let (heading, doc, version) = match id {
        Some(id) => {
            let e = app.register_entry::<E>(&session.ctx, id)?;
            (format!("Change {}", e.entry.title()), doc.unwrap_or_else(|| doc_of(&e.entry)), version.unwrap_or(e.version))
        }
        None => (format!("Add a {}", E::KIND.noun()), doc.unwrap_or_default(), 0),
    };
    let mut controls = Vec::new();
    fields::controls(s.fields, &doc, "", &lookup, &mut controls);
    let path = E::KIND.path();
    Ok(FormPage {
        page: page(app, session, nav(E::KIND)),
        heading,
        action: id.map_or_else(|| format!("/{path}"), |id| format!("/{path}/{id}")),
        back: id.map_or_else(|| format!("/{path}"), |id| format!("/{path}/{id}")),
        version,
        errors,
        controls,
    })
}

async fn new_page<E: Entry>(State(st): State<AppState>, SignedIn(session): SignedIn) -> Response {
    let app = st.app.clone();
    match run(move || form_page::<E>(&app, &session, None, None, FormErrors::new(), None)).await {
        Ok(p) => render(&p),
        Err(r) => r,
    }
}

async fn edit_page<E: Entry>(State(st): State<AppState>, SignedIn(session): SignedIn, Path(id): Path<String>) -> Response {
    let app = st.app.clone();
    match run(move || form_page::<E>(&app, &session, Some(&id), None, FormErrors::new(), None)).await {
        Ok(p) => render(&p),
        Err(r) => r,
    }
}

/// The entry a form describes, or the problems with it.
fn entry_of<E: Entry>(pairs: &Pairs) -> (Map<String, Value>, Result<E, FormErrors>) {
    let s = spec(E::KIND);
    let mut errors = FormErrors::new();
    let doc = fields::read(s.fields, pairs, "", &mut errors);
    if !errors.is_empty() {
        return (doc, Err(errors));
    }
    match serde_json::from_value::<E>(Value::Object(doc.clone())) {
        Ok(e) => (doc, Ok(e)),
        Err(_) => (doc, Err(FormErrors::one("name", "One of the choices was not one of the options offered: choose again"))),
    }
}

/// An application refusal of a form, on its fields.
fn refusal_errors(s: &Spec, e: AppError) -> Result<FormErrors, AppError> {
    let mut errors = FormErrors::new();
    let all = match e {
        AppError::Invalid(f) => vec![f],
        AppError::InvalidAll(all) => all,
        AppError::Conflict(m) => {
            errors.add(s.fields[0].key, m);
            return Ok(errors);
        }
        other => return Err(other),
    };
    for f in all {
        errors.add(f.field.clone(), sentence(&fields::label_of(s.fields, &f.field), &f.message));
    }
    Ok(errors)
}

async fn create<E: Entry>(State(st): State<AppState>, f: CsrfForm<Pairs>) -> Response {
    let app = st.app.clone();
    let session = f.session;
    let pairs = f.form;
    let result = run(move || {
        app.require(&session.ctx, E::CREATE, E::KIND.as_str(), "")?;
        let (doc, entry) = entry_of::<E>(&pairs);
        let errors = match entry {
            Ok(entry) => match app.register_create(&session.ctx, entry) {
                // Someone who may add but not read (staff reporting a breach) goes back to
                // the dashboard, told it was recorded.
                Ok(_) if !session.user.role.can(E::KIND.read_permission()) => {
                    return Ok(Outcome::done("/?done=reported".to_string()));
                }
                Ok(e) => return Ok(Outcome::done(format!("/{}/{}?done=added", E::KIND.path(), e.id))),
                Err(e) => refusal_errors(&spec(E::KIND), e)?,
            },
            Err(errors) => errors,
        };
        Ok(Outcome::refused(&form_page::<E>(&app, &session, None, Some(doc), errors, None)?))
    })
    .await;
    answer(result)
}

async fn update<E: Entry>(State(st): State<AppState>, Path(id): Path<String>, f: CsrfForm<Pairs>) -> Response {
    let app = st.app.clone();
    let session = f.session;
    let pairs = f.form;
    let result = run(move || {
        app.require(&session.ctx, E::CHANGE, E::KIND.as_str(), &id)?;
        let version = pairs.trimmed("_version").parse::<i64>().ok();
        let (doc, entry) = entry_of::<E>(&pairs);
        let errors = match entry {
            Ok(entry) => match app.register_update(&session.ctx, &id, entry, version) {
                Ok(_) => return Ok(Outcome::done(format!("/{}/{id}?done=saved", E::KIND.path()))),
                Err(e) => refusal_errors(&spec(E::KIND), e)?,
            },
            Err(errors) => errors,
        };
        Ok(Outcome::refused(&form_page::<E>(&app, &session, Some(&id), Some(doc), errors, version)?))
    })
    .await;
    answer(result)
}

async fn retire<E: Entry>(State(st): State<AppState>, Path(id): Path<String>, f: CsrfForm<Pairs>) -> Response {
    let app = st.app.clone();
    let session = f.session;
    let result = run(move || {
        app.register_retire::<E>(&session.ctx, &id)?;
        Ok(Outcome::done(format!("/{}/{id}?done=retired", E::KIND.path())))
    })
    .await;
    answer(result)
}
