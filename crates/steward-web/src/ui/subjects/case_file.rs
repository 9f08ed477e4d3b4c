//! A subject's case file as their page shows it: case notes and documents, newest
//! first (each read audited by the application).

use crate::ui::kit::{actor_names, size_label, uk_time, who};
use steward_app::auth::SessionInfo;
use steward_app::records::{MAX_DOCUMENT_BYTES, NOTE_CATEGORIES};
use steward_app::{App, AppResult};
use steward_core::Permission;

/// One note as the page shows it.
pub struct NoteLine {
    /// Category label.
    pub category: &'static str,
    /// The text.
    pub text: String,
    /// Where it came from.
    pub source: String,
    /// When, for people.
    pub when: String,
    /// Who wrote it.
    pub by: String,
}

/// One document as the page shows it.
pub struct DocumentLine {
    /// Id, for the download link.
    pub id: String,
    /// File name.
    pub filename: String,
    /// Size for people.
    pub size: String,
    /// Where it came from.
    pub source: String,
    /// When uploaded, for people.
    pub when: String,
}

/// The notes and documents of a subject, for the subject page.
#[derive(Default)]
pub struct SubjectRecords {
    /// Whether the viewer may add notes and documents.
    pub can_add: bool,
    /// Notes, newest first.
    pub notes: Vec<NoteLine>,
    /// Documents, newest first.
    pub documents: Vec<DocumentLine>,
    /// Categories for the form: code and label.
    pub categories: Vec<(&'static str, &'static str)>,
    /// The note form's text, kept after an error.
    pub note_text: String,
    /// The largest document, for people.
    pub max_size: String,
}

/// Read a subject's notes and documents for their page (each read is audited).
pub fn load(app: &App, session: &SessionInfo, id: &str) -> AppResult<SubjectRecords> {
    let names = actor_names(app, &session.ctx)?;
    let (notes, documents) = app.case_file(&session.ctx, id)?;
    let mut notes: Vec<NoteLine> = notes
        .into_iter()
        .map(|n| NoteLine {
            category: NOTE_CATEGORIES.iter().find(|(c, _)| *c == n.category).map_or("Note", |(_, l)| *l),
            text: n.text,
            source: n.source,
            when: uk_time(&n.created_at),
            by: who(&names, &n.created_by),
        })
        .collect();
    notes.reverse();
    let mut documents: Vec<DocumentLine> = documents
        .into_iter()
        .map(|d| DocumentLine {
            id: d.id,
            filename: d.filename,
            size: size_label(d.size),
            source: d.source,
            when: uk_time(&d.created_at),
        })
        .collect();
    documents.reverse();
    Ok(SubjectRecords {
        can_add: session.user.role.can(Permission::SubjectUpdate),
        notes,
        documents,
        categories: NOTE_CATEGORIES.to_vec(),
        note_text: String::new(),
        max_size: size_label(MAX_DOCUMENT_BYTES as i64),
    })
}
