//! The app reads the time from one clock: a test sets the date and sees a request's
//! dates, a public submission's due date and the audit entries follow it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::public::{PublicInput, SubmissionKind};
use crate::requests::NewRequest;
use crate::{App, AppError, Context};
use jiff::civil::date;
use std::sync::Arc;
use steward_core::request::{Channel, MadeBy, RequestKind};
use steward_core::time::FixedClock;

fn app_on(day: jiff::civil::Date) -> (tempfile::TempDir, App, Arc<FixedClock>) {
    let dir = tempfile::tempdir().unwrap();
    let store = steward_store::Store::open_sqlite(&dir.path().join("steward.db")).unwrap();
    let key = steward_crypto::MasterKey::generate().unwrap();
    let clock = Arc::new(FixedClock::on(day));
    let app = App::open(store, &key, &dir.path().join("erasures.jsonl")).unwrap().with_clock(clock.clone());
    (dir, app, clock)
}

fn request(received_on: jiff::civil::Date) -> NewRequest {
    NewRequest {
        kind: RequestKind::Access,
        received_on,
        subject_id: None,
        channel: Channel::Email,
        region: None,
        made_by: MadeBy::Subject,
        assigned_to: None,
        representative: None,
    }
}

fn audit_times(app: &App, action: &str) -> Vec<String> {
    let filter = steward_store::AuditFilter { action: Some(action.into()), limit: 10, ..Default::default() };
    app.store().audit_entries(&filter).unwrap().into_iter().map(|e| e.event.at).collect()
}

#[test]
fn a_request_is_dated_and_audited_by_the_app_clock() {
    let today = date(2025, 1, 14);
    let (_dir, app, _clock) = app_on(today);
    assert_eq!(app.today(), today);

    // Tomorrow by the app's clock is in the future, whatever the system's date.
    let tomorrow = date(2025, 1, 15);
    assert!(matches!(app.create_request(&Context::cli(), request(tomorrow)), Err(AppError::Invalid(_))));

    let view = app.create_request(&Context::cli(), request(today)).unwrap();
    assert_eq!(view.received_on, today);
    // One calendar month for a subject access request (UK GDPR Art 12(3)).
    assert_eq!(view.statutory_due_on, date(2025, 2, 14));
    assert_eq!(audit_times(&app, "request.create"), ["2025-01-14T12:00:00.000000Z"]);
}

#[test]
fn a_public_submission_is_due_from_the_app_clock_date() {
    let (_dir, app, clock) = app_on(date(2025, 3, 3));
    let token = app.public_form_token();
    // The form was filled in over a minute.
    clock.set("2025-03-03T12:01:00Z".parse().unwrap());
    let input = PublicInput {
        kind: "request".into(),
        right: "access".into(),
        name: "Ada Example".into(),
        email: "ada@example.org".into(),
        details: "Please send me my file.".into(),
        form_token: token,
        ..PublicInput::default()
    };
    let receipt = app.submit(input, "192.0.2.1").unwrap();
    assert_eq!(receipt.received_on, date(2025, 3, 3));
    assert_eq!(receipt.due_by, SubmissionKind::Request.due_by(date(2025, 3, 3)));
    assert_eq!(receipt.due_by, date(2025, 4, 3));
    assert_eq!(receipt.received_at, "2025-03-03T12:01:00.000000Z");
    assert_eq!(audit_times(&app, "submission.create"), ["2025-03-03T12:01:00.000000Z"]);
}

#[test]
fn a_refusal_is_stamped_by_the_app_clock() {
    let (_dir, app, _clock) = app_on(date(2024, 12, 24));
    let staff = Context::new("user:someone", steward_core::Role::Staff, "r");
    assert!(matches!(app.audit_head(&staff), Err(AppError::Forbidden(_))));
    assert_eq!(audit_times(&app, "audit.denied_audit_read"), ["2024-12-24T12:00:00.000000Z"]);
}
