//! Reminders by email and calendar feeds: the reminders job against a local SMTP sink
//! (recipients, content without personal data, no second email the same day, failures
//! recorded), the email settings' checks and sealed password, the lease that keeps two
//! servers from running a job at once, and each person's calendar feed (parses, the
//! right events, another person's requests absent, revoked or unknown addresses 404).
//! Each scenario runs on SQLite and, when `STEWARD_TEST_POSTGRES_URL` is set, on
//! PostgreSQL. All personal data is fictional.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use icalendar::Component;
use steward_app::jobs::{Cause, REMINDERS};
use steward_app::mail::MailInput;
use steward_app::requests::{NewRequest, policy_setting_key, uk_today};
use steward_app::{AppError, Context};
use steward_core::Role;
use steward_core::audit::format_time;
use steward_core::request::{Channel, MadeBy, RequestKind};
use steward_core::subject::NewSubject;
use tower::ServiceExt;

use crate::common::api_env::Env;
use steward_testkit::on_both_backends;
use steward_testkit::smtp_sink::{self, SmtpSink};

const SUBJECT_GIVEN: &str = "Marguerite";
const SUBJECT_FAMILY: &str = "Okonkwo-Hale";
const SMTP_PASSWORD: &str = "relay-password-never-shown";

/// A user stored directly (no password hashing, which is slow in a debug build).
fn user(env: &Env, n: &str, role: Role) -> (String, Context) {
    let id = crate::common::stored_user(&env.app, &format!("{n}@example.org"), &format!("Person {n}"), role);
    let ctx = Context::new(format!("user:{id}"), role, "test");
    (id, ctx)
}

fn mail_settings(port: u16) -> MailInput {
    MailInput {
        host: "127.0.0.1".into(),
        port: port.to_string(),
        security: "none".into(),
        from: "steward@example.org".into(),
        base_url: "https://steward.example.org".into(),
        reminder_days: "7, 2".into(),
        reminder_time: "07:00".into(),
        ..MailInput::default()
    }
}

/// A request of `kind` received `ago` days ago, due `target` days after receipt (the
/// policy target, nearer than the statutory month), about `subject`, assigned to `to`.
fn request(env: &Env, kind: RequestKind, ago: i64, target: u32, subject: &str, to: Option<&str>) -> (String, String) {
    env.app.store().put_settings(&[(&policy_setting_key(kind), &format!("{target}d"))], None).unwrap();
    let input = NewRequest {
        kind,
        received_on: uk_today() - jiff::Span::new().days(ago),
        subject_id: Some(subject.into()),
        channel: Channel::Email,
        region: None,
        made_by: MadeBy::Subject,
        assigned_to: to.map(str::to_string),
        representative: None,
    };
    let v = env.app.create_request(&Context::cli(), input).unwrap();
    (v.id, v.reference)
}

struct World {
    a: (String, Context),
    b: (String, Context),
    dpo: (String, Context),
    /// (id, reference) of: 7 days left, 2 days left, due today (all A's), overdue (B's),
    /// 20 days left (A's), unassigned with 7 days left.
    seven: (String, String),
    two: (String, String),
    today: (String, String),
    overdue: (String, String),
    later: (String, String),
    unassigned: (String, String),
    /// The DPO's own, 2 days left.
    dpos: (String, String),
}

fn world(env: &Env) -> World {
    let a = user(env, "casey.a", Role::Caseworker);
    let b = user(env, "casey.b", Role::Caseworker);
    let dpo = user(env, "dana.dpo", Role::Dpo);
    let s = NewSubject {
        given_name: SUBJECT_GIVEN.into(),
        family_name: SUBJECT_FAMILY.into(),
        emails: vec!["m.okonkwo-hale@example.net".into()],
        ..NewSubject::default()
    };
    let subject = env.app.create_subject(&Context::cli(), s).unwrap().id;
    World {
        seven: request(env, RequestKind::Access, 0, 7, &subject, Some(&a.0)),
        two: request(env, RequestKind::Erasure, 0, 2, &subject, Some(&a.0)),
        today: request(env, RequestKind::Rectification, 5, 5, &subject, Some(&a.0)),
        overdue: request(env, RequestKind::Restriction, 10, 3, &subject, Some(&b.0)),
        later: request(env, RequestKind::Portability, 0, 20, &subject, Some(&a.0)),
        unassigned: request(env, RequestKind::Objection, 0, 7, &subject, None),
        dpos: request(env, RequestKind::WithdrawConsent, 0, 2, &subject, Some(&dpo.0)),
        a,
        b,
        dpo,
    }
}

