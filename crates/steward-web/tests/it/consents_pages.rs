//! Consents and privacy notices in the pages: the person's page lists their consents in
//! words, records one (the activity and purpose picked by name; problems shown on their
//! fields), withdraws one in one click and then says what stopped, and records a privacy
//! notice given; the public `/privacy` page shows the notice in effect, escaped, in
//! paragraphs, or says in words that there is none. On both databases; all fictional.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::page_client::{Client, User, date_fields, long};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use jiff::ToSpan;
use steward_app::Context;
use steward_app::requests::uk_today;
use steward_core::Role;
use steward_core::register::activity::Activity;
use steward_core::register::notice::Notice;
use steward_core::subject::NewSubject;
use steward_testkit::{Database, on_both_backends};

on_both_backends!(consents_on_the_persons_page, the_public_privacy_notice);

fn activity(client: &Client) -> String {
    let a: Activity = serde_json::from_value(serde_json::json!({
        "name": "Tenant communications",
        "purposes": [
            {"purpose": "Sending the tenants' newsletter", "lawful_basis": "consent", "consent_purpose": "Newsletter by email"},
            {"purpose": "Rent reminders", "lawful_basis": "contract"}
        ]
    }))
    .unwrap();
    client.app.register_create(&Context::cli(), a).unwrap().id
}

fn notice(client: &Client, title: &str, version: &str, effective_on: jiff::civil::Date, text: &str) -> String {
    let n = Notice {
        title: title.into(),
        version_label: version.into(),
        effective_on: Some(effective_on),
        text: text.into(),
        ..Notice::default()
    };
    client.app.register_create(&Context::cli(), n).unwrap().id
}

fn public_get(client: &Client, uri: &str) -> crate::common::page_client::Resp {
    client.send(Request::builder().method(Method::GET).uri(uri).body(Body::empty()).unwrap())
}

