//! Erasure, holds, restriction and rectification through the API: an approved erasure
//! leaves the subject unreadable (410), lists their contacts on the suppression list,
//! opens a task per system and processor and produces a certificate; a hold stops it;
//! a restricted subject's changes are refused with the reason. Each scenario runs on
//! SQLite and, when `STEWARD_TEST_POSTGRES_URL` is set, on PostgreSQL. All people are
//! fictional.

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

on_both_backends!(erasure_end_to_end, holds_stop_erasure, restriction_and_rectification, bad_input);

impl Env {
    fn person(&self) -> String {
        let s = NewSubject {
            given_name: "Grace".into(),
            family_name: "Adeyemi".into(),
            emails: vec!["grace.adeyemi@example.org".into()],
            phones: vec!["0161 496 0734".into()],
            ..NewSubject::default()
        };
        let id = self.app.create_subject(&Context::cli(), s).expect("subject").id;
        self.assign_to_caseworker(&id);
        id
    }

    fn request_about(&self, kind: &str, subject: &str) -> String {
        let v = self.create(json!({"kind": kind, "received_on": "2026-01-05", "subject_id": subject,
            "channel": "letter", "assigned_to": self.caseworker_key()}));
        v["id"].as_str().expect("id").to_string()
    }

    fn system(&self, name: &str, kind: &str, all: bool) -> String {
        let body = json!({"name": name, "kind": kind, "holds_all_subjects": all, "contact": "it@example.org"});
        let (s, v) = self.call(Role::Admin, Method::POST, "/api/v1/systems", Some(body));
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v["id"].as_str().expect("id").to_string()
    }

    fn ok(&self, role: Role, method: Method, uri: &str, body: Option<Value>) -> Value {
        let (s, v) = self.call(role, method, uri, body);
        assert!(s.is_success(), "{uri}: {s} {v}");
        v
    }
}

fn erasure_end_to_end(env: &Env) {
    let crm = env.system("Tenancy CRM", "system", true);
    let mailing = env.system("Mailing house", "processor", false);
    let grace = env.person();
    let id = env.request_about("erasure", &grace);
    let body = json!({"system_id": mailing, "searched_on": "2026-01-06", "terms": "Adeyemi", "hits": 3});
    let (s, v) = env.call(Role::Caseworker, Method::POST, &format!("/api/v1/requests/{id}/searches"), Some(body));
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!((v["system"].as_str(), v["processor"].as_bool()), (Some("Mailing house"), Some(true)));

    // The caseworker may not approve; the DPO does.
    let approve = json!({"kind": "decision", "on": "2026-01-07", "outcome": "granted"});
    let (s, v) =
        env.call(Role::Caseworker, Method::POST, &format!("/api/v1/requests/{id}/events"), Some(approve.clone()));
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = env.event(&id, approve);
    assert_eq!(s, StatusCode::OK, "{v}");

    let (s, v) = env.call(Role::Dpo, Method::GET, &format!("/api/v1/subjects/{grace}"), None);
    assert_eq!(s, StatusCode::GONE, "the subject is unreadable: {v}");
    let (s, v) = env.call(Role::Staff, Method::GET, "/api/v1/suppression?email=grace.adeyemi%40example.org", None);
    assert_eq!((s, v["suppressed"].as_bool()), (StatusCode::OK, Some(true)));
    let tasks = env.ok(Role::Caseworker, Method::GET, &format!("/api/v1/requests/{id}/erasure-tasks"), None);
    let tasks = tasks["tasks"].as_array().expect("tasks").clone();
    let mut names: Vec<&str> = tasks.iter().map(|t| t["system_name"].as_str().expect("name")).collect();
    names.sort();
    assert_eq!(names, ["Mailing house", "Tenancy CRM"]);
    assert!(tasks.iter().all(|t| t["status"] == "pending"));
    assert!(tasks.iter().any(|t| t["system_id"] == crm.as_str()));

    let cert = env.ok(Role::Dpo, Method::GET, &format!("/api/v1/requests/{id}/erasure-certificate"), None);
    assert_eq!(cert["complete"], false);
    assert!(cert["erased_in_steward_at"].is_string());
    assert_eq!(cert["suppressed_identifiers"], 2);
    assert!(!cert.to_string().contains("Adeyemi"));

    for t in &tasks {
        let uri = format!("/api/v1/requests/{id}/erasure-tasks/{}", t["id"].as_str().expect("id"));
        let body = json!({"status": "erased", "confirmed_on": "2026-01-09", "note": "Written confirmation"});
        env.ok(Role::Caseworker, Method::POST, &uri, Some(body));
    }
    let cert = env.ok(Role::Auditor, Method::GET, &format!("/api/v1/requests/{id}/erasure-certificate"), None);
    assert_eq!(cert["complete"], true, "{cert}");
    assert!(cert["tasks"].as_array().expect("tasks").iter().all(|t| t["confirmed_on"] == "2026-01-09"));
}

