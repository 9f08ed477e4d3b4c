//! What the app test modules share: a fresh application on SQLite, and people of each
//! role made through the app (with a password, so sign-in paths can be tested).
#![allow(clippy::expect_used)]

use steward_app::{App, Context};
use steward_core::Role;
use steward_testkit::Database;

/// Every test account's password.
pub const PASSWORD: &str = "plum kettle harbour lantern";

/// A fresh application on a SQLite database kept for as long as the returned handle.
pub fn app() -> (Database, App) {
    let dir = Database::sqlite();
    let app = dir.open_app();
    (dir, app)
}

/// An account of `role`, and the context it acts in.
pub fn user(app: &App, email: &str, name: &str, role: Role) -> Context {
    let u = app.create_user_with_password(&Context::cli(), email, name, role, PASSWORD).expect("create user");
    Context::new(format!("user:{}", u.id), role, "r")
}

/// The user id a context acts for.
pub fn user_id(ctx: &Context) -> String {
    ctx.actor.strip_prefix("user:").expect("a person").to_string()
}
