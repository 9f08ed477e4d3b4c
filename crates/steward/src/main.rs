//! The `steward` command: initialise a data directory, serve the web UI and API, and
//! run operator tasks (tokens, audit verification, backups, a demo).

mod config;
mod datadir;
mod demo_data;
mod demo_records;
mod demo_requests;
mod demo_work;
mod restore;
mod scan_cli;

use clap::{Args, Parser, Subcommand};
use config::{Config, DB_FILE, JOURNAL_FILE, Overrides};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use steward_app::{App, Context};
use steward_core::subject::{NewSubject, SpecialCategory};
use steward_core::{Region, Role};
use steward_crypto::MasterKey;
use steward_store::{OpenMode, Store};

/// Exit code when the audit chain does not verify.
const EXIT_AUDIT_BROKEN: u8 = 3;

#[derive(Parser)]
#[command(
    name = "steward",
    version,
    about = "Data protection management for UK organisations: the register, rights requests, retention and breaches, with personal data encrypted per person."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct DataDir {
    /// Data directory (configuration, master key, SQLite database, erasure journal).
    #[arg(long, env = "STEWARD_DATA_DIR", value_name = "DIR")]
    data_dir: PathBuf,
}

#[derive(Subcommand)]
enum Command {
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
    /// Find one person's data (and everyone else's, to redact) in files, mailboxes and archives;
    /// needs no data directory.
    ///
    /// Exit codes: 0 everything was scanned; 3 the scan finished but some inputs were skipped
    /// (each is listed with its reason); 1 an error (a path that does not exist, no subject
    /// details); 2 a usage error.
    Scan(scan_cli::ScanArgs),
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
        #[arg(long, value_name = "ADDR", default_value = config::DEFAULT_LISTEN)]
        listen: String,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
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
enum RetentionCommand {
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
enum RecordsCommand {
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

/// Subcommands of `jobs`.
#[derive(Subcommand)]
enum JobsCommand {
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
enum AuditCommand {
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
fn parse_head_hash(s: &str) -> Result<String, String> {
    let h = s.trim();
    if h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(h.to_ascii_lowercase())
    } else {
        Err("expected the head hash as `steward audit head` prints it: 64 hexadecimal digits".into())
    }
}

fn parse_region(s: &str) -> Result<Region, String> {
    s.parse().map_err(|e: steward_core::CoreError| e.to_string())
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse().map_err(|e: steward_core::CoreError| e.to_string())
}

/// A calendar date written exactly as YYYY-MM-DD.
fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    let shape = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !shape {
        return Err("expected a date as YYYY-MM-DD, e.g. 2026-03-01".into());
    }
    s.parse().map_err(|_| "no such date in the calendar".into())
}

/// A failure to report: the message, and the exit code.
#[derive(Debug)]
struct Failure(String, u8);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string(), 1)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("STEWARD_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(msg, code)) => {
            // An empty message: the command already said why (a scan's skipped inputs).
            if !msg.is_empty() {
                eprintln!("error: {msg}");
            }
            ExitCode::from(code)
        }
    }
}

