//! Scheduled jobs: the lease row that lets one server of several run a job at a time,
//! the record of each run, the reminders already sent (so none goes twice in a day),
//! and the hashed secrets of users' calendar feeds. No personal data is held here.

use crate::audit::append_in;
use crate::sql::{Row, Tx, Val};
use crate::{Store, StoreError};
use serde::{Deserialize, Serialize};
use steward_core::audit::AuditEvent;

/// One run of a job as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobRunRow {
    /// Random id (UUID).
    pub id: String,
    /// The job's name (`reminders`).
    pub job: String,
    /// The day (UK, `YYYY-MM-DD`) the run was for.
    pub run_on: String,
    /// What started it: `schedule`, `catch_up` or `manual`.
    pub cause: String,
    /// Started (RFC 3339).
    pub started_at: String,
    /// Finished, once it has.
    pub finished_at: Option<String>,
    /// `running`, `success`, `failed` or `interrupted`.
    pub outcome: String,
    /// Counts as JSON (`{"emails":3,"requests":7}`), never personal data.
    pub counts: String,
    /// A short message for administrators (no personal data).
    pub message: String,
}

/// A reminder email recorded as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReminderSendRow {
    /// The user it went to.
    pub user_id: String,
    /// The day (UK) it was for.
    pub sent_on: String,
    /// `assignee` or `digest`.
    pub kind: String,
    /// When sent.
    pub sent_at: String,
    /// How many requests it listed.
    pub requests: i64,
}

/// A user's calendar feed: only the hash of its secret is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarFeedRow {
    /// The user.
    pub user_id: String,
    /// SHA-256 of the feed's secret.
    pub token_hash: String,
    /// Created.
    pub created_at: String,
}

const RUN_COLUMNS: &str = "id, job, run_on, cause, started_at, finished_at, outcome, counts, message";

fn run_row(r: &Row) -> Result<JobRunRow, StoreError> {
    Ok(JobRunRow {
        id: r.text(0)?,
        job: r.text(1)?,
        run_on: r.text(2)?,
        cause: r.text(3)?,
        started_at: r.text(4)?,
        finished_at: r.opt_text(5)?,
        outcome: r.text(6)?,
        counts: r.text(7)?,
        message: r.text(8)?,
    })
}

pub(crate) fn insert_run_row(tx: &mut dyn Tx, r: &JobRunRow) -> Result<(), StoreError> {
    tx.exec(
        &format!("INSERT INTO job_runs ({RUN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"),
        &[
            Val::Text(&r.id),
            Val::Text(&r.job),
            Val::Text(&r.run_on),
            Val::Text(&r.cause),
            Val::Text(&r.started_at),
            Val::OptText(r.finished_at.as_deref()),
            Val::Text(&r.outcome),
            Val::Text(&r.counts),
            Val::Text(&r.message),
        ],
    )?;
    Ok(())
}

pub(crate) fn insert_send_row(tx: &mut dyn Tx, r: &ReminderSendRow) -> Result<(), StoreError> {
    tx.exec(
        "INSERT INTO reminder_sends (user_id, sent_on, kind, sent_at, requests) VALUES ($1, $2, $3, $4, $5)",
        &[
            Val::Text(&r.user_id),
            Val::Text(&r.sent_on),
            Val::Text(&r.kind),
            Val::Text(&r.sent_at),
            Val::Int(r.requests),
        ],
    )?;
    Ok(())
}

pub(crate) fn insert_feed_row(tx: &mut dyn Tx, r: &CalendarFeedRow) -> Result<(), StoreError> {
    tx.exec(
        "INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES ($1, $2, $3)",
        &[Val::Text(&r.user_id), Val::Text(&r.token_hash), Val::Text(&r.created_at)],
    )?;
    Ok(())
}

/// Every run, sends and feed, inside a transaction (backups).
pub(crate) fn all_runs(tx: &mut dyn Tx) -> Result<Vec<JobRunRow>, StoreError> {
    tx.query(&format!("SELECT {RUN_COLUMNS} FROM job_runs ORDER BY started_at, id"), &[])?.iter().map(run_row).collect()
}

