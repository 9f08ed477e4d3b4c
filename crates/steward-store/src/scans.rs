//! Searches of files run from a request (schema version 11): the scan's counts, and each
//! document where the subject was found, sealed under the subject's data key by the
//! caller, with the reviewer's choices (into the response pack or not; each redaction
//! proposal accepted or rejected). The search log entry a scan writes goes in with it.

use crate::audit::append_in;
use crate::checklists::{SearchRow, insert_search_row};
use crate::sql::{Row, Tx, Val};
use crate::{Store, StoreError};
use serde::{Deserialize, Serialize};
use steward_core::audit::AuditEvent;

/// One scan of files for a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanRow {
    /// Random id (UUID).
    pub id: String,
    /// The request.
    pub request_id: String,
    /// The request's subject, whose key seals the documents.
    pub subject_id: String,
    /// The search-log entry the scan wrote.
    pub search_id: String,
    /// When it ran (RFC 3339).
    pub created_at: String,
    /// Who ran it.
    pub created_by: String,
    /// Documents read (files, messages, attachments, archive entries).
    pub documents: i64,
    /// Bytes read.
    pub bytes: i64,
    /// Inputs not scanned (each listed, sealed, in `meta`).
    pub skipped: i64,
    /// Hits of the subject's data.
    pub subject_hits: i64,
    /// Other people's data found in the documents kept.
    pub third_party: i64,
    /// Sealed details: what was searched (file names), skipped inputs and reasons.
    pub meta: Vec<u8>,
}

/// One document of a scan in which the subject was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanDocumentRow {
    /// Random id (UUID).
    pub id: String,
    /// The scan.
    pub scan_id: String,
    /// The request.
    pub request_id: String,
    /// The subject.
    pub subject_id: String,
    /// Order within the scan, from 1.
    pub position: i64,
    /// Hits of the subject's data in it.
    pub hits: i64,
    /// Redaction proposals in it.
    pub proposals: i64,
    /// Whether the reviewer put it in the response pack.
    pub included: bool,
    /// The reviewer's decision on each proposal, in order: `a` redact, `r` disclose,
    /// `?` not yet decided.
    pub decisions: String,
    /// Who last changed the choices.
    pub decided_by: Option<String>,
    /// When (RFC 3339).
    pub decided_at: Option<String>,
    /// Sealed: its source, text with locations, hits and proposals.
    pub data: Vec<u8>,
}

const SCAN_COLUMNS: &str = "id, request_id, subject_id, search_id, created_at, created_by, documents, bytes, skipped, subject_hits, third_party, meta";
const DOC_COLUMNS: &str =
    "id, scan_id, request_id, subject_id, position, hits, proposals, included, decisions, decided_by, decided_at, data";
/// Every column but the sealed content, for counts and review progress.
const DOC_LIST_COLUMNS: &str =
    "id, scan_id, request_id, subject_id, position, hits, proposals, included, decisions, decided_by, decided_at";

fn scan(r: &Row) -> Result<ScanRow, StoreError> {
    Ok(ScanRow {
        id: r.text(0)?,
        request_id: r.text(1)?,
        subject_id: r.text(2)?,
        search_id: r.text(3)?,
        created_at: r.text(4)?,
        created_by: r.text(5)?,
        documents: r.int(6)?,
        bytes: r.int(7)?,
        skipped: r.int(8)?,
        subject_hits: r.int(9)?,
        third_party: r.int(10)?,
        meta: r.blob(11)?,
    })
}

fn document(r: &Row) -> Result<ScanDocumentRow, StoreError> {
    Ok(ScanDocumentRow {
        id: r.text(0)?,
        scan_id: r.text(1)?,
        request_id: r.text(2)?,
        subject_id: r.text(3)?,
        position: r.int(4)?,
        hits: r.int(5)?,
        proposals: r.int(6)?,
        included: r.int(7)? != 0,
        decisions: r.text(8)?,
        decided_by: r.opt_text(9)?,
        decided_at: r.opt_text(10)?,
        data: if r.0.len() > 11 { r.blob(11)? } else { Vec::new() },
    })
}