fn run(cmd: Command) -> Result<(), Failure> {
    match cmd {
        Command::Init { dir, database_url, org_name, region, template } => {
            init(&dir.data_dir, database_url, org_name, region)?;
            write_schedule_template(&dir.data_dir, &template)?;
            println!("Initialised {} (retention schedule: {template})", dir.data_dir.display());
            println!(
                "Keep a copy of the master key somewhere safe and apart from backups: without it nothing can be read."
            );
            Ok(())
        }
        Command::Serve { dir, listen, database_url } => {
            let flags = Overrides { listen, database_url, ..Default::default() };
            let (app, config) = open(&dir.data_dir, &flags)?;
            datadir::hold_shared(&dir.data_dir, true).map_err(|m| Failure(m, 1))?;
            serve(app, &config, &config.listen, None)
        }
        Command::Token { command } => match command {
            TokenCommand::Create { dir, name, role, user, special_category } => {
                let (app, _) = open(&dir.data_dir, &Overrides::default())?;
                let (info, secret) =
                    app.create_token_for(&Context::cli(), user.as_deref(), role, &name, special_category)?;
                let acts_for = if user.is_some() { "for that user" } else { "for the organisation" };
                let special = if info.special_category { ", may see special-category data" } else { "" };
                println!(
                    "Created token {} ({}) with role {}, acting {acts_for}{special}. It is shown once:",
                    info.id, info.name, info.role
                );
                println!("{secret}");
                Ok(())
            }
            TokenCommand::List { dir } => {
                let (app, _) = open(&dir.data_dir, &Overrides::default())?;
                for t in app.list_tokens(&Context::cli())? {
                    let state = t.revoked_at.map_or("live".to_string(), |r| format!("revoked {r}"));
                    let acts_for = t.user_id.as_deref().unwrap_or("organisation");
                    let special = if t.special_category { "special-category" } else { "-" };
                    println!("{}\t{}\t{acts_for}\t{special}\t{}\t{}\t{state}", t.id, t.role, t.created_at, t.name);
                }
                Ok(())
            }
            TokenCommand::Revoke { dir, id } => {
                let (app, _) = open(&dir.data_dir, &Overrides::default())?;
                app.revoke_token(&Context::cli(), &id)?;
                println!("Revoked token {id}");
                Ok(())
            }
        },
        Command::Retention { command: RetentionCommand::Check { dir, file } } => {
            let path = file.unwrap_or_else(|| dir.data_dir.join(SCHEDULE_FILE));
            let schedule = load_schedule(&path)?;
            let review = schedule.record_types.iter().filter(|t| t.review_before_use).count();
            println!(
                "{}: schedule {:?}, {} record types ({review} marked review before use)",
                path.display(),
                schedule.name,
                schedule.record_types.len()
            );
            Ok(())
        }
        Command::Records { command: RecordsCommand::Import { dir, file, dry_run } } => {
            import_records(&dir.data_dir, &file, dry_run)
        }
        Command::Jobs { command } => match command {
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
        },
        Command::Audit { command } => match command {
            AuditCommand::Verify { dir, expect_head, expect_entries } => {
                let expect = steward_store::AuditExpectation { entries: expect_entries, head: expect_head };
                let report = verify_read_only(&dir.data_dir, &expect)?;
                audit_failure(&report)?;
                println!("Audit log intact: {} entries, head {}", report.entries, report.head_hash);
                print_keying(&report);
                if let Some(seq) = report.kept_head_seq {
                    println!("The head kept earlier is entry {seq}'s: nothing up to it was removed or changed.");
                } else if let Some(n) = expect_entries {
                    println!("The log holds at least the {n} entries kept earlier.");
                }
                Ok(())
            }
            AuditCommand::Head { dir } => {
                let report = verify_read_only(&dir.data_dir, &steward_store::AuditExpectation::default())?;
                audit_failure(&report)?;
                print_keying(&report);
                println!("entries={} head={}", report.entries, report.head_hash);
                println!(
                    "Keep this line somewhere else. To check later that nothing up to here changed:\n  steward audit verify --data-dir {} --expect-entries {} --expect-head {}",
                    dir.data_dir.display(),
                    report.entries,
                    report.head_hash
                );
                Ok(())
            }
        },
        Command::Backup { dir, out } => {
            let (app, _) = open(&dir.data_dir, &Overrides::default())?;
            let s = app.backup(&Context::cli(), &out)?;
            println!(
                "Wrote {} ({} records, {} bytes). Personal data in it stays encrypted; the master key is not in it.",
                out.display(),
                s.lines,
                s.bytes
            );
            Ok(())
        }
        Command::Restore { dir, from, master_key_file, database_url } => {
            restore::run(&restore::Restore { data_dir: dir.data_dir, from, master_key_file, database_url })
        }
        Command::Demo { data_dir, listen } => demo(&data_dir, &listen),
        Command::Scan(args) => match scan_cli::run(&args) {
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
            deadline(&clock, region, explain)
        }
    }
}

/// Check the audit chain of `data_dir` opened read-only, against `expect`.
fn verify_read_only(
    data_dir: &Path,
    expect: &steward_store::AuditExpectation,
) -> Result<steward_store::VerifyReport, Failure> {
    let config = check_data_dir(data_dir, &Overrides::default())?;
    let key = master_key(&config, data_dir)?;
    let store = match &config.database_url {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Store::open_postgres_read_only(url, None)?
        }
        Some(_) => return Err(Failure("database_url must start with postgres:// or postgresql://".into(), 1)),
        None => {
            let path = data_dir.join(DB_FILE);
            // A missing database is a lost installation to recover, not a log to check.
            if !path.exists() && !datadir::signs_of_installation(data_dir, &data_dir.join(JOURNAL_FILE)).is_empty() {
                return Err(missing_database(data_dir, &path.display().to_string()));
            }
            Store::open_sqlite_read_only(&path)?
        }
    };
    Ok(steward_app::verify_audit_read_only(store, &key, expect)?)
}

