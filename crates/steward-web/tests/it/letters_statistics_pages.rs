//! The letters and statistics pages end to end: the DPO's letter list and editor
//! (preview, mistakes in the error summary with their line, saving, restoring the
//! default), a request's letters ready to print with the requester's name and address
//! (audited), and the board's statistics with their chart, tables and CSV, and who may
//! see each. Driven in-process through the whole router on SQLite and PostgreSQL,
//! signed in through the sign-in form. All personal data is fictional.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::http::{StatusCode, header};
use jiff::ToSpan;
use steward_app::Context;
use steward_app::requests::{NewRequest, uk_today};
use steward_core::request::{EventKind, RequestEvent};
use steward_core::subject::{Address, NewSubject};
use steward_store::AuditFilter;
use steward_testkit::{Database, Fixture, on_both_backends};

use crate::common::page_client::{Team, long};

/// The shared cast, with this module's helpers.
struct Env(Team);

on_both_backends!(
    the_dpo_edits_previews_saves_and_restores_a_letter,
    a_request_page_offers_letters_ready_to_print,
    statistics_show_a_chart_tables_and_a_csv,
);

impl std::ops::Deref for Env {
    type Target = Team;
    fn deref(&self) -> &Team {
        &self.0
    }
}

impl Fixture for Env {
    fn open(db: Database) -> Self {
        Self(Team::new(db))
    }
}

impl Env {
    fn subject(&self) -> String {
        let s = NewSubject {
            given_name: "Jane".into(),
            family_name: "Smith".into(),
            addresses: vec![Address { lines: vec!["7 Quayside Mews".into()], postcode: Some("EX2 4QQ".into()) }],
            ..NewSubject::default()
        };
        self.app.create_subject(&Context::cli(), s).expect("create subject").id
    }

    /// A subject-access request received `days_ago` days ago; its (id, reference).
    fn request(&self, days_ago: i64) -> (String, String) {
        let received = uk_today().checked_sub(days_ago.days()).expect("in range");
        let input: NewRequest = serde_json::from_value(serde_json::json!({
            "kind": "access", "received_on": received.to_string(), "channel": "email", "subject_id": self.subject()
        }))
        .expect("request input");
        let v = self.app.create_request(&Context::cli(), input).expect("create request");
        (v.id, v.reference)
    }
}

