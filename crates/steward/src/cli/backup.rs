//! `steward backup`: write a backup of the database to a file (`steward restore` puts
//! one back; see `restore`).

use super::Failure;
use super::open::open;
use crate::config::Overrides;
use std::path::Path;
use steward_app::Context;

/// Write a backup of `data_dir`'s database to `out`, and say what it holds.
pub(super) fn run(data_dir: &Path, out: &Path) -> Result<(), Failure> {
    let (app, _) = open(data_dir, &Overrides::default())?;
    let s = app.backup(&Context::cli(), out)?;
    println!(
        "Wrote {} ({} records, {} bytes). Personal data in it stays encrypted; the master key is not in it.",
        out.display(),
        s.lines,
        s.bytes
    );
    Ok(())
}