fn holds_stop_erasure(env: &Env) {
    let grace = env.person();
    let id = env.request_about("erasure", &grace);
    let body = json!({"subject_id": grace, "reason": "Disrepair claim", "approved_by": "Head of Legal"});
    let (s, _) = env.call(Role::Caseworker, Method::POST, "/api/v1/holds", Some(body.clone()));
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, hold) = env.call(Role::Dpo, Method::POST, "/api/v1/holds", Some(body));
    assert_eq!(s, StatusCode::CREATED, "{hold}");
    let hold_id = hold["id"].as_str().expect("id");
    let listed = env.ok(Role::Caseworker, Method::GET, &format!("/api/v1/holds?subject_id={grace}"), None);
    assert_eq!(listed["holds"].as_array().expect("holds").len(), 1);

    let (s, v) = env.event(&id, json!({"kind": "decision", "on": "2026-01-07", "outcome": "granted"}));
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(v["error"]["message"].as_str().expect("message").contains("legal hold"));
    let (s, _) = env.call(Role::Dpo, Method::DELETE, &format!("/api/v1/subjects/{grace}?reason=erasure_request"), None);
    assert_eq!(s, StatusCode::CONFLICT, "direct erasure is stopped too");
    env.ok(Role::Dpo, Method::GET, &format!("/api/v1/subjects/{grace}"), None);

    let lifted =
        env.ok(Role::Dpo, Method::DELETE, &format!("/api/v1/holds/{hold_id}"), Some(json!({"reason": "Settled"})));
    assert_eq!(lifted["lift_reason"], "Settled");
    let (s, _) = env.call(Role::Dpo, Method::DELETE, &format!("/api/v1/holds/{hold_id}"), Some(json!({"reason": "x"})));
    assert_eq!(s, StatusCode::CONFLICT);
    let all = env.ok(Role::Dpo, Method::GET, &format!("/api/v1/holds?subject_id={grace}&include_lifted=true"), None);
    assert_eq!(all["holds"].as_array().expect("holds").len(), 1);
    let (s, v) = env.event(&id, json!({"kind": "decision", "on": "2026-01-07", "outcome": "granted"}));
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, _) = env.call(Role::Dpo, Method::GET, &format!("/api/v1/subjects/{grace}"), None);
    assert_eq!(s, StatusCode::GONE);
}

