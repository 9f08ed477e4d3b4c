//! The records inventory and the retention schedule through the API: a record answers
//! 201 with its destroy-by date, rule, explanation and missing facts; PATCH recomputes;
//! holds on records and record types mark them held; the schedule is read, checked,
//! saved (recomputing) and refused with every problem named; bad input is a 4xx naming
//! the field. Each scenario runs on SQLite and, when `STEWARD_TEST_POSTGRES_URL` is set,
//! on PostgreSQL. All data is fictional.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use steward_core::Role;

use crate::common::api_env::Env;
use steward_testkit::on_both_backends;

on_both_backends!(records_get_dates_and_move_with_facts, schedule_read_check_save, records_bad_input_and_holds);

fn template(env: &Env) {
    let (s, v) = env.call(
        Role::Dpo,
        Method::POST,
        "/api/v1/retention/schedule/template",
        Some(json!({"template": "family-support-charity"})),
    );
    assert_eq!(s, StatusCode::OK, "{v}");
}

fn records_get_dates_and_move_with_facts(env: &Env) {
    template(env);
    // The issue's own example.
    let (s, v) = env.call(
        Role::Admin,
        Method::POST,
        "/api/v1/records",
        Some(json!({
            "record_type": "volunteer-file",
            "events": {"left": "2024-03-15"},
            "flags": ["reference_consent"],
            "location": "Head office, cabinet 3",
            "reference": "VOL-0042"
        })),
    );
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["destroy_on"], "2029-03-15");
    assert_eq!(v["missing"], json!([]));
    assert!(v["rule"].as_str().unwrap().contains("5 years after left"), "{v}");
    assert!(v["explanation"].as_str().unwrap().contains("15 Mar 2029"), "{v}");
    assert_eq!(v["location"]["detail"], "Head office, cabinet 3");
    let id = v["id"].as_str().unwrap().to_string();

    // Not yet computable: null date and the missing fact named.
    let (s, v) = env.call(
        Role::Dpo,
        Method::POST,
        "/api/v1/records",
        Some(json!({"record_type": "staff-personnel-file", "reference": "HR-118"})),
    );
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["destroy_on"], Value::Null);
    assert_eq!(v["missing"], json!(["event left"]));
    let staff = v["id"].as_str().unwrap().to_string();
    // Permanent: null date, nothing missing.
    let (_, v) = env.call(Role::Dpo, Method::POST, "/api/v1/records", Some(json!({"record_type": "deed-of-title"})));
    assert_eq!((v["destroy_on"].clone(), v["permanent"].clone()), (Value::Null, json!(true)));

    // PATCH with a new event recomputes.
    let (s, v) = env.call(
        Role::Dpo,
        Method::PATCH,
        &format!("/api/v1/records/{staff}"),
        Some(json!({"events": {"left": "2025-09-30"}})),
    );
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["destroy_on"], "2031-09-30");
    // Legal proceedings set a floor of 7 years after they end.
    let (_, v) = env.call(
        Role::Dpo,
        Method::PATCH,
        &format!("/api/v1/records/{staff}"),
        Some(json!({"events": {"proceedings_ended": "2026-02-01"}, "flags": ["legal_proceedings"]})),
    );
    assert_eq!(v["destroy_on"], "2033-02-01", "{v}");

    let (s, v) = env.call(Role::Caseworker, Method::GET, &format!("/api/v1/records/{id}"), None);
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["destroy_month"], "Mar 2029");
    let (_, v) = env.call(Role::Auditor, Method::GET, "/api/v1/records?record_type=volunteer-file", None);
    assert_eq!(v["total"], 1);
    let (_, v) = env.call(Role::Auditor, Method::GET, "/api/v1/records?missing=true", None);
    assert_eq!(v["total"], 0);
    let (_, v) = env.call(Role::Auditor, Method::GET, "/api/v1/records?due_before=2034-01-01", None);
    assert_eq!(v["total"], 2, "{v}");
}

fn schedule_read_check_save(env: &Env) {
    let (s, v) = env.call(Role::Dpo, Method::GET, "/api/v1/retention/schedule", None);
    assert_eq!(s, StatusCode::NOT_FOUND, "no schedule yet: {v}");
    template(env);
    let (s, v) = env.call(Role::Auditor, Method::GET, "/api/v1/retention/schedule", None);
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["version"], 1);
    let types: Vec<&str> = v["record_types"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert!(types.contains(&"family-file") && types.contains(&"deed-of-title"), "{types:?}");
    let toml = v["toml"].as_str().unwrap().to_string();

    let (_, v) = env.call(
        Role::Dpo,
        Method::POST,
        "/api/v1/records",
        Some(json!({"record_type": "dbs-record", "events": {"issued": "2025-02-01"}})),
    );
    assert_eq!(v["destroy_on"], "2025-08-01");
    let dbs = v["id"].as_str().unwrap().to_string();

    // Checking a broken schedule names every problem; saving it is refused.
    let broken = toml.replace("rule = \"6 months after issued\"", "rule = \"6 fortnights after issued\"");
    assert_ne!(broken, toml);
    let broken = format!(
        "{broken}\n[[record_type]]\nid = \"a\"\nname = \"A\"\nrule = \"same_as(b)\"\n\n[[record_type]]\nid = \"b\"\nname = \"B\"\nrule = \"same_as(a)\"\n"
    );
    let (s, v) =
        env.call(Role::Caseworker, Method::POST, "/api/v1/retention/schedule/check", Some(json!({"toml": broken})));
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["valid"], false);
    let problems = v["problems"].as_array().unwrap();
    assert!(problems.iter().any(|p| p["record_type"] == "dbs-record" && p["field"] == "rule"), "{v}");
    assert!(problems.iter().any(|p| p["message"].as_str().unwrap().contains("cycle")), "{v}");
    let (s, v) = env.call(Role::Dpo, Method::PUT, "/api/v1/retention/schedule", Some(json!({"toml": broken})));
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v.to_string().contains("dbs-record"), "{v}");
    let (s, _) = env.call(Role::Caseworker, Method::PUT, "/api/v1/retention/schedule", Some(json!({"toml": toml})));
    assert_eq!(s, StatusCode::FORBIDDEN);

    // A real change recomputes the record of that type.
    let changed = toml.replace("rule = \"6 months after issued\"", "rule = \"12 months after issued\"");
    let (s, v) = env.call(Role::Dpo, Method::PUT, "/api/v1/retention/schedule", Some(json!({"toml": changed})));
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["version"], 2);
    assert_eq!(v["changed_types"], json!(["dbs-record"]));
    assert_eq!(v["recomputed"], 1);
    let (_, v) = env.call(Role::Dpo, Method::GET, &format!("/api/v1/records/{dbs}"), None);
    assert_eq!(v["destroy_on"], "2026-02-01");
    let (_, v) = env.call(Role::Dpo, Method::GET, "/api/v1/retention/schedule/versions", None);
    assert_eq!(v["versions"].as_array().unwrap().len(), 2);
    let (_, v) = env.call(Role::Caseworker, Method::GET, "/api/v1/retention/templates", None);
    assert_eq!(v["templates"].as_array().unwrap().len(), 2);
}

