//! The board's statistics through the API: requests received by kind, responded,
//! median days, the share on time by the statutory and the working due date, open and
//! overdue now, by month and year; bad parameters refused. Each scenario runs on SQLite
//! and, when `STEWARD_TEST_POSTGRES_URL` is set, on PostgreSQL.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use steward_core::Role;

use crate::common::api_env::Env;
use steward_testkit::on_both_backends;

fn request(env: &Env, kind: &str, received: &str) -> String {
    let v =
        env.create(json!({"kind": kind, "received_on": received, "channel": "email", "region": "england-and-wales"}));
    v["id"].as_str().unwrap().to_string()
}

fn respond(env: &Env, id: &str, on: &str) {
    let (s, v) = env.event(id, json!({"kind": "response_sent", "on": on}));
    assert_eq!(s, StatusCode::OK, "{v}");
}

fn month<'a>(v: &'a Value, from: &str) -> &'a Value {
    v["monthly"].as_array().unwrap().iter().find(|m| m["period"]["from"] == from).expect("month")
}

/// The worked example of `steward_core::statistics`, through the API: March 2026 has
/// four requests; one answered in March (18 days, on time), two in April (31 days, on
/// time by law but after the 30-day policy date; 35 days, late both ways), one open.
fn worked_example(env: &Env) {
    let a = request(env, "access", "2026-03-02");
    respond(env, &a, "2026-03-20");
    let b = request(env, "access", "2026-03-03");
    respond(env, &b, "2026-04-03");
    let c = request(env, "erasure", "2026-03-10");
    respond(env, &c, "2026-04-14");
    request(env, "complaint", "2026-03-30");

    let (s, v) = env.call(Role::Auditor, Method::GET, "/api/v1/statistics?year=2026", None);
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["monthly"].as_array().unwrap().len(), 12);
    let march = month(&v, "2026-03-01");
    assert_eq!((march["received"].as_u64(), march["responded"].as_u64()), (Some(4), Some(1)));
    assert_eq!(march["received_by_kind"]["access"], 2);
    assert_eq!(march["received_by_kind"]["complaint"], 1);
    assert_eq!(march["median_days"], 18.0);
    assert_eq!(march["on_time_statutory_pct"], 100.0);
    let april = month(&v, "2026-04-01");
    assert_eq!((april["received"].as_u64(), april["responded"].as_u64()), (Some(0), Some(2)));
    assert_eq!(april["median_days"], 33.0, "mean of the two middle values");
    assert_eq!(
        (april["on_time_statutory_pct"].as_f64(), april["on_time_policy_pct"].as_f64()),
        (Some(50.0), Some(0.0))
    );
    assert_eq!(month(&v, "2026-05-01")["median_days"], Value::Null);
    let y = &v["annual"];
    assert_eq!(
        (y["received"].as_u64(), y["responded"].as_u64(), y["median_days"].as_f64()),
        (Some(4), Some(3), Some(31.0))
    );
    assert_eq!(y["on_time_statutory_pct"], 66.7);
    assert_eq!(v["open_now"]["open"], 1);
    assert_eq!(v["open_now"]["overdue"], 1, "the complaint was due on 29 April 2026");
    assert!(v["years"].as_array().unwrap().contains(&json!(2026)));

    // The organisation's year from April: March 2026 falls in the year 2025.
    let (_, v) = env.call(Role::Dpo, Method::GET, "/api/v1/statistics?year=2025&year_start=4", None);
    assert_eq!(v["annual"]["period"]["from"], "2025-04-01");
    assert_eq!((v["annual"]["received"].as_u64(), v["annual"]["responded"].as_u64()), (Some(4), Some(1)));
    // A month range.
    let (s, v) = env.call(Role::Caseworker, Method::GET, "/api/v1/statistics?from=2026-02&to=2026-04", None);
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["monthly"].as_array().unwrap().len(), 3);
    assert_eq!(v["monthly"][0]["period"]["from"], "2026-02-01");
}

fn refusals(env: &Env) {
    let (s, _) = env.call(Role::Staff, Method::GET, "/api/v1/statistics", None);
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = env.call(Role::Admin, Method::GET, "/api/v1/statistics", None);
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["annual"]["received"], 0);
    assert_eq!(v["annual"]["median_days"], Value::Null);
    for (q, field) in [
        ("year_start=13", "year_start"),
        ("from=2026-13&to=2026-12", "from"),
        ("from=2026-05&to=2026-01", "from"),
        ("from=2020-01&to=2026-12", "from"),
        ("from=2026-01", "to"),
        ("year=12", "year"),
    ] {
        let (s, v) = env.call(Role::Dpo, Method::GET, &format!("/api/v1/statistics?{q}"), None);
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {v}");
        assert_eq!(v["error"]["field"], field, "{q}");
    }
    let (s, _) = env.call(Role::Dpo, Method::GET, "/api/v1/statistics?year=last", None);
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = env.call(Role::Dpo, Method::GET, "/api/v1/statistics?colour=red", None);
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

on_both_backends! {
    worked_example,
    refusals,
}
