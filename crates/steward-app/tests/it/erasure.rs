//! Erasure, restriction and rectification requests through the application on SQLite:
//! approval by the DPO only, legal holds that stop erasure, a task per system and
//! processor tracked to confirmation, the certificate, restriction refusing changes
//! until lifted, and requests that cannot close while work is open. All people are
//! fictional.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{app, user};
use steward_app::checklists::NewSearch;
use steward_app::erasure::{NewHold, NewSystem, RestrictionGround, SystemKind, TaskConfirmation, TaskStatus};
use steward_app::requests::{NewRequest, uk_today};
use steward_app::suppression::SuppressionQuery;
use steward_app::{App, AppError, Context};
use steward_core::Role;
use steward_core::request::{
    Channel, DecisionOutcome, EventKind, MadeBy, RefusalGround, RequestEvent, RequestKind, RequestStatus,
};
use steward_core::subject::{LinkKind, NewSubject, SubjectPatch};

fn subject(app: &App) -> String {
    let s = NewSubject {
        given_name: "Marcus".into(),
        family_name: "Okafor".into(),
        emails: vec!["marcus.okafor@example.org".into()],
        phones: vec!["07700 900461".into()],
        ..Default::default()
    };
    app.create_subject(&Context::cli(), s).unwrap().id
}

fn request(app: &App, kind: RequestKind, subject_id: &str) -> String {
    let r = NewRequest {
        kind,
        received_on: uk_today() - jiff::Span::new().days(10),
        subject_id: Some(subject_id.into()),
        channel: Channel::Letter,
        region: None,
        made_by: MadeBy::Subject,
        assigned_to: None,
        representative: None,
    };
    app.create_request(&Context::cli(), r).unwrap().id
}

fn ev(kind: EventKind) -> RequestEvent {
    RequestEvent { kind, on: uk_today(), reason: None, outcome: None, ground: None, note: None }
}

fn decision(outcome: DecisionOutcome, ground: Option<RefusalGround>, reason: Option<&str>) -> RequestEvent {
    RequestEvent { outcome: Some(outcome), ground, reason: reason.map(str::to_string), ..ev(EventKind::Decision) }
}

fn system(app: &App, name: &str, kind: SystemKind, all: bool) -> String {
    let s = NewSystem {
        name: name.into(),
        kind,
        holds_all_subjects: all,
        contact: "Data team".into(),
        notes: String::new(),
        retired: false,
        owner: String::new(),
        location: String::new(),
        hosting_country: String::new(),
        processor_id: String::new(),
        security_measures: String::new(),
    };
    app.create_system(&Context::cli(), s).unwrap().id
}

fn finish_steps(app: &App, id: &str) {
    let cli = Context::cli();
    for s in app.request_steps(&cli, id).unwrap() {
        app.set_request_step(&cli, id, &s.step_id, true).unwrap();
    }
}

