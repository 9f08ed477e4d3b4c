//! The consent ledger through the API: a consent recorded against a consent purpose of the
//! record of processing, read back (evidence encrypted, every view audited), withdrawn in
//! one call whose answer lists the processing that stops, a second withdrawal refused;
//! bad input refused naming the field (an unknown activity, a purpose that does not rest on
//! consent, a date in the future or in words, no evidence); need to know; the privacy
//! notices a person received; and erasure taking the consents and receipts with the
//! person. On both databases; all data fictional.

use crate::common::api_env::Env;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::Arc;
use steward_app::Context;
use steward_core::Role;
use steward_core::subject::NewSubject;
use steward_core::time::FixedClock;
use steward_testkit::on_both_backends;

on_both_backends!(
    withdrawing_a_consent_lists_what_stops,
    bad_input_is_refused_naming_the_field,
    caseworkers_see_only_their_cases_consents,
    a_restricted_person_may_still_withdraw,
    notices_received_are_recorded_per_person,
    erasure_takes_the_consents_and_receipts,
);

/// Today, for every scenario: 7 December 2026.
fn env_on_7_december(env: &Env) -> Env {
    Env::with_clock(env.db.fresh(), Arc::new(FixedClock::on(jiff::civil::date(2026, 12, 7))))
}

fn post(env: &Env, uri: &str, body: Value) -> Value {
    let (status, v) = env.call(Role::Dpo, Method::POST, uri, Some(body));
    assert_eq!(status, StatusCode::CREATED, "{uri}: {v}");
    v
}

/// The record of processing of a housing association: tenant communications (the
/// newsletter by consent, rent reminders by contract) and fundraising (appeals in the same
/// newsletter, and telephone appeals by a consent of their own); a privacy notice.
struct Register {
    communications: String,
    fundraising: String,
    notice: String,
}

