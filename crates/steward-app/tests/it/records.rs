//! Case notes, documents and response packs under need to know, tested through the
//! application on SQLite: a caseworker works only the people assigned to them, refusals
//! are audited, staff add nothing and read nothing. Fictional data.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{PASSWORD, app};
use steward_app::records::{NewDocument, NewNote};
use steward_app::requests::{NewRequest, uk_today};
use steward_app::{App, AppError, Context};
use steward_core::Role;
use steward_core::request::{Channel, MadeBy, RequestKind};
use steward_core::subject::NewSubject;

fn user(app: &App, email: &str, role: Role) -> Context {
    let u = app.create_user_with_password(&Context::cli(), email, "Casey Worker", role, PASSWORD).unwrap();
    Context::new(format!("user:{}", u.id), role, "r")
}

fn note(text: &str) -> NewNote {
    NewNote { text: text.into(), category: None, source: None }
}

#[test]
fn caseworkers_see_and_add_only_for_people_assigned_to_them() {
    let (_dir, app) = app();
    let cli = Context::cli();
    let s = NewSubject { given_name: "Idris".into(), family_name: "Penhaligon".into(), ..Default::default() };
    let subject = app.create_subject(&cli, s).unwrap().id;
    app.add_note(&cli, &subject, note("Spoke about rent arrears.")).unwrap();
    let input = NewRequest {
        kind: RequestKind::Access,
        received_on: uk_today() - jiff::Span::new().days(2),
        subject_id: Some(subject.clone()),
        channel: Channel::Email,
        region: None,
        made_by: MadeBy::Subject,
        assigned_to: None,
        representative: None,
    };
    let request = app.create_request(&cli, input).unwrap().id;
    let cw = user(&app, "casey@example.org", Role::Caseworker);
    let cw_id = cw.actor.strip_prefix("user:").unwrap().to_string();

    // Not assigned: nothing, and the refusals are audited.
    assert!(matches!(app.notes(&cw, &subject), Err(AppError::Forbidden(_))));
    assert!(matches!(app.add_note(&cw, &subject, note("x")), Err(AppError::Forbidden(_))));
    let doc = NewDocument { filename: "a.pdf".into(), media_type: None, source: None, content: b"%PDF".to_vec() };
    assert!(matches!(app.add_document(&cw, &subject, doc.clone()), Err(AppError::Forbidden(_))));
    assert!(app.build_pack(&cw, &request).is_err());
    assert!(app.pack_review(&cw, &request).is_err());
    let denied = app
        .store()
        .audit_entries(&steward_store::AuditFilter { limit: 500, ..Default::default() })
        .unwrap()
        .into_iter()
        .filter(|r| r.event.actor == cw.actor && r.event.outcome == "denied")
        .count();
    assert!(denied >= 3, "refusals are audited ({denied})");

    // Assigned: they read, add and build.
    app.assign_subject(&cli, &subject, &cw_id).unwrap();
    assert_eq!(app.notes(&cw, &subject).unwrap().len(), 1);
    app.add_note(&cw, &subject, note("Visited; all well.")).unwrap();
    app.add_document(&cw, &subject, doc).unwrap();
    let pack = app.build_pack(&cw, &request).unwrap();
    assert_eq!(pack.items, 1 + 2 + 1 + 1);

    // Staff log things but neither read nor add case notes.
    let staff = user(&app, "sam@example.org", Role::Staff);
    assert!(matches!(app.notes(&staff, &subject), Err(AppError::Forbidden(_))));
    assert!(matches!(app.add_note(&staff, &subject, note("x")), Err(AppError::Forbidden(_))));
}