/// Exit 3 with the first problem of `report`, if it has one.
fn audit_failure(report: &steward_store::VerifyReport) -> Result<(), Failure> {
    let Some(p) = &report.problem else { return Ok(()) };
    let message = match p.kind {
        steward_store::ProblemKind::Chain => format!(
            "audit log broken at entry {}: {} ({} entries before it verified)",
            p.seq, p.message, report.entries
        ),
        steward_store::ProblemKind::KeptHead => format!(
            "the audit log does not hold the head kept earlier: {} (its {} entries verify among themselves)",
            p.message, report.entries
        ),
    };
    Err(Failure(message, EXIT_AUDIT_BROKEN))
}

/// Say which entries the audit key covers, when not all of them.
fn print_keying(report: &steward_store::VerifyReport) {
    if !report.keyed {
        println!(
            "Note: none of these {} entries is keyed yet (they were written by an older Steward); any command that opens the data directory keys them. Until then only a head kept earlier shows they were not rewritten.",
            report.entries
        );
    } else if report.legacy_entries > 0 {
        println!(
            "Entries 1 to {} were written before the audit log was keyed; entry {} keyed them, and every entry from it on carries a MAC under the audit key.",
            report.legacy_entries,
            report.legacy_entries + 1
        );
    }
}

/// Print the due date of `clock` (after the reasoning, with `explain`); a rule violation
/// names the flag at fault.
fn deadline(clock: &steward_core::clock::RequestClock, region: Region, explain: bool) -> Result<(), Failure> {
    let result = clock.deadline(&steward_core::calendar::Calendar::new(region)).map_err(|e| match e {
        steward_core::CoreError::Invalid(f) => {
            let flag = match f.field.as_str() {
                "identity_received" => "--id-received",
                "clarifications[0].asked" => "--clarification-asked",
                "clarifications[0].answered" => "--clarification-received",
                _ => "--received",
            };
            Failure(format!("{flag} {}", f.message), 1)
        }
        other => Failure(other.to_string(), 1),
    })?;
    if explain {
        for step in result.explain() {
            println!("{step}");
        }
    }
    println!("{}", result.due);
    Ok(())
}

fn write_private(path: &Path, contents: &str) -> Result<(), Failure> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(|e| Failure(format!("cannot create {}: {e}", path.display()), 1))?;
    f.write_all(contents.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| Failure(format!("cannot write {}: {e}", path.display()), 1))
}

fn init(
    data_dir: &Path,
    database_url: Option<String>,
    org_name: Option<String>,
    region: Option<Region>,
) -> Result<(), Failure> {
    if data_dir.join(config::CONFIG_FILE).exists() {
        return Err(Failure(
            format!("{} is already initialised (it has a {})", data_dir.display(), config::CONFIG_FILE),
            1,
        ));
    }
    std::fs::create_dir_all(data_dir).map_err(|e| Failure(format!("cannot create {}: {e}", data_dir.display()), 1))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(data_dir, std::fs::Permissions::from_mode(0o700));
    }
    let flags = Overrides {
        org_name: org_name.clone(),
        region: region.map(|r| r.as_str().to_string()),
        database_url,
        listen: None,
    };
    let config = Config::load(data_dir, &flags)?;
    let key_path = config.key_path(data_dir);
    let from_env = std::env::var("STEWARD_MASTER_KEY").is_ok();
    if !from_env {
        if key_path.exists() {
            return Err(Failure(
                format!("{} already exists; refusing to overwrite a master key", key_path.display()),
                1,
            ));
        }
        let key = MasterKey::generate()?;
        write_private(&key_path, &format!("{}\n", key.to_hex()))?;
    }
    let (app, _) = open_with(data_dir, &config, OpenMode::Create)?;
    app.set_org_settings(&Context::cli(), config.org_name.as_deref(), Some(config.region))?;
    datadir::write_marker(data_dir).map_err(|m| Failure(m, 1))?;
    write_private(&data_dir.join(config::CONFIG_FILE), &config.to_toml()?)?;
    Ok(())
}