/// Insert a scan row as it is.
pub(crate) fn insert_scan_row(tx: &mut dyn Tx, s: &ScanRow) -> Result<(), StoreError> {
    tx.exec(
        &format!(
            "INSERT INTO request_scans ({SCAN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        ),
        &[
            Val::Text(&s.id),
            Val::Text(&s.request_id),
            Val::Text(&s.subject_id),
            Val::Text(&s.search_id),
            Val::Text(&s.created_at),
            Val::Text(&s.created_by),
            Val::Int(s.documents),
            Val::Int(s.bytes),
            Val::Int(s.skipped),
            Val::Int(s.subject_hits),
            Val::Int(s.third_party),
            Val::Blob(&s.meta),
        ],
    )?;
    Ok(())
}

/// Insert a scan document row as it is.
pub(crate) fn insert_document_row(tx: &mut dyn Tx, d: &ScanDocumentRow) -> Result<(), StoreError> {
    tx.exec(
        &format!(
            "INSERT INTO request_scan_documents ({DOC_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        ),
        &[
            Val::Text(&d.id),
            Val::Text(&d.scan_id),
            Val::Text(&d.request_id),
            Val::Text(&d.subject_id),
            Val::Int(d.position),
            Val::Int(d.hits),
            Val::Int(d.proposals),
            Val::Int(i64::from(d.included)),
            Val::Text(&d.decisions),
            Val::OptText(d.decided_by.as_deref()),
            Val::OptText(d.decided_at.as_deref()),
            Val::Blob(&d.data),
        ],
    )?;
    Ok(())
}

/// Delete every scan about subject `id` (inside an erasure).
pub(crate) fn shred_records(tx: &mut dyn Tx, id: &str) -> Result<(), StoreError> {
    for table in ["request_scans", "request_scan_documents"] {
        tx.exec(&format!("DELETE FROM {table} WHERE subject_id = $1"), &[Val::Text(id)])?;
    }
    Ok(())
}

/// Every scan, by id, one at a time (a backup).
pub(crate) fn for_each_scan(
    tx: &mut dyn Tx,
    f: &mut dyn FnMut(ScanRow) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    tx.for_each(&format!("SELECT {SCAN_COLUMNS} FROM request_scans ORDER BY id"), &[], &mut |r| f(scan(&r)?))
}

/// Every document of a scan, by scan and position, one at a time (a backup).
pub(crate) fn for_each_document(
    tx: &mut dyn Tx,
    f: &mut dyn FnMut(ScanDocumentRow) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    tx.for_each(
        &format!("SELECT {DOC_COLUMNS} FROM request_scan_documents ORDER BY scan_id, position"),
        &[],
        &mut |r| f(document(&r)?),
    )
}

impl Store {
    /// Record a scan run from a request: its search-log entry, the scan and the documents
    /// kept, with an audit entry, in one transaction.
    pub fn insert_request_scan(
        &self,
        search: &SearchRow,
        scan_row: &ScanRow,
        documents: &[ScanDocumentRow],
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            if tx.query("SELECT id FROM requests WHERE id = $1", &[Val::Text(&scan_row.request_id)])?.is_empty() {
                return Err(StoreError::NotFound(format!("request {}", scan_row.request_id)));
            }
            insert_search_row(tx, search)?;
            insert_scan_row(tx, scan_row)?;
            for d in documents {
                insert_document_row(tx, d)?;
            }
            append_in(tx, std::slice::from_ref(audit))?;
            Ok(())
        })
    }

    /// The scans of a request, oldest first.
    pub fn request_scans(&self, request_id: &str) -> Result<Vec<ScanRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!("SELECT {SCAN_COLUMNS} FROM request_scans WHERE request_id = $1 ORDER BY created_at, id"),
                &[Val::Text(request_id)],
            )?
            .iter()
            .map(scan)
            .collect()
        })
    }

    /// One scan of a request.
    pub fn request_scan(&self, request_id: &str, scan_id: &str) -> Result<Option<ScanRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!("SELECT {SCAN_COLUMNS} FROM request_scans WHERE request_id = $1 AND id = $2"),
                &[Val::Text(request_id), Val::Text(scan_id)],
            )?
            .first()
            .map(scan)
            .transpose()
        })
    }

    /// The documents kept by a scan, in order.
    pub fn scan_documents(&self, scan_id: &str) -> Result<Vec<ScanDocumentRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!("SELECT {DOC_COLUMNS} FROM request_scan_documents WHERE scan_id = $1 ORDER BY position"),
                &[Val::Text(scan_id)],
            )?
            .iter()
            .map(document)
            .collect()
        })
    }

    /// The documents kept by a scan, in order, without their sealed content (`data` is
    /// empty): for counts and review progress.
    pub fn scan_document_states(&self, scan_id: &str) -> Result<Vec<ScanDocumentRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!("SELECT {DOC_LIST_COLUMNS} FROM request_scan_documents WHERE scan_id = $1 ORDER BY position"),
                &[Val::Text(scan_id)],
            )?
            .iter()
            .map(document)
            .collect()
        })
    }

    /// One document of a scan, with its sealed content.
    pub fn scan_document(&self, scan_id: &str, doc_id: &str) -> Result<Option<ScanDocumentRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!("SELECT {DOC_COLUMNS} FROM request_scan_documents WHERE scan_id = $1 AND id = $2"),
                &[Val::Text(scan_id), Val::Text(doc_id)],
            )?
            .first()
            .map(document)
            .transpose()
        })
    }

    /// The documents a reviewer put in the response pack of a request, by scan and order.
    pub fn included_scan_documents(&self, request_id: &str) -> Result<Vec<ScanDocumentRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!(
                    "SELECT {DOC_COLUMNS} FROM request_scan_documents WHERE request_id = $1 AND included = 1 \
                     ORDER BY scan_id, position"
                ),
                &[Val::Text(request_id)],
            )?
            .iter()
            .map(document)
            .collect()
        })
    }

    /// Save a reviewer's choices on one document of a scan (whether it goes in the pack,
    /// the decision on each proposal, who and when, from `d`), with an audit entry.
    pub fn update_scan_document(&self, d: &ScanDocumentRow, audit: &AuditEvent) -> Result<(), StoreError> {
        self.write(|tx| {
            let n = tx.exec(
                "UPDATE request_scan_documents SET included = $3, decisions = $4, decided_by = $5, decided_at = $6 \
                 WHERE scan_id = $1 AND id = $2",
                &[
                    Val::Text(&d.scan_id),
                    Val::Text(&d.id),
                    Val::Int(i64::from(d.included)),
                    Val::Text(&d.decisions),
                    Val::OptText(d.decided_by.as_deref()),
                    Val::OptText(d.decided_at.as_deref()),
                ],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(format!("document {} of scan {}", d.id, d.scan_id)));
            }
            append_in(tx, std::slice::from_ref(audit))?;
            Ok(())
        })
    }
}
