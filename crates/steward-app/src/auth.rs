//! Sign-in for people: first-run set-up, invitations, Argon2id passwords, lock-out
//! after repeated failures, TOTP two-factor authentication with recovery codes, and
//! server-side sessions with idle and absolute timeouts.
//!
//! Follows NCSC password guidance (length over composition rules, throttling, no
//! default passwords) and OWASP ASVS v4 §2–3 (session rotation on sign-in, hashed
//! session identifiers, timeouts, generic failure messages).

use crate::{App, AppError, AppResult, Context};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use std::sync::OnceLock;
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_core::{FieldError, Permission, Role, normalise};
use steward_crypto::{random_bytes, token_hash};
use steward_store::{SessionRow, UserRow};

mod users;

/// Minutes without activity after which a session ends.
pub const IDLE_TIMEOUT_MINUTES: i64 = 30;
/// Hours after sign-in after which a session ends whatever the activity.
pub const ABSOLUTE_TIMEOUT_HOURS: i64 = 12;
/// Failed sign-ins in a row that lock an account.
pub const MAX_FAILED_SIGN_INS: i64 = 5;
/// How long a locked account stays locked.
pub const LOCK_MINUTES: i64 = 15;
/// Shortest password accepted (NCSC: length, not composition rules).
pub const MIN_PASSWORD_LEN: usize = 12;
/// How long an invitation link stays valid.
pub const INVITE_DAYS: i64 = 7;
/// Recovery codes issued when two-factor sign-in is set up.
pub const RECOVERY_CODES: usize = 10;
/// Sign-in attempts one client may make per window.
pub const SIGN_IN_ATTEMPTS_PER_WINDOW: i64 = 20;
/// The sign-in throttling window, in seconds.
pub const SIGN_IN_WINDOW_SECS: i64 = 600;
/// Setting that, when `true` (the default), makes two-factor sign-in compulsory.
pub const REQUIRE_2FA: &str = "require_2fa";
const SETUP_CODE: &str = "setup_code_hash";

/// How far through signing in a session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Signed in.
    Full,
    /// Password accepted; the second factor is due.
    Totp,
    /// Password accepted; two-factor sign-in must be set up first.
    Enrol,
}

impl Stage {
    fn as_str(self) -> &'static str {
        match self {
            Stage::Full => "full",
            Stage::Totp => "totp",
            Stage::Enrol => "enrol",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "full" => Some(Stage::Full),
            "totp" => Some(Stage::Totp),
            "enrol" => Some(Stage::Enrol),
            _ => None,
        }
    }
}

/// A user account as shown to administrators and in the page header.
#[derive(Debug, Clone, Serialize)]
pub struct UserInfo {
    /// Id.
    pub id: String,
    /// Sign-in email.
    pub email: String,
    /// Name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Two-factor sign-in is set up.
    pub totp_enabled: bool,
    /// Locked after failed sign-ins (until this time).
    pub locked_until: Option<String>,
    /// Invited but has not yet chosen a password.
    pub invited: bool,
    /// Disabled.
    pub disabled: bool,
    /// Data-protection training valid until.
    pub training_valid_until: Option<jiff::civil::Date>,
    /// Created.
    pub created_at: String,
}

impl UserInfo {
    /// Whether special-category data (health, ethnicity, religion, sexual orientation,
    /// criminal data…) may be shown to this user on `today`: their role must grant
    /// personal data and their data-protection training must be current (UK GDPR
    /// Art 9, Art 32(4); ICO accountability framework, "training and awareness").
    pub fn may_see_special_category(&self, today: jiff::civil::Date) -> bool {
        matches!(self.role, Role::Dpo | Role::Caseworker) && self.training_valid_until.is_some_and(|d| d >= today)
    }
}

/// An account as [`UserInfo`].
pub(crate) fn user_info(u: &UserRow) -> UserInfo {
    info(u)
}

