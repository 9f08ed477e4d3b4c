//! Rights requests through the API: the uk-rules §1 worked examples beside the policy
//! target, identity, clarification, extension, refusals and roles. Each scenario runs on
//! SQLite and, when `STEWARD_TEST_POSTGRES_URL` is set, on PostgreSQL.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use steward_app::Context;
use steward_core::Role;
use steward_core::subject::NewSubject;

use crate::common::api_env;
use steward_testkit::{Database, Fixture, on_both_backends};

/// The shared API environment, with this module's helpers.
struct Env(api_env::Env);

impl std::ops::Deref for Env {
    type Target = api_env::Env;
    fn deref(&self) -> &api_env::Env {
        &self.0
    }
}

impl Fixture for Env {
    fn open(db: Database) -> Self {
        Self(api_env::Env::open(db))
    }
}

impl Env {
    fn subject(&self) -> String {
        let s = NewSubject { given_name: "Ada".into(), family_name: "Example".into(), ..NewSubject::default() };
        let id = self.app.create_subject(&Context::cli(), s).expect("subject").id;
        self.assign_to_caseworker(&id);
        id
    }
}

fn access(received: &str) -> Value {
    json!({"kind": "access", "received_on": received, "channel": "email", "region": "england-and-wales"})
}

fn dates(v: &Value) -> (&str, &str, &str) {
    (
        v["statutory_due_on"].as_str().expect("statutory"),
        v["policy_due_on"].as_str().expect("policy"),
        v["due_on"].as_str().expect("due"),
    )
}

