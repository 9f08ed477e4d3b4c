//! The direct-marketing suppression list through the API: a granted objection lists the
//! subject's contacts, look-ups take any UK phone format, erasure keeps the list, roles,
//! and no plaintext in the database. Each scenario runs on SQLite and, when
//! `STEWARD_TEST_POSTGRES_URL` is set, on PostgreSQL. All personal data is fictional.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};
use steward_app::Context;
use steward_core::Role;
use steward_core::subject::NewSubject;
use tower::ServiceExt;

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
        let s = NewSubject {
            given_name: "Ada".into(),
            family_name: "Example".into(),
            emails: vec!["Ada.Example@Example.ORG".into()],
            phones: vec!["07700 900123".into()],
            ..NewSubject::default()
        };
        self.app.create_subject(&Context::cli(), s).expect("subject").id
    }

    fn subject_with(&self, given: &str, email: &str) -> String {
        let s = NewSubject {
            given_name: given.into(),
            family_name: "Example".into(),
            emails: vec![email.into()],
            ..NewSubject::default()
        };
        self.app.create_subject(&Context::cli(), s).expect("subject").id
    }

    fn check(&self, role: Role, query: &str) -> (StatusCode, Value) {
        self.call(role, Method::GET, &format!("/api/v1/suppression?{query}"), None)
    }

    fn suppressed(&self, query: &str) -> bool {
        let (s, v) = self.check(Role::Staff, query);
        assert_eq!(s, StatusCode::OK, "{v}");
        v["suppressed"].as_bool().expect("suppressed")
    }

    /// A granted objection to direct marketing about a new subject; returns the subject id.
    fn granted_objection(&self) -> String {
        let subject = self.subject();
        let v = self.create(json!({"kind": "objection_direct_marketing", "received_on": "2026-01-05",
            "subject_id": subject, "channel": "phone", "region": "england-and-wales"}));
        let id = v["id"].as_str().expect("id");
        assert!(!self.suppressed("email=ada.example%40example.org"), "not before the decision");
        let (s, v) = self.event(id, json!({"kind": "decision", "on": "2026-01-06", "outcome": "granted"}));
        assert_eq!(s, StatusCode::OK, "{v}");
        subject
    }
}

fn granted_objection_suppresses(env: &Env) {
    env.granted_objection();
    let (s, v) = env.check(Role::Caseworker, "email=Ada.Example%40example.org");
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["suppressed"], true);
    assert_eq!(v["since"].as_str().map(str::len), Some(10), "{v}");
    for phone in ["07700900123", "07700+900+123", "%2B447700900123", "%2B44+(0)7700+900123", "0044+7700+900123"] {
        assert!(env.suppressed(&format!("phone={phone}")), "{phone}");
    }
    // Other decisions and other kinds list nothing.
    let subject = env.subject_with("Bo", "bo@example.org");
    let v = env.create(json!({"kind": "objection_direct_marketing", "received_on": "2026-01-05",
        "subject_id": subject, "channel": "phone"}));
    let (s, _) = env.event(
        v["id"].as_str().expect("id"),
        json!({"kind": "decision", "on": "2026-01-06", "outcome": "refused",
            "ground": "manifestly_unfounded", "reason": "Fourth identical request this week"}),
    );
    assert_eq!(s, StatusCode::OK);
    assert!(!env.suppressed("email=bo%40example.org"));
}

fn unknown_identifiers(env: &Env) {
    let (s, v) = env.check(Role::Admin, "email=nobody%40example.org");
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v, json!({"suppressed": false, "since": null}));
    assert!(!env.suppressed("phone=07700+900999"));
    let (s, _) = env.check(Role::Dpo, "phone=not-a-phone");
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = env.check(Role::Dpo, "email=a%40example.org&phone=07700900123");
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = env.check(Role::Dpo, "");
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

fn direct_addition(env: &Env) {
    let body = json!({"emails": ["Caller@Example.org"], "phones": ["+44 7700 900456"], "reason": "objection_received"});
    let (s, v) = env.call(Role::Dpo, Method::POST, "/api/v1/suppression", Some(body.clone()));
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!((v["identifiers"].as_u64(), v["added"].as_u64()), (Some(2), Some(2)));
    let (_, v) = env.call(Role::Dpo, Method::POST, "/api/v1/suppression", Some(body.clone()));
    assert_eq!(v["added"], 0, "already listed");
    assert!(env.suppressed("email=caller%40example.org"));
    assert!(env.suppressed("phone=07700900456"));
    let (s, v) = env.call(
        Role::Dpo,
        Method::POST,
        "/api/v1/suppression",
        Some(json!({"emails": ["x@example.org"], "reason": "Mrs Smith rang"})),
    );
    assert_eq!((s, v["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("reason")));
    let (s, _) = env.call(Role::Dpo, Method::POST, "/api/v1/suppression", Some(json!({"reason": "other"})));
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    for role in [Role::Admin, Role::Caseworker, Role::Staff, Role::Auditor] {
        let (s, _) = env.call(role, Method::POST, "/api/v1/suppression", Some(body.clone()));
        assert_eq!(s, StatusCode::FORBIDDEN, "{role}");
    }
}

fn erasure_keeps_suppression(env: &Env) {
    let subject = env.granted_objection();
    let (s, v) =
        env.call(Role::Dpo, Method::DELETE, &format!("/api/v1/subjects/{subject}?reason=erasure_request"), None);
    assert!(s.is_success(), "{s} {v}");
    let (s, _) = env.call(Role::Dpo, Method::GET, &format!("/api/v1/subjects/{subject}"), None);
    assert_eq!(s, StatusCode::GONE);
    assert!(env.suppressed("email=ada.example%40example.org"));
    assert!(env.suppressed("phone=07700900123"));
}

fn roles(env: &Env) {
    for role in [Role::Dpo, Role::Admin, Role::Caseworker, Role::Staff] {
        let (s, _) = env.check(role, "email=someone%40example.org");
        assert_eq!(s, StatusCode::OK, "{role}");
    }
    let (s, _) = env.check(Role::Auditor, "email=someone%40example.org");
    assert_eq!(s, StatusCode::FORBIDDEN);
    let router = env.router.clone();
    let req =
        Request::builder().uri("/api/v1/suppression?email=someone%40example.org").body(Body::empty()).expect("request");
    let s = env.rt.block_on(async move { router.oneshot(req).await.expect("router").status() });
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

fn no_plaintext_in_database(env: &Env) {
    env.granted_objection();
    let rows = env.app.store().suppressions().expect("suppressions");
    assert_eq!(rows.len(), 2);
    for r in &rows {
        assert_eq!(r.hash.len(), 16);
        assert_eq!(r.reason, "objection_granted");
        assert!(r.request_id.is_some());
        let text = String::from_utf8_lossy(&r.hash).to_lowercase();
        assert!(!text.contains("ada.example") && !text.contains("7700"));
    }
    // The database (the raw SQLite file and its write-ahead log, or every PostgreSQL
    // row) holds the identifiers nowhere in plain text: the subject record is sealed and
    // the list holds keyed hashes.
    let hay = String::from_utf8_lossy(&env.db.raw_contents()).to_lowercase();
    assert!(hay.contains("objection_granted"), "the database was read");
    assert!(!hay.contains("ada.example@example.org"));
    assert!(!hay.contains("+447700900123"));
    assert!(!hay.contains("07700900123"));
}

on_both_backends! {
    granted_objection_suppresses,
    unknown_identifiers,
    direct_addition,
    erasure_keeps_suppression,
    roles,
    no_plaintext_in_database,
}
