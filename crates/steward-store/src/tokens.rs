//! API tokens: only a SHA-256 of each secret is stored; the secret is shown once.

use crate::audit::append_in;
use crate::sql::{Row, Val};
use crate::{Store, StoreError};
use serde::{Deserialize, Serialize};
use steward_core::audit::AuditEvent;

/// A stored API token (without its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRow {
    /// Id.
    pub id: String,
    /// What the token is for, e.g. "Housing CRM integration".
    pub name: String,
    /// Role machine name.
    pub role: String,
    /// SHA-256 (hex) of the secret.
    pub token_hash: String,
    /// When created.
    pub created_at: String,
    /// When revoked, if it was.
    pub revoked_at: Option<String>,
    /// The user the token acts for (it can never do more than they can); `None` for a
    /// token made at the command line that acts for the organisation with its role.
    #[serde(default)]
    pub user_id: Option<String>,
    /// Whether the token may see special-category data (when its role and owner may).
    #[serde(default)]
    pub special_category: bool,
}

pub(crate) const COLUMNS: &str = "id, name, role, token_hash, created_at, revoked_at, user_id, special_category";

pub(crate) fn token(r: &Row) -> Result<TokenRow, StoreError> {
    Ok(TokenRow {
        id: r.text(0)?,
        name: r.text(1)?,
        role: r.text(2)?,
        token_hash: r.text(3)?,
        created_at: r.text(4)?,
        revoked_at: r.opt_text(5)?,
        user_id: r.opt_text(6)?,
        special_category: r.int(7)? != 0,
    })
}

/// Every token, by id (a backup).
pub(crate) fn all_tokens(tx: &mut dyn crate::sql::Tx) -> Result<Vec<TokenRow>, StoreError> {
    tx.query(&format!("SELECT {COLUMNS} FROM api_tokens ORDER BY id"), &[])?.iter().map(token).collect()
}

pub(crate) fn insert_token_row(tx: &mut dyn crate::sql::Tx, t: &TokenRow) -> Result<(), StoreError> {
    tx.exec(
        &format!("INSERT INTO api_tokens ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"),
        &[
            Val::Text(&t.id),
            Val::Text(&t.name),
            Val::Text(&t.role),
            Val::Text(&t.token_hash),
            Val::Text(&t.created_at),
            Val::OptText(t.revoked_at.as_deref()),
            Val::OptText(t.user_id.as_deref()),
            Val::Int(i64::from(t.special_category)),
        ],
    )?;
    Ok(())
}

impl Store {
    /// Store a new token, with an audit entry.
    pub fn insert_token(&self, t: &TokenRow, event: &AuditEvent) -> Result<(), StoreError> {
        self.write(|tx| {
            insert_token_row(tx, t)?;
            append_in(tx, std::slice::from_ref(event))?;
            Ok(())
        })
    }

    /// The live (not revoked) token whose secret hashes to `hash`.
    pub fn token_by_hash(&self, hash: &str) -> Result<Option<TokenRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!("SELECT {COLUMNS} FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL"),
                &[Val::Text(hash)],
            )?
            .first()
            .map(token)
            .transpose()
        })
    }

    /// One token by id (live or revoked).
    pub fn token(&self, id: &str) -> Result<Option<TokenRow>, StoreError> {
        self.read(|tx| {
            tx.query(&format!("SELECT {COLUMNS} FROM api_tokens WHERE id = $1"), &[Val::Text(id)])?
                .first()
                .map(token)
                .transpose()
        })
    }

    /// Every token, newest first.
    pub fn tokens(&self) -> Result<Vec<TokenRow>, StoreError> {
        self.read(|tx| {
            tx.query(&format!("SELECT {COLUMNS} FROM api_tokens ORDER BY created_at DESC"), &[])?
                .iter()
                .map(token)
                .collect()
        })
    }

    /// Revoke a token, with an audit entry.
    pub fn revoke_token(&self, id: &str, at: &str, event: &AuditEvent) -> Result<(), StoreError> {
        self.write(|tx| {
            let n = tx.exec(
                "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                &[Val::Text(id), Val::Text(at)],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(format!("live token {id}")));
            }
            append_in(tx, std::slice::from_ref(event))?;
            Ok(())
        })
    }
}
