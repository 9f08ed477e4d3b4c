//! What Steward holds about a subject beyond the identity record — case notes and
//! documents — and the response packs built from it for access and portability requests,
//! with the reviewer's decisions on what to withhold (schema version 8).
//!
//! Notes' text, documents' names and contents, reviewers' notes and built packs are sealed
//! by the caller under the subject's own data key, and every row carries the subject id so
//! that erasure deletes them with the key.

use crate::audit::append_in;
use crate::requests::{RequestEventRow, RequestRow};
use crate::sql::{Row, Tx, Val};
use crate::{Store, StoreError};
use serde::{Deserialize, Serialize};
use steward_core::audit::AuditEvent;

/// Bytes as base64 text in backups (documents and packs would triple in size as arrays).
mod b64 {
    use base64::Engine as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(b))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}

/// A case note about a subject.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteRow {
    /// Random id (UUID).
    pub id: String,
    /// The subject.
    pub subject_id: String,
    /// Category from a fixed list (kept in clear, like the subject's categories).
    pub category: String,
    /// When written.
    pub created_at: String,
    /// Who wrote it (`user:<id>`, `token:<id>`).
    pub created_by: String,
    /// Text and source, sealed under the subject's key.
    #[serde(with = "b64")]
    pub data: Vec<u8>,
}

/// A document about a subject.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentRow {
    /// Random id (UUID).
    pub id: String,
    /// The subject.
    pub subject_id: String,
    /// When uploaded.
    pub created_at: String,
    /// Who uploaded it.
    pub created_by: String,
    /// Size of the content in bytes.
    pub size: i64,
    /// File name, media type, SHA-256 and source, sealed under the subject's key.
    #[serde(with = "b64")]
    pub meta: Vec<u8>,
    /// The content, sealed under the subject's key (empty in lists).
    #[serde(with = "b64")]
    pub content: Vec<u8>,
}

/// A reviewer's decision to withhold (part of) one item from a request's response pack.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackItemRow {
    /// The request.
    pub request_id: String,
    /// The item: `identity`, `note:<id>`, `document:<id>` or `request:<id>`.
    pub item_key: String,
    /// The subject the request is about.
    pub subject_id: String,
    /// `withheld` or `partly_withheld`.
    pub treatment: String,
    /// Exemption code (see `steward_core::exemption`).
    pub exemption: String,
    /// For partly withheld items, the names of the fields left out, comma-separated.
    pub fields: String,
    /// The reviewer's note, sealed under the subject's key.
    #[serde(with = "b64")]
    pub note: Vec<u8>,
    /// Who decided.
    pub decided_by: String,
    /// When.
    pub decided_at: String,
}

/// A built response pack.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackRow {
    /// Random id (UUID).
    pub id: String,
    /// The request.
    pub request_id: String,
    /// The subject.
    pub subject_id: String,
    /// When built.
    pub created_at: String,
    /// Who built it.
    pub created_by: String,
    /// SHA-256 of the encrypted zip, hex.
    pub sha256: String,
    /// Size of the encrypted zip.
    pub bytes: i64,
    /// Items listed in it.
    pub items: i64,
    /// The encrypted zip, sealed again under the subject's key (empty in lists).
    #[serde(with = "b64")]
    pub data: Vec<u8>,
}

macro_rules! redacted_debug {
    ($t:ty, $name:literal) => {
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct($name).field("id", &self.id).finish_non_exhaustive()
            }
        }
    };
}
redacted_debug!(NoteRow, "NoteRow");
redacted_debug!(DocumentRow, "DocumentRow");
redacted_debug!(PackRow, "PackRow");

impl std::fmt::Debug for PackItemRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PackItemRow")
            .field("request_id", &self.request_id)
            .field("item_key", &self.item_key)
            .field("treatment", &self.treatment)
            .field("exemption", &self.exemption)
            .finish_non_exhaustive()
    }
}

const NOTE_COLUMNS: &str = "id, subject_id, category, created_at, created_by, data";
const DOC_COLUMNS: &str = "id, subject_id, created_at, created_by, size, meta, content";
const DOC_LIST_COLUMNS: &str = "id, subject_id, created_at, created_by, size, meta";
const ITEM_COLUMNS: &str =
    "request_id, item_key, subject_id, treatment, exemption, fields, note, decided_by, decided_at";
const PACK_COLUMNS: &str = "id, request_id, subject_id, created_at, created_by, sha256, bytes, items, data";
const PACK_LIST_COLUMNS: &str = "id, request_id, subject_id, created_at, created_by, sha256, bytes, items";

