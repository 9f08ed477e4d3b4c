//! The versioned registers through the API: the record of processing's lawful-basis
//! rules answered with the article (422 naming Schedule 1), rights derived from the bases,
//! every change kept so the register can be read as it stood on a past date and compared
//! between two dates, links checked, and the other registers on the same kit. On both
//! databases; all data fictional.

use crate::common::api_env::Env;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::Arc;
use steward_core::Role;
use steward_core::time::FixedClock;
use steward_testkit::on_both_backends;

on_both_backends!(
    health_data_needs_its_schedule1_condition,
    the_register_as_it_stood_and_what_changed,
    links_must_name_entries_in_use,
    the_other_registers_derive_their_dates,
);

fn tenancy_support(schedule1: &str) -> Value {
    json!({
        "name": "Tenancy support",
        "business_function": "Housing management",
        "subject_categories": ["Tenants"],
        "data_categories": ["Contact details", "Support needs"],
        "purposes": [{"purpose": "Supporting tenants to keep their home", "lawful_basis": "public_task"}],
        "special_category": [{"category": "health", "art9_condition": "h", "schedule1_condition": schedule1}]
    })
}

fn health_data_needs_its_schedule1_condition(env: &Env) {
    let (status, body) = env.call(Role::Dpo, Method::POST, "/api/v1/activities", Some(tenancy_support("")));
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["field"], "special_category[0].schedule1_condition");
    assert!(body["error"]["message"].as_str().unwrap().contains("Schedule 1"), "{body}");

    let (status, body) = env.call(Role::Dpo, Method::POST, "/api/v1/activities", Some(tenancy_support("part1_para2")));
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["special_category"][0]["schedule1_condition"], "part1_para2");
    let rights: Vec<&str> = body["rights"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
    assert!(rights.contains(&"object") && !rights.contains(&"erasure") && !rights.contains(&"portability"));

    // Every problem at once: an unknown basis and an Art 9 letter out of range.
    let mut bad = tenancy_support("part1_para2");
    bad["purposes"][0]["lawful_basis"] = json!("because_we_can");
    bad["special_category"][0]["art9_condition"] = json!("k");
    bad["name"] = json!("Another");
    let (status, body) = env.call(Role::Dpo, Method::POST, "/api/v1/activities", Some(bad));
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> =
        body["error"]["problems"].as_array().unwrap().iter().map(|p| p["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"purposes[0].lawful_basis") && fields.contains(&"special_category[0].art9_condition"));

    // A duplicate name is refused; staff may read but not change.
    let (status, _) = env.call(Role::Dpo, Method::POST, "/api/v1/activities", Some(tenancy_support("part1_para2")));
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = env.call(Role::Staff, Method::GET, "/api/v1/activities", None);
    assert_eq!(status, StatusCode::OK);
    let (status, _) = env.call(Role::Staff, Method::POST, "/api/v1/activities", Some(tenancy_support("part1_para2")));
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Free text where a date belongs.
    let (status, body) = env.call(Role::Dpo, Method::GET, "/api/v1/activities?as_of=last+Tuesday", None);
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "as_of");
}

/// Changes on 1 March, 1 April and 1 May 2026: the register read as of each date shows
/// the entry as it was then, and the diff names the fields that changed.
fn the_register_as_it_stood_and_what_changed(env: &Env) {
    let clock = Arc::new(FixedClock::on(jiff::civil::date(2026, 3, 1)));
    let env = Env::with_clock(env.db.fresh(), clock.clone());
    let call = |method: Method, uri: &str, body: Option<Value>| env.call(Role::Dpo, method, uri, body);
    let noon = |m: i8| {
        jiff::civil::date(2026, m, 1).at(12, 0, 0, 0).to_zoned(steward_core::time::uk_zone()).unwrap().timestamp()
    };

    let (status, a) = call(Method::POST, "/api/v1/activities", Some(tenancy_support("part1_para2")));
    assert_eq!(status, StatusCode::CREATED, "{a}");
    let id = a["id"].as_str().unwrap().to_string();
    clock.set(noon(4));
    let mut changed = tenancy_support("part1_para2");
    changed["recipients"] = json!(["Local authority housing team"]);
    let (status, v2) = call(Method::PUT, &format!("/api/v1/activities/{id}?expected_version=1"), Some(changed.clone()));
    assert_eq!(status, StatusCode::OK, "{v2}");
    assert_eq!(v2["version"], 2);
    // A change made from the old version is refused, not overwritten.
    let (status, _) = call(Method::PUT, &format!("/api/v1/activities/{id}?expected_version=1"), Some(changed));
    assert_eq!(status, StatusCode::CONFLICT);
    clock.set(noon(5));
    let (status, _) = call(Method::DELETE, &format!("/api/v1/activities/{id}"), None);
    assert_eq!(status, StatusCode::OK);

    let (_, feb) = call(Method::GET, "/api/v1/activities?as_of=2026-02-28", None);
    assert_eq!(feb["activities"].as_array().unwrap().len(), 0);
    let (_, march) = call(Method::GET, "/api/v1/activities?as_of=2026-03-31", None);
    assert_eq!(march["activities"][0]["recipients"], json!([]));
    let (_, april) = call(Method::GET, "/api/v1/activities?as_of=2026-04-30", None);
    assert_eq!(april["activities"][0]["recipients"], json!(["Local authority housing team"]));
    let (_, now) = call(Method::GET, "/api/v1/activities", None);
    assert_eq!(now["activities"].as_array().unwrap().len(), 0, "retired");

    let (_, diff) = call(Method::GET, "/api/v1/activities/diff?from=2026-03-31&to=2026-04-30", None);
    assert_eq!(diff["changed"][0]["fields"], json!(["recipients"]), "{diff}");
    let (_, diff) = call(Method::GET, "/api/v1/activities/diff?from=2026-04-30&to=2026-05-01", None);
    assert_eq!(diff["removed"][0]["title"], "Tenancy support");
    let (_, history) = call(Method::GET, &format!("/api/v1/activities/{id}/history"), None);
    let versions = history["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 3);
    assert_eq!(versions[1]["changed_fields"], json!(["recipients"]));
    assert_eq!(versions[2]["retired"], true);
}

fn links_must_name_entries_in_use(env: &Env) {
    let mut a = tenancy_support("part1_para2");
    a["system_ids"] = json!(["no-such-system"]);
    a["processor_ids"] = json!(["no-such-processor"]);
    let (status, body) = env.call(Role::Dpo, Method::POST, "/api/v1/activities", Some(a.clone()));
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["problems"].as_array().unwrap().len(), 2);
    let (_, p) = env.call(Role::Dpo, Method::POST, "/api/v1/processors", Some(json!({"name": "Payroll bureau"})));
    a["system_ids"] = json!([]);
    a["processor_ids"] = json!([p["id"]]);
    let (status, body) = env.call(Role::Dpo, Method::POST, "/api/v1/activities", Some(a));
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _) = env.call(Role::Dpo, Method::GET, "/api/v1/activities/not-an-id", None);
    assert_eq!(status, StatusCode::NOT_FOUND);
}

fn the_other_registers_derive_their_dates(env: &Env) {
    let (status, p) = env.call(
        Role::Dpo,
        Method::POST,
        "/api/v1/policies",
        Some(json!({"title": "Data protection policy", "approved_on": "2020-01-15", "review_every_months": 36})),
    );
    assert_eq!(status, StatusCode::CREATED, "{p}");
    assert_eq!(p["next_review_on"], "2023-01-15");
    assert_eq!(p["review_overdue"], true);
    let (status, t) = env.call(
        Role::Dpo,
        Method::POST,
        "/api/v1/transfers",
        Some(json!({"destination_country": "IN", "recipient": "Survey platform", "mechanism": "uk_adequacy"})),
    );
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{t}");
    let (status, s) = env.call(
        Role::Dpo,
        Method::POST,
        "/api/v1/sharing-agreements",
        Some(json!({"title": "Safeguarding protocol", "parties": ["Borough council"], "purpose": "Safeguarding",
            "lawful_basis": "public_task", "review_on": "2025-06-30"})),
    );
    assert_eq!(status, StatusCode::CREATED, "{s}");
    assert_eq!(s["review_overdue"], true);
}
