//! What a request may record next, through the API: the request view's `next_events`,
//! from the request's kind, status and events, as the request's page offers them. Each
//! scenario runs on SQLite and, when `STEWARD_TEST_POSTGRES_URL` is set, on PostgreSQL.
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use steward_core::Role;

use crate::common::api_env::Env;
use steward_testkit::on_both_backends;

fn next(v: &Value) -> Vec<&str> {
    v["next_events"].as_array().expect("next_events").iter().map(|e| e.as_str().expect("a code")).collect()
}

fn next_events_follow_the_request(env: &Env) {
    let today = steward_app::requests::uk_today().to_string();
    let v =
        env.create(json!({"kind": "access", "received_on": today, "channel": "email", "region": "england-and-wales"}));
    assert_eq!(
        next(&v),
        ["identity_requested", "identity_received", "clarification_asked", "extended", "decision", "response_sent"]
    );
    let id = v["id"].as_str().expect("id").to_string();
    let (s, v) = env.event(&id, json!({"kind": "extended", "on": today, "reason": "Many records across five systems"}));
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(!next(&v).contains(&"extended"), "extended only once: {v}");
    let (s, v) = env.call(Role::Dpo, Method::GET, &format!("/api/v1/requests/{id}"), None);
    assert_eq!(s, StatusCode::OK);
    assert!(!next(&v).contains(&"extended"));
    assert!(v["events"].is_array() && v["reference"].is_string(), "the request view is all there: {v}");
    let complaint = env
        .create(json!({"kind": "complaint", "received_on": today, "channel": "email", "region": "england-and-wales"}));
    assert_eq!(next(&complaint), ["decision", "response_sent"]);
    // The list leaves events out, so it names no next events either.
    let (_, list) = env.call(Role::Dpo, Method::GET, "/api/v1/requests", None);
    assert!(list["requests"][0].get("next_events").is_none(), "{list}");
}

on_both_backends! {
    next_events_follow_the_request,
}