fn master_key(config: &Config, data_dir: &Path) -> Result<MasterKey, Failure> {
    if let Ok(text) = std::env::var("STEWARD_MASTER_KEY") {
        return MasterKey::parse(&text).map_err(|e| Failure(format!("STEWARD_MASTER_KEY: {e}"), 1));
    }
    let path = config.key_path(data_dir);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Failure(
            format!(
                "cannot read the master key {}: {e} (run `steward init`, or set STEWARD_MASTER_KEY)",
                path.display()
            ),
            1,
        )
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(&path)
            && meta.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(path = %path.display(), "the master key file is readable by other users; run chmod 600 on it");
        }
    }
    MasterKey::parse(&text).map_err(|e| Failure(format!("{}: {e}", path.display()), 1))
}

fn open(data_dir: &Path, flags: &Overrides) -> Result<(App, Config), Failure> {
    let config = check_data_dir(data_dir, flags)?;
    datadir::hold_shared(data_dir, false).map_err(|m| Failure(m, 1))?;
    let schedule = data_dir.join(SCHEDULE_FILE);
    if schedule.exists() {
        load_schedule(&schedule)?;
    }
    // A directory that shows an earlier installation must have its database: a new,
    // empty one in its place would silently lose everything (and make the audit log
    // look intact). A configuration alone may be new (written by hand for a first start).
    let signs = datadir::signs_of_installation(data_dir, &data_dir.join(JOURNAL_FILE));
    let mode = if signs.is_empty() { OpenMode::Create } else { OpenMode::Existing };
    let opened = open_with(data_dir, &config, mode)?;
    // Directories initialised before the marker existed get one now.
    if let Err(e) = datadir::write_marker(data_dir) {
        tracing::warn!(error = %e, "cannot mark the data directory");
    }
    Ok(opened)
}

/// The configuration of `data_dir`, once it is known to be an initialised data directory.
fn check_data_dir(data_dir: &Path, flags: &Overrides) -> Result<Config, Failure> {
    if !data_dir.is_dir() {
        return Err(Failure(
            format!(
                "the data directory {} does not exist (create it with `steward init --data-dir {}`)",
                data_dir.display(),
                data_dir.display()
            ),
            1,
        ));
    }
    if !data_dir.join(config::CONFIG_FILE).exists() {
        return Err(Failure(
            format!(
                "{} is not a Steward data directory (no {}); run `steward init` first",
                data_dir.display(),
                config::CONFIG_FILE
            ),
            1,
        ));
    }
    Ok(Config::load(data_dir, flags)?)
}

/// Why Steward will not start on `data_dir` whose database (`what`) is gone, and what to do.
fn missing_database(data_dir: &Path, what: &str) -> Failure {
    let signs = datadir::signs_of_installation(data_dir, &data_dir.join(JOURNAL_FILE));
    let d = data_dir.display();
    Failure(
        format!(
            "the database ({what}) is missing, but {d} belongs to an existing Steward installation ({}). Steward \
             will not start a new, empty database in its place: everything recorded would silently disappear.\n\
             To recover, restore your latest backup (erasures made since are applied again from the journal):\n  \
             steward restore --data-dir {d} --from BACKUP_FILE\n\
             To start afresh instead, move {d} aside (keep its master.key and erasures.jsonl safe) and run \
             `steward init --data-dir {d}`.",
            signs.join(", ")
        ),
        1,
    )
}

/// `steward records import`: check (and unless `dry_run`, import) a CSV file of records,
/// printing the report.
fn import_records(data_dir: &Path, file: &Path, dry_run: bool) -> Result<(), Failure> {
    use steward_app::record_import::MAX_IMPORT_BYTES;
    let size = std::fs::metadata(file).map_err(|e| Failure(format!("cannot read {}: {e}", file.display()), 1))?.len();
    if size > MAX_IMPORT_BYTES as u64 {
        return Err(Failure(
            format!(
                "{} is {:.1} MB; the largest file accepted is {} MB (split it into several files)",
                file.display(),
                size as f64 / 1_048_576.0,
                MAX_IMPORT_BYTES / 1_048_576
            ),
            1,
        ));
    }
    let bytes = std::fs::read(file).map_err(|e| Failure(format!("cannot read {}: {e}", file.display()), 1))?;
    let (app, _) = open(data_dir, &Overrides::default())?;
    let report = app.import_records(&Context::cli(), &bytes, dry_run)?;
    println!(
        "{}: {} rows, {} without problems ({} lacking a fact for their date, {} kept permanently)",
        file.display(),
        report.rows,
        report.would_import,
        report.lacking_facts,
        report.permanent
    );
    for (t, n) in &report.by_record_type {
        println!("  {t}: {n}");
    }
    for line in report.error_lines() {
        println!("{line}");
    }
    if report.error_count > 0 {
        return Err(Failure(
            format!("{} of {} rows have problems; nothing was imported", report.error_count, report.rows),
            1,
        ));
    }
    if report.imported {
        println!("imported {} records", report.imported_rows);
    } else {
        println!("dry run: nothing was written; run without --dry-run to import");
    }
    Ok(())
}

