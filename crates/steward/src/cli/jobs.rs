//! `steward jobs`: run a scheduled job now, or list the jobs and their latest runs.

use super::Failure;
use super::args::JobsCommand;
use super::open::open;
use crate::config::Overrides;
use steward_app::Context;

/// Run a `jobs` subcommand.
pub(super) fn run(command: JobsCommand) -> Result<(), Failure> {
    match command {
        JobsCommand::Run { dir, job } => {
            let (app, _) = open(&dir.data_dir, &Overrides::default())?;
            let holder = steward_app::jobs::new_holder();
            let cause = steward_app::jobs::Cause::Manual;
            match app.run_job(&Context::cli(), &job, cause, &holder)? {
                None => Err(Failure(format!("another server is running {job} now; try again in a few minutes"), 1)),
                Some(run) => {
                    println!("{}: {} {}", run.job, run.outcome, run.counts);
                    if run.outcome == "success" { Ok(()) } else { Err(Failure(run.message, 1)) }
                }
            }
        }
        JobsCommand::List { dir } => {
            let (app, _) = open(&dir.data_dir, &Overrides::default())?;
            let settings = app.mail_settings(&Context::cli())?;
            for (name, what) in steward_app::jobs::JOBS {
                println!("{name}\tdaily at {} UK time\t{what}", settings.reminder_time);
            }
            for r in app.job_runs(&Context::cli(), 20)? {
                let finished = r.finished_at.as_deref().unwrap_or("-");
                println!(
                    "{}\t{}\t{}\t{}\t{finished}\t{}\t{}",
                    r.job, r.run_on, r.cause, r.started_at, r.outcome, r.counts
                );
            }
            Ok(())
        }
    }
}
