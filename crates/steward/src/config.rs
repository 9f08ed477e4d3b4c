//! Configuration: `steward.toml` in the data directory, overridden by `STEWARD_*`
//! environment variables, overridden by command-line flags. Errors say where the
//! bad value came from.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use steward_core::Region;

/// Name of the configuration file inside the data directory.
pub const CONFIG_FILE: &str = "steward.toml";
/// Name of the master key file inside the data directory (unless configured).
pub const KEY_FILE: &str = "master.key";
/// Name of the SQLite database file.
pub const DB_FILE: &str = "steward.db";
/// Name of the erasure journal.
pub const JOURNAL_FILE: &str = "erasures.jsonl";
/// Default listening address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// Settings read from file, environment and flags.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Organisation name.
    #[serde(default)]
    pub org_name: Option<String>,
    /// UK region for bank holidays.
    #[serde(default)]
    pub region: Region,
    /// PostgreSQL URL; SQLite in the data directory when absent.
    #[serde(default)]
    pub database_url: Option<String>,
    /// Address to listen on.
    #[serde(default = "default_listen")]
    pub listen: String,
    /// Master key file, relative to the data directory unless absolute.
    #[serde(default = "default_key_file")]
    pub master_key_file: PathBuf,
    /// Mark the session cookie `Secure` (HTTPS only). Leave on; browsers treat
    /// `http://localhost` and `http://127.0.0.1` as secure anyway. Turn off only for a
    /// plain-HTTP deployment on a trusted network.
    #[serde(default = "default_true")]
    pub cookie_secure: bool,
    /// Mail server for reminders, instead of the one on the settings page (with
    /// `smtp_from`; the other `smtp_*` keys are optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp_host: Option<String>,
    /// Mail server port (587 for STARTTLS, 465 for TLS, 25 for none by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp_port: Option<u16>,
    /// `starttls` (default), `tls` or `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp_security: Option<String>,
    /// User name for the mail server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp_username: Option<String>,
    /// Password for the mail server (better given as `STEWARD_SMTP_PASSWORD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp_password: Option<Secret>,
    /// Address reminders are sent from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp_from: Option<String>,
}

/// A configured secret: never shown by `Debug`.
#[derive(Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

fn default_true() -> bool {
    true
}

fn default_listen() -> String {
    DEFAULT_LISTEN.into()
}

fn default_key_file() -> PathBuf {
    KEY_FILE.into()
}

impl Default for Config {
    fn default() -> Self {
        Self {
            org_name: None,
            region: Region::default(),
            database_url: None,
            listen: default_listen(),
            master_key_file: default_key_file(),
            cookie_secure: true,
            smtp_host: None,
            smtp_port: None,
            smtp_security: None,
            smtp_username: None,
            smtp_password: None,
            smtp_from: None,
        }
    }
}

/// Values given as command-line flags (only those present override).
#[derive(Debug, Default, Serialize)]
pub struct Overrides {
    /// `--org-name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_name: Option<String>,
    /// `--region`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// `--database-url`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    /// `--listen`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
}

/// Environment variables read as configuration (each `STEWARD_` + the key in capitals).
const ENV_KEYS: [&str; 12] = [
    "org_name",
    "region",
    "database_url",
    "listen",
    "master_key_file",
    "cookie_secure",
    "smtp_host",
    "smtp_port",
    "smtp_security",
    "smtp_username",
    "smtp_password",
    "smtp_from",
];

impl Config {
    /// Load the configuration for `data_dir`.
    pub fn load(data_dir: &Path, flags: &Overrides) -> Result<Self, String> {
        Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(data_dir.join(CONFIG_FILE)))
            .merge(Env::prefixed("STEWARD_").only(&ENV_KEYS))
            .merge(Serialized::defaults(flags))
            .extract()
            .map_err(|e| e.into_iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))
    }

    /// The configuration file's text, as `init` writes it.
    pub fn to_toml(&self) -> Result<String, String> {
        let body = toml::to_string_pretty(self).map_err(|e| format!("cannot write the configuration: {e}"))?;
        Ok(format!(
            "# Steward configuration. Environment variables STEWARD_<KEY> and command-line\n# flags override these values.\n{body}"
        ))
    }

    /// Absolute path of the master key file.
    pub fn key_path(&self, data_dir: &Path) -> PathBuf {
        if self.master_key_file.is_absolute() {
            self.master_key_file.clone()
        } else {
            data_dir.join(&self.master_key_file)
        }
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn bad_value_names_its_source() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(dir.path().join(CONFIG_FILE), "region = \"wales\"\n").expect("write");
        let err = Config::load(dir.path(), &Overrides::default()).expect_err("must fail");
        assert!(err.contains("region"), "{err}");
        assert!(err.contains("steward.toml"), "{err}");
    }

    #[test]
    fn flags_override_file() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(dir.path().join(CONFIG_FILE), "region = \"scotland\"\nlisten = \"127.0.0.1:9000\"\n")
            .expect("write");
        let flags = Overrides { listen: Some("127.0.0.1:9100".into()), ..Default::default() };
        let c = Config::load(dir.path(), &flags).expect("loads");
        assert_eq!(c.region, Region::Scotland);
        assert_eq!(c.listen, "127.0.0.1:9100");
    }

    #[test]
    fn smtp_settings_come_from_the_file_and_the_password_is_not_shown() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            "smtp_host = \"smtp.example.org\"\nsmtp_from = \"steward@example.org\"\nsmtp_password = \"pw-in-file\"\n",
        )
        .expect("write");
        let c = Config::load(dir.path(), &Overrides::default()).expect("loads");
        assert_eq!(c.smtp_host.as_deref(), Some("smtp.example.org"));
        assert!(!format!("{c:?}").contains("pw-in-file"));
        assert!(!Config::default().to_toml().expect("toml").contains("smtp"));
    }

    #[test]
    fn unknown_keys_are_refused() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(dir.path().join(CONFIG_FILE), "colour = \"blue\"\n").expect("write");
        assert!(Config::load(dir.path(), &Overrides::default()).is_err());
    }
}