fn note(r: &Row) -> Result<NoteRow, StoreError> {
    Ok(NoteRow {
        id: r.text(0)?,
        subject_id: r.text(1)?,
        category: r.text(2)?,
        created_at: r.text(3)?,
        created_by: r.text(4)?,
        data: r.blob(5)?,
    })
}

fn document(r: &Row) -> Result<DocumentRow, StoreError> {
    Ok(DocumentRow {
        id: r.text(0)?,
        subject_id: r.text(1)?,
        created_at: r.text(2)?,
        created_by: r.text(3)?,
        size: r.int(4)?,
        meta: r.blob(5)?,
        content: if r.0.len() > 6 { r.blob(6)? } else { Vec::new() },
    })
}

fn item(r: &Row) -> Result<PackItemRow, StoreError> {
    Ok(PackItemRow {
        request_id: r.text(0)?,
        item_key: r.text(1)?,
        subject_id: r.text(2)?,
        treatment: r.text(3)?,
        exemption: r.text(4)?,
        fields: r.text(5)?,
        note: r.blob(6)?,
        decided_by: r.text(7)?,
        decided_at: r.text(8)?,
    })
}

fn pack(r: &Row) -> Result<PackRow, StoreError> {
    Ok(PackRow {
        id: r.text(0)?,
        request_id: r.text(1)?,
        subject_id: r.text(2)?,
        created_at: r.text(3)?,
        created_by: r.text(4)?,
        sha256: r.text(5)?,
        bytes: r.int(6)?,
        items: r.int(7)?,
        data: if r.0.len() > 8 { r.blob(8)? } else { Vec::new() },
    })
}

pub(crate) fn insert_note_row(tx: &mut dyn Tx, n: &NoteRow) -> Result<(), StoreError> {
    tx.exec(
        &format!("INSERT INTO subject_notes ({NOTE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"),
        &[
            Val::Text(&n.id),
            Val::Text(&n.subject_id),
            Val::Text(&n.category),
            Val::Text(&n.created_at),
            Val::Text(&n.created_by),
            Val::Blob(&n.data),
        ],
    )?;
    Ok(())
}

pub(crate) fn insert_document_row(tx: &mut dyn Tx, d: &DocumentRow) -> Result<(), StoreError> {
    tx.exec(
        &format!("INSERT INTO subject_documents ({DOC_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"),
        &[
            Val::Text(&d.id),
            Val::Text(&d.subject_id),
            Val::Text(&d.created_at),
            Val::Text(&d.created_by),
            Val::Int(d.size),
            Val::Blob(&d.meta),
            Val::Blob(&d.content),
        ],
    )?;
    Ok(())
}

pub(crate) fn insert_item_row(tx: &mut dyn Tx, i: &PackItemRow) -> Result<(), StoreError> {
    tx.exec(
        &format!(
            "INSERT INTO request_pack_items ({ITEM_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (request_id, item_key) DO UPDATE SET treatment = excluded.treatment, \
             exemption = excluded.exemption, fields = excluded.fields, note = excluded.note, \
             decided_by = excluded.decided_by, decided_at = excluded.decided_at"
        ),
        &[
            Val::Text(&i.request_id),
            Val::Text(&i.item_key),
            Val::Text(&i.subject_id),
            Val::Text(&i.treatment),
            Val::Text(&i.exemption),
            Val::Text(&i.fields),
            Val::Blob(&i.note),
            Val::Text(&i.decided_by),
            Val::Text(&i.decided_at),
        ],
    )?;
    Ok(())
}

pub(crate) fn insert_pack_row(tx: &mut dyn Tx, p: &PackRow) -> Result<(), StoreError> {
    tx.exec(
        &format!("INSERT INTO response_packs ({PACK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"),
        &[
            Val::Text(&p.id),
            Val::Text(&p.request_id),
            Val::Text(&p.subject_id),
            Val::Text(&p.created_at),
            Val::Text(&p.created_by),
            Val::Text(&p.sha256),
            Val::Int(p.bytes),
            Val::Int(p.items),
            Val::Blob(&p.data),
        ],
    )?;
    Ok(())
}

/// Delete everything in this module's tables about subject `id` (inside an erasure).
pub(crate) fn shred_records(tx: &mut dyn Tx, id: &str) -> Result<(), StoreError> {
    for table in ["subject_notes", "subject_documents", "request_pack_items", "response_packs"] {
        tx.exec(&format!("DELETE FROM {table} WHERE subject_id = $1"), &[Val::Text(id)])?;
    }
    Ok(())
}