fn info(u: &UserRow) -> UserInfo {
    UserInfo {
        id: u.id.clone(),
        email: u.email.clone(),
        display_name: u.display_name.clone(),
        role: u.role.parse().unwrap_or(Role::Staff),
        totp_enabled: u.totp_enabled,
        locked_until: u.locked_until.clone(),
        invited: u.password_hash.is_none(),
        disabled: u.disabled_at.is_some(),
        training_valid_until: u.training_valid_until.as_deref().and_then(|d| d.parse().ok()),
        created_at: u.created_at.clone(),
    }
}

/// A signed-in (or signing-in) session as the web layer sees it.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    /// Who is acting.
    pub ctx: Context,
    /// Their account.
    pub user: UserInfo,
    /// The session's CSRF token, to embed in forms.
    pub csrf: String,
    /// How far through signing in.
    pub stage: Stage,
}

/// A new session token for the browser's cookie (shown once; only its hash is stored).
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The secret for the cookie.
    pub token: String,
    /// Where the session stands.
    pub stage: Stage,
}

/// What the two-factor set-up page shows.
#[derive(Debug, Clone)]
pub struct Enrolment {
    /// The secret, base32, for typing into an app by hand.
    pub secret_base32: String,
    /// The `otpauth://` link.
    pub otpauth_url: String,
    /// The link as a QR code, SVG, rendered on the server.
    pub qr_svg: String,
}

fn ts(t: Timestamp) -> String {
    steward_core::audit::format_time(t)
}

fn parse_ts(s: &str) -> Option<Timestamp> {
    s.parse().ok()
}

fn random_text(bytes: usize) -> AppResult<String> {
    let mut b = vec![0u8; bytes];
    random_bytes(&mut b)?;
    Ok(hex::encode(b))
}

fn argon() -> argon2::Argon2<'static> {
    // Argon2id, 19 MiB, 2 passes, 1 lane: OWASP Password Storage Cheat Sheet minimum.
    argon2::Argon2::default()
}

fn hash_password(password: &str) -> AppResult<String> {
    let mut salt = [0u8; 16];
    random_bytes(&mut salt)?;
    let salt = SaltString::encode_b64(&salt).map_err(|_| AppError::Io("cannot encode a salt".into()))?;
    argon()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| AppError::Io("cannot hash the password".into()))
}

fn password_matches(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| argon().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash to verify against when the email is unknown, so that the time taken does
/// not reveal whether an account exists.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password for timing").unwrap_or_default())
}

fn check_password_rules(password: &str, email: &str) -> AppResult<()> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_LEN {
        return Err(AppError::Invalid(FieldError::new(
            "password",
            format!("must be at least {MIN_PASSWORD_LEN} characters; three random words make a good one"),
        )));
    }
    if n > 256 {
        return Err(AppError::Invalid(FieldError::new("password", "must be at most 256 characters")));
    }
    if password.trim().eq_ignore_ascii_case(email.trim()) {
        return Err(AppError::Invalid(FieldError::new("password", "must not be your email address")));
    }
    Ok(())
}

fn check_name(name: &str) -> AppResult<String> {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > 100 || n.chars().any(char::is_control) {
        return Err(AppError::Invalid(FieldError::new("display_name", "enter a name of 1 to 100 characters")));
    }
    Ok(n.to_string())
}

fn totp(secret: Vec<u8>, account: &str) -> AppResult<totp_rs::TOTP> {
    // RFC 6238: SHA-1, 6 digits, 30-second steps, one step of clock skew either way.
    totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, secret, Some("Steward".into()), account.to_string())
        .map_err(|_| AppError::Io("cannot set up the authenticator".into()))
}

/// The RFC 6238 time step (counted from the Unix epoch) whose code is `code`, within
/// the one step of clock skew either side that `totp` allows, compared in constant time.
fn matching_step(totp: &totp_rs::TOTP, code: &str, time: u64) -> Option<u64> {
    let current = time / totp.step;
    let skew = u64::from(totp.skew);
    (current.saturating_sub(skew)..=current + skew)
        .find(|step| steward_crypto::constant_time_eq(&totp.generate(step * totp.step), code))
}

