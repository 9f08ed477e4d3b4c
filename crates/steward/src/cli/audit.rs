//! `steward audit`: verify the hash-chained audit log read-only, and print its head to
//! keep somewhere else.

use super::Failure;
use super::args::AuditCommand;
use super::open::{check_data_dir, master_key, missing_database};
use crate::config::{DB_FILE, JOURNAL_FILE, Overrides};
use crate::datadir;
use std::path::Path;
use steward_store::Store;

/// Exit code when the audit chain does not verify.
const EXIT_AUDIT_BROKEN: u8 = 3;

/// Run an `audit` subcommand.
pub(super) fn run(command: AuditCommand) -> Result<(), Failure> {
    match command {
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
