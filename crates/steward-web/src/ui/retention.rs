//! The retention pages: the schedule in force (read by everyone, checked, saved or
//! started from a template by the DPO and administrators), the records inventory with
//! each record's destroy-by date and why, adding and changing a record's facts, and the
//! legal holds of every scope (a person, a record, a record type). Disposals have their
//! own pages (`ui/disposals.rs`).

use crate::AppState;
use crate::session::{CsrfForm, SignedIn, redirect};
use crate::ui::auth::page;
use crate::ui::pages::{actor_names, conflict_message, run, sentence, uk_time, uk_today, who};
use crate::ui::{Choice, FormErrors, PageContext, SelectOption, long_date, render, render_status};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use jiff::civil::Date;
use std::collections::BTreeMap;
use steward_app::auth::SessionInfo;
use steward_app::erasure::NewHold;
use steward_app::retention::{LocationInput, NewRecord, Record, RecordPatch, RecordQuery, ScheduleInfo};
use steward_app::{App, AppError, AppResult};
use steward_core::Permission;
use steward_core::retention::schedule::TEMPLATES;
use steward_core::retention::{EVENTS, FLAGS, Schedule};

/// `/retention/schedule`, `/records`, `/records/new`, `/records/{id}`,
/// `/records/{id}/holds`, `/holds` and `/holds/{id}/lift`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/retention/schedule", get(schedule_page).post(schedule_submit))
        .route("/records", get(records_list).post(create_record))
        .route("/records/new", get(new_record_page))
        .route("/records/{id}", get(record_page).post(update_record))
        .route("/records/{id}/holds", post(record_hold))
        .route("/holds", get(holds_page).post(place_hold))
        .route("/holds/{id}/lift", post(lift_hold))
}

type Pairs = Vec<(String, String)>;

fn value<'a>(pairs: &'a Pairs, name: &str) -> &'a str {
    pairs.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

/// Rows per page of the inventory.
const PAGE_SIZE: usize = 50;

// ---------------------------------------------------------------------------------
// Words for events, flags and statuses
// ---------------------------------------------------------------------------------

/// What an event is called on forms ("Support ended").
pub fn event_label(name: &str) -> String {
    let label = match name {
        "started" => "Started",
        "left" => "Left",
        "support_ended" => "Support ended",
        "decision" => "Decision made",
        "issued" => "Issued",
        "validated" => "Validated",
        "accident" => "Accident happened",
        "last_entry" => "Last entry made",
        "expired" => "Expired",
        "created" => "Created",
        "allegation" => "Allegation made",
        "proceedings_ended" => "Legal proceedings ended",
        "received" => "Received",
        "closed" => "Closed",
        "disclosed" => "Disclosed",
        "superseded" => "Superseded",
        "date_of_birth" => "The person's date of birth",
        other => return humanise(other),
    };
    label.to_string()
}

/// What a flag is called on forms.
pub fn flag_label(name: &str) -> String {
    let label = match name {
        "safeguarding_allegation" => "There was a safeguarding allegation",
        "dbs_issues" => "The DBS check raised issues",
        "referred_to_childrens_services" => "The case was referred to children's services",
        "concern_not_referred" => "A concern was recorded but not referred to children's services",
        "legal_proceedings" => "Legal proceedings are possible or under way",
        "reference_consent" => "The person consented to keeping it for references",
        "retention_consent" => "The person consented to keeping it for longer",
        other => return humanise(other),
    };
    label.to_string()
}