/// Seconds since 1970 at `t` (for time-based codes).
fn unix_seconds(t: Timestamp) -> u64 {
    u64::try_from(t.as_second()).unwrap_or(0)
}

impl App {
    /// Number of user accounts.
    pub fn user_count(&self) -> AppResult<i64> {
        Ok(self.store.user_count()?)
    }

    /// When no one can sign in yet, a fresh one-time set-up code (its hash is stored;
    /// the code is printed by `steward serve` for the operator). `None` once set up.
    pub fn setup_code(&self) -> AppResult<Option<String>> {
        if self.store.user_count()? > 0 {
            return Ok(None);
        }
        let code = random_text(12)?;
        self.store.put_settings(&[(SETUP_CODE, &token_hash(&code))], None)?;
        Ok(Some(code))
    }

    /// Create the first account with the set-up code. The role must be `admin` or `dpo`.
    pub fn complete_setup(
        &self,
        code: &str,
        email: &str,
        display_name: &str,
        password: &str,
        role: Role,
    ) -> AppResult<UserInfo> {
        let stored = self.store.setting(SETUP_CODE)?.unwrap_or_default();
        if stored.is_empty() || !steward_crypto::constant_time_eq(&stored, &token_hash(code.trim())) {
            return Err(AppError::Invalid(FieldError::new(
                "code",
                "the set-up code is not right; use the one printed when Steward started",
            )));
        }
        if !matches!(role, Role::Admin | Role::Dpo) {
            return Err(AppError::Invalid(FieldError::new(
                "role",
                "the first account must be an administrator or the DPO",
            )));
        }
        let email = normalise::email("email", email)?;
        let display_name = check_name(display_name)?;
        check_password_rules(password, &email)?;
        let row = new_user(email, display_name, role, Some(hash_password(password)?), None, None, ts(self.now()));
        let ctx = Context::new(format!("user:{}", row.id), role, uuid::Uuid::new_v4().to_string());
        let ev = self.event(&ctx, Action::UserSetup, &row.id, Outcome::Success, format!("role={role}"));
        self.store.insert_first_user(&row, &ev)?;
        self.store.put_settings(&[(SETUP_CODE, "")], None)?;
        Ok(info(&row))
    }

    /// Invite someone: creates the account without a password and returns an
    /// invitation token for a link they open to choose one (valid for a week).
    pub fn invite_user(
        &self,
        ctx: &Context,
        email: &str,
        display_name: &str,
        role: Role,
    ) -> AppResult<(UserInfo, String)> {
        self.require(ctx, Permission::ManageAccess, ObjectType::User, "")?;
        self.require_dpo_for_dpo(ctx, role == Role::Dpo, ObjectType::User, "")?;
        let email = normalise::email("email", email)?;
        let display_name = check_name(display_name)?;
        if self.store.user_by_email(&email)?.is_some() {
            return Err(AppError::Invalid(FieldError::new(
                "email",
                "there is already an account with this email address",
            )));
        }
        let invite = random_text(24)?;
        let created = self.now();
        let row = new_user(
            email,
            display_name,
            role,
            None,
            Some(token_hash(&invite)),
            Some(ts(created + SignedDuration::from_hours(24 * INVITE_DAYS))),
            ts(created),
        );
        let ev = self.event(ctx, Action::UserInvite, &row.id, Outcome::Success, format!("role={role}"));
        self.store.insert_user(&row, &ev)?;
        Ok((info(&row), invite))
    }

    /// The account an invitation token belongs to, if the invitation is still open.
    pub fn invitation(&self, token: &str) -> AppResult<Option<UserInfo>> {
        let Some(u) = self.store.user_by_invite(&token_hash(token.trim()))? else { return Ok(None) };
        let open = u.invite_expires_at.as_deref().and_then(parse_ts).is_some_and(|t| t > self.now());
        Ok(if open && u.disabled_at.is_none() { Some(info(&u)) } else { None })
    }

