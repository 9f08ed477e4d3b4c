//! What the board's figures need from the requests table: one row per request with its
//! kind, dates and the day its response was sent. No personal data.

use crate::sql::Val;
use crate::{Store, StoreError};

/// One request, as the figures see it. Dates are `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFactRow {
    /// Request kind.
    pub kind: String,
    /// Day received.
    pub received_on: String,
    /// Statutory due date as it stands.
    pub statutory_due_on: String,
    /// Working due date (the nearer of statutory and policy).
    pub due_on: String,
    /// The day the response was sent, if it was.
    pub responded_on: Option<String>,
}

impl Store {
    /// Every request with the day its response was sent (the first `response_sent`
    /// event), oldest first.
    pub fn request_facts(&self) -> Result<Vec<RequestFactRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                "SELECT r.kind, r.received_on, r.statutory_due_on, r.due_on, \
                 (SELECT MIN(e.on_date) FROM request_events e WHERE e.request_id = r.id AND e.kind = $1) \
                 FROM requests r ORDER BY r.received_on, r.id",
                &[Val::Text("response_sent")],
            )?
            .iter()
            .map(|r| {
                Ok(RequestFactRow {
                    kind: r.text(0)?,
                    received_on: r.text(1)?,
                    statutory_due_on: r.text(2)?,
                    due_on: r.text(3)?,
                    responded_on: r.opt_text(4)?,
                })
            })
            .collect()
        })
    }
}
