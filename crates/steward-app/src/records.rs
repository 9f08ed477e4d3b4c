//! Case notes and documents about a subject: sealed under the subject's own data key like
//! the identity record (so erasure destroys them too), added with `SubjectUpdate`, read
//! with `SubjectRead`, both under the caseworker's need to know, every view audited with
//! ids and counts only.

use crate::{App, AppError, AppResult, Context};
use serde::{Deserialize, Serialize};
use steward_core::audit::{Action, Outcome};
use steward_core::{FieldError, Permission};
use steward_crypto::DataKey;
use steward_store::{DocumentRow, NoteRow, SubjectRow};
use utoipa::ToSchema;

/// Categories a case note may have: fixed codes with labels.
pub const NOTE_CATEGORIES: [(&str, &str); 6] = [
    ("case_note", "Case note"),
    ("phone_call", "Phone call"),
    ("meeting", "Meeting or visit"),
    ("correspondence", "Letter or email"),
    ("complaint", "Complaint"),
    ("other", "Other"),
];

/// Longest note text accepted (characters).
pub const MAX_NOTE_CHARS: usize = 20_000;
/// Longest source (system or place a record came from) accepted (characters).
pub const MAX_SOURCE_CHARS: usize = 100;
/// Largest document accepted (bytes).
pub const MAX_DOCUMENT_BYTES: usize = 1_000_000;
/// Longest file name kept (characters), extension included.
const MAX_FILENAME_CHARS: usize = 100;

/// A case note to add.
#[derive(Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNote {
    /// The note (1 to 20,000 characters).
    pub text: String,
    /// One of `case_note`, `phone_call`, `meeting`, `correspondence`, `complaint`, `other`
    /// (default `case_note`).
    #[serde(default)]
    pub category: Option<String>,
    /// Where it came from: the system or place it was recorded (default `Steward`).
    #[serde(default)]
    pub source: Option<String>,
}

impl std::fmt::Debug for NewNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewNote { .. redacted .. }")
    }
}

/// What is sealed of a note.
#[derive(Serialize, Deserialize)]
struct SealedNote {
    text: String,
    source: String,
}

/// A case note, opened.
#[derive(Clone, Serialize, Deserialize, ToSchema)]
pub struct NoteView {
    /// Id.
    pub id: String,
    /// The subject.
    pub subject_id: String,
    /// Category code.
    pub category: String,
    /// The note.
    pub text: String,
    /// Where it came from.
    pub source: String,
    /// When written (RFC 3339).
    pub created_at: String,
    /// Who wrote it.
    pub created_by: String,
}

impl std::fmt::Debug for NoteView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NoteView").field("id", &self.id).finish_non_exhaustive()
    }
}

/// A document to add: the bytes as received and the name and type the sender gave.
#[derive(Clone)]
pub struct NewDocument {
    /// The file name as sent (it is sanitised before it is kept).
    pub filename: String,
    /// The media type as sent (`application/octet-stream` when absent or not one).
    pub media_type: Option<String>,
    /// Where it came from (default `Uploaded to Steward`).
    pub source: Option<String>,
    /// The content.
    pub content: Vec<u8>,
}

impl std::fmt::Debug for NewDocument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewDocument").field("bytes", &self.content.len()).finish_non_exhaustive()
    }
}

/// What is sealed of a document besides its content.
#[derive(Serialize, Deserialize)]
struct DocMeta {
    filename: String,
    media_type: String,
    sha256: String,
    source: String,
}

/// A document's details, opened (without its content).
#[derive(Clone, Serialize, Deserialize, ToSchema)]
pub struct DocumentInfo {
    /// Id.
    pub id: String,
    /// The subject.
    pub subject_id: String,
    /// File name, sanitised.
    pub filename: String,
    /// Media type.
    pub media_type: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    /// Where it came from.
    pub source: String,
    /// When uploaded (RFC 3339).
    pub created_at: String,
    /// Who uploaded it.
    pub created_by: String,
}

