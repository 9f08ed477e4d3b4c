//! Scheduled jobs: an in-process scheduler that runs each job daily at a UK local time
//! (and once soon after start when the day's run was missed), a lease row in the
//! database so that of several servers on one PostgreSQL only one runs a job at a time,
//! and a record of every run (counts only, never personal data) for administrators.

use crate::{App, AppError, AppResult, Context};
use jiff::{SignedDuration, Timestamp, Zoned};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;
use steward_core::Permission;
use steward_core::audit::{Action, ObjectType, Outcome, format_time};
use steward_core::time::{Clock, SystemClock, uk_zone};
use steward_store::JobRunRow;

use crate::job_catalogue::{AUDIT_ANCHOR, DISPOSALS};
pub use crate::job_catalogue::{JOBS, JobReport, REMINDERS};

/// How long a lease lasts: far longer than a run takes, short enough that a crashed
/// server's lease lapses before the next day's run.
pub const LEASE: SignedDuration = SignedDuration::from_mins(15);

/// A failed run is not retried by the scheduler for this long.
const RETRY_AFTER: SignedDuration = SignedDuration::from_mins(30);

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// The daily time came.
    Schedule,
    /// Soon after start, the day's run having been missed.
    CatchUp,
    /// Someone asked (`steward jobs run`).
    Manual,
}

impl Cause {
    /// Machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::Schedule => "schedule",
            Cause::CatchUp => "catch_up",
            Cause::Manual => "manual",
        }
    }
}

/// The UK local time now by the system clock (the system's zone if the time-zone
/// database lacks London). Prefer [`App::uk_now`], which reads the app's clock.
pub fn uk_now() -> Zoned {
    SystemClock.now().to_zoned(uk_zone())
}

/// A label for this server process, holding leases.
pub fn new_holder() -> String {
    format!("server-{}", uuid::Uuid::new_v4().simple())
}

impl App {
    /// The UK local time now, by the app's clock.
    pub fn uk_now(&self) -> Zoned {
        self.now().to_zoned(uk_zone())
    }

    /// Run `job` now, if no other server holds its lease: `Ok(None)` when one does, or
    /// (for scheduled runs) when the day's run has already succeeded.
    /// The run is recorded (started, finished, outcome, counts) and audited as
    /// `job.run` with counts only.
    pub fn run_job(&self, ctx: &Context, job: &str, cause: Cause, holder: &str) -> AppResult<Option<JobRunRow>> {
        self.require(ctx, Permission::ManageSettings, ObjectType::Job, job)?;
        if !JOBS.iter().any(|(name, _)| *name == job) {
            let names: Vec<&str> = JOBS.iter().map(|(n, _)| *n).collect();
            return Err(AppError::NotFound(format!("job {job} (jobs: {})", names.join(", "))));
        }
        let now = self.now();
        let until = now.checked_add(LEASE).map_err(|_| AppError::Io("clock out of range".into()))?;
        if !self.store.acquire_lease(job, holder, &format_time(now), &format_time(until))? {
            return Ok(None);
        }
        // Another server may have finished the day's run between our check and the lease.
        let result = match cause {
            Cause::Manual => self.run_job_leased(ctx, job, cause).map(Some),
            _ => match self.store.job_succeeded_on(job, &self.today().to_string()) {
                Ok(true) => Ok(None),
                Ok(false) => self.run_job_leased(ctx, job, cause).map(Some),
                Err(e) => Err(e.into()),
            },
        };
        if let Err(e) = self.store.release_lease(job, holder) {
            tracing::warn!(error = %e, job, "a job lease could not be released; it lapses by itself");
        }
        result
    }

    fn run_job_leased(&self, ctx: &Context, job: &str, cause: Cause) -> AppResult<JobRunRow> {
        let today = self.today();
        let mut run = JobRunRow {
            id: uuid::Uuid::now_v7().to_string(),
            job: job.into(),
            run_on: today.to_string(),
            cause: cause.as_str().into(),
            started_at: self.now_text(),
            finished_at: None,
            outcome: "running".into(),
            counts: "{}".into(),
            message: String::new(),
        };
        // Under the lease no other run is live: any still marked running was cut short.
        self.store.mark_interrupted_runs(job)?;
        self.store.insert_job_run(&run)?;
        let report = match job {
            REMINDERS => self.run_reminders(today),
            DISPOSALS => self.run_disposals_job(today),
            AUDIT_ANCHOR => self.run_audit_anchor(today),
            _ => Err(AppError::NotFound(format!("job {job}"))),
        };
        let report = report.unwrap_or_else(|e| JobReport { counts: Vec::new(), problem: Some(e.to_string()) });
        let counts: serde_json::Map<String, serde_json::Value> =
            report.counts.iter().map(|(k, v)| (k.clone(), serde_json::Value::from(*v))).collect();
        run.counts = serde_json::Value::Object(counts).to_string();
        run.finished_at = Some(self.now_text());
        run.outcome = if report.problem.is_some() { "failed" } else { "success" }.into();
        run.message = report.problem.unwrap_or_default();
        let summary: Vec<String> = report.counts.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let detail = format!("job={job} cause={} outcome={} {}", run.cause, run.outcome, summary.join(" "));
        let outcome = if run.outcome == "success" { Outcome::Success } else { Outcome::Failure };
        let ev = self.event(ctx, Action::JobRun, &run.id, outcome, detail.trim_end());
        self.store.finish_job_run(&run, &ev)?;
        Ok(run)
    }

