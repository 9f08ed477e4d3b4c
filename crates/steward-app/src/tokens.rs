//! API tokens: creation (the secret is shown once), authentication and revocation.
//!
//! One permission model for people and tokens (OWASP ASVS 5.0 V8.2.1, V8.3.1): a token
//! belongs to the person who created it and acts for them, so it can never do more
//! than they can — its role is within theirs, a caseworker's token sees only their
//! cases, and it stops working when they are disabled or lose the role. A token made
//! at the command line without a person acts for the organisation with its role; a
//! caseworker token of that kind sees only the cases assigned to the token itself.

use crate::{App, AppError, AppResult, Context};
use serde::Serialize;
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_core::{FieldError, Permission, Role};
use steward_store::{TokenRow, UserRow};
use utoipa::ToSchema;

/// A token as listed (never its secret).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TokenInfo {
    /// Id.
    pub id: String,
    /// What it is for.
    pub name: String,
    /// Role it acts with.
    pub role: String,
    /// The user it acts for; absent for a token that acts for the organisation.
    pub user_id: Option<String>,
    /// Whether it may see special-category data (when its role and owner may).
    pub special_category: bool,
    /// Created.
    pub created_at: String,
    /// Revoked, if it was.
    pub revoked_at: Option<String>,
}

impl From<TokenRow> for TokenInfo {
    fn from(t: TokenRow) -> Self {
        Self {
            id: t.id,
            name: t.name,
            role: t.role,
            user_id: t.user_id,
            special_category: t.special_category,
            created_at: t.created_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// What a new token is to be.
#[derive(Debug, Clone)]
pub struct NewToken<'a> {
    /// What it is for (1 to 100 characters).
    pub name: &'a str,
    /// The role it acts with.
    pub role: Role,
    /// Whether it may see special-category data.
    pub special_category: bool,
}

fn check_token_name(name: &str) -> AppResult<&str> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(AppError::Invalid(FieldError::new("name", "must be 1 to 100 characters")));
    }
    Ok(name)
}

fn special_category_role_check(role: Role) -> AppResult<()> {
    if role.may_see_special_category() {
        return Ok(());
    }
    Err(AppError::Invalid(FieldError::new(
        "special_category",
        format!("a {} token never sees personal data, so it cannot be given special-category data", role.label()),
    )))
}

impl App {
    /// Create a token that acts for the person creating it, with `role` (within their
    /// own: an administrator may mint only administrator or auditor tokens). Returns
    /// its details and the secret, which is stored only as a hash and cannot be shown
    /// again. A token may see special-category data only if asked for and the creator
    /// may see it themselves now.
    pub fn create_token_with(&self, ctx: &Context, new: NewToken<'_>) -> AppResult<(TokenInfo, String)> {
        self.require(ctx, Permission::ManageAccess, ObjectType::Token, "")?;
        if !ctx.role.may_issue_token(new.role) {
            let ev = self.event(ctx, Action::TokenCreate, "", Outcome::Denied, format!("role={}", new.role));
            self.store.audit(&ev)?;
            return Err(AppError::Forbidden(ctx.role));
        }
        let name = check_token_name(new.name)?;
        if new.special_category {
            special_category_role_check(new.role)?;
            if !ctx.special_category {
                let ev = self.event(ctx, Action::TokenCreate, "", Outcome::Denied, "special_category");
                self.store.audit(&ev)?;
                return Err(AppError::Invalid(FieldError::new(
                    "special_category",
                    "you can give a token only what you may see yourself: special-category data needs a DPO or \
                     caseworker role with current data-protection training",
                )));
            }
        }
        let owner = match &ctx.on_behalf_of {
            Some(u) => Some(u.clone()),
            None => ctx.actor.strip_prefix("user:").map(str::to_string),
        };
        self.insert_new_token(ctx, name, new.role, owner, new.special_category)
    }

    /// [`App::create_token_with`] for a token without special-category data.
    pub fn create_token(&self, ctx: &Context, name: &str, role: Role) -> AppResult<(TokenInfo, String)> {
        self.create_token_with(ctx, NewToken { name, role, special_category: false })
    }