/// The body of a message, quoted-printable soft line breaks undone.
fn body_of(m: &smtp_sink::Mail) -> String {
    let body = m.data.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    body.replace("=\r\n", "").replace("=3D", "=")
}

fn reminders_reach_assignees_once_a_day(env: &Env) {
    let sink = SmtpSink::start();
    let w = world(env);
    env.app.set_mail_settings(&Context::cli(), &mail_settings(sink.port)).unwrap();
    let run = env.app.run_job(&Context::cli(), REMINDERS, Cause::Manual, "test-holder").unwrap().expect("lease");
    assert_eq!(run.outcome, "success", "{}", run.message);
    let counts: serde_json::Value = serde_json::from_str(&run.counts).unwrap();
    assert_eq!(counts["emails"], 3, "{counts}");
    assert_eq!(counts["requests"], 7, "A: 3, B: 1, the DPO: 1 own and 2 in the digest; {counts}");

    let mails = sink.mails();
    assert_eq!(mails.len(), 3);
    let to = |who: &str| mails.iter().find(|m| m.to == [format!("{who}@example.org")]).expect("an email").clone();
    let (ma, mb, md) = (to("casey.a"), to("casey.b"), to("dana.dpo"));
    assert!(mails.iter().all(|m| m.from == "steward@example.org" && m.to.len() == 1));

    let a = body_of(&ma);
    for (id, reference) in [&w.seven, &w.two, &w.today] {
        assert!(a.contains(reference.as_str()), "{reference} in\n{a}");
        assert!(a.contains(&format!("https://steward.example.org/requests/{id}")), "{a}");
    }
    assert!(a.contains("7 days left") && a.contains("2 days left") && a.contains("due today"), "{a}");
    assert!(a.contains("access request") && a.contains("erasure request"), "{a}");
    for r in [&w.later, &w.overdue, &w.unassigned, &w.dpos] {
        assert!(!a.contains(r.1.as_str()), "{} must not be in A's email", r.1);
    }
    let b = body_of(&mb);
    assert!(b.contains(w.overdue.1.as_str()) && b.contains("OVERDUE by 7 days"), "{b}");
    assert!(!b.contains(w.seven.1.as_str()));
    let d = body_of(&md);
    assert!(d.contains(w.unassigned.1.as_str()) && d.contains(w.overdue.1.as_str()), "{d}");
    assert!(!d.contains(w.seven.1.as_str()), "assigned and not overdue: not in the digest");
    assert!(d.contains(w.dpos.1.as_str()) && d.contains("withdraw consent request"), "{d}");
    assert!(d.find(w.dpos.1.as_str()) < d.find("nobody assigned"), "own list first: {d}");
    assert!(md.data.contains("Subject: Steward: 3 requests need attention"), "{}", md.data);

    // No personal data: no subject's name or address anywhere in any message.
    for m in &mails {
        for secret in [SUBJECT_GIVEN, SUBJECT_FAMILY, "okonkwo", "example.net", "Person casey"] {
            assert!(!m.data.to_lowercase().contains(&secret.to_lowercase()), "{secret} leaked into\n{}", m.data);
        }
    }

    // The same day again: nothing is sent twice.
    sink.clear();
    let again = env.app.run_job(&Context::cli(), REMINDERS, Cause::Manual, "test-holder").unwrap().unwrap();
    assert_eq!(again.outcome, "success");
    let counts: serde_json::Value = serde_json::from_str(&again.counts).unwrap();
    assert_eq!((counts["emails"].as_i64(), counts["already_sent"].as_i64()), (Some(0), Some(3)), "{counts}");
    assert!(sink.mails().is_empty());

    // Runs are listed for administrators and audited with counts only.
    let runs = env.app.job_runs(&Context::cli(), 10).unwrap();
    assert_eq!(runs.len(), 2);
    assert!(runs.iter().all(|r| r.finished_at.is_some() && r.cause == "manual"));
    let audit = env
        .app
        .store()
        .audit_entries(&steward_store::AuditFilter { action: Some("job.run".into()), limit: 10, ..Default::default() })
        .unwrap();
    assert_eq!(audit.len(), 2);
    assert!(audit.iter().all(|e| e.event.detail.starts_with("job=reminders cause=manual outcome=success emails=")));
    assert!(matches!(env.app.job_runs(&w.a.1, 10), Err(AppError::Forbidden(_))));
    let _ = (&w.b, &w.dpo);
}

