//! The consent ledger and the record of privacy notices each person received (schema
//! version 14): one row per consent and per notice given, each carrying the subject's id.
//!
//! A consent's evidence and wording are sealed by the caller under the subject's own data
//! key (the `data` column); what the ledger is searched and checked by (the activity, the
//! consent purpose, the dates, the methods) is kept in clear. Erasing a subject deletes
//! every row about them with the key (crypto-shredding), in the erasure's transaction.

use crate::audit::append_in;
use crate::sql::{Row, Tx, Val};
use crate::{Store, StoreError};
use serde::{Deserialize, Serialize};
use steward_core::audit::AuditEvent;

/// Bytes as base64 text in backups.
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

/// A consent as stored.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentRow {
    /// Random id (UUID).
    pub id: String,
    /// The person who consented.
    pub subject_id: String,
    /// The processing activity it was recorded for.
    pub activity_id: String,
    /// The consent purpose, as the activity names it.
    pub purpose: String,
    /// When given (`YYYY-MM-DD`).
    pub given_on: String,
    /// How given (a method code).
    pub method: String,
    /// The privacy notice version shown, if recorded.
    pub notice_id: Option<String>,
    /// When to ask again (`YYYY-MM-DD`), if the organisation renews consent.
    pub renew_on: Option<String>,
    /// When withdrawn (`YYYY-MM-DD`), once it is.
    pub withdrawn_on: Option<String>,
    /// How withdrawn (a method code).
    pub withdrawn_method: Option<String>,
    /// When the withdrawal was recorded (RFC 3339).
    pub withdrawn_at: Option<String>,
    /// Who recorded the withdrawal.
    pub withdrawn_by: Option<String>,
    /// When recorded (RFC 3339).
    pub created_at: String,
    /// Who recorded it (`user:<id>`, `token:<id>`, `cli`).
    pub created_by: String,
    /// The evidence and wording, sealed under the subject's key.
    #[serde(with = "b64")]
    pub data: Vec<u8>,
}

impl std::fmt::Debug for ConsentRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsentRow").field("id", &self.id).finish_non_exhaustive()
    }
}

/// A record that a person received a privacy notice version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeReceiptRow {
    /// Random id (UUID).
    pub id: String,
    /// The person.
    pub subject_id: String,
    /// The notice version (an entry of the privacy notices register).
    pub notice_id: String,
    /// When they received it (`YYYY-MM-DD`).
    pub received_on: String,
    /// How (a method code).
    pub method: String,
    /// When recorded (RFC 3339).
    pub created_at: String,
    /// Who recorded it.
    pub created_by: String,
}

/// A consent's renewal date and whether it stands, for the compliance check: nothing
/// about the person beyond the ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRenewal {
    /// The consent.
    pub id: String,
    /// The activity it was recorded for.
    pub activity_id: String,
    /// When to ask again (`YYYY-MM-DD`).
    pub renew_on: String,
    /// Whether it has been withdrawn.
    pub withdrawn: bool,
}

const CONSENT_COLUMNS: &str = "id, subject_id, activity_id, purpose, given_on, method, notice_id, renew_on, \
     withdrawn_on, withdrawn_method, withdrawn_at, withdrawn_by, created_at, created_by, data";
const RECEIPT_COLUMNS: &str = "id, subject_id, notice_id, received_on, method, created_at, created_by";

fn consent(r: &Row) -> Result<ConsentRow, StoreError> {
    Ok(ConsentRow {
        id: r.text(0)?,
        subject_id: r.text(1)?,
        activity_id: r.text(2)?,
        purpose: r.text(3)?,
        given_on: r.text(4)?,
        method: r.text(5)?,
        notice_id: r.opt_text(6)?,
        renew_on: r.opt_text(7)?,
        withdrawn_on: r.opt_text(8)?,
        withdrawn_method: r.opt_text(9)?,
        withdrawn_at: r.opt_text(10)?,
        withdrawn_by: r.opt_text(11)?,
        created_at: r.text(12)?,
        created_by: r.text(13)?,
        data: r.blob(14)?,
    })
}