fn register(env: &Env) -> Register {
    let communications = post(
        env,
        "/api/v1/activities",
        json!({"name": "Tenant communications", "purposes": [
            {"purpose": "Sending the tenants' newsletter", "lawful_basis": "consent", "consent_purpose": "Newsletter by email"},
            {"purpose": "Rent reminders", "lawful_basis": "contract"}
        ]}),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    let fundraising = post(
        env,
        "/api/v1/activities",
        json!({"name": "Fundraising", "purposes": [
            {"purpose": "Appeals in the newsletter", "lawful_basis": "consent", "consent_purpose": "Newsletter by email"},
            {"purpose": "Telephone appeals", "lawful_basis": "consent", "consent_purpose": "Fundraising calls"}
        ]}),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    let notice = post(
        env,
        "/api/v1/notices",
        json!({"title": "Privacy notice for tenants", "version_label": "3.1", "effective_on": "2026-01-01",
            "text": "Who we are\n\nNorthgate Housing Association uses your information to manage your tenancy."}),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    Register { communications, fundraising, notice }
}

fn subject(env: &Env, given: &str, family: &str) -> String {
    let s = NewSubject { given_name: given.into(), family_name: family.into(), ..NewSubject::default() };
    env.app.create_subject(&Context::cli(), s).unwrap().id
}

fn newsletter(subject: &str, r: &Register) -> Value {
    json!({
        "subject_id": subject,
        "activity_id": r.communications,
        "purpose": "Newsletter by email",
        "given_on": "2026-11-30",
        "method": "online_form",
        "evidence": "Online tenancy form, submission 4471: newsletter box ticked",
        "wording": "Yes, send me the tenants' newsletter by email.",
        "notice_id": r.notice,
        "renew_on": "2028-11-30"
    })
}

fn withdrawing_a_consent_lists_what_stops(env: &Env) {
    let env = env_on_7_december(env);
    let r = register(&env);
    let jane = subject(&env, "Jane", "Smith");

    let c = post(&env, "/api/v1/consents", newsletter(&jane, &r));
    let id = c["id"].as_str().unwrap().to_string();
    assert_eq!(c["activity_name"], "Tenant communications");
    assert_eq!(c["purpose"], "Newsletter by email");
    assert_eq!(c["given_on"], "2026-11-30");
    assert_eq!(c["method"], "online_form");
    assert_eq!(c["notice"], "Privacy notice for tenants, version 3.1");
    assert_eq!(c["withdrawn"], false);
    // Telephone appeals: a consent of its own, which the withdrawal leaves standing.
    let mut calls = newsletter(&jane, &r);
    calls["activity_id"] = json!(r.fundraising);
    calls["purpose"] = json!("fundraising calls");
    let calls = post(&env, "/api/v1/consents", calls);
    assert_eq!(calls["purpose"], "Fundraising calls", "stored as the activity names it");

    // The evidence is stored encrypted: not in the clear in the database.
    let stored = env.app.store().consent(&id).unwrap().unwrap();
    assert!(!String::from_utf8_lossy(&stored.data).contains("submission 4471"));

    let (status, list) = env.call(Role::Dpo, Method::GET, &format!("/api/v1/consents?subject_id={jane}"), None);
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["consents"].as_array().unwrap().len(), 2);
    assert_eq!(list["consents"][0]["evidence"], "Online tenancy form, submission 4471: newsletter box ticked");
    let (status, one) = env.call(Role::Caseworker, Method::GET, &format!("/api/v1/consents/{id}"), None);
    assert_eq!(status, StatusCode::FORBIDDEN, "need to know: {one}");

    // One call withdraws it and says, in the same answer, what stops.
    let (status, w) = env.call(
        Role::Dpo,
        Method::POST,
        &format!("/api/v1/consents/{id}/withdraw"),
        Some(json!({"on": "2026-12-07", "method": "email"})),
    );
    assert_eq!(status, StatusCode::OK, "{w}");
    assert_eq!(w["consent"]["withdrawn"], true);
    assert_eq!(w["consent"]["withdrawn_on"], "2026-12-07");
    assert_eq!(w["consent"]["withdrawal_method"], "email");
    let stopped: Vec<(&str, &str)> = w["stopped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["activity_id"].as_str().unwrap(), s["purpose"].as_str().unwrap()))
        .collect();
    assert_eq!(
        stopped,
        [
            (r.communications.as_str(), "Sending the tenants' newsletter"),
            (r.fundraising.as_str(), "Appeals in the newsletter")
        ],
        "{w}"
    );

    // A second withdrawal is refused, saying when it was withdrawn.
    let (status, again) = env.call(
        Role::Dpo,
        Method::POST,
        &format!("/api/v1/consents/{id}/withdraw"),
        Some(json!({"on": "2026-12-07", "method": "written"})),
    );
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
    assert!(again["error"]["message"].as_str().unwrap().contains("already withdrawn on 7 December 2026"), "{again}");

    // The list shows it withdrawn with what stopped; the other consent stands.
    let (_, one) = env.call(Role::Dpo, Method::GET, &format!("/api/v1/consents/{id}"), None);
    assert_eq!(one["stopped"].as_array().unwrap().len(), 2);
    let (_, other) =
        env.call(Role::Dpo, Method::GET, &format!("/api/v1/consents/{}", calls["id"].as_str().unwrap()), None);
    assert_eq!(other["withdrawn"], false);
    assert!(other["stopped"].as_array().unwrap().is_empty());

    // Every change and view was audited, without the evidence.
    let log =
        env.app.audit_entries(&Context::cli(), &steward_app::AuditFilter { limit: 500, ..Default::default() }).unwrap();
    for action in ["consent.record", "consent.withdraw", "consent.view"] {
        assert!(log.iter().any(|e| e.event.action == action), "{action} audited");
    }
    assert!(log.iter().all(|e| !e.event.detail.contains("4471")), "no evidence in the audit log");
}

fn bad_input_is_refused_naming_the_field(env: &Env) {
    let env = env_on_7_december(env);
    let r = register(&env);
    let jane = subject(&env, "Jane", "Smith");
    let refused = |body: Value, field: &str| {
        let (status, v) = env.call(Role::Dpo, Method::POST, "/api/v1/consents", Some(body));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {v}");
        assert_eq!(v["error"]["field"], field, "{v}");
        v
    };
    let with = |key: &str, value: Value| {
        let mut b = newsletter(&jane, &r);
        b[key] = value;
        b
    };

    refused(with("activity_id", json!("no-such-activity")), "activity_id");
    let v = refused(with("purpose", json!("Rent reminders")), "purpose");
    assert!(v["error"]["message"].as_str().unwrap().contains("Art 6(1)(a)"), "{v}");
    let v = refused(with("given_on", json!("2026-12-08")), "given_on");
    assert!(v["error"]["message"].as_str().unwrap().contains("future"), "{v}");
    refused(with("given_on", json!("last Tuesday")), "given_on");
    refused(with("method", json!("assumed")), "method");
    refused(with("notice_id", json!("no-such-notice")), "notice_id");
    refused(with("subject_id", json!("no-such-person")), "subject_id");
    refused(with("renew_on", json!("2026-01-01")), "renew_on");
    // Never defaulted: no method and no evidence, both named at once.
    let mut bare = newsletter(&jane, &r);
    bare.as_object_mut().unwrap().remove("method");
    bare["evidence"] = json!("");
    let v = refused(bare, "method");
    let fields: Vec<&str> =
        v["error"]["problems"].as_array().unwrap().iter().map(|p| p["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["method", "evidence"]);
    // Unknown fields are refused too.
    refused(with("consented", json!(true)), "consented");

    // Staff and auditors may not record or read consents.
    let (status, _) = env.call(Role::Staff, Method::POST, "/api/v1/consents", Some(newsletter(&jane, &r)));
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = env.call(Role::Auditor, Method::GET, &format!("/api/v1/consents?subject_id={jane}"), None);
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, v) = env.call(Role::Dpo, Method::GET, "/api/v1/consents", None);
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["error"]["field"], "subject_id");
    let (status, _) = env.call(Role::Dpo, Method::GET, "/api/v1/consents/no-such-consent", None);
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Nothing was written by any of these.
    assert!(env.app.store().consents_of(&jane).unwrap().is_empty());

    // Withdrawals: the date in words, in the future, before the consent; no method.
    let id = post(&env, "/api/v1/consents", newsletter(&jane, &r))["id"].as_str().unwrap().to_string();
    let withdraw =
        |body: Value| env.call(Role::Dpo, Method::POST, &format!("/api/v1/consents/{id}/withdraw"), Some(body));
    for (body, field) in [
        (json!({"on": "yesterday", "method": "email"}), "on"),
        (json!({"on": "2026-12-08", "method": "email"}), "on"),
        (json!({"on": "2026-11-29", "method": "email"}), "on"),
        (json!({"on": "2026-12-07"}), "method"),
    ] {
        let (status, v) = withdraw(body);
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["field"], field, "{v}");
    }
    let (status, _) = env.call(
        Role::Staff,
        Method::POST,
        &format!("/api/v1/consents/{id}/withdraw"),
        Some(json!({"on": "2026-12-07", "method": "email"})),
    );
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(env.app.store().consent(&id).unwrap().unwrap().withdrawn_on, None, "still standing");
    let (status, _) = env.call(
        Role::Dpo,
        Method::POST,
        "/api/v1/consents/no-such-consent/withdraw",
        Some(json!({"on": "2026-12-07", "method": "email"})),
    );
    assert_eq!(status, StatusCode::NOT_FOUND);
}

fn caseworkers_see_only_their_cases_consents(env: &Env) {
    let env = env_on_7_december(env);
    let r = register(&env);
    let jane = subject(&env, "Jane", "Smith");
    let id = post(&env, "/api/v1/consents", newsletter(&jane, &r))["id"].as_str().unwrap().to_string();
    let (status, _) = env.call(Role::Caseworker, Method::GET, &format!("/api/v1/consents?subject_id={jane}"), None);
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = env.call(Role::Caseworker, Method::POST, "/api/v1/consents", Some(newsletter(&jane, &r)));
    assert_eq!(status, StatusCode::FORBIDDEN);
    env.assign_to_caseworker(&jane);
    let (status, list) = env.call(Role::Caseworker, Method::GET, &format!("/api/v1/consents?subject_id={jane}"), None);
    assert_eq!(status, StatusCode::OK, "{list}");
    let (status, w) = env.call(
        Role::Caseworker,
        Method::POST,
        &format!("/api/v1/consents/{id}/withdraw"),
        Some(json!({"on": "2026-12-01", "method": "verbal_recorded"})),
    );
    assert_eq!(status, StatusCode::OK, "{w}");
    assert_eq!(w["stopped"].as_array().unwrap().len(), 2);
}

/// While processing is restricted (UK GDPR Art 18(2)) nothing is added to the person's
/// file, a consent included; withdrawing one only lessens processing, so it is allowed.
fn a_restricted_person_may_still_withdraw(env: &Env) {
    let env = env_on_7_december(env);
    let r = register(&env);
    let jane = subject(&env, "Jane", "Smith");
    let id = post(&env, "/api/v1/consents", newsletter(&jane, &r))["id"].as_str().unwrap().to_string();
    let ground = steward_app::erasure::RestrictionGround::AccuracyContested;
    env.app.restrict_subject(&Context::cli(), &jane, ground, None).unwrap();
    let (status, v) = env.call(Role::Dpo, Method::POST, "/api/v1/consents", Some(newsletter(&jane, &r)));
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    let (status, w) = env.call(
        Role::Dpo,
        Method::POST,
        &format!("/api/v1/consents/{id}/withdraw"),
        Some(json!({"on": "2026-12-07", "method": "written"})),
    );
    assert_eq!(status, StatusCode::OK, "{w}");
    // The compliance check reads renewal dates (ids and dates only), withdrawn or not.
    let renewals = env.app.consent_renewals(&Context::cli()).unwrap();
    assert_eq!(renewals.len(), 1);
    assert_eq!((renewals[0].renew_on.as_str(), renewals[0].withdrawn), ("2028-11-30", true));
    assert!(env.app.consent_renewals(&Context::new("token:x", Role::Staff, "t")).is_ok(), "staff read registers");
    assert!(env.app.consent_renewals(&Context::new("token:x", Role::Admin, "t")).is_ok());
}

fn notices_received_are_recorded_per_person(env: &Env) {
    let env = env_on_7_december(env);
    let r = register(&env);
    let jane = subject(&env, "Jane", "Smith");
    let uri = format!("/api/v1/subjects/{jane}/notices");
    let given = post(&env, &uri, json!({"notice_id": r.notice, "received_on": "2026-12-01", "method": "post"}));
    assert_eq!(given["notice_title"], "Privacy notice for tenants");
    assert_eq!(given["notice_version"], "3.1");
    let (status, list) = env.call(Role::Dpo, Method::GET, &uri, None);
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["receipts"][0]["received_on"], "2026-12-01");
    assert_eq!(list["receipts"][0]["method"], "post");
    for (body, field) in [
        (json!({"notice_id": "nothing", "received_on": "2026-12-01", "method": "post"}), "notice_id"),
        (json!({"notice_id": r.notice, "received_on": "2026-12-25", "method": "post"}), "received_on"),
        (json!({"notice_id": r.notice, "received_on": "soon", "method": "post"}), "received_on"),
        (json!({"notice_id": r.notice, "received_on": "2026-12-01", "method": "pigeon"}), "method"),
    ] {
        let (status, v) = env.call(Role::Dpo, Method::POST, &uri, Some(body));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["field"], field, "{v}");
    }
    let (status, _) = env.call(Role::Staff, Method::GET, &uri, None);
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = env.call(Role::Dpo, Method::GET, "/api/v1/subjects/no-such-person/notices", None);
    assert_eq!(status, StatusCode::NOT_FOUND);
    let log =
        env.app.audit_entries(&Context::cli(), &steward_app::AuditFilter { limit: 500, ..Default::default() }).unwrap();
    assert!(log.iter().any(|e| e.event.action == "notice.given" && e.event.object_id == r.notice));
}