pub(crate) fn all_sends(tx: &mut dyn Tx) -> Result<Vec<ReminderSendRow>, StoreError> {
    tx.query(
        "SELECT user_id, sent_on, kind, sent_at, requests FROM reminder_sends ORDER BY sent_on, user_id, kind",
        &[],
    )?
    .iter()
    .map(|r| {
        Ok(ReminderSendRow {
            user_id: r.text(0)?,
            sent_on: r.text(1)?,
            kind: r.text(2)?,
            sent_at: r.text(3)?,
            requests: r.int(4)?,
        })
    })
    .collect()
}

pub(crate) fn all_feeds(tx: &mut dyn Tx) -> Result<Vec<CalendarFeedRow>, StoreError> {
    tx.query("SELECT user_id, token_hash, created_at FROM calendar_feeds ORDER BY user_id", &[])?
        .iter()
        .map(|r| Ok(CalendarFeedRow { user_id: r.text(0)?, token_hash: r.text(1)?, created_at: r.text(2)? }))
        .collect()
}

impl Store {
    /// Every request still being worked (not responded to or closed), nearest due date
    /// first, with no limit: what reminders and calendar feeds cover.
    pub fn open_requests(&self) -> Result<Vec<crate::RequestRow>, StoreError> {
        let sql = format!(
            "SELECT {} FROM requests WHERE status NOT IN ('responded', 'closed') ORDER BY due_on, reference",
            crate::requests::COLUMNS
        );
        self.read(|tx| tx.query(&sql, &[])?.iter().map(crate::requests::request).collect())
    }

    /// Take the lease on `job` for `holder` until `expires_at`, atomically: granted when
    /// nobody holds it, when the holder's lease has expired (before `now`), or when
    /// `holder` already holds it (renewal). Returns whether it was granted. Times are
    /// RFC 3339 UTC as written by [`crate::now`], which sort as text.
    pub fn acquire_lease(&self, job: &str, holder: &str, now: &str, expires_at: &str) -> Result<bool, StoreError> {
        self.write(|tx| {
            let n = tx.exec(
                "INSERT INTO job_leases (job, holder, expires_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
                 WHERE job_leases.expires_at < $4 OR job_leases.holder = $2",
                &[Val::Text(job), Val::Text(holder), Val::Text(expires_at), Val::Text(now)],
            )?;
            Ok(n == 1)
        })
    }

    /// Give up the lease on `job` if `holder` holds it; returns whether it did.
    pub fn release_lease(&self, job: &str, holder: &str) -> Result<bool, StoreError> {
        self.write(|tx| {
            let n =
                tx.exec("DELETE FROM job_leases WHERE job = $1 AND holder = $2", &[Val::Text(job), Val::Text(holder)])?;
            Ok(n == 1)
        })
    }

    /// Mark runs of `job` still recorded as `running` as `interrupted` (their server
    /// stopped mid-run). Call only while holding the job's lease, so none is live.
    pub fn mark_interrupted_runs(&self, job: &str) -> Result<u64, StoreError> {
        self.write(|tx| {
            tx.exec(
                "UPDATE job_runs SET outcome = 'interrupted' WHERE job = $1 AND outcome = 'running'",
                &[Val::Text(job)],
            )
        })
    }

    /// Record the start of a run.
    pub fn insert_job_run(&self, r: &JobRunRow) -> Result<(), StoreError> {
        self.write(|tx| insert_run_row(tx, r))
    }