impl std::fmt::Debug for DocumentInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocumentInfo").field("id", &self.id).finish_non_exhaustive()
    }
}

/// Make a file name safe to keep, show and put in a zip or a download header: only the
/// last path component, letters, digits, spaces and `._-()` (others become `_`), no
/// leading dots, no device names, at most 100 characters with the extension kept, and
/// `document` when nothing is left.
pub fn sanitise_filename(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let mut name: String = last
        .chars()
        .map(|c| if c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '(' | ')' | ' ') { c } else { '_' })
        .collect();
    name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let name = name.trim_start_matches(['.', ' ']).trim_end_matches(['.', ' ']).to_string();
    let mut name = if name.chars().all(|c| c == '_') { String::new() } else { name };
    if name.chars().count() > MAX_FILENAME_CHARS {
        let ext: String = match name.rfind('.') {
            Some(i) if name.len() - i <= 10 => name[i..].to_string(),
            _ => String::new(),
        };
        let keep = MAX_FILENAME_CHARS - ext.chars().count();
        name = name.chars().take(keep).collect::<String>() + &ext;
    }
    let stem = name.split('.').next().unwrap_or("").to_ascii_uppercase();
    const DEVICES: [&str; 22] = [
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1",
        "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    ];
    if DEVICES.contains(&stem.as_str()) {
        name = format!("_{name}");
    }
    if name.is_empty() { "document".into() } else { name }
}

/// A media type as sent, if it looks like one (`type/subtype`, lower-cased, parameters
/// dropped); `application/octet-stream` otherwise.
pub fn clean_media_type(raw: Option<&str>) -> String {
    let t = raw.unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let token = |s: &str| {
        !s.is_empty() && s.len() <= 60 && s.chars().all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
    };
    match t.split_once('/') {
        Some((a, b)) if token(a) && token(b) => t,
        _ => "application/octet-stream".into(),
    }
}

fn clean_source(field: &str, raw: Option<&str>, default: &str) -> AppResult<String> {
    let s = raw.map(str::trim).unwrap_or("");
    if s.is_empty() {
        return Ok(default.into());
    }
    if s.chars().count() > MAX_SOURCE_CHARS || s.chars().any(char::is_control) {
        return Err(AppError::Invalid(FieldError::new(
            field,
            format!("must be up to {MAX_SOURCE_CHARS} characters on one line"),
        )));
    }
    Ok(s.into())
}

pub(crate) fn note_aad(subject: &str, id: &str) -> Vec<u8> {
    format!("note:{subject}:{id}").into_bytes()
}

fn doc_meta_aad(subject: &str, id: &str) -> Vec<u8> {
    format!("document-meta:{subject}:{id}").into_bytes()
}

fn doc_aad(subject: &str, id: &str) -> Vec<u8> {
    format!("document:{subject}:{id}").into_bytes()
}

impl App {
    /// The subject's row and opened data key, after the permission and need-to-know checks.
    pub(crate) fn subject_key(
        &self,
        ctx: &Context,
        p: Permission,
        subject_id: &str,
    ) -> AppResult<(SubjectRow, DataKey)> {
        self.require(ctx, p, "subject", subject_id)?;
        self.require_need_to_know(ctx, subject_id)?;
        let row = self.load(subject_id)?;
        if p == Permission::SubjectUpdate {
            // Art 18(2): a restricted person's data is stored, not added to.
            self.ensure_not_restricted(subject_id, "adding to their file")?;
        }
        let key = self.keys.unwrap_key(&row.wrapped_key, &row.id)?;
        Ok((row, key))
    }

