//! The disposal pages end to end: the month's list with its sections, the DPO's
//! approval button (and nobody else's), a task assigned and confirmed through its forms
//! (a future date refused on the field), and the printable destruction certificate with
//! its CSV download. Driven in-process through the whole router on SQLite and PostgreSQL,
//! signed in through the sign-in form. All people are fictional.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::http::{StatusCode, header};
use steward_app::Context;
use steward_app::disposal::DisposalQuery;
use steward_app::requests::uk_today;
use steward_core::Role;
use steward_core::subject::NewSubject;

use crate::common::page_client::Client;
use steward_testkit::{Database, on_both_backends};

on_both_backends!(the_month_list_approval_tasks_and_certificate);

fn the_month_list_approval_tasks_and_certificate(db: &Database) {
    let (client, _) = Client::new(
        db,
        &[
            (Role::Dpo, "dpo@example.org", "Dana Okafor"),
            (Role::Admin, "admin@example.org", "Alex Reid"),
            (Role::Auditor, "audit@example.org", "Ade Brown"),
        ],
    );
    let dpo = client.sign_in("dpo@example.org");
    let admin = client.sign_in("admin@example.org");
    let auditor = client.sign_in("audit@example.org");
    let cli = Context::cli();
    client.app.use_schedule_template(&cli, "family-support-charity").unwrap();
    let s = NewSubject { given_name: "Bea".into(), family_name: "Harlow".into(), ..NewSubject::default() };
    let subject = client.app.create_subject(&cli, s).unwrap().id;
    let record: steward_app::retention::NewRecord = serde_json::from_value(serde_json::json!({
        "subject_id": subject, "record_type": "volunteer-file", "reference": "VOL-0777",
        "events": {"left": "2022-02-28"}, "location": "Head office, cabinet 1"
    }))
    .unwrap();
    let rec = client.app.create_record(&cli, record).unwrap().id;
    client.app.run_disposal_sweep(&Context::system(), uk_today()).unwrap();
    let month = uk_today().strftime("%Y-%m").to_string();

    let page = client.get(&auditor, "/disposals");
    page.assert_status(StatusCode::OK).assert_has("<h1>Disposals: ").assert_has(&rec);
    page.assert_has("Awaiting approval").assert_lacks("action=\"/disposals/approve\"").assert_lacks("Harlow");
    client.get(&dpo, "/disposals?month=2026-99").assert_status(StatusCode::BAD_REQUEST).assert_has("href=\"#month\"");
    client.get(&dpo, "/disposals").assert_has("action=\"/disposals/approve\"");

    client.post(&admin, "/disposals/approve", &[("month", &month)]).assert_status(StatusCode::FORBIDDEN);
    let r = client.post(&dpo, "/disposals/approve", &[("month", &month)]);
    r.assert_status(StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/disposals?month="), "{}", r.location());
    let id = client.app.disposals(&cli, &DisposalQuery::default()).unwrap()[0].id.clone();
    // Who destroys a record is the DPO's decision: an administrator sees the task and
    // may confirm it done, but neither sees the assignment form nor may send it.
    let tasks = client.get(&admin, &format!("/disposals?month={month}"));
    tasks.assert_lacks(&format!("action=\"/disposals/{id}/assign\"")).assert_has(&format!("for=\"done_on-{id}\""));
    let tasks = client.get(&dpo, &format!("/disposals?month={month}"));
    tasks.assert_has(&format!("action=\"/disposals/{id}/assign\"")).assert_has(&format!("for=\"done_on-{id}\""));

    let assign = format!("/disposals/{id}/assign");
    let fields = [("assignee", "Office manager"), ("method", "shredding"), ("month", &month)];
    client.post(&admin, &assign, &fields).assert_status(StatusCode::FORBIDDEN);
    client.post(&dpo, &assign, &fields).assert_status(StatusCode::SEE_OTHER);
    let confirm = format!("/disposals/{id}/confirm");
    let tomorrow = (uk_today() + jiff::Span::new().days(1)).to_string();
    client
        .post(&admin, &confirm, &[("done_on", &tomorrow), ("method", "shredding"), ("month", &month)])
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has(&format!("href=\"#done_on-{id}\""));
    let today = uk_today().to_string();
    client
        .post(&admin, &confirm, &[("done_on", &today), ("method", "shredding"), ("note", "Office shredder")])
        .assert_status(StatusCode::SEE_OTHER);
    client.get(&admin, "/disposals").assert_has("Done in ").assert_has("Cross-cut shredding");

    let from = uk_today().first_of_month();
    let cert = client.get(&auditor, &format!("/disposals/certificate?from={from}&to={today}"));
    cert.assert_status(StatusCode::OK).assert_has("<h1>Destruction certificate</h1>").assert_has(&rec);
    cert.assert_has("format=csv").assert_has("scope=\"col\"").assert_lacks("Harlow");
    let csv = client.get(&auditor, &format!("/disposals/certificate?from={from}&to={today}&format=csv"));
    csv.assert_status(StatusCode::OK).assert_has("disposal_id,record_id").assert_has(&rec);
    let ct = csv.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(ct.starts_with("text/csv"), "{ct}");
    client.get(&auditor, "/disposals/certificate?from=2026-02-30").assert_status(StatusCode::BAD_REQUEST);
}