fn humanise(name: &str) -> String {
    let words = name.replace(['_', '-'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn status_label(status: &str) -> &'static str {
    match status {
        "kept" => "Kept",
        "disposing" => "Awaiting disposal",
        "destroyed" => "Destroyed",
        _ => "Unknown",
    }
}

const STATUSES: [(&str, &str); 4] =
    [("", "Any status"), ("kept", "Kept"), ("disposing", "Awaiting disposal"), ("destroyed", "Destroyed")];

/// The words of a rule (`12 months after support_ended`), to tell which events it uses.
fn words(rule: &str) -> impl Iterator<Item = &str> {
    rule.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).filter(|w| !w.is_empty())
}

/// The events a record type's rules count from, in the order of `EVENTS`, and whether
/// any rule needs the person's date of birth.
fn type_uses(schedule: Option<&ScheduleInfo>, record_type: &str) -> (Vec<&'static str>, bool) {
    let Some(s) = schedule else { return (Vec::new(), false) };
    let Some(t) = s.record_types.iter().find(|t| t.id == record_type) else { return (Vec::new(), false) };
    let mut text = t.rule.clone();
    for (_, r) in &t.exceptions {
        text.push(' ');
        text.push_str(r);
    }
    let used = EVENTS.iter().map(|(n, _)| *n).filter(|n| words(&text).any(|w| w == *n)).collect();
    let birth = words(&text).any(|w| w == "age" || w == "state_pension_age");
    (used, birth)
}

// ---------------------------------------------------------------------------------
// The schedule
// ---------------------------------------------------------------------------------

/// One record type, for the table.
struct TypeLine {
    id: String,
    name: String,
    rule: String,
    exceptions: Vec<(String, String)>,
    source: String,
    review: bool,
    automatic: bool,
    method: String,
}

/// One saved version, for the history.
struct VersionLine {
    version: i64,
    name: String,
    source: String,
    saved: String,
    by: String,
}

/// The schedule in force, for reading.
struct Current {
    name: String,
    description: String,
    version: i64,
    saved: String,
    by: String,
    source: String,
    applies: Vec<(String, String)>,
    types: Vec<TypeLine>,
}

/// What saving did.
struct SavedLine {
    version: i64,
    changed: Vec<String>,
    recomputed: u64,
}

#[derive(Template)]
#[template(path = "pages/retention_schedule.html")]
struct SchedulePage {
    page: PageContext,
    errors: FormErrors,
    current: Option<Current>,
    versions: Vec<VersionLine>,
    can_manage: bool,
    text: String,
    templates: Vec<SelectOption>,
    template: String,
    checked: Option<String>,
    saved: Option<SavedLine>,
}

fn source_label(source: &str) -> String {
    if let Some(t) = source.strip_prefix("template:") {
        return format!("the “{t}” template");
    }
    match source {
        "ui" => "this page".into(),
        "file" => "the schedule file".into(),
        "api" => "the API".into(),
        "import" => "an import".into(),
        other => other.to_string(),
    }
}

fn schedule_for(
    app: &App,
    session: &SessionInfo,
    errors: FormErrors,
    text: Option<String>,
    template: &str,
) -> AppResult<SchedulePage> {
    let info = app.schedule_info(&session.ctx)?;
    let names = actor_names(app, &session.ctx)?;
    let versions = app
        .schedule_versions(&session.ctx)?
        .into_iter()
        .map(|v| VersionLine {
            version: v.version,
            name: v.name,
            source: source_label(&v.source),
            saved: uk_time(&v.saved_at),
            by: who(&names, &v.saved_by),
        })
        .collect();
    let can_manage = session.user.role.can(Permission::ManageRetention);
    let from_template = TEMPLATES.iter().find(|(n, _)| *n == template).map(|(_, t)| (*t).to_string());
    let text = text.or(from_template).or_else(|| info.as_ref().map(|i| i.toml.clone())).unwrap_or_default();
    let current = info.map(|i| Current {
        name: i.name,
        description: i.description.unwrap_or_default(),
        version: i.version,
        saved: uk_time(&i.saved_at),
        by: who(&names, &i.saved_by),
        source: source_label(&i.source),
        applies: i.applies_to_all.into_iter().map(|(f, what)| (flag_label(&f), what)).collect(),
        types: i
            .record_types
            .into_iter()
            .map(|t| TypeLine {
                id: t.id,
                name: t.name,
                rule: t.rule,
                exceptions: t.exceptions.into_iter().map(|(f, r)| (flag_label(&f), r)).collect(),
                source: t.source.unwrap_or_default(),
                review: t.review_before_use,
                automatic: t.automatic_disposal,
                method: t.method.unwrap_or_default(),
            })
            .collect(),
    });
    Ok(SchedulePage {
        page: page(app, session, "retention"),
        errors,
        current,
        versions,
        can_manage,
        text,
        templates: TEMPLATES.iter().map(|(n, _)| SelectOption::new(*n, humanise(n))).collect(),
        template: template.to_string(),
        checked: None,
        saved: None,
    })
}

/// `?template=` (start the editor from a template) and `?done=`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ScheduleQuery {
    template: String,
}

async fn schedule_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    q: Result<Query<ScheduleQuery>, QueryRejection>,
) -> Response {
    let template = q.map(|Query(q)| q.template).unwrap_or_default();
    let app = s.app.clone();
    match run(move || schedule_for(&app, &session, FormErrors::new(), None, &template)).await {
        Ok(mut p) => {
            if !p.template.is_empty() && TEMPLATES.iter().any(|(n, _)| *n == p.template) && p.can_manage {
                p.page.flash = Some(format!(
                    "The “{}” template is in the box below. Check it, change it if you need to, then save it.",
                    humanise(&p.template)
                ));
            }
            render(&p)
        }
        Err(r) => r,
    }
}

/// Every problem of a refused schedule, one per line, on the text box.
fn schedule_errors(message: &str) -> FormErrors {
    let mut errors = FormErrors::new();
    for line in message.lines().map(str::trim).filter(|l| !l.is_empty()) {
        errors.add("schedule", format!("The schedule: {line}"));
    }
    if errors.is_empty() {
        errors.add("schedule", "The schedule is not right");
    }
    errors
}