fn conflict(e: AppError) -> String {
    match e {
        AppError::Conflict(m) | AppError::Restricted(m) => m,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

fn invalid(e: AppError) -> (String, String) {
    match e {
        AppError::Invalid(f) => (f.field, f.message),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

#[test]
fn an_approved_erasure_shreds_suppresses_tasks_every_holder_and_certifies() {
    let (_d, app) = app();
    let cli = Context::cli();
    let caseworker = user(&app, "callum@example.org", "Callum Reid", Role::Caseworker);
    let hms = system(&app, "Housing management system", SystemKind::System, true);
    let payroll = system(&app, "Rent collection bureau", SystemKind::Processor, false);
    let archive = system(&app, "Email archive", SystemKind::System, false);
    let marcus = subject(&app);
    let id = request(&app, RequestKind::Erasure, &marcus);
    app.assign_request(&cli, &id, Some(caseworker.actor.strip_prefix("user:").unwrap())).unwrap();
    assert!(app.get_subject(&caseworker, &marcus).is_ok(), "assignment grants the request's subject");

    // The search log says where Marcus's data was found.
    for (sys, hits) in [(&payroll, 2), (&archive, 0)] {
        let s = NewSearch {
            system_id: Some(sys.clone()),
            system: String::new(),
            searched_on: uk_today(),
            terms: "Okafor".into(),
            hits,
            processor: false,
            answer: None,
        };
        let logged = app.add_request_search(&caseworker, &id, s).unwrap();
        assert_eq!(logged.system_id.as_deref(), Some(sys.as_str()));
    }
    assert!(app.request_searches(&cli, &id).unwrap()[0].processor, "the register says it is a processor");

    // Only the DPO approves erasure.
    let granted = decision(DecisionOutcome::Granted, None, None);
    assert!(matches!(app.record_request_event(&caseworker, &id, granted.clone()), Err(AppError::Forbidden(_))));

    // A legal hold stops it, and nothing is recorded.
    let hold = app
        .place_hold(
            &cli,
            NewHold {
                subject_id: Some(marcus.clone()),
                reason: "Disrepair claim".into(),
                approved_by: "Head of Legal".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(matches!(
        app.place_hold(
            &caseworker,
            NewHold {
                subject_id: Some(marcus.clone()),
                reason: "x".into(),
                approved_by: "y".into(),
                ..Default::default()
            }
        ),
        Err(AppError::Forbidden(_))
    ));
    let m = conflict(app.record_request_event(&cli, &id, granted.clone()).unwrap_err());
    assert!(m.contains("legal hold"), "{m}");
    assert!(conflict(app.erase_subject(&cli, &marcus, "erasure_request", None).unwrap_err()).contains("legal hold"));
    assert!(app.get_request(&cli, &id).unwrap().events.is_empty());
    assert!(app.get_subject(&cli, &marcus).is_ok());
    assert!(matches!(app.lift_hold(&caseworker, &hold.id, "settled"), Err(AppError::Forbidden(_))));
    let lifted = app.lift_hold(&cli, &hold.id, "Claim settled").unwrap();
    assert!(lifted.lifted_at.is_some());
    assert!(conflict(app.lift_hold(&cli, &hold.id, "again").unwrap_err()).contains("already"));

    // Approved: shredded, contacts suppressed, a task for the system holding everyone and
    // for the processor the search found Marcus in (not the archive with no hits).
    let certificate_before = app.erasure_certificate(&cli, &id).unwrap_err();
    assert!(conflict(certificate_before).contains("not been approved"));
    let view = app.record_request_event(&cli, &id, granted).unwrap();
    assert_eq!(view.status, RequestStatus::Decided);
    assert!(matches!(app.get_subject(&cli, &marcus), Err(AppError::Gone(_))));
    let q = SuppressionQuery { email: Some("Marcus.Okafor@example.org".into()), phone: None };
    assert!(app.is_suppressed(&cli, &q).unwrap().suppressed);
    let tasks = app.erasure_tasks(&cli, &id).unwrap();
    let mut systems: Vec<&str> = tasks.iter().map(|t| t.system_id.as_str()).collect();
    systems.sort();
    let mut expected = vec![hms.as_str(), payroll.as_str()];
    expected.sort();
    assert_eq!(systems, expected);
    assert!(tasks.iter().all(|t| t.status == TaskStatus::Pending));

    let cert = app.erasure_certificate(&cli, &id).unwrap();
    assert!(!cert.complete);
    assert!(cert.erased_in_steward_at.is_some());
    assert_eq!(cert.suppressed_identifiers, 2);
    assert_eq!(cert.tasks.len(), 2);
    let text = serde_json::to_string(&cert).unwrap();
    assert!(!text.contains("Okafor") && !text.contains("marcus"), "no personal data on the certificate");

    // A task for the archive can be added by hand; tasks confirm once.
    assert_eq!(app.add_erasure_task(&cli, &id, &archive).unwrap().len(), 3);
    assert!(conflict(app.add_erasure_task(&cli, &id, &archive).unwrap_err()).contains("already"));
    let (field, _) = invalid(app.add_erasure_task(&cli, &id, "no-such-system").unwrap_err());
    assert_eq!(field, "system_id");

    // It cannot close with steps or tasks open.
    app.record_request_event(&cli, &id, ev(EventKind::ResponseSent)).unwrap();
    let (field, message) = invalid(app.record_request_event(&cli, &id, ev(EventKind::Closed)).unwrap_err());
    assert_eq!(field, "kind");
    assert!(message.contains("checklist step"), "{message}");
    finish_steps(&app, &id);
    let (_, message) = invalid(app.record_request_event(&cli, &id, ev(EventKind::Closed)).unwrap_err());
    assert!(message.contains("3 erasure task(s)"), "{message}");

    let confirm = |status, note: &str| TaskConfirmation { status, confirmed_on: uk_today(), note: note.into() };
    let ids: Vec<String> = app.erasure_tasks(&cli, &id).unwrap().into_iter().map(|t| t.id).collect();
    let (field, _) =
        invalid(app.confirm_erasure_task(&cli, &id, &ids[0], confirm(TaskStatus::Refused, "")).unwrap_err());
    assert_eq!(field, "note", "a task not erased says why");
    let future = TaskConfirmation {
        status: TaskStatus::Erased,
        confirmed_on: uk_today() + jiff::Span::new().days(2),
        note: String::new(),
    };
    assert_eq!(invalid(app.confirm_erasure_task(&cli, &id, &ids[0], future).unwrap_err()).0, "confirmed_on");
    app.confirm_erasure_task(&caseworker, &id, &ids[0], confirm(TaskStatus::Erased, "Ticket HMS-2231")).unwrap();
    app.confirm_erasure_task(&cli, &id, &ids[1], confirm(TaskStatus::Erased, "Written confirmation")).unwrap();
    app.confirm_erasure_task(&cli, &id, &ids[2], confirm(TaskStatus::NotHeld, "")).unwrap();
    assert!(matches!(
        app.confirm_erasure_task(&cli, &id, &ids[2], confirm(TaskStatus::Erased, "")),
        Err(AppError::NotFound(_))
    ));
    assert!(app.erasure_certificate(&cli, &id).unwrap().complete);
    assert_eq!(app.record_request_event(&cli, &id, ev(EventKind::Closed)).unwrap().status, RequestStatus::Closed);
}

#[test]
fn a_refused_erasure_names_its_ground_and_erases_nothing() {
    let (_d, app) = app();
    let cli = Context::cli();
    let marcus = subject(&app);
    let id = request(&app, RequestKind::Erasure, &marcus);
    let no_ground = decision(DecisionOutcome::Refused, None, Some("We must keep tenancy records"));
    assert_eq!(invalid(app.record_request_event(&cli, &id, no_ground).unwrap_err()).0, "ground");
    let wrong = decision(DecisionOutcome::Refused, Some(RefusalGround::CompellingLegitimateGrounds), Some("x"));
    let (field, message) = invalid(app.record_request_event(&cli, &id, wrong).unwrap_err());
    assert_eq!(field, "ground");
    assert!(message.contains("legal_obligation"), "lists the grounds that apply: {message}");
    let refused = decision(DecisionOutcome::Refused, Some(RefusalGround::LegalObligation), Some("Rent records"));
    let view = app.record_request_event(&cli, &id, refused).unwrap();
    assert_eq!(view.events[0].event.ground, Some(RefusalGround::LegalObligation));
    assert!(app.get_subject(&cli, &marcus).is_ok());
    assert!(app.erasure_tasks(&cli, &id).unwrap().is_empty());
}

#[test]
fn restriction_stops_changes_until_the_dpo_lifts_it_but_rectification_goes_ahead() {
    let (_d, app) = app();
    let cli = Context::cli();
    let caseworker = user(&app, "aisha@example.org", "Aisha Begum", Role::Caseworker);
    let marcus = subject(&app);
    let other = subject(&app);
    let restriction = request(&app, RequestKind::Restriction, &marcus);
    app.record_request_event(&cli, &restriction, decision(DecisionOutcome::Granted, None, None)).unwrap();
    let r = app.restriction(&marcus).unwrap().expect("restricted");
    assert_eq!(r.ground, RestrictionGround::AtRequest);
    assert_eq!(r.request_id.as_deref(), Some(restriction.as_str()));

    let patch = SubjectPatch { family_name: Some("Okafor-Hughes".into()), ..Default::default() };
    let m = conflict(app.update_subject(&cli, &marcus, patch.clone()).unwrap_err());
    assert!(m.contains("restricted") && m.contains("Art 18"), "{m}");
    assert!(!m.contains("Okafor"), "the message holds no personal data");
    assert!(
        conflict(app.link_subjects(&cli, &marcus, &other, LinkKind::Household).unwrap_err()).contains("restricted")
    );

    // Correcting under a rectification request is what the restriction waits for.
    let rect = request(&app, RequestKind::Rectification, &marcus);
    let access = request(&app, RequestKind::Access, &marcus);
    assert_eq!(invalid(app.rectify_subject(&cli, &access, patch.clone()).unwrap_err()).0, "kind");
    let fixed = app.rectify_subject(&cli, &rect, patch).unwrap();
    assert_eq!(fixed.family_name, "Okafor-Hughes");
    let audit = app
        .store()
        .audit_entries(&steward_store::AuditFilter {
            action: Some("subject.update".into()),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    let entry = audit.first().expect("audited");
    assert!(entry.event.detail.contains(&format!("request={rect}")));
    assert!(entry.event.detail.contains("family_name") && !entry.event.detail.contains("Hughes"));

    // Lifting: DPO only, after telling the subject (Art 18(3)).
    assert!(matches!(app.lift_restriction(&caseworker, &marcus, uk_today()), Err(AppError::Forbidden(_))));
    let tomorrow = uk_today() + jiff::Span::new().days(1);
    assert_eq!(invalid(app.lift_restriction(&cli, &marcus, tomorrow).unwrap_err()).0, "informed_on");
    app.lift_restriction(&cli, &marcus, uk_today()).unwrap();
    assert!(matches!(app.lift_restriction(&cli, &marcus, uk_today()), Err(AppError::NotFound(_))));
    let patch = SubjectPatch { given_name: Some("Marc".into()), ..Default::default() };
    assert!(app.update_subject(&cli, &marcus, patch).is_ok());

    // A caseworker may restrict (the safe direction) once they may open the subject.
    app.assign_subject(&cli, &marcus, caseworker.actor.strip_prefix("user:").unwrap()).unwrap();
    app.restrict_subject(&caseworker, &marcus, RestrictionGround::AccuracyContested, None).unwrap();
    assert!(
        conflict(app.restrict_subject(&cli, &marcus, RestrictionGround::ObjectionPending, None).unwrap_err())
            .contains("already")
    );
}

#[test]
fn systems_are_named_once_and_retired_systems_get_no_new_work() {
    let (_d, app) = app();
    let cli = Context::cli();
    let staff = user(&app, "sam@example.org", "Sam Lee", Role::Staff);
    let admin = user(&app, "ade@example.org", "Ade Cole", Role::Admin);
    let id = system(&app, "Shared drive", SystemKind::System, false);
    let dup = NewSystem {
        name: "  Shared drive ".into(),
        kind: SystemKind::System,
        holds_all_subjects: false,
        contact: String::new(),
        notes: String::new(),
        retired: false,
        owner: String::new(),
        location: String::new(),
        hosting_country: String::new(),
        processor_id: String::new(),
        security_measures: String::new(),
    };
    assert_eq!(invalid(app.create_system(&cli, dup.clone()).unwrap_err()).0, "name");
    assert!(matches!(app.create_system(&staff, dup.clone()), Err(AppError::Forbidden(_))));
    assert_eq!(app.systems(&staff).unwrap().len(), 1, "everyone may read the register");
    let blank = NewSystem { name: " ".into(), ..dup.clone() };
    assert_eq!(invalid(app.create_system(&admin, blank).unwrap_err()).0, "name");
    let retired = app.update_system(&admin, &id, NewSystem { retired: true, ..dup }).unwrap();
    assert!(retired.retired_at.is_some());
    let marcus = subject(&app);
    let req = request(&app, RequestKind::Access, &marcus);
    let s = NewSearch {
        system_id: Some(id.clone()),
        system: String::new(),
        searched_on: uk_today(),
        terms: "x".into(),
        hits: 1,
        processor: false,
        answer: None,
    };
    assert_eq!(invalid(app.add_request_search(&cli, &req, s).unwrap_err()).0, "system_id");
}

#[test]
fn a_restricted_persons_file_is_not_added_to_but_their_access_request_is_answered() {
    let (_d, app) = app();
    let cli = Context::cli();
    let marcus = subject(&app);
    let access = request(&app, RequestKind::Access, &marcus);
    app.restrict_subject(&cli, &marcus, RestrictionGround::UnlawfulProcessing, None).unwrap();
    let note = steward_app::records::NewNote { text: "Called about repairs".into(), category: None, source: None };
    let m = conflict(app.add_note(&cli, &marcus, note).unwrap_err());
    assert!(m.contains("adding to their file"), "{m}");
    let built = app.build_pack(&cli, &access).unwrap();
    assert!(built.items >= 2, "the pack still answers their own request");
}

#[test]
fn reasons_and_notes_are_sealed_at_rest() {
    let (_d, app) = app();
    let cli = Context::cli();
    let marcus = subject(&app);
    let id = request(&app, RequestKind::Access, &marcus);
    let asked = RequestEvent { note: Some("Mr Okafor's passport".into()), ..ev(EventKind::IdentityRequested) };
    app.record_request_event(&cli, &id, asked).unwrap();
    let refused =
        decision(DecisionOutcome::Refused, Some(RefusalGround::ManifestlyExcessive), Some("Okafor asked daily"));
    let view = app.record_request_event(&cli, &id, refused).unwrap();
    assert_eq!(view.events[0].event.note.as_deref(), Some("Mr Okafor's passport"));
    assert_eq!(view.events[1].event.reason.as_deref(), Some("Okafor asked daily"));
    let (_, rows) = app.store().request(&id).unwrap().unwrap();
    for r in rows {
        assert!(!r.detail_json.contains("Okafor"), "sealed: {}", r.detail_json);
    }
}
