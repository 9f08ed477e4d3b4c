//! Steward's use cases: the vault, erasure, tokens, audit and backups, combining the
//! pure rules, the store and the crypto under one access check per operation.

pub mod about_processing;
pub mod audit_anchor;
pub mod auth;
pub mod backup;
pub mod calendar;
pub mod compliance;
pub mod disposal;
pub mod erasure;
pub mod health;
pub mod incidents;
pub mod job_catalogue;
pub mod jobs;
pub mod journal;
pub mod letters;
pub mod mail;
pub mod packs;
pub mod public;
pub mod record_import;
pub mod records;
pub mod registers;
pub mod reminders;
pub mod requests;
pub mod retention;
pub mod ropa;
pub mod scans;
pub mod statistics;
pub mod subjects;
pub mod suppression;
pub mod systems;
pub mod tokens;

#[cfg(test)]
mod app_clock_tests;
#[cfg(test)]
mod audit_action_tests;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use steward_core::audit::{Action, AuditEvent, ObjectType, Outcome, Refusal, format_time};
use steward_core::time::{Clock, SystemClock};
use steward_core::{CoreError, FieldError, Permission, Region, Role};
use steward_crypto::{CryptoError, Keyring, MasterKey};
use steward_store::Store;

pub use subjects::{LinkView, SearchQuery, SubjectHit, SubjectView};

/// Setting key holding the master-key check value.
const KEY_CHECK: &str = "master_key_check";

/// Errors from use cases, each mapping to one HTTP status and CLI message.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input failed validation.
    #[error("{0}")]
    Invalid(FieldError),
    /// Input failed validation in several places: every problem, at least one.
    #[error("{}", .0.first().map(|f| f.to_string()).unwrap_or_default())]
    InvalidAll(Vec<FieldError>),
    /// An unknown name in a fixed vocabulary.
    #[error("{0}")]
    Unknown(CoreError),
    /// The actor's role does not allow this.
    #[error("your role ({0}) does not allow this")]
    Forbidden(Role),
    /// Nothing with that id.
    #[error("{0} not found")]
    NotFound(String),
    /// The subject was erased.
    #[error("this subject was erased on {}", .0.erased_at)]
    Gone(Box<Tombstone>),
    /// The change conflicts with the current state.
    #[error("{0}")]
    Conflict(String),
    /// The database refused the change (a duplicate or a missing reference, usually
    /// from a concurrent change): the message names the constraint, never a value.
    #[error("{0}")]
    Constraint(String),
    /// Processing of the subject is restricted (UK GDPR Art 18(2)): the change is
    /// refused until the restriction is lifted; the message says since when and why.
    #[error("{0}")]
    Restricted(String),
    /// The master key does not match the database.
    #[error("the master key does not match this database (wrong key file or STEWARD_MASTER_KEY)")]
    WrongMasterKey,
    /// Stored data could not be decrypted.
    #[error("stored data could not be decrypted; the master key may be wrong or the data damaged")]
    Undecryptable,
    /// The storage under the database failed (disk full, read-only, I/O error): the
    /// message says what to do; nothing was changed.
    #[error("{0}")]
    Storage(steward_store::StorageFault),
    /// Storage failed.
    #[error(transparent)]
    Store(StoreError),
    /// Cryptography failed.
    #[error(transparent)]
    Crypto(CryptoError),
    /// A file could not be read or written.
    #[error("{0}")]
    Io(String),
    /// Too many attempts from one place; try again later.
    #[error("too many attempts; wait ten minutes and try again")]
    RateLimited,
    /// Email could not be sent; the message says why without addresses or passwords.
    #[error("{0}")]
    Mail(String),
    /// Signing in failed; deliberately says nothing about why.
    #[error(
        "the email address, password or code is not right (after {} wrong attempts an account is locked for {} minutes)",
        auth::MAX_FAILED_SIGN_INS,
        auth::LOCK_MINUTES
    )]
    SignInFailed,
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(s) => AppError::NotFound(s),
            StoreError::Gone(t) => AppError::Gone(t),
            StoreError::Conflict(s) => AppError::Conflict(s),
            StoreError::Constraint(s) => AppError::Constraint(s),
            StoreError::Storage(f) => AppError::Storage(f),
            other => AppError::Store(other),
        }
    }
}

