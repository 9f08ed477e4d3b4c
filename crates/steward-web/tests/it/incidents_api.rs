//! Breaches, disclosures and DPIAs through the API: the 72-hour clock and the internal
//! clock set in settings (hours, or working days over the bank holidays), an
//! out-of-hours disclosure awaiting the DPO's approval, a DPIA's notice to the DPO and its
//! ICO consultation, the refusals that name what is missing, and the ICO report export.
//! On both databases; all data fictional.

use crate::common::api_env::Env;
use axum::http::{Method, StatusCode};
use serde_json::json;
use std::sync::Arc;
use steward_core::Role;
use steward_core::time::FixedClock;
use steward_testkit::on_both_backends;

on_both_backends!(
    the_breach_clocks_follow_the_law_and_the_settings,
    breaches_refuse_what_is_missing,
    an_out_of_hours_disclosure_awaits_the_dpo,
    a_dpia_runs_its_clocks_and_refuses_an_early_sign_off,
    the_ico_report_lays_out_the_six_parts,
);

fn fresh(env: &Env) -> Env {
    Env::with_clock(env.db.fresh(), Arc::new(FixedClock::on(jiff::civil::date(2026, 12, 7))))
}

fn breach(aware_at: &str) -> serde_json::Value {
    json!({"summary": "Laptop with an arrears spreadsheet left on a train", "aware_at": aware_at,
        "data_categories": ["basic_identifiers", "economic_or_financial"], "people_affected": 212,
        "people_categories": ["customers"]})
}

fn the_breach_clocks_follow_the_law_and_the_settings(env: &Env) {
    let env = fresh(env);
    let (status, body) =
        env.call(Role::Dpo, Method::PATCH, "/api/v1/settings", Some(json!({"breach_internal_clock": {"hours": 6}})));
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["breach_internal_clock"], json!({"hours": 6}));
    // Friday 4 December 2026, 16:00 (GMT): the ICO by Monday 16:00, the DPO by 22:00.
    let (status, b) = env.call(Role::Staff, Method::POST, "/api/v1/breaches", Some(breach("2026-12-04T16:00:00Z")));
    assert_eq!(status, StatusCode::CREATED, "{b}");
    assert_eq!(b["ico_deadline_at"], "2026-12-07T16:00:00Z");
    assert_eq!(b["internal_deadline_at"], "2026-12-04T22:00:00Z");
    assert_eq!(b["decision_open"], true);

    // One working day, reported Friday 28 August 2026 at 17:00 BST: Tuesday 1 September 17:00
    // (31 August is the summer bank holiday).
    let (status, _) = env.call(
        Role::Dpo,
        Method::PATCH,
        "/api/v1/settings",
        Some(json!({"breach_internal_clock": {"working_days": 1}})),
    );
    assert_eq!(status, StatusCode::OK);
    let (_, s) = env.call(Role::Dpo, Method::GET, "/api/v1/settings", None);
    assert_eq!(s["breach_internal_clock"], json!({"working_days": 1}));
    let (_, b) = env.call(Role::Dpo, Method::POST, "/api/v1/breaches", Some(breach("2026-08-28T17:00:00+01:00")));
    assert_eq!(b["internal_deadline_at"], "2026-09-01T16:00:00Z", "17:00 BST");
    // Across the end of summer time: 72 real hours.
    let (_, b) = env.call(Role::Dpo, Method::POST, "/api/v1/breaches", Some(breach("2026-10-23T16:00:00+01:00")));
    assert_eq!(b["ico_deadline_at"], "2026-10-26T15:00:00Z", "15:00 GMT is 72 hours after 16:00 BST");

    let (status, body) =
        env.call(Role::Dpo, Method::PATCH, "/api/v1/settings", Some(json!({"breach_internal_clock": {"hours": 100}})));
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["field"], "breach_internal_clock.hours");
    let (status, _) = env.call(
        Role::Caseworker,
        Method::PATCH,
        "/api/v1/settings",
        Some(json!({"breach_internal_clock": {"hours": 4}})),
    );
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Staff may report but not read the register.
    let (status, _) = env.call(Role::Staff, Method::GET, "/api/v1/breaches", None);
    assert_eq!(status, StatusCode::FORBIDDEN);
}

fn breaches_refuse_what_is_missing(env: &Env) {
    let env = fresh(env);
    let mut early = breach("2026-12-04T16:00:00Z");
    early["occurred_at"] = json!("2026-12-05T09:00:00Z");
    let (status, body) = env.call(Role::Dpo, Method::POST, "/api/v1/breaches", Some(early));
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["field"], "aware_at");

    let mut no_reason = breach("2026-12-04T16:00:00Z");
    no_reason["report_to_ico"] = json!(false);
    let (status, body) = env.call(Role::Dpo, Method::POST, "/api/v1/breaches", Some(no_reason));
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "report_to_ico_reason");
    assert!(body["error"]["message"].as_str().unwrap().contains("Art 33(5)"));

    let mut follow_up = breach("2026-12-04T16:00:00Z");
    follow_up["report_to_ico"] = json!(true);
    follow_up["report_to_ico_reason"] = json!("Risk of fraud");
    follow_up["reports"] = json!([{"phase": "initial", "sent_at": "2026-12-05T10:00:00Z"},
        {"phase": "follow_up", "sent_at": "2026-12-07T10:00:00Z"}]);
    let (status, body) = env.call(Role::Dpo, Method::POST, "/api/v1/breaches", Some(follow_up));
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "reports[1].ico_reference");

    let mut late = breach("2026-12-01T16:00:00Z");
    late["report_to_ico"] = json!(true);
    late["report_to_ico_reason"] = json!("Risk of fraud");
    late["reports"] = json!([{"phase": "initial", "sent_at": "2026-12-05T10:00:00Z"}]);
    let (status, body) = env.call(Role::Dpo, Method::POST, "/api/v1/breaches", Some(late));
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "delay_reasons");
    let (status, body) =
        env.call(Role::Dpo, Method::POST, "/api/v1/breaches", Some(json!({"summary": "x", "aware_at": "Friday"})));
    assert!(status.is_client_error(), "{body}");
}