    /// Seal a note for `subject_id` (no checks; for use cases and bulk loads).
    pub(crate) fn seal_note(&self, key: &DataKey, subject_id: &str, ctx: &Context, n: &NewNote) -> AppResult<NoteRow> {
        let text = n.text.trim();
        if text.is_empty() || text.chars().count() > MAX_NOTE_CHARS {
            return Err(AppError::Invalid(FieldError::new(
                "text",
                format!("write the note (up to {MAX_NOTE_CHARS} characters)"),
            )));
        }
        let category = n.category.as_deref().map(str::trim).filter(|c| !c.is_empty()).unwrap_or("case_note");
        let Some((category, _)) = NOTE_CATEGORIES.iter().find(|(c, _)| *c == category) else {
            let all: Vec<&str> = NOTE_CATEGORIES.iter().map(|(c, _)| *c).collect();
            return Err(AppError::Invalid(FieldError::new("category", format!("must be one of {}", all.join(", ")))));
        };
        let source = clean_source("source", n.source.as_deref(), "Steward")?;
        let id = uuid::Uuid::now_v7().to_string();
        let sealed = serde_json::to_vec(&SealedNote { text: text.into(), source })
            .map_err(|e| AppError::Io(format!("cannot encode a note: {e}")))?;
        Ok(NoteRow {
            data: key.seal(&note_aad(subject_id, &id), &sealed)?,
            id,
            subject_id: subject_id.into(),
            category: (*category).into(),
            created_at: self.now_text(),
            created_by: ctx.actor.clone(),
        })
    }

    pub(crate) fn open_note(&self, key: &DataKey, n: NoteRow) -> AppResult<NoteView> {
        let plain = key.open(&note_aad(&n.subject_id, &n.id), &n.data)?;
        let s: SealedNote = serde_json::from_slice(&plain).map_err(|_| AppError::Undecryptable)?;
        Ok(NoteView {
            id: n.id,
            subject_id: n.subject_id,
            category: n.category,
            text: s.text,
            source: s.source,
            created_at: n.created_at,
            created_by: n.created_by,
        })
    }

    /// Add a case note to a subject (audited with the note's id and category only).
    pub fn add_note(&self, ctx: &Context, subject_id: &str, input: NewNote) -> AppResult<NoteView> {
        let (_, key) = self.subject_key(ctx, Permission::SubjectUpdate, subject_id)?;
        let row = self.seal_note(&key, subject_id, ctx, &input)?;
        let ev = self.event(
            ctx,
            Action::SubjectNoteAdd,
            subject_id,
            Outcome::Success,
            format!("note={} category={}", row.id, row.category),
        );
        self.store.insert_notes(std::slice::from_ref(&row), std::slice::from_ref(&ev))?;
        self.open_note(&key, row)
    }

    /// Add many notes to one subject in one transaction (imports and benchmarks), audited
    /// once with the count.
    pub fn add_notes(&self, ctx: &Context, subject_id: &str, inputs: &[NewNote]) -> AppResult<usize> {
        let (_, key) = self.subject_key(ctx, Permission::SubjectUpdate, subject_id)?;
        let rows = inputs.iter().map(|n| self.seal_note(&key, subject_id, ctx, n)).collect::<AppResult<Vec<_>>>()?;
        let ev = self.event(ctx, Action::SubjectNoteAdd, subject_id, Outcome::Success, format!("notes={}", rows.len()));
        self.store.insert_notes(&rows, std::slice::from_ref(&ev))?;
        Ok(rows.len())
    }

    /// A subject's case notes, oldest first (audited as a view, with the count).
    pub fn notes(&self, ctx: &Context, subject_id: &str) -> AppResult<Vec<NoteView>> {
        let (_, key) = self.subject_key(ctx, Permission::SubjectRead, subject_id)?;
        let notes = self
            .store
            .notes_of(subject_id)?
            .into_iter()
            .map(|n| self.open_note(&key, n))
            .collect::<AppResult<Vec<_>>>()?;
        let ev =
            self.event(ctx, Action::SubjectNotesView, subject_id, Outcome::Success, format!("notes={}", notes.len()));
        self.store.audit(&ev)?;
        Ok(notes)
    }