    /// Record how a run ended, with its audit entry.
    pub fn finish_job_run(&self, r: &JobRunRow, event: &AuditEvent) -> Result<(), StoreError> {
        self.write(|tx| {
            let n = tx.exec(
                "UPDATE job_runs SET finished_at = $2, outcome = $3, counts = $4, message = $5 WHERE id = $1",
                &[
                    Val::Text(&r.id),
                    Val::OptText(r.finished_at.as_deref()),
                    Val::Text(&r.outcome),
                    Val::Text(&r.counts),
                    Val::Text(&r.message),
                ],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(format!("job run {}", r.id)));
            }
            append_in(tx, std::slice::from_ref(event))?;
            Ok(())
        })
    }

    /// The latest runs (of `job`, or of every job), newest first.
    pub fn job_runs(&self, job: Option<&str>, limit: usize) -> Result<Vec<JobRunRow>, StoreError> {
        let limit = limit.clamp(1, 1000);
        self.read(|tx| {
            let rows = match job {
                Some(j) => tx.query(
                    &format!(
                        "SELECT {RUN_COLUMNS} FROM job_runs WHERE job = $1 ORDER BY started_at DESC, id DESC LIMIT {limit}"
                    ),
                    &[Val::Text(j)],
                )?,
                None => tx.query(
                    &format!("SELECT {RUN_COLUMNS} FROM job_runs ORDER BY started_at DESC, id DESC LIMIT {limit}"),
                    &[],
                )?,
            };
            rows.iter().map(run_row).collect()
        })
    }

    /// Whether `job` finished successfully for day `run_on`.
    pub fn job_succeeded_on(&self, job: &str, run_on: &str) -> Result<bool, StoreError> {
        self.read(|tx| {
            let rows = tx.query(
                "SELECT COUNT(*) FROM job_runs WHERE job = $1 AND run_on = $2 AND outcome = 'success'",
                &[Val::Text(job), Val::Text(run_on)],
            )?;
            Ok(rows.first().map_or(Ok(0), |r| r.int(0))? > 0)
        })
    }

    /// Whether a reminder of `kind` went to `user_id` for day `sent_on`.
    pub fn reminder_sent(&self, user_id: &str, sent_on: &str, kind: &str) -> Result<bool, StoreError> {
        self.read(|tx| {
            let rows = tx.query(
                "SELECT COUNT(*) FROM reminder_sends WHERE user_id = $1 AND sent_on = $2 AND kind = $3",
                &[Val::Text(user_id), Val::Text(sent_on), Val::Text(kind)],
            )?;
            Ok(rows.first().map_or(Ok(0), |r| r.int(0))? > 0)
        })
    }

    /// Record a reminder as sent; a second record for the same user, day and kind is
    /// refused as a conflict.
    pub fn record_reminder(&self, r: &ReminderSendRow) -> Result<(), StoreError> {
        self.write(|tx| {
            let rows = tx.query(
                "SELECT COUNT(*) FROM reminder_sends WHERE user_id = $1 AND sent_on = $2 AND kind = $3",
                &[Val::Text(&r.user_id), Val::Text(&r.sent_on), Val::Text(&r.kind)],
            )?;
            if rows.first().map_or(Ok(0), |r| r.int(0))? > 0 {
                return Err(StoreError::Conflict("this reminder was already sent today".into()));
            }
            insert_send_row(tx, r)
        })
    }

    /// Set (replacing any other) the calendar feed of a user, with its audit entry.
    pub fn put_calendar_feed(&self, r: &CalendarFeedRow, event: &AuditEvent) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.exec("DELETE FROM calendar_feeds WHERE user_id = $1", &[Val::Text(&r.user_id)])?;
            insert_feed_row(tx, r)?;
            append_in(tx, std::slice::from_ref(event))?;
            Ok(())
        })
    }

    /// Remove a user's calendar feed, with its audit entry; returns whether there was one.
    pub fn delete_calendar_feed(&self, user_id: &str, event: &AuditEvent) -> Result<bool, StoreError> {
        self.write(|tx| {
            let n = tx.exec("DELETE FROM calendar_feeds WHERE user_id = $1", &[Val::Text(user_id)])?;
            append_in(tx, std::slice::from_ref(event))?;
            Ok(n > 0)
        })
    }

    /// A user's calendar feed, if they have one.
    pub fn calendar_feed_of(&self, user_id: &str) -> Result<Option<CalendarFeedRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                "SELECT user_id, token_hash, created_at FROM calendar_feeds WHERE user_id = $1",
                &[Val::Text(user_id)],
            )?
            .first()
            .map(|r| Ok(CalendarFeedRow { user_id: r.text(0)?, token_hash: r.text(1)?, created_at: r.text(2)? }))
            .transpose()
        })
    }

    /// The calendar feed whose secret hashes to `token_hash`.
    pub fn calendar_feed_by_hash(&self, token_hash: &str) -> Result<Option<CalendarFeedRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                "SELECT user_id, token_hash, created_at FROM calendar_feeds WHERE token_hash = $1",
                &[Val::Text(token_hash)],
            )?
            .first()
            .map(|r| Ok(CalendarFeedRow { user_id: r.text(0)?, token_hash: r.text(1)?, created_at: r.text(2)? }))
            .transpose()
        })
    }
}
