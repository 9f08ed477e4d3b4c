//! The direct-marketing suppression list (UK GDPR Art 21(3)): keyed blind-index
//! hashes of contact identifiers (email, phone) that must never be marketed to again.
//! No plaintext is stored: only the hash, its kind, the day it was added, the request
//! it came from and a reason.
//!
//! Entries are never removed, not even when the subject is erased: a hash under the
//! organisation's key is not personal data on its own, and the ICO's guidance is to
//! keep a suppression record so that marketing does not resume (for example after
//! the address is bought in again with a mailing list).

use crate::audit::append_in;
use crate::sql::{Row, Tx, Val};
use crate::{Store, StoreError};
use serde::{Deserialize, Serialize};
use steward_core::audit::AuditEvent;

/// One suppression entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuppressionRow {
    /// Blind-index hash of the normalised identifier.
    #[serde(with = "b64_bytes")]
    pub hash: Vec<u8>,
    /// `email` or `phone`.
    pub kind: String,
    /// Day added, `YYYY-MM-DD`.
    pub added_on: String,
    /// The rights request it came from, if any.
    pub request_id: Option<String>,
    /// Why (no personal data).
    pub reason: String,
}

mod b64_bytes {
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

const COLUMNS: &str = "hash, kind, added_on, request_id, reason";

pub(crate) fn suppression(r: &Row) -> Result<SuppressionRow, StoreError> {
    Ok(SuppressionRow {
        hash: r.blob(0)?,
        kind: r.text(1)?,
        added_on: r.text(2)?,
        request_id: r.opt_text(3)?,
        reason: r.text(4)?,
    })
}

/// Insert `row` unless its hash is already listed (the first entry, and its date, stay).
/// Returns whether it was new.
pub(crate) fn insert_suppression_row(tx: &mut dyn Tx, row: &SuppressionRow) -> Result<bool, StoreError> {
    let n = tx.exec(
        "INSERT INTO suppressions (hash, kind, added_on, request_id, reason) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (hash) DO NOTHING",
        &[
            Val::Blob(&row.hash),
            Val::Text(&row.kind),
            Val::Text(&row.added_on),
            Val::OptText(row.request_id.as_deref()),
            Val::Text(&row.reason),
        ],
    )?;
    Ok(n > 0)
}

pub(crate) fn all_suppressions(tx: &mut dyn Tx) -> Result<Vec<SuppressionRow>, StoreError> {
    tx.query(&format!("SELECT {COLUMNS} FROM suppressions ORDER BY added_on, hash"), &[])?
        .iter()
        .map(suppression)
        .collect()
}

impl Store {
    /// Add entries in one transaction with `event` audited; hashes already listed keep
    /// their first entry. Returns how many were new.
    pub fn add_suppressions(&self, rows: &[SuppressionRow], event: &AuditEvent) -> Result<u64, StoreError> {
        self.write(|tx| {
            let mut added = 0;
            for r in rows {
                if insert_suppression_row(tx, r)? {
                    added += 1;
                }
            }
            append_in(tx, std::slice::from_ref(event))?;
            Ok(added)
        })
    }

    /// The entry for `hash`, if listed.
    pub fn suppression(&self, hash: &[u8]) -> Result<Option<SuppressionRow>, StoreError> {
        self.read(|tx| {
            tx.query(&format!("SELECT {COLUMNS} FROM suppressions WHERE hash = $1"), &[Val::Blob(hash)])?
                .first()
                .map(suppression)
                .transpose()
        })
    }

    /// Every entry, oldest first.
    pub fn suppressions(&self) -> Result<Vec<SuppressionRow>, StoreError> {
        self.read(all_suppressions)
    }
}
