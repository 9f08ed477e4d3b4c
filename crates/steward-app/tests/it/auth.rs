//! Sign-in rules, tested through the application on SQLite: generic failures, lock-out,
//! per-client throttling, first-run set-up, invitations, two-factor enrolment and codes,
//! recovery codes, sessions and administrators' powers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{PASSWORD, app};
use steward_app::auth::{MAX_FAILED_SIGN_INS, SIGN_IN_ATTEMPTS_PER_WINDOW, Stage};
use steward_app::{App, AppError, Context};
use steward_core::Role;
use steward_testkit::Database;

fn with_user(role: Role) -> (Database, App, String) {
    let (dir, app) = app();
    app.set_two_factor_enforced(&Context::cli(), false).unwrap();
    let u = app
        .create_user_with_password(&Context::cli(), "aisha.begum@example.org", "Aisha Begum", role, PASSWORD)
        .unwrap();
    (dir, app, u.id)
}

/// The current TOTP code for the secret shown at enrolment.
fn code_for(secret_base32: &str) -> String {
    code_at(secret_base32, 0)
}

/// The TOTP code `steps` 30-second steps from now (one step either way is accepted).
fn code_at(secret_base32: &str, steps: i64) -> String {
    let secret = totp_rs::Secret::Encoded(secret_base32.to_string()).to_bytes().unwrap();
    let at = u64::try_from(jiff::Timestamp::now().as_second() + steps * 30).unwrap();
    totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, secret, None, "x".into()).unwrap().generate(at)
}

#[test]
fn unknown_accounts_and_wrong_passwords_fail_alike_and_five_failures_lock() {
    let (_d, app, _) = with_user(Role::Caseworker);
    let unknown = app.sign_in("nobody@example.org", PASSWORD, "203.0.113.1", "r").unwrap_err();
    let wrong = app.sign_in("aisha.begum@example.org", "wrong wrong wrong", "203.0.113.1", "r").unwrap_err();
    assert!(matches!(unknown, AppError::SignInFailed) && matches!(wrong, AppError::SignInFailed));
    assert_eq!(unknown.to_string(), wrong.to_string());
    for _ in 1..MAX_FAILED_SIGN_INS {
        let _ = app.sign_in("aisha.begum@example.org", "wrong wrong wrong", "203.0.113.1", "r");
    }
    // Locked: even the right password fails, with the same words.
    let locked = app.sign_in("Aisha.Begum@example.org", PASSWORD, "203.0.113.1", "r").unwrap_err();
    assert_eq!(locked.to_string(), wrong.to_string());
    // An administrator can unlock.
    let id = app.store().user_by_email("aisha.begum@example.org").unwrap().unwrap().id;
    app.unlock_user(&Context::cli(), &id).unwrap();
    assert!(app.sign_in("aisha.begum@example.org", PASSWORD, "203.0.113.1", "r").is_ok());
    // Denied attempts are audited without the address or the password.
    let entries = app
        .store()
        .audit_entries(&steward_store::AuditFilter {
            action: Some("user.sign_in".into()),
            limit: 50,
            ..Default::default()
        })
        .unwrap();
    assert!(entries.iter().any(|e| e.event.outcome == "denied"));
    assert!(entries.iter().all(|e| !e.event.detail.contains("203.0.113")
        && !e.event.detail.contains("wrong wrong")
        && !e.event.detail.contains("kettle")));
}

#[test]
fn one_client_is_throttled_whatever_accounts_it_tries() {
    let (_d, app, _) = with_user(Role::Dpo);
    for i in 0..SIGN_IN_ATTEMPTS_PER_WINDOW {
        let _ = app.sign_in(&format!("guess{i}@example.org"), "x", "198.51.100.7", "r");
    }
    assert!(matches!(
        app.sign_in("aisha.begum@example.org", PASSWORD, "198.51.100.7", "r"),
        Err(AppError::RateLimited)
    ));
    // Another client is unaffected.
    assert!(app.sign_in("aisha.begum@example.org", PASSWORD, "198.51.100.8", "r").is_ok());
}