fn consents_on_the_persons_page(db: &Database) {
    let (client, _) = Client::new(db, &[(Role::Dpo, "dpo@example.org", "Dana Okafor")]);
    let dpo: User = client.sign_in("dpo@example.org");
    let cli = Context::cli();
    let today = uk_today();
    let aid = activity(&client);
    notice(&client, "Privacy notice for tenants", "3.1", today - 30.days(), "How we use your information.");
    let s = NewSubject { given_name: "Jane".into(), family_name: "Smith".into(), ..NewSubject::default() };
    let jane = client.app.create_subject(&cli, s).unwrap().id;
    let page_uri = format!("/subjects/{jane}");

    let page = client.get(&dpo, &page_uri);
    page.assert_status(StatusCode::OK)
        .assert_has("id=\"consents\"")
        .assert_has("No consent is recorded for Jane Smith");
    page.assert_has("<optgroup label=\"Tenant communications\">").assert_has(">Newsletter by email</option>");
    page.assert_lacks(">Rent reminders</option>");
    page.assert_has("No privacy notice is recorded as given to Jane Smith");
    page.assert_has("Privacy notice for tenants, version 3.1");

    // Problems are shown on their fields, and nothing is recorded.
    let choice = format!("{aid}|Newsletter by email");
    let future = date_fields("consent-given", today + 1.day());
    let mut bad: Vec<(&str, &str)> = vec![("consent-choice", &choice), ("consent-method", "online_form")];
    bad.extend(future.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let r = client.post(&dpo, &format!("/subjects/{jane}/consents"), &bad);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_has("href=\"#consent-evidence\"").assert_has("consent is never assumed");
    let r = client.post(
        &dpo,
        &format!("/subjects/{jane}/consents"),
        &[("consent-choice", choice.as_str()), ("consent-method", "online_form"), ("consent-evidence", "Form 4471")]
            .into_iter()
            .chain(future.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .collect::<Vec<_>>(),
    );
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_has("href=\"#consent-given\"").assert_has("future");
    assert!(client.app.consents(&cli, &jane).unwrap().is_empty());

    // Recorded, then listed in words.
    let given = date_fields("consent-given", today);
    let mut good: Vec<(&str, &str)> = vec![
        ("consent-choice", &choice),
        ("consent-method", "online_form"),
        ("consent-evidence", "Online tenancy form, submission 4471"),
        ("consent-wording", "Yes, send me the <newsletter> by email."),
    ];
    good.extend(given.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let r = client.post(&dpo, &format!("/subjects/{jane}/consents"), &good);
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/subjects/{jane}?done=consent_recorded#consents"));
    let page = client.get(&dpo, r.location().split('#').next().unwrap());
    page.assert_has("Consent recorded").assert_has("<strong>Newsletter by email</strong> (Tenant communications)");
    page.assert_has(&format!("{}, on an online form", long(today)));
    page.assert_has("Yes, send me the &#60;newsletter&#62; by email.").assert_lacks("<newsletter>");
    page.assert_has("No, the consent stands");
    let consent = client.app.consents(&cli, &jane).unwrap().remove(0).id;
    page.assert_has(&format!("action=\"/subjects/{jane}/consents/{consent}/withdraw\""));
    // The withdrawal date is today unless changed.
    page.assert_has(&format!("name=\"withdraw-{consent}-on\" value=\"{}\"", today.day()));

    // One click withdraws it; the page then says what stopped.
    let on = date_fields(&format!("withdraw-{consent}-on"), today);
    let method_field = format!("withdraw-{consent}-method");
    let mut withdraw: Vec<(&str, &str)> = vec![(&method_field, "email")];
    withdraw.extend(on.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let r = client.post(&dpo, &format!("/subjects/{jane}/consents/{consent}/withdraw"), &withdraw);
    r.assert_status(StatusCode::SEE_OTHER);
    let page = client.get(&dpo, r.location().split('#').next().unwrap());
    page.assert_status(StatusCode::OK);
    page.assert_has("Consent withdrawn. Stopped: Sending the tenants")
        .assert_has(" newsletter (Tenant communications).");
    page.assert_has(&format!("{}, by email", long(today)));
    page.assert_lacks(&format!("action=\"/subjects/{jane}/consents/{consent}/withdraw\""));
    // A second withdrawal is refused in words.
    let r = client.post(&dpo, &format!("/subjects/{jane}/consents/{consent}/withdraw"), &withdraw);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_has("already withdrawn");

    // A privacy notice given.
    let notices = client.app.notice_receipt_choices(&cli).unwrap();
    let received = date_fields("receipt-on", today - 2.days());
    let mut form: Vec<(&str, &str)> = vec![("receipt-notice", &notices[0].id), ("receipt-method", "post")];
    form.extend(received.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let r = client.post(&dpo, &format!("/subjects/{jane}/notices"), &form);
    r.assert_status(StatusCode::SEE_OTHER);
    let page = client.get(&dpo, &page_uri);
    page.assert_has(&format!("Privacy notice for tenants, version 3.1: received {}, by post", long(today - 2.days())));
    let r = client.post(&dpo, &format!("/subjects/{jane}/notices"), &[("receipt-method", "post")]);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has("href=\"#receipt-notice\"")
        .assert_has("href=\"#receipt-on\"");
}

fn the_public_privacy_notice(db: &Database) {
    let (client, _) = Client::new(db, &[]);
    let none = public_get(&client, "/privacy");
    none.assert_status(StatusCode::NOT_FOUND).assert_has("There is no privacy notice to show");

    let today = uk_today();
    // A notice not yet in effect is not published.
    let id = notice(&client, "Privacy notice for tenants", "2.0", today + 10.days(), "Not yet.");
    public_get(&client, "/privacy").assert_status(StatusCode::NOT_FOUND);
    // Changed to take effect last year: now it is.
    let cli = Context::cli();
    let mut n: Notice = client.app.register_entry::<Notice>(&cli, &id).unwrap().entry;
    n.effective_on = Some(today - 400.days());
    n.text = "The old version.".into();
    client.app.register_update(&cli, &id, n.clone(), None).unwrap();
    public_get(&client, "/privacy").assert_status(StatusCode::OK).assert_has("The old version.");
    // A newer version, dated last month and in paragraphs with markup in it, replaces it.
    n.version_label = "3.1".into();
    n.effective_on = Some(today - 30.days());
    n.text = "Who we are\nNorthgate Housing Association\n\nWhat we do <script>alert(1)</script> with your data".into();
    client.app.register_update(&cli, &id, n.clone(), None).unwrap();
    // And a version dated to take effect next month leaves it in force until then.
    n.version_label = "4.0".into();
    n.effective_on = Some(today + 30.days());
    n.text = "Not yet.".into();
    client.app.register_update(&cli, &id, n, None).unwrap();
    // A notice for another audience is published beside it.
    let staff = Notice {
        title: "Privacy notice for staff".into(),
        version_label: "1".into(),
        audience: "Staff".into(),
        effective_on: Some(today - 60.days()),
        text: "For our staff.".into(),
        ..Notice::default()
    };
    client.app.register_create(&cli, staff).unwrap();

    let page = public_get(&client, "/privacy");
    page.assert_status(StatusCode::OK);
    page.assert_has("<h1>Privacy notices</h1>").assert_has("<h2 id=\"notice-1\">Privacy notice for tenants</h2>");
    assert!(page.at("Privacy notice for tenants") < page.at("Privacy notice for staff"), "newest first");
    page.assert_has(&format!("Version 3.1, in effect from {}.", long(today - 30.days())));
    page.assert_has("<p>Who we are<br>\n  Northgate Housing Association</p>");
    page.assert_has("What we do &#60;script&#62;alert(1)&#60;/script&#62; with your data")
        .assert_lacks("<script>alert");
    page.assert_lacks("The old version").assert_lacks("Not yet.").assert_has("For our staff.");
}
