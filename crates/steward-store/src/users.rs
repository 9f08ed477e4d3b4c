//! People who sign in to Steward (staff, not data subjects), and their server-side
//! sessions. Only hashes of passwords, session tokens, invitation tokens and recovery
//! codes are stored; the TOTP secret is sealed by the application before it gets here.

use crate::audit::append_in;
use crate::sql::{Row, Tx, Val};
use crate::{Store, StoreError};
use steward_core::audit::AuditEvent;

/// A user account as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct UserRow {
    /// Id.
    pub id: String,
    /// Sign-in email address, lower case.
    pub email: String,
    /// Name shown in the interface.
    pub display_name: String,
    /// Role machine name.
    pub role: String,
    /// Argon2id PHC string; `None` until an invitation is accepted.
    pub password_hash: Option<String>,
    /// Sealed TOTP secret in use.
    pub totp_secret: Option<Vec<u8>>,
    /// Sealed TOTP secret being set up, not yet confirmed with a code.
    pub totp_pending: Option<Vec<u8>>,
    /// Whether two-factor sign-in is switched on.
    pub totp_enabled: bool,
    /// SHA-256 hashes of unused recovery codes.
    pub recovery_codes: Vec<String>,
    /// Consecutive failed sign-ins.
    pub failed_logins: i64,
    /// Locked until this time, after too many failures.
    pub locked_until: Option<String>,
    /// SHA-256 of an open invitation token.
    pub invite_hash: Option<String>,
    /// When the invitation expires.
    pub invite_expires_at: Option<String>,
    /// Data-protection training valid until this date (`YYYY-MM-DD`).
    pub training_valid_until: Option<String>,
    /// Created.
    pub created_at: String,
    /// Disabled, if it was.
    pub disabled_at: Option<String>,
    /// The newest TOTP time step a code was accepted for: a code for this step or an
    /// earlier one is never accepted again (no replay).
    pub totp_last_step: i64,
}

impl std::fmt::Debug for UserRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRow").field("id", &self.id).field("role", &self.role).finish_non_exhaustive()
    }
}

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// SHA-256 of the session token.
    pub token_hash: String,
    /// The user.
    pub user_id: String,
    /// `full`, `totp` (password accepted, second factor due) or `enrol` (must set up 2FA).
    pub stage: String,
    /// The session's CSRF token.
    pub csrf: String,
    /// Created.
    pub created_at: String,
    /// Last request.
    pub last_seen_at: String,
    /// Revoked (signed out), if it was.
    pub revoked_at: Option<String>,
}

const USER_COLUMNS: &str = "id, email, display_name, role, password_hash, totp_secret, totp_enabled, recovery_codes, \
    failed_logins, locked_until, invite_hash, invite_expires_at, training_valid_until, created_at, disabled_at, totp_pending, totp_last_step";

fn user(r: &Row) -> Result<UserRow, StoreError> {
    let blob = |i: usize| match r.0.get(i) {
        Some(crate::sql::Cell::Null) | None => Ok(None),
        Some(_) => r.blob(i).map(Some),
    };
    Ok(UserRow {
        id: r.text(0)?,
        email: r.text(1)?,
        display_name: r.text(2)?,
        role: r.text(3)?,
        password_hash: r.opt_text(4)?,
        totp_secret: blob(5)?,
        totp_pending: blob(15)?,
        totp_enabled: r.int(6)? != 0,
        recovery_codes: r.text(7)?.split(',').filter(|c| !c.is_empty()).map(str::to_string).collect(),
        failed_logins: r.int(8)?,
        locked_until: r.opt_text(9)?,
        invite_hash: r.opt_text(10)?,
        invite_expires_at: r.opt_text(11)?,
        training_valid_until: r.opt_text(12)?,
        created_at: r.text(13)?,
        disabled_at: r.opt_text(14)?,
        totp_last_step: r.int(16)?,
    })
}

fn session(r: &Row) -> Result<SessionRow, StoreError> {
    Ok(SessionRow {
        token_hash: r.text(0)?,
        user_id: r.text(1)?,
        stage: r.text(2)?,
        csrf: r.text(3)?,
        created_at: r.text(4)?,
        last_seen_at: r.text(5)?,
        revoked_at: r.opt_text(6)?,
    })
}