#[test]
fn first_run_set_up_needs_the_printed_code_and_works_once() {
    let (_d, app) = app();
    let code = app.setup_code().unwrap().expect("no users yet");
    assert!(matches!(
        app.complete_setup("not the code", "dpo@example.org", "Dana Okafor", PASSWORD, Role::Dpo),
        Err(AppError::Invalid(e)) if e.field == "code"
    ));
    assert!(matches!(
        app.complete_setup(&code, "dpo@example.org", "Dana Okafor", "short", Role::Dpo),
        Err(AppError::Invalid(e)) if e.field == "password"
    ));
    assert!(matches!(
        app.complete_setup(&code, "dpo@example.org", "Dana Okafor", PASSWORD, Role::Staff),
        Err(AppError::Invalid(e)) if e.field == "role"
    ));
    let u = app.complete_setup(&code, "dpo@example.org", "Dana Okafor", PASSWORD, Role::Dpo).unwrap();
    assert_eq!(u.role, Role::Dpo);
    assert!(app.setup_code().unwrap().is_none(), "no set-up once someone can sign in");
    assert!(app.complete_setup(&code, "second@example.org", "Second", PASSWORD, Role::Dpo).is_err());
    // Two-factor is compulsory by default: the first sign-in must enrol.
    let s = app.sign_in("dpo@example.org", PASSWORD, "127.0.0.1", "r").unwrap();
    assert_eq!(s.stage, Stage::Enrol);
}

#[test]
fn invitations_work_once_and_only_a_dpo_can_make_a_dpo() {
    let (_d, app) = app();
    let admin = app
        .create_user_with_password(&Context::cli(), "ash@example.org", "Ash Williams", Role::Admin, PASSWORD)
        .unwrap();
    let admin_ctx = Context::new(format!("user:{}", admin.id), Role::Admin, "r");
    assert!(matches!(
        app.invite_user(&admin_ctx, "new.dpo@example.org", "New DPO", Role::Dpo),
        Err(AppError::Forbidden(_))
    ));
    let (user, token) = app.invite_user(&admin_ctx, "callum@example.org", "Callum Reid", Role::Caseworker).unwrap();
    assert!(user.invited);
    assert_eq!(app.invitation(&token).unwrap().unwrap().id, user.id);
    assert!(
        matches!(app.accept_invite(&token, "callum@example.org"), Err(AppError::Invalid(e)) if e.field == "password")
    );
    app.accept_invite(&token, PASSWORD).unwrap();
    assert!(app.invitation(&token).unwrap().is_none(), "used up");
    assert!(app.accept_invite(&token, PASSWORD).is_err());
    // Duplicate email refused; an admin cannot promote someone to DPO or change their own role.
    assert!(app.invite_user(&admin_ctx, "CALLUM@example.org", "Callum Again", Role::Staff).is_err());
    assert!(matches!(app.set_user_role(&admin_ctx, &user.id, Role::Dpo), Err(AppError::Forbidden(_))));
    assert!(app.set_user_role(&admin_ctx, &admin.id, Role::Dpo).is_err());
    // A caseworker cannot manage users at all.
    let cw = Context::new(format!("user:{}", user.id), Role::Caseworker, "r");
    assert!(matches!(app.list_users(&cw), Err(AppError::Forbidden(_))));
}

