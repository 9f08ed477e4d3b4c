//! A user account as a backup line: passwords and recovery codes as hashes, the TOTP
//! secrets still sealed (base64).

use super::{b64, unb64};
use crate::StoreError;
use crate::users::UserRow;
use serde::{Deserialize, Serialize};

/// A user account in a backup.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserBackup {
    /// Id.
    pub id: String,
    /// Sign-in email.
    pub email: String,
    /// Name.
    pub display_name: String,
    /// Role.
    pub role: String,
    /// Argon2id PHC string.
    pub password_hash: Option<String>,
    /// Sealed TOTP secret, base64.
    pub totp_secret: Option<String>,
    /// Sealed pending TOTP secret, base64.
    pub totp_pending: Option<String>,
    /// Two-factor on.
    pub totp_enabled: bool,
    /// Hashes of unused recovery codes.
    pub recovery_codes: Vec<String>,
    /// Failed sign-ins in a row.
    pub failed_logins: i64,
    /// Locked until.
    pub locked_until: Option<String>,
    /// Hash of an open invitation.
    pub invite_hash: Option<String>,
    /// Invitation expiry.
    pub invite_expires_at: Option<String>,
    /// Training valid until.
    pub training_valid_until: Option<String>,
    /// Created.
    pub created_at: String,
    /// Disabled.
    pub disabled_at: Option<String>,
    /// The newest TOTP time step already used.
    #[serde(default)]
    pub totp_last_step: i64,
}

impl From<UserRow> for UserBackup {
    fn from(u: UserRow) -> Self {
        Self {
            id: u.id,
            email: u.email,
            display_name: u.display_name,
            role: u.role,
            password_hash: u.password_hash,
            totp_secret: u.totp_secret.as_deref().map(b64),
            totp_pending: u.totp_pending.as_deref().map(b64),
            totp_enabled: u.totp_enabled,
            recovery_codes: u.recovery_codes,
            failed_logins: u.failed_logins,
            locked_until: u.locked_until,
            invite_hash: u.invite_hash,
            invite_expires_at: u.invite_expires_at,
            training_valid_until: u.training_valid_until,
            created_at: u.created_at,
            disabled_at: u.disabled_at,
            totp_last_step: u.totp_last_step,
        }
    }
}

impl UserBackup {
    pub(super) fn into_row(self) -> Result<UserRow, StoreError> {
        Ok(UserRow {
            id: self.id,
            email: self.email,
            display_name: self.display_name,
            role: self.role,
            password_hash: self.password_hash,
            totp_secret: self.totp_secret.map(|s| unb64(&s, "totp_secret")).transpose()?,
            totp_pending: self.totp_pending.map(|s| unb64(&s, "totp_pending")).transpose()?,
            totp_enabled: self.totp_enabled,
            recovery_codes: self.recovery_codes,
            failed_logins: self.failed_logins,
            locked_until: self.locked_until,
            invite_hash: self.invite_hash,
            invite_expires_at: self.invite_expires_at,
            training_valid_until: self.training_valid_until,
            created_at: self.created_at,
            disabled_at: self.disabled_at,
            totp_last_step: self.totp_last_step,
        })
    }
}