fn a_run_without_email_settings_fails_visibly(env: &Env) {
    let w = world(env);
    // A fourth person to remind: a run against a dead server stops after three failures.
    let (c, _) = user(env, "casey.c", Role::Caseworker);
    let subject = env.app.get_request(&Context::cli(), &w.seven.0).unwrap().subject_id.unwrap();
    request(env, RequestKind::AutomatedDecisionReview, 0, 2, &subject, Some(&c));
    let run = env.app.run_job(&Context::cli(), REMINDERS, Cause::Manual, "h").unwrap().unwrap();
    assert_eq!(run.outcome, "failed");
    assert!(run.message.contains("email is not set up"), "{}", run.message);
    assert!(matches!(env.app.run_job(&Context::cli(), "nonsense", Cause::Manual, "h"), Err(AppError::NotFound(_))));
    // A refused mail server: the run fails and says why, and nothing is recorded as sent.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    env.app.set_mail_settings(&Context::cli(), &mail_settings(port)).unwrap();
    let run = env.app.run_job(&Context::cli(), REMINDERS, Cause::Manual, "h").unwrap().unwrap();
    assert_eq!(run.outcome, "failed");
    assert!(run.message.contains("could not be sent"), "{}", run.message);
    let counts: serde_json::Value = serde_json::from_str(&run.counts).unwrap();
    assert_eq!((counts["failed"].as_i64(), counts["emails"].as_i64()), (Some(3), Some(0)), "{counts}");
    assert!(!run.message.contains("example.org"), "no addresses in the message: {}", run.message);
}

fn a_second_server_is_refused_the_lease(env: &Env) {
    let sink = SmtpSink::start();
    let _w = world(env);
    env.app.set_mail_settings(&Context::cli(), &mail_settings(sink.port)).unwrap();
    let store = env.app.store();
    let now = jiff::Timestamp::now();
    let later = format_time(now + jiff::SignedDuration::from_mins(15));
    assert!(store.acquire_lease(REMINDERS, "server-one", &format_time(now), &later).unwrap());
    // Another server (a manual run) is refused while the lease is held.
    assert!(env.app.run_job(&Context::cli(), REMINDERS, Cause::Manual, "server-two").unwrap().is_none());
    assert!(sink.mails().is_empty());
    assert!(store.release_lease(REMINDERS, "server-one").unwrap());
    let run = env.app.run_job(&Context::cli(), REMINDERS, Cause::Manual, "server-two").unwrap().unwrap();
    assert_eq!(run.outcome, "success");
    // Due logic: after the day's success nothing is due.
    let now = steward_app::jobs::uk_now();
    assert!(
        env.app
            .job_due(REMINDERS, &now.date().at(23, 59, 0, 0).to_zoned(now.time_zone().clone()).unwrap(), true)
            .unwrap()
            .is_none()
    );
}

