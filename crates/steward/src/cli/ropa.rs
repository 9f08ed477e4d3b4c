//! `steward export ropa` and `steward import ropa`: the record of processing as the
//! ICO's spreadsheet, CSV or JSON, and back from the spreadsheet or CSV (with a dry run).

use super::Failure;
use super::args::{ExportCommand, ImportCommand};
use super::open::open;
use crate::config::Overrides;
use std::io::Write;
use steward_app::Context;
use steward_app::ropa::{MAX_ROPA_IMPORT_BYTES, RopaFormat};

/// `steward export ropa`: write the file, or print it when no `--out` is given.
pub(super) fn export(command: ExportCommand) -> Result<(), Failure> {
    let ExportCommand::Ropa { dir, format, out } = command;
    let (app, _) = open(&dir.data_dir, &Overrides::default())?;
    let file = app.export_ropa(&Context::cli(), format)?;
    match out {
        Some(path) => {
            std::fs::write(&path, &file.bytes)
                .map_err(|e| Failure(format!("cannot write {}: {e}", path.display()), 1))?;
            eprintln!("{}: the record of processing, {} activities", path.display(), file.activities);
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(&file.bytes)
                .and_then(|()| stdout.flush())
                .map_err(|e| Failure(format!("cannot write to standard output: {e}"), 1))?;
        }
    }
    Ok(())
}

/// `steward import ropa`: check (and unless `--dry-run`, import) the file, printing the
/// report; exit 1 when it has problems.
pub(super) fn import(command: ImportCommand) -> Result<(), Failure> {
    let ImportCommand::Ropa { dir, from, dry_run } = command;
    let name = from.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let format = match RopaFormat::from_file_name(&name) {
        Some(f @ (RopaFormat::Csv | RopaFormat::Xlsx)) => f,
        _ => {
            return Err(Failure(
                format!("{}: name a .xlsx or .csv file (the format is taken from its extension)", from.display()),
                2,
            ));
        }
    };
    let size = std::fs::metadata(&from).map_err(|e| Failure(format!("cannot read {}: {e}", from.display()), 1))?.len();
    if size > MAX_ROPA_IMPORT_BYTES as u64 {
        return Err(Failure(
            format!(
                "{} is {:.1} MB; the largest record of processing accepted is {} MB",
                from.display(),
                size as f64 / 1_048_576.0,
                MAX_ROPA_IMPORT_BYTES / 1_048_576
            ),
            1,
        ));
    }
    let bytes = std::fs::read(&from).map_err(|e| Failure(format!("cannot read {}: {e}", from.display()), 1))?;
    let (app, _) = open(&dir.data_dir, &Overrides::default())?;
    let report = app.import_ropa(&Context::cli(), &bytes, format, dry_run)?;
    for p in &report.problems {
        match (p.row, p.column.as_str()) {
            (0, _) => println!("{}", p.message),
            (row, "") => println!("row {row}: {}", p.message),
            (row, column) => println!("row {row}, “{column}”: {}", p.message),
        }
    }
    if !report.problems.is_empty() {
        return Err(Failure(
            format!("{}: {} problems; nothing was imported", from.display(), report.problems.len()),
            1,
        ));
    }
    let verb = if report.imported { ("added", "changed") } else { ("would add", "would change") };
    println!(
        "{}: {} {} activities, {} {}, {} unchanged",
        from.display(),
        verb.0,
        report.activities_added,
        verb.1,
        report.activities_changed,
        report.unchanged
    );
    for n in &report.added {
        println!("  {}: {n}", verb.0);
    }
    for n in &report.changed {
        println!("  {}: {n}", verb.1);
    }
    if !report.imported {
        println!("dry run: nothing was written; run without --dry-run to import");
    }
    Ok(())
}