fn receipt(r: &Row) -> Result<NoticeReceiptRow, StoreError> {
    Ok(NoticeReceiptRow {
        id: r.text(0)?,
        subject_id: r.text(1)?,
        notice_id: r.text(2)?,
        received_on: r.text(3)?,
        method: r.text(4)?,
        created_at: r.text(5)?,
        created_by: r.text(6)?,
    })
}

/// Add a consent as it is (a new one, or a restore into an emptied table).
pub(crate) fn insert_consent_row(tx: &mut dyn Tx, c: &ConsentRow) -> Result<(), StoreError> {
    tx.exec(
        &format!(
            "INSERT INTO consents ({CONSENT_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        ),
        &[
            Val::Text(&c.id),
            Val::Text(&c.subject_id),
            Val::Text(&c.activity_id),
            Val::Text(&c.purpose),
            Val::Text(&c.given_on),
            Val::Text(&c.method),
            Val::OptText(c.notice_id.as_deref()),
            Val::OptText(c.renew_on.as_deref()),
            Val::OptText(c.withdrawn_on.as_deref()),
            Val::OptText(c.withdrawn_method.as_deref()),
            Val::OptText(c.withdrawn_at.as_deref()),
            Val::OptText(c.withdrawn_by.as_deref()),
            Val::Text(&c.created_at),
            Val::Text(&c.created_by),
            Val::Blob(&c.data),
        ],
    )?;
    Ok(())
}

/// Add a notice receipt as it is (a new one, or a restore into an emptied table).
pub(crate) fn insert_receipt_row(tx: &mut dyn Tx, n: &NoticeReceiptRow) -> Result<(), StoreError> {
    tx.exec(
        &format!("INSERT INTO notice_receipts ({RECEIPT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"),
        &[
            Val::Text(&n.id),
            Val::Text(&n.subject_id),
            Val::Text(&n.notice_id),
            Val::Text(&n.received_on),
            Val::Text(&n.method),
            Val::Text(&n.created_at),
            Val::Text(&n.created_by),
        ],
    )?;
    Ok(())
}

/// Delete every consent and notice receipt of subject `id` (inside an erasure).
pub(crate) fn shred_records(tx: &mut dyn Tx, id: &str) -> Result<(), StoreError> {
    for table in ["consents", "notice_receipts"] {
        tx.exec(&format!("DELETE FROM {table} WHERE subject_id = $1"), &[Val::Text(id)])?;
    }
    Ok(())
}

/// Every consent, by id, one at a time (a backup).
pub(crate) fn for_each_consent(
    tx: &mut dyn Tx,
    f: &mut dyn FnMut(ConsentRow) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    tx.for_each(&format!("SELECT {CONSENT_COLUMNS} FROM consents ORDER BY id"), &[], &mut |r| f(consent(&r)?))
}

/// Every notice receipt, by id, one at a time (a backup).
pub(crate) fn for_each_receipt(
    tx: &mut dyn Tx,
    f: &mut dyn FnMut(NoticeReceiptRow) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    tx.for_each(&format!("SELECT {RECEIPT_COLUMNS} FROM notice_receipts ORDER BY id"), &[], &mut |r| f(receipt(&r)?))
}

fn get_consent(tx: &mut dyn Tx, id: &str) -> Result<Option<ConsentRow>, StoreError> {
    tx.query(&format!("SELECT {CONSENT_COLUMNS} FROM consents WHERE id = $1"), &[Val::Text(id)])?
        .first()
        .map(consent)
        .transpose()
}

/// What a withdrawal records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithdrawalRow {
    /// The day (`YYYY-MM-DD`).
    pub on: String,
    /// How (a method code).
    pub method: String,
    /// When recorded (RFC 3339).
    pub at: String,
    /// Who recorded it.
    pub by: String,
}