    /// Accept an invitation by choosing a password.
    pub fn accept_invite(&self, token: &str, password: &str) -> AppResult<UserInfo> {
        let invalid = || {
            AppError::Invalid(FieldError::new(
                "token",
                "this invitation link has expired or was already used; ask for a new one",
            ))
        };
        let mut u = self.store.user_by_invite(&token_hash(token.trim()))?.ok_or_else(invalid)?;
        if u.invite_expires_at.as_deref().and_then(parse_ts).is_none_or(|t| t <= self.now()) || u.disabled_at.is_some()
        {
            return Err(invalid());
        }
        check_password_rules(password, &u.email)?;
        u.password_hash = Some(hash_password(password)?);
        u.invite_hash = None;
        u.invite_expires_at = None;
        let ctx = Context::new(format!("user:{}", u.id), info(&u).role, uuid::Uuid::new_v4().to_string());
        self.store.save_user(&u, Some(&self.event(&ctx, Action::UserAcceptInvite, &u.id, Outcome::Success, "")))?;
        Ok(info(&u))
    }

    fn two_factor_required(&self) -> AppResult<bool> {
        Ok(self.store.setting(REQUIRE_2FA)?.is_none_or(|v| v != "false"))
    }

    fn new_session(&self, user_id: &str, stage: Stage, replaces: Option<&str>) -> AppResult<NewSession> {
        let token = steward_crypto::new_token()?;
        let at = ts(self.now());
        let row = SessionRow {
            token_hash: token_hash(&token),
            user_id: user_id.into(),
            stage: stage.as_str().into(),
            csrf: random_text(24)?,
            created_at: at.clone(),
            last_seen_at: at,
            revoked_at: None,
        };
        self.store.insert_session(&row, replaces.map(token_hash).as_deref())?;
        Ok(NewSession { token, stage })
    }

    /// Check an email and password. Unknown accounts, wrong passwords, locked and
    /// disabled accounts all fail the same way, in about the same time. `client` (the
    /// browser's address) is throttled to [`SIGN_IN_ATTEMPTS_PER_WINDOW`] attempts per
    /// ten minutes, whatever accounts it tries (stored as a keyed hash, not the address).
    pub fn sign_in(&self, email: &str, password: &str, client: &str, request_id: &str) -> AppResult<NewSession> {
        self.sign_in_replacing(email, password, client, request_id, None)
    }

    /// [`App::sign_in`] from a browser that already holds session `previous` (any
    /// user's): on success that session ends, so signing in again never leaves an
    /// older session of the same browser alive (OWASP ASVS 5.0 V7.2.4).
    pub fn sign_in_replacing(
        &self,
        email: &str,
        password: &str,
        client: &str,
        request_id: &str,
        previous: Option<&str>,
    ) -> AppResult<NewSession> {
        let bucket = format!("sign-in:{}", self.keys.sign("rate-limit bucket", client));
        if !self.store.hit_rate_limit_at(&bucket, SIGN_IN_WINDOW_SECS, SIGN_IN_ATTEMPTS_PER_WINDOW, self.now())? {
            return Err(AppError::RateLimited);
        }
        let email = email.trim().to_lowercase();
        let Some(mut u) = self.store.user_by_email(&email)? else {
            let _ = password_matches(password, decoy_hash());
            return Err(AppError::SignInFailed);
        };
        let ctx = Context::new(format!("user:{}", u.id), info(&u).role, request_id);
        let locked = u.locked_until.as_deref().and_then(parse_ts).is_some_and(|t| t > self.now());
        let ok = u.password_hash.as_deref().is_some_and(|h| password_matches(password, h));
        if locked || !ok || u.disabled_at.is_some() {
            if !locked && !ok {
                u.failed_logins += 1;
                if u.failed_logins >= MAX_FAILED_SIGN_INS {
                    u.locked_until = Some(ts(self.now() + SignedDuration::from_mins(LOCK_MINUTES)));
                    u.failed_logins = 0;
                }
            }
            let detail = if locked {
                "locked"
            } else if ok {
                "disabled"
            } else {
                "wrong password"
            };
            self.store.save_user(&u, Some(&self.event(&ctx, Action::UserSignIn, &u.id, Outcome::Denied, detail)))?;
            return Err(AppError::SignInFailed);
        }
        u.failed_logins = 0;
        u.locked_until = None;
        self.store.save_user(&u, None)?;
        let stage = if u.totp_enabled {
            Stage::Totp
        } else if self.two_factor_required()? {
            Stage::Enrol
        } else {
            Stage::Full
        };
        if stage == Stage::Full {
            self.store.audit(&self.event(&ctx, Action::UserSignIn, &u.id, Outcome::Success, "password"))?;
        }
        let previous = previous.filter(|p| p.len() <= 200);
        self.new_session(&u.id, stage, previous)
    }