fn the_dpo_edits_previews_saves_and_restores_a_letter(env: &Env) {
    let r = env.get(&env.dpo, "/letters");
    r.assert_status(StatusCode::OK).assert_has("<h1>Letters</h1>").assert_has(r#"aria-current="page">Letters</a>"#);
    r.assert_has("/letters/extension_notice").assert_has("Steward's wording");
    let r = env.get(&env.dpo, "/letters/refusal");
    r.assert_status(StatusCode::OK).assert_has("<h1>Refusal</h1>").assert_has("Wycliffe House");
    r.assert_has("requester_name").assert_has("With a fictional requester");

    // A mistake lands in the error summary, naming the line, and nothing is saved.
    let r = env.post(
        &env.dpo,
        "/letters/refusal",
        &[("action", "save"), ("text", "Dear {{ requester_name }},\n\n{% if is_complaint %}\nopen")],
    );
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_has("There is a problem").assert_has("line");
    let r = env.post(&env.dpo, "/letters/refusal", &[("action", "preview"), ("text", "Dear {{ requestor_name }},")]);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_has("requestor_name");
    env.get(&env.dpo, "/letters").assert_has("Steward's wording").assert_lacks("Your wording");

    // Preview without saving, then save.
    let text = "Dear {{ requester_name }},\n\nOur reference is {{ reference }}.";
    let r = env.post(&env.dpo, "/letters/refusal", &[("action", "preview"), ("text", text)]);
    r.assert_status(StatusCode::OK).assert_has("Dear Jordan Sample,").assert_has("REQ-2026-000123");
    env.get(&env.dpo, "/letters").assert_lacks("Your wording");
    let r = env.post(&env.dpo, "/letters/refusal", &[("action", "save"), ("text", text)]);
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/letters/refusal?done=saved");
    env.get(&env.dpo, "/letters/refusal?done=saved")
        .assert_has("Letter saved")
        .assert_has("Restore the default wording");
    env.get(&env.dpo, "/letters").assert_has("Your wording");
    let r = env.post(&env.dpo, "/letters/refusal", &[("action", "restore"), ("text", "")]);
    assert_eq!(r.location(), "/letters/refusal?done=restored");
    env.get(&env.dpo, "/letters/refusal").assert_has("Wycliffe House").assert_lacks("Restore the default wording");

    // Only the DPO: staff and auditors are refused, and unknown letters are not found.
    env.get(&env.staff, "/letters").assert_status(StatusCode::FORBIDDEN);
    env.get(&env.auditor, "/letters/refusal").assert_status(StatusCode::FORBIDDEN);
    env.post(&env.staff, "/letters/refusal", &[("action", "save"), ("text", "x")]).assert_status(StatusCode::FORBIDDEN);
    env.get(&env.dpo, "/letters/sonnet").assert_status(StatusCode::NOT_FOUND);
    env.get(&env.staff, "/").assert_lacks("href=\"/letters\"");
}

fn a_request_page_offers_letters_ready_to_print(env: &Env) {
    let (id, reference) = env.request(10);
    let received = uk_today().checked_sub(10.days()).expect("date");
    let reason = "your request covers records in four systems";
    let ev = RequestEvent {
        kind: EventKind::Extended,
        on: uk_today(),
        reason: Some(reason.into()),
        outcome: None,
        ground: None,
        note: None,
    };
    env.app.record_request_event(&Context::cli(), &id, ev).expect("extend");
    let r = env.get(&env.dpo, &format!("/requests/{id}"));
    r.assert_status(StatusCode::OK).assert_has(r#"<h2 id="letters">Letters</h2>"#);
    r.assert_has(&format!("/requests/{id}/letters/extension_notice\">Extension notice</a> <strong class=\"tag tag--new\">Suggested next</strong>"));
    let r = env.get(&env.dpo, &format!("/requests/{id}/letters/extension_notice"));
    r.assert_status(StatusCode::OK).assert_has(&format!("Extension notice for request {reference}"));
    r.assert_has("Dear Jane Smith,").assert_has("7 Quayside Mews").assert_has(reason).assert_has(&long(received));
    r.assert_has(r#"class="letter""#).assert_has("recorded in the audit log");
    let entries = env
        .app
        .store()
        .audit_entries(&AuditFilter { action: Some("letter.render".into()), limit: 10, ..AuditFilter::default() })
        .expect("audit");
    assert_eq!(entries.len(), 1);
    assert!(!entries[0].event.detail.contains("Jane"));
    env.get(&env.staff, &format!("/requests/{id}/letters/refusal")).assert_status(StatusCode::FORBIDDEN);
    env.get(&env.auditor, &format!("/requests/{id}/letters/refusal")).assert_status(StatusCode::FORBIDDEN);
    env.get(&env.dpo, &format!("/requests/{id}/letters/sonnet")).assert_status(StatusCode::NOT_FOUND);
}

fn statistics_show_a_chart_tables_and_a_csv(env: &Env) {
    let (answered, _) = env.request(40);
    let sent = uk_today().checked_sub(5.days()).expect("date");
    let ev =
        RequestEvent { kind: EventKind::ResponseSent, on: sent, reason: None, outcome: None, ground: None, note: None };
    env.app.record_request_event(&Context::cli(), &answered, ev).expect("respond");
    env.request(45);
    let r = env.get(&env.auditor, "/statistics");
    r.assert_status(StatusCode::OK)
        .assert_has("<h1>Statistics</h1>")
        .assert_has(r#"aria-current="page">Statistics</a>"#);
    r.assert_has("<svg class=\"chart\"")
        .assert_has("<title id=\"chart-title\">")
        .assert_has("<desc id=\"chart-desc\">");
    r.assert_has("Requests by month (the chart's figures)").assert_has("35.0");
    r.assert_has("<strong>1</strong> overdue");
    let year = uk_today().year();
    r.assert_has(&format!("/statistics.csv?year={year}&#38;year_start=1"));
    let csv = env.get(&env.auditor, &format!("/statistics.csv?year={year}"));
    csv.assert_status(StatusCode::OK).assert_has("period,from,until,received,responded,median_days");
    assert_eq!(csv.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()), Some("text/csv; charset=utf-8"));
    assert_eq!(csv.text.lines().count(), 14);
    let r = env.get(&env.dpo, "/statistics?year=2025&year_start=4");
    r.assert_status(StatusCode::OK).assert_has("1 April 2025 to 31 March 2026");
    env.get(&env.dpo, "/statistics?year=soon").assert_status(StatusCode::BAD_REQUEST);
    env.get(&env.dpo, "/statistics?year_start=13").assert_status(StatusCode::BAD_REQUEST);
    env.get(&env.staff, "/statistics").assert_status(StatusCode::FORBIDDEN);
    env.get(&env.staff, "/").assert_lacks("href=\"/statistics\"");
}