    pub(crate) fn seal_document(
        &self,
        key: &DataKey,
        subject_id: &str,
        ctx: &Context,
        d: &NewDocument,
    ) -> AppResult<DocumentRow> {
        if d.content.is_empty() {
            return Err(AppError::Invalid(FieldError::new("content", "the file is empty")));
        }
        if d.content.len() > MAX_DOCUMENT_BYTES {
            return Err(AppError::Invalid(FieldError::new(
                "content",
                format!("the file is larger than the limit of {MAX_DOCUMENT_BYTES} bytes"),
            )));
        }
        let id = uuid::Uuid::now_v7().to_string();
        let meta = DocMeta {
            filename: sanitise_filename(&d.filename),
            media_type: clean_media_type(d.media_type.as_deref()),
            sha256: steward_crypto::sha256_hex(&d.content),
            source: clean_source("source", d.source.as_deref(), "Uploaded to Steward")?,
        };
        let meta = serde_json::to_vec(&meta).map_err(|e| AppError::Io(format!("cannot encode a document: {e}")))?;
        Ok(DocumentRow {
            meta: key.seal(&doc_meta_aad(subject_id, &id), &meta)?,
            content: key.seal(&doc_aad(subject_id, &id), &d.content)?,
            size: d.content.len() as i64,
            id,
            subject_id: subject_id.into(),
            created_at: self.now_text(),
            created_by: ctx.actor.clone(),
        })
    }

    pub(crate) fn open_document_info(&self, key: &DataKey, d: &DocumentRow) -> AppResult<DocumentInfo> {
        let plain = key.open(&doc_meta_aad(&d.subject_id, &d.id), &d.meta)?;
        let m: DocMeta = serde_json::from_slice(&plain).map_err(|_| AppError::Undecryptable)?;
        Ok(DocumentInfo {
            id: d.id.clone(),
            subject_id: d.subject_id.clone(),
            filename: m.filename,
            media_type: m.media_type,
            size: d.size,
            sha256: m.sha256,
            source: m.source,
            created_at: d.created_at.clone(),
            created_by: d.created_by.clone(),
        })
    }

    pub(crate) fn open_document_content(&self, key: &DataKey, d: &DocumentRow) -> AppResult<Vec<u8>> {
        Ok(key.open(&doc_aad(&d.subject_id, &d.id), &d.content)?)
    }

    /// Add a document to a subject (audited with its id and size only).
    pub fn add_document(&self, ctx: &Context, subject_id: &str, input: NewDocument) -> AppResult<DocumentInfo> {
        let (_, key) = self.subject_key(ctx, Permission::SubjectUpdate, subject_id)?;
        let row = self.seal_document(&key, subject_id, ctx, &input)?;
        let ev = self.event(
            ctx,
            Action::SubjectDocumentAdd,
            subject_id,
            Outcome::Success,
            format!("document={} bytes={}", row.id, row.size),
        );
        self.store.insert_documents(std::slice::from_ref(&row), std::slice::from_ref(&ev))?;
        self.open_document_info(&key, &row)
    }

    /// Refuse unless `ctx` may add a document to `subject_id` (before an upload is read).
    pub fn check_document_upload(&self, ctx: &Context, subject_id: &str) -> AppResult<()> {
        self.subject_key(ctx, Permission::SubjectUpdate, subject_id).map(|_| ())
    }

    /// Add many documents to one subject in one transaction, audited once with the count.
    pub fn add_documents(&self, ctx: &Context, subject_id: &str, inputs: &[NewDocument]) -> AppResult<usize> {
        let (_, key) = self.subject_key(ctx, Permission::SubjectUpdate, subject_id)?;
        let rows =
            inputs.iter().map(|d| self.seal_document(&key, subject_id, ctx, d)).collect::<AppResult<Vec<_>>>()?;
        let ev = self.event(
            ctx,
            Action::SubjectDocumentAdd,
            subject_id,
            Outcome::Success,
            format!("documents={}", rows.len()),
        );
        self.store.insert_documents(&rows, std::slice::from_ref(&ev))?;
        Ok(rows.len())
    }

