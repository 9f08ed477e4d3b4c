//! One permission model for people and API tokens, tested through the application on
//! SQLite: a token acts for the person who made it and never does more than they can;
//! need to know on every path a caseworker token takes; the public inbox by assignment;
//! and special-category data (UK GDPR Art 9, Art 10) shown only to a role that grants
//! it, with current training, and for tokens only when granted. All people fictional.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::PASSWORD;
use steward_app::tokens::NewToken;
use steward_app::{App, AppError, Context, SearchQuery};
use steward_core::Role;
use steward_core::subject::{NewSubject, SpecialCategory, SubjectPatch};
use steward_testkit::Database;

fn app() -> (Database, App) {
    let dir = Database::sqlite();
    let app = dir.open_app();
    app.set_two_factor_enforced(&Context::cli(), false).unwrap();
    (dir, app)
}

/// A person of `role`, and their signed-in context (as a session gives it).
fn person(app: &App, email: &str, role: Role) -> (String, Context) {
    let u = app.create_user_with_password(&Context::cli(), email, "Fictional Person", role, PASSWORD).unwrap();
    let s = app.sign_in(email, PASSWORD, email, "r").unwrap();
    (u.id, app.session(&s.token, "r").unwrap().unwrap().ctx)
}

/// The context a bearer secret gives, if any.
fn as_token(app: &App, secret: &str) -> Option<Context> {
    app.authenticate_token(secret, "r").unwrap()
}

