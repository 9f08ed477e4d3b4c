//! API tokens: creation (the secret is shown once), authentication and revocation.

use crate::{App, AppError, AppResult, Context};
use serde::Serialize;
use steward_core::audit::Outcome;
use steward_core::{FieldError, Permission, Role};
use steward_store::TokenRow;
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
    /// Created.
    pub created_at: String,
    /// Revoked, if it was.
    pub revoked_at: Option<String>,
}

impl From<TokenRow> for TokenInfo {
    fn from(t: TokenRow) -> Self {
        Self { id: t.id, name: t.name, role: t.role, created_at: t.created_at, revoked_at: t.revoked_at }
    }
}

impl App {
    /// Create a token acting with `role`. Returns its details and the secret, which is
    /// stored only as a hash and cannot be shown again.
    pub fn create_token(&self, ctx: &Context, name: &str, role: Role) -> AppResult<(TokenInfo, String)> {
        self.require(ctx, Permission::ManageAccess, "token", "")?;
        // As for accounts (`invite_user`, `set_user_role`): only a DPO may hand out a DPO's rights.
        self.require_dpo_for_dpo(ctx, role == Role::Dpo, "token", "")?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
            return Err(AppError::Invalid(FieldError::new("name", "must be 1 to 100 characters")));
        }
        let secret = steward_crypto::new_token()?;
        let row = TokenRow {
            id: uuid::Uuid::now_v7().to_string(),
            name: name.into(),
            role: role.as_str().into(),
            token_hash: steward_crypto::token_hash(&secret),
            created_at: steward_store::now(),
            revoked_at: None,
        };
        let ev = ctx.event("token.create", "token", &row.id, Outcome::Success, format!("role={role}"));
        self.store.insert_token(&row, &ev)?;
        Ok((row.into(), secret))
    }

    /// The context for a presented bearer secret, if it is a live token.
    pub fn authenticate_token(&self, secret: &str, request_id: &str) -> AppResult<Option<Context>> {
        if !secret.starts_with(steward_crypto::TOKEN_PREFIX) || secret.len() > 200 {
            return Ok(None);
        }
        let Some(row) = self.store.token_by_hash(&steward_crypto::token_hash(secret))? else {
            return Ok(None);
        };
        let role: Role = row.role.parse()?;
        Ok(Some(Context { actor: format!("token:{}", row.id), role, request_id: request_id.into() }))
    }

    /// Every token.
    pub fn list_tokens(&self, ctx: &Context) -> AppResult<Vec<TokenInfo>> {
        self.require(ctx, Permission::ManageAccess, "token", "")?;
        Ok(self.store.tokens()?.into_iter().map(TokenInfo::from).collect())
    }

    /// Revoke a token.
    pub fn revoke_token(&self, ctx: &Context, id: &str) -> AppResult<()> {
        self.require(ctx, Permission::ManageAccess, "token", id)?;
        let ev = ctx.event("token.revoke", "token", id, Outcome::Success, "");
        Ok(self.store.revoke_token(id, &steward_store::now(), &ev)?)
    }
}