pub(crate) fn insert_user_row(tx: &mut dyn Tx, u: &UserRow) -> Result<(), StoreError> {
    let codes = u.recovery_codes.join(",");
    tx.exec(
        &format!(
            "INSERT INTO users ({USER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
        ),
        &user_params(u, &codes),
    )?;
    Ok(())
}

fn user_params<'a>(u: &'a UserRow, codes: &'a str) -> Vec<Val<'a>> {
    vec![
        Val::Text(&u.id),
        Val::Text(&u.email),
        Val::Text(&u.display_name),
        Val::Text(&u.role),
        Val::OptText(u.password_hash.as_deref()),
        match &u.totp_secret {
            Some(b) => Val::Blob(b),
            None => Val::OptBlob(None),
        },
        Val::Int(i64::from(u.totp_enabled)),
        Val::Text(codes),
        Val::Int(u.failed_logins),
        Val::OptText(u.locked_until.as_deref()),
        Val::OptText(u.invite_hash.as_deref()),
        Val::OptText(u.invite_expires_at.as_deref()),
        Val::OptText(u.training_valid_until.as_deref()),
        Val::Text(&u.created_at),
        Val::OptText(u.disabled_at.as_deref()),
        Val::OptBlob(u.totp_pending.as_deref()),
        Val::Int(u.totp_last_step),
    ]
}

