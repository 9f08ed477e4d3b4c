//! The clap definitions of every command and its flags, and the parsers of their values.
//! Command names, flags, help texts and exit codes are the interface scripts rely on.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use steward_core::{Region, Role};

#[derive(Parser)]
#[command(
    name = "steward",
    version,
    about = "Data protection management for UK organisations: the register, rights requests, retention and breaches, with personal data encrypted per person."
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Args, Clone)]
pub(crate) struct DataDir {
    /// Data directory (configuration, master key, SQLite database, erasure journal).
    #[arg(long, env = "STEWARD_DATA_DIR", value_name = "DIR")]
    pub(crate) data_dir: PathBuf,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Create a data directory: master key (0600), configuration and database.
    Init {
        #[command(flatten)]
        dir: DataDir,
        /// PostgreSQL URL (postgres://user:password@host/db); SQLite in the data directory when omitted.
        #[arg(long, value_name = "URL")]
        database_url: Option<String>,
        /// Organisation name.
        #[arg(long, value_name = "NAME")]
        org_name: Option<String>,
        /// UK region, for the bank holidays deadlines skip.
        #[arg(long, value_parser = parse_region)]
        region: Option<Region>,
        /// Retention schedule to start from: family-support-charity or generic. Written to
        /// retention-schedule.toml in the data directory, where it can be edited.
        #[arg(long, value_name = "NAME", default_value = "generic", value_parser = parse_template)]
        template: String,
    },
    /// Serve the web UI and the JSON API.
    Serve {
        #[command(flatten)]
        dir: DataDir,
        /// Address to listen on.
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
        /// PostgreSQL URL, overriding the configuration.
        #[arg(long, value_name = "URL")]
        database_url: Option<String>,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Check the hash-chained audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Write a backup of the database to a file (sealed data stays sealed).
    Backup {
        #[command(flatten)]
        dir: DataDir,
        /// File to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Replace the database with a backup, then re-apply every erasure made since.
    ///
    /// The backup is checked first (complete, and made with this installation's master
    /// key); nothing is changed if it is not, or while a server runs on the data
    /// directory. The database it replaces is kept beside it as
    /// steward.db.before-restore-<time>. Onto a new machine: steward restore --data-dir
    /// NEW_DIR --from BACKUP --master-key-file OLD_MASTER_KEY (no init needed).
    Restore {
        #[command(flatten)]
        dir: DataDir,
        /// Backup file to read.
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        /// The master key of the installation the backup came from: installed into the
        /// data directory, which is created if need be (restoring onto a new machine).
        /// Refused if the directory has a different key and a database of its own.
        #[arg(long, value_name = "FILE")]
        master_key_file: Option<PathBuf>,
        /// PostgreSQL URL, overriding the configuration (written to it for a new directory).
        #[arg(long, value_name = "URL")]
        database_url: Option<String>,
    },
    /// Work out the statutory due date of a rights request (UK GDPR Art 12(3), Art 12A); needs no data directory.
    ///
    /// Prints the due date as YYYY-MM-DD alone on the last line. Exits 2 for a date that is not a
    /// real YYYY-MM-DD date, 1 for dates in an impossible order.
    Deadline {
        /// Day the request was received (YYYY-MM-DD).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        received: jiff::civil::Date,
        /// Day proof of identity (or a fee) arrived: the clock starts again, whole, from that day.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        id_received: Option<jiff::civil::Date>,
        /// Day the requester was asked to clarify the request (the clock pauses).
        #[arg(long, value_name = "DATE", value_parser = parse_date, requires = "clarification_received")]
        clarification_asked: Option<jiff::civil::Date>,
        /// Day the clarification was received (the pause ends; both days are added).
        #[arg(long, value_name = "DATE", value_parser = parse_date, requires = "clarification_asked")]
        clarification_received: Option<jiff::civil::Date>,
        /// Extended by two further months for a complex or numerous request.
        #[arg(long)]
        extended: bool,
        /// UK region whose bank holidays the due date skips: england-and-wales, scotland or northern-ireland.
        #[arg(long, value_parser = parse_region, default_value = "england-and-wales")]
        region: Region,
        /// Print each step of the reasoning before the date.
        #[arg(long)]
        explain: bool,
    },
    /// The retention schedule: check the data directory's schedule file, or any file.
    Retention {
        #[command(subcommand)]
        command: RetentionCommand,
    },
    /// The records inventory: import records from a CSV file.
    Records {
        #[command(subcommand)]
        command: RecordsCommand,
    },
    /// Export a register to a file (the record of processing, for the ICO).
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// Import a register from a file (the record of processing).
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Run the compliance check over the registers: every gap found, errors first.
    ///
    /// Prints the findings grouped by severity, each with the law and what to do, or with
    /// --json a JSON array of findings ({severity, rule, message, citation, object_type,
    /// object_id, fix}). Exits 1 when any finding is an error, 0 otherwise.
    Check {
        #[command(flatten)]
        dir: DataDir,
        /// Print the findings as a JSON array instead of words.
        #[arg(long)]
        json: bool,
    },
    /// Find one person's data (and everyone else's, to redact) in files, mailboxes and archives;
    /// needs no data directory.
    ///
    /// Exit codes: 0 everything was scanned; 3 the scan finished but some inputs were skipped
    /// (each is listed with its reason); 1 an error (a path that does not exist, no subject
    /// details); 2 a usage error.
    Scan(super::scan::ScanArgs),
    /// Scheduled jobs: run one now (for cron or a check), or list them and their latest runs.
    Jobs {
        #[command(subcommand)]
        command: JobsCommand,
    },
    /// Run Steward with realistic fictional data (a housing association and a family-support charity).
    Demo {
        /// Data directory to create or reuse.
        #[arg(long, env = "STEWARD_DATA_DIR", value_name = "DIR", default_value = "steward-demo")]
        data_dir: PathBuf,
        /// Address to listen on.
        #[arg(long, value_name = "ADDR", default_value = crate::config::DEFAULT_LISTEN)]
        listen: String,
    },
}

#[derive(Subcommand)]
pub(crate) enum TokenCommand {
    /// Create a token; the secret is printed alone on the last line and never again.
    Create {
        #[command(flatten)]
        dir: DataDir,
        /// What the token is for.
        #[arg(long)]
        name: String,
        /// Role the token acts with (with --user, at most that person's role; their role
        /// by default).
        #[arg(long, value_parser = parse_role, required_unless_present = "user")]
        role: Option<Role>,
        /// Email address of the user the token acts for: it sees only what they may
        /// (a caseworker's assigned cases) and stops working if they are disabled.
        /// Without it the token acts for the organisation with its role; a caseworker
        /// token of that kind sees no one until cases are assigned to it.
        #[arg(long, value_name = "EMAIL")]
        user: Option<String>,
        /// Let the token see special-category data (DPO and caseworker tokens only; a
        /// user's token also needs their data-protection training to be current).
        #[arg(long)]
        special_category: bool,
    },
    /// List tokens (never their secrets).
    List {
        #[command(flatten)]
        dir: DataDir,
    },
    /// Revoke a token by id.
    Revoke {
        #[command(flatten)]
        dir: DataDir,
        /// Token id.
        id: String,
    },
}

#[derive(Subcommand)]
pub(crate) enum RetentionCommand {
    /// Check a schedule file; prints its record types, or exits 1 naming each problem
    /// (record type and field).
    Check {
        #[command(flatten)]
        dir: DataDir,
        /// A schedule file to check instead of the data directory's.
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
    },
}

/// Subcommands of `records`.
#[derive(Subcommand)]
pub(crate) enum RecordsCommand {
    /// Import records from a CSV file (header row: record_type, reference, subject_id,
    /// other_subject_ids, location, system, flags, event:<name>…). Every row is checked;
    /// all are added in one transaction, or none if any row has a problem. Prints each
    /// problem as `line N: field: message` and exits 1.
    Import {
        #[command(flatten)]
        dir: DataDir,
        /// The CSV file (UTF-8; at most 50 MB and 200,000 rows).
        file: PathBuf,
        /// Only check the file and report what would be imported; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Subcommands of `export`.
#[derive(Subcommand)]
pub(crate) enum ExportCommand {
    /// The record of processing (UK GDPR Art 30) as the ICO's controller template: one
    /// row per purpose of each activity, the controller, DPO and representative contacts
    /// on top; or JSON with everything each activity links to.
    Ropa {
        #[command(flatten)]
        dir: DataDir,
        /// csv, xlsx or json.
        #[arg(long, value_name = "FORMAT", value_parser = parse_ropa_format)]
        format: steward_app::ropa::RopaFormat,
        /// File to write; standard output when left out.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// Subcommands of `import`.
#[derive(Subcommand)]
pub(crate) enum ImportCommand {
    /// The record of processing from a spreadsheet (.xlsx) or CSV file laid out as
    /// `export ropa` writes it (columns in any order). Activities are matched by name:
    /// changed if on the register, added if not. Every row is checked; nothing is written
    /// if any has a problem (each printed as `row N, “Column”: message`, exit 1).
    Ropa {
        #[command(flatten)]
        dir: DataDir,
        /// The file (.xlsx or .csv, at most 10 MB); its extension gives the format.
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        /// Only check the file and report what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// A record of processing file format (`csv`, `xlsx`, `json`).
pub(crate) fn parse_ropa_format(s: &str) -> Result<steward_app::ropa::RopaFormat, String> {
    steward_app::ropa::RopaFormat::parse(s).ok_or_else(|| "expected csv, xlsx or json".into())
}

/// Subcommands of `jobs`.
#[derive(Subcommand)]
pub(crate) enum JobsCommand {
    /// Run a job now (`reminders`); exits 1 if it fails or another server is running it.
    Run {
        #[command(flatten)]
        dir: DataDir,
        /// The job's name.
        job: String,
    },
    /// List the jobs and their latest runs.
    List {
        #[command(flatten)]
        dir: DataDir,
    },
}

#[derive(Subcommand)]
pub(crate) enum AuditCommand {
    /// Recompute the whole chain, writing nothing (a read-only copy of the data directory
    /// will do); exits 3 naming the first entry altered, removed or reordered, or when
    /// the log no longer holds a head kept earlier.
    Verify {
        #[command(flatten)]
        dir: DataDir,
        /// The head hash kept earlier (from `audit head` or the daily email): some entry
        /// must still have it (with --expect-entries, that entry).
        #[arg(long, value_name = "HASH", value_parser = parse_head_hash)]
        expect_head: Option<String>,
        /// The number of entries kept earlier: the log must have at least as many.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(0..))]
        expect_entries: Option<i64>,
    },
    /// Check the chain, then print its number of entries and head hash, to keep
    /// somewhere else (writes nothing).
    Head {
        #[command(flatten)]
        dir: DataDir,
    },
}

/// A head hash as `audit head` prints it: 64 hexadecimal digits (case ignored).
pub(crate) fn parse_head_hash(s: &str) -> Result<String, String> {
    let h = s.trim();
    if h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(h.to_ascii_lowercase())
    } else {
        Err("expected the head hash as `steward audit head` prints it: 64 hexadecimal digits".into())
    }
}

/// A UK region by its name (`england-and-wales`, `scotland`, `northern-ireland`).
pub(crate) fn parse_region(s: &str) -> Result<Region, String> {
    s.parse().map_err(|e: steward_core::CoreError| e.to_string())
}

/// A role by its name (`dpo`, `caseworker`, `staff`, `auditor`, `admin`).
pub(crate) fn parse_role(s: &str) -> Result<Role, String> {
    s.parse().map_err(|e: steward_core::CoreError| e.to_string())
}

/// A calendar date written exactly as YYYY-MM-DD.
pub(crate) fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    let shape = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !shape {
        return Err("expected a date as YYYY-MM-DD, e.g. 2026-03-01".into());
    }
    s.parse().map_err(|_| "no such date in the calendar".into())
}

/// A shipped schedule template's name, for `init --template`.
pub(crate) fn parse_template(name: &str) -> Result<String, String> {
    match steward_core::retention::schedule::template(name) {
        Some(_) => Ok(name.to_string()),
        None => {
            let names: Vec<&str> = steward_core::retention::schedule::TEMPLATES.iter().map(|(n, _)| *n).collect();
            Err(format!("no retention template is named {name:?}; the templates are: {}", names.join(", ")))
        }
    }
}