impl Store {
    /// Record a consent of a present subject (not erased, not unknown), with `event`
    /// audited, in one transaction.
    pub fn insert_consent(&self, c: &ConsentRow, event: &AuditEvent) -> Result<(), StoreError> {
        self.write(|tx| {
            crate::packs::subject_present(tx, &c.subject_id)?;
            insert_consent_row(tx, c)?;
            append_in(tx, std::slice::from_ref(event))?;
            Ok(())
        })
    }

    /// One consent.
    pub fn consent(&self, id: &str) -> Result<Option<ConsentRow>, StoreError> {
        self.read(|tx| get_consent(tx, id))
    }

    /// A subject's consents, oldest given first.
    pub fn consents_of(&self, subject_id: &str) -> Result<Vec<ConsentRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!(
                    "SELECT {CONSENT_COLUMNS} FROM consents WHERE subject_id = $1 ORDER BY given_on, created_at, id"
                ),
                &[Val::Text(subject_id)],
            )?
            .iter()
            .map(consent)
            .collect()
        })
    }

    /// Record the withdrawal of consent `id` (UK GDPR Art 7(3)), with `event` audited, in
    /// one transaction; answers the consent as it now stands. A consent already withdrawn
    /// is refused as [`StoreError::Conflict`] (saying when), so a withdrawal is recorded
    /// once, even when two arrive together.
    pub fn withdraw_consent(&self, id: &str, w: &WithdrawalRow, event: &AuditEvent) -> Result<ConsentRow, StoreError> {
        self.write(|tx| {
            let changed = tx.exec(
                "UPDATE consents SET withdrawn_on = $2, withdrawn_method = $3, withdrawn_at = $4, withdrawn_by = $5 \
                 WHERE id = $1 AND withdrawn_on IS NULL",
                &[Val::Text(id), Val::Text(&w.on), Val::Text(&w.method), Val::Text(&w.at), Val::Text(&w.by)],
            )?;
            let Some(now) = get_consent(tx, id)? else {
                return Err(StoreError::NotFound(format!("consent {id}")));
            };
            if changed == 0 {
                return Err(StoreError::Conflict(format!(
                    "this consent was already withdrawn on {}: a withdrawal is recorded once",
                    now.withdrawn_on.as_deref().unwrap_or("an earlier day")
                )));
            }
            append_in(tx, std::slice::from_ref(event))?;
            Ok(now)
        })
    }

    /// Every consent with a renewal date, with whether it stands, by renewal date: for the
    /// compliance check (ids and dates only).
    pub fn consent_renewals(&self) -> Result<Vec<ConsentRenewal>, StoreError> {
        self.read(|tx| {
            tx.query(
                "SELECT id, activity_id, renew_on, withdrawn_on FROM consents WHERE renew_on IS NOT NULL \
                 ORDER BY renew_on, id",
                &[],
            )?
            .iter()
            .map(|r| {
                Ok(ConsentRenewal {
                    id: r.text(0)?,
                    activity_id: r.text(1)?,
                    renew_on: r.text(2)?,
                    withdrawn: r.opt_text(3)?.is_some(),
                })
            })
            .collect()
        })
    }

    /// Record that a present subject received a privacy notice, with `event` audited.
    pub fn insert_notice_receipt(&self, n: &NoticeReceiptRow, event: &AuditEvent) -> Result<(), StoreError> {
        self.write(|tx| {
            crate::packs::subject_present(tx, &n.subject_id)?;
            insert_receipt_row(tx, n)?;
            append_in(tx, std::slice::from_ref(event))?;
            Ok(())
        })
    }

    /// The privacy notices a subject received, oldest first.
    pub fn notice_receipts_of(&self, subject_id: &str) -> Result<Vec<NoticeReceiptRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!(
                    "SELECT {RECEIPT_COLUMNS} FROM notice_receipts WHERE subject_id = $1 \
                     ORDER BY received_on, created_at, id"
                ),
                &[Val::Text(subject_id)],
            )?
            .iter()
            .map(receipt)
            .collect()
        })
    }
}