    /// Create a token at the command line, on the operator's authority: acting for the
    /// user with `user_email` (its role within theirs) or, without one, for the
    /// organisation with `role`. `special_category` grants special-category data (for
    /// DPO and caseworker tokens; a person's token also needs their training current
    /// whenever it is used).
    pub fn create_token_for(
        &self,
        ctx: &Context,
        user_email: Option<&str>,
        role: Option<Role>,
        name: &str,
        special_category: bool,
    ) -> AppResult<(TokenInfo, String)> {
        self.require(ctx, Permission::ManageAccess, ObjectType::Token, "")?;
        let name = check_token_name(name)?;
        let (owner, role) = match user_email {
            Some(email) => {
                let email = email.trim().to_lowercase();
                let u = self
                    .store
                    .user_by_email(&email)?
                    .filter(|u| u.disabled_at.is_none())
                    .ok_or_else(|| AppError::Invalid(FieldError::new("user", "names no active user")))?;
                let user_role: Role = u.role.parse()?;
                let role = role.unwrap_or(user_role);
                if !user_role.may_issue_token(role) {
                    return Err(AppError::Invalid(FieldError::new(
                        "role",
                        format!("a token cannot do more than the person it acts for ({})", user_role.label()),
                    )));
                }
                (Some(u.id), role)
            }
            None => (
                None,
                role.ok_or_else(|| {
                    AppError::Invalid(FieldError::new("role", "give a role, or a user for the token to act for"))
                })?,
            ),
        };
        if special_category {
            special_category_role_check(role)?;
        }
        self.insert_new_token(ctx, name, role, owner, special_category)
    }

    fn insert_new_token(
        &self,
        ctx: &Context,
        name: &str,
        role: Role,
        owner: Option<String>,
        special_category: bool,
    ) -> AppResult<(TokenInfo, String)> {
        let secret = steward_crypto::new_token()?;
        let row = TokenRow {
            id: uuid::Uuid::now_v7().to_string(),
            name: name.into(),
            role: role.as_str().into(),
            token_hash: steward_crypto::token_hash(&secret),
            created_at: self.now_text(),
            revoked_at: None,
            user_id: owner,
            special_category,
        };
        let mut detail = format!("role={role}");
        if let Some(u) = &row.user_id {
            detail.push_str(&format!(" user={u}"));
        }
        if special_category {
            detail.push_str(" special_category=true");
        }
        let ev = self.event(ctx, Action::TokenCreate, &row.id, Outcome::Success, detail);
        self.store.insert_token(&row, &ev)?;
        Ok((row.into(), secret))
    }

    /// The context for a presented bearer secret, if it is a live token whose owner (if
    /// it has one) is active and still holds every permission of the token's role.
    pub fn authenticate_token(&self, secret: &str, request_id: &str) -> AppResult<Option<Context>> {
        if !secret.starts_with(steward_crypto::TOKEN_PREFIX) || secret.len() > 200 {
            return Ok(None);
        }
        let Some(row) = self.store.token_by_hash(&steward_crypto::token_hash(secret))? else {
            return Ok(None);
        };
        let role: Role = row.role.parse()?;
        let owner: Option<UserRow> = match &row.user_id {
            None => None,
            Some(id) => match self.store.user(id)? {
                Some(u) if u.disabled_at.is_none() => Some(u),
                _ => return Ok(None),
            },
        };
        let owner_info = owner.as_ref().map(crate::auth::user_info);
        if let Some(u) = &owner_info
            && !u.role.may_issue_token(role)
        {
            return Ok(None);
        }
        let today = self.today();
        let mut special_category = row.special_category
            && role.may_see_special_category()
            && owner_info.as_ref().is_none_or(|u| u.may_see_special_category(today));
        // The owner's lapsed training on the Training register withdraws it at once, as for
        // the owner signed in; a token acting for the organisation has no training record.
        let training_lapsed_on = match (&owner_info, special_category) {
            (Some(u), true) => self.training_lapsed_on(&u.id, today)?,
            _ => None,
        };
        if training_lapsed_on.is_some() {
            special_category = false;
        }
        Ok(Some(Context {
            on_behalf_of: row.user_id.clone(),
            special_category,
            training_lapsed_on,
            ..Context::new(format!("token:{}", row.id), role, request_id)
        }))
    }

    /// Every token.
    pub fn list_tokens(&self, ctx: &Context) -> AppResult<Vec<TokenInfo>> {
        self.require(ctx, Permission::ManageAccess, ObjectType::Token, "")?;
        Ok(self.store.tokens()?.into_iter().map(TokenInfo::from).collect())
    }

    /// Revoke a token.
    pub fn revoke_token(&self, ctx: &Context, id: &str) -> AppResult<()> {
        self.require(ctx, Permission::ManageAccess, ObjectType::Token, id)?;
        let ev = self.event(ctx, Action::TokenRevoke, id, Outcome::Success, "");
        Ok(self.store.revoke_token(id, &self.now_text(), &ev)?)
    }
}
