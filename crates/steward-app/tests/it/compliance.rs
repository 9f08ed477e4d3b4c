//! The compliance check and the training register through the application on SQLite:
//! training lapsed on the register withholds special-category data at once from the
//! person and from their tokens alike, with a note saying why, and the check names them;
//! a refresher puts the access back. All people fictional.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::PASSWORD;
use std::sync::Arc;
use steward_app::tokens::NewToken;
use steward_app::{App, Context};
use steward_core::Role;
use steward_core::compliance::Rule;
use steward_core::register::training::Training;
use steward_core::subject::{NewSubject, SpecialCategory};
use steward_core::time::FixedClock;
use steward_testkit::Database;

fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 12, 7)
}

fn app() -> (Database, App) {
    let dir = Database::sqlite();
    let app = dir.open_app().with_clock(Arc::new(FixedClock::on(today())));
    app.set_two_factor_enforced(&Context::cli(), false).unwrap();
    (dir, app)
}

/// A DPO with current training on their account: their id, and a function giving the
/// context a fresh request of theirs gets.
fn dpo(app: &App) -> (String, impl Fn(&App) -> Context) {
    let u = app
        .create_user_with_password(&Context::cli(), "dana.okafor@example.org", "Dana Okafor", Role::Dpo, PASSWORD)
        .unwrap();
    app.set_user_training(&Context::cli(), &u.id, Some(jiff::civil::date(2027, 6, 30))).unwrap();
    let s = app.sign_in("dana.okafor@example.org", PASSWORD, "10.0.0.1", "r").unwrap();
    let token = s.token;
    (u.id, move |app: &App| app.session(&token, "r").unwrap().unwrap().ctx)
}

fn tenant(app: &App) -> String {
    let s = NewSubject {
        given_name: "Maisie".into(),
        family_name: "Okonjo".into(),
        special_category: Some(SpecialCategory { health: Some("Asthma".into()), ..Default::default() }),
        ..Default::default()
    };
    app.create_subject(&Context::cli(), s).unwrap().id
}

fn course(user_id: &str, expires: jiff::civil::Date, special: bool) -> Training {
    Training {
        user_id: user_id.into(),
        // Course titles are unique on the register: the year tells them apart.
        course: format!(
            "{} {}",
            if special { "Handling special-category data" } else { "Fire safety" },
            expires.year()
        ),
        completed_on: Some(jiff::civil::date(2025, 12, 1)),
        expires_on: Some(expires),
        special_category_access: special,
        ..Training::default()
    }
}

#[test]
fn lapsed_training_on_the_register_withholds_special_category_data_from_the_person_and_their_tokens() {
    let (_d, app) = app();
    let id = tenant(&app);
    let (dana, session) = dpo(&app);
    let (_, secret) = app
        .create_token_with(&session(&app), NewToken { name: "Casework app", role: Role::Dpo, special_category: true })
        .unwrap();
    let token = |app: &App| app.authenticate_token(&secret, "r").unwrap().unwrap();
    let (_, org_secret) = app.create_token_for(&Context::cli(), None, Some(Role::Dpo), "Safeguarding", true).unwrap();

    // No training on the register: the account's date decides, as before.
    for ctx in [session(&app), token(&app)] {
        let v = app.get_subject(&ctx, &id).unwrap();
        assert!(v.special_category.is_some() && v.special_category_note.is_none());
    }
    // A lapsed course that gives no special-category access changes nothing.
    app.register_create(&Context::cli(), course(&dana, jiff::civil::date(2026, 1, 1), false)).unwrap();
    assert!(app.get_subject(&session(&app), &id).unwrap().special_category.is_some());

    // The special-category course expired on 1 December: withheld at once, with the note.
    app.register_create(&Context::cli(), course(&dana, jiff::civil::date(2026, 12, 1), true)).unwrap();
    for ctx in [session(&app), token(&app)] {
        assert!(!ctx.special_category);
        assert_eq!(ctx.training_lapsed_on, Some(jiff::civil::date(2026, 12, 1)));
        let v = app.get_subject(&ctx, &id).unwrap();
        assert!(v.special_category.is_none() && v.special_category_withheld);
        assert_eq!(
            v.special_category_note.as_deref(),
            Some("withheld: data-protection training lapsed on 1 December 2026")
        );
        let json = serde_json::to_string(&v).unwrap();
        assert!(!json.contains("Asthma"), "{json}");
    }
    // A token acting for the organisation has no training record: unchanged.
    let org = app.authenticate_token(&org_secret, "r").unwrap().unwrap();
    assert!(app.get_subject(&org, &id).unwrap().special_category.is_some());

    // The check names her; the dashboard's summary too.
    let findings = app.compliance_check(&Context::cli()).unwrap();
    let lapsed: Vec<_> = findings.iter().filter(|f| f.rule == Rule::TrainingLapsedWithSpecialAccess).collect();
    assert_eq!(lapsed.len(), 1, "{findings:#?}");
    assert_eq!(lapsed[0].object_type, "training", "the lapsed course");
    assert!(
        lapsed[0].message.starts_with(
            "Dana Okafor's data-protection training “Handling special-category data 2026” lapsed on 1 December 2026"
        ),
        "{}",
        lapsed[0].message
    );
    let summary = app.compliance_summary(&Context::cli()).unwrap();
    assert_eq!(summary.lapsed_staff.len(), 1);
    assert_eq!(summary.lapsed_staff[0].name, "Dana Okafor");

    // A refresher recorded on the register puts the access back.
    app.register_create(&Context::cli(), course(&dana, jiff::civil::date(2027, 12, 1), true)).unwrap();
    for ctx in [session(&app), token(&app)] {
        let v = app.get_subject(&ctx, &id).unwrap();
        assert!(v.special_category.is_some() && v.special_category_note.is_none());
    }
    let findings = app.compliance_check(&Context::cli()).unwrap();
    assert!(findings.iter().all(|f| f.rule != Rule::TrainingLapsedWithSpecialAccess));
}

#[test]
fn running_the_check_is_audited_with_the_counts_only() {
    let (_d, app) = app();
    let staff = crate::common::user(&app, "sam.staff@example.org", "Sam Staff", Role::Staff);
    let processor =
        steward_core::register::processor::Processor { name: "Northgate Payroll Bureau".into(), ..Default::default() };
    app.register_create(&Context::cli(), processor).unwrap();
    let findings = app.compliance_check(&staff).unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].rule, Rule::ProcessorWithoutContract);
    let audited = app
        .store()
        .audit_entries(&steward_store::AuditFilter {
            action: Some("compliance.check".into()),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(audited.len(), 1);
    assert_eq!(audited[0].event.detail, "errors=1 warnings=0");
    assert!(!audited[0].event.detail.contains("Northgate"));
}