    /// A subject's documents (names, types, sizes), oldest first; audited as a view.
    pub fn documents(&self, ctx: &Context, subject_id: &str) -> AppResult<Vec<DocumentInfo>> {
        let (_, key) = self.subject_key(ctx, Permission::SubjectRead, subject_id)?;
        let docs = self
            .store
            .documents_of(subject_id)?
            .iter()
            .map(|d| self.open_document_info(&key, d))
            .collect::<AppResult<Vec<_>>>()?;
        let ev = self.event(
            ctx,
            Action::SubjectDocumentsView,
            subject_id,
            Outcome::Success,
            format!("documents={}", docs.len()),
        );
        self.store.audit(&ev)?;
        Ok(docs)
    }

    /// A subject's notes and documents (without contents) together, for their page:
    /// one audit entry with both counts.
    pub fn case_file(&self, ctx: &Context, subject_id: &str) -> AppResult<(Vec<NoteView>, Vec<DocumentInfo>)> {
        let (_, key) = self.subject_key(ctx, Permission::SubjectRead, subject_id)?;
        let notes = self
            .store
            .notes_of(subject_id)?
            .into_iter()
            .map(|n| self.open_note(&key, n))
            .collect::<AppResult<Vec<_>>>()?;
        let docs = self
            .store
            .documents_of(subject_id)?
            .iter()
            .map(|d| self.open_document_info(&key, d))
            .collect::<AppResult<Vec<_>>>()?;
        let ev = self.event(
            ctx,
            Action::SubjectCaseFileView,
            subject_id,
            Outcome::Success,
            format!("notes={} documents={}", notes.len(), docs.len()),
        );
        self.store.audit(&ev)?;
        Ok((notes, docs))
    }

    /// One document with its content (audited as a download, with its id).
    pub fn document(&self, ctx: &Context, subject_id: &str, id: &str) -> AppResult<(DocumentInfo, Vec<u8>)> {
        let (_, key) = self.subject_key(ctx, Permission::SubjectRead, subject_id)?;
        let row = self.store.document(subject_id, id)?.ok_or_else(|| AppError::NotFound(format!("document {id}")))?;
        let info = self.open_document_info(&key, &row)?;
        let content = self.open_document_content(&key, &row)?;
        let ev = self.event(ctx, Action::SubjectDocumentView, subject_id, Outcome::Success, format!("document={id}"));
        self.store.audit(&ev)?;
        Ok((info, content))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_file_names_are_made_safe() {
        assert_eq!(sanitise_filename("../../etc/passwd"), "passwd");
        assert_eq!(sanitise_filename("C:\\Users\\x\\letter.pdf"), "letter.pdf");
        assert_eq!(sanitise_filename("..."), "document");
        assert_eq!(sanitise_filename(""), "document");
        assert_eq!(sanitise_filename(".htaccess"), "htaccess");
        assert_eq!(sanitise_filename("a<script>b.html"), "a_script_b.html");
        assert_eq!(sanitise_filename("report\r\n\"x\".pdf"), "report___x_.pdf");
        assert_eq!(sanitise_filename("CON.txt"), "_CON.txt");
        assert_eq!(sanitise_filename("Zoë  notes.txt"), "Zoë notes.txt");
        let long = format!("{}.pdf", "a".repeat(300));
        let s = sanitise_filename(&long);
        assert_eq!(s.chars().count(), 100);
        assert!(s.ends_with(".pdf"));
    }

    #[test]
    fn media_types_are_checked() {
        assert_eq!(clean_media_type(Some("Application/PDF; charset=x")), "application/pdf");
        assert_eq!(clean_media_type(Some("text/html<script>")), "application/octet-stream");
        assert_eq!(clean_media_type(None), "application/octet-stream");
    }
}