fn child(app: &App) -> String {
    let s = NewSubject {
        given_name: "Maisie".into(),
        family_name: "Okonjo".into(),
        date_of_birth: Some(jiff::civil::date(2017, 5, 2)),
        emails: vec!["okonjo.family@example.org".into()],
        identifiers: steward_core::subject::Identifiers {
            nhs_number: Some("943 476 5919".into()),
            ..Default::default()
        },
        special_category: Some(SpecialCategory {
            health: Some("Type 1 diabetes; insulin pump".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    app.create_subject(&Context::cli(), s).unwrap().id
}

fn audited(app: &App, action: &str) -> Vec<steward_core::audit::AuditRecord> {
    app.store()
        .audit_entries(&steward_store::AuditFilter { action: Some(action.into()), limit: 500, ..Default::default() })
        .unwrap()
}

fn next_year() -> jiff::civil::Date {
    let today = steward_app::public::uk_date(jiff::Timestamp::now());
    jiff::civil::date(today.year() + 1, today.month(), 1)
}

/// Finding 1: an administrator could mint a caseworker token and read a child's record.
#[test]
fn an_administrator_cannot_reach_personal_data_through_a_token() {
    let (_d, app) = app();
    let id = child(&app);
    let (_, admin) = person(&app, "ash.admin@example.org", Role::Admin);
    for role in [Role::Caseworker, Role::Dpo, Role::Staff] {
        assert!(
            matches!(app.create_token(&admin, "x", role), Err(AppError::Forbidden(Role::Admin))),
            "an administrator must not mint a {role} token"
        );
    }
    assert!(!audited(&app, "token.create").iter().any(|e| e.event.outcome == "success"));
    // What they may mint never reads a subject.
    for role in [Role::Admin, Role::Auditor] {
        let (info, secret) = app.create_token(&admin, "reporting", role).unwrap();
        assert!(info.user_id.is_some(), "the token acts for the administrator");
        let ctx = as_token(&app, &secret).unwrap();
        assert!(matches!(app.get_subject(&ctx, &id), Err(AppError::Forbidden(_))));
    }
    // Nor can they ask for special-category data on a token.
    let new = NewToken { name: "x", role: Role::Auditor, special_category: true };
    assert!(matches!(app.create_token_with(&admin, new), Err(AppError::Invalid(f)) if f.field == "special_category"));
}

/// Findings 1 and 2: a caseworker's token sees only its owner's cases, on every path.
#[test]
fn a_caseworker_token_sees_only_its_owners_cases() {
    let (_d, app) = app();
    let id = child(&app);
    let (cw_id, _) = person(&app, "callum.reid@example.org", Role::Caseworker);
    let (_, secret) =
        app.create_token_for(&Context::cli(), Some("callum.reid@example.org"), None, "Callum's CRM", false).unwrap();
    let ctx = as_token(&app, &secret).unwrap();
    assert_eq!(ctx.role, Role::Caseworker);
    assert_eq!(ctx.need_to_know_key(), Some(cw_id.as_str()));

    let q = SearchQuery { email: Some("okonjo.family@example.org".into()), ..Default::default() };
    assert!(matches!(app.get_subject(&ctx, &id), Err(AppError::Forbidden(_))), "unassigned: 403");
    assert!(app.search_subjects(&ctx, &q).unwrap().is_empty(), "search shows what the owner may see");
    assert!(matches!(app.notes(&ctx, &id), Err(AppError::Forbidden(_))));
    assert!(matches!(app.documents(&ctx, &id), Err(AppError::Forbidden(_))));
    let note = steward_app::records::NewNote { text: "Called the family".into(), category: None, source: None };
    assert!(matches!(app.add_note(&ctx, &id, note.clone()), Err(AppError::Forbidden(_))));
    let ground = steward_app::erasure::RestrictionGround::AccuracyContested;
    assert!(matches!(app.restrict_subject(&ctx, &id, ground, None), Err(AppError::Forbidden(_))));
    assert!(matches!(app.update_subject(&ctx, &id, SubjectPatch::default()), Err(AppError::Forbidden(_))));
    assert!(!audited(&app, "subject.need_to_know").is_empty(), "refusals are audited");

    // Assigned to the owner: the token sees it too.
    app.assign_subject(&Context::cli(), &id, &cw_id).unwrap();
    assert_eq!(app.get_subject(&ctx, &id).unwrap().id, id);
    assert_eq!(app.search_subjects(&ctx, &q).unwrap().len(), 1);
    assert!(app.add_note(&ctx, &id, note).is_ok());
}

/// A token made without a person acts for the organisation: a caseworker token of that
/// kind sees nobody until cases are assigned to the token itself.
#[test]
fn an_organisation_caseworker_token_sees_only_cases_assigned_to_it() {
    let (_d, app) = app();
    let id = child(&app);
    let (info, secret) =
        app.create_token_for(&Context::cli(), None, Some(Role::Caseworker), "Family hub", false).unwrap();
    let ctx = as_token(&app, &secret).unwrap();
    assert!(matches!(app.get_subject(&ctx, &id), Err(AppError::Forbidden(_))));
    let key = format!("token:{}", info.id);
    assert!(app.case_assignees(&Context::cli()).unwrap().iter().any(|(k, _)| *k == key));
    app.assign_subject(&Context::cli(), &id, &key).unwrap();
    assert_eq!(app.get_subject(&ctx, &id).unwrap().id, id);
    // Revoked tokens cannot be given cases.
    app.revoke_token(&Context::cli(), &info.id).unwrap();
    assert!(matches!(app.assign_subject(&Context::cli(), &id, &key), Err(AppError::Invalid(_))));
    assert!(as_token(&app, &secret).is_none());
}

/// A token never outlives its owner's standing: disabled, or moved to a lesser role,
/// and it stops working.
#[test]
fn a_token_stops_when_its_owner_is_disabled_or_loses_the_role() {
    let (_d, app) = app();
    let (dpo_id, dpo) = person(&app, "dana.okafor@example.org", Role::Dpo);
    let (_, secret) = app.create_token(&dpo, "Dana's script", Role::Dpo).unwrap();
    assert!(as_token(&app, &secret).is_some());
    app.set_user_role(&Context::cli(), &dpo_id, Role::Caseworker).unwrap();
    assert!(as_token(&app, &secret).is_none(), "a DPO token of someone who is now a caseworker");
    app.set_user_role(&Context::cli(), &dpo_id, Role::Dpo).unwrap();
    assert!(as_token(&app, &secret).is_some());
    app.set_user_disabled(&Context::cli(), &dpo_id, true).unwrap();
    assert!(as_token(&app, &secret).is_none(), "owner disabled");
    // The command line cannot make a token above its user's role either.
    let (_, _) = person(&app, "sam.staff@example.org", Role::Staff);
    let over = app.create_token_for(&Context::cli(), Some("sam.staff@example.org"), Some(Role::Caseworker), "x", false);
    assert!(matches!(over, Err(AppError::Invalid(f)) if f.field == "role"));
    let unknown = app.create_token_for(&Context::cli(), Some("nobody@example.org"), None, "x", false);
    assert!(matches!(unknown, Err(AppError::Invalid(f)) if f.field == "user"));
}

/// Finding 3: the public inbox follows need to know.
#[test]
fn caseworkers_see_only_the_submissions_given_to_them() {
    let (_d, app) = app();
    let input = steward_app::public::PublicInput {
        kind: "request".into(),
        right: "access".into(),
        name: "Marguerite Okonkwo-Hale".into(),
        email: "m.okonkwo-hale@example.org".into(),
        on_behalf: "no".into(),
        details: "Please send me a copy of my tenancy file.".into(),
        form_token: app.public_form_token_at(jiff::Timestamp::now() - jiff::SignedDuration::from_secs(10)),
        ..Default::default()
    };
    app.submit(input, "203.0.113.9").unwrap();
    let cli = Context::cli();
    let sub = app.list_submissions(&cli, 1).unwrap().items[0].id.clone();
    let (cw_id, cw) = person(&app, "callum.reid@example.org", Role::Caseworker);
    assert_eq!(app.list_submissions(&cw, 1).unwrap().total, 0);
    assert!(matches!(app.get_submission(&cw, &sub), Err(AppError::Forbidden(_))));
    let status = steward_app::public::SubmissionStatus::Closed;
    assert!(matches!(app.set_submission_status(&cw, &sub, status), Err(AppError::Forbidden(_))));
    assert!(!audited(&app, "submission.need_to_know").is_empty());
    // Only the DPO assigns, and only to a caseworker.
    assert!(matches!(app.assign_submission(&cw, &sub, Some(&cw_id)), Err(AppError::Forbidden(_))));
    let (admin_id, _) = person(&app, "ash.admin@example.org", Role::Admin);
    assert!(matches!(app.assign_submission(&cli, &sub, Some(&admin_id)), Err(AppError::Invalid(_))));
    app.assign_submission(&cli, &sub, Some(&cw_id)).unwrap();
    assert_eq!(app.list_submissions(&cw, 1).unwrap().total, 1);
    assert_eq!(app.get_submission(&cw, &sub).unwrap().name, "Marguerite Okonkwo-Hale");
    app.assign_submission(&cli, &sub, None).unwrap();
    assert!(app.get_submission(&cw, &sub).is_err());
}

/// Special-category data: a DPO token without the grant does not see the health text;
/// one with it does, and that view is audited as its own action.
#[test]
fn special_category_data_reaches_only_tokens_given_it() {
    let (_d, app) = app();
    let id = child(&app);
    let cli = Context::cli();
    let (_, plain) = app.create_token(&cli, "Reports", Role::Dpo).unwrap();
    let (_, granted) =
        app.create_token_for(&cli, None, Some(Role::Dpo), "Safeguarding", true).expect("operator's grant");
    let seen_before = audited(&app, "subject.view_special_category").len();

    let v = app.get_subject(&as_token(&app, &plain).unwrap(), &id).unwrap();
    assert!(v.special_category.is_none() && v.special_category_withheld);
    let json = serde_json::to_string(&v).unwrap();
    assert!(!json.contains("diabetes") && json.contains("\"special_category_withheld\":true"), "{json}");
    assert_eq!(audited(&app, "subject.view_special_category").len(), seen_before);

    let v = app.get_subject(&as_token(&app, &granted).unwrap(), &id).unwrap();
    assert_eq!(v.special_category.unwrap().health.as_deref(), Some("Type 1 diabetes; insulin pump"));
    assert!(!v.special_category_withheld);
    let views = audited(&app, "subject.view_special_category");
    assert_eq!(views.len(), seen_before + 1);
    let last = views.iter().find(|e| e.event.object_id == id).unwrap();
    assert!(!last.event.detail.contains("diabetes"), "the audit entry holds no special-category data");

    // Only DPO and caseworker tokens can be given it.
    let bad = app.create_token_for(&cli, None, Some(Role::Auditor), "x", true);
    assert!(matches!(bad, Err(AppError::Invalid(f)) if f.field == "special_category"));
}

/// A person sees special-category data only with current training; a token they make
/// can carry it only if they may see it, and only while their training stays current.
#[test]
fn special_category_follows_the_owners_training() {
    let (_d, app) = app();
    let id = child(&app);
    let (dpo_id, _) = person(&app, "dana.okafor@example.org", Role::Dpo);
    let session_ctx = |app: &App| {
        let s = app.sign_in("dana.okafor@example.org", PASSWORD, "10.0.0.1", "r").unwrap();
        app.session(&s.token, "r").unwrap().unwrap().ctx
    };
    // No training record: hidden, and no grant to a token.
    let dpo = session_ctx(&app);
    assert!(!dpo.special_category);
    assert!(app.get_subject(&dpo, &id).unwrap().special_category_withheld);
    let new = NewToken { name: "x", role: Role::Dpo, special_category: true };
    assert!(
        matches!(app.create_token_with(&dpo, new.clone()), Err(AppError::Invalid(f)) if f.field == "special_category")
    );
    // Trained: shown, and a token may carry it.
    app.set_user_training(&Context::cli(), &dpo_id, Some(next_year())).unwrap();
    let dpo = session_ctx(&app);
    assert!(app.get_subject(&dpo, &id).unwrap().special_category.is_some());
    let (_, secret) = app.create_token_with(&dpo, new).unwrap();
    assert!(app.get_subject(&as_token(&app, &secret).unwrap(), &id).unwrap().special_category.is_some());
    // Training lapses: the token no longer sees it.
    app.set_user_training(&Context::cli(), &dpo_id, Some(jiff::civil::date(2020, 1, 1))).unwrap();
    assert!(app.get_subject(&as_token(&app, &secret).unwrap(), &id).unwrap().special_category_withheld);
}

/// Someone who may not see special-category data cannot record or change it, and a
/// change of other fields keeps it.
#[test]
fn special_category_is_written_only_by_those_who_may_see_it() {
    let (_d, app) = app();
    let id = child(&app);
    let (_, staff) = person(&app, "sam.staff@example.org", Role::Staff);
    let with_health = NewSubject {
        given_name: "Ada".into(),
        special_category: Some(SpecialCategory { health: Some("Asthma".into()), ..Default::default() }),
        ..Default::default()
    };
    assert!(
        matches!(app.create_subject(&staff, with_health.clone()), Err(AppError::Invalid(f)) if f.field == "special_category")
    );
    assert!(
        matches!(app.create_subjects(&staff, vec![with_health]), Err(AppError::Invalid(f)) if f.field == "[0].special_category")
    );
    let (cw_id, cw) = person(&app, "callum.reid@example.org", Role::Caseworker);
    app.assign_subject(&Context::cli(), &id, &cw_id).unwrap();
    let clear: SubjectPatch = serde_json::from_str(r#"{"special_category":null}"#).unwrap();
    assert!(matches!(app.update_subject(&cw, &id, clear.clone()), Err(AppError::Invalid(_))), "untrained caseworker");
    // Another field changes; the special-category data stays.
    let rename = SubjectPatch { given_name: Some("Maisy".into()), ..Default::default() };
    assert!(app.update_subject(&cw, &id, rename).unwrap().special_category_withheld);
    let full = app.get_subject(&Context::cli(), &id).unwrap();
    assert_eq!(full.given_name, "Maisy");
    assert!(full.special_category.is_some());
    // The operator can clear it.
    assert!(app.update_subject(&Context::cli(), &id, clear).unwrap().special_category.is_none());
}

/// Response packs carry special-category data for the requester; someone who may not
/// see it cannot build a pack that would leave it out or show it to them.
#[test]
fn a_pack_holds_special_category_data_and_only_a_trained_builder_makes_it() {
    let (_d, app) = app();
    let id = child(&app);
    let (cw_id, cw) = person(&app, "callum.reid@example.org", Role::Caseworker);
    app.assign_subject(&Context::cli(), &id, &cw_id).unwrap();
    let input: steward_app::requests::NewRequest = serde_json::from_value(serde_json::json!({
        "kind": "access", "received_on": "2026-11-02", "subject_id": id, "channel": "email"
    }))
    .unwrap();
    let request = app.create_request(&Context::cli(), input).unwrap().id;
    match app.build_pack(&cw, &request) {
        Err(AppError::Invalid(f)) => assert_eq!(f.field, "special_category"),
        other => panic!("an untrained caseworker must not build this pack, got {:?}", other.map(|p| p.id)),
    }
    let review = app.pack_review(&cw, &request).unwrap();
    assert!(!serde_json::to_string(&review).unwrap().contains("diabetes"), "left out of what they are shown");
    let before = audited(&app, "subject.view_special_category").len();
    app.build_pack(&Context::cli(), &request).unwrap();
    let views = audited(&app, "subject.view_special_category");
    assert_eq!(views.len(), before + 1);
    assert!(views.iter().any(|e| e.event.detail.contains("via=pack")));
}
