//! Outgoing email: the SMTP relay settings (the password sealed with a key derived from
//! the master key, never shown back or logged), the reminder settings beside them, and
//! sending plain-text messages through `lettre` over rustls.

use crate::{App, AppError, AppResult, Context};
use lettre::Transport as _;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::SmtpTransport;
use lettre::transport::smtp::authentication::Credentials;
use serde::Serialize;
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_core::{CoreError, FieldError, Permission};

/// Setting keys.
pub mod keys {
    /// Relay host name or address.
    pub const HOST: &str = "smtp.host";
    /// Relay port.
    pub const PORT: &str = "smtp.port";
    /// `none`, `starttls` or `tls`.
    pub const SECURITY: &str = "smtp.security";
    /// User name for the relay (blank for none).
    pub const USERNAME: &str = "smtp.username";
    /// The password, sealed, as hex.
    pub const PASSWORD: &str = "smtp.password";
    /// The sender address.
    pub const FROM: &str = "smtp.from";
    /// The address people use to reach Steward (for links in emails and calendars).
    pub const BASE_URL: &str = "base_url";
    /// Days before the due date on which assignees are reminded (`7,2`).
    pub const REMINDER_DAYS: &str = "reminders.days";
    /// UK local time of the daily run (`07:00`).
    pub const REMINDER_TIME: &str = "reminders.time";
}

/// Associated data sealing the SMTP password.
const PASSWORD_AAD: &str = "smtp.password";

/// Default reminder days before the due date.
pub const DEFAULT_REMINDER_DAYS: [i64; 2] = [7, 2];

/// Default time of the daily run (UK local time).
pub const DEFAULT_REMINDER_TIME: (i8, i8) = (7, 0);

/// How the connection to the relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain SMTP, for a relay on this machine or a trusted local network (port 25).
    None,
    /// Plain connection upgraded with STARTTLS (port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
}

impl SmtpSecurity {
    /// Machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            SmtpSecurity::None => "none",
            SmtpSecurity::Starttls => "starttls",
            SmtpSecurity::Tls => "tls",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "none" => Some(SmtpSecurity::None),
            "starttls" => Some(SmtpSecurity::Starttls),
            "tls" => Some(SmtpSecurity::Tls),
            _ => None,
        }
    }
}

/// The email settings as shown (never the password, only whether one is set).
#[derive(Debug, Clone, Serialize)]
pub struct MailSettings {
    /// Relay host (empty when email is not set up).
    pub host: String,
    /// Relay port.
    pub port: u16,
    /// Connection security.
    pub security: SmtpSecurity,
    /// User name, if any.
    pub username: String,
    /// Whether a password is stored.
    pub password_set: bool,
    /// Whether the mail server comes from the server's configuration (and the stored
    /// values are not used).
    pub from_config: bool,
    /// Sender address.
    pub from: String,
    /// Steward's address for links (no trailing `/`).
    pub base_url: String,
    /// Reminder days before the due date.
    pub reminder_days: Vec<i64>,
    /// UK local time of the daily run, `HH:MM`.
    pub reminder_time: String,
}

impl MailSettings {
    /// Whether enough is set to send email.
    pub fn configured(&self) -> bool {
        !self.host.is_empty() && !self.from.is_empty()
    }
}

/// The email settings as a form sends them.
#[derive(Clone, Default)]
pub struct MailInput {
    /// Relay host.
    pub host: String,
    /// Relay port, as typed.
    pub port: String,
    /// `none`, `starttls` or `tls`.
    pub security: String,
    /// User name (blank for none).
    pub username: String,
    /// New password; blank keeps the stored one.
    pub password: String,
    /// Remove the stored password.
    pub clear_password: bool,
    /// Sender address.
    pub from: String,
    /// Steward's address for links.
    pub base_url: String,
    /// Reminder days, comma-separated (`7,2`).
    pub reminder_days: String,
    /// Time of the daily run, `HH:MM`.
    pub reminder_time: String,
}

