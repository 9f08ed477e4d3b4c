//! `steward demo`: a data directory with the demo organisation and its fictional people
//! (made once, then reused), an account per role with a new password each run, an API
//! token, and the server.

use super::Failure;
use super::open::open;
use super::serve::serve;
use crate::config::Overrides;
use crate::datadir;
use crate::demo::seed_demo;
use std::path::Path;
use steward_app::Context;
use steward_core::Role;
use steward_core::register::training::Training;

/// The demo's sign-in accounts: one per role, and a second caseworker whose
/// data-protection training has lapsed (a gap the compliance check finds).
const DEMO_USERS: [(&str, &str, Role); 6] = [
    ("dpo@demo.example.org", "Dana Okafor", Role::Dpo),
    ("caseworker@demo.example.org", "Callum Reid", Role::Caseworker),
    ("staff@demo.example.org", "Sam Patel", Role::Staff),
    ("auditor@demo.example.org", "Alex Morgan", Role::Auditor),
    ("admin@demo.example.org", "Ash Morrow", Role::Admin),
    ("support.worker@demo.example.org", "Priya Lennox", Role::Caseworker),
];

/// The account whose training lapsed.
const LAPSED_USER: &str = "support.worker@demo.example.org";

/// The course of the lapsed training record, as [`crate::demo::registers::SEEDED_GAPS`] names it.
pub(crate) const LAPSED_COURSE: &str = "Data protection refresher (family support)";

/// How many subjects the demo caseworker is assigned.
const DEMO_CASELOAD: usize = 40;

/// A fresh random demo password: four groups of four letters.
fn demo_password() -> Result<String, Failure> {
    let mut b = [0u8; 16];
    steward_crypto::random_bytes(&mut b)?;
    let letters: String = b.iter().map(|x| char::from(b'a' + x % 26)).collect();
    Ok(format!("{}-{}-{}-{}", &letters[0..4], &letters[4..8], &letters[8..12], &letters[12..16]))
}

/// Make the demo's accounts (with passwords nobody knows until `steward demo` sets new
/// ones), each one's data-protection training in the training register, and the
/// caseworker's caseload. The trained DPO and caseworker see special-category data; the
/// second caseworker's training lapsed three weeks ago, so they do not.
pub(crate) fn create_demo_users(app: &steward_app::App, today: jiff::civil::Date) -> Result<(), Failure> {
    let ctx = Context::cli();
    let at = |months: i64, days: i64| today.checked_add(jiff::Span::new().months(months).days(days)).ok();
    for (email, name, role) in DEMO_USERS {
        let user = app.create_user_with_password(&ctx, email, name, role, &demo_password()?)?;
        let lapsed = email == LAPSED_USER;
        let (course, completed, expires) = if lapsed {
            (LAPSED_COURSE, at(-12, -21), at(0, -21))
        } else {
            ("Data protection essentials", at(-3, 0), at(9, 0))
        };
        let special = role.may_see_special_category();
        let training = Training {
            user_id: user.id.clone(),
            course: course.into(),
            completed_on: completed,
            expires_on: expires,
            special_category_access: special,
            notes: String::new(),
        };
        app.register_create::<Training>(&ctx, training)?;
        if special {
            app.set_user_training(&ctx, &user.id, expires)?;
        }
        if role == Role::Caseworker && !lapsed {
            // Caseworkers see only their cases: give the demo one a caseload.
            for s in app.store().list_subjects(None, DEMO_CASELOAD)? {
                app.assign_subject(&ctx, &s.id, &user.id)?;
            }
        }
    }
    Ok(())
}

/// Seed (or reuse) the demo in `data_dir`, give every demo account a new password, and
/// serve on `listen`.
pub(super) fn demo(data_dir: &Path, listen: &str) -> Result<(), Failure> {
    match seed_demo(data_dir)? {
        Some(count) => println!("Created {count} fictional data subjects in {}", data_dir.display()),
        None => println!("Reusing the demo data in {}", data_dir.display()),
    }
    let (app, config) = open(data_dir, &Overrides::default())?;
    let ctx = Context::cli();
    let mut banner = String::from("Sign in with any of these demo accounts (passwords are new each run):\n");
    for (email, name, role) in DEMO_USERS {
        let password = demo_password()?;
        match app.store().user_by_email(email)? {
            Some(_) => app.set_password_by_email(&ctx, email, &password)?,
            None => {
                app.create_user_with_password(&ctx, email, name, role, &password)?;
            }
        }
        banner.push_str(&format!("  {email:<28} {password}   ({})\n", role.label()));
    }
    // The token acts for the demo DPO, with their sight of special-category data.
    let dpo_email = DEMO_USERS.iter().find(|(_, _, r)| *r == Role::Dpo).map(|(e, _, _)| *e);
    let (_, secret) = app.create_token_for(&ctx, dpo_email, Some(Role::Dpo), "demo session", true)?;
    datadir::hold_shared(data_dir, true).map_err(|m| Failure(m, 1))?;
    banner.push_str(&format!(
        "API token (role dpo, acting for the DPO) for this demo:\n{secret}\nTry: curl -H 'Authorization: Bearer {secret}' 'http://{listen}/api/v1/subjects?name=smi'"
    ));
    serve(app, &config, listen, Some(banner))
}
