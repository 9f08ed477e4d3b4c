//! The `steward` command: initialise a data directory, serve the web UI and API, and
//! run operator tasks (tokens, audit verification, backups, a demo).

mod cli;
mod config;
mod datadir;
mod demo;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("STEWARD_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match cli::run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(cli::Failure(msg, code)) => {
            // An empty message: the command already said why (a scan's skipped inputs).
            if !msg.is_empty() {
                eprintln!("error: {msg}");
            }
            ExitCode::from(code)
        }
    }
}