/// Every user, inside a transaction (backups).
pub(crate) fn all_users(tx: &mut dyn Tx) -> Result<Vec<UserRow>, StoreError> {
    tx.query(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY id"), &[])?.iter().map(user).collect()
}

fn get_user_where(tx: &mut dyn Tx, column: &str, value: &str) -> Result<Option<UserRow>, StoreError> {
    tx.query(&format!("SELECT {USER_COLUMNS} FROM users WHERE {column} = $1"), &[Val::Text(value)])?
        .first()
        .map(user)
        .transpose()
}

impl Store {
    /// Number of user accounts.
    pub fn user_count(&self) -> Result<i64, StoreError> {
        self.read(|tx| tx.query("SELECT COUNT(*) FROM users", &[])?.first().map_or(Ok(0), |r| r.int(0)))
    }

    /// Create a user, with an audit entry.
    pub fn insert_user(&self, u: &UserRow, event: &AuditEvent) -> Result<(), StoreError> {
        self.write(|tx| {
            insert_user_row(tx, u)?;
            append_in(tx, std::slice::from_ref(event))?;
            Ok(())
        })
    }

    /// Spend TOTP time step `step` for user `id`: `true` if it is newer than every step
    /// already used (and is now recorded), `false` if a code for it or a later step was
    /// accepted before — a replay (OWASP ASVS 5.0 V6.5.1). Atomic, so two sign-ins racing
    /// with the same code cannot both succeed.
    pub fn spend_totp_step(&self, id: &str, step: i64) -> Result<bool, StoreError> {
        self.write(|tx| {
            let n = tx.exec(
                "UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2",
                &[Val::Text(id), Val::Int(step)],
            )?;
            Ok(n > 0)
        })
    }

    /// Create the first user only if there is none yet (first-run set-up), atomically.
    pub fn insert_first_user(&self, u: &UserRow, event: &AuditEvent) -> Result<(), StoreError> {
        self.write(|tx| {
            let n = tx.query("SELECT COUNT(*) FROM users", &[])?.first().map_or(Ok(0), |r| r.int(0))?;
            if n > 0 {
                return Err(StoreError::Conflict("set-up is already complete".into()));
            }
            insert_user_row(tx, u)?;
            append_in(tx, std::slice::from_ref(event))?;
            Ok(())
        })
    }

    /// Replace a user's stored fields, with an audit entry when one is given (sign-in
    /// bookkeeping such as failure counts is not itself audited).
    pub fn save_user(&self, u: &UserRow, event: Option<&AuditEvent>) -> Result<(), StoreError> {
        self.write(|tx| {
            let codes = u.recovery_codes.join(",");
            let params = user_params(u, &codes);
            let n = tx.exec(
                "UPDATE users SET email = $2, display_name = $3, role = $4, password_hash = $5, totp_secret = $6, \
                 totp_enabled = $7, recovery_codes = $8, failed_logins = $9, locked_until = $10, invite_hash = $11, \
                 invite_expires_at = $12, training_valid_until = $13, created_at = $14, disabled_at = $15, totp_pending = $16, \
                 totp_last_step = CASE WHEN totp_last_step > $17 THEN totp_last_step ELSE $17 END \
                 WHERE id = $1",
                &params,
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(format!("user {}", u.id)));
            }
            if let Some(ev) = event {
                append_in(tx, std::slice::from_ref(ev))?;
            }
            Ok(())
        })
    }

    /// A user by id.
    pub fn user(&self, id: &str) -> Result<Option<UserRow>, StoreError> {
        self.read(|tx| get_user_where(tx, "id", id))
    }

    /// A user by sign-in email (already lower-cased).
    pub fn user_by_email(&self, email: &str) -> Result<Option<UserRow>, StoreError> {
        self.read(|tx| get_user_where(tx, "email", email))
    }

    /// A user by the hash of an invitation token.
    pub fn user_by_invite(&self, invite_hash: &str) -> Result<Option<UserRow>, StoreError> {
        self.read(|tx| get_user_where(tx, "invite_hash", invite_hash))
    }

    /// Every user, by name.
    pub fn users(&self) -> Result<Vec<UserRow>, StoreError> {
        self.read(|tx| {
            tx.query(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY display_name, id"), &[])?
                .iter()
                .map(user)
                .collect()
        })
    }

    /// Store a new session; with `replaces`, that session is revoked in the same
    /// transaction (rotation on sign-in).
    pub fn insert_session(&self, s: &SessionRow, replaces: Option<&str>) -> Result<(), StoreError> {
        self.write(|tx| {
            if let Some(old) = replaces {
                tx.exec("DELETE FROM sessions WHERE token_hash = $1", &[Val::Text(old)])?;
            }
            tx.exec(
                "INSERT INTO sessions (token_hash, user_id, stage, csrf, created_at, last_seen_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[
                    Val::Text(&s.token_hash),
                    Val::Text(&s.user_id),
                    Val::Text(&s.stage),
                    Val::Text(&s.csrf),
                    Val::Text(&s.created_at),
                    Val::Text(&s.last_seen_at),
                    Val::OptText(s.revoked_at.as_deref()),
                ],
            )?;
            Ok(())
        })
    }

    /// A live (not revoked) session by token hash.
    pub fn session(&self, token_hash: &str) -> Result<Option<SessionRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                "SELECT token_hash, user_id, stage, csrf, created_at, last_seen_at, revoked_at FROM sessions WHERE token_hash = $1 AND revoked_at IS NULL",
                &[Val::Text(token_hash)],
            )?
            .first()
            .map(session)
            .transpose()
        })
    }

    /// Record activity on a session.
    pub fn touch_session(&self, token_hash: &str, at: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.exec(
                "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1",
                &[Val::Text(token_hash), Val::Text(at)],
            )?;
            Ok(())
        })
    }

    /// End one session.
    pub fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.exec("DELETE FROM sessions WHERE token_hash = $1", &[Val::Text(token_hash)])?;
            Ok(())
        })
    }

    /// End every session of a user, with an audit entry; returns how many ended.
    pub fn delete_user_sessions(&self, user_id: &str, event: &AuditEvent) -> Result<u64, StoreError> {
        self.write(|tx| {
            let n = tx.exec("DELETE FROM sessions WHERE user_id = $1", &[Val::Text(user_id)])?;
            append_in(tx, std::slice::from_ref(event))?;
            Ok(n)
        })
    }

    /// Number of live sessions per user id.
    pub fn session_counts(&self) -> Result<std::collections::BTreeMap<String, i64>, StoreError> {
        self.read(|tx| {
            tx.query("SELECT user_id, COUNT(*) FROM sessions WHERE revoked_at IS NULL GROUP BY user_id", &[])?
                .iter()
                .map(|r| Ok((r.text(0)?, r.int(1)?)))
                .collect()
        })
    }

    /// Delete sessions last used before `cutoff` (expired by the idle timeout).
    pub fn purge_sessions(&self, cutoff: &str) -> Result<u64, StoreError> {
        self.write(|tx| tx.exec("DELETE FROM sessions WHERE last_seen_at < $1", &[Val::Text(cutoff)]))
    }
}