impl std::fmt::Debug for MailInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailInput").field("host", &self.host).field("port", &self.port).finish_non_exhaustive()
    }
}

/// Checked email settings, ready to store.
#[derive(Clone)]
pub struct CheckedMail {
    host: String,
    port: u16,
    security: SmtpSecurity,
    username: String,
    from: String,
    base_url: String,
    reminder_days: Vec<i64>,
    reminder_time: String,
}

fn is_local(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "::1" | "[::1]")
}

/// Parse reminder days: one to five whole numbers from 1 to 60, comma-separated.
pub fn parse_reminder_days(text: &str) -> Result<Vec<i64>, FieldError> {
    let bad = || FieldError::new("reminder_days", "enter one to five whole numbers of days from 1 to 60, such as 7, 2");
    let mut days = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let n: i64 = part.parse().map_err(|_| bad())?;
        if !(1..=60).contains(&n) {
            return Err(bad());
        }
        if !days.contains(&n) {
            days.push(n);
        }
    }
    if days.is_empty() || days.len() > 5 {
        return Err(bad());
    }
    days.sort_unstable_by(|a, b| b.cmp(a));
    Ok(days)
}

/// Parse a time of day `HH:MM` (24-hour).
pub fn parse_time_of_day(text: &str) -> Option<(i8, i8)> {
    let (h, m) = text.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i8, i8) = (h.parse().ok()?, m.parse().ok()?);
    ((0..24).contains(&h) && (0..60).contains(&m)).then_some((h, m))
}

/// Check the email settings as the form sends them. Every problem is returned, named by
/// its field, without repeating the value (a mistyped password must never be echoed).
pub fn check_mail(input: &MailInput) -> Result<CheckedMail, Vec<FieldError>> {
    let mut problems = Vec::new();
    let host = input.host.trim().to_ascii_lowercase();
    if host.is_empty() {
        problems.push(FieldError::new("host", "enter the mail server's name, such as smtp.example.org"));
    } else if host.len() > 253
        || !host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
    {
        problems.push(FieldError::new("host", "must be a host name or IP address, without spaces or a port"));
    }
    let port = match input.port.trim().parse::<u16>() {
        Ok(p) if p > 0 => p,
        _ => {
            problems.push(FieldError::new("port", "must be a whole number from 1 to 65535, usually 587, 465 or 25"));
            0
        }
    };
    let security = SmtpSecurity::parse(input.security.trim()).unwrap_or_else(|| {
        problems.push(FieldError::new("security", "choose none, STARTTLS or TLS"));
        SmtpSecurity::Starttls
    });
    let username = input.username.trim().to_string();
    if username.chars().count() > 200 || username.chars().any(char::is_control) {
        problems.push(FieldError::new("username", "must be up to 200 characters"));
    }
    if input.password.chars().count() > 500 || input.password.chars().any(char::is_control) {
        problems.push(FieldError::new("password", "must be up to 500 characters, without line breaks"));
    }
    if !username.is_empty() && security == SmtpSecurity::None && !is_local(&host) {
        problems.push(FieldError::new(
            "security",
            "a user name and password must not be sent unencrypted to another machine: choose STARTTLS or TLS",
        ));
    }
    let from = match steward_core::normalise::email("from", input.from.trim()) {
        Ok(e) => e,
        Err(CoreError::Invalid(f)) => {
            problems.push(f);
            String::new()
        }
        Err(_) => {
            problems.push(FieldError::new("from", "is not an email address (expected name@example.org)"));
            String::new()
        }
    };
    let base_url = input.base_url.trim().trim_end_matches('/').to_string();
    if !base_url.is_empty()
        && (!(base_url.starts_with("https://") || base_url.starts_with("http://"))
            || base_url.len() > 200
            || base_url
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '?' | '#' | '"' | '<' | '>')))
    {
        problems.push(FieldError::new(
            "base_url",
            "must be the address people open Steward at, starting https:// (such as https://steward.example.org)",
        ));
    }
    let reminder_days = parse_reminder_days(&input.reminder_days).unwrap_or_else(|e| {
        problems.push(e);
        Vec::new()
    });
    let reminder_time = match parse_time_of_day(&input.reminder_time) {
        Some((h, m)) => format!("{h:02}:{m:02}"),
        None => {
            problems.push(FieldError::new("reminder_time", "enter a time of day as HH:MM, such as 07:00"));
            String::new()
        }
    };
    if problems.is_empty() {
        Ok(CheckedMail { host, port, security, username, from, base_url, reminder_days, reminder_time })
    } else {
        Err(problems)
    }
}

