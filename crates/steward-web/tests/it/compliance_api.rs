//! The compliance check through the API on both databases: a register with one gap of
//! each kind the API can record gives exactly those findings, with the counts; each is
//! gone once put right; running it is audited with the counts only; and the page and the
//! dashboard show the findings in words. All data fictional.

use crate::common::api_env::Env;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::Arc;
use steward_app::Context;
use steward_core::Role;
use steward_core::subject::{Category, NewSubject};
use steward_core::time::FixedClock;
use steward_testkit::on_both_backends;

on_both_backends!(the_check_finds_each_gap_and_forgets_it_once_put_right, a_consent_past_its_renewal_date_is_found,);

fn post(env: &Env, path: &str, body: Value) -> String {
    let (status, v) = env.call(Role::Dpo, Method::POST, path, Some(body));
    assert_eq!(status, StatusCode::CREATED, "{path}: {v}");
    v["id"].as_str().unwrap().to_string()
}

fn rules(report: &Value) -> BTreeSet<String> {
    report["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_string()).collect()
}

fn check(env: &Env, role: Role) -> Value {
    let (status, report) = env.call(role, Method::GET, "/api/v1/compliance", None);
    assert_eq!(status, StatusCode::OK, "{report}");
    report
}

fn the_check_finds_each_gap_and_forgets_it_once_put_right(env: &Env) {
    let env = Env::with_clock(env.db.fresh(), Arc::new(FixedClock::on(jiff::civil::date(2026, 12, 7))));
    let empty = check(&env, Role::Staff);
    assert_eq!(empty, json!({"findings": [], "errors": 0, "warnings": 0}));

    // One gap of each kind.
    let processor = post(&env, "/api/v1/processors", json!({"name": "Northgate Payroll Bureau"}));
    let transfer =
        post(&env, "/api/v1/transfers", json!({"destination_country": "IN", "recipient": "Survey platform"}));
    let policy = post(
        &env,
        "/api/v1/policies",
        json!({"title": "Data protection policy", "approved_on": "2020-01-15", "review_every_months": 36}),
    );
    post(
        &env,
        "/api/v1/sharing-agreements",
        json!({"title": "Safeguarding protocol", "parties": ["Borough council"], "purpose": "Safeguarding",
            "lawful_basis": "public_task", "review_on": "2026-06-30"}),
    );
    post(
        &env,
        "/api/v1/organisations",
        json!({"name": "Northgate Housing Association", "ico_renewal_on": "2026-12-20"}),
    );
    let activity = post(
        &env,
        "/api/v1/activities",
        json!({
            "name": "Tenancy support",
            "subject_categories": ["Tenants"],
            "data_categories": ["Support needs"],
            "purposes": [{"purpose": "Supporting tenants", "lawful_basis": "public_task"}],
            "special_category": [{"category": "health", "art9_condition": "h", "schedule1_condition": "part1_para2"}]
        }),
    );
    for (given, category) in [("Ada", Category::Tenant), ("Bea", Category::FormerTenant)] {
        let s = NewSubject { given_name: given.into(), categories: vec![category], ..Default::default() };
        env.app.create_subject(&Context::cli(), s).unwrap();
    }

    let report = check(&env, Role::Auditor);
    let expected: BTreeSet<String> = [
        "processor_without_contract",
        "transfer_without_mechanism",
        "policy_review_overdue",
        "sharing_review_overdue",
        "ico_registration_due",
        "activity_without_system",
        "activity_without_retention",
        "required_column_empty",
        "subjects_without_activity",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(rules(&report), expected, "{report:#}");
    assert_eq!(report["errors"], 2, "the processor and the transfer: {report:#}");
    assert_eq!(report["warnings"].as_u64().unwrap() as usize, report["findings"].as_array().unwrap().len() - 2);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings[0]["severity"], "error", "errors first");
    let about_processor = findings.iter().find(|f| f["rule"] == "processor_without_contract").unwrap();
    assert_eq!(about_processor["object_type"], "processor");
    assert_eq!(about_processor["object_id"], processor.as_str());
    assert!(about_processor["message"].as_str().unwrap().contains("“Northgate Payroll Bureau”"));
    assert!(about_processor["citation"].as_str().unwrap().contains("Art 28(3)"));
    let people = findings.iter().find(|f| f["rule"] == "subjects_without_activity").unwrap();
    assert_eq!(people["object_id"], "former_tenant", "tenants are covered by “Tenants”");
    let columns: Vec<&str> = findings
        .iter()
        .filter(|f| f["rule"] == "required_column_empty")
        .map(|f| f["citation"].as_str().unwrap())
        .collect();
    assert_eq!(columns, ["UK GDPR Art 30(1)(d)", "UK GDPR Art 30(1)(g)"], "recipients and security measures");
    assert!(findings.iter().filter(|f| f["rule"] != "subjects_without_activity").all(|f| f["object_id"] != ""));

    // Audited with the counts only.
    let audited = env
        .app
        .store()
        .audit_entries(&steward_store::AuditFilter {
            action: Some("compliance.check".into()),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(audited.len(), 2);
    let detail = format!("errors=2 warnings={}", report["warnings"]);
    assert!(audited.iter().any(|a| a.event.detail == detail), "{detail}");
    assert!(audited.iter().all(|a| !a.event.detail.contains("Northgate")));

    // Put right, one by one: each finding goes.
    let put = |path: String, body: Value| {
        let (status, v) = env.call(Role::Dpo, Method::PUT, &path, Some(body));
        assert_eq!(status, StatusCode::OK, "{path}: {v}");
    };
    put(
        format!("/api/v1/processors/{processor}"),
        json!({"name": "Northgate Payroll Bureau", "contract": {"signed_on": "2025-04-01", "art28_terms": true}}),
    );
    put(
        format!("/api/v1/transfers/{transfer}"),
        json!({"destination_country": "IN", "recipient": "Survey platform", "mechanism": "idta", "tra_on": "2026-01-10"}),
    );
    put(
        format!("/api/v1/policies/{policy}"),
        json!({"title": "Data protection policy", "approved_on": "2026-11-01", "review_every_months": 36}),
    );
    let report = check(&env, Role::Dpo);
    assert_eq!(report["errors"], 0, "{report:#}");
    let left = rules(&report);
    for gone in ["processor_without_contract", "transfer_without_mechanism", "policy_review_overdue"] {
        assert!(!left.contains(gone), "{gone}: {report:#}");
    }
    let (status, _) = env.call(Role::Dpo, Method::DELETE, &format!("/api/v1/activities/{activity}"), None);
    assert_eq!(status, StatusCode::OK);
    let report = check(&env, Role::Dpo);
    let left = rules(&report);
    assert!(!left.contains("required_column_empty") && !left.contains("activity_without_system"), "{report:#}");
    let people =
        report["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == "subjects_without_activity").count();
    assert_eq!(people, 2, "no activity covers anyone now: {report:#}");
}

/// A consent in the ledger whose renewal date has passed is a warning naming the
/// activity it was given for; withdrawn, it is not renewed, so the finding goes.
fn a_consent_past_its_renewal_date_is_found(env: &Env) {
    let env = Env::with_clock(env.db.fresh(), Arc::new(FixedClock::on(jiff::civil::date(2026, 12, 7))));
    let activity = post(
        &env,
        "/api/v1/activities",
        json!({"name": "Tenant communications", "purposes": [
            {"purpose": "Sending the tenants' newsletter", "lawful_basis": "consent", "consent_purpose": "Newsletter by email"}
        ]}),
    );
    let s = NewSubject { given_name: "Jane".into(), family_name: "Smith".into(), ..Default::default() };
    let jane = env.app.create_subject(&Context::cli(), s).unwrap().id;
    let consent = post(
        &env,
        "/api/v1/consents",
        json!({"subject_id": jane, "activity_id": activity, "purpose": "Newsletter by email",
            "given_on": "2025-11-30", "method": "online_form", "evidence": "Online form, submission 4471",
            "renew_on": "2026-11-30"}),
    );
    let consents = |report: &Value| -> Vec<Value> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "consent_renewal_overdue")
            .cloned()
            .collect()
    };
    let found = consents(&check(&env, Role::Staff));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["object_type"], "consent");
    assert_eq!(found[0]["object_id"], consent.as_str());
    assert_eq!(found[0]["severity"], "warning");
    assert_eq!(found[0]["message"], "A consent to “Tenant communications” was due for renewal on 30 November 2026.");
    assert!(
        !found[0].to_string().contains("Jane") && !found[0].to_string().contains(&jane),
        "nothing about the person"
    );

    let (status, w) = env.call(
        Role::Dpo,
        Method::POST,
        &format!("/api/v1/consents/{consent}/withdraw"),
        Some(json!({"on": "2026-12-07", "method": "email"})),
    );
    assert_eq!(status, StatusCode::OK, "{w}");
    assert!(consents(&check(&env, Role::Staff)).is_empty(), "a withdrawn consent is not renewed");
}

mod pages {
    //! The compliance page and the dashboard, signed in through the form.
    use crate::common::page_client::Team;
    use steward_app::Context;
    use steward_core::register::processor::Processor;
    use steward_core::register::training::Training;
    use steward_core::subject::{NewSubject, SpecialCategory};
    use steward_testkit::{Database, Fixture, on_both_backends};

    struct Env(Team);

    impl Fixture for Env {
        fn open(db: Database) -> Self {
            Self(Team::new(db))
        }
    }

    on_both_backends!(the_page_and_the_dashboard_show_the_findings_in_words,);

    fn the_page_and_the_dashboard_show_the_findings_in_words(env: &Env) {
        let t = &env.0;
        let app = &t.client.app;
        let cli = Context::cli();
        let dana = app.store().users().unwrap().into_iter().find(|u| u.display_name == "Dana Okafor").unwrap().id;
        app.set_user_training(&cli, &dana, Some(jiff::civil::date(2099, 1, 1))).unwrap();
        let processor = app
            .register_create(&cli, Processor { name: "Northgate Payroll Bureau".into(), ..Processor::default() })
            .unwrap();
        let course = Training {
            user_id: dana.clone(),
            course: "Handling special-category data".into(),
            completed_on: Some(jiff::civil::date(2019, 1, 1)),
            expires_on: Some(jiff::civil::date(2020, 1, 1)),
            special_category_access: true,
            ..Training::default()
        };
        app.register_create(&cli, course).unwrap();

        let page = t.client.get(&t.staff, "/compliance");
        page.assert_status(axum::http::StatusCode::OK)
            .assert_has("<h1>Compliance check</h1>")
            .assert_has("Errors (2)")
            .assert_has("Processors without a contract")
            .assert_has(
                "“Northgate Payroll Bureau” processes personal data for you, but no signed contract is recorded.",
            )
            .assert_has("The law: UK GDPR Art 28(3)")
            .assert_has(&format!("href=\"/processors/{}\"", processor.id))
            .assert_has(
                "Dana Okafor&#39;s data-protection training “Handling special-category data” lapsed on 1 January 2020",
            )
            .assert_has("Open the training record")
            .assert_lacks("processor_without_contract")
            .assert_lacks(&dana);

        let dash = t.client.get(&t.dpo, "/");
        dash.assert_has("href=\"/compliance\">2 errors and 0 warnings in the compliance check</a>")
            .assert_has("Dana Okafor: training lapsed on 1 January 2020");
        let menu = t.client.get(&t.auditor, "/");
        menu.assert_has("href=\"/compliance\"");

        // Her own view of a person's record says why the health data is hidden.
        let s = NewSubject {
            given_name: "Maisie".into(),
            special_category: Some(SpecialCategory { health: Some("Asthma".into()), ..Default::default() }),
            ..Default::default()
        };
        let id = app.create_subject(&cli, s).unwrap().id;
        t.client
            .get(&t.dpo, &format!("/subjects/{id}"))
            .assert_has("withheld: data-protection training lapsed on 1 January 2020")
            .assert_lacks("Asthma");
    }
}