impl From<CoreError> for AppError {
    fn from(e: CoreError) -> Self {
        match e {
            CoreError::Invalid(f) => AppError::Invalid(f),
            other => AppError::Unknown(other),
        }
    }
}

impl From<CryptoError> for AppError {
    fn from(e: CryptoError) -> Self {
        match e {
            CryptoError::Decrypt => AppError::Undecryptable,
            other => AppError::Crypto(other),
        }
    }
}

/// Result of a use case.
pub type AppResult<T> = Result<T, AppError>;

/// Who is acting, and under which request. Built only by the app when it signs someone
/// in or checks a token (or for the command line and scheduled jobs), so that what an
/// actor may see is decided in one place for people and tokens alike.
#[derive(Debug, Clone)]
pub struct Context {
    /// `token:<id>`, `user:<id>`, `cli` or `system`.
    pub actor: String,
    /// The actor's role.
    pub role: Role,
    /// Request or invocation id, for correlating audit entries.
    pub request_id: String,
    /// For a token that acts for a person: that person's user id. Their case
    /// assignments limit what a caseworker-role token sees.
    pub on_behalf_of: Option<String>,
    /// Whether special-category data (UK GDPR Art 9, Art 10) may be shown to this actor
    /// now: a role that grants it, current training, and for a token a grant at its
    /// creation.
    pub special_category: bool,
    /// When the actor's special-category training lapsed according to the Training
    /// register (for a token, its owner's), if that is why `special_category` is false:
    /// people are told so where the data is withheld. `None` otherwise.
    pub training_lapsed_on: Option<jiff::civil::Date>,
}

impl Context {
    /// An actor with `role` and no special-category access (tests and tools build
    /// contexts this way; people and tokens get theirs from signing in).
    pub fn new(actor: impl Into<String>, role: Role, request_id: impl Into<String>) -> Self {
        Self {
            actor: actor.into(),
            role,
            request_id: request_id.into(),
            on_behalf_of: None,
            special_category: false,
            training_lapsed_on: None,
        }
    }

    /// The command line, acting with full (DPO) rights on the operator's authority.
    pub fn cli() -> Self {
        Self { special_category: true, ..Self::new("cli", Role::Dpo, uuid::Uuid::new_v4().to_string()) }
    }

    /// Scheduled jobs and start-up reconciliation (never shown special-category data).
    pub fn system() -> Self {
        Self::new("system", Role::Dpo, uuid::Uuid::new_v4().to_string())
    }

    /// The key whose case assignments limit what this actor sees (need to know, UK
    /// GDPR Art 5(1)(c), 5(1)(f) and Art 32(4)), or `None` when the role sees by role.
    /// Only caseworkers are limited: a person by their own assignments, a token acting
    /// for a person by that person's, and a token acting for the organisation by the
    /// cases assigned to the token itself (`token:<id>`).
    pub fn need_to_know_key(&self) -> Option<&str> {
        if self.role != Role::Caseworker {
            return None;
        }
        if let Some(owner) = &self.on_behalf_of {
            return Some(owner);
        }
        Some(self.actor.strip_prefix("user:").unwrap_or(&self.actor))
    }

    /// An audit event of `action` by this actor on `object_type` `object_id`, at `at`.
    /// Use cases record through [`App::event`], which stamps it by the app's clock.
    pub fn event_at(
        &self,
        at: jiff::Timestamp,
        action: Action,
        object_type: ObjectType,
        object_id: &str,
        outcome: Outcome,
        detail: impl Into<String>,
    ) -> AuditEvent {
        self.entry(at, action.as_str().into(), object_type.as_str(), object_id, outcome, detail.into())
    }