/// `POST /retention/schedule` with `schedule` (the TOML) and `action` = `check` or `save`.
async fn schedule_submit(State(s): State<AppState>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let action = value(&f.form, "action").to_string();
    let text = value(&f.form, "schedule").replace("\r\n", "\n");
    let result = run(move || {
        app.require(&session.ctx, Permission::ManageRetention, "retention_schedule", "")?;
        if text.trim().is_empty() {
            let mut errors = FormErrors::new();
            errors.add("schedule", "Enter the schedule, or start from a template");
            return Ok((false, schedule_for(&app, &session, errors, Some(text), "")?));
        }
        if action == "check" {
            return Ok(match Schedule::from_toml(&text) {
                Ok(checked) => {
                    let mut p = schedule_for(&app, &session, FormErrors::new(), Some(text), "")?;
                    p.checked = Some(format!(
                        "No problems found: “{}” has {} record types. Nothing has been saved yet.",
                        checked.name,
                        checked.record_types.len()
                    ));
                    (true, p)
                }
                Err(e) => (false, schedule_for(&app, &session, schedule_errors(&e.to_string()), Some(text), "")?),
            });
        }
        let template = TEMPLATES.iter().find(|(_, t)| t.replace("\r\n", "\n") == text).map(|(n, _)| *n);
        let outcome = match template {
            Some(name) => app.use_schedule_template(&session.ctx, name),
            None => app.save_schedule(&session.ctx, &text, "ui"),
        };
        match outcome {
            Ok(saved) => {
                let mut p = schedule_for(&app, &session, FormErrors::new(), None, "")?;
                let names: BTreeMap<&str, &str> = p
                    .current
                    .as_ref()
                    .map(|c| c.types.iter().map(|t| (t.id.as_str(), t.name.as_str())).collect())
                    .unwrap_or_default();
                let changed =
                    saved.changed_types.iter().map(|id| names.get(id.as_str()).map_or(id.clone(), |n| n.to_string()));
                p.saved = Some(SavedLine {
                    version: saved.version,
                    changed: changed.collect(),
                    recomputed: saved.recomputed,
                });
                p.page.flash = Some(format!("Schedule saved as version {}", saved.version));
                Ok((true, p))
            }
            Err(AppError::Invalid(fe)) => {
                Ok((false, schedule_for(&app, &session, schedule_errors(&fe.message), Some(text), "")?))
            }
            Err(AppError::Conflict(m)) => {
                let mut errors = FormErrors::new();
                errors.add("schedule", conflict_message(&m));
                Ok((false, schedule_for(&app, &session, errors, Some(text), "")?))
            }
            Err(e) => Err(e),
        }
    })
    .await;
    match result {
        Ok((true, p)) => render(&p),
        Ok((false, p)) => render_status(StatusCode::UNPROCESSABLE_ENTITY, &p),
        Err(r) => r,
    }
}

// ---------------------------------------------------------------------------------
// The inventory
// ---------------------------------------------------------------------------------

/// One record, for the table.
struct RecordLine {
    id: String,
    reference: String,
    type_name: String,
    location: String,
    month: String,
    date: String,
    held: bool,
    missing: String,
    status: &'static str,
}

fn location_text(r: &Record) -> String {
    let parts: Vec<&str> = [r.location.system.as_deref().unwrap_or(""), r.location.detail.as_str()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect();
    parts.join(", ")
}

fn missing_text(r: &Record) -> String {
    let what = |m: &String| {
        let name = m.strip_prefix("event ").unwrap_or(m);
        let label = event_label(name);
        if name == "date_of_birth" { label.to_lowercase() } else { format!("the date {}", label.to_lowercase()) }
    };
    r.missing.iter().map(what).collect::<Vec<_>>().join(", ")
}

fn line(r: &Record) -> RecordLine {
    let (month, date) = match (r.permanent, r.destroy_on) {
        (true, _) => ("Permanent".to_string(), "Kept permanently".to_string()),
        (false, Some(d)) => (r.destroy_month.clone().unwrap_or_default(), long_date(d)),
        (false, None) => ("Not known yet".to_string(), String::new()),
    };
    RecordLine {
        id: r.id.clone(),
        reference: if r.reference.is_empty() { "(no reference)".into() } else { r.reference.clone() },
        type_name: r.record_type_name.clone(),
        location: location_text(r),
        month,
        date,
        held: r.held,
        missing: missing_text(r),
        status: status_label(&r.status),
    }
}

/// The filters as typed.
#[derive(Default)]
struct Filters {
    record_type: String,
    system_id: String,
    location: String,
    due_month: String,
    due_before: String,
    held: bool,
    missing: bool,
    status: String,
}

impl Filters {
    fn from_pairs(p: &Pairs) -> Self {
        Self {
            record_type: value(p, "record_type").trim().into(),
            system_id: value(p, "system_id").trim().into(),
            location: value(p, "location").trim().into(),
            due_month: value(p, "due_month").trim().into(),
            due_before: value(p, "due_before").trim().into(),
            held: !value(p, "held").is_empty(),
            missing: !value(p, "missing").is_empty(),
            status: value(p, "status").trim().into(),
        }
    }

    /// The query for the application, and problems with what was typed.
    fn query(&self, page: usize) -> (RecordQuery, FormErrors) {
        let mut errors = FormErrors::new();
        let nonempty = |s: &str| Some(s.to_string()).filter(|s| !s.is_empty());
        let due_before = match self.due_before.as_str() {
            "" => None,
            d => match d.parse::<Date>() {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.add("due_before", "Due before must be a date, for example 2027-03-31");
                    None
                }
            },
        };
        let due_month = match self.due_month.as_str() {
            "" => None,
            m => match format!("{m}-01").parse::<Date>() {
                Ok(_) if m.len() == 7 => Some(m.to_string()),
                _ => {
                    errors.add("due_month", "Due in month must be a year and month, for example 2027-03");
                    None
                }
            },
        };
        let status = nonempty(&self.status).filter(|s| STATUSES.iter().any(|(v, _)| v == s));
        let q = RecordQuery {
            record_type: nonempty(&self.record_type),
            system_id: nonempty(&self.system_id),
            location: nonempty(&self.location),
            due_before,
            due_month,
            held: self.held,
            missing: self.missing,
            status,
            limit: Some(PAGE_SIZE),
            offset: Some(page.saturating_sub(1).saturating_mul(PAGE_SIZE)),
            ..RecordQuery::default()
        };
        (q, errors)
    }

    /// The filters as a query string for the page links.
    fn href(&self, page: usize) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        for (k, v) in [
            ("record_type", &self.record_type),
            ("system_id", &self.system_id),
            ("location", &self.location),
            ("due_month", &self.due_month),
            ("due_before", &self.due_before),
            ("status", &self.status),
        ] {
            if !v.is_empty() {
                pairs.push((k, v.clone()));
            }
        }
        if self.held {
            pairs.push(("held", "yes".into()));
        }
        if self.missing {
            pairs.push(("missing", "yes".into()));
        }
        pairs.push(("page", page.to_string()));
        format!("/records?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
    }
}