/// The retention schedule's file in the data directory.
const SCHEDULE_FILE: &str = "retention-schedule.toml";

/// A shipped schedule template's name, for `init --template`.
fn parse_template(name: &str) -> Result<String, String> {
    match steward_core::retention::schedule::template(name) {
        Some(_) => Ok(name.to_string()),
        None => {
            let names: Vec<&str> = steward_core::retention::schedule::TEMPLATES.iter().map(|(n, _)| *n).collect();
            Err(format!("no retention template is named {name:?}; the templates are: {}", names.join(", ")))
        }
    }
}

/// Write template `name` as the data directory's schedule, unless one is there already.
fn write_schedule_template(data_dir: &Path, name: &str) -> Result<(), Failure> {
    let path = data_dir.join(SCHEDULE_FILE);
    if path.exists() {
        return Ok(());
    }
    let text = steward_core::retention::schedule::template(name)
        .ok_or_else(|| Failure(format!("no retention template is named {name:?}"), 2))?;
    std::fs::write(&path, text).map_err(|e| Failure(format!("cannot write {}: {e}", path.display()), 1))
}

/// Read and check a schedule file; every problem is named with its record type and field.
fn load_schedule(path: &Path) -> Result<steward_core::retention::Schedule, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| Failure(format!("cannot read {}: {e}", path.display()), 1))?;
    steward_core::retention::Schedule::from_toml(&text)
        .map_err(|e| Failure(format!("{} is not a valid retention schedule:\n{e}", path.display()), 1))
}

fn open_with(data_dir: &Path, config: &Config, mode: OpenMode) -> Result<(App, Config), Failure> {
    let key = master_key(config, data_dir)?;
    let opened = match &config.database_url {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Store::open_postgres_with(url, None, mode)
        }
        Some(_) => return Err(Failure("database_url must start with postgres:// or postgresql://".into(), 1)),
        None => Store::open_sqlite_with(&data_dir.join(DB_FILE), mode),
    };
    let store = match opened {
        Ok(s) => s,
        Err(steward_store::StoreError::Missing(what)) => return Err(missing_database(data_dir, &what)),
        Err(e) => return Err(e.into()),
    };
    let app = App::open(store, &key, &data_dir.join(JOURNAL_FILE))?;
    app.sync_schedule_file(&data_dir.join(SCHEDULE_FILE))?;
    if let Some(host) = &config.smtp_host {
        let mail = steward_app::mail::MailConfig::new(
            host,
            config.smtp_port,
            config.smtp_security.as_deref(),
            config.smtp_username.as_deref(),
            config.smtp_password.as_ref().map(|p| p.0.as_str()),
            config.smtp_from.as_deref().unwrap_or_default(),
        )
        .map_err(|problems| {
            let list: Vec<String> = problems.iter().map(|p| format!("smtp_{}: {}", p.field, p.message)).collect();
            Failure(format!("the mail server configuration is not usable: {}", list.join("; ")), 1)
        })?;
        app.use_mail_config(mail);
    }
    Ok((app, config.clone()))
}

fn serve(app: App, config: &Config, listen: &str, banner: Option<String>) -> Result<(), Failure> {
    let setup = app.setup_code()?;
    let cookie_secure = config.cookie_secure;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure(format!("cannot start the server runtime: {e}"), 1))?;
    let where_ = app.store().describe();
    // The last reference to the app is dropped here, outside the runtime: PostgreSQL's
    // blocking client cannot be dropped inside it (it panics, aborting the process).
    let app = Arc::new(app);
    let server_app = app.clone();
    let scheduler = steward_app::jobs::Scheduler::start(app.clone());
    let result = rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| Failure(format!("cannot listen on {listen}: {e}"), 1))?;
        let addr = listener.local_addr()?;
        tracing::info!(%addr, database = %where_, "Steward is serving");
        println!("Steward is running at http://{addr}/");
        println!("API documentation: http://{addr}/api/v1/docs/");
        if let Some(code) = setup {
            println!("Nobody can sign in yet. Create the first account at http://{addr}/setup?code={code}");
        }
        if let Some(b) = banner {
            println!("{b}");
        }
        steward_web::serve_with(listener, server_app, cookie_secure, shutdown_signal()).await?;
        Ok(())
    });
    drop(rt);
    scheduler.stop();
    drop(app);
    result
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}

