//! The rights-requests pages end to end: the list (nearest due first, overdue impossible
//! to miss), logging a request through the form, recording events (an extension moves
//! the statutory date; refusals land in the error summary), the dashboard's requests
//! due, and who may see them. Driven in-process with `oneshot` through the whole
//! router on SQLite and PostgreSQL, signed in through the sign-in form. All personal
//! data is fictional.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::http::StatusCode;
use jiff::ToSpan;
use steward_app::Context;
use steward_app::requests::{NewRequest, uk_today};
use steward_core::subject::NewSubject;
use steward_testkit::{Database, Fixture, on_both_backends};

use crate::common::page_client::{Resp, Team, User, date_fields, encode, long};

/// The shared cast, with this module's helpers.
struct Env(Team);

on_both_backends!(
    the_list_is_nearest_due_first_and_overdue_is_impossible_to_miss,
    logging_a_request_through_the_form,
    an_extension_in_the_first_month_moves_the_statutory_date_and_a_late_one_is_refused,
    roles_without_subject_read_are_refused_and_forms_need_the_csrf_token,
    a_new_access_request_lists_its_checklist_and_steps_can_be_marked_done,
    a_search_appears_in_the_log_and_its_terms_are_sealed_at_rest,
    roles_without_subject_update_cannot_tick_steps_or_log_searches,
    a_refusal_needs_a_ground_allowed_for_the_kind_and_reasons,
    approving_erasure_is_for_the_dpo_and_makes_tasks_a_certificate_and_a_tombstone,
    a_legal_hold_stops_approval_of_erasure_with_the_reason,
    restricted_processing_refuses_changes_with_the_reason_until_the_dpo_lifts_it,
    a_granted_restriction_request_restricts_and_the_request_says_so,
    a_record_is_corrected_under_a_rectification_request_even_while_restricted,
    assigning_a_request_names_the_caseworker_and_lets_them_see_it,
    searches_are_logged_against_the_register_or_a_typed_name,
    the_register_of_systems_is_read_by_all_and_changed_by_the_dpo_and_administrators,
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
        let s = NewSubject { given_name: "Jane".into(), family_name: "Smith".into(), ..NewSubject::default() };
        self.app.create_subject(&Context::cli(), s).expect("create subject").id
    }

    /// A subject-access request received `days_ago` days ago; its (id, reference).
    fn request(&self, days_ago: i64) -> (String, String) {
        let received = uk_today().checked_sub(days_ago.days()).expect("in range");
        let input: NewRequest = serde_json::from_value(serde_json::json!({
            "kind": "access", "received_on": received.to_string(), "channel": "email"
        }))
        .expect("request input");
        let v = self.app.create_request(&Context::cli(), input).expect("create request");
        (v.id, v.reference)
    }
}