#[test]
fn two_factor_enrolment_codes_and_recovery_codes() {
    let (_d, app, user_id) = with_user(Role::Caseworker);
    let s = app.sign_in("aisha.begum@example.org", PASSWORD, "127.0.0.1", "r").unwrap();
    assert_eq!(s.stage, Stage::Full);
    let e = app.start_enrolment(&s.token).unwrap();
    assert!(e.qr_svg.starts_with("<?xml") || e.qr_svg.contains("<svg"));
    assert!(e.otpauth_url.starts_with("otpauth://totp/"));
    // Reloading the page shows the same secret.
    assert_eq!(app.start_enrolment(&s.token).unwrap().secret_base32, e.secret_base32);
    assert!(app.confirm_enrolment(&s.token, "000000", "r").is_err() || code_for(&e.secret_base32) == "000000");
    let (full, codes) = app.confirm_enrolment(&s.token, &code_for(&e.secret_base32), "r").unwrap();
    assert_eq!(codes.len(), 10);
    assert!(app.session(&s.token, "r").unwrap().is_none(), "enrolment rotates the session");
    assert!(app.session(&full.token, "r").unwrap().is_some());

    // Next sign-in asks for a code; a pending session cannot be used as a full one.
    let pending = app.sign_in("aisha.begum@example.org", PASSWORD, "127.0.0.1", "r").unwrap();
    assert_eq!(pending.stage, Stage::Totp);
    assert_eq!(app.session(&pending.token, "r").unwrap().unwrap().stage, Stage::Totp);
    assert!(app.verify_second_factor(&pending.token, "123456x", "r").is_err());
    // The code that switched two-factor on was spent; the next step's code is good.
    let ok = app.verify_second_factor(&pending.token, &code_at(&e.secret_base32, 1), "r").unwrap();
    assert_eq!(ok.stage, Stage::Full);
    assert!(app.session(&pending.token, "r").unwrap().is_none(), "rotated");

    // A recovery code works once, with or without its dash.
    let p2 = app.sign_in("aisha.begum@example.org", PASSWORD, "127.0.0.1", "r").unwrap();
    app.verify_second_factor(&p2.token, &codes[3].to_uppercase(), "r").unwrap();
    let p3 = app.sign_in("aisha.begum@example.org", PASSWORD, "127.0.0.1", "r").unwrap();
    assert!(app.verify_second_factor(&p3.token, &codes[3].replace('-', ""), "r").is_err());

    // Resetting two-factor ends every session.
    let all = app.store().user(&user_id).unwrap().unwrap();
    assert!(all.totp_enabled);
    app.reset_user_2fa(&Context::cli(), &user_id).unwrap();
    assert!(app.session(&ok.token, "r").unwrap().is_none());
}

/// OWASP ASVS 5.0 V6.5.1: a time-based code signs in once. The same code (and any code
/// of an earlier step) is refused afterwards, saying so, and the refusal is audited.
#[test]
fn a_totp_code_cannot_be_replayed() {
    let (_d, app, user_id) = with_user(Role::Caseworker);
    let s = app.sign_in("aisha.begum@example.org", PASSWORD, "127.0.0.1", "r").unwrap();
    let e = app.start_enrolment(&s.token).unwrap();
    app.confirm_enrolment(&s.token, &code_at(&e.secret_base32, -1), "r").unwrap();
    // The enrolment code is spent, and so is every step up to it.
    let p = app.sign_in("aisha.begum@example.org", PASSWORD, "127.0.0.1", "r").unwrap();
    match app.verify_second_factor(&p.token, &code_at(&e.secret_base32, -1), "r") {
        Err(AppError::Invalid(f)) => assert!(f.message.contains("already been used"), "{}", f.message),
        other => panic!("a replayed code must be refused, got {other:?}"),
    }
    let code = code_at(&e.secret_base32, 0);
    let first = app.verify_second_factor(&p.token, &code, "r").unwrap();
    assert_eq!(first.stage, Stage::Full);
    // The same code again, on a new sign-in: refused.
    let again = app.sign_in("aisha.begum@example.org", PASSWORD, "127.0.0.1", "r").unwrap();
    assert!(matches!(app.verify_second_factor(&again.token, &code, "r"), Err(AppError::Invalid(_))));
    // An earlier step's code is refused too; the next step's is good.
    assert!(app.verify_second_factor(&again.token, &code_at(&e.secret_base32, -1), "r").is_err());
    assert!(app.verify_second_factor(&again.token, &code_at(&e.secret_base32, 1), "r").is_ok());
    let denied = app
        .store()
        .audit_entries(&steward_store::AuditFilter {
            action: Some("user.sign_in".into()),
            object_id: Some(user_id),
            limit: 50,
            ..Default::default()
        })
        .unwrap();
    assert!(denied.iter().any(|e| e.event.outcome == "denied" && e.event.detail == "code already used"));
}

