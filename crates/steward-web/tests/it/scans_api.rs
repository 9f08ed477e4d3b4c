//! Searching files for a request's subject through the API: a multipart upload of a
//! mailbox and documents is searched, recorded in the search log and kept for review;
//! a reviewer chooses documents and decides each redaction; the pack then builds. Bad
//! uploads get a 4xx naming the problem that never echoes personal data. Each scenario
//! runs on SQLite and, when `STEWARD_TEST_POSTGRES_URL` is set, on PostgreSQL.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use steward_app::Context;
use steward_core::Role;
use steward_core::subject::{Identifiers, NewSubject};

use crate::common::api_env::Env;
use steward_testkit::on_both_backends;

const MESSAGE: &str = "From: Lettings <lettings@example.org>\r\n\
To: ifeoma.castellanos@example.net\r\n\
Subject: Your new tenancy\r\n\
Message-ID: <tenancy-77@example.org>\r\n\
Date: Wed, 4 Mar 2026 11:00:00 +0000\r\n\
\r\n\
Dear Ifeoma Castellanos,\r\n\
Your joint tenant Thomas Nkemelu signed on 3 March. Tenancy TN-908812.\r\n";

fn setup(env: &Env) -> String {
    let s = NewSubject {
        given_name: "Ifeoma".into(),
        family_name: "Castellanos".into(),
        emails: vec!["ifeoma.castellanos@example.net".into()],
        identifiers: Identifiers { tenancy_number: Some("TN-908812".into()), ..Default::default() },
        ..NewSubject::default()
    };
    let subject = env.app.create_subject(&Context::cli(), s).expect("subject").id;
    let r =
        env.create(json!({"kind": "access", "received_on": "2026-03-05", "subject_id": subject, "channel": "email"}));
    r["id"].as_str().unwrap().to_string()
}

fn no_personal_data(v: &Value) {
    let text = v.to_string();
    for value in ["Ifeoma", "Castellanos", "Nkemelu", "TN-908812"] {
        assert!(!text.contains(value), "an error echoes {value}: {text}");
    }
}

fn search_review_and_build(env: &Env) {
    let rid = setup(env);
    let (s, v) = env.multipart(
        Role::Dpo,
        &format!("/api/v1/requests/{rid}/scans"),
        &[("system", "Lettings mailbox")],
        &[
            ("tenancy.eml", MESSAGE.as_bytes()),
            ("../../etc/<b>notes.txt", b"<script>alert(1)</script> Ifeoma Castellanos rang about TN-908812."),
            ("garbage.txt", &[0u8, 159, 146, 150, 0, 0, 1, 2, 3, 255, 254, 0, 0, 7][..]),
        ],
    );
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["found_documents"], 2, "{v}");
    assert_eq!(v["skipped"], 1, "the binary named .txt is reported: {v}");
    let scan = v["id"].as_str().unwrap().to_string();
    no_personal_data(&v);

    let (s, v) = env.call(Role::Dpo, Method::GET, &format!("/api/v1/requests/{rid}/searches"), None);
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["searches"][0]["system"], "Lettings mailbox", "{v}");
    assert_eq!(v["searches"][0]["hits"], 2, "{v}");

    let (s, v) = env.call(Role::Dpo, Method::GET, &format!("/api/v1/requests/{rid}/scans"), None);
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["scans"].as_array().unwrap().len(), 1);

    let (s, v) = env.call(Role::Dpo, Method::GET, &format!("/api/v1/requests/{rid}/scans/{scan}"), None);
    assert_eq!(s, StatusCode::OK, "{v}");
    let files: Vec<&str> = v["files"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert_eq!(files, ["tenancy.eml", "<b>notes.txt", "garbage.txt"], "paths are dropped from names");
    let message = v["documents"].as_array().unwrap().iter().find(|d| d["format"] == "eml").expect("the message");
    let proposals = message["proposals"].as_array().unwrap();
    assert!(proposals.iter().any(|p| p["text"] == "Thomas Nkemelu"), "{proposals:?}");
    let notes = v["documents"].as_array().unwrap().iter().find(|d| d["format"] == "text").expect("the notes");
    let html = notes["redacted_html"].as_str().unwrap();
    assert!(html.contains("&lt;script&gt;") && !html.contains("<script"), "{html}");
    let doc = message["id"].as_str().unwrap();

    let review = format!("/api/v1/requests/{rid}/scans/{scan}/documents/{doc}");
    let (s, v) = env.call(Role::Dpo, Method::POST, &review, Some(json!({"included": true})));
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = env.call(Role::Dpo, Method::POST, &format!("/api/v1/requests/{rid}/pack"), None);
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "scans");
    let (s, v) = env.call(Role::Dpo, Method::POST, &review, Some(json!({"all": "accept"})));
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["undecided"], 0);
    assert!(!v["redacted_text"].as_str().unwrap().contains("Nkemelu"));
    let (s, v) = env.call(Role::Dpo, Method::POST, &format!("/api/v1/requests/{rid}/pack"), None);
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert!(v["items"].as_i64().unwrap() >= 3, "identity, request and the found document: {v}");
}

