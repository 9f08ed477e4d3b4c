//! An erasure request's tasks, one per system or processor told to erase (UK GDPR
//! Art 19), with the form that records what each confirmed; and the printable erasure
//! certificate, which holds no personal data (the person is erased, and appears only as
//! the request's reference).

use crate::session::SignedIn;
use crate::state::AppState;
use crate::ui::form::{Choice, DateParts, FormErrors, Pairs, SelectOption};
use crate::ui::kit::{PageContext, actor_names, long_date, page, render, run, uk_time, who};
use crate::ui::systems::kind_label as system_kind_label;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use jiff::civil::Date;
use std::collections::HashMap;
use steward_app::erasure::{ErasureCertificate, ErasureTask, TaskConfirmation, TaskStatus};

/// An erasure request's tasks: one per system or processor told to erase (Art 19).
pub(super) struct ErasureSection {
    /// Whether erasure was approved (the certificate exists).
    pub(super) approved: bool,
    pub(super) tasks: Vec<TaskLine>,
    /// Active register entries without a task yet.
    pub(super) addable: Vec<SelectOption>,
    /// The entry chosen in the add form.
    pub(super) add: String,
}

/// One erasure task, with its confirmation form when pending.
pub(super) struct TaskLine {
    pub(super) id: String,
    pub(super) system: String,
    pub(super) kind: &'static str,
    pub(super) contact: String,
    pub(super) status: &'static str,
    pub(super) status_class: &'static str,
    pub(super) pending: bool,
    /// "On DATE, recorded by NAME", once confirmed.
    pub(super) confirmed: String,
    pub(super) note: String,
    // The confirmation form's fields (ids are `task-ID-status`, `task-ID-on`, `task-ID-note`).
    pub(super) status_id: String,
    pub(super) on_id: String,
    pub(super) note_id: String,
    pub(super) chosen: String,
    pub(super) on: DateParts,
    pub(super) typed_note: String,
}


fn task_status_class(s: TaskStatus) -> &'static str {
    match s {
        TaskStatus::Pending => "tag--soon",
        TaskStatus::Erased | TaskStatus::NotHeld => "tag--closed",
        TaskStatus::Refused => "tag--late",
    }
}

/// The outcomes a task can be confirmed with.
pub(super) const TASK_OUTCOMES: [Choice; 3] = [
    Choice { value: "erased", label: "Erased", hint: "They confirmed the person's data was erased." },
    Choice { value: "not_held", label: "Nothing held", hint: "They confirmed they held nothing about the person." },
    Choice {
        value: "refused",
        label: "Not erased",
        hint: "They kept it, for example to meet a legal obligation. Say why in the note.",
    },
];

pub(super) fn task_line(t: ErasureTask, names: &HashMap<String, String>, today: Date) -> TaskLine {
    let confirmed = match (&t.confirmed_on, &t.confirmed_by) {
        (Some(on), Some(by)) => format!("{}, recorded by {}", long_date(*on), who(names, by)),
        (Some(on), None) => long_date(*on),
        _ => String::new(),
    };
    TaskLine {
        status_id: format!("task-{}-status", t.id),
        on_id: format!("task-{}-on", t.id),
        note_id: format!("task-{}-note", t.id),
        chosen: String::new(),
        on: DateParts::of(today),
        typed_note: String::new(),
        system: t.system_name,
        kind: system_kind_label(t.system_kind),
        contact: t.contact,
        status: t.status.label(),
        status_class: task_status_class(t.status),
        pending: t.status == TaskStatus::Pending,
        confirmed,
        note: t.note,
        id: t.id,
    }
}

/// What was typed into a task's confirmation form (its fields are `task-ID-status`,
/// `task-ID-on` and `task-ID-note`).
pub(super) struct TaskForm {
    pub(super) status_id: String,
    pub(super) on_id: String,
    pub(super) note_id: String,
    pub(super) chosen: String,
    pub(super) on: DateParts,
    pub(super) note: String,
}