/// Name the demo organisation is initialised with.
const DEMO_ORG: &str = "Riverside Vale Homes and Little Acorns Family Support (demo)";
/// The demo's sign-in accounts: one per role.
const DEMO_USERS: [(&str, &str, Role); 5] = [
    ("dpo@demo.example.org", "Dana Okafor", Role::Dpo),
    ("caseworker@demo.example.org", "Callum Reid", Role::Caseworker),
    ("staff@demo.example.org", "Sam Patel", Role::Staff),
    ("auditor@demo.example.org", "Alex Morgan", Role::Auditor),
    ("admin@demo.example.org", "Ash Williams", Role::Admin),
];

/// How many subjects the demo caseworker is assigned.
const DEMO_CASELOAD: usize = 40;

/// A fresh random demo password: four groups of four letters.
fn demo_password() -> Result<String, Failure> {
    let mut b = [0u8; 16];
    steward_crypto::random_bytes(&mut b)?;
    let letters: String = b.iter().map(|x| char::from(b'a' + x % 26)).collect();
    Ok(format!("{}-{}-{}-{}", &letters[0..4], &letters[4..8], &letters[8..12], &letters[12..16]))
}

/// Seed of the demo data, so every demo shows the same people.
const DEMO_SEED: u64 = 20_261_123;

/// Initialise `data_dir` with the demo organisation and its fictional people, unless it
/// is already initialised. Returns how many subjects were created (`None` if reused).
fn seed_demo(data_dir: &Path) -> Result<Option<usize>, Failure> {
    if data_dir.join(config::CONFIG_FILE).exists() {
        return Ok(None);
    }
    init(data_dir, None, Some(DEMO_ORG.into()), Some(Region::EnglandAndWales))?;
    write_schedule_template(data_dir, "family-support-charity")?;
    let (app, _) = open(data_dir, &Overrides::default())?;
    let ctx = Context::cli();
    // The demo is for looking around: two-factor sign-in is offered, not compulsory.
    app.set_two_factor_enforced(&ctx, false)?;
    let data = demo_data::generate(DEMO_SEED, jiff::Zoned::now().date());
    let count = data.subjects.len();
    let adult_before = jiff::Zoned::now().date().checked_sub(jiff::Span::new().years(18)).ok();
    let adults: Vec<usize> = (0..count)
        .filter(|&i| data.subjects[i].date_of_birth.zip(adult_before).is_some_and(|(born, cut)| born < cut))
        .collect();
    let today = jiff::Zoned::now().date();
    let child_range =
        (today.checked_sub(jiff::Span::new().years(16)).ok(), today.checked_sub(jiff::Span::new().years(3)).ok());
    let child = (0..count).find(|&i| match (data.subjects[i].date_of_birth, child_range) {
        (Some(born), (Some(from), Some(to))) => born > from && born < to,
        _ => false,
    });
    let mut subjects = data.subjects;
    add_demo_special_category(&mut subjects, &adults, child);
    let ids = app.create_subjects(&ctx, subjects)?;
    for (from, to, kind) in data.links {
        if let (Some(a), Some(b)) = (ids.get(from), ids.get(to)) {
            app.link_subjects(&ctx, a, b, kind)?;
        }
    }
    // A few case notes, so that subject pages and response packs show a case file.
    const NOTES: [(&str, &str, &str); 3] = [
        ("phone_call", "Housing management system", "Rang to report a leak under the kitchen sink; repair raised."),
        ("meeting", "Tenancy visit form", "Home visit: tenancy sustainment plan reviewed and agreed."),
        ("correspondence", "Shared mailbox", "Asked for a copy of the tenancy agreement by email."),
    ];
    for id in ids.iter().take(25) {
        let notes: Vec<steward_app::records::NewNote> = NOTES
            .iter()
            .map(|(category, source, text)| steward_app::records::NewNote {
                text: (*text).into(),
                category: Some((*category).into()),
                source: Some((*source).into()),
            })
            .collect();
        app.add_notes(&ctx, id, &notes)?;
    }
    demo_requests::seed(&app, &ctx, &ids, jiff::Zoned::now().date())?;
    let examples: Vec<String> = [11, 23, 37, 52, 64].iter().filter_map(|&i| ids.get(i).cloned()).collect();
    demo_work::seed(&app, &examples, steward_app::requests::uk_today())?;
    let staff: Vec<String> = adults.iter().skip(100).filter_map(|&i| ids.get(i).cloned()).collect();
    let child = child.and_then(|i| ids.get(i));
    demo_records::seed(&app, &staff, child, steward_app::requests::uk_today())?;
    Ok(Some(count))
}

