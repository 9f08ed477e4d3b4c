//! The command line: the clap definitions of every command (in `args`), one module per
//! command family with its handler, and the data-directory plumbing they share
//! (`init` creates a data directory, `open` opens one).

mod args;
mod audit;
mod backup;
mod check;
mod deadline;
pub(crate) mod demo;
mod init;
mod jobs;
mod open;
mod records;
mod restore;
mod ropa;
mod scan;
mod serve;
mod tokens;

pub(crate) use args::Cli;
pub(crate) use init::{init, write_schedule_template};
pub(crate) use open::{SCHEDULE_FILE, open};

use crate::{config, datadir};
use args::Command;
use config::Overrides;

/// A failure to report: the message, and the exit code.
#[derive(Debug)]
pub(crate) struct Failure(pub(crate) String, pub(crate) u8);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string(), 1)
    }
}

/// Run one command.
pub(crate) fn run(cmd: Command) -> Result<(), Failure> {
    match cmd {
        Command::Init { dir, database_url, org_name, region, template } => {
            init::run(&dir.data_dir, database_url, org_name, region, &template)
        }
        Command::Serve { dir, listen, database_url } => {
            let flags = Overrides { listen, database_url, ..Default::default() };
            let (app, config) = open(&dir.data_dir, &flags)?;
            datadir::hold_shared(&dir.data_dir, true).map_err(|m| Failure(m, 1))?;
            serve::serve(app, &config, &config.listen, None)
        }
        Command::Token { command } => tokens::run(command),
        Command::Check { dir, json } => check::run(&dir.data_dir, json),
        Command::Retention { command } => records::retention(command),
        Command::Records { command } => records::records(command),
        Command::Jobs { command } => jobs::run(command),
        Command::Export { command } => ropa::export(command),
        Command::Import { command } => ropa::import(command),
        Command::Audit { command } => audit::run(command),
        Command::Backup { dir, out } => backup::run(&dir.data_dir, &out),
        Command::Restore { dir, from, master_key_file, database_url } => {
            restore::run(&restore::Restore { data_dir: dir.data_dir, from, master_key_file, database_url })
        }
        Command::Demo { data_dir, listen } => demo::demo(&data_dir, &listen),
        Command::Scan(args) => match scan::run(&args) {
            Ok(0) => Ok(()),
            Ok(code) => Err(Failure(String::new(), code)),
            Err(e) => Err(Failure(e, 1)),
        },
        Command::Deadline {
            received,
            id_received,
            clarification_asked,
            clarification_received,
            extended,
            region,
            explain,
        } => {
            let clarifications = match (clarification_asked, clarification_received) {
                (Some(asked), Some(answered)) => vec![steward_core::clock::Clarification { asked, answered }],
                _ => Vec::new(),
            };
            let clock = steward_core::clock::RequestClock {
                received,
                identity_received: id_received,
                clarifications,
                extended,
            };
            deadline::deadline(&clock, region, explain)
        }
    }
}
