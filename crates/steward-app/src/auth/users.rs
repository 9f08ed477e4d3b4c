//! Administering accounts: listing them, roles, training dates, two-factor resets,
//! unlocking, ending sessions, disabling, and who may act for whom; a DPO's rights only
//! a DPO may grant or change (refusals audited).

use super::{REQUIRE_2FA, UserInfo, check_name, check_password_rules, hash_password, info, new_user, ts};
use crate::{App, AppError, AppResult, Context};
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_core::{FieldError, Permission, Role, normalise};
use steward_store::UserRow;

impl App {
    /// The names of everyone who can act in Steward, for showing who did what: `user:<id>`
    /// → the person's name, `token:<id>` → the API token's name. Colleagues' names, not
    /// data subjects': any signed-in role may read them (the audit log, a record's
    /// history and a hold all name who acted), but an actor with no role here cannot.
    pub fn actor_names(&self, ctx: &Context) -> AppResult<std::collections::HashMap<String, String>> {
        if ctx.actor.is_empty() {
            return Err(AppError::Forbidden(ctx.role));
        }
        let mut names = std::collections::HashMap::new();
        for u in self.store.users()? {
            names.insert(format!("user:{}", u.id), u.display_name);
        }
        for t in self.store.tokens()? {
            names.insert(format!("token:{}", t.id), format!("API token “{}”", t.name));
        }
        Ok(names)
    }

    /// Every account, for administrators.
    pub fn list_users(&self, ctx: &Context) -> AppResult<Vec<(UserInfo, i64)>> {
        self.require(ctx, Permission::ManageAccess, ObjectType::User, "")?;
        let counts = self.store.session_counts()?;
        Ok(self.store.users()?.iter().map(|u| (info(u), counts.get(&u.id).copied().unwrap_or(0))).collect())
    }

    /// One account.
    pub fn get_user(&self, ctx: &Context, id: &str) -> AppResult<UserInfo> {
        self.require(ctx, Permission::ManageAccess, ObjectType::User, id)?;
        self.store.user(id)?.map(|u| info(&u)).ok_or_else(|| AppError::NotFound(format!("user {id}")))
    }

    fn admin_change(
        &self,
        ctx: &Context,
        id: &str,
        action: Action,
        detail: String,
        f: impl FnOnce(&mut UserRow) -> AppResult<()>,
    ) -> AppResult<UserInfo> {
        self.require(ctx, Permission::ManageAccess, ObjectType::User, id)?;
        let mut u = self.store.user(id)?.ok_or_else(|| AppError::NotFound(format!("user {id}")))?;
        // Only a DPO may change a DPO's account or make someone a DPO.
        self.require_dpo_for_dpo(ctx, u.role == "dpo" || detail.contains("role=dpo"), ObjectType::User, id)?;
        f(&mut u)?;
        self.store.save_user(&u, Some(&self.event(ctx, action, id, Outcome::Success, detail)))?;
        Ok(info(&u))
    }

    /// Change someone's role.
    pub fn set_user_role(&self, ctx: &Context, id: &str, role: Role) -> AppResult<UserInfo> {
        if ctx.actor == format!("user:{id}") {
            return Err(AppError::Invalid(FieldError::new(
                "role",
                "you cannot change your own role; ask another administrator",
            )));
        }
        self.admin_change(ctx, id, Action::UserSetRole, format!("role={role}"), |u| {
            u.role = role.as_str().into();
            Ok(())
        })
    }

    /// Record when someone's data-protection training runs out (the hook that gates
    /// special-category data).
    pub fn set_user_training(
        &self,
        ctx: &Context,
        id: &str,
        valid_until: Option<jiff::civil::Date>,
    ) -> AppResult<UserInfo> {
        self.admin_change(ctx, id, Action::UserSetTraining, "training".into(), |u| {
            u.training_valid_until = valid_until.map(|d| d.to_string());
            Ok(())
        })
    }

    /// Reset someone's two-factor sign-in (they set it up again next time) and end their sessions.
    pub fn reset_user_2fa(&self, ctx: &Context, id: &str) -> AppResult<UserInfo> {
        let user = self.admin_change(ctx, id, Action::UserReset2fa, String::new(), |u| {
            u.totp_enabled = false;
            u.totp_secret = None;
            u.totp_pending = None;
            u.recovery_codes.clear();
            Ok(())
        })?;
        self.store.delete_user_sessions(
            id,
            &self.event(ctx, Action::UserRevokeSessions, id, Outcome::Success, "2fa reset"),
        )?;
        Ok(user)
    }