/// Signing in again from a browser ends the session it held (OWASP ASVS 5.0 V7.2.4).
#[test]
fn signing_in_again_ends_the_browsers_previous_session() {
    let (_d, app, _) = with_user(Role::Dpo);
    let first = app.sign_in("aisha.begum@example.org", PASSWORD, "127.0.0.1", "r").unwrap();
    let second =
        app.sign_in_replacing("aisha.begum@example.org", PASSWORD, "127.0.0.1", "r", Some(&first.token)).unwrap();
    assert!(app.session(&first.token, "r").unwrap().is_none(), "the old session ended");
    assert!(app.session(&second.token, "r").unwrap().is_some());
    // A failed attempt leaves the existing session alone.
    assert!(app.sign_in_replacing("aisha.begum@example.org", "wrong", "127.0.0.1", "r", Some(&second.token)).is_err());
    assert!(app.session(&second.token, "r").unwrap().is_some());
}

/// Making two-factor sign-in compulsory signs out the sessions that never passed it:
/// they may only set two-factor up, and see no special-category data meanwhile.
#[test]
fn requiring_two_factor_ends_sessions_without_it() {
    let (_d, app, user_id) = with_user(Role::Dpo);
    app.set_user_training(&Context::cli(), &user_id, Some(jiff::civil::date(2099, 1, 1))).unwrap();
    let s = app.sign_in("aisha.begum@example.org", PASSWORD, "127.0.0.1", "r").unwrap();
    assert_eq!(s.stage, Stage::Full);
    assert!(app.session(&s.token, "r").unwrap().unwrap().ctx.special_category);
    app.set_two_factor_enforced(&Context::cli(), true).unwrap();
    let now = app.session(&s.token, "r").unwrap().expect("still known");
    assert_eq!(now.stage, Stage::Enrol, "a password-only session may only enrol");
    assert!(!now.ctx.special_category);
    assert_eq!(app.session(&s.token, "r").unwrap().unwrap().stage, Stage::Enrol, "and stays so");
    let again = app.sign_in("aisha.begum@example.org", PASSWORD, "127.0.0.1", "r").unwrap();
    assert_eq!(again.stage, Stage::Enrol, "the next sign-in sets it up too");
}

#[test]
fn sign_out_everywhere_and_disabling_end_sessions() {
    let (_d, app, user_id) = with_user(Role::Dpo);
    let a = app.sign_in("aisha.begum@example.org", PASSWORD, "127.0.0.1", "r").unwrap();
    let b = app.sign_in("aisha.begum@example.org", PASSWORD, "127.0.0.2", "r").unwrap();
    let ctx = app.session(&a.token, "r").unwrap().unwrap().ctx;
    assert_eq!(app.sign_out_everywhere(&ctx).unwrap(), 2);
    assert!(app.session(&b.token, "r").unwrap().is_none());
    let c = app.sign_in("aisha.begum@example.org", PASSWORD, "127.0.0.1", "r").unwrap();
    assert!(app.set_user_disabled(&ctx, &user_id, true).is_err(), "nobody disables themselves");
    app.set_user_disabled(&Context::cli(), &user_id, true).unwrap();
    assert!(app.session(&c.token, "r").unwrap().is_none());
    assert!(matches!(app.sign_in("aisha.begum@example.org", PASSWORD, "127.0.0.1", "r"), Err(AppError::SignInFailed)));
    // A forged or over-long cookie is simply no session.
    assert!(app.session("stw_forged", "r").unwrap().is_none());
    assert!(app.session(&"x".repeat(10_000), "r").unwrap().is_none());
}

