//! Letters through the API: the six defaults, the DPO rewording one (mistakes refused
//! with their line, unknown variables refused, nothing half-saved), restoring the
//! default, and a letter rendered for a request with the requester's name and address,
//! audited with ids only. Each scenario runs on SQLite and, when
//! `STEWARD_TEST_POSTGRES_URL` is set, on PostgreSQL. All personal data is fictional.

use axum::http::{Method, StatusCode};
use serde_json::json;
use steward_app::Context;
use steward_core::Role;
use steward_core::subject::{Address, NewSubject};
use steward_store::AuditFilter;

use crate::common::api_env::Env;
use steward_testkit::on_both_backends;

const NAME: &str = "Rosalind Quennell-Adebayo";

fn subject(env: &Env) -> String {
    let s = NewSubject {
        given_name: "Rosalind".into(),
        family_name: "Quennell-Adebayo".into(),
        addresses: vec![Address {
            lines: vec!["Flat 4, 19 Larchmere Road".into(), "Exampleton".into()],
            postcode: Some("EX4 9ZZ".into()),
        }],
        ..NewSubject::default()
    };
    env.app.create_subject(&Context::cli(), s).expect("subject").id
}

fn audit(env: &Env, action: &str) -> Vec<steward_core::audit::AuditRecord> {
    let filter = AuditFilter { action: Some(action.into()), limit: 100, ..AuditFilter::default() };
    env.app.store().audit_entries(&filter).expect("audit")
}

fn defaults_and_editing(env: &Env) {
    let (s, v) = env.call(Role::Dpo, Method::GET, "/api/v1/letters", None);
    assert_eq!(s, StatusCode::OK, "{v}");
    let names: Vec<&str> =
        v["letters"].as_array().expect("letters").iter().map(|l| l["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "acknowledgement",
            "identity_request",
            "clarification_request",
            "extension_notice",
            "refusal",
            "response_cover"
        ]
    );
    assert!(v["letters"].as_array().unwrap().iter().all(|l| l["is_default"] == true));
    assert!(v["variables"].as_array().unwrap().iter().any(|x| x["name"] == "requester_name"));
    let (s, _) = env.call(Role::Caseworker, Method::GET, "/api/v1/letters", None);
    assert_eq!(s, StatusCode::OK);
    for role in [Role::Auditor, Role::Staff, Role::Admin] {
        let (s, _) = env.call(role, Method::GET, "/api/v1/letters", None);
        assert_eq!(s, StatusCode::FORBIDDEN, "{role}");
    }

    let text = "Dear {{ requester_name }},\n\nWe received your {{ kind }} on {{ received_date }}.\n";
    let (s, v) = env.call(Role::Dpo, Method::PUT, "/api/v1/letters/acknowledgement", Some(json!({"text": text})));
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["text"].as_str(), &v["is_default"]), (Some(text), &json!(false)));
    // Only the DPO edits letters, not an administrator.
    for role in [Role::Admin, Role::Caseworker, Role::Auditor, Role::Staff] {
        let (s, _) = env.call(role, Method::PUT, "/api/v1/letters/acknowledgement", Some(json!({"text": "x"})));
        assert_eq!(s, StatusCode::FORBIDDEN, "{role}");
        let (s, _) = env.call(role, Method::DELETE, "/api/v1/letters/acknowledgement", None);
        assert_eq!(s, StatusCode::FORBIDDEN, "{role}");
    }
    // Mistakes are refused, naming the line, and nothing changes.
    let (s, v) = env.call(
        Role::Dpo,
        Method::PUT,
        "/api/v1/letters/acknowledgement",
        Some(json!({"text": "Dear {{ requester_name }},\n\n{% if is_complaint %}\nunfinished"})),
    );
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "text", "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("line"), "{v}");
    let (s, v) = env.call(
        Role::Dpo,
        Method::PUT,
        "/api/v1/letters/refusal",
        Some(json!({"text": "Dear {{ requestor_name }}, {{ recieved_date }}"})),
    );
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains("requestor_name") && msg.contains("recieved_date"), "{msg}");
    let (s, _) = env.call(Role::Dpo, Method::PUT, "/api/v1/letters/refusal", Some(json!({"text": "x".repeat(20_001)})));
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = env.call(Role::Dpo, Method::PUT, "/api/v1/letters/refusal", Some(json!({"wording": "x"})));
    assert!(s.is_client_error());
    let (s, v) = env.call(Role::Dpo, Method::PUT, "/api/v1/letters/love_letter", Some(json!({"text": "x"})));
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (_, v) = env.call(Role::Dpo, Method::GET, "/api/v1/letters", None);
    assert_eq!(v["letters"][0]["text"], text);
    assert_eq!(v["letters"][4]["is_default"], true, "the refusal was never changed");

    // Restoring the default.
    let (s, v) = env.call(Role::Dpo, Method::DELETE, "/api/v1/letters/acknowledgement", None);
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["is_default"], true);
    assert!(v["text"].as_str().unwrap().contains("Thank you for your {{ kind }}"));
    // Audited with the name and length, never the text.
    let entries = audit(env, "letter.update");
    assert_eq!(entries.len(), 2);
    assert!(entries.iter().all(|e| !e.event.detail.contains("Dear") && e.event.object_id == "acknowledgement"));
}