impl TaskForm {
    /// The confirmation form of task `task` as posted.
    pub(super) fn from_pairs(p: &Pairs, task: &str) -> Self {
        let (status_id, on_id, note_id) =
            (format!("task-{task}-status"), format!("task-{task}-on"), format!("task-{task}-note"));
        Self {
            chosen: p.value(&status_id).to_string(),
            on: p.date(&on_id),
            note: p.trimmed(&note_id).to_string(),
            status_id,
            on_id,
            note_id,
        }
    }

    /// The confirmation, or every problem with the form.
    pub(super) fn check(&self) -> Result<TaskConfirmation, FormErrors> {
        let mut errors = FormErrors::new();
        let status = match self.chosen.as_str() {
            "erased" => Some(TaskStatus::Erased),
            "not_held" => Some(TaskStatus::NotHeld),
            "refused" => Some(TaskStatus::Refused),
            _ => {
                errors.add(self.status_id.clone(), "Choose what they confirmed: erased, nothing held or not erased");
                None
            }
        };
        let on = self.on.required(&mut errors, &self.on_id, "The date confirmed", "Enter the date they confirmed it");
        if status == Some(TaskStatus::Refused) && self.note.is_empty() {
            errors.add(
                self.note_id.clone(),
                "Say why it was not erased, for example the law that requires them to keep it",
            );
        }
        match (status, on) {
            (Some(status), Some(confirmed_on)) if errors.is_empty() => {
                Ok(TaskConfirmation { status, confirmed_on, note: self.note.clone() })
            }
            _ => Err(errors),
        }
    }

    /// Put what was typed back into its line of the page.
    pub(super) fn fill(self, line: &mut TaskLine) {
        line.chosen = self.chosen;
        line.on = self.on;
        line.typed_note = self.note;
    }
}

/// One system's line on the certificate.
struct CertificateLine {
    system: String,
    kind: &'static str,
    outcome: &'static str,
    on: String,
    note: String,
}

#[derive(Template)]
#[template(path = "pages/certificate.html")]
struct CertificatePage {
    page: PageContext,
    c: ErasureCertificate,
    received: String,
    approved_on: String,
    approved_by: String,
    erased_at: String,
    erased_by: String,
    issued_at: String,
    lines: Vec<CertificateLine>,
    pending: usize,
}

/// `GET /requests/{id}/certificate`: the erasure certificate, printable. It holds no
/// personal data: the person is erased, and appears only as the request's reference.
pub(super) async fn certificate(State(s): State<AppState>, SignedIn(session): SignedIn, Path(id): Path<String>) -> Response {
    let app = s.app.clone();
    let loaded = run(move || {
        let c = app.erasure_certificate(&session.ctx, &id)?;
        let names = actor_names(&app, &session.ctx)?;
        Ok((page(&app, &session, "requests"), c, names))
    })
    .await;
    let (page, c, names) = match loaded {
        Ok(v) => v,
        Err(r) => return r,
    };
    let lines: Vec<CertificateLine> = c
        .tasks
        .iter()
        .map(|t| CertificateLine {
            system: t.system_name.clone(),
            kind: system_kind_label(t.system_kind),
            outcome: t.status.label(),
            on: t.confirmed_on.map(long_date).unwrap_or_else(|| "Not yet confirmed".into()),
            note: t.note.clone(),
        })
        .collect();
    render(&CertificatePage {
        page,
        received: long_date(c.received_on),
        approved_on: c.approved_on.map(long_date).unwrap_or_default(),
        approved_by: c.approved_by.as_deref().map(|a| who(&names, a)).unwrap_or_default(),
        erased_at: c.erased_in_steward_at.as_deref().map(uk_time).unwrap_or_default(),
        erased_by: c.erased_in_steward_by.as_deref().map(|a| who(&names, a)).unwrap_or_default(),
        issued_at: uk_time(&c.issued_at),
        pending: c.tasks.iter().filter(|t| t.status == TaskStatus::Pending).count(),
        lines,
        c,
    })
}
