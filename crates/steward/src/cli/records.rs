//! `steward retention check` (a retention schedule file) and `steward records import`
//! (a CSV file of records for the inventory).

use super::Failure;
use super::args::{RecordsCommand, RetentionCommand};
use super::open::{SCHEDULE_FILE, load_schedule, open};
use crate::config::Overrides;
use std::path::Path;
use steward_app::Context;

/// Run a `retention` subcommand.
pub(super) fn retention(command: RetentionCommand) -> Result<(), Failure> {
    let RetentionCommand::Check { dir, file } = command;
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

/// Run a `records` subcommand.
pub(super) fn records(command: RecordsCommand) -> Result<(), Failure> {
    let RecordsCommand::Import { dir, file, dry_run } = command;
    import_records(&dir.data_dir, &file, dry_run)
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