    /// The audit event of an attempt by this actor on `object_type` `object_id`,
    /// refused (see [`Refusal`]), at `at`.
    pub fn refused_at(&self, at: jiff::Timestamp, refusal: Refusal, object_type: &str, object_id: &str) -> AuditEvent {
        self.entry(at, refusal.code(object_type), object_type, object_id, Outcome::Denied, String::new())
    }

    /// An audit event of `action` by this actor, stamped now by the system clock, for
    /// tools and tests that write to the store themselves. Use cases record through
    /// [`App::event`] instead, stamped by the app's clock.
    pub fn event(&self, action: Action, object_id: &str, outcome: Outcome, detail: impl Into<String>) -> AuditEvent {
        let at = SystemClock.now();
        self.entry(at, action.as_str().into(), action.object_type().as_str(), object_id, outcome, detail.into())
    }

    fn entry(
        &self,
        at: jiff::Timestamp,
        action: String,
        object_type: &str,
        object_id: &str,
        outcome: Outcome,
        detail: String,
    ) -> AuditEvent {
        AuditEvent {
            at: format_time(at),
            actor: self.actor.clone(),
            action,
            object_type: object_type.into(),
            object_id: object_id.into(),
            request_id: self.request_id.clone(),
            outcome: outcome.as_str().into(),
            detail,
        }
    }
}

/// Organisation settings Steward needs everywhere.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OrgSettings {
    /// Organisation name.
    pub org_name: String,
    /// UK region for bank holidays.
    pub region: Region,
    /// Whether someone has chosen the region (through `steward init` or the settings
    /// page) rather than it being the default.
    pub region_confirmed: bool,
    /// The data protection officer's (or lead's) name, for people to contact.
    pub dpo_name: Option<String>,
    /// The data protection officer's email address.
    pub dpo_email: Option<String>,
}

/// Longest DPO name accepted (characters).
pub const MAX_DPO_NAME: usize = 100;

/// Check a DPO contact as the settings page sends it: blank values clear the field, a
/// name is at most [`MAX_DPO_NAME`] characters without control characters, and an
/// email address must be one (normalised to lower case). Every problem is returned,
/// named `dpo_name` or `dpo_email`, without repeating the value.
pub fn check_dpo_contact(name: &str, email: &str) -> Result<(Option<String>, Option<String>), Vec<FieldError>> {
    let mut problems = Vec::new();
    let name = name.trim();
    if name.chars().count() > MAX_DPO_NAME || name.chars().any(char::is_control) {
        problems.push(FieldError::new("dpo_name", format!("enter a name of up to {MAX_DPO_NAME} characters")));
    }
    let email = email.trim();
    let email = if email.is_empty() {
        None
    } else {
        match steward_core::normalise::email("dpo_email", email) {
            Ok(e) => Some(e),
            Err(CoreError::Invalid(f)) => {
                problems.push(f);
                None
            }
            Err(_) => {
                problems.push(FieldError::new("dpo_email", "is not an email address (expected name@example.org)"));
                None
            }
        }
    };
    if problems.is_empty() { Ok(((!name.is_empty()).then(|| name.to_string()), email)) } else { Err(problems) }
}

/// The audit action of an attempt refused for want of `p` on an `object_type`:
/// `subject.denied_subject_read` (see [`steward_core::audit::denied_code`]).
pub fn denied_action(object_type: &str, p: Permission) -> String {
    steward_core::audit::denied_code(object_type, p)
}

/// The application: a store, the keys derived from the master key, and where the
/// erasure journal lives.
pub struct App {
    store: Store,
    keys: Keyring,
    journal: journal::Journal,
    /// SMTP settings from the server's configuration, used instead of the stored ones.
    mail_config: std::sync::OnceLock<mail::MailConfig>,
    /// The parsed schedule in force, by version.
    schedule_cache: std::sync::Mutex<Option<(i64, std::sync::Arc<steward_core::retention::Schedule>)>>,
    /// The data directory's schedule file, mirrored on every save.
    schedule_file: std::sync::OnceLock<PathBuf>,
    /// Where "now" and "today" come from.
    clock: Arc<dyn Clock>,
}