#[test]
fn special_category_data_needs_the_right_role_and_current_training() {
    let (_d, app, user_id) = with_user(Role::Caseworker);
    let today = jiff::civil::date(2026, 11, 23);
    let u = app.get_user(&Context::cli(), &user_id).unwrap();
    assert!(!u.may_see_special_category(today), "no training record");
    let u = app.set_user_training(&Context::cli(), &user_id, Some(jiff::civil::date(2027, 3, 31))).unwrap();
    assert!(u.may_see_special_category(today));
    assert!(!u.may_see_special_category(jiff::civil::date(2027, 4, 1)), "lapsed");
    let a = app.set_user_role(&Context::cli(), &user_id, Role::Auditor).unwrap();
    assert!(!a.may_see_special_category(today), "auditors never see personal data");
}

#[test]
fn caseworkers_see_only_subjects_assigned_to_them_or_recorded_by_them() {
    let (_d, app) = app();
    let cli = Context::cli();
    let cw =
        app.create_user_with_password(&cli, "callum@example.org", "Callum Reid", Role::Caseworker, PASSWORD).unwrap();
    let other_cw =
        app.create_user_with_password(&cli, "priya@example.org", "Priya Shah", Role::Caseworker, PASSWORD).unwrap();
    let ctx = Context::new(format!("user:{}", cw.id), Role::Caseworker, "r");
    let jane = steward_core::subject::NewSubject {
        given_name: "Jane".into(),
        family_name: "Smith".into(),
        emails: vec!["jane@example.org".into()],
        ..Default::default()
    };
    let id = app.create_subject(&cli, jane).unwrap().id;

    // Not assigned: refused (and audited), and search does not show her.
    assert!(matches!(app.get_subject(&ctx, &id), Err(AppError::Forbidden(_))));
    let q = steward_app::SearchQuery { email: Some("jane@example.org".into()), ..Default::default() };
    assert!(app.search_subjects(&ctx, &q).unwrap().is_empty());
    assert!(matches!(app.update_subject(&ctx, &id, Default::default()), Err(AppError::Forbidden(_))));
    // Only a DPO assigns, and only to a caseworker.
    assert!(matches!(app.assign_subject(&ctx, &id, &cw.id), Err(AppError::Forbidden(_))));
    let admin = app.create_user_with_password(&cli, "ash@example.org", "Ash Williams", Role::Admin, PASSWORD).unwrap();
    assert!(matches!(app.assign_subject(&cli, &id, &admin.id), Err(AppError::Invalid(_))));

    app.assign_subject(&cli, &id, &cw.id).unwrap();
    assert_eq!(app.get_subject(&ctx, &id).unwrap().id, id);
    assert_eq!(app.search_subjects(&ctx, &q).unwrap().len(), 1);
    let other_ctx = Context::new(format!("user:{}", other_cw.id), Role::Caseworker, "r");
    assert!(matches!(app.get_subject(&other_ctx, &id), Err(AppError::Forbidden(_))), "assignment is per person");

    // What a caseworker records themselves, they can see.
    let own = steward_core::subject::NewSubject {
        given_name: "Kwame".into(),
        family_name: "Mensah".into(),
        ..Default::default()
    };
    let own_id = app.create_subject(&ctx, own).unwrap().id;
    assert!(app.get_subject(&ctx, &own_id).is_ok());
    assert!(app.get_subject(&other_ctx, &own_id).is_err());

    // Taking access away works, and the DPO sees who had it.
    assert_eq!(app.subject_access_list(&cli, &id).unwrap().len(), 1);
    app.unassign_subject(&cli, &id, &cw.id).unwrap();
    assert!(app.get_subject(&ctx, &id).is_err());
    let denials = app
        .store()
        .audit_entries(&steward_store::AuditFilter {
            action: Some("subject.need_to_know".into()),
            limit: 50,
            ..Default::default()
        })
        .unwrap();
    assert!(denials.len() >= 3 && denials.iter().all(|e| e.event.outcome == "denied"));
}
