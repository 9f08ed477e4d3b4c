//! Opening an initialised data directory: its configuration, master key, database
//! (never a new, empty one in place of a lost one), retention schedule file and mail
//! settings.

use super::Failure;
use crate::config::{self, Config, DB_FILE, JOURNAL_FILE, Overrides};
use crate::datadir;
use std::path::Path;
use steward_app::App;
use steward_crypto::MasterKey;
use steward_store::{OpenMode, Store};

/// The retention schedule's file in the data directory.
pub(crate) const SCHEDULE_FILE: &str = "retention-schedule.toml";

/// The master key: from `STEWARD_MASTER_KEY`, or the configured key file (with a
/// warning when others may read it).
pub(crate) fn master_key(config: &Config, data_dir: &Path) -> Result<MasterKey, Failure> {
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

/// Open the initialised data directory `data_dir` (holding its shared lock): its
/// configuration with `flags` over it, the schedule file checked, and the application.
pub(crate) fn open(data_dir: &Path, flags: &Overrides) -> Result<(App, Config), Failure> {
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
pub(crate) fn check_data_dir(data_dir: &Path, flags: &Overrides) -> Result<Config, Failure> {
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
pub(crate) fn missing_database(data_dir: &Path, what: &str) -> Failure {
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

/// Read and check a schedule file; every problem is named with its record type and field.
pub(crate) fn load_schedule(path: &Path) -> Result<steward_core::retention::Schedule, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| Failure(format!("cannot read {}: {e}", path.display()), 1))?;
    steward_core::retention::Schedule::from_toml(&text)
        .map_err(|e| Failure(format!("{} is not a valid retention schedule:\n{e}", path.display()), 1))
}

/// Open the database of `data_dir` (`mode` says whether it may be created) and the
/// application over it, with the schedule file synced and the mail server configured.
pub(crate) fn open_with(data_dir: &Path, config: &Config, mode: OpenMode) -> Result<(App, Config), Failure> {
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