fn bad_uploads_are_refused(env: &Env) {
    let rid = setup(env);
    let url = format!("/api/v1/requests/{rid}/scans");
    // Not multipart.
    let (s, v) = env.call(Role::Dpo, Method::POST, &url, Some(json!({"files": []})));
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{v}");
    // No files; no system.
    let (s, v) = env.multipart(Role::Dpo, &url, &[("system", "Drive")], &[]);
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "files");
    let (s, v) = env.multipart(Role::Dpo, &url, &[], &[("a.txt", b"Ifeoma Castellanos")]);
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "system");
    // Over the limit.
    let big = vec![b'a'; 49 * 1024 * 1024];
    let (s, v) = env.multipart(Role::Dpo, &url, &[("system", "Drive")], &[("big.txt", &big)]);
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    // Unknown request; roles without the right.
    let (s, _) = env.multipart(Role::Dpo, "/api/v1/requests/nope/scans", &[("system", "D")], &[("a.txt", b"x")]);
    assert_eq!(s, StatusCode::NOT_FOUND);
    for role in [Role::Staff, Role::Auditor, Role::Admin] {
        let (s, v) = env.multipart(role, &url, &[("system", "Drive")], &[("a.txt", b"Ifeoma Castellanos")]);
        assert_eq!(s, StatusCode::FORBIDDEN, "{role}: {v}");
    }
    // Nothing was written by any of that.
    let (_, v) = env.call(Role::Dpo, Method::GET, &format!("/api/v1/requests/{rid}/searches"), None);
    assert_eq!(v["searches"].as_array().unwrap().len(), 0, "{v}");

    // Reviews: malformed, unknown fields, unknown decisions, unknown ids.
    let (s, v) = env.multipart(Role::Dpo, &url, &[("system", "Drive")], &[("m.eml", MESSAGE.as_bytes())]);
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let scan = v["id"].as_str().unwrap().to_string();
    let (_, v) = env.call(Role::Dpo, Method::GET, &format!("/api/v1/requests/{rid}/scans/{scan}"), None);
    let doc = v["documents"][0]["id"].as_str().unwrap().to_string();
    let review = format!("/api/v1/requests/{rid}/scans/{scan}/documents/{doc}");
    for body in [json!({"all": "maybe"}), json!({"included": "yes please"}), json!({"colour": "red"})] {
        let (s, v) = env.call(Role::Dpo, Method::POST, &review, Some(body));
        assert!(s.is_client_error(), "{s} {v}");
        no_personal_data(&v);
    }
    let (s, v) = env.call(
        Role::Dpo,
        Method::POST,
        &review,
        Some(json!({"decisions": [{"proposal": 500, "decision": "accept"}]})),
    );
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "decisions");
    let (s, _) = env.call(Role::Dpo, Method::GET, &format!("/api/v1/requests/{rid}/scans/nope"), None);
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = env.call(
        Role::Dpo,
        Method::POST,
        &format!("/api/v1/requests/{rid}/scans/{scan}/documents/nope"),
        Some(json!({})),
    );
    assert_eq!(s, StatusCode::NOT_FOUND);
}

on_both_backends!(search_review_and_build, bad_uploads_are_refused);