    /// The latest runs of every job, newest first (administrators).
    pub fn job_runs(&self, ctx: &Context, limit: usize) -> AppResult<Vec<JobRunRow>> {
        self.require(ctx, Permission::ManageSettings, ObjectType::Job, "")?;
        Ok(self.store.job_runs(None, limit)?)
    }

    /// Whether `job` should run at `now` (UK local time): email set up, past the day's
    /// time, with no successful run for the day and no run started in the last half
    /// hour. Returns the
    /// cause (`CatchUp` when `first_check` and well past the time).
    pub fn job_due(&self, job: &str, now: &Zoned, first_check: bool) -> AppResult<Option<Cause>> {
        let settings = self.mail_settings_unchecked()?;
        // Until email is set up there is nothing to send: no run, no failure every half hour.
        if job == REMINDERS && !settings.configured() {
            return Ok(None);
        }
        // Without a retention schedule in force no record has a date: nothing to sweep.
        if job == DISPOSALS && self.active_schedule()?.is_none() {
            return Ok(None);
        }
        // Without email or an address for it, there is nowhere to send the audit record.
        if job == AUDIT_ANCHOR && !self.audit_anchor_ready()? {
            return Ok(None);
        }
        let (h, m) =
            crate::mail::parse_time_of_day(&settings.reminder_time).unwrap_or(crate::mail::DEFAULT_REMINDER_TIME);
        let at = now.date().at(h, m, 0, 0);
        if now.datetime() < at {
            return Ok(None);
        }
        let today = now.date().to_string();
        if let Some(last) = self.store.job_runs(Some(job), 1)?.into_iter().next()
            && last.run_on == today
        {
            if last.outcome == "success" {
                return Ok(None);
            }
            let started: Timestamp = last.started_at.parse().unwrap_or(Timestamp::UNIX_EPOCH);
            if now.timestamp().duration_since(started) < RETRY_AFTER {
                return Ok(None);
            }
        }
        let late = now.datetime().duration_since(at) > SignedDuration::from_mins(5);
        Ok(Some(if first_check && late { Cause::CatchUp } else { Cause::Schedule }))
    }
}

/// A running scheduler; dropping it (or [`Scheduler::stop`]) stops it.
pub struct Scheduler {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Scheduler {
    /// Start checking every minute, the first check 30 seconds after start.
    pub fn start(app: Arc<App>) -> Self {
        Self::start_with(app, Duration::from_secs(30), Duration::from_secs(60))
    }

    /// Start with the given first delay and interval between checks.
    pub fn start_with(app: Arc<App>, first: Duration, every: Duration) -> Self {
        let (tx, rx) = mpsc::channel::<()>();
        let holder = new_holder();
        let thread = std::thread::Builder::new()
            .name("steward-jobs".into())
            .spawn(move || {
                let mut wait = first;
                let mut first_check = true;
                loop {
                    match rx.recv_timeout(wait) {
                        Err(mpsc::RecvTimeoutError::Timeout) => {}
                        Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => return,
                    }
                    wait = every;
                    let now = app.uk_now();
                    for (job, _) in JOBS {
                        match app.job_due(job, &now, first_check) {
                            Ok(Some(cause)) => match app.run_job(&Context::system(), job, cause, &holder) {
                                Ok(Some(run)) => tracing::info!(job, outcome = %run.outcome, "scheduled job ran"),
                                Ok(None) => tracing::debug!(job, "another server is running this job"),
                                Err(e) => tracing::warn!(job, error = %e, "a scheduled job could not run"),
                            },
                            Ok(None) => {}
                            Err(e) => tracing::warn!(job, error = %e, "could not check whether a job is due"),
                        }
                    }
                    first_check = false;
                }
            })
            .ok();
        if thread.is_none() {
            tracing::error!("the job scheduler could not start");
        }
        Self { stop: Some(tx), thread }
    }

    /// Stop and wait for a run in progress to finish.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Scheduler {
    fn drop(&mut self) {
        self.shutdown();
    }
}