#[derive(Template)]
#[template(path = "pages/records.html")]
struct RecordsPage {
    page: PageContext,
    errors: FormErrors,
    has_schedule: bool,
    lines: Vec<RecordLine>,
    total: u64,
    first: usize,
    last: usize,
    filters: Filters,
    types: Vec<SelectOption>,
    systems: Vec<SelectOption>,
    statuses: Vec<SelectOption>,
    this_month: String,
    month_hint: String,
    previous: Option<String>,
    next: Option<String>,
    can_add: bool,
}

fn type_options(info: Option<&ScheduleInfo>, first: &str) -> Vec<SelectOption> {
    let mut out = vec![SelectOption::new("", first)];
    if let Some(i) = info {
        out.extend(i.record_types.iter().map(|t| SelectOption::new(t.id.clone(), t.name.clone())));
    }
    out
}

fn system_options(app: &App, session: &SessionInfo, first: &str) -> AppResult<Vec<SelectOption>> {
    let mut out = vec![SelectOption::new("", first)];
    out.extend(
        app.systems(&session.ctx)?
            .into_iter()
            .filter(|s| s.retired_at.is_none())
            .map(|s| SelectOption::new(s.id, s.name)),
    );
    Ok(out)
}

async fn records_list(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    q: Result<Query<Pairs>, QueryRejection>,
) -> Response {
    let pairs = q.map(|Query(q)| q).unwrap_or_default();
    let app = s.app.clone();
    let built = run(move || {
        let filters = Filters::from_pairs(&pairs);
        let last_page = steward_app::retention::MAX_RECORD_OFFSET / PAGE_SIZE + 1;
        let page_no = value(&pairs, "page").parse::<usize>().unwrap_or(1).clamp(1, last_page);
        let info = app.schedule_info(&session.ctx)?;
        let (query, errors) = filters.query(page_no);
        let (lines, total) = if info.is_some() {
            let found = app.records(&session.ctx, &query)?;
            (found.records.iter().map(line).collect::<Vec<_>>(), found.total)
        } else {
            (Vec::new(), 0)
        };
        let first = (page_no - 1) * PAGE_SIZE + 1;
        let last = first + lines.len().saturating_sub(1);
        let more = (last as u64) < total;
        Ok(RecordsPage {
            page: page(&app, &session, "records"),
            errors,
            has_schedule: info.is_some(),
            total,
            first,
            last,
            previous: (page_no > 1).then(|| filters.href(page_no - 1)),
            next: (more && !lines.is_empty()).then(|| filters.href(page_no + 1)),
            lines,
            types: type_options(info.as_ref(), "Any type"),
            systems: system_options(&app, &session, "Any system")?,
            statuses: STATUSES.iter().map(|(v, l)| SelectOption::new(*v, *l)).collect(),
            this_month: uk_today().strftime("%Y-%m").to_string(),
            month_hint: format!("Year and month, for example {}", uk_today().strftime("%Y-%m")),
            filters,
            can_add: session.user.role.can(Permission::ManageRegisters),
        })
    })
    .await;
    match built {
        Ok(p) if p.errors.is_empty() => render(&p),
        Ok(p) => render_status(StatusCode::UNPROCESSABLE_ENTITY, &p),
        Err(r) => r,
    }
}

// ---------------------------------------------------------------------------------
// Adding and changing a record
// ---------------------------------------------------------------------------------

/// One event's date boxes.
struct EventField {
    id: String,
    label: String,
    day: String,
    month: String,
    year: String,
}