fn rendered_for_a_request(env: &Env) {
    let sid = subject(env);
    let r = env.create(json!({"kind": "access", "received_on": "2026-03-02", "subject_id": sid, "channel": "letter", "region": "england-and-wales"}));
    let id = r["id"].as_str().unwrap().to_string();
    let reason = "your request covers twelve years of records in four systems";
    let (s, v) = env.event(&id, json!({"kind": "extended", "on": "2026-03-10", "reason": reason}));
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = env.call(Role::Dpo, Method::POST, &format!("/api/v1/requests/{id}/letters/extension_notice"), None);
    assert_eq!(s, StatusCode::OK, "{v}");
    let text = v["text"].as_str().unwrap();
    assert!(text.contains(&format!("Dear {NAME},")), "{text}");
    assert!(text.contains("Flat 4, 19 Larchmere Road\nExampleton\nEX4 9ZZ"), "{text}");
    assert!(text.contains("2 March 2026"), "received date in words: {text}");
    assert!(text.contains("2 June 2026"), "the extended date (three months): {text}");
    assert!(text.contains(reason));
    assert_eq!(v["reference"], r["reference"]);

    let (s, v) = env.call(Role::Dpo, Method::POST, &format!("/api/v1/requests/{id}/letters/refusal"), None);
    assert_eq!(s, StatusCode::OK);
    let text = v["text"].as_str().unwrap();
    assert!(text.contains("Wycliffe House") && text.contains("SK9 5AF") && text.contains("0303 123 1113"));
    assert!(text.contains("ico.org.uk/make-a-complaint") && text.contains("judicial remedy"));

    // Audited as a view, with ids only.
    let entries = audit(env, "letter.render");
    assert_eq!(entries.len(), 2);
    let e = &entries[0].event;
    assert_eq!((e.object_type.as_str(), e.object_id.as_str()), ("request", id.as_str()));
    assert!(e.detail.contains(&sid) && !e.detail.contains("Rosalind") && !e.detail.contains("Larchmere"));

    // A complaint's acknowledgement reads as one; without a subject there is no name.
    let c = env.create(json!({"kind": "complaint", "received_on": "2026-07-01", "channel": "email"}));
    let cid = c["id"].as_str().unwrap();
    let (s, v) = env.call(Role::Dpo, Method::POST, &format!("/api/v1/requests/{cid}/letters/acknowledgement"), None);
    assert_eq!(s, StatusCode::OK, "{v}");
    let text = v["text"].as_str().unwrap();
    assert!(text.contains("Dear Sir or Madam,") && text.contains("without undue delay"), "{text}");
    assert!(text.contains("complaint about how we handled your personal data"));

    // Roles, unknown letters and requests.
    for role in [Role::Auditor, Role::Staff, Role::Admin] {
        let (s, _) = env.call(role, Method::POST, &format!("/api/v1/requests/{id}/letters/refusal"), None);
        assert_eq!(s, StatusCode::FORBIDDEN, "{role}");
    }
    let (s, _) = env.call(Role::Dpo, Method::POST, &format!("/api/v1/requests/{id}/letters/sonnet"), None);
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = env.call(Role::Dpo, Method::POST, "/api/v1/requests/no-such-request/letters/refusal", None);
    assert_eq!(s, StatusCode::NOT_FOUND);
    // A caseworker without need to know neither sees the request nor the letter.
    let (s, _) = env.call(Role::Caseworker, Method::POST, &format!("/api/v1/requests/{id}/letters/refusal"), None);
    assert!(s == StatusCode::OK || s == StatusCode::NOT_FOUND, "{s}");

    // The DPO's own wording is used.
    let (s, _) = env.call(
        Role::Dpo,
        Method::PUT,
        "/api/v1/letters/acknowledgement",
        Some(json!({"text": "{{ reference }} / {{ today }} / {{ kind }}"})),
    );
    assert_eq!(s, StatusCode::OK);
    let (_, v) = env.call(Role::Dpo, Method::POST, &format!("/api/v1/requests/{cid}/letters/acknowledgement"), None);
    let text: &str = v["text"].as_str().unwrap();
    assert!(text.starts_with(c["reference"].as_str().unwrap()), "{text}");
}

fn described_in_openapi(env: &Env) {
    let (s, v) = env.call(Role::Auditor, Method::GET, "/api/v1/openapi.json", None);
    assert_eq!(s, StatusCode::OK);
    let paths = v["paths"].as_object().expect("paths");
    assert!(paths["/api/v1/letters"]["get"].is_object());
    assert!(paths["/api/v1/letters/{name}"]["put"].is_object());
    assert!(paths["/api/v1/letters/{name}"]["delete"].is_object());
    assert!(paths["/api/v1/requests/{id}/letters/{name}"]["post"].is_object());
    assert!(paths["/api/v1/statistics"]["get"].is_object());
    assert!(v["components"]["schemas"]["Statistics"].is_object());
}