fn restriction_and_rectification(env: &Env) {
    let grace = env.person();
    let id = env.request_about("restriction", &grace);
    let (s, v) = env.event(&id, json!({"kind": "decision", "on": "2026-01-07", "outcome": "granted"}));
    assert_eq!(s, StatusCode::OK, "{v}");
    let r = env.ok(Role::Caseworker, Method::GET, &format!("/api/v1/subjects/{grace}/restriction"), None);
    assert_eq!(
        (r["restricted"].as_bool(), r["restriction"]["ground"].as_str()),
        (Some(true), Some("restriction_request"))
    );

    let (s, v) =
        env.call(Role::Dpo, Method::PATCH, &format!("/api/v1/subjects/{grace}"), Some(json!({"notes": "Moved"})));
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let message = v["error"]["message"].as_str().expect("message");
    assert!(message.contains("restricted") && message.contains("Art 18"), "{message}");

    let rect = env.request_about("rectification", &grace);
    let fixed = env.ok(
        Role::Caseworker,
        Method::POST,
        &format!("/api/v1/requests/{rect}/rectification"),
        Some(json!({"family_name": "Adeyemi-Cole"})),
    );
    assert_eq!(fixed["family_name"], "Adeyemi-Cole");

    let lift = json!({"informed_on": "2026-01-08"});
    let (s, _) = env.call(
        Role::Caseworker,
        Method::DELETE,
        &format!("/api/v1/subjects/{grace}/restriction"),
        Some(lift.clone()),
    );
    assert_eq!(s, StatusCode::FORBIDDEN);
    let r = env.ok(Role::Dpo, Method::DELETE, &format!("/api/v1/subjects/{grace}/restriction"), Some(lift));
    assert_eq!(r["restricted"], false);
    env.ok(Role::Dpo, Method::PATCH, &format!("/api/v1/subjects/{grace}"), Some(json!({"notes": "Moved"})));
}

fn bad_input(env: &Env) {
    let grace = env.person();
    let access = env.request_about("access", &grace);
    let cases: Vec<(Method, String, Option<Value>, StatusCode, &str)> = vec![
        (
            Method::POST,
            "/api/v1/systems".into(),
            Some(json!({"name": "", "kind": "system"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "name",
        ),
        (
            Method::POST,
            "/api/v1/systems".into(),
            Some(json!({"name": "X", "kind": "cloud"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "",
        ),
        (Method::GET, "/api/v1/systems/nope".into(), None, StatusCode::NOT_FOUND, ""),
        (
            Method::POST,
            "/api/v1/holds".into(),
            Some(json!({"subject_id": "nope", "reason": "x", "approved_by": "y"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "subject_id",
        ),
        (Method::DELETE, "/api/v1/holds/nope".into(), Some(json!({"reason": "x"})), StatusCode::NOT_FOUND, ""),
        (
            Method::GET,
            format!("/api/v1/requests/{access}/erasure-certificate"),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            "kind",
        ),
        (
            Method::POST,
            format!("/api/v1/requests/{access}/rectification"),
            Some(json!({"notes": "x"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "kind",
        ),
        (
            Method::POST,
            format!("/api/v1/requests/{access}/erasure-tasks/nope"),
            Some(json!({"status": "erased", "confirmed_on": "2026-01-09"})),
            StatusCode::NOT_FOUND,
            "",
        ),
        (
            Method::POST,
            format!("/api/v1/requests/{access}/erasure-tasks/nope"),
            Some(json!({"status": "erased", "confirmed_on": "9 Jan"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "",
        ),
        (
            Method::PUT,
            format!("/api/v1/requests/{access}/assignee"),
            Some(json!({"user_id": "nobody"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "assigned_to",
        ),
        (
            Method::PUT,
            format!("/api/v1/subjects/{grace}/restriction"),
            Some(json!({"ground": "because"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "",
        ),
        (
            Method::DELETE,
            format!("/api/v1/subjects/{grace}/restriction"),
            Some(json!({"informed_on": "2026-01-08"})),
            StatusCode::NOT_FOUND,
            "",
        ),
        (
            Method::POST,
            format!("/api/v1/requests/{access}/events"),
            Some(
                json!({"kind": "decision", "on": "2026-01-07", "outcome": "refused", "reason": "Repeated", "ground": "legal_obligation"}),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "ground",
        ),
    ];
    for (method, uri, body, status, field) in cases {
        let (s, v) = env.call(Role::Dpo, method.clone(), &uri, body);
        assert_eq!(s, status, "{method} {uri}: {v}");
        if !field.is_empty() {
            assert_eq!(v["error"]["field"], field, "{method} {uri}: {v}");
        }
        assert!(!v.to_string().contains("Adeyemi") && !v.to_string().contains("grace"), "no personal data: {v}");
    }
}
