//! Who may see and work rights requests, tested through the application on SQLite:
//! caseworkers only on a need-to-know basis (with refusals that look like "not found"
//! and are audited), staff log but do not read, auditors neither.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{app, user, user_id};
use steward_app::requests::{NewRequest, RequestQuery, uk_today};
use steward_app::{App, AppError, Context};
use steward_core::Role;
use steward_core::request::{Channel, EventKind, MadeBy, RequestEvent, RequestKind, RequestStatus};
use steward_core::subject::NewSubject;

fn subject(app: &App, given: &str, family: &str) -> String {
    let s = NewSubject { given_name: given.into(), family_name: family.into(), ..Default::default() };
    app.create_subject(&Context::cli(), s).unwrap().id
}

fn new_request(subject_id: Option<&str>, assigned_to: Option<&str>) -> NewRequest {
    NewRequest {
        kind: RequestKind::Access,
        received_on: uk_today() - jiff::Span::new().days(3),
        subject_id: subject_id.map(str::to_string),
        channel: Channel::Email,
        region: None,
        made_by: MadeBy::Subject,
        assigned_to: assigned_to.map(str::to_string),
        representative: None,
    }
}

fn denials(app: &App, action: &str) -> Vec<steward_core::audit::AuditRecord> {
    app.store()
        .audit_entries(&steward_store::AuditFilter { action: Some(action.into()), limit: 100, ..Default::default() })
        .unwrap()
        .into_iter()
        .filter(|e| e.event.outcome == "denied")
        .collect()
}

fn listed(app: &App, ctx: &Context) -> Vec<String> {
    let mut ids: Vec<String> =
        app.list_requests(ctx, &RequestQuery::default()).unwrap().into_iter().map(|r| r.id).collect();
    ids.sort();
    ids
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

#[test]
fn caseworkers_see_only_requests_assigned_to_them_or_about_their_subjects() {
    let (_d, app) = app();
    let cli = Context::cli();
    let callum = user(&app, "callum@example.org", "Callum Reid", Role::Caseworker);
    let priya = user(&app, "priya@example.org", "Priya Shah", Role::Caseworker);
    let jane = subject(&app, "Jane", "Smith");
    let kwame = subject(&app, "Kwame", "Mensah");

    // Assigned to Callum; about Jane (whom Callum will be given); about Kwame; about nobody.
    let assigned = app.create_request(&cli, new_request(Some(&kwame), Some(&user_id(&callum)))).unwrap().id;
    let about_jane = app.create_request(&cli, new_request(Some(&jane), None)).unwrap().id;
    let about_kwame = app.create_request(&cli, new_request(Some(&kwame), None)).unwrap().id;
    let anonymous = app.create_request(&cli, new_request(None, None)).unwrap().id;
    let everything = sorted(vec![assigned.clone(), about_jane.clone(), about_kwame.clone(), anonymous.clone()]);
    assert_eq!(listed(&app, &cli), everything, "a DPO sees every request");

    // Before Jane is assigned, Callum sees only the request assigned to him.
    assert_eq!(listed(&app, &callum), vec![assigned.clone()]);
    assert_eq!(app.get_request(&callum, &assigned).unwrap().id, assigned);
    let refused = app.get_request(&callum, &about_jane).unwrap_err();
    let missing = app.get_request(&callum, "0190a2b4-0000-7000-8000-000000000000").unwrap_err();
    assert!(matches!(refused, AppError::NotFound(_)), "refused as not found, got {refused:?}");
    assert!(matches!(missing, AppError::NotFound(_)));
    // The refusal reads like any unknown request: nothing tells him it exists.
    assert_eq!(
        refused.to_string().replace(&about_jane, "ID"),
        missing.to_string().replace("0190a2b4-0000-7000-8000-000000000000", "ID")
    );

    // The refusal is audited (ids only), against the caseworker.
    let d = denials(&app, "request.need_to_know");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].event.actor, callum.actor);
    assert_eq!(d[0].event.object_type, "request");
    assert_eq!(d[0].event.object_id, about_jane);
    assert!(!d[0].event.detail.contains("Jane") && !d[0].event.detail.contains("Smith"));

    // Neither can he record an event on it: also "not found", also audited.
    let ev = RequestEvent {
        kind: EventKind::IdentityRequested,
        on: uk_today(),
        reason: None,
        outcome: None,
        ground: None,
        note: None,
    };
    assert!(matches!(app.record_request_event(&callum, &about_jane, ev.clone()), Err(AppError::NotFound(_))));
    assert_eq!(denials(&app, "request.need_to_know").len(), 2);
    assert!(app.get_request(&cli, &about_jane).unwrap().events.is_empty(), "nothing was recorded");

    // Once Jane is assigned to him, he sees and works her request too.
    app.assign_subject(&cli, &jane, &user_id(&callum)).unwrap();
    assert_eq!(listed(&app, &callum), sorted(vec![assigned.clone(), about_jane.clone()]));
    assert_eq!(app.get_request(&callum, &about_jane).unwrap().id, about_jane);
    let worked = app.record_request_event(&callum, &about_jane, ev.clone()).unwrap();
    assert_eq!(worked.status, RequestStatus::AwaitingIdentity);
    assert_eq!(worked.events.len(), 1);
    assert_eq!(worked.events[0].actor, callum.actor);
    // Status filters apply on top of need to know.
    let awaiting = RequestQuery { status: Some(RequestStatus::AwaitingIdentity), ..Default::default() };
    let ids: Vec<String> = app.list_requests(&callum, &awaiting).unwrap().into_iter().map(|r| r.id).collect();
    assert_eq!(ids, vec![about_jane.clone()]);

    // Access is per person: Priya sees none of them, and each refusal is audited.
    assert!(listed(&app, &priya).is_empty());
    let before = denials(&app, "request.need_to_know").len();
    for id in [&assigned, &about_jane, &about_kwame, &anonymous] {
        assert!(matches!(app.get_request(&priya, id), Err(AppError::NotFound(_))), "Priya must not see {id}");
    }
    let after = denials(&app, "request.need_to_know");
    assert_eq!(after.len(), before + 4);
    assert!(after[..4].iter().all(|e| e.event.actor == priya.actor));
    // Callum still cannot see the request about Kwame that is not assigned to him, nor the
    // one about nobody, even though he may see another request about Kwame.
    assert!(matches!(app.get_request(&callum, &about_kwame), Err(AppError::NotFound(_))));
    assert!(matches!(app.get_request(&callum, &anonymous), Err(AppError::NotFound(_))));

    // Taking Jane away takes her request away.
    app.unassign_subject(&cli, &jane, &user_id(&callum)).unwrap();
    assert_eq!(listed(&app, &callum), vec![assigned.clone()]);
    assert!(matches!(app.get_request(&callum, &about_jane), Err(AppError::NotFound(_))));

    // A caseworker token acting for the organisation (no person) is limited the same
    // way: it sees no request until a case is given to it.
    let (token, secret) = app.create_token(&cli, "Family hub", Role::Caseworker).unwrap();
    let token_cw = app.authenticate_token(&secret, "r").unwrap().unwrap();
    assert!(listed(&app, &token_cw).is_empty());
    assert!(matches!(app.get_request(&token_cw, &about_jane), Err(AppError::NotFound(_))));
    app.assign_subject(&cli, &jane, &format!("token:{}", token.id)).unwrap();
    assert_eq!(listed(&app, &token_cw), vec![about_jane.clone()]);
    assert!(everything.len() > 1, "the DPO sees them all");
}