fn two_schedulers_run_the_day_once(env: &Env) {
    let sink = SmtpSink::start();
    let w = world(env);
    // Quiet until email is set up.
    let quiet = steward_app::jobs::Scheduler::start_with(
        env.app.clone(),
        std::time::Duration::from_millis(5),
        std::time::Duration::from_millis(10),
    );
    std::thread::sleep(std::time::Duration::from_millis(200));
    quiet.stop();
    assert!(env.app.job_runs(&Context::cli(), 10).unwrap().is_empty(), "no run without email");
    // Due since midnight: two servers' schedulers start at once.
    env.app
        .set_mail_settings(&Context::cli(), &MailInput { reminder_time: "00:00".into(), ..mail_settings(sink.port) })
        .unwrap();
    let tick = std::time::Duration::from_millis(10);
    let one = steward_app::jobs::Scheduler::start_with(env.app.clone(), tick, tick);
    let two = steward_app::jobs::Scheduler::start_with(env.app.clone(), tick, tick);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while env.app.job_runs(&Context::cli(), 10).unwrap().iter().all(|r| r.outcome != "success") {
        assert!(std::time::Instant::now() < deadline, "the scheduler did not run the job");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    one.stop();
    two.stop();
    let runs = env.app.job_runs(&Context::cli(), 10).unwrap();
    assert_eq!(runs.len(), 1, "exactly one run for the day: {runs:?}");
    assert_ne!(runs[0].cause, "manual");
    assert_eq!(sink.mails().len(), 3, "each email once");
    let _ = w;
}

fn email_settings_are_checked_and_the_password_sealed(env: &Env) {
    let (_, staff) = user(env, "sam.staff", Role::Staff);
    let good = MailInput { username: "relay-user".into(), password: SMTP_PASSWORD.into(), ..mail_settings(2525) };
    assert!(matches!(env.app.set_mail_settings(&staff, &good), Err(AppError::Forbidden(_))));
    let bad = MailInput { port: "0".into(), ..good.clone() };
    match env.app.set_mail_settings(&Context::cli(), &bad) {
        Err(AppError::Invalid(f)) => assert_eq!(f.field, "port"),
        other => panic!("expected a port problem, got {other:?}"),
    }
    // Credentials over plain SMTP to another machine are refused.
    let clear = MailInput { host: "mail.example.org".into(), ..good.clone() };
    match env.app.set_mail_settings(&Context::cli(), &clear) {
        Err(AppError::Invalid(f)) => assert_eq!(f.field, "security"),
        other => panic!("expected a security problem, got {other:?}"),
    }
    assert!(!env.app.mail_settings(&Context::cli()).unwrap().configured(), "nothing half-written");
    env.app.set_mail_settings(&Context::cli(), &good).unwrap();
    let shown = env.app.mail_settings(&Context::cli()).unwrap();
    assert!(shown.password_set && shown.configured());
    assert_eq!(shown.reminder_days, [7, 2]);
    let stored = env.app.store().settings().unwrap();
    assert!(stored.iter().all(|(_, v)| !v.contains(SMTP_PASSWORD)), "the password is sealed");
    // A blank password keeps the stored one; clearing removes it.
    env.app.set_mail_settings(&Context::cli(), &MailInput { password: String::new(), ..good.clone() }).unwrap();
    assert!(env.app.mail_settings(&Context::cli()).unwrap().password_set);
    let audit = env
        .app
        .store()
        .audit_entries(&steward_store::AuditFilter {
            action: Some("settings.update".into()),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert!(audit.iter().all(|e| !e.event.detail.contains(SMTP_PASSWORD)));
    env.app
        .set_mail_settings(&Context::cli(), &MailInput { password: String::new(), clear_password: true, ..good })
        .unwrap();
    assert!(!env.app.mail_settings(&Context::cli()).unwrap().password_set);
}

fn a_test_email_reaches_the_sink(env: &Env) {
    let sink = SmtpSink::start();
    assert!(matches!(env.app.send_test_email(&Context::cli(), "it@example.org"), Err(AppError::Invalid(_))));
    env.app.set_mail_settings(&Context::cli(), &mail_settings(sink.port)).unwrap();
    assert!(matches!(env.app.send_test_email(&Context::cli(), "not an address"), Err(AppError::Invalid(_))));
    env.app.send_test_email(&Context::cli(), "IT@example.org").unwrap();
    let mails = sink.mails();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, ["it@example.org"]);
    assert!(mails[0].data.contains("Subject: Steward test message"));
    let audit = env
        .app
        .store()
        .audit_entries(&steward_store::AuditFilter {
            action: Some("mail.test".into()),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert!(!audit[0].event.detail.contains("example.org"));
}

fn fetch(env: &Env, path: &str) -> (StatusCode, String, String, String) {
    let router = env.router.clone();
    let req = Request::builder().uri(path).body(Body::empty()).unwrap();
    env.rt.block_on(async move {
        let resp = router.oneshot(req).await.unwrap();
        let status = resp.status();
        let h = |n: header::HeaderName| resp.headers().get(n).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let (ct, cc) = (h(header::CONTENT_TYPE), h(header::CACHE_CONTROL));
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        (status, ct, cc, String::from_utf8_lossy(&bytes).to_string())
    })
}

/// (UID, SUMMARY, DTSTART value) of every event in a feed.
fn events(ics: &str) -> Vec<(String, String, String)> {
    let cal: icalendar::Calendar = ics.parse().expect("the feed parses as iCalendar");
    cal.components
        .iter()
        .filter_map(|c| c.as_event())
        .map(|e| {
            let start = e.properties().get("DTSTART").map(|p| p.value().to_string()).unwrap_or_default();
            (e.get_uid().unwrap_or_default().to_string(), e.get_summary().unwrap_or_default().to_string(), start)
        })
        .collect()
}

fn calendar_feeds_show_each_person_their_deadlines(env: &Env) {
    let w = world(env);
    env.app.set_mail_settings(&Context::cli(), &mail_settings(2525)).unwrap();
    let secret_a = env.app.create_calendar_feed(&w.a.1).unwrap();
    let (status, ct, cc, ics) = fetch(env, &format!("/calendar/{secret_a}.ics"));
    assert_eq!(status, StatusCode::OK, "{ics}");
    assert!(ct.starts_with("text/calendar"), "{ct}");
    assert_eq!(cc, "no-store");
    let ev = events(&ics);
    let uids: Vec<&str> = ev.iter().map(|e| e.0.as_str()).collect();
    for (id, _) in [&w.seven, &w.two, &w.today, &w.later] {
        assert!(uids.contains(&format!("{id}-due@steward").as_str()), "{id} in {uids:?}");
    }
    assert!(!uids.iter().any(|u| u.starts_with(w.overdue.0.as_str()) || u.starts_with(w.unassigned.0.as_str())));
    let seven = ev.iter().find(|e| e.0 == format!("{}-due@steward", w.seven.0)).unwrap();
    assert_eq!(seven.1, format!("{} access request due", w.seven.1));
    let due = (uk_today() + jiff::Span::new().days(7)).strftime("%Y%m%d").to_string();
    assert_eq!(seven.2, due);
    // The policy date comes first, so the statutory date (last day to extend) is there too.
    assert!(uids.contains(&format!("{}-extension@steward", w.seven.0).as_str()));
    let unfolded = ics.replace("\r\n ", "");
    assert!(unfolded.contains(&format!("URL:https://steward.example.org/requests/{}", w.seven.0)), "{unfolded}");
    for secret in [SUBJECT_GIVEN, SUBJECT_FAMILY, "example.net"] {
        assert!(!ics.contains(secret), "{secret} leaked into the feed");
    }
    // The DPO sees every open request; the UIDs are stable between fetches.
    let secret_d = env.app.create_calendar_feed(&w.dpo.1).unwrap();
    let (_, _, _, all) = fetch(env, &format!("/calendar/{secret_d}.ics"));
    let all_uids: Vec<String> = events(&all).into_iter().map(|e| e.0).collect();
    assert!(all_uids.contains(&format!("{}-due@steward", w.overdue.0)));
    assert!(all_uids.contains(&format!("{}-due@steward", w.unassigned.0)));
    let (_, _, _, again) = fetch(env, &format!("/calendar/{secret_d}.ics"));
    assert_eq!(all_uids, events(&again).into_iter().map(|e| e.0).collect::<Vec<_>>());
    // Fetches are audited with the user's id only.
    let audit = env
        .app
        .store()
        .audit_entries(&steward_store::AuditFilter {
            action: Some("calendar.feed".into()),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(audit.len(), 3);
    assert!(audit.iter().any(|e| e.event.object_id == w.a.0 && e.event.actor == format!("user:{}", w.a.0)));
    // A new address replaces the old; revoking ends it; unknown addresses are 404.
    let secret_a2 = env.app.create_calendar_feed(&w.a.1).unwrap();
    assert_eq!(fetch(env, &format!("/calendar/{secret_a}.ics")).0, StatusCode::NOT_FOUND);
    assert_eq!(fetch(env, &format!("/calendar/{secret_a2}.ics")).0, StatusCode::OK);
    assert!(env.app.revoke_calendar_feed(&w.a.1).unwrap());
    assert_eq!(fetch(env, &format!("/calendar/{secret_a2}.ics")).0, StatusCode::NOT_FOUND);
    assert_eq!(fetch(env, "/calendar/cal_unknown.ics").0, StatusCode::NOT_FOUND);
    // A disabled account's address stops answering, and answers again when re-enabled.
    env.app.set_user_disabled(&Context::cli(), &w.dpo.0, true).unwrap();
    assert_eq!(fetch(env, &format!("/calendar/{secret_d}.ics")).0, StatusCode::NOT_FOUND);
    env.app.set_user_disabled(&Context::cli(), &w.dpo.0, false).unwrap();
    assert_eq!(fetch(env, &format!("/calendar/{secret_d}.ics")).0, StatusCode::OK);
    assert_eq!(fetch(env, &format!("/calendar/{secret_d}")).0, StatusCode::NOT_FOUND, "needs .ics");
    let _ = &w.b;
}

/// The audit log's daily record: sent only with email set up and an address set, to that
/// address, naming the organisation, date, count and head hash, which then verifies as a
/// head kept earlier; the address itself is never audited.
fn the_audit_record_is_emailed_daily(env: &Env) {
    use steward_app::audit_anchor::AUDIT_ANCHOR;
    let sink = SmtpSink::start();
    let at_eight = uk_today().at(8, 0, 0, 0).to_zoned(jiff::tz::TimeZone::get("Europe/London").unwrap()).unwrap();
    assert_eq!(env.app.job_due(AUDIT_ANCHOR, &at_eight, false).unwrap(), None, "nothing set up");
    env.app.set_org_settings(&Context::cli(), Some("Riverside Housing"), None).unwrap();
    env.app.set_mail_settings(&Context::cli(), &mail_settings(sink.port)).unwrap();
    assert_eq!(env.app.job_due(AUDIT_ANCHOR, &at_eight, false).unwrap(), None, "no address yet");

    let (_, staff) = user(env, "sam.staff", Role::Staff);
    assert!(matches!(env.app.set_audit_anchor_email(&staff, "x@example.net"), Err(AppError::Forbidden(_))));
    match env.app.set_audit_anchor_email(&Context::cli(), "not an address") {
        Err(AppError::Invalid(f)) => assert_eq!(f.field, "audit_anchor_email"),
        other => panic!("expected an address problem, got {other:?}"),
    }
    env.app.set_audit_anchor_email(&Context::cli(), " Trustee@Example.NET ").unwrap();
    assert_eq!(env.app.audit_anchor_email(&Context::cli()).unwrap().as_deref(), Some("trustee@example.net"));
    assert!(env.app.job_due(AUDIT_ANCHOR, &at_eight, false).unwrap().is_some());

    let run = env.app.run_job(&Context::cli(), AUDIT_ANCHOR, Cause::Manual, "test").unwrap().unwrap();
    assert_eq!(run.outcome, "success", "{}", run.message);
    let mails = sink.mails();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, ["trustee@example.net"]);
    let body = body_of(&mails[0]).replace("\r\n", "\n");
    assert!(mails[0].data.contains("Subject: Steward audit log record for Riverside Housing"), "{}", mails[0].data);
    assert!(body.contains("Organisation: Riverside Housing"), "{body}");
    assert!(body.contains(&format!("Date: {}", uk_today().strftime("%-d %B %Y"))), "{body}");
    assert!(body.contains("entries are intact"), "{body}");
    let field = |name: &str| body.lines().find_map(|l| l.strip_prefix(name)).unwrap().trim().to_string();
    let (entries, head) = (field("Entries: "), field("Head hash: "));
    assert!(body.contains(&format!("steward audit verify --expect-entries {entries} --expect-head")), "{body}");
    assert!(!body.contains(SUBJECT_FAMILY));
    let expect = steward_store::AuditExpectation { entries: Some(entries.parse().unwrap()), head: Some(head) };
    let report = env.app.store().verify_audit_against(&expect).unwrap();
    assert_eq!(report.problem, None);
    assert_eq!(report.kept_head_seq, expect.entries);
    // Done for the day.
    assert_eq!(env.app.job_due(AUDIT_ANCHOR, &at_eight, false).unwrap(), None);

    let audit =
        env.app.store().audit_entries(&steward_store::AuditFilter { limit: 500, ..Default::default() }).unwrap();
    assert!(audit.iter().all(|e| !e.event.detail.contains("example.net")), "the address is never audited");
    assert!(audit.iter().any(|e| e.event.action == "settings.update" && e.event.detail == "fields=audit_anchor_email"));
    // Cleared, nothing more is due.
    env.app.set_audit_anchor_email(&Context::cli(), "").unwrap();
    assert_eq!(env.app.audit_anchor_email(&Context::cli()).unwrap(), None);
}

on_both_backends!(
    the_audit_record_is_emailed_daily,
    reminders_reach_assignees_once_a_day,
    a_run_without_email_settings_fails_visibly,
    a_second_server_is_refused_the_lease,
    two_schedulers_run_the_day_once,
    email_settings_are_checked_and_the_password_sealed,
    a_test_email_reaches_the_sink,
    calendar_feeds_show_each_person_their_deadlines,
);
