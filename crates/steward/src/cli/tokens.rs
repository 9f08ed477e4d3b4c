//! `steward token`: create, list and revoke API tokens.

use super::Failure;
use super::args::TokenCommand;
use super::open::open;
use crate::config::Overrides;
use steward_app::Context;

/// Run a `token` subcommand.
pub(super) fn run(command: TokenCommand) -> Result<(), Failure> {
    match command {
        TokenCommand::Create { dir, name, role, user, special_category } => {
            let (app, _) = open(&dir.data_dir, &Overrides::default())?;
            let (info, secret) =
                app.create_token_for(&Context::cli(), user.as_deref(), role, &name, special_category)?;
            let acts_for = if user.is_some() { "for that user" } else { "for the organisation" };
            let special = if info.special_category { ", may see special-category data" } else { "" };
            println!(
                "Created token {} ({}) with role {}, acting {acts_for}{special}. It is shown once:",
                info.id, info.name, info.role
            );
            println!("{secret}");
            Ok(())
        }
        TokenCommand::List { dir } => {
            let (app, _) = open(&dir.data_dir, &Overrides::default())?;
            for t in app.list_tokens(&Context::cli())? {
                let state = t.revoked_at.map_or("live".to_string(), |r| format!("revoked {r}"));
                let acts_for = t.user_id.as_deref().unwrap_or("organisation");
                let special = if t.special_category { "special-category" } else { "-" };
                println!("{}\t{}\t{acts_for}\t{special}\t{}\t{}\t{state}", t.id, t.role, t.created_at, t.name);
            }
            Ok(())
        }
        TokenCommand::Revoke { dir, id } => {
            let (app, _) = open(&dir.data_dir, &Overrides::default())?;
            app.revoke_token(&Context::cli(), &id)?;
            println!("Revoked token {id}");
            Ok(())
        }
    }
}
