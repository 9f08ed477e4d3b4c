//! The retention pages end to end: the schedule (started from a template, checked,
//! saved, refused with every problem named), adding a record through the form and
//! seeing its destroy-by month, changing its facts, legal holds on a record and a
//! record type placed and lifted by the DPO only, and the dashboard's retention panel.
//! Driven in-process with `oneshot` through the whole router on SQLite and
//! PostgreSQL, signed in through the sign-in form. All data is fictional.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::http::StatusCode;
use jiff::ToSpan;
use steward_app::Context;
use steward_app::requests::uk_today;
use steward_core::retention::schedule::template;
use steward_testkit::{Database, Fixture, on_both_backends};

use crate::common::page_client::{Team, date_fields, long};

/// The shared cast, with this module's helpers.
struct Env(Team);

on_both_backends!(
    the_schedule_is_started_from_a_template_checked_and_saved_and_problems_are_each_named,
    the_dashboard_counts_disposals_due_this_month_and_the_menu_links_the_retention_pages,
    a_record_is_added_through_the_form_and_the_inventory_shows_its_destroy_by_month,
    a_records_facts_are_changed_and_its_date_worked_out_again,
    legal_holds_on_a_record_and_a_record_type_are_placed_and_lifted_by_the_dpo_only,
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
    /// Put the family-support charity's schedule in force.
    fn with_schedule(&self) {
        self.app.use_schedule_template(&Context::cli(), "family-support-charity").expect("template");
    }

    /// Add a family file through the form; its id.
    fn family_file(&self, reference: &str, support_ended: jiff::civil::Date) -> String {
        let dates = date_fields("event-support_ended", support_ended);
        let mut fields: Vec<(&str, &str)> = vec![("record_type", "family-file"), ("reference", reference)];
        fields.extend(dates.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let r = self.post(&self.dpo, "/records", &fields);
        r.assert_status(StatusCode::SEE_OTHER);
        let id = r.location().trim_start_matches("/records/").split('?').next().expect("id").to_string();
        assert_eq!(r.location(), format!("/records/{id}?done=added"));
        id
    }
}

fn the_schedule_is_started_from_a_template_checked_and_saved_and_problems_are_each_named(env: &Env) {
    let page = env.get(&env.dpo, "/retention/schedule");
    page.assert_status(StatusCode::OK).assert_has("<h1>Retention schedule</h1>");
    page.assert_has("No retention schedule is in force yet")
        .assert_has(r#"aria-current="page">Retention schedule</a>"#);
    let page = env.get(&env.dpo, "/retention/schedule?template=family-support-charity");
    page.assert_has("template is in the box below").assert_has("id = &#34;family-file&#34;");

    let text = template("family-support-charity").expect("template");
    let r = env.post(&env.dpo, "/retention/schedule", &[("action", "check"), ("schedule", text)]);
    r.assert_status(StatusCode::OK).assert_has("No problems found").assert_has("Nothing has been saved yet");
    assert!(env.app.schedule_info(&Context::cli()).expect("info").is_none(), "checking saves nothing");

    let crlf = text.replace('\n', "\r\n");
    let r = env.post(&env.dpo, "/retention/schedule", &[("action", "save"), ("schedule", &crlf)]);
    r.assert_status(StatusCode::OK).assert_has("Version 1 is now in force").assert_has("Schedule saved as version 1");
    r.assert_has(r#"<th scope="row">Family files<br><code>family-file</code>"#).assert_has("Needs approval");
    r.assert_has("12 months after support_ended").assert_has("from the “family-support-charity” template");

    let broken = text
        .replacen("rule = \"12 months after support_ended\"", "rule = \"12 fortnights after support_ended\"", 1)
        .replacen("rule = \"6 years after left\"", "rule = \"6 years after leaving\"", 1);
    let r = env.post(&env.dpo, "/retention/schedule", &[("action", "save"), ("schedule", &broken)]);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_has("There is a problem");
    r.assert_has(r##"<a href="#schedule">The schedule: record type &#39;family-file&#39;"##);
    r.assert_has(r##"<a href="#schedule">The schedule: record type &#39;staff-personnel-file&#39;"##);
    r.assert_has("12 fortnights");
    let r = env.post(&env.dpo, "/retention/schedule", &[("action", "check"), ("schedule", &broken)]);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_has("&#39;family-file&#39;");
    env.post(&env.dpo, "/retention/schedule", &[("action", "save"), ("schedule", text)])
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has("unchanged");
    env.post(&env.dpo, "/retention/schedule", &[("action", "save"), ("schedule", " ")])
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has(r##"<a href="#schedule">Enter the schedule"##);

    let changed =
        text.replacen("rule = \"12 months after support_ended\"", "rule = \"18 months after support_ended\"", 1);
    let r = env.post(&env.dpo, "/retention/schedule", &[("action", "save"), ("schedule", &changed)]);
    r.assert_status(StatusCode::OK).assert_has("Version 2 is now in force").assert_has("<li>Family files</li>");
    r.assert_has("0 records' destroy-by dates were worked out again").assert_has("from this page");

    let page = env.get(&env.caseworker, "/retention/schedule");
    page.assert_status(StatusCode::OK).assert_has("18 months after support_ended").assert_has("History");
    page.assert_lacks(r#"name="schedule""#).assert_has("Only the data protection officer can change the schedule");
    env.post(&env.caseworker, "/retention/schedule", &[("action", "save"), ("schedule", text)])
        .assert_status(StatusCode::FORBIDDEN);
    // How long records are kept is the DPO's decision: an administrator sees the
    // schedule but not the editor, and a save is refused.
    let page = env.get(&env.admin, "/retention/schedule");
    page.assert_status(StatusCode::OK).assert_lacks(r#"name="schedule""#);
    env.post(&env.admin, "/retention/schedule", &[("action", "save"), ("schedule", &changed)])
        .assert_status(StatusCode::FORBIDDEN);
}

fn a_record_is_added_through_the_form_and_the_inventory_shows_its_destroy_by_month(env: &Env) {
    env.with_schedule();
    let page = env.get(&env.dpo, "/records");
    page.assert_status(StatusCode::OK).assert_has("There are no records to show.");
    page.assert_has(r#"href="/records/new""#).assert_has(r#"aria-current="page">Records</a>"#);
    env.get(&env.dpo, "/records/new").assert_status(StatusCode::OK).assert_has("Choose the kind of record first");
    let form = env.get(&env.dpo, "/records/new?record_type=family-file");
    form.assert_status(StatusCode::OK).assert_has("Its rule: 12 months after support_ended");
    assert!(form.at("Support ended") < form.at("Other dates"), "the type's own dates come first");
    env.get(&env.dpo, "/records/new?record_type=nonsense").assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    env.get(&env.staff, "/records/new").assert_status(StatusCode::FORBIDDEN);

    let r = env.post(&env.dpo, "/records", &[("reference", "FS-2024-031")]);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_has(r##"<a href="#record_type">Choose the record type"##);
    r.assert_has(r#"value="FS-2024-031""#);
    let fields = [
        ("record_type", "family-file"),
        ("reference", "FS-2024-031"),
        ("event-support_ended", "31"),
        ("event-support_ended-month", "2"),
        ("event-support_ended-year", "2025"),
    ];
    let r = env.post(&env.dpo, "/records", &fields);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_has(r##"<a href="#event-support_ended">The date support ended must be a real date"##);
    let r = env.post(&env.dpo, "/records", &[("record_type", "family-file"), ("subject_id", "no-such-person")]);
    r.assert_has(r##"<a href="#subject_id">The person&#39;s id names no subject on record"##);

    let id = env.family_file("FS-2024-031", jiff::civil::date(2025, 3, 14));
    let page = env.get(&env.dpo, &format!("/records/{id}?done=added"));
    page.assert_status(StatusCode::OK)
        .assert_has("Record added to the inventory")
        .assert_has("<h1>Record FS-2024-031</h1>");
    page.assert_has("<strong>Mar 2026</strong> (14 March 2026)").assert_has("Family files");
    let list = env.get(&env.caseworker, "/records");
    list.assert_has("FS-2024-031</a></th>").assert_has("<strong>Mar 2026</strong><br>14 March 2026");
    list.assert_lacks(r#"href="/records/new""#);
    env.get(&env.dpo, "/records?due_month=2026-03").assert_has("FS-2024-031");
    env.get(&env.dpo, "/records?due_month=2026-04").assert_lacks("FS-2024-031");
    env.get(&env.dpo, "/records?due_before=2026-03-13").assert_lacks("FS-2024-031");
    env.get(&env.dpo, "/records?record_type=volunteer-file").assert_lacks("FS-2024-031");
    env.get(&env.dpo, "/records?due_month=March")
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has(r##"<a href="#due_month">Due in month must be"##);

    // A family file with a concern not referred is kept until the child is 25: without
    // the person linked, the page says what is missing.
    let fields = [("record_type", "family-file"), ("reference", "FS-2025-007"), ("flags", "concern_not_referred")];
    env.post(&env.dpo, "/records", &fields).assert_status(StatusCode::SEE_OTHER);
    let missing = env.get(&env.dpo, "/records?missing=yes");
    missing.assert_has("FS-2025-007").assert_has("Missing: the person&#39;s date of birth").assert_lacks("FS-2024-031");
}

fn a_records_facts_are_changed_and_its_date_worked_out_again(env: &Env) {
    env.with_schedule();
    let id = env.family_file("FS-2024-044", jiff::civil::date(2025, 6, 2));
    let page = env.get(&env.dpo, &format!("/records/{id}"));
    page.assert_has("<strong>Jun 2026</strong>").assert_has("Change the dates and facts");
    env.get(&env.caseworker, &format!("/records/{id}")).assert_lacks("Change the dates and facts");

    let mut fields: Vec<(&str, &str)> = vec![("flags", "referred_to_childrens_services")];
    let dates = date_fields("event-support_ended", jiff::civil::date(2025, 6, 2));
    fields.extend(dates.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let r = env.post(&env.dpo, &format!("/records/{id}"), &fields);
    r.assert_status(StatusCode::SEE_OTHER);
    let page = env.get(&env.dpo, r.location());
    page.assert_has("worked out again").assert_has("<strong>Jun 2100</strong>");
    page.assert_has(r#"value="referred_to_childrens_services" checked"#);

    // Clearing the date removes it: nothing to count from.
    let r = env.post(&env.dpo, &format!("/records/{id}"), &[("event-support_ended", "")]);
    r.assert_status(StatusCode::SEE_OTHER);
    env.get(&env.dpo, &format!("/records/{id}")).assert_has("Missing: the date support ended");
    env.post(&env.dpo, &format!("/records/{id}"), &[("event-left", "2"), ("event-left-month", "13")])
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has(r##"<a href="#event-left">The date left must include a day, a month and a year"##);
    env.post(&env.caseworker, &format!("/records/{id}"), &[]).assert_status(StatusCode::FORBIDDEN);
    env.get(&env.dpo, "/records/no-such-record").assert_status(StatusCode::NOT_FOUND);
}

fn legal_holds_on_a_record_and_a_record_type_are_placed_and_lifted_by_the_dpo_only(env: &Env) {
    env.with_schedule();
    let id = env.family_file("FS-2023-112", jiff::civil::date(2024, 9, 30));
    let other = env.family_file("FS-2023-118", jiff::civil::date(2024, 10, 1));

    let page = env.get(&env.caseworker, &format!("/records/{id}"));
    page.assert_has("No legal hold stands on this record.").assert_lacks(&format!(r#"action="/records/{id}/holds""#));
    let hold = [
        ("hold-scope", "record"),
        ("hold-reason", "County court claim 2026/114"),
        ("hold-approved-by", "Head of Legal"),
    ];
    env.post(&env.caseworker, &format!("/records/{id}/holds"), &hold).assert_status(StatusCode::FORBIDDEN);

    let r = env.post(&env.dpo, &format!("/records/{id}/holds"), &[("hold-scope", "record")]);
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_has(r##"<a href="#hold-reason">Give the reason for the hold"##)
        .assert_has(r##"<a href="#hold-approved-by">"##);
    let r = env.post(&env.dpo, &format!("/records/{id}/holds"), &hold);
    r.assert_status(StatusCode::SEE_OTHER);
    let page = env.get(&env.dpo, r.location());
    page.assert_has("Legal hold placed").assert_has(r#"<span class="tag tag--late">Held</span>"#);
    page.assert_has("County court claim 2026/114").assert_has("Approved by Head of Legal");
    let held = env.get(&env.caseworker, "/records?held=yes");
    held.assert_has("FS-2023-112").assert_has("Held</span>").assert_lacks("FS-2023-118");

    let holds = env.get(&env.caseworker, "/holds");
    holds.assert_status(StatusCode::OK).assert_has("Record FS-2023-112 (Family files)");
    holds.assert_lacks("Lift the hold").assert_has("Only the data protection officer can place or lift");
    env.get(&env.staff, "/holds").assert_status(StatusCode::FORBIDDEN);

    // A hold on the whole record type, from the holds page.
    let r = env.post(
        &env.dpo,
        "/holds",
        &[("hold-scope", "subject"), ("hold-reason", "Claim"), ("hold-approved-by", "DPO")],
    );
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has(r##"<a href="#hold-subject">Enter the person&#39;s id"##);
    let by_type = [
        ("hold-scope", "record_type"),
        ("hold-type", "family-file"),
        ("hold-reason", "ICO investigation INV/2026/0042"),
        ("hold-approved-by", "Chief Executive"),
    ];
    env.post(&env.caseworker, "/holds", &by_type).assert_status(StatusCode::FORBIDDEN);
    env.post(&env.dpo, "/holds", &by_type).assert_status(StatusCode::SEE_OTHER);
    env.get(&env.dpo, &format!("/records/{other}")).assert_has("ICO investigation INV/2026/0042");
    let holds = env.get(&env.dpo, "/holds");
    holds.assert_has("Every record of type Family files").assert_has("Standing holds (2)");

    // Lifting needs a reason.
    let hold_id =
        env.app.holds(&Context::cli(), None, false).expect("holds").into_iter().find(|h| h.scope == "record_type");
    let hold_id = hold_id.expect("the type hold").id;
    let field = format!("hold-{hold_id}-reason");
    env.post(&env.caseworker, &format!("/holds/{hold_id}/lift"), &[(field.as_str(), "Closed")])
        .assert_status(StatusCode::FORBIDDEN);
    env.post(&env.dpo, &format!("/holds/{hold_id}/lift"), &[(field.as_str(), " ")])
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_has(&format!(r##"<a href="#{field}">Give the reason the hold is lifted"##));
    let r = env.post(&env.dpo, &format!("/holds/{hold_id}/lift"), &[(field.as_str(), "Investigation closed")]);
    r.assert_status(StatusCode::SEE_OTHER);
    let holds = env.get(&env.dpo, r.location());
    holds.assert_has("Legal hold lifted").assert_has("Lifted holds (1)").assert_has("Standing holds (1)");
    env.get(&env.dpo, &format!("/records/{other}")).assert_has("No legal hold stands on this record.");
}

fn the_dashboard_counts_disposals_due_this_month_and_the_menu_links_the_retention_pages(env: &Env) {
    let page = env.get(&env.caseworker, "/");
    page.assert_has("<h2 id=\"retention-title\">Retention</h2>").assert_has("No retention schedule is in force yet");
    env.app.use_schedule_template(&Context::cli(), "family-support-charity").expect("template");
    let today = uk_today();
    env.family_file("FS-2025-001", today.checked_sub(12.months()).expect("in range"));
    env.family_file("FS-2024-002", today.checked_sub(30.months()).expect("in range"));
    let page = env.get(&env.dpo, "/");
    let month = today.strftime("%Y-%m").to_string();
    page.assert_has(&format!(
        r#"<a href="/records?due_month={month}">1 record is due for disposal in {}"#,
        today.strftime("%B %Y")
    ));
    page.assert_has("1 record is overdue for disposal").assert_has(r#"<a href="/disposals">"#);
    let list = env.get(&env.dpo, &format!("/records?due_month={month}"));
    list.assert_has("FS-2025-001")
        .assert_lacks("FS-2024-002")
        .assert_has(&long(today.checked_sub(12.months()).expect("date").checked_add(12.months()).expect("date")));
    for link in [r#"href="/records""#, r#"href="/retention/schedule""#, r#"href="/holds""#, r#"href="/disposals""#] {
        page.assert_has(link);
    }
    let staff = env.get(&env.staff, "/");
    staff.assert_has(r#"href="/records""#).assert_lacks(r#"href="/holds""#);
}
