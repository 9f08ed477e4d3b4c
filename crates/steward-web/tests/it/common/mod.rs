//! Helpers the web test modules share: the API environment and the signed-in page
//! client, both over `steward-testkit`'s test databases.

pub mod api_env;
pub mod page_client;

use steward_app::{App, Context};
use steward_core::Role;
use steward_core::audit::{Action, Outcome, format_time};

/// An account of `role` stored directly (no password hashing, which is slow in a debug
/// build); its user id. It cannot sign in.
pub fn stored_user(app: &App, email: &str, name: &str, role: Role) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    let row = steward_store::UserRow {
        id: id.clone(),
        email: email.into(),
        display_name: name.into(),
        role: role.as_str().into(),
        password_hash: Some("$argon2id$not-a-real-hash".into()),
        totp_secret: None,
        totp_pending: None,
        totp_enabled: false,
        recovery_codes: Vec::new(),
        failed_logins: 0,
        locked_until: None,
        invite_hash: None,
        invite_expires_at: None,
        training_valid_until: None,
        created_at: format_time(jiff::Timestamp::now()),
        disabled_at: None,
        totp_last_step: 0,
    };
    let ev = Context::cli().event(Action::UserCreate, &id, Outcome::Success, "test fixture");
    app.store().insert_user(&row, &ev).expect("insert user");
    id
}
