//! A request's checklist steps and its search log (schema version 6). Search terms and
//! processors' answers may hold personal data: callers seal them before they get here.

use crate::audit::append_in;
use crate::sql::{Row, Tx, Val};
use crate::{Store, StoreError};
use serde::{Deserialize, Serialize};
use steward_core::audit::AuditEvent;

/// One checklist step of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepRow {
    /// The request.
    pub request_id: String,
    /// Step id, unique within the request.
    pub step_id: String,
    /// Title when the request was created.
    pub title: String,
    /// When marked done.
    pub done_at: Option<String>,
    /// Who marked it done.
    pub done_by: Option<String>,
    /// A note.
    pub note: Option<String>,
    /// Order, from 1.
    pub position: i64,
}

/// One entry of a request's search log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchRow {
    /// Random id (UUID).
    pub id: String,
    /// The request.
    pub request_id: String,
    /// The system searched.
    pub system: String,
    /// The day searched (`YYYY-MM-DD`).
    pub searched_on: String,
    /// Who searched.
    pub searched_by: String,
    /// Sealed search terms.
    pub terms: Vec<u8>,
    /// How many items were found.
    pub hits: i64,
    /// Whether a processor was asked.
    pub processor: bool,
    /// Sealed answer (a sealed empty text when none).
    pub answer: Vec<u8>,
    /// The system or processor searched, when it is on the register (schema version 7 on).
    #[serde(default)]
    pub system_id: Option<String>,
}

const STEP_COLUMNS: &str = "request_id, step_id, title, done_at, done_by, note, position";
const SEARCH_COLUMNS: &str =
    "id, request_id, system, searched_on, searched_by, terms, hits, processor, answer, system_id";

fn step(r: &Row) -> Result<StepRow, StoreError> {
    Ok(StepRow {
        request_id: r.text(0)?,
        step_id: r.text(1)?,
        title: r.text(2)?,
        done_at: r.opt_text(3)?,
        done_by: r.opt_text(4)?,
        note: r.opt_text(5)?,
        position: r.int(6)?,
    })
}

fn search(r: &Row) -> Result<SearchRow, StoreError> {
    Ok(SearchRow {
        id: r.text(0)?,
        request_id: r.text(1)?,
        system: r.text(2)?,
        searched_on: r.text(3)?,
        searched_by: r.text(4)?,
        terms: r.blob(5)?,
        hits: r.int(6)?,
        processor: r.int(7)? != 0,
        answer: r.blob(8)?,
        system_id: r.opt_text(9)?,
    })
}

/// Insert a step row as it is.
pub(crate) fn insert_step_row(tx: &mut dyn Tx, s: &StepRow) -> Result<(), StoreError> {
    tx.exec(
        &format!("INSERT INTO request_steps ({STEP_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"),
        &[
            Val::Text(&s.request_id),
            Val::Text(&s.step_id),
            Val::Text(&s.title),
            Val::OptText(s.done_at.as_deref()),
            Val::OptText(s.done_by.as_deref()),
            Val::OptText(s.note.as_deref()),
            Val::Int(s.position),
        ],
    )?;
    Ok(())
}

/// Insert a search row as it is.
pub(crate) fn insert_search_row(tx: &mut dyn Tx, s: &SearchRow) -> Result<(), StoreError> {
    tx.exec(
        &format!("INSERT INTO request_searches ({SEARCH_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"),
        &[
            Val::Text(&s.id),
            Val::Text(&s.request_id),
            Val::Text(&s.system),
            Val::Text(&s.searched_on),
            Val::Text(&s.searched_by),
            Val::Blob(&s.terms),
            Val::Int(s.hits),
            Val::Int(i64::from(s.processor)),
            Val::Blob(&s.answer),
            Val::OptText(s.system_id.as_deref()),
        ],
    )?;
    Ok(())
}

/// Every step row, for backups.
pub(crate) fn all_steps(tx: &mut dyn Tx) -> Result<Vec<StepRow>, StoreError> {
    tx.query(&format!("SELECT {STEP_COLUMNS} FROM request_steps ORDER BY request_id, position"), &[])?
        .iter()
        .map(step)
        .collect()
}

/// Every search row, for backups.
pub(crate) fn all_searches(tx: &mut dyn Tx) -> Result<Vec<SearchRow>, StoreError> {
    tx.query(&format!("SELECT {SEARCH_COLUMNS} FROM request_searches ORDER BY request_id, id"), &[])?
        .iter()
        .map(search)
        .collect()
}

fn request_exists(tx: &mut dyn Tx, id: &str) -> Result<(), StoreError> {
    if tx.query("SELECT id FROM requests WHERE id = $1", &[Val::Text(id)])?.is_empty() {
        return Err(StoreError::NotFound(format!("request {id}")));
    }
    Ok(())
}

impl Store {
    /// Give a request its checklist steps (once, on creation).
    pub fn insert_request_steps(&self, steps: &[StepRow]) -> Result<(), StoreError> {
        self.write(|tx| {
            for s in steps {
                insert_step_row(tx, s)?;
            }
            Ok(())
        })
    }

    /// A request's steps in order.
    pub fn request_steps(&self, request_id: &str) -> Result<Vec<StepRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!("SELECT {STEP_COLUMNS} FROM request_steps WHERE request_id = $1 ORDER BY position"),
                &[Val::Text(request_id)],
            )?
            .iter()
            .map(step)
            .collect()
        })
    }

    /// Mark a step done (`done` = when and by whom) or not done (`None`), with an audit entry.
    pub fn set_request_step(
        &self,
        request_id: &str,
        step_id: &str,
        done: Option<(&str, &str)>,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            let n = tx.exec(
                "UPDATE request_steps SET done_at = $3, done_by = $4 WHERE request_id = $1 AND step_id = $2",
                &[
                    Val::Text(request_id),
                    Val::Text(step_id),
                    Val::OptText(done.map(|d| d.0)),
                    Val::OptText(done.map(|d| d.1)),
                ],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(format!("step {step_id} of request {request_id}")));
            }
            append_in(tx, std::slice::from_ref(audit))?;
            Ok(())
        })
    }

    /// Add a search-log entry to its request, with an audit entry.
    pub fn insert_request_search(&self, s: &SearchRow, audit: &AuditEvent) -> Result<(), StoreError> {
        self.write(|tx| {
            request_exists(tx, &s.request_id)?;
            insert_search_row(tx, s)?;
            append_in(tx, std::slice::from_ref(audit))?;
            Ok(())
        })
    }

    /// A request's search log, oldest first.
    pub fn request_searches(&self, request_id: &str) -> Result<Vec<SearchRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!(
                    "SELECT {SEARCH_COLUMNS} FROM request_searches WHERE request_id = $1 ORDER BY searched_on, id"
                ),
                &[Val::Text(request_id)],
            )?
            .iter()
            .map(search)
            .collect()
        })
    }
}