    /// The session for a cookie token, if it is live; records the activity.
    pub fn session(&self, token: &str, request_id: &str) -> AppResult<Option<SessionInfo>> {
        if token.len() > 200 {
            return Ok(None);
        }
        let hash = token_hash(token);
        let Some(s) = self.store.session(&hash)? else { return Ok(None) };
        let t = self.now();
        let idle = parse_ts(&s.last_seen_at).is_none_or(|l| t > l + SignedDuration::from_mins(IDLE_TIMEOUT_MINUTES));
        let old = parse_ts(&s.created_at).is_none_or(|c| t > c + SignedDuration::from_hours(ABSOLUTE_TIMEOUT_HOURS));
        let Some(u) = self.store.user(&s.user_id)? else { return Ok(None) };
        let mut stage = Stage::parse(&s.stage).unwrap_or(Stage::Totp);
        if idle || old || u.disabled_at.is_some() {
            self.store.delete_session(&hash)?;
            return Ok(None);
        }
        // Two-factor sign-in made compulsory after this session began: a session that
        // never passed it is signed in no longer; it may only set two-factor up (OWASP
        // ASVS 5.0 V6.3.3, V7.4.3).
        if stage == Stage::Full && !u.totp_enabled && self.two_factor_required()? {
            let demoted = SessionRow { stage: Stage::Enrol.as_str().into(), ..s.clone() };
            self.store.insert_session(&demoted, Some(&hash))?;
            stage = Stage::Enrol;
        }
        if parse_ts(&s.last_seen_at).is_none_or(|l| t > l + SignedDuration::from_secs(60)) {
            self.store.touch_session(&hash, &ts(t))?;
        }
        let user = info(&u);
        let today = steward_core::time::uk_date(t);
        let mut special_category = stage == Stage::Full && user.may_see_special_category(today);
        // Lapsed training on the Training register removes the access at once (UK GDPR
        // Art 32(4)); someone with no special-access course recorded keeps the account's date.
        let training_lapsed_on = if special_category { self.training_lapsed_on(&u.id, today)? } else { None };
        if training_lapsed_on.is_some() {
            special_category = false;
        }
        Ok(Some(SessionInfo {
            ctx: Context {
                special_category,
                training_lapsed_on,
                ..Context::new(format!("user:{}", u.id), user.role, request_id)
            },
            user,
            csrf: s.csrf,
            stage,
        }))
    }

    fn pending_user(&self, token: &str, want: Stage) -> AppResult<UserRow> {
        let s = self.store.session(&token_hash(token))?.ok_or(AppError::SignInFailed)?;
        if Stage::parse(&s.stage) != Some(want) {
            return Err(AppError::SignInFailed);
        }
        self.store.user(&s.user_id)?.ok_or(AppError::SignInFailed)
    }