fn erasure_takes_the_consents_and_receipts(env: &Env) {
    let env = env_on_7_december(env);
    let r = register(&env);
    let jane = subject(&env, "Jane", "Smith");
    let harry = subject(&env, "Harry", "Patel");
    let id = post(&env, "/api/v1/consents", newsletter(&jane, &r))["id"].as_str().unwrap().to_string();
    post(&env, "/api/v1/consents", newsletter(&harry, &r));
    post(
        &env,
        &format!("/api/v1/subjects/{jane}/notices"),
        json!({"notice_id": r.notice, "received_on": "2026-12-01", "method": "email"}),
    );

    let (status, v) =
        env.call(Role::Dpo, Method::DELETE, &format!("/api/v1/subjects/{jane}?reason=erasure_request"), None);
    assert_eq!(status, StatusCode::OK, "{v}");
    let (status, _) = env.call(Role::Dpo, Method::GET, &format!("/api/v1/consents/{id}"), None);
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = env.call(Role::Dpo, Method::GET, &format!("/api/v1/consents?subject_id={jane}"), None);
    assert_eq!(status, StatusCode::GONE);
    assert!(env.app.store().consents_of(&jane).unwrap().is_empty());
    assert!(env.app.store().notice_receipts_of(&jane).unwrap().is_empty());
    assert_eq!(env.app.store().consents_of(&harry).unwrap().len(), 1, "others' consents stay");
    let (status, _) = env.call(Role::Dpo, Method::POST, "/api/v1/consents", Some(newsletter(&jane, &r)));
    assert_eq!(status, StatusCode::GONE);
}