/// SMTP settings given in the server's configuration (file or environment), which take
/// the place of those saved on the settings page.
#[derive(Clone)]
pub struct MailConfig {
    host: String,
    port: u16,
    security: SmtpSecurity,
    username: String,
    password: String,
    from: String,
}

impl std::fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailConfig").field("host", &self.host).field("port", &self.port).finish_non_exhaustive()
    }
}

impl MailConfig {
    /// Check SMTP settings from configuration as [`check_mail`] does; the port defaults
    /// by the security (587 for STARTTLS, the default, 465 for TLS, 25 for none).
    pub fn new(
        host: &str,
        port: Option<u16>,
        security: Option<&str>,
        username: Option<&str>,
        password: Option<&str>,
        from: &str,
    ) -> Result<Self, Vec<FieldError>> {
        let security_name = security.unwrap_or("starttls");
        let default_port = match security_name {
            "tls" => 465,
            "none" => 25,
            _ => 587,
        };
        let input = MailInput {
            host: host.into(),
            port: port.unwrap_or(default_port).to_string(),
            security: security_name.into(),
            username: username.unwrap_or_default().into(),
            password: password.unwrap_or_default().into(),
            from: from.into(),
            reminder_days: "7".into(),
            reminder_time: "07:00".into(),
            ..MailInput::default()
        };
        let c = check_mail(&input)?;
        Ok(Self {
            host: c.host,
            port: c.port,
            security: c.security,
            username: c.username,
            password: input.password,
            from: c.from,
        })
    }
}

/// A connection to the relay with the sender address, ready to send.
pub struct Mailer {
    transport: SmtpTransport,
    from: Mailbox,
}

/// A sending failure, described without the server's words (which may name addresses).
fn describe(e: &lettre::transport::smtp::Error) -> String {
    let what = if e.is_timeout() {
        "the mail server did not answer in time"
    } else if e.is_tls() {
        "a secure connection to the mail server could not be made (check the security setting and port)"
    } else if e.is_permanent() {
        "the mail server refused the message (check the user name, password and sender address)"
    } else if e.is_transient() {
        "the mail server is busy or refused the message for now"
    } else {
        "the mail server could not be reached (check the host and port)"
    };
    match e.status() {
        Some(code) => format!("{what}; it answered with code {code}"),
        None => what.to_string(),
    }
}

impl Mailer {
    /// Send a plain-text message to `to`. Errors say what went wrong, never with the
    /// message, the addresses or the password.
    pub fn send(&self, to: &str, subject: &str, body: String) -> AppResult<()> {
        let to: Mailbox = to.parse().map_err(|_| AppError::Mail("a recipient address is not usable".into()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|_| AppError::Mail("the message could not be put together".into()))?;
        self.transport.send(&message).map(|_| ()).map_err(|e| {
            let d = describe(&e);
            tracing::warn!(problem = %d, "an email could not be sent");
            AppError::Mail(d)
        })
    }
}

impl App {
    /// The email and reminder settings as stored (defaults where unset).
    pub fn mail_settings_unchecked(&self) -> AppResult<MailSettings> {
        let all = self.store.settings()?;
        let get = |key: &str| all.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default();
        let security = SmtpSecurity::parse(&get(keys::SECURITY)).unwrap_or(SmtpSecurity::Starttls);
        let port = get(keys::PORT).parse().unwrap_or(match security {
            SmtpSecurity::None => 25,
            SmtpSecurity::Starttls => 587,
            SmtpSecurity::Tls => 465,
        });
        let days = parse_reminder_days(&get(keys::REMINDER_DAYS)).unwrap_or_else(|_| DEFAULT_REMINDER_DAYS.to_vec());
        let time = parse_time_of_day(&get(keys::REMINDER_TIME)).unwrap_or(DEFAULT_REMINDER_TIME);
        let mut s = MailSettings {
            host: get(keys::HOST),
            port,
            security,
            username: get(keys::USERNAME),
            password_set: !get(keys::PASSWORD).is_empty(),
            from_config: false,
            from: get(keys::FROM),
            base_url: get(keys::BASE_URL),
            reminder_days: days,
            reminder_time: format!("{:02}:{:02}", time.0, time.1),
        };
        if let Some(c) = self.mail_config.get() {
            s.host = c.host.clone();
            s.port = c.port;
            s.security = c.security;
            s.username = c.username.clone();
            s.password_set = !c.password.is_empty();
            s.from = c.from.clone();
            s.from_config = true;
        }
        Ok(s)
    }