fn worked_examples(env: &Env) {
    let subject = env.subject();
    let v = env.create(json!({"kind": "access", "received_on": "2019-09-03", "subject_id": subject, "channel": "letter", "region": "england-and-wales"}));
    assert_eq!(dates(&v), ("2019-10-03", "2019-10-03", "2019-10-03"));
    assert_eq!(v["status"], "open");
    assert!(v["reference"].as_str().expect("reference").starts_with("REQ-"));
    assert!(v["id"].is_string());
    let v = env.create(access("2019-03-31"));
    assert_eq!(dates(&v), ("2019-04-30", "2019-04-30", "2019-04-30"));
    let v = env.create(access("2019-01-30"));
    assert_eq!(dates(&v), ("2019-02-28", "2019-03-01", "2019-02-28"));
    assert_eq!(v["due_basis"], "statutory");
    let v = env.create(access("2019-07-01"));
    assert_eq!(dates(&v), ("2019-08-01", "2019-07-31", "2019-07-31"));
    assert_eq!(v["due_basis"], "policy");
    // Lists sort by the nearer due date and filter.
    let (s, list) = env.call(Role::Dpo, Method::GET, "/api/v1/requests?due_before=2019-05-01", None);
    assert_eq!(s, StatusCode::OK);
    let due: Vec<&str> =
        list["requests"].as_array().expect("list").iter().map(|r| r["due_on"].as_str().expect("due")).collect();
    assert_eq!(due, ["2019-02-28", "2019-04-30"]);
    let (_, list) = env.call(Role::Dpo, Method::GET, "/api/v1/requests?status=closed", None);
    assert_eq!(list["requests"].as_array().expect("list").len(), 0);
    // An unknown subject is refused.
    let (s, v) = env.call(
        Role::Dpo,
        Method::POST,
        "/api/v1/requests",
        Some(json!({"kind": "access", "received_on": "2019-09-03", "subject_id": "nobody", "channel": "email"})),
    );
    assert_eq!((s, v["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("subject_id")));
}

fn identity_and_clarification(env: &Env) {
    let mut body = access("2019-09-03");
    body["assigned_to"] = json!(env.caseworker_key());
    let id = env.create(body)["id"].as_str().expect("id").to_string();
    let (s, v) = env.event(&id, json!({"kind": "identity_requested", "on": "2019-09-03"}));
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("awaiting_identity")));
    let (_, v) = env.event(&id, json!({"kind": "identity_received", "on": "2019-09-10"}));
    assert_eq!(dates(&v), ("2019-10-10", "2019-10-10", "2019-10-10"));
    let (_, v) = env.event(&id, json!({"kind": "clarification_asked", "on": "2019-09-12"}));
    assert_eq!(v["status"], "awaiting_clarification");
    let (_, v) = env.event(&id, json!({"kind": "clarification_received", "on": "2019-09-14"}));
    // 10 Oct + 3 days = Sun 13 Oct → Mon 14 Oct; the policy date (from the restart) stays 10 Oct.
    assert_eq!(dates(&v), ("2019-10-14", "2019-10-10", "2019-10-10"));
    let (s, got) = env.call(Role::Dpo, Method::GET, &format!("/api/v1/requests/{id}"), None);
    assert_eq!(s, StatusCode::OK);
    assert_eq!(dates(&got), ("2019-10-14", "2019-10-10", "2019-10-10"));
    assert_eq!(got["events"].as_array().expect("events").len(), 4);
    // Out of order, and closing with the response not sent.
    let (s, v) = env.event(&id, json!({"kind": "response_sent", "on": "2019-09-13"}));
    assert_eq!((s, v["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("on")));
    let (s, v) = env.event(&id, json!({"kind": "closed", "on": "2019-09-20"}));
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["message"].as_str().expect("message").contains("response"));
    let (s, _) = env.event(&id, json!({"kind": "decision", "on": "2019-09-20", "outcome": "granted"}));
    assert_eq!(s, StatusCode::OK);
    let (_, _) = env.event(&id, json!({"kind": "response_sent", "on": "2019-09-21"}));
    // The seed's checklist (A-M) must be finished before the request closes.
    let (s, v) = env.event(&id, json!({"kind": "closed", "on": "2019-09-21"}));
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["message"].as_str().expect("message").contains("13 checklist step(s) are still open"), "{v}");
    let (s, steps) = env.call(Role::Caseworker, Method::GET, &format!("/api/v1/requests/{id}/steps"), None);
    assert_eq!(s, StatusCode::OK);
    for step in steps["steps"].as_array().expect("steps") {
        let uri = format!("/api/v1/requests/{id}/steps/{}", step["step_id"].as_str().expect("step id"));
        let (s, v) = env.call(Role::Caseworker, Method::POST, &uri, Some(json!({"done": true})));
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    let (s, v) =
        env.call(Role::Dpo, Method::POST, &format!("/api/v1/requests/{id}/steps/Z"), Some(json!({"done": true})));
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, v) = env.event(&id, json!({"kind": "closed", "on": "2019-09-21"}));
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("closed")));
    let (s, _) = env.event(&id, json!({"kind": "response_sent", "on": "2019-09-22"}));
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

fn extension(env: &Env) {
    let id = env.create(access("2019-09-03"))["id"].as_str().expect("id").to_string();
    let (s, v) = env.event(&id, json!({"kind": "extended", "on": "2019-10-04", "reason": "Numerous requests"}));
    assert_eq!((s, v["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("on")));
    assert!(v["error"]["message"].as_str().expect("message").contains("first month"));
    let (s, v) = env.event(&id, json!({"kind": "extended", "on": "2019-09-20"}));
    assert_eq!((s, v["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("reason")));
    let (s, v) = env.event(&id, json!({"kind": "extended", "on": "2019-09-20", "reason": "Numerous requests"}));
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["status"].as_str(), v["statutory_due_on"].as_str()), (Some("extended"), Some("2019-12-03")));
    assert_eq!(v["due_on"], "2019-10-03", "the policy target stays the nearer");
}

fn refusals_and_special_kinds(env: &Env) {
    let (s, v) = env.call(Role::Dpo, Method::POST, "/api/v1/requests", Some(access("2999-01-01")));
    assert_eq!((s, v["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("received_on")));
    let v = env.create(json!({"kind": "objection_direct_marketing", "received_on": "2019-09-03", "channel": "phone"}));
    assert_eq!(dates(&v), ("2019-10-03", "2019-09-05", "2019-09-05"));
    assert_eq!(v["policy_target"], "72h");
    let v = env.create(
        json!({"kind": "complaint", "received_on": "2026-07-01", "channel": "web_form", "made_by": "representative",
            "representative": {"name": "Tenants' association", "capacity": "advocate", "evidence": "Letter signed by the tenant"}}),
    );
    assert_eq!(dates(&v), ("2026-07-31", "2026-07-31", "2026-07-31"));
    let (s, _) = env.call(
        Role::Dpo,
        Method::POST,
        "/api/v1/requests",
        Some(json!({"kind": "parcel", "received_on": "2019-09-03", "channel": "email"})),
    );
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

fn roles(env: &Env) {
    let (s, _) = env.call(Role::Auditor, Method::POST, "/api/v1/requests", Some(access("2019-09-03")));
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = env.call(Role::Staff, Method::POST, "/api/v1/requests", Some(access("2019-09-03")));
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_str().expect("id");
    for role in [Role::Staff, Role::Auditor, Role::Admin] {
        let (s, _) = env.call(role, Method::GET, &format!("/api/v1/requests/{id}"), None);
        assert_eq!(s, StatusCode::FORBIDDEN, "{role}");
        let (s, _) = env.call(role, Method::GET, "/api/v1/requests", None);
        assert_eq!(s, StatusCode::FORBIDDEN, "{role}");
    }
    let (s, _) = env.call(
        Role::Staff,
        Method::POST,
        &format!("/api/v1/requests/{id}/events"),
        Some(json!({"kind": "identity_requested", "on": "2019-09-03"})),
    );
    assert_eq!(s, StatusCode::FORBIDDEN);
    // A caseworker token acting for the organisation is held to need to know: it sees
    // a request once it is given to it.
    let (s, _) = env.call(Role::Caseworker, Method::GET, &format!("/api/v1/requests/{id}"), None);
    assert_eq!(s, StatusCode::NOT_FOUND, "not given to the caseworker token");
    let assign = json!({"user_id": env.caseworker_key()});
    let (s, v) = env.call(Role::Dpo, Method::PUT, &format!("/api/v1/requests/{id}/assignee"), Some(assign));
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, _) = env.call(Role::Caseworker, Method::GET, &format!("/api/v1/requests/{id}"), None);
    assert_eq!(s, StatusCode::OK, "given to it");
    let (s, _) = env.call(Role::Dpo, Method::GET, "/api/v1/requests/no-such-request", None);
    assert_eq!(s, StatusCode::NOT_FOUND);
}

fn representatives_and_identity_notes(env: &Env) {
    let mut body = access("2026-01-05");
    body["made_by"] = json!("representative");
    let (s, v) = env.call(Role::Dpo, Method::POST, "/api/v1/requests", Some(body.clone()));
    assert_eq!((s, v["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("representative")));
    body["representative"] = json!({"name": "Morag Campbell", "capacity": "attorney", "evidence": " "});
    let (s, v) = env.call(Role::Dpo, Method::POST, "/api/v1/requests", Some(body.clone()));
    assert_eq!((s, v["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("representative.evidence")));
    assert!(!v.to_string().contains("Morag"), "errors never echo names");
    body["representative"] = json!({"name": "Morag Campbell", "capacity": "attorney",
        "evidence": "Copy of lasting power of attorney (property and financial affairs)", "evidence_received_on": "2026-01-05"});
    let v = env.create(body);
    let id = v["id"].as_str().expect("id");
    let (_, got) = env.call(Role::Dpo, Method::GET, &format!("/api/v1/requests/{id}"), None);
    assert_eq!(got["representative"]["name"], "Morag Campbell");
    assert_eq!(got["representative"]["capacity"], "attorney");
    let (_, list) = env.call(Role::Dpo, Method::GET, "/api/v1/requests", None);
    assert!(!list.to_string().contains("Morag"), "lists leave the representative out");
    let mut subject_made = access("2026-01-05");
    subject_made["representative"] = json!({"name": "X", "capacity": "other", "evidence": "y"});
    let (s, _) = env.call(Role::Dpo, Method::POST, "/api/v1/requests", Some(subject_made));
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // What was asked for and received is kept with identity and clarification events.
    let (s, v) =
        env.event(id, json!({"kind": "identity_requested", "on": "2026-01-06", "note": "Photo ID of the donor"}));
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["events"][0]["note"], "Photo ID of the donor");
    let (s, v) = env.event(id, json!({"kind": "response_sent", "on": "2026-01-07", "note": "x"}));
    assert_eq!((s, v["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("note")));
}

fn organisations_edit_their_checklists(env: &Env) {
    let (s, v) = env.call(Role::Dpo, Method::GET, "/api/v1/checklists", None);
    assert_eq!(s, StatusCode::OK);
    let access = &v["checklists"].as_array().expect("lists")[0];
    assert_eq!((access["kind"].as_str(), access["steps"].as_array().map(Vec::len)), (Some("access"), Some(13)));
    let text = "A|Log the request|The clock starts\nB|Search the housing system\nC|Ask the repairs contractor";
    let (s, v) = env.call(Role::Dpo, Method::PUT, "/api/v1/checklists/erasure", Some(json!({"text": text})));
    assert_eq!((s, v["customised"].as_bool()), (StatusCode::OK, Some(true)), "{v}");
    let subject = env.subject();
    let id =
        env.create(json!({"kind": "erasure", "received_on": "2026-01-05", "channel": "email", "subject_id": subject}))
            ["id"]
            .as_str()
            .expect("id")
            .to_string();
    let (_, steps) = env.call(Role::Dpo, Method::GET, &format!("/api/v1/requests/{id}/steps"), None);
    let titles: Vec<&str> =
        steps["steps"].as_array().expect("steps").iter().map(|s| s["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Log the request", "Search the housing system", "Ask the repairs contractor"]);

    let (s, v) = env.call(Role::Dpo, Method::PUT, "/api/v1/checklists/erasure", Some(json!({"text": "A|One\nA|Two"})));
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["error"]["message"].as_str().expect("message").contains("line 2"), "{v}");
    let (s, _) = env.call(Role::Dpo, Method::PUT, "/api/v1/checklists/parcel", Some(json!({"text": "A|One"})));
    assert!(s.is_client_error(), "{s}");
    let (s, _) = env.call(Role::Caseworker, Method::PUT, "/api/v1/checklists/erasure", Some(json!({"text": "A|One"})));
    assert_eq!(s, StatusCode::FORBIDDEN);
    // How requests are worked is the DPO's decision: an administrator may not change
    // or reset a checklist.
    let (s, _) = env.call(Role::Admin, Method::PUT, "/api/v1/checklists/erasure", Some(json!({"text": "A|One"})));
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = env.call(Role::Admin, Method::DELETE, "/api/v1/checklists/erasure", None);
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = env.call(Role::Dpo, Method::DELETE, "/api/v1/checklists/erasure", None);
    assert_eq!((s, v["customised"].as_bool()), (StatusCode::OK, Some(false)));
}

on_both_backends! {
    organisations_edit_their_checklists,
    worked_examples,
    identity_and_clarification,
    extension,
    refusals_and_special_kinds,
    roles,
    representatives_and_identity_notes,
}