/// One flag's checkbox.
struct FlagField {
    id: String,
    name: &'static str,
    label: String,
    checked: bool,
}

fn event_id(name: &str) -> String {
    format!("event-{name}")
}

/// The event boxes as typed, or from `events`.
fn event_fields(p: Option<&Pairs>, events: &BTreeMap<String, Date>) -> Vec<(&'static str, EventField)> {
    EVENTS
        .iter()
        .map(|(name, _)| {
            let id = event_id(name);
            let (day, month, year) = match p {
                Some(p) => (
                    value(p, &id).to_string(),
                    value(p, &format!("{id}-month")).to_string(),
                    value(p, &format!("{id}-year")).to_string(),
                ),
                None => match events.get(*name) {
                    Some(d) => (d.day().to_string(), d.month().to_string(), d.year().to_string()),
                    None => Default::default(),
                },
            };
            (*name, EventField { label: event_label(name), id, day, month, year })
        })
        .collect()
}

/// Split the boxes into those the type uses (or that hold a date) and the others.
fn split_events(fields: Vec<(&'static str, EventField)>, used: &[&str]) -> (Vec<EventField>, Vec<EventField>) {
    let (a, b): (Vec<_>, Vec<_>) = fields
        .into_iter()
        .partition(|(name, f)| used.contains(name) || !(f.day.is_empty() && f.month.is_empty() && f.year.is_empty()));
    (a.into_iter().map(|(_, f)| f).collect(), b.into_iter().map(|(_, f)| f).collect())
}

fn flag_fields(checked: &[String]) -> Vec<FlagField> {
    FLAGS
        .iter()
        .enumerate()
        .map(|(i, name)| FlagField {
            id: if i == 0 { "flags".into() } else { format!("flags-{name}") },
            name,
            label: flag_label(name),
            checked: checked.iter().any(|c| c == name),
        })
        .collect()
}

/// A day typed as day, month and year (all blank is none).
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

/// Every event's date as typed (`None` for blank), with problems on their boxes.
fn typed_events(p: &Pairs, errors: &mut FormErrors) -> BTreeMap<String, Option<Date>> {
    let mut out = BTreeMap::new();
    for (name, _) in EVENTS {
        let id = event_id(name);
        let typed = parse_date(value(p, &id), value(p, &format!("{id}-month")), value(p, &format!("{id}-year")));
        match typed {
            Ok(d) => {
                out.insert((*name).to_string(), d);
            }
            Err(m) => errors.add(id, sentence(&format!("The date {}", event_label(name).to_lowercase()), m)),
        }
    }
    out
}

fn typed_flags(p: &Pairs) -> Vec<String> {
    p.iter().filter(|(k, v)| k == "flags" && FLAGS.contains(&v.as_str())).map(|(_, v)| v.clone()).collect()
}

/// An application refusal of the record form, on its field.
fn record_errors(e: AppError) -> Result<FormErrors, AppError> {
    match e {
        AppError::Invalid(fe) => {
            let (id, label) = match fe.field.as_str() {
                "record_type" => ("record_type", "The record type"),
                "reference" => ("reference", "The reference"),
                "subject_id" => ("subject_id", "The person's id"),
                "location.system_id" => ("system_id", "The system"),
                "location" | "location.detail" => ("location_detail", "Where it is kept"),
                "events" => ("events", "The dates"),
                "flags" => ("flags", "The facts"),
                _ => ("reference", "This answer"),
            };
            let mut errors = FormErrors::new();
            errors.add(id, sentence(label, &fe.message));
            Ok(errors)
        }
        other => Err(other),
    }
}

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
    let (used, other) = split_events(event_fields(typed, &BTreeMap::new()), &used);
    let field = |name: &str| typed.map(|p| value(p, name).to_string()).unwrap_or_default();
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
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewQuery {
    record_type: String,
}

async fn new_record_page(
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
async fn create_record(State(s): State<AppState>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let p = f.form;
    let result = run(move || {
        app.require(&session.ctx, Permission::ManageRegisters, "record", "")?;
        let record_type = value(&p, "record_type").trim().to_string();
        let mut errors = FormErrors::new();
        if record_type.is_empty() {
            errors.add("record_type", "Choose the record type");
        }
        let events = typed_events(&p, &mut errors);
        if errors.is_empty() {
            let subject = value(&p, "subject_id").trim();
            let system_id = value(&p, "system_id").trim();
            let detail = value(&p, "location_detail").trim();
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
                reference: value(&p, "reference").to_string(),
                events: events.into_iter().filter_map(|(k, v)| v.map(|d| (k, d))).collect(),
                flags: typed_flags(&p),
                location,
                ..NewRecord::default()
            };
            match app.create_record(&session.ctx, input) {
                Ok(r) => return Ok(Err(r.id)),
                Err(e) => errors = record_errors(e)?,
            }
        }
        Ok(Ok(new_record_for(&app, &session, errors, &record_type, Some(&p))?))
    })
    .await;
    match result {
        Ok(Err(id)) => redirect(&format!("/records/{id}?done=added")),
        Ok(Ok(p)) => render_status(StatusCode::UNPROCESSABLE_ENTITY, &p),
        Err(r) => r,
    }
}

// ---------------------------------------------------------------------------------
// One record
// ---------------------------------------------------------------------------------

/// A legal hold, standing or lifted, as the pages show it.
struct HoldLine {
    id: String,
    what: String,
    href: String,
    reason: String,
    approved_by: String,
    placed: String,
    by: String,
    lift_id: String,
    typed: String,
    lifted: String,
    lift_reason: String,
}

fn hold_lines(app: &App, session: &SessionInfo, include_lifted: bool) -> AppResult<Vec<(bool, HoldLine)>> {
    let holds = app.holds(&session.ctx, None, include_lifted)?;
    let names = actor_names(app, &session.ctx)?;
    let info = app.schedule_info(&session.ctx)?;
    let mut out = Vec::new();
    for h in holds {
        let (what, href) = match h.scope.as_str() {
            "record" => {
                let what = match app.record(&session.ctx, &h.target) {
                    Ok(r) if !r.reference.is_empty() => format!("Record {} ({})", r.reference, r.record_type_name),
                    Ok(r) => format!("A record ({})", r.record_type_name),
                    Err(_) => "A record".to_string(),
                };
                (what, format!("/records/{}", h.target))
            }
            "record_type" => {
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
            _ => ("A person (their whole file)".to_string(), format!("/subjects/{}", h.target)),
        };
        out.push((
            h.lifted_at.is_none(),
            HoldLine {
                lift_id: format!("hold-{}-reason", h.id),
                what,
                href,
                reason: h.reason,
                approved_by: h.approved_by,
                placed: uk_time(&h.placed_at),
                by: who(&names, &h.placed_by),
                typed: String::new(),
                lifted: h.lifted_at.as_deref().map(uk_time).unwrap_or_default(),
                lift_reason: h.lift_reason.unwrap_or_default(),
                id: h.id,
            },
        ));
    }
    Ok(out)
}

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
    hold_scope: String,
    hold_reason: String,
    hold_approved_by: String,
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
    let (used, other) = split_events(event_fields(typed, &r.events), &used);
    let flags = flag_fields(&typed.map(typed_flags).unwrap_or_else(|| r.flags.clone()));
    let can_see_holds = session.user.role.can(Permission::SubjectRead);
    let holds = if can_see_holds && r.held {
        hold_lines(app, session, false)?.into_iter().map(|(_, h)| h).filter(|h| r.holds.contains(&h.id)).collect()
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
        hold_scope: "record".into(),
        hold_reason: String::new(),
        hold_approved_by: String::new(),
    })
}

