//! Searching files from a request, through the application on SQLite: the search records
//! itself in the search log with kinds of identifier (never their values), documents
//! where the subject is found are kept with proposed redactions of other people's data,
//! a reviewer decides each before a pack is built, the pack carries the redacted text,
//! and erasure takes everything with it. Fictional people throughout.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::app;
use std::io::Read as _;
use steward_app::requests::{NewRequest, uk_today};
use steward_app::scans::{NewScan, ProposalDecision, RedactionDecision, ScanDocumentReview, ScanFile};
use steward_app::{App, AppError, Context};
use steward_core::request::{Channel, MadeBy, RequestKind};
use steward_core::subject::{Address, Identifiers, NewSubject};

fn subject(app: &App) -> String {
    let s = NewSubject {
        given_name: "Rosalind".into(),
        family_name: "Achterberg".into(),
        other_names: vec!["Roz Achterberg".into()],
        emails: vec!["roz.achterberg@example.org".into()],
        phones: vec!["07700 900461".into()],
        addresses: vec![Address { lines: vec!["14 Quarry Lane".into()], postcode: Some("LS6 2AB".into()) }],
        identifiers: Identifiers {
            ni_number: Some("JT 12 34 56 C".into()),
            tenancy_number: Some("TEN-448120".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    app.create_subject(&Context::cli(), s).unwrap().id
}

fn request(app: &App, kind: RequestKind, subject: &str) -> String {
    let input = NewRequest {
        kind,
        received_on: uk_today() - jiff::Span::new().days(3),
        subject_id: Some(subject.into()),
        channel: Channel::Email,
        region: None,
        made_by: MadeBy::Subject,
        assigned_to: None,
        representative: None,
    };
    app.create_request(&Context::cli(), input).unwrap().id
}

const MBOX: &str = "From housing@example.org Mon Mar  2 09:00:00 2026\n\
From: Housing Team <housing@example.org>\n\
To: roz.achterberg@example.org\n\
Subject: Repairs visit\n\
Message-ID: <repairs-1@example.org>\n\
Date: Mon, 2 Mar 2026 09:00:00 +0000\n\
\n\
Dear Ms Achterberg,\n\
\n\
Our surveyor Peter Okafor will call on 07700 900123 before visiting 14 Quarry Lane.\n\
Your tenancy reference is TEN-448120.\n\
\n\
From housing@example.org Tue Mar  3 10:00:00 2026\n\
From: Housing Team <housing@example.org>\n\
To: gwen.treharne@example.net\n\
Subject: Garden waste\n\
Message-ID: <garden-2@example.org>\n\
Date: Tue, 3 Mar 2026 10:00:00 +0000\n\
\n\
Dear Mrs Treharne, the garden waste collection moves to Thursdays.\n";

fn files() -> Vec<ScanFile> {
    vec![
        ScanFile { name: "../../shared/housing.mbox".into(), bytes: MBOX.as_bytes().to_vec() },
        ScanFile {
            name: "case-notes.txt".into(),
            bytes: b"Call from R. Achterberg (NI JT123456C) about damp. Neighbour Callum Birtwhistle complained too.\n"
                .to_vec(),
        },
        ScanFile { name: "unrelated.txt".into(), bytes: b"Minutes of the boiler working group.\n".to_vec() },
        ScanFile { name: "broken.pdf".into(), bytes: b"%PDF-1.7\nthis is not a PDF at all".to_vec() },
    ]
}

fn scan(app: &App, request: &str) -> steward_app::scans::ScanSummary {
    let input = NewScan { system: "Housing shared mailbox".into(), files: files(), ..Default::default() };
    app.run_request_scan(&Context::cli(), request, input).unwrap()
}

fn invalid(e: AppError) -> (String, String) {
    match e {
        AppError::Invalid(f) => (f.field, f.message),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn a_search_finds_the_subject_logs_itself_and_keeps_only_documents_that_mention_them() {
    let (_d, app) = app();
    let cli = Context::cli();
    let roz = subject(&app);
    let access = request(&app, RequestKind::Access, &roz);
    let summary = scan(&app, &access);
    // Two messages, two text files read; the broken PDF reported, not silently dropped.
    assert_eq!(summary.documents, 4, "{summary:?}");
    assert_eq!(summary.skipped, 1);
    assert_eq!(summary.found_documents, 2, "the repairs message and the case note");
    assert!(summary.subject_hits >= 4, "{summary:?}");
    assert!(summary.third_party >= 2, "Peter Okafor, his phone, Callum Birtwhistle: {summary:?}");

    // The search log has the entry, by kind of identifier, never the values.
    let log = app.request_searches(&cli, &access).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].system, "Housing shared mailbox");
    assert_eq!(log[0].hits, 2);
    assert_eq!(log[0].searched_on, uk_today().to_string());
    for value in ["Rosalind", "Achterberg", "roz.", "JT 12", "TEN-448120", "LS6"] {
        assert!(!log[0].terms.contains(value), "{}", log[0].terms);
    }
    assert!(log[0].terms.contains("1 NI number") && log[0].terms.contains("1 email address"), "{}", log[0].terms);

    // The detail: hits, proposals (never the subject's own data), what was skipped.
    let view = app.request_scan(&cli, &access, &summary.id).unwrap();
    assert_eq!(view.files, vec!["housing.mbox", "case-notes.txt", "unrelated.txt", "broken.pdf"]);
    assert_eq!(view.skipped_inputs.len(), 1);
    assert_eq!(view.skipped_inputs[0].source, "broken.pdf");
    let repairs = view.documents.iter().find(|d| d.source.contains("repairs-1")).expect("the repairs message");
    let hit_entities: Vec<&str> = repairs.hits.iter().map(|h| h.entity.as_str()).collect();
    assert!(hit_entities.contains(&"PERSON") && hit_entities.contains(&"EMAIL_ADDRESS"), "{hit_entities:?}");
    assert!(hit_entities.contains(&"REFERENCE"), "the tenancy number: {hit_entities:?}");
    let proposed: Vec<&str> = repairs.proposals.iter().map(|p| p.text.as_str()).collect();
    assert!(proposed.iter().any(|t| t.contains("Peter Okafor")), "{proposed:?}");
    assert!(proposed.iter().any(|t| t.contains("900123")), "{proposed:?}");
    for own in ["Achterberg", "roz.achterberg@example.org", "TEN-448120", "900461"] {
        assert!(!proposed.iter().any(|t| t.contains(own)), "the subject's own data is never proposed: {proposed:?}");
    }
    assert!(repairs.proposals.iter().all(|p| p.decision == RedactionDecision::Undecided));
    assert!(repairs.redacted_html.contains("<mark"), "{}", repairs.redacted_html);

    // Audit entries carry ids and counts, nothing personal; the view is audited.
    let audit = app.store().audit_entries(&steward_store::AuditFilter { limit: 500, ..Default::default() }).unwrap();
    assert!(audit.iter().any(|r| r.event.action == "request.scan"));
    assert!(audit.iter().any(|r| r.event.action == "request.scan_view"));
    for r in &audit {
        for value in ["Achterberg", "Okafor", "roz.", "JT 12", "housing.mbox", "case-notes"] {
            assert!(!r.event.detail.contains(value), "audit detail leaks {value}: {}", r.event.detail);
        }
    }
}

#[test]
fn chosen_documents_join_the_pack_only_once_every_redaction_is_decided() {
    let (_d, app) = app();
    let cli = Context::cli();
    let roz = subject(&app);
    let access = request(&app, RequestKind::Access, &roz);
    let summary = scan(&app, &access);
    // Nothing chosen: the pack builds as before.
    app.build_pack(&cli, &access).unwrap();

    let view = app.request_scan(&cli, &access, &summary.id).unwrap();
    let repairs = view.documents.iter().find(|d| d.source.contains("repairs-1")).unwrap();
    let include = ScanDocumentReview { included: Some(true), ..Default::default() };
    let now = app.review_scan_document(&cli, &access, &summary.id, &repairs.id, include).unwrap();
    assert!(now.included);
    let (field, message) = invalid(app.build_pack(&cli, &access).unwrap_err());
    assert_eq!(field, "scans");
    assert!(message.contains("not yet reviewed"), "{message}");
    assert_eq!(app.request_scans(&cli, &access).unwrap()[0].undecided, repairs.proposals.len() as i64);

    // Redact everything, then disclose the surveyor's name (a member of staff acting in
    // their role, whose name may be given).
    let okafor = repairs.proposals.iter().find(|p| p.text.contains("Peter Okafor")).unwrap().index;
    let all = ScanDocumentReview { all: Some(RedactionDecision::Accept), ..Default::default() };
    app.review_scan_document(&cli, &access, &summary.id, &repairs.id, all).unwrap();
    let one = ScanDocumentReview {
        decisions: vec![ProposalDecision { proposal: okafor, decision: RedactionDecision::Reject }],
        ..Default::default()
    };
    let doc = app.review_scan_document(&cli, &access, &summary.id, &repairs.id, one).unwrap();
    assert_eq!(doc.undecided, 0);
    assert!(doc.redacted_text.contains("Peter Okafor"));
    assert!(!doc.redacted_text.contains("900123"));

    let pack = app.build_pack(&cli, &access).unwrap();
    let (_, zip) = app.download_pack(&cli, &access, &pack.id).unwrap();
    let mut outer = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut inner = Vec::new();
    outer.by_name_decrypt("documents.zip", pack.passphrase.as_bytes()).unwrap().read_to_end(&mut inner).unwrap();
    let mut data = String::new();
    outer.by_name_decrypt("data.json", pack.passphrase.as_bytes()).unwrap().read_to_string(&mut data).unwrap();
    assert!(data.contains("\"kind\": \"found\"") && data.contains("third_party"), "{data}");
    let mut docs = zip::ZipArchive::new(std::io::Cursor::new(inner)).unwrap();
    let name = (0..docs.len())
        .map(|i| docs.by_index(i).unwrap().name().unwrap().to_string())
        .find(|n| n.starts_with("found-0001-"))
        .expect("the found document");
    let mut text = String::new();
    docs.by_name(&name).unwrap().read_to_string(&mut text).unwrap();
    assert!(text.contains("Dear Ms Achterberg"), "the subject's own data stays: {text}");
    assert!(text.contains("Peter Okafor"), "rejected proposals are disclosed: {text}");
    assert!(!text.contains("07700 900123"), "accepted proposals are redacted: {text}");
    assert!(text.contains("redacted — DPA 2018 Sch 2 Pt 3 para 16]"), "labelled with type and exemption: {text}");
}

#[test]
fn bad_input_is_refused_with_the_field_named() {
    let (_d, app) = app();
    let cli = Context::cli();
    let roz = subject(&app);
    let access = request(&app, RequestKind::Access, &roz);
    let erasure = request(&app, RequestKind::Erasure, &roz);

    let (field, _) = invalid(
        app.run_request_scan(&cli, &access, NewScan { system: "Drive".into(), ..Default::default() }).unwrap_err(),
    );
    assert_eq!(field, "files");
    let nameless = NewScan { files: files(), ..Default::default() };
    assert_eq!(invalid(app.run_request_scan(&cli, &access, nameless).unwrap_err()).0, "system");
    let unknown_system = NewScan { system_id: Some("no-such-system".into()), files: files(), ..Default::default() };
    assert_eq!(invalid(app.run_request_scan(&cli, &access, unknown_system).unwrap_err()).0, "system_id");
    assert!(matches!(
        app.run_request_scan(
            &cli,
            "no-such-request",
            NewScan { system: "Drive".into(), files: files(), ..Default::default() }
        ),
        Err(AppError::NotFound(_))
    ));
    let unlinked = {
        let input = NewRequest {
            kind: RequestKind::Access,
            received_on: uk_today(),
            subject_id: None,
            channel: Channel::Email,
            region: None,
            made_by: MadeBy::Subject,
            assigned_to: None,
            representative: None,
        };
        app.create_request(&cli, input).unwrap().id
    };
    let (field, _) = invalid(
        app.run_request_scan(&cli, &unlinked, NewScan { system: "Drive".into(), files: files(), ..Default::default() })
            .unwrap_err(),
    );
    assert_eq!(field, "subject_id");
    assert!(app.request_searches(&cli, &unlinked).unwrap().is_empty(), "nothing half-written");

    let summary = scan(&app, &erasure);
    let view = app.request_scan(&cli, &erasure, &summary.id).unwrap();
    let d = &view.documents[0];
    let include = ScanDocumentReview { included: Some(true), ..Default::default() };
    assert_eq!(
        invalid(app.review_scan_document(&cli, &erasure, &summary.id, &d.id, include).unwrap_err()).0,
        "included"
    );
    let out_of_range = ScanDocumentReview {
        decisions: vec![ProposalDecision { proposal: 9_999, decision: RedactionDecision::Accept }],
        ..Default::default()
    };
    assert_eq!(
        invalid(app.review_scan_document(&cli, &erasure, &summary.id, &d.id, out_of_range).unwrap_err()).0,
        "decisions"
    );
    assert!(
        matches!(app.request_scan(&cli, &access, &summary.id), Err(AppError::NotFound(_))),
        "another request's search"
    );
    assert!(matches!(
        app.review_scan_document(&cli, &erasure, &summary.id, "no-such-document", ScanDocumentReview::default()),
        Err(AppError::NotFound(_))
    ));
}

#[test]
fn erasing_the_subject_takes_the_kept_documents_with_it() {
    let (_d, app) = app();
    let cli = Context::cli();
    let roz = subject(&app);
    let access = request(&app, RequestKind::Access, &roz);
    let summary = scan(&app, &access);
    assert_eq!(app.store().scan_documents(&summary.id).unwrap().len(), 2);
    app.erase_subject(&cli, &roz, "erasure_request", None).unwrap();
    assert!(app.store().scan_documents(&summary.id).unwrap().is_empty());
    assert!(app.store().request_scans(&access).unwrap().is_empty());
    // The search log entry stays (the request's record of what was searched), holding
    // no values of the erased person.
    assert_eq!(app.request_searches(&cli, &access).unwrap().len(), 1);
}

/// The scanner's review uses the person's recorded special-category data (UK GDPR Art
/// 9): a health cue in a document found for someone with health data on record is
/// marked as possibly theirs, for a reviewer who may see such data (and that use is
/// audited); a reviewer who may not is told nothing about what is recorded.
#[test]
fn special_category_cues_the_person_has_on_record_are_marked_as_possibly_theirs() {
    let (_d, app) = app();
    let cli = Context::cli();
    let id = subject(&app);
    let health: steward_core::subject::SubjectPatch =
        serde_json::from_value(serde_json::json!({"special_category": {"health": "Asthma; uses an inhaler"}})).unwrap();
    app.update_subject(&cli, &id, health).unwrap();
    let access = request(&app, RequestKind::Access, &id);
    let input = NewScan {
        system: "Housing shared mailbox".into(),
        files: vec![ScanFile {
            name: "visit.txt".into(),
            bytes: b"Visit to Rosalind Achterberg at 14 Quarry Lane: medication kept by the door.\n".to_vec(),
        }],
        ..Default::default()
    };
    let scan = app.run_request_scan(&cli, &access, input).unwrap();
    let before = app
        .store()
        .audit_entries(&steward_store::AuditFilter {
            action: Some("subject.view_special_category".into()),
            limit: 50,
            ..Default::default()
        })
        .unwrap()
        .len();
    let view = app.request_scan(&cli, &access, &scan.id).unwrap();
    let cue = view.documents[0].proposals.iter().find(|p| p.entity == "SPECIAL_CATEGORY").expect("a health cue");
    assert!(cue.why.contains("(health)") && cue.why.contains("on their record"), "{}", cue.why);
    let after = app
        .store()
        .audit_entries(&steward_store::AuditFilter {
            action: Some("subject.view_special_category".into()),
            limit: 50,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(after.len(), before + 1);
    assert!(after[0].event.detail.starts_with("via=scan"), "{}", after[0].event.detail);

    // A reviewer without special-category access sees the cue, and nothing of the record.
    let untrained = Context::new("user:reviewer", steward_core::Role::Dpo, "r");
    let view = app.request_scan(&untrained, &access, &scan.id).unwrap();
    let cue = view.documents[0].proposals.iter().find(|p| p.entity == "SPECIAL_CATEGORY").expect("a health cue");
    assert!(!cue.why.contains("record"), "{}", cue.why);
}