    /// The email and reminder settings, for administrators.
    pub fn mail_settings(&self, ctx: &Context) -> AppResult<MailSettings> {
        self.require(ctx, Permission::ManageSettings, ObjectType::Settings, "email")?;
        self.mail_settings_unchecked()
    }

    /// Save the email and reminder settings, checked by [`check_mail`] (the first
    /// problem is returned). A blank password keeps the stored one. Audited with the
    /// names of the fields only.
    pub fn set_mail_settings(&self, ctx: &Context, input: &MailInput) -> AppResult<()> {
        self.require(ctx, Permission::ManageSettings, ObjectType::Settings, "email")?;
        let c = check_mail(input).map_err(|p| {
            AppError::Invalid(p.into_iter().next().unwrap_or_else(|| FieldError::new("host", "is not valid")))
        })?;
        let port = c.port.to_string();
        let days = c.reminder_days.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let mut pairs: Vec<(&str, String)> = vec![
            (keys::HOST, c.host),
            (keys::PORT, port),
            (keys::SECURITY, c.security.as_str().into()),
            (keys::USERNAME, c.username),
            (keys::FROM, c.from),
            (keys::BASE_URL, c.base_url),
            (keys::REMINDER_DAYS, days),
            (keys::REMINDER_TIME, c.reminder_time),
        ];
        let mut fields = "smtp.host,smtp.port,smtp.security,smtp.username,smtp.from,base_url,reminders".to_string();
        if input.clear_password {
            pairs.push((keys::PASSWORD, String::new()));
            fields.push_str(",smtp.password_cleared");
        } else if !input.password.is_empty() {
            let sealed = self.keys.seal_secret(PASSWORD_AAD, input.password.as_bytes())?;
            pairs.push((keys::PASSWORD, hex::encode(sealed)));
            fields.push_str(",smtp.password");
        }
        let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let ev = self.event(ctx, Action::SettingsUpdate, "email", Outcome::Success, format!("fields={fields}"));
        self.store.put_settings(&refs, Some(&ev))?;
        Ok(())
    }

    /// Use SMTP settings from the server's configuration instead of the stored ones
    /// (once, at start; later calls are ignored).
    pub fn use_mail_config(&self, config: MailConfig) {
        let _ = self.mail_config.set(config);
    }