impl App {
    /// Open the application over `store` with `master` and the erasure journal at
    /// `journal_path`. On a new database the master key is recorded (as a check value);
    /// on an existing one a different key is refused. Any erasure in the journal that
    /// the database lacks (for instance after restoring an old copy by hand) is re-applied.
    ///
    /// Erasures left pending in the journal (by a crash or a failed disk) are settled
    /// first, by whether this database shows them: see [`journal`].
    ///
    /// The store is given the audit chain's key (never the master key), and a chain
    /// written before Steward keyed its audit log is verified and keyed now, once
    /// (see [`Store::key_audit_chain`] and ADR 0014).
    pub fn open(store: Store, master: &MasterKey, journal_path: &Path) -> AppResult<Self> {
        let app = Self::open_for_restore(store, master, journal_path)?;
        app.settle_pending_erasures()?;
        app.reapply_journal(&Context::system(), false)?;
        // A bulk recompute cut short leaves the destroy-by index dropped: build it again.
        app.store.ensure_due_index()?;
        Ok(app)
    }

    /// Open the application over a database about to receive a backup: the master key
    /// is checked (or recorded) as by [`App::open`], but the erasure journal is left
    /// alone, since this database is not the one its pending erasures were made in.
    /// Follow with [`App::restore`].
    pub fn open_for_restore(store: Store, master: &MasterKey, journal_path: &Path) -> AppResult<Self> {
        let keys = master.keyring();
        match store.setting(KEY_CHECK)? {
            Some(check) if check != keys.key_check() => return Err(AppError::WrongMasterKey),
            Some(_) => {}
            None => store.put_settings(&[(KEY_CHECK, keys.key_check())], None)?,
        }
        // Only after the key check: a wrong key must not key the chain.
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let store = store.with_audit_key(keys.audit_key()).with_clock(clock.clone());
        store.key_audit_chain(&format_time(clock.now()))?;
        Ok(Self {
            store,
            keys,
            journal: journal::Journal::new(journal_path.to_path_buf()),
            mail_config: std::sync::OnceLock::new(),
            schedule_cache: std::sync::Mutex::new(None),
            schedule_file: std::sync::OnceLock::new(),
            clock,
        })
    }