#[test]
fn staff_log_requests_but_cannot_read_them_and_auditors_cannot_read_them() {
    let (_d, app) = app();
    let cli = Context::cli();
    let staff = user(&app, "sam@example.org", "Sam Lee", Role::Staff);
    let auditor = user(&app, "tess@example.org", "Tess Morgan", Role::Auditor);
    let jane = subject(&app, "Jane", "Smith");

    // Staff log a request, and the app computes its reference and dates.
    let logged = app.create_request(&staff, new_request(Some(&jane), None)).unwrap();
    assert!(logged.reference.starts_with("REQ-"));
    assert_eq!(logged.status, RequestStatus::Open);
    let entries = app
        .store()
        .audit_entries(&steward_store::AuditFilter {
            action: Some("request.create".into()),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert!(entries.iter().any(|e| e.event.actor == staff.actor && e.event.object_id == logged.id));

    // …but cannot read it, list requests or work it; each refusal is audited.
    let denied_before = app
        .store()
        .audit_entries(&steward_store::AuditFilter { limit: 1000, ..Default::default() })
        .unwrap()
        .iter()
        .filter(|e| e.event.outcome == "denied")
        .count();
    assert!(matches!(app.get_request(&staff, &logged.id), Err(AppError::Forbidden(Role::Staff))));
    assert!(matches!(app.list_requests(&staff, &RequestQuery::default()), Err(AppError::Forbidden(Role::Staff))));
    let ev = RequestEvent {
        kind: EventKind::IdentityRequested,
        on: uk_today(),
        reason: None,
        outcome: None,
        ground: None,
        note: None,
    };
    assert!(matches!(app.record_request_event(&staff, &logged.id, ev.clone()), Err(AppError::Forbidden(_))));

    // An auditor can neither log, read, list nor work requests.
    assert!(matches!(app.create_request(&auditor, new_request(None, None)), Err(AppError::Forbidden(Role::Auditor))));
    assert!(matches!(app.get_request(&auditor, &logged.id), Err(AppError::Forbidden(Role::Auditor))));
    assert!(matches!(app.list_requests(&auditor, &RequestQuery::default()), Err(AppError::Forbidden(Role::Auditor))));
    assert!(matches!(app.record_request_event(&auditor, &logged.id, ev), Err(AppError::Forbidden(_))));

    let denied: Vec<_> = app
        .store()
        .audit_entries(&steward_store::AuditFilter { limit: 1000, ..Default::default() })
        .unwrap()
        .into_iter()
        .filter(|e| e.event.outcome == "denied")
        .collect();
    assert_eq!(denied.len(), denied_before + 7, "every refusal is audited");
    assert!(denied.iter().filter(|e| e.event.actor == staff.actor).count() >= 3);
    assert!(denied.iter().filter(|e| e.event.actor == auditor.actor).count() >= 4);
    assert!(denied.iter().all(|e| !e.event.detail.contains("Jane")));

    // Nothing they tried changed the request.
    let now = app.get_request(&cli, &logged.id).unwrap();
    assert!(now.events.is_empty());
    assert_eq!(now.status, RequestStatus::Open);
    assert_eq!(app.list_requests(&cli, &RequestQuery::default()).unwrap().len(), 1);
}