/// Every case note, by id, one at a time (a backup).
pub(crate) fn for_each_note(
    tx: &mut dyn Tx,
    f: &mut dyn FnMut(NoteRow) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    tx.for_each(&format!("SELECT {NOTE_COLUMNS} FROM subject_notes ORDER BY id"), &[], &mut |r| f(note(&r)?))
}

/// Every document, by id, one at a time (a backup).
pub(crate) fn for_each_document(
    tx: &mut dyn Tx,
    f: &mut dyn FnMut(DocumentRow) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    tx.for_each(&format!("SELECT {DOC_COLUMNS} FROM subject_documents ORDER BY id"), &[], &mut |r| f(document(&r)?))
}

/// Every reviewer's decision on a pack item, by request and item, one at a time (a backup).
pub(crate) fn for_each_item(
    tx: &mut dyn Tx,
    f: &mut dyn FnMut(PackItemRow) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    tx.for_each(
        &format!("SELECT {ITEM_COLUMNS} FROM request_pack_items ORDER BY request_id, item_key"),
        &[],
        &mut |r| f(item(&r)?),
    )
}

/// Every built response pack, by id, one at a time (a backup).
pub(crate) fn for_each_pack(
    tx: &mut dyn Tx,
    f: &mut dyn FnMut(PackRow) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    tx.for_each(&format!("SELECT {PACK_COLUMNS} FROM response_packs ORDER BY id"), &[], &mut |r| f(pack(&r)?))
}

/// Refuse unless subject `id` is present (not erased, not unknown).
pub(crate) fn subject_present(tx: &mut dyn Tx, id: &str) -> Result<(), StoreError> {
    if !tx.query("SELECT 1 FROM subjects WHERE id = $1", &[Val::Text(id)])?.is_empty() {
        return Ok(());
    }
    let tomb = tx.query(
        "SELECT subject_id, erased_at, reason, actor, request_ref FROM tombstones WHERE subject_id = $1",
        &[Val::Text(id)],
    )?;
    match tomb.first() {
        Some(r) => Err(StoreError::Gone(Box::new(crate::Tombstone {
            subject_id: r.text(0)?,
            erased_at: r.text(1)?,
            reason: r.text(2)?,
            actor: r.text(3)?,
            request_ref: r.opt_text(4)?,
        }))),
        None => Err(StoreError::NotFound(format!("subject {id}"))),
    }
}

/// Everything about one subject a response pack lists, read in one snapshot.
#[derive(Debug, Clone, Default)]
pub struct SubjectRecords {
    /// Case notes, oldest first.
    pub notes: Vec<NoteRow>,
    /// Documents with their contents, oldest first.
    pub documents: Vec<DocumentRow>,
    /// Rights requests about the subject, oldest first, each with its events.
    pub requests: Vec<(RequestRow, Vec<RequestEventRow>)>,
}

impl Store {
    /// Add case notes to their subjects (which must be present), with audit entries, in
    /// one transaction.
    pub fn insert_notes(&self, notes: &[NoteRow], events: &[AuditEvent]) -> Result<(), StoreError> {
        self.write(|tx| {
            let mut checked: Option<&str> = None;
            for n in notes {
                if checked != Some(n.subject_id.as_str()) {
                    subject_present(tx, &n.subject_id)?;
                    checked = Some(&n.subject_id);
                }
                insert_note_row(tx, n)?;
            }
            append_in(tx, events)?;
            Ok(())
        })
    }

