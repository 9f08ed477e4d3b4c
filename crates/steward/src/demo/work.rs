//! A few demo requests whose outcomes show what Steward does with them: an approved erasure with its tasks part
//! confirmed, a granted restriction, an open rectification and a legal hold. All fictional.

use super::registers::SYSTEMS;
use jiff::ToSpan;
use jiff::civil::Date;
use steward_app::erasure::{NewHold, TaskConfirmation, TaskStatus};
use steward_app::requests::NewRequest;
use steward_app::{App, AppResult, Context};
use steward_core::request::{Channel, DecisionOutcome, EventKind, MadeBy, RequestEvent, RequestKind};

fn request(app: &App, kind: RequestKind, subject: &str, received: Date, channel: Channel) -> AppResult<String> {
    let input = NewRequest {
        kind,
        received_on: received,
        subject_id: Some(subject.into()),
        channel,
        region: None,
        made_by: MadeBy::Subject,
        assigned_to: None,
        representative: None,
    };
    Ok(app.create_request(&Context::cli(), input)?.id)
}

fn event(kind: EventKind, on: Date) -> RequestEvent {
    RequestEvent { kind, on, reason: None, outcome: None, ground: None, note: None }
}

/// Add the example requests about `subjects` (at least four needed), naming the
/// systems of the demo register (`ids`, in the order of [`SYSTEMS`]).
pub fn seed(app: &App, subjects: &[String], ids: &[String], today: Date) -> AppResult<()> {
    let ctx = Context::cli();
    let [erased, restricted, corrected, held, rest @ ..] = subjects else { return Ok(()) };
    let day = |n: i64| today.checked_sub(n.days()).unwrap_or(today);

    // An erasure approved twelve days ago: shredded, with tasks for the systems holding
    // everyone's data and the repairs contractor the search found, two confirmed.
    let erasure = request(app, RequestKind::Erasure, erased, day(20), Channel::Email)?;
    let search = steward_app::checklists::NewSearch {
        system_id: Some(ids[6].clone()),
        system: String::new(),
        searched_on: day(15),
        terms: "Name, address and phone".into(),
        hits: 4,
        processor: true,
        answer: Some("Four repair jobs found; will delete on instruction.".into()),
    };
    app.add_request_search(&ctx, &erasure, search)?;
    let approve = RequestEvent { outcome: Some(DecisionOutcome::Granted), ..event(EventKind::Decision, day(12)) };
    app.record_request_event(&ctx, &erasure, approve)?;
    for (n, t) in app.erasure_tasks(&ctx, &erasure)?.into_iter().enumerate().take(2) {
        let c = TaskConfirmation {
            status: TaskStatus::Erased,
            confirmed_on: day(10 - i64::try_from(n).unwrap_or(0)),
            note: "Confirmed by email; ticket closed".into(),
        };
        app.confirm_erasure_task(&ctx, &erasure, &t.id, c)?;
    }

    // A restriction granted while a disputed rent record is checked.
    let restriction = request(app, RequestKind::Restriction, restricted, day(9), Channel::Phone)?;
    let grant = RequestEvent { outcome: Some(DecisionOutcome::Granted), ..event(EventKind::Decision, day(8)) };
    app.record_request_event(&ctx, &restriction, grant)?;

    // An open rectification request, and a legal hold on a tenant in a disrepair claim.
    request(app, RequestKind::Rectification, corrected, day(3), Channel::Letter)?;
    let hold = NewHold {
        subject_id: Some(held.clone()),
        reason: "Disrepair claim: county court proceedings".into(),
        approved_by: "Director of Housing".into(),
        ..Default::default()
    };
    app.place_hold(&ctx, hold)?;

    let mailbox = SYSTEMS.iter().position(|s| s.name == "Email (Microsoft 365)").and_then(|i| ids.get(i));
    if let (Some(asker), Some(mailbox)) = (rest.first(), mailbox) {
        searched_access_request(app, mailbox, asker, day(6))?;
    }
    Ok(())
}

/// An access request whose lettings mailbox was searched: the person found in two
/// messages, one chosen for the pack with its redactions decided, one still to review.
fn searched_access_request(app: &App, system: &str, subject: &str, received: Date) -> AppResult<()> {
    let ctx = Context::cli();
    let access = request(app, RequestKind::Access, subject, received, Channel::Email)?;
    let person = app.get_subject(&ctx, subject)?;
    let name = format!("{} {}", person.given_name, person.family_name);
    let email = person.emails.first().cloned().unwrap_or_else(|| "tenant@example.org".into());
    let mbox = format!(
        "From lettings@example.org Mon Mar  2 09:00:00 2026\n\
         From: Lettings <lettings@example.org>\nTo: {email}\nSubject: Noise report\n\
         Message-ID: <noise-2031@lettings.example.org>\n\n\
         Dear {name},\n\nThank you for reporting the noise. Your neighbour Gareth Pritchard at flat 4 \
         has been spoken to; his number is 07700 900318 if the music starts again.\n\nLettings team\n\n\
         From lettings@example.org Tue Mar  3 10:00:00 2026\n\
         From: Lettings <lettings@example.org>\nTo: repairs@example.org\nSubject: Boiler at flat 2\n\
         Message-ID: <boiler-2032@lettings.example.org>\n\n\
         {name} says the boiler is still not working. Contractor Imogen Fairweather will call on \
         07700 900552 to book a visit.\n\n\
         From lettings@example.org Wed Mar  4 11:00:00 2026\n\
         From: Lettings <lettings@example.org>\nTo: all-staff@example.org\nSubject: Office closure\n\
         Message-ID: <closure-2033@lettings.example.org>\n\nThe office closes at noon on Friday.\n"
    );
    let scan = steward_app::scans::NewScan {
        system_id: Some(system.into()),
        system: String::new(),
        files: vec![steward_app::scans::ScanFile { name: "lettings-team.mbox".into(), bytes: mbox.into_bytes() }],
    };
    let summary = app.run_request_scan(&ctx, &access, scan)?;
    let view = app.request_scan(&ctx, &access, &summary.id)?;
    if let Some(first) = view.documents.first() {
        let review = steward_app::scans::ScanDocumentReview {
            included: Some(true),
            all: Some(steward_app::scans::RedactionDecision::Accept),
            decisions: Vec::new(),
        };
        app.review_scan_document(&ctx, &access, &summary.id, &first.id, review)?;
    }
    Ok(())
}