/// `?done=` after a change.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct DoneQuery {
    done: String,
}

fn flash(done: &str) -> Option<String> {
    match done {
        "added" => Some("Record added to the inventory".into()),
        "saved" => Some("Changes saved and the destroy-by date worked out again".into()),
        "held" => Some("Legal hold placed".into()),
        "lifted" => Some("Legal hold lifted".into()),
        _ => None,
    }
}

async fn record_page(
    State(s): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    q: Result<Query<DoneQuery>, QueryRejection>,
) -> Response {
    let done = q.map(|Query(q)| q.done).unwrap_or_default();
    let app = s.app.clone();
    match run(move || record_for(&app, &session, &id, FormErrors::new(), None)).await {
        Ok(mut p) => {
            p.page.flash = flash(&done);
            render(&p)
        }
        Err(r) => r,
    }
}

/// `POST /records/{id}`: change the record's dates and facts (only what changed is sent
/// on; a cleared date is removed).
async fn update_record(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let p = f.form;
    let target = id.clone();
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
                Ok(_) => return Ok(None),
                Err(AppError::Conflict(m)) => errors.add("events", conflict_message(&m)),
                Err(e) => errors = record_errors(e)?,
            }
        }
        Ok(Some(record_for(&app, &session, &id, errors, Some(&p))?))
    })
    .await;
    match result {
        Ok(None) => redirect(&format!("/records/{target}?done=saved")),
        Ok(Some(p)) => render_status(StatusCode::UNPROCESSABLE_ENTITY, &p),
        Err(r) => r,
    }
}

/// Check the reason and approver of a hold form; problems on `hold-reason` and
/// `hold-approved-by`.
fn hold_basics(reason: &str, approved_by: &str, errors: &mut FormErrors) {
    if reason.is_empty() {
        errors.add("hold-reason", "Give the reason for the hold, for example the claim or investigation");
    }
    if approved_by.is_empty() {
        errors.add("hold-approved-by", "Enter who approved the hold, by name or role");
    }
}

/// An application refusal of a hold, on its field.
fn hold_errors(e: AppError, errors: &mut FormErrors) -> AppResult<()> {
    match e {
        AppError::Invalid(fe) => {
            let (field, what) = match fe.field.as_str() {
                "approved_by" => ("hold-approved-by", "Who approved it"),
                "subject_id" => ("hold-subject", "The person's id"),
                "record_id" => ("hold-record", "The record's id"),
                "record_type" => ("hold-type", "The record type"),
                _ => ("hold-reason", "The reason"),
            };
            errors.add(field, sentence(what, &fe.message));
            Ok(())
        }
        AppError::Conflict(m) => {
            errors.add("hold-reason", conflict_message(&m));
            Ok(())
        }
        other => Err(other),
    }
}