/// Special-category data (UK GDPR Art 9, Art 10) on some of the demo's people, the
/// kind a housing association or family-support charity records with a condition for
/// it: support needs, faith where it shapes visits, an unspent conviction at sign-up.
/// Chosen by position, so the rest of the demo data stays as it was.
fn add_demo_special_category(subjects: &mut [NewSubject], adults: &[usize], child: Option<usize>) {
    const HEALTH: [&str; 6] = [
        "Type 2 diabetes; needs a ground-floor home",
        "COPD; uses oxygen at home, so no open flames on visits",
        "Registered blind; letters in large print",
        "Depression; supported by the community mental health team",
        "Wheelchair user; bathroom adapted in 2023",
        "Epilepsy; the carer holds the emergency plan",
    ];
    const FAITH: [&str; 2] =
        ["Muslim; no home visits during Friday prayers", "Orthodox Jewish; no appointments on Saturdays"];
    for (n, &i) in adults.iter().enumerate() {
        let mut sc = SpecialCategory::default();
        if n % 13 == 3 {
            sc.health = Some(HEALTH[(n / 13) % HEALTH.len()].into());
        }
        if n % 29 == 7 {
            sc.religious_or_philosophical_beliefs = Some(FAITH[(n / 29) % FAITH.len()].into());
        }
        if n % 41 == 11 {
            sc.criminal_offence =
                Some("Unspent conviction disclosed at tenancy sign-up (2022); risk assessment on file".into());
        }
        if !sc.is_empty()
            && let Some(s) = subjects.get_mut(i)
        {
            s.special_category = Some(sc);
        }
    }
    if let Some(s) = child.and_then(|i| subjects.get_mut(i)) {
        s.special_category = Some(SpecialCategory {
            health: Some("Type 1 diabetes; insulin pump, school has the care plan".into()),
            ..SpecialCategory::default()
        });
    }
}

/// Data-protection training valid until a year from now: the demo's DPO and caseworker
/// are trained, so they see special-category data.
fn demo_training() -> Option<jiff::civil::Date> {
    jiff::Zoned::now().date().checked_add(jiff::Span::new().years(1)).ok()
}