    /// Second step of signing in: a code from the authenticator app, or an unused
    /// recovery code (which is then spent). Rotates to a new, fully signed-in session.
    pub fn verify_second_factor(&self, token: &str, code: &str, request_id: &str) -> AppResult<NewSession> {
        let mut u = self.pending_user(token, Stage::Totp)?;
        let ctx = Context::new(format!("user:{}", u.id), info(&u).role, request_id);
        let code = code.trim().replace([' ', '-'], "").to_lowercase();
        let mut replayed = false;
        let by_app = code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) && {
            let secret = u.totp_secret.as_deref().ok_or(AppError::SignInFailed)?;
            let secret = self.keys.open_secret(&format!("totp:{}", u.id), secret)?;
            match matching_step(&totp(secret, &u.email)?, &code, unix_seconds(self.now())) {
                // A code is good once: its step (or an earlier one) spent is a replay
                // (OWASP ASVS 5.0 V6.5.1).
                Some(step) => {
                    let fresh = self.store.spend_totp_step(&u.id, i64::try_from(step).unwrap_or(i64::MAX))?;
                    if fresh {
                        u.totp_last_step = i64::try_from(step).unwrap_or(i64::MAX);
                    }
                    replayed = !fresh;
                    fresh
                }
                None => false,
            }
        };
        let by_recovery = !by_app && {
            let h = token_hash(&code);
            let before = u.recovery_codes.len();
            u.recovery_codes.retain(|c| !steward_crypto::constant_time_eq(c, &h));
            u.recovery_codes.len() < before
        };
        if !by_app && !by_recovery {
            u.failed_logins += 1;
            if u.failed_logins >= MAX_FAILED_SIGN_INS {
                u.locked_until = Some(ts(self.now() + SignedDuration::from_mins(LOCK_MINUTES)));
                u.failed_logins = 0;
                self.store.delete_session(&token_hash(token))?;
            }
            let detail = if replayed { "code already used" } else { "wrong code" };
            self.store.save_user(&u, Some(&self.event(&ctx, Action::UserSignIn, &u.id, Outcome::Denied, detail)))?;
            let message = if replayed {
                "that code has already been used; wait for your app to show a new code and enter that"
            } else {
                "that code is not right; check the time on your phone and try the newest code"
            };
            return Err(AppError::Invalid(FieldError::new("code", message)));
        }
        u.failed_logins = 0;
        let detail = if by_app { "totp" } else { "recovery code" };
        self.store.save_user(&u, Some(&self.event(&ctx, Action::UserSignIn, &u.id, Outcome::Success, detail)))?;
        self.new_session(&u.id, Stage::Full, Some(token))
    }

    /// Start setting up two-factor sign-in: a new secret (sealed and stored, not yet
    /// switched on), shown as a QR code drawn on the server and as text.
    pub fn start_enrolment(&self, token: &str) -> AppResult<Enrolment> {
        let mut u = self.enrolling_user(token)?;
        let aad = format!("totp:{}", u.id);
        // Keep showing the secret being set up (the person may have scanned it already);
        // the secret in use stays in force until the new one is confirmed.
        let secret = match u.totp_pending.as_deref().map(|p| self.keys.open_secret(&aad, p)) {
            Some(Ok(s)) => s,
            _ => {
                let mut secret = vec![0u8; 20];
                random_bytes(&mut secret)?;
                u.totp_pending = Some(self.keys.seal_secret(&aad, &secret)?);
                self.store.save_user(&u, None)?;
                secret
            }
        };
        let t = totp(secret, &u.email)?;
        let url = t.get_url();
        let qr = qrcode::QrCode::new(url.as_bytes()).map_err(|_| AppError::Io("cannot draw the QR code".into()))?;
        let svg = qr.render::<qrcode::render::svg::Color<'_>>().min_dimensions(220, 220).quiet_zone(true).build();
        Ok(Enrolment { secret_base32: t.get_secret_base32(), otpauth_url: url, qr_svg: svg })
    }

    fn enrolling_user(&self, token: &str) -> AppResult<UserRow> {
        let s = self.store.session(&token_hash(token))?.ok_or(AppError::SignInFailed)?;
        // A signed-in user may (re)enrol from their account page; a new one must.
        if !matches!(Stage::parse(&s.stage), Some(Stage::Enrol | Stage::Full)) {
            return Err(AppError::SignInFailed);
        }
        self.store.user(&s.user_id)?.ok_or(AppError::SignInFailed)
    }

    /// Finish setting up two-factor sign-in with a first code from the app. Switches
    /// it on, issues recovery codes (shown once) and rotates to a full session.
    pub fn confirm_enrolment(&self, token: &str, code: &str, request_id: &str) -> AppResult<(NewSession, Vec<String>)> {
        let mut u = self.enrolling_user(token)?;
        let pending = u.totp_pending.clone();
        let sealed = pending
            .as_deref()
            .ok_or_else(|| AppError::Invalid(FieldError::new("code", "start again: no set-up is in progress")))?;
        let secret = self.keys.open_secret(&format!("totp:{}", u.id), sealed)?;
        let code = code.trim().replace(' ', "");
        let Some(step) = matching_step(&totp(secret, &u.email)?, &code, unix_seconds(self.now())) else {
            return Err(AppError::Invalid(FieldError::new(
                "code",
                "that code is not right; enter the 6-digit code your app shows now",
            )));
        };
        // The code that switched two-factor sign-in on cannot sign in again.
        u.totp_last_step = u.totp_last_step.max(i64::try_from(step).unwrap_or(i64::MAX));
        let mut codes = Vec::with_capacity(RECOVERY_CODES);
        for _ in 0..RECOVERY_CODES {
            let r = random_text(5)?;
            codes.push(format!("{}-{}", &r[..5], &r[5..]));
        }
        u.recovery_codes = codes.iter().map(|c| token_hash(&c.replace('-', ""))).collect();
        u.totp_secret = pending;
        u.totp_pending = None;
        u.totp_enabled = true;
        let ctx = Context::new(format!("user:{}", u.id), info(&u).role, request_id);
        self.store.save_user(&u, Some(&self.event(&ctx, Action::UserEnrol2fa, &u.id, Outcome::Success, "")))?;
        self.store.audit(&self.event(&ctx, Action::UserSignIn, &u.id, Outcome::Success, "totp enrolment"))?;
        Ok((self.new_session(&u.id, Stage::Full, Some(token))?, codes))
    }

    /// Sign out of this browser.
    pub fn sign_out(&self, token: &str, ctx: &Context) -> AppResult<()> {
        self.store.delete_session(&token_hash(token))?;
        self.store.audit(&self.event(
            ctx,
            Action::UserSignOut,
            ctx.actor.trim_start_matches("user:"),
            Outcome::Success,
            "",
        ))?;
        Ok(())
    }

    /// Sign out everywhere: end every session of the acting user.
    pub fn sign_out_everywhere(&self, ctx: &Context) -> AppResult<u64> {
        let id = ctx.actor.trim_start_matches("user:");
        let ev = self.event(ctx, Action::UserSignOutEverywhere, id, Outcome::Success, "");
        Ok(self.store.delete_user_sessions(id, &ev)?)
    }
}

/// A new account row with nothing set up yet (no second factor, no failures).
fn new_user(
    email: String,
    display_name: String,
    role: Role,
    password_hash: Option<String>,
    invite_hash: Option<String>,
    invite_expires_at: Option<String>,
    created_at: String,
) -> UserRow {
    UserRow {
        id: uuid::Uuid::now_v7().to_string(),
        email,
        display_name,
        role: role.as_str().into(),
        password_hash,
        totp_secret: None,
        totp_pending: None,
        totp_enabled: false,
        recovery_codes: Vec::new(),
        failed_logins: 0,
        locked_until: None,
        invite_hash,
        invite_expires_at,
        training_valid_until: None,
        created_at,
        disabled_at: None,
        totp_last_step: 0,
    }
}
