//! The retention schedule: the schedule in force (read by everyone), its saved
//! versions, and checking, saving or starting it from a template (the DPO and
//! administrators).

use super::words::{flag_label, humanise};
use crate::session::{CsrfForm, SignedIn};
use crate::state::AppState;
use crate::ui::form::{FormErrors, Outcome, Pairs, SelectOption, answer};
use crate::ui::kit::{PageContext, actor_names, page, refusal, render, run, uk_time, who};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use std::collections::BTreeMap;
use steward_app::auth::SessionInfo;
use steward_app::{App, AppError, AppResult};
use steward_core::Permission;
use steward_core::retention::Schedule;
use steward_core::retention::schedule::TEMPLATES;

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

pub(super) async fn schedule_page(
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
pub(super) async fn schedule_submit(State(s): State<AppState>, f: CsrfForm<Pairs>) -> Response {
    let app = s.app.clone();
    let session = f.session;
    let action = f.form.value("action").to_string();
    let text = f.form.value("schedule").replace("\r\n", "\n");
    let result = run(move || {
        app.require(&session.ctx, Permission::ManageRetention, "retention_schedule", "")?;
        let refused = |errors: FormErrors, text: String| -> AppResult<Outcome> {
            Ok(Outcome::refused(&schedule_for(&app, &session, errors, Some(text), "")?))
        };
        if text.trim().is_empty() {
            return refused(FormErrors::one("schedule", "Enter the schedule, or start from a template"), text);
        }
        if action == "check" {
            return match Schedule::from_toml(&text) {
                Ok(checked) => {
                    let mut p = schedule_for(&app, &session, FormErrors::new(), Some(text), "")?;
                    p.checked = Some(format!(
                        "No problems found: “{}” has {} record types. Nothing has been saved yet.",
                        checked.name,
                        checked.record_types.len()
                    ));
                    Ok(Outcome::show(&p))
                }
                Err(e) => refused(schedule_errors(&e.to_string()), text),
            };
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
                Ok(Outcome::show(&p))
            }
            Err(AppError::Invalid(fe)) => refused(schedule_errors(&fe.message), text),
            Err(e) => refused(FormErrors::one("schedule", refusal(e)?), text),
        }
    })
    .await;
    answer(result)
}