fn demo(data_dir: &Path, listen: &str) -> Result<(), Failure> {
    match seed_demo(data_dir)? {
        Some(count) => println!("Created {count} fictional data subjects in {}", data_dir.display()),
        None => println!("Reusing the demo data in {}", data_dir.display()),
    }
    let (app, config) = open(data_dir, &Overrides::default())?;
    let ctx = Context::cli();
    let mut banner = String::from("Sign in with any of these demo accounts (passwords are new each run):\n");
    for (email, name, role) in DEMO_USERS {
        let password = demo_password()?;
        match app.store().user_by_email(email)? {
            Some(_) => app.set_password_by_email(&ctx, email, &password)?,
            None => {
                let user = app.create_user_with_password(&ctx, email, name, role, &password)?;
                if role.may_see_special_category() {
                    app.set_user_training(&ctx, &user.id, demo_training())?;
                }
                if role == Role::Caseworker {
                    // Caseworkers see only their cases: give the demo one a caseload.
                    for s in app.store().list_subjects(None, DEMO_CASELOAD)? {
                        app.assign_subject(&ctx, &s.id, &user.id)?;
                    }
                }
            }
        }
        banner.push_str(&format!("  {email:<28} {password}   ({})\n", role.label()));
    }
    // The token acts for the demo DPO, with their sight of special-category data.
    let dpo_email = DEMO_USERS.iter().find(|(_, _, r)| *r == Role::Dpo).map(|(e, _, _)| *e);
    let (_, secret) = app.create_token_for(&ctx, dpo_email, Some(Role::Dpo), "demo session", true)?;
    datadir::hold_shared(data_dir, true).map_err(|m| Failure(m, 1))?;
    banner.push_str(&format!(
        "API token (role dpo, acting for the DPO) for this demo:\n{secret}\nTry: curl -H 'Authorization: Bearer {secret}' 'http://{listen}/api/v1/subjects?name=smi'"
    ));
    serve(app, &config, listen, Some(banner))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Identifying values of every demo subject, as entered and as normalised. Single
    /// names shorter than seven characters are left out: in megabytes of ciphertext a
    /// short word turns up by chance; whole names, contacts and numbers cannot.
    fn secrets() -> Vec<String> {
        let today = jiff::Zoned::now().date();
        let mut out = Vec::new();
        for s in demo_data::generate(DEMO_SEED, today).subjects {
            let v = s.clone().validate(today).expect("demo data is valid").personal;
            out.push(format!("{} {}", v.given_name, v.family_name));
            out.extend([v.given_name, v.family_name].into_iter().filter(|n| n.chars().count() >= 7));
            out.extend(v.other_names);
            out.extend(v.emails);
            out.extend(v.phones);
            out.extend(s.phones);
            out.extend(v.identifiers.ni_number);
            out.extend(v.identifiers.nhs_number);
            out.extend(v.addresses.into_iter().flat_map(|a| a.postcode));
        }
        out.retain(|t| t.len() >= 7);
        out.sort();
        out.dedup();
        out
    }

    /// Panics naming `what` if any secret occurs in `haystack` (exact bytes).
    fn assert_absent(haystack: &[u8], what: &str) {
        let secrets = secrets();
        let ac = aho_corasick::AhoCorasick::new(&secrets).expect("automaton");
        if let Some(m) = ac.find(haystack) {
            panic!(
                "{what} holds demo personal data in clear (pattern {} of {})",
                m.pattern().as_usize(),
                secrets.len()
            );
        }
    }

    #[test]
    fn the_leak_check_finds_a_planted_value() {
        let planted = format!("noise {} noise", secrets()[7]);
        assert!(std::panic::catch_unwind(|| assert_absent(planted.as_bytes(), "planted")).is_err());
        assert_absent(b"nothing personal here", "clean");
    }

    #[test]
    fn the_demo_database_file_holds_no_personal_data_in_clear() {
        let dir = tempfile::tempdir().expect("tmp");
        let data_dir = dir.path().join("demo");
        let count = seed_demo(&data_dir).expect("demo seeds").expect("fresh");
        assert!(count >= 500);
        let mut bytes = std::fs::read(data_dir.join(DB_FILE)).expect("db");
        if let Ok(wal) = std::fs::read(data_dir.join("steward.db-wal")) {
            bytes.extend(wal);
        }
        assert_absent(&bytes, "the SQLite database");
        assert!(seed_demo(&data_dir).expect("reuse").is_none(), "a second run reuses the data");
    }

    #[test]
    fn a_postgresql_dump_of_the_demo_holds_no_personal_data_in_clear() {
        let Ok(url) = std::env::var("STEWARD_TEST_POSTGRES_URL") else {
            eprintln!("NOTICE: STEWARD_TEST_POSTGRES_URL not set; PostgreSQL demo dump check skipped");
            return;
        };
        let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
        let store = Store::open_postgres(&url, Some(&schema)).expect("postgres");
        let dir = tempfile::tempdir().expect("tmp");
        let key = MasterKey::generate().expect("key");
        let app = App::open(store, &key, &dir.path().join(JOURNAL_FILE)).expect("app");
        let data = demo_data::generate(DEMO_SEED, jiff::Zoned::now().date());
        app.create_subjects(&Context::cli(), data.subjects).expect("seed");
        // A dump of every table as PostgreSQL writes rows out (byte columns as hex).
        let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
        let tables: Vec<String> = client
            .query("SELECT table_name FROM information_schema.tables WHERE table_schema = $1", &[&schema])
            .expect("tables")
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut dump = Vec::new();
        for t in &tables {
            for row in client.query(&format!("SELECT t::text FROM {schema}.{t} t"), &[]).expect("rows") {
                let line: String = row.get(0);
                dump.extend_from_slice(line.as_bytes());
                dump.push(b'\n');
                // Byte columns are written as \x<hex>: search their decoded bytes too.
                for run in line.split("\\\\x").skip(1) {
                    let hex: String = run.chars().take_while(char::is_ascii_hexdigit).collect();
                    dump.extend(hex::decode(&hex[..hex.len() / 2 * 2]).expect("hex"));
                    dump.push(b'\n');
                }
            }
        }
        client.batch_execute(&format!("DROP SCHEMA {schema} CASCADE")).expect("drop");
        assert!(tables.len() >= 8 && dump.len() > 100_000);
        assert_absent(&dump, "the PostgreSQL dump");
    }
}