fn an_out_of_hours_disclosure_awaits_the_dpo(env: &Env) {
    let env = fresh(env);
    let police = json!({"requester_organisation": "Westshire Police", "request_summary": "A tenant's address",
        "requested_at": "2026-11-28T01:30:00Z", "in_writing": false, "basis": "vital_interests", "decision": "disclose",
        "justification": "Concern for life", "decided_by": "On-call manager", "decided_at": "2026-11-28T02:00:00Z"});
    let (status, d) = env.call(Role::Caseworker, Method::POST, "/api/v1/disclosures", Some(police.clone()));
    assert_eq!(status, StatusCode::CREATED, "{d}");
    assert_eq!(d["out_of_hours"], true);
    assert_eq!(d["retrospective_approval"], "pending");
    let id = d["id"].as_str().unwrap();
    // Only the DPO approves; a caseworker cannot set the approval by replacing the entry.
    let (status, _) = env.call(
        Role::Caseworker,
        Method::POST,
        &format!("/api/v1/disclosures/{id}/approval"),
        Some(json!({"outcome": "approved"})),
    );
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut sneaky = police.clone();
    sneaky["approval"] = json!({"outcome": "approved", "by": "me"});
    let (status, _) = env.call(Role::Caseworker, Method::PUT, &format!("/api/v1/disclosures/{id}"), Some(sneaky));
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, d) = env.call(
        Role::Dpo,
        Method::POST,
        &format!("/api/v1/disclosures/{id}/approval"),
        Some(json!({"outcome": "approved", "note": "Right call"})),
    );
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["retrospective_approval"], "approved");

    let mut daytime = police.clone();
    daytime["decided_at"] = json!("2026-11-30T11:00:00Z");
    let (_, d) = env.call(Role::Dpo, Method::POST, "/api/v1/disclosures", Some(daytime));
    assert_eq!(d["out_of_hours"], false);
    assert!(d["retrospective_approval"].is_null());
    let (status, _) = env.call(
        Role::Dpo,
        Method::POST,
        &format!("/api/v1/disclosures/{}/approval", d["id"].as_str().unwrap()),
        Some(json!({"outcome": "approved"})),
    );
    assert_eq!(status, StatusCode::CONFLICT);

    let mut no_basis = police;
    no_basis["basis"] = serde_json::Value::Null;
    let (status, body) = env.call(Role::Dpo, Method::POST, "/api/v1/disclosures", Some(no_basis));
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "basis");
}

fn a_dpia_runs_its_clocks_and_refuses_an_early_sign_off(env: &Env) {
    let env = fresh(env);
    let (status, d) = env.call(
        Role::Dpo,
        Method::POST,
        "/api/v1/dpias",
        Some(json!({
        "title": "Tenancy risk scoring", "high_risk_found_on": "2026-11-20",
        "risks": [{"description": "Wrong scores", "likelihood": "probable", "severity": "severe"}],
        "measures": [{"measure": "Human review", "effect": "reduced", "residual_risk": "high"}]})),
    );
    assert_eq!(status, StatusCode::CREATED, "{d}");
    assert_eq!(d["dpo_notify_by"], "2026-11-27");
    assert_eq!(d["ico_consultation_required"], true);
    let (status, body) = env.call(
        Role::Dpo,
        Method::POST,
        "/api/v1/dpias",
        Some(json!({
        "title": "Repairs app", "screening": {"new_technologies": true}, "signed_off_on": "2026-12-01"})),
    );
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> =
        body["error"]["problems"].as_array().unwrap().iter().map(|p| p["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"screening.tracking"), "{body}");
    let (status, _, text) = env.call_with_headers(
        Some(Role::Dpo),
        Method::GET,
        &format!("/api/v1/dpias/{}/document", d["id"].as_str().unwrap()),
    );
    assert_eq!(status, StatusCode::OK);
    assert!(text.contains("Step 7. Sign off") && text.contains("Friday 27 November 2026"), "{text}");
}

fn the_ico_report_lays_out_the_six_parts(env: &Env) {
    let env = fresh(env);
    let mut b = breach("2026-12-04T16:00:00Z");
    b["how_found"] = json!("Reported by the officer");
    b["containment"] = json!("Remote wipe");
    b["report_to_ico"] = json!(true);
    b["report_to_ico_reason"] = json!("Risk of fraud");
    b["reports"] = json!([{"phase": "initial", "sent_at": "2026-12-05T10:00:00Z", "ico_reference": "IC-1234-ABCD"}]);
    let (status, b) = env.call(Role::Dpo, Method::POST, "/api/v1/breaches", Some(b));
    assert_eq!(status, StatusCode::CREATED, "{b}");
    let (status, headers, text) = env.call_with_headers(
        Some(Role::Dpo),
        Method::GET,
        &format!("/api/v1/breaches/{}/ico-report", b["id"].as_str().unwrap()),
    );
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/plain"));
    for part in [
        "1. About the report",
        "2. What happened",
        "3. The data",
        "4. The people",
        "5. Staff",
        "6. About the organisation",
    ] {
        assert!(text.contains(part), "{part}: {text}");
    }
    assert!(
        text.contains("IC-1234-ABCD") && text.contains("Economic or financial data") && text.contains("212"),
        "{text}"
    );
    assert!(text.contains("Friday 4 December 2026 at 16:00"), "{text}");
}