/// `POST /records/{id}/holds` with `hold-scope` (`record` or `record_type`),
/// `hold-reason` and `hold-approved-by` (the DPO).
async fn record_hold(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let scope = value(&f.form, "hold-scope").to_string();
    let reason = value(&f.form, "hold-reason").trim().to_string();
    let approved_by = value(&f.form, "hold-approved-by").trim().to_string();
    let target = id.clone();
    let result = run(move || {
        app.require(&session.ctx, Permission::ManageHolds, "hold", "")?;
        let record = app.record(&session.ctx, &id)?;
        let mut errors = FormErrors::new();
        let input = match scope.as_str() {
            "record" => Some(NewHold { record_id: Some(id.clone()), ..Default::default() }),
            "record_type" => Some(NewHold { record_type: Some(record.record_type.clone()), ..Default::default() }),
            _ => {
                errors.add("hold-scope", "Choose whether to hold this record only or every record of its type");
                None
            }
        };
        hold_basics(&reason, &approved_by, &mut errors);
        if let Some(input) = input
            && errors.is_empty()
        {
            match app
                .place_hold(&session.ctx, NewHold { reason: reason.clone(), approved_by: approved_by.clone(), ..input })
            {
                Ok(_) => return Ok(None),
                Err(e) => {
                    // This page has no record or type box: a refusal of either lands on the choice.
                    let mut refused = FormErrors::new();
                    hold_errors(e, &mut refused)?;
                    for (field, message) in refused.items() {
                        let on = if field == "hold-record" || field == "hold-type" { "hold-scope" } else { field };
                        errors.add(on, message.clone());
                    }
                }
            }
        }
        let mut p = record_for(&app, &session, &id, errors, None)?;
        p.hold_scope = scope;
        p.hold_reason = reason;
        p.hold_approved_by = approved_by;
        Ok(Some(p))
    })
    .await;
    match result {
        Ok(None) => redirect(&format!("/records/{target}?done=held")),
        Ok(Some(p)) => render_status(StatusCode::UNPROCESSABLE_ENTITY, &p),
        Err(r) => r,
    }
}

// ---------------------------------------------------------------------------------
// Legal holds of every scope
// ---------------------------------------------------------------------------------

const SCOPES: [Choice; 3] = [
    Choice { value: "subject", label: "A person", hint: "Nothing about them is erased or disposed of." },
    Choice { value: "record", label: "One record", hint: "That record is not disposed of." },
    Choice { value: "record_type", label: "A record type", hint: "No record of that type is disposed of." },
];