    /// A subject's case notes, oldest first.
    pub fn notes_of(&self, subject_id: &str) -> Result<Vec<NoteRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!("SELECT {NOTE_COLUMNS} FROM subject_notes WHERE subject_id = $1 ORDER BY created_at, id"),
                &[Val::Text(subject_id)],
            )?
            .iter()
            .map(note)
            .collect()
        })
    }

    /// Add documents to their subjects (which must be present), with audit entries.
    pub fn insert_documents(&self, docs: &[DocumentRow], events: &[AuditEvent]) -> Result<(), StoreError> {
        self.write(|tx| {
            let mut checked: Option<&str> = None;
            for d in docs {
                if checked != Some(d.subject_id.as_str()) {
                    subject_present(tx, &d.subject_id)?;
                    checked = Some(&d.subject_id);
                }
                insert_document_row(tx, d)?;
            }
            append_in(tx, events)?;
            Ok(())
        })
    }

    /// A subject's documents without their contents, oldest first.
    pub fn documents_of(&self, subject_id: &str) -> Result<Vec<DocumentRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!(
                    "SELECT {DOC_LIST_COLUMNS} FROM subject_documents WHERE subject_id = $1 ORDER BY created_at, id"
                ),
                &[Val::Text(subject_id)],
            )?
            .iter()
            .map(document)
            .collect()
        })
    }

    /// One document of a subject, with its content.
    pub fn document(&self, subject_id: &str, id: &str) -> Result<Option<DocumentRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!("SELECT {DOC_COLUMNS} FROM subject_documents WHERE subject_id = $1 AND id = $2"),
                &[Val::Text(subject_id), Val::Text(id)],
            )?
            .first()
            .map(document)
            .transpose()
        })
    }

    /// A subject's notes, documents (with contents) and requests with their events, from
    /// one consistent snapshot.
    pub fn subject_records(&self, subject_id: &str) -> Result<SubjectRecords, StoreError> {
        self.read(|tx| {
            let s = [Val::Text(subject_id)];
            let notes = tx
                .query(
                    &format!("SELECT {NOTE_COLUMNS} FROM subject_notes WHERE subject_id = $1 ORDER BY created_at, id"),
                    &s,
                )?
                .iter()
                .map(note)
                .collect::<Result<_, _>>()?;
            let documents = tx
                .query(
                    &format!(
                        "SELECT {DOC_COLUMNS} FROM subject_documents WHERE subject_id = $1 ORDER BY created_at, id"
                    ),
                    &s,
                )?
                .iter()
                .map(document)
                .collect::<Result<_, _>>()?;
            let mut requests = Vec::new();
            for q in crate::requests::requests_of_subject(tx, subject_id)? {
                let events = crate::requests::events_of(tx, &q.id)?;
                requests.push((q, events));
            }
            Ok(SubjectRecords { notes, documents, requests })
        })
    }

    /// Record (or replace) a reviewer's decision on one item, with an audit entry.
    pub fn set_pack_item(&self, i: &PackItemRow, event: &AuditEvent) -> Result<(), StoreError> {
        self.write(|tx| {
            insert_item_row(tx, i)?;
            append_in(tx, std::slice::from_ref(event))?;
            Ok(())
        })
    }

    /// Remove a reviewer's decision (the item goes into the pack in full), with an audit entry.
    pub fn remove_pack_item(&self, request_id: &str, item_key: &str, event: &AuditEvent) -> Result<(), StoreError> {
        self.write(|tx| {
            let n = tx.exec(
                "DELETE FROM request_pack_items WHERE request_id = $1 AND item_key = $2",
                &[Val::Text(request_id), Val::Text(item_key)],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound("no decision on that item".into()));
            }
            append_in(tx, std::slice::from_ref(event))?;
            Ok(())
        })
    }

    /// The reviewer's decisions on a request's pack, by item.
    pub fn pack_items(&self, request_id: &str) -> Result<Vec<PackItemRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!("SELECT {ITEM_COLUMNS} FROM request_pack_items WHERE request_id = $1 ORDER BY item_key"),
                &[Val::Text(request_id)],
            )?
            .iter()
            .map(item)
            .collect()
        })
    }

    /// Store a built pack (its subject must be present), with an audit entry.
    pub fn insert_pack(&self, p: &PackRow, event: &AuditEvent) -> Result<(), StoreError> {
        self.write(|tx| {
            subject_present(tx, &p.subject_id)?;
            insert_pack_row(tx, p)?;
            append_in(tx, std::slice::from_ref(event))?;
            Ok(())
        })
    }

    /// The packs built for a request, without their contents, newest first.
    pub fn packs_of(&self, request_id: &str) -> Result<Vec<PackRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!(
                    "SELECT {PACK_LIST_COLUMNS} FROM response_packs WHERE request_id = $1 ORDER BY created_at DESC, id DESC"
                ),
                &[Val::Text(request_id)],
            )?
            .iter()
            .map(pack)
            .collect()
        })
    }

    /// One pack of a request, with its contents.
    pub fn pack(&self, request_id: &str, id: &str) -> Result<Option<PackRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!("SELECT {PACK_COLUMNS} FROM response_packs WHERE request_id = $1 AND id = $2"),
                &[Val::Text(request_id), Val::Text(id)],
            )?
            .first()
            .map(pack)
            .transpose()
        })
    }
}