fn records_bad_input_and_holds(env: &Env) {
    template(env);
    let post = |body: Value| env.call(Role::Dpo, Method::POST, "/api/v1/records", Some(body));
    for (body, needle) in [
        (json!({"record_type": "spaceship-log"}), "spaceship-log"),
        (
            json!({"record_type": "volunteer-file", "events": {"started": "2024-05-01", "left": "2024-03-15"}}),
            "started",
        ),
        (json!({"record_type": "volunteer-file", "events": {"left": "15/03/2024"}}), "left"),
        (json!({"record_type": "volunteer-file", "events": {"left": "2024-02-30"}}), "left"),
        (json!({"record_type": "volunteer-file", "flags": ["vip"]}), "vip"),
        (json!({"record_type": "volunteer-file", "colour": "red"}), "colour"),
        (json!({"record_type": "volunteer-file", "subject_id": "00000000-0000-0000-0000-000000000000"}), "subject"),
    ] {
        let (s, v) = post(body.clone());
        assert!(s == StatusCode::UNPROCESSABLE_ENTITY || s == StatusCode::BAD_REQUEST, "{body}: {s} {v}");
        assert!(v.to_string().contains(needle), "{body}: {v}");
    }
    let (s, _) = env.call(Role::Dpo, Method::GET, "/api/v1/records/no-such-record", None);
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = env.call(Role::Dpo, Method::PATCH, "/api/v1/records/no-such-record", Some(json!({"flags": []})));
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = env.call(Role::Dpo, Method::GET, "/api/v1/records?due_before=soon", None);
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (_, v) = env.call(Role::Dpo, Method::GET, "/api/v1/records", None);
    assert_eq!(v["total"], 0, "nothing half-written: {v}");

    // Holds on a record and on a record type.
    let (_, v) = post(json!({"record_type": "accident-record", "events": {"accident": "2020-05-04"}}));
    let accident = v["id"].as_str().unwrap().to_string();
    let (s, h) = env.call(
        Role::Dpo,
        Method::POST,
        "/api/v1/holds",
        Some(json!({"record_id": accident, "reason": "Personal injury claim 2026/031", "approved_by": "Chair"})),
    );
    assert_eq!(s, StatusCode::CREATED, "{h}");
    assert_eq!((h["scope"].as_str(), h["target"].as_str()), (Some("record"), Some(accident.as_str())));
    let (_, v) = env.call(Role::Dpo, Method::GET, &format!("/api/v1/records/{accident}"), None);
    assert_eq!(v["held"], true);
    let (_, v) = env.call(Role::Dpo, Method::GET, "/api/v1/records?held=true", None);
    assert_eq!(v["total"], 1);
    let (s, t) = env.call(
        Role::Dpo,
        Method::POST,
        "/api/v1/holds",
        Some(json!({"record_type": "lease", "reason": "Dilapidations dispute", "approved_by": "Chair"})),
    );
    assert_eq!(s, StatusCode::CREATED, "{t}");
    let (s, v) = env.call(
        Role::Admin,
        Method::POST,
        "/api/v1/holds",
        Some(json!({"record_type": "lease", "reason": "x", "approved_by": "y"})),
    );
    assert_eq!(s, StatusCode::FORBIDDEN, "only the DPO places holds: {v}");
    let (s, v) = env.call(
        Role::Dpo,
        Method::POST,
        "/api/v1/holds",
        Some(json!({"record_id": "nope", "reason": "x", "approved_by": "y"})),
    );
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (_, v) = env.call(Role::Dpo, Method::GET, "/api/v1/holds", None);
    assert_eq!(v["holds"].as_array().unwrap().len(), 2);
    let hold = h["id"].as_str().unwrap();
    let (s, _) =
        env.call(Role::Dpo, Method::DELETE, &format!("/api/v1/holds/{hold}"), Some(json!({"reason": "Settled"})));
    assert_eq!(s, StatusCode::OK);
    let (_, v) = env.call(Role::Dpo, Method::GET, &format!("/api/v1/records/{accident}"), None);
    assert_eq!(v["held"], false);
}
