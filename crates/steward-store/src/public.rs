//! Requests and complaints sent through the public form, and the fixed-window rate
//! limits that keep the form (and anything else that needs one) from being flooded.
//!
//! A submission's personal data arrives here already sealed under its own data key;
//! only its id, reference, kind, status and time are stored in clear.

use crate::audit::append_in;
use crate::sql::{Cell, Dialect, Row, Tx, Val};
use crate::{Store, StoreError};
use std::collections::BTreeMap;
use steward_core::audit::AuditEvent;

/// A submission as stored: nothing personal is readable without its data key.
#[derive(Clone, PartialEq, Eq)]
pub struct SubmissionRow {
    /// Random id (UUID).
    pub id: String,
    /// The reference given to the person who sent it (`SR-2026-4F7K9Q`), unique.
    pub reference: String,
    /// `request` or `complaint`.
    pub kind: String,
    /// `new`, `acknowledged` or `closed`.
    pub status: String,
    /// When it arrived.
    pub submitted_at: String,
    /// The submission's data key, wrapped by the master key (absent once destroyed).
    pub wrapped_key: Option<Vec<u8>>,
    /// The sealed personal data (absent once destroyed).
    pub data: Option<Vec<u8>>,
    /// The caseworker (user id) the DPO gave it to, who may then open it.
    pub assigned_to: Option<String>,
}

impl std::fmt::Debug for SubmissionRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubmissionRow")
            .field("id", &self.id)
            .field("reference", &self.reference)
            .field("kind", &self.kind)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// What a list of submissions shows: no personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionSummary {
    /// Id.
    pub id: String,
    /// Reference.
    pub reference: String,
    /// `request` or `complaint`.
    pub kind: String,
    /// `new`, `acknowledged` or `closed`.
    pub status: String,
    /// When it arrived.
    pub submitted_at: String,
    /// The caseworker it is assigned to.
    pub assigned_to: Option<String>,
}

pub(crate) const COLUMNS: &str = "id, reference, kind, status, submitted_at, wrapped_key, data, assigned_to";

fn opt_blob(r: &Row, i: usize) -> Result<Option<Vec<u8>>, StoreError> {
    match r.0.get(i) {
        Some(Cell::Null) => Ok(None),
        Some(_) => r.blob(i).map(Some),
        None => Err(StoreError::Corrupt(format!("missing column {i}"))),
    }
}

pub(crate) fn submission(r: &Row) -> Result<SubmissionRow, StoreError> {
    Ok(SubmissionRow {
        id: r.text(0)?,
        reference: r.text(1)?,
        kind: r.text(2)?,
        status: r.text(3)?,
        submitted_at: r.text(4)?,
        wrapped_key: opt_blob(r, 5)?,
        data: opt_blob(r, 6)?,
        assigned_to: r.opt_text(7)?,
    })
}

pub(crate) fn insert_submission_row(tx: &mut dyn Tx, s: &SubmissionRow) -> Result<(), StoreError> {
    tx.exec(
        &format!("INSERT INTO public_submissions ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"),
        &[
            Val::Text(&s.id),
            Val::Text(&s.reference),
            Val::Text(&s.kind),
            Val::Text(&s.status),
            Val::Text(&s.submitted_at),
            Val::OptBlob(s.wrapped_key.as_deref()),
            Val::OptBlob(s.data.as_deref()),
            Val::OptText(s.assigned_to.as_deref()),
        ],
    )?;
    Ok(())
}

/// Seconds from `earlier` to `later`, both in the stored timestamp format; `None` if
/// either does not parse.
fn seconds_between(earlier: &str, later: &str) -> Option<i64> {
    let a: jiff::Timestamp = earlier.parse().ok()?;
    let b: jiff::Timestamp = later.parse().ok()?;
    Some(b.as_second() - a.as_second())
}

impl Store {
    /// Store a new submission with its audit entry, in one transaction. A reference
    /// or id already in use is a [`StoreError::Conflict`] (and nothing is written).
    pub fn insert_submission(&self, s: &SubmissionRow, event: &AuditEvent) -> Result<(), StoreError> {
        self.write(|tx| {
            insert_submission_row(tx, s)?;
            append_in(tx, std::slice::from_ref(event))?;
            Ok(())
        })
    }

