//! `steward init`: create a data directory (master key, configuration, database and
//! retention schedule), also used by the demo.

use super::Failure;
use super::open::{SCHEDULE_FILE, open_with};
use crate::config::{self, Config, Overrides};
use crate::datadir;
use std::path::Path;
use steward_app::Context;
use steward_core::Region;
use steward_crypto::MasterKey;
use steward_store::OpenMode;

/// `steward init`: initialise `data_dir` with retention schedule `template`, and say so.
pub(super) fn run(
    data_dir: &Path,
    database_url: Option<String>,
    org_name: Option<String>,
    region: Option<Region>,
    template: &str,
) -> Result<(), Failure> {
    init(data_dir, database_url, org_name, region)?;
    write_schedule_template(data_dir, template)?;
    println!("Initialised {} (retention schedule: {template})", data_dir.display());
    println!("Keep a copy of the master key somewhere safe and apart from backups: without it nothing can be read.");
    Ok(())
}

/// Create `path` readable by its owner alone (0600) with `contents`, flushed to disk;
/// never over an existing file.
pub(crate) fn write_private(path: &Path, contents: &str) -> Result<(), Failure> {
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

/// Create the data directory `data_dir` (0700): master key (unless it comes from
/// `STEWARD_MASTER_KEY`), database, organisation settings, installation marker and
/// configuration file. Refused if it is already initialised.
pub(crate) fn init(
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

/// Write template `name` as the data directory's schedule, unless one is there already.
pub(crate) fn write_schedule_template(data_dir: &Path, name: &str) -> Result<(), Failure> {
    let path = data_dir.join(SCHEDULE_FILE);
    if path.exists() {
        return Ok(());
    }
    let text = steward_core::retention::schedule::template(name)
        .ok_or_else(|| Failure(format!("no retention template is named {name:?}"), 2))?;
    std::fs::write(&path, text).map_err(|e| Failure(format!("cannot write {}: {e}", path.display()), 1))
}