    /// The application reading the time from `clock` rather than the system's (tests set
    /// the date this way).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.set_clock(clock);
        self
    }

    /// Read the time from `clock` from now on (the store's too, for the time of a
    /// storage failure).
    pub fn set_clock(&mut self, clock: Arc<dyn Clock>) {
        self.store.set_clock(clock.clone());
        self.clock = clock;
    }

    /// This instant, by the app's clock.
    pub fn now(&self) -> jiff::Timestamp {
        self.clock.now()
    }

    /// Today's date in the United Kingdom, by the app's clock.
    pub fn today(&self) -> jiff::civil::Date {
        self.clock.today()
    }

    /// This instant as stored (RFC 3339 UTC with microseconds).
    pub(crate) fn now_text(&self) -> String {
        format_time(self.now())
    }

    /// The audit event of `ctx` doing `action` to `object_id` (of the action's object
    /// type), stamped by the app's clock.
    pub fn event(
        &self,
        ctx: &Context,
        action: Action,
        object_id: &str,
        outcome: Outcome,
        detail: impl Into<String>,
    ) -> AuditEvent {
        ctx.event_at(self.now(), action, action.object_type(), object_id, outcome, detail)
    }

    /// As [`App::event`], for an action recorded against another `object_type` than
    /// its own (a suppression-list import has no subject).
    pub fn event_on(
        &self,
        ctx: &Context,
        action: Action,
        object_type: ObjectType,
        object_id: &str,
        outcome: Outcome,
        detail: impl Into<String>,
    ) -> AuditEvent {
        ctx.event_at(self.now(), action, object_type, object_id, outcome, detail)
    }

    /// Record that `ctx` was refused (`refusal`) on `object_type` `object_id`, and
    /// return the error that says so.
    fn refuse(&self, ctx: &Context, refusal: Refusal, object_type: &str, object_id: &str) -> AppError {
        match self.store.audit(&ctx.refused_at(self.now(), refusal, object_type, object_id)) {
            Ok(_) => AppError::Forbidden(ctx.role),
            Err(e) => e.into(),
        }
    }

    /// The master key's check value, as recorded in the database and in backups.
    pub fn key_check(&self) -> &str {
        self.keys.key_check()
    }

    /// The store, for operations without personal data (health checks, statistics).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Path of the erasure journal.
    pub fn journal_path(&self) -> PathBuf {
        self.journal.path().to_path_buf()
    }

    /// Refuse unless `ctx` may do `p`; denied attempts are audited as
    /// `<object type>.denied_<permission>` (`subject.denied_subject_read`), a stable name
    /// the audit page turns into plain English (OWASP ASVS 5.0 V16.3.2: failed
    /// authorisation attempts are logged).
    pub fn require(
        &self,
        ctx: &Context,
        p: Permission,
        object_type: impl AsRef<str>,
        object_id: &str,
    ) -> AppResult<()> {
        if ctx.role.can(p) {
            return Ok(());
        }
        Err(self.refuse(ctx, Refusal::Permission(p), object_type.as_ref(), object_id))
    }

    /// Refuse to grant or touch a DPO's rights unless `ctx` is a DPO (an administrator
    /// must not be able to give anyone, themselves included, more than they have);
    /// refusals are audited.
    pub(crate) fn require_dpo_for_dpo(
        &self,
        ctx: &Context,
        involves_dpo: bool,
        object_type: ObjectType,
        object_id: &str,
    ) -> AppResult<()> {
        if !involves_dpo || ctx.role == Role::Dpo {
            return Ok(());
        }
        Err(self.refuse(ctx, Refusal::GrantDpo, object_type.as_str(), object_id))
    }

    /// Organisation name, region and DPO contact, read in one query.
    pub fn org_settings(&self) -> AppResult<OrgSettings> {
        let all = self.store.settings()?;
        let get = |key: &str| all.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
        let region = match get("region") {
            Some(r) => r.parse()?,
            None => Region::default(),
        };
        let text = |key: &str| get(key).filter(|v| !v.is_empty()).map(str::to_string);
        Ok(OrgSettings {
            org_name: get("org_name").unwrap_or_default().to_string(),
            region,
            // The region is only ever written by `set_org_settings` (init or the
            // settings page), so its presence means someone chose it.
            region_confirmed: get("region").is_some(),
            dpo_name: text("dpo_name"),
            dpo_email: text("dpo_email"),
        })
    }

    /// Set (or, with blank values, clear) the DPO's name and email address, checked by
    /// [`check_dpo_contact`] (the first problem is returned). Audited with the field
    /// names only.
    pub fn set_dpo_contact(&self, ctx: &Context, name: &str, email: &str) -> AppResult<()> {
        self.require(ctx, Permission::ManageSettings, ObjectType::Settings, "organisation")?;
        let (name, email) = check_dpo_contact(name, email).map_err(|p| {
            AppError::Invalid(p.into_iter().next().unwrap_or_else(|| FieldError::new("dpo_email", "is not valid")))
        })?;
        let ev = self.event(ctx, Action::SettingsUpdate, "organisation", Outcome::Success, "fields=dpo_name,dpo_email");
        self.store.put_settings(
            &[("dpo_name", name.as_deref().unwrap_or("")), ("dpo_email", email.as_deref().unwrap_or(""))],
            Some(&ev),
        )?;
        Ok(())
    }

    /// Change organisation settings (name, region), audited.
    pub fn set_org_settings(&self, ctx: &Context, org_name: Option<&str>, region: Option<Region>) -> AppResult<()> {
        self.require(ctx, Permission::ManageSettings, ObjectType::Settings, "organisation")?;
        let mut pairs: Vec<(&str, String)> = Vec::new();
        let mut changed = Vec::new();
        if let Some(n) = org_name {
            let n = n.trim();
            if n.is_empty() || n.chars().count() > 200 {
                return Err(AppError::Invalid(FieldError::new("org_name", "must be 1 to 200 characters")));
            }
            pairs.push(("org_name", n.to_string()));
            changed.push("org_name");
        }
        if let Some(r) = region {
            pairs.push(("region", r.as_str().to_string()));
            changed.push("region");
        }
        if pairs.is_empty() {
            return Ok(());
        }
        let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let ev = self.event(
            ctx,
            Action::SettingsUpdate,
            "organisation",
            Outcome::Success,
            format!("fields={}", changed.join(",")),
        );
        self.store.put_settings(&refs, Some(&ev))?;
        Ok(())
    }

    /// Recompute the audit chain (audited itself, after the check): the web page's and
    /// the API's check, which records who ran it. The command line checks without
    /// recording anything, through [`verify_audit_read_only`].
    pub fn verify_audit(&self, ctx: &Context) -> AppResult<steward_store::VerifyReport> {
        self.require(ctx, Permission::AuditRead, ObjectType::Audit, "chain")?;
        let report = self.store.verify_audit()?;
        let detail = match &report.problem {
            None => format!("entries={} ok", report.entries),
            Some(p) => format!("entries={} first_problem={}", report.entries, p.seq),
        };
        self.store.audit(&self.event(ctx, Action::AuditVerify, "chain", Outcome::Success, detail))?;
        Ok(report)
    }

    /// How many subjects there are by category (`*` for all), from the running counts.
    pub fn subject_category_counts(&self, ctx: &Context) -> AppResult<std::collections::BTreeMap<String, i64>> {
        self.require(ctx, Permission::ReadStatistics, ObjectType::Stats, "subjects")?;
        Ok(self.store.category_counts()?.into_iter().collect())
    }

    /// The audit chain's length and head hash, to keep elsewhere (those who read the log).
    pub fn audit_head(&self, ctx: &Context) -> AppResult<(i64, String)> {
        self.require(ctx, Permission::AuditRead, ObjectType::Audit, "head")?;
        Ok(self.store.audit_head()?)
    }

    /// Browse the audit log.
    pub fn audit_entries(
        &self,
        ctx: &Context,
        filter: &steward_store::AuditFilter,
    ) -> AppResult<Vec<steward_core::audit::AuditRecord>> {
        self.require(ctx, Permission::AuditRead, ObjectType::Audit, "log")?;
        Ok(self.store.audit_entries(filter)?)
    }
}
/// Check the audit chain of `store`, opened read-only ([`Store::open_sqlite_read_only`],
/// [`Store::open_postgres_read_only`]), against `expect` (a head kept earlier, if any),
/// recording nothing: no key check value is stored, nothing is migrated, keyed or
/// re-applied, so a read-only copy of the data can be checked. The master key is needed
/// for the keyed entries' MACs; a different key than the database's is refused.
pub fn verify_audit_read_only(
    store: Store,
    master: &MasterKey,
    expect: &steward_store::AuditExpectation,
) -> AppResult<steward_store::VerifyReport> {
    let keys = master.keyring();
    if let Some(check) = store.setting(KEY_CHECK)?
        && check != keys.key_check()
    {
        return Err(AppError::WrongMasterKey);
    }
    let store = store.with_audit_key(keys.audit_key());
    Ok(store.verify_audit_against(expect)?)
}

pub mod checklists;
pub mod consents;

/// Store types the web layer shows.
pub use steward_store::{AuditFilter, BackendKind, JobRunRow, StepRow, StoreError, Tombstone, VerifyReport};