on_both_backends! {
    described_in_openapi,
    defaults_and_editing,
    rendered_for_a_request,
    the_cover_letter_is_filled_from_the_record_of_processing,
}

/// Every `[...]` left for a person to fill in.
fn placeholders(text: &str) -> Vec<&str> {
    text.match_indices('[').map(|(i, _)| &text[i..text[i..].find(']').map_or(text.len(), |j| i + j + 1)]).collect()
}

fn the_cover_letter_is_filled_from_the_record_of_processing(env: &Env) {
    env.app.use_schedule_template(&Context::cli(), "generic").expect("schedule");
    let s = NewSubject {
        given_name: "Tobias".into(),
        family_name: "Wrenfield".into(),
        phones: vec!["07700 900461".into()],
        categories: vec![steward_core::subject::Category::Employee],
        ..NewSubject::default()
    };
    let sid = env.app.create_subject(&Context::cli(), s).expect("subject").id;
    let r = env.create(json!({"kind": "access", "received_on": "2026-11-02", "subject_id": sid, "channel": "email", "region": "england-and-wales"}));
    let id = r["id"].as_str().unwrap().to_string();
    let cover = |env: &Env| {
        let (s, v) = env.call(Role::Dpo, Method::POST, &format!("/api/v1/requests/{id}/letters/response_cover"), None);
        assert_eq!(s, StatusCode::OK, "{v}");
        v["text"].as_str().unwrap().to_string()
    };
    // With nothing in the register, the Art 15 lines are left for the DPO to fill in.
    let text = cover(env);
    assert!(placeholders(&text).iter().any(|p| p.contains("the purposes")), "{text}");
    assert!(text.contains("by text message to the phone number we hold for you"), "{text}");

    let (s, v) = env.call(
        Role::Dpo,
        Method::POST,
        "/api/v1/transfers",
        Some(json!({"destination_country": "IN", "recipient": "Payroll bureau", "mechanism": "idta",
            "tra_link": "TRA 2026-04", "tra_on": "2026-04-01"})),
    );
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let transfer = v["id"].as_str().unwrap().to_string();
    let activity = json!({
        "name": "Staff employment and payroll",
        "business_function": "Human resources",
        "subject_categories": ["Employees", "Former employees"],
        "data_categories": ["Contact details", "Bank details", "Pay and pension records"],
        "recipients": ["HMRC", "The pension scheme"],
        "source": "from you, and from your previous employer's reference",
        "automated_decisions": "None",
        "purposes": [
            {"purpose": "Paying staff", "lawful_basis": "contract"},
            {"purpose": "Reporting pay and tax to HMRC", "lawful_basis": "legal_obligation"}
        ],
        "retention_record_types": ["staff-personnel-file", "payroll-tax-record"],
        "transfer_ids": [transfer]
    });
    let (s, v) = env.call(Role::Dpo, Method::POST, "/api/v1/activities", Some(activity));
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // An activity for other people does not reach this person's letter.
    let (s, v) = env.call(
        Role::Dpo,
        Method::POST,
        "/api/v1/activities",
        Some(
            json!({"name": "Tenant newsletter", "subject_categories": ["Tenants"], "data_categories": ["Email address"],
            "purposes": [{"purpose": "Sending the tenant newsletter", "lawful_basis": "legitimate_interests",
                "legitimate_interest": "Keeping tenants informed about their homes"}]}),
        ),
    );
    assert_eq!(s, StatusCode::CREATED, "{v}");

    let text = cover(env);
    assert_eq!(placeholders(&text), Vec::<&str>::new(), "{text}");
    assert!(text.contains("Why we use it: Paying staff; Reporting pay and tax to HMRC."), "{text}");
    assert!(
        text.contains("What kinds of personal data we hold: Contact details; Bank details; Pay and pension records."),
        "{text}"
    );
    assert!(text.contains("Who we share it with: HMRC; The pension scheme."), "{text}");
    assert!(
        text.contains("Staff personnel files: 6 years after leaving; Payroll and tax records: 6 years after creation"),
        "{text}"
    );
    assert!(text.contains("Where it came from: from you, and from your previous employer's reference."), "{text}");
    assert!(
        text.contains("Payroll bureau in India: protected by the ICO's International Data Transfer Agreement"),
        "{text}"
    );
    assert!(text.contains("we do not make decisions about you by automated means alone."), "{text}");
    assert!(!text.contains("newsletter"), "{text}");
    // Contract and legal obligation: no portability for the legal obligation, but some for the contract;
    // erasure is there (not every basis is a legal obligation); no consent to withdraw.
    assert!(text.contains("to correct your personal data, to erase it"), "{text}");
    assert!(!text.contains("withdraw your consent"), "{text}");
}