fn the_list_is_nearest_due_first_and_overdue_is_impossible_to_miss(env: &Env) {
    let (later, _) = env.request(0);
    let (overdue, overdue_ref) = env.request(60);
    let (middle, _) = env.request(20);
    let r = env.get(&env.dpo, "/requests");
    r.assert_status(StatusCode::OK).assert_has("<h1>Requests</h1>").assert_has("Subject access");
    r.assert_has(r#"aria-current="page">Requests</a>"#);
    let (a, b, c) = (
        r.at(&format!("/requests/{overdue}")),
        r.at(&format!("/requests/{middle}")),
        r.at(&format!("/requests/{later}")),
    );
    assert!(a < b && b < c, "nearest due first");
    r.assert_has(r#"<span class="tag tag--late">Overdue</span> <span class="due-text">by "#);
    assert!(r.at("Overdue") > a && r.at("Overdue") < b, "the overdue tag is on the overdue request");

    // Closed requests are hidden by default and shown by the filter.
    let closed = env.get(&env.dpo, "/requests?status=closed");
    closed.assert_status(StatusCode::OK).assert_has("There are no requests to show.");
    env.get(&env.dpo, "/requests?status=all").assert_status(StatusCode::OK).assert_has(&overdue_ref);

    // The dashboard names the overdue request among what needs attention.
    let d = env.get(&env.dpo, "/");
    d.assert_status(StatusCode::OK).assert_has("overdue").assert_has(&format!("/requests/{overdue}"));
    d.assert_has(&format!("{overdue_ref}, Subject access – OVERDUE"));
}

fn logging_a_request_through_the_form(env: &Env) {
    let subject = env.subject();
    let form = env.get(&env.dpo, &format!("/requests/new?subject={subject}"));
    form.assert_status(StatusCode::OK).assert_has(&format!(r#"value="{subject}""#));
    form.assert_has(r#"value="england-and-wales" selected"#);
    // The subject's page links here.
    env.get(&env.dpo, &format!("/subjects/{subject}")).assert_has(&format!("/requests/new?subject={subject}"));

    let received = uk_today().checked_sub(3.days()).expect("in range");
    let dates = date_fields("received_on", received);
    let mut fields: Vec<(&str, &str)> = vec![
        ("kind", "erasure"),
        ("channel", "letter"),
        ("made_by", "representative"),
        ("region", "scotland"),
        ("subject_id", &subject),
        ("rep_name", "Eilidh Fraser"),
        ("rep_capacity", "solicitor"),
        ("rep_evidence", "Signed letter of authority"),
    ];
    fields.extend(dates.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let r = env.post(&env.dpo, "/requests", &fields);
    r.assert_status(StatusCode::SEE_OTHER);
    let to = r.location().to_string();
    assert!(to.starts_with("/requests/") && to.ends_with("?done=created"), "{to}");
    let page = env.get(&env.dpo, &to);
    page.assert_status(StatusCode::OK).assert_has("Request logged").assert_has("Erasure").assert_has("Scotland");
    page.assert_has(&long(received)).assert_has(&format!(r#"href="/subjects/{subject}""#));
    page.assert_has("Eilidh Fraser, solicitor or legal representative").assert_has("Signed letter of authority");

    // A representative without evidence of authority is refused on that field.
    let mut no_evidence: Vec<(&str, &str)> =
        vec![("kind", "access"), ("channel", "email"), ("made_by", "representative")];
    no_evidence.extend([("region", "england-and-wales"), ("rep_name", "Eilidh Fraser"), ("rep_capacity", "solicitor")]);
    no_evidence.extend(dates.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let r = env.post(&env.dpo, "/requests", &no_evidence);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_has(r##"href="#rep_evidence""##);

    // A date in the future is refused, on the field, in the error summary.
    let future = date_fields("received_on", uk_today().checked_add(2.days()).expect("in range"));
    let mut bad: Vec<(&str, &str)> = vec![("kind", "access"), ("channel", "email"), ("made_by", "subject")];
    bad.push(("region", "england-and-wales"));
    bad.extend(future.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let r = env.post(&env.dpo, "/requests", &bad);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_has("There is a problem");
    r.assert_has(r##"<a href="#received_on">The date received is in the future"##);
    r.assert_has("<title>Error: Log a request");

    // Nothing chosen: every field is named.
    let r = env.post(&env.dpo, "/requests", &[]);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_has(r##"href="#kind""##).assert_has(r##"href="#received_on""##).assert_has(r##"href="#channel""##);

    // Staff may log a request but not open it: they are told its reference.
    let r = env.post(&env.staff, "/requests", &fields);
    r.assert_status(StatusCode::OK).assert_has("Request logged").assert_has("Its reference is");
}

fn an_extension_in_the_first_month_moves_the_statutory_date_and_a_late_one_is_refused(env: &Env) {
    let (id, _) = env.request(5);
    let before = env.app.get_request(&Context::cli(), &id).expect("request").statutory_due_on;
    let page = env.get(&env.dpo, &format!("/requests/{id}"));
    page.assert_status(StatusCode::OK).assert_has(&long(before)).assert_has("Extension must be told by");
    page.assert_has("Extend the time limit by two months");

    let today = date_fields("extended-on", uk_today());
    let mut fields: Vec<(&str, &str)> = vec![("kind", "extended"), ("extended-reason", "Many records across teams.")];
    fields.extend(today.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let views = |env: &Env| {
        let filter =
            steward_store::AuditFilter { action: Some("request.view".into()), limit: 1000, ..Default::default() };
        env.app.store().audit_entries(&filter).expect("audit").len()
    };
    let viewed = views(env);
    let r = env.post(&env.dpo, &format!("/requests/{id}/events"), &fields);
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/requests/{id}?done=extended"));
    assert_eq!(views(env), viewed, "recording an event is not also recorded as viewing the request");
    let after = env.app.get_request(&Context::cli(), &id).expect("request").statutory_due_on;
    assert!(after > before.checked_add(1.month()).expect("in range"), "{before} → {after}");
    let page = env.get(&env.dpo, r.location());
    page.assert_has(&long(after)).assert_has("Recorded: time limit extended");
    page.assert_has("Time limit extended by two months. Reason: Many records across teams.").assert_has("Dana Okafor");

    // After the first month, the application refuses it and the summary says why.
    let (late, _) = env.request(70);
    let r = env.post(&env.dpo, &format!("/requests/{late}/events"), &fields);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_has("There is a problem");
    r.assert_has(r##"<a href="#extended-on">The date is after the first month ended"##);

    // Out of order: closing before the response was sent.
    let close = date_fields("closed-on", uk_today());
    let mut fields: Vec<(&str, &str)> = vec![("kind", "closed")];
    fields.extend(close.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let r = env.post(&env.dpo, &format!("/requests/{late}/events"), &fields);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_has("Record the response as sent before closing");
}

fn roles_without_subject_read_are_refused_and_forms_need_the_csrf_token(env: &Env) {
    let (id, _) = env.request(1);
    for uri in ["/requests".to_string(), format!("/requests/{id}")] {
        env.get(&env.auditor, &uri).assert_status(StatusCode::FORBIDDEN);
        env.get(&env.staff, &uri).assert_status(StatusCode::FORBIDDEN);
    }
    env.get(&env.auditor, "/requests/new").assert_status(StatusCode::FORBIDDEN);
    let nav = env.get(&env.auditor, "/");
    assert!(!nav.text.contains(r#"href="/requests""#), "no Requests link for the auditor");

    let body = encode(&[("kind", "access"), ("channel", "email")]);
    env.post_raw(&env.dpo, "/requests", body).assert_status(StatusCode::FORBIDDEN);
    let body = encode(&[("kind", "response_sent"), ("response_sent-on", "1")]);
    env.post_raw(&env.dpo, &format!("/requests/{id}/events"), body).assert_status(StatusCode::FORBIDDEN);
    assert!(env.app.get_request(&Context::cli(), &id).expect("request").events.is_empty(), "nothing recorded");
}

fn a_new_access_request_lists_its_checklist_and_steps_can_be_marked_done(env: &Env) {
    let (id, _) = env.request(2);
    let page = env.get(&env.dpo, &format!("/requests/{id}"));
    page.assert_status(StatusCode::OK).assert_has(r#"<h2 id="checklist">Checklist</h2>"#);
    let mut last = 0;
    for letter in 'A'..='M' {
        let at = page.at(&format!(r#"<li id="step-{letter}">"#));
        assert!(at > last, "step {letter} in order");
        last = at;
        page.assert_has(&format!(r#"action="/requests/{id}/steps/{letter}""#));
    }
    assert!(!page.text.contains(r#"id="step-N""#), "A to M only");
    assert_eq!(page.text.matches("Not done").count(), 13, "nothing done yet");

    let r = env.post(&env.dpo, &format!("/requests/{id}/steps/B"), &[("done", "true")]);
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/requests/{id}?done=step"));
    let page = env.get(&env.dpo, r.location());
    page.assert_has("Checklist updated").assert_has(&format!("Done by Dana Okafor on {}", long(uk_today())));
    assert_eq!(page.text.matches("Not done").count(), 12);
    let b = page.at(r#"<li id="step-B">"#);
    assert!(page.text[b..].find("Undo").expect("an undo button") < page.text[b..].find("step-C").expect("step C"));

    // Undo.
    env.post(&env.dpo, &format!("/requests/{id}/steps/B"), &[("done", "false")]).assert_status(StatusCode::SEE_OTHER);
    let page = env.get(&env.dpo, &format!("/requests/{id}"));
    assert_eq!(page.text.matches("Not done").count(), 13);
    assert!(!page.text.contains("Done by"), "undone");
}

fn a_search_appears_in_the_log_and_its_terms_are_sealed_at_rest(env: &Env) {
    let (id, _) = env.request(2);
    let terms = "Quillfeather-Marchbanks tenancy 4417";
    let answer = "Nothing held by Zephyrine Payroll";
    let on = date_fields("search-on", uk_today());
    let mut fields: Vec<(&str, &str)> = vec![
        ("search-system", "Housing management system"),
        ("search-terms", terms),
        ("search-hits", "7"),
        ("search-processor", "yes"),
        ("search-answer", answer),
    ];
    fields.extend(on.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let r = env.post(&env.dpo, &format!("/requests/{id}/searches"), &fields);
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/requests/{id}?done=search"));
    let page = env.get(&env.dpo, r.location());
    page.assert_has("Search recorded").assert_has(r#"<caption id="searches-caption">Systems searched</caption>"#);
    let row = format!(
        "<tr><td>Housing management system</td><td>{}</td><td>Dana Okafor</td><td>{terms}</td><td>7</td><td>Yes</td><td>{answer}</td></tr>",
        long(uk_today())
    );
    page.assert_has(&row);

    // The terms and the answer are sealed: not in the database (its file and log, or its rows).
    let raw = env.db.raw_contents();
    for secret in [terms, answer] {
        assert!(!raw.windows(secret.len()).any(|w| w == secret.as_bytes()), "{secret:?} is in the raw bytes");
    }
    assert!(raw.windows(9).any(|w| w == b"Housing m"), "the system name is stored, so the file was read");

    // Bad input: every problem in the error summary, and what was typed kept.
    let bad = [("search-system", ""), ("search-terms", "kept terms"), ("search-hits", "lots"), ("search-on", "31")];
    let r = env.post(&env.dpo, &format!("/requests/{id}/searches"), &bad);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_has("There is a problem");
    r.assert_has(r##"href="#search-system""##).assert_has(r##"href="#search-hits""##);
    r.assert_has(r##"<a href="#search-on">The date searched must include a day, a month and a year"##);
    r.assert_has(r#"value="kept terms""#);
}

fn roles_without_subject_update_cannot_tick_steps_or_log_searches(env: &Env) {
    let (id, _) = env.request(1);
    for user in [&env.auditor, &env.staff] {
        env.post(user, &format!("/requests/{id}/steps/A"), &[("done", "true")]).assert_status(StatusCode::FORBIDDEN);
        let fields = [("search-system", "CRM"), ("search-terms", "Smith"), ("search-hits", "1"), ("search-on", "5")];
        env.post(user, &format!("/requests/{id}/searches"), &fields).assert_status(StatusCode::FORBIDDEN);
    }
    // Without the CSRF token, even the DPO is refused.
    env.post_raw(&env.dpo, &format!("/requests/{id}/steps/A"), encode(&[("done", "true")]))
        .assert_status(StatusCode::FORBIDDEN);
    let steps = env.app.request_steps(&Context::cli(), &id).expect("steps");
    assert!(steps.iter().all(|s| s.done_at.is_none()), "nothing marked done");
    assert!(env.app.request_searches(&Context::cli(), &id).expect("searches").is_empty(), "nothing logged");
}

// ---------------------------------------------------------------------------------
// Decisions, erasure tasks and certificates, restriction, holds, rectification,
// assignment and the register of systems
// ---------------------------------------------------------------------------------

impl Env {
    /// A request of `kind` about `subject`, received `days_ago` days ago, optionally
    /// assigned to the caseworker.
    fn request_about(&self, kind: &str, subject: &str, days_ago: i64, assigned: bool) -> String {
        let received = uk_today().checked_sub(days_ago.days()).expect("in range");
        let input: NewRequest = serde_json::from_value(serde_json::json!({
            "kind": kind, "received_on": received.to_string(), "channel": "email", "subject_id": subject,
            "assigned_to": assigned.then(|| self.caseworker_id.clone()),
        }))
        .expect("request input");
        self.app.create_request(&Context::cli(), input).expect("create request").id
    }

    /// A register entry.
    fn system(&self, name: &str, holds_all: bool) -> String {
        let input: steward_app::erasure::NewSystem = serde_json::from_value(serde_json::json!({
            "name": name, "kind": "system", "holds_all_subjects": holds_all, "contact": "IT service desk"
        }))
        .expect("system input");
        self.app.create_system(&Context::cli(), input).expect("create system").id
    }

    fn subject_with_email(&self, email: &str) -> String {
        let s = NewSubject {
            given_name: "Oriel".into(),
            family_name: "Vantablack".into(),
            emails: vec![email.into()],
            ..NewSubject::default()
        };
        self.app.create_subject(&Context::cli(), s).expect("create subject").id
    }

    /// Post an event form of `kind` dated today, with `extra` fields.
    fn event(&self, user: &User, id: &str, kind: &str, extra: &[(&str, &str)]) -> Resp {
        let on = date_fields(&format!("{kind}-on"), uk_today());
        let mut fields: Vec<(&str, &str)> = vec![("kind", kind)];
        fields.extend(on.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        fields.extend_from_slice(extra);
        self.post(user, &format!("/requests/{id}/events"), &fields)
    }
}

fn a_refusal_needs_a_ground_allowed_for_the_kind_and_reasons(env: &Env) {
    let subject = env.subject();
    let id = env.request_about("access", &subject, 3, false);
    let page = env.get(&env.dpo, &format!("/requests/{id}"));
    page.assert_status(StatusCode::OK).assert_has(r#"<select id="decision-ground" name="decision-ground""#);
    page.assert_has(r#"<option value="manifestly_excessive">The request is manifestly excessive (UK GDPR Art 12(5))"#);
    assert!(!page.text.contains(r#"value="legal_obligation""#), "erasure grounds are not offered for access");
    page.assert_has(r#"<textarea id="decision-reason" name="decision-reason""#);

    // Refused without a ground or reasons: both named, what was chosen kept.
    let r = env.event(&env.dpo, &id, "decision", &[("decision-outcome", "refused")]);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_has(r##"<a href="#decision-ground">Choose the ground of refusal"##);
    r.assert_has(r##"<a href="#decision-reason">Give the reasons"##);
    r.assert_has(r#"value="refused" checked"#);
    // A ground from another kind of request is refused.
    let extra = [("decision-outcome", "refused"), ("decision-ground", "legal_obligation"), ("decision-reason", "x")];
    env.event(&env.dpo, &id, "decision", &extra)
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has(r##"<a href="#decision-ground">Choose a ground of refusal from the list"##);

    let extra = [
        ("decision-outcome", "refused"),
        ("decision-ground", "manifestly_excessive"),
        ("decision-reason", "Fourth identical request this month."),
    ];
    let r = env.event(&env.dpo, &id, "decision", &extra);
    r.assert_status(StatusCode::SEE_OTHER);
    let page = env.get(&env.dpo, r.location());
    page.assert_has("Decided: refused. Ground: The request is manifestly excessive (UK GDPR Art 12(5)). Reasons: Fourth identical request this month.");
}

fn approving_erasure_is_for_the_dpo_and_makes_tasks_a_certificate_and_a_tombstone(env: &Env) {
    let drive = env.system("Shared drive", true);
    let crm = env.system("Donor CRM", false);
    let email = "oriel.vantablack@example.org";
    let subject = env.subject_with_email(email);
    let id = env.request_about("erasure", &subject, 2, true);
    let approve = [("decision-outcome", "granted")];

    // A caseworker may work the request but not approve erasure: said on the form.
    let r = env.event(&env.caseworker, &id, "decision", &approve);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_has(r##"<a href="#decision-outcome">Only the data protection officer can approve erasure"##);
    assert!(env.app.get_request(&Context::cli(), &id).expect("request").events.is_empty(), "nothing recorded");
    // No certificate before approval.
    env.get(&env.dpo, &format!("/requests/{id}/certificate")).assert_status(StatusCode::CONFLICT);

    let r = env.event(&env.dpo, &id, "decision", &approve);
    r.assert_status(StatusCode::SEE_OTHER);
    env.get(&env.dpo, &format!("/subjects/{subject}")).assert_status(StatusCode::GONE);
    let page = env.get(&env.dpo, r.location());
    page.assert_status(StatusCode::OK).assert_has(r#"<h2 id="erasure-tasks">Erasure tasks</h2>"#);
    page.assert_has("<td>Shared drive</td><td>Our system</td><td>IT service desk</td>");
    page.assert_has("Waiting for confirmation").assert_has(&format!(r#"href="/requests/{id}/certificate""#));
    // The CRM was not found in a search, so it can be added by hand.
    page.assert_has(&format!(r#"<option value="{crm}">Donor CRM</option>"#));
    let r = env.post(&env.dpo, &format!("/requests/{id}/tasks"), &[("task-system", &crm)]);
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/requests/{id}?done=task_added"));
    env.post(&env.dpo, &format!("/requests/{id}/tasks"), &[("task-system", "")])
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has(r##"<a href="#task-system">Choose the system or processor to ask"##);

    let tasks = env.app.erasure_tasks(&Context::cli(), &id).expect("tasks");
    assert_eq!(tasks.len(), 2);
    let drive_task = tasks.iter().find(|t| t.system_id == drive).expect("drive task").id.clone();
    let crm_task = tasks.iter().find(|t| t.system_id == crm).expect("crm task").id.clone();
    let uri = format!("/requests/{id}/tasks/{drive_task}");
    // Not erased without saying why, and no date: both named.
    let status = format!("task-{drive_task}-status");
    let r = env.post(&env.caseworker, &uri, &[(status.as_str(), "refused")]);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_has(&format!(r##"<a href="#task-{drive_task}-on">Enter the date they confirmed it"##));
    r.assert_has(&format!(r##"<a href="#task-{drive_task}-note">Say why it was not erased"##));
    let on = date_fields(&format!("task-{drive_task}-on"), uk_today());
    let note = format!("task-{drive_task}-note");
    let mut fields: Vec<(&str, &str)> = vec![(status.as_str(), "erased"), (note.as_str(), "Ticket 4411")];
    fields.extend(on.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let r = env.post(&env.caseworker, &uri, &fields);
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/requests/{id}?done=task_confirmed"));
    let page = env.get(&env.dpo, r.location());
    page.assert_has("Erasure task confirmed").assert_has(&format!("{}, recorded by Cai Morgan", long(uk_today())));

    // The certificate: no personal data, the outcome per system, the suppression count
    // and the audit head; incomplete while the CRM has not answered.
    let reference = env.app.get_request(&Context::cli(), &id).expect("request").reference;
    let cert = env.get(&env.dpo, &format!("/requests/{id}/certificate"));
    cert.assert_status(StatusCode::OK).assert_has("<h1>Erasure certificate</h1>").assert_has(&reference);
    cert.assert_has("<td>Shared drive</td><td>Our system</td><td>Erased</td>");
    cert.assert_has("<td>Donor CRM</td><td>Our system</td><td>Waiting for confirmation</td><td>Not yet confirmed</td>");
    cert.assert_has("Not yet complete: 1 system(s)").assert_has("1 contact identifier(s)");
    cert.assert_has("key was destroyed").assert_has("Erasure approved</dt><dd>");
    let (seq, hash) = env.app.store().audit_head().expect("head");
    assert!(cert.text.contains(&hash) || seq > 0, "the audit head is shown");
    for personal in ["Oriel", "Vantablack", email] {
        assert!(!cert.text.contains(personal), "{personal} is on the certificate");
    }

    // Closing is refused while the checklist or a task is open, with the reason.
    env.event(&env.dpo, &id, "response_sent", &[]).assert_status(StatusCode::SEE_OTHER);
    let r = env.event(&env.dpo, &id, "closed", &[]);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_has("checklist step(s) are still open");
    for s in env.app.request_steps(&Context::cli(), &id).expect("steps") {
        env.app.set_request_step(&Context::cli(), &id, &s.step_id, true).expect("tick");
    }
    let r = env.event(&env.dpo, &id, "closed", &[]);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_has("1 erasure task(s) still await confirmation");
    let c = steward_app::erasure::TaskConfirmation {
        status: steward_app::erasure::TaskStatus::NotHeld,
        confirmed_on: uk_today(),
        note: String::new(),
    };
    env.app.confirm_erasure_task(&Context::cli(), &id, &crm_task, c).expect("confirm");
    env.event(&env.dpo, &id, "closed", &[]).assert_status(StatusCode::SEE_OTHER);
    env.get(&env.dpo, &format!("/requests/{id}/certificate"))
        .assert_has("<strong>Complete.</strong>")
        .assert_has("<td>Nothing held</td>");
}

fn a_legal_hold_stops_approval_of_erasure_with_the_reason(env: &Env) {
    let subject = env.subject();
    let id = env.request_about("erasure", &subject, 1, false);
    // Only the DPO places holds; the fields are checked.
    env.post(&env.caseworker, &format!("/subjects/{subject}/holds"), &[("hold-reason", "x")])
        .assert_status(StatusCode::FORBIDDEN);
    let r = env.post(&env.dpo, &format!("/subjects/{subject}/holds"), &[("hold-reason", "  ")]);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_has(r##"href="#hold-reason""##).assert_has(r##"<a href="#hold-approved-by">Enter who approved the hold"##);
    let fields = [("hold-reason", "County court claim 2026/114"), ("hold-approved-by", "Head of Legal")];
    let r = env.post(&env.dpo, &format!("/subjects/{subject}/holds"), &fields);
    r.assert_status(StatusCode::SEE_OTHER);
    let page = env.get(&env.dpo, r.location());
    page.assert_has("Legal hold placed").assert_has("<strong>County court claim 2026/114</strong>");
    page.assert_has("Approved by Head of Legal.").assert_has("A legal hold stands on this person");

    let r = env.event(&env.dpo, &id, "decision", &[("decision-outcome", "granted")]);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_has("A legal hold stands on this subject");
    env.get(&env.dpo, &format!("/subjects/{subject}")).assert_status(StatusCode::OK);
    // Erasing directly is refused on the erase form, with the reason.
    env.post(&env.dpo, &format!("/subjects/{subject}/erase"), &[("reason", "erasure_request")])
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has(r##"<a href="#reason">A legal hold stands on this subject"##);

    // Lifting needs a reason; lifted holds move into the details.
    let hold = env.app.holds(&Context::cli(), Some(&subject), false).expect("holds")[0].id.clone();
    let uri = format!("/subjects/{subject}/holds/{hold}/lift");
    env.post(&env.dpo, &uri, &[])
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has(&format!(r##"<a href="#hold-{hold}-reason">Give the reason the hold is lifted"##));
    let field = format!("hold-{hold}-reason");
    env.post(&env.dpo, &uri, &[(field.as_str(), "Claim settled")]).assert_status(StatusCode::SEE_OTHER);
    let page = env.get(&env.dpo, &format!("/subjects/{subject}"));
    page.assert_has("Lifted holds (1)").assert_has("Claim settled").assert_has("No legal hold stands.");
    env.event(&env.dpo, &id, "decision", &[("decision-outcome", "granted")]).assert_status(StatusCode::SEE_OTHER);
}

fn restricted_processing_refuses_changes_with_the_reason_until_the_dpo_lifts_it(env: &Env) {
    let subject = env.subject();
    let other = env.subject();
    let uri = format!("/subjects/{subject}");
    env.get(&env.dpo, &uri).assert_has("Processing of this person's data is not restricted.");
    env.post(&env.dpo, &format!("{uri}/restrict"), &[("ground", "")])
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has(r##"<a href="#ground">Choose why processing is restricted"##);
    env.post(&env.staff, &format!("{uri}/restrict"), &[("ground", "accuracy_contested")])
        .assert_status(StatusCode::FORBIDDEN);
    let r = env.post(&env.dpo, &format!("{uri}/restrict"), &[("ground", "accuracy_contested")]);
    r.assert_status(StatusCode::SEE_OTHER);
    let page = env.get(&env.dpo, r.location());
    page.assert_has("Processing restricted").assert_has(r#"<h2 id="restriction-title">Processing is restricted</h2>"#);
    page.assert_has("Accuracy contested, being checked (Art 18(1)(a))");

    // Changing and linking are refused with the reason, on the form.
    env.get(&env.dpo, &format!("{uri}/edit")).assert_has("Processing of this person&#39;s data is restricted");
    let r = env.post(&env.dpo, &format!("{uri}/edit"), &[("given_name", "Janet"), ("family_name", "Smith")]);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_has("There is a problem");
    r.assert_has("Processing of this subject is restricted since").assert_has("changing their record is refused");
    let r = env.post(&env.dpo, &format!("{uri}/links"), &[("other_id", &other), ("kind", "household")]);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_has("linking them to someone is refused");
    // Restricting twice says so, not a server error.
    env.post(&env.dpo, &format!("{uri}/restrict"), &[("ground", "objection_pending")])
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has("already restricted");

    // Only the DPO lifts it, with the day the person was told (not in the future).
    env.post(&env.caseworker, &format!("{uri}/restriction/lift"), &[]).assert_status(StatusCode::FORBIDDEN);
    let future = date_fields("informed_on", uk_today().checked_add(3.days()).expect("in range"));
    let fields: Vec<(&str, &str)> = future.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    env.post(&env.dpo, &format!("{uri}/restriction/lift"), &fields)
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has(r##"<a href="#informed_on">The date they were told is in the future"##);
    let today = date_fields("informed_on", uk_today());
    let fields: Vec<(&str, &str)> = today.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = env.post(&env.dpo, &format!("{uri}/restriction/lift"), &fields);
    r.assert_status(StatusCode::SEE_OTHER);
    env.get(&env.dpo, r.location()).assert_has("Restriction lifted").assert_has("is not restricted.");
    env.post(&env.dpo, &format!("{uri}/edit"), &[("given_name", "Janet"), ("family_name", "Smith")])
        .assert_status(StatusCode::SEE_OTHER);
}

fn a_granted_restriction_request_restricts_and_the_request_says_so(env: &Env) {
    let subject = env.subject();
    let id = env.request_about("restriction", &subject, 1, false);
    env.get(&env.dpo, &format!("/requests/{id}"))
        .assert_has("Processing of this person's data is not restricted. Granting the request restricts it.");
    env.event(&env.dpo, &id, "decision", &[("decision-outcome", "granted")]).assert_status(StatusCode::SEE_OTHER);
    let page = env.get(&env.dpo, &format!("/requests/{id}"));
    page.assert_has(
        r#"<p class="notice notice--warning" id="restricted">Processing of this person&#39;s data is restricted since"#,
    );
    env.get(&env.dpo, &format!("/subjects/{subject}")).assert_has("Restriction request granted (Art 18(1))");
}

fn a_record_is_corrected_under_a_rectification_request_even_while_restricted(env: &Env) {
    let subject = env.subject();
    let id = env.request_about("rectification", &subject, 1, false);
    let reference = env.app.get_request(&Context::cli(), &id).expect("request").reference;
    let page = env.get(&env.dpo, &format!("/requests/{id}"));
    page.assert_has(&format!(r#"href="/requests/{id}/rectify">Correct the record"#));
    let ground = steward_app::erasure::RestrictionGround::AccuracyContested;
    env.app.restrict_subject(&Context::cli(), &subject, ground, None).expect("restrict");

    let form = env.get(&env.dpo, &format!("/requests/{id}/rectify"));
    form.assert_status(StatusCode::OK).assert_has("Correct Jane Smith&#39;s record").assert_has(&reference);
    form.assert_has(&format!(r#"action="/requests/{id}/rectify""#)).assert_has(r#"value="Smith""#);
    let r = env.post(
        &env.dpo,
        &format!("/requests/{id}/rectify"),
        &[("given_name", "Jane"), ("family_name", "Smyth"), ("emails", "not an email")],
    );
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_has(r##"href="#emails""##).assert_has(r#"value="Smyth""#);
    let r = env.post(&env.dpo, &format!("/requests/{id}/rectify"), &[("given_name", "Jane"), ("family_name", "Smyth")]);
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/requests/{id}?done=rectified"));
    env.get(&env.dpo, r.location())
        .assert_has("Record corrected. The change is recorded in the audit log against this request");
    let v = env.app.get_subject(&Context::cli(), &subject).expect("subject");
    assert_eq!(v.family_name, "Smyth");
    let filter = steward_store::AuditFilter { action: Some("subject.update".into()), ..Default::default() };
    let entries = env.app.store().audit_entries(&filter).expect("audit");
    assert!(
        entries.iter().any(|e| e.event.detail.contains(&format!("request={id}"))),
        "the change is recorded against the request"
    );
    // Not for other kinds of request.
    let (access, _) = env.request(1);
    env.get(&env.dpo, &format!("/requests/{access}/rectify")).assert_status(StatusCode::BAD_REQUEST);
    assert!(!env.get(&env.dpo, &format!("/requests/{access}")).text.contains("Correct the record"));
}

fn assigning_a_request_names_the_caseworker_and_lets_them_see_it(env: &Env) {
    let (id, _) = env.request(1);
    env.get(&env.caseworker, &format!("/requests/{id}")).assert_status(StatusCode::NOT_FOUND);
    let page = env.get(&env.dpo, &format!("/requests/{id}"));
    page.assert_has(r#"<dd id="assigned-to">Nobody</dd>"#).assert_has("Cai Morgan (Caseworker)");
    env.post(&env.caseworker, &format!("/requests/{id}/assign"), &[("assigned_to", &env.caseworker_id)])
        .assert_status(StatusCode::FORBIDDEN);
    env.post(&env.dpo, &format!("/requests/{id}/assign"), &[("assigned_to", "no-such-user")])
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has(r##"<a href="#assigned_to">The person chosen names no user"##);
    let r = env.post(&env.dpo, &format!("/requests/{id}/assign"), &[("assigned_to", &env.caseworker_id)]);
    r.assert_status(StatusCode::SEE_OTHER);
    env.get(&env.dpo, r.location())
        .assert_has("Assignment saved")
        .assert_has(r#"<dd id="assigned-to">Cai Morgan</dd>"#);
    let page = env.get(&env.caseworker, &format!("/requests/{id}"));
    page.assert_status(StatusCode::OK);
    assert!(!page.text.contains(r#"action="/requests/{id}/assign""#), "no assignment form for caseworkers");
    env.post(&env.dpo, &format!("/requests/{id}/assign"), &[("assigned_to", "")]).assert_status(StatusCode::SEE_OTHER);
    env.get(&env.dpo, &format!("/requests/{id}")).assert_has(r#"<dd id="assigned-to">Nobody</dd>"#);
}

fn searches_are_logged_against_the_register_or_a_typed_name(env: &Env) {
    let crm = env.system("Donor CRM", false);
    let (id, _) = env.request(1);
    let page = env.get(&env.dpo, &format!("/requests/{id}"));
    page.assert_has(&format!(r#"<option value="{crm}">Donor CRM</option>"#)).assert_has("Other — type its name");
    let on = date_fields("search-on", uk_today());
    let mut fields: Vec<(&str, &str)> =
        vec![("search-system-id", ""), ("search-system", ""), ("search-terms", "Smith"), ("search-hits", "2")];
    fields.extend(on.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    env.post(&env.dpo, &format!("/requests/{id}/searches"), &fields)
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has(r##"<a href="#search-system-id">Choose the system you searched"##);
    fields[0] = ("search-system-id", &crm);
    env.post(&env.dpo, &format!("/requests/{id}/searches"), &fields).assert_status(StatusCode::SEE_OTHER);
    fields[0] = ("search-system-id", "other");
    fields[1] = ("search-system", "Paper files in the Leeds office");
    env.post(&env.dpo, &format!("/requests/{id}/searches"), &fields).assert_status(StatusCode::SEE_OTHER);
    let page = env.get(&env.dpo, &format!("/requests/{id}"));
    page.assert_has("<tr><td>Donor CRM</td>").assert_has("<tr><td>Paper files in the Leeds office</td>");
    let logged = env.app.request_searches(&Context::cli(), &id).expect("searches");
    assert_eq!(logged[0].system_id.as_deref(), Some(crm.as_str()));
}

fn the_register_of_systems_is_read_by_all_and_changed_by_the_dpo_and_administrators(env: &Env) {
    let page = env.get(&env.staff, "/systems");
    page.assert_status(StatusCode::OK).assert_has("<h1>Systems</h1>");
    page.assert_has(r#"aria-current="page">Systems</a>"#);
    assert!(!page.text.contains(r#"action="/systems""#), "no add form for staff");
    env.post(&env.staff, "/systems", &[("name", "CRM"), ("kind", "system")]).assert_status(StatusCode::FORBIDDEN);

    let r = env.post(&env.dpo, "/systems", &[("name", " ")]);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_has(r##"<a href="#name">Enter the name"##).assert_has(r##"<a href="#kind">Choose whether"##);
    let fields = [("name", "Payroll bureau"), ("kind", "processor"), ("contact", "dpo@payroll.example")];
    let r = env.post(&env.dpo, "/systems", &fields);
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/systems?done=added");
    let page = env.get(&env.dpo, r.location());
    page.assert_has("Added to the register").assert_has("Payroll bureau</a></td><td>Processor</td><td>No</td>");
    env.post(&env.dpo, "/systems", &fields)
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has("A system is already named &#34;Payroll bureau&#34;");

    let id = env.app.systems(&Context::cli()).expect("systems")[0].id.clone();
    env.get(&env.auditor, &format!("/systems/{id}")).assert_status(StatusCode::OK).assert_has("A processor");
    let edit = [("name", "Payroll bureau"), ("kind", "processor"), ("retired", "yes")];
    env.post(&env.dpo, &format!("/systems/{id}"), &edit).assert_status(StatusCode::SEE_OTHER);
    let page = env.get(&env.dpo, "/systems");
    page.assert_has("Retired (1)").assert_has("Nothing is on the register yet.");
    env.post(&env.dpo, &format!("/systems/{id}"), &[("name", ""), ("kind", "processor")])
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has(r##"<a href="#name">Enter the name"##);
}