    /// Unlock an account locked after failed sign-ins.
    pub fn unlock_user(&self, ctx: &Context, id: &str) -> AppResult<UserInfo> {
        self.admin_change(ctx, id, Action::UserUnlock, String::new(), |u| {
            u.locked_until = None;
            u.failed_logins = 0;
            Ok(())
        })
    }

    /// End all of someone's sessions.
    pub fn revoke_user_sessions(&self, ctx: &Context, id: &str) -> AppResult<u64> {
        self.require(ctx, Permission::ManageAccess, ObjectType::User, id)?;
        Ok(self
            .store
            .delete_user_sessions(id, &self.event(ctx, Action::UserRevokeSessions, id, Outcome::Success, ""))?)
    }

    /// Disable or re-enable an account (disabling also ends its sessions).
    pub fn set_user_disabled(&self, ctx: &Context, id: &str, disabled: bool) -> AppResult<UserInfo> {
        if disabled && ctx.actor == format!("user:{id}") {
            return Err(AppError::Invalid(FieldError::new("user", "you cannot disable your own account")));
        }
        let action = if disabled { Action::UserDisable } else { Action::UserEnable };
        let user = self.admin_change(ctx, id, action, String::new(), |u| {
            u.disabled_at = if disabled { Some(ts(self.now())) } else { None };
            Ok(())
        })?;
        if disabled {
            self.store.delete_user_sessions(
                id,
                &self.event(ctx, Action::UserRevokeSessions, id, Outcome::Success, "disabled"),
            )?;
        }
        Ok(user)
    }

    /// Whether two-factor sign-in is compulsory for everyone.
    pub fn two_factor_enforced(&self) -> AppResult<bool> {
        self.two_factor_required()
    }

    /// Make two-factor sign-in compulsory, or not (administrators; audited).
    pub fn set_two_factor_enforced(&self, ctx: &Context, on: bool) -> AppResult<()> {
        self.require(ctx, Permission::ManageSettings, ObjectType::Settings, REQUIRE_2FA)?;
        let ev = self.event(ctx, Action::SettingsUpdate, REQUIRE_2FA, Outcome::Success, format!("{REQUIRE_2FA}={on}"));
        self.store.put_settings(&[(REQUIRE_2FA, if on { "true" } else { "false" })], Some(&ev))?;
        Ok(())
    }

    /// Set someone's password directly (the command line and the demo), clearing any
    /// lock-out. Audited; the password is never logged.
    pub fn set_password_by_email(&self, ctx: &Context, email: &str, password: &str) -> AppResult<()> {
        self.require(ctx, Permission::ManageAccess, ObjectType::User, "")?;
        let email = normalise::email("email", email)?;
        let mut u = self.store.user_by_email(&email)?.ok_or_else(|| AppError::NotFound("user".into()))?;
        check_password_rules(password, &u.email)?;
        u.password_hash = Some(hash_password(password)?);
        u.failed_logins = 0;
        u.locked_until = None;
        u.invite_hash = None;
        u.invite_expires_at = None;
        self.store.save_user(&u, Some(&self.event(ctx, Action::UserSetPassword, &u.id, Outcome::Success, "")))?;
        Ok(())
    }

    /// Create an account with a password directly (the command line and the demo;
    /// people are otherwise invited).
    pub fn create_user_with_password(
        &self,
        ctx: &Context,
        email: &str,
        display_name: &str,
        role: Role,
        password: &str,
    ) -> AppResult<UserInfo> {
        self.require(ctx, Permission::ManageAccess, ObjectType::User, "")?;
        let email = normalise::email("email", email)?;
        check_password_rules(password, &email)?;
        let row = new_user(
            email,
            check_name(display_name)?,
            role,
            Some(hash_password(password)?),
            None,
            None,
            ts(self.now()),
        );
        self.store.insert_user(
            &row,
            &self.event(ctx, Action::UserCreate, &row.id, Outcome::Success, format!("role={role}")),
        )?;
        Ok(info(&row))
    }
}