    /// One page of submissions for the inbox, newest first, optionally only those with
    /// `status` and only those assigned to `assignee`; `offset` rows are skipped and at
    /// most `limit` (1 to 500) returned.
    pub fn submissions(
        &self,
        status: Option<&str>,
        assignee: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<SubmissionSummary>, StoreError> {
        let limit = limit.clamp(1, 500) as i64;
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        self.read(|tx| {
            let mut sql = String::from(
                "SELECT id, reference, kind, status, submitted_at, assigned_to FROM public_submissions WHERE 1 = 1",
            );
            let mut params = Vec::new();
            if let Some(st) = status {
                params.push(Val::Text(st));
                sql.push_str(&format!(" AND status = ${}", params.len()));
            }
            if let Some(a) = assignee {
                params.push(Val::Text(a));
                sql.push_str(&format!(" AND assigned_to = ${}", params.len()));
            }
            params.push(Val::Int(limit));
            params.push(Val::Int(offset));
            sql.push_str(&format!(
                " ORDER BY submitted_at DESC, id DESC LIMIT ${} OFFSET ${}",
                params.len() - 1,
                params.len()
            ));
            tx.query(&sql, &params)?
                .iter()
                .map(|r| {
                    Ok(SubmissionSummary {
                        id: r.text(0)?,
                        reference: r.text(1)?,
                        kind: r.text(2)?,
                        status: r.text(3)?,
                        submitted_at: r.text(4)?,
                        assigned_to: r.opt_text(5)?,
                    })
                })
                .collect()
        })
    }

    /// How many submissions have each status (statuses with none are absent), of those
    /// assigned to `assignee` when one is given.
    pub fn submission_counts(&self, assignee: Option<&str>) -> Result<BTreeMap<String, i64>, StoreError> {
        self.read(|tx| {
            let rows = match assignee {
                Some(a) => tx.query(
                    "SELECT status, COUNT(*) FROM public_submissions WHERE assigned_to = $1 GROUP BY status",
                    &[Val::Text(a)],
                )?,
                None => tx.query("SELECT status, COUNT(*) FROM public_submissions GROUP BY status", &[])?,
            };
            rows.iter().map(|r| Ok((r.text(0)?, r.int(1)?))).collect()
        })
    }

    /// Give a submission to a caseworker (`Some(user id)`) or take it back (`None`),
    /// with an audit entry; an unknown id is [`StoreError::NotFound`].
    pub fn assign_submission(&self, id: &str, user_id: Option<&str>, event: &AuditEvent) -> Result<(), StoreError> {
        self.write(|tx| {
            let n = tx.exec(
                "UPDATE public_submissions SET assigned_to = $2 WHERE id = $1",
                &[Val::Text(id), Val::OptText(user_id)],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(format!("submission {id}")));
            }
            append_in(tx, std::slice::from_ref(event))?;
            Ok(())
        })
    }

    /// One submission by id.
    pub fn submission(&self, id: &str) -> Result<Option<SubmissionRow>, StoreError> {
        self.read(|tx| {
            tx.query(&format!("SELECT {COLUMNS} FROM public_submissions WHERE id = $1"), &[Val::Text(id)])?
                .first()
                .map(submission)
                .transpose()
        })
    }

    /// Change a submission's status, with an audit entry. Returns the previous
    /// status; an unknown id is [`StoreError::NotFound`] and nothing is audited.
    pub fn set_submission_status(&self, id: &str, status: &str, event: &AuditEvent) -> Result<String, StoreError> {
        self.write(|tx| {
            let lock = if tx.dialect() == Dialect::Postgres { " FOR UPDATE" } else { "" };
            let previous = tx
                .query(&format!("SELECT status FROM public_submissions WHERE id = $1{lock}"), &[Val::Text(id)])?
                .first()
                .ok_or_else(|| StoreError::NotFound(format!("submission {id}")))?
                .text(0)?;
            tx.exec("UPDATE public_submissions SET status = $2 WHERE id = $1", &[Val::Text(id), Val::Text(status)])?;
            append_in(tx, std::slice::from_ref(event))?;
            Ok(previous)
        })
    }

    /// Count one hit at time `now` against `bucket`, a fixed window of `window_secs`
    /// seconds allowing `max` hits. Returns `true` if the hit is allowed (and counted),
    /// `false` if the window is already full. One transaction; concurrent hits on the same
    /// bucket are serialised (a row lock on PostgreSQL, the write lock on SQLite), so none
    /// is lost.
    pub fn hit_rate_limit_at(
        &self,
        bucket: &str,
        window_secs: i64,
        max: i64,
        now: jiff::Timestamp,
    ) -> Result<bool, StoreError> {
        let now = steward_core::audit::format_time(now);
        self.write(|tx| {
            // Make sure the row exists, then lock it: two first hits cannot both insert.
            tx.exec(
                "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 0) ON CONFLICT (bucket) DO NOTHING",
                &[Val::Text(bucket), Val::Text(&now)],
            )?;
            let lock = if tx.dialect() == Dialect::Postgres { " FOR UPDATE" } else { "" };
            let rows =
                tx.query(&format!("SELECT window_start, hits FROM rate_limits WHERE bucket = $1{lock}"), &[Val::Text(bucket)])?;
            let row = rows.first().ok_or_else(|| StoreError::Backend("the rate-limit row vanished".into()))?;
            let (start, hits) = (row.text(0)?, row.int(1)?);
            // A new window when the old one has passed, or when the clock went backwards
            // (or the stored time is unreadable), so a bucket can never stay shut.
            let current = seconds_between(&start, &now).is_some_and(|age| (0..window_secs).contains(&age));
            if !current {
                tx.exec(
                    "UPDATE rate_limits SET window_start = $2, hits = 1 WHERE bucket = $1",
                    &[Val::Text(bucket), Val::Text(&now)],
                )?;
                return Ok(max >= 1);
            }
            if hits >= max {
                return Ok(false);
            }
            tx.exec("UPDATE rate_limits SET hits = hits + 1 WHERE bucket = $1", &[Val::Text(bucket)])?;
            Ok(true)
        })
    }

    /// Delete the rate-limit windows of buckets whose names start with `prefix` that
    /// started before `before` (a stored timestamp); returns how many were deleted.
    pub fn purge_rate_limits(&self, prefix: &str, before: &str) -> Result<u64, StoreError> {
        let mut pattern = String::with_capacity(prefix.len() + 1);
        for c in prefix.chars() {
            if matches!(c, '\\' | '%' | '_') {
                pattern.push('\\');
            }
            pattern.push(c);
        }
        pattern.push('%');
        self.write(|tx| {
            tx.exec(
                "DELETE FROM rate_limits WHERE bucket LIKE $1 ESCAPE '\\' AND window_start < $2",
                &[Val::Text(&pattern), Val::Text(before)],
            )
        })
    }
}