/// What was typed into the place-a-hold form.
#[derive(Default)]
struct HoldForm {
    scope: String,
    subject: String,
    record: String,
    record_type: String,
    reason: String,
    approved_by: String,
}

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
    let (standing, lifted): (Vec<_>, Vec<_>) = hold_lines(app, session, true)?.into_iter().partition(|(s, _)| *s);
    let info = app.schedule_info(&session.ctx)?;
    Ok(HoldsPage {
        page: page(app, session, "holds"),
        errors,
        standing: standing.into_iter().map(|(_, h)| h).collect(),
        lifted: lifted.into_iter().map(|(_, h)| h).collect(),
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
    let done = q.map(|Query(q)| q.done).unwrap_or_default();
    let app = s.app.clone();
    let form = HoldForm { scope: "subject".into(), ..HoldForm::default() };
    match run(move || holds_for(&app, &session, FormErrors::new(), form)).await {
        Ok(mut p) => {
            p.page.flash = flash(&done);
            render(&p)
        }
        Err(r) => r,
    }
}

/// `POST /holds`: place a hold of any scope (the DPO).
async fn place_hold(State(s): State<AppState>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let p = f.form;
    let form = HoldForm {
        scope: value(&p, "hold-scope").to_string(),
        subject: value(&p, "hold-subject").trim().to_string(),
        record: value(&p, "hold-record").trim().to_string(),
        record_type: value(&p, "hold-type").trim().to_string(),
        reason: value(&p, "hold-reason").trim().to_string(),
        approved_by: value(&p, "hold-approved-by").trim().to_string(),
    };
    let result = run(move || {
        app.require(&session.ctx, Permission::ManageHolds, "hold", "")?;
        let mut errors = FormErrors::new();
        let some = |v: &str| Some(v.to_string());
        let input = match form.scope.as_str() {
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
        };
        hold_basics(&form.reason, &form.approved_by, &mut errors);
        if let Some(input) = input
            && errors.is_empty()
        {
            let input = NewHold { reason: form.reason.clone(), approved_by: form.approved_by.clone(), ..input };
            match app.place_hold(&session.ctx, input) {
                Ok(_) => return Ok(None),
                Err(e) => hold_errors(e, &mut errors)?,
            }
        }
        Ok(Some(holds_for(&app, &session, errors, form)?))
    })
    .await;
    match result {
        Ok(None) => redirect("/holds?done=held"),
        Ok(Some(p)) => render_status(StatusCode::UNPROCESSABLE_ENTITY, &p),
        Err(r) => r,
    }
}

/// `POST /holds/{id}/lift` with `hold-ID-reason` (the DPO).
async fn lift_hold(State(s): State<AppState>, Path(id): Path<String>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let field = format!("hold-{id}-reason");
    let reason = value(&f.form, &field).trim().to_string();
    let result = run(move || {
        app.require(&session.ctx, Permission::ManageHolds, "hold", &id)?;
        let message = if reason.is_empty() {
            "Give the reason the hold is lifted, for example that the claim was settled".to_string()
        } else {
            match app.lift_hold(&session.ctx, &id, &reason) {
                Ok(_) => return Ok(None),
                Err(AppError::Invalid(fe)) => sentence("The reason", &fe.message),
                Err(AppError::Conflict(m)) => conflict_message(&m),
                Err(e) => return Err(e),
            }
        };
        let mut errors = FormErrors::new();
        errors.add(field, message);
        let mut p = holds_for(&app, &session, errors, HoldForm { scope: "subject".into(), ..HoldForm::default() })?;
        if let Some(h) = p.standing.iter_mut().find(|h| h.id == id) {
            h.typed = reason;
        }
        Ok(Some(p))
    })
    .await;
    match result {
        Ok(None) => redirect("/holds?done=lifted"),
        Ok(Some(p)) => render_status(StatusCode::UNPROCESSABLE_ENTITY, &p),
        Err(r) => r,
    }
}

// ---------------------------------------------------------------------------------
// The dashboard's panel
// ---------------------------------------------------------------------------------

/// The dashboard's retention panel: records due for disposal this month and overdue.
#[derive(Debug, Clone)]
pub struct RetentionPanel {
    /// Whether a schedule is in force at all.
    pub has_schedule: bool,
    /// Records due this month.
    pub due: u64,
    /// Records past their destroy-by date and not yet destroyed.
    pub overdue: u64,
    /// The month, for people ("November 2026").
    pub month_label: String,
    /// The inventory filtered to this month.
    pub month_href: String,
    /// Disposals waiting for the DPO's approval.
    pub awaiting_approval: u64,
    /// Disposal tasks not yet confirmed, and of those past their date.
    pub open_tasks: u64,
    /// Disposal tasks past the date they were to be done by.
    pub late_tasks: u64,
    /// Disposals stopped by a legal hold.
    pub held: u64,
}

/// The panel for roles that read the registers; `None` for others.
pub fn dashboard_panel(app: &App, session: &SessionInfo) -> AppResult<Option<RetentionPanel>> {
    if !session.user.role.can(Permission::ReadRegisters) {
        return Ok(None);
    }
    let today = uk_today();
    let has_schedule = app.active_schedule()?.is_some();
    let s = if has_schedule { app.disposal_summary(&session.ctx, today)? } else { Default::default() };
    Ok(Some(RetentionPanel {
        has_schedule,
        due: s.due_this_month,
        overdue: s.overdue,
        awaiting_approval: s.awaiting_approval,
        open_tasks: s.open_tasks,
        late_tasks: s.late_tasks,
        held: s.held,
        month_label: today.strftime("%B %Y").to_string(),
        month_href: format!("/records?due_month={}", today.strftime("%Y-%m")),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_for_events_flags_and_rules_read_naturally() {
        assert_eq!(event_label("support_ended"), "Support ended");
        assert_eq!(event_label("date_of_birth"), "The person's date of birth");
        assert_eq!(event_label("new_thing"), "New thing");
        assert_eq!(flag_label("dbs_issues"), "The DBS check raised issues");
        assert_eq!(humanise("family-support-charity"), "Family support charity");
        let w: Vec<&str> = words("max(state_pension_age, 10 years after allegation)").collect();
        assert!(w.contains(&"state_pension_age") && w.contains(&"allegation"));
        assert_eq!(parse_date("", " ", ""), Ok(None));
        assert!(parse_date("31", "2", "2026").is_err());
        assert_eq!(parse_date("5", "1", "2026"), Ok(Some(jiff::civil::date(2026, 1, 5))));
    }

    #[test]
    fn filters_make_queries_and_refuse_nonsense_dates() {
        let pairs: Pairs = vec![
            ("due_month".into(), "2026-13".into()),
            ("due_before".into(), "soon".into()),
            ("held".into(), "yes".into()),
            ("status".into(), "nonsense".into()),
        ];
        let f = Filters::from_pairs(&pairs);
        let (q, errors) = f.query(2);
        assert!(errors.has("due_month") && errors.has("due_before"));
        assert!(q.held && q.status.is_none() && q.offset == Some(PAGE_SIZE));
        assert_eq!(f.href(3), "/records?due_month=2026-13&due_before=soon&status=nonsense&held=yes&page=3");
    }
}