    /// A mailer from the configured or stored settings, or `None` when email is not set up.
    pub fn mailer(&self) -> AppResult<Option<Mailer>> {
        let s = self.mail_settings_unchecked()?;
        if !s.configured() {
            return Ok(None);
        }
        let unusable = |what: &str| AppError::Mail(format!("the email settings are not usable: {what}"));
        let builder = match s.security {
            SmtpSecurity::None => SmtpTransport::builder_dangerous(s.host.as_str()),
            SmtpSecurity::Starttls => SmtpTransport::starttls_relay(&s.host).map_err(|_| unusable("host"))?,
            SmtpSecurity::Tls => SmtpTransport::relay(&s.host).map_err(|_| unusable("host"))?,
        };
        let mut builder = builder.port(s.port).timeout(Some(std::time::Duration::from_secs(20)));
        if !s.username.is_empty() {
            let sealed = self.store.setting(keys::PASSWORD)?.unwrap_or_default();
            let password = if let Some(c) = self.mail_config.get() {
                c.password.clone()
            } else if sealed.is_empty() {
                String::new()
            } else {
                let bytes = hex::decode(&sealed).map_err(|_| unusable("stored password"))?;
                let plain = self.keys.open_secret(PASSWORD_AAD, &bytes)?;
                String::from_utf8(plain).map_err(|_| unusable("stored password"))?
            };
            builder = builder.credentials(Credentials::new(s.username.clone(), password));
        }
        let from: Mailbox = s.from.parse().map_err(|_| unusable("sender address"))?;
        Ok(Some(Mailer { transport: builder.build(), from }))
    }

    /// Send a test message to `to` with the stored settings (administrators). Audited
    /// without the address.
    pub fn send_test_email(&self, ctx: &Context, to: &str) -> AppResult<()> {
        self.require(ctx, Permission::ManageSettings, ObjectType::Settings, "email")?;
        let to = steward_core::normalise::email("to", to.trim()).map_err(|e| match e {
            CoreError::Invalid(f) => AppError::Invalid(f),
            _ => AppError::Invalid(FieldError::new("to", "is not an email address (expected name@example.org)")),
        })?;
        let Some(mailer) = self.mailer()? else {
            return Err(AppError::Invalid(FieldError::new("host", "set up and save the email settings first")));
        };
        let org = self.org_settings()?.org_name;
        let body = format!(
            "This is a test message from Steward{}.\n\nIf you can read it, Steward can send reminders by email.\n",
            if org.is_empty() { String::new() } else { format!(" at {org}") }
        );
        let result = mailer.send(&to, "Steward test message", body);
        let outcome = if result.is_ok() { Outcome::Success } else { Outcome::Failure };
        self.store.audit(&self.event(ctx, Action::MailTest, "email", outcome, ""))?;
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> MailInput {
        MailInput {
            host: "smtp.example.org".into(),
            port: "587".into(),
            security: "starttls".into(),
            username: "steward".into(),
            password: "a secret".into(),
            from: "steward@example.org".into(),
            base_url: "https://steward.example.org/".into(),
            reminder_days: "2, 7".into(),
            reminder_time: "7:30".into(),
            ..MailInput::default()
        }
    }

    #[test]
    fn good_settings_are_normalised() {
        let c = check_mail(&good()).unwrap_or_else(|_| panic!("valid"));
        assert_eq!(
            (c.port, c.security, c.base_url.as_str()),
            (587, SmtpSecurity::Starttls, "https://steward.example.org")
        );
        assert_eq!((c.reminder_days, c.reminder_time.as_str()), (vec![7, 2], "07:30"));
    }

    #[test]
    fn every_problem_is_named_and_no_value_echoed() {
        let bad = MailInput {
            host: "smtp example".into(),
            port: "70000".into(),
            security: "ssl".into(),
            from: "nobody".into(),
            base_url: "ftp://x".into(),
            reminder_days: "0".into(),
            reminder_time: "25:00".into(),
            password: "hunter2\n".into(),
            ..MailInput::default()
        };
        let Err(p) = check_mail(&bad) else { panic!("invalid") };
        let fields: Vec<&str> = p.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            ["host", "port", "security", "password", "from", "base_url", "reminder_days", "reminder_time"]
        );
        assert!(p.iter().all(|f| !f.message.contains("hunter2")));
    }

    #[test]
    fn credentials_are_not_sent_in_clear_to_another_machine() {
        let clear = MailInput { security: "none".into(), port: "25".into(), ..good() };
        let Err(p) = check_mail(&clear) else { panic!("refused") };
        assert_eq!(p[0].field, "security");
        let local = MailInput { host: "localhost".into(), ..clear };
        assert!(check_mail(&local).is_ok());
    }
}
